//! Pending authorization requests, authorization codes, consents and the clients served in
//! each browser session.
use sqlx::FromRow;

pub use super::token_rows::CodeRow;
use super::{Db, Store, StoreResult, execute_count, on_db, sqlite_scripts};
use crate::domain::clock::Millis;

#[derive(Debug, Clone, FromRow)]
pub struct PendingRow {
    pub pending_id: String,
    pub client_id: String,
    pub params: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What redeeming a code found.
#[derive(Debug)]
pub enum Redemption {
    /// First use: the code's bindings.
    Fresh(Box<CodeRow>),
    /// The code was used before by its own client (its grant should be revoked).
    Replayed { grant_id: String },
    /// The code belongs to another client: nothing was spent or revoked.
    OtherClient,
    /// No such code, or its grant was revoked.
    Unknown,
}

impl Store {
    pub async fn insert_pending(&self, p: &PendingRow) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO pending_authorization (pending_id, client_id, params, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)";
        execute_count!(
            self,
            SQL,
            &p.pending_id,
            &p.client_id,
            &p.params,
            p.created_at,
            p.expires_at
        )?;
        Ok(())
    }

    pub async fn pending(&self, pending_id: &str, now: Millis) -> StoreResult<Option<PendingRow>> {
        if !crate::domain::secret::is_random_id(pending_id) {
            return Ok(None);
        }
        const SQL: &str = "SELECT pending_id, client_id, params, created_at, expires_at \
             FROM pending_authorization WHERE pending_id = $1 AND expires_at > $2";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(pending_id)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn delete_pending(&self, pending_id: &str) -> StoreResult<()> {
        const SQL: &str = "DELETE FROM pending_authorization WHERE pending_id = $1";
        execute_count!(self, SQL, pending_id)?;
        Ok(())
    }

    /// Stores a code and the grant it starts, in one transaction.
    pub async fn insert_code(&self, c: &CodeRow) -> StoreResult<()> {
        const GRANT: &str = "INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, created_at) \
             VALUES ($1, $2, $3, $4, $5)";
        const SQL: &str = "INSERT INTO authorization_code (code_hash, grant_id, client_id, user_id, sid, \
             redirect_uri, scopes, nonce, code_challenge, auth_time, amr, created_at, expires_at, \
             resources) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
        if let Db::Sqlite(pool) = &self.db {
            let _turn = self.write_turn().await;
            return Ok(sqlite_scripts::insert_code(pool, c).await?);
        }
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            execute_count!(
                on &mut *tx,
                GRANT,
                &c.grant_id,
                &c.client_id,
                c.user_id,
                &c.sid,
                c.created_at
            )?;
            execute_count!(
                on &mut *tx,
                SQL,
                &c.code_hash,
                &c.grant_id,
                &c.client_id,
                c.user_id,
                &c.sid,
                &c.redirect_uri,
                &c.scopes,
                &c.nonce,
                &c.code_challenge,
                c.auth_time,
                &c.amr,
                c.created_at,
                c.expires_at,
                &c.resources
            )?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// The resources granted with an unspent code of `client_id` (one per line), if there is
    /// such a code: read before spending it, for a client that has resources.
    pub async fn code_resources(
        &self,
        code_hash: &[u8],
        client_id: &str,
    ) -> StoreResult<Option<String>> {
        const SQL: &str = "SELECT resources FROM authorization_code \
             WHERE code_hash = $1 AND client_id = $2 AND redeemed_at IS NULL";
        let row: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(code_hash)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|(r,)| r))
    }

    /// Spends a code of `client_id` with one conditional UPDATE, so two concurrent redemptions
    /// can never both succeed (RFC 6749 §4.1.2, RFC 9700 §4.2.4). Only the code's own client
    /// can spend it or, by replaying it, revoke its grant; a code whose grant was revoked is
    /// unknown. Expiry is the caller's check.
    pub async fn redeem_code(
        &self,
        code_hash: &[u8],
        client_id: &str,
        now: Millis,
    ) -> StoreResult<Redemption> {
        const SPEND: &str = "UPDATE authorization_code SET redeemed_at = $2 \
             WHERE code_hash = $1 AND client_id = $3 AND redeemed_at IS NULL \
             AND EXISTS (SELECT 1 FROM oauth_grant g \
             WHERE g.grant_id = authorization_code.grant_id AND g.revoked_at IS NULL) \
             RETURNING code_hash, grant_id, client_id, user_id, sid, redirect_uri, scopes, nonce, \
             code_challenge, auth_time, amr, created_at, expires_at, resources";
        const USED: &str =
            "SELECT grant_id, client_id, redeemed_at FROM authorization_code WHERE code_hash = $1";
        let fresh: Option<CodeRow> = {
            let _turn = self.write_turn().await;
            on_db!(self, |pool| sqlx::query_as(SPEND)
                .bind(code_hash)
                .bind(now)
                .bind(client_id)
                .fetch_optional(pool)
                .await)?
        };
        if let Some(row) = fresh {
            return Ok(Redemption::Fresh(Box::new(row)));
        }
        let used: Option<(String, String, Option<i64>)> =
            on_db!(self, |pool| sqlx::query_as(USED)
                .bind(code_hash)
                .fetch_optional(pool)
                .await)?;
        Ok(match used {
            Some((_, owner, _)) if owner != client_id => Redemption::OtherClient,
            Some((grant_id, _, Some(_))) => Redemption::Replayed { grant_id },
            _ => Redemption::Unknown,
        })
    }

    /// The scopes the person already allowed this client, if any.
    pub async fn consent(&self, user_id: i64, client_id: &str) -> StoreResult<Option<String>> {
        const SQL: &str = "SELECT scopes FROM consent WHERE user_id = $1 AND client_id = $2";
        let row: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| r.0))
    }

    pub async fn save_consent(
        &self,
        user_id: i64,
        client_id: &str,
        scopes: &str,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO consent (user_id, client_id, scopes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = $3, updated_at = $4";
        execute_count!(self, SQL, user_id, client_id, scopes, now)?;
        Ok(())
    }

    /// Records that `client_id` received tokens in browser session `sid`.
    pub async fn record_session_client(
        &self,
        sid: &str,
        client_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO session_client (sid, client_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (sid, client_id) DO NOTHING";
        execute_count!(self, SQL, sid, client_id, now)?;
        Ok(())
    }

    pub async fn session_clients(&self, sid: &str) -> StoreResult<Vec<String>> {
        const SQL: &str = "SELECT client_id FROM session_client WHERE sid = $1 ORDER BY created_at";
        let rows: Vec<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(sid)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The applications a person has allowed, with what and since when.
    pub async fn consents_of_user(&self, user_id: i64) -> StoreResult<Vec<ConsentRow>> {
        const SQL: &str = "SELECT c.client_id, COALESCE(cl.name, c.client_id) AS client_name, \
             COALESCE(cl.home_uri, '') AS home_uri, c.scopes, c.created_at, c.updated_at \
             FROM consent c LEFT JOIN client cl ON cl.client_id = c.client_id \
             WHERE c.user_id = $1 ORDER BY c.updated_at DESC";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// "Remove access": forgets the consent and revokes every token `client_id` holds for the
    /// person, in one transaction. Returns whether there was a consent.
    pub async fn remove_client_access(
        &self,
        user_id: i64,
        client_id: &str,
        now: Millis,
    ) -> StoreResult<bool> {
        const CONSENT: &str = "DELETE FROM consent WHERE user_id = $1 AND client_id = $2";
        const GRANTS: &str = "UPDATE oauth_grant SET revoked_at = $3 \
             WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL";
        const TOKENS: [&str; 3] = [
            "DELETE FROM refresh_token WHERE user_id = $1 AND client_id = $2",
            "DELETE FROM access_token WHERE user_id = $1 AND client_id = $2",
            "DELETE FROM authorization_code WHERE user_id = $1 AND client_id = $2",
        ];
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let had = execute_count!(on &mut *tx, CONSENT, user_id, client_id)?;
            execute_count!(on &mut *tx, GRANTS, user_id, client_id, now)?;
            for sql in TOKENS {
                execute_count!(on &mut *tx, sql, user_id, client_id)?;
            }
            tx.commit().await?;
            Ok(had > 0)
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct ConsentRow {
    pub client_id: String,
    pub client_name: String,
    pub home_uri: String,
    pub scopes: String,
    pub created_at: i64,
    pub updated_at: i64,
}
