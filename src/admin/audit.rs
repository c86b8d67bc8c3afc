//! `/admin/audit`: the audit trail, newest first, filtered by person (email, username or
//! `sub`, so a deleted account's trail is found too), client, event name or prefix, and time.
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, PAGE_SIZE, page_number};
use crate::domain::clock::{DAY, Millis, format_utc};
use crate::http::{AppState, PageCtx, PageError};
use crate::store::audit::AuditFilter;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    user: String,
    client: String,
    event: String,
    /// `YYYY-MM-DD` (UTC, from the start of that day) or an RFC 3339 instant.
    since: String,
    /// `YYYY-MM-DD` (UTC, up to the end of that day) or an RFC 3339 instant.
    until: String,
    page: String,
}

/// An instant from a date field: a day (its start, or with `end_of_day` its end) or RFC 3339.
fn instant(raw: &str, end_of_day: bool) -> Result<Option<Millis>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let start = day
            .and_hms_opt(0, 0, 0)
            .ok_or(())?
            .and_utc()
            .timestamp_millis();
        return Ok(Some(if end_of_day { start + DAY } else { start }));
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.timestamp_millis()))
        .map_err(|_| ())
}

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let too_long = [&q.user, &q.client, &q.event, &q.since, &q.until]
        .iter()
        .any(|v| v.len() > 200);
    let mut invalid = Vec::new();
    let since = instant(&q.since, false).unwrap_or_else(|()| {
        invalid.push("since");
        None
    });
    let until = instant(&q.until, true).unwrap_or_else(|()| {
        invalid.push("until");
        None
    });
    if too_long {
        return Err(PageError::bad_request());
    }
    let mut filter = AuditFilter {
        client_id: Some(q.client.trim().to_owned()).filter(|c| !c.is_empty()),
        event: Some(q.event.trim())
            .filter(|e| !e.is_empty())
            .map(AuditFilter::event_pattern),
        since,
        until,
        ..AuditFilter::default()
    };
    let who = q.user.trim();
    if !who.is_empty() {
        let (user_id, sub) = person(&state, who).await?;
        filter.user_id = user_id;
        filter.sub = Some(sub);
    }
    let page = page_number(&q.page);
    let events: Vec<Value> = state
        .store
        .audit_search(&filter, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        .await?
        .iter()
        .map(|e| {
            context! {
                at => format_utc(e.at),
                event => e.event.clone(),
                sub => e.sub.clone(),
                client_id => e.client_id.clone(),
                ip => e.ip.clone(),
                user_agent => e.user_agent.clone(),
                detail => e.detail.clone(),
            }
        })
        .collect();
    // One row more than a page was read: its presence says there is a next page.
    let more = events.len() as i64 > PAGE_SIZE;
    let shown: Vec<Value> = events.into_iter().take(PAGE_SIZE as usize).collect();
    let query = context! {
        user => q.user.trim(), client => q.client.trim(), event => q.event.trim(),
        since => q.since.trim(), until => q.until.trim(),
    };
    Ok(ctx.ok(
        &state,
        "admin/audit.html",
        context! { events => shown, query, page, more, invalid },
    ))
}

/// The account id and `sub` that `who` names: an email address, a username, or a `sub`
/// (also of a deleted account, whose events keep it).
async fn person(state: &AppState, who: &str) -> Result<(Option<i64>, String), PageError> {
    let found = state.store.user_by_identifier(who).await?;
    Ok(match found {
        Some(u) => (Some(u.user_id), u.sub),
        None => (None, who.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::instant;

    #[test]
    fn days_cover_whole_utc_days_and_instants_are_exact() {
        let start = instant("2026-01-31", false).unwrap().unwrap();
        assert_eq!(start, 1_769_817_600_000);
        assert_eq!(
            instant("2026-01-31", true).unwrap().unwrap(),
            start + 86_400_000
        );
        assert_eq!(
            instant("2026-01-31T00:00:01Z", false).unwrap().unwrap(),
            start + 1000
        );
        assert_eq!(instant("", false), Ok(None));
        assert!(instant("yesterday", false).is_err());
    }
}
