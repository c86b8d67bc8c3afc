//! Second factors in the store, on SQLite and PostgreSQL alike: a sealed authenticator secret,
//! codes accepted once and only for later steps (even when two requests race), recovery codes
//! spent once and replaced as a set.
use base64::Engine;
use daemun::domain::recovery_code::RecoveryCode;
use daemun::domain::totp::{Check, TotpSecret};
use daemun::keys::{Kek, seal};
use daemun::store::Store;
use futures::future::join_all;

use crate::helpers::test_store;
use crate::store::new_user;

const NOW: i64 = 1_800_000_000_000;

async fn person(store: &Store, email: &str) -> i64 {
    store
        .create_user(&new_user(email, None), NOW)
        .await
        .unwrap()
        .user_id
}

#[tokio::test]
async fn an_app_is_enabled_by_its_first_code_and_each_step_counts_once() {
    let (store, _dir) = test_store().await;
    let me = person(&store, "totp@example.com").await;
    let kek =
        Kek::from_base64(&base64::engine::general_purpose::STANDARD.encode([9u8; 32])).unwrap();
    let secret = TotpSecret::generate();
    let aad = format!("totp:{me}");
    let sealed = seal::seal(&kek, &aad, secret.expose()).unwrap();
    assert!(store.begin_totp(me, &sealed, NOW).await.unwrap());

    let row = store.totp(me).await.unwrap().unwrap();
    assert!(row.enabled_at.is_none() && row.last_step.is_none());
    let opened = seal::open(&kek, &aad, &row.secret_sealed).unwrap();
    let secret = TotpSecret::from_bytes(opened).unwrap();
    let t = 2_000_000_000;
    let Check::Accepted { step } = secret.check(
        &secret.code_at(t).unwrap(),
        t,
        row.last_step.map(|s| s as u64),
    ) else {
        panic!("the current code is accepted");
    };
    let step = step as i64;
    assert!(store.accept_totp_step(me, step, NOW + 1).await.unwrap());
    let row = store.totp(me).await.unwrap().unwrap();
    assert_eq!((row.last_step, row.enabled_at), (Some(step), Some(NOW + 1)));

    // The same step again, or an earlier one, is a replay; a later one is fine and the app
    // stays enabled from its first code.
    assert!(!store.accept_totp_step(me, step, NOW + 2).await.unwrap());
    assert!(!store.accept_totp_step(me, step - 1, NOW + 2).await.unwrap());
    assert!(store.accept_totp_step(me, step + 1, NOW + 3).await.unwrap());
    assert_eq!(
        store.totp(me).await.unwrap().unwrap().enabled_at,
        Some(NOW + 1)
    );

    // An enabled app is not replaced by a new enrolment.
    assert!(!store.begin_totp(me, b"other", NOW + 4).await.unwrap());
    assert_eq!(store.totp(me).await.unwrap().unwrap().secret_sealed, sealed);
}

#[tokio::test]
async fn an_unconfirmed_enrolment_is_replaced_by_a_new_one() {
    let (store, _dir) = test_store().await;
    let me = person(&store, "again@example.com").await;
    assert!(store.begin_totp(me, b"first", NOW).await.unwrap());
    assert!(store.begin_totp(me, b"second", NOW + 1).await.unwrap());
    let row = store.totp(me).await.unwrap().unwrap();
    assert_eq!(row.secret_sealed, b"second");
    assert!(row.enabled_at.is_none());
}

#[tokio::test]
async fn two_requests_with_the_same_code_cannot_both_pass() {
    let (store, _dir) = test_store().await;
    let me = person(&store, "race@example.com").await;
    store.begin_totp(me, b"sealed", NOW).await.unwrap();
    let tries = join_all((0..8).map(|_| store.accept_totp_step(me, 42, NOW))).await;
    let passed = tries.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(passed, 1);
}

#[tokio::test]
async fn recovery_codes_work_once_for_their_owner_and_a_new_set_ends_the_old() {
    let (store, _dir) = test_store().await;
    let me = person(&store, "codes@example.com").await;
    let other = person(&store, "other@example.com").await;
    let set = RecoveryCode::generate_set();
    let hashes: Vec<Vec<u8>> = set.iter().map(RecoveryCode::hash).collect();
    store
        .replace_recovery_codes(me, &hashes, NOW)
        .await
        .unwrap();
    assert_eq!(store.recovery_codes_left(me).await.unwrap(), 10);

    let typed = RecoveryCode::from_typed(&set[3].expose().to_uppercase()).unwrap();
    assert_eq!(
        store
            .use_recovery_code(other, &typed.hash(), NOW)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .use_recovery_code(me, &typed.hash(), NOW)
            .await
            .unwrap(),
        Some(9)
    );
    assert_eq!(
        store
            .use_recovery_code(me, &typed.hash(), NOW)
            .await
            .unwrap(),
        None
    );

    let fresh = RecoveryCode::generate_set();
    let fresh_hashes: Vec<Vec<u8>> = fresh.iter().map(RecoveryCode::hash).collect();
    store
        .replace_recovery_codes(me, &fresh_hashes, NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        store
            .use_recovery_code(me, &set[0].hash(), NOW)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .use_recovery_code(me, &fresh[0].hash(), NOW)
            .await
            .unwrap(),
        Some(9)
    );
}

#[tokio::test]
async fn removing_factors_removes_the_app_and_every_code() {
    let (store, _dir) = test_store().await;
    let me = person(&store, "lost@example.com").await;
    store.begin_totp(me, b"sealed", NOW).await.unwrap();
    let hashes: Vec<Vec<u8>> = RecoveryCode::generate_set()
        .iter()
        .map(RecoveryCode::hash)
        .collect();
    store
        .replace_recovery_codes(me, &hashes, NOW)
        .await
        .unwrap();
    assert_eq!(store.remove_factors(me).await.unwrap(), 11);
    assert!(store.totp(me).await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(me).await.unwrap(), 0);
    assert_eq!(store.remove_factors(me).await.unwrap(), 0);
}
