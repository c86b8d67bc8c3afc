//! Two `daemun serve` processes on one PostgreSQL database behave as one provider, set up as
//! docs/deploy.md ("Several nodes on PostgreSQL") says: the same `server.issuer`,
//! `keys.encryption_key` and `database.url`, each node its own `server.bind`. Every request
//! carries the issuer's `Host`, as a load balancer in front of the nodes forwards it.
//! Always on PostgreSQL (`TEST_DATABASE_URL`, else the local server), whichever pass runs it.
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::header::{COOKIE, HOST, SET_COOKIE};
use reqwest::{RequestBuilder, Response};
use sqlx::Connection;

use crate::cli::run;
use crate::cli_user::run_with_stdin;
use crate::helpers::{csrf_token, free_port};
use crate::helpers::{fresh_postgres_database, postgres_base_url};
use crate::rp::Rp;
use crate::second_factor::{STEP, key_on};

const PASSWORD: &str = "Harbour-lantern-cedar-42";
const MAILS: i64 = 100;
/// How long to wait for anything the nodes do in the background (generous: loaded CI).
const PATIENCE: Duration = Duration::from_secs(40);

/// What every node and every management command share (also used by `durability`).
pub struct Shared {
    pub dir: tempfile::TempDir,
    pub db: String,
    pub kek: String,
    pub issuer: String,
}

impl Shared {
    /// `daemun <args>` with the shared settings.
    pub fn daemun(&self) -> Command {
        let mut c = crate::cli::daemun(self.dir.path(), &self.db);
        c.env("DAEMUN_KEYS__ENCRYPTION_KEY", &self.kek)
            .env("DAEMUN_SERVER__ISSUER", &self.issuer)
            // A rotated key signs at once (`keys rotate` reads this) and nodes re-read each second.
            .env("DAEMUN_KEYS__ROTATION_DELAY_SECS", "0")
            .env("DAEMUN_KEYS__REFRESH_SECS", "1");
        c
    }

    pub fn cli_json(&self, args: &[&str], stdin: &str) -> serde_json::Value {
        let (ok, out, err) = run_with_stdin(self.daemun().args(args), stdin);
        assert!(ok, "daemun {args:?}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("JSON from {args:?}: {out}"))
    }

    /// A first-party client with a secret for `grants`, as an application holds it.
    pub fn add_client(&self, name: &str, grants: &[&str]) -> Rp {
        let mut args = vec!["client", "add", "--name", name, "--first-party"];
        for grant in grants {
            args.extend(["--grant-type", grant]);
        }
        args.extend(["--redirect-uri", crate::helpers::REDIRECT_URI, "--json"]);
        let v = self.cli_json(&args, "");
        let secret = v["client_secret"].as_str().unwrap().to_owned();
        let mut rp = Rp::new(&self.issuer, v["client_id"].as_str().unwrap(), Some(secret));
        rp.scope = "openid email".into();
        rp.state = "s".into();
        rp
    }

    /// Starts one node listening on `port`; its output goes to `<name>.log`.
    pub fn start(&self, name: &str, port: u16) -> Node {
        let mail_dir = self.dir.path().join(format!("mail-{name}"));
        let log = std::fs::File::create(self.dir.path().join(format!("{name}.log"))).unwrap();
        let mut c = self.daemun();
        c.arg("serve")
            .env("DAEMUN_SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("DAEMUN_MAIL__TRANSPORT", "file")
            .env("DAEMUN_MAIL__FILE_DIR", &mail_dir)
            .env("DAEMUN_MAIL__POLL_INTERVAL_MS", "100")
            .env("RUST_LOG", "info")
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // The test sends many requests from one address; only the limits are out of the way.
        for limit in [
            "RESET_PER_IP",
            "RESET_PER_ADDRESS",
            "LOGIN_PER_IP",
            "EDGE_LOGIN_PER_MINUTE",
            "EDGE_RESET_PER_MINUTE",
            "EDGE_AUTHORIZE_PER_MINUTE",
            "EDGE_TOKEN_PER_MINUTE",
            "TOKEN_PER_CLIENT_PER_MINUTE",
        ] {
            c.env(format!("DAEMUN_LIMITS__{limit}"), "0");
        }
        Node {
            name: name.to_owned(),
            child: c.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
            mail_dir,
            log: self.dir.path().join(format!("{name}.log")),
        }
    }
}

/// A running `daemun serve`, stopped (SIGKILL) when dropped.
pub struct Node {
    name: String,
    pub child: Child,
    pub base: String,
    mail_dir: PathBuf,
    log: PathBuf,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    /// Waits for `/readyz` to answer 200 (the node has migrated and serves).
    pub async fn wait_ready(&mut self, http: &reqwest::Client) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "node {} exited ({status}): {}",
                    self.name,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if let Ok(r) = http.get(format!("{}/readyz", self.base)).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(Instant::now() < deadline, "node {} never ready", self.name);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A browser behind the load balancer: one cookie jar, any node, always the issuer's `Host`.
pub struct Browser {
    pub http: reqwest::Client,
    host: String,
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(http: &reqwest::Client, issuer: &str) -> Self {
        Self {
            http: http.clone(),
            host: issuer.trim_start_matches("http://").to_owned(),
            cookies: HashMap::new(),
        }
    }

    pub async fn send(&mut self, req: RequestBuilder) -> Response {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let r = req
            .header(HOST, &self.host)
            .header(COOKIE, cookie)
            .send()
            .await
            .expect("a response");
        for set in r.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        r
    }

    async fn get(&mut self, node: &Node, path: &str) -> Response {
        let req = self.http.get(format!("{}{path}", node.base));
        self.send(req).await
    }

    /// A CSRF token for this browser, from a form page of `node`.
    pub async fn csrf(&mut self, node: &Node, page: &str) -> String {
        let html = self.get(node, page).await.text().await.unwrap();
        csrf_token(&html).expect("a CSRF token")
    }

    pub async fn post(&mut self, node: &Node, path: &str, form: &[(&str, &str)]) -> Response {
        let req = self
            .http
            .post(format!("{}{path}", node.base))
            .header("sec-fetch-site", "same-origin")
            .form(form);
        self.send(req).await
    }

    /// A code from `node`'s `/authorize` for a logged-in browser (the redirect is not followed).
    pub async fn code(&mut self, node: &Node, rp: &Rp) -> String {
        let r = self.get(node, &rp.authorize_path(&[("nonce", "n")])).await;
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&rp.redirect_uri), "{location}");
        let url = url::Url::parse(&location).unwrap();
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no code in {location}"))
    }
}

/// `POST /token` at `node` as `rp` (client_secret_basic).
pub async fn token(
    b: &mut Browser,
    node: &Node,
    rp: &Rp,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let req = b
        .http
        .post(format!("{}/token", node.base))
        .header("authorization", rp.basic())
        .form(form);
    let r = b.send(req).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn redeem(b: &mut Browser, node: &Node, rp: &Rp, code: &str) -> (u16, serde_json::Value) {
    token(b, node, rp, &rp.exchange_form(code, None)).await
}

fn jwt_kid(jwt: &str) -> String {
    let header = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["kid"].as_str().unwrap().to_owned()
}

async fn kids(b: &mut Browser, node: &Node) -> BTreeSet<String> {
    let v: serde_json::Value = b.get(node, "/jwks.json").await.json().await.unwrap();
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(db: &mut sqlx::PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db)
        .await
        .unwrap()
}

/// The names of the mail files in `dir`.
fn mail_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgres_database_act_as_one_provider() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_postgres_database(&postgres_base_url()).await.1;
    let (port_a, port_b) = (free_port(), free_port());
    let shared = Shared {
        dir,
        db,
        kek: base64::engine::general_purpose::STANDARD.encode([42u8; 32]),
        // A host name, as passkeys need (section 8); the nodes still listen on 127.0.0.1.
        issuer: format!("http://localhost:{port_a}"),
    };
    let http = crate::helpers::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // 1. Both nodes start together on the empty database and each migration is applied once.
    let mut a = shared.start("a", port_a);
    let mut b = shared.start("b", port_b);
    a.wait_ready(&http).await;
    b.wait_ready(&http).await;
    let mut pg = sqlx::PgConnection::connect(&shared.db).await.unwrap();
    const MIGRATIONS: &str = "SELECT count(*) FROM _sqlx_migrations WHERE success";
    let applied = count(&mut pg, MIGRATIONS).await;
    let (_, postgres) = daemun::store::Store::migration_names();
    assert_eq!(applied, i64::try_from(postgres.len()).unwrap());
    const DUPLICATES: &str = "SELECT count(*) - count(DISTINCT version) FROM _sqlx_migrations";
    assert_eq!(count(&mut pg, DUPLICATES).await, 0, "a migration ran twice");
    // ... and the first signing keys are created once, not once per node.
    let keys = count(&mut pg, "SELECT count(*) FROM signing_key").await;
    let algs = count(&mut pg, "SELECT count(DISTINCT alg) FROM signing_key").await;
    assert_eq!(keys, algs, "each node created its own first keys");

    // 2. A session started on node A is valid on node B.
    let email = "ada@example.com";
    let user = shared.cli_json(
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Ada Lovelace",
            "--json",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(user["email_verified"], true);
    let mut browser = Browser::new(&http, &shared.issuer);
    let csrf = browser.csrf(&a, "/login").await;
    let r = browser
        .post(
            &a,
            "/login",
            &[
                ("identifier", email),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "login at node A");
    let r = browser.get(&b, "/account").await;
    assert_eq!(r.status(), 200, "node B knows the session");
    assert!(r.text().await.unwrap().contains("Ada Lovelace"));

    // 3. A code issued by node A is redeemed at node B, once.
    let rp = shared.add_client("Board", &["authorization_code"]);
    let code = browser.code(&a, &rp).await;
    let (status, tokens) = redeem(&mut browser, &b, &rp, &code).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, err) = redeem(&mut browser, &a, &rp, &code).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"], "invalid_grant");

    // 4. A client added while both run is usable at once at node B; a rotated key reaches
    // both nodes within keys.refresh_secs and node B signs with it.
    let service = shared.add_client("Service", &["client_credentials"]);
    let (status, v) = token(
        &mut browser,
        &b,
        &service,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["access_token"].is_string());
    let before = kids(&mut browser, &b).await;
    let old_kid = jwt_kid(tokens["id_token"].as_str().unwrap());
    assert!(before.contains(&old_kid));
    let (ok, _, err) = run(shared.daemun().args(["keys", "rotate"]));
    assert!(ok, "{err}");
    let deadline = Instant::now() + PATIENCE;
    // `keys rotate` adds one key per algorithm.
    let new_kids = loop {
        let (ka, kb) = (kids(&mut browser, &a).await, kids(&mut browser, &b).await);
        let fresh: BTreeSet<String> = kb.difference(&before).cloned().collect();
        if ka == kb && !fresh.is_empty() {
            break fresh;
        }
        assert!(
            Instant::now() < deadline,
            "the new key did not reach both nodes: {ka:?} {kb:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let code = browser.code(&b, &rp).await;
    let (status, tokens) = redeem(&mut browser, &b, &rp, &code).await;
    assert_eq!(status, 200, "{tokens}");
    let kid = jwt_kid(tokens["id_token"].as_str().unwrap());
    assert!(new_kids.contains(&kid), "{kid} is not one of {new_kids:?}");

    // 5. Mail queued through both nodes is sent exactly once, by one of them.
    let queued_before = count(&mut pg, "SELECT count(*) FROM mail_outbox").await;
    let csrf = browser.csrf(&a, "/password/reset").await;
    for i in 0..MAILS {
        let node = if i % 2 == 0 { &a } else { &b };
        let r = browser
            .post(
                node,
                "/password/reset",
                &[("email", email), ("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        let queued = count(&mut pg, "SELECT count(*) FROM mail_outbox").await;
        let unsent = count(
            &mut pg,
            "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL",
        )
        .await;
        if queued == queued_before + MAILS && unsent == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{queued} queued, {unsent} unsent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (mails_a, mails_b) = (mail_files(&a.mail_dir), mail_files(&b.mail_dir));
    assert!(
        mails_a.is_disjoint(&mails_b),
        "a mail was sent by both nodes"
    );
    let ids = count(&mut pg, "SELECT count(DISTINCT mail_id) FROM mail_outbox").await;
    assert_eq!(i64::try_from(mails_a.len() + mails_b.len()).unwrap(), ids);
    assert_eq!(ids, queued_before + MAILS);
    let (na, nb, took) = (mails_a.len(), mails_b.len(), started.elapsed());
    eprintln!("two nodes: {na} mails sent by A, {nb} by B; {took:?} in all");

    // 6. A login started on node A finishes on node B. The app is set up through both nodes
    // (the key A sealed opens on B), and the pending login lives in the database.
    let csrf = browser.csrf(&a, "/account/security").await;
    let form = [("current_password", PASSWORD), ("csrf_token", &csrf)];
    let r = browser.post(&a, "/account/security/totp", &form).await;
    assert_eq!(r.status(), 303);
    let page = browser
        .get(&b, "/account/security")
        .await
        .text()
        .await
        .unwrap();
    let secret = key_on(&page);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = secret.code_at(now).unwrap();
    let csrf = csrf_token(&page).unwrap();
    let form = [("code", code.as_str()), ("csrf_token", &csrf)];
    let r = browser
        .post(&b, "/account/security/totp/confirm", &form)
        .await;
    assert_eq!(r.status(), 200, "the app is on, the recovery codes shown");
    let csrf = browser.csrf(&b, "/logout").await;
    let r = browser.post(&b, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let csrf = browser.csrf(&a, "/login").await;
    let form = [
        ("identifier", email),
        ("password", PASSWORD),
        ("csrf_token", &csrf),
    ];
    let r = browser.post(&a, "/login", &form).await;
    assert_eq!(r.headers()["location"], STEP, "node A asks for the code");
    assert_eq!(
        browser.get(&a, "/account").await.status(),
        303,
        "not yet in"
    );
    let csrf = browser.csrf(&b, STEP).await;
    // The next step's code: later than the one just accepted, within the ±1 step window.
    let code = secret.code_at(now + 30).unwrap();
    let form = [
        ("method", "totp"),
        ("code", code.as_str()),
        ("csrf_token", &csrf),
    ];
    let r = browser.post(&b, STEP, &form).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/account",
        "node B finishes the login"
    );
    assert_eq!(browser.get(&a, "/account").await.status(), 200);

    // 7. Back-channel logout through both nodes' senders: one delivery per application.
    let (receiver, url) = crate::backchannel::Receiver::start().await;
    let v = shared.cli_json(
        &[
            "client",
            "add",
            "--name",
            "Listener",
            "--first-party",
            "--grant-type",
            "authorization_code",
            "--redirect-uri",
            crate::helpers::REDIRECT_URI,
            "--backchannel-logout-uri",
            &url,
            "--json",
        ],
        "",
    );
    let listener = Rp::new(
        &shared.issuer,
        v["client_id"].as_str().unwrap(),
        v["client_secret"].as_str().map(str::to_owned),
    );
    let code = browser.code(&a, &listener).await;
    assert_eq!(redeem(&mut browser, &b, &listener, &code).await.0, 200);
    let csrf = browser.csrf(&b, "/logout").await;
    assert_eq!(
        browser
            .post(&b, "/logout", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    let deadline = Instant::now() + PATIENCE;
    while receiver.tokens.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no logout token arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both senders poll every second: give a duplicate three rounds to show.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        receiver.tokens.lock().unwrap().len(),
        1,
        "one delivery, by one node"
    );

    // 8. Passkey ceremonies started on one node finish on the other: adding one (options from
    // A, the key from B) and logging in with it without a password (options from B, the
    // answer at A).
    let grace = "grace@example.com";
    shared.cli_json(
        &["user", "add", "--email", grace, "--name", "Grace", "--json"],
        &format!("{PASSWORD}\n"),
    );
    let mut key = crate::authenticator::SoftAuthenticator::new(&shared.issuer);
    let mut person = Browser::new(&http, &shared.issuer);
    let csrf = person.csrf(&a, "/login").await;
    let form = [
        ("identifier", grace),
        ("password", PASSWORD),
        ("csrf_token", &csrf),
    ];
    assert_eq!(person.post(&a, "/login", &form).await.status(), 303);
    let csrf = person.csrf(&a, "/account/security").await;
    let form = [
        ("passkey_password", PASSWORD),
        ("name", "Laptop"),
        ("csrf_token", &csrf),
    ];
    let r = person
        .post(&a, "/account/security/passkeys/options", &form)
        .await;
    assert_eq!(r.status(), 200);
    let started: serde_json::Value = r.json().await.unwrap();
    let credential = key.create(&started["options"]).to_string();
    let form = [
        ("ceremony", started["ceremony"].as_str().unwrap()),
        ("credential", credential.as_str()),
        ("name", "Laptop"),
        ("csrf_token", &csrf),
    ];
    let r = person.post(&b, "/account/security/passkeys", &form).await;
    assert_eq!(
        r.status(),
        200,
        "node B keeps the key, the recovery codes shown"
    );
    let mut fresh = Browser::new(&http, &shared.issuer);
    let csrf = fresh.csrf(&b, "/login").await;
    let r = fresh
        .post(&b, "/login/passkey/options", &[("csrf_token", &csrf)])
        .await;
    let started: serde_json::Value = r.json().await.unwrap();
    let assertion = key.get(&started["options"]).to_string();
    let form = [
        ("step", "discover"),
        ("ceremony", started["ceremony"].as_str().unwrap()),
        ("credential", assertion.as_str()),
        ("csrf_token", &csrf),
    ];
    let r = fresh.post(&a, "/login/passkey", &form).await;
    assert_eq!(
        r.headers()["location"],
        "/account",
        "node A finishes the login"
    );
    assert_eq!(fresh.get(&b, "/account").await.status(), 200);
    pg.close().await.unwrap();
}
