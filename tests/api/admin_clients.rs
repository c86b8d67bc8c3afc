//! The admin console's applications: register (the secret is shown once), change redirect
//! URIs and settings with translated refusals, rotate the secret, delete with its tokens.
use daemun::domain::client::{AuthMethod, GrantType, joined};
use serde_json::Value;

use crate::admin::{act, admin, admin_events, follow};
use crate::helpers::*;
use crate::rp::Rp;

/// The text between `<code class="break-anywhere secret">` and `</code>`.
fn shown_secret(html: &str) -> Option<String> {
    let marker = "secret\">";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find("</code>")?;
    Some(html[start..start + end].to_owned())
}

fn shown_client_id(html: &str) -> String {
    let marker = "<dt>client_id</dt><dd><code class=\"break-anywhere\">";
    let start = html.find(marker).expect("a client id") + marker.len();
    let end = html[start..].find("</code>").unwrap();
    html[start..start + end].to_owned()
}

/// A client-credentials request by the client registered in the console.
async fn client_credentials_token(app: &TestApp, id: &str, secret: &str) -> reqwest::Response {
    Rp::new(&app.addr, id, Some(secret.to_owned()))
        .token(&[("grant_type", "client_credentials")])
        .await
}

async fn client_credentials(app: &TestApp, id: &str, secret: &str) -> u16 {
    client_credentials_token(app, id, secret)
        .await
        .status()
        .as_u16()
}

/// Registers [`NEW_CLIENT`] through the form; its id and secret.
async fn register_service(admin: &Browser<'_>) -> (String, String) {
    let html = admin
        .submit("/admin/clients/new", "/admin/clients/new", &NEW_CLIENT)
        .await
        .text()
        .await
        .unwrap();
    (
        shown_client_id(&html),
        shown_secret(&html).expect("a secret"),
    )
}

const NEW_CLIENT: [(&str, &str); 8] = [
    ("name", "Service"),
    (
        "redirect_uris",
        "https://svc.example/cb\r\nhttp://127.0.0.1/cb",
    ),
    ("post_logout_redirect_uris", ""),
    ("grant_authorization_code", "1"),
    ("grant_client_credentials", "1"),
    ("scope_openid", "1"),
    ("id_token_alg", "ES256"),
    ("require_pkce", "1"),
];

#[tokio::test]
async fn a_registered_client_gets_its_secret_once_and_works() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let r = admin
        .submit("/admin/clients/new", "/admin/clients/new", &NEW_CLIENT)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let id = shown_client_id(&html);
    let secret = shown_secret(&html).expect("the secret is on the page");
    assert!(html.contains("shown only once"));
    let row = app.state.store.client(&id).await.unwrap().unwrap();
    assert_eq!(
        row.redirect_uris,
        ["https://svc.example/cb", "http://127.0.0.1/cb"]
    );
    assert_eq!(
        joined(&row.grant_types, GrantType::as_str),
        "authorization_code client_credentials"
    );
    assert_eq!(row.scopes.to_string(), "openid");
    assert_eq!(row.id_token_alg, "ES256");
    assert!(row.require_pkce && !row.first_party);
    assert_ne!(
        row.secret_hash.as_deref(),
        Some(secret.as_bytes()),
        "only a hash is kept"
    );
    assert_eq!(client_credentials(&app, &id, &secret).await, 200);
    // The settings page never shows it again.
    let page = admin
        .get(&format!("/admin/clients/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&secret) && shown_secret(&page).is_none());
    let list = admin.get("/admin/clients").await.text().await.unwrap();
    assert!(list.contains("Service") && list.contains(&id));
    assert_eq!(admin_events(&app, "client.added", &admin_sub).await, 1);

    // A public client: no secret, PKCE.
    let r = admin
        .submit(
            "/admin/clients/new",
            "/admin/clients/new",
            &[
                ("name", "Phone app"),
                ("redirect_uris", "com.example.app:/cb"),
                ("public", "1"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
                ("id_token_alg", "RS256"),
            ],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(shown_secret(&html).is_none() && html.contains("has no secret"));
    let public = app
        .state
        .store
        .client(&shown_client_id(&html))
        .await
        .unwrap()
        .unwrap();
    assert!(public.is_public() && public.require_pkce);
}

#[tokio::test]
async fn bad_registrations_are_explained_under_their_fields_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin(&app).await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("name", ""),
                ("redirect_uris", "https://a.example/cb"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
            "1 to 100 characters",
        ),
        (
            &[
                ("name", "A"),
                ("redirect_uris", "http://a.example/cb"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
            "http is allowed only for localhost",
        ),
        (
            &[
                ("name", "A"),
                ("redirect_uris", "https://a.example/*"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
            "wildcards are not allowed",
        ),
        (
            &[
                ("name", "A"),
                ("redirect_uris", ""),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
            "at least one redirect URI",
        ),
        (
            &[
                ("name", "A"),
                ("redirect_uris", "https://a.example/cb"),
                ("scope_openid", "1"),
            ],
            "at least one grant type",
        ),
    ];
    for (fields, message) in cases {
        let r = admin
            .submit("/admin/clients/new", "/admin/clients/new", fields)
            .await;
        assert_eq!(r.status(), 422, "{message}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
    }
    let r = admin
        .submit(
            "/admin/clients/new?lang=ko",
            "/admin/clients/new",
            &[
                ("name", "A"),
                ("redirect_uris", "https://a.example/#f"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("#프래그먼트를 쓸 수 없습니다"), "{html}");
    assert!(app.state.store.clients().await.unwrap().is_empty());
}

#[tokio::test]
async fn settings_are_changed_and_the_secret_rotated() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let (id, old_secret) = register_service(&admin).await;
    let here = format!("/admin/clients/{id}");

    let bad = admin
        .submit(
            &here,
            &here,
            &[
                ("action", "save"),
                ("name", "Service"),
                ("redirect_uris", "https://svc.example/cb#x"),
                ("grant_authorization_code", "1"),
                ("scope_openid", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let before = app.state.store.client(&id).await.unwrap().unwrap();
    assert_eq!(
        before.redirect_uris,
        ["https://svc.example/cb", "http://127.0.0.1/cb"]
    );

    assert!(
        act(
            &admin,
            &here,
            &[
                ("action", "save"),
                ("name", "Service 2"),
                ("redirect_uris", "https://svc.example/callback"),
                ("post_logout_redirect_uris", "https://svc.example/"),
                ("first_party", "1"),
                ("require_mfa", "1"),
                ("require_par", "1"),
                ("grant_authorization_code", "1"),
                ("grant_refresh_token", "1"),
                ("grant_client_credentials", "1"),
                ("grant_urn:ietf:params:oauth:grant-type:device_code", "1"),
                ("scope_openid", "1"),
                ("scope_email", "1"),
                ("auth_method", "client_secret_basic"),
                ("id_token_alg", "RS256"),
                ("home_uri", "https://svc.example/"),
            ]
        )
        .await
        .contains("settings are saved")
    );
    let after = app.state.store.client(&id).await.unwrap().unwrap();
    assert_eq!(after.name, "Service 2");
    assert_eq!(after.redirect_uris, ["https://svc.example/callback"]);
    assert_eq!(after.post_logout_redirect_uris, ["https://svc.example/"]);
    assert!(after.first_party && after.require_mfa && !after.require_pkce);
    assert!(after.require_par, "pushed requests only");
    assert!(
        after
            .grant_types
            .contains(&daemun::domain::client::GrantType::DeviceCode),
        "the device grant is ticked in the form"
    );
    assert_eq!(after.scopes.to_string(), "openid email");
    assert_eq!(after.auth_methods, [AuthMethod::ClientSecretBasic]);
    assert_eq!(
        after.secret_hash, before.secret_hash,
        "saving keeps the secret"
    );
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(client_credentials(&app, &id, &old_secret).await, 200);

    let r = admin
        .submit(&here, &here, &[("action", "rotate_secret")])
        .await;
    assert_eq!(r.status(), 200);
    let new_secret = shown_secret(&r.text().await.unwrap()).unwrap();
    assert_ne!(new_secret, old_secret);
    assert_eq!(
        client_credentials(&app, &id, &old_secret).await,
        401,
        "the old secret stops at once"
    );
    assert_eq!(client_credentials(&app, &id, &new_secret).await, 200);
    assert_eq!(admin_events(&app, "client.updated", &admin_sub).await, 1);
    assert_eq!(
        admin_events(&app, "client.secret_rotated", &admin_sub).await,
        1
    );
    assert_eq!(
        admin.get("/admin/clients/unknown-client").await.status(),
        404
    );
}

#[tokio::test]
async fn a_deleted_client_takes_its_tokens_with_it() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    let (id, secret) = register_service(&admin).await;
    let v: Value = client_credentials_token(&app, &id, &secret)
        .await
        .json()
        .await
        .unwrap();
    let access = v["access_token"].as_str().unwrap().to_owned();
    let here = format!("/admin/clients/{id}");
    assert!(
        act(
            &admin,
            &here,
            &[("action", "delete"), ("confirm", "Servic")]
        )
        .await
        .contains("was not deleted")
    );
    assert!(app.state.store.client(&id).await.unwrap().is_some());
    let r = admin
        .submit(
            &here,
            &here,
            &[("action", "delete"), ("confirm", "Service")],
        )
        .await;
    assert_eq!(location(&r), "/admin/clients");
    assert!(
        follow(&admin, r)
            .await
            .contains("The application is deleted")
    );
    assert!(app.state.store.client(&id).await.unwrap().is_none());
    assert!(
        app.state
            .store
            .access_token(
                &daemun::domain::secret::sha256(access.as_bytes()),
                app.clock_now()
            )
            .await
            .unwrap()
            .is_none(),
        "its tokens are gone"
    );
    assert_eq!(client_credentials(&app, &id, &secret).await, 401);
    assert_eq!(admin_events(&app, "client.removed", &admin_sub).await, 1);
}
