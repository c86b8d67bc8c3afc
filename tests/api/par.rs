//! Pushed authorization requests (RFC 9126) over HTTP: push, use once, expiry, a client that
//! must push, and the refusals at `/par`.
use serde_json::Value;

use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::{Rp, basic, client_post, code_at, read};

/// Pushes the usual request of `rp` (with `extra`): the status and JSON body.
async fn push(rp: &Rp, extra: &[(&str, &str)]) -> (u16, Value) {
    let params = rp.authorize_params(extra);
    read(rp.post("/par", &params).await).await
}

/// `/authorize` with only `client_id` and `request_uri`.
fn authorize_with(rp: &Rp, request_uri: &str) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &rp.id)
        .append_pair("request_uri", request_uri)
        .finish();
    format!("/authorize?{q}")
}

#[tokio::test]
async fn a_pushed_request_is_used_once_by_the_browser_that_carries_it() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| s.first_party = true).await;
    let meta = app.discovery().await;
    assert_eq!(
        meta["pushed_authorization_request_endpoint"],
        format!("{}/par", app.addr)
    );
    assert_eq!(meta["require_pushed_authorization_requests"], false);

    let (status, body) = push(&rp, &[("nonce", "n-1"), ("state", "pushed")]).await;
    assert_eq!(status, 201, "{body}");
    let uri = body["request_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{uri}"
    );
    assert_eq!(body["expires_in"], 60);

    logged_in_user(&app, "par@example.com", "Par").await;
    // The parameters come from the push: the state and nonce the browser never carried.
    let r = app.get(&authorize_with(&rp, &uri)).await;
    assert_eq!(r.status(), 303);
    let back = location_params(&r);
    assert_eq!(back["state"], "pushed");
    let (status, tokens) = rp.exchange(&back["code"], None).await;
    assert_eq!(status, 200, "{tokens}");
    let id = jwt_payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-1");

    // Used once: the same request_uri again is an expired request.
    let r = app.get(&authorize_with(&rp, &uri)).await;
    assert_eq!(r.status(), 400);

    // Expired after a minute.
    let (_, body) = push(&rp, &[]).await;
    let uri = body["request_uri"].as_str().unwrap().to_owned();
    app.clock.advance_secs(61);
    assert_eq!(app.get(&authorize_with(&rp, &uri)).await.status(), 400);

    // Another client cannot use it, and it stays for its own.
    let other = Rp::register(&app, |s| s.first_party = true).await;
    let (_, body) = push(&rp, &[]).await;
    let uri = body["request_uri"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&authorize_with(&other, &uri)).await.status(), 400);
    let code = code_at(&app, &authorize_with(&rp, &uri)).await;
    assert_eq!(rp.exchange(&code, None).await.0, 200);
}

#[tokio::test]
async fn the_endpoint_validates_like_authorize_and_answers_in_json() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("redirect_uri", "https://evil.example/cb")],
            "invalid_request",
        ),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (vec![("scope", "email")], "invalid_scope"),
        (
            vec![("request_uri", "urn:ietf:params:oauth:request_uri:x")],
            "invalid_request",
        ),
        (vec![("client_id", "someone-else")], "invalid_request"),
        (
            vec![
                ("code_challenge_method", "plain"),
                ("code_challenge", "abc"),
            ],
            "invalid_request",
        ),
    ];
    for (extra, error) in cases {
        let (status, body) = push(&rp, &extra).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(error)),
            "{extra:?}: {body}"
        );
    }
    // Client authentication as at /token.
    let params = rp.authorize_params(&[]);
    let r = client_post(&app, "/par", Some(basic(&rp.id, "wrong")), &params).await;
    assert_eq!(r.status(), 401);
    let (status, _) = read(client_post(&app, "/par", None, &params).await).await;
    assert_eq!(status, 401, "a confidential client must authenticate");
}

#[tokio::test]
async fn a_client_that_requires_par_refuses_plain_requests() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.require_par = true;
        s.first_party = true;
    })
    .await;
    logged_in_user(&app, "strict@example.com", "Strict").await;
    let r = app.get(&rp.authorize_path(&[])).await;
    assert_eq!(r.status(), 303);
    let back = location_params(&r);
    assert!(location(&r).starts_with(&rp.redirect_uri));
    assert_eq!(back["error"], "invalid_request");
    assert!(!back.contains_key("code"));
    let (_, body) = push(&rp, &[]).await;
    let code = code_at(
        &app,
        &authorize_with(&rp, body["request_uri"].as_str().unwrap()),
    )
    .await;
    assert_eq!(rp.exchange(&code, None).await.0, 200);
}
