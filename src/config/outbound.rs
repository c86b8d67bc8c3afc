//! `[outbound]`: how server-to-server deliveries are sent and retried.
use serde::Deserialize;

/// Server-to-server deliveries (back-channel logout tokens): how they are sent and retried.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboundConfig {
    /// How often each node looks for due deliveries.
    pub poll_interval_ms: u64,
    /// The whole request, connection included, in seconds.
    pub timeout_secs: u64,
    /// The first retry's delay; it doubles with each attempt up to `retry_max_secs`.
    pub retry_base_ms: u64,
    pub retry_max_secs: u64,
    /// A delivery not made within this many hours is given up and shown as failed.
    pub give_up_hours: i64,
}

impl Default for OutboundConfig {
    fn default() -> Self {
        Self {
            poll_interval_ms: 1000,
            timeout_secs: 10,
            retry_base_ms: 5000,
            retry_max_secs: 600,
            give_up_hours: 24,
        }
    }
}
