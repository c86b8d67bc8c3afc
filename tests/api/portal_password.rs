//! `/account/password`: the current password is needed; on success this session continues
//! under a new id and every other session ends.
use crate::helpers::*;

const NEW: &str = "another-Quiet-river-42";

fn change(current: &str, new: &str, confirm: &str) -> Vec<(&'static str, String)> {
    vec![
        ("current_password", current.to_owned()),
        ("password", new.to_owned()),
        ("password_confirm", confirm.to_owned()),
    ]
}

async fn post_change(app: &TestApp, fields: Vec<(&'static str, String)>) -> reqwest::Response {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.submit("/account/password", "/account/password", &borrowed)
        .await
}

#[tokio::test]
async fn a_password_change_rotates_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let old_cookie = logged_in_user(&app, "c@example.com", "C").await;
    let other = Browser::new(&app);
    let other_cookie = other.login("c@example.com", PASSWORD).await;
    let r = post_change(&app, change(PASSWORD, NEW, NEW)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let new_cookie = set_cookie(&r, "daemun_session").expect("a new session cookie");
    assert_ne!(new_cookie, old_cookie);
    assert_eq!(
        get_with_session(&app, "/account", &old_cookie)
            .await
            .status(),
        303
    );
    assert_eq!(
        get_with_session(&app, "/account", &other_cookie)
            .await
            .status(),
        303
    );
    assert_eq!(
        get_with_session(&app, "/account", &new_cookie)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get("/account").await.status(),
        200,
        "still logged in here"
    );
    let user = app.user("c@example.com").await.unwrap();
    assert_eq!(
        app.state
            .store
            .sessions_of_user(user.user_id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Old password out, new one in.
    assert_eq!(
        Browser::new(&app)
            .submit(
                "/login",
                "/login",
                &[("identifier", "c@example.com"), ("password", PASSWORD)]
            )
            .await
            .status(),
        400
    );
    Browser::new(&app).login("c@example.com", NEW).await;
    let mail = app.wait_for_mails("c@example.com", 2).await.pop().unwrap();
    assert!(mail.subject.contains("password"), "{}", mail.subject);
    assert!(!mail.html.is_empty() && mail.text.contains("/password/reset"));
    let events = app
        .state
        .store
        .recent_audit(Some(user.user_id), 10)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.event == "password.changed"));
}

#[tokio::test]
async fn a_wrong_current_password_is_a_form_error_and_counts_toward_the_throttle() {
    let app = TestApp::spawn_with(|c| c.limits.lockout_threshold = 3).await;
    let cookie = logged_in_user(&app, "w@example.com", "W").await;
    for _ in 0..3 {
        let r = post_change(&app, change("wrong-password-1", NEW, NEW)).await;
        assert_eq!(r.status(), 400);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("id=\"current_password-error\"")
        );
    }
    // The account is now throttled: even the right password is refused, here and at login.
    let r = post_change(&app, change(PASSWORD, NEW, NEW)).await;
    assert_eq!(r.status(), 400);
    let r = Browser::new(&app)
        .submit(
            "/login",
            "/login",
            &[("identifier", "w@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 429, "login locked by the failed changes");
    assert_eq!(
        get_with_session(&app, "/account", &cookie).await.status(),
        200
    );
    assert_eq!(
        app.mails_to("w@example.com").len(),
        1,
        "only the verification mail"
    );
}

#[tokio::test]
async fn the_new_password_follows_the_sign_up_rules() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "r@example.com", "R").await;
    for (new, confirm, field) in [
        ("short", "short", "password"),
        ("12345678901", "12345678901", "password"),
        ("password", "password", "password"),
        (NEW, "something-else-entirely-7", "password_confirm"),
        ("", "", "password"),
    ] {
        let r = post_change(&app, change(PASSWORD, new, confirm)).await;
        assert_eq!(r.status(), 400, "{new}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains(&format!("id=\"{field}-error\"")),
            "{new}"
        );
    }
    Browser::new(&app).login("r@example.com", PASSWORD).await;
}
