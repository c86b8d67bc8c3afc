//! Revocation (RFC 7009), introspection (RFC 7662) and RP-initiated logout (security checklist
//! B4).
use base64::Engine;
use serde_json::Value;

use crate::helpers::*;
use crate::rp::{Rp, basic, client_post};
use crate::security::support::urlenc;

/// A logged-in person and the tokens a first-party client got for them (scope `openid`).
struct Setup {
    app: TestApp,
    rp: Rp,
    tokens: Value,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let mut rp = Rp::register(&app, |s| s.first_party = true).await;
    rp.scope = "openid".into();
    app.verified_user("l@example.com", "L").await;
    assert_eq!(app.login("l@example.com", PASSWORD).await.status(), 303);
    let tokens = rp.tokens(&app, &[]).await;
    Setup { app, rp, tokens }
}

async fn active(s: &Setup, token: &str) -> bool {
    let r = s.rp.post("/introspect", &[("token", token)]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["active"].as_bool().unwrap()
}

#[tokio::test]
async fn introspection_and_revocation_of_access_and_refresh_tokens() {
    let s = setup().await;
    let at = s.tokens["access_token"].as_str().unwrap();
    let rt = s.tokens["refresh_token"].as_str().unwrap();
    let r = s.rp.post("/introspect", &[("token", at)]).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["active"], true);
    assert_eq!(v["client_id"], s.rp.id.as_str());
    assert_eq!(
        v["sub"],
        s.app.user("l@example.com").await.unwrap().sub.as_str()
    );
    assert!(v["exp"].as_i64().unwrap() > v["iat"].as_i64().unwrap());
    assert!(active(&s, rt).await);
    assert!(!active(&s, "garbage").await);

    // Another client learns nothing about these tokens and cannot revoke them.
    let other = Rp::register(&s.app, |_| {}).await;
    let v: Value = other
        .post("/introspect", &[("token", at)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["active"], false);
    assert_eq!(other.post("/revoke", &[("token", at)]).await.status(), 400);
    assert!(active(&s, at).await);

    assert_eq!(s.rp.post("/revoke", &[("token", at)]).await.status(), 200);
    assert!(!active(&s, at).await);
    assert!(
        active(&s, rt).await,
        "revoking an access token leaves the refresh token"
    );
    assert_eq!(
        s.rp.post(
            "/revoke",
            &[("token", rt), ("token_type_hint", "refresh_token")]
        )
        .await
        .status(),
        200
    );
    assert!(!active(&s, rt).await);
    assert_eq!(
        s.rp.post("/revoke", &[("token", "unknown")]).await.status(),
        200,
        "RFC 7009 §2.2"
    );
    let wrong = Some(basic(&s.rp.id, "wrong"));
    assert_eq!(
        client_post(&s.app, "/revoke", wrong, &[("token", rt)])
            .await
            .status(),
        401
    );
    assert_eq!(
        client_post(&s.app, "/introspect", None, &[("token", at)])
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn public_clients_cannot_introspect() {
    let s = setup().await;
    let public = Rp::register(&s.app, |c| c.public = true).await;
    let r = client_post(
        &s.app,
        "/introspect",
        None,
        &[("token", "x"), ("client_id", &public.id)],
    )
    .await;
    assert_eq!(r.status(), 400);
}

async fn end_session(s: &Setup, query: &str) -> reqwest::Response {
    s.app.get(&format!("/end_session?{query}")).await
}

async fn prompt_none(s: &Setup) -> std::collections::HashMap<String, String> {
    let q = s.rp.authorize_path(&[("state", "p"), ("prompt", "none")]);
    location_params(&s.app.get(&q).await)
}

#[tokio::test]
async fn rp_initiated_logout_with_a_valid_hint_redirects_with_state() {
    let s = setup().await;
    let hint = s.tokens["id_token"].as_str().unwrap();
    let r = end_session(
        &s,
        &format!(
            "id_token_hint={hint}&post_logout_redirect_uri={}&state=bye-1",
            urlenc("http://127.0.0.1:9/bye")
        ),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "http://127.0.0.1:9/bye?state=bye-1");
    assert_eq!(
        prompt_none(&s).await["error"],
        "login_required",
        "the session is gone"
    );
    let events = s.app.state.store.recent_audit(None, 20).await.unwrap();
    assert!(
        events.iter().any(|e| e.event == "logout.rp_initiated"
            && e.client_id.as_deref() == Some(s.rp.id.as_str())
            && e.sub.is_some()),
        "the logout is recorded with the application: {events:#?}"
    );
}

#[tokio::test]
async fn logout_without_state_adds_none_and_without_uri_shows_the_page() {
    let s = setup().await;
    let hint = s.tokens["id_token"].as_str().unwrap();
    let r = end_session(
        &s,
        &format!(
            "id_token_hint={hint}&post_logout_redirect_uri={}",
            urlenc("http://127.0.0.1:9/bye")
        ),
    )
    .await;
    assert_eq!(location(&r), "http://127.0.0.1:9/bye");
    let s = setup().await;
    let hint = s.tokens["id_token"].as_str().unwrap();
    let r = end_session(&s, &format!("id_token_hint={hint}&state=only")).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("logged out"));
    assert_eq!(prompt_none(&s).await["error"], "login_required");
}

#[tokio::test]
async fn no_redirect_unless_the_request_is_proven() {
    let s = setup().await;
    let hint = s.tokens["id_token"].as_str().unwrap().to_owned();
    let bye = urlenc("http://127.0.0.1:9/bye");
    let parts: Vec<&str> = hint.split('.').collect();
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
    let alg_none = format!("{none_header}.{}.", parts[1]);
    let mut tampered_payload = parts[1].to_owned();
    tampered_payload.replace_range(
        5..6,
        if &tampered_payload[5..6] == "A" {
            "B"
        } else {
            "A"
        },
    );
    let tampered = format!("{}.{tampered_payload}.{}", parts[0], parts[2]);
    let unregistered = urlenc("http://127.0.0.1:9/elsewhere");
    let query_added = urlenc("http://127.0.0.1:9/bye?foo=bar");
    for q in [
        format!("post_logout_redirect_uri={bye}&state=x"),
        format!("id_token_hint={alg_none}&post_logout_redirect_uri={bye}"),
        format!("id_token_hint={tampered}&post_logout_redirect_uri={bye}"),
        format!("id_token_hint={hint}&post_logout_redirect_uri={unregistered}"),
        format!("id_token_hint={hint}&post_logout_redirect_uri={query_added}"),
    ] {
        let r = end_session(&s, &q).await;
        assert!(r.headers().get("location").is_none(), "{q}");
        assert!(
            r.status() == 200 || r.status() == 400,
            "{q}: {}",
            r.status()
        );
    }
    // A cross-site link without a valid hint only asks; the session survives until confirmed.
    assert!(
        prompt_none(&s).await.contains_key("code"),
        "still logged in"
    );
    let r = s
        .app
        .submit("/end_session", "/end_session/confirm", &[])
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(prompt_none(&s).await["error"], "login_required");
}
