//! Shared steps of the adversarial suite: reading JWTs without verifying them (the verified
//! path is in `oidc_flow`) and requests from several client addresses. The relying party's
//! own steps are in `crate::rp`.
use base64::Engine;
use serde_json::Value;

use crate::helpers::*;
use crate::rp::basic;

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

/// A password that is never the right one.
pub const WRONG: &str = "wrong-Password-77";
/// What the lock-out page says.
pub const WAIT_TEXT: &str = "Too many failed attempts";

/// Lock-out after 3 counted attempts, waits 30 s, 60 s, 120 s (cap).
pub fn lockout(c: &mut daemun::config::Config) {
    c.limits.lockout_threshold = 3;
    c.limits.lockout_base_secs = 30;
    c.limits.lockout_max_secs = 120;
}

/// The `Retry-After` seconds of `r`.
pub fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}
