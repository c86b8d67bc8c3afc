//! Second factors: a person's authenticator app (TOTP) and recovery codes. The TOTP secret
//! arrives sealed (`keys::seal`); the store never sees it in the clear. Accepting a code and
//! spending a recovery code are each one conditional statement, so two nodes racing with the
//! same code cannot both succeed.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// A person's authenticator app as stored.
#[derive(Debug, Clone, FromRow)]
pub struct TotpRow {
    pub user_id: i64,
    pub secret_sealed: Vec<u8>,
    /// The last time step a code was accepted for; `None` before the first.
    pub last_step: Option<i64>,
    /// `None` while enrolment waits for its first correct code.
    pub enabled_at: Option<i64>,
    pub created_at: i64,
}

impl Store {
    /// Starts enrolling an authenticator app: stores its sealed secret, not yet enabled,
    /// replacing an enrolment that was never confirmed. `false` (nothing changed) when the
    /// person already has an enabled app: it must be removed first.
    pub async fn begin_totp(&self, user_id: i64, sealed: &[u8], now: Millis) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO totp_factor (user_id, secret_sealed, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET \
             secret_sealed = excluded.secret_sealed, created_at = excluded.created_at, \
             last_step = NULL WHERE totp_factor.enabled_at IS NULL";
        Ok(execute_count!(self, SQL, user_id, sealed, now)? == 1)
    }

    /// The person's authenticator app, enabled or still being enrolled.
    pub async fn totp(&self, user_id: i64) -> StoreResult<Option<TotpRow>> {
        const SQL: &str = "SELECT user_id, secret_sealed, last_step, enabled_at, created_at \
             FROM totp_factor WHERE user_id = $1";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Records `step` as accepted, only if it is later than the last accepted one, and
    /// enables the app if this was the enrolment's first code. `false`: another request
    /// accepted this step (or a later one) first, a replay.
    pub async fn accept_totp_step(
        &self,
        user_id: i64,
        step: i64,
        now: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE totp_factor SET last_step = $2, \
             enabled_at = COALESCE(enabled_at, $3) \
             WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)";
        Ok(execute_count!(self, SQL, user_id, step, now)? == 1)
    }

    /// Replaces the person's recovery codes with `hashes` (the old ones stop working), in one
    /// transaction.
    pub async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[Vec<u8>],
        now: Millis,
    ) -> StoreResult<()> {
        const DELETE: &str = "DELETE FROM recovery_code WHERE user_id = $1";
        const INSERT: &str =
            "INSERT INTO recovery_code (code_hash, user_id, created_at) VALUES ($1, $2, $3)";
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            execute_count!(on &mut *tx, DELETE, user_id)?;
            for hash in hashes {
                execute_count!(on &mut *tx, INSERT, hash, user_id, now)?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Spends one of the person's recovery codes; how many remain unused afterwards, or
    /// `None` when the code is not one of theirs or was used before.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<i64>> {
        const SPEND: &str = "UPDATE recovery_code SET used_at = $3 \
             WHERE code_hash = $1 AND user_id = $2 AND used_at IS NULL";
        if execute_count!(self, SPEND, hash, user_id, now)? != 1 {
            return Ok(None);
        }
        Ok(Some(self.recovery_codes_left(user_id).await?))
    }

    /// Unused recovery codes of the person.
    pub async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
        const SQL: &str =
            "SELECT COUNT(*) FROM recovery_code WHERE user_id = $1 AND used_at IS NULL";
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_one(pool)
            .await)?;
        Ok(n)
    }

    /// Removes every second factor of the person (authenticator app, passkeys, recovery
    /// codes) in one transaction: an administrator's answer to a lost phone. Returns how many
    /// rows went.
    pub async fn remove_factors(&self, user_id: i64) -> StoreResult<u64> {
        const TOTP: &str = "DELETE FROM totp_factor WHERE user_id = $1";
        const KEYS: &str = "DELETE FROM passkey WHERE user_id = $1";
        const CODES: &str = "DELETE FROM recovery_code WHERE user_id = $1";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let n = execute_count!(on &mut *tx, TOTP, user_id)?
                + execute_count!(on &mut *tx, KEYS, user_id)?
                + execute_count!(on &mut *tx, CODES, user_id)?;
            tx.commit().await.map(|()| n)
        })?)
    }

    /// Removes the person's authenticator app, and their recovery codes when no passkey is
    /// left for them to stand in for, in one transaction.
    pub async fn remove_totp(&self, user_id: i64) -> StoreResult<()> {
        const TOTP: &str = "DELETE FROM totp_factor WHERE user_id = $1";
        const CODES: &str = "DELETE FROM recovery_code WHERE user_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM passkey WHERE user_id = $1)";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            execute_count!(on &mut *tx, TOTP, user_id)?;
            execute_count!(on &mut *tx, CODES, user_id)?;
            tx.commit().await
        })?)
    }
}
