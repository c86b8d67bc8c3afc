//! `/account/delete`: the password is needed; everything goes in one step and the `sub` is
//! never issued again.
use crate::helpers::*;

#[tokio::test]
async fn a_wrong_password_deletes_nothing() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "d@example.com", "D").await;
    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", "wrong-one-here")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("id=\"password-error\""));
    assert!(app.user("d@example.com").await.is_some());
    assert_eq!(app.get("/account").await.status(), 200);
}

#[tokio::test]
async fn deletion_removes_everything_and_the_sub_is_never_reused() {
    let app = TestApp::spawn().await;
    let cookie = logged_in_user(&app, "gone@example.com", "Gone").await;
    let other = Browser::new(&app);
    let other_cookie = other.login("gone@example.com", PASSWORD).await;
    let user = app.user("gone@example.com").await.unwrap();
    // Stop the sender from delivering, so a pending mail can be seen to be deleted.
    let pending = daemun::store::outbox::NewMail {
        to_address: "gone@example.com".into(),
        subject: "s".into(),
        body_text: "t".into(),
        body_html: "h".into(),
    };
    let future = app.clock_now() + 3_600_000;
    app.state
        .store
        .enqueue_mail(&pending, future)
        .await
        .unwrap();
    let before = app.state.store.pending_mail_count().await.unwrap();
    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    assert!(app.user("gone@example.com").await.is_none());
    assert_eq!(
        get_with_session(&app, "/account", &cookie).await.status(),
        303
    );
    assert_eq!(
        get_with_session(&app, "/account", &other_cookie)
            .await
            .status(),
        303
    );
    assert!(
        app.state
            .store
            .sessions_of_user(user.user_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(app.state.store.is_sub_retired(&user.sub).await.unwrap());
    // The future-dated pending mail is gone; the goodbye mail was queued after the deletion.
    let goodbye = app
        .wait_for_mails("gone@example.com", 2)
        .await
        .pop()
        .unwrap();
    assert!(goodbye.subject.contains("deleted"), "{}", goodbye.subject);
    assert!(app.state.store.pending_mail_count().await.unwrap() < before);
    // The audit trail survives, by sub.
    let events = app
        .state
        .store
        .audit_of_person(user.user_id, &user.sub, 100)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.event == "account.deleted" && e.sub.as_deref() == Some(user.sub.as_str()))
    );
    assert!(
        events
            .iter()
            .any(|e| e.event == "login.success" && e.sub.as_deref() == Some(user.sub.as_str()))
    );
    // Cannot log in; a new sign-up with the address is a new person.
    let r = Browser::new(&app)
        .submit(
            "/login",
            "/login",
            &[("identifier", "gone@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 400);
    let fresh = Browser::new(&app);
    assert_eq!(
        fresh
            .submit(
                "/signup",
                "/signup",
                &[
                    ("email", "gone@example.com"),
                    ("name", "Again"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD)
                ]
            )
            .await
            .status(),
        200
    );
    let again = app.user("gone@example.com").await.expect("a new account");
    assert_ne!(again.sub, user.sub);
    assert_ne!(again.user_id, user.user_id);
}
