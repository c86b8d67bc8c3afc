//! Verification links and resending them.
use crate::helpers::*;

async fn signed_up(app: &TestApp, email: &str) -> String {
    assert_eq!(app.signup(email, "Someone").await.status(), 200);
    app.verification_link(email)
        .await
        .trim_start_matches(&app.addr)
        .to_owned()
}

async fn assert_refused(app: &TestApp, path: &str, email: &str) {
    let r = app.get(path).await;
    assert_eq!(r.status(), 400, "GET {path}");
    assert!(
        r.text().await.unwrap().contains("/verify/resend"),
        "failure page links to resend"
    );
    // Posting with a valid CSRF token from another page changes nothing either.
    let r = app.submit("/verify/resend", path, &[]).await;
    assert_eq!(r.status(), 400, "POST {path}");
    assert!(!app.user(email).await.unwrap().email_verified);
}

#[tokio::test]
async fn tampered_and_malformed_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let path = signed_up(&app, "t@example.com").await;
    let mut tampered = path.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_refused(&app, &tampered, "t@example.com").await;
    assert_refused(&app, &path[..path.len() - 5], "t@example.com").await;
    assert_refused(&app, "/verify/%00%0d%0a", "t@example.com").await;
}

#[tokio::test]
async fn a_used_token_is_refused_the_second_time() {
    let app = TestApp::spawn().await;
    let path = signed_up(&app, "u@example.com").await;
    assert_eq!(
        app.submit(&path, &path, &[("password", PASSWORD)])
            .await
            .status(),
        303
    );
    let r = app.get(&path).await;
    assert_eq!(r.status(), 400);
    let r = app.submit("/verify/resend", &path, &[]).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn an_expired_token_is_refused_without_any_change() {
    let app = TestApp::spawn().await;
    let path = signed_up(&app, "e@example.com").await;
    app.clock.advance_secs(24 * 3600 + 1);
    assert_refused(&app, &path, "e@example.com").await;
}

#[tokio::test]
async fn a_token_for_an_address_that_changed_is_refused() {
    let app = TestApp::spawn().await;
    let path = signed_up(&app, "old@example.com").await;
    let user = app.user("old@example.com").await.unwrap();
    // Simulates an email change after the mail was sent.
    let new = daemun::domain::email_address::EmailAddress::parse("new@example.com").unwrap();
    app.state
        .store
        .change_email(user.user_id, &new, app.clock_now())
        .await
        .unwrap();
    let r = app.submit("/verify/resend", &path, &[]).await;
    assert_eq!(r.status(), 400);
    assert!(!app.user("new@example.com").await.unwrap().email_verified);
}

#[tokio::test]
async fn concurrent_confirmations_verify_once() {
    let app = TestApp::spawn().await;
    let path = signed_up(&app, "c@example.com").await;
    let page = app.get(&path).await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    let fields = [("csrf_token", token.as_str()), ("password", PASSWORD)];
    let (a, b) = tokio::join!(app.post_form(&path, &fields), app.post_form(&path, &fields));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 400]);
}

#[tokio::test]
async fn resend_answers_identically_for_unknown_unverified_and_verified() {
    let app = TestApp::spawn().await;
    app.verified_user("done@example.com", "Done").await;
    assert_eq!(
        app.signup("pending@example.com", "Pending").await.status(),
        200
    );
    app.wait_for_mails("pending@example.com", 1).await;
    let done_mails = app.mails_to("done@example.com").len();

    let mut pages = Vec::new();
    for email in [
        "nobody@example.com",
        "pending@example.com",
        "done@example.com",
    ] {
        let r = app
            .submit("/verify/resend", "/verify/resend", &[("email", email)])
            .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        pages.push(html.replace(&csrf_token(&html).unwrap_or_default(), ""));
    }
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[1], pages[2]);

    // Only the unverified account got a new link, and the new link works.
    app.wait_for_mails("pending@example.com", 2).await;
    assert_eq!(app.mails_to("done@example.com").len(), done_mails);
    assert!(app.mails_to("nobody@example.com").is_empty());
    let path = app
        .verification_link("pending@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    assert_eq!(
        app.submit(&path, &path, &[("password", PASSWORD)])
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn resend_is_limited_per_address_with_the_same_answer() {
    let app = TestApp::spawn_with(|c| c.limits.resend_per_address = 1).await;
    assert_eq!(app.signup("limit@example.com", "L").await.status(), 200);
    app.wait_for_mails("limit@example.com", 1).await;
    for _ in 0..3 {
        let r = app
            .submit(
                "/verify/resend",
                "/verify/resend",
                &[("email", "limit@example.com")],
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    app.wait_for_mails("limit@example.com", 2).await;
    app.wait_for_empty_outbox().await;
    assert_eq!(
        app.mails_to("limit@example.com").len(),
        2,
        "one resend allowed, the rest dropped"
    );
}

#[tokio::test]
async fn resend_is_limited_per_ip() {
    let app = TestApp::spawn_with(|c| c.limits.resend_per_ip = 1).await;
    assert_eq!(app.signup("ip1@example.com", "I").await.status(), 200);
    assert_eq!(app.signup("ip2@example.com", "I").await.status(), 200);
    app.wait_for_mails("ip2@example.com", 1).await;
    for email in ["ip1@example.com", "ip2@example.com"] {
        let r = app
            .submit("/verify/resend", "/verify/resend", &[("email", email)])
            .await;
        assert_eq!(r.status(), 200);
    }
    app.wait_for_empty_outbox().await;
    let total = app.mails_to("ip1@example.com").len() + app.mails_to("ip2@example.com").len();
    assert_eq!(total, 3, "two sign-up mails and one resend");
}
