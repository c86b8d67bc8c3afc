//! Every form is CSRF-protected: a missing or wrong token, or a cross-site origin, is a 403 and
//! changes nothing.
use crate::helpers::*;

fn signup_fields(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("name", "X"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ]
}

#[tokio::test]
async fn missing_or_wrong_token_is_403_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let _ = app.get("/signup").await; // the browser has a CSRF cookie
    let r = app
        .post_form("/signup", &signup_fields("x@example.com"))
        .await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text().await.unwrap().contains("expired"),
        "a page a person understands"
    );
    let mut wrong = signup_fields("x@example.com");
    wrong.push(("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(app.post_form("/signup", &wrong).await.status(), 403);
    assert!(app.user("x@example.com").await.is_none());
    assert!(app.state.mailer.delivered().is_empty());
}

#[tokio::test]
async fn a_token_without_its_cookie_is_refused() {
    let app = TestApp::spawn().await;
    let page = app.get("/signup").await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    let mut fields = signup_fields("y@example.com");
    fields.push(("csrf_token", &token));
    // A different browser (no cookie) replays the token.
    let r = new_client()
        .post(app.url("/signup"))
        .header("sec-fetch-site", "same-origin")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.user("y@example.com").await.is_none());
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    let page = app.get("/signup").await.text().await.unwrap();
    let token = csrf_token(&page).unwrap();
    let mut fields = signup_fields("z@example.com");
    fields.push(("csrf_token", &token));
    let r = app
        .client
        .post(app.url("/signup"))
        .header("sec-fetch-site", "cross-site")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(app.url("/signup"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.user("z@example.com").await.is_none());
    // The same token from our own origin works.
    let r = app
        .client
        .post(app.url("/signup"))
        .header("origin", app.addr.clone())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn login_and_resend_forms_are_protected_too() {
    let app = TestApp::spawn().await;
    app.verified_user("p@example.com", "P").await;
    let _ = app.get("/login").await;
    let r = app
        .post_form(
            "/login",
            &[("identifier", "p@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get("/account").await.status(), 303, "no session");
    let r = app
        .post_form("/verify/resend", &[("email", "p@example.com")])
        .await;
    assert_eq!(r.status(), 403);
}
