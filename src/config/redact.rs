//! How settings print (`check-config`, logs): every field, except that passwords and keys
//! never appear, only whether they are set.
use std::fmt;

use super::{DatabaseConfig, KeysConfig, MailConfig};

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A password inside the URL is never printed.
        let url = match url::Url::parse(&self.url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            _ => self.url.clone(),
        };
        f.debug_struct("DatabaseConfig")
            .field("url", &url)
            .field("max_connections", &self.max_connections)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("client_cache_ms", &self.client_cache_ms)
            .finish()
    }
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
            .field("smtp_timeout_secs", &self.smtp_timeout_secs)
            .field("file_dir", &self.file_dir)
            .field("retry_base_ms", &self.retry_base_ms)
            .field("retry_max_secs", &self.retry_max_secs)
            .field("max_attempts", &self.max_attempts)
            .field("poll_interval_ms", &self.poll_interval_ms)
            .finish()
    }
}

impl fmt::Debug for KeysConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeysConfig")
            .field("dir", &self.dir)
            .field("encryption_key", &redacted(&self.encryption_key))
            .field("rotation_delay_secs", &self.rotation_delay_secs)
            .field("refresh_secs", &self.refresh_secs)
            .finish()
    }
}

fn redacted(s: &str) -> &'static str {
    if s.is_empty() { "" } else { "***" }
}
