//! The device code grant (RFC 8628 §3.4–3.5): the device polls with its device code until its
//! person answered at `/device`. Each answer before that says why (`authorization_pending`,
//! `slow_down` when it polls faster than the interval, which then grows by five seconds,
//! `expired_token`, `access_denied`); an approved request yields tokens once.
use super::issue::{Authorization, Granted, TokenResponse, active_user, first_tokens};
use super::require_grant;
use crate::domain::client::{Client, GrantType};
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;

/// How much a too-early poll adds to the interval (§3.5).
const SLOW_DOWN_SECS: i64 = 5;

pub async fn grant(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    require_grant(client, GrantType::DeviceCode)?;
    let code = param(params, "device_code")
        .and_then(SecretToken::from_untrusted)
        .ok_or_else(|| OAuthError::invalid_grant("the device code is invalid"))?;
    let now = state.now();
    let request = state
        .store
        .poll_device_request(&code.hash(), now, SLOW_DOWN_SECS)
        .await?
        .filter(|r| r.client_id == client.client_id)
        .ok_or_else(|| OAuthError::invalid_grant("the device code is invalid"))?;
    if request.expires_at <= now {
        return Err(OAuthError::new(
            ErrorCode::ExpiredToken,
            "the device code has expired: start again",
        ));
    }
    let too_soon = request
        .last_polled_at
        .is_some_and(|last| now - last < request.interval_secs * 1000);
    match request.status.as_str() {
        "pending" if too_soon => Err(OAuthError::new(
            ErrorCode::SlowDown,
            format!(
                "poll at most every {} seconds",
                request.interval_secs + SLOW_DOWN_SECS
            ),
        )),
        "pending" => Err(OAuthError::new(
            ErrorCode::AuthorizationPending,
            "the person has not answered yet",
        )),
        "denied" => Err(OAuthError::new(
            ErrorCode::AccessDenied,
            "the person declined",
        )),
        "approved" => redeem(state, client, params, &request, now).await,
        _ => Err(OAuthError::invalid_grant(
            "the device code was already used",
        )),
    }
}

async fn redeem(
    state: &AppState,
    client: &Client,
    params: &[(String, String)],
    request: &crate::store::device::DeviceRequest,
    now: i64,
) -> Result<TokenResponse, OAuthError> {
    if !state
        .store
        .redeem_device_request(&request.device_code_hash, now)
        .await?
    {
        return Err(OAuthError::invalid_grant(
            "the device code was already used",
        ));
    }
    let (Some(grant_id), Some(user_id), Some(sid), Some(auth_time), Some(amr)) = (
        request.grant_id.as_deref(),
        request.user_id,
        request.sid.as_deref(),
        request.auth_time,
        request.amr.as_deref(),
    ) else {
        return Err(OAuthError::invalid_grant("the device code is invalid"));
    };
    let user = active_user(state, client, user_id).await?;
    let who = Authorization {
        grant_id,
        user: &user,
        sid,
        auth_time,
        amr,
        nonce: None,
    };
    first_tokens(
        state,
        client,
        &who,
        // A device asks for no resource (RFC 8628 has no place for one here).
        Granted {
            scopes: &request.scopes,
            resources: "",
        },
        params,
        GrantType::DeviceCode,
        now,
    )
    .await
}
