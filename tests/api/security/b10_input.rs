//! B10: input. Markup in profile fields is stored as typed and escaped wherever it is shown;
//! malformed protocol requests are refused with 400, never 500.
use serde_json::Value;

use super::support::*;
use crate::helpers::*;
use crate::rp::{Rp, basic, signed_in, token_request};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const TEMPLATE: &str = "{{7*7}}";

fn assert_escaped(html: &str, page: &str) {
    assert!(!html.contains(SCRIPT), "{page}: raw script");
    assert!(!html.contains("<img src=x"), "{page}: raw img");
    assert!(!html.contains(">49<"), "{page}: template evaluated");
}

#[tokio::test]
async fn b10_65_markup_in_profile_fields_is_stored_verbatim_and_escaped_everywhere() {
    let app = TestApp::spawn().await;
    let first_party = signed_in(&app, "xss@example.com").await;
    let r = app
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("display_name", SCRIPT),
                ("given_name", IMG),
                ("family_name", TEMPLATE),
                ("username", ""),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let u = app.user("xss@example.com").await.unwrap();
    assert_eq!(
        (
            u.display_name.as_str(),
            u.given_name.as_str(),
            u.family_name.as_str()
        ),
        (SCRIPT, IMG, TEMPLATE),
        "stored verbatim"
    );
    for page in ["/account", "/account/profile", "/logout"] {
        let r = app.get(page).await;
        assert_eq!(r.status(), 200, "{page}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
        let html = r.text().await.unwrap();
        assert_escaped(&html, page);
        assert!(html.contains("&lt;script&gt;"), "{page}: escaped");
    }
    // The consent page of an application whose name is markup too.
    let third_party = Rp::register(&app, |s| s.name = SCRIPT.into()).await;
    let r = app.get(&third_party.authorize_path(&[])).await;
    let consent = location(&r);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let html = app.get(&consent).await.text().await.unwrap();
    assert_escaped(&html, "consent");
    // JSON-encoded, verbatim, in the ID token and UserInfo.
    let t = first_party.tokens(&app, &[]).await;
    let c = jwt_claims(t["id_token"].as_str().unwrap());
    assert_eq!(
        (&c["name"], &c["given_name"], &c["family_name"]),
        (
            &Value::from(SCRIPT),
            &Value::from(IMG),
            &Value::from(TEMPLATE)
        )
    );
    let r = first_party
        .userinfo(t["access_token"].as_str().unwrap())
        .await;
    assert_eq!(r.headers()["content-type"], "application/json");
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["name"], SCRIPT);
    assert_eq!(info["given_name"], IMG);
}

async fn raw_post(
    app: &TestApp,
    path: &str,
    auth: Option<String>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = new_client()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn b10_68_malformed_protocol_requests_are_400_never_500() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "bad@example.com").await;
    let id = &rp.id;
    // Authorization requests whose client cannot be trusted: an error page.
    for query in [
        format!(
            "client_id[]={id}&client_id[]=b&redirect_uri={}&response_type=code&scope=openid",
            urlenc(REDIRECT_URI)
        ),
        format!(
            "client_id=%FF%FE&redirect_uri={}&response_type=code&scope=openid",
            urlenc(REDIRECT_URI)
        ),
        format!(
            "client_id={id}%00&redirect_uri={}&response_type=code&scope=openid",
            urlenc(REDIRECT_URI)
        ),
        format!("client_id={id}&redirect_uri=%FF&response_type=code&scope=openid"),
    ] {
        let r = app.get(&format!("/authorize?{query}")).await;
        assert_eq!(r.status(), 400, "{query}");
        assert!(r.headers().get("location").is_none(), "{query}");
    }
    // Once the client is known: invalid_request back to the application.
    let r = app
        .get(&rp.authorize_path(&[("nonce", "a\u{0}b"), ("state", &"s".repeat(10_000))]))
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location_params(&r)["error"], "invalid_request");
    // The token endpoint: a JSON error with status 400.
    let auth = || Some(rp.basic());
    for body in [
        b"grant_type=authorization_code&code=%FF%FE&redirect_uri=x".to_vec(),
        b"grant_type=\xff\xfe".to_vec(),
        b"grant_type=authorization_code&code=a%00b".to_vec(),
        b"grant_type[]=authorization_code&grant_type[]=refresh_token".to_vec(),
        b"{\"grant_type\":\"authorization_code\"}".to_vec(),
    ] {
        let r = raw_post(&app, "/token", auth(), body.clone()).await;
        let shown = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(r.status(), 400, "{shown}");
        assert_eq!(r.headers()["content-type"], "application/json", "{shown}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].is_string(), "{shown}: {v}");
    }
    let r = raw_post(&app, "/introspect", auth(), b"token=\xff\x00".to_vec()).await;
    assert!(r.status() == 200 || r.status() == 400, "{}", r.status());
    let r = raw_post(&app, "/revoke", auth(), b"token=%FF%00".to_vec()).await;
    assert!(r.status() == 200 || r.status() == 400, "{}", r.status());
    // Client identifiers that cannot exist: invalid_client, also for the throttle's sake.
    for id_with_nul in [format!("{id}\u{0}"), "\u{0}".to_owned()] {
        let r = token_request(
            &app,
            Some(basic(&id_with_nul, rp.secret())),
            &[("grant_type", "client_credentials")],
        )
        .await;
        assert_eq!(r.status(), 401, "{id_with_nul:?}");
        let mut body = b"grant_type=client_credentials&client_secret=x&client_id=".to_vec();
        body.extend(b"a%00b");
        let r = raw_post(&app, "/token", None, body).await;
        assert_eq!(r.status(), 401);
    }
    // Page forms: the generic login failure.
    for identifier in ["a\u{0}b", "bad@example.com\u{0}", "\u{0}"] {
        let r = Browser::new(&app)
            .submit(
                "/login",
                "/login",
                &[("identifier", identifier), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), 400, "{identifier:?}");
    }
    for (path, fields) in [
        ("/password/reset", vec![("email", "a\u{0}@example.com")]),
        ("/verify/resend", vec![("email", "a\u{0}@example.com")]),
    ] {
        let r = Browser::new(&app).submit(path, path, &fields).await;
        assert!(
            r.status() == 200 || r.status() == 400,
            "{path}: {}",
            r.status()
        );
    }
    // Identifiers of parked requests that cannot exist.
    for path in [
        "/authorize/resume/%00",
        "/authorize/resume/a%FFb",
        "/consent?request=%00",
        "/verify/%00",
        "/password/reset/%00",
        "/account/email/confirm/%00",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
    }
    let r = app.get("/end_session?id_token_hint=%FF%00.%00.%00").await;
    assert_eq!(r.status(), 200, "a worthless hint only asks");
    let r = new_client()
        .get(app.url("/userinfo"))
        .header("authorization", "Bearer \u{1}")
        .send()
        .await;
    if let Ok(r) = r {
        assert_eq!(r.status(), 401);
    }
}
