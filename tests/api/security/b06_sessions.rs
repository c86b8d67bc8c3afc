//! B6: sessions. Expiry seen from an application, `auth_time` that does not move with activity,
//! and the attributes of cookies under an `https` issuer.
use daemun::domain::password::{HashParams, Password, hash};
use daemun::store::users::NewUser;

use super::support::*;
use crate::helpers::*;
use crate::rp::signed_in;

#[tokio::test]
async fn b6_50_auth_time_is_the_login_and_an_expired_session_needs_a_new_login() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "idle@example.com").await;
    let first = rp.tokens(&app, &[]).await;
    let auth_time = jwt_claims(first["id_token"].as_str().unwrap())["auth_time"].clone();
    assert!(auth_time.is_i64());
    // Activity keeps the session alive but is not an authentication.
    for _ in 0..3 {
        app.clock.advance_secs(60 * 60);
        assert_eq!(app.get("/account").await.status(), 200);
    }
    let later = rp.tokens(&app, &[]).await;
    assert_eq!(
        jwt_claims(later["id_token"].as_str().unwrap())["auth_time"],
        auth_time
    );
    // Two idle hours end it: prompt=none is login_required, otherwise the login page.
    app.clock.advance_secs(121 * 60);
    let r = app.get(&rp.authorize_path(&[("prompt", "none")])).await;
    assert_eq!(location_params(&r)["error"], "login_required");
    assert_eq!(location_params(&r)["state"], "st-1");
    let r = app.get(&rp.authorize_path(&[])).await;
    assert!(location(&r).starts_with("/login?next=/authorize/resume/"));
}

fn cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn b6_51_https_cookies_are_host_prefixed_secure_httponly_lax_and_host_only() {
    let app = TestApp::spawn_with(|c| {
        let port = c.server.bind.rsplit(':').next().unwrap().to_owned();
        c.server.issuer = format!("https://127.0.0.1:{port}");
    })
    .await;
    let params = HashParams {
        memory_kib: 19456,
        iterations: 2,
        parallelism: 1,
    };
    let password_hash = hash(&Password::new(PASSWORD), params).unwrap();
    app.state
        .store
        .create_user(
            &NewUser {
                sub: daemun::domain::secret::random_id(),
                email: "secure@example.com".into(),
                email_normalized: "secure@example.com".into(),
                username: None,
                username_normalized: None,
                display_name: "Secure".into(),
                password_hash,
                email_verified: true,
                is_admin: false,
                locale: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    // Secure cookies are not sent back over the test's plain HTTP by a cookie jar, so the
    // cookie header is written by hand.
    let client = new_client();
    let page = client.get(app.url("/login")).send().await.unwrap();
    let set = cookies(&page);
    let csrf_cookie = set
        .iter()
        .find(|c| c.starts_with("__Host-daemun_csrf="))
        .expect("a host-prefixed CSRF cookie")
        .clone();
    let csrf_value = csrf_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-daemun_csrf=")
        .to_owned();
    let token = csrf_token(&page.text().await.unwrap()).unwrap();
    let r = client
        .post(app.url("/login"))
        .header("cookie", format!("__Host-daemun_csrf={csrf_value}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("identifier", "secure@example.com"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let set = cookies(&r);
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-daemun_session="))
        .expect("a host-prefixed session cookie")
        .clone();
    let value = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-daemun_session=");
    assert!(value.len() >= 43, "256 bits");
    assert!(!location(&r).contains(value), "never in a URL");
    for cookie in set.iter().chain([&csrf_cookie]) {
        let attrs: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|a| a.trim().to_lowercase())
            .collect();
        assert!(cookie.starts_with("__Host-"), "{cookie}");
        for needed in ["secure", "httponly", "path=/", "samesite=lax"] {
            assert!(attrs.iter().any(|a| a == needed), "{needed}: {cookie}");
        }
        assert!(
            !attrs.iter().any(|a| a.starts_with("domain")),
            "no Domain: {cookie}"
        );
    }
}
