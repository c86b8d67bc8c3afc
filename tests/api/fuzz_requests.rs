//! Random requests across every route of a running server: hostile paths, queries, bodies,
//! content types and credentials, with and without a signed-in session and a valid CSRF token.
//! No answer may be a server error, and the server must still be healthy afterwards.
//!
//! Reproducible: the requests come from a seeded generator. `DAEMUN_FUZZ_SEED` picks another
//! seed and `DAEMUN_FUZZ_REQUESTS` another count (default 10,000).
use std::collections::BTreeMap;
use std::time::Instant;

use futures::StreamExt;
use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::Client;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::redirect::Policy;

use crate::helpers::{Browser, PASSWORD, TestApp, csrf_token};
use crate::rp::Rp;

/// Every route, with `{t}` where a path segment is a token or id.
pub const ROUTES: [&str; 41] = [
    "/",
    "/signup",
    "/login",
    "/logout",
    "/verify/resend",
    "/verify/{t}",
    "/password/reset",
    "/password/reset/{t}",
    "/account",
    "/account/apps",
    "/account/profile",
    "/account/email",
    "/account/email/confirm/{t}",
    "/account/password",
    "/account/sessions",
    "/account/delete",
    "/account/export",
    "/consent",
    "/end_session/confirm",
    "/authorize",
    "/authorize/resume/{t}",
    "/end_session",
    "/.well-known/openid-configuration",
    "/jwks.json",
    "/token",
    "/revoke",
    "/introspect",
    "/userinfo",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/style.css",
    "/admin",
    "/admin/users",
    "/admin/users/{t}",
    "/admin/clients",
    "/admin/clients/new",
    "/admin/clients/{t}",
    "/admin/keys",
    "/admin/audit",
    "/admin/outbox",
];

pub const UNKNOWN: [&str; 12] = [
    "/admin/nothing-here",
    "/.env",
    "/static/../Cargo.toml",
    "/account/",
    "/token/",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//evil.example",
    "/authorize/resume/",
    "/verify/",
    "/static/style.css/x",
    "/%FF%FE",
    "/%00",
];

mod generate;

use generate::{Known, Spec, spec};

const SEED: u64 = 0x00da_e3d0;
const DEFAULT_REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 8;
/// Requests between checks that the session still works (a random request may end it).
const BATCH: usize = 500;

/// Sends one request; the status, or why it could not be sent or answered.
async fn send(
    client: &Client,
    base: &str,
    s: &Spec,
    k: &Known,
    session: &str,
) -> Result<u16, String> {
    let mut req = client.request(s.method.clone(), format!("{base}{}", s.target));
    for (name, v) in &s.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(v),
        ) {
            req = req.header(n, v);
        }
    }
    if s.signed_in {
        req = req.header(
            "cookie",
            format!("daemun_csrf={}; daemun_session={session}", k.csrf_cookie),
        );
    }
    let r = req.body(s.body.clone()).send().await.map_err(|e| {
        let mut why = String::new();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            why.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        format!("{}{why}", e.without_url())
    })?;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    if status >= 500 {
        return Err(format!(
            "{status}: {}",
            text.chars().take(300).collect::<String>()
        ));
    }
    Ok(status)
}

/// A new verified account signed in from its own browser; its session cookie. Every other one
/// is an administrator, so the admin console's handlers get hostile input too.
async fn fresh_session(app: &TestApp, n: usize) -> String {
    let email = format!("fuzz{n}@example.com");
    let b = Browser::new(app);
    let fields = [
        ("email", email.as_str()),
        ("username", ""),
        ("name", "Fuzz"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    assert_eq!(b.submit("/signup", "/signup", &fields).await.status(), 200);
    let link = app.verification_link(&email).await;
    let path = link.trim_start_matches(&app.addr).to_owned();
    assert_eq!(
        b.submit(&path, &path, &[("password", PASSWORD)])
            .await
            .status(),
        303
    );
    if n.is_multiple_of(2) {
        let u = app.user(&email).await.expect("the account");
        let now = app.clock_now();
        app.state
            .store
            .set_admin(u.user_id, true, now)
            .await
            .unwrap();
    }
    b.login(&email, PASSWORD).await
}

async fn known(app: &TestApp) -> Known {
    let rp = Rp::register(app, |s| {
        s.grant_types = vec![
            "authorization_code".into(),
            "refresh_token".into(),
            "client_credentials".into(),
        ];
    })
    .await;
    let r = rp.token(&[("grant_type", "client_credentials")]).await;
    assert_eq!(r.status(), 200, "client credentials grant");
    let json: serde_json::Value = r.json().await.unwrap();
    let access_token = json["access_token"].as_str().unwrap().to_owned();
    let page = reqwest::get(app.url("/login")).await.unwrap();
    let csrf_cookie = crate::helpers::set_cookie(&page, "daemun_csrf").expect("a csrf cookie");
    let csrf_token = csrf_token(&page.text().await.unwrap()).expect("a csrf token");
    Known {
        client_secret: rp.secret().to_owned(),
        client_id: rp.id,
        access_token,
        csrf_cookie,
        csrf_token,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_requests_never_cause_a_server_error() {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("DAEMUN_FUZZ_SEED").unwrap_or(SEED);
    let total = env("DAEMUN_FUZZ_REQUESTS").map_or(DEFAULT_REQUESTS, |n| n as usize);
    let app = TestApp::spawn_with(|c| {
        let l = &mut c.limits;
        for limit in [
            &mut l.signup_per_ip,
            &mut l.resend_per_address,
            &mut l.resend_per_ip,
            &mut l.login_per_ip,
            &mut l.reset_per_address,
            &mut l.reset_per_ip,
            &mut l.email_change_per_account,
        ] {
            *limit = 1_000_000;
        }
        l.lockout_threshold = 0;
    })
    .await;
    let k = known(&app).await;
    // No connection reuse: a connection the server closes (after a 413, say) must not fail
    // the next request sent on it.
    let client = crate::helpers::client_builder()
        .redirect(Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut session = fresh_session(&app, 0).await;
    let mut sessions = 1;
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let started = Instant::now();
    let mut sent = 0;
    while sent < total {
        let batch: Vec<Spec> = (0..BATCH.min(total - sent))
            .map(|_| spec(&mut rng, &k))
            .collect();
        sent += batch.len();
        let (c, addr, kn, sess) = (&client, &app.addr, &k, &session);
        let results: Vec<(String, Result<u16, String>)> = futures::stream::iter(&batch)
            .map(|s| async move {
                let target: String = s.target.chars().take(120).collect();
                let label = format!("{} {target} (signed in: {})", s.method, s.signed_in);
                (label, send(c, addr, s, kn, sess).await)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (label, result) in results {
            match result {
                Ok(status) => *statuses.entry(status).or_default() += 1,
                Err(e) => failures.push(format!("{label}: {e}")),
            }
        }
        // A random request may have signed out or deleted the account: start a new one.
        let account = client
            .get(app.url("/account"))
            .header("cookie", format!("daemun_session={session}"))
            .send()
            .await
            .unwrap();
        if account.status() != 200 {
            session = fresh_session(&app, sessions).await;
            sessions += 1;
        }
    }
    let elapsed = started.elapsed();
    println!("random requests: {sent} sent in {elapsed:.1?} (seed {seed:#x}, {sessions} sessions)");
    for (status, n) in &statuses {
        println!("  {status}: {n}");
    }
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        health.status(),
        200,
        "the server still answers after the run"
    );
    assert!(
        failures.is_empty(),
        "{} failures, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(statuses.values().sum::<usize>(), total);
}
