//! OAuth errors: the JSON body of RFC 6749 §5.2 at the token endpoint (400, or 401 with
//! `WWW-Authenticate` for `invalid_client`), and the same codes on the redirect URI at the
//! authorization endpoint (§4.1.2.1, with `iss` per RFC 9207).
use axum::Json;
use axum::http::header::{CACHE_CONTROL, PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    /// The RFC error code, e.g. `invalid_grant`.
    pub code: &'static str,
    /// A sentence for the developer (never CR/LF/TAB).
    pub description: String,
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl OAuthError {
    pub fn new(code: &'static str, description: impl Into<String>) -> Self {
        let status = if code == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else if code == "server_error" {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        let description = description
            .into()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| *c != '"' && *c != '\\')
            .collect();
        Self {
            status,
            code,
            description,
            retry_after: None,
        }
    }

    /// `429` with `Retry-After`. `temporarily_unavailable` is the registered OAuth error code
    /// for "temporary overloading" (RFC 6749 §4.1.2.1); the token endpoint has none of its own.
    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut e = Self::new(
            "temporarily_unavailable",
            "too many requests; retry after the time in the Retry-After header",
        );
        e.status = StatusCode::TOO_MANY_REQUESTS;
        e.retry_after = Some(retry_after);
        e
    }
    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new("invalid_request", d)
    }
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new("invalid_grant", d)
    }
    pub fn invalid_client() -> Self {
        Self::new("invalid_client", "client authentication failed")
    }
    pub fn server_error() -> Self {
        Self::new("server_error", "the server could not complete the request")
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "error_description": self.description });
        let mut resp = (self.status, Json(body)).into_response();
        let h = resp.headers_mut();
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        if let Some(secs) = self.retry_after {
            h.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"daemun\""),
            );
        }
        resp
    }
}

impl From<crate::store::StoreError> for OAuthError {
    fn from(e: crate::store::StoreError) -> Self {
        if let crate::store::StoreError::Unstorable(_) = e {
            tracing::info!(error = %e, "request refused: text the database cannot hold");
            return Self::invalid_request("a parameter holds a character that is not allowed");
        }
        tracing::error!(error = %e, "store failure");
        let mut err = Self::server_error();
        if matches!(e, crate::store::StoreError::Database(_)) {
            err.status = StatusCode::SERVICE_UNAVAILABLE;
            err.code = "temporarily_unavailable";
            // The database is unreachable: the same hint as the pages give (RFC 9110 §10.2.3).
            err.retry_after = Some(30);
        }
        err
    }
}
