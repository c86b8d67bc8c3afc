//! The JSON API at `/api/articles` against a real Daemun: the app's API and another one are
//! registered there with a client that gets tokens with the client credentials grant (RFC 6749
//! §4.4); a token for the app's API reads the board, and every other token is refused as RFC 6750
//! §3 says. The checks of each claim on its own are in `tests/access_tokens.rs`.
mod helpers;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use daemun::domain::resource::{Resource, ResourceSpec};
use daemun::keys::signing::{Alg, SigningKey};
use helpers::*;
use serde_json::{Value, json};

/// The app's API identifier.
const API: &str = "https://board.example.com/api";
/// Another API registered with the same Daemun.
const OTHER: &str = "https://billing.example.com/api";

/// Registers the app's API (ES256, with `articles:read` and `articles:write`) and another API
/// (RS256) in Daemun, and a client that may get tokens for both with the client credentials
/// grant. Returns its id and secret.
async fn api_client(world: &World) -> (String, String) {
    let store = &world.daemun_state.store;
    for (id, name, scopes, alg) in [
        (
            API,
            "Articles",
            vec!["articles:read", "articles:write"],
            "ES256",
        ),
        (OTHER, "Billing", vec!["invoices:read"], "RS256"),
    ] {
        let spec = ResourceSpec {
            resource_id: id.into(),
            name: name.into(),
            scopes: scopes.into_iter().map(str::to_owned).collect(),
            alg: Some(alg.into()),
            opaque: false,
        };
        let resource = Resource::new(&spec, now_ms()).expect("valid resource");
        store.insert_resource(&resource).await.expect("registered");
    }
    let spec = daemun::oidc::registration::ClientSpec {
        name: "Reader".into(),
        grant_types: vec!["client_credentials".into()],
        resources: vec![API.into(), OTHER.into()],
        ..Default::default()
    };
    let registered = daemun::oidc::registration::register(store, &spec, now_ms())
        .await
        .expect("client registers");
    let secret = registered.secret.expect("a confidential client");
    (registered.client.client_id, secret)
}

/// An access token from Daemun's token endpoint for `scope` (client credentials, RFC 6749
/// §4.4), with the claims it carries.
async fn token_for(world: &World, client: &(String, String), scope: &str) -> (String, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/token", world.daemun))
        .basic_auth(&client.0, Some(&client.1))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .expect("POST /token");
    assert_eq!(r.status(), 200, "a token for {scope}");
    let body: Value = serde_json::from_str(&r.text().await.expect("body")).expect("JSON");
    let token = body["access_token"].as_str().expect("a token").to_owned();
    let claims = token.split('.').nth(1).expect("a JWT");
    let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("base64"));
    (token, claims.expect("JSON claims"))
}

/// `GET /api/articles` with `authorization` as the header, if any.
async fn call_api(world: &World, authorization: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(world.app_url("/api/articles"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.expect("GET /api/articles")
}

/// The status, the `WWW-Authenticate` header (empty when absent) and the JSON body.
async fn answer(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let content_type = r.headers().get("content-type").cloned();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "a JSON answer ({status})"
    );
    let body = serde_json::from_str(&r.text().await.expect("body")).expect("JSON");
    (status, challenge, body)
}

#[tokio::test]
async fn a_client_with_a_token_for_the_api_reads_the_board() {
    let world = World::start_with_api(Some(API)).await;
    world.user("alice@example.com", "Alice Author").await;
    let alice = world.browser();
    assert_eq!(
        world
            .log_in(&alice, "alice@example.com", "/")
            .await
            .status(),
        303
    );
    let r = alice
        .submit(
            &world,
            "/articles/new",
            "/articles",
            &[("title", "On \"tokens\""), ("body", "Checked locally.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let client = api_client(&world).await;

    // RFC 9068: Daemun's token for the API, checked by the app against Daemun's JWKS.
    let (token, claims) = token_for(&world, &client, "articles:read").await;
    assert_eq!(
        (claims["aud"].as_str(), claims["sub"].as_str()),
        (Some(API), Some(client.0.as_str()))
    );
    let r = call_api(&world, Some(&format!("Bearer {token}"))).await;
    assert!(
        r.headers().get("set-cookie").is_none(),
        "no session for API calls"
    );
    let (status, challenge, body) = answer(r).await;
    assert_eq!((status, challenge.as_str()), (200, ""), "{body}");
    let articles = body["articles"].as_array().expect("a list");
    assert_eq!(articles.len(), 1, "{body}");
    assert_eq!(articles[0]["title"], "On \"tokens\"");
    assert_eq!(articles[0]["author"], "Alice Author");
    assert!(articles[0].get("author_sub").is_none());

    // The scheme's name in any case (RFC 9110 §11.1).
    let r = call_api(&world, Some(&format!("bearer {token}"))).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn tokens_for_other_apis_without_the_scope_or_of_other_kinds_are_refused() {
    let world = World::start_with_api(Some(API)).await;
    world.user("alice@example.com", "Alice").await;
    let client = api_client(&world).await;
    let realm = "Bearer realm=\"articles\"";

    // RFC 6750 §3.1: no token at all, or another scheme: 401 and a challenge without an error.
    for authorization in [None, Some("Basic YTpi")] {
        let (status, challenge, body) = answer(call_api(&world, authorization).await).await;
        assert_eq!(
            (status, challenge.as_str()),
            (401, realm),
            "{authorization:?}"
        );
        assert_eq!(body["error"], "unauthorized");
    }
    // Not one Bearer token: 400 invalid_request.
    let (status, challenge, body) = answer(call_api(&world, Some("Bearer")).await).await;
    assert_eq!(status, 400);
    assert!(
        challenge.starts_with(&format!("{realm}, error=\"invalid_request\"")),
        "{challenge}"
    );
    assert_eq!(body["error"], "invalid_request");

    // A valid Daemun token for the other API: 401 invalid_token.
    let (other, claims) = token_for(&world, &client, "invoices:read").await;
    assert_eq!(claims["aud"], OTHER);
    let (status, challenge, body) =
        answer(call_api(&world, Some(&format!("Bearer {other}"))).await).await;
    assert_eq!(status, 401);
    assert!(
        challenge.starts_with(&format!("{realm}, error=\"invalid_token\"")),
        "{challenge}"
    );
    assert_eq!(body["error"], "invalid_token");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("another API"),
        "{body}"
    );

    // A token for the API without `articles:read`: 403 insufficient_scope, naming the scope.
    let (write_only, claims) = token_for(&world, &client, "articles:write").await;
    assert_eq!(
        (claims["aud"].as_str(), claims["scope"].as_str()),
        (Some(API), Some("articles:write"))
    );
    let (status, challenge, body) =
        answer(call_api(&world, Some(&format!("Bearer {write_only}"))).await).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        challenge.starts_with(&format!("{realm}, error=\"insufficient_scope\"")),
        "{challenge}"
    );
    assert!(
        challenge.ends_with(", scope=\"articles:read\""),
        "{challenge}"
    );
    assert_eq!(body["error"], "insufficient_scope");

    // Garbage, and a token signed by a key that is not Daemun's (the app fetches the JWKS once
    // more, and the key is not there either): 401 invalid_token, never a 500.
    let (stranger, _) = SigningKey::generate(Alg::Es256).expect("key pair");
    let mut forged = claims.clone();
    forged["scope"] = json!("articles:read");
    let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": stranger.kid() });
    let forged = sign_jws(&stranger, &header, &forged);
    for token in ["garbage", "a.b.c", "e30.e30.", forged.as_str()] {
        let (status, challenge, body) =
            answer(call_api(&world, Some(&format!("Bearer {token}"))).await).await;
        assert_eq!(status, 401, "{token}: {body}");
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    }

    // Daemun's ID token, signed by the same keys, is not an access token.
    let alice = world.browser();
    assert_eq!(
        world
            .log_in(&alice, "alice@example.com", "/")
            .await
            .status(),
        303
    );
    let r = alice.submit(&world, "/", "/logout", &[]).await;
    let id_token = query_params(&location(&r))["id_token_hint"].clone();
    let (status, _, body) =
        answer(call_api(&world, Some(&format!("Bearer {id_token}"))).await).await;
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("at+jwt"),
        "{body}"
    );
}

#[tokio::test]
async fn without_an_api_identifier_there_is_no_api() {
    let world = World::start().await;
    let client = api_client(&world).await;
    let (token, _) = token_for(&world, &client, "articles:read").await;
    let (status, challenge, body) =
        answer(call_api(&world, Some(&format!("Bearer {token}"))).await).await;
    assert_eq!((status, challenge.as_str()), (404, ""));
    assert_eq!(body["error"], "not_found");
}
