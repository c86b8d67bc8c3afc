//! B13: pages and mail. Password guessing at `/verify/<token>` meets the login lock-out, error
//! and other pages link only to this site whatever path was asked for, and mail to an address
//! nobody has proven carries no text a stranger typed.
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::support::{WAIT_TEXT, WRONG, lockout, retry_after};
use crate::helpers::*;

const WAIT_TEXT_KO: &str = "로그인 시도가 너무 많이 실패했습니다";
/// A display name as someone who signs up with another person's address might choose it.
const STRANGER: &str = "Bank Security Team: call +1 555";

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

// ---------- B: links built from the request path ----------

/// Every `href` of `html`, with the HTML escapes minijinja writes undone.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(v, _)| v))
        .map(|v| {
            v.replace("&#x2f;", "/")
                .replace("&#x5c;", "\\")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Asserts that every link of the page at `page_url` leads to this site, as a browser would
/// resolve it (WHATWG rules: `\` is `/`, tabs and line breaks are dropped), and that the
/// language links are there.
fn assert_links_stay_here(app: &TestApp, page_url: &str, html: &str) {
    let base = url::Url::parse(page_url).expect("page URL");
    let ours = url::Url::parse(&app.addr).unwrap();
    let links = hrefs(html);
    assert!(
        links.iter().any(|h| h.ends_with("lang=ko")),
        "{page_url}: the language links are there: {links:?}"
    );
    for h in links {
        assert!(
            !h.starts_with("//") && !h.starts_with("/\\") && !h.starts_with("\\"),
            "{page_url}: {h}"
        );
        let to = base.join(&h).expect("a valid link");
        assert_eq!(to.host_str(), ours.host_str(), "{page_url}: {h} → {to}");
        assert_eq!(to.port(), ours.port(), "{page_url}: {h} → {to}");
    }
}

/// Sends `GET <target>` exactly as written (no URL parser in between) and returns the
/// status code and the body.
async fn raw_get(app: &TestApp, target: &str) -> (u16, String) {
    let host = app.addr.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(host).await.expect("connect");
    let req = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("an answer in time")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    (status, text)
}

#[tokio::test]
async fn b13_b_error_pages_for_crafted_paths_link_only_to_this_site() {
    let app = TestApp::spawn().await;
    for path in [
        "//evil.example/x",
        "///evil.example/x",
        "//evil.example/x?a=1&lang=en",
        "/%2F%2Fevil.example",
    ] {
        let page_url = app.url(path);
        let r = app.client.get(&page_url).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert_links_stay_here(&app, &page_url, &r.text().await.unwrap());
    }
    // Backslashes: a URL parser would turn them into slashes before sending, so these go
    // out as raw bytes. They reach the not-found page…
    for path in ["/\\evil.example/x", "/\\/evil.example/x"] {
        let (status, page) = raw_get(&app, path).await;
        assert_eq!(status, 404, "{path}: {page}");
        assert_links_stay_here(&app, &app.url(path), &page);
    }
    // …while a target that does not start with `/` is refused before any page is built.
    let (status, page) = raw_get(&app, "\\\\evil.example/x").await;
    assert_eq!(status, 400);
    assert!(!page.contains("evil.example"), "{page}");
}

#[tokio::test]
async fn b13_b_language_links_keep_the_query_without_lang_and_one_leading_slash() {
    let app = TestApp::spawn().await;
    let html = app
        .get("//evil.example/x?a=1&lang=en")
        .await
        .text()
        .await
        .unwrap();
    let links = hrefs(&html);
    assert!(
        links.contains(&"/evil.example/x?a=1&lang=ko".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/evil.example/x?a=1&lang=en".to_owned()),
        "{links:?}"
    );
    // A real page keeps working as before.
    let links = hrefs(
        &app.get("/login?next=%2Faccount")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        links.contains(&"/login?next=%2Faccount&lang=ko".to_owned()),
        "{links:?}"
    );
}

// ---------- C: mail to an address nobody has proven ----------

fn assert_no_stranger_text(mail: &daemun::mail::SentMail, what: &str) {
    for (part, body) in [("text", &mail.text), ("HTML", &mail.html)] {
        for piece in ["Bank Security", "+1 555", STRANGER] {
            assert!(
                !body.contains(piece),
                "{what}: the {part} part carries {piece:?}: {body}"
            );
        }
    }
    assert!(!mail.subject.contains("Bank Security"), "{what}");
    assert!(mail.text.contains("Hello,"), "{what}: {}", mail.text);
}

#[tokio::test]
async fn b13_c_the_verification_mail_and_its_resend_carry_no_name_typed_at_sign_up() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.signup("victim@example.com", STRANGER).await.status(),
        200
    );
    let mails = app.wait_for_mails("victim@example.com", 1).await;
    assert_no_stranger_text(&mails[0], "verification mail");
    let r = Browser::new(&app)
        .submit(
            "/verify/resend",
            "/verify/resend",
            &[("email", "victim@example.com")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let mails = app.wait_for_mails("victim@example.com", 2).await;
    assert!(mails[1].text.contains("/verify/"), "a new link");
    assert_no_stranger_text(&mails[1], "resent verification mail");
}

#[tokio::test]
async fn b13_c_the_email_change_link_to_a_new_address_carries_no_name() {
    let app = TestApp::spawn().await;
    // The stranger has a verified account of their own, named as they like.
    logged_in_user(&app, "stranger@example.com", STRANGER).await;
    let r = app
        .submit(
            "/account/email",
            "/account/email",
            &[("new_email", "victim@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let mails = app.wait_for_mails("victim@example.com", 1).await;
    assert!(mails[0].text.contains("/account/email/confirm/"));
    assert_no_stranger_text(&mails[0], "email-change mail");
}

#[tokio::test]
async fn b13_c_no_mail_to_an_unverified_address_carries_the_name() {
    let app = TestApp::spawn_with(lockout).await;
    let to = "victim@example.com";
    assert_eq!(app.signup(to, STRANGER).await.status(), 200);
    // 2: someone (the owner) tries to sign up with the address.
    assert_eq!(app.signup(to, "Owner").await.status(), 200);
    app.wait_for_mails(to, 2).await;
    // 3: wrong passwords lock the account's login; its address hears of it.
    for _ in 0..3 {
        assert_eq!(login(&Browser::new(&app), to, WRONG).await.status(), 400);
    }
    app.wait_for_mails(to, 3).await;
    // 4 and 5: the owner resets the password, and is told it was changed.
    let r = Browser::new(&app)
        .submit("/password/reset", "/password/reset", &[("email", to)])
        .await;
    assert_eq!(r.status(), 200);
    let reset = mailed_link(&app, to, 4, "/password/reset/").await;
    let r = Browser::new(&app)
        .post(
            &reset,
            &[
                ("password", "owners-New-password-4"),
                ("password_confirm", "owners-New-password-4"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mails = app.wait_for_mails(to, 5).await;
    assert_eq!(mails.len(), 5);
    for (mail, what) in mails.iter().zip([
        "verification",
        "sign-up attempt",
        "lock-out notice",
        "reset link",
        "password changed",
    ]) {
        assert_no_stranger_text(mail, what);
    }
}

#[tokio::test]
async fn b13_c_mail_to_a_verified_address_still_greets_by_name() {
    let app = TestApp::spawn().await;
    app.verified_user("ada@example.com", "Ada Lovelace").await;
    let r = Browser::new(&app)
        .submit(
            "/password/reset",
            "/password/reset",
            &[("email", "ada@example.com")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let mails = app.wait_for_mails("ada@example.com", 2).await;
    assert!(
        mails[1].text.contains("Hello Ada Lovelace,"),
        "{}",
        mails[1].text
    );
}
