//! Clients kept in memory by the protocol endpoints (`database.client_cache_ms`): a change
//! made through another node or process takes effect within that time, one made through the
//! serving node at once, and a new secret works at once everywhere.
use std::time::Duration;

use daemun::oidc::registration::{self, ClientSpec};
use daemun::store::Store;

use crate::helpers::TestApp;
use crate::rp::Rp;

/// Long enough that the request right after a change still meets the kept copy on a loaded
/// machine; short enough for a test.
const KEPT_MS: u64 = 2_000;
const CC: [(&str, &str); 1] = [("grant_type", "client_credentials")];

async fn app_and_client() -> (TestApp, Rp, Store) {
    let app = TestApp::spawn_with(|c| c.database.client_cache_ms = KEPT_MS).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    assert_eq!(rp.token(&CC).await.status(), 200, "the client is now kept");
    // Another node on the same database: its own store, its own memory.
    let other = Store::connect(&app.state.config.database.url, 1)
        .await
        .unwrap();
    (app, rp, other)
}

async fn after_the_cache_time() {
    tokio::time::sleep(Duration::from_millis(KEPT_MS + 200)).await;
}

#[tokio::test]
async fn a_client_removed_on_another_node_is_refused_once_the_cache_time_is_over() {
    let (_app, rp, other) = app_and_client().await;
    assert!(other.delete_client(&rp.id).await.unwrap());
    assert_eq!(
        rp.token(&CC).await.status(),
        200,
        "served from this node's copy for a moment"
    );
    after_the_cache_time().await;
    assert_eq!(rp.token(&CC).await.status(), 401);
}

#[tokio::test]
async fn a_secret_rotated_on_another_node_works_at_once_and_the_old_one_stops() {
    let (app, rp, other) = app_and_client().await;
    let new = registration::rotate_secret(&other, &rp.id, app.clock_now())
        .await
        .unwrap()
        .unwrap();
    let fresh = Rp::new(&app.addr, &rp.id, Some(new));
    assert_eq!(
        fresh.token(&CC).await.status(),
        200,
        "the new secret at once"
    );
    // The refused-then-reread new secret refreshed this node's copy: the old one is out too.
    assert_eq!(rp.token(&CC).await.status(), 401);
}

#[tokio::test]
async fn an_old_secret_stops_within_the_cache_time_even_if_nobody_uses_the_new_one() {
    let (app, rp, other) = app_and_client().await;
    registration::rotate_secret(&other, &rp.id, app.clock_now())
        .await
        .unwrap()
        .unwrap();
    after_the_cache_time().await;
    assert_eq!(rp.token(&CC).await.status(), 401);
}

#[tokio::test]
async fn a_change_through_the_serving_node_takes_effect_at_once() {
    let (app, rp, _other) = app_and_client().await;
    let spec = ClientSpec {
        name: "Board".into(),
        redirect_uris: vec![rp.redirect_uri.clone()],
        grant_types: vec!["authorization_code".into()],
        ..ClientSpec::default()
    };
    registration::update(&app.state.store, &rp.id, &spec, app.clock_now())
        .await
        .unwrap()
        .unwrap();
    let r = rp.token(&CC).await;
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized_client");
}

#[tokio::test]
async fn with_the_cache_off_another_node_s_change_is_seen_at_once() {
    let app = TestApp::spawn_with(|c| c.database.client_cache_ms = 0).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    assert_eq!(rp.token(&CC).await.status(), 200);
    let other = Store::connect(&app.state.config.database.url, 1)
        .await
        .unwrap();
    assert!(other.delete_client(&rp.id).await.unwrap());
    assert_eq!(rp.token(&CC).await.status(), 401);
}
