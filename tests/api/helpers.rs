//! `TestApp`: a Daemun on 127.0.0.1:0 with its own database, a fake clock, an in-memory
//! mailer and a cookie-keeping HTTP client.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use daemun::app::{App, BuildOptions};
use daemun::config::Config;
use daemun::domain::clock::FakeClock;
use daemun::http::AppState;
use daemun::mail::SentMail;
use daemun::store::Store;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use sqlx::Connection;

pub const PASSWORD: &str = "correct-Horse-battery-9";

pub struct TestApp {
    pub addr: String,
    /// The management listener (`server.metrics_bind`), when the app has one.
    pub metrics_addr: Option<String>,
    pub client: Client,
    pub state: AppState,
    pub clock: FakeClock,
    _dir: tempfile::TempDir,
    shutdown: tokio_util::sync::CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The PostgreSQL server tests use: `TEST_DATABASE_URL`, else the local one.
pub fn postgres_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh, empty database on the PostgreSQL server at `base`: its name and its URL.
pub async fn fresh_postgres_database(base: &str) -> (String, String) {
    let name = format!(
        "daemun_test_{}",
        daemun::domain::secret::random_id()
            .to_lowercase()
            .replace(['-', '_'], "")
    );
    let mut admin = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL (scripts/ensure-postgres)");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(base).expect("a PostgreSQL URL");
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}

/// A database for one test: a temp SQLite file, or a fresh PostgreSQL database.
pub async fn test_database_url(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => fresh_postgres_database(&base).await.1,
        _ => format!("sqlite://{}/daemun.db", dir.display()),
    }
}

pub async fn test_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = test_database_url(dir.path()).await;
    let store = Store::connect(&url, 4).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, dir)
}

/// Settings every test app starts from: fast retries, generous limits, memory mail.
pub fn base_config(dir: &std::path::Path, port: u16, db_url: String) -> Config {
    let mut c = Config::default();
    c.server.bind = format!("127.0.0.1:{port}");
    c.server.issuer = format!("http://127.0.0.1:{port}");
    // A management port of its own, as tests run side by side.
    c.server.metrics_bind = "127.0.0.1:0".into();
    c.database.url = db_url;
    c.database.max_connections = 4;
    c.mail.transport = "memory".into();
    c.mail.poll_interval_ms = 50;
    c.mail.retry_base_ms = 100;
    c.mail.retry_max_secs = 1;
    c.outbound.poll_interval_ms = 50;
    c.outbound.retry_base_ms = 100;
    c.outbound.retry_max_secs = 1;
    c.mail.file_dir = dir.join("mail").display().to_string();
    c.keys.dir = dir.join("keys").display().to_string();
    c.keys.encryption_key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    c.limits.signup_per_ip = 1000;
    c.limits.resend_per_ip = 1000;
    c.limits.resend_per_address = 1000;
    c.limits.login_per_ip = 1000;
    c.limits.lockout_threshold = 100;
    // Edge limits have their own tests; elsewhere they must not get in the way.
    c.limits.edge_login_per_minute = 100_000;
    c.limits.edge_signup_per_minute = 100_000;
    c.limits.edge_resend_per_minute = 100_000;
    c.limits.edge_reset_per_minute = 100_000;
    c.limits.edge_authorize_per_minute = 100_000;
    // The second-factor policy has its own tests; elsewhere administrators act without one.
    c.accounts.require_second_factor = daemun::config::SecondFactorPolicy::Off;
    c
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_at("127.0.0.1", adjust).await
    }

    /// A provider whose issuer is `http://localhost:<port>`: a host name, which passkeys
    /// need as their relying party id (an IP address cannot be one).
    pub async fn spawn_on_localhost() -> Self {
        Self::spawn_at("localhost", |_| {}).await
    }

    async fn spawn_at(host: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let port = listener.local_addr().expect("addr").port();
        let db = test_database_url(dir.path()).await;
        let mut config = base_config(dir.path(), port, db);
        config.server.issuer = format!("http://{host}:{port}");
        adjust(&mut config);
        let clock = FakeClock::new();
        let app = App::build_with(
            config,
            BuildOptions {
                clock: Some(Arc::new(clock.clone())),
                listener: Some(listener),
            },
        )
        .await
        .expect("app builds");
        let state = app.state();
        let shutdown = app.shutdown_token();
        let metrics_addr = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        tokio::spawn(app.serve());
        Self {
            addr: format!("http://{host}:{port}"),
            metrics_addr,
            client: new_client(),
            state,
            clock,
            _dir: dir,
            shutdown,
        }
    }

    pub fn clock_now(&self) -> i64 {
        use daemun::domain::clock::Clock;
        self.clock.now_ms()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// `/metrics` on the management listener.
    pub fn metrics_url(&self) -> String {
        let addr = self.metrics_addr.as_deref().expect("a metrics listener");
        format!("{addr}/metrics")
    }

    /// The discovery document.
    pub async fn discovery(&self) -> serde_json::Value {
        let r = self.get("/.well-known/openid-configuration").await;
        r.json().await.expect("discovery is JSON")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Posts a form as a browser would from our own page (same-origin fetch metadata).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header("sec-fetch-site", "same-origin")
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// GETs `form_path`, then posts `fields` plus the page's CSRF token to `action`.
    pub async fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let page = self.get(form_path).await.text().await.expect("form page");
        let token = csrf_token(&page).unwrap_or_else(|| panic!("no csrf token on {form_path}"));
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_form(action, &all).await
    }

    pub async fn signup(&self, email: &str, name: &str) -> Response {
        self.submit(
            "/signup",
            "/signup",
            &[
                ("email", email),
                ("username", ""),
                ("name", name),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await
    }

    /// Changes the logged-in person's password from [`PASSWORD`] to `new` at `/account/password`.
    pub async fn change_password(&self, new: &str) -> Response {
        self.submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Response {
        self.submit(
            "/login",
            "/login",
            &[("identifier", identifier), ("password", password)],
        )
        .await
    }

    /// Signs up, follows the mailed link and confirms; the account is then verified.
    pub async fn verified_user(&self, email: &str, name: &str) {
        let r = self.signup(email, name).await;
        assert_eq!(r.status(), 200);
        let link = self.verification_link(email).await;
        let path = link.trim_start_matches(&self.addr).to_owned();
        let r = self.submit(&path, &path, &[("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303, "verification POST redirects to login");
    }

    /// Waits until `n` mails to `to` were delivered (the outbox sender is asynchronous).
    pub async fn wait_for_mails(&self, to: &str, n: usize) -> Vec<SentMail> {
        for _ in 0..200 {
            let mails: Vec<SentMail> = self
                .state
                .mailer
                .delivered()
                .into_iter()
                .filter(|m| m.to == to)
                .collect();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected {n} mail(s) to {to}, got {:?}",
            self.state.mailer.delivered()
        );
    }

    /// Waits until the outbox holds no undelivered mail, so that `mails_to` shows every mail
    /// queued so far: how a test sees that a request sent no (more) mail, without sleeping.
    /// A request queues its mail before it answers, except a password reset, which queues
    /// it just after (the answer must not wait for it): wait for an expected reset mail with
    /// `wait_for_mails` first.
    pub async fn wait_for_empty_outbox(&self) {
        for _ in 0..200 {
            if self.state.store.pending_mail_count().await.expect("store") == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the outbox still holds undelivered mail");
    }

    pub fn mails_to(&self, to: &str) -> Vec<SentMail> {
        self.state
            .mailer
            .delivered()
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }

    /// The newest verification link mailed to `to`.
    pub async fn verification_link(&self, to: &str) -> String {
        let before = self.mails_to(to).len();
        let mails = self.wait_for_mails(to, before.max(1)).await;
        let text = &mails.last().expect("a mail").text;
        link_in(text, &format!("{}/verify/", self.addr)).expect("a verification link in the mail")
    }

    pub async fn user(&self, email: &str) -> Option<daemun::domain::user::User> {
        let key = daemun::domain::email_address::normalize(email).expect("valid email");
        self.state.store.user_by_email(&key).await.expect("store")
    }
}

/// A client builder for tests. The server's outbound client brings reqwest's rustls backend
/// without a built-in crypto provider, so the process-wide one (aws-lc-rs, as the server
/// uses) is installed first.
pub fn client_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
}

pub fn new_client() -> Client {
    crate::helpers::client_builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

pub fn csrf_token(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

pub fn link_in(text: &str, prefix: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with(prefix))
        .map(|w| w.trim_end_matches(['.', ',', ')', '>']).to_owned())
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of cookie `name` set by a response.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=')?;
            (k.trim() == name).then(|| val.trim().to_owned())
        })
}

/// A request with exactly this session cookie and nothing else.
pub async fn get_with_session(app: &TestApp, path: &str, session: &str) -> Response {
    crate::helpers::client_builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
        .get(app.url(path))
        .header("cookie", format!("daemun_session={session}"))
        .send()
        .await
        .expect("GET")
}

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

/// The query parameters of a redirect's `Location`.
pub fn location_params(r: &Response) -> std::collections::HashMap<String, String> {
    let loc = location(r);
    let query = loc.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

// ---------- Account portal ----------

/// A second browser (its own cookie jar) for the same app.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub client: Client,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: new_client(),
        }
    }

    /// The discovery document.
    pub async fn discovery(&self) -> serde_json::Value {
        let r = self.get("/.well-known/openid-configuration").await;
        r.json().await.expect("discovery is JSON")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("GET")
    }

    /// GETs `form_path`, then posts `fields` plus the page's CSRF token to `action`.
    pub async fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let page = self.get(form_path).await.text().await.expect("form page");
        let token = csrf_token(&page).unwrap_or_else(|| panic!("no csrf token on {form_path}"));
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.app.url(action))
            .header("sec-fetch-site", "same-origin")
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// Posts `fields` to `action` with this browser's CSRF token (taken from a form page that
    /// always has one), for actions whose own page shows no form (e.g. a dead link).
    pub async fn post(&self, action: &str, fields: &[(&str, &str)]) -> Response {
        let page = self
            .get("/password/reset")
            .await
            .text()
            .await
            .expect("form page");
        let token = csrf_token(&page).expect("a csrf token");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.app.url(action))
            .header("sec-fetch-site", "same-origin")
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// Logs in and returns the session cookie's value.
    pub async fn login(&self, identifier: &str, password: &str) -> String {
        let r = self
            .submit(
                "/login",
                "/login",
                &[("identifier", identifier), ("password", password)],
            )
            .await;
        assert_eq!(r.status(), 303, "login succeeds");
        set_cookie(&r, "daemun_session").expect("a session cookie")
    }
}

/// A verified account, logged in with the app's own client; returns the session cookie value.
pub async fn logged_in_user(app: &TestApp, email: &str, name: &str) -> String {
    app.verified_user(email, name).await;
    let r = app.login(email, PASSWORD).await;
    assert_eq!(r.status(), 303, "login succeeds");
    set_cookie(&r, "daemun_session").expect("a session cookie")
}

/// The newest link starting with `prefix` (after the issuer) in mail to `to`, waiting for `n` mails.
pub async fn mailed_link(app: &TestApp, to: &str, n: usize, prefix: &str) -> String {
    let mails = app.wait_for_mails(to, n).await;
    let full = format!("{}{prefix}", app.addr);
    mails
        .iter()
        .rev()
        .find_map(|m| link_in(&m.text, &full))
        .unwrap_or_else(|| panic!("no {prefix} link in mail to {to}"))
        .trim_start_matches(&app.addr)
        .to_owned()
}

/// The page's text with its CSRF token blanked (to compare two answers).
pub fn without_csrf(html: &str) -> String {
    match csrf_token(html) {
        Some(t) => html.replace(&t, ""),
        None => html.to_owned(),
    }
}

/// A port free at the moment (the listener is dropped just before the server binds it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
