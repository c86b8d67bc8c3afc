//! Logout: a confirmation page on GET, a CSRF-protected POST that ends the session.
use crate::helpers::*;

#[tokio::test]
async fn get_logout_only_asks_for_confirmation() {
    let app = TestApp::spawn().await;
    app.verified_user("g@example.com", "G").await;
    assert_eq!(app.login("g@example.com", PASSWORD).await.status(), 303);
    let r = app.get("/logout").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("action=\"/logout\""));
    assert_eq!(app.get("/account").await.status(), 200, "still logged in");
}

#[tokio::test]
async fn after_logout_the_old_cookie_no_longer_works() {
    let app = TestApp::spawn().await;
    app.verified_user("l@example.com", "L").await;
    let r = app.login("l@example.com", PASSWORD).await;
    let sid = set_cookie(&r, "daemun_session").unwrap();
    let r = app.submit("/logout", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    let cleared = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("daemun_session="))
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        get_with_session(&app, "/account", &sid).await.status(),
        303,
        "server-side session is gone"
    );
    let user = app.user("l@example.com").await.unwrap();
    assert!(
        app.state
            .store
            .sessions_of_user(user.user_id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn logout_without_a_csrf_token_is_refused_and_keeps_the_session() {
    let app = TestApp::spawn().await;
    app.verified_user("k@example.com", "K").await;
    assert_eq!(app.login("k@example.com", PASSWORD).await.status(), 303);
    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get("/account").await.status(), 200);
}
