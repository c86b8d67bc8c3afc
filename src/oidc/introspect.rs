//! Token introspection (RFC 7662) for confidential clients, about their own tokens only: a
//! token of another client, or an unknown, expired or revoked one, is `{"active": false}`.
use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use super::client_auth::ClientForm;
use super::error::{ErrorCode, OAuthError};
use super::params::{json_no_store, param};
use crate::domain::client::Client;
use crate::domain::secret::presented_token_hash;
use crate::http::AppState;

pub async fn introspect(
    State(state): State<AppState>,
    ClientForm { params, client }: ClientForm,
) -> Result<Response, OAuthError> {
    answer(&state, &client, &params).await.map(json_no_store)
}

async fn answer(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<Value, OAuthError> {
    if client.is_public() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "introspection needs a confidential client",
        ));
    }
    let raw =
        param(params, "token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let inactive = json!({ "active": false });
    let Some(hash) = presented_token_hash(raw) else {
        return Ok(inactive);
    };
    let now = state.now();
    let (client_id, user_id, scopes, iat, exp, kind, audience) =
        if let Some(a) = state.store.access_token(&hash, now).await? {
            (
                a.client_id,
                a.user_id,
                a.scopes,
                a.created_at,
                a.expires_at,
                "access_token",
                a.audience,
            )
        } else if let Some((r, current)) = state.store.refresh_token(&hash).await?
            && current
            && r.expires_at > now
        {
            (
                r.client_id,
                Some(r.user_id),
                r.scopes,
                r.created_at,
                r.expires_at,
                "refresh_token",
                None,
            )
        } else {
            return Ok(inactive);
        };
    if client_id != client.client_id {
        return Ok(inactive);
    }
    let mut v = json!({
        "active": true,
        "scope": scopes,
        "client_id": client_id,
        "token_type": if kind == "access_token" { "Bearer" } else { "refresh_token" },
        "exp": exp / 1000,
        "iat": iat / 1000,
        "iss": state.config.issuer(),
        // The resource a token is for (RFC 8707), else the client itself.
        "aud": audience.unwrap_or_else(|| client_id.clone()),
    });
    if let Some(id) = user_id {
        match state.store.user_by_id(id).await? {
            Some(u) if u.is_active => {
                v["sub"] = json!(u.sub);
                if let Some(name) = u.username {
                    v["username"] = json!(name);
                }
            }
            _ => return Ok(inactive),
        }
    }
    Ok(v)
}
