//! `/account/sessions`: listing and ending sessions, only one's own.
use crate::helpers::*;

#[tokio::test]
async fn sessions_are_listed_with_this_device_marked() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "s@example.com", "S").await;
    let other = Browser::new(&app);
    other.login("s@example.com", PASSWORD).await;
    let html = app.get("/account/sessions").await.text().await.unwrap();
    assert_eq!(html.matches("class=\"session\"").count(), 2);
    assert_eq!(html.matches("This device").count(), 1);
    assert!(html.contains("127.0.0.1"));
    assert!(html.contains("name=\"sid\""));
    assert!(!html.contains("session_hash"));
}

#[tokio::test]
async fn one_session_or_all_others_can_be_ended() {
    let app = TestApp::spawn().await;
    let mine = logged_in_user(&app, "e@example.com", "E").await;
    let b = Browser::new(&app);
    let second = b.login("e@example.com", PASSWORD).await;
    let c = Browser::new(&app);
    let third = c.login("e@example.com", PASSWORD).await;
    let user = app.user("e@example.com").await.unwrap();
    let sessions = app
        .state
        .store
        .sessions_of_user(user.user_id)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 3);
    let second_sid = sessions
        .iter()
        .find(|s| s.session_hash == daemun::domain::secret::sha256(second.as_bytes()))
        .unwrap()
        .sid
        .clone();
    let r = app
        .submit(
            "/account/sessions",
            "/account/sessions",
            &[("sid", &second_sid)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        get_with_session(&app, "/account", &second).await.status(),
        303
    );
    assert_eq!(
        get_with_session(&app, "/account", &third).await.status(),
        200
    );
    let r = app
        .submit("/account/sessions", "/account/sessions", &[("others", "1")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        get_with_session(&app, "/account", &third).await.status(),
        303
    );
    assert_eq!(
        get_with_session(&app, "/account", &mine).await.status(),
        200
    );
    assert_eq!(
        app.state
            .store
            .sessions_of_user(user.user_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn another_persons_session_cannot_be_ended() {
    let app = TestApp::spawn().await;
    app.verified_user("victim@example.com", "V").await;
    logged_in_user(&app, "attacker@example.com", "A").await;
    let victim = Browser::new(&app);
    let victim_cookie = victim.login("victim@example.com", PASSWORD).await;
    let v = app.user("victim@example.com").await.unwrap();
    let victim_sid = app.state.store.sessions_of_user(v.user_id).await.unwrap()[0]
        .sid
        .clone();
    for sid in [victim_sid.as_str(), "no-such-sid", ""] {
        let r = app
            .submit("/account/export", "/account/sessions", &[("sid", sid)])
            .await;
        assert_eq!(r.status(), 404, "sid {sid:?}");
    }
    assert_eq!(
        get_with_session(&app, "/account", &victim_cookie)
            .await
            .status(),
        200,
        "the victim is still logged in"
    );
    assert_eq!(
        app.state
            .store
            .sessions_of_user(v.user_id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.get("/account").await.status(), 200, "the attacker too");
}
