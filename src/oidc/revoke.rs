//! Token revocation (RFC 7009). Unknown tokens get 200 (§2.2); a refresh token takes its whole
//! grant with it, access tokens included (§2.1).
use axum::extract::State;
use axum::http::StatusCode;

use super::client_auth::ClientForm;
use super::error::OAuthError;
use super::params::param;
use crate::domain::secret::presented_token_hash;
use crate::http::AppState;

pub async fn revoke(
    State(state): State<AppState>,
    ClientForm { params, client }: ClientForm,
) -> Result<StatusCode, OAuthError> {
    let raw =
        param(&params, "token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let Some(hash) = presented_token_hash(raw) else {
        return Ok(StatusCode::OK);
    };
    let another_client =
        || OAuthError::unauthorized_client("the token was issued to another client");
    // The hint only orders the look-ups (§2.1); both kinds are tried.
    if let Some((row, _)) = state.store.refresh_token(&hash).await? {
        if row.client_id != client.client_id {
            return Err(another_client());
        }
        state.store.revoke_grant(&row.grant_id, state.now()).await?;
    } else if let Some(row) = state.store.access_token(&hash, i64::MIN).await? {
        if row.client_id != client.client_id {
            return Err(another_client());
        }
        state.store.delete_access_token(&hash).await?;
    }
    Ok(StatusCode::OK)
}
