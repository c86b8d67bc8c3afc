//! Client authentication at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3.1, OIDC Core §9): `client_secret_basic`, `client_secret_post` or `none`.
//!
//! Correct credentials are never refused because of somebody else's failures: wrong secrets
//! are counted per (client address, confidential client) in memory, public clients and unknown
//! ids are never counted, and the per-client request limit applies only once a client has
//! authenticated. Secrets are 256-bit random values, so a lock-out per client id would protect
//! nothing and would let anyone who knows an id lock its application out (RFC 6749 §10.10 asks
//! only that guessing be infeasible).
use std::net::IpAddr;
use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::params::{form_params, param};
use crate::domain::client::Client;
use crate::domain::client::{AuthMethod, client_id_is_plausible};
use crate::domain::secret::{constant_time_eq, sha256};
use crate::http::AppState;
use crate::http::client::limit_addr;
use crate::oidc::error::OAuthError;

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
        // Generated ids and secrets have nothing to decode: take them as they are.
        if !s.contains(['%', '+']) {
            return s.to_owned();
        }
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((dec(id), dec(secret))))
}

/// The authenticated client, or `invalid_client` (401) / `invalid_request`; `429` while
/// `ip` (the request's limit key) has used up its wrong secrets for this client, or once the
/// authenticated client is over its request limit.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
    params: &[(String, String)],
) -> Result<Arc<Client>, OAuthError> {
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
            (id, Some(secret), AuthMethod::ClientSecretBasic)
        }
        (None, Some(secret)) => {
            let id = body_id.ok_or_else(OAuthError::invalid_client)?;
            (
                id.to_owned(),
                Some(secret.to_owned()),
                AuthMethod::ClientSecretPost,
            )
        }
        (None, None) => {
            let id = body_id.ok_or_else(OAuthError::invalid_client)?;
            (id.to_owned(), None, AuthMethod::None)
        }
    };
    if !client_id_is_plausible(&client_id) {
        return Err(OAuthError::invalid_client());
    }
    let Some(mut client) = state.store.client_for_protocol(&client_id).await? else {
        // Unknown ids are not counted anywhere: inventing them creates no state.
        return Err(OAuthError::invalid_client());
    };
    let counted = !client.is_public();
    if counted {
        state
            .edge
            .client_failures_blocked(ip, &client.client_id)
            .map_err(OAuthError::too_many_requests)?;
    }
    let secret_hash = secret.as_ref().map(|s| sha256(s.as_bytes()));
    let mut ok = proves(&client, method, secret_hash.as_deref());
    if !ok {
        // The kept copy may predate a new secret set on another node: ask the database.
        match state.store.reread_client(&client_id).await? {
            Some(fresh) => {
                client = fresh;
                ok = proves(&client, method, secret_hash.as_deref());
            }
            None => return Err(OAuthError::invalid_client()),
        }
    }
    if !ok {
        if counted {
            state.edge.count_client_failure(ip, &client.client_id);
        }
        return Err(OAuthError::invalid_client());
    }
    // A public client's id proves nothing, so its requests are limited per address only.
    if counted {
        state
            .edge
            .check_client(&client.client_id)
            .map_err(OAuthError::too_many_requests)?;
    }
    Ok(client)
}

/// Whether `method` with a secret hashing to `secret_hash` (or none) authenticates `client`.
fn proves(client: &Client, method: AuthMethod, secret_hash: Option<&[u8]>) -> bool {
    client.allows_auth(method)
        && match secret_hash {
            Some(given) => client
                .secret_hash
                .as_ref()
                .is_some_and(|h| constant_time_eq(h, given)),
            None => client.is_public(),
        }
}

/// A form request from an authenticated client, as the token, revocation and introspection
/// endpoints take it: the body checked as RFC 6749 §3.2 asks, then client authentication.
/// Refused with the OAuth error (or `413` for a body over `server.body_limit_bytes`) before
/// the handler runs.
pub struct ClientForm {
    pub params: Vec<(String, String)>,
    pub client: Arc<Client>,
}

impl FromRequest<AppState> for ClientForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let addr = limit_addr(
            &parts,
            &state.trusted_proxies,
            state.config.limits.ipv6_prefix_len,
        );
        let body = to_bytes(body, state.config.server.body_limit_bytes)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        let headers = std::mem::take(&mut parts.headers);
        let params =
            form_params(&headers, parts.uri.query(), &body).map_err(IntoResponse::into_response)?;
        let client = authenticate(state, &headers, addr, &params)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self { params, client })
    }
}
