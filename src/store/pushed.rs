//! Pushed authorization requests (`pushed_authorization`, RFC 9126): the parameters an
//! application posted to `/par`, until the one `/authorize` request that names them takes them
//! (`DELETE … RETURNING`, so a `request_uri` is used once even with two nodes racing).
use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

impl Store {
    /// Keeps `params` (JSON) for `client_id` under `hash` until `expires_at`.
    pub async fn insert_pushed(
        &self,
        hash: &[u8],
        client_id: &str,
        params: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO pushed_authorization (request_hash, client_id, params, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        execute_count!(self, SQL, hash, client_id, params, now, expires_at)?;
        Ok(())
    }

    /// Takes the live pushed request `hash` of `client_id`: its parameters for exactly one
    /// caller; `None` when unknown, used, expired or pushed by another client (which then
    /// stays for its own client).
    pub async fn take_pushed(
        &self,
        hash: &[u8],
        client_id: &str,
        now: Millis,
    ) -> StoreResult<Option<String>> {
        const SQL: &str = "DELETE FROM pushed_authorization WHERE request_hash = $1 \
             AND client_id = $2 AND expires_at > $3 RETURNING params";
        let row: Option<(String,)> = on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(hash)
                .bind(client_id)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}
