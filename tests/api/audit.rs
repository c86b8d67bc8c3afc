//! The audit trail: writes never fail the request they describe, and `daemun audit` prints one
//! person's events (also after the account is deleted).
use serde_json::Value;
use sqlx::Connection;

use crate::cli::{daemun, run};
use crate::helpers::*;

/// Drops the audit table behind the running app's back, so every audit write fails.
async fn drop_audit_table(app: &TestApp) {
    let url = app.state.config.database.url.clone();
    let sql = "DROP TABLE audit_event";
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
}

#[tokio::test]
async fn requests_succeed_when_the_audit_write_fails() {
    let app = TestApp::spawn().await;
    drop_audit_table(&app).await;
    assert!(
        app.state.store.recent_audit(None, 1).await.is_err(),
        "the audit table is really gone"
    );

    // Sign-up, verification, login, a failed login and logout all answer as usual.
    app.verified_user("kept@example.com", "Kept").await;
    let r = app.login("kept@example.com", "wrong-password-here").await;
    assert_eq!(r.status(), 400, "a failed login shows the form again");
    let page = r.text().await.unwrap();
    assert!(page.contains("Please enter a correct email or username and password"));
    let r = app.login("kept@example.com", PASSWORD).await;
    assert_eq!(r.status(), 303, "login succeeds without its audit row");
    assert!(set_cookie(&r, "daemun_session").is_some());
    assert_eq!(app.get("/account").await.status(), 200);
    let r = app.submit("/logout", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
}

/// The app's database URL and a directory to run the binary in.
fn cli_for(app: &TestApp) -> (tempfile::TempDir, String) {
    (
        tempfile::tempdir().unwrap(),
        app.state.config.database.url.clone(),
    )
}

#[tokio::test]
async fn audit_prints_a_persons_events_newest_first() {
    let app = TestApp::spawn().await;
    app.verified_user("bob@example.com", "Bob").await;
    logged_in_user(&app, "ann@example.com", "Ann").await;
    let (dir, db) = cli_for(&app);

    let (ok, out, err) = run(daemun(dir.path(), &db).args(["audit", "--user", "ANN@example.com"]));
    assert!(ok, "{err}");
    let events: Vec<&str> = out.lines().map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert_eq!(
        events,
        ["login.success", "email.verified", "signup"],
        "{out}"
    );
    let first: Vec<&str> = out.lines().next().unwrap().split('\t').collect();
    assert_eq!(
        first.len(),
        6,
        "time, event, client, IP, user agent, detail"
    );
    assert!(
        first[0].ends_with('Z') && first[0].contains('T'),
        "RFC 3339 UTC"
    );
    assert_eq!(first[3], "127.0.0.1");

    let (ok, out, _) = run(daemun(dir.path(), &db).args([
        "audit",
        "--user",
        "ann@example.com",
        "--json",
        "--event",
        "signup",
    ]));
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["event"], "signup");
    assert_eq!(v[0]["ip"], "127.0.0.1");

    let (ok, out, _) =
        run(daemun(dir.path(), &db).args(["audit", "--user", "ann@example.com", "--limit", "1"]));
    assert!(ok && out.lines().count() == 1 && out.contains("login.success"));
    let (ok, out, _) = run(daemun(dir.path(), &db).args([
        "audit",
        "--user",
        "ann@example.com",
        "--since",
        "2999-01-01T00:00:00Z",
    ]));
    assert!(ok && out.is_empty(), "{out}");

    let (ok, out, err) =
        run(daemun(dir.path(), &db).args(["audit", "--user", "nobody@example.com"]));
    assert!(!ok && out.is_empty());
    assert!(err.contains("no account or audit trail matches"), "{err}");
}

#[tokio::test]
async fn a_deleted_accounts_trail_is_found_by_its_sub() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "gone@example.com", "Gone").await;
    let sub = app.user("gone@example.com").await.unwrap().sub;
    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (dir, db) = cli_for(&app);

    let (ok, _, _) = run(daemun(dir.path(), &db).args(["audit", "--user", "gone@example.com"]));
    assert!(!ok, "the address no longer names anyone");
    let (ok, out, err) = run(daemun(dir.path(), &db).args(["audit", "--user", &sub, "--json"]));
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names.first(), Some(&"account.deleted"), "{names:?}");
    assert!(names.contains(&"signup") && names.contains(&"login.success"));
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|e| e["sub"] == sub.as_str())
    );
}
