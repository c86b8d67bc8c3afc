//! B1: the authorization endpoint. Exact redirect-URI comparison for https clients, removed
//! clients, `prompt=none` with a live session, re-authentication, the nonce and redirect codes.
use super::support::*;
use crate::helpers::*;
use crate::rp::{Rp, answer_consent, code_at, signed_in};

async fn assert_error_page(r: reqwest::Response, what: &str) {
    assert_eq!(r.status(), 400, "{what}");
    assert!(r.headers().get("location").is_none(), "{what}: no redirect");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{what}"
    );
    assert!(
        !r.text().await.unwrap().contains("code="),
        "{what}: no code"
    );
}

#[tokio::test]
async fn b1_01_an_https_redirect_uri_is_compared_as_an_exact_string() {
    let app = TestApp::spawn().await;
    let mut rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.redirect_uris = vec!["https://rp.example/cb".into()];
    })
    .await;
    rp.scope = "openid".into();
    rp.state = "s".into();
    app.verified_user("r@example.com", "R").await;
    assert_eq!(app.login("r@example.com", PASSWORD).await.status(), 303);
    let path = |uri| rp.authorize_path(&[("redirect_uri", uri)]);
    for variant in [
        "https://rp.example/cb/",
        "https://rp.example/CB",
        "https://rp.example/cbx",
        "https://rp.example/cb?x=1",
        "https://rp.example/cb#frag",
        "https://rp.example:8443/cb",
        "https://rp.example:443/cb",
        "http://rp.example/cb",
        "https://user@rp.example/cb",
        "https://a@b@rp.example/cb",
        "https://rp.example@evil.example/cb",
        "https://rp.example.evil.example/cb",
        "https://rp.example/x/..;/cb",
        "https://rp.example/x/%2e%2e/cb",
        "https://rp.example/%63b",
        "https://rp.example/cb%2F",
        "https://RP.example/cb",
        "https://rp.example/cb ",
    ] {
        assert_error_page(app.get(&path(variant)).await, variant).await;
    }
    let r = app.get(&path("https://rp.example/cb")).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("https://rp.example/cb?code="));
}

#[tokio::test]
async fn b1_03_a_removed_client_gets_an_error_page() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "gone@example.com").await;
    assert!(app.state.store.delete_client(&rp.id).await.unwrap());
    assert_error_page(app.get(&rp.authorize_path(&[])).await, "removed client").await;
    assert_error_page(
        app.get(&rp.authorize_path(&[("prompt", "none")])).await,
        "removed client, prompt=none",
    )
    .await;
}

#[tokio::test]
async fn b1_07_prompt_none_with_a_live_session_returns_a_code_for_the_same_sub() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "p@example.com").await;
    let first = rp.tokens(&app, &[]).await;
    let hint = first["id_token"].as_str().unwrap();
    for extra in [
        vec![("prompt", "none")],
        vec![("prompt", "none"), ("id_token_hint", hint)],
    ] {
        let again = rp.tokens(&app, &extra).await;
        assert_eq!(
            jwt_claims(again["id_token"].as_str().unwrap())["sub"],
            jwt_claims(hint)["sub"],
            "{extra:?}"
        );
    }
}

#[tokio::test]
async fn b1_08_reauthentication_shows_the_form_and_gives_a_later_auth_time() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "a@example.com").await;
    let first = rp.tokens(&app, &[("max_age", "10000")]).await;
    let first_auth = jwt_claims(first["id_token"].as_str().unwrap())["auth_time"]
        .as_i64()
        .expect("auth_time is present when max_age was sent");

    app.clock.advance_secs(5);
    for extra in [[("prompt", "login")], [("max_age", "1")]] {
        let r = app.get(&rp.authorize_path(&extra)).await;
        assert_eq!(r.status(), 303);
        let to = location(&r);
        assert!(to.starts_with("/login?reauth=1&next="), "{extra:?}: {to}");
        let form = app.get(&to).await;
        assert_eq!(form.status(), 200, "the password form is shown again");
        assert!(form.text().await.unwrap().contains("name=\"password\""));
    }
    // Log in again through the prompt=login request.
    let r = app.get(&rp.authorize_path(&[("prompt", "login")])).await;
    let to = location(&r);
    let next = to.split("next=").nth(1).unwrap().to_owned();
    let r = app
        .submit(
            &to,
            "/login",
            &[
                ("identifier", "a@example.com"),
                ("password", PASSWORD),
                ("next", &next),
                ("reauth", "1"),
            ],
        )
        .await;
    assert_eq!(location(&r), next);
    let c = code_at(&app, &next).await;
    let (status, second) = rp.exchange(&c, None).await;
    assert_eq!(status, 200);
    let second_auth = jwt_claims(second["id_token"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    assert!(second_auth > first_auth, "{second_auth} > {first_auth}");
}

#[tokio::test]
async fn b1_09_the_nonce_is_echoed_byte_for_byte_and_absent_when_not_sent() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "n@example.com").await;
    let without = rp.tokens(&app, &[]).await;
    assert!(
        jwt_claims(without["id_token"].as_str().unwrap())
            .get("nonce")
            .is_none()
    );
    let odd = "n-0 ~!*'()ünï\"<>&%2F";
    let with = rp.tokens(&app, &[("nonce", odd)]).await;
    assert_eq!(jwt_claims(with["id_token"].as_str().unwrap())["nonce"], odd);
    let longest = "x".repeat(512);
    let with = rp.tokens(&app, &[("nonce", &longest)]).await;
    assert_eq!(
        jwt_claims(with["id_token"].as_str().unwrap())["nonce"],
        longest.as_str()
    );
}

#[tokio::test]
async fn b1_11_redirects_after_credential_posts_are_303() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    app.verified_user("c@example.com", "C").await;
    let r = app.get(&rp.authorize_path(&[])).await;
    let to_login = location(&r);
    let next = to_login.trim_start_matches("/login?next=").to_owned();
    let r = app
        .submit(
            &to_login,
            "/login",
            &[
                ("identifier", "c@example.com"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "login POST");
    let r = app.get(&next).await;
    assert_eq!(r.status(), 303);
    let consent = location(&r);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let r = answer_consent(&app, &consent, "allow").await;
    assert_eq!(r.status(), 303, "consent POST");
    assert!(location(&r).starts_with(REDIRECT_URI));
    assert!(location_params(&r).contains_key("code"));
}

#[tokio::test]
async fn b1_04_implicit_and_hybrid_response_types_are_unsupported_and_nothing_is_in_a_fragment() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "rt@example.com").await;
    for rt in [
        "token",
        "id_token",
        "id_token token",
        "code id_token",
        "code token",
        "none",
    ] {
        let extra = [
            ("response_type", rt),
            ("scope", "openid"),
            ("nonce", "n"),
            ("state", "s-4"),
        ];
        let r = app.get(&rp.authorize_path(&extra)).await;
        assert_eq!(r.status(), 303, "{rt}");
        let to = location(&r);
        assert!(to.starts_with(&format!("{REDIRECT_URI}?")), "{rt}: {to}");
        assert!(!to.contains('#'), "{rt}");
        let p = location_params(&r);
        assert_eq!(p["error"], "unsupported_response_type", "{rt}");
        assert_eq!(p["state"], "s-4");
        assert!(!p.contains_key("access_token") && !p.contains_key("id_token"));
    }
}
