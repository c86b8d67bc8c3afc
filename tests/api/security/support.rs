//! Shared steps of the adversarial suite: a signed-in person, a code, a token exchange, and
//! reading JWTs without verifying them (the verified path is in `oidc_flow`).
use base64::Engine;
use serde_json::Value;

use crate::helpers::*;

/// A first-party client (no consent page) that may refresh, and a logged-in person.
pub async fn signed_in(app: &TestApp, email: &str) -> (String, String) {
    let (id, secret) = register_client(app, |s| {
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
    })
    .await;
    app.verified_user(email, "Person").await;
    assert_eq!(app.login(email, PASSWORD).await.status(), 303);
    (id, secret.expect("a confidential client"))
}

/// `/authorize?…` for `client_id` with the registered redirect URI, plus `extra`.
pub fn authorize_path(client_id: &str, extra: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", client_id)
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid email profile")
        .append_pair("state", "st-1");
    for (k, v) in extra {
        q.append_pair(k, v);
    }
    format!("/authorize?{}", q.finish())
}

/// The code the browser of `app` gets for `path`.
pub async fn code(app: &TestApp, path: &str) -> String {
    let r = app.get(path).await;
    assert_eq!(r.status(), 303, "{path}");
    location_params(&r)
        .remove("code")
        .unwrap_or_else(|| panic!("a code for {path}: {}", location(&r)))
}

pub fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// POST /token with optional HTTP Basic credentials.
pub async fn token_request(
    app: &TestApp,
    auth: Option<String>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = new_client().post(app.url("/token")).form(form);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    req.send().await.expect("POST /token")
}

/// Exchanges `code` (issued for `REDIRECT_URI`) and returns the status and JSON body.
pub async fn exchange(app: &TestApp, id: &str, secret: &str, code: &str) -> (u16, Value) {
    let r = token_request(
        app,
        Some(basic(id, secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Code and exchange in one step; the exchange must succeed.
pub async fn tokens(app: &TestApp, id: &str, secret: &str, extra: &[(&str, &str)]) -> Value {
    let c = code(app, &authorize_path(id, extra)).await;
    let (status, body) = exchange(app, id, secret, &c).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn jwt_part(jwt: &str, n: usize) -> Value {
    let part = jwt.split('.').nth(n).expect("a JWT part");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .expect("base64url"),
    )
    .expect("JSON")
}

pub fn jwt_header(jwt: &str) -> Value {
    jwt_part(jwt, 0)
}

pub fn jwt_claims(jwt: &str) -> Value {
    jwt_part(jwt, 1)
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A server that believes `X-Forwarded-For` from loopback, so one test can speak from several
/// client addresses.
pub async fn behind_proxy(adjust: impl FnOnce(&mut daemun::config::Config)) -> TestApp {
    TestApp::spawn_with(|c| {
        c.server.trusted_proxies = vec!["127.0.0.1".into()];
        adjust(c);
    })
    .await
}

/// POST `path` with Basic credentials from client address `from`.
pub async fn from_address(
    app: &TestApp,
    path: &str,
    from: &str,
    auth: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = new_client()
        .post(app.url(path))
        .header("x-forwarded-for", from)
        .form(form);
    if let Some((id, secret)) = auth {
        req = req.header("authorization", basic(id, secret));
    }
    req.send().await.expect("POST")
}
