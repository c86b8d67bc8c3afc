//! Writing audit events from a request. A failure to write is logged, never shown, and the
//! request waits at most [`AUDIT_WRITE_BOUND`](crate::store::audit::AUDIT_WRITE_BOUND) for it.
//! The event names are listed in docs/security.md ("Audit trail").
use super::client::ClientInfo;
use super::state::AppState;
use crate::store::audit::AuditEvent;

/// Records `event`; the person's `sub` is looked up from `user_id` by the store.
pub async fn record(
    state: &AppState,
    event: &str,
    user_id: Option<i64>,
    client: &ClientInfo,
    detail: &str,
) {
    write(state, event, user_id, None, None, client, detail).await;
}

/// As [`record`], for an event about one OAuth client (consent, app access, RP logout).
pub async fn record_for_client(
    state: &AppState,
    event: &str,
    user_id: Option<i64>,
    client_id: &str,
    client: &ClientInfo,
    detail: &str,
) {
    let client_id = (!client_id.is_empty()).then_some(client_id);
    write(state, event, user_id, None, client_id, client, detail).await;
}

/// As [`record`], naming the `sub` explicitly (for events about an account that is gone).
pub async fn record_with_sub(
    state: &AppState,
    event: &str,
    user_id: Option<i64>,
    sub: Option<&str>,
    client: &ClientInfo,
    detail: &str,
) {
    write(state, event, user_id, sub, None, client, detail).await;
}

async fn write(
    state: &AppState,
    event: &str,
    user_id: Option<i64>,
    sub: Option<&str>,
    client_id: Option<&str>,
    client: &ClientInfo,
    detail: &str,
) {
    let e = AuditEvent {
        at: state.now(),
        event: event.to_owned(),
        user_id,
        client_id: client_id.map(str::to_owned),
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        detail: detail.to_owned(),
        sub: sub.map(str::to_owned),
    };
    state.store.record_audit_bounded(&e).await;
}
