//! Configuration: built-in defaults < `daemun.toml` (or `--config PATH`) < `DAEMUN_*` variables.
//!
//! Environment names are `DAEMUN_<SECTION>__<KEY>`, e.g. `DAEMUN_DATABASE__URL`. Everything is
//! validated once at start; a bad value stops start-up with a message naming the key, the value
//! and what is expected. docs/configuration.md lists every setting.
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Secrets are generated on first start and kept under `keys/`; mail goes to files.
    Development,
    /// Secrets must come from configuration shared by every node.
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub environment: Environment,
    /// Address to listen on.
    pub bind: String,
    /// The public origin: `iss` of tokens and the origin of every link in mail.
    pub issuer: String,
    /// Extra `Host` values accepted besides the issuer's (e.g. an internal name).
    pub allowed_hosts: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
    /// `text` or `json`.
    pub log_format: String,
    /// Directory for dev-mode state (the SQLite file, mail files).
    pub data_dir: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path` or `postgres://…`.
    pub url: String,
    pub max_connections: u32,
    pub migrate_on_start: bool,
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

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("transport", &self.transport)
            .field("from", &self.from)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &redacted(&self.smtp_password))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    pub remember_idle_days: i64,
    pub remember_absolute_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    pub password_min_length: usize,
    pub verification_ttl_hours: i64,
    /// argon2id memory in KiB, iterations and lanes (minimum m=19456, t=2, p=1).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Concurrent password hashes; 0 = number of cores.
    pub hash_concurrency: usize,
}

/// Counters per window; a limit of 0 turns that limit off.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    pub window_secs: i64,
    pub signup_per_ip: i64,
    pub resend_per_address: i64,
    pub resend_per_ip: i64,
    pub login_per_ip: i64,
    pub login_per_account: i64,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    /// Where dev-mode secrets are generated and kept.
    pub dir: String,
    /// The key-encryption key (base64, 32 bytes). Required in production.
    pub encryption_key: String,
}

impl fmt::Debug for KeysConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeysConfig")
            .field("dir", &self.dir)
            .field("encryption_key", &redacted(&self.encryption_key))
            .finish()
    }
}

fn redacted(s: &str) -> &'static str {
    if s.is_empty() { "" } else { "***" }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            bind: "127.0.0.1:8080".into(),
            issuer: "http://127.0.0.1:8080".into(),
            allowed_hosts: vec![],
            trusted_proxies: vec![],
            request_timeout_secs: 30,
            body_limit_bytes: 64 * 1024,
            log_format: "text".into(),
            data_dir: "data".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/daemun.db".into(),
            max_connections: 8,
            migrate_on_start: true,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: "file".into(),
            from: "Daemun <no-reply@localhost>".into(),
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
        }
    }
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            password_min_length: 8,
            verification_ttl_hours: 24,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: 0,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            window_secs: 3600,
            signup_per_ip: 20,
            resend_per_address: 3,
            resend_per_ip: 20,
            login_per_ip: 100,
            login_per_account: 20,
        }
    }
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            dir: "keys".into(),
            encryption_key: String::new(),
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

    /// Checks every value; the first problem is reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let s = &self.server;
        s.bind
            .parse::<SocketAddr>()
            .map_err(|_| bad("server.bind", &s.bind, "host:port such as 127.0.0.1:8080"))?;
        let issuer = self.issuer_url()?;
        if self.is_production() && issuer.scheme() != "https" {
            return Err(bad(
                "server.issuer",
                &s.issuer,
                "an https URL in production",
            ));
        }
        for p in &s.trusted_proxies {
            p.parse::<IpAddr>()
                .map_err(|_| bad("server.trusted_proxies", p, "IP addresses"))?;
        }
        if !matches!(s.log_format.as_str(), "text" | "json") {
            return Err(bad("server.log_format", &s.log_format, "`text` or `json`"));
        }
        if s.request_timeout_secs == 0 {
            return Err(bad(
                "server.request_timeout_secs",
                0,
                "a number of seconds above 0",
            ));
        }
        if s.body_limit_bytes < 1024 {
            return Err(bad(
                "server.body_limit_bytes",
                s.body_limit_bytes,
                "at least 1024",
            ));
        }
        let db = &self.database;
        if !(db.url.starts_with("sqlite:")
            || db.url.starts_with("postgres://")
            || db.url.starts_with("postgresql://"))
        {
            return Err(bad(
                "database.url",
                &db.url,
                "sqlite://PATH or postgres://USER@HOST/DB",
            ));
        }
        if db.max_connections == 0 {
            return Err(bad("database.max_connections", 0, "at least 1"));
        }
        let m = &self.mail;
        if !matches!(m.transport.as_str(), "file" | "smtp" | "memory") {
            return Err(bad(
                "mail.transport",
                &m.transport,
                "`file`, `smtp` or `memory`",
            ));
        }
        m.from.parse::<lettre::message::Mailbox>().map_err(|_| {
            bad(
                "mail.from",
                &m.from,
                "a mailbox such as `Daemun <no-reply@example.com>`",
            )
        })?;
        if !matches!(m.smtp_security.as_str(), "starttls" | "tls" | "plain") {
            return Err(bad(
                "mail.smtp_security",
                &m.smtp_security,
                "`starttls`, `tls` or `plain`",
            ));
        }
        if m.transport == "smtp" && m.smtp_host.is_empty() {
            return Err(bad(
                "mail.smtp_host",
                "",
                "a host name when mail.transport is `smtp`",
            ));
        }
        if m.max_attempts == 0 {
            return Err(bad("mail.max_attempts", 0, "at least 1"));
        }
        let se = &self.session;
        for (key, v) in [
            ("session.idle_minutes", se.idle_minutes),
            ("session.absolute_hours", se.absolute_hours),
            ("session.remember_idle_days", se.remember_idle_days),
            ("session.remember_absolute_days", se.remember_absolute_days),
        ] {
            if v <= 0 {
                return Err(bad(key, v, "a positive number"));
            }
        }
        let a = &self.accounts;
        if !(8..=256).contains(&a.password_min_length) {
            return Err(bad(
                "accounts.password_min_length",
                a.password_min_length,
                "8 to 256",
            ));
        }
        if a.verification_ttl_hours <= 0 {
            return Err(bad(
                "accounts.verification_ttl_hours",
                a.verification_ttl_hours,
                "a positive number",
            ));
        }
        if a.argon2_memory_kib < 19_456 {
            return Err(bad(
                "accounts.argon2_memory_kib",
                a.argon2_memory_kib,
                "at least 19456 (OWASP minimum)",
            ));
        }
        if a.argon2_iterations < 2 {
            return Err(bad(
                "accounts.argon2_iterations",
                a.argon2_iterations,
                "at least 2",
            ));
        }
        if a.argon2_parallelism == 0 {
            return Err(bad("accounts.argon2_parallelism", 0, "at least 1"));
        }
        if self.limits.window_secs <= 0 {
            return Err(bad(
                "limits.window_secs",
                self.limits.window_secs,
                "a positive number of seconds",
            ));
        }
        if self.is_production() && self.keys.encryption_key.is_empty() {
            return Err(ConfigError(
                "configuration key `keys.encryption_key` (DAEMUN_KEYS__ENCRYPTION_KEY) is empty; production needs the key shared by every node (32 random bytes, base64)".into(),
            ));
        }
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.server.environment == Environment::Production
    }

    /// The issuer as a URL: absolute http(s), no query or fragment, no trailing slash.
    pub fn issuer_url(&self) -> Result<url::Url, ConfigError> {
        let raw = &self.server.issuer;
        let expected = "an absolute http(s) URL without query, fragment or trailing slash, e.g. https://id.example.com";
        let url = url::Url::parse(raw).map_err(|_| bad("server.issuer", raw, expected))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
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
        self.server.issuer.starts_with("https://")
    }

    pub fn data_dir(&self) -> PathBuf {
        PathBuf::from(&self.server.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_file_and_validate() {
        let c = Config::load_from(None, env(&[])).unwrap();
        assert_eq!(c.server.bind, "127.0.0.1:8080");
        assert_eq!(c.server.issuer, "http://127.0.0.1:8080");
        assert_eq!(c.database.url, "sqlite://data/daemun.db");
        assert_eq!(c.mail.transport, "file");
    }

    #[test]
    fn environment_variables_override_defaults() {
        let c = Config::load_from(
            None,
            env(&[
                (
                    "DAEMUN_DATABASE__URL",
                    "postgres://postgres@127.0.0.1/daemun",
                ),
                ("DAEMUN_SESSION__IDLE_MINUTES", "30"),
                ("DAEMUN_SERVER__TRUSTED_PROXIES", "10.0.0.1,10.0.0.2"),
            ]),
        )
        .unwrap();
        assert_eq!(c.database.url, "postgres://postgres@127.0.0.1/daemun");
        assert_eq!(c.session.idle_minutes, 30);
        assert_eq!(c.server.trusted_proxies, vec!["10.0.0.1", "10.0.0.2"]);
    }

    #[test]
    fn bad_values_name_the_key_and_the_value() {
        let err = Config::load_from(None, env(&[("DAEMUN_SERVER__BIND", "nonsense")])).unwrap_err();
        assert!(
            err.0.contains("server.bind") && err.0.contains("nonsense"),
            "{err}"
        );
        let err =
            Config::load_from(None, env(&[("DAEMUN_MAIL__TRANSPORT", "pigeon")])).unwrap_err();
        assert!(
            err.0.contains("mail.transport") && err.0.contains("pigeon"),
            "{err}"
        );
        let err =
            Config::load_from(None, env(&[("DAEMUN_SESSION__IDLE_MINUTES", "soon")])).unwrap_err();
        assert!(err.0.contains("idle_minutes"), "{err}");
    }

    #[test]
    fn production_requires_https_and_a_shared_key() {
        let err = Config::load_from(None, env(&[("DAEMUN_SERVER__ENVIRONMENT", "production")]))
            .unwrap_err();
        assert!(err.0.contains("server.issuer"), "{err}");
        let err = Config::load_from(
            None,
            env(&[
                ("DAEMUN_SERVER__ENVIRONMENT", "production"),
                ("DAEMUN_SERVER__ISSUER", "https://id.example.com"),
            ]),
        )
        .unwrap_err();
        assert!(err.0.contains("keys.encryption_key"), "{err}");
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let err =
            Config::load_from(Some(Path::new("/nonexistent/daemun.toml")), env(&[])).unwrap_err();
        assert!(err.0.contains("does not exist"));
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut c = Config::default();
        c.mail.smtp_password = "hunter2".into();
        c.keys.encryption_key = "c2VjcmV0".into();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("c2VjcmV0"));
    }
}
