//! Authorization endpoint refusals (security checklist B1): every failure before the redirect
//! URI is trusted is an error page without `Location`; later ones go back with error, state, iss.
use daemun::oidc::registration::ClientSpec;

use crate::helpers::*;
use crate::rp::{Rp, answer_consent, authorize_path_with};

async fn authorize(app: &TestApp, pairs: &[(&str, &str)]) -> reqwest::Response {
    app.get(&authorize_path_with(pairs)).await
}

/// A client whose requests ask for `openid` with state `s-123`.
async fn client(app: &TestApp, adjust: impl FnOnce(&mut ClientSpec)) -> Rp {
    let mut rp = Rp::register(app, adjust).await;
    rp.scope = "openid".into();
    rp.state = "s-123".into();
    rp
}

async fn logged_in_app() -> (TestApp, Rp) {
    let app = TestApp::spawn().await;
    let rp = client(&app, |s| s.first_party = true).await;
    app.verified_user("a@example.com", "A").await;
    assert_eq!(app.login("a@example.com", PASSWORD).await.status(), 303);
    (app, rp)
}

async fn assert_error_page(r: reqwest::Response) {
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none(), "never a redirect");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn redirect_uri_variants_get_an_error_page_and_no_code() {
    let (app, rp) = logged_in_app().await;
    for variant in [
        "http://127.0.0.1:9/cb/",
        "http://127.0.0.1:9/CB",
        "http://127.0.0.1:9/cbx",
        "http://127.0.0.1:9/cb?x=1",
        "http://127.0.0.1:9/cb#frag",
        "https://127.0.0.1:9/cb",
        "http://evil@127.0.0.1:9/cb",
        "http://127.0.0.1:9/cb/..;/x",
        "http://127.0.0.1:9/%63b",
        "http://127.0.0.2:9/cb",
        "http://localhost:9/cb",
    ] {
        let mut q = rp.authorize_params(&[]);
        q[1] = ("redirect_uri", variant);
        assert_error_page(authorize(&app, &q).await).await;
    }
    // A loopback IP literal may change its port (RFC 8252 §7.3).
    let mut q = rp.authorize_params(&[]);
    q[1] = ("redirect_uri", "http://127.0.0.1:4567/cb");
    let r = authorize(&app, &q).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("http://127.0.0.1:4567/cb?code="));
}

#[tokio::test]
async fn unknown_missing_client_or_redirect_uri_get_an_error_page() {
    let (app, rp) = logged_in_app().await;
    let mut q = rp.authorize_params(&[("client_id", "no-such-client")]);
    assert_error_page(authorize(&app, &q).await).await;
    q.remove(0);
    assert_error_page(authorize(&app, &q).await).await;
    let mut q = rp.authorize_params(&[]);
    q.remove(1);
    assert_error_page(authorize(&app, &q).await).await;
    let mut q = rp.authorize_params(&[]);
    q.push(("client_id", &rp.id));
    assert_error_page(authorize(&app, &q).await).await;
    let mut q = rp.authorize_params(&[]);
    q.push(("redirect_uri", REDIRECT_URI));
    assert_error_page(authorize(&app, &q).await).await;
}

async fn redirect_error(
    app: &TestApp,
    q: &[(&str, &str)],
) -> std::collections::HashMap<String, String> {
    let r = authorize(app, q).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with(REDIRECT_URI));
    let p = location_params(&r);
    assert!(!p.contains_key("code"));
    assert_eq!(p.get("iss").map(String::as_str), Some(app.addr.as_str()));
    for v in p.values() {
        assert!(!v.contains(['\r', '\n', '\t']));
    }
    p
}

#[tokio::test]
async fn later_errors_go_back_with_error_state_and_iss() {
    let (app, rp) = logged_in_app().await;
    let challenge = "a".repeat(43);
    let long_nonce = "n".repeat(600);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            rp.authorize_params(&[])
                .into_iter()
                .filter(|(k, _)| *k != "response_type")
                .collect(),
            "invalid_request",
        ),
        (
            rp.authorize_params(&[("response_type", "token")]),
            "unsupported_response_type",
        ),
        (
            rp.authorize_params(&[("response_type", "id_token token")]),
            "unsupported_response_type",
        ),
        (
            rp.authorize_params(&[("scope", "profile")]),
            "invalid_scope",
        ),
        (
            rp.authorize_params(&[
                ("code_challenge", &challenge),
                ("code_challenge_method", "plain"),
            ]),
            "invalid_request",
        ),
        (
            rp.authorize_params(&[
                ("code_challenge", &challenge),
                ("code_challenge_method", "S512"),
            ]),
            "invalid_request",
        ),
        (
            [rp.authorize_params(&[]), vec![("scope", "openid email")]].concat(),
            "invalid_request",
        ),
        (
            rp.authorize_params(&[("request", "eyJhbGciOiJub25lIn0.e30.")]),
            "request_not_supported",
        ),
        (
            rp.authorize_params(&[("request_uri", "https://x.example/r")]),
            "request_uri_not_supported",
        ),
        (
            rp.authorize_params(&[("prompt", "none login")]),
            "invalid_request",
        ),
        (rp.authorize_params(&[("max_age", "-1")]), "invalid_request"),
        (
            rp.authorize_params(&[("nonce", &long_nonce)]),
            "invalid_request",
        ),
    ];
    for (q, code) in cases {
        let p = redirect_error(&app, &q).await;
        assert_eq!(p["error"], code, "{q:?}");
        assert_eq!(p["state"], "s-123", "{q:?}");
    }
    let long_state = "s".repeat(10_000);
    let p = redirect_error(&app, &rp.authorize_params(&[("state", &long_state)])).await;
    assert_eq!(p["error"], "invalid_request");
    assert!(!p.contains_key("state"));
}

#[tokio::test]
async fn parameters_that_must_be_accepted_are() {
    let (app, rp) = logged_in_app().await;
    let q = rp.authorize_params(&[
        ("scope", "email openid"),
        ("extra", "foobar"),
        ("display", "popup"),
        ("ui_locales", "ko"),
        ("claims_locales", "se"),
        ("login_hint", "a@example.com"),
        ("acr_values", "1"),
        ("scope_unknown", "x"),
    ]);
    let r = authorize(&app, &q).await;
    assert_eq!(r.status(), 303);
    let p = location_params(&r);
    assert!(p.contains_key("code"), "{p:?}");
    assert_eq!(p["state"], "s-123");
    // Without a nonce too; and as a form POST.
    let r = app
        .client
        .post(app.url("/authorize"))
        .form(&rp.authorize_params(&[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location_params(&r).contains_key("code"));
}

#[tokio::test]
async fn prompt_none_without_a_session_is_login_required() {
    let app = TestApp::spawn().await;
    let rp = client(&app, |_| {}).await;
    let p = redirect_error(&app, &rp.authorize_params(&[("prompt", "none")])).await;
    assert_eq!(p["error"], "login_required");
    assert_eq!(p["state"], "s-123");
}

#[tokio::test]
async fn prompt_none_without_consent_is_consent_required() {
    let app = TestApp::spawn().await;
    let rp = client(&app, |_| {}).await;
    app.verified_user("c@example.com", "C").await;
    assert_eq!(app.login("c@example.com", PASSWORD).await.status(), 303);
    let p = redirect_error(&app, &rp.authorize_params(&[("prompt", "none")])).await;
    assert_eq!(p["error"], "consent_required");
}

#[tokio::test]
async fn public_clients_must_send_a_pkce_challenge() {
    let app = TestApp::spawn().await;
    let rp = client(&app, |s| {
        s.public = true;
        s.first_party = true;
    })
    .await;
    app.verified_user("p@example.com", "P").await;
    assert_eq!(app.login("p@example.com", PASSWORD).await.status(), 303);
    let p = redirect_error(&app, &rp.authorize_params(&[])).await;
    assert_eq!(p["error"], "invalid_request");
    assert!(p["error_description"].contains("code challenge required"));
}

#[tokio::test]
async fn prompt_login_and_max_age_force_a_new_login_without_a_loop() {
    let (app, rp) = logged_in_app().await;
    let r = authorize(&app, &rp.authorize_params(&[("prompt", "login")])).await;
    let to = location(&r);
    assert!(
        to.starts_with("/login?reauth=1&next=/authorize/resume/"),
        "{to}"
    );
    let next = to.split("next=").nth(1).unwrap().to_owned();
    app.clock.advance_secs(5);
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
    let r = app.get(&next).await;
    assert!(
        location_params(&r).contains_key("code"),
        "after re-login the code is issued"
    );

    app.clock.advance_secs(30);
    let r = authorize(&app, &rp.authorize_params(&[("max_age", "10")])).await;
    assert!(
        location(&r).starts_with("/login?reauth=1"),
        "login older than max_age"
    );
    let p = redirect_error(
        &app,
        &rp.authorize_params(&[("max_age", "10"), ("prompt", "none")]),
    )
    .await;
    assert_eq!(p["error"], "login_required");
    let r = authorize(&app, &rp.authorize_params(&[("max_age", "10000")])).await;
    assert!(location_params(&r).contains_key("code"), "fresh enough");
}

#[tokio::test]
async fn consent_is_asked_remembered_and_can_be_denied() {
    let app = TestApp::spawn().await;
    let rp = client(&app, |_| {}).await;
    app.verified_user("d@example.com", "D").await;
    assert_eq!(app.login("d@example.com", PASSWORD).await.status(), 303);
    let r = authorize(&app, &rp.authorize_params(&[])).await;
    let consent = location(&r);
    assert!(consent.starts_with("/consent?request="));
    let page = app.get(&consent).await.text().await.unwrap();
    assert!(page.contains("Board"));
    let r = answer_consent(&app, &consent, "deny").await;
    let p = location_params(&r);
    assert_eq!(p["error"], "access_denied");
    assert_eq!(p["state"], "s-123");

    let r = authorize(&app, &rp.authorize_params(&[])).await;
    let consent = location(&r);
    let request = consent.split('=').nth(1).unwrap().to_owned();
    let r = answer_consent(&app, &consent, "allow").await;
    assert!(location_params(&r).contains_key("code"));
    // Remembered: no consent page the next time, unless prompt=consent.
    assert!(
        location_params(&authorize(&app, &rp.authorize_params(&[])).await).contains_key("code")
    );
    assert!(
        location(&authorize(&app, &rp.authorize_params(&[("prompt", "consent")])).await)
            .starts_with("/consent")
    );
    // A cross-site POST cannot grant consent.
    let r = app
        .client
        .post(app.url("/consent"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("request", request.as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn form_post_mode_answers_with_an_auto_submitting_form() {
    let (app, rp) = logged_in_app().await;
    let r = authorize(
        &app,
        &rp.authorize_params(&[("response_mode", "form_post")]),
    )
    .await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    assert!(!csp.contains("form-action"));
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "action=\"{}\"",
            REDIRECT_URI.replace('/', "&#x2f;")
        )) || html.contains(&format!("action=\"{REDIRECT_URI}\""))
    );
    assert!(html.contains("name=\"code\""));
    assert!(html.contains("name=\"state\" value=\"s-123\""));
    assert!(html.contains("<button"), "works without JavaScript");
}

/// The consent page shows the application's logo from its own site: the page's policy allows
/// images from that origin, and from nowhere else; other pages keep the strict policy.
#[tokio::test]
async fn the_consent_page_may_show_the_applications_logo_from_its_site() {
    let app = TestApp::spawn().await;
    let rp = client(&app, |s| {
        s.logo_uri = Some("https://cdn.board.example/logo.png".into())
    })
    .await;
    app.verified_user("logo@example.com", "L").await;
    assert_eq!(app.login("logo@example.com", PASSWORD).await.status(), 303);
    let consent = location(&authorize(&app, &rp.authorize_params(&[])).await);
    let r = app.get(&consent).await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("img-src 'self' data: https://cdn.board.example;"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"));
    let page = r.text().await.unwrap();
    assert!(
        page.contains("class=\"client-logo\" src=\"https:&#x2f;&#x2f;cdn.board.example"),
        "{page}"
    );
    let other = app.get("/account").await;
    let csp = other.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("img-src 'self' data:;"), "{csp}");
}
