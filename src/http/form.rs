//! Form bodies with a friendly rejection: malformed input is a 400 page, never a 500. The body
//! must be `application/x-www-form-urlencoded` (else `415`), may hold at most
//! [`MAX_FORM_FIELDS`] fields (a flood of fields costs nothing to refuse), and a field sent
//! twice is refused rather than guessed at.
//!
//! Also what every form page shares once a form is read: the messages per field
//! ([`FieldErrors`]) and the page that shows them ([`render_form`]).
use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use minijinja::{Value, context};
use serde::de::DeserializeOwned;

use super::error::PageError;
use super::page::PageCtx;
use super::state::AppState;
use crate::domain::email_address::{EmailAddress, EmailError};
use crate::domain::username::Username;
use crate::i18n::{self, Lang};

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

/// Messages per form field (`form` for the whole form), as the templates read them: a map
/// from field name to its list of messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, Vec<String>>);

impl From<&FieldErrors> for Value {
    fn from(errors: &FieldErrors) -> Self {
        Value::from(&errors.0)
    }
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// One message under one field.
    pub fn one(field: &'static str, message: String) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &'static str, message: String) {
        self.0.entry(field).or_default().push(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages under `field` (none when it is fine).
    pub fn get(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// Reads a required email address from `field`; an empty or malformed one adds its
    /// message in `lang` and gives `None`.
    pub fn email(&mut self, field: &'static str, raw: &str, lang: Lang) -> Option<EmailAddress> {
        match EmailAddress::parse(raw) {
            Ok(email) => Some(email),
            Err(e) => {
                let key = match e {
                    EmailError::Empty => "error-required",
                    EmailError::Invalid => "error-email-invalid",
                };
                self.add(field, i18n::t(lang, key));
                None
            }
        }
    }

    /// Reads an optional username from `field`: blank is none; a malformed one adds its
    /// message in `lang` and gives `None` as well.
    pub fn optional_username(
        &mut self,
        field: &'static str,
        raw: &str,
        lang: Lang,
    ) -> Option<Username> {
        if raw.trim().is_empty() {
            return None;
        }
        match Username::parse(raw) {
            Ok(username) => Some(username),
            Err(_) => {
                self.add(field, i18n::t(lang, "error-username-invalid"));
                None
            }
        }
    }

    /// The status of a page showing the form: `200` while nothing is wrong (a fresh form),
    /// `400` once a field is.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        }
    }
}

/// Renders a form page: `extra` and `errors`, with the status [`FieldErrors::status`] gives.
pub fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    template: &str,
    errors: &FieldErrors,
    extra: Value,
) -> Response {
    let status = errors.status();
    ctx.render(
        state,
        status,
        template,
        context! { errors => errors, ..extra },
    )
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
    fn field_errors_collect_per_field_and_set_the_status() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.status(), StatusCode::OK);
        assert!(errors.email("email", "  ", Lang::En).is_none());
        assert!(errors.email("email", "not-an-address", Lang::En).is_none());
        assert!(errors.email("email", "a@example.com", Lang::En).is_some());
        assert!(
            errors
                .optional_username("username", " ", Lang::En)
                .is_none()
        );
        assert!(errors.get("username").is_empty());
        assert!(
            errors
                .optional_username("username", "a b", Lang::En)
                .is_none()
        );
        assert_eq!(errors.get("username").len(), 1);
        errors.add("form", "whole form".into());
        assert_eq!(errors.get("email").len(), 2);
        assert_eq!(errors.get("form"), ["whole form"]);
        assert!(errors.get("name").is_empty());
        assert_eq!(errors.status(), StatusCode::BAD_REQUEST);
        assert_eq!(FieldErrors::one("form", "x".into()).get("form"), ["x"]);
    }

    #[test]
    fn field_errors_reach_templates_as_a_map_of_lists() {
        let errors = FieldErrors::one("email", "bad".into());
        let shown = minijinja::render!(
            "{% if errors %}{{ errors.email[0] }}/{{ errors.name or '-' }}{% endif %}",
            errors => &errors
        );
        assert_eq!(shown, "bad/-");
        let none =
            minijinja::render!("{% if errors %}shown{% endif %}", errors => &FieldErrors::new());
        assert_eq!(none, "");
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
