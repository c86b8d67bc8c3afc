//! What [`super::check_logout_token`] builds on: a logout token's header and claims (Back-Channel
//! Logout 1.0 §2.4), the signature check against Daemun's JWKS through the crate's keys, the
//! reasons a token is refused, and the memory of tokens already received.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{ClientId, JsonWebKey, JsonWebKeyId, JwsSigningAlgorithm};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::SIGNING_ALGS;

/// The `events` member that makes a JWT a logout token.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// An unknown `kid` makes us fetch the JWKS again at most this often: anyone can post a token.
const JWKS_REFETCH_PAUSE: Duration = Duration::from_secs(10);

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
/// it accepted, until that token expires, and when an unknown key last made it fetch the JWKS.
pub struct SeenLogoutTokens {
    /// `jti` → the second after which the token is dead anyway.
    jtis: Mutex<HashMap<String, i64>>,
    /// At most this many are kept; the first to expire are forgotten first.
    max: usize,
    refetched: Mutex<Option<Instant>>,
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
            refetched: Mutex::new(None),
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

    /// Whether the JWKS may be fetched again now; if so, the time is noted.
    pub(super) fn may_refetch(&self) -> bool {
        let mut last = self.refetched.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|t| t.elapsed() < JWKS_REFETCH_PAUSE) {
            return false;
        }
        *last = Some(Instant::now());
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

/// `aud`: one string, or an array of them.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    /// Whether we are the audience, and the only one (as the crate requires of ID tokens).
    pub fn is_only(&self, client_id: &ClientId) -> bool {
        match self {
            Audience::One(aud) => aud == client_id.as_str(),
            Audience::Many(auds) => {
                !auds.is_empty() && auds.iter().all(|aud| aud == client_id.as_str())
            }
        }
    }
}

#[derive(Deserialize)]
struct JwsHeader {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
    crit: Option<Value>,
}

/// The claims of a compact JWS once a key of `jwks` verifies its signature: the `kid` and the
/// key type pick the keys, and the crate's `JsonWebKey::verify_signature` does the cryptography.
pub(super) fn verified_claims(
    token: &str,
    jwks: &CoreJsonWebKeySet,
) -> Result<Map<String, Value>, LogoutTokenError> {
    let malformed = || LogoutTokenError::Malformed("not three parts".into());
    let (signed, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
    let (header, claims) = signed.split_once('.').ok_or_else(malformed)?;
    if claims.contains('.') {
        return Err(malformed());
    }
    let header: JwsHeader = json_part(header)?;
    let alg = serde_json::from_value::<CoreJwsSigningAlgorithm>(Value::String(header.alg))
        .ok()
        .filter(|alg| SIGNING_ALGS.contains(alg))
        .ok_or(LogoutTokenError::Alg)?;
    // Explicit typing (RFC 8725 §3.11): a JWT of another kind is never taken for a logout token.
    let typ_ok = header.typ.is_none_or(|typ| {
        let typ = typ.to_ascii_lowercase();
        typ.strip_prefix("application/").unwrap_or(&typ) == "logout+jwt"
    });
    if !typ_ok || header.crit.is_some() {
        return Err(LogoutTokenError::Header);
    }
    let kid = header.kid.map(JsonWebKeyId::new);
    let key_type = alg.key_type();
    let keys: Vec<_> = jwks
        .keys()
        .iter()
        .filter(|k| kid.is_none() || k.key_id() == kid.as_ref())
        .filter(|k| key_type.as_ref() == Some(k.key_type()))
        .collect();
    if keys.is_empty() {
        return Err(LogoutTokenError::UnknownKey);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| LogoutTokenError::Malformed(e.to_string()))?;
    if !keys.iter().any(|k| {
        k.verify_signature(&alg, signed.as_bytes(), &signature)
            .is_ok()
    }) {
        return Err(LogoutTokenError::Signature);
    }
    json_part(claims)
}

/// One base64url part of a JWT, as JSON.
pub(super) fn json_part<T: DeserializeOwned>(part: &str) -> Result<T, LogoutTokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| LogoutTokenError::Malformed(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| LogoutTokenError::Malformed(e.to_string()))
}

pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
