//! The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3): client authentication, then one
//! module per grant. Every answer carries `Cache-Control: no-store` (RFC 6749 §5.1).
//!
//! To add a grant: a file here with `pub async fn grant(state, client, params) ->
//! Result<TokenResponse, OAuthError>` that checks the request, [`issue::mint`]s, stores and
//! [`issue::Minted::respond`]s; then one arm in `handle` and its name in discovery.
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::client_auth::authenticated_form;
use super::error::{ErrorCode, OAuthError};
use super::params::{json_no_store, param};
use crate::domain::client::Client;
use crate::domain::client::{GRANT_TYPES, GrantType};
use crate::http::AppState;
use crate::http::client::ClientInfo;
use issue::TokenResponse;

pub mod authorization_code;
pub mod client_credentials;
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
    peer: ClientInfo,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    match handle(&state, &peer, &headers, q.as_deref(), &body).await {
        Ok(v) => json_no_store(v),
        Err(e) => e.into_response(),
    }
}

async fn handle(
    state: &AppState,
    peer: &ClientInfo,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<TokenResponse, OAuthError> {
    let (params, client) = authenticated_form(state, peer, headers, query, body).await?;
    let Some(grant_type) = param(&params, "grant_type") else {
        return Err(OAuthError::invalid_request("grant_type is required"));
    };
    match GrantType::parse(grant_type) {
        Some(GrantType::AuthorizationCode) => {
            authorization_code::grant(state, &client, &params).await
        }
        Some(GrantType::RefreshToken) => refresh_token::grant(state, &client, &params).await,
        Some(GrantType::ClientCredentials) => {
            client_credentials::grant(state, &client, &params).await
        }
        None => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!("supported: {}", GRANT_TYPES.join(", ")),
        )),
    }
}

#[cfg(test)]
mod props;
