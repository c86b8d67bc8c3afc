//! HTTP hygiene: headers, hosts, limits, health, error pages.
use crate::helpers::*;

#[tokio::test]
async fn pages_carry_security_headers_and_no_store() {
    let app = TestApp::spawn().await;
    let r = app.get("/login").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("object-src 'none'")
            && csp.contains("base-uri 'none'")
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    assert!(h.get("x-request-id").is_some());
    let csrf = set_cookie(&r, "daemun_csrf");
    assert!(csrf.is_some(), "the CSRF cookie is set on first visit");
}

#[tokio::test]
async fn https_issuers_get_hsts_and_host_prefixed_secure_cookies() {
    let app = TestApp::spawn_with(|c| {
        let port = c.server.bind.rsplit(':').next().unwrap().to_owned();
        c.server.issuer = format!("https://127.0.0.1:{port}");
    })
    .await;
    let r = app.get("/signup").await;
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("__Host-daemun_csrf=") && cookie.contains("Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn an_unknown_host_gets_400() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .get(app.url("/signup"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("host", "10.1.2.3:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "health probes come by address");
}

#[tokio::test]
async fn mail_links_use_the_configured_issuer_not_the_request_host() {
    let app = TestApp::spawn_with(|c| {
        let port = c.server.bind.rsplit(':').next().unwrap().to_owned();
        c.server.allowed_hosts = vec![format!("localhost:{port}")];
    })
    .await;
    let port = app.addr.rsplit(':').next().unwrap().to_owned();
    let other = format!("http://localhost:{port}");
    let client = new_client();
    let page = client
        .get(format!("{other}/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&page).unwrap();
    let r = client
        .post(format!("{other}/signup"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", "h@example.com"),
            ("name", "H"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mail = app.wait_for_mails("h@example.com", 1).await.remove(0);
    assert!(mail.text.contains(&format!("{}/verify/", app.addr)));
    assert!(!mail.text.contains("localhost"));
}

#[tokio::test]
async fn unknown_pages_and_wrong_methods_get_translated_error_pages() {
    let app = TestApp::spawn().await;
    let r = app.get("/nope").await;
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let r = app
        .client
        .put(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert!(r.status() == 405 || r.status() == 403, "{}", r.status());
    let r = app
        .client
        .get(app.url("/nope"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("lang=\"ko\""));
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_parsing() {
    let app = TestApp::spawn().await;
    let page = app.get("/login").await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    let huge = "a".repeat(1024 * 1024);
    let r = app
        .post_form(
            "/login",
            &[
                ("identifier", "x@example.com"),
                ("password", &huge),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn malformed_forms_are_400_not_500() {
    let app = TestApp::spawn().await;
    let page = app.get("/login").await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    let body = format!("identifier=a&identifier=b&password=x&csrf_token={token}");
    let r = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = format!("identifier=%FF%FE&password=x&csrf_token={token}");
    let r = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn every_template_renders_in_both_languages() {
    let app = TestApp::spawn().await;
    for name in app.state.templates.names() {
        if name.ends_with("layout.html") {
            continue;
        }
        for lang in ["en", "ko"] {
            let ctx = minijinja::context! { lang => lang, status => 404, title => "t", message => "m", link => "http://x/y", issuer => "http://x", name => "N", expires_hours => 24, email => "a@b.c", min_length => 8, token => "t", expires_minutes => 60, username => "minsu", new_email => "n@b.c", taken => true, sent => true, others => 1, sessions => vec![minijinja::context!{ sid => "s", current => true, browser => "Firefox", system => "Linux", ip => "192.0.2.1", created => "c", last_seen => "l" }], form => minijinja::context!{ display_name => "D", locale => "ko" }, profile => minijinja::context!{ email => "a@b.c" } };
            let out = app.state.templates.render(&name, ctx);
            assert!(out.is_ok(), "{name} ({lang}): {:?}", out.err());
        }
    }
}
