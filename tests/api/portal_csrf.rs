//! Every portal form refuses a POST without its CSRF token (403) and changes nothing.
use crate::helpers::*;

#[tokio::test]
async fn portal_posts_without_a_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "c@example.com", "C").await;
    app.get("/password/reset").await; // the browser has a CSRF cookie
    let before = app.user("c@example.com").await.unwrap();
    let token = "A".repeat(43);
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/account/profile".into(),
            vec![("display_name", "Changed"), ("locale", "ko")],
        ),
        (
            "/account/email".into(),
            vec![("new_email", "n@example.com"), ("password", PASSWORD)],
        ),
        (
            "/account/password".into(),
            vec![
                ("current_password", PASSWORD),
                ("password", "brand-New-pass-77"),
                ("password_confirm", "brand-New-pass-77"),
            ],
        ),
        ("/account/sessions".into(), vec![("others", "1")]),
        ("/account/linked/link".into(), vec![("provider", "corp")]),
        ("/account/linked/confirm".into(), vec![]),
        (
            "/account/linked/unlink".into(),
            vec![("issuer", "https://id.corp.example"), ("subject", "kim")],
        ),
        ("/account/delete".into(), vec![("password", PASSWORD)]),
        ("/account/export".into(), vec![]),
        ("/password/reset".into(), vec![("email", "c@example.com")]),
        (
            format!("/password/reset/{token}"),
            vec![
                ("password", "brand-New-pass-77"),
                ("password_confirm", "brand-New-pass-77"),
            ],
        ),
        (format!("/account/email/confirm/{token}"), vec![]),
    ];
    for (path, fields) in &cases {
        let r = app.post_form(path, fields).await;
        assert_eq!(r.status(), 403, "{path}");
    }
    let after = app.user("c@example.com").await.unwrap();
    assert_eq!(after, before);
    assert_eq!(app.get("/account").await.status(), 200, "still logged in");
    app.wait_for_empty_outbox().await;
    assert_eq!(
        app.mails_to("c@example.com").len(),
        1,
        "only the verification mail"
    );
    assert!(app.mails_to("n@example.com").is_empty());
    Browser::new(&app).login("c@example.com", PASSWORD).await;
}
