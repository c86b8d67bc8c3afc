//! Snapshots of what Daemun writes for others to read: the discovery document and every kind
//! of mail, text and HTML, as committed in tests/api/snapshots/. What changes from run to run
//! is replaced: the test server's port and the tokens in links. After an intended change,
//! review the new text (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test api
//! snapshot` and `git diff`) and commit it with the change.
use daemun::mail::SentMail;
use serde_json::{Map, Value};

use crate::helpers::*;

const NEW_PASSWORD: &str = "another-Quiet-river-42";

/// `text` with the test server's port and each of `tokens` replaced.
fn redact(app: &TestApp, text: &str, tokens: &[&str]) -> String {
    let port = app.addr.rsplit(':').next().expect("a port");
    let mut text = text.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:[port]");
    for token in tokens {
        text = text.replace(token, "[token]");
    }
    text
}

/// The tokens in the links of a mail's text: the last path segment of a link to Daemun when
/// it is that long (a secret of 256 bits in base64url has 43 characters).
fn tokens_in<'a>(app: &TestApp, text: &'a str) -> Vec<&'a str> {
    text.split_whitespace()
        .filter(|w| w.starts_with(&app.addr))
        .filter_map(|link| link.rsplit('/').next())
        .filter(|segment| segment.len() >= 40)
        .collect()
}

/// `v` with every object's keys in order, whatever order serde_json keeps.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let sorted: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), sorted(&map[k])))
                .collect();
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn the_discovery_document() {
    let app = TestApp::spawn().await;
    let r = app.get("/.well-known/openid-configuration").await;
    assert_eq!(r.status(), 200);
    let document: Value = r.json().await.unwrap();
    let text = serde_json::to_string_pretty(&sorted(&document)).unwrap();
    insta::assert_snapshot!("discovery", redact(&app, &text, &[]));
}

/// The newest mail to `to`, once `n` arrived.
async fn mail(app: &TestApp, to: &str, n: usize) -> SentMail {
    app.wait_for_mails(to, n).await.pop().expect("a mail")
}

/// Two snapshots of `m`: its text (with the address and subject) and its HTML.
fn assert_mail(app: &TestApp, kind: &str, m: &SentMail) {
    let tokens = tokens_in(app, &m.text);
    let text = format!("To: {}\nSubject: {}\n\n{}", m.to, m.subject, m.text);
    insta::assert_snapshot!(format!("mail_{kind}_text"), redact(app, &text, &tokens));
    insta::assert_snapshot!(format!("mail_{kind}_html"), redact(app, &m.html, &tokens));
}

fn profile(username: &str) -> Vec<(&str, &str)> {
    vec![
        ("display_name", "Ana"),
        ("given_name", "Ana"),
        ("family_name", "Lima"),
        ("username", username),
        ("locale", "en"),
    ]
}

#[tokio::test]
async fn every_kind_of_mail() {
    // Three wrong passwords lock an account, so the lock-out notice is sent too.
    let app = TestApp::spawn_with(|c| c.limits.lockout_threshold = 3).await;
    let ana = "ana@example.com";
    app.verified_user(ana, "Ana").await;
    assert_mail(&app, "verify_email", &mail(&app, ana, 1).await);

    // Someone signs up with the address again.
    assert_eq!(app.signup(ana, "Someone").await.status(), 200);
    assert_mail(&app, "signup_attempt", &mail(&app, ana, 2).await);

    assert_eq!(app.login(ana, PASSWORD).await.status(), 303);
    let r = app
        .submit("/account/profile", "/account/profile", &profile("ana"))
        .await;
    assert_eq!(r.status(), 303);
    assert_mail(&app, "username_changed", &mail(&app, ana, 3).await);
    let r = app
        .submit("/account/profile", "/account/profile", &profile(""))
        .await;
    assert_eq!(r.status(), 303);
    assert_mail(&app, "username_removed", &mail(&app, ana, 4).await);

    let r = app.change_password(NEW_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_mail(&app, "password_changed", &mail(&app, ana, 5).await);

    let r = Browser::new(&app)
        .submit("/password/reset", "/password/reset", &[("email", ana)])
        .await;
    assert_eq!(r.status(), 200);
    assert_mail(&app, "password_reset", &mail(&app, ana, 6).await);

    let bea = "bea@example.com";
    let r = app
        .submit(
            "/account/email",
            "/account/email",
            &[("new_email", bea), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_mail(&app, "email_change", &mail(&app, bea, 1).await);
    let confirm = mailed_link(&app, bea, 1, "/account/email/confirm/").await;
    assert_eq!(Browser::new(&app).post(&confirm, &[]).await.status(), 303);
    assert_mail(&app, "email_changed", &mail(&app, ana, 7).await);

    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_mail(&app, "account_deleted", &mail(&app, bea, 2).await);

    let cy = "cy@example.com";
    app.verified_user(cy, "Cy").await;
    // `app.client` has no session any more: the account it was logged in to is gone.
    for _ in 0..3 {
        assert_eq!(app.login(cy, "wrong-Password-77").await.status(), 400);
    }
    assert_mail(&app, "login_lockout", &mail(&app, cy, 2).await);
}

#[tokio::test]
async fn every_kind_of_second_factor_mail() {
    let app = TestApp::spawn().await;
    let dee = "dee@example.com";
    app.verified_user(dee, "Dee").await;
    let b = Browser::new(&app);
    b.login(dee, PASSWORD).await;
    crate::second_factor::enrol(&b).await;
    assert_mail(&app, "factor_totp_added", &mail(&app, dee, 2).await);
    let r = b
        .submit(
            "/account/security",
            "/account/security/recovery",
            &[("renew_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_mail(&app, "factor_recovery_renewed", &mail(&app, dee, 3).await);
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/remove",
            &[("remove_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_mail(&app, "factor_totp_removed", &mail(&app, dee, 4).await);
}
