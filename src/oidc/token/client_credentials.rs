//! The client credentials grant (RFC 6749 §4.4): a confidential client acting for itself gets
//! an access token; no refresh token, no ID token.
use super::issue::{TokenResponse, mint};
use crate::domain::client::parse_scopes;
use crate::http::AppState;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;
use crate::store::clients::ClientRow;

pub async fn grant(
    state: &AppState,
    client: &ClientRow,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    if client.is_public() || !client.allows_grant("client_credentials") {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "this client may not use client_credentials",
        ));
    }
    let requested = parse_scopes(param(params, "scope").unwrap_or(""))
        .ok_or_else(|| OAuthError::new(ErrorCode::InvalidScope, "malformed scope"))?;
    // Person-related scopes mean nothing without a person.
    if let Some(s) = requested
        .iter()
        .find(|s| !client.allows_scope(s) || matches!(s.as_str(), "openid" | "offline_access"))
    {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            format!("scope {s} is not available to this client"),
        ));
    }
    let scopes = requested.join(" ");
    let minted = mint(state, client, None, &scopes, None, state.now());
    state
        .store
        .insert_client_access_token(&minted.access_row)
        .await?;
    minted.respond(state, client, "client_credentials", None)
}
