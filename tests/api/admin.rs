//! The admin console: who may use it, CSRF, and every action on accounts, signing keys, the
//! audit trail and the mail outbox. (Applications: `admin_clients.rs`.)
use daemun::store::audit::AuditFilter;
use serde_json::Value;

use crate::helpers::*;
use crate::rp::{Grant, Rp, grant};

pub const ADMIN: &str = "root@example.com";

/// A verified administrator logged in with `Browser`; returns its `sub`.
pub async fn admin<'a>(app: &'a TestApp) -> (Browser<'a>, String) {
    app.verified_user(ADMIN, "Root").await;
    let u = app.user(ADMIN).await.unwrap();
    app.state
        .store
        .set_admin(u.user_id, true, app.clock_now())
        .await
        .unwrap();
    let b = Browser::new(app);
    b.login(ADMIN, PASSWORD).await;
    (b, u.sub)
}

/// The flash message a redirect set, as shown on the page it leads to.
pub async fn follow(b: &Browser<'_>, r: reqwest::Response) -> String {
    assert_eq!(r.status(), 303, "an action answers with a redirect");
    b.get(&location(&r)).await.text().await.unwrap()
}

/// Submits the form on `page` with `fields` and returns the page its redirect leads to.
pub async fn act(b: &Browser<'_>, page: &str, fields: &[(&str, &str)]) -> String {
    let r = b.submit(page, page, fields).await;
    follow(b, r).await
}

/// Events named `event` whose detail says which administrator acted.
pub async fn admin_events(app: &TestApp, event: &str, by: &str) -> usize {
    let f = AuditFilter {
        event: Some(event.to_owned()),
        ..AuditFilter::default()
    };
    let all = app.state.store.audit_search(&f, 100, 0).await.unwrap();
    all.iter()
        .filter(|e| e.detail.contains(&format!("by={by}")))
        .count()
}

#[tokio::test]
async fn only_administrators_get_in_and_everyone_else_is_told_no() {
    let app = TestApp::spawn().await;
    let paths = [
        "/admin",
        "/admin/users",
        "/admin/clients",
        "/admin/clients/new",
        "/admin/keys",
        "/admin/audit",
        "/admin/outbox",
        "/admin/registration",
        "/admin/resources",
        "/admin/upstream",
        "/admin/groups",
        "/admin/clients/some-client/roles",
    ];
    for p in paths {
        let r = app.get(p).await;
        assert_eq!(r.status(), 303, "{p}: anonymous visitors log in first");
        let next = url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>();
        assert_eq!(location(&r), format!("/login?next={next}"));
    }
    let (_admin, admin_sub) = admin(&app).await;
    app.verified_user("bob@example.com", "Bob").await;
    let bob = Browser::new(&app);
    bob.login("bob@example.com", PASSWORD).await;
    for p in paths {
        let r = bob.get(p).await;
        assert_eq!(r.status(), 403, "{p}");
        let html = r.text().await.unwrap();
        assert!(html.contains("for administrators"), "{p}: {html}");
    }
    // A POST from a person who is not an administrator changes nothing.
    let target = format!("/admin/users/{admin_sub}");
    let r = bob.post(&target, &[("action", "disable")]).await;
    assert_eq!(r.status(), 403);
    assert!(app.user(ADMIN).await.unwrap().is_active);
    let r = bob.post("/admin/keys", &[("action", "rotate")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.state.store.all_signing_keys().await.unwrap().len(), 2);
    // The link in the menu is only for administrators.
    let page = bob.get("/account").await.text().await.unwrap();
    assert!(!page.contains("href=\"/admin\""));
}

#[tokio::test]
async fn admin_forms_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin(&app).await;
    app.verified_user("bob@example.com", "Bob").await;
    let bob = app.user("bob@example.com").await.unwrap();
    let forged = [
        (
            format!("/admin/users/{}", bob.sub),
            vec![("action", "disable")],
        ),
        ("/admin/keys".to_owned(), vec![("action", "rotate")]),
        ("/admin/clients/new".to_owned(), vec![("name", "Evil")]),
        ("/admin/outbox".to_owned(), vec![("mail_id", "1")]),
        (
            "/admin/registration".to_owned(),
            vec![("action", "create"), ("label", "forged")],
        ),
        (
            "/admin/groups".to_owned(),
            vec![("name", "forged"), ("label", "Forged")],
        ),
        (
            "/admin/clients/some-client/roles".to_owned(),
            vec![("action", "add"), ("name", "forged")],
        ),
        (
            "/admin/resources".to_owned(),
            vec![
                ("action", "add"),
                ("resource", "https://x.example"),
                ("name", "X"),
            ],
        ),
    ];
    for (path, fields) in &forged {
        // Same-origin without the form's token, and cross-site: both refused.
        for site in ["same-origin", "cross-site"] {
            let r = admin
                .client
                .post(app.url(path))
                .header("sec-fetch-site", site)
                .form(fields)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path} ({site})");
        }
    }
    assert!(app.user("bob@example.com").await.unwrap().is_active);
    assert_eq!(app.state.store.all_signing_keys().await.unwrap().len(), 2);
    assert!(app.state.store.clients().await.unwrap().is_empty());
    let tokens = app.state.store.registration_tokens().await.unwrap();
    assert!(tokens.is_empty(), "no initial access token was made");
    assert!(app.state.store.resources().await.unwrap().is_empty());
    assert!(app.state.store.groups().await.unwrap().is_empty());
}

#[tokio::test]
async fn users_are_searched_and_paged() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin(&app).await;
    for i in 0..30 {
        app.signup(&format!("member{i:02}@example.com"), &format!("Member {i}"))
            .await;
    }
    let page = admin.get("/admin/users").await.text().await.unwrap();
    assert!(page.contains("31 accounts"), "{page}");
    assert!(page.contains("Page 1 of 2"));
    assert!(page.contains("member00@example.com") && !page.contains("member29@example.com"));
    let page2 = admin.get("/admin/users?page=2").await.text().await.unwrap();
    assert!(page2.contains("member29@example.com") && !page2.contains("member00@example.com"));
    let found = admin
        .get("/admin/users?q=MEMBER1")
        .await
        .text()
        .await
        .unwrap();
    assert!(found.contains("10 accounts"), "member10..19: {found}");
    let none = admin.get("/admin/users?q=%25").await.text().await.unwrap();
    assert!(none.contains("No account matches"), "% is literal");
    let ko = admin
        .get("/admin/users?lang=ko")
        .await
        .text()
        .await
        .unwrap();
    assert!(ko.contains("계정 31개"), "{ko}");
}

async fn userinfo_status(g: &Grant) -> u16 {
    g.rp.userinfo(&g.access).await.status().as_u16()
}

#[tokio::test]
async fn disabling_ends_sessions_and_tokens_and_enabling_lets_the_person_back() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let session = logged_in_user(&app, "bob@example.com", "Bob").await;
    let g = grant(&app).await;
    assert_eq!(userinfo_status(&g).await, 200);
    let bob = app.user("bob@example.com").await.unwrap();
    let here = format!("/admin/users/{}", bob.sub);
    let page = admin.get(&here).await.text().await.unwrap();
    assert!(page.contains("bob@example.com") && page.contains("Disable account"));

    let r = admin.submit(&here, &here, &[("action", "disable")]).await;
    let page = follow(&admin, r).await;
    assert!(page.contains("The account is disabled"), "{page}");
    assert!(!app.user("bob@example.com").await.unwrap().is_active);
    let r = get_with_session(&app, "/account", &session).await;
    assert_eq!(r.status(), 303, "the session has ended");
    assert_eq!(userinfo_status(&g).await, 401, "the token is revoked");
    let r = Browser::new(&app)
        .submit(
            "/login",
            "/login",
            &[("identifier", "bob@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 400, "a disabled account cannot log in");

    assert!(
        act(&admin, &here, &[("action", "enable")])
            .await
            .contains("The account is enabled")
    );
    Browser::new(&app).login("bob@example.com", PASSWORD).await;
    assert_eq!(admin_events(&app, "user.disabled", &admin_sub).await, 1);
    assert_eq!(admin_events(&app, "user.enabled", &admin_sub).await, 1);
}

#[tokio::test]
async fn an_administrator_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let (admin, sub) = admin(&app).await;
    let here = format!("/admin/users/{sub}");
    for action in ["disable", "revoke_admin", "delete"] {
        let r = admin
            .submit(&here, &here, &[("action", action), ("confirm", ADMIN)])
            .await;
        let page = follow(&admin, r).await;
        assert!(
            page.contains("You cannot do this to your own account"),
            "{action}"
        );
    }
    let me = app.user(ADMIN).await.unwrap();
    assert!(me.is_active && me.is_admin);
}

#[tokio::test]
async fn verification_reset_and_session_actions_reach_the_person() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    app.signup("new@example.com", "New").await;
    app.wait_for_mails("new@example.com", 1).await;
    let new = app.user("new@example.com").await.unwrap();
    let here = format!("/admin/users/{}", new.sub);

    assert!(
        act(&admin, &here, &[("action", "resend_verification")])
            .await
            .contains("verification mail is on its way")
    );
    let mails = app.wait_for_mails("new@example.com", 2).await;
    assert!(mails[1].text.contains("/verify/"));

    assert!(
        act(&admin, &here, &[("action", "verify")])
            .await
            .contains("marked as verified")
    );
    assert!(app.user("new@example.com").await.unwrap().email_verified);
    assert!(
        act(&admin, &here, &[("action", "resend_verification")])
            .await
            .contains("already verified")
    );

    assert!(
        act(&admin, &here, &[("action", "send_reset")])
            .await
            .contains("password reset mail")
    );
    let link = mailed_link(&app, "new@example.com", 3, "/password/reset/").await;
    assert_eq!(app.get(&link).await.status(), 200, "the reset link works");

    let one = Browser::new(&app);
    let two = Browser::new(&app);
    one.login("new@example.com", PASSWORD).await;
    two.login("new@example.com", PASSWORD).await;
    assert_eq!(app.login("new@example.com", PASSWORD).await.status(), 303);
    let g = grant(&app).await;
    assert_eq!(userinfo_status(&g).await, 200);
    assert!(
        act(&admin, &here, &[("action", "end_sessions")])
            .await
            .contains("Every session")
    );
    for b in [&one, &two] {
        assert_eq!(b.get("/account").await.status(), 303, "logged out");
    }
    assert_eq!(
        userinfo_status(&g).await,
        401,
        "tokens issued in those sessions are revoked"
    );

    assert!(
        act(&admin, &here, &[("action", "grant_admin")])
            .await
            .contains("now an administrator")
    );
    assert!(app.user("new@example.com").await.unwrap().is_admin);
    assert!(
        act(&admin, &here, &[("action", "revoke_admin")])
            .await
            .contains("no longer an administrator")
    );
    assert!(!app.user("new@example.com").await.unwrap().is_admin);

    for event in [
        "email.verification_resent",
        "user.verified",
        "password.reset_requested",
        "user.sessions_ended",
        "user.admin_granted",
        "user.admin_revoked",
    ] {
        assert_eq!(admin_events(&app, event, &admin_sub).await, 1, "{event}");
    }
    let r = admin.submit(&here, &here, &[("action", "explode")]).await;
    assert_eq!(r.status(), 400, "an unknown action is a bad request");
    assert_eq!(admin.get("/admin/users/nobody").await.status(), 404);
}

#[tokio::test]
async fn deleting_needs_the_address_typed_and_retires_the_sub() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    app.verified_user("gone@example.com", "Gone").await;
    let u = app.user("gone@example.com").await.unwrap();
    let here = format!("/admin/users/{}", u.sub);
    assert!(
        act(
            &admin,
            &here,
            &[("action", "delete"), ("confirm", "other@example.com")]
        )
        .await
        .contains("was not deleted")
    );
    assert!(app.user("gone@example.com").await.is_some());
    let r = admin
        .submit(
            &here,
            &here,
            &[("action", "delete"), ("confirm", "GONE@example.com ")],
        )
        .await;
    assert_eq!(location(&r), "/admin/users");
    assert!(follow(&admin, r).await.contains("The account is deleted"));
    assert!(app.user("gone@example.com").await.is_none());
    assert!(app.state.store.is_sub_retired(&u.sub).await.unwrap());
    assert_eq!(admin_events(&app, "user.deleted", &admin_sub).await, 1);
    // The trail of the deleted account is still found by its sub.
    let trail = admin
        .get(&format!("/admin/audit?user={}", u.sub))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        trail.contains("user.deleted") && trail.contains("signup"),
        "{trail}"
    );
}

#[tokio::test]
async fn keys_are_rotated_and_retired_from_the_console() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let jwks = |app: &TestApp| {
        let url = app.url("/jwks.json");
        async move {
            let v: Value = new_client()
                .get(url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let before = jwks(&app).await;
    assert_eq!(before.len(), 2);
    let page = admin.get("/admin/keys").await.text().await.unwrap();
    for kid in &before {
        assert!(page.contains(kid.as_str()));
    }
    assert!(
        act(&admin, "/admin/keys", &[("action", "rotate")])
            .await
            .contains("New signing keys are published")
    );
    let after = jwks(&app).await;
    assert_eq!(after.len(), 4, "old and new keys are published together");
    assert_eq!(admin_events(&app, "key.rotated", &admin_sub).await, 2);

    let old = &before[0];
    assert!(
        act(&admin, "/admin/keys", &[("action", "retire"), ("kid", old)])
            .await
            .contains("The key is retired")
    );
    assert!(!jwks(&app).await.contains(old));
    assert_eq!(admin_events(&app, "key.retired", &admin_sub).await, 1);
    // The last key of an algorithm stays: retiring it is refused and nothing changes.
    let alg_of = |kid: &str| {
        let kid = kid.to_owned();
        let store = app.state.store.clone();
        async move {
            store
                .all_signing_keys()
                .await
                .unwrap()
                .into_iter()
                .find(|k| k.kid == kid)
                .unwrap()
                .alg
        }
    };
    let same_alg = {
        let alg = alg_of(old).await;
        let mut found = None;
        for k in jwks(&app).await {
            if alg_of(&k).await == alg {
                found = Some(k);
            }
        }
        found.unwrap()
    };
    assert!(
        act(
            &admin,
            "/admin/keys",
            &[("action", "retire"), ("kid", &same_alg)]
        )
        .await
        .contains("cannot be retired")
    );
    assert!(jwks(&app).await.contains(&same_alg));
}

#[tokio::test]
async fn the_audit_trail_is_filtered_by_person_client_event_and_time() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin(&app).await;
    app.verified_user("bob@example.com", "Bob").await;
    Browser::new(&app).login("bob@example.com", PASSWORD).await;
    let bad = Browser::new(&app);
    let r = bad
        .submit(
            "/login",
            "/login",
            &[
                ("identifier", "bob@example.com"),
                ("password", "wrong-password-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400, "a failed login");
    let get = |q: &'static str| {
        let admin = &admin;
        async move {
            admin
                .get(&format!("/admin/audit?{q}"))
                .await
                .text()
                .await
                .unwrap()
        }
    };
    let bob = get("user=bob%40example.com").await;
    assert!(
        bob.contains("login.success") && bob.contains("login.failure") && bob.contains("signup")
    );
    assert!(!bob.contains("user.") || !bob.contains(ADMIN));
    let failures = get("user=bob%40example.com&event=login.failure").await;
    assert!(failures.contains("login.failure") && !failures.contains("login.success"));
    let logins = get("event=login.").await;
    assert!(logins.contains("login.success") && logins.contains("login.failure"));
    assert!(!logins.contains(">signup<"));
    let future = get("since=2999-01-01").await;
    assert!(future.contains("No events"));
    let past = get("until=2000-01-01").await;
    assert!(past.contains("No events"));
    let odd = get("since=yesterday").await;
    assert!(odd.contains("this filter was ignored") && odd.contains("login.success"));
    let id = Rp::register(&app, |_| {}).await.id;
    app.state
        .store
        .record_audit(&daemun::store::audit::AuditEvent {
            at: app.clock_now(),
            event: "consent.granted".into(),
            user_id: None,
            client_id: Some(id.clone()),
            ip: "127.0.0.1".into(),
            user_agent: String::new(),
            detail: "openid".into(),
            sub: None,
        })
        .await
        .unwrap();
    let by_client = admin
        .get(&format!("/admin/audit?client={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(by_client.contains("consent.granted") && !by_client.contains("login.success"));
}

#[tokio::test]
async fn failed_mail_is_listed_and_retried() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let now = app.clock_now();
    let id = app
        .state
        .store
        .enqueue_mail(
            &daemun::store::outbox::NewMail {
                to_address: "lost@example.com".into(),
                subject: "Lost mail".into(),
                body_text: "secret link https://example.com/x".into(),
                body_html: String::new(),
            },
            now + 3_600_000,
        )
        .await
        .unwrap();
    // The sender gave up on it.
    app.state
        .store
        .mark_mail_failed(id, now, None, "554 relay refused")
        .await
        .unwrap();
    let page = admin.get("/admin/outbox").await.text().await.unwrap();
    assert!(
        page.contains("1 failed mail")
            && page.contains("Lost mail")
            && page.contains("554 relay refused")
    );
    assert!(
        !page.contains("secret link"),
        "the text of a mail is never shown"
    );
    assert!(
        act(&admin, "/admin/outbox", &[("mail_id", &id.to_string())])
            .await
            .contains("queued to be sent again")
    );
    let mails = app.wait_for_mails("lost@example.com", 1).await;
    assert_eq!(mails[0].subject, "Lost mail");
    assert_eq!(admin_events(&app, "mail.retried", &admin_sub).await, 1);
    // Delivered mail is never sent again.
    let r = admin
        .post("/admin/outbox", &[("mail_id", &id.to_string())])
        .await;
    assert!(follow(&admin, r).await.contains("was not retried"));
    let r = admin.post("/admin/outbox", &[("mail_id", "x")]).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn an_old_login_confirms_the_password_before_an_admin_action() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let page = admin.get("/admin/keys").await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    // Sixteen minutes later the session is alive (idle limit 2 h), the login is not fresh.
    app.clock.advance_secs(16 * 60);
    assert_eq!(
        admin.get("/admin/keys").await.status(),
        200,
        "pages still show"
    );
    let r = admin
        .client
        .post(app.url("/admin/keys"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("action", "rotate"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?reauth=1&next=%2Fadmin%2Fkeys");
    assert_eq!(
        app.state.store.all_signing_keys().await.unwrap().len(),
        2,
        "nothing rotated"
    );
    let login = follow(&admin, r).await;
    assert!(
        login.contains("Confirm your password to continue"),
        "{login}"
    );
    let r = admin
        .submit(
            "/login?reauth=1&next=%2Fadmin%2Fkeys",
            "/login",
            &[
                ("identifier", ADMIN),
                ("password", PASSWORD),
                ("reauth", "1"),
                ("next", "/admin/keys"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/admin/keys", "back to the page");
    assert!(
        act(&admin, "/admin/keys", &[("action", "rotate")])
            .await
            .contains("New signing keys are published")
    );
    assert_eq!(admin_events(&app, "key.rotated", &admin_sub).await, 2);
}

#[tokio::test]
async fn second_factors_are_shown_and_removed_for_a_person_who_lost_them() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    logged_in_user(&app, "lost@example.com", "Lost").await;
    let lost = app.user("lost@example.com").await.unwrap();
    let here = format!("/admin/users/{}", lost.sub);
    let page = admin.get(&here).await.text().await.unwrap();
    assert!(
        page.contains("Second factors") && page.contains("None"),
        "{page}"
    );
    assert!(!page.contains("Remove second factors"), "nothing to remove");

    let store = &app.state.store;
    assert!(store.begin_totp(lost.user_id, b"sealed", 1).await.unwrap());
    assert!(store.accept_totp_step(lost.user_id, 9, 2).await.unwrap());
    let codes = daemun::domain::recovery_code::RecoveryCode::generate_set();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| c.hash()).collect();
    store
        .replace_recovery_codes(lost.user_id, &hashes, 1)
        .await
        .unwrap();
    let page = admin.get(&here).await.text().await.unwrap();
    assert!(page.contains("Authenticator app") && page.contains("10 recovery codes left"));
    assert!(page.contains("Remove second factors"));

    let before = app.mails_to("lost@example.com").len();
    let page = act(&admin, &here, &[("action", "remove_factors")]).await;
    assert!(page.contains("second factors are removed"), "{page}");
    let mails = app.wait_for_mails("lost@example.com", before + 1).await;
    let told = mails.last().unwrap();
    assert_eq!(
        told.subject,
        "The second factors of your Daemun account were removed"
    );
    assert!(
        told.text.contains("your password alone logs you in"),
        "{}",
        told.text
    );
    assert!(store.totp(lost.user_id).await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(lost.user_id).await.unwrap(), 0);
    assert_eq!(
        admin_events(&app, "user.factors_removed", &admin_sub).await,
        1
    );

    // An administrator's own factors are not removed from the console.
    let me = app.user(ADMIN).await.unwrap();
    store.begin_totp(me.user_id, b"mine", 1).await.unwrap();
    let mine = format!("/admin/users/{admin_sub}");
    let page = act(&admin, &mine, &[("action", "remove_factors")]).await;
    assert!(
        page.contains("You cannot do this to your own account"),
        "{page}"
    );
    assert!(store.totp(me.user_id).await.unwrap().is_some());
}
