//! `daemun import`: a real Django 5.2 site's users (made by Django's own `create_user` and
//! `make_password` with every hasher it ships, dumped by `dumpdata`) come into Daemun, log in
//! with their original passwords, and leave argon2id behind; the JSON Lines and Keycloak
//! formats; dry runs, reports and a second run that changes nothing.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::cli::{daemun, run};
use crate::helpers::*;

fn python() -> PathBuf {
    let py = std::env::var("DAEMUN_TEST_RP_PYTHON").expect(
        "DAEMUN_TEST_RP_PYTHON is not set: run scripts/ensure-rp-clients (scripts/test does)",
    );
    PathBuf::from(py)
}

/// Runs the Django site in `dir`: gives its `users.json` and the people it made.
fn django_site(dir: &Path) -> (PathBuf, Vec<Value>) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/django_site.py");
    let (ok, out, err) = run(Command::new(python()).arg(script).arg(dir));
    assert!(ok, "the Django site failed: {err}");
    let v: Value = serde_json::from_str(out.trim()).expect("the site's JSON line");
    assert!(v["version"].as_str().unwrap().starts_with("5.2."), "{v}");
    (
        dir.join("users.json"),
        v["users"].as_array().unwrap().clone(),
    )
}

/// `daemun import …` with `args`; its JSON report.
fn import(app: &TestApp, dir: &Path, args: &[&str]) -> Value {
    let db = app.state.config.database.url.clone();
    let (ok, out, err) = run(daemun(dir, &db).arg("import").args(args).arg("--json"));
    assert!(ok, "import failed: {err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn record<'a>(report: &'a Value, source_id: &str) -> &'a Value {
    report["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source_id"] == source_id)
        .unwrap_or_else(|| panic!("no record {source_id} in {report}"))
}

async fn stored_hash(app: &TestApp, email: &str) -> String {
    let key = daemun::domain::email_address::normalize(email).unwrap();
    let (_, hash) = app
        .state
        .store
        .credentials(&key, true)
        .await
        .unwrap()
        .unwrap();
    hash
}

#[tokio::test]
async fn a_django_sites_people_log_in_with_their_passwords_and_get_argon2id() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let (dump, people) = django_site(dir.path());
    let file = dump.to_str().unwrap();

    // A dry run says what would happen and writes nothing.
    let dry = import(&app, dir.path(), &["django", file]);
    assert_eq!(dry["committed"], false);
    assert_eq!(dry["summary"]["would_create"], 12, "{dry}");
    assert_eq!(dry["summary"]["skipped"], 2, "{dry}");
    assert!(
        app.user("boss@example.com").await.is_none(),
        "a dry run writes nothing"
    );

    let report = import(
        &app,
        dir.path(),
        &["django", file, "--commit", "--admins", "--trust-emails"],
    );
    assert_eq!(report["summary"]["created"], 12, "{report}");
    assert_eq!(report["summary"]["skipped"], 2, "{report}");
    let by_pk = |username: &str| {
        let p = people.iter().find(|p| p["username"] == username).unwrap();
        record(&report, &p["pk"].to_string()).clone()
    };
    assert!(
        by_pk("noemail")["reason"]
            .as_str()
            .unwrap()
            .contains("no email")
    );
    assert!(
        by_pk("twin")["reason"]
            .as_str()
            .unwrap()
            .contains("earlier record")
    );
    let odd = by_pk("ana+news@example.com");
    assert_eq!(odd["outcome"], "created");
    assert!(
        odd["notes"][0]
            .as_str()
            .unwrap()
            .contains("imported without one"),
        "{odd}"
    );
    assert!(
        by_pk("nopass")["notes"][0]
            .as_str()
            .unwrap()
            .contains("must reset")
    );

    // The report's sub is the account's.
    let boss = app.user("boss@example.com").await.unwrap();
    assert_eq!(by_pk("boss")["sub"], boss.sub.as_str());
    assert!(boss.is_admin && boss.email_verified);
    assert_eq!(boss.username.as_deref(), Some("boss"));
    assert!(!app.user("gone@example.com").await.unwrap().is_active);
    assert_eq!(
        app.user("ana.news@example.com").await.unwrap().username,
        None
    );

    // Everyone logs in with the site's password; the foreign hash becomes argon2id.
    for p in people.iter().filter(|p| p["hasher"].is_string()) {
        let (email, password) = (
            p["email"].as_str().unwrap(),
            p["password"].as_str().unwrap(),
        );
        if email.is_empty() || p["username"] == "twin" || p["username"] == "gone" {
            continue;
        }
        let hasher = p["hasher"].as_str().unwrap();
        let before = stored_hash(&app, email).await;
        assert!(!before.starts_with("$argon2id$"), "{hasher}: {before}");
        let r = app.login(email, "Not-the-password-1").await;
        assert_eq!(r.status(), 400, "{hasher}: a wrong password is refused");
        assert_eq!(
            stored_hash(&app, email).await,
            before,
            "{hasher}: unchanged"
        );
        let r = app.login(email, password).await;
        assert_eq!(r.status(), 303, "{hasher}: the site's password logs in");
        let after = stored_hash(&app, email).await;
        assert!(after.starts_with("$argon2id$v=19$"), "{hasher}: {after}");
        let r = app.submit("/logout", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        let r = app.login(email, password).await;
        assert_eq!(r.status(), 303, "{hasher}: and again, against argon2id");
        app.submit("/logout", "/logout", &[]).await;
    }
    let r = app.login("nopass@example.com", "").await;
    assert_ne!(r.status(), 303);

    // The guide's link script connects each Django user to their Daemun `sub` in allauth.
    std::fs::write(dir.path().join("daemun-import.json"), report.to_string()).unwrap();
    let link = dir.path().join("link_daemun.py");
    std::fs::write(
        &link,
        crate::rp_libraries::doc_block("docs/migrate.md", "allauth-link"),
    )
    .unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/django_site.py");
    let mut linked = Value::Null;
    for _ in 0..2 {
        let (ok, out, err) = run(Command::new(python())
            .arg(&site)
            .arg(dir.path())
            .arg("--link")
            .arg(&link));
        assert!(ok, "{err}");
        let line = out.lines().last().unwrap();
        let now: Value = serde_json::from_str(line).unwrap();
        assert!(
            linked.is_null() || linked == now,
            "a second run links nobody twice"
        );
        linked = now;
    }
    let linked = linked["linked"].as_array().unwrap();
    assert_eq!(linked.len(), 12);
    for pair in linked {
        let r = record(&report, &pair[0].to_string());
        assert_eq!(r["sub"], pair[1], "{r}");
    }

    // The same file again changes nothing.
    let again = import(&app, dir.path(), &["django", file, "--commit"]);
    assert_eq!(again["summary"]["created"], 0, "{again}");
    assert_eq!(again["summary"]["unchanged"], 12, "{again}");
    assert_eq!(record(&again, &boss_pk(&people))["sub"], boss.sub.as_str());
    let events = crate::cli::events(&app.state.config.database.url).await;
    assert!(events.iter().any(|e| e.event == "import.committed"));
}

fn boss_pk(people: &[Value]) -> String {
    people.iter().find(|p| p["username"] == "boss").unwrap()["pk"].to_string()
}

/// Writes `realm.json` and `users.jsonl` into `dir`; gives the people who must log in.
fn other_sources(dir: &Path) -> Vec<Value> {
    let htpasswd = std::env::var("DAEMUN_TEST_HTPASSWD").expect(
        "DAEMUN_TEST_HTPASSWD is not set: run scripts/ensure-import-tools (scripts/test does)",
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/other_sources.py");
    let (ok, out, err) = run(Command::new(python()).arg(script).arg(dir).arg(htpasswd));
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    v["people"].as_array().unwrap().clone()
}

/// Keycloak's pbkdf2-sha256, pbkdf2-sha512 and argon2 credentials, htpasswd's bcrypt and an
/// argon2id PHC string in JSON Lines: each person logs in and gets Daemun's argon2id. Lines that
/// are not the format, repeated ids and addresses, unknown and too costly hashes are reported.
#[tokio::test]
async fn keycloak_and_json_lines_accounts_log_in_and_bad_lines_are_reported() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let people = other_sources(dir.path());
    let realm = dir.path().join("realm.json");
    let lines = dir.path().join("users.jsonl");
    let (realm, lines) = (realm.to_str().unwrap(), lines.to_str().unwrap());

    let kc = import(
        &app,
        dir.path(),
        &["keycloak", realm, "--commit", "--trust-emails"],
    );
    assert_eq!(kc["source"], "keycloak:acme");
    assert_eq!(kc["summary"]["created"], 5, "{kc}");
    assert!(
        record(&kc, "0b6f-4")["notes"][0]
            .as_str()
            .unwrap()
            .contains("must reset")
    );
    let unverified = app.user("kcunverified@example.com").await.unwrap();
    assert!(
        !unverified.email_verified,
        "emailVerified false stays unverified"
    );
    assert_eq!(
        app.user("kc256@example.com").await.unwrap().given_name,
        "Kim"
    );

    let jl = import(
        &app,
        dir.path(),
        &["jsonl", lines, "--commit", "--trust-emails"],
    );
    assert_eq!(jl["summary"]["created"], 4, "{jl}");
    assert_eq!(jl["summary"]["skipped"], 5, "{jl}");
    for (id, says) in [
        ("line 3", "not a JSON object"),
        ("line 5", "id"),
        ("line 6", "unknown field"),
    ] {
        let r = record(&jl, id);
        assert_eq!(r["outcome"], "skipped");
        assert!(r["reason"].as_str().unwrap().contains(says), "{id}: {r}");
    }
    let skipped: Vec<&Value> = jl["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "skipped")
        .collect();
    assert!(
        skipped
            .iter()
            .any(|r| r["source_id"] == "1" && r["reason"].as_str().unwrap().contains("same id"))
    );
    assert!(
        skipped
            .iter()
            .any(|r| r["source_id"] == "4"
                && r["reason"].as_str().unwrap().contains("earlier record"))
    );
    let unknown = record(&jl, "5")["notes"][0].as_str().unwrap().to_owned();
    assert!(
        unknown.contains("unknown password hash format"),
        "{unknown}"
    );
    let costly = record(&jl, "6")["notes"][0].as_str().unwrap().to_owned();
    assert!(costly.contains("above Daemun's limit"), "{costly}");
    assert_eq!(stored_hash(&app, "costly@example.com").await, "!");

    for p in &people {
        let (email, password) = (
            p["email"].as_str().unwrap(),
            p["password"].as_str().unwrap(),
        );
        let r = app.login(email, "Not-the-password-1").await;
        assert_eq!(r.status(), 400, "{email}: a wrong password is refused");
        let r = app.login(email, password).await;
        assert_eq!(r.status(), 303, "{email}: the old password logs in");
        let after = stored_hash(&app, email).await;
        assert!(
            after.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{email}: {after}"
        );
        app.submit("/logout", "/logout", &[]).await;
    }

    // Second runs change nothing.
    let again = import(&app, dir.path(), &["keycloak", realm, "--commit"]);
    assert_eq!(again["summary"]["unchanged"], 5, "{again}");
    let again = import(&app, dir.path(), &["jsonl", lines, "--commit"]);
    assert_eq!(again["summary"]["unchanged"], 4, "{again}");
    assert_eq!(again["summary"]["created"], 0, "{again}");
}

/// Without `--commit` nothing is written; an account deleted after its import is not brought
/// back; the plain-text summary names what was skipped.
#[tokio::test]
async fn dry_runs_write_nothing_and_deleted_accounts_stay_deleted() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"a\", \"email\": \"a@example.com\"}\n{\"id\": \"b\", \"email\": \"\"}\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let db = app.state.config.database.url.clone();
    let (ok, out, err) = run(daemun(dir.path(), &db).args(["import", "jsonl", file]));
    assert!(ok, "{err}");
    assert!(
        out.contains("dry run of jsonl: 1 would be created, 0 unchanged, 1 skipped"),
        "{out}"
    );
    assert!(out.contains("skipped b: no email address"), "{out}");
    assert!(app.user("a@example.com").await.is_none());

    let report = import(&app, dir.path(), &["jsonl", file, "--commit"]);
    assert_eq!(report["summary"]["created"], 1);
    let a = app.user("a@example.com").await.unwrap();
    assert!(
        !a.email_verified,
        "without --trust-emails addresses are unverified"
    );
    assert_eq!(stored_hash(&app, "a@example.com").await, "!");
    app.state
        .store
        .delete_account(a.user_id, app.clock_now())
        .await
        .unwrap();
    let again = import(&app, dir.path(), &["jsonl", file, "--commit"]);
    assert_eq!(again["summary"]["created"], 0, "{again}");
    let r = record(&again, "a");
    assert!(
        r["reason"].as_str().unwrap().contains("deleted since"),
        "{r}"
    );
    assert!(app.user("a@example.com").await.is_none());

    let (ok, _, err) = run(daemun(dir.path(), &db).args(["import", "django", file]));
    assert!(!ok && err.contains("not the JSON list"), "{err}");
}

/// An account that conflicts while its batch is written is left out whole; the rest of the
/// batch is written with its records.
#[tokio::test]
async fn a_conflict_while_writing_leaves_out_one_account_and_keeps_the_batch() {
    use daemun::store::imports::ImportedAccount;
    use daemun::store::users::NewUser;
    let app = TestApp::spawn().await;
    app.verified_user("taken@example.com", "Taken").await;
    let account = |id: &str, email: &str| {
        let address = daemun::domain::email_address::EmailAddress::parse(email).unwrap();
        ImportedAccount {
            source_id: id.into(),
            account: NewUser::new(&address, None, id.into(), "!".into()),
            given_name: String::new(),
            family_name: String::new(),
            is_active: true,
            created_at: app.clock_now(),
            last_login_at: None,
        }
    };
    let batch = [
        account("1", "one@example.com"),
        account("2", "taken@example.com"),
        account("3", "three@example.com"),
    ];
    let store = &app.state.store;
    let written = store
        .import_accounts("test", &batch, app.clock_now())
        .await
        .unwrap();
    assert_eq!(written, [true, false, true]);
    let ids: Vec<String> = ["1", "2", "3"].map(String::from).to_vec();
    let earlier = store.imported_before("test", &ids).await.unwrap();
    assert_eq!(earlier.len(), 2, "{earlier:?}");
    assert_eq!(earlier["3"].as_deref(), Some(batch[2].account.sub.as_str()));
    assert_eq!(
        app.user("taken@example.com").await.unwrap().display_name,
        "Taken"
    );
}
