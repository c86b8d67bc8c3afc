//! Writing audit events from a request. A failure to write is logged, never shown.
use super::client::ClientInfo;
use super::state::AppState;
use crate::store::audit::AuditEvent;

pub async fn record(
    state: &AppState,
    event: &str,
    user_id: Option<i64>,
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
    };
    if let Err(err) = state.store.record_audit(&e).await {
        tracing::error!(event, error = %err, "cannot write audit event");
    }
}
