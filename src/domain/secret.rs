//! High-entropy secrets (session ids, email tokens) and the hashes that are stored instead.
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, shown as 43 base64url characters. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// A new token from a CSPRNG (the thread-local ChaCha generator, seeded by the OS).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token received from outside; shape-checked so junk never reaches the database.
    pub fn from_untrusted(raw: &str) -> Option<Self> {
        let ok = raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the token: what the database keeps.
    pub fn hash(&self) -> Vec<u8> {
        sha256(self.0.as_bytes())
    }
}

/// The SHA-256 under which a presented access or refresh token is stored: an opaque token
/// (43 characters) or a JWT access token (RFC 9068: three base64url parts, at most 8 KiB);
/// `None` for anything else, which can match no token.
pub fn presented_token_hash(raw: &str) -> Option<Vec<u8>> {
    if let Some(t) = SecretToken::from_untrusted(raw) {
        return Some(t.hash());
    }
    let b64url = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: Vec<&str> = raw.split('.').collect();
    let jwt = raw.len() <= 8192 && parts.len() == 3 && parts.iter().all(|p| b64url(p));
    jwt.then(|| sha256(raw.as_bytes()))
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// A random identifier that is not a secret (for `sub`, `sid`, request ids): 128 bits.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `s` has the shape of a [`random_id`]: 22 base64url characters. Lets lookups refuse
/// values that cannot be an identifier (a NUL byte, which PostgreSQL refuses in text) without
/// asking the database.
pub fn is_random_id(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Constant-time equality for secrets of public length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_round_trip() {
        let a = SecretToken::generate();
        let b = SecretToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert_eq!(SecretToken::from_untrusted(a.expose()), Some(a.clone()));
        assert_eq!(a.hash().len(), 32);
        assert_eq!(format!("{a:?}"), "SecretToken(***)");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert_eq!(SecretToken::from_untrusted("short"), None);
        assert_eq!(
            SecretToken::from_untrusted(&"a".repeat(42).replace('a', "!")),
            None
        );
        assert_eq!(
            SecretToken::from_untrusted(&format!("{}=", "a".repeat(42))),
            None
        );
    }

    #[test]
    fn random_ids_have_their_shape_and_nothing_else_does() {
        for _ in 0..100 {
            assert!(is_random_id(&random_id()));
        }
        for bad in [
            "",
            "\0",
            &"a".repeat(21),
            &"a".repeat(23),
            "aaaaaaaaaaaaaaaaaaaa\0a",
        ] {
            assert!(!is_random_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn constant_time_eq_compares_contents() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
