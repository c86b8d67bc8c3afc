//! The device authorization grant (RFC 8628) over HTTP: a device asks for codes, its person
//! confirms at `/device`, and the device's polling meets every answer §3.5 defines.
use serde_json::Value;

use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::{Rp, read};

const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn device_client(app: &TestApp) -> Rp {
    let mut rp = Rp::register(app, |s| {
        s.grant_types = vec![DEVICE_CODE.into(), "refresh_token".into()];
        s.redirect_uris = vec![];
    })
    .await;
    rp.scope = "openid profile".into();
    rp
}

/// `POST /device_authorization` as `rp`: the JSON answer.
async fn start(rp: &Rp) -> Value {
    let (status, body) = read(
        rp.post("/device_authorization", &[("scope", "openid profile")])
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// One poll of the token endpoint: status and body.
async fn poll(rp: &Rp, device_code: &str) -> (u16, Value) {
    read(
        rp.token(&[("grant_type", DEVICE_CODE), ("device_code", device_code)])
            .await,
    )
    .await
}

/// The person (logged in with `app.client`) answers for `user_code`.
async fn answer(app: &TestApp, user_code: &str, decision: &str) -> reqwest::Response {
    let page = format!("/device?user_code={user_code}");
    app.submit(
        &page,
        "/device",
        &[("user_code", user_code), ("decision", decision)],
    )
    .await
}

#[tokio::test]
async fn a_device_gets_tokens_once_its_person_approves() {
    let app = TestApp::spawn().await;
    let rp = device_client(&app).await;
    let meta: Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        meta["device_authorization_endpoint"],
        format!("{}/device_authorization", app.addr)
    );
    assert!(
        meta["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&DEVICE_CODE.into())
    );

    let d = start(&rp).await;
    let user_code = d["user_code"].as_str().unwrap().to_owned();
    assert!(
        user_code.len() == 9 && user_code.as_bytes()[4] == b'-',
        "{user_code}"
    );
    assert_eq!(d["verification_uri"], format!("{}/device", app.addr));
    assert_eq!(
        d["verification_uri_complete"],
        format!("{}/device?user_code={user_code}", app.addr)
    );
    assert_eq!(d["interval"], 5);
    assert_eq!(d["expires_in"], 600);
    let device_code = d["device_code"].as_str().unwrap().to_owned();

    // Before the person answers.
    let (status, e) = poll(&rp, &device_code).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    // Polling again sooner than the interval: slow down, and the interval grows.
    let (_, e) = poll(&rp, &device_code).await;
    assert_eq!(e["error"], "slow_down");
    app.clock.advance_secs(11);
    let (_, e) = poll(&rp, &device_code).await;
    assert_eq!(
        e["error"], "authorization_pending",
        "polite polling is fine"
    );

    // The person: the code form is open to anyone; a code asks for a login first and comes
    // back.
    let r = app.get("/device").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("name=\"user_code\""));
    let r = app.get(&format!("/device?user_code={user_code}")).await;
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).starts_with("/login?next=%2Fdevice"),
        "{}",
        location(&r)
    );
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let page = app
        .get(&format!(
            "/device?user_code={}",
            user_code.to_lowercase().replace('-', "")
        ))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&user_code), "the code is shown to compare");
    let client_name = app.state.store.client(&rp.id).await.unwrap().unwrap().name;
    assert!(html.contains(&client_name), "the application is named");
    let r = answer(&app, &user_code, "allow").await;
    assert_eq!(r.status(), 200);

    app.clock.advance_secs(11);
    let (status, tokens) = poll(&rp, &device_code).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["access_token"].is_string());
    assert!(tokens["refresh_token"].is_string());
    let id = jwt_payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], app.user("minsu@example.com").await.unwrap().sub);
    assert_eq!(id["aud"], serde_json::json!([rp.id]));
    let info: Value = rp
        .userinfo(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Minsu");

    // A device code yields tokens once.
    app.clock.advance_secs(11);
    let (status, e) = poll(&rp, &device_code).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")));

    // The device is among the person's apps, where removing access ends its tokens.
    let apps = app.get("/account/apps").await.text().await.unwrap();
    assert!(apps.contains(&client_name), "the device's app is listed");
    let r = app
        .submit("/account/apps", "/account/apps", &[("client_id", &rp.id)])
        .await;
    assert_eq!(r.status(), 303);
    let at = tokens["access_token"].as_str().unwrap();
    assert_eq!(rp.userinfo(at).await.status(), 401);
    let (status, _) = rp.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 400, "the refresh token died with the access");
}

#[tokio::test]
async fn a_declined_expired_or_foreign_code_gets_no_tokens() {
    let app = TestApp::spawn().await;
    let rp = device_client(&app).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);

    let d = start(&rp).await;
    let r = answer(&app, d["user_code"].as_str().unwrap(), "deny").await;
    assert_eq!(r.status(), 200);
    let (_, e) = poll(&rp, d["device_code"].as_str().unwrap()).await;
    assert_eq!(e["error"], "access_denied");

    // Another client cannot poll with this client's device code.
    let other = device_client(&app).await;
    let d = start(&rp).await;
    let (_, e) = poll(&other, d["device_code"].as_str().unwrap()).await;
    assert_eq!(e["error"], "invalid_grant");

    // Ten minutes later the code is dead, on the page and at the token endpoint.
    app.clock.advance_secs(601);
    let (_, e) = poll(&rp, d["device_code"].as_str().unwrap()).await;
    assert_eq!(e["error"], "expired_token");
    let r = app
        .get(&format!(
            "/device?user_code={}",
            d["user_code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status(), 400);

    // A client not registered for the grant may not start one.
    let plain = Rp::register(&app, |_| {}).await;
    let (status, e) = read(
        plain
            .post("/device_authorization", &[("scope", "openid")])
            .await,
    )
    .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
}

#[tokio::test]
async fn code_entry_is_limited_per_address_and_needs_the_csrf_token() {
    let app = TestApp::spawn_with(|c| c.limits.login_per_ip = 3).await;
    let rp = device_client(&app).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let d = start(&rp).await;
    let user_code = d["user_code"].as_str().unwrap();

    let r = app
        .post_form(
            "/device",
            &[("user_code", user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 403, "no CSRF token");
    let (_, e) = poll(&rp, d["device_code"].as_str().unwrap()).await;
    assert_eq!(e["error"], "authorization_pending", "nothing was approved");

    for guess in ["BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD"] {
        let r = app.get(&format!("/device?user_code={guess}")).await;
        assert_eq!(r.status(), 400, "{guess}");
    }
    let r = app.get(&format!("/device?user_code={user_code}")).await;
    assert_eq!(r.status(), 429, "guessing stops, even for a right code");
}

/// A device application limited to a group: someone outside it is told so at `/device`, and an
/// "allow" they post anyway declines the request, so the device hears `access_denied`.
#[tokio::test]
async fn a_device_application_limited_to_a_group_refuses_outsiders() {
    let app = TestApp::spawn().await;
    let g = daemun::domain::group::Group {
        name: "kiosk".into(),
        label: "Kiosk staff".into(),
        created_at: app.clock_now(),
    };
    app.state.store.insert_group(&g).await.unwrap();
    let mut rp = Rp::register(&app, |s| {
        s.grant_types = vec![DEVICE_CODE.into()];
        s.redirect_uris = vec![];
        s.allowed_groups = vec!["kiosk".into()];
    })
    .await;
    rp.scope = "openid profile".into();
    app.verified_user("out@example.com", "Outsider").await;
    assert_eq!(app.login("out@example.com", PASSWORD).await.status(), 303);
    let codes = start(&rp).await;
    let user_code = codes["user_code"].as_str().unwrap();
    let r = app.get(&format!("/device?user_code={user_code}")).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("is not available to you"));
    // The confirm page was never shown; the form's token comes from another page.
    let r = app
        .submit(
            "/account/profile",
            "/device",
            &[("user_code", user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let (status, e) = poll(&rp, codes["device_code"].as_str().unwrap()).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("access_denied")));
    let events = app.state.store.recent_audit(None, 20).await.unwrap();
    assert!(events.iter().any(|e| e.event == "authorize.not_allowed"));
    assert!(!events.iter().any(|e| e.event == "device.approved"));
}
