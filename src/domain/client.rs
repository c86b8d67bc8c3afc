//! Relying parties: registration rules for redirect URIs and the other client settings.
//!
//! Redirect URIs are compared as exact strings (RFC 9700 §2.1, §4.1.3); the one exception is
//! the port of a loopback IP literal for native apps (RFC 8252 §7.3).
use url::Url;

use super::clock::Millis;
use super::scope::Scopes;

/// The grants of the token endpoint (RFC 6749 §4.1, §4.4, §6). To add one: a variant here,
/// then its file under `oidc::token` and its arm in `oidc::token::handle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    /// RFC 8628: a device without a browser, confirmed by its person at `/device`.
    DeviceCode,
}

impl GrantType {
    pub const ALL: [GrantType; 4] = [
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
        GrantType::ClientCredentials,
        GrantType::DeviceCode,
    ];

    /// The registered `grant_type` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// Grant types a client may be allowed, as written in registrations.
pub const GRANT_TYPES: [&str; 4] = [
    GrantType::AuthorizationCode.as_str(),
    GrantType::RefreshToken.as_str(),
    GrantType::ClientCredentials.as_str(),
    GrantType::DeviceCode.as_str(),
];

/// Client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A public client: no secret (PKCE instead).
    None,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 3] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::None,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The methods as written in registrations.
pub const AUTH_METHODS: [&str; 3] = [
    AuthMethod::ClientSecretBasic.as_str(),
    AuthMethod::ClientSecretPost.as_str(),
    AuthMethod::None.as_str(),
];

/// A registered application, with its settings as typed values. The store keeps it as a row
/// and converts at its boundary (`store::clients`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    /// SHA-256 of the secret; `None` for public clients.
    pub secret_hash: Option<Vec<u8>>,
    /// Compared exactly (see [`redirect_uri_matches`]).
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub scopes: Scopes,
    /// How it authenticates at the token endpoint.
    pub auth_methods: Vec<AuthMethod>,
    pub require_pkce: bool,
    /// A trusted application of the same organisation: no consent page.
    pub first_party: bool,
    /// Accepts only logins with two factors (`urn:daemun:acr:mfa`).
    pub require_mfa: bool,
    /// Its authorization requests must come through `/par` (RFC 9126 §5).
    pub require_par: bool,
    /// Where a logout token is POSTed when a session it took part in ends (OpenID Connect
    /// Back-Channel Logout 1.0); empty for none.
    pub backchannel_logout_uri: String,
    /// The client needs `sid` in logout tokens (Daemun always sends it).
    pub backchannel_logout_session_required: bool,
    pub id_token_alg: String,
    /// Empty when not set.
    pub logo_uri: String,
    pub home_uri: String,
    /// The resources (RFC 8707 identifiers) it may ask access tokens for.
    pub resources: Vec<String>,
    /// Only members of these groups may use it; empty for everyone.
    pub allowed_groups: Vec<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Client {
    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }
    pub fn allows_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }
    /// Whether the client authenticates at the token endpoint with `method`.
    pub fn allows_auth(&self, method: AuthMethod) -> bool {
        self.auth_methods.contains(&method)
    }
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }
}

/// Registered values joined by spaces, as stored and as shown.
pub fn joined<T: Copy>(values: &[T], as_str: impl Fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| as_str(*v))
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    #[error("`{0}` is not an absolute URI")]
    NotAbsolute(String),
    #[error("`{0}` has a fragment (RFC 6749 §3.1.2 forbids it)")]
    Fragment(String),
    #[error("`{0}` uses a scheme that can run code or read local data")]
    DangerousScheme(String),
    #[error("`{0}` uses http for a host that is not loopback (use https)")]
    PlainHttp(String),
    #[error("`{0}` contains a wildcard; register every URI exactly")]
    Wildcard(String),
    #[error("`{0}` contains user information (`user@`)")]
    UserInfo(String),
    #[error("`{0}` is longer than 2000 characters")]
    TooLong(String),
}

/// A registered redirect (or post-logout redirect) URI, validated at registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Accepts https URIs, http for loopback hosts (native apps and development), and
    /// private-use schemes with a dot (`com.example.app:/cb`, RFC 8252 §7.1).
    pub fn parse(raw: &str) -> Result<Self, RedirectUriError> {
        let owned = || raw.to_owned();
        if raw.len() > 2000 {
            return Err(RedirectUriError::TooLong(raw.chars().take(40).collect()));
        }
        if raw.contains('*') {
            return Err(RedirectUriError::Wildcard(owned()));
        }
        if raw.contains('#') {
            return Err(RedirectUriError::Fragment(owned()));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(RedirectUriError::NotAbsolute(owned()));
        }
        let url = Url::parse(raw).map_err(|_| RedirectUriError::NotAbsolute(owned()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RedirectUriError::UserInfo(owned()));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(RedirectUriError::PlainHttp(owned())),
            "javascript" | "data" | "file" | "vbscript" | "blob" | "about" => {
                return Err(RedirectUriError::DangerousScheme(owned()));
            }
            scheme if scheme.contains('.') => {}
            _ => return Err(RedirectUriError::DangerousScheme(owned())),
        }
        if url.scheme().starts_with("http") && url.host_str().is_none_or(str::is_empty) {
            return Err(RedirectUriError::NotAbsolute(owned()));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
}

/// Whether `requested` matches one of `registered`: exact string equality, except that an
/// `http` loopback IP literal may use any port (RFC 8252 §7.3).
/// Whether `id` could be a client identifier at all: 1 to 255 visible ASCII characters or
/// spaces (RFC 6749 Appendix A.1, VSCHAR). Anything else (a NUL byte, say, which PostgreSQL
/// refuses in text) is an unknown client without asking the database.
pub fn client_id_is_plausible(id: &str) -> bool {
    (1..=255).contains(&id.len()) && id.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

pub fn redirect_uri_matches(registered: &[String], requested: &str) -> bool {
    if registered.iter().any(|r| r == requested) {
        return true;
    }
    let Ok(req) = Url::parse(requested) else {
        return false;
    };
    if req.scheme() != "http" || !matches!(req.host_str(), Some("127.0.0.1" | "[::1]")) {
        return false;
    }
    registered.iter().any(|r| {
        Url::parse(r).is_ok_and(|reg| {
            reg.scheme() == "http"
                && reg.host_str() == req.host_str()
                && without_port(&reg) == without_port(&req)
                // The rest must be byte-identical in the original strings too.
                && strip_port(r) == strip_port(requested)
        })
    })
}

fn without_port(u: &Url) -> String {
    let mut u = u.clone();
    let _ = u.set_port(None);
    u.to_string()
}

/// `http://127.0.0.1:1234/cb` → `http://127.0.0.1/cb` on the raw string.
fn strip_port(raw: &str) -> String {
    let Some(rest) = raw.strip_prefix("http://") else {
        return raw.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    // Only a run of digits is a port: `127.0.0.1:1\` must stay different from `127.0.0.1`.
    let host = match authority.rfind(':') {
        Some(i) if authority[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &authority[..i],
        _ => authority,
    };
    format!("http://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_redirect_uris_are_accepted() {
        for ok in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=1",
            "http://127.0.0.1:8400/cb",
            "http://localhost:3000/auth/callback",
            "http://[::1]/cb",
            "com.example.app:/oauth2redirect",
        ] {
            assert!(RedirectUri::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn dangerous_redirect_uris_are_refused() {
        for bad in [
            "https://app.example.com/cb#frag",
            "http://app.example.com/cb",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "https://*.example.com/cb",
            "https://user@app.example.com/cb",
            "https://a@b@evil.com/cb",
            "/relative",
            "myapp:/cb",
            "https:// space.example.com",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_visible_ascii_can_be_a_client_id() {
        assert!(client_id_is_plausible("o8fzlvt4oYrKDDEtfeb8tw"));
        for bad in ["", "a\0b", "\0", "a\r\nb", "ünï", &"a".repeat(256)] {
            assert!(!client_id_is_plausible(bad), "{bad:?}");
        }
    }

    #[test]
    fn redirect_uris_match_exactly() {
        let reg = vec!["https://app.example.com/cb".to_owned()];
        assert!(redirect_uri_matches(&reg, "https://app.example.com/cb"));
        for variant in [
            "https://app.example.com/cb/",
            "https://app.example.com/CB",
            "https://app.example.com/cbx",
            "https://app.example.com/cb?x=1",
            "https://app.example.com/cb#f",
            "https://app.example.com:8443/cb",
            "http://app.example.com/cb",
            "https://app.example.com@evil.com/cb",
            "https://app.example.com/cb/..;/x",
            "https://app.example.com/%63b",
            "https://APP.example.com/cb",
        ] {
            assert!(!redirect_uri_matches(&reg, variant), "{variant}");
        }
    }

    #[test]
    fn loopback_ip_redirects_may_change_only_the_port() {
        let reg = vec![
            "http://127.0.0.1/cb".to_owned(),
            "http://[::1]:9000/cb".to_owned(),
        ];
        assert!(redirect_uri_matches(&reg, "http://127.0.0.1:51234/cb"));
        assert!(redirect_uri_matches(&reg, "http://[::1]:4000/cb"));
        assert!(!redirect_uri_matches(&reg, "http://127.0.0.1:51234/other"));
        assert!(!redirect_uri_matches(&reg, "http://127.0.0.1:51234/cb?x=1"));
        assert!(!redirect_uri_matches(
            &["http://localhost/cb".to_owned()],
            "http://localhost:1/cb"
        ));
        // A URL parser reads `\` as `/`; the strings still differ beyond the port.
        assert!(!redirect_uri_matches(
            &["http://127.0.0.1".to_owned()],
            "http://127.0.0.1:1\\"
        ));
    }
}

#[cfg(test)]
mod props;
