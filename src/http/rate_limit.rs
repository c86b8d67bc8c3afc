//! Rate limits as fixed-window counters in the database, so every node shares them.
//! Buckets are named `<action>:<dimension>:<value>`, e.g. `resend:ip:192.0.2.1`.
use super::state::AppState;
use crate::store::StoreError;

/// Counts a hit and says whether the bucket is now over `limit` (0 = unlimited).
pub async fn over_limit(state: &AppState, bucket: &str, limit: i64) -> Result<bool, StoreError> {
    if limit <= 0 {
        return Ok(false);
    }
    let window_ms = state.config.limits.window_secs * 1000;
    let hits = state
        .store
        .throttle_hit(bucket, state.now(), window_ms)
        .await?;
    if hits > limit {
        tracing::info!(bucket, hits, limit, "rate limit reached");
    }
    Ok(hits > limit)
}

/// Counts a hit on every bucket (none is skipped, so each count stays true) and says whether
/// any is now over its limit; e.g. one request limited per IP and per address.
pub async fn over_any(state: &AppState, buckets: &[(String, i64)]) -> Result<bool, StoreError> {
    let mut over = false;
    for (bucket, limit) in buckets {
        over |= over_limit(state, bucket, *limit).await?;
    }
    Ok(over)
}
