//! Errors shown to people as translated HTML pages. A handler returns [`PageError`]; the
//! `error_pages` layer renders it in the person's language. Internal details go to the log
//! (with the request id), never to the page.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageError {
    pub status: StatusCode,
    /// Fluent ids of the page title and text.
    pub title: &'static str,
    pub body: &'static str,
    /// Seconds sent as `Retry-After` (RFC 9110 §10.2.3): set for `429` and `503`.
    pub retry_after: Option<u32>,
}

/// Marks a response whose body the `error_pages` layer should render.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker(pub PageError);

impl PageError {
    pub const fn new(status: StatusCode, title: &'static str, body: &'static str) -> Self {
        let retry_after = match status.as_u16() {
            429 => Some(60),
            503 => Some(30),
            _ => None,
        };
        Self {
            status,
            title,
            body,
            retry_after,
        }
    }
    pub const fn bad_request() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "error-title-bad-request",
            "error-body-bad-request",
        )
    }
    pub const fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "error-title-forbidden",
            "error-body-csrf",
        )
    }
    /// The page is for administrators only.
    pub const fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "error-title-forbidden",
            "error-body-admin-only",
        )
    }
    pub const fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "error-title-not-found",
            "error-body-not-found",
        )
    }
    pub const fn too_many() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error-title-too-many",
            "error-body-too-many",
        )
    }
    pub const fn server() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-title-server",
            "error-body-server",
        )
    }
    pub const fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "error-title-unavailable",
            "error-body-unavailable",
        )
    }
    /// Too many password checks at once on this node: come back in a few seconds.
    pub const fn busy() -> Self {
        Self {
            retry_after: Some(2),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "error-title-busy",
                "error-body-busy",
            )
        }
    }
    pub const fn link_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "error-title-gone",
            "error-body-link-invalid",
        )
    }

    /// The page for a status produced outside handlers (body limit, timeout, method, 404).
    pub fn for_status(status: StatusCode) -> Option<Self> {
        Some(match status {
            StatusCode::NOT_FOUND => Self::not_found(),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                status,
                "error-title-bad-request",
                "error-body-payload-too-large",
            ),
            StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY => {
                Self::new(status, "error-title-bad-request", "error-body-bad-request")
            }
            StatusCode::REQUEST_TIMEOUT => {
                Self::new(status, "error-title-unavailable", "error-body-unavailable")
            }
            _ => return None,
        })
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        resp.extensions_mut().insert(ErrorMarker(self));
        resp
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Unstorable(_) = e {
            tracing::info!(error = %e, "request refused: text the database cannot hold");
            return PageError::bad_request();
        }
        tracing::error!(error = %e, "store failure");
        match e {
            StoreError::Database(_) => PageError::unavailable(),
            _ => PageError::server(),
        }
    }
}

impl From<crate::templates::RenderError> for PageError {
    fn from(e: crate::templates::RenderError) -> Self {
        tracing::error!(error = %e, "template failure");
        PageError::server()
    }
}

impl From<crate::domain::password::HashError> for PageError {
    fn from(e: crate::domain::password::HashError) -> Self {
        if e.is_busy() {
            tracing::warn!("password hashing queue full; request refused");
            return PageError::busy();
        }
        tracing::error!(error = %e, "hashing failure");
        PageError::server()
    }
}
