//! security.md B7 #54–#56: security headers on every page, `no-store` on token and UserInfo
//! answers, and CORS only on the endpoints browser JavaScript is meant to call.
use crate::helpers::*;
use crate::rp::{Rp, basic, token_request};

const ORIGIN: &str = "https://spa.example";

/// Pages as people reach them, including error pages.
const PAGES: [&str; 9] = [
    "/",
    "/signup",
    "/login",
    "/verify/resend",
    "/password/reset",
    "/password/reset/not-a-token",
    "/verify/not-a-token",
    "/no/such/page",
    "/authorize?client_id=unknown&redirect_uri=https%3A%2F%2Fx.example%2Fcb",
];

fn assert_page_headers(path: &str, r: &reqwest::Response) {
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    for directive in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {csp}");
    }
    assert_eq!(h["x-frame-options"], "DENY", "{path}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
    assert!(h.contains_key("referrer-policy"), "{path}");
    assert!(
        h.get("access-control-allow-origin").is_none(),
        "{path}: pages never answer CORS"
    );
}

#[tokio::test]
async fn b7_54_55_every_page_carries_the_security_headers_and_no_cors() {
    let app = TestApp::spawn().await;
    for path in PAGES {
        let r = app
            .client
            .get(app.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        let ct = r.headers().get("content-type").cloned();
        assert!(
            ct.is_some_and(|v| v.to_str().unwrap().starts_with("text/html")),
            "{path}: {}",
            r.status()
        );
        assert_page_headers(path, &r);
    }
    // Reset and verification pages keep their token out of Referer headers.
    let r = app.get("/password/reset/not-a-token").await;
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    // Logged-in pages are never cached.
    let cookie = logged_in_user(&app, "h@example.com", "H").await;
    for path in ["/account", "/account/profile", "/account/sessions"] {
        let r = get_with_session(&app, path, &cookie).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_page_headers(path, &r);
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn b7_56_authorize_answers_no_cors_even_to_a_preflight() {
    let app = TestApp::spawn().await;
    for path in ["/authorize", "/login", "/end_session"] {
        let r = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", ORIGIN)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert!(
            r.headers().get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn b7_56_discovery_jwks_token_and_userinfo_allow_any_origin_without_credentials() {
    let app = TestApp::spawn().await;
    let calls = [
        (reqwest::Method::GET, "/.well-known/openid-configuration"),
        (reqwest::Method::GET, "/jwks.json"),
        (reqwest::Method::POST, "/token"),
        (reqwest::Method::GET, "/userinfo"),
    ];
    for (method, path) in calls {
        let r = app
            .client
            .request(method.clone(), app.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["access-control-allow-origin"], "*", "{path}");
        assert!(
            r.headers()
                .get("access-control-allow-credentials")
                .is_none(),
            "{path}"
        );
        // A single-page app sends `Authorization`, so the browser asks first.
        let pre = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", ORIGIN)
            .header("access-control-request-method", method.as_str())
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
        assert!(pre.status().is_success(), "{path}: {}", pre.status());
        assert_eq!(pre.headers()["access-control-allow-origin"], "*", "{path}");
        let allowed = pre.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(allowed.contains("authorization"), "{path}: {allowed}");
    }
    // Revocation and introspection are server-to-server: no CORS.
    for path in ["/revoke", "/introspect"] {
        let r = app
            .client
            .post(app.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert!(
            r.headers().get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn b7_55_token_and_userinfo_answers_are_never_cached() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    let cc = [("grant_type", "client_credentials")];
    let ok = rp.token(&cc).await;
    let refused = token_request(&app, Some(basic(&rp.id, "wrong")), &cc).await;
    let no_token = app.get("/userinfo").await;
    for r in [&ok, &refused, &no_token] {
        assert_eq!(r.headers()["cache-control"], "no-store", "{}", r.status());
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
                || r.status() == 401,
            "{}",
            r.status()
        );
    }
    assert_eq!(ok.status(), 200);
    assert_eq!(refused.status(), 401);
    assert_eq!(no_token.status(), 401);
}
