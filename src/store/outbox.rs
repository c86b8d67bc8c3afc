//! The mail outbox: a request only queues mail; a background sender delivers it with retries,
//! so nothing is lost while SMTP is down.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

#[derive(Debug, Clone)]
pub struct NewMail {
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct OutboxMail {
    pub mail_id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
}

impl Store {
    pub async fn enqueue_mail(&self, mail: &NewMail, now: Millis) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO mail_outbox (to_address, subject, body_text, body_html, \
             created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING mail_id";
        let (id,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(&mail.to_address)
            .bind(&mail.subject)
            .bind(&mail.body_text)
            .bind(&mail.body_html)
            .bind(now)
            .fetch_one(pool)
            .await)?;
        Ok(id)
    }

    /// Takes one due mail and locks it until `lock_until`, counting the attempt. The outer
    /// conditions are re-checked on the locked row, so two nodes never take the same mail:
    /// on PostgreSQL another node may have claimed *and sent* the chosen mail (clearing
    /// `locked_until`) between this statement's choice and its update, so "still unsent and
    /// due" is checked there too, not only "unlocked".
    pub async fn claim_due_mail(
        &self,
        now: Millis,
        lock_until: Millis,
    ) -> StoreResult<Option<OutboxMail>> {
        const SQL: &str = "UPDATE mail_outbox SET locked_until = $2, attempts = attempts + 1 \
             WHERE mail_id = (SELECT mail_id FROM mail_outbox WHERE sent_at IS NULL \
                 AND failed_at IS NULL AND next_attempt_at <= $1 \
                 AND (locked_until IS NULL OR locked_until <= $1) ORDER BY mail_id LIMIT 1) \
             AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until <= $1) \
             RETURNING mail_id, to_address, subject, body_text, body_html, attempts";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(now)
            .bind(lock_until)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn mark_mail_sent(&self, mail_id: i64, now: Millis) -> StoreResult<()> {
        // The text goes once delivered: it may hold a link that works for a while, and the
        // row is kept only to show that and when the mail went.
        const SQL: &str = "UPDATE mail_outbox SET sent_at = $2, locked_until = NULL, \
             last_error = NULL, body_text = '', body_html = '' WHERE mail_id = $1";
        execute_count!(self, SQL, mail_id, now)?;
        Ok(())
    }

    /// Schedules another attempt at `retry_at`, or gives up when `retry_at` is `None`.
    pub async fn mark_mail_failed(
        &self,
        mail_id: i64,
        now: Millis,
        retry_at: Option<Millis>,
        error: &str,
    ) -> StoreResult<()> {
        const RETRY: &str = "UPDATE mail_outbox SET next_attempt_at = $2, locked_until = NULL, \
             last_error = $3 WHERE mail_id = $1";
        const GIVE_UP: &str = "UPDATE mail_outbox SET failed_at = $2, locked_until = NULL, \
             last_error = $3 WHERE mail_id = $1";
        let (sql, at) = match retry_at {
            Some(at) => (RETRY, at),
            None => (GIVE_UP, now),
        };
        execute_count!(self, sql, mail_id, at, error)?;
        Ok(())
    }

    /// Mails not yet delivered (for `/readyz` details, tests and operators).
    pub async fn pending_mail_count(&self) -> StoreResult<i64> {
        const SQL: &str =
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL";
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await)?;
        Ok(n)
    }

    /// Undelivered mail for the admin console, oldest first: waiting (`failed = false`) or
    /// given up on (`failed = true`). The text is not read.
    pub async fn outbox_mails(&self, failed: bool, limit: i64) -> StoreResult<Vec<OutboxEntry>> {
        const WAITING: &str = "SELECT mail_id, to_address, subject, created_at, attempts, \
             next_attempt_at, failed_at, last_error FROM mail_outbox \
             WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY mail_id LIMIT $1";
        const FAILED: &str = "SELECT mail_id, to_address, subject, created_at, attempts, \
             next_attempt_at, failed_at, last_error FROM mail_outbox \
             WHERE sent_at IS NULL AND failed_at IS NOT NULL ORDER BY mail_id LIMIT $1";
        let sql = if failed { FAILED } else { WAITING };
        Ok(on_db!(self, |pool| sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Mail given up on (after `mail.max_attempts`).
    pub async fn failed_mail_count(&self) -> StoreResult<i64> {
        const SQL: &str =
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NOT NULL";
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await)?;
        Ok(n)
    }

    /// Puts an undelivered mail back in the queue, due now, with its attempts counted afresh.
    /// Returns whether there was such a mail (a delivered one is never sent again).
    pub async fn retry_mail(&self, mail_id: i64, now: Millis) -> StoreResult<bool> {
        const SQL: &str = "UPDATE mail_outbox SET failed_at = NULL, next_attempt_at = $2, \
             attempts = 0, locked_until = NULL WHERE mail_id = $1 AND sent_at IS NULL \
             AND (locked_until IS NULL OR locked_until <= $2)";
        let n = execute_count!(self, SQL, mail_id, now)?;
        Ok(n > 0)
    }
}

/// An undelivered mail as the admin console lists it.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxEntry {
    pub mail_id: i64,
    pub to_address: String,
    pub subject: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}
