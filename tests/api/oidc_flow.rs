//! The whole code flow with the `openidconnect` crate as the relying party: discovery →
//! authorize → login → consent → code → token → ID token verified against the JWKS →
//! userinfo → refresh with rotation.
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreTokenResponse,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse,
};

use crate::helpers::*;
use crate::rp::{Rp, answer_consent};

fn http() -> openidconnect::reqwest::Client {
    crate::helpers::client_builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What `from_provider_metadata` makes: authorization endpoint set, token and UserInfo
/// endpoints as discovered.
type LibraryClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// `rp` as the library's client, configured from the discovery document.
async fn library_client(
    app: &TestApp,
    rp: &Rp,
    http: &openidconnect::reqwest::Client,
) -> LibraryClient {
    let issuer = IssuerUrl::new(app.addr.clone()).unwrap();
    let meta = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .unwrap();
    CoreClient::from_provider_metadata(
        meta,
        ClientId::new(rp.id.clone()),
        rp.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(rp.redirect_uri.clone()).unwrap())
}

/// The library's code exchange, with the PKCE verifier when the request had a challenge.
async fn library_exchange(
    client: &LibraryClient,
    http: &openidconnect::reqwest::Client,
    code: &str,
    verifier: Option<PkceCodeVerifier>,
) -> CoreTokenResponse {
    let mut request = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .unwrap();
    if let Some(v) = verifier {
        request = request.set_pkce_verifier(v);
    }
    request.request_async(http).await.unwrap()
}

/// Follows the browser part: authorize URL → (consent) → redirect with a code.
async fn browser_gets_code(
    app: &TestApp,
    auth_url: &str,
) -> std::collections::HashMap<String, String> {
    let r = app.client.get(auth_url).send().await.unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let mut loc = location(&r);
    if loc.starts_with("/consent") {
        let r = answer_consent(app, &loc, "allow").await;
        assert_eq!(r.status(), 303);
        loc = location(&r);
    }
    assert!(loc.starts_with(REDIRECT_URI), "{loc}");
    let query = loc.split_once('?').unwrap().1;
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn confidential_client_full_flow_with_client_secret_basic() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    app.verified_user("rp@example.com", "Relying Person").await;
    let http = http();
    let client = library_client(&app, &rp, &http).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    // Not logged in: parked, sent to login, and back.
    let r = app.client.get(url.as_str()).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to_login = location(&r);
    assert!(
        to_login.starts_with("/login?next=/authorize/resume/"),
        "{to_login}"
    );
    let next = to_login.trim_start_matches("/login?next=");
    let r = app
        .submit(
            &to_login,
            "/login",
            &[
                ("identifier", "rp@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(location(&r), next);
    let params = browser_gets_code(&app, &app.url(next)).await;
    assert_eq!(params["state"], *csrf.secret());
    assert_eq!(params["iss"], app.addr, "RFC 9207 iss");

    let tokens = library_exchange(&client, &http, &params["code"], Some(verifier)).await;
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("signature, iss, aud, exp, nonce");
    let alg = id_token.signing_alg().unwrap();
    let id_verifier = client.id_token_verifier();
    let key = id_token.signing_key(&id_verifier).unwrap();
    let at_hash = AccessTokenHash::from_token(tokens.access_token(), alg, key).unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));
    let user = app.user("rp@example.com").await.unwrap();
    assert_eq!(claims.subject().as_str(), user.sub);
    assert_eq!(claims.email().unwrap().as_str(), "rp@example.com");
    assert_eq!(claims.email_verified(), Some(true));
    assert!(claims.auth_time().is_some());
    let payload = jwt_payload(&id_token.to_string());
    assert!(payload["sid"].is_string(), "sid for logout: {payload}");
    assert_eq!(payload["azp"], rp.id.as_str());
    assert_eq!(payload["amr"], serde_json::json!(["pwd"]));
    assert_eq!(
        claims.auth_context_ref().map(|c| c.as_str()),
        Some("urn:daemun:acr:pwd"),
        "one factor"
    );
    let exp = payload["exp"].as_i64().unwrap();
    assert!(exp < 10_000_000_000, "seconds, not milliseconds");

    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(
        info.subject().as_str(),
        user.sub,
        "UserInfo sub equals ID token sub"
    );
    assert_eq!(
        info.name().unwrap().get(None).unwrap().as_str(),
        "Relying Person"
    );

    // Refresh rotates; the old refresh token then fails and takes the family with it.
    let first = tokens.refresh_token().unwrap().clone();
    let refreshed = client
        .exchange_refresh_token(&first)
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    let second = refreshed.refresh_token().unwrap().clone();
    assert_ne!(first.secret(), second.secret());
    assert!(refreshed.id_token().is_some());

    // Revocation and introspection (RFC 7009, RFC 7662) of the current refresh token.
    let introspect = |token: String| {
        let rp = &rp;
        async move {
            let r = rp.post("/introspect", &[("token", &token)]).await;
            let v: serde_json::Value = r.json().await.unwrap();
            v["active"].as_bool().unwrap()
        }
    };
    let current = second.secret().clone();
    assert!(introspect(current.clone()).await);
    let r = rp.post("/revoke", &[("token", current.as_str())]).await;
    assert_eq!(r.status(), 200);
    assert!(!introspect(current).await, "revoked");

    // RP-initiated logout with the ID token as hint; a later prompt=none needs a login.
    let hint = refreshed.id_token().unwrap().to_string();
    let r = app
        .get(&format!(
            "/end_session?id_token_hint={hint}&post_logout_redirect_uri={}&state=after",
            url::form_urlencoded::byte_serialize(b"http://127.0.0.1:9/bye").collect::<String>()
        ))
        .await;
    assert_eq!(location(&r), "http://127.0.0.1:9/bye?state=after");
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_prompt(openidconnect::core::CoreAuthPrompt::None)
        .url();
    let r = app.client.get(url.as_str()).send().await.unwrap();
    assert_eq!(location_params(&r)["error"], "login_required");

    let reuse = client
        .exchange_refresh_token(&first)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(reuse.is_err(), "reuse of a rotated token fails");
    let after = client
        .exchange_refresh_token(&RefreshToken::new(second.secret().clone()))
        .unwrap()
        .request_async(&http)
        .await;
    assert!(after.is_err(), "the whole family was revoked");
}

#[tokio::test]
async fn public_client_with_pkce_and_no_secret() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| s.public = true).await;
    assert!(rp.secret.is_none());
    app.verified_user("pub@example.com", "Pub").await;
    assert_eq!(app.login("pub@example.com", PASSWORD).await.status(), 303);
    let http = http();
    let client = library_client(&app, &rp, &http)
        .await
        .set_auth_type(openidconnect::AuthType::RequestBody);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let params = browser_gets_code(&app, url.as_str()).await;
    let tokens = library_exchange(&client, &http, &params["code"], Some(verifier)).await;
    tokens
        .id_token()
        .unwrap()
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap();
}

#[tokio::test]
async fn es256_clients_get_es256_id_tokens() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.id_token_alg = Some("ES256".into());
        s.first_party = true;
    })
    .await;
    app.verified_user("es@example.com", "Es").await;
    assert_eq!(app.login("es@example.com", PASSWORD).await.status(), 303);
    let http = http();
    let client = library_client(&app, &rp, &http).await;
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();
    let params = browser_gets_code(&app, url.as_str()).await;
    let tokens = library_exchange(&client, &http, &params["code"], None).await;
    let verifier = client.id_token_verifier().set_allowed_algs(vec![
        openidconnect::core::CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    ]);
    tokens
        .id_token()
        .unwrap()
        .claims(&verifier, &nonce)
        .unwrap();
}

/// The claims of a JWT, unverified (the verified path is the `openidconnect` verifier).
pub fn jwt_payload(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

/// A login with an authenticator code says so in the ID token (RFC 8176 §2: `pwd`, `otp`, and
/// `mfa` for more than one factor), read by the library's own claims type.
#[tokio::test]
async fn a_login_with_a_second_factor_names_its_methods_in_amr() {
    use crate::second_factor::{STEP, code_now, code_step, enrol};
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    app.verified_user("rp@example.com", "Relying Person").await;
    let b = Browser {
        app: &app,
        client: app.client.clone(),
    };
    b.login("rp@example.com", PASSWORD).await;
    let (secret, _) = enrol(&b).await;
    assert_eq!(b.submit("/logout", "/logout", &[]).await.status(), 303);

    let http = http();
    let client = library_client(&app, &rp, &http).await;
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();
    let r = app.client.get(url.as_str()).send().await.unwrap();
    let to_login = location(&r);
    let next = to_login.trim_start_matches("/login?next=").to_owned();
    let r = app
        .submit(
            &to_login,
            "/login",
            &[
                ("identifier", "rp@example.com"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(location(&r), STEP);
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(
        location(&r),
        next,
        "the second step leads on to the application"
    );
    let params = browser_gets_code(&app, &app.url(&next)).await;
    let tokens = library_exchange(&client, &http, &params["code"], None).await;
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    let amr: Vec<&str> = claims
        .auth_method_refs()
        .expect("amr")
        .iter()
        .map(|m| m.as_str())
        .collect();
    assert_eq!(amr, ["pwd", "otp", "mfa"]);
    assert_eq!(
        claims.auth_context_ref().map(|c| c.as_str()),
        Some("urn:daemun:acr:mfa"),
        "two factors"
    );
}

/// The device authorization grant with the library's own device flow: codes from
/// `/device_authorization`, the person's approval at `/device`, then the library's polling.
#[tokio::test]
async fn the_library_runs_the_device_flow() {
    use openidconnect::core::CoreDeviceAuthorizationResponse;
    use openidconnect::{DeviceAuthorizationUrl, Nonce as LibNonce};
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["urn:ietf:params:oauth:grant-type:device_code".into()];
        s.redirect_uris = vec![];
    })
    .await;
    app.verified_user("tv@example.com", "Television Owner")
        .await;
    let http = http();
    let client = library_client(&app, &rp, &http)
        .await
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(format!("{}/device_authorization", app.addr)).unwrap(),
        );
    let details: CoreDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new("profile".into()))
        .request_async(&http)
        .await
        .expect("device codes");
    let user_code = details.user_code().secret().clone();
    assert_eq!(
        details.verification_uri().as_str(),
        format!("{}/device", app.addr)
    );

    // The person logs in on their phone and approves.
    assert_eq!(app.login("tv@example.com", PASSWORD).await.status(), 303);
    let page = format!("/device?user_code={user_code}");
    let r = app
        .submit(
            &page,
            "/device",
            &[("user_code", &user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 200);

    // The library polls; its sleeps move the server's clock instead of waiting.
    let clock = app.clock.clone();
    let tokens = client
        .exchange_device_access_token(&details)
        .unwrap()
        .request_async(
            &http,
            move |d: std::time::Duration| {
                clock.advance_ms(i64::try_from(d.as_millis()).unwrap());
                std::future::ready(())
            },
            None,
        )
        .await
        .expect("tokens once approved");
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), |_: Option<&LibNonce>| Ok(()))
        .expect("a valid ID token");
    let user = app.user("tv@example.com").await.unwrap();
    assert_eq!(claims.subject().as_str(), user.sub);
}
