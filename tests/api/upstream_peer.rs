//! Logins through an upstream provider written elsewhere: node-oidc-provider
//! (tests/peers/oidc-provider) as `[upstream.peer]`, over real HTTP, through its own login
//! form and consent page, with its own cookies, RS256 keys and `client_secret_basic`.
//! `scripts/ensure-oidc-provider` installs it and prints the path of its server.mjs, which
//! `DAEMUN_TEST_OIDC_PROVIDER` names (scripts/test sets it).
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use daemun::config::{Config, UpstreamConfig};
use reqwest::{Client, Response};

use crate::helpers::{Browser, PASSWORD, TestApp, free_port, location, new_client};
use crate::oidc_flow::jwt_payload;
use crate::rp::Rp;

const CLIENT_ID: &str = "daemun";
const CLIENT_SECRET: &str = "peer-client-secret-1";
const PEER_PASSWORD: &str = "a peer passphrase";
const INSTALL_HINT: &str = "run scripts/ensure-oidc-provider (scripts/test does) and set \
     DAEMUN_TEST_OIDC_PROVIDER to the path it prints";

/// The provider's server.mjs; a missing one fails the test rather than skipping it.
fn server_script() -> PathBuf {
    let script = std::env::var("DAEMUN_TEST_OIDC_PROVIDER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("DAEMUN_TEST_OIDC_PROVIDER is not set: {INSTALL_HINT}"));
    let script = PathBuf::from(script);
    assert!(
        script.is_file(),
        "{} does not exist: {INSTALL_HINT}",
        script.display()
    );
    script
}

/// A running node-oidc-provider with one account; stopped when dropped.
struct Peer {
    issuer: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    /// Starts `script` on `port`, the provider for the account `email` named `name`, its client
    /// redirecting to `app`'s callback; returns once its discovery document answers.
    /// With `in_id_token`, the person's claims come in the ID token; otherwise, as the
    /// provider does by default, only from its UserInfo endpoint.
    async fn start(
        script: &Path,
        port: u16,
        app: &TestApp,
        (email, name): (&str, &str),
        in_id_token: bool,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log_path = dir.path().join("peer.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let mut command = Command::new("node");
        if in_id_token {
            command.env("PEER_CLAIMS_IN_ID_TOKEN", "1");
        }
        let child = command
            .arg(script)
            .env("PEER_PORT", port.to_string())
            .env("PEER_CLIENT_ID", CLIENT_ID)
            .env("PEER_CLIENT_SECRET", CLIENT_SECRET)
            .env(
                "PEER_REDIRECT_URIS",
                app.url("/login/upstream/peer/callback"),
            )
            .env("PEER_EMAIL", email)
            .env("PEER_PASSWORD", PEER_PASSWORD)
            .env("PEER_NAME", name)
            .env("PEER_CONSENT", "page")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node: {e} ({INSTALL_HINT})"));
        let mut peer = Self {
            issuer: format!("http://127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        let discovery = format!("{}/.well-known/openid-configuration", peer.issuer);
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if let Ok(r) = new_client().get(&discovery).send().await
                && r.status() == 200
            {
                return peer;
            }
            if let Ok(Some(status)) = peer.child.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("the oidc-provider peer exited ({status}):\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        panic!("the oidc-provider peer did not answer {discovery} within 20 s:\n{log}");
    }

    /// `location` (absolute, or a path at the provider) as an absolute URL.
    fn absolute(&self, location: &str) -> String {
        if location.starts_with('/') {
            format!("{}{location}", self.issuer)
        } else {
            location.to_owned()
        }
    }

    /// GETs `url` in `browser` and follows the redirects that stay at the provider: the first
    /// page, or the redirect that leaves the provider.
    async fn follow(&self, browser: &Client, url: &str) -> Response {
        let mut url = url.to_owned();
        for _ in 0..10 {
            let r = browser.get(&url).send().await.unwrap();
            let next = self.absolute(&location(&r));
            if !r.status().is_redirection() || !next.starts_with(&self.issuer) {
                return r;
            }
            url = next;
        }
        panic!("more than 10 redirects at the provider, the last to {url}");
    }

    /// Posts `fields` to the form of `page` whose action ends with `action_suffix`, then
    /// follows the redirects that stay at the provider.
    async fn submit(
        &self,
        browser: &Client,
        page: &str,
        action_suffix: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let action = form_action(page, action_suffix);
        let r = browser
            .post(self.absolute(&action))
            .form(fields)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{action}: {}", r.status());
        self.follow(browser, &self.absolute(&location(&r))).await
    }
}

/// The `action` of the form in `page` that ends with `suffix`.
fn form_action(page: &str, suffix: &str) -> String {
    page.split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|a| a.ends_with(suffix))
        .unwrap_or_else(|| panic!("no form posting to …{suffix} in {page}"))
        .to_owned()
}

/// The `href` of the link whose text is `text` on a Daemun page, unescaped.
fn link_to(page: &str, text: &str) -> String {
    let at = page
        .find(text)
        .unwrap_or_else(|| panic!("no {text:?} on {page}"));
    let start = page[..at].rfind("href=\"").expect("a link") + "href=\"".len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end]
        .replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
}

/// A Daemun whose `[upstream.peer]` is a node-oidc-provider for `email`, and that provider
/// (see [`Peer::start`] for `in_id_token`).
async fn setup(email: &str, name: &str, existing: bool, in_id_token: bool) -> (TestApp, Peer) {
    let script = server_script();
    let port = free_port();
    let app = TestApp::spawn_with(|c: &mut Config| {
        c.upstream.insert(
            "peer".into(),
            UpstreamConfig {
                label: "Peer".into(),
                issuer: format!("http://127.0.0.1:{port}"),
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                may_create_accounts: true,
                ..Default::default()
            },
        );
    })
    .await;
    if existing {
        app.verified_user(email, "Already Here").await;
    }
    let peer = Peer::start(&script, port, &app, (email, name), in_id_token).await;
    (app, peer)
}

/// The person clicks "Log in with Peer" on Daemun's login page in `down`, logs in on the
/// provider's own form in `up` and allows access on its consent page: the callback URL the
/// provider sends the browser back to.
async fn log_in_at_peer(
    app: &TestApp,
    peer: &Peer,
    down: &Client,
    up: &Client,
    email: &str,
) -> String {
    let back = allow_or_deny(app, peer, down, up, email, "/confirm").await;
    assert!(
        back.starts_with(&app.url("/login/upstream/peer/callback?")),
        "the provider sends the browser back to Daemun: {back}"
    );
    back
}

/// As [`log_in_at_peer`], answering the consent page with the button posting to `answer`.
async fn allow_or_deny(
    app: &TestApp,
    peer: &Peer,
    down: &Client,
    up: &Client,
    email: &str,
    answer: &str,
) -> String {
    let login = down
        .get(app.url("/login?next=/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let button = link_to(&login, "Log in with Peer");
    assert_eq!(button, "/login/upstream/peer?next=%2Faccount");
    let r = down.get(app.url(&button)).send().await.unwrap();
    assert_eq!(
        r.status(),
        303,
        "the button sends the browser to the provider"
    );
    let authorize = location(&r);
    assert!(
        authorize.starts_with(&format!("{}/auth?", peer.issuer)),
        "to the provider's authorization endpoint: {authorize}"
    );
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );

    let r = peer.follow(up, &authorize).await;
    assert_eq!(r.status(), 200, "the provider's login form");
    let form = r.text().await.unwrap();
    assert!(
        form.contains("<h1>Sign in</h1>") && form.contains("name=\"password\""),
        "{form}"
    );
    let r = peer
        .submit(
            up,
            &form,
            "/login",
            &[("email", email), ("password", PEER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200, "the provider's consent page");
    let consent = r.text().await.unwrap();
    assert!(consent.contains("<h1>Allow access</h1>"), "{consent}");
    assert!(
        consent.contains("<li>email</li>") && consent.contains("<li>profile</li>"),
        "Daemun asks for the address and the profile: {consent}"
    );
    let r = peer.submit(up, &consent, answer, &[]).await;
    assert_eq!(r.status(), 303, "the provider sends the browser back");
    location(&r)
}

#[tokio::test]
async fn a_first_login_through_the_provider_creates_the_account_and_the_next_finds_it() {
    let email = "pat@peer.example";
    // The provider's default: the address and name only in its UserInfo answer.
    let (app, peer) = setup(email, "Pat Peer", false, false).await;
    let up = new_client();
    let back = log_in_at_peer(&app, &peer, &app.client, &up, email).await;
    let r = app.client.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 303, "the callback logs the person in");
    assert_eq!(location(&r), "/account");
    let account = app.get("/account").await;
    assert_eq!(account.status(), 200, "the session works");
    let page = account.text().await.unwrap();
    assert!(page.contains(email) && page.contains("Pat Peer"), "{page}");

    let user = app.user(email).await.expect("an account was created");
    assert!(user.email_verified, "the provider vouched for the address");
    assert_eq!(user.display_name, "Pat Peer", "the name claim is mapped");
    let (_, hash) = app
        .state
        .store
        .credentials(email, true)
        .await
        .unwrap()
        .expect("credentials");
    assert_eq!(hash, daemun::domain::password::NO_PASSWORD, "no password");
    let linked = app
        .state
        .store
        .upstream_identities_of(user.user_id)
        .await
        .unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].issuer, peer.issuer);
    assert_eq!(linked[0].provider, "peer");
    assert_eq!(linked[0].email, email);
    let sessions = app
        .state
        .store
        .sessions_of_user(user.user_id)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        sessions[0].amr, "fed",
        "the session says the login was federated"
    );

    // An application the person then logs in to learns it from the ID token (RFC 8176).
    let mut rp = Rp::register(&app, |s| s.first_party = true).await;
    rp.scope = "openid".into();
    let tokens = rp.tokens(&app, &[("nonce", "n-1")]).await;
    let id = jwt_payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], user.sub.as_str());
    assert_eq!(id["amr"], serde_json::json!(["fed"]), "{id}");

    // Another browser at Daemun, the same one at the provider: its session and the consent
    // given are remembered there, so the provider sends the browser straight back.
    let down = Browser::new(&app);
    let login = down.get("/login?next=/account").await.text().await.unwrap();
    let button = link_to(&login, "Log in with Peer");
    let authorize = location(&down.get(&button).await);
    let r = peer.follow(&up, &authorize).await;
    assert_eq!(r.status(), 303, "no form at the provider this time");
    let r = down.client.get(location(&r)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(down.get("/account").await.status(), 200);

    // New browsers on both sides: the provider's form and consent again, the same account.
    let down = Browser::new(&app);
    let back = log_in_at_peer(&app, &peer, &down.client, &new_client(), email).await;
    let r = down.client.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(down.get("/account").await.status(), 200);
    let again = app.user(email).await.unwrap();
    assert_eq!(again.user_id, user.user_id, "the same account");
    let linked = app
        .state
        .store
        .upstream_identities_of(user.user_id)
        .await
        .unwrap();
    assert_eq!(linked.len(), 1, "still one linked identity");
    let sessions = app
        .state
        .store
        .sessions_of_user(user.user_id)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 3, "one session per Daemun browser");
}

#[tokio::test]
async fn an_address_of_an_existing_account_is_not_linked() {
    let email = "kim@peer.example";
    let (app, peer) = setup(email, "Kim Peer", true, true).await;
    let down = Browser::new(&app);
    let back = log_in_at_peer(&app, &peer, &down.client, &new_client(), email).await;
    let r = down.client.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("already has an account"), "{page}");
    let user = app.user(email).await.expect("the existing account");
    assert_eq!(user.display_name, "Already Here", "left as it was");
    assert!(
        app.state
            .store
            .upstream_identities_of(user.user_id)
            .await
            .unwrap()
            .is_empty(),
        "no identity linked"
    );
    assert_ne!(
        down.get("/account").await.status(),
        200,
        "nobody is logged in"
    );
    // The account's own password still logs in.
    down.login(email, PASSWORD).await;
    assert_eq!(down.get("/account").await.status(), 200);
}

#[tokio::test]
async fn access_denied_at_the_provider_returns_to_the_login_page_and_makes_no_account() {
    let email = "lee@peer.example";
    let (app, peer) = setup(email, "Lee Peer", false, true).await;
    let down = Browser::new(&app);
    let back = allow_or_deny(&app, &peer, &down.client, &new_client(), email, "/abort").await;
    assert!(back.contains("error=access_denied"), "{back}");
    let r = down.client.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 303, "back to the login page");
    assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
    let page = down.get(&location(&r)).await.text().await.unwrap();
    assert!(page.contains("cancelled or refused"), "{page}");
    assert!(app.user(email).await.is_none(), "no account");
    assert_ne!(down.get("/account").await.status(), 200);
}

/// Follows Daemun's redirects in `down` from `path` until one leaves Daemun: its location.
async fn until_it_leaves(app: &TestApp, down: &Browser<'_>, path: &str) -> String {
    let mut next = path.to_owned();
    for _ in 0..10 {
        let r = if next.starts_with('/') {
            down.get(&next).await
        } else {
            down.client.get(&next).send().await.unwrap()
        };
        assert!(r.status().is_redirection(), "{next}: {}", r.status());
        next = location(&r);
        if !next.starts_with('/') && !next.starts_with(&app.addr) {
            return next;
        }
    }
    panic!("too many redirects at Daemun");
}

#[tokio::test]
async fn an_application_asking_for_a_fresh_login_gets_one_at_the_provider() {
    let email = "sam@peer.example";
    let (app, peer) = setup(email, "Sam Peer", false, false).await;
    let up = new_client();
    let first = Browser::new(&app);
    let back = log_in_at_peer(&app, &peer, &first.client, &up, email).await;
    assert_eq!(first.client.get(&back).send().await.unwrap().status(), 303);
    let rp = Rp::register(&app, |s| s.first_party = true).await;

    // idp_hint, no prompt: the provider's session answers at once.
    let down = Browser::new(&app);
    let authorize = until_it_leaves(&app, &down, &rp.authorize_path(&[("idp_hint", "peer")])).await;
    assert!(
        authorize.starts_with(&format!("{}/auth?", peer.issuer)),
        "{authorize}"
    );
    let r = peer.follow(&up, &authorize).await;
    assert_eq!(r.status(), 303, "no form at the provider");
    let code = until_it_leaves(&app, &down, &location(&r)).await;
    assert!(code.starts_with(&rp.redirect_uri), "{code}");

    // prompt=login and max_age: the provider asks for its password again, and its auth_time
    // is checked.
    let down = Browser::new(&app);
    let extra = [
        ("idp_hint", "peer"),
        ("prompt", "login"),
        ("max_age", "300"),
    ];
    let authorize = until_it_leaves(&app, &down, &rp.authorize_path(&extra)).await;
    assert!(authorize.contains("prompt=login") && authorize.contains("max_age=300"));
    let r = peer.follow(&up, &authorize).await;
    assert_eq!(r.status(), 200, "the provider's login form again");
    let form = r.text().await.unwrap();
    assert!(form.contains("name=\"password\""), "{form}");
    let fields = [("email", email), ("password", PEER_PASSWORD)];
    let mut r = peer.submit(&up, &form, "/login", &fields).await;
    if r.status() == 200 {
        let consent = r.text().await.unwrap();
        r = peer.submit(&up, &consent, "/confirm", &[]).await;
    }
    assert_eq!(r.status(), 303);
    let code = until_it_leaves(&app, &down, &location(&r)).await;
    assert!(
        code.starts_with(&rp.redirect_uri),
        "a code after the fresh login: {code}"
    );
    assert!(code.contains("code="), "{code}");
}
