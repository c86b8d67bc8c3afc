//! The refresh token grant (RFC 6749 §6): the token is rotated on every use; presenting a
//! rotated-out token again revokes its whole family (RFC 9700 §4.14.2).
use super::issue::{Authorization, TokenResponse, active_user, mint};
use super::require_grant;
use crate::domain::client::Client;
use crate::domain::client::GrantType;
use crate::domain::scope::Scopes;
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;
use crate::oidc::resources;
use crate::store::tokens::{RefreshTokenRow, RefreshUse};

pub async fn grant(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    require_grant(client, GrantType::RefreshToken)?;
    let token = param(params, "refresh_token")
        .and_then(SecretToken::from_untrusted)
        .ok_or_else(|| OAuthError::invalid_grant("the refresh token is invalid"))?;
    let now = state.now();
    // Checked before rotation, so another client's attempt cannot disturb the family.
    let Some((current, _)) = state.store.refresh_token(&token.hash()).await? else {
        return Err(OAuthError::invalid_grant("the refresh token is invalid"));
    };
    if current.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    if current.expires_at <= now {
        return Err(OAuthError::invalid_grant("the refresh token has expired"));
    }
    let scopes = match param(params, "scope") {
        None => current.scopes.clone(),
        Some(s) => {
            let asked = Scopes::parse(s)
                .ok_or_else(|| OAuthError::new(ErrorCode::InvalidScope, "malformed scope"))?;
            if let Some(extra) = asked.first_outside(&Scopes::stored(&current.scopes)) {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    format!("{extra} was not granted"),
                ));
            }
            asked.to_string()
        }
    };
    let user = active_user(state, client, current.user_id).await?;
    let who = Authorization {
        grant_id: &current.grant_id,
        user: &user,
        sid: &current.sid,
        auth_time: current.auth_time,
        amr: &current.amr,
        nonce: None,
    };
    // The successor keeps the family's scopes and absolute expiry.
    let successor = RefreshTokenRow {
        token_hash: Vec::new(),
        created_at: now,
        ..current.clone()
    };
    // RFC 8707 §2.2: a refresh may name one of the granted resources.
    let audience = resources::audience(&state.store, params, &current.resources).await?;
    let token_scopes = resources::token_scopes(&scopes, audience.as_ref());
    let minted = mint(
        state,
        client,
        Some(&who),
        &token_scopes,
        audience.as_ref(),
        Some(successor),
        now,
    )?;
    let Some(next_row) = minted.refresh_row.as_ref() else {
        return Err(OAuthError::server_error());
    };
    // Rotation and the new tokens are one transaction under a grant that is not revoked.
    match state
        .store
        .rotate_refresh_token(&token.hash(), now, &minted.access_row, next_row)
        .await?
    {
        RefreshUse::Rotated(_) => {}
        RefreshUse::Reused { grant_id } => {
            state.store.revoke_grant(&grant_id, now).await?;
            tracing::warn!(client_id = %client.client_id, %grant_id, "rotated refresh token reused; its family was revoked");
            return Err(OAuthError::invalid_grant(
                "the refresh token was already used",
            ));
        }
        RefreshUse::Unknown => {
            return Err(OAuthError::invalid_grant("the refresh token is invalid"));
        }
    }
    let openid = Scopes::stored_contains(&scopes, "openid");
    minted
        .respond(
            state,
            client,
            GrantType::RefreshToken,
            openid.then_some((&who, scopes.as_str())),
        )
        .await
}
