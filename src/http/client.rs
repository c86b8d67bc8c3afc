//! Who is on the other end: IP address (from the socket, or from `X-Forwarded-For` when the
//! peer is a trusted proxy) and user agent.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

use super::state::AppState;
use crate::domain::client_address;

const MAX_USER_AGENT: usize = 256;

#[derive(Debug, Clone)]
pub struct ClientInfo {
    /// The address as seen, for the audit log and the session list.
    pub ip: String,
    /// The address per-address limits count by: IPv6 grouped by `limits.ipv6_prefix_len`
    /// (see [`crate::domain::client_address`]).
    pub limit_addr: IpAddr,
    /// [`Self::limit_addr`] as text, for counters kept in the database.
    pub limit_key: String,
    pub user_agent: String,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(client_info(
            parts,
            &state.trusted_proxies,
            state.config.limits.ipv6_prefix_len,
        ))
    }
}

/// Who sent `parts`; `v6_prefix` is the IPv6 grouping of the limit key.
pub fn client_info(parts: &Parts, trusted: &[IpAddr], v6_prefix: u8) -> ClientInfo {
    let ip = client_ip(parts, trusted);
    let user_agent: String = parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(MAX_USER_AGENT)
        .collect();
    ClientInfo {
        ip: ip.to_string(),
        limit_addr: client_address::limit_addr(ip, v6_prefix),
        limit_key: client_address::limit_key(ip, v6_prefix),
        user_agent,
    }
}

/// Only [`ClientInfo::limit_addr`], without the strings: what the limits on the token path
/// need, per request.
pub fn limit_addr(parts: &Parts, trusted: &[IpAddr], v6_prefix: u8) -> IpAddr {
    client_address::limit_addr(client_ip(parts, trusted), v6_prefix)
}

/// The socket's peer, or the address a trusted proxy forwarded for.
fn client_ip(parts: &Parts, trusted: &[IpAddr]) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match peer {
        Some(p) if trusted.contains(&p) => forwarded_for(parts, trusted).unwrap_or(p),
        Some(p) => p,
        None => IpAddr::from([0, 0, 0, 0]),
    }
}

/// The right-most address in `X-Forwarded-For` that is not itself a trusted proxy.
fn forwarded_for(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    let all: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    all.into_iter().rev().find(|ip| !trusted.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: &str, xff: Option<&str>) -> Parts {
        let mut b = Request::builder().uri("/");
        if let Some(v) = xff {
            b = b.header("x-forwarded-for", v);
        }
        let (mut parts, _) = b.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        parts
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let spoofed = parts("203.0.113.9:5000", Some("198.51.100.1"));
        assert_eq!(client_info(&spoofed, &[proxy], 64).ip, "203.0.113.9");
        let via_proxy = parts("10.0.0.1:5000", Some("198.51.100.1, 203.0.113.7"));
        assert_eq!(
            client_info(&via_proxy, &[proxy], 64).ip,
            "203.0.113.7",
            "right-most untrusted hop"
        );
        let no_header = parts("10.0.0.1:5000", None);
        assert_eq!(client_info(&no_header, &[proxy], 64).ip, "10.0.0.1");
    }

    #[test]
    fn ipv6_visitors_are_limited_by_their_subnet_but_logged_in_full() {
        let info = client_info(&parts("[2001:db8:1:2::7]:5000", None), &[], 64);
        assert_eq!(info.ip, "2001:db8:1:2::7");
        assert_eq!(info.limit_key, "2001:db8:1:2::/64");
        assert_eq!(info.limit_addr, "2001:db8:1:2::".parse::<IpAddr>().unwrap());
    }
}
