//! `/metrics`: every series is exported, values move with requests, route templates stand in
//! for raw paths, and `/metrics` is on the management listener only, unless an operator puts it
//! on the public one on purpose (B13 #10 in docs/security.md).
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;
use crate::rp::Rp;

/// Every series the product exports (without the `_total`, `_bucket`… sample suffixes).
const SERIES: [&str; 17] = [
    "daemun_http_requests",
    "daemun_http_request_duration_seconds",
    "daemun_login_successes",
    "daemun_login_failures",
    "daemun_signups",
    "daemun_tokens_issued",
    "daemun_mail_delivery_failures",
    "daemun_mail_outbox_pending",
    "daemun_db_pool_connections",
    "daemun_db_pool_idle_connections",
    "daemun_db_pool_max_connections",
    "daemun_password_verifications",
    "daemun_password_hashes",
    "daemun_password_hash_refused",
    "daemun_password_hash_waiting",
    "daemun_password_hash_slots",
    "daemun_password_hash_queue_limit",
];

async fn scrape_url(url: &str) -> String {
    let r = new_client().get(url).send().await.expect("GET /metrics");
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    r.text().await.unwrap()
}

async fn scrape(app: &TestApp) -> String {
    scrape_url(&app.metrics_url()).await
}

/// The value of the sample named exactly `sample` (name and labels as exported), or 0.
fn value(text: &str, sample: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(sample)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}

#[tokio::test]
async fn every_series_is_exported_with_help_and_type() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let text = scrape(&app).await;
    for name in SERIES {
        assert!(
            text.contains(&format!("# HELP {name} ")) && text.contains(&format!("# TYPE {name} ")),
            "{name} missing in\n{text}"
        );
    }
    assert!(text.ends_with("# EOF\n"));
    // Scrapers call by address, like health probes: any `Host` is answered.
    let by_address = new_client()
        .get(app.metrics_url())
        .header("host", "10.1.2.3:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(by_address.status(), 200);
    assert!(
        value(
            &text,
            r#"daemun_http_requests_total{route="/healthz",method="GET",status="200"}"#
        ) >= 1.0
    );
    assert_eq!(value(&text, "daemun_db_pool_max_connections"), 4.0);
    assert!(value(&text, "daemun_password_hash_slots") >= 1.0);
    assert!(value(&text, "daemun_password_hash_queue_limit") >= 1.0);
    for reason in [
        "malformed",
        "unknown_account",
        "rate_limited",
        "wrong_password",
        "disabled",
        "locked",
        "unverified",
    ] {
        let line = format!("daemun_login_failures_total{{reason=\"{reason}\"}} 0");
        assert!(text.lines().any(|l| l == line), "{line}");
    }
}

#[tokio::test]
async fn logins_sign_ups_and_route_templates_are_counted() {
    let app = TestApp::spawn().await;
    let before = scrape(&app).await;
    app.verified_user("m@example.com", "M").await;
    assert_eq!(
        app.login("m@example.com", "wrong-Password-1")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.login("nobody@example.com", PASSWORD).await.status(),
        400
    );
    assert_eq!(app.login("m@example.com", PASSWORD).await.status(), 303);
    let after = scrape(&app).await;
    let delta = |s: &str| value(&after, s) - value(&before, s);
    assert_eq!(delta("daemun_signups_total"), 1.0);
    assert_eq!(delta("daemun_login_successes_total"), 1.0);
    assert_eq!(
        delta(r#"daemun_login_failures_total{reason="wrong_password"}"#),
        1.0
    );
    assert_eq!(
        delta(r#"daemun_login_failures_total{reason="unknown_account"}"#),
        1.0
    );
    assert!(delta("daemun_password_verifications_total") >= 3.0);
    assert!(delta("daemun_password_hashes_total") >= 1.0);
    // The verification link's token is in the path; only the template is a label.
    let verify =
        r#"daemun_http_requests_total{route="/verify/{token}",method="POST",status="303"}"#;
    assert_eq!(delta(verify), 1.0, "{after}");
    let link = app.verification_link("m@example.com").await;
    let token = link.rsplit('/').next().unwrap();
    assert!(!after.contains(token), "a token leaked into the metrics");
    assert!(
        value(
            &after,
            r#"daemun_http_request_duration_seconds_count{route="/login",method="POST"}"#
        ) >= 3.0
    );
    // Unknown paths are one series, whatever the path.
    assert_eq!(app.get("/no/such/page").await.status(), 404);
    let text = scrape(&app).await;
    assert!(
        value(
            &text,
            r#"daemun_http_requests_total{route="unmatched",method="GET",status="404"}"#
        ) >= 1.0
    );
    assert!(!text.contains("/no/such/page"));
}

#[tokio::test]
async fn a_client_credentials_token_is_counted_by_grant_type() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    let before = scrape(&app).await;
    let r = rp.token(&[("grant_type", "client_credentials")]).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["access_token"].is_string());
    let after = scrape(&app).await;
    let sample = r#"daemun_tokens_issued_total{grant_type="client_credentials"}"#;
    assert_eq!(value(&after, sample) - value(&before, sample), 1.0);
    let other = r#"daemun_tokens_issued_total{grant_type="authorization_code"}"#;
    assert_eq!(value(&after, other), value(&before, other));
}

#[tokio::test]
async fn the_outbox_and_failed_deliveries_are_counted() {
    // Nothing listens on the SMTP port, so every delivery attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with(|c| {
        c.mail.transport = "smtp".into();
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
        c.mail.smtp_security = "plain".into();
        c.mail.smtp_timeout_secs = 2;
    })
    .await;
    assert_eq!(app.signup("q@example.com", "Q").await.status(), 200);
    let mut text = String::new();
    for _ in 0..100 {
        text = scrape(&app).await;
        if value(&text, "daemun_mail_delivery_failures_total") >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        value(&text, "daemun_mail_delivery_failures_total") >= 1.0,
        "{text}"
    );
    assert_eq!(value(&text, "daemun_mail_outbox_pending"), 1.0);
}

#[tokio::test]
async fn the_public_listener_answers_404_for_metrics_and_the_management_one_nothing_else() {
    let app = TestApp::spawn().await;
    let main = app.get("/metrics").await;
    assert_eq!(main.status(), 404);
    assert!(!main.text().await.unwrap().contains("daemun_"));
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    let text = scrape(&app).await;
    // The public listener's requests are counted, the 404 for `/metrics` among them.
    assert!(
        value(
            &text,
            r#"daemun_http_requests_total{route="/healthz",method="GET",status="200"}"#
        ) >= 1.0
    );
    assert!(
        value(
            &text,
            r#"daemun_http_requests_total{route="/metrics",method="GET",status="404"}"#
        ) >= 1.0
    );
    // The management listener serves nothing else.
    let metrics_addr = app.metrics_addr.clone().unwrap();
    for path in ["/healthz", "/signup", "/.well-known/openid-configuration"] {
        let other = app
            .client
            .get(format!("{metrics_addr}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn by_default_metrics_are_private_to_the_host() {
    let defaults = daemun::config::Config::default();
    assert_eq!(defaults.server.metrics_bind, "127.0.0.1:9464");
    assert!(!defaults.metrics_on_public_listener());
    assert_eq!(defaults.metrics_listener_addr(), Some("127.0.0.1:9464"));
}

#[tokio::test]
async fn an_empty_metrics_bind_turns_metrics_off() {
    let app = TestApp::spawn_with(|c| c.server.metrics_bind = String::new()).await;
    assert!(app.metrics_addr.is_none(), "no management listener");
    assert_eq!(app.get("/metrics").await.status(), 404);
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn metrics_bind_equal_to_bind_serves_metrics_on_the_public_listener_on_purpose() {
    let app = TestApp::spawn_with(|c| c.server.metrics_bind = c.server.bind.clone()).await;
    assert!(app.metrics_addr.is_none(), "no second listener");
    assert_eq!(app.get("/healthz").await.status(), 200);
    let text = scrape_url(&app.url("/metrics")).await;
    assert!(
        value(
            &text,
            r#"daemun_http_requests_total{route="/healthz",method="GET",status="200"}"#
        ) >= 1.0
    );
}

#[tokio::test]
async fn metrics_bind_must_be_empty_or_an_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base_config(dir.path(), 0, test_database_url(dir.path()).await);
    config.server.metrics_bind = "nonsense".into();
    let err = config.validate().unwrap_err().to_string();
    assert!(err.contains("server.metrics_bind"), "{err}");
    for ok in ["", "127.0.0.1:9464", "10.0.0.5:9464", "[::1]:9464"] {
        config.server.metrics_bind = ok.into();
        config
            .validate()
            .unwrap_or_else(|e| panic!("{ok:?} is accepted: {e}"));
    }
}
