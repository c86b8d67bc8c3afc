//! A real Daemun and a real Articles app, both on port 0 in this process, and a cookie-keeping
//! "browser" that follows the login flow between them by hand.
#![allow(dead_code)]

use std::time::Duration;

use base64::Engine;
use daemun::app::{App, BuildOptions};
use daemun::config::Config as DaemunConfig;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use url::Url;

pub const PASSWORD: &str = "correct-Horse-battery-9";

pub struct World {
    /// Daemun's issuer, `http://127.0.0.1:<port>`.
    pub daemun: String,
    /// The app's base URL, `http://localhost:<port>`.
    pub articles: String,
    pub daemun_state: daemun::http::AppState,
    pub client_id: String,
    stop_daemun: Box<dyn Fn() + Send + Sync>,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        (self.stop_daemun)();
    }
}

/// Daemun's settings for tests: memory mail, SQLite in `dir`, edge rate limits out of the way.
fn daemun_config(dir: &std::path::Path, port: u16) -> DaemunConfig {
    let mut c = DaemunConfig::default();
    c.server.bind = format!("127.0.0.1:{port}");
    c.server.issuer = format!("http://127.0.0.1:{port}");
    // Providers of parallel tests would share the management port.
    c.server.metrics_bind = String::new();
    c.database.url = format!("sqlite://{}/daemun.db", dir.display());
    c.database.max_connections = 4;
    c.mail.transport = "memory".into();
    c.mail.file_dir = dir.join("mail").display().to_string();
    c.keys.dir = dir.join("keys").display().to_string();
    c.keys.encryption_key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    c.limits.login_per_ip = 1000;
    c.limits.lockout_threshold = 100;
    c.limits.edge_login_per_minute = 100_000;
    c.limits.edge_signup_per_minute = 100_000;
    c.limits.edge_resend_per_minute = 100_000;
    c.limits.edge_reset_per_minute = 100_000;
    c.limits.edge_authorize_per_minute = 100_000;
    // Logout tokens go out at once.
    c.outbound.poll_interval_ms = 50;
    c
}

impl World {
    /// Starts Daemun, registers the app as a client, then starts the app (without an API).
    pub async fn start() -> Self {
        Self::start_with_api(None).await
    }

    /// As [`World::start`], the app's API taking access tokens for `api_resource` (which is not
    /// registered with Daemun here).
    pub async fn start_with_api(api_resource: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let port = listener.local_addr().expect("addr").port();
        let app = App::build_with(
            daemun_config(dir.path(), port),
            BuildOptions {
                clock: None,
                listener: Some(listener),
            },
        )
        .await
        .expect("Daemun builds");
        let daemun_state = app.state();
        let token = app.shutdown_token();
        tokio::spawn(app.serve());
        let daemun = format!("http://127.0.0.1:{port}");

        // The app runs on `localhost` so its cookies stay apart from Daemun's on 127.0.0.1.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let articles = format!(
            "http://localhost:{}",
            listener.local_addr().expect("addr").port()
        );
        let spec = daemun::oidc::registration::ClientSpec {
            name: "Articles".into(),
            redirect_uris: vec![format!("{articles}/auth/callback")],
            post_logout_redirect_uris: vec![format!("{articles}/")],
            backchannel_logout_uri: Some(format!("{articles}/auth/backchannel-logout")),
            backchannel_logout_session_required: true,
            ..Default::default()
        };
        let registered = daemun::oidc::registration::register(&daemun_state.store, &spec, now_ms())
            .await
            .expect("client registers");
        let client_id = registered.client.client_id.clone();

        let mut config = articles::Config::new(client_id.clone(), registered.secret);
        config.issuer = daemun.clone();
        config.base_url = articles.clone();
        config.bind = listener.local_addr().expect("addr").to_string();
        config.database = dir.path().join("articles.db");
        config.api_resource = api_resource.map(Into::into);
        let built = articles::build_with_listener(config, listener)
            .await
            .expect("articles builds");
        tokio::spawn(built.serve(std::future::pending()));
        Self {
            daemun,
            articles,
            daemun_state,
            client_id,
            stop_daemun: Box::new(move || token.cancel()),
            _dir: dir,
        }
    }

    /// A verified Daemun account, made directly in its store; returns its `sub`.
    pub async fn user(&self, email: &str, name: &str) -> String {
        use daemun::domain::password::{HashParams, Password, hash};
        let password_hash = hash(&Password::new(PASSWORD), HashParams::default()).expect("hash");
        let sub = daemun::domain::secret::random_id();
        let new = daemun::store::users::NewUser {
            sub: sub.clone(),
            email: email.into(),
            email_normalized: daemun::domain::email_address::normalize(email).expect("email"),
            username: None,
            username_normalized: None,
            display_name: name.into(),
            password_hash,
            email_verified: true,
            is_admin: false,
            locale: None,
        };
        self.daemun_state
            .store
            .create_user(&new, now_ms())
            .await
            .expect("user created");
        sub
    }

    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    pub fn app_url(&self, path: &str) -> String {
        format!("{}{path}", self.articles)
    }

    /// Logs in from the app's login page for `next`, through Daemun's login and consent pages,
    /// and returns the app's answer at `/auth/callback` (not followed).
    pub async fn log_in(&self, b: &Browser, email: &str, next: &str) -> Response {
        let authorize = b.press_login_button(self, next).await;
        let callback = self.through_daemun(b, authorize, email).await;
        b.get(&callback).await
    }

    /// From Daemun's authorization URL to the redirect back to the app: logs in (when Daemun
    /// asks) and allows access (when it asks); returns the callback URL.
    pub async fn through_daemun(&self, b: &Browser, authorize: String, email: &str) -> String {
        let mut url = authorize;
        for _ in 0..10 {
            if url.starts_with(&self.articles) {
                return url;
            }
            let r = b.get(&url).await;
            if r.status().is_redirection() {
                url = resolve(&url, &location(&r));
                continue;
            }
            assert_eq!(r.status(), 200, "a Daemun page at {url}");
            let page = r.text().await.expect("page");
            let r = if url.contains("/login") {
                let mut f = form_fields(&page, "/login");
                f.push(("identifier".into(), email.into()));
                f.push(("password".into(), PASSWORD.into()));
                b.post_same_origin(&format!("{}/login", self.daemun), &f)
                    .await
            } else if url.contains("/consent") {
                let mut f = form_fields(&page, "/consent");
                f.push(("decision".into(), "allow".into()));
                b.post_same_origin(&format!("{}/consent", self.daemun), &f)
                    .await
            } else {
                panic!("unexpected page {url}: {page}");
            };
            assert_eq!(r.status(), 303, "Daemun's form redirects ({url})");
            url = resolve(&url, &location(&r));
        }
        panic!("no way back to the app from Daemun");
    }
}

/// A compact JWS of `header` and `claims`, signed by `key`.
pub fn sign_jws(
    key: &daemun::keys::signing::SigningKey,
    header: &serde_json::Value,
    claims: &serde_json::Value,
) -> String {
    use openidconnect::PrivateSigningKey;
    let b64 = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let signed = format!("{}.{}", b64(header), b64(claims));
    let signature = key
        .sign(&key.alg().jws(), signed.as_bytes())
        .expect("signs");
    format!(
        "{signed}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
    )
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

pub struct Browser {
    pub client: Client,
}

impl Browser {
    pub async fn get(&self, url: &str) -> Response {
        self.client.get(url).send().await.expect("GET")
    }

    /// A form POST as a browser sends it from the same site.
    pub async fn post_same_origin(&self, url: &str, fields: &[(String, String)]) -> Response {
        self.client
            .post(url)
            .header("sec-fetch-site", "same-origin")
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// GETs the page `page` of the app, then submits its form for `action` with `extra` fields.
    pub async fn submit(
        &self,
        world: &World,
        page: &str,
        action: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        let r = self.get(&world.app_url(page)).await;
        assert_eq!(r.status(), 200, "{page}");
        let html = r.text().await.expect("page");
        let mut fields = form_fields(&html, action);
        fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post_same_origin(&world.app_url(action), &fields).await
    }

    /// Opens `/login?next=…` and presses "Log in with Daemun"; returns Daemun's authorize URL.
    pub async fn press_login_button(&self, world: &World, next: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let r = self
            .submit(world, &format!("/login?{query}"), "/auth/login", &[])
            .await;
        assert_eq!(r.status(), 303, "the button redirects to Daemun");
        let to = location(&r);
        assert!(
            to.starts_with(&format!("{}/authorize?", world.daemun)),
            "{to}"
        );
        to
    }
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `to` (maybe relative) against the page it came from.
pub fn resolve(from: &str, to: &str) -> String {
    Url::parse(from)
        .and_then(|u| u.join(to))
        .expect("a URL")
        .to_string()
}

pub fn query_params(url: &str) -> std::collections::HashMap<String, String> {
    Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// The hidden fields of the form posting to `action`, HTML entities decoded.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    // Templates escape `/` in values as `&#x2f;`; literal actions stay as written.
    let start = [action.to_owned(), escape(action)]
        .iter()
        .find_map(|a| html.find(&format!("action=\"{a}\"")))
        .unwrap_or_else(|| panic!("no form for {action} in {html}"));
    let form = &html[start..start + html[start..].find("</form>").expect("form end")];
    form.split("<input")
        .skip(1)
        .filter(|tag| attr(tag, "type").as_deref() == Some("hidden"))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
        .collect()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

fn escape(s: &str) -> String {
    s.replace('/', "&#x2f;")
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
