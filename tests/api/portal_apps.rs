//! `/account/apps`: connected applications and "remove access".
use serde_json::Value;

use crate::helpers::*;
use crate::rp::{Rp, answer_consent};

/// Consents through the real page and trades the code for tokens.
async fn connect(app: &TestApp, rp: &Rp) -> Value {
    let r = app.get(&rp.authorize_path(&[])).await;
    let consent = location(&r);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let r = answer_consent(app, &consent, "allow").await;
    let code = location_params(&r).remove("code").unwrap();
    rp.exchange(&code, None).await.1
}

#[tokio::test]
async fn connected_apps_are_listed_and_access_can_be_removed() {
    let app = TestApp::spawn().await;
    let mut rp = Rp::register(&app, |s| s.name = "Articles Board".into()).await;
    rp.scope = "openid email".into();
    let id = rp.id.clone();
    app.verified_user("other@example.com", "Other").await;
    logged_in_user(&app, "owner@example.com", "Owner").await;
    let tokens = connect(&app, &rp).await;
    let page = app.get("/account/apps").await.text().await.unwrap();
    assert!(page.contains("Articles Board"));
    assert!(page.contains("email address"), "scopes in plain words");

    // Another person cannot remove it (the grant is keyed on the session's user).
    let other = Browser::new(&app);
    other.login("other@example.com", PASSWORD).await;
    let r = other.post("/account/apps", &[("client_id", &id)]).await;
    assert_eq!(r.status(), 404);
    let at = tokens["access_token"].as_str().unwrap();
    let ui = rp.userinfo(at).await;
    assert_eq!(ui.status(), 200, "nothing was revoked");

    let export = app.submit("/account/export", "/account/export", &[]).await;
    let data: Value = export.json().await.unwrap();
    assert_eq!(data["consents"][0]["client_id"], id.as_str());

    let r = app
        .submit("/account/apps", "/account/apps", &[("client_id", &id)])
        .await;
    assert_eq!(r.status(), 303);
    let ui = rp.userinfo(at).await;
    assert_eq!(ui.status(), 401, "the application's tokens are revoked");
    assert!(
        location(&app.get(&rp.authorize_path(&[])).await).starts_with("/consent"),
        "consent is asked again"
    );
    assert!(
        app.get("/account/apps")
            .await
            .text()
            .await
            .unwrap()
            .contains("not allowed any application")
    );

    let user = app.user("owner@example.com").await.unwrap();
    let events = app
        .state
        .store
        .recent_audit(Some(user.user_id), 20)
        .await
        .unwrap();
    for event in ["consent.granted", "consent.revoked"] {
        assert!(
            events
                .iter()
                .any(|e| e.event == event && e.client_id.as_deref() == Some(id.as_str())),
            "{event} names the client: {events:#?}"
        );
    }
}
