//! One OpenID provider as the load generator sees it: its endpoints (from discovery), the
//! benchmark client and account, and the browser steps of the code flow. Nothing here knows
//! a provider's own paths: a login is whatever form with a password field the authorization
//! request leads to.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use url::{Host, Origin, Url};

use crate::form;

/// The redirect URI registered for the benchmark client. Nothing listens there: the load
/// generator reads the code from the `Location` header and never follows this redirect.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

/// Scopes of every authorization request (on every provider alike). Refresh tokens come with
/// the code because the client is allowed the refresh_token grant, not from `offline_access`.
pub const SCOPE: &str = "openid email";

/// Redirects and form posts one authorization request may take before it is given up.
const MAX_HOPS: usize = 10;

pub type Res<T> = Result<T, String>;

/// The endpoints of a provider, from its discovery document.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub discovery: String,
    pub authorization: String,
    pub token: String,
    pub userinfo: String,
    pub jwks: String,
}

/// A provider under load and what every worker shares to talk to it.
pub struct Ctx {
    pub base: String,
    pub endpoints: Endpoints,
    pub client_id: String,
    pub basic: String,
    pub email: String,
    pub password: String,
    state_counter: AtomicU64,
}

/// An `http` URL on a loopback address (the only kind the load generator sends anything to).
pub fn is_loopback_http(url: &Url) -> bool {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d == "localhost",
        None => false,
    };
    loopback && url.scheme() == "http"
}

pub fn http_client(cookies: bool) -> Res<Client> {
    Client::builder()
        .redirect(Policy::none())
        .cookie_store(cookies)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("http client: {e}"))
}

impl Ctx {
    /// Reads the discovery document at `base` and keeps the endpoints, each of which must be
    /// on a loopback address too.
    pub async fn discover(
        base: &str,
        client_id: &str,
        client_secret: &str,
        email: &str,
        password: &str,
    ) -> Res<Ctx> {
        let base = base.trim_end_matches('/').to_owned();
        let discovery = format!("{base}/.well-known/openid-configuration");
        let r = http_client(false)?
            .get(&discovery)
            .send()
            .await
            .map_err(|e| format!("GET {discovery}: {e}"))?;
        if r.status() != StatusCode::OK {
            return Err(format!("GET {discovery}: {}", r.status()));
        }
        let body = r
            .bytes()
            .await
            .map_err(|e| format!("GET {discovery}: {e}"))?;
        let doc: Value =
            serde_json::from_slice(&body).map_err(|e| format!("discovery document: {e}"))?;
        let endpoint = |name: &str| -> Res<String> {
            let v = str_field(&doc, name)?;
            let url = Url::parse(&v).map_err(|e| format!("{name} {v}: {e}"))?;
            if !is_loopback_http(&url) {
                return Err(format!(
                    "{name} {v} is not an http URL on a loopback address"
                ));
            }
            Ok(v)
        };
        let endpoints = Endpoints {
            authorization: endpoint("authorization_endpoint")?,
            token: endpoint("token_endpoint")?,
            userinfo: endpoint("userinfo_endpoint")?,
            jwks: endpoint("jwks_uri")?,
            discovery,
        };
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                form_encode(client_id),
                form_encode(client_secret)
            ))
        );
        Ok(Ctx {
            base,
            endpoints,
            client_id: client_id.to_owned(),
            basic,
            email: email.to_owned(),
            password: password.to_owned(),
            state_counter: AtomicU64::new(0),
        })
    }

    /// A path on the provider's own base URL (provider-specific pages such as Daemun's /login).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new authorization request (code flow, fresh state and nonce).
    pub fn authorize_url(&self) -> Res<Url> {
        let n = self.state_counter.fetch_add(1, Ordering::Relaxed);
        let mut url = Url::parse(&self.endpoints.authorization).map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("response_type", "code")
            .append_pair("scope", SCOPE)
            .append_pair("state", &format!("s{n}"))
            .append_pair("nonce", &format!("n{n}"));
        Ok(url)
    }

    /// The origins a browser may be sent to during an authorization request.
    fn own_origins(&self) -> Vec<Origin> {
        [&self.base, &self.endpoints.authorization]
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .map(|u| u.origin())
            .collect()
    }
}

/// Where a redirect sends the browser.
#[derive(Debug, PartialEq, Eq)]
pub enum Hop {
    /// To the client, with this code: the end of the authorization request.
    Code(String),
    /// Further within the provider.
    Follow(Url),
}

/// Resolves `location` against the page `from` and decides: the code for the client, a page of
/// the provider to follow, or an error (an error for the client, or anywhere else).
pub fn next_hop(from: &Url, location: &str, own: &[Origin]) -> Res<Hop> {
    let to = from
        .join(location)
        .map_err(|e| format!("Location {location}: {e}"))?;
    let client = Url::parse(REDIRECT_URI).map_err(|e| e.to_string())?;
    if to.origin() == client.origin() && to.path() == client.path() {
        return code_from(to.as_str()).map(Hop::Code);
    }
    if own.contains(&to.origin()) {
        return Ok(Hop::Follow(to));
    }
    Err(format!("a redirect away from the provider: {to}"))
}

/// The code in a redirect to the client, or an error naming what came instead.
pub fn code_from(loc: &str) -> Res<String> {
    if !loc.starts_with(REDIRECT_URI) {
        return Err(format!("expected a redirect to the client, got {loc}"));
    }
    let url = Url::parse(loc).map_err(|e| e.to_string())?;
    url.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| format!("no code in {loc}"))
}

/// How an authorization request ended.
pub struct Visit {
    pub code: String,
    /// Login forms submitted on the way (0: the browser was logged in already).
    pub logins: u32,
}

/// Sends the browser `c` through a new authorization request: follows the provider's
/// redirects, fills and submits one login form if a page asks for a password, and stops at
/// the redirect to the client (never followed) with its code.
pub async fn authorize(ctx: &Ctx, c: &Client) -> Res<Visit> {
    let own = ctx.own_origins();
    let mut url = ctx.authorize_url()?;
    let mut form: Option<Vec<(String, String)>> = None;
    let mut logins = 0;
    for _ in 0..MAX_HOPS {
        let request = match form.take() {
            // The same-origin header lets a login that checks Fetch Metadata accept the post.
            Some(fields) => c
                .post(url.clone())
                .header("sec-fetch-site", "same-origin")
                .form(&fields),
            None => c.get(url.clone()),
        };
        let r = request.send().await.map_err(|e| format!("{url}: {e}"))?;
        let status = r.status();
        if status.is_redirection() {
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| format!("{url}: {status} without Location"))?;
            match next_hop(&url, location, &own)? {
                Hop::Code(code) => return Ok(Visit { code, logins }),
                Hop::Follow(next) => url = next,
            }
            continue;
        }
        if status != StatusCode::OK {
            let what = if logins > 0 {
                " (wrong password, or throttled?)"
            } else {
                ""
            };
            return Err(format!("{url}: {status}{what}"));
        }
        let page = r.text().await.map_err(|e| format!("{url}: {e}"))?;
        let login = form::login_form(&page)
            .ok_or_else(|| format!("{url}: a page without a login form (consent?)"))?;
        if logins > 0 {
            return Err(format!("{url}: the login form came back after the login"));
        }
        logins += 1;
        let fields = login.fill(&ctx.email, &ctx.password);
        let target = match login.action.as_deref() {
            Some(a) if !a.is_empty() => url.join(a).map_err(|e| format!("action {a}: {e}"))?,
            _ => url.clone(),
        };
        if !own.contains(&target.origin()) {
            return Err(format!(
                "a login form posting away from the provider: {target}"
            ));
        }
        url = if login.method == "post" {
            form = Some(fields);
            target
        } else {
            let mut get = target;
            get.query_pairs_mut().clear().extend_pairs(&fields);
            get
        };
    }
    Err(format!("no code after {MAX_HOPS} redirects and forms"))
}

/// Logs the cookie jar of `c` in: one authorization request through the login form (its code
/// is not used).
pub async fn login(ctx: &Ctx, c: &Client) -> Res<()> {
    let v = authorize(ctx, c).await?;
    if v.logins == 0 {
        return Err("the browser was logged in already".into());
    }
    Ok(())
}

/// With a logged-in `c`: authorize → code → token; returns the token response.
pub async fn logged_in_tokens(ctx: &Ctx, c: &Client) -> Res<Value> {
    let v = authorize(ctx, c).await?;
    if v.logins > 0 {
        return Err("the provider asked for a login again".into());
    }
    exchange(ctx, c, &v.code).await
}

pub async fn exchange(ctx: &Ctx, c: &Client, code: &str) -> Res<Value> {
    token_request(
        ctx,
        c,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await
}

pub async fn token_request(ctx: &Ctx, c: &Client, form: &[(&str, &str)]) -> Res<Value> {
    let request = c
        .post(&ctx.endpoints.token)
        .header("authorization", &ctx.basic)
        .form(form);
    let body = ok_body(request, "POST token").await?;
    serde_json::from_slice(body.as_ref()).map_err(|e| format!("token response: {e}"))
}

pub async fn userinfo(ctx: &Ctx, c: &Client, access_token: &str) -> Res<()> {
    let request = c.get(&ctx.endpoints.userinfo).bearer_auth(access_token);
    let body = ok_body(request, "GET userinfo").await?;
    let v: Value = serde_json::from_slice(body.as_ref()).map_err(|e| format!("userinfo: {e}"))?;
    str_field(&v, "sub").map(drop)
}

/// Sends `request` and returns its body if the answer is `200`; otherwise an error naming
/// `what`, the status and the body.
async fn ok_body(request: reqwest::RequestBuilder, what: &str) -> Res<impl AsRef<[u8]>> {
    let r = request.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK {
        return Err(format!(
            "{what}: {status} {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(body)
}

pub async fn get_ok(c: &Client, url: &str) -> Res<()> {
    let r = c.get(url).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK || body.is_empty() {
        return Err(format!("GET {url}: {status}"));
    }
    Ok(())
}

pub fn str_field(v: &Value, name: &str) -> Res<String> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("no {name} in {v}"))
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Vec<Origin> {
        vec![Url::parse("http://127.0.0.1:8080").expect("url").origin()]
    }

    fn page(u: &str) -> Url {
        Url::parse(u).expect("url")
    }

    #[test]
    fn reads_the_code_only_from_a_redirect_to_the_client() {
        assert_eq!(
            code_from("http://127.0.0.1:9/cb?code=abc&state=s1").ok(),
            Some("abc".to_owned())
        );
        assert!(code_from("/login?next=%2Fauthorize%2Fresume%2Fx").is_err());
        assert!(code_from("http://127.0.0.1:9/cb?error=access_denied").is_err());
    }

    #[test]
    fn resolves_relative_redirects_within_the_provider() {
        let from = page("http://127.0.0.1:8080/authorize?client_id=x");
        assert_eq!(
            next_hop(&from, "/login?next=%2Fa", &origins()),
            Ok(Hop::Follow(page("http://127.0.0.1:8080/login?next=%2Fa")))
        );
        let from = page("http://127.0.0.1:8080/interaction/abc");
        assert_eq!(
            next_hop(&from, "abc/login", &origins()),
            Ok(Hop::Follow(page(
                "http://127.0.0.1:8080/interaction/abc/login"
            )))
        );
        assert_eq!(
            next_hop(&from, "http://127.0.0.1:8080/auth/abc", &origins()),
            Ok(Hop::Follow(page("http://127.0.0.1:8080/auth/abc")))
        );
    }

    #[test]
    fn stops_at_the_client_and_never_leaves_the_provider() {
        let from = page("http://127.0.0.1:8080/auth/abc");
        assert_eq!(
            next_hop(
                &from,
                "http://127.0.0.1:9/cb?code=c1&state=s&iss=x",
                &origins()
            ),
            Ok(Hop::Code("c1".into()))
        );
        assert!(
            next_hop(
                &from,
                "http://127.0.0.1:9/cb?error=login_required",
                &origins()
            )
            .is_err()
        );
        assert!(next_hop(&from, "http://127.0.0.1:9/other", &origins()).is_err());
        assert!(next_hop(&from, "http://127.0.0.1:8081/login", &origins()).is_err());
        assert!(next_hop(&from, "https://127.0.0.1:8080/login", &origins()).is_err());
        assert!(next_hop(&from, "http://example.com/", &origins()).is_err());
    }

    #[test]
    fn only_loopback_http_is_a_target() {
        assert!(is_loopback_http(&page("http://127.0.0.1:8080/token")));
        assert!(is_loopback_http(&page("http://[::1]:8080/")));
        assert!(is_loopback_http(&page("http://localhost:8080/")));
        assert!(!is_loopback_http(&page("https://127.0.0.1/")));
        assert!(!is_loopback_http(&page("http://10.0.0.1/")));
        assert!(!is_loopback_http(&page("http://localhost.example.com/")));
    }
}
