//! Prometheus metrics: every series the product exports, named once here, with one method per
//! event so each event site records it in one line. Each application has its own registry
//! (several can share a process), rendered at scrape time in the OpenMetrics text format,
//! which Prometheus reads natively.
//!
//! Counters of things that happen are incremented where they happen; levels (outbox depth,
//! database pool, hashing pool) are read when `/metrics` is scraped and passed in as a
//! [`Snapshot`].
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::hashing::HasherStats;

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The route label of requests no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Why a login did not succeed: the reasons the login form tells apart.
pub const LOGIN_FAILURE_REASONS: [&str; 9] = [
    "malformed",
    "unknown_account",
    "rate_limited",
    "wrong_password",
    "disabled",
    "locked",
    "unverified",
    "wrong_code",
    "expired_step",
];

/// The grant types the token endpoint issues tokens for.
pub use crate::domain::client::GRANT_TYPES;

/// Request latency buckets in seconds: from a cached page to a slow password hash.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabel {
    grant_type: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Levels read at scrape time.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    /// Mail waiting in the outbox; `None` when the database could not say.
    pub outbox_pending: Option<i64>,
    /// Open database connections, idle ones and the most the pool opens.
    pub db_pool: (u32, u32, u32),
    /// The password hashing pool's counters.
    pub hasher: HasherStats,
    /// Hashing slots and the most requests that may wait for one.
    pub hasher_capacity: (usize, usize),
}

/// This application's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Series>);

struct Series {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    login_successes: Counter,
    login_failures: Family<ReasonLabel, Counter>,
    signups: Counter,
    tokens: Family<GrantLabel, Counter>,
    mail_failures: Counter,
    outbox_pending: Gauge,
    db_connections: Gauge,
    db_idle: Gauge,
    db_max: Gauge,
    verifications: Counter,
    hashes: Counter,
    refused: Counter,
    hash_waiting: Gauge,
    hash_slots: Gauge,
    hash_queue: Gauge,
    /// One scrape at a time turns the hashing pool's totals into counter increments.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut r = Registry::with_prefix("daemun");
        let requests = Family::<RequestLabels, Counter>::default();
        r.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            requests.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        r.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by route template and method",
            Unit::Seconds,
            latency.clone(),
        );
        let login_successes = Counter::default();
        r.register(
            "login_successes",
            "Logins that signed a person in",
            login_successes.clone(),
        );
        let login_failures = Family::<ReasonLabel, Counter>::default();
        for reason in LOGIN_FAILURE_REASONS {
            let _ = login_failures.get_or_create_owned(&ReasonLabel { reason });
        }
        r.register(
            "login_failures",
            "Logins refused, by reason",
            login_failures.clone(),
        );
        let signups = Counter::default();
        r.register("signups", "Accounts created by sign-up", signups.clone());
        let tokens = Family::<GrantLabel, Counter>::default();
        for grant_type in GRANT_TYPES {
            let _ = tokens.get_or_create_owned(&GrantLabel { grant_type });
        }
        r.register(
            "tokens_issued",
            "Token responses issued by the token endpoint, by grant type",
            tokens.clone(),
        );
        let mail_failures = Counter::default();
        r.register(
            "mail_delivery_failures",
            "Mail delivery attempts that failed (each retry counts)",
            mail_failures.clone(),
        );
        let gauge = |r: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            r.register(name, help, g.clone());
            g
        };
        let counter = |r: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            r.register(name, help, c.clone());
            c
        };
        let outbox_pending = gauge(
            &mut r,
            "mail_outbox_pending",
            "Mails in the outbox not yet delivered nor given up",
        );
        let db_connections = gauge(
            &mut r,
            "db_pool_connections",
            "Open database connections in the pool, idle or in use",
        );
        let db_idle = gauge(
            &mut r,
            "db_pool_idle_connections",
            "Open database connections not in use",
        );
        let db_max = gauge(
            &mut r,
            "db_pool_max_connections",
            "The most connections the pool opens",
        );
        let verifications = counter(
            &mut r,
            "password_verifications",
            "Password verifications run (against real or dummy hashes)",
        );
        let hashes = counter(&mut r, "password_hashes", "New password hashes computed");
        let refused = counter(
            &mut r,
            "password_hash_refused",
            "Hashing requests refused because the queue was full",
        );
        let hash_waiting = gauge(
            &mut r,
            "password_hash_waiting",
            "Hashing requests waiting for a slot",
        );
        let hash_slots = gauge(
            &mut r,
            "password_hash_slots",
            "Password hashes that may run at once",
        );
        let hash_queue = gauge(
            &mut r,
            "password_hash_queue_limit",
            "The most hashing requests that may wait for a slot",
        );
        Self(Arc::new(Series {
            registry: r,
            requests,
            latency,
            login_successes,
            login_failures,
            signups,
            tokens,
            mail_failures,
            outbox_pending,
            db_connections,
            db_idle,
            db_max,
            verifications,
            hashes,
            refused,
            hash_waiting,
            hash_slots,
            hash_queue,
            scrape: Mutex::new(()),
        }))
    }

    /// One answered request. `route` is the route template (never the raw path, which may
    /// hold a secret) or [`UNMATCHED`].
    pub fn http_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        self.0
            .requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method,
                status,
            })
            .inc();
        self.0
            .latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
                method,
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn login_succeeded(&self) {
        self.0.login_successes.inc();
    }

    /// A refused login; `reason` is one of [`LOGIN_FAILURE_REASONS`].
    pub fn login_failed(&self, reason: &'static str) {
        self.0
            .login_failures
            .get_or_create(&ReasonLabel { reason })
            .inc();
    }

    pub fn signed_up(&self) {
        self.0.signups.inc();
    }

    /// A token response; `grant_type` is one of [`GRANT_TYPES`].
    pub fn token_issued(&self, grant_type: &'static str) {
        self.0
            .tokens
            .get_or_create(&GrantLabel { grant_type })
            .inc();
    }

    pub fn mail_delivery_failed(&self) {
        self.0.mail_failures.inc();
    }

    /// Every series in the OpenMetrics text format, levels taken from `now`.
    pub fn render(&self, now: &Snapshot) -> String {
        let s = &self.0;
        let mut out = String::new();
        let _one_at_a_time = s.scrape.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = now.outbox_pending {
            s.outbox_pending.set(n);
        }
        let (open, idle, max) = now.db_pool;
        s.db_connections.set(i64::from(open));
        s.db_idle.set(i64::from(idle));
        s.db_max.set(i64::from(max));
        let h = now.hasher;
        catch_up(&s.verifications, h.verifications);
        catch_up(&s.hashes, h.hashes);
        catch_up(&s.refused, h.refused);
        s.hash_waiting.set(to_i64(h.waiting));
        s.hash_slots.set(to_i64(now.hasher_capacity.0));
        s.hash_queue.set(to_i64(now.hasher_capacity.1));
        if prometheus_client::encoding::text::encode(&mut out, &s.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Brings a counter up to a total kept elsewhere.
fn catch_up(counter: &Counter, total: u64) {
    let seen = counter.get();
    if total > seen {
        counter.inc_by(total - seen);
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The standard methods by name; anything else is `other`, so a client cannot grow the
/// number of series.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            outbox_pending: Some(3),
            db_pool: (2, 1, 4),
            hasher: HasherStats {
                verifications: 5,
                hashes: 2,
                refused: 0,
                waiting: 0,
            },
            hasher_capacity: (2, 16),
        }
    }

    #[test]
    fn renders_counters_histograms_and_levels() {
        let m = Metrics::new();
        m.http_request("/verify/{token}", "POST", 200, Duration::from_millis(30));
        m.http_request(UNMATCHED, "BREW", 404, Duration::from_millis(1));
        m.login_failed("wrong_password");
        m.token_issued("client_credentials");
        let text = m.render(&snapshot());
        for line in [
            r#"daemun_http_requests_total{route="/verify/{token}",method="POST",status="200"} 1"#,
            r#"daemun_http_requests_total{route="unmatched",method="other",status="404"} 1"#,
            r#"daemun_http_request_duration_seconds_count{route="/verify/{token}",method="POST"} 1"#,
            r#"daemun_login_failures_total{reason="wrong_password"} 1"#,
            r#"daemun_login_failures_total{reason="locked"} 0"#,
            r#"daemun_tokens_issued_total{grant_type="client_credentials"} 1"#,
            "daemun_mail_outbox_pending 3",
            "daemun_db_pool_idle_connections 1",
            "daemun_password_verifications_total 5",
            "daemun_password_hash_queue_limit 16",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn pool_totals_become_counter_increments_once() {
        let m = Metrics::new();
        m.render(&snapshot());
        let text = m.render(&snapshot());
        assert!(
            text.lines()
                .any(|l| l == "daemun_password_verifications_total 5")
        );
    }
}
