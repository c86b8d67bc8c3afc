//! The JSON Web Key Set (RFC 7517 §5): public parts of every published signing key, so tokens
//! signed before a rotation keep verifying while new ones carry the new `kid`.
use axum::extract::State;
use axum::response::Response;

use super::discovery::public_json;
use crate::http::AppState;

pub async fn jwks(State(state): State<AppState>) -> Response {
    // Shorter than the rotation delay, so caches see a new key before it signs.
    public_json(state.keys.jwks_json().to_vec(), "public, max-age=300")
}
