//! The one application state, cheap to clone.
use std::net::IpAddr;
use std::ops::Deref;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::hashing::Hasher;
use crate::keys::keyring::KeyRing;
use crate::mail::Mailer;
use crate::store::Store;
use crate::templates::Templates;

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    /// Validated configuration.
    pub config: Config,
    /// Every piece of state.
    pub store: Store,
    /// Pages and mails.
    pub templates: Templates,
    /// Where the outbox sender delivers mail.
    pub mailer: Mailer,
    /// Wakes this node's outbox sender when a request queued mail.
    pub mail_wake: Arc<Notify>,
    /// "Now"; a fake one in tests.
    pub clock: Arc<dyn Clock>,
    /// argon2id on a bounded pool.
    pub hasher: Hasher,
    /// Per-address and per-client limits at the edge (in memory, per node).
    pub edge: super::limiter::EdgeLimits,
    /// Signing keys and the JWKS.
    pub keys: KeyRing,
    /// The discovery document, serialised once.
    pub discovery_json: std::sync::Arc<[u8]>,
    /// Key for CSRF tokens (derived from the KEK).
    pub csrf_key: [u8; 32],
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The issuer's origin, as browsers send it in `Origin`.
    pub issuer_origin: String,
    /// Accepted `Host` header values (lower case).
    pub allowed_hosts: Vec<String>,
    /// This application's Prometheus series.
    pub metrics: crate::telemetry::metrics::Metrics,
    /// The WebAuthn relying party, or why passkeys are off (an IP address as issuer).
    pub passkeys: Result<webauthn_rs::Webauthn, crate::domain::passkey::PasskeysOff>,
    /// Upstream OpenID Connect providers: the client that calls them and their cached metadata.
    pub upstreams: crate::outbound::Upstreams,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
