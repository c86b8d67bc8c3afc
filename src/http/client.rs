//! Who is on the other end: IP address (from the socket, or from `X-Forwarded-For` when the
//! peer is a trusted proxy) and user agent.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

use super::state::AppState;

const MAX_USER_AGENT: usize = 256;

#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(client_info(parts, &state.trusted_proxies))
    }
}

pub fn client_info(parts: &Parts, trusted: &[IpAddr]) -> ClientInfo {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = match peer {
        Some(p) if trusted.contains(&p) => forwarded_for(parts, trusted).unwrap_or(p),
        Some(p) => p,
        None => IpAddr::from([0, 0, 0, 0]),
    };
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
        user_agent,
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
        assert_eq!(client_info(&spoofed, &[proxy]).ip, "203.0.113.9");
        let via_proxy = parts("10.0.0.1:5000", Some("198.51.100.1, 203.0.113.7"));
        assert_eq!(
            client_info(&via_proxy, &[proxy]).ip,
            "203.0.113.7",
            "right-most untrusted hop"
        );
        let no_header = parts("10.0.0.1:5000", None);
        assert_eq!(client_info(&no_header, &[proxy]).ip, "10.0.0.1");
    }
}
