//! JWT access tokens for the app's API (RFC 9068): the checks of §4, each on its own, with a key
//! pair made here and handed to the validator as its key set. `tests/json_api.rs` runs the API
//! against a real Daemun.
mod helpers;

use articles::auth::{AccessGrant, AccessTokenError, check_access_token};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use daemun::keys::signing::{Alg, SigningKey};
use helpers::*;
use openidconnect::IssuerUrl;
use openidconnect::core::CoreJsonWebKeySet;
use serde_json::{Value, json};

const ISSUER: &str = "https://id.example.com";
/// The app's API identifier.
const API: &str = "https://board.example.com/api";
/// Another API registered with the same Daemun.
const OTHER: &str = "https://billing.example.com/api";
/// "Now" for the validator, in seconds since 1970.
const NOW: i64 = 1_750_000_000;

fn header(key: &SigningKey) -> Value {
    json!({ "alg": key.alg().as_str(), "typ": "at+jwt", "kid": key.kid() })
}

/// The claims Daemun puts in an access token for a person (RFC 9068 §2.2).
fn claims() -> Value {
    json!({
        "iss": ISSUER,
        "aud": API,
        "sub": "sub-1",
        "client_id": "reader-app",
        "iat": NOW,
        "exp": NOW + 600,
        "jti": "jti-1",
        "scope": "articles:write articles:read",
        "auth_time": NOW - 30,
        "acr": "1",
    })
}

/// A provider's key pair, made here.
struct Setup {
    key: SigningKey,
    jwks: CoreJsonWebKeySet,
}

impl Setup {
    fn new(alg: Alg) -> Self {
        let (key, _) = SigningKey::generate(alg).expect("key pair");
        let jwks = CoreJsonWebKeySet::new(vec![key.jwk().clone()]);
        Self { key, jwks }
    }

    fn check(&self, token: &str) -> Result<AccessGrant, AccessTokenError> {
        let issuer = IssuerUrl::new(ISSUER.into()).expect("issuer");
        check_access_token(token, &self.jwks, &issuer, API, "articles:read", NOW)
    }

    /// Daemun's claims changed by `change`, signed with the provider's key.
    fn token_with(&self, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = claims();
        change(&mut claims);
        sign_jws(&self.key, &header(&self.key), &claims)
    }

    fn refusal(&self, change: impl FnOnce(&mut Value)) -> AccessTokenError {
        self.check(&self.token_with(change)).expect_err("refused")
    }
}

// RFC 9068 §4: what a valid token gives.

#[test]
fn a_valid_access_token_grants_its_scopes_to_its_subject() {
    for alg in [Alg::Rs256, Alg::Es256] {
        let setup = Setup::new(alg);
        let grant = setup.check(&setup.token_with(|_| {})).expect("valid");
        assert_eq!(
            grant,
            AccessGrant {
                sub: "sub-1".into(),
                client_id: "reader-app".into(),
                scopes: vec!["articles:write".into(), "articles:read".into()],
            }
        );
    }
}

#[test]
fn the_api_may_be_one_of_several_audiences_and_the_clock_may_be_a_little_off() {
    let setup = Setup::new(Alg::Rs256);
    let token = setup.token_with(|c| c["aud"] = json!([OTHER, API]));
    assert!(setup.check(&token).is_ok());
    let token = setup.token_with(|c| {
        c["iat"] = json!(NOW + 30);
        c["exp"] = json!(NOW - 30);
    });
    assert!(setup.check(&token).is_ok(), "within 60 seconds of skew");
}

// §4 step 1: the type.

#[test]
fn a_jwt_that_is_not_typed_as_an_access_token_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let kid = setup.key.kid();
    for h in [
        json!({ "alg": "RS256", "kid": kid }),
        json!({ "alg": "RS256", "typ": "JWT", "kid": kid }),
        json!({ "alg": "RS256", "typ": "logout+jwt", "kid": kid }),
        json!({ "alg": "RS256", "typ": "at+jwt", "kid": kid, "crit": ["exp"], "exp": 1 }),
    ] {
        let token = sign_jws(&setup.key, &h, &claims());
        let err = setup.check(&token).expect_err("refused");
        assert!(matches!(err, AccessTokenError::Header), "{h}: {err:?}");
    }
    // The media type form, in any case, is the same type.
    for typ in ["application/at+jwt", "AT+JWT"] {
        let h = json!({ "alg": "RS256", "typ": typ, "kid": kid });
        assert!(
            setup.check(&sign_jws(&setup.key, &h, &claims())).is_ok(),
            "{typ}"
        );
    }
}

// §4 step 5: the signature, with an algorithm Daemun uses.

#[test]
fn unsigned_and_maced_tokens_are_refused() {
    let setup = Setup::new(Alg::Rs256);
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    for alg in ["none", "HS256", "RS512", "PS256"] {
        let header = json!({ "alg": alg, "typ": "at+jwt", "kid": setup.key.kid() });
        let token = format!("{}.{}.", b64(&header), b64(&claims()));
        let err = setup.check(&token).expect_err("refused");
        assert!(matches!(err, AccessTokenError::Alg), "{alg}: {err:?}");
    }
}

#[test]
fn a_token_signed_with_an_unknown_key_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let (other, _) = SigningKey::generate(Alg::Rs256).expect("key pair");
    let token = sign_jws(&other, &header(&other), &claims());
    let err = setup.check(&token).expect_err("refused");
    assert!(matches!(err, AccessTokenError::UnknownKey), "{err:?}");
    // An ES256 header naming the provider's RSA key: no key of that type has the kid.
    let h = json!({ "alg": "ES256", "typ": "at+jwt", "kid": setup.key.kid() });
    let (ec, _) = SigningKey::generate(Alg::Es256).expect("key pair");
    let err = setup
        .check(&sign_jws(&ec, &h, &claims()))
        .expect_err("refused");
    assert!(matches!(err, AccessTokenError::UnknownKey), "{err:?}");
}

#[test]
fn a_token_whose_signature_does_not_verify_is_refused() {
    let setup = Setup::new(Alg::Es256);
    // Claims changed after signing: more scope.
    let token = setup.token_with(|c| c["scope"] = json!("articles:write"));
    let mut parts: Vec<String> = token.split('.').map(Into::into).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(claims().to_string());
    let err = setup.check(&parts.join(".")).expect_err("refused");
    assert!(matches!(err, AccessTokenError::Signature), "{err:?}");
    // Another key pretending to be the provider's, by its kid.
    let (other, _) = SigningKey::generate(Alg::Es256).expect("key pair");
    let token = sign_jws(&other, &header(&setup.key), &claims());
    let err = setup.check(&token).expect_err("refused");
    assert!(matches!(err, AccessTokenError::Signature), "{err:?}");
}

// §4 steps 3, 4 and 6: issuer, audience, lifetime.

#[test]
fn a_token_from_another_issuer_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for iss in ["https://evil.example.com", "https://id.example.com/"] {
        let err = setup.refusal(|c| c["iss"] = json!(iss));
        assert!(matches!(err, AccessTokenError::Issuer), "{iss}: {err:?}");
    }
}

#[test]
fn a_token_for_another_api_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for aud in [
        json!(OTHER),
        json!([OTHER]),
        json!([]),
        json!("reader-app"),
        json!(format!("{API}/")),
    ] {
        let err = setup.refusal(|c| c["aud"] = aud.clone());
        assert!(matches!(err, AccessTokenError::Audience), "{aud}: {err:?}");
    }
}

#[test]
fn an_expired_token_and_one_from_the_future_are_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.refusal(|c| {
        c["iat"] = json!(NOW - 900);
        c["exp"] = json!(NOW - 300);
    });
    assert!(matches!(err, AccessTokenError::Expired), "{err:?}");
    let err = setup.refusal(|c| {
        c["iat"] = json!(NOW + 300);
        c["exp"] = json!(NOW + 900);
    });
    assert!(matches!(err, AccessTokenError::NotYetValid), "{err:?}");
}

// §4 step 7 and RFC 6750 §3.1: the scope.

#[test]
fn a_token_without_the_scope_is_refused_as_insufficient() {
    let setup = Setup::new(Alg::Rs256);
    for scope in [
        json!("articles:write"),
        json!("articles:reader xarticles:read"),
        json!(""),
        json!(["articles:read"]),
        Value::Null,
    ] {
        let err = setup.refusal(|c| {
            if scope.is_null() {
                c.as_object_mut().unwrap().remove("scope");
            } else {
                c["scope"] = scope.clone();
            }
        });
        assert!(
            matches!(&err, AccessTokenError::InsufficientScope(s) if s == "articles:read"),
            "{scope}: {err:?}"
        );
    }
}

// RFC 9068 §2.2: the claims every access token has.

#[test]
fn a_token_missing_a_required_claim_or_not_a_jws_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for claim in ["iss", "aud", "exp", "iat", "sub", "client_id", "jti"] {
        let err = setup.refusal(|c| {
            c.as_object_mut().unwrap().remove(claim);
        });
        assert!(
            matches!(err, AccessTokenError::Malformed(_)),
            "{claim}: {err:?}"
        );
    }
    let token = setup.token_with(|_| {});
    for bad in [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        &format!("{token}.x"),
        &format!("{token}=="),
    ] {
        let err = setup.check(bad).expect_err("refused");
        assert!(
            matches!(err, AccessTokenError::Malformed(_)),
            "{bad}: {err:?}"
        );
    }
}
