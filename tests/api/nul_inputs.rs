//! NUL characters in identifiers: PostgreSQL cannot store or compare them, so they must be
//! refused as bad requests (found by the random-request test), never reported as an outage.
use crate::helpers::{Browser, PASSWORD, TestApp};
use crate::rp::{Rp, client_post};

#[tokio::test]
async fn nul_characters_in_ids_are_bad_requests_not_outages() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    let plain = crate::helpers::client_builder().build().unwrap();
    let get = |path: String| plain.get(app.url(&path)).send();
    for path in [
        "/authorize/resume/%00".to_owned(),
        "/authorize/resume/a%00b".to_owned(),
        rp.authorize_path(&[("client_id", "a\0b"), ("scope", "openid")]),
        "/end_session?client_id=a%00b".to_owned(),
        "/verify/a%00b".to_owned(),
        "/password/reset/a%00b".to_owned(),
    ] {
        let status = get(path.clone()).await.unwrap().status();
        if path.starts_with("/authorize") {
            assert!(status.is_client_error(), "{path}: {status}");
        } else {
            assert!(status.as_u16() < 500, "{path}: {status}");
        }
    }
    for (fields, with_basic) in [
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "a\0b"),
                ("client_secret", "x"),
            ],
            false,
        ),
        (
            vec![("grant_type", "authorization_code"), ("code", "a\0b")],
            true,
        ),
        (
            vec![("grant_type", "refresh_token"), ("refresh_token", "a\0b")],
            true,
        ),
    ] {
        let auth = with_basic.then(|| rp.basic());
        let status = client_post(&app, "/token", auth, &fields).await.status();
        assert!(status.is_client_error(), "{fields:?}: {status}");
    }
    for path in ["/revoke", "/introspect"] {
        let r = rp.post(path, &[("token", "a\0b")]).await;
        assert!(
            r.status().is_client_error() || r.status().is_success(),
            "{path}: {}",
            r.status()
        );
    }
    // Signed in, past the CSRF check.
    app.verified_user("nul@example.com", "Nul").await;
    let b = Browser::new(&app);
    b.login("nul@example.com", PASSWORD).await;
    for (action, fields) in [
        (
            "/login",
            vec![("identifier", "a\0b@example.com"), ("password", PASSWORD)],
        ),
        ("/account/sessions", vec![("sid", "a\0b")]),
        ("/account/apps", vec![("client_id", "a\0b")]),
        ("/verify/resend", vec![("email", "a\0b@example.com")]),
        ("/password/reset", vec![("email", "a\0b@example.com")]),
        (
            "/account/profile",
            vec![("username", "a\0b"), ("name", "a\0b")],
        ),
        ("/consent", vec![("request", "a\0b"), ("decision", "allow")]),
        ("/end_session/confirm", vec![("request", "a\0b")]),
    ] {
        let status = b.post(action, &fields).await.status();
        assert!(status.as_u16() < 500, "{action} {fields:?}: {status}");
    }
}
