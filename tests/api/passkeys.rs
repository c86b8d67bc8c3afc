//! Passkeys over HTTP with a software authenticator (`authenticator.rs`): added on the
//! security page, used as the login's second step and instead of the password, refused when
//! replayed or presented for another account, and off when the issuer is an IP address.
use serde_json::Value;

use crate::authenticator::SoftAuthenticator;
use crate::helpers::*;

/// Posts `fields` plus the CSRF token of `page` to `action` from `browser`'s cookie jar.
async fn post(
    browser: &Browser<'_>,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    browser.submit(page, action, fields).await
}

/// Adds a passkey named `name` for the person logged in on `browser`.
async fn add_passkey(
    browser: &Browser<'_>,
    key: &mut SoftAuthenticator,
    name: &str,
) -> reqwest::Response {
    let r = post(
        browser,
        "/account/security",
        "/account/security/passkeys/options",
        &[("passkey_password", PASSWORD), ("name", name)],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let started: Value = r.json().await.unwrap();
    let credential = key.create(&started["options"]).to_string();
    post(
        browser,
        "/account/security",
        "/account/security/passkeys",
        &[
            ("ceremony", started["ceremony"].as_str().unwrap()),
            ("credential", &credential),
            ("name", name),
        ],
    )
    .await
}

/// Asks for request options from `page` (the login page or the second step).
async fn login_options(browser: &Browser<'_>, page: &str) -> Value {
    let r = post(browser, page, "/login/passkey/options", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Sends an assertion for `step` from `page`.
async fn answer(
    browser: &Browser<'_>,
    page: &str,
    step: &str,
    started: &Value,
    assertion: &Value,
) -> reqwest::Response {
    let credential = assertion.to_string();
    post(
        browser,
        page,
        "/login/passkey",
        &[
            ("step", step),
            ("ceremony", started["ceremony"].as_str().unwrap()),
            ("credential", &credential),
        ],
    )
    .await
}

/// The password step of a login, whatever comes after it.
async fn password_step(browser: &Browser<'_>, email: &str) -> reqwest::Response {
    let fields = [("identifier", email), ("password", PASSWORD)];
    browser.submit("/login", "/login", &fields).await
}

async fn last_login_amr(app: &TestApp, user_id: i64) -> String {
    let events = app
        .state
        .store
        .recent_audit(Some(user_id), 20)
        .await
        .unwrap();
    events
        .iter()
        .find(|e| e.event == "login.success")
        .map(|e| e.detail.clone())
        .expect("a login")
}

#[tokio::test]
async fn a_passkey_is_added_then_logs_in_as_second_step_and_without_a_password() {
    let app = TestApp::spawn_on_localhost().await;
    app.verified_user("ara@example.com", "Ara").await;
    let user = app.user("ara@example.com").await.unwrap();
    let browser = Browser::new(&app);
    browser.login("ara@example.com", PASSWORD).await;
    let mut key = SoftAuthenticator::new(&app.addr);

    // The wrong password gets no options.
    let r = post(
        &browser,
        "/account/security",
        "/account/security/passkeys/options",
        &[("passkey_password", "wrong-password"), ("name", "Laptop")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    let body: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"));
    assert!(
        body["error"].as_str().unwrap().contains("password"),
        "{body}"
    );

    // Added: the first factor comes with recovery codes, shown once; a mail says so.
    let r = add_passkey(&browser, &mut key, "Laptop").await;
    assert_eq!(r.status(), 200, "the recovery codes page");
    let page = r.text().await.unwrap();
    assert!(page.contains("recovery"), "{page}");
    let keys = app.state.store.passkeys(user.user_id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "Laptop");
    assert_eq!(keys[0].credential_id, key.credential_id);
    let mails = app.wait_for_mails("ara@example.com", 2).await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject.contains("passkey was added"))
    );
    let security = browser.get("/account/security").await.text().await.unwrap();
    assert!(security.contains("Laptop") && security.contains("not used yet"));

    // The user handle is the account's random sub, nothing personal.
    assert_eq!(key.user_handle.len(), 16);
    assert!(!String::from_utf8_lossy(&key.user_handle).contains("ara"));

    // Second step after the password.
    let fresh = Browser::new(&app);
    let r = password_step(&fresh, "ara@example.com").await;
    assert_eq!(location(&r), "/login/second-factor");
    let page = fresh
        .get("/login/second-factor")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("/static/passkey.js"),
        "the passkey button's script"
    );
    let started = login_options(&fresh, "/login/second-factor").await;
    let allowed = started["options"]["publicKey"]["allowCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(allowed.len(), 1, "the person's own key is offered");
    let assertion = key.get(&started["options"]);
    let r = answer(
        &fresh,
        "/login/second-factor",
        "second_step",
        &started,
        &assertion,
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(fresh.get("/account").await.status(), 200);
    assert_eq!(last_login_amr(&app, user.user_id).await, "pwd swk user mfa");

    // The same answer again: its challenge was used, nothing starts.
    let again = Browser::new(&app);
    let r = answer(&again, "/login", "discover", &started, &assertion).await;
    assert_eq!(location(&r), "/login", "refused");
    assert_eq!(
        location(&again.get("/account").await),
        "/login?next=%2Faccount"
    );

    // Without a password: the login page's button (discoverable credential).
    let passwordless = Browser::new(&app);
    let page = passwordless.get("/login").await.text().await.unwrap();
    assert!(
        page.contains("username webauthn"),
        "autofill offers passkeys"
    );
    let started = login_options(&passwordless, "/login").await;
    assert!(
        started["options"]["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "nobody is named before the answer"
    );
    let assertion = key.get(&started["options"]);
    let r = answer(&passwordless, "/login", "discover", &started, &assertion).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(passwordless.get("/account").await.status(), 200);
    assert_eq!(last_login_amr(&app, user.user_id).await, "swk user mfa");
    let keys = app.state.store.passkeys(user.user_id).await.unwrap();
    assert!(keys[0].last_used_at.is_some(), "the last use is shown");
    let export: Value = passwordless
        .submit("/account/export", "/account/export", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["second_factors"]["passkeys"][0]["name"], "Laptop");

    // A replayed assertion with a fresh challenge fails too: the signature covers the old one.
    let other = Browser::new(&app);
    let started2 = login_options(&other, "/login").await;
    let r = answer(&other, "/login", "discover", &started2, &assertion).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(
        location(&other.get("/account").await),
        "/login?next=%2Faccount"
    );
}

#[tokio::test]
async fn a_passkey_of_another_account_is_refused() {
    let app = TestApp::spawn_on_localhost().await;
    app.verified_user("a@example.com", "A").await;
    app.verified_user("b@example.com", "B").await;
    let a = Browser::new(&app);
    a.login("a@example.com", PASSWORD).await;
    let mut a_key = SoftAuthenticator::new(&app.addr);
    assert_eq!(add_passkey(&a, &mut a_key, "A's").await.status(), 200);
    let b = Browser::new(&app);
    b.login("b@example.com", PASSWORD).await;
    let mut b_key = SoftAuthenticator::new(&app.addr);
    assert_eq!(add_passkey(&b, &mut b_key, "B's").await.status(), 200);

    // At A's second step, B's key signs the challenge: not one of A's keys.
    let step = Browser::new(&app);
    password_step(&step, "a@example.com").await;
    let started = login_options(&step, "/login/second-factor").await;
    let assertion = b_key.get(&started["options"]);
    let r = answer(
        &step,
        "/login/second-factor",
        "second_step",
        &started,
        &assertion,
    )
    .await;
    assert_eq!(location(&r), "/login/second-factor");
    assert_eq!(
        location(&step.get("/account").await),
        "/login/second-factor"
    );

    // Without a password, B's key claiming to be A's account (A's user handle) is refused.
    let thief = Browser::new(&app);
    let started = login_options(&thief, "/login").await;
    b_key.user_handle = a_key.user_handle.clone();
    let assertion = b_key.get(&started["options"]);
    let r = answer(&thief, "/login", "discover", &started, &assertion).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(
        location(&thief.get("/account").await),
        "/login?next=%2Faccount"
    );
    let events = app.state.store.recent_audit(None, 50).await.unwrap();
    assert!(events.iter().any(|e| e.detail == "passkey:wrong_user"));
    assert!(events.iter().any(|e| e.detail == "passkey:unknown_passkey"));
}

#[tokio::test]
async fn passkeys_are_renamed_and_removed_with_the_password() {
    let app = TestApp::spawn_on_localhost().await;
    app.verified_user("ren@example.com", "Ren").await;
    let user = app.user("ren@example.com").await.unwrap();
    let browser = Browser::new(&app);
    browser.login("ren@example.com", PASSWORD).await;
    let mut key = SoftAuthenticator::new(&app.addr);
    add_passkey(&browser, &mut key, "").await;
    let keys = app.state.store.passkeys(user.user_id).await.unwrap();
    assert_eq!(keys[0].name, "Passkey 1", "a default name");
    let id = keys[0].passkey_id.to_string();

    let r = post(
        &browser,
        "/account/security",
        "/account/security/passkeys/rename",
        &[("passkey_id", &id), ("name", "Phone")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.state.store.passkeys(user.user_id).await.unwrap()[0].name,
        "Phone"
    );
    let r = post(
        &browser,
        "/account/security",
        "/account/security/passkeys/rename",
        &[("passkey_id", &id), ("name", &"x".repeat(61))],
    )
    .await;
    assert_eq!(r.status(), 400);

    let r = post(
        &browser,
        "/account/security",
        "/account/security/passkeys/remove",
        &[("passkey_id", &id), ("passkey_remove_password", "wrong")],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        app.state.store.passkeys(user.user_id).await.unwrap().len(),
        1
    );
    let r = post(
        &browser,
        "/account/security",
        "/account/security/passkeys/remove",
        &[("passkey_id", &id), ("passkey_remove_password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(
        app.state
            .store
            .passkeys(user.user_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.state
            .store
            .recovery_codes_left(user.user_id)
            .await
            .unwrap(),
        0,
        "the last factor took its recovery codes with it"
    );
    let mails = app.wait_for_mails("ren@example.com", 3).await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject.contains("passkey was removed"))
    );
    // The password alone logs in again.
    let r = password_step(&Browser::new(&app), "ren@example.com").await;
    assert_eq!(location(&r), "/account");
}

#[tokio::test]
async fn with_an_ip_address_as_issuer_passkeys_are_off_and_say_why() {
    let app = TestApp::spawn().await;
    assert!(app.state.passkeys.is_err());
    let login = app.get("/login").await.text().await.unwrap();
    assert!(!login.contains("/static/passkey.js"), "no passkey button");
    logged_in_user(&app, "ip@example.com", "Ip").await;
    let page = app.get("/account/security").await.text().await.unwrap();
    assert!(page.contains("need a domain name"), "the page says why");
    let r = Browser::new(&app)
        .submit("/login", "/login/passkey/options", &[])
        .await;
    assert_eq!(r.status(), 404);
}
