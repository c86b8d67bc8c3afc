//! B5: accounts. Squatted sign-ups, token-type confusion, reset links after an email change,
//! look-alike addresses, the reset page, claims during an email change, deletion and the exact
//! comparison of passwords.
use serde_json::Value;

use super::support::*;
use crate::helpers::*;
use crate::rp::signed_in;

const NEW: &str = "fresh-Maple-lantern-58";

async fn sign_up_with(app: &TestApp, email: &str, password: &str) {
    let r = Browser::new(app)
        .submit(
            "/signup",
            "/signup",
            &[
                ("email", email),
                ("name", "Someone"),
                ("password", password),
                ("password_confirm", password),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "sign-up of {email}");
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    Browser::new(app)
        .submit(
            "/login",
            "/login",
            &[("identifier", email), ("password", password)],
        )
        .await
        .status()
        .as_u16()
}

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    Browser::new(app)
        .submit("/password/reset", "/password/reset", &[("email", email)])
        .await
}

async fn use_reset(app: &TestApp, path: &str, password: &str) -> u16 {
    Browser::new(app)
        .post(
            path,
            &[("password", password), ("password_confirm", password)],
        )
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn b5_35_a_reset_by_the_owner_kills_a_squatters_password() {
    let app = TestApp::spawn().await;
    let squatter = "squatters-Own-choice-31";
    sign_up_with(&app, "victim@example.com", squatter).await;
    // Unverified: the squatter cannot log in, so no session and no authorization.
    let r = Browser::new(&app)
        .submit(
            "/login",
            "/login",
            &[("identifier", "victim@example.com"), ("password", squatter)],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(set_cookie(&r, "daemun_session").is_none());
    assert!(!app.user("victim@example.com").await.unwrap().email_verified);

    // The owner of the mailbox resets the password.
    assert_eq!(
        request_reset(&app, "victim@example.com").await.status(),
        200
    );
    let link = mailed_link(&app, "victim@example.com", 2, "/password/reset/").await;
    assert_eq!(use_reset(&app, &link, NEW).await, 303);
    assert_eq!(
        login_status(&app, "victim@example.com", squatter).await,
        400
    );
    assert_eq!(login_status(&app, "victim@example.com", NEW).await, 303);
    assert!(app.user("victim@example.com").await.unwrap().email_verified);
}

#[tokio::test]
async fn b5_35_the_owner_cannot_be_made_to_verify_a_squatters_account() {
    let app = TestApp::spawn().await;
    let squatter = "squatters-Own-choice-31";
    sign_up_with(&app, "owner@example.com", squatter).await;
    // The mailbox owner follows the link mailed at the squatter's sign-up: without the
    // squatter's password the address is not verified and the token stays unspent.
    let link = app
        .verification_link("owner@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    let page = Browser::new(&app).get(&link).await.text().await.unwrap();
    assert!(page.contains("href=\"/password/reset\""), "offers a reset");
    for guess in ["", "owner-Guess-12345"] {
        let r = app.submit(&link, &link, &[("password", guess)]).await;
        assert_eq!(r.status(), 400, "{guess:?}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("not the password of this account")
        );
    }
    assert!(!app.user("owner@example.com").await.unwrap().email_verified);
    assert_eq!(
        login_status(&app, "owner@example.com", squatter).await,
        400,
        "the squatter still cannot log in"
    );
    // Whoever signed up (knows the password and reads the mailbox) verifies as usual.
    assert_eq!(
        app.submit(&link, &link, &[("password", squatter)])
            .await
            .status(),
        303
    );
    assert!(app.user("owner@example.com").await.unwrap().email_verified);
}

#[tokio::test]
async fn b5_36_a_token_of_another_kind_is_refused() {
    let app = TestApp::spawn().await;
    // A verification token used as a reset token.
    sign_up_with(&app, "fresh@example.com", PASSWORD).await;
    let verify = app
        .verification_link("fresh@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    let token = verify.trim_start_matches("/verify/").to_owned();
    let as_reset = format!("/password/reset/{token}");
    assert_eq!(Browser::new(&app).get(&as_reset).await.status(), 400);
    assert_eq!(use_reset(&app, &as_reset, NEW).await, 400);
    // A reset token used as a verification or email-change token.
    app.verified_user("done@example.com", "Done").await;
    assert_eq!(request_reset(&app, "done@example.com").await.status(), 200);
    let reset = mailed_link(&app, "done@example.com", 2, "/password/reset/").await;
    let token = reset.trim_start_matches("/password/reset/").to_owned();
    for path in [
        format!("/verify/{token}"),
        format!("/account/email/confirm/{token}"),
    ] {
        assert_eq!(Browser::new(&app).get(&path).await.status(), 400, "{path}");
        let r = Browser::new(&app).post(&path, &[]).await;
        assert_eq!(r.status(), 400, "{path}");
        assert!(set_cookie(&r, "daemun_session").is_none(), "no login");
    }
    // Nothing changed: the first account is still unverified, its password and the reset
    // link of the second still work.
    assert!(!app.user("fresh@example.com").await.unwrap().email_verified);
    assert_eq!(use_reset(&app, &reset, NEW).await, 303);
    assert_eq!(login_status(&app, "done@example.com", NEW).await, 303);
}

#[tokio::test]
async fn b5_38_an_email_change_kills_open_reset_links() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "before@example.com", "B").await;
    assert_eq!(
        request_reset(&app, "before@example.com").await.status(),
        200
    );
    let reset = mailed_link(&app, "before@example.com", 2, "/password/reset/").await;
    let r = app
        .submit(
            "/account/email",
            "/account/email",
            &[("new_email", "after@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let confirm = mailed_link(&app, "after@example.com", 1, "/account/email/confirm/").await;
    assert_eq!(Browser::new(&app).post(&confirm, &[]).await.status(), 303);
    assert_eq!(use_reset(&app, &reset, NEW).await, 400);
    assert_eq!(login_status(&app, "after@example.com", PASSWORD).await, 303);
}

#[tokio::test]
async fn b5_39_a_look_alike_address_gets_no_reset_mail() {
    let app = TestApp::spawn().await;
    app.verified_user("mike@example.org", "Mike").await;
    let genuine = request_reset(&app, "mike@example.org").await;
    let genuine = without_csrf(&genuine.text().await.unwrap());
    mailed_link(&app, "mike@example.org", 2, "/password/reset/").await;
    for look_alike in ["m\u{131}ke@example.org", "mi\u{200b}ke@example.org"] {
        let r = request_reset(&app, look_alike).await;
        let status = r.status();
        let page = without_csrf(&r.text().await.unwrap());
        if status == 200 {
            assert_eq!(
                page.replace(look_alike, "mike@example.org"),
                genuine,
                "{look_alike}: the usual answer"
            );
        } else {
            assert_eq!(status, 400, "{look_alike}: refused as an address");
        }
    }
    // A case variant matches the account, and the mail goes to the stored address only.
    assert_eq!(request_reset(&app, "MIKE@Example.ORG").await.status(), 200);
    app.wait_for_mails("mike@example.org", 3).await;
    app.wait_for_empty_outbox().await;
    assert_eq!(app.mails_to("mike@example.org").len(), 3);
    let addressed: Vec<String> = app
        .state
        .mailer
        .delivered()
        .into_iter()
        .map(|m| m.to)
        .collect();
    assert!(
        addressed.iter().all(|to| to == "mike@example.org"),
        "{addressed:?}"
    );
}

#[tokio::test]
async fn b5_41_the_reset_page_loads_nothing_from_elsewhere() {
    let app = TestApp::spawn().await;
    app.verified_user("page@example.com", "P").await;
    assert_eq!(request_reset(&app, "page@example.com").await.status(), 200);
    let link = mailed_link(&app, "page@example.com", 2, "/password/reset/").await;
    let r = Browser::new(&app).get(&link).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    for attr in ["src=\"", "href=\"", "action=\""] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            let value = &value[..value.find('"').unwrap()];
            assert!(
                !value.contains("//") && !value.contains(':'),
                "{attr}{value}: only this site's own paths"
            );
        }
    }
}

#[tokio::test]
async fn b5_44_claims_keep_the_old_address_until_the_new_one_is_confirmed() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "old@example.com").await;
    let r = app
        .submit(
            "/account/email",
            "/account/email",
            &[("new_email", "new@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let t = rp.tokens(&app, &[]).await;
    let at = t["access_token"].as_str().unwrap();
    let c = jwt_claims(t["id_token"].as_str().unwrap());
    assert_eq!(
        (c["email"].as_str(), c["email_verified"].as_bool()),
        (Some("old@example.com"), Some(true))
    );
    let info: Value = rp.userinfo(at).await.json().await.unwrap();
    assert_eq!(
        (info["email"].as_str(), info["email_verified"].as_bool()),
        (Some("old@example.com"), Some(true))
    );
    let confirm = mailed_link(&app, "new@example.com", 1, "/account/email/confirm/").await;
    assert_eq!(Browser::new(&app).post(&confirm, &[]).await.status(), 303);
    // The old address is told about the change.
    let notice = app
        .wait_for_mails("old@example.com", 2)
        .await
        .pop()
        .unwrap();
    assert!(notice.text.contains("new@example.com"));
    let info: Value = rp.userinfo(at).await.json().await.unwrap();
    assert_eq!(
        (info["email"].as_str(), info["email_verified"].as_bool()),
        (Some("new@example.com"), Some(true))
    );
}

#[tokio::test]
async fn b5_45_codes_issued_before_deletion_are_refused_and_get_deletes_nothing() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "del@example.com").await;
    let pending = rp.code(&app, &[]).await;
    let r = app.get("/account/delete").await;
    assert_eq!(r.status(), 200, "GET only explains");
    assert!(app.user("del@example.com").await.is_some());
    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (status, body) = rp.exchange(&pending, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(app.user("del@example.com").await.is_none());
}

#[tokio::test]
async fn b5_46_passwords_are_compared_exactly_and_never_truncated() {
    let app = TestApp::spawn().await;
    let long = format!("{}{}", "Lantern-river-quiet-".repeat(4), "tail-Ending-A");
    assert!(long.len() > 72, "beyond bcrypt's 72 bytes");
    sign_up_with(&app, "exact@example.com", &long).await;
    let link = app
        .verification_link("exact@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    assert_eq!(
        app.submit(&link, &link, &[("password", long.as_str())])
            .await
            .status(),
        303
    );
    let other_tail = format!("{}{}", "Lantern-river-quiet-".repeat(4), "tail-Ending-B");
    for wrong in [
        other_tail,
        format!("{long} "),
        format!(" {long}"),
        long.to_uppercase(),
        long.to_lowercase(),
        long[..72].to_owned(),
    ] {
        assert_eq!(
            login_status(&app, "exact@example.com", &wrong).await,
            400,
            "{wrong:?}"
        );
    }
    assert_eq!(login_status(&app, "exact@example.com", &long).await, 303);
    // Spaces and any Unicode are kept as typed.
    let spaced = "  비밀 번호는 바다 위의 달 7  ";
    sign_up_with(&app, "spaced@example.com", spaced).await;
    let link = app
        .verification_link("spaced@example.com")
        .await
        .trim_start_matches(&app.addr)
        .to_owned();
    assert_eq!(
        app.submit(&link, &link, &[("password", spaced)])
            .await
            .status(),
        303
    );
    assert_eq!(
        login_status(&app, "spaced@example.com", spaced.trim()).await,
        400
    );
    assert_eq!(login_status(&app, "spaced@example.com", spaced).await, 303);
}
