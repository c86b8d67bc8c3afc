//! Response hygiene for everything served: security headers, and refusal of unknown `Host`s
//! (links are always built from the configured issuer, never from the request).
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;

/// No inline script or style; no framing; no plugins; no `<base>` tricks.
/// `form-action` is left out on purpose: after a login or consent POST the browser follows a
/// redirect to the application, which Chromium checks against `form-action`.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The page's policy with images also allowed from `image_url`'s origin: for a page that shows
/// an application's own logo (`logo_uri`), which lives on the application's site. Nothing is
/// added for a URL without an http(s) origin.
pub fn allow_image_origin(resp: &mut Response, image_url: &str) {
    let Some(origin) = url::Url::parse(image_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"))
        .map(|u| u.origin().ascii_serialization())
    else {
        return;
    };
    let csp = CSP.replace(
        "img-src 'self' data:",
        &format!("img-src 'self' data: {origin}"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.config.https() {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    resp
}

/// 400 for a `Host` that is neither the issuer's nor in `server.allowed_hosts`. The route table
/// wraps every named route in it, but not the probes and `/metrics`: load balancers and
/// scrapers call those by address.
pub async fn host_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .or_else(|| {
            req.uri()
                .authority()
                .map(|a| a.as_str().to_ascii_lowercase())
        });
    match host {
        Some(h) if state.allowed_hosts.contains(&h) => next.run(req).await,
        other => {
            tracing::info!(host = ?other, "request for an unknown host refused");
            (
                StatusCode::BAD_REQUEST,
                "Unknown host: this address is not served here.\n",
            )
                .into_response()
        }
    }
}

/// The longest request target (path and query) accepted; longer ones get `414`. Real
/// authorization requests are far shorter (`state` alone is capped at 2 KiB).
pub const MAX_URI_BYTES: usize = 16 * 1024;

/// `414` for an over-long URL, before any routing or parsing.
pub async fn uri_limit(req: Request, next: Next) -> Response {
    let len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if len > MAX_URI_BYTES {
        tracing::info!(len, "request URL too long");
        return (
            StatusCode::URI_TOO_LONG,
            "URL too long: send at most 16 KiB of path and query.\n",
        )
            .into_response();
    }
    next.run(req).await
}
