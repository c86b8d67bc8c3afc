//! `/account/apps`: connected applications and "remove access".
use base64::Engine;
use serde_json::Value;

use crate::helpers::*;

fn authorize_path(client_id: &str) -> String {
    format!(
        "/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope=openid%20email",
        url::form_urlencoded::byte_serialize(REDIRECT_URI.as_bytes()).collect::<String>()
    )
}

/// Consents through the real page and trades the code for tokens.
async fn connect(app: &TestApp, client_id: &str, secret: &str) -> Value {
    let r = app.get(&authorize_path(client_id)).await;
    let consent = location(&r);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let request = consent.split('=').nth(1).unwrap().to_owned();
    let r = app
        .submit(
            &consent,
            "/consent",
            &[("request", &request), ("decision", "allow")],
        )
        .await;
    let code = location_params(&r).remove("code").unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    new_client()
        .post(app.url("/token"))
        .header("authorization", format!("Basic {auth}"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn connected_apps_are_listed_and_access_can_be_removed() {
    let app = TestApp::spawn().await;
    let (id, secret) = register_client(&app, |s| s.name = "Articles Board".into()).await;
    app.verified_user("other@example.com", "Other").await;
    logged_in_user(&app, "owner@example.com", "Owner").await;
    let tokens = connect(&app, &id, &secret.unwrap()).await;
    let page = app.get("/account/apps").await.text().await.unwrap();
    assert!(page.contains("Articles Board"));
    assert!(page.contains("email address"), "scopes in plain words");

    // Another person cannot remove it (the grant is keyed on the session's user).
    let other = Browser::new(&app);
    other.login("other@example.com", PASSWORD).await;
    let r = other.post("/account/apps", &[("client_id", &id)]).await;
    assert_eq!(r.status(), 404);
    let at = tokens["access_token"].as_str().unwrap();
    let ui = new_client()
        .get(app.url("/userinfo"))
        .bearer_auth(at)
        .send()
        .await
        .unwrap();
    assert_eq!(ui.status(), 200, "nothing was revoked");

    let export = app.submit("/account/export", "/account/export", &[]).await;
    let data: Value = export.json().await.unwrap();
    assert_eq!(data["consents"][0]["client_id"], id.as_str());

    let r = app
        .submit("/account/apps", "/account/apps", &[("client_id", &id)])
        .await;
    assert_eq!(r.status(), 303);
    let ui = new_client()
        .get(app.url("/userinfo"))
        .bearer_auth(at)
        .send()
        .await
        .unwrap();
    assert_eq!(ui.status(), 401, "the application's tokens are revoked");
    assert!(
        location(&app.get(&authorize_path(&id)).await).starts_with("/consent"),
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
