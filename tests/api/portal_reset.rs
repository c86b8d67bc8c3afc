//! Password reset: one answer for every address, single-use expiring links, and a reset that
//! ends every session.
use crate::helpers::*;

const NEW: &str = "fresh-Maple-lantern-58";

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    Browser::new(app)
        .submit("/password/reset", "/password/reset", &[("email", email)])
        .await
}

async fn use_link(app: &TestApp, path: &str, password: &str) -> reqwest::Response {
    Browser::new(app)
        .post(
            path,
            &[("password", password), ("password_confirm", password)],
        )
        .await
}

#[tokio::test]
async fn unknown_and_known_addresses_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.verified_user("known@example.com", "K").await;
    let known = request_reset(&app, "known@example.com").await;
    let unknown = request_reset(&app, "unknown@example.com").await;
    assert_eq!(known.status(), 200);
    assert_eq!(known.status(), unknown.status());
    let (k, u) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(without_csrf(&k), without_csrf(&u));
    assert!(k.contains("If that email address is in our database"));
    mailed_link(&app, "known@example.com", 2, "/password/reset/").await;
    assert!(app.mails_to("unknown@example.com").is_empty());
}

#[tokio::test]
async fn a_reset_sets_the_password_ends_every_session_and_verifies_the_address() {
    let app = TestApp::spawn().await;
    // An unverified account: the link proves the address.
    assert_eq!(app.signup("r@example.com", "R").await.status(), 200);
    app.verified_user("v@example.com", "V").await;
    let b = Browser::new(&app);
    let session = b.login("v@example.com", PASSWORD).await;
    assert_eq!(request_reset(&app, "v@example.com").await.status(), 200);
    let path = mailed_link(&app, "v@example.com", 2, "/password/reset/").await;
    let page = Browser::new(&app).get(&path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let r = use_link(&app, &path, NEW).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert_eq!(
        get_with_session(&app, "/account", &session).await.status(),
        303
    );
    Browser::new(&app).login("v@example.com", NEW).await;
    let notice = app.wait_for_mails("v@example.com", 3).await.pop().unwrap();
    assert!(
        notice.subject.contains("password was changed"),
        "{}",
        notice.subject
    );

    assert_eq!(request_reset(&app, "r@example.com").await.status(), 200);
    let path = mailed_link(&app, "r@example.com", 2, "/password/reset/").await;
    assert_eq!(use_link(&app, &path, NEW).await.status(), 303);
    assert!(app.user("r@example.com").await.unwrap().email_verified);
}

#[tokio::test]
async fn reused_expired_and_superseded_links_are_refused_without_change() {
    let app = TestApp::spawn().await;
    app.verified_user("x@example.com", "X").await;
    let before = app.user("x@example.com").await.unwrap();
    // Superseded by a newer link.
    request_reset(&app, "x@example.com").await;
    let first = mailed_link(&app, "x@example.com", 2, "/password/reset/").await;
    request_reset(&app, "x@example.com").await;
    let second = mailed_link(&app, "x@example.com", 3, "/password/reset/").await;
    assert_ne!(first, second);
    assert_eq!(Browser::new(&app).get(&first).await.status(), 400);
    assert_eq!(use_link(&app, &first, NEW).await.status(), 400);
    // Used once.
    assert_eq!(use_link(&app, &second, NEW).await.status(), 303);
    assert_eq!(
        use_link(&app, &second, "yet-Another-pass-99")
            .await
            .status(),
        400
    );
    Browser::new(&app).login("x@example.com", NEW).await;
    // Expired.
    request_reset(&app, "x@example.com").await;
    let third = mailed_link(&app, "x@example.com", 5, "/password/reset/").await;
    app.clock.advance_secs(61 * 60);
    assert_eq!(
        use_link(&app, &third, "yet-Another-pass-99").await.status(),
        400
    );
    Browser::new(&app).login("x@example.com", NEW).await;
    // Tampered.
    let tampered = format!("{}A", &third[..third.len() - 1]);
    assert_eq!(
        use_link(&app, &tampered, "yet-Another-pass-99")
            .await
            .status(),
        400
    );
    assert_eq!(
        Browser::new(&app)
            .get("/password/reset/short")
            .await
            .status(),
        400
    );
    assert_eq!(app.user("x@example.com").await.unwrap().sub, before.sub);
}

#[tokio::test]
async fn a_password_change_kills_open_reset_links() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "k@example.com", "K").await;
    request_reset(&app, "k@example.com").await;
    let link = mailed_link(&app, "k@example.com", 2, "/password/reset/").await;
    let r = app.change_password(NEW).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        use_link(&app, &link, "yet-Another-pass-99").await.status(),
        400
    );
    Browser::new(&app).login("k@example.com", NEW).await;
}

#[tokio::test]
async fn two_concurrent_uses_of_one_link_succeed_exactly_once() {
    let app = TestApp::spawn().await;
    app.verified_user("c@example.com", "C").await;
    request_reset(&app, "c@example.com").await;
    let link = mailed_link(&app, "c@example.com", 2, "/password/reset/").await;
    // Both browsers load the form first, then submit at the same time.
    let (a, b) = (Browser::new(&app), Browser::new(&app));
    let token_a = csrf_token(&a.get(&link).await.text().await.unwrap()).unwrap();
    let token_b = csrf_token(&b.get(&link).await.text().await.unwrap()).unwrap();
    let post = |browser: &Browser, token: String, pw: &'static str| {
        let req = browser
            .client
            .post(app.url(&link))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("password", pw),
                ("password_confirm", pw),
                ("csrf_token", &token),
            ]);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    let (ra, rb) = futures::join!(
        post(&a, token_a, "first-Winner-pass-11"),
        post(&b, token_b, "second-Winner-pass-22")
    );
    let mut got = [ra, rb];
    got.sort();
    assert_eq!(got, [303, 400], "exactly one succeeds");
    let winner = if ra == 303 {
        "first-Winner-pass-11"
    } else {
        "second-Winner-pass-22"
    };
    Browser::new(&app).login("c@example.com", winner).await;
}

#[tokio::test]
async fn reset_requests_are_limited_per_address_and_per_ip_with_the_same_answer() {
    let app = TestApp::spawn_with(|c| {
        c.limits.reset_per_address = 2;
        c.limits.reset_per_ip = 4;
    })
    .await;
    app.verified_user("l@example.com", "L").await;
    for _ in 0..3 {
        assert_eq!(request_reset(&app, "l@example.com").await.status(), 200);
    }
    // The reset mails are queued just after the answers.
    app.wait_for_mails("l@example.com", 3).await;
    app.wait_for_empty_outbox().await;
    assert_eq!(
        app.mails_to("l@example.com").len(),
        3,
        "verification + 2 resets"
    );
    app.verified_user("m@example.com", "M").await;
    let r = request_reset(&app, "m@example.com").await;
    assert_eq!(r.status(), 200);
    let r = request_reset(&app, "m@example.com").await;
    assert_eq!(r.status(), 200, "over the IP limit: same answer");
    app.wait_for_mails("m@example.com", 2).await;
    app.wait_for_empty_outbox().await;
    assert_eq!(
        app.mails_to("m@example.com").len(),
        2,
        "verification + 1 reset"
    );
}

#[tokio::test]
async fn a_bad_address_is_a_field_error() {
    let app = TestApp::spawn().await;
    let r = request_reset(&app, "not-an-address").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("id=\"email-error\""));
}

#[tokio::test]
async fn a_login_kills_open_reset_links() {
    let app = TestApp::spawn().await;
    app.verified_user("li@example.com", "L").await;
    request_reset(&app, "li@example.com").await;
    let link = mailed_link(&app, "li@example.com", 2, "/password/reset/").await;
    Browser::new(&app).login("li@example.com", PASSWORD).await;
    assert_eq!(Browser::new(&app).get(&link).await.status(), 400);
    assert_eq!(use_link(&app, &link, NEW).await.status(), 400);
    Browser::new(&app).login("li@example.com", PASSWORD).await;
}
