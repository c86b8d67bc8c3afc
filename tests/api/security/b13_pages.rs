//! B13: pages and mail. Password guessing at `/verify/<token>` meets the login lock-out.
use crate::helpers::*;

const WRONG: &str = "wrong-Password-77";
const WAIT_TEXT: &str = "Too many failed attempts";
const WAIT_TEXT_KO: &str = "로그인 시도가 너무 많이 실패했습니다";

/// Lock-out after 3 counted attempts, waits 30 s, 60 s, 120 s (cap).
fn lockout(c: &mut daemun::config::Config) {
    c.limits.lockout_threshold = 3;
    c.limits.lockout_base_secs = 30;
    c.limits.lockout_max_secs = 120;
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

// ---------- A: the password asked at /verify/<token> ----------

/// The path of the newest verification link mailed to `to`.
async fn verify_path(app: &TestApp, to: &str) -> String {
    let link = app.verification_link(to).await;
    link.trim_start_matches(&app.addr).to_owned()
}

/// Confirms the link at `path` with `password` from a browser of its own.
async fn confirm(b: &Browser<'_>, path: &str, password: &str) -> reqwest::Response {
    b.submit(path, path, &[("password", password)]).await
}

async fn login(b: &Browser<'_>, email: &str, password: &str) -> reqwest::Response {
    b.submit(
        "/login",
        "/login",
        &[("identifier", email), ("password", password)],
    )
    .await
}

async fn verified(app: &TestApp, email: &str) -> bool {
    app.user(email).await.unwrap().email_verified
}

#[tokio::test]
async fn b13_a_wrong_passwords_at_the_verification_link_lock_it_and_the_login() {
    let app = TestApp::spawn_with(lockout).await;
    assert_eq!(app.signup("v@example.com", "V").await.status(), 200);
    let path = verify_path(&app, "v@example.com").await;
    let guesser = Browser::new(&app);
    for _ in 0..3 {
        assert_eq!(confirm(&guesser, &path, WRONG).await.status(), 400);
    }
    // Locked: even the right password waits, and is not even looked at.
    let before = app.state.hasher.stats().verifications;
    let r = confirm(&guesser, &path, PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert_eq!(retry_after(&r), 30);
    assert!(r.text().await.unwrap().contains(WAIT_TEXT));
    assert_eq!(
        app.state.hasher.stats().verifications,
        before,
        "no argon2 run while locked"
    );
    assert!(!verified(&app, "v@example.com").await, "still unverified");
    // One counter: the login of that account waits too, with the same answer.
    let r = login(&Browser::new(&app), "v@example.com", PASSWORD).await;
    assert_eq!((r.status().as_u16(), retry_after(&r)), (429, 30));
    assert!(r.text().await.unwrap().contains(WAIT_TEXT));
    // After the wait the owner's right password verifies the address.
    app.clock.advance_secs(31);
    assert_eq!(confirm(&guesser, &path, PASSWORD).await.status(), 303);
    assert!(verified(&app, "v@example.com").await);
    let events = app.state.store.recent_audit(None, 100).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.event == "email.verify_failed" && e.detail == "locked")
    );
}

#[tokio::test]
async fn b13_a_login_failures_and_link_failures_add_up_in_one_count() {
    let app = TestApp::spawn_with(lockout).await;
    assert_eq!(app.signup("v@example.com", "V").await.status(), 200);
    let path = verify_path(&app, "v@example.com").await;
    let b = Browser::new(&app);
    assert_eq!(b.get("/login?lang=ko").await.status(), 200);
    for _ in 0..2 {
        assert_eq!(login(&b, "v@example.com", WRONG).await.status(), 400);
    }
    assert_eq!(confirm(&b, &path, WRONG).await.status(), 400);
    // Three counted attempts over both forms: both wait, in the page's language.
    for r in [
        confirm(&b, &path, PASSWORD).await,
        login(&b, "v@example.com", PASSWORD).await,
    ] {
        assert_eq!((r.status().as_u16(), retry_after(&r)), (429, 30));
        assert!(r.text().await.unwrap().contains(WAIT_TEXT_KO));
    }
    assert!(!verified(&app, "v@example.com").await);
}

#[tokio::test]
async fn b13_a_the_right_password_at_the_link_clears_the_count() {
    let app = TestApp::spawn_with(lockout).await;
    assert_eq!(app.signup("v@example.com", "V").await.status(), 200);
    let path = verify_path(&app, "v@example.com").await;
    let b = Browser::new(&app);
    for _ in 0..2 {
        assert_eq!(confirm(&b, &path, WRONG).await.status(), 400);
    }
    assert_eq!(confirm(&b, &path, PASSWORD).await.status(), 303);
    // Had the count stayed, the third attempt (the one above) would have locked the login.
    for _ in 0..2 {
        assert_eq!(login(&b, "v@example.com", WRONG).await.status(), 400);
    }
    assert_eq!(login(&b, "v@example.com", PASSWORD).await.status(), 303);
}
