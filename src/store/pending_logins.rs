//! Logins between their steps (`pending_login`): the password was right and a second factor is
//! still to come. The browser holds the token, the row its hash. Finishing takes the row in one
//! `DELETE … RETURNING`, so two requests racing with one token cannot both start a session.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// A login waiting for its second step.
#[derive(Debug, Clone, FromRow)]
pub struct PendingLogin {
    pub login_hash: Vec<u8>,
    pub user_id: i64,
    /// Methods proven so far, space-separated.
    pub amr: String,
    pub remember: bool,
    /// A safe local path, checked when the login began.
    pub next_path: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

impl Store {
    /// Records a login waiting for its second step.
    pub async fn insert_pending_login(&self, p: &PendingLogin) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO pending_login (login_hash, user_id, amr, remember, \
             next_path, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        execute_count!(
            self,
            SQL,
            &p.login_hash,
            p.user_id,
            &p.amr,
            p.remember,
            &p.next_path,
            p.created_at,
            p.expires_at
        )?;
        Ok(())
    }

    /// The live pending login named by `hash`, if any.
    pub async fn pending_login(
        &self,
        hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<PendingLogin>> {
        const SQL: &str = "SELECT login_hash, user_id, amr, remember, next_path, created_at, \
             expires_at FROM pending_login WHERE login_hash = $1 AND expires_at > $2";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    /// Takes the live pending login named by `hash` out of the store: `Some` for exactly one
    /// caller, `None` for every other one and once it has expired.
    pub async fn take_pending_login(
        &self,
        hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<PendingLogin>> {
        const SQL: &str = "DELETE FROM pending_login WHERE login_hash = $1 AND expires_at > $2 \
             RETURNING login_hash, user_id, amr, remember, next_path, created_at, expires_at";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(hash)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Forgets a pending login (the person started over or logged out); no error when none.
    pub async fn drop_pending_login(&self, hash: &[u8]) -> StoreResult<()> {
        const SQL: &str = "DELETE FROM pending_login WHERE login_hash = $1";
        execute_count!(self, SQL, hash)?;
        Ok(())
    }
}
