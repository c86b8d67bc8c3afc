//! Back-Channel Logout 1.0 at `/auth/backchannel-logout`. First the checks of §2.6, each on its
//! own, with a key pair made here and handed to the validator as its key set; then the endpoint
//! of the running app, whose only keys are those of the real Daemun beside it.
mod helpers;

use articles::auth::{
    BACKCHANNEL_LOGOUT_EVENT, LoggedOut, LogoutTokenError, SeenLogoutTokens, check_logout_token,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use daemun::keys::signing::{Alg, SigningKey};
use helpers::*;
use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::{ClientId, IssuerUrl, PrivateSigningKey};
use serde_json::{Value, json};

const ISSUER: &str = "https://id.example.com";
const CLIENT_ID: &str = "articles-client";
/// "Now" for the validator, in seconds since 1970.
const NOW: i64 = 1_750_000_000;

/// A compact JWS of `header` and `claims`, signed by `key`.
fn sign(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signed = format!("{}.{}", b64(header), b64(claims));
    let signature = key
        .sign(&key.alg().jws(), signed.as_bytes())
        .expect("signs");
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn header(key: &SigningKey) -> Value {
    json!({ "alg": key.alg().as_str(), "typ": "logout+jwt", "kid": key.kid() })
}

/// The claims Daemun sends (§2.4).
fn claims(jti: &str) -> Value {
    json!({
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "iat": NOW,
        "exp": NOW + 120,
        "jti": jti,
        "events": { BACKCHANNEL_LOGOUT_EVENT: {} },
        "sub": "sub-1",
        "sid": "sid-1",
    })
}

/// A provider's key pair, made here, and the app's memory of tokens received.
struct Setup {
    key: SigningKey,
    jwks: CoreJsonWebKeySet,
    seen: SeenLogoutTokens,
}

impl Setup {
    fn new(alg: Alg) -> Self {
        let (key, _) = SigningKey::generate(alg).expect("key pair");
        let jwks = CoreJsonWebKeySet::new(vec![key.jwk().clone()]);
        Self {
            key,
            jwks,
            seen: SeenLogoutTokens::default(),
        }
    }

    fn check(&self, token: &str) -> Result<LoggedOut, LogoutTokenError> {
        let issuer = IssuerUrl::new(ISSUER.into()).expect("issuer");
        let client_id = ClientId::new(CLIENT_ID.into());
        check_logout_token(token, &self.jwks, &issuer, &client_id, NOW, &self.seen)
    }

    /// Checks Daemun's claims for `jti`, changed by `change`, signed with the provider's key.
    fn check_changed(&self, jti: &str, change: impl FnOnce(&mut Value)) -> LogoutTokenError {
        let mut claims = claims(jti);
        change(&mut claims);
        let token = sign(&self.key, &header(&self.key), &claims);
        self.check(&token).expect_err("refused")
    }
}

fn logged_out(sid: Option<&str>, sub: Option<&str>) -> LoggedOut {
    LoggedOut {
        sid: sid.map(Into::into),
        sub: sub.map(Into::into),
    }
}

// §2.6: what a valid logout token gives, once.

#[test]
fn a_valid_logout_token_names_the_daemun_session_to_end() {
    let setup = Setup::new(Alg::Rs256);
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    assert_eq!(
        setup.check(&token).unwrap(),
        logged_out(Some("sid-1"), Some("sub-1"))
    );
}

#[test]
fn a_logout_token_is_accepted_once_within_its_lifetime() {
    let setup = Setup::new(Alg::Rs256);
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    assert!(setup.check(&token).is_ok());
    assert!(matches!(
        setup.check(&token),
        Err(LogoutTokenError::Replayed)
    ));
    // The same jti in a token signed again (a retry) is the same token.
    let again = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    assert!(matches!(
        setup.check(&again),
        Err(LogoutTokenError::Replayed)
    ));
    let other = sign(&setup.key, &header(&setup.key), &claims("jti-2"));
    assert!(setup.check(&other).is_ok());
}

#[test]
fn a_refused_token_does_not_use_up_its_jti() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("jti-1", |c| c["aud"] = json!("someone-else"));
    assert!(matches!(err, LogoutTokenError::Audience));
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    assert!(setup.check(&token).is_ok());
}

#[test]
fn the_memory_of_received_tokens_is_bounded() {
    let mut setup = Setup::new(Alg::Es256);
    setup.seen = SeenLogoutTokens::with_capacity(2);
    let token = |jti: &str, exp: i64| {
        let mut c = claims(jti);
        c["exp"] = json!(exp);
        sign(&setup.key, &header(&setup.key), &c)
    };
    let first = token("jti-1", NOW + 60);
    assert!(setup.check(&first).is_ok());
    assert!(setup.check(&token("jti-2", NOW + 120)).is_ok());
    assert!(setup.check(&token("jti-3", NOW + 110)).is_ok());
    // jti-1, the first to expire, made room for jti-3, and is taken again (making jti-3 go);
    // jti-2 is still remembered.
    assert!(setup.check(&first).is_ok());
    assert!(matches!(
        setup.check(&token("jti-2", NOW + 120)),
        Err(LogoutTokenError::Replayed)
    ));
}

#[test]
fn es256_and_tokens_with_only_sid_or_only_sub_are_accepted() {
    let setup = Setup::new(Alg::Es256);
    let mut only_sid = claims("jti-1");
    only_sid.as_object_mut().unwrap().remove("sub");
    let token = sign(&setup.key, &header(&setup.key), &only_sid);
    assert_eq!(
        setup.check(&token).unwrap(),
        logged_out(Some("sid-1"), None)
    );

    let mut only_sub = claims("jti-2");
    only_sub.as_object_mut().unwrap().remove("sid");
    only_sub["aud"] = json!([CLIENT_ID]);
    let token = sign(&setup.key, &header(&setup.key), &only_sub);
    assert_eq!(
        setup.check(&token).unwrap(),
        logged_out(None, Some("sub-1"))
    );
}

// §2.6 step 3: iss, aud, iat and exp as for an ID token.

#[test]
fn a_token_for_another_client_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for aud in [
        json!("someone-else"),
        json!([CLIENT_ID, "someone-else"]),
        json!([]),
    ] {
        let err = setup.check_changed("jti-1", |c| c["aud"] = aud.clone());
        assert!(matches!(err, LogoutTokenError::Audience), "{aud}: {err:?}");
    }
}

#[test]
fn a_token_from_another_issuer_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("jti-1", |c| c["iss"] = json!("https://evil.example.com"));
    assert!(matches!(err, LogoutTokenError::Issuer), "{err:?}");
}

#[test]
fn an_expired_token_and_one_from_the_future_are_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("jti-1", |c| {
        c["iat"] = json!(NOW - 300);
        c["exp"] = json!(NOW - 180);
    });
    assert!(matches!(err, LogoutTokenError::Expired), "{err:?}");
    let err = setup.check_changed("jti-2", |c| {
        c["iat"] = json!(NOW + 300);
        c["exp"] = json!(NOW + 420);
    });
    assert!(matches!(err, LogoutTokenError::NotYetValid), "{err:?}");
}

// §2.6 steps 4 to 6: the event, sid or sub, no nonce.

#[test]
fn a_token_without_the_back_channel_logout_event_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for events in [
        json!({}),
        json!({ "http://schemas.openid.net/event/other": {} }),
        json!({ BACKCHANNEL_LOGOUT_EVENT: "yes" }),
        Value::Null,
    ] {
        let err = setup.check_changed("jti-1", |c| {
            if events.is_null() {
                c.as_object_mut().unwrap().remove("events");
            } else {
                c["events"] = events.clone();
            }
        });
        assert!(matches!(err, LogoutTokenError::Event), "{events}: {err:?}");
    }
}

#[test]
fn a_token_naming_neither_sid_nor_sub_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("jti-1", |c| {
        let c = c.as_object_mut().unwrap();
        c.remove("sid");
        c.remove("sub");
    });
    assert!(matches!(err, LogoutTokenError::NoSubject), "{err:?}");
    let err = setup.check_changed("jti-2", |c| {
        c["sid"] = json!("");
        c["sub"] = json!("");
    });
    assert!(matches!(err, LogoutTokenError::NoSubject), "{err:?}");
}

#[test]
fn a_token_with_a_nonce_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("jti-1", |c| c["nonce"] = json!("n-0S6_WzA2Mj"));
    assert!(matches!(err, LogoutTokenError::Nonce), "{err:?}");
}

#[test]
fn a_token_without_a_jti_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let err = setup.check_changed("", |c| {
        c.as_object_mut().unwrap().remove("jti");
    });
    assert!(matches!(err, LogoutTokenError::Malformed(_)), "{err:?}");
    let err = setup.check_changed("", |_| {});
    assert!(matches!(err, LogoutTokenError::Malformed(_)), "{err:?}");
}

// §2.6 step 2: the signature, as for an ID token.

#[test]
fn a_token_whose_signature_does_not_verify_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    // Claims changed after signing.
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    let mut parts: Vec<String> = token.split('.').map(Into::into).collect();
    let mut forged = claims("jti-1");
    forged["sub"] = json!("someone-else");
    parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
    assert!(matches!(
        setup.check(&parts.join(".")),
        Err(LogoutTokenError::Signature)
    ));
    // Another key pretending to be the provider's, by its kid.
    let (other, _) = SigningKey::generate(Alg::Rs256).unwrap();
    let token = sign(&other, &header(&setup.key), &claims("jti-2"));
    assert!(matches!(
        setup.check(&token),
        Err(LogoutTokenError::Signature)
    ));
    // Another key with its own kid.
    let token = sign(&other, &header(&other), &claims("jti-3"));
    assert!(matches!(
        setup.check(&token),
        Err(LogoutTokenError::UnknownKey)
    ));
    // The signature of another token.
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-4"));
    let elsewhere = sign(&setup.key, &header(&setup.key), &claims("jti-5"));
    let spliced = format!(
        "{}.{}",
        token.rsplit_once('.').unwrap().0,
        elsewhere.rsplit_once('.').unwrap().1
    );
    assert!(matches!(
        setup.check(&spliced),
        Err(LogoutTokenError::Signature)
    ));
}

#[test]
fn unsigned_and_maced_tokens_are_refused() {
    let setup = Setup::new(Alg::Rs256);
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    for alg in ["none", "HS256", "RS512", "PS256"] {
        let header = json!({ "alg": alg, "typ": "logout+jwt", "kid": setup.key.kid() });
        let token = format!("{}.{}.", b64(&header), b64(&claims("jti-1")));
        assert!(
            matches!(setup.check(&token), Err(LogoutTokenError::Alg)),
            "{alg}"
        );
    }
}

#[test]
fn a_jwt_of_another_type_or_with_critical_extensions_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    for h in [
        json!({ "alg": "RS256", "typ": "JWT", "kid": setup.key.kid() }),
        json!({ "alg": "RS256", "typ": "at+jwt", "kid": setup.key.kid() }),
        json!({ "alg": "RS256", "kid": setup.key.kid(), "crit": ["exp"], "exp": 1 }),
    ] {
        let token = sign(&setup.key, &h, &claims("jti-1"));
        assert!(
            matches!(setup.check(&token), Err(LogoutTokenError::Header)),
            "{h}"
        );
    }
    // Explicit typing is recommended, not required; the media type form is the same type.
    let untyped = json!({ "alg": "RS256", "kid": setup.key.kid() });
    assert!(
        setup
            .check(&sign(&setup.key, &untyped, &claims("jti-2")))
            .is_ok()
    );
    let media = json!({ "alg": "RS256", "typ": "application/logout+jwt", "kid": setup.key.kid() });
    assert!(
        setup
            .check(&sign(&setup.key, &media, &claims("jti-3")))
            .is_ok()
    );
}

#[test]
fn what_is_not_a_compact_jws_is_refused() {
    let setup = Setup::new(Alg::Rs256);
    let token = sign(&setup.key, &header(&setup.key), &claims("jti-1"));
    for bad in [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        &format!("{token}.extra.part"),
        &format!("{token}=="),
    ] {
        assert!(
            matches!(setup.check(bad), Err(LogoutTokenError::Malformed(_))),
            "{bad}"
        );
    }
}

// The endpoint of the running app, against the real Daemun's keys.

/// Daemun's signing keys, from the `jwks_uri` its discovery names.
async fn daemun_jwks(world: &World) -> Value {
    let discovery = get_json(&format!(
        "{}/.well-known/openid-configuration",
        world.daemun
    ))
    .await;
    get_json(discovery["jwks_uri"].as_str().expect("a jwks_uri")).await
}

async fn get_json(url: &str) -> Value {
    let r = reqwest::get(url).await.expect("GET");
    serde_json::from_str(&r.text().await.expect("body")).expect("JSON")
}

/// Posts `fields` as a form to the app's back-channel logout endpoint, as Daemun does.
async fn post_logout(world: &World, fields: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new()
        .post(world.app_url("/auth/backchannel-logout"))
        .form(fields)
        .send()
        .await
        .expect("POST")
}

/// Checks the §2.8 answer to an invalid request: `400`, JSON, not cached. Returns the
/// `error_description`.
async fn refused(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 400);
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("cache-control"), "no-store");
    let body: Value = serde_json::from_str(&r.text().await.expect("body")).expect("JSON");
    assert_eq!(body["error"], "invalid_request", "{body}");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(!description.is_empty(), "{body}");
    description.to_owned()
}

/// Whether the browser can still open a page that needs a login.
async fn logged_in(world: &World, b: &Browser) -> bool {
    b.get(&world.app_url("/articles/new")).await.status() == 200
}

#[tokio::test]
async fn the_endpoint_answers_garbage_with_a_json_error() {
    let world = World::start().await;
    refused(post_logout(&world, &[("logout_token", "garbage")]).await).await;
    refused(post_logout(&world, &[("logout_token", "a.b.c")]).await).await;
    refused(post_logout(&world, &[("logout_token", "")]).await).await;
    refused(post_logout(&world, &[]).await).await;
    // Not a form at all.
    let r = reqwest::Client::new()
        .post(world.app_url("/auth/backchannel-logout"))
        .header("content-type", "application/json")
        .body(r#"{"logout_token":"x.y.z"}"#)
        .send()
        .await
        .unwrap();
    refused(r).await;
}

#[tokio::test]
async fn an_unsigned_logout_token_is_refused_and_ends_no_session() {
    let world = World::start().await;
    let sub = world.user("alice@example.com", "Alice").await;
    let alice = world.browser();
    let r = world.log_in(&alice, "alice@example.com", "/").await;
    assert_eq!(r.status(), 303);
    assert!(logged_in(&world, &alice).await);

    let mut claims = claims("jti-unsigned");
    claims["iss"] = json!(world.daemun);
    claims["aud"] = json!(world.client_id);
    claims["sub"] = json!(sub);
    claims.as_object_mut().unwrap().remove("sid");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 120);
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = json!({ "alg": "none", "typ": "logout+jwt" });
    let token = format!("{}.{}.", b64(&unsigned), b64(&claims));
    let description = refused(post_logout(&world, &[("logout_token", &token)]).await).await;
    assert!(description.contains("RS256"), "{description}");
    assert!(logged_in(&world, &alice).await, "still logged in");

    // Signed by a key that is not Daemun's: the app fetches Daemun's JWKS again, and the key is
    // not there either.
    let (stranger, _) = SigningKey::generate(Alg::Rs256).unwrap();
    let token = sign(&stranger, &header(&stranger), &claims);
    let description = refused(post_logout(&world, &[("logout_token", &token)]).await).await;
    assert!(description.contains("unknown key"), "{description}");

    // The same key claiming the kid of Daemun's real signing key.
    let jwks = daemun_jwks(&world).await;
    let kid = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kty"] == "RSA")
        .and_then(|k| k["kid"].as_str())
        .expect("Daemun publishes an RSA key")
        .to_owned();
    let forged_header = json!({ "alg": "RS256", "typ": "logout+jwt", "kid": kid });
    let token = sign(&stranger, &forged_header, &claims);
    let description = refused(post_logout(&world, &[("logout_token", &token)]).await).await;
    assert!(description.contains("signature"), "{description}");
    assert!(logged_in(&world, &alice).await, "still logged in");

    // What a logout token from Daemun will name: the `sid` of the ID token the app kept (and
    // sends back as `id_token_hint` when Alice logs out here).
    let r = alice.submit(&world, "/", "/logout", &[]).await;
    let hint = query_params(&location(&r))["id_token_hint"].clone();
    let sid = articles::auth::id_token_sid(&hint).expect("Daemun's ID tokens carry sid");
    assert!(sid.len() >= 16, "{sid}");
}

#[tokio::test]
async fn logging_out_at_daemun_ends_the_apps_session_through_the_back_channel() {
    let world = World::start().await;
    world.user("alice@example.com", "Alice").await;
    world.user("bob@example.com", "Bob").await;
    let (alice, bob) = (world.browser(), world.browser());
    for (b, email) in [(&alice, "alice@example.com"), (&bob, "bob@example.com")] {
        assert_eq!(world.log_in(b, email, "/").await.status(), 303);
        assert!(logged_in(&world, b).await);
    }

    // Alice logs out at Daemun itself; her browser never visits the app again before this.
    let page = alice
        .get(&format!("{}/logout", world.daemun))
        .await
        .text()
        .await
        .unwrap();
    let fields = form_fields(&page, "/logout");
    let r = alice
        .post_same_origin(&format!("{}/logout", world.daemun), &fields)
        .await;
    assert_eq!(r.status(), 303);

    // Daemun posts a logout token to the app, which ends Alice's session there.
    let mut ended = false;
    for _ in 0..200 {
        if !logged_in(&world, &alice).await {
            ended = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(ended, "the app ended Alice's session");
    assert!(logged_in(&world, &bob).await, "Bob's session stays");
}
