//! The login's second step and `/account/security`, end to end over HTTP: setting up an
//! authenticator app (the key read off the page, codes computed here as an app would),
//! logging in with a code or a recovery code, replays, the shared lock-out, expiry, removal,
//! and the policy that holds administrators and applications back until a factor is set up.
use daemun::config::SecondFactorPolicy;
use daemun::domain::secret::SecretToken;
use daemun::domain::totp::TotpSecret;
use daemun::mail::SentMail;

use crate::admin::admin;
use crate::helpers::*;
use crate::rp::Rp;

pub const STEP: &str = "/login/second-factor";

/// The authenticator key shown on the security page while an app is being set up.
pub fn key_on(html: &str) -> TotpSecret {
    let start = html.find("class=\"secret-key").expect("a key on the page");
    let text = &html[start..];
    let text = &text[text.find('>').unwrap() + 1..];
    let key = &text[..text.find('<').unwrap()];
    TotpSecret::from_typed(key).unwrap_or_else(|| panic!("a Base32 key: {key}"))
}

/// The recovery codes listed on a page.
fn codes_on(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect()
}

/// The code the app shows now (by the server's fake clock).
pub fn code_now(app: &TestApp, secret: &TotpSecret) -> String {
    let secs = u64::try_from(app.clock_now() / 1000).unwrap();
    secret.code_at(secs).unwrap()
}

/// Moves the clock to the next 30-second step, as a person waits for the next code.
pub fn next_step(app: &TestApp) {
    app.clock.advance_secs(30);
}

/// Sets up an authenticator app for the logged-in `b`: its secret and the recovery codes.
pub async fn enrol(b: &Browser<'_>) -> (TotpSecret, Vec<String>) {
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303, "set-up starts");
    let page = b.get("/account/security").await.text().await.unwrap();
    // (Attribute values come HTML-escaped, `/` included.)
    assert!(
        page.contains("src=\"data:image&#x2f;svg+xml;base64,"),
        "a QR code"
    );
    assert!(page.contains("href=\"otpauth:"), "the link a phone opens");
    let secret = key_on(&page);
    let code = code_now(b.app, &secret);
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), 200, "the recovery codes page");
    let codes = codes_on(&r.text().await.unwrap());
    assert_eq!(codes.len(), 10);
    next_step(b.app);
    (secret, codes)
}

/// The password step: sends the browser to the second step, with no session yet. Returns the
/// pending login's cookie.
pub async fn password_step(b: &Browser<'_>, email: &str) -> String {
    let r = b
        .submit(
            "/login",
            "/login",
            &[("identifier", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), STEP);
    assert!(set_cookie(&r, "daemun_session").is_none(), "no session yet");
    set_cookie(&r, "daemun_login").expect("the pending login's cookie")
}

/// Posts a code (`method` = `totp` or `recovery`) at the second step.
pub async fn code_step(b: &Browser<'_>, method: &str, code: &str) -> reqwest::Response {
    b.submit(STEP, STEP, &[("method", method), ("code", code)])
        .await
}

async fn logged_in(b: &Browser<'_>) -> bool {
    b.get("/account").await.status() == 200
}

async fn log_out(b: &Browser<'_>) {
    let r = b.submit("/logout", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert!(!logged_in(b).await);
}

/// A verified, logged-in person with an authenticator app, logged out again.
async fn enrolled<'a>(app: &'a TestApp, email: &str) -> (Browser<'a>, TotpSecret, Vec<String>) {
    app.verified_user(email, "Minsu").await;
    let b = Browser::new(app);
    b.login(email, PASSWORD).await;
    let (secret, codes) = enrol(&b).await;
    log_out(&b).await;
    (b, secret, codes)
}

fn subjects(mails: &[SentMail]) -> Vec<String> {
    mails.iter().map(|m| m.subject.clone()).collect()
}

#[tokio::test]
async fn an_app_is_set_up_by_a_right_code_and_then_asked_for_at_every_login() {
    let app = TestApp::spawn().await;
    app.verified_user("minsu@example.com", "Minsu").await;
    let b = Browser::new(&app);
    b.login("minsu@example.com", PASSWORD).await;

    // The wrong password starts nothing.
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp",
            &[("current_password", "not-the-password")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(
        app.state
            .store
            .totp(user_id(&app).await)
            .await
            .unwrap()
            .is_none()
    );

    let r = b
        .submit(
            "/account/security",
            "/account/security/totp",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = b.get("/account/security").await.text().await.unwrap();
    let secret = key_on(&page);
    // A wrong code leaves it off; so does a code of another secret.
    let other = code_now(&app, &TotpSecret::generate());
    for wrong in ["000000", "12345", "abcdef", other.as_str()] {
        let r = b
            .submit(
                "/account/security",
                "/account/security/totp/confirm",
                &[("code", wrong)],
            )
            .await;
        assert_eq!(r.status(), 400, "{wrong}");
    }
    let row = app
        .state
        .store
        .totp(user_id(&app).await)
        .await
        .unwrap()
        .unwrap();
    assert!(row.enabled_at.is_none(), "still being set up");
    // Until it is on, the password alone still logs in.
    let other_browser = Browser::new(&app);
    other_browser.login("minsu@example.com", PASSWORD).await;

    let code = code_now(&app, &secret);
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let codes = codes_on(&html);
    assert_eq!(codes.len(), 10);
    assert!(html.contains("download=\"recovery-codes.txt\""));
    let page = b.get("/account/security").await.text().await.unwrap();
    assert!(!page.contains(&codes[0]), "codes are shown once");
    assert!(!page.contains("secret-key"), "the key is not shown once on");
    let mails = app.wait_for_mails("minsu@example.com", 2).await;
    assert!(
        subjects(&mails)
            .iter()
            .any(|s| s.contains("Two-step login is on")),
        "{:?}",
        subjects(&mails)
    );

    log_out(&b).await;
    next_step(&app);
    password_step(&b, "minsu@example.com").await;
    // Mid-login, a protected page sends back to the second step, not in.
    let r = b.get("/account/profile").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), STEP);
    assert!(!logged_in(&b).await);
    let r = code_step(&b, "totp", "000000").await;
    assert_eq!(r.status(), 400);
    assert!(!logged_in(&b).await);
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert!(set_cookie(&r, "daemun_session").is_some());
    assert!(logged_in(&b).await);
    let sessions = app
        .state
        .store
        .sessions_of_user(user_id(&app).await)
        .await
        .unwrap();
    assert!(
        sessions.iter().any(|s| s.amr == "pwd otp mfa"),
        "{sessions:?}"
    );
}

async fn user_id(app: &TestApp) -> i64 {
    app.user("minsu@example.com").await.unwrap().user_id
}

#[tokio::test]
async fn a_code_counts_once_and_never_for_an_earlier_step() {
    let app = TestApp::spawn().await;
    let (b, secret, _) = enrolled(&app, "minsu@example.com").await;

    password_step(&b, "minsu@example.com").await;
    let code = code_now(&app, &secret);
    assert_eq!(code_step(&b, "totp", &code).await.status(), 303);
    log_out(&b).await;

    // The same code again, within its own 30 seconds: refused.
    password_step(&b, "minsu@example.com").await;
    assert_eq!(code_step(&b, "totp", &code).await.status(), 400);

    // Two steps on, the code of the step in between is still within the skew window but
    // earlier than the last accepted one once the newer one was used.
    app.clock.advance_secs(60);
    let newest = code_now(&app, &secret);
    let secs = u64::try_from(app.clock_now() / 1000).unwrap();
    let previous = secret.code_at(secs - 30).unwrap();
    assert_eq!(code_step(&b, "totp", &newest).await.status(), 303);
    log_out(&b).await;
    password_step(&b, "minsu@example.com").await;
    assert_eq!(code_step(&b, "totp", &previous).await.status(), 400);
    next_step(&app);
    assert_eq!(
        code_step(&b, "totp", &code_now(&app, &secret))
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn a_recovery_code_works_once_and_says_how_many_are_left() {
    let app = TestApp::spawn().await;
    let (b, _, codes) = enrolled(&app, "minsu@example.com").await;
    let before = app.mails_to("minsu@example.com").len();

    password_step(&b, "minsu@example.com").await;
    // Typed in capitals without dashes, as people do.
    let typed = codes[3].replace('-', "").to_uppercase();
    let r = code_step(&b, "recovery", &typed).await;
    assert_eq!(r.status(), 303);
    let page = b.get("/account").await.text().await.unwrap();
    assert!(page.contains("You have 9 recovery codes left"), "{page}");
    let mails = app.wait_for_mails("minsu@example.com", before + 1).await;
    assert!(
        subjects(&mails)
            .iter()
            .any(|s| s.contains("A recovery code was used")),
        "{:?}",
        subjects(&mails)
    );
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(security.contains("9 of your 10 recovery codes are unused"));
    log_out(&b).await;

    password_step(&b, "minsu@example.com").await;
    assert_eq!(code_step(&b, "recovery", &codes[3]).await.status(), 400);
    assert_eq!(
        code_step(&b, "recovery", "2345-6789-abcd-efgh")
            .await
            .status(),
        400
    );
    assert!(!logged_in(&b).await);
    assert_eq!(code_step(&b, "recovery", &codes[4]).await.status(), 303);
}

#[tokio::test]
async fn wrong_codes_lock_the_login_and_a_right_password_buys_no_fresh_guesses() {
    let app = TestApp::spawn_with(|c| {
        c.limits.lockout_threshold = 4;
        c.limits.lockout_base_secs = 60;
    })
    .await;
    let (b, secret, _) = enrolled(&app, "minsu@example.com").await;
    let before = app.mails_to("minsu@example.com").len();

    // Password, wrong code, password again, wrong code: every attempt counts on one counter.
    password_step(&b, "minsu@example.com").await; // 1
    assert_eq!(code_step(&b, "totp", "000000").await.status(), 400); // 2
    password_step(&b, "minsu@example.com").await; // 3
    assert_eq!(code_step(&b, "totp", "111111").await.status(), 400); // 4: the wait starts
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(r.status(), 429, "even the right code waits");
    assert!(r.headers().contains_key("retry-after"));
    assert!(!logged_in(&b).await);
    let mails = app.wait_for_mails("minsu@example.com", before + 1).await;
    assert!(
        subjects(&mails)
            .iter()
            .any(|s| s.contains("Someone knows your Daemun password")),
        "{:?}",
        subjects(&mails)
    );

    // Past the threshold every attempt waits first, twice as long each time: the password
    // after one minute, the code two minutes later.
    app.clock.advance_secs(61);
    password_step(&b, "minsu@example.com").await;
    assert_eq!(
        code_step(&b, "totp", &code_now(&app, &secret))
            .await
            .status(),
        429
    );
    app.clock.advance_secs(121);
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(r.status(), 303);
    assert!(logged_in(&b).await);
}

#[tokio::test]
async fn a_pending_login_expires_is_used_once_and_needs_its_cookie() {
    let app = TestApp::spawn().await;
    let (b, secret, _) = enrolled(&app, "minsu@example.com").await;

    // Five minutes and it is gone: back to the password.
    password_step(&b, "minsu@example.com").await;
    app.clock.advance_secs(5 * 60 + 1);
    let code = code_now(&app, &secret);
    let r = b.post(STEP, &[("method", "totp"), ("code", &code)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert!(!logged_in(&b).await);
    assert_eq!(b.get(STEP).await.status(), 303);

    // Another browser without the cookie has nothing to finish.
    let cookie = password_step(&b, "minsu@example.com").await;
    let stranger = Browser::new(&app);
    let code = code_now(&app, &secret);
    let r = stranger
        .post(STEP, &[("method", "totp"), ("code", &code)])
        .await;
    assert_eq!(location(&r), "/login");
    assert!(!logged_in(&stranger).await);

    // Once finished, the pending login is spent.
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let hash = SecretToken::from_untrusted(&cookie).unwrap().hash();
    let left = app
        .state
        .store
        .pending_login(&hash, app.clock_now())
        .await
        .unwrap();
    assert!(left.is_none(), "spent");
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let (b, secret, _) = enrolled(&app, "minsu@example.com").await;
    password_step(&b, "minsu@example.com").await;
    let r = b
        .client
        .post(app.url(STEP))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("method", "totp"),
            ("code", code_now(&app, &secret).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!logged_in(&b).await);
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(r.status(), 303);
    for action in [
        "/account/security/totp",
        "/account/security/totp/confirm",
        "/account/security/totp/remove",
        "/account/security/recovery",
    ] {
        let r = b
            .client
            .post(app.url(action))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("current_password", PASSWORD),
                ("remove_password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{action}");
    }
    assert!(
        app.state
            .store
            .totp(user_id(&app).await)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_and_removal_needs_the_password() {
    let app = TestApp::spawn().await;
    let (b, secret, old) = enrolled(&app, "minsu@example.com").await;
    password_step(&b, "minsu@example.com").await;
    assert_eq!(
        code_step(&b, "totp", &code_now(&app, &secret))
            .await
            .status(),
        303
    );

    let r = b
        .submit(
            "/account/security",
            "/account/security/recovery",
            &[("renew_password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = b
        .submit(
            "/account/security",
            "/account/security/recovery",
            &[("renew_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let fresh = codes_on(&r.text().await.unwrap());
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !old.contains(c)));

    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/remove",
            &[("remove_password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(
        app.state
            .store
            .totp(user_id(&app).await)
            .await
            .unwrap()
            .is_some()
    );
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/remove",
            &[("remove_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id = user_id(&app).await;
    assert!(app.state.store.totp(id).await.unwrap().is_none());
    assert_eq!(app.state.store.recovery_codes_left(id).await.unwrap(), 0);
    // Verification, app added, new codes, app removed.
    let mails = app.wait_for_mails("minsu@example.com", 4).await;
    let subjects = subjects(&mails);
    assert!(
        subjects.iter().any(|s| s.contains("New recovery codes")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("turned off")),
        "{subjects:?}"
    );

    // The password alone logs in again.
    log_out(&b).await;
    b.login("minsu@example.com", PASSWORD).await;
    assert!(logged_in(&b).await);
}

#[tokio::test]
async fn the_policy_holds_admin_actions_back_until_the_administrator_has_a_factor() {
    let app = TestApp::spawn_with(|c| {
        c.accounts.require_second_factor = SecondFactorPolicy::Admins;
    })
    .await;
    let (b, _) = admin(&app).await;
    app.verified_user("other@example.com", "Other").await;
    let other = app.user("other@example.com").await.unwrap();
    let page = format!("/admin/users/{}", other.sub);
    assert_eq!(b.get(&page).await.status(), 200, "pages still show");
    let r = b.submit(&page, &page, &[("action", "disable")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account/security");
    assert!(app.user("other@example.com").await.unwrap().is_active);
    let warned = b.get("/account/security").await.text().await.unwrap();
    assert!(warned.contains("Administrators must protect their login"));

    enrol(&b).await;
    let r = b.submit(&page, &page, &[("action", "disable")]).await;
    assert_eq!(r.status(), 303);
    assert_ne!(location(&r), "/account/security");
    assert!(!app.user("other@example.com").await.unwrap().is_active);
}

#[tokio::test]
async fn with_everyone_required_an_application_gets_no_login_until_a_factor_is_set_up() {
    let app = TestApp::spawn_with(|c| {
        c.accounts.require_second_factor = SecondFactorPolicy::Everyone;
    })
    .await;
    let rp = Rp::register(&app, |_| {}).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    let b = Browser {
        app: &app,
        client: app.client.clone(),
    };
    b.login("minsu@example.com", PASSWORD).await;

    let r = app.get(&rp.authorize_path(&[("prompt", "none")])).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location_params(&r)["error"], "interaction_required");

    let r = app.get(&rp.authorize_path(&[])).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(
        to.starts_with("/account/security?next=/authorize/resume/"),
        "{to}"
    );
    let next = to.trim_start_matches("/account/security?next=").to_owned();
    let page = b.get(&to).await.text().await.unwrap();
    assert!(page.contains("Two-step login is required here"));
    let escaped = next.replace('/', "&#x2f;");
    assert!(page.contains(&format!("name=\"next\" value=\"{escaped}\"")));

    // Setting up the app leads on to the application.
    let r = b
        .submit(
            &to,
            "/account/security/totp",
            &[("current_password", PASSWORD), ("next", &next)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let setup = location(&r);
    let page = b.get(&setup).await.text().await.unwrap();
    let secret = key_on(&page);
    let code = code_now(&app, &secret);
    let r = b
        .submit(
            &setup,
            "/account/security/totp/confirm",
            &[("code", &code), ("next", &next)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("href=\"{escaped}\"")),
        "the codes page leads on"
    );
    let r = app.get(&next).await;
    assert_eq!(r.status(), 303);
    let consent = location(&r);
    assert!(consent.starts_with("/consent"), "{consent}");
    let r = crate::rp::answer_consent(&app, &consent, "allow").await;
    assert!(location_params(&r).contains_key("code"), "{}", location(&r));
}

#[tokio::test]
async fn confirming_it_is_you_asks_for_the_code_too() {
    let app = TestApp::spawn().await;
    let (b, secret, _) = enrolled(&app, "minsu@example.com").await;
    password_step(&b, "minsu@example.com").await;
    assert_eq!(
        code_step(&b, "totp", &code_now(&app, &secret))
            .await
            .status(),
        303
    );
    let id = user_id(&app).await;
    let before = app.state.store.sessions_of_user(id).await.unwrap();
    assert_eq!(before.len(), 1);

    app.clock.advance_secs(20 * 60);
    let r = b
        .submit(
            "/login?reauth=1&next=/account/sessions",
            "/login",
            &[
                ("identifier", "minsu@example.com"),
                ("password", PASSWORD),
                ("reauth", "1"),
                ("next", "/account/sessions"),
            ],
        )
        .await;
    assert_eq!(location(&r), STEP, "the password alone does not confirm");
    let after = app.state.store.sessions_of_user(id).await.unwrap();
    assert_eq!(after[0].auth_time, before[0].auth_time, "not renewed yet");
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(location(&r), "/account/sessions");
    let after = app.state.store.sessions_of_user(id).await.unwrap();
    assert_eq!(after.len(), 1, "the same session continues");
    assert_eq!(after[0].sid, before[0].sid);
    assert!(after[0].auth_time > before[0].auth_time);
    assert_eq!(after[0].amr, "pwd otp mfa");
}
