//! The outbound HTTP client. Redirects are never followed (a target could bounce a request
//! elsewhere); every request has a time limit. A client built for targets registered by
//! someone other than an administrator refuses private, loopback and link-local addresses,
//! checked on the address the name resolves to (so a public name pointing inside is refused
//! too), and on literal addresses before anything is sent.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use openidconnect::http;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
    #[error("{0} is not a public address")]
    Private(String),
    #[error("the target answered {0}")]
    Status(u16),
    #[error("{0}")]
    Request(String),
}

/// One outbound client; cheap to clone.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    public_only: bool,
}

impl Http {
    /// A client with requests limited to `timeout`. `public_only`: refuse targets that are
    /// not public addresses.
    pub fn new(timeout: Duration, public_only: bool) -> Result<Self, HttpError> {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            // A certificate the parser refuses is skipped; the rest still count.
            let _ = roots.add(cert);
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HttpError::Build(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .user_agent(concat!("Daemun/", env!("CARGO_PKG_VERSION")));
        if public_only {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder
            .build()
            .map_err(|e| HttpError::Build(e.to_string()))?;
        Ok(Self {
            client,
            public_only,
        })
    }

    /// POSTs `form` as `application/x-www-form-urlencoded` to `url`; `Ok` for a 2xx answer.
    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Result<(), HttpError> {
        let parsed = url::Url::parse(url).map_err(|e| HttpError::Request(e.to_string()))?;
        self.refuse_private_literal(&parsed)?;
        let resp = self
            .client
            .post(parsed)
            .form(form)
            .send()
            .await
            .map_err(|e| HttpError::Request(describe(&e)))?;
        let status = resp.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(HttpError::Status(status.as_u16()))
        }
    }
}

impl Http {
    /// Sends `request` as it is and returns the answer whatever its status (for protocol
    /// clients that read error bodies themselves). Limited to 1 MiB of answer.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, HttpError> {
        let (parts, body) = request.into_parts();
        let url = url::Url::parse(&parts.uri.to_string())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        self.refuse_private_literal(&url)?;
        let resp = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| HttpError::Request(describe(&e)))?;
        let mut out = http::Response::builder().status(resp.status());
        for (k, v) in resp.headers() {
            out = out.header(k, v);
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| HttpError::Request(describe(&e)))?;
        if bytes.len() > 1024 * 1024 {
            return Err(HttpError::Request("the answer is over 1 MiB".into()));
        }
        out.body(bytes.to_vec())
            .map_err(|e| HttpError::Request(e.to_string()))
    }

    /// For a public-only client: refuses a literal address that is not public.
    fn refuse_private_literal(&self, parsed: &url::Url) -> Result<(), HttpError> {
        if self.public_only
            && let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = parsed.host()
        {
            let ip: IpAddr = parsed
                .host_str()
                .unwrap_or_default()
                .trim_matches(|c| c == '[' || c == ']')
                .parse()
                .map_err(|_| HttpError::Private(parsed.host_str().unwrap_or_default().into()))?;
            if !is_public(ip) {
                return Err(HttpError::Private(ip.to_string()));
            }
        }
        Ok(())
    }
}

/// The error and its causes on one line (reqwest's own message names only the first).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Resolves names with the system resolver and keeps public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = all.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                let e: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves to no public address").into();
                return Err(e);
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `ip` is an address on the public internet: not loopback, private (RFC 1918,
/// unique-local), link-local, shared (RFC 6598), unspecified, multicast or documentation.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
