//! Logins through an upstream OpenID Connect provider: the upstream is a second Daemun, with
//! a confidential client whose redirect URI is the downstream's callback.
use daemun::config::{Config, UpstreamConfig};
use daemun::oidc::registration::{ClientSpec, register, update};
use reqwest::Response;

use crate::helpers::{Browser, PASSWORD, TestApp, location};

/// Both servers and the upstream client's credentials.
pub struct Pair {
    pub upstream: TestApp,
    pub downstream: TestApp,
}

/// An upstream Daemun with a person `email`, and a downstream whose `[upstream.corp]` points at
/// it; `adjust` may change the provider's settings.
pub async fn pair(adjust: impl FnOnce(&mut UpstreamConfig)) -> Pair {
    pair_configured(adjust, |_| {}).await
}

/// [`pair`], with `config` changing the downstream's other settings too.
pub async fn pair_configured(
    adjust: impl FnOnce(&mut UpstreamConfig),
    config: impl FnOnce(&mut Config),
) -> Pair {
    let upstream = TestApp::spawn().await;
    upstream.verified_user("kim@corp.example", "Kim").await;
    let mut spec = ClientSpec {
        name: "Downstream".into(),
        redirect_uris: vec!["http://127.0.0.1:9/placeholder".into()],
        first_party: true,
        ..Default::default()
    };
    let r = register(&upstream.state.store, &spec, upstream.clock_now())
        .await
        .expect("client registers");
    let mut provider = UpstreamConfig {
        label: "Corp".into(),
        issuer: upstream.addr.clone(),
        client_id: r.client.client_id.clone(),
        client_secret: r.secret.clone().expect("a secret"),
        may_create_accounts: true,
        ..Default::default()
    };
    adjust(&mut provider);
    let downstream = TestApp::spawn_with(|c: &mut Config| {
        c.upstream.insert("corp".into(), provider);
        config(c);
    })
    .await;
    spec.redirect_uris = vec![format!("{}/login/upstream/corp/callback", downstream.addr)];
    update(
        &upstream.state.store,
        &r.client.client_id,
        &spec,
        upstream.clock_now(),
    )
    .await
    .expect("client updates")
    .expect("client exists");
    Pair {
        upstream,
        downstream,
    }
}

/// The person clicks "Log in with Corp" in `down`, logs in at the upstream in `up` (if not
/// already), and comes back: the callback's response.
pub async fn through_upstream(pair: &Pair, down: &Browser<'_>, up: &Browser<'_>) -> Response {
    let r = down.get("/login/upstream/corp?next=/account").await;
    assert_eq!(r.status(), 303, "the button redirects to the provider");
    let authorize = location(&r);
    assert!(authorize.starts_with(&pair.upstream.addr), "{authorize}");
    if up.get("/account").await.status() != 200 {
        up.login("kim@corp.example", PASSWORD).await;
    }
    let r = up.client.get(&authorize).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let back = location(&r);
    assert!(
        back.starts_with(&format!(
            "{}/login/upstream/corp/callback?",
            pair.downstream.addr
        )),
        "{back}"
    );
    down.client.get(&back).send().await.unwrap()
}

pub async fn identities(app: &TestApp, email: &str) -> usize {
    match app.user(email).await {
        Some(u) => app
            .state
            .store
            .upstream_identities_of(u.user_id)
            .await
            .unwrap()
            .len(),
        None => 0,
    }
}

#[tokio::test]
async fn first_login_creates_a_verified_account_without_password_and_a_second_finds_it() {
    let pair = pair(|_| {}).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let home = down.get("/account").await;
    assert_eq!(home.status(), 200, "the session works");
    let home = home.text().await.unwrap();
    assert!(home.contains("Welcome, Kim."), "a new account: {home}");
    let user = pair
        .downstream
        .user("kim@corp.example")
        .await
        .expect("account");
    let (_, hash) = pair
        .downstream
        .state
        .store
        .credentials("kim@corp.example", true)
        .await
        .unwrap()
        .expect("credentials");
    assert_eq!(hash, daemun::domain::password::NO_PASSWORD);
    assert_eq!(identities(&pair.downstream, "kim@corp.example").await, 1);
    let sessions = pair
        .downstream
        .state
        .store
        .sessions_of_user(user.user_id)
        .await
        .unwrap();
    assert_eq!(
        sessions[0].amr, "fed",
        "the session says the login was federated"
    );
    // Another browser, the same person at the provider: the same account.
    let (down2, _) = (Browser::new(&pair.downstream), ());
    let r = through_upstream(&pair, &down2, &up).await;
    assert_eq!(r.status(), 303);
    let home = down2.get("/account").await.text().await.unwrap();
    assert!(home.contains("Welcome back, Kim."), "{home}");
    let again = pair.downstream.user("kim@corp.example").await.unwrap();
    assert_eq!(again.user_id, user.user_id);
    assert_eq!(identities(&pair.downstream, "kim@corp.example").await, 1);
}

#[tokio::test]
async fn an_account_with_the_same_address_is_not_linked() {
    let pair = pair(|_| {}).await;
    pair.downstream
        .verified_user("kim@corp.example", "Other Kim")
        .await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("already has an account"), "{page}");
    assert_eq!(identities(&pair.downstream, "kim@corp.example").await, 0);
    assert_ne!(down.get("/account").await.status(), 200);
}

#[tokio::test]
async fn a_provider_that_may_not_create_accounts_is_refused() {
    let pair = pair(|p| p.may_create_accounts = false).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 403);
    assert!(pair.downstream.user("kim@corp.example").await.is_none());
}

#[tokio::test]
async fn a_domain_not_allowed_is_refused() {
    let pair = pair(|p| p.allowed_email_domains = vec!["other.example".into()]).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 403);
    assert!(pair.downstream.user("kim@corp.example").await.is_none());
}

#[tokio::test]
async fn a_replayed_state_is_refused() {
    let pair = pair(|_| {}).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = down.get("/login/upstream/corp").await;
    let authorize = location(&r);
    up.login("kim@corp.example", PASSWORD).await;
    let back = location(&up.client.get(&authorize).send().await.unwrap());
    let first = down.client.get(&back).send().await.unwrap();
    assert_eq!(first.status(), 303);
    let second = down.client.get(&back).send().await.unwrap();
    assert_eq!(second.status(), 400);
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused() {
    let pair = pair(|_| {}).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let authorize = location(&down.get("/login/upstream/corp").await);
    up.login("kim@corp.example", PASSWORD).await;
    let back = location(&up.client.get(&authorize).send().await.unwrap());
    let other = Browser::new(&pair.downstream);
    let r = other.client.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn an_error_from_the_provider_returns_to_the_login_page_with_a_message() {
    let pair = pair(|_| {}).await;
    let down = Browser::new(&pair.downstream);
    let authorize = location(&down.get("/login/upstream/corp").await);
    let state = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let r = down
        .get(&format!(
            "/login/upstream/corp/callback?error=access_denied&state={state}"
        ))
        .await;
    // Back to the login page, `next` kept, with a message.
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2Faccount");
    let page = down.get(&location(&r)).await.text().await.unwrap();
    assert!(page.contains("cancelled or refused"), "{page}");
    assert!(page.contains("name=\"password\""), "the login form: {page}");
}

#[tokio::test]
async fn an_unknown_provider_is_not_found() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/login/upstream/nope").await.status(), 404);
    assert_eq!(app.get("/login/upstream/nope/callback").await.status(), 404);
}

#[tokio::test]
async fn an_unreachable_provider_gives_a_clear_page() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let app = TestApp::spawn_with(|c| {
        c.upstream.insert(
            "corp".into(),
            UpstreamConfig {
                label: "Corp".into(),
                issuer,
                client_id: "x".into(),
                client_secret: "y".into(),
                ..Default::default()
            },
        );
    })
    .await;
    // Templates escape `/` as `&#x2f;`.
    let page = app.get("/login?next=/account").await.text().await.unwrap();
    assert!(
        page.contains("upstream&#x2f;corp?next=%2Faccount"),
        "the button carries next: {page}"
    );
    assert!(page.contains("Log in with Corp"));
    let r = app.get("/login/upstream/corp").await;
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("cannot be reached"));
}

#[tokio::test]
async fn the_login_page_has_no_buttons_without_providers() {
    let app = TestApp::spawn().await;
    let page = app.get("/login").await.text().await.unwrap();
    assert!(!page.contains("upstream&#x2f;") && !page.contains("Log in with"));
}

#[test]
fn bad_provider_settings_are_refused_with_the_key() {
    let mut c = Config::default();
    c.upstream.insert(
        "My-Corp".into(),
        UpstreamConfig {
            label: "Corp".into(),
            issuer: "https://id.example".into(),
            client_id: "x".into(),
            client_secret: "y".into(),
            ..Default::default()
        },
    );
    let err = c.validate().unwrap_err().to_string();
    assert!(
        err.contains("upstream.<name>") && err.contains("My-Corp"),
        "{err}"
    );
    let mut c = Config::default();
    c.upstream.insert(
        "corp".into(),
        UpstreamConfig {
            label: "Corp".into(),
            client_id: "x".into(),
            client_secret: "y".into(),
            ..Default::default()
        },
    );
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("upstream.corp.issuer"), "{err}");
}

#[test]
fn check_config_names_a_bad_provider_and_reads_the_secret_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/d.db", dir.path().display());
    let toml = dir.path().join("daemun.toml");
    std::fs::write(
        &toml,
        "[upstream.corp]\nlabel = \"Corp\"\nclient_id = \"daemun\"\n",
    )
    .unwrap();
    let mut c = crate::cli::daemun(dir.path(), &db);
    c.arg("check-config")
        .env("DAEMUN_UPSTREAM__CORP__CLIENT_SECRET", "s3cret");
    let (ok, out, err) = crate::cli::run(&mut c);
    assert!(!ok, "{out}");
    assert!(err.contains("upstream.corp.issuer"), "{err}");
    std::fs::write(
        &toml,
        "[upstream.corp]\nlabel = \"Corp\"\nissuer = \"https://id.corp.example\"\nclient_id = \"daemun\"\n",
    )
    .unwrap();
    let mut c = crate::cli::daemun(dir.path(), &db);
    c.arg("check-config")
        .env("DAEMUN_UPSTREAM__CORP__CLIENT_SECRET", "s3cret");
    let (ok, out, err) = crate::cli::run(&mut c);
    assert!(ok, "{out}{err}");
    assert!(
        !out.contains("s3cret") && !err.contains("s3cret"),
        "the secret never prints"
    );
}

#[tokio::test]
async fn starting_upstream_logins_is_limited_per_address() {
    let app = TestApp::spawn_with(|c| {
        c.limits.edge_login_per_minute = 2;
        c.upstream.insert(
            "corp".into(),
            UpstreamConfig {
                label: "Corp".into(),
                issuer: "http://127.0.0.1:9".into(),
                client_id: "x".into(),
                client_secret: "y".into(),
                ..Default::default()
            },
        );
    })
    .await;
    for _ in 0..2 {
        assert_eq!(app.get("/login/upstream/corp").await.status(), 502);
    }
    assert_eq!(app.get("/login/upstream/corp").await.status(), 429);
}

#[tokio::test]
async fn an_answer_naming_another_issuer_is_refused() {
    let pair = pair(|_| {}).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let authorize = location(&down.get("/login/upstream/corp").await);
    up.login("kim@corp.example", PASSWORD).await;
    let back = location(&up.client.get(&authorize).send().await.unwrap());
    let mut url = url::Url::parse(&back).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "iss" {
                "https://evil.example".into()
            } else {
                v
            };
            (k.into_owned(), v.into_owned())
        })
        .collect();
    assert!(
        pairs.iter().any(|(k, _)| k == "iss"),
        "Daemun sends iss (RFC 9207)"
    );
    url.query_pairs_mut().clear().extend_pairs(&pairs);
    let r = down.client.get(url.as_str()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(pair.downstream.user("kim@corp.example").await.is_none());
}

/// Every TOML block of docs/upstream-providers.md loads as Daemun's configuration (with each
/// provider's secret in the environment, as the guide says), so the guide names only real keys.
#[test]
fn every_configuration_block_of_the_upstream_guide_loads() {
    let root = env!("CARGO_MANIFEST_DIR");
    let guide = std::fs::read_to_string(format!("{root}/docs/upstream-providers.md")).unwrap();
    let blocks: Vec<&str> = guide
        .split("```toml")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 5, "the walk-throughs' blocks are found");
    let dir = tempfile::tempdir().unwrap();
    for (i, block) in blocks.iter().enumerate() {
        let names: Vec<String> = block
            .lines()
            .filter_map(|l| l.trim().strip_prefix("[upstream."))
            .map(|rest| {
                rest.trim_end_matches(']')
                    .split('.')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert!(
            !names.is_empty(),
            "block {i} configures a provider:\n{block}"
        );
        let env: Vec<(String, String)> = names
            .iter()
            .map(|n| {
                let key = format!("DAEMUN_UPSTREAM__{}__CLIENT_SECRET", n.to_uppercase());
                (key, "from-the-environment".to_owned())
            })
            .collect();
        let path = dir.path().join(format!("block{i}.toml"));
        std::fs::write(&path, block).unwrap();
        let config = Config::load_from(Some(&path), env)
            .unwrap_or_else(|e| panic!("block {i} does not load: {e}\n{block}"));
        for n in &names {
            assert_eq!(config.upstream[n].client_secret, "from-the-environment");
        }
    }
}
