//! Token endpoint, PKCE and refresh refusals (security checklist B2) and UserInfo errors.
use serde_json::Value;

use crate::helpers::*;
use crate::rp::{Rp, basic, token_request};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const PKCE: [(&str, &str); 2] = [
    ("code_challenge", CHALLENGE),
    ("code_challenge_method", "S256"),
];

/// A logged-in person and a first-party client that may use every grant; it asks for
/// `openid email` (not `profile`).
async fn setup() -> (TestApp, Rp) {
    let app = TestApp::spawn().await;
    let mut rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.grant_types = vec![
            "authorization_code".into(),
            "refresh_token".into(),
            "client_credentials".into(),
        ];
    })
    .await;
    rp.scope = "openid email".into();
    app.verified_user("t@example.com", "T").await;
    assert_eq!(app.login("t@example.com", PASSWORD).await.status(), 303);
    (app, rp)
}

/// POST /token with any credentials: status, JSON body and headers. Every token answer,
/// success or refusal, must be `no-store`.
async fn token(
    app: &TestApp,
    auth: Option<String>,
    form: &[(&str, &str)],
) -> (u16, Value, reqwest::header::HeaderMap) {
    let r = token_request(app, auth, form).await;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    assert_eq!(headers["cache-control"], "no-store", "every token response");
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_what_the_first_use_issued() {
    let (app, rp) = setup().await;
    let c = rp.code(&app, &[]).await;
    let (s, first, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    assert_eq!(s, 200, "{first}");
    let at = first["access_token"].as_str().unwrap();
    let ui = rp.userinfo(at).await;
    assert_eq!(ui.status(), 200);
    app.clock.advance_secs(30);
    let (s, body, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    assert_eq!((s, body["error"].as_str()), (400, Some("invalid_grant")));
    let ui = rp.userinfo(at).await;
    assert_eq!(
        ui.status(),
        401,
        "the first exchange's access token was revoked"
    );
    let (s, body, _) = token(
        &app,
        Some(rp.basic()),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(
        (s, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "and its refresh token"
    );
}

#[tokio::test]
async fn concurrent_redemptions_never_both_succeed() {
    let (app, rp) = setup().await;
    for _ in 0..3 {
        let c = rp.code(&app, &[]).await;
        let form = rp.exchange_form(&c, None);
        let (a, b) = tokio::join!(
            token(&app, Some(rp.basic()), &form),
            token(&app, Some(rp.basic()), &form)
        );
        let mut s = [a.0, b.0];
        s.sort();
        // The replay revokes the grant; when that lands before the winner stores its tokens,
        // the winner is refused too (its tokens would be dead anyway: security.md B13 #13).
        assert!(matches!(s, [200, 400] | [400, 400]), "{s:?}");
    }
}

#[tokio::test]
async fn expired_and_misbound_codes_are_invalid_grant() {
    let (app, rp) = setup().await;
    let other = Rp::register(&app, |s| s.first_party = true).await;

    let c = rp.code(&app, &[]).await;
    app.clock.advance_secs(61);
    let (_, b, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    assert_eq!(b["error"], "invalid_grant", "expired");

    let c = rp.code(&app, &[]).await;
    let (_, b, _) = token(&app, Some(other.basic()), &rp.exchange_form(&c, None)).await;
    assert_eq!(b["error"], "invalid_grant", "another client");

    let c = rp.code(&app, &[]).await;
    let (_, b, _) = token(
        &app,
        Some(rp.basic()),
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", "http://127.0.0.1:9/other"),
        ],
    )
    .await;
    assert_eq!(b["error"], "invalid_grant", "redirect_uri differs");

    let c = rp.code(&app, &[]).await;
    let (_, b, _) = token(
        &app,
        Some(rp.basic()),
        &[("grant_type", "authorization_code"), ("code", &c)],
    )
    .await;
    assert_eq!(b["error"], "invalid_grant", "redirect_uri omitted");

    let (_, b, _) = token(&app, Some(rp.basic()), &rp.exchange_form("garbage", None)).await;
    assert_eq!(b["error"], "invalid_grant");
}

#[tokio::test]
async fn pkce_is_enforced_and_cannot_be_downgraded() {
    let (app, rp) = setup().await;
    let auth = || Some(rp.basic());
    let c = rp.code(&app, &PKCE).await;
    assert_eq!(
        token(&app, auth(), &rp.exchange_form(&c, None)).await.1["error"],
        "invalid_grant",
        "verifier missing"
    );
    let c = rp.code(&app, &PKCE).await;
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx";
    assert_eq!(
        token(&app, auth(), &rp.exchange_form(&c, Some(wrong)))
            .await
            .1["error"],
        "invalid_grant",
        "wrong verifier"
    );
    let c = rp.code(&app, &PKCE).await;
    assert_eq!(
        token(&app, auth(), &rp.exchange_form(&c, Some("short")))
            .await
            .1["error"],
        "invalid_grant",
        "malformed verifier"
    );
    let c = rp.code(&app, &[]).await;
    assert_eq!(
        token(&app, auth(), &rp.exchange_form(&c, Some(VERIFIER)))
            .await
            .1["error"],
        "invalid_grant",
        "downgrade"
    );
    let c = rp.code(&app, &PKCE).await;
    assert_eq!(
        token(&app, auth(), &rp.exchange_form(&c, Some(VERIFIER)))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn client_authentication_failures() {
    let (app, rp) = setup().await;
    let c = rp.code(&app, &[]).await;
    let (s, b, h) = token(
        &app,
        Some(basic(&rp.id, "wrong-secret")),
        &rp.exchange_form(&c, None),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    assert!(h["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    let mut form = rp.exchange_form(&c, None);
    form.extend([("client_id", rp.id.as_str()), ("client_secret", "wrong")]);
    assert_eq!(token(&app, None, &form).await.0, 401);
    // Both methods at once.
    let mut form = rp.exchange_form(&c, None);
    form.push(("client_secret", rp.secret()));
    assert_eq!(
        token(&app, Some(rp.basic()), &form).await.1["error"],
        "invalid_request"
    );
    // No authentication at all for a confidential client.
    let mut form = rp.exchange_form(&c, None);
    form.push(("client_id", rp.id.as_str()));
    assert_eq!(token(&app, None, &form).await.0, 401);
    // The code was never spent by the failures: client_secret_post works.
    let mut form = rp.exchange_form(&c, None);
    form.extend([
        ("client_id", rp.id.as_str()),
        ("client_secret", rp.secret()),
    ]);
    assert_eq!(token(&app, None, &form).await.0, 200);
}

#[tokio::test]
async fn token_endpoint_hygiene() {
    let (app, rp) = setup().await;
    let r = new_client().get(app.url("/token")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let (s, b, _) = token(
        &app,
        Some(rp.basic()),
        &[
            ("grant_type", "password"),
            ("username", "x"),
            ("password", "y"),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (_, b, _) = token(
        &app,
        Some(rp.basic()),
        &[
            ("grant_type", "client_credentials"),
            ("grant_type", "client_credentials"),
        ],
    )
    .await;
    assert_eq!(b["error"], "invalid_request", "repeated parameter");
    let r = new_client()
        .post(app.url(&format!("/token?client_secret={}", rp.secret())))
        .header("authorization", rp.basic())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "credentials in the URL are refused");
    let r = new_client()
        .post(app.url("/token"))
        .header("authorization", rp.basic())
        .json(&serde_json::json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "JSON is not a form");
    let (s, b, _) = token(
        &app,
        Some(rp.basic()),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(b["token_type"], "Bearer");
    assert!(b.get("refresh_token").is_none() && b.get("id_token").is_none());
}

#[tokio::test]
async fn refresh_tokens_are_bound_rotated_and_never_widened() {
    let (app, rp) = setup().await;
    let other = Rp::register(&app, |s| s.first_party = true).await;
    let c = rp.code(&app, &[]).await;
    let (_, first, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    let rt = first["refresh_token"].as_str().unwrap().to_owned();
    assert!(
        rt.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", &rt)];
    let (_, b, _) = token(&app, Some(other.basic()), &refresh).await;
    assert_eq!(
        b["error"], "invalid_grant",
        "another client's refresh token"
    );
    let widened = [&refresh[..], &[("scope", "openid email profile")]].concat();
    let (_, b, _) = token(&app, Some(rp.basic()), &widened).await;
    assert_eq!(b["error"], "invalid_scope", "scope widened");
    let narrower = [&refresh[..], &[("scope", "openid")]].concat();
    let (s, b, _) = token(&app, Some(rp.basic()), &narrower).await;
    assert_eq!(s, 200, "the rightful client, narrower scope: {b}");
    assert_eq!(b["scope"], "openid");
}

#[tokio::test]
async fn logout_revokes_refresh_tokens_of_that_session() {
    let (app, rp) = setup().await;
    let c = rp.code(&app, &[]).await;
    let (_, first, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);
    let (_, b, _) = token(
        &app,
        Some(rp.basic()),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(b["error"], "invalid_grant");
}

#[tokio::test]
async fn userinfo_errors_follow_rfc6750() {
    let (app, rp) = setup().await;
    let r = new_client().get(app.url("/userinfo")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"daemun\"");
    let r = rp.userinfo("garbage").await;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
    let c = rp.code(&app, &[]).await;
    let (_, t, _) = token(&app, Some(rp.basic()), &rp.exchange_form(&c, None)).await;
    let at = t["access_token"].as_str().unwrap().to_owned();
    let r = new_client()
        .get(app.url(&format!("/userinfo?access_token={at}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "never from the query string");
    let r = new_client()
        .post(app.url("/userinfo"))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = new_client()
        .post(app.url("/userinfo"))
        .form(&[("access_token", at.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "form body (RFC 6750 §2.2)");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["email"], "t@example.com");
    assert!(body.get("name").is_none(), "profile was not granted");
    app.clock.advance_secs(601);
    let r = rp.userinfo(&at).await;
    assert_eq!(r.status(), 401, "expired");
    let (_, cc, _) = token(
        &app,
        Some(rp.basic()),
        &[("grant_type", "client_credentials")],
    )
    .await;
    let r = rp.userinfo(cc["access_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 403, "a client token is not about a person");
}
