//! Compact JWS (RFC 7515 §7.1) for the JWTs Daemun signs besides ID tokens: logout tokens and
//! JWT access tokens. The header names the algorithm, the key (`kid`, so verifiers find it in
//! the JWKS) and the token's type (`typ`, RFC 8725 §3.11 explicit typing).
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::PrivateSigningKey;
use serde_json::{Value, json};

use super::keyring::{KeyRing, KeyRingError};
use super::signing::Alg;
use crate::domain::clock::Millis;

/// `claims` signed with the key that signs `alg` tokens at `now`, with `typ` in the header.
pub fn sign(
    keys: &KeyRing,
    alg: Alg,
    typ: &str,
    claims: &Value,
    now: Millis,
) -> Result<String, KeyRingError> {
    let key = keys.signing_key(alg, now)?;
    let header = json!({ "alg": alg.as_str(), "kid": key.kid(), "typ": typ });
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string().as_bytes());
    let input = format!("{}.{}", b64(&header), b64(claims));
    let signature = key
        .sign(&alg.jws(), input.as_bytes())
        .map_err(|e| KeyRingError::Refused(format!("cannot sign a {typ}: {e}")))?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}
