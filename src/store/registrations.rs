//! Dynamic client registration's rows: initial access tokens (`registration_token`) and the
//! registration access token of each client that registered itself (`client_registration`).
//! Tokens are 256-bit random values, kept as SHA-256.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// An initial access token as listed (never the token itself).
#[derive(Debug, Clone, FromRow)]
pub struct RegistrationTokenRow {
    pub token_hash: Vec<u8>,
    pub label: String,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
}

impl Store {
    pub async fn insert_registration_token(
        &self,
        hash: &[u8],
        label: &str,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO registration_token (token_hash, label, created_at) \
             VALUES ($1, $2, $3)";
        execute_count!(self, SQL, hash, label, now)?;
        Ok(())
    }

    /// Whether `hash` is an initial access token that was not revoked.
    pub async fn registration_token_valid(&self, hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str =
            "SELECT label FROM registration_token WHERE token_hash = $1 AND revoked_at IS NULL";
        let row: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        Ok(row.is_some())
    }

    /// Every initial access token, newest first.
    pub async fn registration_tokens(&self) -> StoreResult<Vec<RegistrationTokenRow>> {
        const SQL: &str = "SELECT token_hash, label, created_at, revoked_at \
             FROM registration_token ORDER BY created_at DESC";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .fetch_all(pool)
            .await)?)
    }

    /// Revokes the tokens whose hash starts with `prefix` (the id `list` shows); how many.
    pub async fn revoke_registration_tokens(&self, prefix: &[u8], now: Millis) -> StoreResult<u64> {
        let ids: Vec<Vec<u8>> = self
            .registration_tokens()
            .await?
            .into_iter()
            .filter(|t| t.revoked_at.is_none() && t.token_hash.starts_with(prefix))
            .map(|t| t.token_hash)
            .collect();
        const SQL: &str = "UPDATE registration_token SET revoked_at = $2 WHERE token_hash = $1";
        let mut n = 0;
        for id in ids {
            n += execute_count!(self, SQL, &id, now)?;
        }
        Ok(n)
    }

    /// Marks `client_id` as registered by itself, with its registration access token's hash.
    pub async fn insert_client_registration(
        &self,
        client_id: &str,
        access_token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO client_registration (client_id, access_token_hash, \
             created_at) VALUES ($1, $2, $3)";
        execute_count!(self, SQL, client_id, access_token_hash, now)?;
        Ok(())
    }

    /// The ids of the clients that registered themselves.
    pub async fn self_registered_clients(&self) -> StoreResult<std::collections::HashSet<String>> {
        const SQL: &str = "SELECT client_id FROM client_registration";
        let rows: Vec<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The registration access token hash of a self-registered client.
    pub async fn client_registration(&self, client_id: &str) -> StoreResult<Option<Vec<u8>>> {
        const SQL: &str = "SELECT access_token_hash FROM client_registration WHERE client_id = $1";
        let row: Option<(Vec<u8>,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| r.0))
    }
}
