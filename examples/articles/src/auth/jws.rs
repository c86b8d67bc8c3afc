//! What logout tokens and access tokens share: Daemun's signing keys (with a limited re-fetch
//! when a token names a key we do not have), a compact JWS's header and claims, the signature
//! check through the crate's keys, and the `aud` claim.
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyId, JsonWebKeySetUrl, JwsSigningAlgorithm};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{SIGNING_ALGS, error_chain};

/// An unknown `kid` makes us fetch the JWKS again at most this often: anyone can send a token.
const JWKS_REFETCH_PAUSE: Duration = Duration::from_secs(10);

/// Why a compact JWS is refused before its claims are read.
#[derive(Debug, thiserror::Error)]
pub enum JwsError {
    /// Not three base64url parts with a JSON header and JSON claims.
    #[error("not a signed JWT ({0})")]
    Malformed(String),
    /// `alg` is neither RS256 nor ES256 (`none` and MACs included).
    #[error("not signed with RS256 or ES256")]
    Alg,
    /// Another `typ`, or a `crit` header this app does not understand.
    #[error("a header of another kind of JWT")]
    Header,
    /// No key of the JWKS has the token's `kid` and key type.
    #[error("signed with an unknown key")]
    UnknownKey,
    /// A known key, but the signature does not verify.
    #[error("the signature is not valid")]
    Signature,
}

/// The error of one kind of token, as the key re-fetch needs to know it.
pub(super) trait KeyError: From<JwsError> {
    /// Whether the token names a key the key set does not have.
    fn is_unknown_key(&self) -> bool;
    /// Fetching the JWKS again failed (the detail is for the log).
    fn keys_unavailable(detail: String) -> Self;
}

/// The `typ` header a kind of JWT carries (explicit typing, RFC 8725 §3.11), compared without
/// regard to case and with or without `application/` (RFC 7515 §4.1.9).
pub(super) struct ExplicitType {
    pub name: &'static str,
    /// Whether a token without `typ` is refused.
    pub required: bool,
}

impl ExplicitType {
    fn accepts(&self, typ: Option<&str>) -> bool {
        typ.map_or(!self.required, |typ| {
            let typ = typ.to_ascii_lowercase();
            typ.strip_prefix("application/").unwrap_or(&typ) == self.name
        })
    }
}

/// Daemun's signing keys, as last fetched from its `jwks_uri`.
pub struct SigningKeys {
    uri: JsonWebKeySetUrl,
    keys: RwLock<CoreJsonWebKeySet>,
    /// When a token with an unknown key last made us fetch the JWKS.
    refetched: Mutex<Option<Instant>>,
}

impl SigningKeys {
    pub fn new(uri: JsonWebKeySetUrl, keys: CoreJsonWebKeySet) -> Self {
        Self {
            uri,
            keys: RwLock::new(keys),
            refetched: Mutex::new(None),
        }
    }

    /// The keys we have.
    pub fn current(&self) -> CoreJsonWebKeySet {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fetches the JWKS again and keeps it.
    pub async fn refetch(&self, http: &reqwest::Client) -> Result<CoreJsonWebKeySet, String> {
        let fresh = CoreJsonWebKeySet::fetch_async(&self.uri, http)
            .await
            .map_err(|e| error_chain(&e))?;
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// Whether the JWKS may be fetched again now for an unknown key; if so, the time is noted.
    fn may_refetch(&self) -> bool {
        let mut last = self.refetched.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|t| t.elapsed() < JWKS_REFETCH_PAUSE) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// Runs `check` with the keys we have. When the token names a key we do not have (Daemun
    /// has rotated its keys since), fetches the JWKS once more and runs `check` again; at most
    /// once every ten seconds, since anyone can send a token with a made-up `kid`.
    pub(super) async fn check_with<T, E: KeyError>(
        &self,
        http: &reqwest::Client,
        check: impl Fn(&CoreJsonWebKeySet) -> Result<T, E>,
    ) -> Result<T, E> {
        match check(&self.current()) {
            Err(e) if e.is_unknown_key() && self.may_refetch() => {
                let fresh = self.refetch(http).await.map_err(E::keys_unavailable)?;
                check(&fresh)
            }
            other => other,
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

/// The claims of a compact JWS of type `typ` once a key of `jwks` verifies its signature: the
/// `kid` and the key type pick the keys, and the crate's `JsonWebKey::verify_signature` does the
/// cryptography. Only RS256 and ES256 are accepted, never `none` or a MAC (RFC 8725 §3.1).
pub(super) fn verified_claims(
    token: &str,
    jwks: &CoreJsonWebKeySet,
    typ: &ExplicitType,
) -> Result<Map<String, Value>, JwsError> {
    let malformed = || JwsError::Malformed("not three parts".into());
    let (signed, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
    let (header, claims) = signed.split_once('.').ok_or_else(malformed)?;
    if claims.contains('.') {
        return Err(malformed());
    }
    let header: JwsHeader = json_part(header)?;
    let alg = serde_json::from_value::<CoreJwsSigningAlgorithm>(Value::String(header.alg))
        .ok()
        .filter(|alg| SIGNING_ALGS.contains(alg))
        .ok_or(JwsError::Alg)?;
    // Explicit typing (RFC 8725 §3.11): a JWT of another kind is never taken for this one.
    if !typ.accepts(header.typ.as_deref()) || header.crit.is_some() {
        return Err(JwsError::Header);
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
        return Err(JwsError::UnknownKey);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| JwsError::Malformed(e.to_string()))?;
    if !keys.iter().any(|k| {
        k.verify_signature(&alg, signed.as_bytes(), &signature)
            .is_ok()
    }) {
        return Err(JwsError::Signature);
    }
    json_part(claims)
}

/// One base64url part of a JWT, as JSON.
pub(super) fn json_part<T: DeserializeOwned>(part: &str) -> Result<T, JwsError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| JwsError::Malformed(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| JwsError::Malformed(e.to_string()))
}

/// `aud`: one string, or an array of them (RFC 7519 §4.1.3).
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    /// Whether `aud` is this one audience, and only it (as the crate requires of ID tokens).
    pub fn is_only(&self, audience: &str) -> bool {
        match self {
            Audience::One(aud) => aud == audience,
            Audience::Many(auds) => !auds.is_empty() && auds.iter().all(|aud| aud == audience),
        }
    }

    /// Whether `audience` is among the token's audiences.
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(aud) => aud == audience,
            Audience::Many(auds) => auds.iter().any(|aud| aud == audience),
        }
    }
}

/// Now, in seconds since 1970.
pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `From<JwsError>` and [`KeyError`] for a token's error type, which has the variants
/// `Malformed(String)`, `Alg`, `Header`, `UnknownKey`, `Signature` and `Keys(String)`: the
/// signature part of a token's refusal, worded for that kind of token.
macro_rules! token_error_from_jws {
    ($error:ty) => {
        impl From<$crate::auth::jws::JwsError> for $error {
            fn from(e: $crate::auth::jws::JwsError) -> Self {
                use $crate::auth::jws::JwsError;
                match e {
                    JwsError::Malformed(detail) => Self::Malformed(detail),
                    JwsError::Alg => Self::Alg,
                    JwsError::Header => Self::Header,
                    JwsError::UnknownKey => Self::UnknownKey,
                    JwsError::Signature => Self::Signature,
                }
            }
        }

        impl $crate::auth::jws::KeyError for $error {
            fn is_unknown_key(&self) -> bool {
                matches!(self, Self::UnknownKey)
            }

            fn keys_unavailable(detail: String) -> Self {
                Self::Keys(detail)
            }
        }
    };
}
pub(crate) use token_error_from_jws;
