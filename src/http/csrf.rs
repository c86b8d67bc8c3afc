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

/// Endpoints that applications may reach with a cross-site form POST by design: an
/// authorization request (OIDC Core §3.1.2.1) and an RP-initiated logout request (RP-Initiated
/// Logout §2). They change nothing without the person's own session and choices.
pub const RP_INITIATED: [&str; 2] = ["/authorize", "/end_session"];

pub fn token_for(key: &[u8; 32], cookie_value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(b"csrf:");
    mac.update(cookie_value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = state.config.https();
    let existing = cookies::get(req.headers(), cookies::CSRF, https)
        .filter(|v| SecretToken::from_untrusted(v).is_some());
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !RP_INITIATED.contains(&req.uri().path());
    let req = if unsafe_method {
        match check(&state, existing.as_deref(), req).await {
            Ok(req) => req,
            Err(e) => return e.into_response(),
        }
    } else {
        req
    };
    let (cookie_value, fresh) = match existing {
        Some(v) => (v, false),
        None => (SecretToken::generate().expose().to_owned(), true),
    };
    let mut req = req;
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
