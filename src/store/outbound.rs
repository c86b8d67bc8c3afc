//! The outbound queue (`outbound_delivery`): server-to-server messages, today the back-channel
//! logout tokens of OpenID Connect Back-Channel Logout 1.0. A delivery is written in the
//! transaction that ends the session it tells of, so it is never lost; one node at a time
//! claims it; a retry keeps its `jti`.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// The kind of a back-channel logout delivery.
pub const BACKCHANNEL_LOGOUT: &str = "backchannel_logout";

/// Queues one logout token for every client with a back-channel URI that took part in session
/// `$1`, at `$2`. Run in the transaction that ends the session; the subject comes from the
/// session's grants (the account may be deleted in the same transaction, after this).
pub(super) const ENQUEUE_BY_SESSION: &str = "INSERT INTO outbound_delivery \
     (kind, client_id, target_url, subject, sid, created_at, next_attempt_at) \
     SELECT 'backchannel_logout', c.client_id, c.backchannel_logout_uri, \
       COALESCE((SELECT u.sub FROM oauth_grant g JOIN user_account u ON u.user_id = g.user_id \
                 WHERE g.sid = sc.sid LIMIT 1), ''), sc.sid, $2, $2 \
     FROM session_client sc JOIN client c ON c.client_id = sc.client_id \
     WHERE sc.sid = $1 AND c.backchannel_logout_uri <> ''";

/// The same for every session of the person `$1`: run before those sessions are deleted.
pub(super) const ENQUEUE_BY_USER: &str = "INSERT INTO outbound_delivery \
     (kind, client_id, target_url, subject, sid, created_at, next_attempt_at) \
     SELECT 'backchannel_logout', c.client_id, c.backchannel_logout_uri, u.sub, s.sid, $2, $2 \
     FROM browser_session s \
     JOIN user_account u ON u.user_id = s.user_id \
     JOIN session_client sc ON sc.sid = s.sid \
     JOIN client c ON c.client_id = sc.client_id \
     WHERE s.user_id = $1 AND c.backchannel_logout_uri <> ''";

/// A delivery as the sender takes it.
#[derive(Debug, Clone, FromRow)]
pub struct Delivery {
    pub delivery_id: i64,
    pub kind: String,
    pub client_id: String,
    pub target_url: String,
    pub subject: String,
    pub sid: String,
    pub jti: Option<String>,
    pub created_at: Millis,
    /// Counting this one.
    pub attempts: i64,
}

/// A delivery as the admin console lists it.
#[derive(Debug, Clone, FromRow)]
pub struct DeliveryEntry {
    pub delivery_id: i64,
    pub kind: String,
    pub client_id: String,
    pub target_url: String,
    pub created_at: Millis,
    pub attempts: i64,
    pub next_attempt_at: Millis,
    pub failed_at: Option<Millis>,
    pub last_error: Option<String>,
}

impl Store {
    /// Takes one due delivery and locks it until `lock_until`, counting the attempt; two nodes
    /// never take the same one (the conditions are checked again on the locked row, as for
    /// mail). Its `jti` is `new_jti` unless an earlier attempt set one.
    pub async fn claim_due_delivery(
        &self,
        now: Millis,
        lock_until: Millis,
        new_jti: &str,
    ) -> StoreResult<Option<Delivery>> {
        const SQL: &str = "UPDATE outbound_delivery SET locked_until = $2, \
             attempts = attempts + 1, jti = COALESCE(jti, $3) \
             WHERE delivery_id = (SELECT delivery_id FROM outbound_delivery \
                 WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                 AND (locked_until IS NULL OR locked_until <= $1) ORDER BY delivery_id LIMIT 1) \
             AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until <= $1) \
             RETURNING delivery_id, kind, client_id, target_url, subject, sid, jti, created_at, \
             attempts";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(now)
                .bind(lock_until)
                .bind(new_jti)
                .fetch_optional(pool)
                .await
        })?)
    }

    pub async fn mark_delivered(&self, delivery_id: i64, now: Millis) -> StoreResult<()> {
        const SQL: &str = "UPDATE outbound_delivery SET delivered_at = $2, locked_until = NULL, \
             last_error = NULL WHERE delivery_id = $1";
        execute_count!(self, SQL, delivery_id, now)?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `retry_at`, or given up (`None`).
    pub async fn mark_delivery_failed(
        &self,
        delivery_id: i64,
        now: Millis,
        retry_at: Option<Millis>,
        error: &str,
    ) -> StoreResult<()> {
        const RETRY: &str = "UPDATE outbound_delivery SET next_attempt_at = $2, \
             locked_until = NULL, last_error = $3 WHERE delivery_id = $1";
        const GIVE_UP: &str = "UPDATE outbound_delivery SET failed_at = $2, locked_until = NULL, \
             last_error = $3 WHERE delivery_id = $1";
        let (sql, at) = match retry_at {
            Some(at) => (RETRY, at),
            None => (GIVE_UP, now),
        };
        execute_count!(self, sql, delivery_id, at, error)?;
        Ok(())
    }

    /// Deliveries not yet made: waiting (`failed` false) or given up (`failed` true), oldest
    /// first, at most `limit`.
    pub async fn outbound_deliveries(
        &self,
        failed: bool,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryEntry>> {
        const WAITING: &str = "SELECT delivery_id, kind, client_id, target_url, created_at, \
             attempts, next_attempt_at, failed_at, last_error FROM outbound_delivery \
             WHERE delivered_at IS NULL AND failed_at IS NULL ORDER BY delivery_id LIMIT $1";
        const FAILED: &str = "SELECT delivery_id, kind, client_id, target_url, created_at, \
             attempts, next_attempt_at, failed_at, last_error FROM outbound_delivery \
             WHERE delivered_at IS NULL AND failed_at IS NOT NULL ORDER BY delivery_id LIMIT $1";
        let sql = if failed { FAILED } else { WAITING };
        Ok(on_db!(self, |pool| sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Tries a given-up delivery again now; `false` when there is no such one.
    pub async fn retry_delivery(&self, delivery_id: i64, now: Millis) -> StoreResult<bool> {
        const SQL: &str = "UPDATE outbound_delivery SET failed_at = NULL, next_attempt_at = $2, \
             locked_until = NULL WHERE delivery_id = $1 AND failed_at IS NOT NULL \
             AND delivered_at IS NULL";
        Ok(execute_count!(self, SQL, delivery_id, now)? == 1)
    }

    /// Every delivery to `client_id`, newest first (tests and operators).
    pub async fn deliveries_to(&self, client_id: &str) -> StoreResult<Vec<Delivery>> {
        const SQL: &str = "SELECT delivery_id, kind, client_id, target_url, subject, sid, jti, \
             created_at, attempts FROM outbound_delivery WHERE client_id = $1 \
             ORDER BY delivery_id DESC";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .fetch_all(pool)
            .await)?)
    }
}
