//! The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3): client authentication, then one
//! module per grant. Every answer carries `Cache-Control: no-store` (RFC 6749 §5.1).
//!
//! To add a grant: a file here with `pub async fn grant(state, client, params) ->
//! Result<TokenResponse, OAuthError>` that checks the request, [`issue::mint`]s, stores and
//! [`issue::Minted::respond`]s; then one arm in `handle` and its name in discovery.
use axum::extract::State;
use axum::response::Response;

use super::client_auth::ClientForm;
use super::error::{ErrorCode, OAuthError};
use super::params::{json_no_store, param};
use crate::domain::client::{Client, GRANT_TYPES, GrantType};
use crate::http::AppState;
use issue::TokenResponse;

pub mod authorization_code;
pub mod client_credentials;
pub mod device_code;
pub mod issue;
pub mod refresh_token;

/// `unauthorized_client` unless the client is registered for `grant` (RFC 6749 §5.2).
pub fn require_grant(client: &Client, grant: GrantType) -> Result<(), OAuthError> {
    if client.allows_grant(grant) {
        Ok(())
    } else {
        Err(OAuthError::unauthorized_client(format!(
            "this client may not use {}",
            grant.as_str()
        )))
    }
}

pub async fn token(
    State(state): State<AppState>,
    ClientForm { params, client }: ClientForm,
) -> Result<Response, OAuthError> {
    handle(&state, &client, &params).await.map(json_no_store)
}

/// The grant named by `grant_type`, for the authenticated `client`.
async fn handle(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    let Some(grant_type) = param(params, "grant_type") else {
        return Err(OAuthError::invalid_request("grant_type is required"));
    };
    match GrantType::parse(grant_type) {
        Some(GrantType::AuthorizationCode) => {
            authorization_code::grant(state, client, params).await
        }
        Some(GrantType::RefreshToken) => refresh_token::grant(state, client, params).await,
        Some(GrantType::ClientCredentials) => {
            client_credentials::grant(state, client, params).await
        }
        Some(GrantType::DeviceCode) => device_code::grant(state, client, params).await,
        None => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!("supported: {}", GRANT_TYPES.join(", ")),
        )),
    }
}

#[cfg(test)]
mod props;
