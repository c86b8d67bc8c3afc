//! `Rp`: the test relying party. One registered client and the steps an application takes
//! with it: build an authorization request, get the code the person's browser is sent back
//! with, exchange it at `/token`, refresh, call UserInfo, revoke and introspect. Raw requests
//! with other credentials (for the endpoints' refusals) go through [`client_post`].

use base64::Engine;
use daemun::oidc::registration::{ClientSpec, register};
use reqwest::Response;
use serde_json::Value;

use crate::helpers::{PASSWORD, REDIRECT_URI, TestApp, location, location_params, new_client};

/// A registered client as an application holds it.
#[derive(Debug, Clone)]
pub struct Rp {
    /// The provider's address (`app.addr`): where the back-channel requests go.
    pub issuer: String,
    pub id: String,
    /// `None` for a public client.
    pub secret: Option<String>,
    pub redirect_uri: String,
    /// The `scope` and `state` of [`Rp::authorize_path`] unless `extra` names its own.
    pub scope: String,
    pub state: String,
}

impl Rp {
    /// A client registered some other way (admin console, CLI), with the usual request defaults.
    pub fn new(issuer: &str, id: &str, secret: Option<String>) -> Self {
        Self {
            issuer: issuer.to_owned(),
            id: id.to_owned(),
            secret,
            redirect_uri: REDIRECT_URI.to_owned(),
            scope: "openid email profile".to_owned(),
            state: "st-1".to_owned(),
        }
    }

    /// Registers a client "Board" redirecting to [`REDIRECT_URI`] (as the CLI does), after
    /// `adjust` had its say about the registration.
    pub async fn register(app: &TestApp, adjust: impl FnOnce(&mut ClientSpec)) -> Self {
        let mut spec = ClientSpec {
            name: "Board".into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            post_logout_redirect_uris: vec!["http://127.0.0.1:9/bye".into()],
            ..Default::default()
        };
        adjust(&mut spec);
        let r = register(&app.state.store, &spec, app.clock_now())
            .await
            .expect("client registers");
        let mut rp = Self::new(&app.addr, &r.client.client_id, r.secret);
        if let Some(uri) = spec.redirect_uris.first() {
            rp.redirect_uri.clone_from(uri);
        }
        rp
    }

    /// The client secret of a confidential client.
    pub fn secret(&self) -> &str {
        self.secret.as_deref().expect("a confidential client")
    }

    /// `Authorization: Basic …` with this client's credentials.
    pub fn basic(&self) -> String {
        basic(&self.id, self.secret())
    }

    /// The parameters of an authorization request: client_id, redirect_uri, response_type,
    /// scope and state, in that order; each pair of `extra` replaces the one of its name or
    /// is added at the end.
    pub fn authorize_params<'a>(&'a self, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut params = vec![
            ("client_id", self.id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", self.scope.as_str()),
            ("state", self.state.as_str()),
        ];
        for &(k, v) in extra {
            match params.iter_mut().find(|(name, _)| *name == k) {
                Some(p) => p.1 = v,
                None => params.push((k, v)),
            }
        }
        params
    }

    /// `/authorize?…` with [`Rp::authorize_params`].
    pub fn authorize_path(&self, extra: &[(&str, &str)]) -> String {
        authorize_path_with(&self.authorize_params(extra))
    }

    /// The code the browser of `app` (`app.client`, logged in, consent given) is sent back with.
    pub async fn code(&self, app: &TestApp, extra: &[(&str, &str)]) -> String {
        code_at(app, &self.authorize_path(extra)).await
    }

    /// The form of an authorization-code exchange, with a PKCE verifier when given.
    pub fn exchange_form<'a>(
        &'a self,
        code: &'a str,
        verifier: Option<&'a str>,
    ) -> Vec<(&'a str, &'a str)> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        form
    }

    /// POSTs `form` to `path` (`/token`, `/revoke`, `/introspect`) as this client (Basic).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        send_post(&self.issuer, path, Some(self.basic()), form).await
    }

    /// POST /token as this client.
    pub async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.post("/token", form).await
    }

    /// Exchanges `code`: the status and the JSON body (`Null` when there is none).
    pub async fn exchange(&self, code: &str, verifier: Option<&str>) -> (u16, Value) {
        read(self.token(&self.exchange_form(code, verifier)).await).await
    }

    /// Code and exchange in one step; the exchange must succeed. Returns the token response.
    pub async fn tokens(&self, app: &TestApp, extra: &[(&str, &str)]) -> Value {
        let code = self.code(app, extra).await;
        let (status, body) = self.exchange(&code, None).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Trades a refresh token: the status and the JSON body.
    pub async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        read(self.token(&form).await).await
    }

    /// GET /userinfo with `access` as the bearer token.
    pub async fn userinfo(&self, access: &str) -> Response {
        new_client()
            .get(format!("{}/userinfo", self.issuer))
            .bearer_auth(access)
            .send()
            .await
            .expect("GET /userinfo")
    }
}

/// `Authorization: Basic …` for any pair, right or wrong.
pub fn basic(id: &str, secret: &str) -> String {
    let pair = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// `/authorize?…` with exactly `pairs`, in order (repeats and omissions included).
pub fn authorize_path_with(pairs: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("/authorize?{}", q.finish())
}

/// The code in the redirect the browser of `app` gets for `path` (an authorization request or
/// a parked request's resume path).
pub async fn code_at(app: &TestApp, path: &str) -> String {
    let r = app.get(path).await;
    assert_eq!(r.status(), 303, "{path}");
    location_params(&r)
        .remove("code")
        .unwrap_or_else(|| panic!("a code for {path}: {}", location(&r)))
}

/// The person answers the consent page at `consent` (`/consent?request=…`) in `app.client`:
/// `decision` is `allow` or `deny`.
pub async fn answer_consent(app: &TestApp, consent: &str, decision: &str) -> Response {
    let request = consent
        .strip_prefix("/consent?request=")
        .unwrap_or_else(|| panic!("a consent page: {consent}"));
    app.submit(
        consent,
        "/consent",
        &[("request", request), ("decision", decision)],
    )
    .await
}

/// POSTs `form` to `path` with any `Authorization` header or none: for refusals.
pub async fn client_post(
    app: &TestApp,
    path: &str,
    auth: Option<String>,
    form: &[(&str, &str)],
) -> Response {
    send_post(&app.addr, path, auth, form).await
}

/// POST /token with any `Authorization` header or none.
pub async fn token_request(app: &TestApp, auth: Option<String>, form: &[(&str, &str)]) -> Response {
    client_post(app, "/token", auth, form).await
}

async fn send_post(
    base: &str,
    path: &str,
    auth: Option<String>,
    form: &[(&str, &str)],
) -> Response {
    let mut req = new_client().post(format!("{base}{path}")).form(form);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    req.send().await.expect("POST")
}

/// The status and JSON body of an answer (`Null` when the body is not JSON).
pub async fn read(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A logged-in person (`email`, in `app.client`) and a first-party client (no consent page)
/// that may refresh.
pub async fn signed_in(app: &TestApp, email: &str) -> Rp {
    let rp = Rp::register(app, |s| {
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
    })
    .await;
    app.verified_user(email, "Person").await;
    assert_eq!(app.login(email, PASSWORD).await.status(), 303);
    rp
}

/// What an application holds after the person signed in with `app.client` logged in to it.
pub struct Grant {
    pub rp: Rp,
    pub access: String,
    pub refresh: String,
}

/// Logs the person of `app.client` in to a fresh first-party client through the code flow.
pub async fn grant(app: &TestApp) -> Grant {
    let mut rp = Rp::register(app, |s| s.first_party = true).await;
    rp.scope = "openid".into();
    let v = rp.tokens(app, &[]).await;
    Grant {
        rp,
        access: v["access_token"].as_str().unwrap().to_owned(),
        refresh: v["refresh_token"].as_str().unwrap().to_owned(),
    }
}
