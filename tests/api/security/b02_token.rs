//! B2: the token endpoint and UserInfo. Percent-encoded Basic credentials, response headers,
//! the refresh family's absolute lifetime, dead access tokens and the shape of error answers.
use base64::Engine;
use serde_json::Value;

use super::support::*;
use crate::helpers::*;
use crate::rp::{basic, signed_in, token_request};

/// Every character percent-encoded, as a client that form-urlencodes everything might send.
fn percent_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn b2_19_form_urlencoded_basic_credentials_are_decoded() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "b@example.com").await;
    let c = rp.code(&app, &[]).await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        percent_all(&rp.id),
        percent_all(rp.secret())
    ));
    let r = token_request(
        &app,
        Some(format!("Basic {encoded}")),
        &rp.exchange_form(&c, None),
    )
    .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // A `+` decodes to a space, so a secret with `+` in place of a character is wrong.
    let c = rp.code(&app, &[]).await;
    let secret = rp.secret();
    let plus = format!("{}+", &secret[..secret.len() - 1]);
    let r = token_request(
        &app,
        Some(basic(&rp.id, &plus)),
        &rp.exchange_form(&c, None),
    )
    .await;
    assert_eq!(r.status(), 401);
}

fn assert_token_headers(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    assert_eq!(h["content-type"], "application/json", "{what}");
    assert_eq!(h["cache-control"], "no-store", "{what}");
    assert_eq!(h["pragma"], "no-cache", "{what}");
}

#[tokio::test]
async fn b2_20_every_token_answer_is_json_no_store_and_no_cache() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "h@example.com").await;
    let c = rp.code(&app, &[]).await;
    let form = rp.exchange_form(&c, None);
    let r = token_request(&app, Some(basic(&rp.id, "wrong")), &form).await;
    assert_eq!(r.status(), 401);
    assert_token_headers(&r, "invalid_client");
    let r = rp.token(&form).await;
    assert_eq!(r.status(), 200);
    assert_token_headers(&r, "success");
    let r = rp.token(&form).await;
    assert_eq!(r.status(), 400);
    assert_token_headers(&r, "invalid_grant");
    let r = rp
        .token(&[
            ("grant_type", "password"),
            ("username", "h"),
            ("password", "p"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_token_headers(&r, "unsupported_grant_type");
}

#[tokio::test]
async fn b2_21_a_refresh_family_ends_at_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "r@example.com").await;
    let first = rp.tokens(&app, &[]).await;
    let mut rt = first["refresh_token"].as_str().unwrap().to_owned();
    // Used every 10 days, it rotates, but the family keeps its 30-day end.
    for _ in 0..2 {
        app.clock.advance_secs(10 * 24 * 3600);
        let (status, body) = rp.refresh(&rt).await;
        assert_eq!(status, 200, "{body}");
        rt = body["refresh_token"].as_str().unwrap().to_owned();
    }
    app.clock.advance_secs(10 * 24 * 3600 + 1);
    let (status, body) = rp.refresh(&rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

fn assert_invalid_token(r: &reqwest::Response, what: &str) {
    assert_eq!(r.status(), 401, "{what}");
    let h = r.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        h.starts_with("Bearer ") && h.contains("error=\"invalid_token\""),
        "{what}: {h}"
    );
}

#[tokio::test]
async fn b2_22_revoked_and_expired_access_tokens_get_invalid_token() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "u@example.com").await;
    let t = rp.tokens(&app, &[]).await;
    let at = t["access_token"].as_str().unwrap();
    let r = rp.userinfo(at).await;
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        info["sub"],
        jwt_claims(t["id_token"].as_str().unwrap())["sub"]
    );
    let r = rp.post("/revoke", &[("token", at)]).await;
    assert_eq!(r.status(), 200);
    assert_invalid_token(&rp.userinfo(at).await, "revoked");

    let t = rp.tokens(&app, &[]).await;
    let at = t["access_token"].as_str().unwrap();
    app.clock.advance_secs(601);
    assert_invalid_token(&rp.userinfo(at).await, "expired");
    assert_invalid_token(&rp.userinfo("not-a-token").await, "garbage");
}

#[tokio::test]
async fn b2_23_error_answers_carry_only_their_parameters_and_no_control_characters() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "e@example.com").await;
    // Authorization errors: only error, error_description, state and iss.
    for extra in [
        vec![("response_type", "token")],
        vec![("scope", "profile\r\nx")],
        vec![("prompt", "none\tlogin")],
        vec![
            ("code_challenge", "x\r\ny"),
            ("code_challenge_method", "S256"),
        ],
    ] {
        let mut pairs = vec![("state", "st\u{2028}1"), ("scope", "openid")];
        pairs.extend(&extra);
        let r = app.get(&rp.authorize_path(&pairs)).await;
        assert_eq!(r.status(), 303, "{extra:?}");
        let p = location_params(&r);
        let mut keys: Vec<&str> = p.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert!(
            keys == ["error", "error_description", "iss", "state"]
                || keys == ["error", "iss", "state"],
            "{extra:?}: {keys:?}"
        );
        assert_eq!(p["state"], "st\u{2028}1", "state is echoed as sent");
        let d = p.get("error_description").map(String::as_str).unwrap_or("");
        assert!(!d.contains(['\r', '\n', '\t']), "{d:?}");
    }
    // Token errors: a JSON object with error and error_description only.
    for form in [
        vec![("grant_type", "authorization_code"), ("code", "a\r\nb")],
        vec![("grant_type", "x\r\ny")],
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", "'; DROP TABLE x;--"),
        ],
        vec![("grant_type", "authorization_code"), ("code", "\u{0}")],
    ] {
        let r = rp.token(&form).await;
        assert_eq!(r.status(), 400, "{form:?}");
        let body: Value = r.json().await.unwrap();
        let obj = body.as_object().unwrap();
        assert!(
            obj.keys().all(|k| k == "error" || k == "error_description"),
            "{body}"
        );
        let d = obj
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(!d.contains(['\r', '\n', '\t']), "{d:?}");
        let lower = body.to_string().to_lowercase();
        for leak in [
            "sql",
            "panick",
            "backtrace",
            "drop table",
            "sqlite",
            "postgres",
        ] {
            assert!(!lower.contains(leak), "{form:?}: {body}");
        }
    }
}
