//! The audit log: who did what, when, from where.
use sqlx::FromRow;

use super::{Store, StoreResult, on_db};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: i64,
    /// Dotted name, e.g. `signup`, `login.success`, `login.failure`.
    pub event: String,
    pub user_id: Option<i64>,
    pub client_id: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub detail: String,
    /// The person's `sub`; when `None` it is filled from `user_id` if that account exists.
    /// It stays when the account is deleted, so the trail survives.
    pub sub: Option<String>,
}

impl Store {
    pub async fn record_audit(&self, e: &AuditEvent) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO audit_event (at, event, user_id, client_id, ip, user_agent, \
             detail, sub) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             COALESCE($8, (SELECT sub FROM user_account WHERE user_id = $3)))";
        on_db!(self, |pool| sqlx::query(SQL)
            .bind(e.at)
            .bind(&e.event)
            .bind(e.user_id)
            .bind(&e.client_id)
            .bind(&e.ip)
            .bind(&e.user_agent)
            .bind(&e.detail)
            .bind(&e.sub)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
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
}
