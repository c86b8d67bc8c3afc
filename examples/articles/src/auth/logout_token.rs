//! What [`super::check_logout_token`] builds on: a logout token's claims (Back-Channel Logout
//! 1.0 §2.4), the reasons a token is refused, and the memory of tokens already received. The
//! signature check and the keys are in [`super::jws`], shared with access tokens.
use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::jws::{Audience, ExplicitType, token_error_from_jws};

/// The `events` member that makes a JWT a logout token.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// A logout token's `typ`; explicit typing is recommended, not required (§2.4).
pub(super) const LOGOUT_TOKEN_TYPE: ExplicitType = ExplicitType {
    name: "logout+jwt",
    required: false,
};

/// Why a logout token is refused (§2.6). The endpoint answers `400` with the message as
/// `error_description`; no message says more than the token itself does.
#[derive(Debug, thiserror::Error)]
pub enum LogoutTokenError {
    /// Not a compact JWS of three base64url parts with a JSON header and JSON claims.
    #[error("the logout token is not a signed JWT ({0})")]
    Malformed(String),
    /// `alg` is neither RS256 nor ES256 (`none` and MACs included).
    #[error("the logout token is not signed with RS256 or ES256")]
    Alg,
    /// A `typ` other than `logout+jwt`, or a `crit` header this app does not understand.
    #[error("the logout token's header is not that of a logout token")]
    Header,
    /// No key of Daemun's JWKS has the token's `kid` and key type.
    #[error("the logout token is signed with an unknown key")]
    UnknownKey,
    /// A known key, but the signature does not verify.
    #[error("the logout token's signature is not valid")]
    Signature,
    /// `iss` is not Daemun's issuer.
    #[error("the logout token comes from another issuer")]
    Issuer,
    /// `aud` is not this app's client id (alone).
    #[error("the logout token is meant for another client")]
    Audience,
    /// `exp` has passed (beyond the clock skew).
    #[error("the logout token has expired")]
    Expired,
    /// `iat` lies in the future (beyond the clock skew).
    #[error("the logout token is not valid yet")]
    NotYetValid,
    /// `events` lacks the back-channel logout member, or it is not a JSON object.
    #[error("the logout token has no back-channel logout event")]
    Event,
    /// Neither `sid` nor `sub`: nothing says which sessions to end.
    #[error("the logout token names neither sid nor sub")]
    NoSubject,
    /// A `nonce` belongs in ID tokens, never in a logout token.
    #[error("the logout token has a nonce")]
    Nonce,
    /// The same `jti` was accepted before, within the token's lifetime.
    #[error("the logout token was already received")]
    Replayed,
    /// Fetching the JWKS again failed; the detail is for the log only.
    #[error("Daemun's signing keys could not be fetched")]
    Keys(String),
}

/// What the back-channel endpoint remembers between requests: the `jti` of each logout token
/// it accepted, until that token expires.
pub struct SeenLogoutTokens {
    /// `jti` → the second after which the token is dead anyway.
    jtis: Mutex<HashMap<String, i64>>,
    /// At most this many are kept; the first to expire are forgotten first.
    max: usize,
}

impl Default for SeenLogoutTokens {
    fn default() -> Self {
        Self::with_capacity(10_000)
    }
}

impl SeenLogoutTokens {
    pub fn with_capacity(max: usize) -> Self {
        Self {
            jtis: Mutex::new(HashMap::new()),
            max: max.max(1),
        }
    }

    /// Records `jti` until `until`; false when it is recorded already and still alive.
    pub(super) fn first_use(&self, jti: &str, until: i64, now: i64) -> bool {
        let mut jtis = self.jtis.lock().unwrap_or_else(|p| p.into_inner());
        if jtis.get(jti).is_some_and(|&alive| alive >= now) {
            return false;
        }
        if jtis.len() >= self.max {
            jtis.retain(|_, alive| *alive >= now);
        }
        if jtis.len() >= self.max
            && let Some(first) = jtis
                .iter()
                .min_by_key(|(_, alive)| **alive)
                .map(|(jti, _)| jti.clone())
        {
            jtis.remove(&first);
        }
        jtis.insert(jti.to_owned(), until);
        true
    }
}

/// The claims of a logout token. `nonce` is looked for before these are read.
#[derive(Deserialize)]
pub(super) struct LogoutClaims {
    pub iss: String,
    pub aud: Audience,
    pub iat: f64,
    pub exp: f64,
    pub jti: String,
    #[serde(default)]
    pub events: Map<String, Value>,
    pub sid: Option<String>,
    pub sub: Option<String>,
}

token_error_from_jws!(LogoutTokenError);
