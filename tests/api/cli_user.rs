//! `daemun user …`, run as an operator would: the real binary on the test's database.
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use daemun::store::audit::AuditEvent;
use daemun::store::tokens::{AccessTokenRow, RefreshTokenRow};

use crate::cli::{daemun, run};
use crate::helpers::{PASSWORD, TestApp, get_with_session, logged_in_user};
use crate::rp::Rp;

const NEW_PASSWORD: &str = "Lantern-orbit-quiet-77";

/// Runs `c` with `input` on its stdin (not a terminal).
pub fn run_with_stdin(c: &mut Command, input: &str) -> (bool, String, String) {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `daemun user <args>` with an empty stdin.
fn user(dir: &std::path::Path, db: &str, args: &[&str]) -> (bool, String, String) {
    run_with_stdin(daemun(dir, db).arg("user").args(args), "")
}

fn show(dir: &std::path::Path, db: &str, who: &str) -> serde_json::Value {
    let (ok, out, err) = user(dir, db, &["show", who, "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

async fn events(db: &str) -> Vec<AuditEvent> {
    let store = daemun::store::Store::connect(db, 1).await.unwrap();
    let events = store.recent_audit(None, 100).await.unwrap();
    store.close().await;
    events
}

/// Asserts a management command wrote `event` about the account with `sub`.
fn assert_user_event(events: &[AuditEvent], event: &str, sub: &str) {
    assert!(
        events.iter().any(|e| e.event == event
            && e.sub.as_deref() == Some(sub)
            && e.user_id.is_some()
            && e.ip == "cli"
            && e.user_agent.starts_with("daemun-cli/")),
        "no {event} for {sub} in {events:#?}"
    );
}

#[tokio::test]
async fn accounts_are_added_from_stdin_listed_shown_and_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let (ok, out, err) = run_with_stdin(
        daemun(dir.path(), &db).args([
            "user",
            "add",
            "--email",
            "Ada@Example.COM",
            "--name",
            "Ada Lovelace",
            "--username",
            "ada",
            "--json",
        ]),
        &format!("{NEW_PASSWORD}\n"),
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sub = v["sub"].as_str().unwrap().to_owned();
    assert!(sub.len() >= 20, "{v}");
    assert_eq!(v["email"], "Ada@example.com");
    assert_eq!(v["username"], "ada");
    assert_eq!(v["name"], "Ada Lovelace");
    assert_eq!(v["email_verified"], true);
    assert_eq!(v["active"], true);
    assert_eq!(v["admin"], false);
    assert!(v["user_id"].is_i64() && v["created_at"].is_i64());
    assert!(v.get("password_hash").is_none());

    let (ok, _, err) = user(
        dir.path(),
        &db,
        &[
            "add",
            "--email",
            "bo@example.com",
            "--password",
            NEW_PASSWORD,
        ],
    );
    assert!(ok, "{err}");

    let (ok, out, _) = user(dir.path(), &db, &["list", "--json"]);
    assert!(ok);
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["name"], "bo", "the name defaults to the local part");
    let (_, out, _) = user(dir.path(), &db, &["list", "--search", "LOVE", "--json"]);
    let found: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["sub"], sub.as_str());
    let (_, out, _) = user(dir.path(), &db, &["list", "--search", "%"]);
    assert_eq!(
        out.trim(),
        "no accounts match",
        "LIKE wildcards match literally"
    );
    let (_, out, _) = user(dir.path(), &db, &["list", "--limit", "1"]);
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains(&sub) && out.contains("Ada Lovelace"));

    for who in ["ada@example.com", "ADA", sub.as_str()] {
        assert_eq!(show(dir.path(), &db, who)["sub"], sub.as_str(), "{who}");
    }
    let (ok, out, _) = user(dir.path(), &db, &["show", "ada"]);
    assert!(
        ok && out.contains("\"email\": \"Ada@example.com\""),
        "{out}"
    );

    let (ok, _, err) = user(dir.path(), &db, &["make-admin", "ada"]);
    assert!(ok, "{err}");
    assert_eq!(show(dir.path(), &db, "ada")["admin"], true);
    let (ok, _, _) = user(dir.path(), &db, &["make-admin", "ada", "--revoke"]);
    assert!(ok);
    assert_eq!(show(dir.path(), &db, "ada")["admin"], false);
    let (ok, _, _) = user(dir.path(), &db, &["disable", "ada"]);
    assert!(ok);
    assert_eq!(show(dir.path(), &db, "ada")["active"], false);
    let (ok, _, _) = user(dir.path(), &db, &["enable", "ada"]);
    assert!(ok);
    assert_eq!(show(dir.path(), &db, "ada")["active"], true);
    let (ok, _, _) = user(dir.path(), &db, &["verify", "ada"]);
    assert!(ok);
    assert_eq!(show(dir.path(), &db, "ada")["email_verified"], true);

    let events = events(&db).await;
    for event in [
        "user.added",
        "user.admin_granted",
        "user.admin_revoked",
        "user.disabled",
        "user.enabled",
        "user.verified",
    ] {
        assert_user_event(&events, event, &sub);
    }
}

#[tokio::test]
async fn weak_or_duplicate_accounts_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    for (email, password, word) in [
        ("kim@example.com", "short", "too short"),
        ("kim@example.com", "12345678901", "numeric"),
        ("kim@example.com", "password1", "common"),
        ("minsu.kimura@example.com", "minsu.kimura", "similar"),
        ("not-an-address", NEW_PASSWORD, "email"),
    ] {
        let (ok, _, err) = run_with_stdin(
            daemun(dir.path(), &db).args(["user", "add", "--email", email]),
            &format!("{password}\n"),
        );
        assert!(!ok, "{email} / {password} accepted");
        assert!(err.contains(word), "{err} should mention {word}");
    }
    let (ok, _, err) = user(dir.path(), &db, &["add", "--email", "kim@example.com"]);
    assert!(!ok && err.contains("no password"), "{err}");
    let (_, out, _) = user(dir.path(), &db, &["list", "--json"]);
    assert_eq!(out.trim(), "[]", "nothing was created");

    let add = |email: &str, username: &str| {
        user(
            dir.path(),
            &db,
            &[
                "add",
                "--email",
                email,
                "--username",
                username,
                "--password",
                NEW_PASSWORD,
            ],
        )
    };
    assert!(add("kim@example.com", "kim").0);
    let (ok, _, err) = add("KIM@example.com", "other");
    assert!(!ok && err.contains("exists"), "{err}");
    let (ok, _, err) = add("lee@example.com", "Kim");
    assert!(!ok && err.contains("taken"), "{err}");
    let (_, out, _) = user(dir.path(), &db, &["list", "--json"]);
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 1, "{out}");
    let (_, _, err) = user(dir.path(), &db, &["list", "--limit", "0"]);
    assert!(err.contains("limit"), "{err}");
}

#[tokio::test]
async fn an_unknown_account_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    for args in [
        vec!["show", "nobody@example.com"],
        vec!["set-password", "nobody"],
        vec!["disable", "nobody"],
        vec!["enable", "-someSub"],
        vec!["verify", "nobody"],
        vec!["make-admin", "nobody"],
        vec!["remove-factors", "nobody"],
        vec!["delete", "nobody", "--yes"],
    ] {
        let (ok, _, err) = run_with_stdin(
            daemun(dir.path(), &db).arg("user").args(&args),
            &format!("{NEW_PASSWORD}\n"),
        );
        assert!(!ok, "{args:?} succeeded");
        assert!(err.contains("no account matches"), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}

#[tokio::test]
async fn disabling_ends_sessions_and_revokes_tokens() {
    let app = TestApp::spawn().await;
    let db = app.state.config.database.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let session = logged_in_user(&app, "dana@example.com", "Dana").await;
    assert_eq!(
        get_with_session(&app, "/account", &session).await.status(),
        200
    );
    let u = app.user("dana@example.com").await.unwrap();
    let client_id = Rp::register(&app, |_| {}).await.id;
    let now = app.clock_now();
    let store = &app.state.store;
    // A grant as a code starts it, then its tokens.
    store
        .insert_code(&daemun::store::grants::CodeRow {
            code_hash: vec![3; 32],
            grant_id: "g1".into(),
            client_id: client_id.clone(),
            user_id: u.user_id,
            sid: "s1".into(),
            redirect_uri: crate::helpers::REDIRECT_URI.into(),
            scopes: "openid".into(),
            nonce: None,
            code_challenge: None,
            auth_time: now,
            amr: "pwd".into(),
            created_at: now,
            expires_at: now + 60_000,
            resources: String::new(),
        })
        .await
        .unwrap();
    let access = AccessTokenRow {
        token_hash: vec![1; 32],
        grant_id: Some("g1".into()),
        client_id: client_id.clone(),
        user_id: Some(u.user_id),
        scopes: "openid".into(),
        created_at: now,
        expires_at: now + 3_600_000,
        audience: None,
    };
    let refresh = RefreshTokenRow {
        token_hash: vec![2; 32],
        grant_id: "g1".into(),
        client_id,
        user_id: u.user_id,
        sid: "s1".into(),
        scopes: "openid".into(),
        auth_time: now,
        amr: "pwd".into(),
        created_at: now,
        expires_at: now + 3_600_000,
        resources: String::new(),
    };
    assert!(
        store
            .insert_grant_tokens(&access, Some(&refresh))
            .await
            .unwrap()
    );
    assert!(store.access_token(&[1; 32], now).await.unwrap().is_some());

    let (ok, out, err) = user(dir.path(), &db, &["disable", "dana@example.com"]);
    assert!(ok, "{err}");
    assert!(out.contains("1 session"), "{out}");
    assert_ne!(
        get_with_session(&app, "/account", &session).await.status(),
        200,
        "the session no longer works"
    );
    assert!(store.access_token(&[1; 32], now).await.unwrap().is_none());
    assert!(store.refresh_token(&[2; 32]).await.unwrap().is_none());
    let r = app.login("dana@example.com", PASSWORD).await;
    assert_ne!(r.status(), 303, "a disabled account cannot log in");

    let (ok, _, _) = user(dir.path(), &db, &["enable", "dana@example.com"]);
    assert!(ok);
    let r = app.login("dana@example.com", PASSWORD).await;
    assert_eq!(r.status(), 303, "enabled again");
}

#[tokio::test]
async fn a_new_password_from_stdin_ends_every_session() {
    let app = TestApp::spawn().await;
    let db = app.state.config.database.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let session = logged_in_user(&app, "eun@example.com", "Eun").await;

    let (ok, _, err) = run_with_stdin(
        daemun(dir.path(), &db).args(["user", "set-password", "eun@example.com"]),
        "eun@example.com\n",
    );
    assert!(!ok && err.contains("similar"), "{err}");
    assert_eq!(
        get_with_session(&app, "/account", &session).await.status(),
        200,
        "a refused password changes nothing"
    );

    let (ok, _, err) = run_with_stdin(
        daemun(dir.path(), &db).args(["user", "set-password", "eun@example.com"]),
        &format!("{NEW_PASSWORD}\r\n"),
    );
    assert!(ok, "{err}");
    assert_ne!(
        get_with_session(&app, "/account", &session).await.status(),
        200
    );
    let r = app.login("eun@example.com", PASSWORD).await;
    assert_ne!(r.status(), 303, "the old one fails");
    let r = app.login("eun@example.com", NEW_PASSWORD).await;
    assert_eq!(r.status(), 303, "the new one works");
    let u = app.user("eun@example.com").await.unwrap();
    assert_user_event(&events(&db).await, "user.password_set", &u.sub);
}

#[tokio::test]
async fn deleting_needs_confirmation_and_retires_the_sub() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let (ok, out, err) = user(
        dir.path(),
        &db,
        &[
            "add",
            "--email",
            "gone@example.com",
            "--password",
            NEW_PASSWORD,
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sub = v["sub"].as_str().unwrap().to_owned();

    let (ok, _, err) = run_with_stdin(
        daemun(dir.path(), &db).args(["user", "delete", "gone@example.com"]),
        "yes\n",
    );
    assert!(!ok && err.contains("--yes"), "{err}");
    assert_eq!(
        show(dir.path(), &db, &sub)["sub"],
        sub.as_str(),
        "still there"
    );

    let (ok, out, err) = user(dir.path(), &db, &["delete", &sub, "--yes"]);
    assert!(ok, "{err}");
    assert!(out.contains("retired"), "{out}");
    let (ok, _, err) = user(dir.path(), &db, &["show", &sub]);
    assert!(!ok && err.contains("no account matches"), "{err}");
    let store = daemun::store::Store::connect(&db, 1).await.unwrap();
    assert!(store.is_sub_retired(&sub).await.unwrap());
    store.close().await;
    assert_user_event(&events(&db).await, "user.deleted", &sub);
    let (ok, out, _) = run(daemun(dir.path(), &db).args(["audit", "--user", &sub]));
    assert!(ok && out.contains("user.deleted"), "{out}");
}

/// Starts `daemun serve` and collects its log lines until one contains `until` (or a timeout).
fn serve_log(dir: &std::path::Path, db: &str, until: &str) -> Vec<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = daemun(dir, db)
        .arg("serve")
        .env("RUST_LOG", "info")
        .env("DAEMUN_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("DAEMUN_SERVER__ISSUER", format!("http://127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx2.send(line);
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) {
        let done = line.contains(until);
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[tokio::test]
async fn the_server_tells_how_to_create_the_first_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let hint = "daemun user add --email you@example.com --admin";
    let lines = serve_log(dir.path(), &db, "daemun is serving");
    assert!(
        lines.iter().any(|l| l.contains(hint)),
        "no hint in {lines:#?}"
    );

    let (ok, _, err) = user(
        dir.path(),
        &db,
        &[
            "add",
            "--email",
            "root@example.com",
            "--admin",
            "--password",
            NEW_PASSWORD,
        ],
    );
    assert!(ok, "{err}");
    let lines = serve_log(dir.path(), &db, "daemun is serving");
    assert!(lines.iter().any(|l| l.contains("daemun is serving")));
    assert!(
        !lines.iter().any(|l| l.contains(hint)),
        "an administrator exists: {lines:#?}"
    );
}

#[tokio::test]
async fn an_operator_can_remove_every_second_factor_of_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let (ok, _, err) = run_with_stdin(
        daemun(dir.path(), &db).arg("user").args([
            "add",
            "--email",
            "lost@example.com",
            "--name",
            "Lost",
        ]),
        &format!("{NEW_PASSWORD}\n"),
    );
    assert!(ok, "{err}");
    let sub = show(dir.path(), &db, "lost@example.com")["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    let store = daemun::store::Store::connect(&db, 1).await.unwrap();
    let id = store.user_by_sub(&sub).await.unwrap().unwrap().user_id;
    assert!(store.begin_totp(id, b"sealed", 1).await.unwrap());
    let codes = daemun::domain::recovery_code::RecoveryCode::generate_set();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| c.hash()).collect();
    store.replace_recovery_codes(id, &hashes, 1).await.unwrap();

    let (ok, out, err) = user(dir.path(), &db, &["remove-factors", "lost@example.com"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("removed 11 second factor(s) of lost@example.com"),
        "{out}"
    );
    assert!(store.totp(id).await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(id).await.unwrap(), 0);
    store.close().await;
    assert_user_event(&events(&db).await, "user.factors_removed", &sub);
    let store = daemun::store::Store::connect(&db, 1).await.unwrap();
    let queued = store.outbox_mails(false, 100).await.unwrap();
    store.close().await;
    assert!(
        queued.iter().any(|m| m.to_address == "lost@example.com"
            && m.subject == "The second factors of your Daemun account were removed"),
        "the person is told: {queued:?}"
    );

    let (ok, out, _) = user(dir.path(), &db, &["remove-factors", "lost@example.com"]);
    assert!(ok && out.contains("removed 0 second factor(s)"), "{out}");
}
