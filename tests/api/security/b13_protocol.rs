//! B13, the outside review: the protocol findings. Strangers cannot lock an application out of
//! the token endpoints, no path skips a fresh login, `id_token_hint` is honoured, `max_age`
//! cannot overflow and a parked request stores only what Daemun understands, within a cap.
use super::support::*;
use crate::helpers::*;
use crate::rp::{Rp, answer_consent, basic, signed_in, token_request};

/// Rows of `table` (the same SQL on both databases).
async fn rows(app: &TestApp, table: &str) -> i64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    let url = app.state.config.database.url.clone();
    if url.starts_with("sqlite://") {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

const CC: &[(&str, &str)] = &[("grant_type", "client_credentials")];

#[tokio::test]
async fn b13_01_wrong_secrets_from_a_stranger_never_refuse_the_right_secret() {
    let app = behind_proxy(|_| {}).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    let (id, secret) = (&rp.id, rp.secret());
    let attacker = "198.51.100.7";
    let mut refused = 0;
    for _ in 0..101 {
        let r = from_address(&app, "/token", attacker, Some((id, "wrong")), CC).await;
        match r.status().as_u16() {
            401 => {}
            429 => refused += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert!(
        refused > 0,
        "the guessing address is slowed down for this client"
    );
    for path in ["/token", "/introspect", "/revoke"] {
        let form: &[(&str, &str)] = if path == "/token" {
            CC
        } else {
            &[("token", "x")]
        };
        let r = from_address(&app, path, "203.0.113.5", Some((id, secret)), form).await;
        assert_eq!(
            r.status(),
            200,
            "{path}: the application itself still works"
        );
    }
    // The guessing address is held back for this client only.
    let r = from_address(&app, "/token", attacker, Some((id, secret)), CC).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn b13_01_junk_secrets_for_a_public_client_never_stop_its_code_exchange() {
    let app = behind_proxy(|_| {}).await;
    let rp = Rp::register(&app, |s| {
        s.public = true;
        s.first_party = true;
    })
    .await;
    assert!(rp.secret.is_none(), "a public client");
    for _ in 0..101 {
        let r = from_address(
            &app,
            "/token",
            "198.51.100.7",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &rp.id),
                ("client_secret", "junk"),
                ("code", "nothing"),
            ],
        )
        .await;
        assert_eq!(r.status(), 401, "public clients are never counted");
    }
    app.verified_user("pub@example.com", "P").await;
    assert_eq!(app.login("pub@example.com", PASSWORD).await.status(), 303);
    let verifier = "a".repeat(50);
    let challenge = b64(&daemun::domain::secret::sha256(verifier.as_bytes()));
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let c = rp.code(&app, &pkce).await;
    let mut form = rp.exchange_form(&c, Some(&verifier));
    form.push(("client_id", &rp.id));
    let r = from_address(&app, "/token", "198.51.100.7", None, &form).await;
    assert_eq!(r.status(), 200, "the normal PKCE exchange still works");
}

#[tokio::test]
async fn b13_01_made_up_client_ids_leave_no_rows() {
    let app = TestApp::spawn().await;
    let before = rows(&app, "throttle").await;
    for i in 0..50 {
        let r = token_request(&app, Some(basic(&format!("made-up-{i}"), "x")), CC).await;
        assert_eq!(r.status(), 401);
    }
    assert_eq!(rows(&app, "throttle").await, before);
}

#[tokio::test]
async fn b13_01_the_per_client_limit_counts_only_authenticated_requests() {
    let app = TestApp::spawn_with(|c| c.limits.token_per_client_per_minute = 2).await;
    let rp = Rp::register(&app, |s| {
        s.grant_types = vec!["client_credentials".into()];
    })
    .await;
    for _ in 0..5 {
        let r = token_request(&app, Some(basic(&rp.id, "guess")), CC).await;
        assert_eq!(r.status(), 401, "a claimed id uses up nothing");
    }
    for _ in 0..2 {
        let r = rp.token(CC).await;
        assert_eq!(r.status(), 200);
    }
    let r = rp.token(CC).await;
    assert_eq!(r.status(), 429, "the client's own requests are limited");
    assert!(r.headers().contains_key("retry-after"));
}

/// A non-first-party client whose consent the person already gave, and that person logged in.
async fn consented(app: &TestApp, first_party: bool) -> Rp {
    let rp = Rp::register(app, |s| s.first_party = first_party).await;
    app.verified_user("fresh@example.com", "F").await;
    assert_eq!(app.login("fresh@example.com", PASSWORD).await.status(), 303);
    if !first_party {
        let to = location(&app.get(&rp.authorize_path(&[])).await);
        let r = answer_consent(app, &to, "allow").await;
        assert!(location_params(&r).contains_key("code"));
    }
    rp
}

/// The request id of a request parked at the re-authentication step.
async fn parked_for_reauth(app: &TestApp, rp: &Rp, extra: &[(&str, &str)]) -> String {
    // The request is parked after the login it must not count.
    app.clock.advance_secs(5);
    let to = location(&app.get(&rp.authorize_path(extra)).await);
    let prefix = "/login?reauth=1&next=/authorize/resume/";
    to.strip_prefix(prefix)
        .unwrap_or_else(|| panic!("parked for a new login: {to}"))
        .to_owned()
}

/// Tries to answer the parked request `request` through the consent page, GET and POST.
async fn assert_consent_cannot_answer(app: &TestApp, request: &str, what: &str) {
    let r = app.get(&format!("/consent?request={request}")).await;
    assert_eq!(r.status(), 303, "{what}: no consent page");
    assert_eq!(
        location(&r),
        format!("/authorize/resume/{request}"),
        "{what}"
    );
    // The CSRF token is the session's, so a token from any form page serves.
    let r = app
        .submit(
            "/account/profile",
            "/consent",
            &[("request", request), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 303, "{what}");
    assert!(!location(&r).contains("code="), "{what}: no code");
    assert_eq!(
        location(&r),
        format!("/authorize/resume/{request}"),
        "{what}"
    );
    // Where the request went instead: still to the login page.
    let r = app.get(&location(&r)).await;
    assert!(
        location(&r).starts_with("/login?reauth=1"),
        "{what}: {}",
        location(&r)
    );
}

#[tokio::test]
async fn b13_02_max_age_cannot_be_skipped_through_the_consent_page() {
    let app = TestApp::spawn().await;
    let rp = consented(&app, false).await;
    app.clock.advance_secs(5);
    let request = parked_for_reauth(&app, &rp, &[("max_age", "0")]).await;
    assert_consent_cannot_answer(&app, &request, "max_age=0").await;
}

#[tokio::test]
async fn b13_02_prompt_login_cannot_be_skipped_through_the_consent_page() {
    for first_party in [true, false] {
        let app = TestApp::spawn().await;
        let rp = consented(&app, first_party).await;
        let request = parked_for_reauth(&app, &rp, &[("prompt", "login")]).await;
        assert_consent_cannot_answer(&app, &request, &format!("first_party={first_party}")).await;
    }
}

#[tokio::test]
async fn b13_02_after_the_new_login_consent_works_as_before() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    app.verified_user("c@example.com", "C").await;
    assert_eq!(app.login("c@example.com", PASSWORD).await.status(), 303);
    app.clock.advance_secs(5);
    let request = parked_for_reauth(&app, &rp, &[("max_age", "1")]).await;
    let next = format!("/authorize/resume/{request}");
    let r = app
        .submit(
            &format!("/login?reauth=1&next={next}"),
            "/login",
            &[
                ("identifier", "c@example.com"),
                ("password", PASSWORD),
                ("next", &next),
                ("reauth", "1"),
            ],
        )
        .await;
    assert_eq!(location(&r), next);
    let consent = location(&app.get(&next).await);
    assert_eq!(consent, format!("/consent?request={request}"));
    let r = answer_consent(&app, &consent, "allow").await;
    assert!(location_params(&r).contains_key("code"));
}

#[tokio::test]
async fn b13_03_id_token_hint_for_another_person_gets_no_code() {
    let app = TestApp::spawn().await;
    app.verified_user("bob@example.com", "Bob").await;
    let rp = signed_in(&app, "alice@example.com").await;
    let alice_hint = rp.tokens(&app, &[("nonce", "n")]).await["id_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Bob logs in on his own browser.
    let bob = Browser::new(&app);
    bob.login("bob@example.com", PASSWORD).await;
    let r = bob
        .get(&rp.authorize_path(&[("prompt", "none"), ("id_token_hint", &alice_hint)]))
        .await;
    let p = location_params(&r);
    assert!(location(&r).starts_with(REDIRECT_URI));
    assert!(!p.contains_key("code"), "no code for Bob's session");
    assert_eq!(p["error"], "login_required");
    assert_eq!(p["state"], "st-1");
    // Without prompt=none Bob is asked to log in as the named person.
    let r = bob
        .get(&rp.authorize_path(&[("id_token_hint", &alice_hint)]))
        .await;
    assert!(
        location(&r).starts_with("/login?reauth=1"),
        "{}",
        location(&r)
    );
    // Alice's own hint in Alice's browser gets her code.
    let r = app
        .get(&rp.authorize_path(&[("prompt", "none"), ("id_token_hint", &alice_hint)]))
        .await;
    assert!(location_params(&r).contains_key("code"));
    // A hint that is not an ID token of this provider is refused.
    let mut forged = alice_hint.clone();
    forged.truncate(forged.len() - 4);
    forged.push_str("AAAA");
    let r = app
        .get(&rp.authorize_path(&[("prompt", "none"), ("id_token_hint", &forged)]))
        .await;
    let p = location_params(&r);
    assert!(!p.contains_key("code"));
    assert_eq!(p["error"], "invalid_request");
}

#[tokio::test]
async fn b13_03_a_new_login_as_someone_else_still_gets_no_code() {
    let app = TestApp::spawn().await;
    app.verified_user("bob@example.com", "Bob").await;
    let rp = signed_in(&app, "alice@example.com").await;
    let alice_hint = rp.tokens(&app, &[]).await["id_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob = Browser::new(&app);
    bob.login("bob@example.com", PASSWORD).await;
    let to = location(
        &bob.get(&rp.authorize_path(&[("id_token_hint", &alice_hint)]))
            .await,
    );
    let next = to.split("next=").nth(1).unwrap().to_owned();
    app.clock.advance_secs(1);
    let r = bob
        .submit(
            &to,
            "/login",
            &[
                ("identifier", "bob@example.com"),
                ("password", PASSWORD),
                ("next", &next),
                ("reauth", "1"),
            ],
        )
        .await;
    assert_eq!(location(&r), next);
    let r = bob.get(&next).await;
    let p = location_params(&r);
    assert!(!p.contains_key("code"));
    assert_eq!(p["error"], "login_required");
}

#[tokio::test]
async fn b13_04_a_huge_max_age_means_no_limit() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "m@example.com").await;
    app.clock.advance_secs(3600);
    for max_age in [
        "9223372036854775807",
        "9223372036854775",
        "9223372036854776",
    ] {
        let r = app.get(&rp.authorize_path(&[("max_age", max_age)])).await;
        assert_eq!(r.status(), 303, "{max_age}");
        assert!(
            location_params(&r).contains_key("code"),
            "{max_age}: {}",
            location(&r)
        );
    }
}

#[tokio::test]
async fn b13_05_a_parked_request_stores_only_understood_parameters_within_a_cap() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| s.first_party = true).await;
    let junk = "j".repeat(30_000);
    let form = rp.authorize_params(&[
        ("scope", "openid"),
        ("state", "s"),
        ("unknown_parameter", junk.as_str()),
    ]);
    let r = app
        .client
        .post(app.url("/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let to = location(&r);
    let pending_id = to
        .strip_prefix("/login?next=/authorize/resume/")
        .unwrap_or_else(|| panic!("parked: {to}"));
    let row = app
        .state
        .store
        .pending(pending_id, app.clock_now())
        .await
        .unwrap()
        .expect("parked");
    assert!(!row.params.contains("unknown_parameter"), "{}", row.params);
    assert!(row.params.len() < 1024, "{} bytes parked", row.params.len());

    // An understood parameter above its cap is a clear error, and nothing is parked.
    let before = rows(&app, "pending_authorization").await;
    let long = "h".repeat(3000);
    let q = rp.authorize_path(&[("login_hint", &long)]);
    let r = app.get(&q).await;
    let p = location_params(&r);
    assert_eq!(p["error"], "invalid_request");
    assert!(p["error_description"].contains("login_hint"), "{p:?}");
    assert_eq!(rows(&app, "pending_authorization").await, before);
}
