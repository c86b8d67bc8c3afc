//! Login: refusals, `next`, session renewal.
use crate::helpers::*;

async fn login_page_error(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 400);
    r.text().await.unwrap()
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_one_generic_message() {
    let app = TestApp::spawn().await;
    app.verified_user("real@example.com", "Real").await;
    let a = login_page_error(app.login("nobody@example.com", PASSWORD).await).await;
    let b = login_page_error(app.login("real@example.com", "wrong-Password-77").await).await;
    let generic = "Please enter a correct email or username and password";
    assert!(a.contains(generic) && b.contains(generic));
    let strip = |h: &str, who: &str| {
        h.replace(who, "WHO")
            .replace(&csrf_token(h).unwrap_or_default(), "")
    };
    assert_eq!(
        strip(&a, "nobody@example.com"),
        strip(&b, "real@example.com")
    );
    let events = app.state.store.recent_audit(None, 10).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.event == "login.failure").count(),
        2
    );
}

#[tokio::test]
async fn unverified_accounts_cannot_log_in_and_are_offered_a_new_link() {
    let app = TestApp::spawn().await;
    assert_eq!(app.signup("new@example.com", "New").await.status(), 200);
    let html = login_page_error(app.login("new@example.com", PASSWORD).await).await;
    assert!(html.contains("not verified"));
    assert!(html.contains("href=\"/verify/resend\""));
    assert_eq!(
        app.get("/account").await.status(),
        303,
        "no session was made"
    );
    // Without the right password nothing about verification is revealed.
    let html = login_page_error(app.login("new@example.com", "wrong-Password-77").await).await;
    assert!(!html.contains("not verified"));
}

#[tokio::test]
async fn disabled_accounts_cannot_log_in() {
    let app = TestApp::spawn().await;
    app.verified_user("off@example.com", "Off").await;
    let user = app.user("off@example.com").await.unwrap();
    app.state
        .store
        .set_active(user.user_id, false, app.clock_now())
        .await
        .unwrap();
    let html = login_page_error(app.login("off@example.com", PASSWORD).await).await;
    assert!(html.contains("Please enter a correct email or username and password"));
    assert_eq!(app.get("/account").await.status(), 303);
}

#[tokio::test]
async fn login_by_username_is_case_insensitive() {
    let app = TestApp::spawn().await;
    let r = app
        .submit(
            "/signup",
            "/signup",
            &[
                ("email", "u@example.com"),
                ("username", "Seoyeon"),
                ("name", "Seoyeon"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let path = app
        .verification_link("u@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    assert_eq!(
        app.submit(&path, &path, &[("password", PASSWORD)])
            .await
            .status(),
        303
    );
    assert_eq!(app.login("seoyeon", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn a_safe_next_is_followed_after_login() {
    let app = TestApp::spawn().await;
    app.verified_user("n@example.com", "N").await;
    let r = app.get("/account").await;
    assert_eq!(location(&r), "/login?next=%2Faccount");
    let r = app
        .submit(
            "/login?next=/account",
            "/login",
            &[
                ("identifier", "n@example.com"),
                ("password", PASSWORD),
                ("next", "/account?tab=1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account?tab=1");
}

#[tokio::test]
async fn every_open_redirect_attempt_in_next_lands_on_the_account_home() {
    let app = TestApp::spawn().await;
    app.verified_user("o@example.com", "O").await;
    let attempts = [
        "https://evil.com",
        "//evil.com",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "https:evil.com",
        "javascript:alert(1)",
        "\njavascript:alert(1)",
        "\u{8}//evil.com",
        "http://127.0.0.1\\@evil.com",
        "http:999999999",
        "/%2F%2Fevil.com",
        "/%5Cevil.com",
        "/\t/evil.com",
    ];
    for next in attempts {
        let client = new_client();
        let page = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_token(&page).unwrap();
        let r = client
            .post(app.url("/login"))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("identifier", "o@example.com"),
                ("password", PASSWORD),
                ("next", next),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(location(&r), "/account", "{next:?}");
    }
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_one_dies() {
    let app = TestApp::spawn().await;
    app.verified_user("s@example.com", "S").await;
    let first = app.login("s@example.com", PASSWORD).await;
    let old = set_cookie(&first, "daemun_session").expect("a session cookie");
    assert_eq!(get_with_session(&app, "/account", &old).await.status(), 200);

    // Logging in again (re-authentication) issues a new id and ends the old session.
    let again = app
        .submit(
            "/login?reauth=1",
            "/login",
            &[
                ("identifier", "s@example.com"),
                ("password", PASSWORD),
                ("reauth", "1"),
            ],
        )
        .await;
    assert_eq!(again.status(), 303);
    let new = set_cookie(&again, "daemun_session").expect("a new session cookie");
    assert_ne!(old, new);
    assert_eq!(
        get_with_session(&app, "/account", &old).await.status(),
        303,
        "old id no longer works"
    );
    assert_eq!(get_with_session(&app, "/account", &new).await.status(), 200);
}

#[tokio::test]
async fn a_planted_session_cookie_is_never_adopted() {
    let app = TestApp::spawn().await;
    app.verified_user("f@example.com", "F").await;
    let planted = "A".repeat(43);
    let client = new_client();
    let page = client
        .get(app.url("/login"))
        .header("cookie", format!("daemun_session={planted}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        200,
        "an unknown session id is just anonymous"
    );
    let r = app.login("f@example.com", PASSWORD).await;
    let issued = set_cookie(&r, "daemun_session").unwrap();
    assert_ne!(issued, planted);
    assert_eq!(
        get_with_session(&app, "/account", &planted).await.status(),
        303
    );
}

#[tokio::test]
async fn session_cookie_flags_are_strict_and_remember_me_persists() {
    let app = TestApp::spawn().await;
    app.verified_user("c@example.com", "C").await;
    let r = app.login("c@example.com", PASSWORD).await;
    let raw = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("daemun_session="))
        .unwrap();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Path=/"),
        "{raw}"
    );
    assert!(
        !raw.contains("Max-Age"),
        "a browser-session cookie without remember me: {raw}"
    );

    let r = app
        .submit(
            "/login?reauth=1",
            "/login",
            &[
                ("identifier", "c@example.com"),
                ("password", PASSWORD),
                ("remember", "1"),
                ("reauth", "1"),
            ],
        )
        .await;
    let raw = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("daemun_session="))
        .unwrap();
    assert!(
        raw.contains("Max-Age=2592000"),
        "remember me keeps the cookie 30 days: {raw}"
    );
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_the_absolute_limit() {
    let app = TestApp::spawn().await;
    app.verified_user("idle@example.com", "Idle").await;
    let r = app.login("idle@example.com", PASSWORD).await;
    let sid = set_cookie(&r, "daemun_session").unwrap();
    app.clock.advance_secs(119 * 60);
    assert_eq!(
        get_with_session(&app, "/account", &sid).await.status(),
        200,
        "activity slides the idle expiry"
    );
    app.clock.advance_secs(119 * 60);
    assert_eq!(get_with_session(&app, "/account", &sid).await.status(), 200);
    app.clock.advance_secs(121 * 60);
    assert_eq!(
        get_with_session(&app, "/account", &sid).await.status(),
        303,
        "idle too long"
    );

    let r = app.login("idle@example.com", PASSWORD).await;
    let sid = set_cookie(&r, "daemun_session").unwrap();
    for _ in 0..7 {
        app.clock.advance_secs(110 * 60);
        let _ = get_with_session(&app, "/account", &sid).await;
    }
    assert_eq!(
        get_with_session(&app, "/account", &sid).await.status(),
        303,
        "past the 12 h absolute limit"
    );
}

#[tokio::test]
async fn outdated_password_hashes_are_upgraded_at_login() {
    let app = TestApp::spawn().await;
    app.verified_user("h@example.com", "H").await;
    let user = app.user("h@example.com").await.unwrap();
    let weak = daemun::domain::password::HashParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
    let old =
        daemun::domain::password::hash(&daemun::domain::password::Password::new(PASSWORD), weak)
            .unwrap();
    app.state
        .store
        .set_password_hash(user.user_id, &old, app.clock_now())
        .await
        .unwrap();
    assert_eq!(app.login("h@example.com", PASSWORD).await.status(), 303);
    let (_, stored) = app
        .state
        .store
        .credentials("h@example.com", true)
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}
