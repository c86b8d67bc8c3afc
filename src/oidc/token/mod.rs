//! The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3): client authentication, then one
//! module per grant. Every answer carries `Cache-Control: no-store` (RFC 6749 §5.1).
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::OAuthError;
use crate::domain::clock::{DAY, Millis, SECOND};
use crate::domain::secret::SecretToken;
use crate::http::AppState;
use crate::http::client::ClientInfo;
use crate::http::form::MAX_FORM_FIELDS;
use crate::store::clients::ClientRow;
use crate::store::tokens::{AccessTokenRow, RefreshTokenRow};

pub mod authorization_code;
pub mod client_auth;
pub mod client_credentials;
pub mod refresh_token;

/// `unauthorized_client` unless the client is registered for `grant` (RFC 6749 §5.2).
pub fn require_grant(client: &ClientRow, grant: &str) -> Result<(), OAuthError> {
    if client.allows_grant(grant) {
        Ok(())
    } else {
        Err(OAuthError::new(
            "unauthorized_client",
            format!("this client may not use {grant}"),
        ))
    }
}

/// A form request from an authenticated client: the body checked as RFC 6749 §3.2 asks, then
/// client authentication (token, revocation and introspection endpoints alike).
pub async fn authenticated_form(
    state: &AppState,
    peer: &ClientInfo,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<(Vec<(String, String)>, ClientRow), OAuthError> {
    let params = form_params(headers, query, body)?;
    let client = client_auth::authenticate(state, headers, peer.limit_addr, &params).await?;
    Ok((params, client))
}

/// The first value of `name`, if not empty.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// A form body as pairs, refusing what RFC 6749 §3.2 forbids: parameters in the query,
/// another content type, repeated parameters.
pub fn form_params(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, OAuthError> {
    if query.is_some_and(|q| !q.is_empty()) {
        return Err(OAuthError::invalid_request(
            "send parameters in the request body, not in the URL",
        ));
    }
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .take(MAX_FORM_FIELDS + 1)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if params.len() > MAX_FORM_FIELDS {
        return Err(OAuthError::invalid_request("too many parameters"));
    }
    for (i, (k, _)) in params.iter().enumerate() {
        if params[..i].iter().any(|(p, _)| p == k) {
            return Err(OAuthError::invalid_request(format!(
                "{k} must not be repeated"
            )));
        }
    }
    Ok(params)
}

pub async fn token(
    State(state): State<AppState>,
    peer: ClientInfo,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    match handle(&state, &peer, &headers, q.as_deref(), &body).await {
        Ok(v) => json_no_store(v),
        Err(e) => e.into_response(),
    }
}

async fn handle(
    state: &AppState,
    peer: &ClientInfo,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let (params, client) = authenticated_form(state, peer, headers, query, body).await?;
    match param(&params, "grant_type") {
        Some("authorization_code") => authorization_code::grant(state, &client, &params).await,
        Some("refresh_token") => refresh_token::grant(state, &client, &params).await,
        Some("client_credentials") => client_credentials::grant(state, &client, &params).await,
        Some(_) => Err(OAuthError::new(
            "unsupported_grant_type",
            "supported: authorization_code, refresh_token, client_credentials",
        )),
        None => Err(OAuthError::invalid_request("grant_type is required")),
    }
}

pub fn json_no_store(v: Value) -> Response {
    let mut resp = Json(v).into_response();
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// A new opaque access token and the row that stores its hash; the caller stores it (alone,
/// or with the grant's other tokens in one transaction). Returns the token and its lifetime.
pub fn access_token_row(
    state: &AppState,
    grant_id: Option<&str>,
    client_id: &str,
    user_id: Option<i64>,
    scopes: &str,
    now: Millis,
) -> (String, AccessTokenRow, i64) {
    let token = SecretToken::generate();
    let ttl = state.config.tokens.access_token_secs;
    let row = AccessTokenRow {
        token_hash: token.hash(),
        grant_id: grant_id.map(str::to_owned),
        client_id: client_id.to_owned(),
        user_id,
        scopes: scopes.to_owned(),
        created_at: now,
        expires_at: now + ttl * SECOND,
    };
    (token.expose().to_owned(), row, ttl)
}

/// A new refresh token in family `template.grant_id` (the family keeps its absolute expiry),
/// and the row that stores its hash.
pub fn refresh_token_row(template: RefreshTokenRow) -> (String, RefreshTokenRow) {
    let token = SecretToken::generate();
    let row = RefreshTokenRow {
        token_hash: token.hash(),
        ..template
    };
    (token.expose().to_owned(), row)
}

/// When a refresh family started now ends.
pub fn refresh_expiry(state: &AppState, now: Millis) -> Millis {
    now + state.config.tokens.refresh_token_days * DAY
}

#[cfg(test)]
mod props;
