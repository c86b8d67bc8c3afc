//! Limits at the edge: requests per client address (and per OAuth client at the token
//! endpoints) and minute, checked before any handler work, answered with `429` and
//! `Retry-After`. They are kept in memory on each node (GCRA through `governor`), so they cost
//! no database write; the per-account lock-out and the mail limits, which must hold across
//! nodes, live in the database instead.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::PageError;
use super::client::client_info;
use super::failure_window::FailureWindow;
use super::oauth_error::OAuthError;
use super::state::AppState;
use crate::config::LimitsConfig;

/// The kinds of request limited per address.
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
    /// The group of a request, if it is one of the limited ones (only POSTs do work, except
    /// authorization requests, which come as GET too).
    fn of(method: &Method, path: &str) -> Option<Self> {
        if path == "/authorize" && (method == Method::GET || method == Method::POST) {
            return Some(Group::Authorize);
        }
        if method != Method::POST {
            return None;
        }
        Some(match path {
            "/login" => Group::Login,
            "/signup" => Group::Signup,
            "/verify/resend" => Group::Resend,
            p if p == "/password/reset" || p.starts_with("/password/reset/") => Group::Reset,
            // The protocol paths (`oidc::{TOKEN,REVOKE,INTROSPECT}_PATH`; a test keeps them equal).
            "/token" | "/revoke" => Group::Token,
            "/introspect" => Group::Introspect,
            _ => return None,
        })
    }

    fn is_protocol(self) -> bool {
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

/// The middleware: counts limited requests by client address before anything else runs.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(group) = Group::of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let ip = client_info(
        &parts,
        &state.trusted_proxies,
        state.config.limits.ipv6_prefix_len,
    )
    .limit_addr;
    match state.edge.check_ip(group, ip) {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(wait) => {
            tracing::info!(?group, %ip, wait, "edge limit reached");
            too_many(group, wait)
        }
    }
}

/// `429` with `Retry-After`: OAuth JSON for the protocol endpoints, a page for people.
fn too_many(group: Group, wait: u64) -> Response {
    if group.is_protocol() {
        return OAuthError::too_many_requests(wait).into_response();
    }
    PageError {
        retry_after: Some(u32::try_from(wait).unwrap_or(u32::MAX)),
        ..PageError::too_many()
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_posts_to_the_limited_paths_are_grouped() {
        assert_eq!(Group::of(&Method::POST, "/login"), Some(Group::Login));
        assert_eq!(Group::of(&Method::GET, "/login"), None);
        assert_eq!(
            Group::of(&Method::POST, "/password/reset/abc"),
            Some(Group::Reset)
        );
        assert_eq!(Group::of(&Method::POST, "/revoke"), Some(Group::Token));
        assert_eq!(
            Group::of(&Method::POST, "/introspect"),
            Some(Group::Introspect)
        );
        assert_eq!(Group::of(&Method::POST, "/account/profile"), None);
    }

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
