//! `/account/email`: the change happens only when the link mailed to the new address is used.
use daemun::store::email_tokens::TokenPurpose;

use crate::helpers::*;

async fn request_change(app: &TestApp, new: &str, password: &str) -> reqwest::Response {
    app.submit(
        "/account/email",
        "/account/email",
        &[("new_email", new), ("password", password)],
    )
    .await
}

async fn confirm(app: &TestApp, path: &str) -> reqwest::Response {
    Browser::new(app).post(path, &[]).await
}

#[tokio::test]
async fn the_address_changes_only_when_the_new_one_confirms() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "old@example.com", "O").await;
    let user = app.user("old@example.com").await.unwrap();
    // A verification link for the old address is pending; it must die with the change.
    let now = app.clock_now();
    app.state
        .store
        .insert_email_token(
            &[7u8; 32],
            TokenPurpose::VerifyEmail,
            user.user_id,
            "old@example.com",
            now,
            now + 3_600_000,
        )
        .await
        .unwrap();
    let r = request_change(&app, "New@example.com", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("new@example.com")
    );
    // Nothing changed yet; the old address still logs in and stays verified.
    let u = app.user("old@example.com").await.unwrap();
    assert!(u.email_verified);
    assert!(app.user("new@example.com").await.is_none());
    let path = mailed_link(&app, "New@example.com", 1, "/account/email/confirm/").await;
    let page = Browser::new(&app).get(&path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let r = confirm(&app, &path).await;
    assert_eq!(r.status(), 303);
    let u = app.user("new@example.com").await.expect("moved");
    assert_eq!(u.user_id, user.user_id);
    assert_eq!(u.email, "New@example.com");
    assert!(u.email_verified, "the link proved the new address");
    assert!(app.user("old@example.com").await.is_none());
    let notice = app
        .wait_for_mails("old@example.com", 2)
        .await
        .pop()
        .unwrap();
    assert!(notice.text.contains("New@example.com"));
    assert!(notice.subject.contains("changed"), "{}", notice.subject);
    assert_eq!(
        app.state
            .store
            .live_email_tokens(user.user_id, TokenPurpose::VerifyEmail, app.clock_now())
            .await
            .unwrap(),
        0,
        "tokens for the old address died"
    );
    Browser::new(&app).login("new@example.com", PASSWORD).await;
    // The link works once.
    assert_eq!(confirm(&app, &path).await.status(), 400);
    let events = app
        .state
        .store
        .recent_audit(Some(user.user_id), 10)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.event == "email.changed"));
}

#[tokio::test]
async fn a_wrong_password_sends_nothing() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "w@example.com", "W").await;
    let r = request_change(&app, "n@example.com", "not-my-password").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("id=\"password-error\""));
    for (addr, field) in [
        ("w@example.com", "new_email"),
        ("nope", "new_email"),
        ("", "new_email"),
    ] {
        let r = request_change(&app, addr, PASSWORD).await;
        assert_eq!(r.status(), 400, "{addr}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains(&format!("id=\"{field}-error\""))
        );
    }
    app.wait_for_empty_outbox().await;
    assert!(app.mails_to("n@example.com").is_empty());
    assert!(app.user("w@example.com").await.is_some());
}

#[tokio::test]
async fn an_address_taken_in_the_meantime_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "t@example.com", "T").await;
    assert_eq!(
        request_change(&app, "wanted@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let path = mailed_link(&app, "wanted@example.com", 1, "/account/email/confirm/").await;
    // Someone signs up with the address before the link is used.
    assert_eq!(
        Browser::new(&app)
            .submit(
                "/signup",
                "/signup",
                &[
                    ("email", "wanted@example.com"),
                    ("name", "Q"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD)
                ]
            )
            .await
            .status(),
        200
    );
    let r = confirm(&app, &path).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("another account"));
    let t = app.user("t@example.com").await.expect("unchanged");
    assert!(t.email_verified);
    assert_ne!(
        app.user("wanted@example.com").await.unwrap().user_id,
        t.user_id
    );
}

#[tokio::test]
async fn expired_and_superseded_links_are_refused() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "s@example.com", "S").await;
    request_change(&app, "first@example.com", PASSWORD).await;
    let first = mailed_link(&app, "first@example.com", 1, "/account/email/confirm/").await;
    request_change(&app, "second@example.com", PASSWORD).await;
    let second = mailed_link(&app, "second@example.com", 1, "/account/email/confirm/").await;
    assert_eq!(Browser::new(&app).get(&first).await.status(), 400);
    assert_eq!(confirm(&app, &first).await.status(), 400, "superseded");
    app.clock.advance_secs(25 * 3600);
    assert_eq!(confirm(&app, &second).await.status(), 400, "expired");
    assert!(app.user("s@example.com").await.is_some());
    assert!(app.user("first@example.com").await.is_none());
    assert!(app.user("second@example.com").await.is_none());
}

#[tokio::test]
async fn an_address_that_already_has_an_account_gets_no_link_but_the_same_page() {
    let app = TestApp::spawn().await;
    app.verified_user("other@example.com", "Other").await;
    logged_in_user(&app, "me@example.com", "Me").await;
    let r = request_change(&app, "other@example.com", PASSWORD).await;
    assert_eq!(r.status(), 200);
    app.wait_for_empty_outbox().await;
    assert_eq!(
        app.mails_to("other@example.com").len(),
        1,
        "only its own verification"
    );
}
