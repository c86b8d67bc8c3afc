//! `/metrics` and the layer that counts every request by its route template. The series
//! themselves are named in [`crate::telemetry::metrics`].
//!
//! `/metrics` is for the operator's scraper, not the public: it is served on the management
//! listener (`server.metrics_bind`, loopback by default), and on the public listener only when
//! an operator sets both to the same address on purpose.
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::telemetry::metrics::{self, Snapshot};

/// Counts the request and times it, labelled with the matched route template: the raw path
/// never becomes a label, since some paths hold secrets (verification and reset links).
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let started = Instant::now();
    let resp = next.run(req).await;
    let route = route
        .as_ref()
        .map_or(metrics::UNMATCHED, MatchedPath::as_str);
    let status = resp.status().as_u16();
    state
        .metrics
        .http_request(route, method.as_str(), status, started.elapsed());
    resp
}

/// `/metrics` on the public listener: `404` unless `server.metrics_bind` is `server.bind`.
pub async fn on_main_listener(State(state): State<AppState>) -> Response {
    if state.config.metrics_on_public_listener() {
        scrape(State(state)).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The separate metrics listener (`server.metrics_bind`): `/metrics` and nothing else.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

/// Every series, with the levels read now.
pub async fn scrape(State(state): State<AppState>) -> Response {
    let outbox_pending = match state.store.pending_mail_count().await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot count the outbox");
            None
        }
    };
    let now = Snapshot {
        outbox_pending,
        db_pool: state.store.pool_stats(),
        hasher: state.hasher.stats(),
        hasher_capacity: state.hasher.capacity(),
    };
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(metrics::CONTENT_TYPE),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        state.metrics.render(&now),
    )
        .into_response()
}
