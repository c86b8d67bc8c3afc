//! CSRF protection for every form: a per-browser random value in an `HttpOnly` cookie and, in
//! each form, its HMAC under a server key (a forged cookie cannot produce a matching token).
//! Unsafe requests must also come from our own origin by `Sec-Fetch-Site`, else by `Origin`.
//! A failure is a 403 page and the handler never runs.
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::cookies;
use super::error::PageError;
use super::state::AppState;
use crate::domain::secret::{SecretToken, constant_time_eq};

/// The token to put in forms, available to handlers as a request extension.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Name of the hidden form field.
pub const FIELD: &str = "csrf_token";

const ONE_YEAR_SECS: i64 = 365 * 24 * 3600;

pub fn token_for(key: &[u8; 32], cookie_value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(b"csrf:");
    mac.update(cookie_value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Gives every page request its form token (and the browser its cookie, once). Runs for every
/// page; whether a POST is checked is the route's own rule ([`check_layer`]).
pub async fn issue(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let https = state.config.https();
    let existing = cookie(&req, https);
    let (cookie_value, fresh) = match existing {
        Some(v) => (v, false),
        None => (SecretToken::generate().expose().to_owned(), true),
    };
    req.extensions_mut()
        .insert(CsrfToken(token_for(&state.csrf_key, &cookie_value)));
    let mut resp = next.run(req).await;
    if fresh {
        cookies::set(
            &mut resp,
            cookies::CSRF,
            &cookie_value,
            https,
            Some(ONE_YEAR_SECS),
        );
    }
    resp
}

/// The check of a form route's unsafe requests: our own origin, and the token that matches the
/// browser's cookie; else a `403` page and the handler never runs. Routes that applications
/// reach cross-site by design (an authorization request, OIDC Core §3.1.2.1, and an
/// RP-initiated logout request, RP-Initiated Logout §2) are declared without it.
pub async fn check_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let existing = cookie(&req, state.config.https());
    match check(&state, existing.as_deref(), req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The browser's CSRF cookie, if it is well-formed.
fn cookie(req: &Request, https: bool) -> Option<String> {
    cookies::get(req.headers(), cookies::CSRF, https)
        .filter(|v| SecretToken::from_untrusted(v).is_some())
}

/// Checks origin and token; gives the request back with its body restored.
async fn check(state: &AppState, cookie: Option<&str>, req: Request) -> Result<Request, PageError> {
    let headers = req.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match site {
        Some("same-origin" | "none") => {}
        Some(other) => {
            tracing::info!(sec_fetch_site = other, "cross-site form post refused");
            return Err(PageError::csrf());
        }
        None => {
            if let Some(origin) = headers.get("origin") {
                let ok = origin
                    .to_str()
                    .is_ok_and(|o| o.eq_ignore_ascii_case(&state.issuer_origin));
                if !ok {
                    tracing::info!(origin = ?origin, "form post from a foreign origin refused");
                    return Err(PageError::csrf());
                }
            }
        }
    }
    let Some(cookie) = cookie else {
        return Err(PageError::csrf());
    };
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, state.config.server.body_limit_bytes)
        .await
        .map_err(|_| {
            PageError::for_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE)
                .unwrap_or(PageError::bad_request())
        })?;
    let sent = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let expected = token_for(&state.csrf_key, cookie);
    if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(PageError::csrf());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
