//! Form bodies with a friendly rejection: malformed input is a 400 page, never a 500. The body
//! must be `application/x-www-form-urlencoded` (else `415`), may hold at most
//! [`MAX_FORM_FIELDS`] fields (a flood of fields costs nothing to refuse), and a field sent
//! twice is refused rather than guessed at.
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::error::PageError;

/// More fields than any of Daemun's forms has, by a wide margin.
pub const MAX_FORM_FIELDS: usize = 64;

#[derive(Debug, Clone)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(PageError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error-title-bad-request",
                "error-body-bad-request",
            ));
        }
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::info!(error = %e, "unreadable form body");
            PageError::for_status(e.status()).unwrap_or_else(PageError::bad_request)
        })?;
        parse(&body).map(PageForm)
    }
}

/// Decodes a form body into `T` under the limits above.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    let fields = body.split(|b| *b == b'&').filter(|f| !f.is_empty()).count();
    if fields > MAX_FORM_FIELDS {
        tracing::info!(fields, "form with too many fields");
        return Err(PageError::bad_request());
    }
    serde_urlencoded::from_bytes(body).map_err(|e| {
        tracing::info!(error = %e, "malformed form");
        PageError::bad_request()
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct F {
        #[serde(default)]
        a: String,
    }

    #[test]
    fn fields_decode_and_unknown_ones_are_ignored() {
        assert_eq!(parse::<F>(b"a=x%20y&b=2").unwrap(), F { a: "x y".into() });
    }

    #[test]
    fn repeated_fields_and_floods_are_refused() {
        assert!(parse::<F>(b"a=1&a=2").is_err());
        let flood = "b=1&".repeat(MAX_FORM_FIELDS + 1);
        assert!(parse::<F>(flood.as_bytes()).is_err());
        let ok = "b=1&".repeat(MAX_FORM_FIELDS - 1) + "a=2";
        assert_eq!(parse::<F>(ok.as_bytes()).unwrap(), F { a: "2".into() });
    }
}
