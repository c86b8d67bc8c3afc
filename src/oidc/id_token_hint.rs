//! `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout 1.0 §2): an ID token this provider
//! issued earlier, naming the person the application believes is logged in.
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{ClientId, IdTokenVerifier, IssuerUrl, Nonce};

use super::id_token::DaemunIdToken;
use crate::http::AppState;

/// What a verified hint says.
pub struct Hint {
    /// The client the token was issued to (its first audience).
    pub client_id: String,
    pub sub: String,
}

/// Checks the hint's signature against our own keys (RS256/ES256 only, never `none`) and its
/// issuer. An expired hint is still a hint (§2: it identifies a past login).
pub fn verify_hint(state: &AppState, raw: &str) -> Option<Hint> {
    let token: DaemunIdToken = raw.parse().ok()?;
    let payload = raw.split('.').nth(1)?;
    let claims: serde_json::Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()?,
        )
        .ok()?
    };
    let iat = DateTime::<Utc>::from_timestamp(claims["iat"].as_i64()?, 0)?;
    let jwks: CoreJsonWebKeySet = serde_json::from_slice(&state.keys.jwks_json()).ok()?;
    let aud = match &claims["aud"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.first()?.as_str()?.to_owned(),
        _ => return None,
    };
    let verifier = IdTokenVerifier::new_public_client(
        ClientId::new(aud.clone()),
        IssuerUrl::new(state.config.issuer().to_owned()).ok()?,
        jwks,
    )
    .set_allowed_algs([
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    ])
    .set_time_fn(move || iat);
    let verified = token.claims(&verifier, |_: Option<&Nonce>| Ok(())).ok()?;
    Some(Hint {
        client_id: aud,
        sub: verified.subject().to_string(),
    })
}
