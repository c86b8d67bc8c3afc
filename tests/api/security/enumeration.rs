//! security.md B5 #34, #37 and B9 #60: sign-up, login, resend and reset answer an existing
//! and an unknown account identically (status, headers, cookies, body), and an unknown account
//! costs the same password verification as a known one.
use std::collections::BTreeMap;

use crate::helpers::*;

/// Everything a visitor can observe about an answer, minus what differs on every request
/// (date, request id, CSRF token, cookie values) and the address they typed themselves.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    headers: BTreeMap<String, Vec<String>>,
    cookies: Vec<String>,
    body: String,
}

async fn observe(r: reqwest::Response, typed: &str) -> Answer {
    let status = r.status().as_u16();
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (name, value) in r.headers() {
        let value = value.to_str().unwrap_or_default().to_owned();
        match name.as_str() {
            "date" | "x-request-id" | "content-length" => {}
            "set-cookie" => {
                // Name and attributes, not the value.
                let (pair, attrs) = value.split_once(';').unwrap_or((&value, ""));
                let cookie_name = pair.split('=').next().unwrap_or_default();
                cookies.push(format!("{cookie_name};{attrs}"));
            }
            other => headers.entry(other.to_owned()).or_default().push(value),
        }
    }
    cookies.sort();
    let body = without_csrf(&r.text().await.unwrap()).replace(typed, "TYPED");
    Answer {
        status,
        headers,
        cookies,
        body,
    }
}

/// Submits `fields` from a fresh browser, with `email` as the address field.
async fn answer(
    app: &TestApp,
    path: &str,
    field: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let b = Browser::new(app);
    let mut fields = vec![(field, email)];
    fields.extend_from_slice(extra);
    observe(b.submit(path, path, &fields).await, email).await
}

async fn app_with_accounts() -> TestApp {
    let app = TestApp::spawn().await;
    app.verified_user("known@example.com", "Known").await;
    assert_eq!(
        app.signup("pending@example.com", "Pending").await.status(),
        200
    );
    app
}

#[tokio::test]
async fn b9_60_login_answers_alike_and_costs_one_verification_either_way() {
    let app = app_with_accounts().await;
    let pw = [("password", "wrong-Password-77")];
    let mut seen = Vec::new();
    for who in ["known@example.com", "nobody@example.com"] {
        let before = app.state.hasher.stats().verifications;
        seen.push(answer(&app, "/login", "identifier", who, &pw).await);
        assert_eq!(
            app.state.hasher.stats().verifications - before,
            1,
            "{who}: exactly one argon2 verification"
        );
    }
    assert_eq!(seen[0].status, 400);
    assert_eq!(seen[0], seen[1]);
}

#[tokio::test]
async fn b5_34_signup_answers_alike_for_a_new_and_a_taken_address() {
    let app = app_with_accounts().await;
    let fields = [
        ("username", ""),
        ("name", "Someone"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let before = app.state.hasher.stats().hashes;
    let taken = answer(&app, "/signup", "email", "known@example.com", &fields).await;
    let fresh = answer(&app, "/signup", "email", "fresh@example.com", &fields).await;
    assert_eq!(app.state.hasher.stats().hashes - before, 2, "both hash");
    assert_eq!(taken.status, 200);
    assert!(taken.body.contains("TYPED"), "the page names the address");
    assert_eq!(taken, fresh);
}

#[tokio::test]
async fn b5_37_resend_and_reset_answer_alike_for_every_kind_of_address() {
    let app = app_with_accounts().await;
    for path in ["/verify/resend", "/password/reset"] {
        let mut seen = Vec::new();
        for who in [
            "known@example.com",
            "pending@example.com",
            "nobody@example.com",
        ] {
            seen.push(answer(&app, path, "email", who, &[]).await);
        }
        assert_eq!(seen[0].status, 200, "{path}");
        assert_eq!(seen[0], seen[1], "{path}: verified vs unverified");
        assert_eq!(seen[0], seen[2], "{path}: existing vs unknown");
    }
}
