//! security.md B9: online guessing, lock-out, edge limits, client-secret guessing.
use super::support::{WAIT_TEXT, WRONG, lockout, retry_after};
use crate::helpers::*;
use crate::rp::{Rp, basic, client_post, token_request};

#[tokio::test]
async fn b9_59_waits_grow_exponentially_and_the_right_password_waits_too() {
    let app = TestApp::spawn_with(lockout).await;
    app.verified_user("v@example.com", "V").await;
    for _ in 0..3 {
        assert_eq!(app.login("v@example.com", WRONG).await.status(), 400);
    }
    // Locked: even the right password is refused, with a wait.
    let r = app.login("v@example.com", PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert_eq!(retry_after(&r), 30);
    assert!(r.text().await.unwrap().contains(WAIT_TEXT));
    assert_eq!(app.get("/account").await.status(), 303, "not logged in");
    // After the wait one more attempt is counted; the next wait doubles.
    app.clock.advance_secs(31);
    assert_eq!(app.login("v@example.com", WRONG).await.status(), 400);
    let r = app.login("v@example.com", PASSWORD).await;
    assert_eq!((r.status().as_u16(), retry_after(&r)), (429, 60));
    app.clock.advance_secs(61);
    assert_eq!(app.login("v@example.com", WRONG).await.status(), 400);
    let r = app.login("v@example.com", PASSWORD).await;
    assert_eq!((r.status().as_u16(), retry_after(&r)), (429, 120));
    app.clock.advance_secs(121);
    assert_eq!(app.login("v@example.com", WRONG).await.status(), 400);
    let r = app.login("v@example.com", PASSWORD).await;
    assert_eq!(
        (r.status().as_u16(), retry_after(&r)),
        (429, 120),
        "capped at lockout_max_secs"
    );
    // Once the wait is over the right password works, and the count starts again.
    app.clock.advance_secs(121);
    assert_eq!(app.login("v@example.com", PASSWORD).await.status(), 303);
    let other = Browser::new(&app);
    for _ in 0..3 {
        let r = other
            .submit(
                "/login",
                "/login",
                &[("identifier", "v@example.com"), ("password", WRONG)],
            )
            .await;
        assert_eq!(r.status(), 400, "a success forgot the earlier failures");
    }
    let events = app.state.store.recent_audit(None, 100).await.unwrap();
    assert!(events.iter().any(|e| e.event == "login.locked"));
}

#[tokio::test]
async fn b9_59_a_locked_account_and_an_unknown_one_answer_alike() {
    let app = TestApp::spawn_with(lockout).await;
    app.verified_user("known@example.com", "K").await;
    let mut pages = Vec::new();
    for who in ["known@example.com", "unknown@example.com"] {
        let b = Browser::new(&app);
        for _ in 0..3 {
            let r = b
                .submit(
                    "/login",
                    "/login",
                    &[("identifier", who), ("password", WRONG)],
                )
                .await;
            assert_eq!(r.status(), 400);
        }
        let r = b
            .submit(
                "/login",
                "/login",
                &[("identifier", who), ("password", WRONG)],
            )
            .await;
        let status = r.status();
        let wait = retry_after(&r);
        let html = r.text().await.unwrap();
        pages.push((status, wait, without_csrf(&html).replace(who, "WHO")));
    }
    assert_eq!(pages[0].0, 429);
    assert!(pages[0].2.contains(WAIT_TEXT));
    assert_eq!(pages[0], pages[1], "same status, wait and page");
}

#[tokio::test]
async fn b9_59_the_owner_is_told_once_and_a_reset_ends_the_lock_out() {
    let app = TestApp::spawn_with(lockout).await;
    app.verified_user("o@example.com", "O").await;
    let before = app.mails_to("o@example.com").len();
    for _ in 0..3 {
        app.login("o@example.com", WRONG).await;
    }
    let mails = app.wait_for_mails("o@example.com", before + 1).await;
    let notice = mails.last().unwrap();
    assert!(
        notice.subject.contains("failed attempts"),
        "{}",
        notice.subject
    );
    assert!(notice.text.contains("/password/reset"));
    // More failures in the same day send nothing more.
    app.clock.advance_secs(31);
    app.login("o@example.com", WRONG).await;
    app.wait_for_empty_outbox().await;
    assert_eq!(app.mails_to("o@example.com").len(), before + 1);
    // The owner recovers through a password reset, without waiting.
    let b = Browser::new(&app);
    b.submit(
        "/password/reset",
        "/password/reset",
        &[("email", "o@example.com")],
    )
    .await;
    let link = mailed_link(&app, "o@example.com", before + 2, "/password/reset/").await;
    let new = "a-Fresh-passphrase-2026";
    let r = b
        .submit(
            &link,
            &link,
            &[("password", new), ("password_confirm", new)],
        )
        .await;
    assert_eq!(r.status(), 303, "reset accepted");
    assert_eq!(app.login("o@example.com", new).await.status(), 303);
}

#[tokio::test]
async fn b9_59_fifty_parallel_attempts_cannot_get_past_the_counter() {
    let app = TestApp::spawn_with(|c| {
        c.limits.lockout_threshold = 5;
        c.limits.lockout_base_secs = 600;
        c.limits.lockout_max_secs = 3600;
        c.accounts.hash_queue = 100;
    })
    .await;
    app.verified_user("p@example.com", "P").await;
    let hashes_before = app.state.hasher.stats().verifications;
    // 50 wrong attempts at once: exactly the threshold is verified, the rest wait.
    let statuses = parallel_logins(&app, "p@example.com", &[WRONG; 50]).await;
    let verified = statuses.iter().filter(|s| **s == 400).count();
    let locked = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((verified, locked), (5, 45), "{statuses:?}");
    assert_eq!(app.state.hasher.stats().verifications - hashes_before, 5);
    // And while locked, 50 parallel attempts with the right password all wait.
    let statuses = parallel_logins(&app, "p@example.com", &[PASSWORD; 50]).await;
    assert!(statuses.iter().all(|s| *s == 429), "{statuses:?}");
}

/// Posts one login per password, all at once, each from its own browser.
async fn parallel_logins(app: &TestApp, who: &str, passwords: &[&str]) -> Vec<u16> {
    let mut forms = Vec::new();
    for pw in passwords {
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
        forms.push((client, token, pw.to_string()));
    }
    let sends = forms.into_iter().map(|(client, token, pw)| {
        let url = app.url("/login");
        let who = who.to_owned();
        async move {
            client
                .post(url)
                .header("sec-fetch-site", "same-origin")
                .form(&[
                    ("identifier", who.as_str()),
                    ("password", pw.as_str()),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    futures::future::join_all(sends).await
}

#[tokio::test]
async fn b9_61_login_floods_from_one_address_get_429_with_retry_after() {
    let app = TestApp::spawn_with(|c| c.limits.edge_login_per_minute = 3).await;
    let b = Browser::new(&app);
    for i in 0..3 {
        let who = format!("spray{i}@example.com");
        let r = b
            .submit(
                "/login",
                "/login",
                &[("identifier", &who), ("password", WRONG)],
            )
            .await;
        assert_eq!(r.status(), 400);
    }
    let r = b
        .submit(
            "/login",
            "/login",
            &[("identifier", "spray9@example.com"), ("password", WRONG)],
        )
        .await;
    assert_eq!(r.status(), 429);
    let wait = retry_after(&r);
    assert!((1..=20).contains(&wait), "{wait}");
    assert!(r.text().await.unwrap().contains("Too many attempts"));
    // Reading the form is never limited.
    assert_eq!(b.get("/login").await.status(), 200);
}

#[tokio::test]
async fn b9_63_signup_resend_and_reset_floods_get_429() {
    let app = TestApp::spawn_with(|c| {
        c.limits.edge_signup_per_minute = 1;
        c.limits.edge_resend_per_minute = 1;
        c.limits.edge_reset_per_minute = 1;
    })
    .await;
    for (path, field) in [
        ("/signup", "email"),
        ("/verify/resend", "email"),
        ("/password/reset", "email"),
    ] {
        let b = Browser::new(&app);
        let first = b.submit(path, path, &[(field, "m@example.com")]).await;
        assert_ne!(first.status(), 429, "{path}");
        let second = b.submit(path, path, &[(field, "m@example.com")]).await;
        assert_eq!(second.status(), 429, "{path}");
        assert!(second.headers().contains_key("retry-after"), "{path}");
    }
}

#[tokio::test]
async fn b9_62_token_and_introspection_are_limited_per_address_and_per_client() {
    let app = TestApp::spawn_with(|c| {
        c.limits.edge_token_per_minute = 2;
        c.limits.edge_introspect_per_minute = 1;
    })
    .await;
    let cc = [("grant_type", "client_credentials")];
    let post = |path: &'static str, id: &'static str| {
        client_post(&app, path, Some(basic(id, "guess")), &cc)
    };
    assert_eq!(post("/token", "a").await.status(), 401);
    assert_eq!(post("/token", "b").await.status(), 401);
    let r = post("/token", "c").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert_eq!(post("/introspect", "a").await.status(), 401);
    assert_eq!(post("/introspect", "a").await.status(), 429);

    // Per client: only an authenticated client's own requests count against its limit, so
    // guesses under a claimed id use up nothing (B13 #1).
    let app = TestApp::spawn_with(|c| c.limits.token_per_client_per_minute = 2).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    for _ in 0..3 {
        let r = token_request(&app, Some(basic(&rp.id, "guess")), &cc).await;
        assert_eq!(r.status(), 401);
    }
    assert_eq!(rp.token(&cc).await.status(), 200);
    assert_eq!(rp.token(&cc).await.status(), 200);
    let r = rp.token(&cc).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}
