//! Dynamic client registration (RFC 7591) and management (RFC 7592) over HTTP, in each
//! `registration.mode`, with the initial access tokens of `daemun registration-token`.
use daemun::config::RegistrationMode;
use serde_json::{Value, json};

use crate::cli::{daemun, run};
use crate::helpers::*;
use crate::rp::{Rp, read};

async fn spawn(mode: RegistrationMode) -> TestApp {
    TestApp::spawn_with(|c| c.registration.mode = mode).await
}

/// `method` `path` with a JSON body and an optional Bearer token: status and JSON.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = new_client().request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    read(req.send().await.unwrap()).await
}

async fn register(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    call(app, reqwest::Method::POST, "/register", token, Some(body)).await
}

fn public_app() -> Value {
    json!({
        "client_name": "Notes agent",
        "redirect_uris": ["http://127.0.0.1:7777/callback"],
        "token_endpoint_auth_method": "none",
        "scope": "openid email",
        "software_id": "ignored-unknown-metadata",
    })
}

#[tokio::test]
async fn off_by_default_the_endpoint_is_absent() {
    let app = TestApp::spawn().await;
    assert!(app.discovery().await.get("registration_endpoint").is_none());
    let (status, _) = register(&app, None, &public_app()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn open_registration_takes_public_clients_that_then_log_people_in() {
    let app = spawn(RegistrationMode::Open).await;
    assert_eq!(
        app.discovery().await["registration_endpoint"],
        format!("{}/register", app.addr)
    );
    let (status, got) = register(&app, None, &public_app()).await;
    assert_eq!(status, 201, "{got}");
    let id = got["client_id"].as_str().unwrap().to_owned();
    assert!(
        got.get("client_secret").is_none(),
        "a public client has no secret"
    );
    assert_eq!(got["token_endpoint_auth_method"], "none");
    assert_eq!(got["grant_types"], json!(["authorization_code"]));
    assert_eq!(got["response_types"], json!(["code"]));
    assert_eq!(got["scope"], "openid email");
    assert_eq!(
        got["registration_client_uri"],
        format!("{}/register/{id}", app.addr)
    );
    assert!(got["registration_access_token"].as_str().unwrap().len() >= 40);
    let stored = app.state.store.client(&id).await.unwrap().unwrap();
    assert!(stored.require_pkce && !stored.first_party);
    let events = app.state.store.recent_audit(None, 10).await.unwrap();
    assert!(events.iter().any(|e| e.event == "client.registered"));
    let (admin, _) = crate::admin::admin(&app).await;
    let list = admin.get("/admin/clients").await.text().await.unwrap();
    assert!(list.contains("Notes agent") && list.contains("registered by itself"));

    // The application logs a person in (PKCE, consent asked: never first-party).
    let mut rp = Rp::new(&app.addr, &id, None);
    rp.redirect_uri = "http://127.0.0.1:7777/callback".into();
    rp.scope = "openid email".into();
    logged_in_user(&app, "agent-user@example.com", "Agent User").await;
    // RFC 7636 Appendix B's challenge.
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let r = app
        .get(&rp.authorize_path(&[
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ]))
        .await;
    assert!(location(&r).starts_with("/consent"), "{}", location(&r));

    // Only public clients, and only https or loopback redirect URIs.
    let cases = [
        (
            json!({"redirect_uris": ["http://127.0.0.1:7/cb"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ["http://app.example/cb"], "token_endpoint_auth_method": "none"}),
            "invalid_redirect_uri",
        ),
        (
            json!({"token_endpoint_auth_method": "none"}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "none", "response_types": ["token"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "none", "grant_types": ["client_credentials"], "response_types": []}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "none", "scope": "openid admin"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "none", "backchannel_logout_uri": "https://a.example/bc"}),
            "invalid_client_metadata",
        ),
        (json!(["not", "an", "object"]), "invalid_client_metadata"),
    ];
    let before = app.state.store.clients().await.unwrap().len();
    for (body, error) in cases {
        let (status, got) = register(&app, None, &body).await;
        assert_eq!(
            (status, got["error"].as_str()),
            (400, Some(error)),
            "{body}: {got}"
        );
    }
    assert_eq!(
        app.state.store.clients().await.unwrap().len(),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn initial_tokens_from_the_command_line_let_confidential_clients_register() {
    let app = spawn(RegistrationMode::InitialToken).await;
    let body = json!({
        "client_name": "Billing",
        "redirect_uris": ["https://billing.example/callback"],
    });
    let (status, got) = register(&app, None, &body).await;
    assert_eq!(
        (status, got["error"].as_str()),
        (401, Some("invalid_token"))
    );
    let (status, _) = register(
        &app,
        Some("not-a-real-token-but-long-enough-000000000"),
        &body,
    )
    .await;
    assert_eq!(status, 401);

    let dir = tempfile::tempdir().unwrap();
    let db = app.state.config.database.url.clone();
    let (ok, token, err) = run(daemun(dir.path(), &db).args([
        "registration-token",
        "create",
        "--label",
        "billing team",
    ]));
    assert!(ok, "{err}");
    let token = token.trim().to_owned();
    let (status, got) = register(&app, Some(&token), &body).await;
    assert_eq!(status, 201, "{got}");
    assert_eq!(
        got["token_endpoint_auth_method"], "client_secret_basic",
        "RFC 7591 §2 default"
    );
    assert!(got["client_secret"].as_str().is_some());
    assert_eq!(got["client_secret_expires_at"], 0);
    // Its secret works at the token endpoint.
    let rp = Rp::new(
        &app.addr,
        got["client_id"].as_str().unwrap(),
        got["client_secret"].as_str().map(str::to_owned),
    );
    let (status, e) = read(
        rp.token(&[("grant_type", "authorization_code"), ("code", "x")])
            .await,
    )
    .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("invalid_grant")),
        "authenticated"
    );

    let (ok, list, _) = run(daemun(dir.path(), &db).args(["registration-token", "list"]));
    assert!(
        ok && list.contains("billing team") && list.contains("active"),
        "{list}"
    );
    let id = list.split_whitespace().next().unwrap().to_owned();
    let (ok, _, err) = run(daemun(dir.path(), &db).args(["registration-token", "revoke", &id]));
    assert!(ok, "{err}");
    let (status, _) = register(&app, Some(&token), &body).await;
    assert_eq!(status, 401, "a revoked token registers nothing");
}

#[tokio::test]
async fn a_client_reads_replaces_and_deletes_its_registration() {
    let app = spawn(RegistrationMode::Open).await;
    let (_, got) = register(&app, None, &public_app()).await;
    let id = got["client_id"].as_str().unwrap().to_owned();
    let token = got["registration_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/register/{id}");

    let (status, read_back) = call(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(read_back["client_name"], "Notes agent");
    assert!(read_back.get("registration_access_token").is_none());
    let (status, e) = call(
        &app,
        reqwest::Method::GET,
        &path,
        Some("wrong-token-wrong-token-wrong-token-00"),
        None,
    )
    .await;
    assert_eq!((status, e["error"].as_str()), (401, Some("invalid_token")));
    let (status, _) = call(&app, reqwest::Method::GET, &path, None, None).await;
    assert_eq!(status, 401);

    // Replace: the metadata sent is the registration now.
    let update = json!({
        "client_id": id,
        "client_name": "Notes agent 2",
        "redirect_uris": ["https://notes.example/cb"],
        "token_endpoint_auth_method": "none",
    });
    let (status, got) = call(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(&token),
        Some(&update),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["client_name"], "Notes agent 2");
    let stored = app.state.store.client(&id).await.unwrap().unwrap();
    assert_eq!(stored.redirect_uris, ["https://notes.example/cb"]);
    let no_id = json!({ "redirect_uris": ["https://notes.example/cb"], "token_endpoint_auth_method": "none" });
    let (status, _) = call(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(&token),
        Some(&no_id),
    )
    .await;
    assert_eq!(status, 400);

    // Another self-registered client's token does not open this one.
    let (_, other) = register(&app, None, &public_app()).await;
    let other_token = other["registration_access_token"].as_str().unwrap();
    let (status, _) = call(
        &app,
        reqwest::Method::DELETE,
        &path,
        Some(other_token),
        None,
    )
    .await;
    assert_eq!(status, 401);

    let (status, _) = call(&app, reqwest::Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, 204);
    assert!(app.state.store.client(&id).await.unwrap().is_none());
    let (status, _) = call(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 401, "gone");
}

/// The token shown once on the console's answer page.
fn shown_token(html: &str) -> String {
    let marker = "class=\"break-anywhere secret\">";
    let start = html.find(marker).expect("the token is shown") + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn administrators_make_and_revoke_initial_tokens_in_the_console() {
    let app = spawn(RegistrationMode::InitialToken).await;
    let (admin, admin_sub) = crate::admin::admin(&app).await;
    let page = admin.get("/admin/registration").await.text().await.unwrap();
    assert!(
        page.contains("initial_token") && page.contains("Registration endpoint"),
        "{page}"
    );

    // A label the rules refuse: the form again, with the reason, and nothing made.
    let r = admin
        .submit(
            "/admin/registration",
            "/admin/registration",
            &[("action", "create"), ("label", "   ")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Enter a label of 1 to 100 characters"),
        "{html}"
    );
    assert!(
        app.state
            .store
            .registration_tokens()
            .await
            .unwrap()
            .is_empty()
    );

    let r = admin
        .submit(
            "/admin/registration",
            "/admin/registration",
            &[("action", "create"), ("label", "Agents team")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let token = shown_token(&html);
    assert!(token.len() >= 40, "{token}");
    // Shown once: the page itself does not show it again.
    let page = admin.get("/admin/registration").await.text().await.unwrap();
    assert!(!page.contains(&token) && page.contains("Agents team"));
    assert_eq!(
        crate::admin::admin_events(&app, "registration_token.created", &admin_sub).await,
        1
    );

    let body = json!({
        "client_name": "Console agent",
        "redirect_uris": ["https://agent.example/cb"],
    });
    let (status, got) = register(&app, Some(&token), &body).await;
    assert_eq!(status, 201, "{got}");
    let listed = admin.get("/admin/clients").await.text().await.unwrap();
    assert!(listed.contains("Console agent") && listed.contains("registered by itself"));

    // Revoked from the console: the token registers nothing more; the client stays.
    let rows = app.state.store.registration_tokens().await.unwrap();
    let id = daemun::domain::registration_token::id_of(&rows[0].token_hash);
    let html = crate::admin::act(
        &admin,
        "/admin/registration",
        &[("action", "revoke"), ("id", &id)],
    )
    .await;
    assert!(html.contains("The token is revoked"), "{html}");
    let html = crate::admin::act(
        &admin,
        "/admin/registration",
        &[("action", "revoke"), ("id", &id)],
    )
    .await;
    assert!(html.contains("already revoked"), "{html}");
    assert_eq!(
        crate::admin::admin_events(&app, "registration_token.revoked", &admin_sub).await,
        1
    );
    let (status, _) = register(&app, Some(&token), &body).await;
    assert_eq!(status, 401);
    let client_id = got["client_id"].as_str().unwrap();
    assert!(app.state.store.client(client_id).await.unwrap().is_some());
}
