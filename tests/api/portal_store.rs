//! Store contract for the portal: the same behaviour on SQLite and PostgreSQL.
use daemun::domain::secret::{SecretToken, random_id};
use daemun::store::Store;
use daemun::store::StoreError;
use daemun::store::account::{EmailChange, ProfileUpdate};
use daemun::store::email_tokens::{NewToken, TokenPurpose};
use daemun::store::sessions::SessionRecord;
use daemun::store::users::NewUser;

use crate::helpers::test_store;

const NOW: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

fn new_user(email: &str) -> NewUser {
    NewUser {
        sub: random_id(),
        email: email.to_owned(),
        email_normalized: email.to_lowercase(),
        username: None,
        username_normalized: None,
        display_name: "Test".into(),
        password_hash: "old-hash".into(),
        email_verified: false,
        is_admin: false,
        locale: None,
    }
}

fn session(user_id: i64) -> (SecretToken, SessionRecord) {
    let token = SecretToken::generate();
    let record = SessionRecord {
        session_hash: token.hash(),
        sid: random_id(),
        user_id,
        auth_time: NOW,
        amr: "pwd".into(),
        remember: false,
        created_at: NOW,
        last_seen_at: NOW,
        idle_expires_at: NOW + HOUR,
        absolute_expires_at: NOW + 2 * HOUR,
        ip: "192.0.2.1".into(),
        user_agent: "ua".into(),
    };
    (token, record)
}

async fn issue(
    store: &Store,
    purpose: TokenPurpose,
    user_id: i64,
    email: &str,
    new: Option<(&str, &str)>,
) -> SecretToken {
    let t = SecretToken::generate();
    store
        .replace_email_token(&NewToken {
            token_hash: &t.hash(),
            purpose,
            user_id,
            email_normalized: email,
            new_email: new,
            now: NOW,
            expires_at: NOW + HOUR,
        })
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn a_newer_token_replaces_older_ones_of_the_same_purpose_only() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("a@example.com"), NOW)
        .await
        .unwrap();
    let verify = issue(
        &store,
        TokenPurpose::VerifyEmail,
        u.user_id,
        "a@example.com",
        None,
    )
    .await;
    let first = issue(
        &store,
        TokenPurpose::ResetPassword,
        u.user_id,
        "a@example.com",
        None,
    )
    .await;
    let second = issue(
        &store,
        TokenPurpose::ResetPassword,
        u.user_id,
        "a@example.com",
        None,
    )
    .await;
    let live = |t: &SecretToken, p| {
        let store = store.clone();
        let h = t.hash();
        async move { store.email_token_is_live(&h, p, NOW).await.unwrap() }
    };
    assert!(!live(&first, TokenPurpose::ResetPassword).await);
    assert!(live(&second, TokenPurpose::ResetPassword).await);
    assert!(live(&verify, TokenPurpose::VerifyEmail).await);
    assert!(
        !live(&second, TokenPurpose::VerifyEmail).await,
        "purpose-bound"
    );
    assert_eq!(
        store
            .email_token_user(&second.hash())
            .await
            .unwrap()
            .unwrap()
            .user_id,
        u.user_id
    );
    let live_resets = store
        .live_email_tokens(u.user_id, TokenPurpose::ResetPassword, NOW)
        .await
        .unwrap();
    assert_eq!(live_resets, 1);
    let killed = store
        .delete_unused_email_tokens(u.user_id, TokenPurpose::ResetPassword)
        .await
        .unwrap();
    assert_eq!(killed, 1);
    assert!(!live(&second, TokenPurpose::ResetPassword).await);
    assert!(
        live(&verify, TokenPurpose::VerifyEmail).await,
        "other purposes stay"
    );
}

#[tokio::test]
async fn a_reset_token_sets_the_password_once_even_when_raced() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("r@example.com"), NOW)
        .await
        .unwrap();
    store.insert_session(&session(u.user_id).1).await.unwrap();
    let t = issue(
        &store,
        TokenPurpose::ResetPassword,
        u.user_id,
        "r@example.com",
        None,
    )
    .await;
    let h = t.hash();
    let (a, b) = futures::join!(
        store.reset_password_with_token(&h, "hash-a", NOW + 1),
        store.reset_password_with_token(&h, "hash-b", NOW + 1)
    );
    let wins: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(wins, [u.user_id]);
    let (user, hash) = store
        .credentials("r@example.com", true)
        .await
        .unwrap()
        .unwrap();
    assert!(hash == "hash-a" || hash == "hash-b");
    assert!(user.email_verified);
    assert!(store.sessions_of_user(u.user_id).await.unwrap().is_empty());
    // Expired tokens change nothing.
    let t = issue(
        &store,
        TokenPurpose::ResetPassword,
        u.user_id,
        "r@example.com",
        None,
    )
    .await;
    assert_eq!(
        store
            .reset_password_with_token(&t.hash(), "late", NOW + HOUR)
            .await
            .unwrap(),
        None
    );
    // A verification token is not a reset token.
    let v = issue(
        &store,
        TokenPurpose::VerifyEmail,
        u.user_id,
        "r@example.com",
        None,
    )
    .await;
    assert_eq!(
        store
            .reset_password_with_token(&v.hash(), "x", NOW + 2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .credentials("r@example.com", true)
            .await
            .unwrap()
            .unwrap()
            .1,
        hash
    );
}

#[tokio::test]
async fn a_password_change_ends_sessions_and_kills_reset_tokens() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("p@example.com"), NOW)
        .await
        .unwrap();
    store.insert_session(&session(u.user_id).1).await.unwrap();
    store.insert_session(&session(u.user_id).1).await.unwrap();
    let t = issue(
        &store,
        TokenPurpose::ResetPassword,
        u.user_id,
        "p@example.com",
        None,
    )
    .await;
    assert_eq!(
        store
            .change_password(u.user_id, "new-hash", NOW)
            .await
            .unwrap(),
        2
    );
    assert!(store.sessions_of_user(u.user_id).await.unwrap().is_empty());
    assert!(
        !store
            .email_token_is_live(&t.hash(), TokenPurpose::ResetPassword, NOW)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .credentials("p@example.com", true)
            .await
            .unwrap()
            .unwrap()
            .1,
        "new-hash"
    );
}

#[tokio::test]
async fn an_email_change_needs_a_free_address_and_kills_old_tokens() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("e@example.com"), NOW)
        .await
        .unwrap();
    let verify = issue(
        &store,
        TokenPurpose::VerifyEmail,
        u.user_id,
        "e@example.com",
        None,
    )
    .await;
    let t = issue(
        &store,
        TokenPurpose::ChangeEmail,
        u.user_id,
        "e@example.com",
        Some(("N@example.com", "n@example.com")),
    )
    .await;
    // Taken in the meantime: nothing changes, the token stays unspent.
    let squatter = store
        .create_user(&new_user("n@example.com"), NOW)
        .await
        .unwrap();
    assert_eq!(
        store
            .change_email_with_token(&t.hash(), NOW + 1)
            .await
            .unwrap(),
        EmailChange::Taken
    );
    assert_eq!(
        store.user_by_id(u.user_id).await.unwrap().unwrap().email,
        "e@example.com"
    );
    assert!(
        store
            .delete_account(squatter.user_id, NOW)
            .await
            .unwrap()
            .is_some()
    );
    match store
        .change_email_with_token(&t.hash(), NOW + 2)
        .await
        .unwrap()
    {
        EmailChange::Changed {
            user_id,
            old_email,
            new_email,
        } => {
            assert_eq!(
                (user_id, old_email.as_str(), new_email.as_str()),
                (u.user_id, "e@example.com", "N@example.com")
            );
        }
        other => panic!("{other:?}"),
    }
    let moved = store.user_by_id(u.user_id).await.unwrap().unwrap();
    assert_eq!(
        (moved.email.as_str(), moved.email_normalized.as_str()),
        ("N@example.com", "n@example.com")
    );
    assert!(moved.email_verified);
    assert_eq!(
        store
            .change_email_with_token(&t.hash(), NOW + 3)
            .await
            .unwrap(),
        EmailChange::Invalid
    );
    assert_eq!(
        store
            .verify_email_with_token(&verify.hash(), NOW + 3)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn profile_updates_keep_usernames_unique() {
    let (store, _dir) = test_store().await;
    let a = store
        .create_user(&new_user("pa@example.com"), NOW)
        .await
        .unwrap();
    let b = store
        .create_user(&new_user("pb@example.com"), NOW)
        .await
        .unwrap();
    let update = |name: &str| ProfileUpdate {
        display_name: "D".into(),
        given_name: "G".into(),
        family_name: "F".into(),
        username: Some(name.to_owned()),
        username_normalized: Some(name.to_lowercase()),
        locale: Some("ko".into()),
    };
    store
        .update_profile(a.user_id, &update("Same"), NOW)
        .await
        .unwrap();
    match store.update_profile(b.user_id, &update("SAME"), NOW).await {
        Err(StoreError::Conflict { column }) => assert!(column.starts_with("username"), "{column}"),
        other => panic!("{other:?}"),
    }
    let a = store.user_by_id(a.user_id).await.unwrap().unwrap();
    assert_eq!(
        (
            a.username.as_deref(),
            a.locale.as_deref(),
            a.given_name.as_str()
        ),
        (Some("Same"), Some("ko"), "G")
    );
}

#[tokio::test]
async fn sessions_end_only_for_their_owner() {
    let (store, _dir) = test_store().await;
    let a = store
        .create_user(&new_user("sa@example.com"), NOW)
        .await
        .unwrap();
    let b = store
        .create_user(&new_user("sb@example.com"), NOW)
        .await
        .unwrap();
    let (_, a1) = session(a.user_id);
    let (_, a2) = session(a.user_id);
    let (_, b1) = session(b.user_id);
    for s in [&a1, &a2, &b1] {
        store.insert_session(s).await.unwrap();
    }
    assert!(
        !store
            .end_session_of_user(a.user_id, &b1.sid, 0)
            .await
            .unwrap()
    );
    assert_eq!(store.sessions_of_user(b.user_id).await.unwrap().len(), 1);
    assert!(
        store
            .end_session_of_user(a.user_id, &a2.sid, 0)
            .await
            .unwrap()
    );
    store.insert_session(&a2).await.unwrap();
    assert_eq!(
        store
            .end_other_sessions(a.user_id, &a1.session_hash, 0)
            .await
            .unwrap(),
        1
    );
    let left = store.sessions_of_user(a.user_id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].sid, a1.sid);
}

#[tokio::test]
async fn a_deleted_accounts_sub_is_retired_and_its_audit_trail_kept() {
    let (store, _dir) = test_store().await;
    let u = store
        .create_user(&new_user("d@example.com"), NOW)
        .await
        .unwrap();
    store.insert_session(&session(u.user_id).1).await.unwrap();
    issue(
        &store,
        TokenPurpose::ChangeEmail,
        u.user_id,
        "d@example.com",
        Some(("x@example.com", "x@example.com")),
    )
    .await;
    let mail = |to: &str| daemun::store::outbox::NewMail {
        to_address: to.into(),
        subject: "s".into(),
        body_text: "t".into(),
        body_html: "h".into(),
    };
    store
        .enqueue_mail(&mail("D@example.com"), NOW)
        .await
        .unwrap();
    store
        .enqueue_mail(&mail("x@example.com"), NOW)
        .await
        .unwrap();
    store
        .enqueue_mail(&mail("someone@example.com"), NOW)
        .await
        .unwrap();
    store
        .record_audit(&daemun::store::audit::AuditEvent {
            at: NOW,
            event: "login.success".into(),
            user_id: Some(u.user_id),
            client_id: None,
            ip: "192.0.2.1".into(),
            user_agent: "ua".into(),
            detail: String::new(),
            sub: None,
        })
        .await
        .unwrap();
    let deleted = store.delete_account(u.user_id, NOW).await.unwrap().unwrap();
    assert_eq!((deleted.sessions, deleted.unsent_mails), (1, 2));
    assert_eq!(store.pending_mail_count().await.unwrap(), 1);
    assert!(store.user_by_id(u.user_id).await.unwrap().is_none());
    assert!(store.sessions_of_user(u.user_id).await.unwrap().is_empty());
    assert!(store.is_sub_retired(&u.sub).await.unwrap());
    assert_eq!(store.delete_account(u.user_id, NOW).await.unwrap(), None);
    let events = store.audit_of_person(-1, &u.sub, 10).await.unwrap();
    assert_eq!(events.len(), 1, "found by sub alone");
    assert_eq!(events[0].sub.as_deref(), Some(u.sub.as_str()));
    // The retired sub is never issued again.
    let mut again = new_user("d@example.com");
    again.sub = u.sub.clone();
    match store.create_user(&again, NOW).await {
        Err(StoreError::Conflict { column }) => assert_eq!(column, "sub"),
        other => panic!("{other:?}"),
    }
    again.sub = random_id();
    assert!(store.create_user(&again, NOW).await.is_ok());
}
