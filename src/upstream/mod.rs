//! Logins through upstream OpenID Connect providers (docs/upstream-providers.md): the button
//! starts at `/login/upstream/<name>` ([`start`]), the provider sends the person back to
//! `/login/upstream/<name>/callback` ([`callback`]). Daemun is the relying party here: code
//! flow with PKCE, `state` and `nonce` used once and bound to the browser, the ID token
//! verified by openidconnect. Accounts are found by (issuer, subject), never by email address.
pub mod callback;
pub mod start;

use axum::http::StatusCode;

use crate::config::UpstreamConfig;
use crate::http::{AppState, PageError};

/// How long a login sent to a provider may take to come back.
const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;

/// The configured provider called `name`, or a `404` page.
fn provider<'a>(state: &'a AppState, name: &str) -> Result<&'a UpstreamConfig, PageError> {
    state
        .config
        .upstream
        .get(name)
        .ok_or(PageError::not_found())
}

/// The redirect URI registered at the provider.
fn redirect_uri(state: &AppState, name: &str) -> String {
    format!("{}/login/upstream/{name}/callback", state.config.issuer())
}

/// A translated refusal page.
const fn refused(status: StatusCode, body: &'static str) -> PageError {
    PageError::new(status, "upstream-error-title", body)
}

/// The provider cannot be reached or answered nonsense.
const UNREACHABLE: PageError = refused(StatusCode::BAD_GATEWAY, "upstream-error-unreachable");
