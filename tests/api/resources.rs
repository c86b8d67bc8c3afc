//! APIs that check tokens themselves: resources (`daemun resource`), resource indicators at
//! `/authorize` and `/token` (RFC 8707) and JWT access tokens (RFC 9068), with introspection
//! and revocation working for them as for opaque tokens.
use daemun::domain::resource::{Resource, ResourceSpec};
use serde_json::Value;

use crate::cli::{daemun, run};
use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::{Rp, authorize_path_with, code_at, read};

pub const BILLING: &str = "https://billing.example/api";
pub const FILES: &str = "https://files.example";
pub const LEGACY: &str = "urn:example:legacy";
const EMAIL: &str = "ana@example.com";

/// Registers the three APIs: billing (JWT, RS256), files (JWT, ES256), legacy (opaque).
pub async fn add_resources(app: &TestApp) {
    let specs = [
        (
            BILLING,
            "Billing",
            vec!["invoices:read", "invoices:write"],
            "RS256",
            false,
        ),
        (FILES, "Files", vec!["files:read"], "ES256", false),
        (LEGACY, "Legacy", vec!["legacy:read"], "RS256", true),
    ];
    for (id, name, scopes, alg, opaque) in specs {
        let spec = ResourceSpec {
            resource_id: id.into(),
            name: name.into(),
            scopes: scopes.into_iter().map(str::to_owned).collect(),
            alg: Some(alg.into()),
            opaque,
        };
        let r = Resource::new(&spec, app.clock_now()).unwrap();
        app.state.store.insert_resource(&r).await.unwrap();
    }
}

/// A logged-in person and a first-party client given all three APIs.
async fn setup() -> (TestApp, Rp) {
    let app = TestApp::spawn().await;
    add_resources(&app).await;
    let rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
        s.resources = vec![BILLING.into(), FILES.into(), LEGACY.into()];
    })
    .await;
    app.verified_user(EMAIL, "Ana").await;
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 303);
    (app, rp)
}

/// A code for `scope` and the `resource` values given.
async fn code(app: &TestApp, rp: &Rp, scope: &str, resources: &[&str]) -> String {
    let mut params = rp.authorize_params(&[("scope", scope)]);
    params.extend(resources.iter().map(|r| ("resource", *r)));
    code_at(app, &authorize_path_with(&params)).await
}

/// Exchanges `code`, naming `resource` when given.
async fn exchange(rp: &Rp, code: &str, resource: Option<&str>) -> (u16, Value) {
    let mut form = rp.exchange_form(code, None);
    if let Some(r) = resource {
        form.push(("resource", r));
    }
    read(rp.token(&form).await).await
}

fn header(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn access(v: &Value) -> String {
    v["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

#[tokio::test]
async fn each_token_names_one_resource_as_its_audience() {
    let (app, rp) = setup().await;
    let sub = app.user(EMAIL).await.unwrap().sub;
    let scope = "openid invoices:read files:read";

    // Two resources granted, none named at the token endpoint: which one is unclear; one
    // not granted is refused too. The code is not spent by either.
    let c = code(&app, &rp, scope, &[BILLING, FILES]).await;
    for resource in [None, Some(LEGACY)] {
        let (status, e) = exchange(&rp, &c, resource).await;
        assert_eq!((status, e["error"].as_str()), (400, Some("invalid_target")));
    }
    let (status, v) = exchange(&rp, &c, Some(BILLING)).await;
    assert_eq!(status, 200, "{v}");
    let at = access(&v);
    let (h, claims) = (header(&at), jwt_payload(&at));
    assert_eq!(h["typ"], "at+jwt");
    assert_eq!(h["alg"], "RS256");
    assert!(h["kid"].is_string());
    assert_eq!(claims["iss"], app.addr);
    assert_eq!(claims["aud"], BILLING);
    assert_eq!(claims["sub"], sub);
    assert_eq!(claims["client_id"], rp.id);
    assert_eq!(
        claims["scope"], "invoices:read",
        "the API's own scopes only"
    );
    assert_eq!(v["scope"], "invoices:read");
    assert_eq!(claims["acr"], "urn:daemun:acr:pwd");
    assert!(claims["auth_time"].is_i64() && claims["jti"].is_string());
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, app.state.config.tokens.access_token_secs);
    // The ID token is as ever: for the client, with the person's claims.
    let id = jwt_payload(v["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], serde_json::json!([rp.id]));
    // A token for an API is not for UserInfo.
    assert_eq!(rp.userinfo(&at).await.status(), 403);

    // A refresh narrows to the other granted API, signed as that API asks (ES256).
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("resource", FILES),
    ];
    let (status, v) = read(rp.token(&form).await).await;
    assert_eq!(status, 200, "{v}");
    let at = access(&v);
    assert_eq!(header(&at)["alg"], "ES256");
    assert_eq!(jwt_payload(&at)["aud"], FILES);
    assert_eq!(jwt_payload(&at)["scope"], "files:read");

    // Not granted, or none named out of two: refused, and the refresh token stays usable.
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    for resource in [Some(LEGACY), None] {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ];
        form.extend(resource.map(|r| ("resource", r)));
        let (status, e) = read(rp.token(&form).await).await;
        assert_eq!(
            (status, e["error"].as_str()),
            (400, Some("invalid_target")),
            "{resource:?}"
        );
    }
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("resource", BILLING),
    ];
    assert_eq!(read(rp.token(&form).await).await.0, 200);
}

#[tokio::test]
async fn unknown_or_unallowed_resources_are_invalid_target_at_authorize() {
    let (app, rp) = setup().await;
    let other = Rp::register(&app, |s| s.first_party = true).await;
    for (client, resource) in [
        (&rp, "https://unknown.example"),
        (&rp, "not a uri"),
        (&rp, "https://billing.example/api#frag"),
        (&other, BILLING),
    ] {
        let mut params = client.authorize_params(&[("scope", "openid invoices:read")]);
        params.push(("resource", resource));
        let r = app.get(&authorize_path_with(&params)).await;
        assert_eq!(r.status(), 303, "{resource}");
        let got = location_params(&r);
        assert_eq!(
            got.get("error").map(String::as_str),
            Some("invalid_target"),
            "{resource}: {got:?}"
        );
        assert_eq!(got.get("state").map(String::as_str), Some("st-1"));
    }
    // A client without the API: its scopes are unknown values, ignored (RFC 6749 §3.3).
    let v = other
        .tokens(&app, &[("scope", "openid invoices:read")])
        .await;
    assert_eq!(v["scope"], "openid");
}

#[tokio::test]
async fn scopes_find_their_resource_and_opaque_apis_introspect() {
    let (app, rp) = setup().await;
    // No `resource`: the API whose scope is asked for; it wants opaque tokens.
    let c = code(&app, &rp, "openid legacy:read", &[]).await;
    let (status, v) = exchange(&rp, &c, None).await;
    assert_eq!(status, 200, "{v}");
    let at = access(&v);
    assert_eq!(at.len(), 43, "an opaque token: {at}");
    assert_eq!(v["scope"], "legacy:read");
    let (_, i) = read(rp.post("/introspect", &[("token", &at)]).await).await;
    assert_eq!(i["active"], true);
    assert_eq!(i["aud"], LEGACY);
    assert_eq!(i["scope"], "legacy:read");

    // Without an API scope, tokens are for UserInfo, as before.
    let v = rp.tokens(&app, &[("scope", "openid email")]).await;
    let at = access(&v);
    assert_eq!(at.len(), 43);
    assert_eq!(rp.userinfo(&at).await.status(), 200);
    let (_, i) = read(rp.post("/introspect", &[("token", &at)]).await).await;
    assert_eq!(i["aud"], rp.id);
}

#[tokio::test]
async fn a_revoked_jwt_access_token_is_inactive_at_introspection() {
    let (app, rp) = setup().await;
    let c = code(&app, &rp, "openid invoices:read", &[BILLING]).await;
    let (_, v) = exchange(&rp, &c, None).await;
    let at = access(&v);
    assert_eq!(jwt_payload(&at)["aud"], BILLING, "the only granted API");
    let (_, i) = read(rp.post("/introspect", &[("token", &at)]).await).await;
    assert_eq!(i["active"], true, "{i}");
    assert_eq!(i["aud"], BILLING);
    assert_eq!(i["token_type"], "Bearer");
    let r = rp
        .post(
            "/revoke",
            &[("token", &at), ("token_type_hint", "access_token")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, i) = read(rp.post("/introspect", &[("token", &at)]).await).await;
    assert_eq!(i, serde_json::json!({ "active": false }));
    // A forged token (its signature broken) was never issued: inactive too.
    let forged = format!("{}x", &at[..at.len() - 1]);
    let (_, i) = read(rp.post("/introspect", &[("token", &forged)]).await).await;
    assert_eq!(i["active"], false);
}

#[tokio::test]
async fn clients_acting_for_themselves_get_tokens_for_their_api() {
    let app = TestApp::spawn().await;
    add_resources(&app).await;
    let rp = Rp::register(&app, |s| {
        s.redirect_uris = vec![];
        s.post_logout_redirect_uris = vec![];
        s.grant_types = vec!["client_credentials".into()];
        s.resources = vec![BILLING.into()];
    })
    .await;
    let cc = |scope: &'static str, resources: &'static [&'static str]| {
        let mut form = vec![("grant_type", "client_credentials"), ("scope", scope)];
        form.extend(resources.iter().map(|r| ("resource", *r)));
        form
    };
    let (status, v) = read(rp.token(&cc("invoices:write", &[])).await).await;
    assert_eq!(status, 200, "{v}");
    let claims = jwt_payload(&access(&v));
    assert_eq!(claims["aud"], BILLING);
    assert_eq!(claims["sub"], rp.id, "RFC 9068 §2.2: the client itself");
    assert_eq!(claims["scope"], "invoices:write");
    assert!(claims.get("auth_time").is_none() && claims.get("acr").is_none());
    for (form, error) in [
        (cc("files:read", &[FILES]), "invalid_target"),
        (cc("invoices:read", &[BILLING, FILES]), "invalid_target"),
        (cc("files:read", &[]), "invalid_scope"),
    ] {
        let (status, e) = read(rp.token(&form).await).await;
        assert_eq!(
            (status, e["error"].as_str()),
            (400, Some(error)),
            "{form:?}"
        );
    }
}

#[tokio::test]
async fn resources_are_managed_from_the_command_line() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let db = app.state.config.database.url.clone();
    let cli = || daemun(dir.path(), &db);
    let (ok, out, err) = run(cli().args([
        "resource",
        "add",
        BILLING,
        "--name",
        "Billing",
        "--scope",
        "invoices:read",
        "--json",
    ]));
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["access_token_format"], "jwt");
    assert_eq!(v["alg"], "RS256");
    for (args, says) in [
        (
            vec!["resource", "add", BILLING, "--name", "Again"],
            "already registered",
        ),
        (
            vec!["resource", "add", "billing", "--name", "B"],
            "absolute URI",
        ),
        (
            vec!["resource", "add", FILES, "--name", "F", "--scope", "email"],
            "Daemun's own scopes",
        ),
        (
            vec!["resource", "add", FILES, "--name", "F", "--alg", "HS256"],
            "RS256 or ES256",
        ),
    ] {
        let (ok, _, err) = run(cli().args(&args));
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
    let (ok, out, _) = run(cli().args(["resource", "add", LEGACY, "--name", "Legacy", "--opaque"]));
    assert!(ok, "{out}");

    // Given to a client, by identifier; an unknown one is refused.
    let (ok, out, err) = run(cli().args([
        "client",
        "add",
        "--name",
        "Ledger",
        "--redirect-uri",
        "https://ledger.example/cb",
        "--resource",
        BILLING,
        "--json",
    ]));
    assert!(ok, "{err}");
    let id = serde_json::from_str::<Value>(&out).unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ok, _, err) = run(cli().args([
        "client",
        "update",
        &id,
        "--resource",
        "https://nope.example",
    ]));
    assert!(!ok && err.contains("unknown resource"), "{err}");
    let (_, out, _) = run(cli().args(["client", "show", &id, "--json"]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["resources"],
        serde_json::json!([BILLING])
    );

    // Removal waits until no client names it.
    let (ok, _, err) = run(cli().args(["resource", "remove", BILLING]));
    assert!(!ok && err.contains(&id), "{err}");
    let (ok, _, err) = run(cli().args(["client", "update", &id, "--resource", ""]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["resource", "remove", BILLING]));
    assert!(ok, "{err}");
    let (_, out, _) = run(cli().args(["resource", "list"]));
    assert!(
        !out.contains(BILLING) && out.contains(LEGACY) && out.contains("opaque"),
        "{out}"
    );
    let events = crate::cli::events(&db).await;
    for e in ["resource.added", "resource.removed"] {
        assert!(events.iter().any(|x| x.event == e), "{e}");
    }
}

#[tokio::test]
async fn administrators_register_apis_and_give_them_to_applications() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = crate::admin::admin(&app).await;
    let page = "/admin/resources";
    let add = |resource: &'static str, name: &'static str, scopes: &'static str| {
        vec![
            ("action", "add"),
            ("resource", resource),
            ("name", name),
            ("scopes", scopes),
            ("alg", "ES256"),
        ]
    };
    // Refusals name the field, and nothing is written.
    for (form, says) in [
        (add("billing", "Billing", "invoices:read"), "absolute URI"),
        (add(BILLING, "Billing", "email"), "not one of openid"),
        (add(BILLING, " ", "invoices:read"), "Enter a name"),
    ] {
        let r = admin.submit(page, page, &form).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{says}: {html}");
    }
    assert!(app.state.store.resources().await.unwrap().is_empty());

    let html = crate::admin::act(
        &admin,
        page,
        &add(BILLING, "Billing", "invoices:read invoices:write"),
    )
    .await;
    assert!(
        html.contains("The API is registered") && html.contains("invoices:write"),
        "{html}"
    );
    let r = app.state.store.resource(BILLING).await.unwrap().unwrap();
    assert_eq!((r.alg.as_str(), r.jwt), ("ES256", true));
    let r = admin.submit(page, page, &add(BILLING, "Again", "")).await;
    assert_eq!(r.status(), 422, "taken");

    // Given to an application on its settings page; then it cannot be removed.
    let rp = Rp::register(&app, |_| {}).await;
    let client_page = format!("/admin/clients/{}", rp.id);
    let html = admin.get(&client_page).await.text().await.unwrap();
    assert!(html.contains("name=\"resources\""), "{html}");
    let save = |resources: &'static str| {
        vec![
            ("action", "save"),
            ("name", "Board"),
            ("redirect_uris", REDIRECT_URI),
            ("grant_authorization_code", "1"),
            ("scope_openid", "1"),
            ("id_token_alg", "RS256"),
            ("resources", resources),
        ]
    };
    let unknown = "https://billing.example/api\nhttps://unknown.example";
    let r = admin
        .submit(&client_page, &client_page, &save(unknown))
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("daemun resource add"));
    let html = crate::admin::act(&admin, &client_page, &save(BILLING)).await;
    assert!(html.contains("settings are saved"), "{html}");
    let c = app.state.store.client(&rp.id).await.unwrap().unwrap();
    assert_eq!(c.resources, vec![BILLING.to_owned()]);

    let html =
        crate::admin::act(&admin, page, &[("action", "remove"), ("resource", BILLING)]).await;
    assert!(html.contains("still has this API"), "{html}");
    assert!(app.state.store.resource(BILLING).await.unwrap().is_some());
    assert_eq!(
        crate::admin::admin_events(&app, "resource.added", &admin_sub).await,
        1
    );
}

/// A pushed request (RFC 9126) carries its resources like any other parameter, repeated.
#[tokio::test]
async fn pushed_requests_carry_their_resources() {
    let (app, rp) = setup().await;
    let mut params = rp.authorize_params(&[("scope", "openid invoices:read files:read")]);
    params.retain(|(k, _)| *k != "client_id");
    params.extend([("resource", BILLING), ("resource", FILES)]);
    let (status, v) = read(rp.post("/par", &params).await).await;
    assert_eq!(status, 201, "{v}");
    let uri = v["request_uri"].as_str().unwrap();
    let c = code_at(
        &app,
        &authorize_path_with(&[("client_id", &rp.id), ("request_uri", uri)]),
    )
    .await;
    let (status, v) = exchange(&rp, &c, Some(FILES)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(jwt_payload(&access(&v))["aud"], FILES);
    // At /par, a resource the client was not given is refused at once, as JSON.
    let (status, e) = read(
        rp.post(
            "/par",
            &[
                ("redirect_uri", rp.redirect_uri.as_str()),
                ("response_type", "code"),
                ("scope", "openid"),
                ("resource", "https://unknown.example"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_target")));
}
