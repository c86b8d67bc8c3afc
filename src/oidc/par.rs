//! Pushed authorization requests (RFC 9126). `POST /par` takes an authorization request from
//! an authenticated client, validates it exactly as `/authorize` would, keeps it for a minute
//! and answers `201` with a `request_uri`; the browser then goes to `/authorize` with only
//! `client_id` and `request_uri`, and the pushed request is used once. The parameters never
//! travel through the browser's address bar, and nobody can change them on the way.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::authorize::pushed::URN_PREFIX;
use super::authorize::request::{self, BAD_REDIRECT_URI, Rejection};
use super::client_auth::ClientForm;
use super::error::OAuthError;
use super::params::{json_no_store, param};
use crate::domain::clock::{Millis, SECOND};
use crate::domain::secret::SecretToken;
use crate::http::AppState;

pub const PATH: &str = "/par";
/// How long a pushed request waits for its browser (§2.2 suggests a short time; 5–600 s).
pub const LIFETIME_SECS: i64 = 60;

/// `POST /par` (§2.1).
pub async fn push(
    State(state): State<AppState>,
    ClientForm { params, client }: ClientForm,
) -> Result<Response, OAuthError> {
    if param(&params, "request_uri").is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri must not be sent to the pushed authorization request endpoint",
        ));
    }
    if param(&params, "client_id").is_some_and(|id| id != client.client_id) {
        return Err(OAuthError::invalid_request(
            "client_id differs from the authenticated client",
        ));
    }
    // The request as /authorize would read it, for the client that authenticated.
    let mut params: Vec<(String, String)> = params
        .into_iter()
        .filter(|(k, _)| k != "client_id" && k != "client_secret")
        .collect();
    params.push(("client_id".into(), client.client_id.clone()));
    let req = match request::parse(&state.store, &params).await {
        Ok(req) => req,
        Err(Rejection::Redirect(_, e)) => return Err(e),
        Err(Rejection::Page(p)) if p.body == BAD_REDIRECT_URI.body => {
            return Err(OAuthError::invalid_request(
                "redirect_uri is missing or not registered for this client",
            ));
        }
        Err(Rejection::Page(_)) => {
            return Err(OAuthError::invalid_request(
                "client_id and redirect_uri must appear once",
            ));
        }
    };
    let stored = serde_json::to_string(&req.parked).map_err(|_| OAuthError::server_error())?;
    let token = SecretToken::generate();
    let now = state.now();
    let expires: Millis = now + LIFETIME_SECS * SECOND;
    state
        .store
        .insert_pushed(&token.hash(), &client.client_id, &stored, now, expires)
        .await?;
    let body = json!({
        "request_uri": format!("{URN_PREFIX}{}", token.expose()),
        "expires_in": LIFETIME_SECS,
    });
    let mut resp = json_no_store(body);
    *resp.status_mut() = StatusCode::CREATED;
    Ok(resp)
}
