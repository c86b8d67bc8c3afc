//! The rules the configuration sets, as the domain types that enforce them: every page,
//! command and task that checks a password, hashes one or counts a login attempt builds its
//! rule here, so they cannot read the settings differently.
use super::{AccountsConfig, DatabaseConfig, LimitsConfig};
use crate::domain::clock::{HOUR, SECOND};
use crate::domain::lockout::LockoutPolicy;
use crate::domain::password::{HashParams, PasswordPolicy};

impl AccountsConfig {
    /// The rules a new password must meet (sign-up, password change and reset, the CLI).
    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.password_min_length,
        }
    }

    /// The argon2id parameters new hashes are made with.
    pub fn hash_params(&self) -> HashParams {
        HashParams {
            memory_kib: self.argon2_memory_kib,
            iterations: self.argon2_iterations,
            parallelism: self.argon2_parallelism,
        }
    }
}

impl DatabaseConfig {
    /// Connections each node opens at most: `max_connections`, or when it is 0, 4 for SQLite
    /// (one writer at a time; more connections bought no speed on two cores, only a thread
    /// and a page cache each) and 8 for PostgreSQL.
    pub fn pool_size(&self) -> u32 {
        match self.max_connections {
            0 if self.url.starts_with("sqlite:") => 4,
            0 => 8,
            n => n,
        }
    }
}

impl LimitsConfig {
    /// The per-account lock-out (login and the checks that count like one).
    pub fn lockout_policy(&self) -> LockoutPolicy {
        LockoutPolicy {
            threshold: self.lockout_threshold,
            base_ms: self.lockout_base_secs * SECOND,
            max_ms: self.lockout_max_secs * SECOND,
            forget_ms: self.lockout_forget_hours * HOUR,
        }
    }
}
