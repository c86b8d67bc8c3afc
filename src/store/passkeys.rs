//! Passkeys (`passkey`) and the WebAuthn ceremonies between their two requests
//! (`webauthn_ceremony`). The store keeps the verifier's records as JSON and never interprets
//! them; `accounts::factors::passkey` does. Finishing a ceremony takes its row in one
//! `DELETE … RETURNING`, so a challenge is answered once even with two nodes racing.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// A person's passkey as stored.
#[derive(Debug, Clone, FromRow)]
pub struct PasskeyRow {
    pub passkey_id: i64,
    pub user_id: i64,
    pub credential_id: Vec<u8>,
    pub name: String,
    /// The verifier's record (JSON).
    pub credential: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
}

/// A ceremony waiting for the browser's answer.
#[derive(Debug, Clone, FromRow)]
pub struct Ceremony {
    pub ceremony_hash: Vec<u8>,
    /// `register`, `second_step` or `discover`.
    pub purpose: String,
    pub user_id: Option<i64>,
    /// The verifier's state (JSON).
    pub state: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

impl Store {
    /// Adds a passkey; `false` when its credential id is already registered (to anyone).
    pub async fn insert_passkey(
        &self,
        user_id: i64,
        credential_id: &[u8],
        name: &str,
        credential: &str,
        now: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO passkey (user_id, credential_id, name, credential, \
             created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id) DO NOTHING";
        Ok(execute_count!(self, SQL, user_id, credential_id, name, credential, now)? == 1)
    }

    /// The person's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: i64) -> StoreResult<Vec<PasskeyRow>> {
        const SQL: &str = "SELECT passkey_id, user_id, credential_id, name, credential, \
             created_at, last_used_at FROM passkey WHERE user_id = $1 ORDER BY passkey_id";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// How many passkeys the person has (every password login asks: no records loaded).
    pub async fn passkey_count(&self, user_id: i64) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM passkey WHERE user_id = $1";
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_one(pool)
            .await)?;
        Ok(n)
    }

    /// The passkey with this credential id, whoever it belongs to.
    pub async fn passkey_by_credential(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<PasskeyRow>> {
        const SQL: &str = "SELECT passkey_id, user_id, credential_id, name, credential, \
             created_at, last_used_at FROM passkey WHERE credential_id = $1";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(credential_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Stores the record after a use (its counter moved on) and when it was used.
    pub async fn passkey_used(
        &self,
        passkey_id: i64,
        credential: &str,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE passkey SET credential = $2, last_used_at = $3 WHERE passkey_id = $1";
        execute_count!(self, SQL, passkey_id, credential, now)?;
        Ok(())
    }

    /// Renames one of the person's passkeys; `false` when they have no such passkey.
    pub async fn rename_passkey(
        &self,
        user_id: i64,
        passkey_id: i64,
        name: &str,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE passkey SET name = $3 WHERE user_id = $1 AND passkey_id = $2";
        Ok(execute_count!(self, SQL, user_id, passkey_id, name)? == 1)
    }

    /// Removes one of the person's passkeys, and their recovery codes when it was their last
    /// second factor, in one transaction; `false` when they have no such passkey.
    pub async fn remove_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool> {
        const KEY: &str = "DELETE FROM passkey WHERE user_id = $1 AND passkey_id = $2";
        const CODES: &str = "DELETE FROM recovery_code WHERE user_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM passkey WHERE user_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM totp_factor WHERE user_id = $1 \
             AND enabled_at IS NOT NULL)";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            if execute_count!(on &mut *tx, KEY, user_id, passkey_id)? == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            execute_count!(on &mut *tx, CODES, user_id)?;
            tx.commit().await.map(|()| true)
        })?)
    }

    /// Records a ceremony waiting for the browser's answer.
    pub async fn insert_ceremony(&self, c: &Ceremony) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO webauthn_ceremony (ceremony_hash, purpose, user_id, \
             state, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
        execute_count!(
            self,
            SQL,
            &c.ceremony_hash,
            &c.purpose,
            c.user_id,
            &c.state,
            c.created_at,
            c.expires_at
        )?;
        Ok(())
    }

    /// Takes the live ceremony `hash` for `purpose` out of the store: `Some` for exactly one
    /// caller, `None` for every other one and once it has expired.
    pub async fn take_ceremony(
        &self,
        hash: &[u8],
        purpose: &str,
        now: Millis,
    ) -> StoreResult<Option<Ceremony>> {
        const SQL: &str = "DELETE FROM webauthn_ceremony WHERE ceremony_hash = $1 \
             AND purpose = $2 AND expires_at > $3 \
             RETURNING ceremony_hash, purpose, user_id, state, created_at, expires_at";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(hash)
                .bind(purpose)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?)
    }
}
