//! The client credentials grant (RFC 6749 §4.4): a confidential client acting for itself gets
//! an access token; no refresh token, no ID token. With a resource (RFC 8707, named or found
//! from the scopes asked for), the token is for that API and carries its scopes.
use super::issue::{TokenResponse, mint};
use super::require_grant;
use crate::domain::client::Client;
use crate::domain::client::GrantType;
use crate::domain::scope::Scopes;
use crate::http::AppState;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;
use crate::oidc::resources;

pub async fn grant(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    // A public client cannot act for itself: it has nothing to prove who it is.
    if client.is_public() {
        return Err(OAuthError::unauthorized_client(
            "this client may not use client_credentials",
        ));
    }
    require_grant(client, GrantType::ClientCredentials)?;
    let requested = Scopes::parse(param(params, "scope").unwrap_or(""))
        .ok_or_else(|| OAuthError::new(ErrorCode::InvalidScope, "malformed scope"))?;
    let audience = match resources::requested(&state.store, client, params, &requested)
        .await?
        .as_slice()
    {
        [] => None,
        [one] => Some(one.clone()),
        _ => {
            return Err(OAuthError::invalid_target(
                "an access token is for one resource: name one with resource",
            ));
        }
    };
    let of_resource = |s: &str| audience.as_ref().is_some_and(|r| r.scopes.contains(s));
    // Person-related scopes mean nothing without a person.
    if let Some(s) = requested.iter().find(|s| {
        !of_resource(s) && (!client.allows_scope(s) || matches!(*s, "openid" | "offline_access"))
    }) {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            format!("scope {s} is not available to this client"),
        ));
    }
    let scopes = requested.to_string();
    let minted = mint(
        state,
        client,
        None,
        &scopes,
        audience.as_ref(),
        None,
        state.now(),
    )?;
    state
        .store
        .insert_client_access_token(&minted.access_row)
        .await?;
    minted
        .respond(state, client, GrantType::ClientCredentials, None)
        .await
}
