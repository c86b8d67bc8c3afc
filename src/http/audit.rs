//! Writing audit events from a request. A failure to write is logged, never shown.
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
    record_with_sub(state, event, user_id, None, client, detail).await;
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
    let e = AuditEvent {
        at: state.now(),
        event: event.to_owned(),
        user_id,
        client_id: None,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        detail: detail.to_owned(),
        sub: sub.map(str::to_owned),
    };
    if let Err(err) = state.store.record_audit(&e).await {
        tracing::error!(event, error = %err, "cannot write audit event");
    }
}
