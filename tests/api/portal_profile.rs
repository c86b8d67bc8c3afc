//! `/account/profile`: names, username and language; nothing else can be changed through it.
use crate::helpers::*;

fn profile_fields<'a>(name: &'a str, username: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("display_name", name),
        ("given_name", "Minsu"),
        ("family_name", "Kim"),
        ("username", username),
        ("locale", "ko"),
    ]
}

#[tokio::test]
async fn portal_pages_need_a_login() {
    let app = TestApp::spawn().await;
    for path in [
        "/account/profile",
        "/account/email",
        "/account/password",
        "/account/sessions",
        "/account/delete",
        "/account/export",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 303, "{path}");
        assert!(location(&r).starts_with("/login?next="), "{path}");
    }
}

#[tokio::test]
async fn the_overview_links_every_portal_page() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "o@example.com", "O").await;
    let html = app.get("/account").await.text().await.unwrap();
    for path in [
        "/account/profile",
        "/account/email",
        "/account/password",
        "/account/sessions",
        "/account/delete",
        "/account/export",
    ] {
        assert!(html.contains(&format!("href=\"{path}\"")), "{path}");
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn profile_changes_are_saved() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "p@example.com", "P").await;
    let r = app
        .submit(
            "/account/profile",
            "/account/profile",
            &profile_fields("Kim Minsu", "minsu"),
        )
        .await;
    assert_eq!(r.status(), 303);
    let u = app.user("p@example.com").await.unwrap();
    assert_eq!(u.display_name, "Kim Minsu");
    assert_eq!(
        (u.given_name.as_str(), u.family_name.as_str()),
        ("Minsu", "Kim")
    );
    assert_eq!(u.username.as_deref(), Some("minsu"));
    assert_eq!(u.locale.as_deref(), Some("ko"));
    // The chosen language applies to the next page.
    let html = app.get("/account/profile").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"ko\""));
    assert!(html.contains("value=\"Kim Minsu\""));
    let events = app
        .state
        .store
        .recent_audit(Some(u.user_id), 5)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.event == "profile.updated"));
    // The username is a login identifier: its owner is told.
    let notice = app.wait_for_mails("p@example.com", 2).await.pop().unwrap();
    assert!(notice.text.contains("minsu"), "{}", notice.text);
    assert!(
        notice.subject.chars().any(|c| ('가'..='힣').contains(&c)),
        "in the chosen language"
    );
    // The username logs in, case-insensitively.
    let b = Browser::new(&app);
    b.login("MINSU", PASSWORD).await;
}

#[tokio::test]
async fn mass_assignment_changes_nothing_else() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "m@example.com", "M").await;
    let before = app.user("m@example.com").await.unwrap();
    let mut fields = profile_fields("Mallory", "");
    fields.extend([
        ("email", "evil@example.com"),
        ("email_verified", "false"),
        ("is_admin", "true"),
        ("is_active", "false"),
        ("sub", "attacker-chosen-sub"),
        ("user_id", "1"),
        ("password_hash", "x"),
    ]);
    let r = app
        .submit("/account/profile", "/account/profile", &fields)
        .await;
    assert_eq!(r.status(), 303);
    let after = app.user("m@example.com").await.unwrap();
    assert_eq!(after.display_name, "Mallory");
    assert_eq!(after.email, before.email);
    assert_eq!(after.sub, before.sub);
    assert_eq!(after.user_id, before.user_id);
    assert!(after.email_verified && after.is_active && !after.is_admin);
    assert!(app.user("evil@example.com").await.is_none());
    Browser::new(&app).login("m@example.com", PASSWORD).await;
}

#[tokio::test]
async fn a_taken_username_is_a_field_error_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.verified_user("a@example.com", "A").await;
    logged_in_user(&app, "b@example.com", "B").await;
    let r = app
        .submit(
            "/account/profile",
            "/account/profile",
            &profile_fields("B", "Taken"),
        )
        .await;
    assert_eq!(r.status(), 303);
    let b = Browser::new(&app);
    b.login("a@example.com", PASSWORD).await;
    let r = b
        .submit(
            "/account/profile",
            "/account/profile",
            &profile_fields("A", "tAKEN"),
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"username-error\""), "a field error");
    let a = app.user("a@example.com").await.unwrap();
    assert_eq!(a.username, None);
    assert_eq!(a.display_name, "A", "nothing was saved");
}

#[tokio::test]
async fn bad_values_are_field_errors_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "v@example.com", "V").await;
    let long = "x".repeat(101);
    for (field, value) in [
        ("display_name", ""),
        ("display_name", long.as_str()),
        ("given_name", long.as_str()),
        ("username", "a b"),
        ("locale", "fr"),
    ] {
        let mut fields = profile_fields("V2", "");
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = app
            .submit("/account/profile", "/account/profile", &fields)
            .await;
        assert_eq!(r.status(), 400, "{field}={value}");
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert_eq!(app.user("v@example.com").await.unwrap().display_name, "V");
}
