//! Validation of every setting, with messages that name the key, the value and what is expected.
use std::net::{IpAddr, SocketAddr};

use super::{Config, ConfigError, bad};

impl Config {
    /// Checks every value; the first problem is reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let s = &self.server;
        s.bind
            .parse::<SocketAddr>()
            .map_err(|_| bad("server.bind", &s.bind, "host:port such as 127.0.0.1:8080"))?;
        if !s.metrics_bind.is_empty() {
            s.metrics_bind.parse::<SocketAddr>().map_err(|_| {
                bad(
                    "server.metrics_bind",
                    &s.metrics_bind,
                    "empty (metrics off) or host:port such as 127.0.0.1:9464",
                )
            })?;
        }
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
        if s.header_read_timeout_secs == 0 {
            return Err(bad(
                "server.header_read_timeout_secs",
                s.header_read_timeout_secs,
                "a positive number of seconds",
            ));
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
        if db.client_cache_ms > 60_000 {
            return Err(bad(
                "database.client_cache_ms",
                db.client_cache_ms,
                "at most 60000 (a changed or removed client must take effect soon)",
            ));
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
        if m.smtp_timeout_secs == 0 {
            return Err(bad(
                "mail.smtp_timeout_secs",
                0,
                "a number of seconds above 0",
            ));
        }
        let o = &self.outbound;
        if o.timeout_secs == 0 || o.timeout_secs > 60 {
            return Err(bad(
                "outbound.timeout_secs",
                o.timeout_secs,
                "1 to 60 (seconds)",
            ));
        }
        if o.retry_base_ms < 10 {
            return Err(bad(
                "outbound.retry_base_ms",
                o.retry_base_ms,
                "at least 10 (milliseconds)",
            ));
        }
        if !(1..=24 * 7).contains(&o.give_up_hours) {
            return Err(bad(
                "outbound.give_up_hours",
                o.give_up_hours,
                "1 to 168 (hours)",
            ));
        }
        if m.retry_base_ms < 10 {
            return Err(bad(
                "mail.retry_base_ms",
                m.retry_base_ms,
                "at least 10 (milliseconds)",
            ));
        }
        if self.is_production() && m.transport == "memory" {
            return Err(bad(
                "mail.transport",
                &m.transport,
                "`smtp` or `file` in production (memory is for tests)",
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
        if !(0..=24 * 60).contains(&se.admin_reauth_minutes) {
            return Err(bad(
                "session.admin_reauth_minutes",
                se.admin_reauth_minutes,
                "0 (off) to 1440",
            ));
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
        if !(1..=7 * 24 * 60).contains(&a.reset_ttl_minutes) {
            return Err(bad(
                "accounts.reset_ttl_minutes",
                a.reset_ttl_minutes,
                "1 to 10080 (a week)",
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
        if self.keys.rotation_delay_secs < 0 {
            return Err(bad(
                "keys.rotation_delay_secs",
                self.keys.rotation_delay_secs,
                "0 or more seconds",
            ));
        }
        if self.keys.refresh_secs == 0 {
            return Err(bad("keys.refresh_secs", 0, "at least 1 second"));
        }
        let t = &self.tokens;
        for (key, v, max) in [
            (
                "tokens.authorization_code_secs",
                t.authorization_code_secs,
                600,
            ),
            ("tokens.access_token_secs", t.access_token_secs, 86_400),
            ("tokens.id_token_secs", t.id_token_secs, 86_400),
            ("tokens.refresh_token_days", t.refresh_token_days, 365),
            ("tokens.pending_request_secs", t.pending_request_secs, 3600),
        ] {
            if v <= 0 || v > max {
                return Err(bad(key, v, &format!("a number from 1 to {max}")));
            }
        }
        if self.limits.window_secs <= 0 {
            return Err(bad(
                "limits.window_secs",
                self.limits.window_secs,
                "a positive number of seconds",
            ));
        }
        let l = &self.limits;
        let min_prefix = crate::domain::client_address::MIN_IPV6_PREFIX;
        if !(min_prefix..=128).contains(&l.ipv6_prefix_len) {
            return Err(bad(
                "limits.ipv6_prefix_len",
                l.ipv6_prefix_len,
                &format!("a prefix length from {min_prefix} to 128 (64 groups one subnet)"),
            ));
        }
        if l.lockout_threshold < 0 || l.lockout_threshold > 100 {
            // NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts.
            return Err(bad(
                "limits.lockout_threshold",
                l.lockout_threshold,
                "a number from 0 (off) to 100",
            ));
        }
        if l.lockout_base_secs <= 0 || l.lockout_max_secs < l.lockout_base_secs {
            return Err(bad(
                "limits.lockout_max_secs",
                l.lockout_max_secs,
                "at least limits.lockout_base_secs, which must be positive",
            ));
        }
        if l.lockout_forget_hours <= 0 || l.lockout_forget_hours * 3600 <= l.lockout_max_secs {
            return Err(bad(
                "limits.lockout_forget_hours",
                l.lockout_forget_hours,
                "a positive number of hours longer than limits.lockout_max_secs",
            ));
        }
        if !self.keys.encryption_key.is_empty() && !kek_shape_ok(&self.keys.encryption_key) {
            return Err(ConfigError(
                "configuration key `keys.encryption_key` is not 32 bytes in base64 (make one with `openssl rand -base64 32`)".into(),
            ));
        }
        if self.is_production() && self.keys.encryption_key.is_empty() {
            return Err(ConfigError(
                "configuration key `keys.encryption_key` (DAEMUN_KEYS__ENCRYPTION_KEY) is empty; production needs the key shared by every node (32 random bytes, base64)".into(),
            ));
        }
        self.branding.validate()?;
        super::upstream::validate(&self.upstream)?;
        Ok(())
    }
}

/// 32 bytes in standard base64 (the value itself is never echoed).
fn kek_shape_ok(text: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .is_ok_and(|b| b.len() == 32)
}
