//! Settings, read from `ARTICLES_*` environment variables with defaults for a local try-out.
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub struct Config {
    /// Daemun's issuer URL; discovery is fetched from `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id `daemun client add` printed.
    pub client_id: String,
    /// The client secret `daemun client add` printed (none for a public client).
    pub client_secret: Option<String>,
    /// Address to listen on.
    pub bind: String,
    /// Where browsers reach this app; the redirect URI is `<base_url>/auth/callback`.
    pub base_url: String,
    /// The SQLite file holding the articles.
    pub database: PathBuf,
    /// This app's API identifier as registered with `daemun resource add` (RFC 8707): the
    /// audience of the access tokens `GET /api/articles` takes. `None`: the API is off (404).
    pub api_resource: Option<String>,
    /// How often discovery is tried at start before giving up, and the pause between tries.
    pub discovery_attempts: u32,
    pub discovery_retry_delay: Duration,
}

/// Debug that never shows the client secret.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("database", &self.database)
            .field("api_resource", &self.api_resource)
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "ARTICLES_CLIENT_ID is not set; register the app with `daemun client add` (see the README)"
    )]
    MissingClientId,
    #[error("{0} must be an http or https URL, got {1:?}")]
    BadUrl(&'static str, String),
    #[error("ARTICLES_API_RESOURCE must be an absolute URI without a fragment, got {0:?}")]
    BadResource(String),
}

impl Config {
    /// Defaults for everything but the client id.
    pub fn new(client_id: impl Into<String>, client_secret: Option<String>) -> Self {
        Self {
            issuer: "http://127.0.0.1:8080".into(),
            client_id: client_id.into(),
            client_secret,
            bind: "localhost:8000".into(),
            base_url: "http://localhost:8000".into(),
            database: PathBuf::from("data/articles.db"),
            api_resource: None,
            discovery_attempts: 20,
            discovery_retry_delay: Duration::from_millis(500),
        }
    }

    /// Reads the settings through `var` (the process environment in `main`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let client_id = get("ARTICLES_CLIENT_ID").ok_or(ConfigError::MissingClientId)?;
        let mut c = Self::new(client_id, get("ARTICLES_CLIENT_SECRET"));
        if let Some(v) = get("ARTICLES_ISSUER") {
            c.issuer = v;
        }
        if let Some(v) = get("ARTICLES_BIND") {
            c.bind = v;
        }
        if let Some(v) = get("ARTICLES_BASE_URL") {
            c.base_url = v;
        }
        if let Some(v) = get("ARTICLES_DATABASE") {
            c.database = PathBuf::from(v);
        }
        if let Some(v) = get("ARTICLES_API_RESOURCE").map(|v| v.trim().to_owned()) {
            // RFC 8707 §2: a resource is an absolute URI with no fragment, compared as is.
            match url::Url::parse(&v) {
                Ok(u) if u.fragment().is_none() => c.api_resource = Some(v),
                _ => return Err(ConfigError::BadResource(v)),
            }
        }
        // Trailing slashes would double up in `<base>/auth/callback`.
        c.base_url = c.base_url.trim_end_matches('/').to_owned();
        check_url("ARTICLES_ISSUER", &c.issuer)?;
        check_url("ARTICLES_BASE_URL", &c.base_url)?;
        Ok(c)
    }

    pub fn redirect_uri(&self) -> String {
        format!("{}/auth/callback", self.base_url)
    }

    pub fn post_logout_redirect_uri(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// Cookies get `Secure` when the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

fn check_url(name: &'static str, value: &str) -> Result<(), ConfigError> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ConfigError::BadUrl(name, value.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_client_id_is_required() {
        assert_eq!(
            Config::from_vars(vars(&[])).unwrap_err(),
            ConfigError::MissingClientId
        );
        assert_eq!(
            Config::from_vars(vars(&[("ARTICLES_CLIENT_ID", " ")])).unwrap_err(),
            ConfigError::MissingClientId
        );
    }

    #[test]
    fn defaults_suit_a_local_daemun() {
        let c = Config::from_vars(vars(&[("ARTICLES_CLIENT_ID", "abc")])).unwrap();
        assert_eq!(c.issuer, "http://127.0.0.1:8080");
        assert_eq!(c.bind, "localhost:8000");
        assert_eq!(c.redirect_uri(), "http://localhost:8000/auth/callback");
        assert_eq!(c.post_logout_redirect_uri(), "http://localhost:8000/");
        assert_eq!(c.database, PathBuf::from("data/articles.db"));
        assert_eq!(c.client_secret, None);
        assert_eq!(c.api_resource, None);
        assert!(!c.secure_cookies());
    }

    #[test]
    fn variables_override_defaults_and_urls_are_checked() {
        let c = Config::from_vars(vars(&[
            ("ARTICLES_CLIENT_ID", "abc"),
            ("ARTICLES_CLIENT_SECRET", "s3cret"),
            ("ARTICLES_BASE_URL", "https://board.example.com/"),
        ]))
        .unwrap();
        assert_eq!(c.redirect_uri(), "https://board.example.com/auth/callback");
        assert!(c.secure_cookies());
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "Debug hides the secret"
        );
        let bad = Config::from_vars(vars(&[
            ("ARTICLES_CLIENT_ID", "abc"),
            ("ARTICLES_ISSUER", "127.0.0.1:8080"),
        ]));
        assert!(matches!(
            bad,
            Err(ConfigError::BadUrl("ARTICLES_ISSUER", _))
        ));
    }

    #[test]
    fn the_api_identifier_is_an_absolute_uri_without_a_fragment() {
        for ok in ["https://board.example.com/api", "urn:example:articles"] {
            let c = Config::from_vars(vars(&[
                ("ARTICLES_CLIENT_ID", "abc"),
                ("ARTICLES_API_RESOURCE", ok),
            ]))
            .unwrap();
            assert_eq!(c.api_resource.as_deref(), Some(ok));
        }
        for bad in [
            "/api",
            "board.example.com",
            "https://board.example.com/api#x",
        ] {
            let c = Config::from_vars(vars(&[
                ("ARTICLES_CLIENT_ID", "abc"),
                ("ARTICLES_API_RESOURCE", bad),
            ]));
            assert_eq!(c.unwrap_err(), ConfigError::BadResource(bad.into()));
        }
    }
}
