//! Client authentication at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3.1, OIDC Core §9): `client_secret_basic`, `client_secret_post` or `none`.
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::param;
use crate::domain::client::client_id_is_plausible;
use crate::domain::secret::{constant_time_eq, sha256};
use crate::http::AppState;
use crate::http::rate_limit::over_limit;
use crate::oidc::error::OAuthError;
use crate::store::clients::ClientRow;

/// Failed authentications per client and window before further attempts are refused unseen.
const FAILURES_PER_WINDOW: i64 = 100;

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
pub(crate) fn basic(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client();
    let value = value.to_str().map_err(|_| bad())?;
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Ok(None);
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    // Form encoding never leaves `&` raw, and decoding one would silently cut the value short.
    if text.contains('&') {
        return Err(bad());
    }
    let dec = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((dec(id), dec(secret))))
}

/// The authenticated client, or `invalid_client` (401) / `invalid_request`.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<ClientRow, OAuthError> {
    let header = basic(headers)?;
    let body_id = param(params, "client_id");
    let body_secret = param(params, "client_secret");
    let (client_id, secret, method) = match (header, body_secret) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_request(
                "use one client authentication method, not two",
            ));
        }
        (Some((id, secret)), None) => {
            if body_id.is_some_and(|b| b != id) {
                return Err(OAuthError::invalid_request(
                    "client_id differs from the authenticated client",
                ));
            }
            (id, Some(secret), "client_secret_basic")
        }
        (None, Some(secret)) => {
            let id = body_id.ok_or_else(OAuthError::invalid_client)?;
            (id.to_owned(), Some(secret.to_owned()), "client_secret_post")
        }
        (None, None) => {
            let id = body_id.ok_or_else(OAuthError::invalid_client)?;
            (id.to_owned(), None, "none")
        }
    };
    if !client_id_is_plausible(&client_id) {
        return Err(OAuthError::invalid_client());
    }
    if let Err(wait) = state.edge.check_client(&client_id) {
        return Err(OAuthError::too_many_requests(wait));
    }
    let bucket = format!("client_auth:{client_id}");
    if state.store.throttle_count(&bucket, state.now()).await? >= FAILURES_PER_WINDOW {
        return Err(OAuthError::invalid_client());
    }
    let client = state.store.client(&client_id).await?;
    let ok = match (&client, &secret) {
        (Some(c), _) if !c.token_endpoint_auth_method.split(' ').any(|m| m == method) => false,
        (Some(c), Some(s)) => c
            .secret_hash
            .as_ref()
            .is_some_and(|h| constant_time_eq(h, &sha256(s.as_bytes()))),
        (Some(c), None) => c.is_public(),
        (None, _) => false,
    };
    match client {
        Some(c) if ok => Ok(c),
        _ => {
            let _ = over_limit(state, &bucket, FAILURES_PER_WINDOW).await;
            Err(OAuthError::invalid_client())
        }
    }
}
