//! `/account/export`: a JSON download of the person's data, by POST only.
use crate::helpers::*;

#[tokio::test]
async fn the_export_is_a_json_attachment_without_secrets() {
    let app = TestApp::spawn().await;
    let cookie = logged_in_user(&app, "x@example.com", "X").await;
    let page = app.get("/account/export").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("action=\"/account/export\"")
    );
    let r = app.submit("/account/export", "/account/export", &[]).await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"daemun-export.json\""
    );
    assert_eq!(h["cache-control"], "no-store");
    let text = r.text().await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let user = app.user("x@example.com").await.unwrap();
    assert_eq!(json["profile"]["email"], "x@example.com");
    assert_eq!(json["profile"]["sub"], user.sub.as_str());
    assert_eq!(json["sessions"].as_array().unwrap().len(), 1);
    assert!(
        json["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "login.success")
    );
    assert!(!text.contains("session_hash") && !text.contains("password_hash"));
    assert!(!text.contains(&cookie), "no session secret");
    assert!(!text.contains("$argon2"));
}
