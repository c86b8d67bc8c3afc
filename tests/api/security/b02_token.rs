//! B2: the token endpoint and UserInfo. Percent-encoded Basic credentials, response headers,
//! the refresh family's absolute lifetime, dead access tokens and the shape of error answers.
use base64::Engine;
use serde_json::Value;

use super::support::*;
use crate::helpers::*;

/// Every character percent-encoded, as a client that form-urlencodes everything might send.
fn percent_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn b2_19_form_urlencoded_basic_credentials_are_decoded() {
    let app = TestApp::spawn().await;
    let (id, secret) = signed_in(&app, "b@example.com").await;
    let c = code(&app, &authorize_path(&id, &[])).await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        percent_all(&id),
        percent_all(&secret)
    ));
    let r = token_request(
        &app,
        Some(format!("Basic {encoded}")),
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // A `+` decodes to a space, so a secret with `+` in place of a character is wrong.
    let c = code(&app, &authorize_path(&id, &[])).await;
    let plus = format!("{}+", &secret[..secret.len() - 1]);
    let r = token_request(
        &app,
        Some(basic(&id, &plus)),
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", REDIRECT_URI),
        ],
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
    let (id, secret) = signed_in(&app, "h@example.com").await;
    let c = code(&app, &authorize_path(&id, &[])).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", c.as_str()),
        ("redirect_uri", REDIRECT_URI),
    ];
    let r = token_request(&app, Some(basic(&id, "wrong")), &form).await;
    assert_eq!(r.status(), 401);
    assert_token_headers(&r, "invalid_client");
    let r = token_request(&app, Some(basic(&id, &secret)), &form).await;
    assert_eq!(r.status(), 200);
    assert_token_headers(&r, "success");
    let r = token_request(&app, Some(basic(&id, &secret)), &form).await;
    assert_eq!(r.status(), 400);
    assert_token_headers(&r, "invalid_grant");
    let r = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[
            ("grant_type", "password"),
            ("username", "h"),
            ("password", "p"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_token_headers(&r, "unsupported_grant_type");
}

async fn refresh(app: &TestApp, id: &str, secret: &str, rt: &str) -> (u16, Value) {
    let r = token_request(
        app,
        Some(basic(id, secret)),
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
    )
    .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn b2_21_a_refresh_family_ends_at_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let (id, secret) = signed_in(&app, "r@example.com").await;
    let first = tokens(&app, &id, &secret, &[]).await;
    let mut rt = first["refresh_token"].as_str().unwrap().to_owned();
    // Used every 10 days, it rotates, but the family keeps its 30-day end.
    for _ in 0..2 {
        app.clock.advance_secs(10 * 24 * 3600);
        let (status, body) = refresh(&app, &id, &secret, &rt).await;
        assert_eq!(status, 200, "{body}");
        rt = body["refresh_token"].as_str().unwrap().to_owned();
    }
    app.clock.advance_secs(10 * 24 * 3600 + 1);
    let (status, body) = refresh(&app, &id, &secret, &rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

async fn userinfo(app: &TestApp, at: &str) -> reqwest::Response {
    new_client()
        .get(app.url("/userinfo"))
        .bearer_auth(at)
        .send()
        .await
        .unwrap()
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
    let (id, secret) = signed_in(&app, "u@example.com").await;
    let t = tokens(&app, &id, &secret, &[]).await;
    let at = t["access_token"].as_str().unwrap();
    let r = userinfo(&app, at).await;
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        info["sub"],
        jwt_claims(t["id_token"].as_str().unwrap())["sub"]
    );
    let r = new_client()
        .post(app.url("/revoke"))
        .header("authorization", basic(&id, &secret))
        .form(&[("token", at)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_invalid_token(&userinfo(&app, at).await, "revoked");

    let t = tokens(&app, &id, &secret, &[]).await;
    let at = t["access_token"].as_str().unwrap();
    app.clock.advance_secs(601);
    assert_invalid_token(&userinfo(&app, at).await, "expired");
    assert_invalid_token(&userinfo(&app, "not-a-token").await, "garbage");
}

#[tokio::test]
async fn b2_23_error_answers_carry_only_their_parameters_and_no_control_characters() {
    let app = TestApp::spawn().await;
    let (id, secret) = signed_in(&app, "e@example.com").await;
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
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", &id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("state", "st\u{2028}1");
        let mut seen_type = false;
        for (k, v) in &extra {
            seen_type |= *k == "response_type";
            q.append_pair(k, v);
        }
        if !seen_type {
            q.append_pair("response_type", "code");
        }
        if !extra.iter().any(|(k, _)| *k == "scope") {
            q.append_pair("scope", "openid");
        }
        let r = app.get(&format!("/authorize?{}", q.finish())).await;
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
        let r = token_request(&app, Some(basic(&id, &secret)), &form).await;
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
