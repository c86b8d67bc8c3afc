//! OpenID Connect Back-Channel Logout 1.0 against a real listener: every way a session ends
//! delivers one logout token to each application that took part, signed by a key of the JWKS,
//! with the claims §2.4 asks for; an application that is down gets it once it is back.
use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::{Form, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::JsonWebKey;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use serde_json::Value;

use crate::admin::admin;
use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::Rp;

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// An application's back-channel endpoint: collects every `logout_token` it is sent.
#[derive(Clone, Default)]
pub struct Receiver {
    pub tokens: Arc<Mutex<Vec<String>>>,
}

#[derive(serde::Deserialize)]
struct Body {
    logout_token: String,
}

impl Receiver {
    /// Serves on `listener` until the test ends.
    fn serve(&self, listener: tokio::net::TcpListener) {
        let tokens = self.tokens.clone();
        let app = Router::new().route(
            "/backchannel",
            post(move |Form(b): Form<Body>| {
                let tokens = tokens.clone();
                async move {
                    tokens.lock().unwrap().push(b.logout_token);
                    ""
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
    }

    pub async fn start() -> (Self, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/backchannel", listener.local_addr().unwrap());
        let r = Self::default();
        r.serve(listener);
        (r, url)
    }

    /// Waits for `n` tokens in all.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let got = self.tokens.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!(
            "expected {n} logout tokens, got {:?}",
            self.tokens.lock().unwrap()
        );
    }
}

/// The token's claims after checking its signature against the provider's JWKS and the
/// header's `typ`.
async fn verified(app: &TestApp, token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["typ"], "logout+jwt");
    let jwks: CoreJsonWebKeySet = app.get(daemun::oidc::JWKS_PATH).await.json().await.unwrap();
    let key = jwks
        .keys()
        .iter()
        .find(|k| k.key_id().map(|id| id.as_str()) == header["kid"].as_str())
        .expect("the signing key is published");
    let alg: CoreJwsSigningAlgorithm = serde_json::from_value(header["alg"].clone()).unwrap();
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    key.verify_signature(
        &alg,
        format!("{}.{}", parts[0], parts[1]).as_bytes(),
        &signature,
    )
    .expect("a valid signature");
    jwt_payload(token)
}

/// Checks the claims of §2.4 for a token sent to `rp` about session `sid` of `sub`.
fn assert_logout_claims(app: &TestApp, claims: &Value, rp: &Rp, sid: &str, sub: &str) {
    assert_eq!(claims["iss"], app.addr);
    assert_eq!(claims["aud"], rp.id.as_str());
    assert_eq!(claims["sid"], sid);
    assert_eq!(claims["sub"], sub);
    assert!(claims["events"][EVENT].is_object(), "{claims}");
    assert!(claims.get("nonce").is_none(), "never a nonce");
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(exp > iat && exp - iat <= 120, "short-lived: {claims}");
}

/// A person logged in with `app.client` who signed in to a first-party application with a
/// back-channel URI (and to one without): the application, the session's `sid` and `sub`.
async fn signed_in_app(app: &TestApp, url: &str) -> (Rp, String, String) {
    let with = Rp::register(app, |s| {
        s.first_party = true;
        s.backchannel_logout_uri = Some(url.to_owned());
        s.backchannel_logout_session_required = true;
    })
    .await;
    let without = Rp::register(app, |s| s.first_party = true).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let tokens = with.tokens(app, &[]).await;
    without.tokens(app, &[]).await;
    let id = jwt_payload(tokens["id_token"].as_str().unwrap());
    (
        with,
        id["sid"].as_str().unwrap().to_owned(),
        id["sub"].as_str().unwrap().to_owned(),
    )
}

/// The ways a session ends, each done over HTTP as a person or an administrator would.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Logout,
    RpInitiated,
    FromAnotherSession,
    PasswordChange,
    PasswordReset,
    AdminEndsSessions,
    AdminDisables,
    Deletion,
}

async fn end(app: &TestApp, how: Ending, rp: &Rp, admin: Option<&Browser<'_>>) {
    let me = "minsu@example.com";
    match how {
        Ending::Logout => {
            assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);
        }
        Ending::RpInitiated => {
            // A fresh ID token of the session is the hint.
            let hint = rp.tokens(app, &[]).await["id_token"]
                .as_str()
                .unwrap()
                .to_owned();
            let r = app.get(&format!("/end_session?id_token_hint={hint}")).await;
            assert!(r.status().is_success() || r.status().is_redirection());
        }
        Ending::FromAnotherSession => {
            let other = Browser::new(app);
            other.login(me, PASSWORD).await;
            let user = app.user(me).await.unwrap();
            let sessions = app
                .state
                .store
                .sessions_of_user(user.user_id)
                .await
                .unwrap();
            let first = sessions.first().unwrap().sid.clone();
            let r = other
                .submit("/account/sessions", "/account/sessions", &[("sid", &first)])
                .await;
            assert_eq!(r.status(), 303);
        }
        Ending::PasswordChange => {
            let other = Browser::new(app);
            other.login(me, PASSWORD).await;
            let new = "fresh-Maple-lantern-58";
            let r = other
                .submit(
                    "/account/password",
                    "/account/password",
                    &[
                        ("current_password", PASSWORD),
                        ("password", new),
                        ("password_confirm", new),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        Ending::PasswordReset => {
            let before = app.mails_to(me).len();
            let r = Browser::new(app)
                .submit("/password/reset", "/password/reset", &[("email", me)])
                .await;
            assert_eq!(r.status(), 200);
            let path = mailed_link(app, me, before + 1, "/password/reset/").await;
            let new = "fresh-Maple-lantern-58";
            let r = Browser::new(app)
                .post(&path, &[("password", new), ("password_confirm", new)])
                .await;
            assert_eq!(r.status(), 303);
        }
        Ending::AdminEndsSessions | Ending::AdminDisables => {
            let b = admin.expect("an administrator");
            let sub = app.user(me).await.unwrap().sub;
            let here = format!("/admin/users/{sub}");
            let action = match how {
                Ending::AdminEndsSessions => "end_sessions",
                _ => "disable",
            };
            let r = b.submit(&here, &here, &[("action", action)]).await;
            assert_eq!(r.status(), 303);
        }
        Ending::Deletion => {
            let r = app
                .submit(
                    "/account/delete",
                    "/account/delete",
                    &[("password", PASSWORD)],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
    }
}

#[tokio::test]
async fn every_way_a_session_ends_tells_each_application_that_took_part() {
    for how in [
        Ending::Logout,
        Ending::RpInitiated,
        Ending::FromAnotherSession,
        Ending::PasswordChange,
        Ending::PasswordReset,
        Ending::AdminEndsSessions,
        Ending::AdminDisables,
        Ending::Deletion,
    ] {
        let app = TestApp::spawn().await;
        let (receiver, url) = Receiver::start().await;
        // The administrator first: signing up needs the shared browser logged out.
        let by_admin = matches!(how, Ending::AdminEndsSessions | Ending::AdminDisables);
        let admin_browser = if by_admin {
            Some(admin(&app).await.0)
        } else {
            None
        };
        let (rp, sid, sub) = signed_in_app(&app, &url).await;
        end(&app, how, &rp, admin_browser.as_ref()).await;
        let tokens = receiver.wait_for(1).await;
        // Give a second delivery (a duplicate) the chance to show.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let tokens_now = receiver.tokens.lock().unwrap().clone();
        assert_eq!(
            tokens_now.len(),
            1,
            "{how:?}: one token, to the app with a URI"
        );
        let claims = verified(&app, &tokens[0]).await;
        assert_logout_claims(&app, &claims, &rp, &sid, &sub);
    }
}

#[tokio::test]
async fn an_application_that_is_down_gets_the_token_once_it_is_back() {
    let app = TestApp::spawn().await;
    // The address is known, but nothing listens yet.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let url = format!("http://{addr}/backchannel");
    let (rp, sid, sub) = signed_in_app(&app, &url).await;
    assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);

    // Attempts fail while it is down; the delivery waits and keeps its jti.
    let mut first_jti = None;
    for _ in 0..200 {
        // Retries are due by the server's (fake) clock.
        app.clock.advance_ms(500);
        let d = app.state.store.deliveries_to(&rp.id).await.unwrap();
        if let Some(d) = d.first().filter(|d| d.attempts >= 2) {
            first_jti = d.jti.clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let first_jti = first_jti.expect("retried while the application was down");
    let waiting = app
        .state
        .store
        .outbound_deliveries(false, 10)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].last_error.is_some());

    let receiver = Receiver::default();
    receiver.serve(tokio::net::TcpListener::bind(addr).await.unwrap());
    app.clock.advance_ms(2_000);
    let tokens = receiver.wait_for(1).await;
    let claims = verified(&app, &tokens[0]).await;
    assert_logout_claims(&app, &claims, &rp, &sid, &sub);
    assert_eq!(claims["jti"], first_jti.as_str(), "a retry keeps the jti");
    // The sender marks the row delivered once the answer is in: it may lag the receiver a bit.
    let mut waiting = usize::MAX;
    for _ in 0..200 {
        waiting = app
            .state
            .store
            .outbound_deliveries(false, 10)
            .await
            .unwrap()
            .len();
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(waiting, 0, "the delivery is no longer waiting");
}

#[tokio::test]
async fn discovery_and_registration_name_the_back_channel() {
    let app = TestApp::spawn().await;
    let meta: Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(meta["backchannel_logout_supported"], true);
    assert_eq!(meta["backchannel_logout_session_supported"], true);
    // The redirect URI rules hold: https, or http on the loopback host; no fragment.
    for bad in [
        "http://app.example.com/bc",
        "https://app.example.com/bc#x",
        "not a url",
    ] {
        let spec = daemun::oidc::registration::ClientSpec {
            name: "Board".into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            backchannel_logout_uri: Some(bad.into()),
            ..Default::default()
        };
        let refused =
            daemun::oidc::registration::register(&app.state.store, &spec, app.clock_now()).await;
        assert!(refused.is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_client_for_untrusted_targets_refuses_private_addresses() {
    let (receiver, url) = Receiver::start().await;
    let http = daemun::outbound::Http::new(std::time::Duration::from_secs(5), true).unwrap();
    let refused = http.post_form(&url, &[("logout_token", "x")]).await;
    assert!(
        matches!(refused, Err(daemun::outbound::HttpError::Private(_))),
        "{refused:?}"
    );
    // A name that resolves to a loopback address is refused on the resolved address.
    let by_name = url.replace("127.0.0.1", "localhost");
    let refused = http.post_form(&by_name, &[("logout_token", "x")]).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(
        receiver.tokens.lock().unwrap().is_empty(),
        "nothing was sent"
    );
    // The administrator's client reaches the same target.
    let trusted = daemun::outbound::Http::new(std::time::Duration::from_secs(5), false).unwrap();
    trusted
        .post_form(&url, &[("logout_token", "x")])
        .await
        .unwrap();
    assert_eq!(receiver.wait_for(1).await, ["x"]);
}

#[tokio::test]
async fn a_given_up_delivery_is_listed_and_retried_from_the_admin_console() {
    let app = TestApp::spawn_with(|c| {
        c.outbound.give_up_hours = 1;
        c.session.admin_reauth_minutes = 0;
    })
    .await;
    let (console, _) = admin(&app).await;
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let url = format!("http://{addr}/backchannel");
    let (rp, sid, sub) = signed_in_app(&app, &url).await;
    assert_eq!(app.submit("/logout", "/logout", &[]).await.status(), 303);

    // Down for longer than outbound.give_up_hours: given up.
    let mut failed = Vec::new();
    for _ in 0..400 {
        app.clock.advance_ms(60_000);
        failed = app.state.store.outbound_deliveries(true, 10).await.unwrap();
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(failed.len(), 1, "given up after an hour");
    let page = console.get("/admin/outbox").await.text().await.unwrap();
    assert!(page.contains("Back-channel logout deliveries"));
    assert!(page.contains(&rp.id));

    let receiver = Receiver::default();
    receiver.serve(tokio::net::TcpListener::bind(addr).await.unwrap());
    let id = failed[0].delivery_id.to_string();
    let r = console
        .submit("/admin/outbox", "/admin/outbox", &[("delivery_id", &id)])
        .await;
    assert_eq!(r.status(), 303);
    let tokens = receiver.wait_for(1).await;
    let claims = verified(&app, &tokens[0]).await;
    assert_logout_claims(&app, &claims, &rp, &sid, &sub);
    let events = app.state.store.recent_audit(None, 50).await.unwrap();
    assert!(events.iter().any(|e| e.event == "delivery.retried"));
}
