//! The authorization code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3.2): the code is spent once;
//! a second redemption fails and revokes everything the first produced (RFC 6749 §4.1.2).
use super::issue::{Authorization, Granted, TokenResponse, active_user, first_tokens};
use super::require_grant;
use crate::domain::client::Client;
use crate::domain::client::GrantType;
use crate::domain::pkce;
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::oidc::error::OAuthError;
use crate::oidc::params::param;
use crate::oidc::resources;
use crate::store::grants::Redemption;

pub async fn grant(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    require_grant(client, GrantType::AuthorizationCode)?;
    let code = param(params, "code")
        .and_then(SecretToken::from_untrusted)
        .ok_or_else(|| OAuthError::invalid_grant("the code is invalid"))?;
    let now = state.now();
    // A resource the grant does not cover is refused before the code is spent (RFC 8707 §2.2),
    // so the client can ask again; only a client given resources pays for the look.
    if !client.resources.is_empty() || !resources::named(params).is_empty() {
        let granted = state
            .store
            .code_resources(&code.hash(), &client.client_id)
            .await?;
        if let Some(granted) = granted {
            resources::choose(params, &granted)?;
        }
    }
    // The client is part of the spending condition: another client's attempt spends nothing.
    let row = match state
        .store
        .redeem_code(&code.hash(), &client.client_id, now)
        .await?
    {
        Redemption::Fresh(row) => row,
        Redemption::Replayed { grant_id } => {
            state.store.revoke_grant(&grant_id, now).await?;
            tracing::warn!(client_id = %client.client_id, %grant_id, "authorization code replayed; its grant was revoked");
            return Err(OAuthError::invalid_grant("the code was already used"));
        }
        Redemption::OtherClient => {
            return Err(OAuthError::invalid_grant(
                "the code was issued to another client",
            ));
        }
        Redemption::Unknown => return Err(OAuthError::invalid_grant("the code is invalid")),
    };
    if row.expires_at <= now {
        return Err(OAuthError::invalid_grant("the code has expired"));
    }
    if param(params, "redirect_uri") != Some(row.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    // RFC 7636 §4.6; a verifier without a challenge is a downgrade attempt (RFC 9700 §2.1.1).
    match (
        row.code_challenge.as_deref(),
        param(params, "code_verifier"),
    ) {
        (Some(challenge), Some(verifier)) if pkce::verify_s256(verifier, challenge) => {}
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier does not match the challenge",
            ));
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant("code_verifier is required")),
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "no code_challenge was sent for this code",
            ));
        }
        (None, None) => {}
    }
    let user = active_user(state, client, row.user_id).await?;
    let who = Authorization {
        grant_id: &row.grant_id,
        user: &user,
        sid: &row.sid,
        auth_time: row.auth_time,
        amr: &row.amr,
        nonce: row.nonce.as_deref(),
    };
    // Every authorization request has `openid`, so the answer always holds an ID token.
    first_tokens(
        state,
        client,
        &who,
        Granted {
            scopes: &row.scopes,
            resources: &row.resources,
        },
        params,
        GrantType::AuthorizationCode,
        now,
    )
    .await
}
