//! B13, the outside review: grants die with their session. Every way a session ends kills every
//! code, access token and refresh token issued in it; concurrent refreshes and code replays
//! leave no survivor; a code presented by the wrong client is not spent.
use super::support::*;
use crate::admin::{act, admin};
use crate::helpers::*;
use crate::rp::Rp;

const WHO: &str = "p@example.com";
const NEW: &str = "another-Quiet-river-42";

/// What applications hold from the session of `app.client`: a refreshing client's tokens
/// (and its ID token), an access-only client's token, and a code not redeemed yet.
struct Held {
    rp: Rp,
    access: String,
    refresh: String,
    id_token: String,
    access_only: (Rp, String),
    code: (Rp, String),
}

async fn confidential(app: &TestApp, grants: &[&str]) -> Rp {
    Rp::register(app, |s| {
        s.first_party = true;
        s.grant_types = grants.iter().map(|g| g.to_string()).collect();
    })
    .await
}

async fn hold(app: &TestApp) -> Held {
    let rp = confidential(app, &["authorization_code", "refresh_token"]).await;
    let v = rp.tokens(app, &[]).await;
    let access_only = confidential(app, &["authorization_code"]).await;
    let v2 = access_only.tokens(app, &[]).await;
    assert!(v2.get("refresh_token").is_none(), "an access-only client");
    let code_client = confidential(app, &["authorization_code"]).await;
    let c = code_client.code(app, &[]).await;
    let held = Held {
        rp,
        access: v["access_token"].as_str().unwrap().into(),
        refresh: v["refresh_token"].as_str().unwrap().into(),
        id_token: v["id_token"].as_str().unwrap().into(),
        access_only: (access_only, v2["access_token"].as_str().unwrap().into()),
        code: (code_client, c),
    };
    assert_eq!(userinfo(&held.rp, &held.access).await, 200, "alive before");
    let (client, token) = &held.access_only;
    assert_eq!(userinfo(client, token).await, 200, "alive before");
    held
}

async fn userinfo(rp: &Rp, access: &str) -> u16 {
    rp.userinfo(access).await.status().as_u16()
}

async fn assert_all_dead(h: &Held, what: &str) {
    assert_eq!(
        userinfo(&h.rp, &h.access).await,
        401,
        "{what}: access token"
    );
    let (client, token) = &h.access_only;
    assert_eq!(
        userinfo(client, token).await,
        401,
        "{what}: the access-only client's token"
    );
    let (status, v) = h.rp.refresh(&h.refresh).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "{what}: refresh"
    );
    let (client, code) = &h.code;
    let (status, v) = client.exchange(code, None).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "{what}: code"
    );
}

/// The `sid` of `WHO`'s session that `app.client` holds (the older of two).
async fn first_sid(app: &TestApp) -> String {
    let u = app.user(WHO).await.unwrap();
    let sessions = app.state.store.sessions_of_user(u.user_id).await.unwrap();
    sessions[0].sid.clone()
}

#[tokio::test]
async fn b13_every_way_a_session_ends_ends_every_grant_issued_in_it() {
    for path in [
        "logout",
        "sessions: this one, from another browser",
        "sessions: all others",
        "admin: end sessions",
        "password change",
        "password reset",
        "admin: disable",
        "account deletion",
        "RP-initiated logout",
    ] {
        let app = TestApp::spawn().await;
        // The administrator signs up before `app.client` logs in (sign-up needs no session).
        let admin_browser = if path.starts_with("admin") {
            Some(admin(&app).await.0)
        } else {
            None
        };
        logged_in_user(&app, WHO, "P").await;
        let h = hold(&app).await;
        app.clock.advance_secs(1);
        match path {
            "logout" => {
                assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);
            }
            "sessions: this one, from another browser" => {
                let other = Browser::new(&app);
                other.login(WHO, PASSWORD).await;
                let sid = first_sid(&app).await;
                let r = other
                    .submit("/account/sessions", "/account/sessions", &[("sid", &sid)])
                    .await;
                assert_eq!(r.status(), 303, "{path}");
            }
            "sessions: all others" => {
                let other = Browser::new(&app);
                other.login(WHO, PASSWORD).await;
                let r = other
                    .submit("/account/sessions", "/account/sessions", &[("others", "1")])
                    .await;
                assert_eq!(r.status(), 303, "{path}");
            }
            "admin: end sessions" | "admin: disable" => {
                let b = admin_browser.as_ref().unwrap();
                let sub = app.user(WHO).await.unwrap().sub;
                let here = format!("/admin/users/{sub}");
                let action = if path == "admin: disable" {
                    "disable"
                } else {
                    "end_sessions"
                };
                act(b, &here, &[("action", action)]).await;
            }
            "password change" => {
                let r = app.change_password(NEW).await;
                assert_eq!(r.status(), 303, "{path}");
            }
            "password reset" => {
                let b = Browser::new(&app);
                b.submit("/password/reset", "/password/reset", &[("email", WHO)])
                    .await;
                let link = mailed_link(&app, WHO, 2, "/password/reset/").await;
                let r = Browser::new(&app)
                    .post(&link, &[("password", NEW), ("password_confirm", NEW)])
                    .await;
                assert_eq!(r.status(), 303, "{path}");
            }
            "account deletion" => {
                let r = app
                    .submit(
                        "/account/delete",
                        "/account/delete",
                        &[("password", PASSWORD), ("confirm", WHO)],
                    )
                    .await;
                assert_eq!(r.status(), 303, "{path}");
            }
            "RP-initiated logout" => {
                let q = format!("/end_session?id_token_hint={}", urlenc(&h.id_token));
                let r = app.get(&q).await;
                assert!(r.status().is_success() || r.status().is_redirection());
            }
            _ => unreachable!(),
        }
        assert_all_dead(&h, path).await;
    }
}

#[tokio::test]
async fn b13_a_renewed_login_keeps_the_session_so_logout_still_ends_earlier_grants() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, WHO, "P").await;
    let h = hold(&app).await;
    app.clock.advance_secs(5);
    let r = app
        .submit(
            "/login?reauth=1",
            "/login",
            &[("identifier", WHO), ("password", PASSWORD), ("reauth", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        userinfo(&h.rp, &h.access).await,
        200,
        "re-authenticating ends nothing"
    );
    assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);
    assert_all_dead(&h, "logout after a renewed login").await;
}

/// How many of the successful token answers among `answers` still work: their refresh token
/// refreshes, or their access token reads UserInfo.
async fn still_working(rp: &Rp, answers: [(u16, serde_json::Value); 2]) -> usize {
    let mut n = 0;
    for (status, v) in answers {
        if status == 200 {
            let access = v["access_token"].as_str().unwrap();
            let next = v["refresh_token"].as_str().unwrap();
            let (s, _) = rp.refresh(next).await;
            if s == 200 || userinfo(rp, access).await == 200 {
                n += 1;
            }
        }
    }
    n
}

#[tokio::test]
async fn b13_concurrent_refreshes_leave_no_surviving_token() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, WHO, "P").await;
    let rp = confidential(&app, &["authorization_code", "refresh_token"]).await;
    let mut survivors = 0;
    for _ in 0..25 {
        let v = rp.tokens(&app, &[]).await;
        let token = v["refresh_token"].as_str().unwrap().to_owned();
        let (a, b) = tokio::join!(rp.refresh(&token), rp.refresh(&token));
        // A reuse revokes the family, so whatever one of the two obtained must be dead too.
        survivors += still_working(&rp, [a, b]).await;
    }
    assert_eq!(survivors, 0, "tokens that outlived their revoked family");
}

#[tokio::test]
async fn b13_a_code_replayed_during_its_redemption_leaves_no_surviving_token() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, WHO, "P").await;
    let rp = confidential(&app, &["authorization_code", "refresh_token"]).await;
    let mut survivors = 0;
    for _ in 0..25 {
        let c = rp.code(&app, &[]).await;
        let (a, b) = tokio::join!(rp.exchange(&c, None), rp.exchange(&c, None));
        survivors += still_working(&rp, [a, b]).await;
    }
    assert_eq!(survivors, 0, "tokens from a replayed code that still work");
}

#[tokio::test]
async fn b13_a_code_presented_by_another_client_is_not_spent() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, WHO, "P").await;
    let rp = confidential(&app, &["authorization_code", "refresh_token"]).await;
    let other = confidential(&app, &["authorization_code"]).await;
    let c = rp.code(&app, &[]).await;
    let (status, v) = other.exchange(&c, None).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_grant")));
    let (status, v) = rp.exchange(&c, None).await;
    assert_eq!(status, 200, "the code's own client still redeems it: {v}");
    let access = v["access_token"].as_str().unwrap();
    // And a second presentation by the other client revokes nothing either.
    let (status, _) = other.exchange(&c, None).await;
    assert_eq!(status, 400);
    assert_eq!(userinfo(&rp, access).await, 200);
}
