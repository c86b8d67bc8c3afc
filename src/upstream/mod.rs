//! Logins through upstream OpenID Connect providers (docs/upstream-providers.md): the button
//! starts at `/login/upstream/<name>` ([`start`]), the provider sends the person back to
//! `/login/upstream/<name>/callback` ([`callback`]). Daemun is the relying party here: code
//! flow with PKCE, `state` and `nonce` used once and bound to the browser, the ID token
//! verified by openidconnect. Accounts are found by (issuer, subject), never by email address.
pub mod callback;
pub mod first_login;
pub mod linked;
pub mod start;

use axum::http::StatusCode;

use crate::config::UpstreamConfig;
use crate::http::client::ClientInfo;
use crate::http::{AppState, PageError, audit};

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

/// What the verified ID token says, through the provider's claim mapping.
pub struct Person {
    pub issuer: String,
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    /// The mapped username claim (`preferred_username` unless configured), maybe empty.
    pub username: String,
    /// The provider's `amr` values (RFC 8176), as it sent them.
    pub amr: Vec<String>,
    /// When the person last logged in at the provider (`auth_time`), in milliseconds.
    pub auth_time: Option<i64>,
}

/// The audit event of a refused upstream login: `<provider>: <reason>`.
pub async fn record_refusal(state: &AppState, client: &ClientInfo, name: &str, reason: &str) {
    let detail = format!("{name}: {reason}");
    audit::record(state, "upstream.refused", None, client, &detail).await;
}
