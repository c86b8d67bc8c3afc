//! security.md B12 #74–#76: the database goes away under a running server. The test uses a
//! PostgreSQL database of its own (on SQLite passes too, so the fault is always exercised),
//! refuses new connections to it and ends the open ones, then lets it back in.
use serde_json::Value;
use sqlx::Connection;

use crate::helpers::*;
use crate::rp::signed_in;

fn admin_url() -> String {
    postgres_base_url()
}

/// Takes the database away (`up = false`: no new connections, open ones ended) or gives it
/// back.
async fn set_database(name: &str, up: bool) {
    let mut admin = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
    let allow = if up { "true" } else { "false" };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {allow}"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    if !up {
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(name)
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn b12_74_75_76_a_database_outage_gives_503s_changes_nothing_and_heals_itself() {
    let (name, url) = fresh_postgres_database(&admin_url()).await;
    let app = TestApp::spawn_with(|c| c.database.url = url).await;
    let rp = signed_in(&app, "f@example.com").await;
    let issued: Value = rp.tokens(&app, &[]).await;
    let access = issued["access_token"].as_str().unwrap().to_owned();
    let pending_code = rp.code(&app, &[]).await;
    let b = Browser::new(&app);
    let login_page = b.get("/login").await.text().await.unwrap();
    let token = csrf_token(&login_page).unwrap();

    set_database(&name, false).await;

    // B12 #74: a login fails closed: 503, no session cookie, not "wrong password".
    let r = b
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("identifier", "f@example.com"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert!(set_cookie(&r, "daemun_session").is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("temporarily unavailable"), "{html}");
    assert!(!html.contains("correct email or username and password"));

    // B12 #75: the exchange fails as a whole: temporarily_unavailable, nothing issued.
    let (status, body) = rp.exchange(&pending_code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("temporarily_unavailable"))
    );
    assert!(body.get("access_token").is_none());

    // B12 #76: revocation does not claim a success it could not make.
    let r = rp.post("/revoke", &[("token", &access)]).await;
    assert_eq!(r.status(), 503);
    let r = rp.userinfo(&access).await;
    assert_eq!(r.status(), 503, "UserInfo cannot check the token either");
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process itself is alive"
    );

    set_database(&name, true).await;

    // Back without a restart: the code was not spent, the token was not revoked.
    let mut ready = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "ready again once the database is back");
    let (status, body) = rp.exchange(&pending_code, None).await;
    assert_eq!(status, 200, "{body}");
    let r = rp.userinfo(&access).await;
    assert_eq!(r.status(), 200);
    assert!(
        !Browser::new(&app)
            .login("f@example.com", PASSWORD)
            .await
            .is_empty()
    );
}
