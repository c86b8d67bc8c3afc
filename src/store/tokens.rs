//! Access and refresh tokens (opaque; only SHA-256 stored). A grant id ties together everything
//! one authorization produced, so a replayed code or a reused refresh token revokes it all.
use sqlx::FromRow;

use super::{Store, StoreResult, on_db};
use crate::domain::clock::Millis;

#[derive(Debug, Clone, FromRow)]
pub struct AccessTokenRow {
    pub token_hash: Vec<u8>,
    pub grant_id: Option<String>,
    pub client_id: String,
    pub user_id: Option<i64>,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct RefreshTokenRow {
    pub token_hash: Vec<u8>,
    pub grant_id: String,
    pub client_id: String,
    pub user_id: i64,
    pub sid: String,
    pub scopes: String,
    pub auth_time: i64,
    pub amr: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What presenting a refresh token found.
#[derive(Debug)]
pub enum RefreshUse {
    /// Current and now rotated out (the caller issues its successor).
    Rotated(Box<RefreshTokenRow>),
    /// Already rotated before: a replay, whose family should be revoked.
    Reused {
        grant_id: String,
    },
    Unknown,
}

impl Store {
    pub async fn insert_access_token(&self, t: &AccessTokenRow) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO access_token (token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_db!(self, |pool| sqlx::query(SQL)
            .bind(&t.token_hash)
            .bind(&t.grant_id)
            .bind(&t.client_id)
            .bind(t.user_id)
            .bind(&t.scopes)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A live access token.
    pub async fn access_token(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<AccessTokenRow>> {
        const SQL: &str = "SELECT token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at \
             FROM access_token WHERE token_hash = $1 AND expires_at > $2";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn insert_refresh_token(&self, t: &RefreshTokenRow) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO refresh_token (token_hash, grant_id, client_id, user_id, sid, scopes, \
             auth_time, amr, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on_db!(self, |pool| sqlx::query(SQL)
            .bind(&t.token_hash)
            .bind(&t.grant_id)
            .bind(&t.client_id)
            .bind(t.user_id)
            .bind(&t.sid)
            .bind(&t.scopes)
            .bind(t.auth_time)
            .bind(&t.amr)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Rotates a refresh token out with one conditional UPDATE (concurrent uses: one wins, the
    /// other is a reuse). Expiry and client binding are the caller's checks.
    pub async fn use_refresh_token(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<RefreshUse> {
        const ROTATE: &str = "UPDATE refresh_token SET rotated_at = $2 \
             WHERE token_hash = $1 AND rotated_at IS NULL \
             RETURNING token_hash, grant_id, client_id, user_id, sid, scopes, auth_time, amr, created_at, expires_at";
        const SEEN: &str = "SELECT grant_id FROM refresh_token WHERE token_hash = $1";
        let row: Option<RefreshTokenRow> = on_db!(self, |pool| sqlx::query_as(ROTATE)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        if let Some(r) = row {
            return Ok(RefreshUse::Rotated(Box::new(r)));
        }
        let seen: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SEEN)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?;
        Ok(match seen {
            Some((grant_id,)) => RefreshUse::Reused { grant_id },
            None => RefreshUse::Unknown,
        })
    }

    /// A refresh token without using it (introspection, revocation).
    pub async fn refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<(RefreshTokenRow, bool)>> {
        const SQL: &str = "SELECT token_hash, grant_id, client_id, user_id, sid, scopes, auth_time, amr, \
             created_at, expires_at, rotated_at FROM refresh_token WHERE token_hash = $1";
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            token: RefreshTokenRow,
            rotated_at: Option<i64>,
        }
        let row: Option<Row> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| (r.token, r.rotated_at.is_none())))
    }

    /// Revokes everything a grant produced: its access tokens and its refresh-token family.
    pub async fn revoke_grant(&self, grant_id: &str) -> StoreResult<u64> {
        const STATEMENTS: [&str; 2] = [
            "DELETE FROM access_token WHERE grant_id = $1",
            "DELETE FROM refresh_token WHERE grant_id = $1",
        ];
        let mut n = 0;
        for sql in STATEMENTS {
            n += on_db!(self, |pool| sqlx::query(sql)
                .bind(grant_id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(n)
    }

    /// Deletes one access token; returns whether it existed.
    pub async fn delete_access_token(&self, token_hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM access_token WHERE token_hash = $1";
        let n = on_db!(self, |pool| sqlx::query(SQL)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Revokes every grant of a user that came from browser session `sid` (at logout).
    pub async fn revoke_session_grants(&self, sid: &str) -> StoreResult<u64> {
        const GRANTS: &str = "SELECT DISTINCT grant_id FROM refresh_token WHERE sid = $1";
        let grants: Vec<(String,)> = on_db!(self, |pool| sqlx::query_as(GRANTS)
            .bind(sid)
            .fetch_all(pool)
            .await)?;
        let mut n = 0;
        for (g,) in grants {
            n += self.revoke_grant(&g).await?;
        }
        Ok(n)
    }
}
