//! Password hashes imported from other systems: recognised, checked at import, verified at
//! login, and then always replaced by Daemun's argon2id (the caller rehashes on a match).
//!
//! Formats, each recognised by its prefix:
//! - Django 5.2's hashers, as `make_password` writes them. Salts are text, used as their UTF-8
//!   bytes; hashes are standard base64 with padding unless said otherwise.
//!   - `pbkdf2_sha256$<iterations>$<salt>$<hash>` and `pbkdf2_sha1$…` (HMAC-SHA-256/SHA-1,
//!     output as long as the digest);
//!   - `argon2$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` and `argon2$argon2i$…`: `argon2` followed
//!     by argon2-cffi's PHC string (a missing `v=` means version 0x10, as in the reference code);
//!   - `bcrypt_sha256$$2b$12$…`: bcrypt of the lowercase hex SHA-256 of the password;
//!   - `bcrypt$$2b$12$…`: bcrypt of the password;
//!   - `scrypt$<n>$<salt>$<r>$<p>$<hash>` (n before the salt, a 64-byte hash);
//!   - `md5$<salt>$<hex of md5(salt + password)>`;
//!   - `!…`, an unusable password: it matches nothing.
//! - bcrypt as crypt(3), htpasswd and most frameworks write it: `$2a$`, `$2b$`, `$2y$`.
//! - PBKDF2 over raw salt and hash bytes (Keycloak's `pbkdf2`, `pbkdf2-sha256` and
//!   `pbkdf2-sha512` credentials), as the PHC-style string
//!   `$pbkdf2-<sha1|sha256|sha512>$i=<iterations>,l=<hash length in bytes>$<salt>$<hash>`,
//!   salt and hash in standard base64 (`A–Z a–z 0–9 + /`) without padding, `i` before `l`, a
//!   hash of 16 to 64 bytes. [`pbkdf2_phc`] writes it.
//!
//! Daemun's own `$argon2id$` (and `$argon2i$`, `$argon2d$`) PHC strings are not foreign:
//! [`kind`] gives `None` for them and `domain::password` verifies them. [`check`] still accepts
//! them as [`Kind::Argon2`], under the argon2 caps, since an importer may carry them over as
//! they are.
//!
//! A stored hash names its own cost, and a login pays it on one of the few hashing slots, so
//! costs above the `MAX_*` caps below are refused by [`check`] and never match in [`verify`].
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use crate::domain::password::Password;

mod formats;
#[cfg(test)]
mod tests;

/// Most PBKDF2 iterations (Django 5.2 writes 1,000,000).
pub const MAX_PBKDF2_ITERATIONS: u64 = 10_000_000;
/// Highest bcrypt cost (2^14 rounds, about 0.8 s here; Django's default is 12).
pub const MAX_BCRYPT_COST: u64 = 14;
/// Most scrypt memory, 128·n·r bytes (Django's default is 16 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
/// Most scrypt parallelism: the lanes run one after another here (Django's default is 5).
pub const MAX_SCRYPT_PARALLELISM: u64 = 16;
/// Most argon2 memory in KiB (256 MiB; Django's default is 100 MiB, Keycloak's 7 MiB).
pub const MAX_ARGON2_MEMORY_KIB: u64 = 1 << 18;
/// Most argon2 passes (Django's default is 2, Keycloak's 5).
pub const MAX_ARGON2_ITERATIONS: u64 = 10;

/// The hash formats Daemun can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Django `pbkdf2_sha256$…`.
    DjangoPbkdf2Sha256,
    /// Django `pbkdf2_sha1$…`.
    DjangoPbkdf2Sha1,
    /// Django `argon2$argon2id$…` or `argon2$argon2i$…`.
    DjangoArgon2,
    /// Django `bcrypt_sha256$$2b$…`.
    DjangoBcryptSha256,
    /// Django `bcrypt$$2b$…`.
    DjangoBcrypt,
    /// Django `scrypt$…`.
    DjangoScrypt,
    /// Django `md5$…` (salted MD5).
    DjangoMd5,
    /// Django's unusable password `!…`: never matches.
    Unusable,
    /// `$2a$`, `$2b$` or `$2y$` bcrypt.
    Bcrypt,
    /// `$pbkdf2-sha1$…` (Keycloak's `pbkdf2`).
    Pbkdf2Sha1,
    /// `$pbkdf2-sha256$…` (Keycloak's `pbkdf2-sha256`).
    Pbkdf2Sha256,
    /// `$pbkdf2-sha512$…` (Keycloak's `pbkdf2-sha512`).
    Pbkdf2Sha512,
    /// Daemun's own argon2 PHC string: [`kind`] never gives it, only [`check`] does.
    Argon2,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::DjangoPbkdf2Sha256 => "Django pbkdf2_sha256",
            Kind::DjangoPbkdf2Sha1 => "Django pbkdf2_sha1",
            Kind::DjangoArgon2 => "Django argon2",
            Kind::DjangoBcryptSha256 => "Django bcrypt_sha256",
            Kind::DjangoBcrypt => "Django bcrypt",
            Kind::DjangoScrypt => "Django scrypt",
            Kind::DjangoMd5 => "Django md5",
            Kind::Unusable => "Django unusable password",
            Kind::Bcrypt => "bcrypt",
            Kind::Pbkdf2Sha1 => "PBKDF2-SHA1",
            Kind::Pbkdf2Sha256 => "PBKDF2-SHA256",
            Kind::Pbkdf2Sha512 => "PBKDF2-SHA512",
            Kind::Argon2 => "argon2",
        })
    }
}

/// Why an imported hash is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForeignHashError {
    /// Not a format Daemun knows; `prefix` is the algorithm name before the first `$`, if any.
    #[error(
        "unknown password hash format{}; Daemun knows Django's pbkdf2_sha256, pbkdf2_sha1, \
         argon2, bcrypt_sha256, bcrypt, scrypt and md5 hashes, $2a$/$2b$/$2y$ bcrypt, \
         $pbkdf2-sha1$/$pbkdf2-sha256$/$pbkdf2-sha512$ and $argon2id$ PHC strings",
        shown(.prefix)
    )]
    Unknown { prefix: String },
    /// A known format with a field missing or not decoding.
    #[error("malformed {kind} hash: {problem}")]
    Malformed { kind: Kind, problem: &'static str },
    /// A cost above the cap: one login would hold a hashing slot too long.
    #[error("{kind} hash asks for {what} {value}, above Daemun's limit of {max}")]
    TooCostly {
        kind: Kind,
        what: &'static str,
        value: u64,
        max: u64,
    },
}

fn shown(prefix: &str) -> String {
    if prefix.is_empty() {
        " (no algorithm name before a `$`)".to_owned()
    } else {
        format!(" `{prefix}`")
    }
}

/// The foreign format of `stored`, by its prefix alone; `None` for Daemun's own argon2 PHC
/// strings and for anything unknown (which `domain::password` then refuses).
pub fn kind(stored: &str) -> Option<Kind> {
    if stored.starts_with(crate::domain::password::NO_PASSWORD) {
        return Some(Kind::Unusable);
    }
    if let Some(phc) = stored.strip_prefix('$') {
        return match phc.split('$').next()? {
            "2a" | "2b" | "2y" => Some(Kind::Bcrypt),
            "pbkdf2-sha1" => Some(Kind::Pbkdf2Sha1),
            "pbkdf2-sha256" => Some(Kind::Pbkdf2Sha256),
            "pbkdf2-sha512" => Some(Kind::Pbkdf2Sha512),
            _ => None,
        };
    }
    match stored.split_once('$')?.0 {
        "pbkdf2_sha256" => Some(Kind::DjangoPbkdf2Sha256),
        "pbkdf2_sha1" => Some(Kind::DjangoPbkdf2Sha1),
        "argon2" => Some(Kind::DjangoArgon2),
        "bcrypt_sha256" => Some(Kind::DjangoBcryptSha256),
        "bcrypt" => Some(Kind::DjangoBcrypt),
        "scrypt" => Some(Kind::DjangoScrypt),
        "md5" => Some(Kind::DjangoMd5),
        _ => None,
    }
}

/// Validates a hash at import time: its kind, or what is wrong with it in words a person
/// understands. An unusable password is accepted (the account gets no usable password).
pub fn check(stored: &str) -> Result<Kind, ForeignHashError> {
    formats::parse(stored).map(|(kind, _)| kind)
}

/// Whether `password` matches `stored`, compared in constant time. Malformed hashes and costs
/// above the caps never match.
pub fn verify(password: &Password, stored: &str) -> bool {
    formats::parse(stored).is_ok_and(|(_, recipe)| recipe.matches(password.expose().as_bytes()))
}

/// The PBKDF2 string [`verify`] reads for raw salt and hash bytes, for example a Keycloak
/// credential's decoded `salt` and `value`; `digest` is `"sha1"`, `"sha256"` or `"sha512"` (any
/// other name gives a string [`check`] refuses).
pub fn pbkdf2_phc(digest: &str, iterations: u32, salt: &[u8], hash: &[u8]) -> String {
    format!(
        "$pbkdf2-{digest}$i={iterations},l={}${}${}",
        hash.len(),
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(hash)
    )
}
