//! The key ring every node holds: the keys that sign now and the JWKS to publish, re-read from
//! the database every few seconds so a rotation reaches all nodes without a restart.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use openidconnect::core::CoreJsonWebKey;

use super::Kek;
use super::seal::{SealError, open, seal};
use super::signing::{Alg, KeyGenError, SigningKey};
use crate::domain::clock::Millis;
use crate::store::signing_keys::SigningKeyRow;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Gen(#[from] KeyGenError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("no key to sign {0} tokens")]
    NoKey(&'static str),
    #[error("{0}")]
    Refused(String),
}

/// What was loaded at the last refresh.
#[derive(Default)]
struct Snapshot {
    /// Published keys, ordered by `sign_from`.
    keys: Vec<(SigningKeyRow, SigningKey)>,
    /// The JWKS document, serialised once per refresh.
    jwks_json: Arc<[u8]>,
}

#[derive(Clone)]
pub struct KeyRing {
    store: Store,
    kek: Kek,
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
}

#[derive(serde::Serialize)]
struct Jwks<'a> {
    keys: Vec<&'a CoreJsonWebKey>,
}

impl KeyRing {
    /// Seals a person's secret (an authenticator app's key) under the KEK like a private key,
    /// bound to `label` (e.g. `totp:<user id>`) so it cannot be moved to another row.
    pub fn seal_secret(&self, label: &str, secret: &[u8]) -> Result<Vec<u8>, SealError> {
        seal(&self.kek, label, secret)
    }

    /// Opens what [`KeyRing::seal_secret`] sealed under the same `label`.
    pub fn open_secret(&self, label: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        open(&self.kek, label, sealed)
    }

    /// Loads the keys, generating one per algorithm on the very first start.
    pub async fn load(store: Store, kek: Kek, now: Millis) -> Result<Self, KeyRingError> {
        let ring = Self {
            store,
            kek,
            snapshot: Arc::new(RwLock::new(Arc::new(Snapshot::default()))),
        };
        // Nodes starting together on one database would otherwise each create a first key.
        let lock = ring.store.lock_key_creation().await?;
        let existing = ring.store.published_signing_keys(now).await?;
        for alg in Alg::ALL {
            if !existing.iter().any(|k| k.alg == alg.as_str()) {
                ring.add_key(alg, now, now).await?;
                tracing::info!(alg = alg.as_str(), "generated a signing key");
            }
        }
        lock.release().await?;
        ring.refresh(now).await?;
        Ok(ring)
    }

    async fn add_key(
        &self,
        alg: Alg,
        now: Millis,
        sign_from: Millis,
    ) -> Result<SigningKey, KeyRingError> {
        let (key, der) = SigningKey::generate(alg)?;
        let row = SigningKeyRow {
            kid: key.kid().to_owned(),
            alg: alg.as_str().to_owned(),
            private_sealed: seal(&self.kek, key.kid(), &der)?,
            created_at: now,
            sign_from,
            publish_until: None,
        };
        self.store.insert_signing_key(&row).await?;
        Ok(key)
    }

    /// Re-reads the published keys (every node does this every `keys.refresh_secs`).
    pub async fn refresh(&self, now: Millis) -> Result<(), KeyRingError> {
        let rows = self.store.published_signing_keys(now).await?;
        let mut keys = Vec::with_capacity(rows.len());
        {
            let current = self.snapshot.read().map(|s| s.clone()).unwrap_or_default();
            let known: HashMap<&str, &SigningKey> = current
                .keys
                .iter()
                .map(|(r, k)| (r.kid.as_str(), k))
                .collect();
            for row in rows {
                let Some(alg) = Alg::parse(&row.alg) else {
                    continue;
                };
                let key = match known.get(row.kid.as_str()) {
                    Some(k) => (*k).clone(),
                    None => SigningKey::from_pkcs8(
                        alg,
                        &open(&self.kek, &row.kid, &row.private_sealed)?,
                    )?,
                };
                keys.push((row, key));
            }
        }
        let jwks = Jwks {
            keys: keys.iter().map(|(_, k)| k.jwk()).collect(),
        };
        let jwks_json: Arc<[u8]> = serde_json::to_vec(&jwks).unwrap_or_default().into();
        if let Ok(mut guard) = self.snapshot.write() {
            *guard = Arc::new(Snapshot { keys, jwks_json });
        }
        Ok(())
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// The key that signs `alg` tokens now: the newest whose signing has started (a key being
    /// phased out loses a tie).
    pub fn signing_key(&self, alg: Alg, now: Millis) -> Result<SigningKey, KeyRingError> {
        self.current()
            .keys
            .iter()
            .filter(|(row, key)| key.alg() == alg && row.sign_from <= now)
            .max_by_key(|(row, _)| (row.sign_from, row.publish_until.is_none(), row.created_at))
            .map(|(_, key)| key.clone())
            .ok_or(KeyRingError::NoKey(alg.as_str()))
    }

    /// The JWKS document (public parts only), ready to serve.
    pub fn jwks_json(&self) -> Arc<[u8]> {
        self.current().jwks_json.clone()
    }

    /// Public keys by `kid` (for checking `id_token_hint`).
    pub fn verification_key(&self, kid: &str) -> Option<CoreJsonWebKey> {
        self.current()
            .keys
            .iter()
            .find(|(row, _)| row.kid == kid)
            .map(|(_, k)| k.jwk().clone())
    }

    /// Rotation: a new key for each algorithm is published now and signs after `delay`; the
    /// keys it replaces stay published until every token they signed has expired.
    pub async fn rotate(
        &self,
        now: Millis,
        delay: Millis,
        token_lifetime: Millis,
    ) -> Result<Vec<String>, KeyRingError> {
        let mut kids = Vec::new();
        for alg in Alg::ALL {
            let key = self.add_key(alg, now, now + delay).await?;
            self.store
                .schedule_key_retirement(alg.as_str(), key.kid(), now + delay + token_lifetime)
                .await?;
            kids.push(key.kid().to_owned());
        }
        self.refresh(now).await?;
        Ok(kids)
    }

    /// Takes a key out of publication at once (a compromised key). The last key that can sign
    /// an algorithm cannot be retired: rotate first.
    pub async fn retire(&self, kid: &str, now: Millis) -> Result<(), KeyRingError> {
        let rows = self.store.published_signing_keys(now).await?;
        let Some(target) = rows.iter().find(|r| r.kid == kid) else {
            return Err(KeyRingError::Refused(format!(
                "no published key has the id {kid}"
            )));
        };
        let others = rows
            .iter()
            .filter(|r| r.alg == target.alg && r.kid != kid)
            .count();
        if others == 0 {
            return Err(KeyRingError::Refused(format!(
                "{kid} is the only {} key; run `daemun keys rotate` first",
                target.alg
            )));
        }
        self.store.retire_signing_key(kid, now).await?;
        // If the retired key was the one signing, its successor signs from now on.
        let can_sign = rows
            .iter()
            .any(|r| r.alg == target.alg && r.kid != kid && r.sign_from <= now);
        if !can_sign
            && let Some(next) = rows
                .iter()
                .filter(|r| r.alg == target.alg && r.kid != kid)
                .max_by_key(|r| r.sign_from)
        {
            self.store.start_signing_now(&next.kid, now).await?;
        }
        self.refresh(now).await?;
        Ok(())
    }
}
