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
    assert!(json["second_factors"]["authenticator_app"].is_null());
    assert_eq!(json["second_factors"]["recovery_codes_left"], 0);
    assert!(!text.contains("session_hash") && !text.contains("password_hash"));
    assert!(!text.contains(&cookie), "no session secret");
    assert!(!text.contains("$argon2"));
}

#[tokio::test]
async fn the_export_lists_second_factors_by_name_and_date_never_their_secrets() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "f@example.com", "F").await;
    let id = app.user("f@example.com").await.unwrap().user_id;
    let store = &app.state.store;
    let sealed = b"sealed-totp-secret-bytes";
    assert!(store.begin_totp(id, sealed, 1_000).await.unwrap());
    assert!(store.accept_totp_step(id, 7, 2_000).await.unwrap());
    let codes = daemun::domain::recovery_code::RecoveryCode::generate_set();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| c.hash()).collect();
    store
        .replace_recovery_codes(id, &hashes, 1_000)
        .await
        .unwrap();
    store
        .use_recovery_code(id, &hashes[0], 3_000)
        .await
        .unwrap();

    let r = app.submit("/account/export", "/account/export", &[]).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let factors = &json["second_factors"];
    assert_eq!(factors["authenticator_app"]["created_at"], 1_000);
    assert_eq!(factors["authenticator_app"]["enabled_at"], 2_000);
    assert_eq!(factors["recovery_codes_left"], 9);
    assert!(!text.contains("sealed") && !text.contains("last_step"));
    for c in &codes {
        assert!(!text.contains(c.expose()));
    }
}
