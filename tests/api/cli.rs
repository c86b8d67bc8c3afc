//! The management commands, run as an operator would (the real binary on a real database).
use std::process::Command;

pub fn daemun(dir: &std::path::Path, db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daemun"));
    for (k, _) in std::env::vars() {
        if k.starts_with("DAEMUN_") {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("DAEMUN_DATABASE__URL", db)
        // Servers started by tests run side by side: no shared management port.
        .env("DAEMUN_SERVER__METRICS_BIND", "")
        .env("RUST_LOG", "warn");
    c
}

pub fn run(c: &mut Command) -> (bool, String, String) {
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The newest audit events in `db`, as a management command left them.
pub async fn events(db: &str) -> Vec<daemun::store::audit::AuditEvent> {
    let store = daemun::store::Store::connect(db, 1).await.unwrap();
    let events = store.recent_audit(None, 50).await.unwrap();
    store.close().await;
    events
}

/// Asserts that a management command wrote `event` (about `client_id`, when given).
pub fn assert_cli_event(
    events: &[daemun::store::audit::AuditEvent],
    event: &str,
    client_id: Option<&str>,
) {
    assert!(
        events.iter().any(|e| e.event == event
            && (client_id.is_none() || e.client_id.as_deref() == client_id)
            && e.ip == "cli"
            && e.user_agent.starts_with("daemun-cli/")
            && e.user_id.is_none()),
        "no {event} in {events:#?}"
    );
}

#[tokio::test]
async fn clients_are_added_listed_shown_rotated_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let (ok, out, err) = run(daemun(dir.path(), &db).args([
        "client",
        "add",
        "--name",
        "Board",
        "--redirect-uri",
        "https://board.example.com/cb",
        "--json",
    ]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = v["client_id"].as_str().unwrap().to_owned();
    let secret = v["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 43);
    assert_eq!(
        v["token_endpoint_auth_method"],
        "client_secret_basic client_secret_post"
    );

    let (ok, out, _) = run(daemun(dir.path(), &db).args(["client", "list"]));
    assert!(ok && out.contains(&id) && out.contains("Board"));
    let (ok, out, _) = run(daemun(dir.path(), &db).args(["client", "show", &id, "--json"]));
    assert!(
        ok && !out.contains(&secret),
        "the secret is never shown again"
    );

    let (ok, out, _) =
        run(daemun(dir.path(), &db).args(["client", "rotate-secret", &id, "--json"]));
    assert!(ok);
    let rotated: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_ne!(rotated["client_secret"].as_str().unwrap(), secret);

    let (ok, _, _) = run(daemun(dir.path(), &db).args(["client", "remove", &id]));
    assert!(ok);
    let (ok, _, err) = run(daemun(dir.path(), &db).args(["client", "show", &id]));
    assert!(!ok && err.contains("no client"));

    let events = events(&db).await;
    for event in ["client.added", "client.secret_rotated", "client.removed"] {
        assert_cli_event(&events, event, Some(&id));
    }
}

#[tokio::test]
async fn bad_client_registrations_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    for (args, word) in [
        (
            vec!["--redirect-uri", "https://x.example.com/cb#frag"],
            "fragment",
        ),
        (vec!["--redirect-uri", "http://x.example.com/cb"], "http"),
        (
            vec![
                "--redirect-uri",
                "https://x.example.com/cb",
                "--grant-type",
                "password",
            ],
            "password",
        ),
        (
            vec![
                "--public",
                "--redirect-uri",
                "https://x.example.com/cb",
                "--grant-type",
                "client_credentials",
            ],
            "public",
        ),
    ] {
        let (ok, _, err) = run(daemun(dir.path(), &db)
            .args(["client", "add", "--name", "X"])
            .args(&args));
        assert!(!ok, "{args:?} accepted");
        assert!(err.contains(word), "{err} should mention {word}");
        assert!(!err.contains("panicked"));
    }
    let (_, out, _) = run(daemun(dir.path(), &db).args(["client", "list", "--json"]));
    assert_eq!(out.trim(), "[]", "nothing was created");
}

#[tokio::test]
async fn keys_are_listed_and_rotated_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let (ok, out, err) = run(daemun(dir.path(), &db).args(["keys", "list"]));
    assert!(ok, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains("signing")).count(),
        2,
        "{out}"
    );
    let (ok, out, _) = run(daemun(dir.path(), &db).args(["keys", "rotate"]));
    assert!(ok && out.matches("new key").count() == 2, "{out}");
    let (_, out, _) = run(daemun(dir.path(), &db).args(["keys", "list"]));
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("signs from")).count(),
        2,
        "{out}"
    );
    let (ok, _, err) = run(daemun(dir.path(), &db).args(["keys", "retire", "nope"]));
    assert!(!ok && err.contains("no published key"));

    let (_, list, _) = run(daemun(dir.path(), &db).args(["keys", "list"]));
    let old = list
        .lines()
        .find(|l| l.contains("signs from"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_owned();
    let (ok, _, err) = run(daemun(dir.path(), &db).args(["keys", "retire", &old]));
    assert!(ok, "{err}");
    let events = events(&db).await;
    assert_eq!(
        events.iter().filter(|e| e.event == "key.rotated").count(),
        2,
        "one event per new key"
    );
    assert_cli_event(&events, "key.retired", None);
    assert!(events.iter().any(|e| e.detail == format!("kid={old}")));
}
