//! Fixed-window counters for rate limits, shared by every node through the database.
use super::{Store, StoreResult, on_db};
use crate::domain::clock::Millis;

impl Store {
    /// Counts one hit on `bucket` and returns the hits in the current window (this one
    /// included). One atomic upsert, so concurrent hits are all counted.
    pub async fn throttle_hit(
        &self,
        bucket: &str,
        now: Millis,
        window_ms: Millis,
    ) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO throttle (bucket, window_start, hits, expires_at) \
             VALUES ($1, $2, 1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE SET \
               hits = CASE WHEN throttle.expires_at <= $2 THEN 1 ELSE throttle.hits + 1 END, \
               window_start = CASE WHEN throttle.expires_at <= $2 THEN $2 ELSE throttle.window_start END, \
               expires_at = CASE WHEN throttle.expires_at <= $2 THEN $2 + $3 ELSE throttle.expires_at END \
             RETURNING hits";
        let (hits,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(bucket)
            .bind(now)
            .bind(window_ms)
            .fetch_one(pool)
            .await)?;
        Ok(hits)
    }

    /// Hits so far in the current window, without counting one.
    pub async fn throttle_count(&self, bucket: &str, now: Millis) -> StoreResult<i64> {
        const SQL: &str = "SELECT hits FROM throttle WHERE bucket = $1 AND expires_at > $2";
        let row: Option<(i64,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(bucket)
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map_or(0, |r| r.0))
    }
}
