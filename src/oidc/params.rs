//! What the protocol endpoints share about requests and answers: reading parameters, the form
//! body RFC 6749 §3.2 asks for, and JSON answers that no cache keeps (RFC 6749 §5.1). The
//! token, revocation, introspection, UserInfo and logout endpoints import these by name;
//! client authentication on top of the form is the `client_auth` module's.
use axum::Json;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::OAuthError;
use crate::http::form::MAX_FORM_FIELDS;

/// The first value of `name`, if not empty.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// A form body as pairs, refusing what RFC 6749 §3.2 forbids: parameters in the query,
/// another content type, repeated parameters (but `resource`, RFC 8707 §2).
pub fn form_params(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, OAuthError> {
    if query.is_some_and(|q| !q.is_empty()) {
        return Err(OAuthError::invalid_request(
            "send parameters in the request body, not in the URL",
        ));
    }
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .take(MAX_FORM_FIELDS + 1)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if params.len() > MAX_FORM_FIELDS {
        return Err(OAuthError::invalid_request("too many parameters"));
    }
    for (i, (k, _)) in params.iter().enumerate() {
        // RFC 8707 §2: `resource` may be given several times.
        if k != "resource" && params[..i].iter().any(|(p, _)| p == k) {
            return Err(OAuthError::invalid_request(format!(
                "{k} must not be repeated"
            )));
        }
    }
    Ok(params)
}

/// `v` as JSON with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1).
pub fn json_no_store(v: impl Serialize) -> Response {
    let mut resp = Json(v).into_response();
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
