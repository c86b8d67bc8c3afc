//! Signing keys: sealed private parts, signing start and publication end.
use sqlx::{Connection, FromRow};

use super::{Db, Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

#[derive(Debug, Clone, FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    pub alg: String,
    pub private_sealed: Vec<u8>,
    pub created_at: i64,
    pub sign_from: i64,
    pub publish_until: Option<i64>,
}

/// Where a key is in its life, at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published and used for new tokens.
    Signing,
    /// Published; signs from `sign_from` on (after a rotation).
    Published,
    /// Still published so tokens it signed verify, until `publish_until`; signs no more.
    Verifying,
    /// Out of the JWKS.
    Retired,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Signing => "signing",
            KeyState::Published => "published",
            KeyState::Verifying => "verifying",
            KeyState::Retired => "retired",
        }
    }
}

impl SigningKeyRow {
    pub fn state(&self, now: Millis) -> KeyState {
        match self.publish_until {
            Some(t) if t <= now => KeyState::Retired,
            Some(_) => KeyState::Verifying,
            None if self.sign_from > now => KeyState::Published,
            None => KeyState::Signing,
        }
    }
}

/// Held while a node creates the first signing keys, so that nodes starting together on one
/// PostgreSQL database create them once (on SQLite there is one node and nothing to hold).
/// The lock belongs to a connection of its own: it ends with that connection, on release or
/// when the holder fails and drops it.
pub struct KeyCreationLock(Option<sqlx::PgConnection>);

/// The advisory-lock id for creating the first keys (any constant unused elsewhere).
const KEY_CREATION_LOCK: i64 = 0x6461_656d_756e_0001;

impl KeyCreationLock {
    pub async fn release(self) -> StoreResult<()> {
        if let Some(conn) = self.0 {
            conn.close().await?;
        }
        Ok(())
    }
}

impl Store {
    /// Waits until no other node is creating the first signing keys, then holds that right.
    pub async fn lock_key_creation(&self) -> StoreResult<KeyCreationLock> {
        let Db::Postgres(pool) = &self.db else {
            return Ok(KeyCreationLock(None));
        };
        let mut conn = pool.acquire().await?.detach();
        execute_count!(on &mut conn, "SELECT pg_advisory_lock($1)", KEY_CREATION_LOCK)?;
        Ok(KeyCreationLock(Some(conn)))
    }

    pub async fn insert_signing_key(&self, k: &SigningKeyRow) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO signing_key (kid, alg, private_sealed, created_at, sign_from, publish_until) \
             VALUES ($1, $2, $3, $4, $5, $6)";
        execute_count!(
            self,
            SQL,
            &k.kid,
            &k.alg,
            &k.private_sealed,
            k.created_at,
            k.sign_from,
            k.publish_until
        )?;
        Ok(())
    }

    /// Keys still published at `now` (signing or verifying), oldest first.
    pub async fn published_signing_keys(&self, now: Millis) -> StoreResult<Vec<SigningKeyRow>> {
        const SQL: &str = "SELECT kid, alg, private_sealed, created_at, sign_from, publish_until FROM signing_key \
             WHERE publish_until IS NULL OR publish_until > $1 ORDER BY sign_from, created_at";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(now)
            .fetch_all(pool)
            .await)?)
    }

    /// Every key, including retired ones (for `daemun keys list`).
    pub async fn all_signing_keys(&self) -> StoreResult<Vec<SigningKeyRow>> {
        const SQL: &str = "SELECT kid, alg, private_sealed, created_at, sign_from, publish_until FROM signing_key \
             ORDER BY sign_from, created_at";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .fetch_all(pool)
            .await)?)
    }

    /// Ends the publication of every open-ended key of `alg` except `keep`, at `until`.
    pub async fn schedule_key_retirement(
        &self,
        alg: &str,
        keep: &str,
        until: Millis,
    ) -> StoreResult<u64> {
        const SQL: &str = "UPDATE signing_key SET publish_until = $3 \
             WHERE alg = $1 AND kid <> $2 AND publish_until IS NULL";
        Ok(execute_count!(self, SQL, alg, keep, until)?)
    }

    /// Removes a key from publication now; returns whether it was published.
    pub async fn retire_signing_key(&self, kid: &str, now: Millis) -> StoreResult<bool> {
        const SQL: &str = "UPDATE signing_key SET publish_until = $2 \
             WHERE kid = $1 AND (publish_until IS NULL OR publish_until > $2)";
        let n = execute_count!(self, SQL, kid, now)?;
        Ok(n > 0)
    }

    /// Lets a key sign from `now` (when the key it replaces was retired early).
    pub async fn start_signing_now(&self, kid: &str, now: Millis) -> StoreResult<()> {
        const SQL: &str = "UPDATE signing_key SET sign_from = $2 WHERE kid = $1 AND sign_from > $2";
        execute_count!(self, SQL, kid, now)?;
        Ok(())
    }
}
