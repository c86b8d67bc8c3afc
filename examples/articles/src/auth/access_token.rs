//! JWT access tokens (RFC 9068) for this app's API: the checks of §4 in [`check_access_token`],
//! what a valid token grants, and why a token is refused. The signature check and the keys are
//! in [`super::jws`], shared with logout tokens.
use openidconnect::IssuerUrl;
use openidconnect::core::CoreJsonWebKeySet;
use serde::Deserialize;
use serde_json::Value;

use super::jws::{Audience, ExplicitType, token_error_from_jws, unix_now, verified_claims};
use super::{CLOCK_SKEW, Provider};

/// RFC 9068 §4: the `typ` header must be `at+jwt` (or `application/at+jwt`), so that no other
/// JWT signed by Daemun (an ID token, a logout token) passes for an access token.
const ACCESS_TOKEN_TYPE: ExplicitType = ExplicitType {
    name: "at+jwt",
    required: true,
};

/// Why an access token is refused. [`AccessTokenError::InsufficientScope`] is answered with
/// `403 insufficient_scope`, [`AccessTokenError::Keys`] with `503`, everything else with
/// `401 invalid_token` (RFC 6750 §3.1). No message says more than the token itself does.
#[derive(Debug, thiserror::Error)]
pub enum AccessTokenError {
    /// Not a compact JWS of three base64url parts with a JSON header and JSON claims, or a
    /// claim of RFC 9068 §2.2 is missing or of the wrong type.
    #[error("the access token is not a signed JWT access token ({0})")]
    Malformed(String),
    /// `alg` is neither RS256 nor ES256 (`none` and MACs included).
    #[error("the access token is not signed with RS256 or ES256")]
    Alg,
    /// `typ` is not `at+jwt`, or there is a `crit` header this app does not understand.
    #[error("the token is not a JWT access token (typ at+jwt)")]
    Header,
    /// No key of Daemun's JWKS has the token's `kid` and key type.
    #[error("the access token is signed with an unknown key")]
    UnknownKey,
    /// A known key, but the signature does not verify.
    #[error("the access token's signature is not valid")]
    Signature,
    /// `iss` is not Daemun's issuer.
    #[error("the access token comes from another issuer")]
    Issuer,
    /// `aud` does not name this API.
    #[error("the access token is meant for another API")]
    Audience,
    /// `exp` has passed (beyond the clock skew).
    #[error("the access token has expired")]
    Expired,
    /// `iat` lies in the future (beyond the clock skew).
    #[error("the access token is not valid yet")]
    NotYetValid,
    /// A valid token for this API, without the scope the request needs.
    #[error("the access token does not grant the scope {0}")]
    InsufficientScope(String),
    /// Fetching the JWKS again failed; the detail is for the log only.
    #[error("Daemun's signing keys could not be fetched")]
    Keys(String),
}

token_error_from_jws!(AccessTokenError);

/// What a valid access token grants: who (`sub`: the person, or the client itself for the
/// client credentials grant, RFC 9068 §2.2), through which application, and the scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessGrant {
    pub sub: String,
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// The claims RFC 9068 §2.2 requires; `scope` is looked at only after the others are checked.
#[derive(Deserialize)]
struct AccessClaims {
    iss: String,
    aud: Audience,
    exp: f64,
    iat: f64,
    sub: String,
    client_id: String,
    /// Required (§2.2), though an API that takes a token many times has no use for it.
    #[serde(rename = "jti")]
    _jti: String,
    scope: Option<Value>,
}

/// For the API: checks a Bearer token against Daemun's keys as discovered, fetching the JWKS
/// once more when it names a key we do not have yet (at most once every ten seconds).
pub async fn verify_access_token(
    provider: &Provider,
    resource: &str,
    scope: &str,
    token: &str,
) -> Result<AccessGrant, AccessTokenError> {
    let now = unix_now();
    let issuer = &provider.issuer;
    provider
        .keys
        .check_with(&provider.http, |jwks| {
            check_access_token(token, jwks, issuer, resource, scope, now)
        })
        .await
}

/// RFC 9068 §4: `typ` is `at+jwt` (step 1), the signature is by a key of `jwks` with RS256 or
/// ES256, never `none` (5), `iss` is Daemun's (3), `aud` names this API's identifier `resource`
/// (4), `exp` has not passed and `iat` is not in the future (6), and `scope` holds the `scope`
/// this request needs (the authorization claims; else `insufficient_scope`, RFC 6750 §3.1). The
/// signature is checked first, so no claim of a forged token is ever looked at. `now` is in
/// seconds since 1970.
pub fn check_access_token(
    token: &str,
    jwks: &CoreJsonWebKeySet,
    issuer: &IssuerUrl,
    resource: &str,
    scope: &str,
    now: i64,
) -> Result<AccessGrant, AccessTokenError> {
    let claims = verified_claims(token, jwks, &ACCESS_TOKEN_TYPE)?;
    let claims: AccessClaims = serde_json::from_value(Value::Object(claims))
        .map_err(|e| AccessTokenError::Malformed(e.to_string()))?;
    if claims.iss != issuer.as_str() {
        return Err(AccessTokenError::Issuer);
    }
    if !claims.aud.contains(resource) {
        return Err(AccessTokenError::Audience);
    }
    let (iat, exp) = (claims.iat.floor() as i64, claims.exp.ceil() as i64);
    if exp + CLOCK_SKEW < now {
        return Err(AccessTokenError::Expired);
    }
    if iat - CLOCK_SKEW > now {
        return Err(AccessTokenError::NotYetValid);
    }
    // `scope` is a space-separated string (RFC 9068 §2.2.3, RFC 8693 §4.2); anything else
    // grants nothing.
    let scopes: Vec<String> = match &claims.scope {
        Some(Value::String(s)) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect(),
        _ => Vec::new(),
    };
    if !scopes.iter().any(|s| s == scope) {
        return Err(AccessTokenError::InsufficientScope(scope.to_owned()));
    }
    Ok(AccessGrant {
        sub: claims.sub,
        client_id: claims.client_id,
        scopes,
    })
}
