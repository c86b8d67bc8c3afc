//! Token revocation (RFC 7009). Unknown tokens get 200 (§2.2); a refresh token takes its whole
//! grant with it, access tokens included (§2.1).
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::client_auth::authenticated_form;
use super::error::{ErrorCode, OAuthError};
use super::params::param;
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::http::client::ClientInfo;

pub async fn revoke(
    State(state): State<AppState>,
    peer: ClientInfo,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    match handle(&state, &peer, &headers, q.as_deref(), &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn handle(
    state: &AppState,
    peer: &ClientInfo,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<(), OAuthError> {
    let (params, client) = authenticated_form(state, peer, headers, query, body).await?;
    let raw =
        param(&params, "token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let Some(token) = SecretToken::from_untrusted(raw) else {
        return Ok(());
    };
    let hash = token.hash();
    // The hint only orders the look-ups (§2.1); both kinds are tried.
    if let Some((row, _)) = state.store.refresh_token(&hash).await? {
        if row.client_id != client.client_id {
            return Err(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "the token was issued to another client",
            ));
        }
        state.store.revoke_grant(&row.grant_id, state.now()).await?;
        return Ok(());
    }
    if let Some(row) = state.store.access_token(&hash, i64::MIN).await? {
        if row.client_id != client.client_id {
            return Err(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "the token was issued to another client",
            ));
        }
        state.store.delete_access_token(&hash).await?;
    }
    Ok(())
}
