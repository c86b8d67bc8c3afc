//! The app against a real Daemun: login with a return to the wanted page, writing and editing,
//! author-only changes, RP-initiated logout, and refused callbacks and redirects.
mod helpers;

use helpers::*;

#[tokio::test]
async fn a_reader_logs_in_writes_edits_and_logs_out() {
    let world = World::start().await;
    world.user("alice@example.com", "Alice Author").await;
    world.user("bob@example.com", "Bob Other").await;
    let alice = world.browser();

    // Logged out, the write page sends the reader to the login page, remembering the page.
    let r = alice.get(&world.app_url("/articles/new")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2Farticles%2Fnew");
    let login_page = alice
        .get(&world.app_url(&location(&r)))
        .await
        .text()
        .await
        .unwrap();
    assert!(login_page.contains("Log in with Daemun"));
    let fields = form_fields(&login_page, "/auth/login");
    assert!(fields.contains(&("next".into(), "/articles/new".into())));

    // The button goes to Daemun's authorization endpoint with PKCE S256, state and nonce.
    let authorize = alice.press_login_button(&world, "/articles/new").await;
    let p = query_params(&authorize);
    assert_eq!(p["response_type"], "code");
    assert_eq!(p["client_id"], world.client_id);
    assert_eq!(p["redirect_uri"], world.app_url("/auth/callback"));
    assert_eq!(p["code_challenge_method"], "S256");
    assert!(p["scope"].split(' ').any(|s| s == "openid"));
    assert!(p["state"].len() >= 16 && p["nonce"].len() >= 16);
    assert!(p["code_challenge"].len() >= 43);

    // Daemun's login and consent pages, then back to the app, which lands on the wanted page.
    let callback = world
        .through_daemun(&alice, authorize, "alice@example.com")
        .await;
    assert!(query_params(&callback).contains_key("code"));
    let r = alice.get(&callback).await;
    assert_eq!(r.status(), 303, "callback redirects");
    assert_eq!(location(&r), "/articles/new");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("articles_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let session = cookie["articles_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // Write an article; the board lists it with the author's name from the ID token.
    let r = alice
        .submit(
            &world,
            "/articles/new",
            "/articles",
            &[("title", "First <post>"), ("body", "Hello, board.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let article = location(&r);
    assert!(article.starts_with("/articles/"), "{article}");
    let board = alice.get(&world.app_url("/")).await.text().await.unwrap();
    assert!(board.contains("First &lt;post&gt;"), "escaped title listed");
    assert!(board.contains("Alice Author"), "author's name shown");

    // A form without the session's CSRF token is refused.
    let r = alice
        .post_same_origin(
            &world.app_url("/articles"),
            &[
                ("title".into(), "x".into()),
                ("body".into(), "y".into()),
                ("csrf_token".into(), "forged".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);

    // Edit it.
    let edit = format!("{article}/edit");
    let r = alice
        .submit(
            &world,
            &edit,
            &edit,
            &[("title", "First post, edited"), ("body", "Hello again.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = alice
        .get(&world.app_url(&article))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("First post, edited") && page.contains("Hello again."));

    // Another person may read it but not change or delete it.
    let bob = world.browser();
    let r = world.log_in(&bob, "bob@example.com", "/").await;
    assert_eq!(location(&r), "/");
    assert_eq!(bob.get(&world.app_url(&article)).await.status(), 200);
    assert_eq!(bob.get(&world.app_url(&edit)).await.status(), 403);
    let bob_csrf = form_fields(
        &bob.get(&world.app_url("/")).await.text().await.unwrap(),
        "/logout",
    );
    let mut fields = bob_csrf.clone();
    fields.extend([
        ("title".into(), "Hijacked".into()),
        ("body".into(), "x".into()),
    ]);
    let r = bob.post_same_origin(&world.app_url(&edit), &fields).await;
    assert_eq!(r.status(), 403);
    let r = bob
        .post_same_origin(&world.app_url(&format!("{article}/delete")), &bob_csrf)
        .await;
    assert_eq!(r.status(), 403);
    let page = alice
        .get(&world.app_url(&article))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("First post, edited"), "unchanged");

    // Logout ends the app's session and sends the browser to Daemun's end_session endpoint.
    let r = alice.submit(&world, "/", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    let end_session = location(&r);
    assert!(
        end_session.starts_with(&format!("{}/end_session?", world.daemun)),
        "{end_session}"
    );
    let p = query_params(&end_session);
    assert!(
        p["id_token_hint"].split('.').count() == 3,
        "an ID token as hint"
    );
    assert_eq!(p["post_logout_redirect_uri"], world.app_url("/"));
    assert_eq!(p["client_id"], world.client_id);
    let r = alice.get(&end_session).await;
    assert_eq!(r.status(), 303, "Daemun accepts the hint");
    assert_eq!(location(&r), world.app_url("/"));

    // The old session cookie no longer logs anyone in.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(world.app_url("/articles/new"))
        .header("cookie", format!("articles_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));
    // And Daemun's session is gone too: logging in again asks for the password.
    let authorize = alice.press_login_button(&world, "/").await;
    let r = alice.get(&authorize).await;
    assert!(location(&r).contains("/login"), "{}", location(&r));

    // Deleting by the author works.
    let r = world.log_in(&alice, "alice@example.com", "/").await;
    assert_eq!(r.status(), 303);
    let r = alice
        .submit(&world, &article, &format!("{article}/delete"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(alice.get(&world.app_url(&article)).await.status(), 404);
}

#[tokio::test]
async fn a_changed_state_at_the_callback_is_refused_without_a_session() {
    let world = World::start().await;
    world.user("carol@example.com", "Carol").await;
    let b = world.browser();
    let authorize = b.press_login_button(&world, "/articles/new").await;
    let callback = world
        .through_daemun(&b, authorize, "carol@example.com")
        .await;
    let state = query_params(&callback)["state"].clone();
    let forged = callback.replace(&format!("state={state}"), "state=forged-state-value");
    assert_ne!(forged, callback);

    let r = b.get(&forged).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not valid"));
    let r = b.get(&world.app_url("/articles/new")).await;
    assert_eq!(r.status(), 303, "still logged out");
    assert!(location(&r).starts_with("/login"));
    // The pending login was used up: even the genuine answer is refused now.
    assert_eq!(b.get(&callback).await.status(), 400);

    // A callback in a browser that never started a login is refused too.
    let stranger = world.browser();
    assert_eq!(stranger.get(&callback).await.status(), 400);
}

#[tokio::test]
async fn an_absolute_next_is_never_followed() {
    let world = World::start().await;
    world.user("dave@example.com", "Dave").await;
    let b = world.browser();

    let page = b
        .get(&world.app_url("/login?next=https%3A%2F%2Fevil.example%2F"))
        .await
        .text()
        .await
        .unwrap();
    assert!(form_fields(&page, "/auth/login").contains(&("next".into(), "/".into())));
    assert!(!page.contains("evil.example"));

    // Posting the button's form with the bad `next` by hand changes nothing either.
    let r = b
        .submit(
            &world,
            "/login",
            "/auth/login",
            &[("next", "https://evil.example/")],
        )
        .await;
    let callback = world
        .through_daemun(&b, location(&r), "dave@example.com")
        .await;
    let r = b.get(&callback).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");

    for next in ["//evil.example/", "/\\evil.example"] {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let r = b.get(&world.app_url(&format!("/login?{q}"))).await;
        assert_eq!(location(&r), "/", "logged in: straight to the home page");
    }
}

#[tokio::test]
async fn startup_fails_clearly_when_the_issuer_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: nothing answers there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = articles::Config::new("some-client", None);
    config.issuer = format!("http://127.0.0.1:{port}");
    config.bind = "127.0.0.1:0".into();
    config.database = dir.path().join("a.db");
    config.discovery_attempts = 3;
    config.discovery_retry_delay = std::time::Duration::from_millis(20);
    let started = std::time::Instant::now();
    let err = match articles::build(config).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("built without an issuer"),
    };
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(
        err.contains(&format!("http://127.0.0.1:{port}")) && err.contains("3 attempts"),
        "{err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn the_binary_exits_2_with_one_line_when_no_client_id_is_set() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_articles"))
        .env_remove("ARTICLES_CLIENT_ID")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ARTICLES_CLIENT_ID"), "{stderr}");
}

#[tokio::test]
async fn logins_still_work_after_daemun_rotates_its_keys() {
    use base64::Engine;
    let world = World::start().await;
    world.user("erin@example.com", "Erin").await;
    // The app fetched the JWKS at start; from now on Daemun signs with keys it has never seen.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let new_kids = world
        .daemun_state
        .keys
        .rotate(now, 0, 600_000)
        .await
        .unwrap();

    let b = world.browser();
    let r = world.log_in(&b, "erin@example.com", "/articles/new").await;
    assert_eq!(
        r.status(),
        303,
        "the app fetched the new keys and verified the ID token"
    );
    assert_eq!(location(&r), "/articles/new");

    let r = b.submit(&world, "/", "/logout", &[]).await;
    let hint = query_params(&location(&r))["id_token_hint"].clone();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(hint.split('.').next().unwrap())
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert!(
        new_kids.iter().any(|k| header["kid"] == k.as_str()),
        "signed with a rotated key: {header}"
    );
}
