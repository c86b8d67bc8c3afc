//! Client credentials tokens are written in shared commits (`store::token_writer`): each
//! request still gets its own answer, only after its own row is stored, and one bad row
//! fails only its own request. On SQLite and PostgreSQL alike.
use std::collections::HashSet;

use daemun::domain::secret::{SecretToken, random_id};
use daemun::store::Store;
use daemun::store::tokens::AccessTokenRow;
use futures::future::join_all;

use crate::helpers::{TestApp, test_store};
use crate::rp::Rp;

const NOW: i64 = 1_800_000_000_000;

fn row(token: &SecretToken) -> AccessTokenRow {
    AccessTokenRow {
        token_hash: token.hash(),
        grant_id: None,
        client_id: random_id(),
        user_id: None,
        scopes: String::new(),
        created_at: NOW,
        expires_at: NOW + 3_600_000,
        audience: None,
    }
}

async fn stored(store: &Store, token: &SecretToken) -> bool {
    store
        .access_token(&token.hash(), NOW)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn concurrent_tokens_are_each_stored_before_their_writes_return() {
    let (store, _dir) = test_store().await;
    let tokens: Vec<SecretToken> = (0..200).map(|_| SecretToken::generate()).collect();
    let writes = tokens.iter().map(|t| {
        let store = store.clone();
        let row = row(t);
        async move { store.insert_client_access_token(&row).await }
    });
    for result in join_all(writes).await {
        result.unwrap();
    }
    for t in &tokens {
        assert!(stored(&store, t).await);
    }
}

#[tokio::test]
async fn a_row_that_cannot_be_written_fails_alone() {
    let (store, _dir) = test_store().await;
    let taken = SecretToken::generate();
    store
        .insert_client_access_token(&row(&taken))
        .await
        .unwrap();
    let others: Vec<SecretToken> = (0..8).map(|_| SecretToken::generate()).collect();
    let mut rows: Vec<AccessTokenRow> = others.iter().map(row).collect();
    // The same token hash again: the primary key refuses it.
    rows.insert(4, row(&taken));
    let results = join_all(rows.iter().map(|r| store.insert_client_access_token(r))).await;
    assert!(results[4].is_err(), "the duplicate is refused");
    let written = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(written, 8, "every other row is written: {results:?}");
    for t in &others {
        assert!(stored(&store, t).await);
    }
}

#[tokio::test]
async fn concurrent_token_requests_each_get_a_working_token() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    let form = [("grant_type", "client_credentials")];
    let answers = join_all((0..64).map(|_| rp.token(&form))).await;
    let mut seen = HashSet::new();
    for r in answers {
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        let token = body["access_token"].as_str().unwrap().to_owned();
        let (status, info) =
            crate::rp::read(rp.post("/introspect", &[("token", &token)]).await).await;
        assert_eq!(status, 200);
        assert_eq!(info["active"], true, "{token}");
        assert!(seen.insert(token), "tokens are distinct");
    }
}
