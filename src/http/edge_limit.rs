//! Limits at the edge: requests per client address (and per OAuth client at the token
//! endpoints) and minute, checked before any handler work, answered with `429` and
//! `Retry-After`. Each route names its [`Group`] where it is declared (`app::routes`); the
//! counting itself is in [`super::limiter`].
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::PageError;
use super::client::limit_addr;
use super::limiter::Group;
use super::oauth_error::OAuthError;
use super::state::AppState;

/// The layer of a route in `group`: counts the request by client address before the handler
/// (and the CSRF check) runs.
pub async fn layer(
    State((state, group)): State<(AppState, Group)>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let ip = limit_addr(
        &parts,
        &state.trusted_proxies,
        state.config.limits.ipv6_prefix_len,
    );
    match state.edge.check_ip(group, ip) {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(wait) => {
            tracing::info!(?group, %ip, wait, "edge limit reached");
            too_many(group, wait)
        }
    }
}

/// `429` with `Retry-After`: OAuth JSON for the protocol endpoints, a page for people.
fn too_many(group: Group, wait: u64) -> Response {
    if group.is_protocol() {
        return OAuthError::too_many_requests(wait).into_response();
    }
    PageError {
        retry_after: Some(u32::try_from(wait).unwrap_or(u32::MAX)),
        ..PageError::too_many()
    }
    .into_response()
}
