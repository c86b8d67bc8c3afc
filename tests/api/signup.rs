//! Sign-up, the "check your email" answer, and the password rules.
use crate::helpers::*;

#[tokio::test]
async fn full_journey_signup_verify_login_account_logout() {
    let app = TestApp::spawn().await;
    let r = app.signup("minji@example.com", "Kim Minji").await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("minji@example.com"),
        "the done page names the address"
    );
    assert!(!app.user("minji@example.com").await.unwrap().email_verified);

    // The mail has a text and an HTML part, in English, with the link.
    let mail = app.wait_for_mails("minji@example.com", 1).await.remove(0);
    assert!(
        mail.subject.to_lowercase().contains("verify"),
        "{}",
        mail.subject
    );
    assert!(mail.html.contains("style=\""), "HTML part is inline-styled");
    assert!(!mail.html.contains("<style"), "no <style> blocks in mail");
    let link = app.verification_link("minji@example.com").await;
    let path = link.trim_start_matches(&app.addr).to_owned();

    // Opening the link shows a confirmation button and changes nothing (prefetch-safe).
    let r = app.get(&path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("action=\"{path}\""))
    );
    assert!(!app.user("minji@example.com").await.unwrap().email_verified);

    // Confirming verifies and sends the person to login with a message.
    let r = app.submit(&path, &path, &[("password", PASSWORD)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert!(app.user("minji@example.com").await.unwrap().email_verified);
    let login_page = app.get("/login").await.text().await.unwrap();
    assert!(
        login_page.contains("verified"),
        "flash message shown after verification"
    );

    // Log in, see the account page, log out.
    let r = app.login("MINJI@example.com", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let account = app.get("/account").await;
    assert_eq!(account.status(), 200);
    let html = account.text().await.unwrap();
    assert!(html.contains("Kim Minji") && html.contains("minji@example.com"));

    let r = app.submit("/logout", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    let r = app.get("/account").await;
    assert_eq!(
        r.status(),
        303,
        "logged out: the account page sends to login"
    );
    assert!(location(&r).starts_with("/login?next=%2Faccount"));

    let events: Vec<String> = app
        .state
        .store
        .recent_audit(None, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    for e in ["signup", "email.verified", "login.success", "logout"] {
        assert!(events.iter().any(|x| x == e), "audit has {e}: {events:?}");
    }
}

#[tokio::test]
async fn duplicate_signup_answers_identically_and_warns_the_owner() {
    let app = TestApp::spawn().await;
    app.verified_user("owner@example.com", "Owner").await;
    let before = app.state.store.recent_audit(None, 100).await.unwrap().len();

    let fresh = app.signup("newcomer@example.com", "Newcomer").await;
    let dup = app.signup("Owner@Example.com", "Attacker").await;
    assert_eq!(fresh.status(), dup.status());
    let norm = |html: String, addr: &str| {
        html.replace(addr, "ADDRESS")
            .replace(&csrf_token(&html).unwrap_or_default(), "TOKEN")
    };
    let a = norm(fresh.text().await.unwrap(), "newcomer@example.com");
    let b = norm(dup.text().await.unwrap(), "Owner@example.com");
    assert_eq!(a, b, "same page for a new and an existing address");

    // The owner is told; the account is unchanged (still one, same name, still verified).
    let mails = app.wait_for_mails("owner@example.com", 2).await;
    assert!(mails.last().unwrap().text.contains("/login"));
    let owner = app.user("owner@example.com").await.unwrap();
    assert_eq!(owner.display_name, "Owner");
    assert!(owner.email_verified);
    assert!(app.state.store.recent_audit(None, 100).await.unwrap().len() > before);
}

async fn signup_error(
    app: &TestApp,
    email: &str,
    username: &str,
    name: &str,
    pw: &str,
    confirm: &str,
) -> String {
    let r = app
        .submit(
            "/signup",
            "/signup",
            &[
                ("email", email),
                ("username", username),
                ("name", name),
                ("password", pw),
                ("password_confirm", confirm),
            ],
        )
        .await;
    assert_eq!(r.status(), 400, "invalid sign-up is a 400 with the form");
    r.text().await.unwrap()
}

#[tokio::test]
async fn every_password_rule_gives_its_own_message() {
    let app = TestApp::spawn().await;
    let cases = [
        ("short1", "too short"),
        ("83726152984", "entirely numeric"),
        ("jiwoo.park2024", "too similar"),
        ("password123", "too common"),
    ];
    for (pw, message) in cases {
        let html = signup_error(&app, "jiwoo.park@example.com", "", "Park Jiwoo", pw, pw).await;
        assert!(html.contains(message), "{pw}: expected “{message}”");
    }
    let long = "x".repeat(300);
    let html = signup_error(&app, "a@example.com", "", "A", &long, &long).await;
    assert!(html.contains("too long"));
    let html = signup_error(
        &app,
        "a@example.com",
        "",
        "A",
        PASSWORD,
        "different-Horse-9",
    )
    .await;
    assert!(html.contains("didn"), "mismatch message");
    assert!(
        app.user("jiwoo.park@example.com").await.is_none(),
        "nothing was created"
    );
    assert!(app.state.mailer.delivered().is_empty());
}

#[tokio::test]
async fn field_errors_refill_the_form_and_create_nothing() {
    let app = TestApp::spawn().await;
    let html = signup_error(&app, "not-an-address", "x", "", PASSWORD, PASSWORD).await;
    assert!(html.contains("valid email"));
    assert!(html.contains("Usernames are"));
    assert!(html.contains("required"));
    assert!(html.contains("value=\"not-an-address\""), "email refilled");
    assert!(!html.contains(PASSWORD), "passwords are never refilled");
    let html = signup_error(&app, "a@b.com\r\nBcc: x@y.com", "", "A", PASSWORD, PASSWORD).await;
    assert!(html.contains("valid email"));
}

#[tokio::test]
async fn a_taken_username_is_reported_on_its_field() {
    let app = TestApp::spawn().await;
    let fields = |email: &'static str| {
        vec![
            ("email", email),
            ("username", "Haneul"),
            ("name", "Haneul"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ]
    };
    assert_eq!(
        app.submit("/signup", "/signup", &fields("one@example.com"))
            .await
            .status(),
        200
    );
    let r = app
        .submit("/signup", "/signup", &fields("two@example.com"))
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("username is taken"));
    assert!(app.user("two@example.com").await.is_none());
}

#[tokio::test]
async fn signup_is_rate_limited_per_ip() {
    let app = TestApp::spawn_with(|c| c.limits.signup_per_ip = 2).await;
    assert_eq!(app.signup("r1@example.com", "R").await.status(), 200);
    assert_eq!(app.signup("r2@example.com", "R").await.status(), 200);
    let r = app.signup("r3@example.com", "R").await;
    assert_eq!(r.status(), 429);
    assert!(app.user("r3@example.com").await.is_none());
}

#[tokio::test]
async fn logged_in_people_are_sent_on_from_signup_and_login() {
    let app = TestApp::spawn().await;
    app.verified_user("here@example.com", "Here").await;
    assert_eq!(app.login("here@example.com", PASSWORD).await.status(), 303);
    let r = app.get("/signup").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let r = app.get("/login?next=/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
}
