//! The per-node, in-memory limits behind the edge-limit layer: requests per client address
//! and minute for each [`Group`], per authenticated OAuth client, and wrong client secrets per
//! (address, client). GCRA through `governor`, so they cost no database write; the per-account
//! lock-out and the mail limits, which must hold across nodes, live in the database instead.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::failure_window::FailureWindow;
use crate::config::LimitsConfig;

/// The kinds of request limited per address; each route names its group where it is declared
/// (`app::routes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Login,
    Signup,
    Resend,
    Reset,
    /// `/authorize`, which may park a request for a visitor who is not logged in.
    Authorize,
    Token,
    Introspect,
}

impl Group {
    /// Whether the group answers applications (OAuth JSON) rather than people (a page).
    pub fn is_protocol(self) -> bool {
        matches!(self, Group::Token | Group::Introspect)
    }
}

type Limiter<K> = Option<DefaultKeyedRateLimiter<K>>;

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Limiter<K> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

/// One keyed limiter per group, plus one per OAuth client.
pub struct EdgeLimits {
    login: Limiter<IpAddr>,
    signup: Limiter<IpAddr>,
    resend: Limiter<IpAddr>,
    reset: Limiter<IpAddr>,
    authorize: Limiter<IpAddr>,
    token: Limiter<IpAddr>,
    introspect: Limiter<IpAddr>,
    per_client: Limiter<String>,
    /// Wrong secrets per (client address, confidential client).
    client_failures: FailureWindow<(IpAddr, String)>,
}

impl EdgeLimits {
    pub fn new(l: &LimitsConfig) -> Self {
        Self {
            login: limiter(l.edge_login_per_minute),
            signup: limiter(l.edge_signup_per_minute),
            resend: limiter(l.edge_resend_per_minute),
            reset: limiter(l.edge_reset_per_minute),
            authorize: limiter(l.edge_authorize_per_minute),
            token: limiter(l.edge_token_per_minute),
            introspect: limiter(l.edge_introspect_per_minute),
            per_client: limiter(l.token_per_client_per_minute),
            client_failures: FailureWindow::new(l.client_auth_failures_per_minute),
        }
    }

    fn for_group(&self, g: Group) -> &Limiter<IpAddr> {
        match g {
            Group::Login => &self.login,
            Group::Signup => &self.signup,
            Group::Resend => &self.resend,
            Group::Reset => &self.reset,
            Group::Authorize => &self.authorize,
            Group::Token => &self.token,
            Group::Introspect => &self.introspect,
        }
    }

    /// `Err(seconds to wait)` when `ip` is over the limit of `group`.
    pub fn check_ip(&self, group: Group, ip: IpAddr) -> Result<(), u64> {
        check(self.for_group(group), &ip)
    }

    /// `Err(seconds to wait)` when the OAuth client `client_id` is over its limit. Called only
    /// for a client that has authenticated, so nobody can use up another client's allowance.
    pub fn check_client(&self, client_id: &str) -> Result<(), u64> {
        check(&self.per_client, &client_id.to_owned())
    }

    /// `Err(seconds to wait)` while `ip` has used up its wrong secrets for `client_id`.
    pub fn client_failures_blocked(&self, ip: IpAddr, client_id: &str) -> Result<(), u64> {
        self.client_failures
            .blocked(&(ip, client_id.to_owned()), Instant::now())
    }

    /// Counts a wrong secret from `ip` for the existing confidential client `client_id`.
    pub fn count_client_failure(&self, ip: IpAddr, client_id: &str) {
        self.client_failures
            .record((ip, client_id.to_owned()), Instant::now());
    }

    /// Forgets addresses whose allowance is full again (called by the janitor).
    pub fn forget_idle(&self) {
        for l in [
            &self.login,
            &self.signup,
            &self.resend,
            &self.reset,
            &self.authorize,
            &self.token,
            &self.introspect,
        ]
        .into_iter()
        .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.per_client {
            l.retain_recent();
            l.shrink_to_fit();
        }
        self.client_failures.forget_idle(Instant::now());
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(limiter: &Limiter<K>, key: &K) -> Result<(), u64> {
    let Some(l) = limiter else { return Ok(()) };
    l.check_key(key).map_err(|not_until| {
        let wait: Duration = not_until.wait_time_from(DefaultClock::default().now());
        // Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3 delay-seconds).
        (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_binds_per_address_and_says_how_long_to_wait() {
        let limits = EdgeLimits::new(&LimitsConfig {
            edge_login_per_minute: 2,
            ..Default::default()
        });
        let a = IpAddr::from([192, 0, 2, 1]);
        let b = IpAddr::from([192, 0, 2, 2]);
        assert!(limits.check_ip(Group::Login, a).is_ok());
        assert!(limits.check_ip(Group::Login, a).is_ok());
        let wait = limits.check_ip(Group::Login, a).unwrap_err();
        assert!((1..=30).contains(&wait), "{wait}");
        assert!(limits.check_ip(Group::Login, b).is_ok());
        // Another group has its own allowance.
        assert!(limits.check_ip(Group::Signup, a).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limits = EdgeLimits::new(&LimitsConfig {
            token_per_client_per_minute: 0,
            ..Default::default()
        });
        for _ in 0..1000 {
            assert!(limits.check_client("app").is_ok());
        }
    }
}
