//! `daemun client update`, run as an operator would: the real binary on the test's database.
//! Every check reads the client back with `client show --json` and compares all of it, so a
//! flag that changed more than its own field fails too.
use serde_json::{Value, json};

use crate::cli::{assert_cli_event, daemun, events, run};

/// A database with one client in it, and the binary pointed at it.
struct Fixture {
    dir: tempfile::TempDir,
    db: String,
    id: String,
}

/// A confidential client with a value other than the default for every setting, so a change
/// back to a default shows as a change.
const ADD: &[&str] = &[
    "--name",
    "Board",
    "--redirect-uri",
    "https://board.example.com/a",
    "--redirect-uri",
    "https://board.example.com/b",
    "--post-logout-redirect-uri",
    "https://board.example.com/bye",
    "--grant-type",
    "authorization_code",
    "--scope",
    "openid",
    "--scope",
    "profile",
    "--auth-method",
    "client_secret_basic",
    "--id-token-alg",
    "RS256",
    "--logo-uri",
    "https://board.example.com/logo.png",
    "--home-uri",
    "https://board.example.com/",
];

impl Fixture {
    async fn new(add: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::helpers::test_database_url(dir.path()).await;
        let mut f = Self {
            dir,
            db,
            id: String::new(),
        };
        let (ok, out, err) = f.client(&[&["add", "--json"], add].concat());
        assert!(ok, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        f.id = v["client_id"].as_str().unwrap().to_owned();
        f
    }

    /// `daemun client <args>`.
    fn client(&self, args: &[&str]) -> (bool, String, String) {
        run(daemun(self.dir.path(), &self.db).arg("client").args(args))
    }

    /// `daemun client update <the client> <args>`.
    fn update(&self, args: &[&str]) -> (bool, String, String) {
        self.client(&[&["update", self.id.as_str()], args].concat())
    }

    fn show(&self) -> Value {
        let (ok, out, err) = self.client(&["show", &self.id, "--json"]);
        assert!(ok, "{err}");
        serde_json::from_str(&out).unwrap()
    }

    /// Runs `update args` and asserts that the client afterwards is what it was with the
    /// fields of `changes` (each of which must differ from before) set, and nothing else.
    fn changes_exactly(&self, args: &[&str], changes: Value) {
        let before = self.show();
        let (ok, _, err) = self.update(args);
        assert!(ok, "{args:?}: {err}");
        let mut expected = before.clone();
        for (k, v) in changes.as_object().unwrap() {
            assert!(before.get(k).is_some(), "no field {k}");
            assert_ne!(&before[k], v, "{args:?} would leave {k} as it was");
            expected[k] = v.clone();
        }
        assert_eq!(self.show(), expected, "{args:?}");
    }

    /// Runs `update args`, expects a refusal naming `word`, and a client left as it was.
    fn refused(&self, args: &[&str], word: &str) {
        let before = self.show();
        let (ok, out, err) = self.update(args);
        assert!(!ok, "{args:?} accepted: {out}");
        assert!(
            err.to_lowercase().contains(&word.to_lowercase()),
            "{args:?}: `{err}` should mention {word}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(self.show(), before, "{args:?} changed the client");
    }
}

#[tokio::test]
async fn each_option_replaces_only_its_own_value() {
    let f = Fixture::new(ADD).await;
    let base = "https://board.example.com";
    let cases = [
        (
            vec!["--name", "Board Two"],
            json!({ "client_name": "Board Two" }),
        ),
        (
            vec!["--auth-method", "client_secret_post"],
            json!({ "token_endpoint_auth_method": "client_secret_post" }),
        ),
        (
            vec!["--id-token-alg", "ES256"],
            json!({ "id_token_signed_response_alg": "ES256" }),
        ),
    ];
    for (args, changes) in cases {
        f.changes_exactly(&args, changes);
    }
    // An empty value is the default again: both secret methods.
    f.changes_exactly(
        &["--auth-method", ""],
        json!({ "token_endpoint_auth_method": "client_secret_basic client_secret_post" }),
    );
    let logo = format!("{base}/new-logo.png");
    f.changes_exactly(&["--logo-uri", &logo], json!({ "logo_uri": logo }));
    let home = format!("{base}/home");
    f.changes_exactly(&["--home-uri", &home], json!({ "client_uri": home }));
}

#[tokio::test]
async fn each_repeatable_flag_replaces_its_whole_list() {
    let f = Fixture::new(ADD).await;
    let cases = [
        (
            vec![
                "--redirect-uri",
                "https://board.example.com/c",
                "--redirect-uri",
                "http://127.0.0.1:9000/d",
            ],
            json!({ "redirect_uris": ["https://board.example.com/c", "http://127.0.0.1:9000/d"] }),
        ),
        (
            vec![
                "--post-logout-redirect-uri",
                "https://board.example.com/out1",
                "--post-logout-redirect-uri",
                "https://board.example.com/out2",
            ],
            json!({ "post_logout_redirect_uris": [
                "https://board.example.com/out1",
                "https://board.example.com/out2",
            ] }),
        ),
        (
            vec![
                "--grant-type",
                "client_credentials",
                "--grant-type",
                "refresh_token",
            ],
            json!({ "grant_types": ["client_credentials", "refresh_token"] }),
        ),
        (
            vec!["--scope", "email", "--scope", "offline_access"],
            json!({ "scope": "email offline_access" }),
        ),
    ];
    for (args, changes) in cases {
        f.changes_exactly(&args, changes);
    }
    // One value is a whole list too.
    f.changes_exactly(&["--scope", "openid"], json!({ "scope": "openid" }));
}

#[tokio::test]
async fn first_party_pkce_and_two_factors_are_switched_on_and_off() {
    let f = Fixture::new(ADD).await;
    f.changes_exactly(&["--first-party"], json!({ "first_party": true }));
    f.changes_exactly(&["--no-first-party"], json!({ "first_party": false }));
    f.changes_exactly(&["--require-pkce"], json!({ "require_pkce": true }));
    f.changes_exactly(&["--no-require-pkce"], json!({ "require_pkce": false }));
    f.changes_exactly(&["--require-mfa"], json!({ "require_mfa": true }));
    f.changes_exactly(&["--no-require-mfa"], json!({ "require_mfa": false }));
    let pushed = "require_pushed_authorization_requests";
    f.changes_exactly(&["--require-par"], json!({ pushed: true }));
    f.changes_exactly(&["--no-require-par"], json!({ pushed: false }));
    f.changes_exactly(
        &["--backchannel-logout-uri", "https://board.example.com/bc"],
        json!({ "backchannel_logout_uri": "https://board.example.com/bc" }),
    );
    f.changes_exactly(
        &["--backchannel-logout-session-required"],
        json!({ "backchannel_logout_session_required": true }),
    );
    f.changes_exactly(
        &["--no-backchannel-logout-session-required"],
        json!({ "backchannel_logout_session_required": false }),
    );
    f.changes_exactly(
        &["--backchannel-logout-uri", ""],
        json!({ "backchannel_logout_uri": "" }),
    );

    // Giving both forms is a usage error (exit code 2), and changes nothing.
    let before = f.show();
    for both in [
        ["--first-party", "--no-first-party"],
        ["--require-pkce", "--no-require-pkce"],
        ["--require-mfa", "--no-require-mfa"],
        ["--require-par", "--no-require-par"],
        [
            "--backchannel-logout-session-required",
            "--no-backchannel-logout-session-required",
        ],
    ] {
        let out = daemun(f.dir.path(), &f.db)
            .args(["client", "update", &f.id])
            .args(both)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{both:?}: {err}");
        assert!(err.contains("cannot be used with"), "{err}");
    }
    assert_eq!(f.show(), before);
}

#[tokio::test]
async fn an_empty_value_clears_a_url_or_the_post_logout_list() {
    let f = Fixture::new(ADD).await;
    f.changes_exactly(&["--logo-uri", ""], json!({ "logo_uri": "" }));
    f.changes_exactly(&["--home-uri", ""], json!({ "client_uri": "" }));
    f.changes_exactly(
        &["--post-logout-redirect-uri", ""],
        json!({ "post_logout_redirect_uris": [] }),
    );
}

#[tokio::test]
async fn several_flags_change_together_and_json_prints_the_client_as_show_does() {
    let f = Fixture::new(ADD).await;
    let before = f.show();
    let (ok, out, err) = f.update(&[
        "--name",
        "Board Two",
        "--first-party",
        "--scope",
        "openid",
        "--json",
    ]);
    assert!(ok, "{err}");
    let printed: Value = serde_json::from_str(&out).unwrap();
    let after = f.show();
    assert_eq!(
        printed, after,
        "--json prints what `client show --json` shows"
    );
    let mut expected = before;
    expected["client_name"] = json!("Board Two");
    expected["first_party"] = json!(true);
    expected["scope"] = json!("openid");
    assert_eq!(after, expected);
}

#[tokio::test]
async fn invalid_values_are_refused_with_a_message_and_change_nothing() {
    let f = Fixture::new(ADD).await;
    let cases: &[(&[&str], &str)] = &[
        (&["--redirect-uri", "http://board.example.com/cb"], "http"),
        (
            &["--redirect-uri", "https://board.example.com/cb#x"],
            "fragment",
        ),
        (&["--redirect-uri", "not a uri"], "redirect URI"),
        // Keeping only valid URIs is not enough: the whole list is checked.
        (
            &[
                "--redirect-uri",
                "https://board.example.com/ok",
                "--redirect-uri",
                "https://*.example.com/cb",
            ],
            "redirect URI",
        ),
        (&["--redirect-uri", ""], "redirect-uri"),
        (
            &["--post-logout-redirect-uri", "javascript:alert(1)"],
            "redirect URI",
        ),
        (&["--grant-type", "password"], "password"),
        (&["--scope", "admin"], "admin"),
        (&["--auth-method", "private_key_jwt"], "private_key_jwt"),
        (&["--auth-method", "none"], "confidential"),
        (&["--id-token-alg", "HS256"], "HS256"),
        (&["--logo-uri", "http://board.example.com/logo.png"], "logo"),
        (&["--home-uri", "javascript:alert(1)"], "home"),
        (&["--name", " "], "name"),
        // A valid change next to an invalid one is not made either.
        (&["--name", "Board Two", "--scope", "admin"], "admin"),
    ];
    for (args, word) in cases {
        f.refused(args, word);
    }
    // Nothing to change is an error too, rather than a silent no-op.
    f.refused(&[], "nothing to change");

    let events = events(&f.db).await;
    assert!(
        !events.iter().any(|e| e.event == "client.updated"),
        "a refused change leaves no client.updated: {events:#?}"
    );
}

#[tokio::test]
async fn a_public_client_stays_public() {
    let f = Fixture::new(&[
        "--name",
        "Spa",
        "--public",
        "--redirect-uri",
        "https://spa.example.com/cb",
    ])
    .await;
    f.changes_exactly(&["--name", "Spa Two"], json!({ "client_name": "Spa Two" }));
    let v = f.show();
    assert_eq!(v["public"], true);
    assert_eq!(v["token_endpoint_auth_method"], "none");
    assert_eq!(v["require_pkce"], true);
    f.refused(&["--no-require-pkce"], "PKCE");
    f.refused(&["--grant-type", "client_credentials"], "public");
    f.refused(&["--auth-method", "client_secret_basic"], "public");

    // --public is not a flag of update: a client never switches kind.
    let out = daemun(f.dir.path(), &f.db)
        .args(["client", "update", &f.id, "--public"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let help = daemun(f.dir.path(), &f.db)
        .args(["client", "update", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(!help.contains("--public"), "{help}");
    assert!(
        help.contains("public or confidential cannot change"),
        "{help}"
    );
}

#[tokio::test]
async fn an_unknown_client_id_is_refused() {
    let f = Fixture::new(ADD).await;
    let (ok, _, err) = f.client(&["update", "no-such-client", "--name", "X"]);
    assert!(!ok);
    assert!(err.contains("no client has the id no-such-client"), "{err}");
    let events = events(&f.db).await;
    assert!(!events.iter().any(|e| e.event == "client.updated"));
}

#[tokio::test]
async fn the_change_is_written_to_the_audit_log_and_the_secret_kept() {
    let f = Fixture::new(ADD).await;
    let store = daemun::store::Store::connect(&f.db, 1).await.unwrap();
    let hash = store.client(&f.id).await.unwrap().unwrap().secret_hash;
    assert!(hash.is_some());

    let (ok, out, err) = f.update(&["--name", "Board Two", "--first-party"]);
    assert!(ok, "{err}");
    assert!(out.contains(&f.id), "{out}");
    let row = store.client(&f.id).await.unwrap().unwrap();
    assert_eq!(row.secret_hash, hash, "an update keeps the secret");
    store.close().await;

    // The same values again: a success that changes nothing.
    let (ok, out, err) = f.update(&["--name", "Board Two"]);
    assert!(ok, "{err}");
    assert!(out.contains("nothing changed"), "{out}");

    let events = events(&f.db).await;
    assert_cli_event(&events, "client.updated", Some(&f.id));
    let details: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "client.updated")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(details, ["unchanged", "changed=client_name,first_party"]);
}
