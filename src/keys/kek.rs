//! Key material. The key-encryption key (KEK) comes from configuration in production and is
//! generated once under `keys/` in development; other secrets (the CSRF key) are derived from
//! it, so every node that shares the KEK agrees on them. Signing keys will live here too.
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::config::Config;

/// The root secret; `Debug` redacts it.
#[derive(Clone)]
pub struct Kek([u8; 32]);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("keys.encryption_key must be 32 bytes in base64 (e.g. from `openssl rand -base64 32`)")]
    BadKek,
    #[error("cannot read or create {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

const KEK_FILE: &str = "encryption.key";

impl Kek {
    /// From `keys.encryption_key`, else (development only) from `keys/encryption.key`,
    /// generating it on first start.
    pub fn load(config: &Config) -> Result<Self, KeyError> {
        if !config.keys.encryption_key.is_empty() {
            return Self::from_base64(&config.keys.encryption_key);
        }
        let path = Path::new(&config.keys.dir).join(KEK_FILE);
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_base64(text.trim()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                std::fs::create_dir_all(&config.keys.dir).map_err(io)?;
                write_private(&path, STANDARD.encode(bytes).as_bytes()).map_err(io)?;
                tracing::info!(path = %path.display(), "generated a development key-encryption key");
                Ok(Self(bytes))
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| KeyError::BadKek)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadKek)?;
        Ok(Self(arr))
    }

    /// A subkey for one purpose: HMAC-SHA256(KEK, label).
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kek_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.keys.dir = dir.path().to_string_lossy().into_owned();
        let a = Kek::load(&config).unwrap();
        let b = Kek::load(&config).unwrap();
        assert_eq!(a.derive("x"), b.derive("x"));
        assert_ne!(a.derive("x"), a.derive("y"));
    }

    #[test]
    fn a_configured_kek_must_be_32_bytes() {
        assert!(Kek::from_base64("c2hvcnQ=").is_err());
        assert!(Kek::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
    }
}
