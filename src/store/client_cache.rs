//! Clients as the protocol endpoints read them, kept in memory for a moment: the token endpoint
//! would otherwise read the same row for every token (a database round trip and about 18,000
//! instructions of row decoding, docs/performance.md).
//!
//! Staleness is bounded, never open-ended: an entry is used for at most `ttl` after it was
//! read, and every change made through this [`Store`](super::Store) forgets the entry at once.
//! A change made elsewhere (another node, the CLI in another process) is therefore seen within
//! `ttl` (one second by default, `database.client_cache_ms`; 0 turns the cache off). Only
//! clients that exist are kept, so unknown ids cannot fill it.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::domain::client::Client;

/// More clients than this are not kept: the cache starts over instead (the next reads
/// refill it with the clients actually in use).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub(crate) struct ClientCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, (Arc<Client>, Instant)>>,
}

impl ClientCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::default(),
        }
    }

    /// The client read less than `ttl` ago, if any.
    pub(crate) fn get(&self, client_id: &str) -> Option<Arc<Client>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let (client, read_at) = entries.get(client_id)?;
        (read_at.elapsed() < self.ttl).then(|| Arc::clone(client))
    }

    /// Keeps `client`, read from the database just now.
    pub(crate) fn put(&self, client: &Arc<Client>) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_ENTRIES && !entries.contains_key(&client.client_id) {
                entries.clear();
            }
            entries.insert(
                client.client_id.clone(),
                (Arc::clone(client), Instant::now()),
            );
        }
    }

    /// Drops what is kept for `client_id` (it was just changed or removed).
    pub(crate) fn forget(&self, client_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(client_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str) -> Arc<Client> {
        Arc::new(Client {
            client_id: id.into(),
            name: id.into(),
            secret_hash: None,
            redirect_uris: vec![],
            post_logout_redirect_uris: vec![],
            grant_types: vec![],
            scopes: crate::domain::scope::Scopes::stored(""),
            auth_methods: vec![],
            require_pkce: true,
            first_party: false,
            require_mfa: false,
            require_par: false,
            backchannel_logout_uri: String::new(),
            backchannel_logout_session_required: false,
            id_token_alg: "RS256".into(),
            logo_uri: String::new(),
            home_uri: String::new(),
            resources: vec![],
            allowed_groups: vec![],
            created_at: 0,
            updated_at: 0,
        })
    }

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let cache = ClientCache::new(Duration::from_millis(50));
        cache.put(&client("a"));
        assert!(cache.get("a").is_some());
        assert!(cache.get("b").is_none());
        cache.forget("a");
        assert!(cache.get("a").is_none());
        cache.put(&client("a"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get("a").is_none(), "kept longer than its ttl");
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = ClientCache::new(Duration::ZERO);
        cache.put(&client("a"));
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn it_never_grows_past_its_bound() {
        let cache = ClientCache::new(Duration::from_secs(60));
        for i in 0..=MAX_ENTRIES {
            cache.put(&client(&format!("c{i}")));
        }
        assert!(cache.entries.read().unwrap().len() <= MAX_ENTRIES);
        assert!(cache.get(&format!("c{MAX_ENTRIES}")).is_some());
    }
}
