//! Store contract: every store function behaves the same on SQLite and PostgreSQL.
use daemun::domain::secret::{SecretToken, random_id};
use daemun::store::email_tokens::TokenPurpose;
use daemun::store::outbox::NewMail;
use daemun::store::sessions::SessionRecord;
use daemun::store::users::NewUser;
use daemun::store::{Store, StoreError};

use crate::helpers::test_store;

const NOW: i64 = 1_800_000_000_000;

pub fn new_user(email: &str, username: Option<&str>) -> NewUser {
    NewUser {
        sub: random_id(),
        email: email.to_owned(),
        email_normalized: email.to_lowercase(),
        username: username.map(str::to_owned),
        username_normalized: username.map(str::to_lowercase),
        display_name: "Test".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        email_verified: false,
        is_admin: false,
        locale: None,
    }
}

#[test]
fn both_backends_carry_the_same_migrations() {
    let (sqlite, postgres) = Store::migration_names();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let files = |dir: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        v.sort();
        v
    };
    assert_eq!(files("migrations/sqlite"), files("migrations/postgres"));
}

#[tokio::test]
async fn users_are_unique_by_normalised_email_and_username() {
    let (store, _dir) = test_store().await;
    let a = store
        .create_user(&new_user("a@example.com", Some("Alpha")), NOW)
        .await
        .unwrap();
    assert_eq!(a.email, "a@example.com");
    assert!(!a.email_verified && a.is_active && !a.is_admin);
    assert_eq!(a.created_at, NOW);
    match store
        .create_user(&new_user("a@example.com", None), NOW)
        .await
    {
        Err(StoreError::Conflict { column }) => assert_eq!(column, "email_normalized"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    match store
        .create_user(&new_user("b@example.com", Some("alpha")), NOW)
        .await
    {
        Err(StoreError::Conflict { column }) => assert_eq!(column, "username_normalized"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Several accounts without a username are fine.
    store
        .create_user(&new_user("c@example.com", None), NOW)
        .await
        .unwrap();
    store
        .create_user(&new_user("d@example.com", None), NOW)
        .await
        .unwrap();
    let (u, hash) = store.credentials("alpha", false).await.unwrap().unwrap();
    assert_eq!(u.user_id, a.user_id);
    assert!(hash.starts_with("$argon2id$"));
    assert!(store.credentials("zzz", false).await.unwrap().is_none());
    assert_eq!(
        store.user_by_id(a.user_id).await.unwrap().unwrap().sub,
        a.sub
    );
}

#[tokio::test]
async fn a_verification_token_works_once_even_when_raced() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("t@example.com", None), NOW)
        .await
        .unwrap();
    let token = SecretToken::generate();
    store
        .insert_email_token(
            &token.hash(),
            TokenPurpose::VerifyEmail,
            u.user_id,
            "t@example.com",
            NOW,
            NOW + 1000,
        )
        .await
        .unwrap();
    assert!(
        store
            .email_token_is_live(&token.hash(), TokenPurpose::VerifyEmail, NOW)
            .await
            .unwrap()
    );
    assert!(
        !store
            .email_token_is_live(&token.hash(), TokenPurpose::VerifyEmail, NOW + 1000)
            .await
            .unwrap(),
        "expired"
    );
    let hash = token.hash();
    let (a, b) = tokio::join!(
        store.verify_email_with_token(&hash, NOW),
        store.verify_email_with_token(&hash, NOW)
    );
    let wins = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|r| r.is_some())
        .count();
    assert_eq!(wins, 1);
    assert!(
        store
            .user_by_id(u.user_id)
            .await
            .unwrap()
            .unwrap()
            .email_verified
    );
    assert!(
        !store
            .email_token_is_live(&token.hash(), TokenPurpose::VerifyEmail, NOW)
            .await
            .unwrap(),
        "spent"
    );
}

#[tokio::test]
async fn an_expired_verification_token_changes_nothing() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("x@example.com", None), NOW)
        .await
        .unwrap();
    let token = SecretToken::generate();
    store
        .insert_email_token(
            &token.hash(),
            TokenPurpose::VerifyEmail,
            u.user_id,
            "x@example.com",
            NOW,
            NOW + 10,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .verify_email_with_token(&token.hash(), NOW + 10)
            .await
            .unwrap(),
        None
    );
    assert!(
        !store
            .user_by_id(u.user_id)
            .await
            .unwrap()
            .unwrap()
            .email_verified
    );
}

fn session(user_id: i64, hash: Vec<u8>) -> SessionRecord {
    SessionRecord {
        session_hash: hash,
        sid: random_id(),
        user_id,
        auth_time: NOW,
        amr: "pwd".into(),
        remember: false,
        created_at: NOW,
        last_seen_at: NOW,
        idle_expires_at: NOW + 100,
        absolute_expires_at: NOW + 1000,
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
    }
}

#[tokio::test]
async fn sessions_live_until_idle_or_absolute_expiry_and_die_with_the_account() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("s@example.com", None), NOW)
        .await
        .unwrap();
    let h = SecretToken::generate().hash();
    store
        .insert_session(&session(u.user_id, h.clone()))
        .await
        .unwrap();
    let (s, user) = store.live_session(&h, NOW + 50).await.unwrap().unwrap();
    assert_eq!((s.amr.as_str(), user.user_id), ("pwd", u.user_id));
    assert!(
        store.live_session(&h, NOW + 100).await.unwrap().is_none(),
        "idle expiry"
    );
    store.touch_session(&h, NOW + 90, NOW + 5000).await.unwrap();
    assert!(
        store.live_session(&h, NOW + 500).await.unwrap().is_some(),
        "touched"
    );
    assert!(
        store.live_session(&h, NOW + 1000).await.unwrap().is_none(),
        "idle never passes absolute"
    );
    store.set_active(u.user_id, false, NOW).await.unwrap();
    assert!(
        store.sessions_of_user(u.user_id).await.unwrap().is_empty(),
        "disabling ends sessions"
    );
}

#[tokio::test]
async fn throttle_counts_every_concurrent_hit_and_resets_per_window() {
    let (store, _dir) = test_store().await;
    let hits = futures::future::join_all((0..20).map(|_| store.throttle_hit("b", NOW, 1000))).await;
    let mut counts: Vec<i64> = hits.into_iter().map(Result::unwrap).collect();
    counts.sort();
    assert_eq!(counts, (1..=20).collect::<Vec<_>>());
    assert_eq!(store.throttle_count("b", NOW + 999).await.unwrap(), 20);
    assert_eq!(
        store.throttle_hit("b", NOW + 1000, 1000).await.unwrap(),
        1,
        "a new window"
    );
}

#[tokio::test]
async fn the_outbox_hands_each_mail_to_one_sender_and_retries_failures() {
    let (store, _dir) = test_store().await;
    let mail = NewMail {
        to_address: "o@example.com".into(),
        subject: "s".into(),
        body_text: "t".into(),
        body_html: "h".into(),
    };
    let id = store.enqueue_mail(&mail, NOW).await.unwrap();
    let (a, b) = tokio::join!(
        store.claim_due_mail(NOW, NOW + 100),
        store.claim_due_mail(NOW, NOW + 100)
    );
    let claimed: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(claimed.len(), 1, "one node gets it");
    assert_eq!((claimed[0].mail_id, claimed[0].attempts), (id, 1));
    store
        .mark_mail_failed(id, NOW, Some(NOW + 500), "down")
        .await
        .unwrap();
    assert!(
        store
            .claim_due_mail(NOW + 499, NOW + 600)
            .await
            .unwrap()
            .is_none(),
        "not due yet"
    );
    let again = store
        .claim_due_mail(NOW + 500, NOW + 600)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);
    store.mark_mail_sent(id, NOW + 500).await.unwrap();
    assert_eq!(store.pending_mail_count().await.unwrap(), 0);
    // A lock that expired (the sender died) lets another node retry.
    let id2 = store.enqueue_mail(&mail, NOW).await.unwrap();
    assert!(
        store
            .claim_due_mail(NOW, NOW + 100)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .claim_due_mail(NOW + 50, NOW + 150)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .claim_due_mail(NOW + 100, NOW + 200)
            .await
            .unwrap()
            .unwrap()
            .mail_id,
        id2
    );
    store
        .mark_mail_failed(id2, NOW, None, "gave up")
        .await
        .unwrap();
    assert_eq!(store.pending_mail_count().await.unwrap(), 0, "given up");
}

#[tokio::test]
async fn the_janitor_removes_expired_rows_only() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("j@example.com", None), NOW)
        .await
        .unwrap();
    let live = SecretToken::generate().hash();
    let dead = SecretToken::generate().hash();
    let mut s = session(u.user_id, live.clone());
    s.idle_expires_at = NOW + 10_000;
    s.absolute_expires_at = NOW + 10_000;
    store.insert_session(&s).await.unwrap();
    store
        .insert_session(&session(u.user_id, dead.clone()))
        .await
        .unwrap();
    store.throttle_hit("old", NOW, 10).await.unwrap();
    let removed = store.delete_expired(NOW + 5000).await.unwrap();
    assert_eq!(removed, 2);
    assert_eq!(store.sessions_of_user(u.user_id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn audit_events_are_recorded_and_listed_newest_first() {
    let (store, _dir) = test_store().await;
    for (i, event) in ["signup", "login.success"].iter().enumerate() {
        store
            .record_audit(&daemun::store::audit::AuditEvent {
                at: NOW + i as i64,
                event: (*event).into(),
                user_id: Some(7),
                client_id: None,
                ip: "192.0.2.1".into(),
                user_agent: "ua".into(),
                detail: String::new(),
                sub: None,
            })
            .await
            .unwrap();
    }
    let events = store.recent_audit(Some(7), 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
        ["login.success", "signup"]
    );
    assert!(store.recent_audit(Some(8), 10).await.unwrap().is_empty());
}
