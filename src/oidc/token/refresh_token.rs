//! The refresh token grant (RFC 6749 §6): the token is rotated on every use; presenting a
//! rotated-out token again revokes its whole family (RFC 9700 §4.14.2).
use serde_json::{Value, json};

use super::{access_token_row, param, refresh_token_row, require_grant};
use crate::domain::client::parse_scopes;
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::oidc::error::OAuthError;
use crate::oidc::id_token::{IdTokenInput, sign};
use crate::store::clients::ClientRow;
use crate::store::tokens::{RefreshTokenRow, RefreshUse};

pub async fn grant(
    state: &AppState,
    client: &ClientRow,
    params: &[(String, String)],
) -> Result<Value, OAuthError> {
    require_grant(client, "refresh_token")?;
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
            let asked = parse_scopes(s)
                .ok_or_else(|| OAuthError::new("invalid_scope", "malformed scope"))?;
            if let Some(extra) = asked
                .iter()
                .find(|a| !current.scopes.split(' ').any(|g| g == a.as_str()))
            {
                return Err(OAuthError::new(
                    "invalid_scope",
                    format!("{extra} was not granted"),
                ));
            }
            asked.join(" ")
        }
    };
    let user = state
        .store
        .user_by_id(current.user_id)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(|| OAuthError::invalid_grant("the account is no longer active"))?;
    let (access, access_row, ttl) = access_token_row(
        state,
        Some(&current.grant_id),
        &client.client_id,
        Some(user.user_id),
        &scopes,
        now,
    );
    let (next, next_row) = refresh_token_row(RefreshTokenRow {
        token_hash: Vec::new(),
        created_at: now,
        ..current.clone()
    });
    // Rotation and the new tokens are one transaction under a grant that is not revoked.
    let row = match state
        .store
        .rotate_refresh_token(&token.hash(), now, &access_row, &next_row)
        .await?
    {
        RefreshUse::Rotated(row) => row,
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
    };
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl,
        "refresh_token": next,
        "scope": scopes,
    });
    if scopes.split(' ').any(|s| s == "openid") {
        let id_token = sign(
            state,
            &IdTokenInput {
                user: &user,
                client_id: &client.client_id,
                alg: &client.id_token_alg,
                scopes: &scopes,
                nonce: None,
                auth_time: row.auth_time,
                amr: &row.amr,
                sid: &row.sid,
                access_token: &access,
            },
        )?;
        body["id_token"] = json!(id_token);
    }
    state.metrics.token_issued("refresh_token");
    Ok(body)
}
