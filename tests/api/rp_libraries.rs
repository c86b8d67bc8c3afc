//! Relying-party libraries written elsewhere — Python Authlib and Node openid-client — work
//! with Daemun unchanged. Each runs the guide's own code (the blocks of docs/integrate.md
//! marked `<!-- test: … -->`), with a small "browser" from tests/rp/ that logs in and consents:
//! discovery, PKCE S256, state and nonce, code exchange with ID token validation, UserInfo,
//! refresh token rotation and reuse detection, and RP-initiated logout. openid-client also runs
//! the guide's command-line tool through the device authorization grant, and the guide's agent
//! that registers itself (RFC 7591/7592) and logs in with a pushed request (RFC 9126).
//! `scripts/ensure-rp-clients` installs both libraries; `DAEMUN_TEST_RP_PYTHON` names the venv's
//! interpreter.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::rp::Rp;
use daemun::config::RegistrationMode;
use daemun::domain::secret::SecretToken;
use daemun::oidc::registration::ClientSpec;

const EMAIL: &str = "rp-library@example.com";
const POST_LOGOUT_URI: &str = "http://127.0.0.1:9/bye";
const RUN_LIMIT: Duration = Duration::from_secs(60);
const INSTALL_HINT: &str = "run scripts/ensure-rp-clients";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced code block right after `<!-- test: NAME -->` in the integration guide.
fn guide_block(name: &str) -> String {
    doc_block("docs/integrate.md", name)
}

/// The fenced code block right after `<!-- test: NAME -->` in `doc` (a path in the repository).
pub fn doc_block(doc: &str, name: &str) -> String {
    let guide = std::fs::read_to_string(repo().join(doc)).expect("read the guide");
    let marker = format!("<!-- test: {name} -->");
    let after = guide
        .split_once(&marker)
        .unwrap_or_else(|| panic!("{doc} has no {marker}"))
        .1
        .trim_start();
    let (fence, rest) = after
        .split_once('\n')
        .unwrap_or_else(|| panic!("nothing after {marker}"));
    assert!(
        fence.starts_with("```"),
        "{marker} must precede a code block"
    );
    let end = rest
        .find("\n```")
        .unwrap_or_else(|| panic!("the block after {marker} is not closed"));
    rest[..=end].to_owned()
}

fn python() -> PathBuf {
    let py = std::env::var("DAEMUN_TEST_RP_PYTHON")
        .unwrap_or_else(|_| panic!("DAEMUN_TEST_RP_PYTHON is not set: {INSTALL_HINT}"));
    let py = PathBuf::from(py);
    assert!(
        py.is_file(),
        "{} does not exist: {INSTALL_HINT}",
        py.display()
    );
    py
}

fn node_modules() -> PathBuf {
    let dir = repo().join("tests/rp/node/node_modules");
    assert!(
        dir.join("openid-client/package.json").is_file(),
        "{} lacks openid-client: {INSTALL_HINT}",
        dir.display()
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is not on PATH: {INSTALL_HINT}"
    );
    dir
}

/// A running Daemun with a confidential client (refresh tokens, PKCE required) and a person.
struct Setup {
    app: TestApp,
    rp: Rp,
    sub: String,
}

async fn setup() -> Setup {
    let s = setup_with(|s| {
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
        s.post_logout_redirect_uris = vec![POST_LOGOUT_URI.into()];
        s.require_pkce = true;
    })
    .await;
    assert!(s.rp.secret.is_some(), "a confidential client has a secret");
    s
}

async fn setup_with(adjust: impl FnOnce(&mut ClientSpec)) -> Setup {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, adjust).await;
    app.verified_user(EMAIL, "Ana Library").await;
    let sub = app.user(EMAIL).await.expect("the person exists").sub;
    Setup { app, rp, sub }
}

/// Kills the child if the test ends early (a panic or the time limit).
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `cmd` with the relying party's settings while Daemun keeps serving on this runtime;
/// returns the JSON line it printed.
async fn run_rp(s: &Setup, mut cmd: Command, dir: &Path) -> serde_json::Value {
    if let Some(secret) = &s.rp.secret {
        cmd.env("OIDC_CLIENT_SECRET", secret);
    }
    cmd.env("OIDC_CLIENT_ID", &s.rp.id)
        .env("OIDC_REDIRECT_URI", &s.rp.redirect_uri)
        .env("OIDC_POST_LOGOUT_REDIRECT_URI", POST_LOGOUT_URI);
    run_child(&s.app, cmd, dir).await
}

/// Runs `cmd` with the issuer and the person's credentials while Daemun keeps serving on this
/// runtime; returns the JSON line it printed.
async fn run_child(app: &TestApp, mut cmd: Command, dir: &Path) -> serde_json::Value {
    let out = dir.join("stdout");
    let err = dir.join("stderr");
    cmd.env("OIDC_ISSUER", &app.addr)
        .env("RP_TEST_EMAIL", EMAIL)
        .env("RP_TEST_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"));
    let started = Instant::now();
    let mut child = Reaped(cmd.spawn().expect("start the relying party"));
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait for the relying party") {
            break status;
        }
        assert!(
            started.elapsed() < RUN_LIMIT,
            "the relying party ran longer than {RUN_LIMIT:?}; stderr: {}",
            std::fs::read_to_string(&err).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stdout = std::fs::read_to_string(&out).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(
        status.success(),
        "the relying party failed ({status}):\n{stderr}\n{stdout}"
    );
    println!(
        "relying party finished in {:.2} s: {}",
        started.elapsed().as_secs_f64(),
        stdout.trim()
    );
    let line = stdout.lines().last().expect("one JSON line on stdout");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// The runner's report names the library and the person who logged in, and lists `checks`.
fn assert_checked(report: &serde_json::Value, library: &str, sub: &str, checks: &[&str]) {
    assert_eq!(report["library"], library);
    assert_eq!(
        report["sub"], sub,
        "the ID token names the person who logged in"
    );
    assert_eq!(report["email"], EMAIL);
    let checked: Vec<&str> = report["checked"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert_eq!(checked, checks);
}

/// What both libraries must have done, for the person who logged in, then `more`.
fn assert_report(report: &serde_json::Value, library: &str, sub: &str, more: &[&str]) {
    let common = [
        "discovery",
        "login_and_consent",
        "code_exchange",
        "id_token",
        "userinfo",
        "refresh_rotated",
        "old_refresh_refused",
        "family_revoked",
        "logout",
    ];
    assert_checked(report, library, sub, &[&common[..], more].concat());
}

/// The person allowed exactly the scopes the guide's code asks for on the consent page.
async fn assert_consented(s: &Setup) {
    let user = s.app.user(EMAIL).await.expect("the person exists");
    let granted = s
        .app
        .state
        .store
        .consent(user.user_id, &s.rp.id)
        .await
        .expect("store");
    assert_eq!(granted.as_deref(), Some("openid profile email"));
}

#[tokio::test]
async fn python_authlib_logs_in_refreshes_and_logs_out_with_the_guides_code() {
    let python = python();
    let s = setup().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("daemun_login.py");
    std::fs::write(&module, guide_block("authlib")).expect("write the guide's code");
    let mut cmd = Command::new(python);
    cmd.arg(repo().join("tests/rp/authlib_client.py"))
        .arg(&module)
        .current_dir(dir.path());
    let report = run_rp(&s, cmd, dir.path()).await;
    assert_report(&report, "authlib", &s.sub, &[]);
    assert_consented(&s).await;
}

/// The guide's `daemun_access.py` reads the person's groups and this application's roles
/// through Authlib; another application's role never shows.
#[tokio::test]
async fn python_authlib_reads_groups_and_roles_with_the_guides_code() {
    use daemun::domain::group::Group;
    use daemun::domain::role::{Grantee, Role};
    let python = python();
    let s = setup().await;
    let store = &s.app.state.store;
    let now = s.app.clock_now();
    let user_id = s.app.user(EMAIL).await.expect("the person").user_id;
    let other = Rp::register(&s.app, |c| c.name = "Other".into()).await;
    let staff = Group {
        name: "staff".into(),
        label: "Staff".into(),
        created_at: now,
    };
    store.insert_group(&staff).await.expect("group");
    store
        .add_member("staff", user_id, now)
        .await
        .expect("member");
    for (client, role, to) in [
        (&s.rp.id, "editor", Some(Grantee::Group("staff".into()))),
        (&s.rp.id, "admin", Some(Grantee::Person(user_id))),
        (&s.rp.id, "viewer", None),
        (&other.id, "owner", Some(Grantee::Person(user_id))),
    ] {
        let r = Role {
            client_id: client.clone(),
            name: role.into(),
            label: role.into(),
            created_at: now,
        };
        store.insert_role(&r).await.expect("role");
        if let Some(to) = to {
            store
                .grant_role(client, role, &to, now)
                .await
                .expect("grant");
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("daemun_login.py");
    std::fs::write(&module, guide_block("authlib")).expect("write the guide's code");
    let access = dir.path().join("daemun_access.py");
    std::fs::write(&access, guide_block("authlib-access")).expect("write the guide's code");
    let mut cmd = Command::new(python);
    cmd.arg(repo().join("tests/rp/authlib_client.py"))
        .arg(&module)
        .arg(&access)
        .env("OIDC_SCOPE", "openid profile email groups")
        .env("RP_TEST_GROUPS", r#"["staff"]"#)
        .env("RP_TEST_ROLES", r#"["admin","editor"]"#)
        .current_dir(dir.path());
    let report = run_rp(&s, cmd, dir.path()).await;
    let checks = [
        "discovery",
        "login_and_consent",
        "code_exchange",
        "id_token",
        "userinfo",
        "groups_and_roles",
        "refresh_rotated",
        "old_refresh_refused",
        "family_revoked",
        "logout",
    ];
    assert_checked(&report, "authlib", &s.sub, &checks);
}

#[tokio::test]
async fn node_openid_client_logs_in_refreshes_and_logs_out_with_the_guides_code() {
    let s = setup().await;
    let (dir, cmd) = node_guide("openid-client", "daemun-login.mjs", "openid_client.mjs");
    let report = run_rp(&s, cmd, dir.path()).await;
    assert_report(&report, "openid-client", &s.sub, &["pushed_request"]);
    assert_consented(&s).await;
}

/// Writes the guide's block `name` as `file` in a fresh directory where Node finds the
/// installed openid-client, and the command that runs it under `runner`.
fn node_guide(name: &str, file: &str, runner: &str) -> (tempfile::TempDir, Command) {
    let modules = node_modules();
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join(file);
    std::fs::write(&module, guide_block(name)).expect("write the guide's code");
    // The guide's module imports `openid-client`; Node looks for it beside the module.
    std::os::unix::fs::symlink(&modules, dir.path().join("node_modules")).expect("symlink");
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("tests/rp/node").join(runner))
        .arg(&module)
        .current_dir(dir.path());
    (dir, cmd)
}

#[tokio::test]
async fn node_openid_client_runs_the_guides_device_flow_tool() {
    let s = setup_with(|s| {
        s.public = true;
        s.redirect_uris = vec![];
        s.post_logout_redirect_uris = vec![];
        s.grant_types = vec![
            "urn:ietf:params:oauth:grant-type:device_code".into(),
            "refresh_token".into(),
        ];
    })
    .await;
    assert!(s.rp.secret.is_none(), "the tool is a public client");
    let (dir, cmd) = node_guide(
        "openid-client-device",
        "board-login.mjs",
        "openid_client_device.mjs",
    );
    let report = run_rp(&s, cmd, dir.path()).await;
    assert_checked(
        &report,
        "openid-client",
        &s.sub,
        &[
            "discovery",
            "device_codes",
            "approved",
            "tokens",
            "id_token",
            "refresh_rotated",
            "denied",
        ],
    );
    assert_consented(&s).await;
    let events = s.app.state.store.recent_audit(None, 50).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    for action in ["device.approved", "device.denied"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn node_openid_client_runs_the_guides_self_registering_agent() {
    let app = TestApp::spawn_with(|c| c.registration.mode = RegistrationMode::InitialToken).await;
    app.verified_user(EMAIL, "Ana Library").await;
    let sub = app.user(EMAIL).await.expect("the person exists").sub;
    let token = SecretToken::generate();
    app.state
        .store
        .insert_registration_token(&token.hash(), "agents", app.clock_now())
        .await
        .unwrap();
    // The agent asks for the groups scope and reads the person's groups from the ID token.
    let user_id = app.user(EMAIL).await.unwrap().user_id;
    for name in ["staff", "agents.beta"] {
        let g = daemun::domain::group::Group {
            name: name.into(),
            label: name.into(),
            created_at: app.clock_now(),
        };
        app.state.store.insert_group(&g).await.unwrap();
        app.state
            .store
            .add_member(name, user_id, app.clock_now())
            .await
            .unwrap();
    }
    let (dir, mut cmd) = node_guide(
        "openid-client-register",
        "agent.mjs",
        "openid_client_register.mjs",
    );
    cmd.env("OIDC_INITIAL_ACCESS_TOKEN", token.expose())
        .env("OIDC_REDIRECT_URI", "http://127.0.0.1:9/callback")
        .env("RP_TEST_GROUPS", r#"["agents.beta","staff"]"#);
    let report = run_child(&app, cmd, dir.path()).await;
    assert_checked(
        &report,
        "openid-client",
        &sub,
        &[
            "bad_token_refused",
            "registered",
            "pushed_request",
            "login_and_consent",
            "code_exchange",
            "id_token",
            "groups",
            "registration_read",
            "registration_deleted",
        ],
    );
    let client_id = report["client_id"].as_str().expect("the agent's client_id");
    assert!(
        app.state.store.client(client_id).await.unwrap().is_none(),
        "the agent's registration is gone"
    );
    let events = app.state.store.recent_audit(None, 50).await.unwrap();
    for action in ["client.registered", "client.registration_deleted"] {
        assert!(
            events
                .iter()
                .any(|e| e.event == action && e.client_id.as_deref() == Some(client_id)),
            "{action}"
        );
    }
}

#[test]
fn the_guides_django_settings_are_valid_python() {
    let python = python();
    let block = guide_block("allauth-settings");
    assert!(block.contains("\"openid_connect\"") && block.contains("\"server_url\""));
    let out = Command::new(python)
        .args(["-c", "import ast, sys; ast.parse(sys.argv[1])", &block])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "the Django settings block does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The guide's Python API checks JWT access tokens with Authlib's RFC 9068 validator: a valid
/// one passes; a missing scope, another API's token, a Daemun-signed JWT that is not typed
/// `at+jwt`, an opaque token and a tampered signature do not.
#[tokio::test]
async fn python_authlib_checks_jwt_access_tokens_with_the_guides_code() {
    use crate::resources::{BILLING, FILES, LEGACY, add_resources};
    let python = python();
    let app = TestApp::spawn().await;
    add_resources(&app).await;
    let rp = Rp::register(&app, |spec| {
        spec.first_party = true;
        spec.resources = vec![BILLING.into(), FILES.into(), LEGACY.into()];
    })
    .await;
    app.verified_user(EMAIL, "Ana Library").await;
    let sub = app.user(EMAIL).await.expect("the person exists").sub;
    let s = Setup { app, rp, sub };
    assert_eq!(s.app.login(EMAIL, PASSWORD).await.status(), 303);
    let token = |scope: &'static str, resource: Option<&'static str>| {
        let rp = &s.rp;
        let app = &s.app;
        async move {
            let mut extra = vec![("scope", scope)];
            extra.extend(resource.map(|r| ("resource", r)));
            let v = rp.tokens(app, &extra).await;
            v["access_token"].as_str().unwrap().to_owned()
        }
    };
    let valid = token("openid invoices:read", Some(BILLING)).await;
    let other_api = token("openid files:read", Some(FILES)).await;
    let opaque = token("openid legacy:read", None).await;
    let mut claims = crate::oidc_flow::jwt_payload(&valid);
    claims["jti"] = "untyped".into();
    let untyped = daemun::keys::jwt::sign(
        &s.app.state.keys,
        daemun::keys::signing::Alg::Rs256,
        "JWT",
        &claims,
        s.app.clock_now(),
    )
    .unwrap();
    let tokens = serde_json::json!({
        "valid": valid,
        "scope": "invoices:read",
        "other_scope": "invoices:write",
        "other_api": other_api,
        "untyped": untyped,
        "opaque": opaque,
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("api_tokens.py");
    std::fs::write(&module, guide_block("authlib-api")).expect("write the guide's code");
    let mut cmd = Command::new(python);
    cmd.arg(repo().join("tests/rp/authlib_api.py"))
        .arg(&module)
        .env("API_RESOURCE", BILLING)
        .env("API_TOKENS", tokens.to_string())
        .current_dir(dir.path());
    let report = run_child(&s.app, cmd, dir.path()).await;
    assert_eq!(report["library"], "authlib");
    assert_eq!(report["sub"], s.sub);
    assert_eq!(report["client_id"], s.rp.id);
    assert_eq!(
        report["checked"],
        serde_json::json!([
            "valid",
            "scope_missing",
            "other_api",
            "typ_checked",
            "opaque",
            "tampered"
        ])
    );
}
