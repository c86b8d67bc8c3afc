//! B3: ID token claims, signing, what the database keeps of secrets, and the discovery document.
use serde_json::Value;
use sqlx::Connection;

use super::support::*;
use crate::helpers::*;
use crate::rp::{Rp, signed_in};

#[tokio::test]
async fn b3_24_id_token_claims_match_the_discovery_issuer_the_client_and_the_clock() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "claims@example.com").await;
    let discovery: Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    let t = rp.tokens(&app, &[("max_age", "3600")]).await;
    let c = jwt_claims(t["id_token"].as_str().unwrap());
    assert_eq!(c["iss"], discovery["issuer"], "byte-equal to the issuer");
    let aud_ok = c["aud"] == rp.id.as_str() || c["aud"] == serde_json::json!([rp.id]);
    assert!(aud_ok, "aud = client_id: {c}");
    let now = app.clock_now() / 1000;
    let iat = c["iat"].as_i64().unwrap();
    let exp = c["exp"].as_i64().unwrap();
    assert!((iat - now).abs() <= 1, "iat {iat} is now {now} (seconds)");
    assert_eq!(exp - iat, 600, "exp in seconds, in the future");
    let sub = c["sub"].as_str().unwrap();
    assert!(
        !sub.is_empty() && sub.len() <= 255 && sub.is_ascii(),
        "{sub}"
    );
    let user = app.user("claims@example.com").await.unwrap();
    assert_eq!(sub, user.sub);
    assert!(c["auth_time"].is_i64(), "auth_time with max_age");
    assert_eq!(c["email_verified"], true);
    // Stable: a second sign-in gives the same sub.
    let again = rp.tokens(&app, &[]).await;
    assert_eq!(jwt_claims(again["id_token"].as_str().unwrap())["sub"], sub);
}

#[tokio::test]
async fn b3_25_id_tokens_are_rs256_with_a_kid_published_in_the_jwks() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "sig@example.com").await;
    let t = rp.tokens(&app, &[]).await;
    let jwt = t["id_token"].as_str().unwrap();
    let h = jwt_header(jwt);
    assert_eq!(h["alg"], "RS256");
    let kid = h["kid"].as_str().expect("a kid");
    assert_eq!(jwt.split('.').count(), 3);
    assert!(!jwt.split('.').nth(2).unwrap().is_empty(), "a signature");
    let jwks: Value = app.get("/jwks.json").await.json().await.unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .expect("the kid is published");
    assert_eq!(key["kty"], "RSA");
}

/// Everything the database holds, as bytes: the SQLite files, or each PostgreSQL row as text.
/// The text of every mail in the outbox, as rows.
async fn outbox_bodies(app: &TestApp) -> String {
    const SQL: &str = "SELECT body_text || body_html FROM mail_outbox";
    let url = app.state.config.database.url.clone();
    let rows: Vec<String> = if url.starts_with("sqlite://") {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&mut conn).await.unwrap()
    };
    rows.concat()
}

async fn database_dump(app: &TestApp) -> Vec<u8> {
    let url = app.state.config.database.url.clone();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut all = Vec::new();
        for suffix in ["", "-wal", "-journal"] {
            if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                all.extend(bytes);
            }
        }
        return all;
    }
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut all = Vec::new();
    for t in tables {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(x AS text) FROM \"{t}\" x"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for r in rows {
            all.extend(r.into_bytes());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn b3_27_the_database_holds_no_usable_code_token_secret_or_session() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
    })
    .await;
    let session = logged_in_user(&app, "dump@example.com", "Dump").await;
    let c = rp.code(&app, &[]).await;
    // A second code stays unredeemed.
    let unredeemed = rp.code(&app, &[]).await;
    let (status, t) = rp.exchange(&c, None).await;
    assert_eq!(status, 200);
    let dump = database_dump(&app).await;
    assert!(contains(&dump, "dump@example.com"), "the dump is readable");
    for (what, value) in [
        ("client secret", rp.secret()),
        ("redeemed code", c.as_str()),
        ("unredeemed code", unredeemed.as_str()),
        ("access token", t["access_token"].as_str().unwrap()),
        ("refresh token", t["refresh_token"].as_str().unwrap()),
        ("session cookie", session.as_str()),
    ] {
        assert!(value.len() >= 43, "{what}: 256 bits in base64url");
        assert!(!contains(&dump, value), "{what} stored in the clear");
    }
    // Links in mail: the outbox keeps a mail's text only until it is delivered.
    Browser::new(&app)
        .submit(
            "/password/reset",
            "/password/reset",
            &[("email", "dump@example.com")],
        )
        .await;
    let link = mailed_link(&app, "dump@example.com", 2, "/password/reset/").await;
    let reset_token = link.trim_start_matches("/password/reset/").to_owned();
    let verify_token = app.mails_to("dump@example.com")[0]
        .text
        .split("/verify/")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    // Checked on the rows as stored (SQLite's file may keep freed bytes until they are reused).
    let mut scrubbed = false;
    for _ in 0..100 {
        let bodies = outbox_bodies(&app).await;
        if !bodies.contains(&reset_token) && !bodies.contains(&verify_token) {
            scrubbed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(scrubbed, "delivered mail no longer holds its links");
}

#[tokio::test]
async fn b3_28_discovery_over_https_names_only_https_endpoints_and_true_features() {
    let app = TestApp::spawn_with(|c| {
        let port = c.server.bind.rsplit(':').next().unwrap().to_owned();
        c.server.issuer = format!("https://127.0.0.1:{port}");
    })
    .await;
    let issuer = app.state.config.server.issuer.clone();
    let r = app.get("/.well-known/openid-configuration").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["issuer"], issuer.as_str());
    for (k, v) in d.as_object().unwrap() {
        if k.ends_with("_endpoint") || k == "jwks_uri" {
            let url = v.as_str().unwrap();
            assert!(url.starts_with(&format!("{issuer}/")), "{k}: {url}");
        }
    }
    assert!(d["end_session_endpoint"].is_string(), "logout metadata");
    assert_eq!(d["subject_types_supported"], serde_json::json!(["public"]));
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    for unsupported in [
        "request_parameter_supported",
        "request_uri_parameter_supported",
        "frontchannel_logout_supported",
    ] {
        assert_eq!(d[unsupported], false, "{unsupported}");
    }
    // Back-channel logout is delivered (tests/api/backchannel.rs), with `sid`.
    for supported in [
        "backchannel_logout_supported",
        "backchannel_logout_session_supported",
    ] {
        assert_eq!(d[supported], true, "{supported}");
    }
}
