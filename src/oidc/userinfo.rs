//! UserInfo (OIDC Core §5.3) with Bearer tokens (RFC 6750): in the `Authorization` header, or
//! in a form body on POST (§2.2); never from the query string (RFC 9700 §4.3.2).
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::claims::{has_scope, memberships, userinfo as claims};
use super::error::{ErrorCode, OAuthError};
use super::params::json_no_store;
use crate::domain::secret::presented_token_hash;
use crate::http::AppState;

/// A Bearer challenge (RFC 6750 §3): `401` without an error code when no token was sent at
/// all, else the code's own status (§3.1).
fn challenge(error: Option<(ErrorCode, &str)>) -> Response {
    let status = error.map_or(StatusCode::UNAUTHORIZED, |(code, _)| code.status());
    let header = match error {
        None => "Bearer realm=\"daemun\"".to_owned(),
        Some((code, description)) => format!(
            "Bearer realm=\"daemun\", error=\"{code}\", error_description=\"{description}\""
        ),
    };
    let body = match error {
        None => {
            json!({ "error": "invalid_request", "error_description": "a Bearer access token is required" })
        }
        Some((code, description)) => {
            json!({ "error": code.as_str(), "error_description": description })
        }
    };
    let mut resp = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&header) {
        resp.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    // Answers about a token are never cached, errors included.
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    resp
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

pub async fn userinfo_get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(&state, bearer(&headers)).await
}

pub async fn userinfo_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let from_body = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
        .then(|| {
            url::form_urlencoded::parse(&body)
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        })
        .flatten();
    match (bearer(&headers), from_body) {
        (Some(_), Some(_)) => challenge(Some((
            ErrorCode::InvalidRequest,
            "send the token in one place only",
        ))),
        (h, b) => answer(&state, h.or(b)).await,
    }
}

async fn answer(state: &AppState, token: Option<String>) -> Response {
    let Some(raw) = token else {
        return challenge(None);
    };
    let invalid = || {
        challenge(Some((
            ErrorCode::InvalidToken,
            "the access token is invalid or expired",
        )))
    };
    let Some(hash) = presented_token_hash(&raw) else {
        return invalid();
    };
    let no_openid = || {
        challenge(Some((
            ErrorCode::InsufficientScope,
            "the token lacks the openid scope",
        )))
    };
    let now = state.now();
    // One query for a person's live token, the case that matters for speed.
    match state.store.token_user(&hash, now).await {
        Ok(Some((scopes, _, _))) if !has_scope(&scopes, "openid") => return no_openid(),
        Ok(Some((scopes, client_id, u))) if u.is_active => {
            return match memberships(&state.store, &client_id, u.user_id, &scopes).await {
                Ok(of) => json_no_store(claims(&u, &scopes, of)),
                Err(e) => OAuthError::from(e).into_response(),
            };
        }
        Ok(Some(_)) => return invalid(),
        Ok(None) => {}
        Err(e) => return OAuthError::from(e).into_response(),
    }
    // Why not: a live token of no person lacks openid (client credentials cannot ask for it).
    match state.store.access_token(&hash, now).await {
        Ok(Some(r)) if !has_scope(&r.scopes, "openid") => no_openid(),
        Ok(_) => invalid(),
        Err(e) => OAuthError::from(e).into_response(),
    }
}
