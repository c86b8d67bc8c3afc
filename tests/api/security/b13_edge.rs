//! B13, the outside review: the edge. Per-address limits count an IPv6 visitor by subnet, so a
//! /64 is one visitor and not 2^64 (#9), and `/metrics` stays off the public listener unless an
//! operator puts it there on purpose (#10).
use reqwest::header::{HeaderMap, HeaderValue};

use super::support::*;
use crate::helpers::*;
use crate::rp::Rp;

/// A browser whose every request comes from client address `from` (through the trusted proxy).
fn visitor<'a>(app: &'a TestApp, from: &str) -> Browser<'a> {
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", HeaderValue::from_str(from).unwrap());
    let client = crate::helpers::client_builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    Browser { app, client }
}

async fn login_from(app: &TestApp, from: &str) -> u16 {
    from_address(app, "/login", from, None, &[("identifier", "x")])
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn b13_9_a_whole_ipv6_subnet_shares_one_edge_allowance() {
    let app = behind_proxy(|c| c.limits.edge_login_per_minute = 3).await;
    for host in 1..=3 {
        let from = format!("2001:db8:1:2::{host}");
        assert_ne!(login_from(&app, &from).await, 429, "{from}");
    }
    // A fourth address of the same /64 is the same visitor.
    assert_eq!(login_from(&app, "2001:db8:1:2:ffff::9").await, 429);
    // The neighbouring subnet is somebody else.
    assert_ne!(login_from(&app, "2001:db8:1:3::1").await, 429);
}

#[tokio::test]
async fn b13_9_the_prefix_length_is_configurable() {
    let app = behind_proxy(|c| {
        c.limits.edge_login_per_minute = 1;
        c.limits.ipv6_prefix_len = 48;
    })
    .await;
    assert_ne!(login_from(&app, "2001:db8:1:2::1").await, 429);
    assert_eq!(login_from(&app, "2001:db8:1:77::1").await, 429, "same /48");
    assert_ne!(login_from(&app, "2001:db8:2::1").await, 429, "another /48");
}

#[tokio::test]
async fn b13_9_an_ipv4_mapped_address_is_the_ipv4_address() {
    let app = behind_proxy(|c| c.limits.edge_login_per_minute = 1).await;
    assert_ne!(login_from(&app, "198.51.100.7").await, 429);
    assert_eq!(login_from(&app, "::ffff:198.51.100.7").await, 429);
    assert_ne!(login_from(&app, "198.51.100.8").await, 429, "per address");
}

#[tokio::test]
async fn b13_9_the_hourly_counters_group_a_subnet_too() {
    let app = behind_proxy(|c| c.limits.signup_per_ip = 2).await;
    for (n, host) in ["2001:db8:5:6::1", "2001:db8:5:6::2"].iter().enumerate() {
        let r = visitor(&app, host)
            .submit(
                "/signup",
                "/signup",
                &signup_fields(&format!("s{n}@example.com")),
            )
            .await;
        assert_eq!(r.status(), 200, "{host}");
    }
    let r = visitor(&app, "2001:db8:5:6::3")
        .submit("/signup", "/signup", &signup_fields("s3@example.com"))
        .await;
    assert_eq!(r.status(), 429);
    assert!(
        app.user("s3@example.com").await.is_none(),
        "nothing written"
    );
    let r = visitor(&app, "2001:db8:5:7::1")
        .submit("/signup", "/signup", &signup_fields("s4@example.com"))
        .await;
    assert_eq!(r.status(), 200, "another subnet");
}

fn signup_fields(email: &str) -> [(&str, &str); 5] {
    [
        ("email", email),
        ("username", ""),
        ("name", "S"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ]
}

#[tokio::test]
async fn b13_9_wrong_client_secrets_from_one_subnet_add_up() {
    let app = behind_proxy(|c| c.limits.client_auth_failures_per_minute = 3).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    let (id, secret) = (&rp.id, rp.secret());
    let cc: &[(&str, &str)] = &[("grant_type", "client_credentials")];
    for host in 1..=3 {
        let from = format!("2001:db8:9:9::{host}");
        let r = from_address(&app, "/token", &from, Some((id, "wrong")), cc).await;
        assert_eq!(r.status(), 401, "{from}");
    }
    let r = from_address(&app, "/token", "2001:db8:9:9::4", Some((id, secret)), cc).await;
    assert_eq!(r.status(), 429, "the guessing subnet is held back");
    let r = from_address(&app, "/token", "2001:db8:9:a::1", Some((id, secret)), cc).await;
    assert_eq!(r.status(), 200, "the application elsewhere is not");
}

#[tokio::test]
async fn b13_9_the_audit_log_and_sessions_keep_the_full_address() {
    let app = behind_proxy(|_| {}).await;
    app.verified_user("full@example.com", "F").await;
    let me = visitor(&app, "2001:db8:1:2::abcd");
    me.login("full@example.com", PASSWORD).await;
    let sessions = me.get("/account/sessions").await.text().await.unwrap();
    assert!(sessions.contains("2001:db8:1:2::abcd"), "{sessions}");
}

#[tokio::test]
async fn b13_9_a_prefix_shorter_than_32_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base_config(dir.path(), 0, test_database_url(dir.path()).await);
    for bad in [0, 16, 31, 129] {
        config.limits.ipv6_prefix_len = bad;
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("limits.ipv6_prefix_len"), "{bad}: {err}");
    }
    for ok in [32, 56, 64, 128] {
        config.limits.ipv6_prefix_len = ok;
        config.validate().unwrap();
    }
}

#[tokio::test]
async fn b13_10_metrics_are_never_on_the_public_listener_by_default() {
    let defaults = daemun::config::Config::default();
    assert_eq!(defaults.server.metrics_bind, "127.0.0.1:9464", "loopback");
    // Turning the management listener off does not move metrics to the public one.
    let app = TestApp::spawn_with(|c| c.server.metrics_bind = String::new()).await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 404);
    assert!(!r.text().await.unwrap().contains("daemun_"));
    // Health probes stay where load balancers look.
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
}
