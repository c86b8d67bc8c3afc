//! Removal of expired rows of every kind.
use super::{Store, StoreResult, execute_count};
use crate::domain::clock::{DAY, Millis};

/// How long delivered or abandoned mail is kept for inspection.
const SENT_MAIL_RETENTION: Millis = 7 * DAY;

impl Store {
    /// Deletes expired sessions, tokens, throttle windows and old delivered mail; returns
    /// the number of rows removed.
    pub async fn delete_expired(&self, now: Millis) -> StoreResult<u64> {
        // Each statement deletes rows whose instant is at or before its cut-off ($1).
        let statements: [(&str, Millis); 17] = [
            (
                "DELETE FROM browser_session WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1",
                now,
            ),
            ("DELETE FROM email_token WHERE expires_at <= $1", now),
            ("DELETE FROM throttle WHERE expires_at <= $1", now),
            ("DELETE FROM login_guard WHERE expires_at <= $1", now),
            (
                "DELETE FROM pending_authorization WHERE expires_at <= $1",
                now,
            ),
            ("DELETE FROM pending_login WHERE expires_at <= $1", now),
            ("DELETE FROM upstream_login WHERE expires_at <= $1", now),
            (
                "DELETE FROM upstream_pending_link WHERE expires_at <= $1",
                now,
            ),
            ("DELETE FROM webauthn_ceremony WHERE expires_at <= $1", now),
            (
                "DELETE FROM pushed_authorization WHERE expires_at <= $1",
                now,
            ),
            (
                "DELETE FROM device_authorization WHERE expires_at <= $1",
                now,
            ),
            // Delivered logout tokens are kept a week for inspection, like sent mail.
            (
                "DELETE FROM outbound_delivery WHERE delivered_at <= $1",
                now - SENT_MAIL_RETENTION,
            ),
            // Redeemed codes are kept until expiry so a replay is recognised (and revokes).
            (
                "DELETE FROM authorization_code WHERE expires_at <= $1",
                now - DAY,
            ),
            ("DELETE FROM access_token WHERE expires_at <= $1", now),
            ("DELETE FROM refresh_token WHERE expires_at <= $1", now),
            // A grant goes once nothing of it is left (codes are kept a day past expiry).
            (
                "DELETE FROM oauth_grant WHERE created_at <= $1 \
                 AND NOT EXISTS (SELECT 1 FROM authorization_code c WHERE c.grant_id = oauth_grant.grant_id) \
                 AND NOT EXISTS (SELECT 1 FROM access_token a WHERE a.grant_id = oauth_grant.grant_id) \
                 AND NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.grant_id = oauth_grant.grant_id)",
                now - DAY,
            ),
            (
                "DELETE FROM mail_outbox WHERE sent_at <= $1 OR failed_at <= $1",
                now - SENT_MAIL_RETENTION,
            ),
        ];
        let mut removed = 0;
        for (sql, cutoff) in statements {
            removed += execute_count!(self, sql, cutoff)?;
        }
        Ok(removed)
    }
}
