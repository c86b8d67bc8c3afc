//! OAuth errors: the JSON body of RFC 6749 §5.2 at the token endpoint (400, or 401 with
//! `WWW-Authenticate` for `invalid_client`), and the same codes on the redirect URI at the
//! authorization endpoint (§4.1.2.1, with `iss` per RFC 9207). They live in the web layer so
//! the edge limit can answer a protocol endpoint in the same shape; `oidc::error` re-exports
//! them.
use axum::Json;
use axum::http::header::{CACHE_CONTROL, PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The registered error codes Daemun answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// RFC 6749 §4.1.2.1, §5.2.
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    /// RFC 8707 §2: the requested resource is invalid, unknown or not allowed.
    InvalidTarget,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    /// OIDC Core §3.1.2.6.
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    /// RFC 8628 §3.5.
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    RequestNotSupported,
    RequestUriNotSupported,
    /// RFC 6750 §3.1 (UserInfo).
    InvalidToken,
    InsufficientScope,
    /// RFC 7591 §3.2.2.
    InvalidRedirectUri,
    InvalidClientMetadata,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
        }
    }

    /// The status of a JSON answer with this code: 401 for a failed client authentication
    /// (RFC 6749 §5.2) or a bad bearer token (RFC 6750 §3.1), 403 for a missing scope, 500 and
    /// 503 for the server's own trouble, else 400.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::InvalidClient | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// [`ErrorCode::status`], except `429` for a rate limit.
    pub status: StatusCode,
    pub code: ErrorCode,
    /// A sentence for the developer (never CR/LF/TAB, `"` or `\`: RFC 6749 §5.2's charset).
    pub description: String,
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        let description = description
            .into()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| *c != '"' && *c != '\\')
            .collect();
        Self {
            status: code.status(),
            code,
            description,
            retry_after: None,
        }
    }

    /// `429` with `Retry-After`. `temporarily_unavailable` is the registered OAuth error code
    /// for "temporary overloading" (RFC 6749 §4.1.2.1); the token endpoint has none of its own.
    pub fn too_many_requests(retry_after: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(retry_after),
            ..Self::new(
                ErrorCode::TemporarilyUnavailable,
                "too many requests; retry after the time in the Retry-After header",
            )
        }
    }
    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, d)
    }
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, d)
    }
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidScope, d)
    }
    pub fn invalid_target(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidTarget, d)
    }
    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, d)
    }
    pub fn invalid_client() -> Self {
        Self::new(ErrorCode::InvalidClient, "client authentication failed")
    }
    pub fn server_error() -> Self {
        Self::new(
            ErrorCode::ServerError,
            "the server could not complete the request",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code.as_str(), "error_description": self.description });
        let mut resp = (self.status, Json(body)).into_response();
        let h = resp.headers_mut();
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        if let Some(secs) = self.retry_after {
            h.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.code == ErrorCode::InvalidClient {
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
        if matches!(e, crate::store::StoreError::Database(_)) {
            // The database is unreachable: the same hint as the pages give (RFC 9110 §10.2.3).
            return Self {
                retry_after: Some(30),
                ..Self::new(
                    ErrorCode::TemporarilyUnavailable,
                    "the server could not complete the request",
                )
            };
        }
        Self::server_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_follows_the_code() {
        assert_eq!(OAuthError::invalid_client().status, 401);
        assert_eq!(OAuthError::invalid_grant("x").status, 400);
        assert_eq!(OAuthError::server_error().status, 500);
        assert_eq!(OAuthError::too_many_requests(3).status, 429);
        assert_eq!(
            OAuthError::new(ErrorCode::LoginRequired, "x").code.as_str(),
            "login_required"
        );
    }

    #[test]
    fn descriptions_keep_to_the_allowed_characters() {
        let e = OAuthError::invalid_request("a\r\n\"b\\c");
        assert_eq!(e.description, "a  bc");
    }
}
