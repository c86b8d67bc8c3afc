//! Logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4): a JWT signed like an ID token,
//! with `typ: logout+jwt` in its header (§2.4, RFC 8725 §3.11 explicit typing), the back-channel
//! event, `sub` and `sid`, a short life, and never a `nonce` (§2.4: it must not have one, so it
//! cannot pass for an ID token).
use serde_json::json;

use crate::domain::clock::{Millis, SECOND};
use crate::keys::jwt;
use crate::keys::keyring::{KeyRing, KeyRingError};
use crate::keys::signing::Alg;

/// The event member of `events` (§2.4).
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long a logout token is valid (the issue time is fresh on every attempt).
pub const LIFETIME: Millis = 2 * 60 * SECOND;

/// What one token says.
#[derive(Debug, Clone, Copy)]
pub struct LogoutClaims<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub sub: &'a str,
    pub sid: &'a str,
    pub jti: &'a str,
}

/// Signs `claims` with the key that signs `alg` tokens now.
pub fn sign(
    keys: &KeyRing,
    alg: Alg,
    claims: &LogoutClaims<'_>,
    now: Millis,
) -> Result<String, KeyRingError> {
    let iat = now / 1000;
    let mut body = json!({
        "iss": claims.issuer,
        "aud": claims.client_id,
        "iat": iat,
        "exp": iat + LIFETIME / 1000,
        "jti": claims.jti,
        "events": { EVENT: {} },
        "sid": claims.sid,
    });
    if !claims.sub.is_empty() {
        body["sub"] = json!(claims.sub);
    }
    jwt::sign(keys, alg, "logout+jwt", &body, now)
}
