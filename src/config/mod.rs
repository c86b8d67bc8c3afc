//! Configuration: built-in defaults < `daemun.toml` (or `--config PATH`) < `DAEMUN_*` variables.
//!
//! Environment names are `DAEMUN_<SECTION>__<KEY>`, e.g. `DAEMUN_DATABASE__URL`. Everything is
//! validated once at start; a bad value stops start-up with a message naming the key, the value
//! and what is expected. docs/configuration.md lists every setting.
use std::fmt;
use std::path::Path;

use serde::Deserialize;

mod branding;
mod outbound;
mod policies;
mod redact;
mod registration;
mod upstream;
mod validate;
pub use branding::{BrandingConfig, is_asset_name};
pub use outbound::OutboundConfig;
pub use registration::{RegistrationConfig, RegistrationMode};
pub use upstream::{ClaimNames, UpstreamConfig, UpstreamProviders, is_provider_name};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub mail: MailConfig,
    pub session: SessionConfig,
    pub accounts: AccountsConfig,
    pub limits: LimitsConfig,
    pub keys: KeysConfig,
    pub tokens: TokensConfig,
    pub outbound: OutboundConfig,
    pub registration: RegistrationConfig,
    pub branding: BrandingConfig,
    /// Upstream OpenID Connect providers, by name (`[upstream.<name>]`).
    pub upstream: UpstreamProviders,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Secrets are generated on first start and kept under `keys/`; mail goes to files.
    Development,
    /// Secrets must come from configuration shared by every node.
    Production,
}

/// Where `/metrics` is served unless configured otherwise: loopback only.
pub const DEFAULT_METRICS_BIND: &str = "127.0.0.1:9464";

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub environment: Environment,
    /// Address to listen on.
    pub bind: String,
    /// The management listener for `/metrics`, private by default. Empty turns metrics off;
    /// the same address as `bind` serves them on the public listener, on purpose only.
    pub metrics_bind: String,
    /// The public origin: `iss` of tokens and the origin of every link in mail.
    pub issuer: String,
    /// Extra `Host` values accepted besides the issuer's (e.g. an internal name).
    pub allowed_hosts: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
    /// A client must send its request line and headers within this time.
    pub header_read_timeout_secs: u64,
    /// On shutdown, how long requests in flight may take to finish.
    pub drain_secs: u64,
    /// `text` or `json`.
    pub log_format: String,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path` or `postgres://…`.
    pub url: String,
    /// 0: by database (see `pool_size`).
    pub max_connections: u32,
    pub migrate_on_start: bool,
    /// How long (ms) a node keeps a client it read for the protocol endpoints; 0 = not at all.
    pub client_cache_ms: u64,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `file`, `smtp` or `memory` (tests).
    pub transport: String,
    pub from: String,
    pub file_dir: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls`, `tls` or `plain`.
    pub smtp_security: String,
    pub smtp_username: String,
    pub smtp_password: String,
    pub smtp_timeout_secs: u64,
    /// First retry delay; doubles per attempt up to `retry_max_secs`.
    pub retry_base_ms: u64,
    pub retry_max_secs: u64,
    /// A mail that failed this many times is given up (and logged).
    pub max_attempts: u32,
    /// How often the sender looks for due mail queued by other nodes.
    pub poll_interval_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    pub remember_idle_days: i64,
    pub remember_absolute_days: i64,
    /// An admin console action needs a login (or a password confirmation) at most this many
    /// minutes old; 0 turns the check off.
    pub admin_reauth_minutes: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    pub password_min_length: usize,
    pub verification_ttl_hours: i64,
    /// How long a password-reset link works.
    pub reset_ttl_minutes: i64,
    /// argon2id memory in KiB, iterations and lanes (minimum m=19456, t=2, p=1).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Concurrent password hashes; 0 = number of cores.
    pub hash_concurrency: usize,
    /// Requests allowed to wait for a hashing slot; beyond it they get a fast `503`.
    /// 0 = 8 per hashing slot.
    pub hash_queue: usize,
    /// Who must have a second factor (see [`SecondFactorPolicy`]).
    pub require_second_factor: SecondFactorPolicy,
    /// Whether people may create accounts on Daemun's own sign-up page. Off, `/signup`
    /// answers `403` and no page links to it; accounts still come from administrators,
    /// imports and upstream providers with `may_create_accounts`.
    pub signup_open: bool,
}

/// Who must protect their login with a second factor before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecondFactorPolicy {
    /// Administrators: the admin console shows its pages but refuses every action until the
    /// administrator has set one up.
    Admins,
    /// Everyone: in addition, no application gets a login (the authorization endpoint sends
    /// the person to set one up first).
    Everyone,
    /// Nobody is made to; everyone may.
    Off,
}

/// Counters per window; a limit of 0 turns that limit off.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// IPv6 sources are counted per prefix of this length by every per-address limit (one
    /// visitor usually holds a whole /64); IPv4 sources per address.
    pub ipv6_prefix_len: u8,
    pub window_secs: i64,
    pub signup_per_ip: i64,
    pub resend_per_address: i64,
    pub resend_per_ip: i64,
    pub login_per_ip: i64,
    /// Counted login attempts per account before each further one must wait; 0 = off.
    pub lockout_threshold: i64,
    /// The first wait; every further attempt doubles it, up to `lockout_max_secs`.
    pub lockout_base_secs: i64,
    pub lockout_max_secs: i64,
    /// Hours without an attempt after which an account's failures are forgotten.
    pub lockout_forget_hours: i64,
    /// Edge limits: requests per client address and minute, answered with `429` and
    /// `Retry-After` beyond them (kept per node, in memory); 0 = off.
    pub edge_login_per_minute: u32,
    pub edge_signup_per_minute: u32,
    pub edge_resend_per_minute: u32,
    pub edge_reset_per_minute: u32,
    /// Authorization requests (each may park a pending request for 10 minutes).
    pub edge_authorize_per_minute: u32,
    pub edge_token_per_minute: u32,
    pub edge_introspect_per_minute: u32,
    /// Token, revocation and introspection requests per OAuth client and minute, counted only
    /// once the client has authenticated (public clients are limited per address only).
    pub token_per_client_per_minute: u32,
    /// Failed client authentications per client address and confidential client and minute;
    /// beyond them that address gets `429` for that client (other addresses never do).
    pub client_auth_failures_per_minute: u32,
    /// Password-reset requests per email address and per client IP.
    pub reset_per_address: i64,
    pub reset_per_ip: i64,
    /// Email-change requests (each mails a link to a new address) per account.
    pub email_change_per_account: i64,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    /// Where dev-mode secrets are generated and kept.
    pub dir: String,
    /// The key-encryption key (base64, 32 bytes). Required in production.
    pub encryption_key: String,
    /// After a rotation, how long the new key is only published before it signs (so caches
    /// of the JWKS pick it up first).
    pub rotation_delay_secs: i64,
    /// How often each node re-reads the keys (rotations reach every node within this time).
    pub refresh_secs: u64,
}

/// Lifetimes of what the protocol issues.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokensConfig {
    pub authorization_code_secs: i64,
    pub access_token_secs: i64,
    pub id_token_secs: i64,
    pub refresh_token_days: i64,
    /// How long a pending authorization request waits for login and consent.
    pub pending_request_secs: i64,
}

impl Default for TokensConfig {
    fn default() -> Self {
        Self {
            authorization_code_secs: 60,
            access_token_secs: 600,
            id_token_secs: 600,
            refresh_token_days: 30,
            pending_request_secs: 600,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            bind: "127.0.0.1:8080".into(),
            metrics_bind: DEFAULT_METRICS_BIND.into(),
            issuer: "http://127.0.0.1:8080".into(),
            allowed_hosts: vec![],
            trusted_proxies: vec![],
            request_timeout_secs: 30,
            body_limit_bytes: 64 * 1024,
            header_read_timeout_secs: 10,
            drain_secs: 20,
            log_format: "text".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/daemun.db".into(),
            max_connections: 0,
            migrate_on_start: true,
            client_cache_ms: 1000,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: "file".into(),
            from: "no-reply@localhost".into(),
            file_dir: "data/mail".into(),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            smtp_timeout_secs: 10,
            retry_base_ms: 5_000,
            retry_max_secs: 600,
            max_attempts: 20,
            poll_interval_ms: 2_000,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 120,
            absolute_hours: 12,
            remember_idle_days: 14,
            remember_absolute_days: 30,
            admin_reauth_minutes: 15,
        }
    }
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            password_min_length: 8,
            verification_ttl_hours: 24,
            reset_ttl_minutes: 60,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: 0,
            hash_queue: 0,
            require_second_factor: SecondFactorPolicy::Admins,
            signup_open: true,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            ipv6_prefix_len: crate::domain::client_address::DEFAULT_IPV6_PREFIX,
            window_secs: 3600,
            signup_per_ip: 20,
            resend_per_address: 3,
            resend_per_ip: 20,
            login_per_ip: 100,
            lockout_threshold: 5,
            lockout_base_secs: 30,
            lockout_max_secs: 3600,
            lockout_forget_hours: 24,
            edge_login_per_minute: 60,
            edge_signup_per_minute: 20,
            edge_resend_per_minute: 20,
            edge_reset_per_minute: 20,
            edge_authorize_per_minute: 300,
            // High: they stop floods, never a busy application or a benchmark.
            edge_token_per_minute: 600_000,
            edge_introspect_per_minute: 600_000,
            token_per_client_per_minute: 600_000,
            client_auth_failures_per_minute: 20,
            reset_per_address: 3,
            reset_per_ip: 20,
            email_change_per_account: 5,
        }
    }
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            dir: "keys".into(),
            encryption_key: String::new(),
            rotation_delay_secs: 600,
            refresh_secs: 10,
        }
    }
}

/// A configuration problem, worded for the person starting the server.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn bad(key: &str, value: impl fmt::Display, expected: &str) -> ConfigError {
    ConfigError(format!(
        "configuration key `{key}` has the value `{value}`, expected {expected}"
    ))
}

impl Config {
    /// Loads defaults, then the file (`path`, or `daemun.toml` if it exists), then `DAEMUN_*`.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(path, std::env::vars())
    }

    /// As [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_from(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        match path {
            Some(p) => {
                if !p.exists() {
                    return Err(ConfigError(format!(
                        "configuration file `{}` does not exist",
                        p.display()
                    )));
                }
                builder =
                    builder.add_source(config::File::from(p).format(config::FileFormat::Toml));
            }
            None => {
                builder = builder.add_source(
                    config::File::with_name("daemun.toml")
                        .format(config::FileFormat::Toml)
                        .required(false),
                );
            }
        }
        let env_map: std::collections::HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("DAEMUN_") && k.contains("__"))
            .collect();
        let environment = config::Environment::with_prefix("DAEMUN")
            .prefix_separator("_")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("server.allowed_hosts")
            .with_list_parse_key("server.trusted_proxies")
            .source(Some(env_map));
        let raw = builder
            .add_source(environment)
            .build()
            .map_err(|e| ConfigError(format!("cannot read configuration: {e}")))?;
        let config: Config = raw
            .try_deserialize()
            .map_err(|e| ConfigError(format!("invalid configuration: {e}")))?;
        config.validate()?;
        Ok(config)
    }

    /// Whether `/metrics` is served on the public listener: only when `server.metrics_bind`
    /// names the same address as `server.bind` (port 0, "any free port", is never the same).
    pub fn metrics_on_public_listener(&self) -> bool {
        let s = &self.server;
        let metrics = s.metrics_bind.parse::<std::net::SocketAddr>().ok();
        metrics.is_some_and(|m| m.port() != 0) && metrics == s.bind.parse().ok()
    }

    /// The separate management listener's address, if there is one.
    pub fn metrics_listener_addr(&self) -> Option<&str> {
        let m = self.server.metrics_bind.as_str();
        (!m.is_empty() && !self.metrics_on_public_listener()).then_some(m)
    }

    pub fn is_production(&self) -> bool {
        self.server.environment == Environment::Production
    }

    /// The issuer as a URL: absolute http(s), no query or fragment, no trailing slash.
    pub fn issuer_url(&self) -> Result<url::Url, ConfigError> {
        let raw = &self.server.issuer;
        let expected = "an absolute http(s) URL without query, fragment or trailing slash, e.g. https://id.example.com";
        let url = url::Url::parse(raw).map_err(|_| bad("server.issuer", raw, expected))?;
        // Daemun serves at the root of its origin, so the issuer has no path.
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || raw.ends_with('/')
        {
            return Err(bad("server.issuer", raw, expected));
        }
        Ok(url)
    }

    /// The issuer without any trailing slash, for building links.
    pub fn issuer(&self) -> &str {
        self.server.issuer.trim_end_matches('/')
    }

    /// Whether cookies must be `Secure` (and use the `__Host-` prefix).
    pub fn https(&self) -> bool {
        self.server
            .issuer
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    }

    /// The issuer's origin as browsers send it in `Origin` (`scheme://host[:port]`, default port
    /// omitted).
    pub fn issuer_origin(&self) -> String {
        self.issuer_url()
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
