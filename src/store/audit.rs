//! The audit log: who did what, when, from where. The event names are listed in
//! docs/security.md ("Audit trail").
use std::future::Future;
use std::time::Duration;

use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// How long an action waits for its audit row before it goes on without it.
pub const AUDIT_WRITE_BOUND: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: i64,
    /// Dotted name, e.g. `signup`, `login.success`, `login.failure`.
    pub event: String,
    pub user_id: Option<i64>,
    /// The OAuth client (relying party) the event is about, when there is one.
    pub client_id: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub detail: String,
    /// The person's `sub`; when `None` it is filled from `user_id` if that account exists.
    /// It stays when the account is deleted, so the trail survives.
    pub sub: Option<String>,
}

/// What the admin console's audit page filters by; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub sub: Option<String>,
    pub client_id: Option<String>,
    /// A `LIKE` pattern for the event name.
    pub event: Option<String>,
    /// From this instant on (inclusive).
    pub since: Option<Millis>,
    /// Before this instant.
    pub until: Option<Millis>,
}

impl AuditFilter {
    /// The pattern for an event name typed by a person: `login.failure` matches that event,
    /// `login.` or `login.*` every `login.…` event. `%`, `_` and `\` are taken literally.
    pub fn event_pattern(typed: &str) -> String {
        let (stem, prefix) = match typed.strip_suffix('*') {
            Some(s) => (s, true),
            None => (typed, typed.ends_with('.')),
        };
        let mut p = String::new();
        for c in stem.chars() {
            if matches!(c, '%' | '_' | '\\') {
                p.push('\\');
            }
            p.push(c);
        }
        if prefix {
            p.push('%');
        }
        p
    }
}

impl Store {
    /// Writes `e` within [`AUDIT_WRITE_BOUND`]. A failure or a timeout is logged and swallowed:
    /// the action an event describes never fails, and never waits long, because of its trail.
    /// Returns whether the row was written.
    pub async fn record_audit_bounded(&self, e: &AuditEvent) -> bool {
        write_bounded(&e.event, self.record_audit(e), AUDIT_WRITE_BOUND).await
    }

    pub async fn record_audit(&self, e: &AuditEvent) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO audit_event (at, event, user_id, client_id, ip, user_agent, \
             detail, sub) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             COALESCE($8, (SELECT sub FROM user_account WHERE user_id = $3)))";
        execute_count!(
            self,
            SQL,
            e.at,
            &e.event,
            e.user_id,
            &e.client_id,
            &e.ip,
            &e.user_agent,
            &e.detail,
            &e.sub
        )?;
        Ok(())
    }

    /// The newest events first, at most `limit`, optionally for one user.
    pub async fn recent_audit(
        &self,
        user_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEvent>> {
        const ALL: &str = "SELECT at, event, user_id, client_id, ip, user_agent, detail, sub FROM audit_event \
             ORDER BY audit_event_id DESC LIMIT $1";
        const ONE: &str = "SELECT at, event, user_id, client_id, ip, user_agent, detail, sub FROM audit_event \
             WHERE user_id = $2 ORDER BY audit_event_id DESC LIMIT $1";
        Ok(match user_id {
            None => on_db!(self, |pool| sqlx::query_as(ALL)
                .bind(limit)
                .fetch_all(pool)
                .await)?,
            Some(id) => on_db!(self, |pool| sqlx::query_as(ONE)
                .bind(limit)
                .bind(id)
                .fetch_all(pool)
                .await)?,
        })
    }

    /// Every event about one person (by account id or by `sub`), oldest first, at most `limit`.
    pub async fn audit_of_person(
        &self,
        user_id: i64,
        sub: &str,
        limit: i64,
    ) -> StoreResult<Vec<AuditEvent>> {
        const SQL: &str = "SELECT at, event, user_id, client_id, ip, user_agent, detail, sub \
             FROM audit_event WHERE user_id = $1 OR sub = $2 ORDER BY audit_event_id LIMIT $3";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .bind(sub)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// One person's events (by account id and/or by `sub`, so a deleted account's trail is
    /// found by its `sub`), newest first, at most `limit`, optionally only one event name
    /// and only from `since` on.
    pub async fn audit_trail(
        &self,
        user_id: Option<i64>,
        sub: &str,
        event: Option<&str>,
        since: Option<Millis>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEvent>> {
        const SQL: &str = "SELECT at, event, user_id, client_id, ip, user_agent, detail, sub \
             FROM audit_event WHERE (user_id = $1 OR sub = $2) \
             AND ($3 IS NULL OR event = $3) AND ($4 IS NULL OR at >= $4) \
             ORDER BY audit_event_id DESC LIMIT $5";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .bind(sub)
            .bind(event)
            .bind(since)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Events matching every filter that is set, newest first, `limit` from `offset` (the
    /// admin console's audit page). `person` is an account id and/or a `sub`; `event` is a
    /// `LIKE` pattern (see [`AuditFilter::event_pattern`]).
    pub async fn audit_search(
        &self,
        f: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<AuditEvent>> {
        const SQL: &str = "SELECT at, event, user_id, client_id, ip, user_agent, detail, sub \
             FROM audit_event WHERE (($1 IS NULL AND $2 IS NULL) OR user_id = $1 OR sub = $2) \
             AND ($3 IS NULL OR client_id = $3) AND ($4 IS NULL OR event LIKE $4 ESCAPE '\\') \
             AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) \
             ORDER BY audit_event_id DESC LIMIT $7 OFFSET $8";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(f.user_id)
            .bind(&f.sub)
            .bind(&f.client_id)
            .bind(&f.event)
            .bind(f.since)
            .bind(f.until)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?)
    }

    /// Whether any event names `sub` (a deleted account leaves its events behind).
    pub async fn audit_mentions_sub(&self, sub: &str) -> StoreResult<bool> {
        const SQL: &str = "SELECT 1 FROM audit_event WHERE sub = $1 LIMIT 1";
        let row: Option<(i32,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(sub)
            .fetch_optional(pool)
            .await)?;
        Ok(row.is_some())
    }
}

/// Awaits `write` for at most `bound`; logs a failure or a timeout and reports it as `false`.
pub(crate) async fn write_bounded(
    event: &str,
    write: impl Future<Output = StoreResult<()>>,
    bound: Duration,
) -> bool {
    match tokio::time::timeout(bound, write).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::error!(event, error = %err, "cannot write audit event");
            false
        }
        Err(_) => {
            tracing::error!(event, ?bound, "audit write timed out");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn typed_event_names_become_exact_or_prefix_patterns() {
        assert_eq!(AuditFilter::event_pattern("login.failure"), "login.failure");
        assert_eq!(AuditFilter::event_pattern("login."), "login.%");
        assert_eq!(AuditFilter::event_pattern("login.*"), "login.%");
        assert_eq!(AuditFilter::event_pattern("a_b%"), "a\\_b\\%");
    }

    #[tokio::test]
    async fn a_stuck_write_is_given_up_after_the_bound() {
        let bound = Duration::from_millis(50);
        let started = std::time::Instant::now();
        let stuck = std::future::pending::<StoreResult<()>>();
        assert!(!write_bounded("test", stuck, bound).await);
        let waited = started.elapsed();
        assert!(
            waited >= bound && waited < Duration::from_secs(5),
            "{waited:?}"
        );
    }

    #[tokio::test]
    async fn a_failed_write_is_reported_not_raised() {
        let failing = async { Err(StoreError::Database(sqlx::Error::PoolClosed)) };
        assert!(!write_bounded("test", failing, AUDIT_WRITE_BOUND).await);
        assert!(write_bounded("test", async { Ok(()) }, AUDIT_WRITE_BOUND).await);
    }
}
