//! What the passkey pages share: the relying party (or "passkeys are off"), the user handle a
//! passkey carries, and WebAuthn ceremonies kept in the database between their two requests.
//!
//! A ceremony starts with a `POST …/options` that answers JSON for `navigator.credentials`
//! (the options and a random ceremony token, whose hash keys the stored verifier state) and
//! ends with an ordinary form POST carrying the token and the browser's answer. The stored
//! row is taken once, so a challenge is answered once, on whichever node.
use axum::Json;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use webauthn_rs::Webauthn;
use webauthn_rs::prelude::Uuid;

use crate::domain::clock::{MINUTE, Millis};
use crate::domain::secret::SecretToken;
use crate::domain::user::User;
use crate::http::{AppState, PageError};
use crate::store::passkeys::Ceremony;

/// How long a browser has to answer a challenge.
const CEREMONY_FOR: Millis = 5 * MINUTE;

/// Ceremony purposes, as stored.
pub const REGISTER: &str = "register";
pub const SECOND_STEP: &str = "second_step";
pub const DISCOVER: &str = "discover";

/// The relying party, or `None` when passkeys are off (an IP address as issuer).
pub fn relying_party(state: &AppState) -> Option<&Webauthn> {
    state.passkeys.as_ref().ok()
}

/// The WebAuthn user handle of `user` (§5.4.3: at most 64 bytes, no personal data): the 16
/// random bytes of their `sub`. A `sub` of another shape gives the first 16 bytes of its
/// SHA-256, still stable and still nothing personal.
pub fn user_handle(user: &User) -> Uuid {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(user.sub.as_bytes())
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok());
    let bytes = raw.unwrap_or_else(|| {
        let digest = Sha256::digest(user.sub.as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b
    });
    Uuid::from_bytes(bytes)
}

/// Stores `verifier` for a ceremony of `purpose` and answers the browser with `options` and
/// the ceremony's token.
pub async fn begin(
    state: &AppState,
    purpose: &str,
    user_id: Option<i64>,
    options: &impl Serialize,
    verifier: &impl Serialize,
) -> Result<Response, PageError> {
    let token = SecretToken::generate();
    let now = state.now();
    let verifier = serde_json::to_string(verifier).map_err(|e| {
        tracing::error!(error = %e, "cannot store a WebAuthn ceremony");
        PageError::server()
    })?;
    let ceremony = Ceremony {
        ceremony_hash: token.hash(),
        purpose: purpose.to_owned(),
        user_id,
        state: verifier,
        created_at: now,
        expires_at: now + CEREMONY_FOR,
    };
    state.store.insert_ceremony(&ceremony).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "ceremony": token.expose(), "options": options }),
    ))
}

/// Takes the live ceremony of `purpose` named by `token` with its verifier state: `None` when
/// the token is unknown, used, expired, or for another purpose.
pub async fn take<T: DeserializeOwned>(
    state: &AppState,
    purpose: &str,
    token: &str,
) -> Result<Option<(Option<i64>, T)>, PageError> {
    let Some(token) = SecretToken::from_untrusted(token) else {
        return Ok(None);
    };
    let Some(row) = state
        .store
        .take_ceremony(&token.hash(), purpose, state.now())
        .await?
    else {
        return Ok(None);
    };
    Ok(serde_json::from_str(&row.state)
        .ok()
        .map(|verifier| (row.user_id, verifier)))
}

/// A JSON answer for the page's script, never cached.
pub fn json(status: StatusCode, body: &impl Serialize) -> Response {
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A refusal the page's script shows as it is: `{"error": message}`.
pub fn refusal(status: StatusCode, message: String) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}
