//! security.md B11: oversized bodies, field floods, huge passwords, long URLs and headers,
//! slow clients, and login floods against the bounded hashing pool.
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

/// A login form with its CSRF token, from a browser of its own.
async fn login_token(b: &Browser<'_>) -> String {
    csrf_token(&b.get("/login").await.text().await.unwrap()).unwrap()
}

async fn raw_post(b: &Browser<'_>, path: &str, body: String) -> reqwest::Response {
    b.client
        .post(b.app.url(path))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn b11_69_oversized_bodies_get_413_on_every_form_and_the_token_endpoint() {
    let app = TestApp::spawn().await;
    let b = Browser::new(&app);
    let token = login_token(&b).await;
    let huge = "a".repeat(1024 * 1024);
    for path in ["/login", "/signup", "/token"] {
        let body = format!("csrf_token={token}&password={huge}");
        assert_eq!(raw_post(&b, path, body).await.status(), 413, "{path}");
    }
}

#[tokio::test]
async fn b11_70_ten_thousand_fields_are_refused_with_400() {
    let app = TestApp::spawn().await;
    let b = Browser::new(&app);
    let token = login_token(&b).await;
    let flood = "f=1&".repeat(10_000);
    assert!(flood.len() < 64 * 1024, "inside the body limit");
    let r = raw_post(&b, "/login", format!("{flood}csrf_token={token}")).await;
    assert_eq!(r.status(), 400);
    let r = raw_post(&b, "/token", flood.clone()).await;
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let r = raw_post(&b, "/authorize", flood).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
}

#[tokio::test]
async fn b11_71_a_huge_password_is_refused_before_any_hashing() {
    let app = TestApp::spawn().await;
    app.verified_user("h@example.com", "H").await;
    let b = Browser::new(&app);
    let token = login_token(&b).await;
    let before = app.state.hasher.stats();
    // 60 KB: inside the body limit, far over the 256-character cap.
    let long = "p".repeat(60 * 1024);
    let start = Instant::now();
    let r = raw_post(
        &b,
        "/login",
        format!("identifier=h%40example.com&password={long}&csrf_token={token}"),
    )
    .await;
    assert_eq!(r.status(), 400);
    let after = app.state.hasher.stats();
    assert_eq!(after.verifications, before.verifications, "no argon2 run");
    assert_eq!(after.hashes, before.hashes);
    assert!(start.elapsed() < Duration::from_secs(2));
    // The same at sign-up: a form error, nothing hashed, nothing created.
    let long = "p".repeat(30 * 1024);
    let token = csrf_token(&b.get("/signup").await.text().await.unwrap()).unwrap();
    let r = raw_post(
        &b,
        "/signup",
        format!(
            "email=big%40example.com&name=B&password={long}&password_confirm={long}&csrf_token={token}"
        ),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.state.hasher.stats().hashes, before.hashes);
    assert!(app.user("big@example.com").await.is_none());
}

#[tokio::test]
async fn b11_72_long_urls_and_headers_are_refused() {
    let app = TestApp::spawn().await;
    let long_query = format!("/authorize?state={}", "s".repeat(40 * 1024));
    let r = app.get(&long_query).await;
    assert!([414, 431].contains(&r.status().as_u16()), "{}", r.status());
    let r = app
        .get(&format!("/login?next=/{}", "n".repeat(20 * 1024)))
        .await;
    assert_eq!(r.status(), 414);
    let r = app
        .client
        .get(app.url("/login"))
        .header("x-padding", "h".repeat(64 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
    // The server is unharmed.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn b11_72_a_slow_client_is_cut_off_while_others_are_served() {
    let app = TestApp::spawn_with(|c| c.server.header_read_timeout_secs = 1).await;
    let addr = app.addr.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: ")
        .await
        .unwrap();
    // Meanwhile everyone else is served.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let start = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was closed by the server");
    assert!(start.elapsed() < Duration::from_secs(4));
    // A slow body is bounded by the request timeout: 408.
    let app = TestApp::spawn_with(|c| c.server.request_timeout_secs = 1).await;
    let addr = app.addr.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /token HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type="
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf))
        .await
        .expect("an answer within the request timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn b11_71_a_login_flood_gets_fast_503s_while_the_protocol_keeps_answering() {
    let app = TestApp::spawn_with(|c| {
        c.accounts.hash_concurrency = 1;
        c.accounts.hash_queue = 2;
    })
    .await;
    let mut browsers = Vec::new();
    for _ in 0..24 {
        let b = Browser::new(&app);
        let token = login_token(&b).await;
        browsers.push((b, token));
    }
    let logins = browsers.iter().enumerate().map(|(i, (b, token))| {
        let body =
            format!("identifier=flood{i}%40example.com&password=wrong-pass-{i}&csrf_token={token}");
        async move {
            let r = raw_post(b, "/login", body).await;
            let retry = r.headers().get("retry-after").cloned();
            (r.status().as_u16(), retry)
        }
    });
    let probe = async {
        let start = Instant::now();
        let r = app.get("/.well-known/openid-configuration").await;
        (r.status().as_u16(), start.elapsed())
    };
    let (results, (probe_status, probe_time)) =
        tokio::join!(futures::future::join_all(logins), probe);
    let busy: Vec<_> = results.iter().filter(|(s, _)| *s == 503).collect();
    assert!(
        results.iter().all(|(s, _)| *s == 400 || *s == 503),
        "{results:?}"
    );
    assert!(!busy.is_empty(), "some logins were refused: {results:?}");
    assert!(busy.iter().all(|(_, retry)| retry.is_some()));
    assert!(app.state.hasher.stats().refused >= busy.len() as u64);
    assert_eq!(probe_status, 200);
    assert!(probe_time < Duration::from_secs(2), "{probe_time:?}");
}
