//! `[upstream.<name>]`: OpenID Connect providers people may log in with (docs/upstream-providers.md).
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use super::{ConfigError, bad};

/// The providers by name; the name is part of `/login/upstream/<name>`.
pub type UpstreamProviders = BTreeMap<String, UpstreamConfig>;

/// One upstream OpenID Connect provider.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamConfig {
    /// The button's text: "Log in with `label`".
    pub label: String,
    /// An image under the theme's static/ folder shown on the button; empty: none.
    pub icon: String,
    /// The provider's issuer; its discovery document is read from
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    /// Whether a first login with a verified address nobody uses yet creates an account.
    pub may_create_accounts: bool,
    /// Domains whose addresses may create accounts; empty: any.
    pub allowed_email_domains: Vec<String>,
    /// Read, not yet used: whether a second factor at the provider counts as one here.
    pub trust_upstream_mfa: bool,
    pub claims: ClaimNames,
}

/// Which claims carry what Daemun needs: read from the ID token, and from the UserInfo answer
/// for those the ID token lacks.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimNames {
    pub email: String,
    pub email_verified: String,
    pub name: String,
    pub username: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            email: "email".into(),
            email_verified: "email_verified".into(),
            name: "name".into(),
            username: "preferred_username".into(),
        }
    }
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        Self {
            label: String::new(),
            icon: String::new(),
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            may_create_accounts: false,
            allowed_email_domains: vec![],
            trust_upstream_mfa: false,
            claims: ClaimNames::default(),
        }
    }
}

impl fmt::Debug for UpstreamConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamConfig")
            .field("label", &self.label)
            .field("icon", &self.icon)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &if self.client_secret.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .field("scopes", &self.scopes)
            .field("may_create_accounts", &self.may_create_accounts)
            .field("allowed_email_domains", &self.allowed_email_domains)
            .field("trust_upstream_mfa", &self.trust_upstream_mfa)
            .field("claims", &self.claims)
            .finish()
    }
}

/// A provider name: 1 to 32 of `a-z` and `0-9`.
pub fn is_provider_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl UpstreamConfig {
    /// Whether `domain` (of a verified address) may create an account.
    pub fn domain_allowed(&self, domain: &str) -> bool {
        self.allowed_email_domains.is_empty()
            || self
                .allowed_email_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

/// Checks every provider; the first problem is reported.
pub fn validate(providers: &UpstreamProviders) -> Result<(), ConfigError> {
    for (name, p) in providers {
        if !is_provider_name(name) {
            return Err(bad(
                "upstream.<name>",
                name,
                "a provider name of 1 to 32 lowercase letters a-z and digits, e.g. [upstream.corp]",
            ));
        }
        let key = |k: &str| format!("upstream.{name}.{k}");
        let label = p.label.trim();
        if label.is_empty() || label.chars().count() > 60 || p.label.chars().any(char::is_control) {
            return Err(bad(
                &key("label"),
                &p.label,
                "the button's text, 1 to 60 characters",
            ));
        }
        if !p.icon.is_empty() && !super::is_asset_name(&p.icon) {
            return Err(bad(
                &key("icon"),
                &p.icon,
                "empty or the name of a file under the theme's static/ folder (not a URL)",
            ));
        }
        let issuer_ok = url::Url::parse(&p.issuer).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.query().is_none()
                && u.fragment().is_none()
        });
        if !issuer_ok {
            return Err(bad(
                &key("issuer"),
                &p.issuer,
                "the provider's issuer, an absolute http(s) URL such as https://accounts.example.com",
            ));
        }
        if p.client_id.is_empty() {
            return Err(bad(
                &key("client_id"),
                "",
                "the client id this server was registered under at the provider",
            ));
        }
        if p.client_secret.is_empty() {
            return Err(ConfigError(format!(
                "configuration key `{}` is empty; set it in the file or in DAEMUN_UPSTREAM__{}__CLIENT_SECRET",
                key("client_secret"),
                name.to_ascii_uppercase()
            )));
        }
        if !p.scopes.iter().any(|s| s == "openid") {
            return Err(bad(
                &key("scopes"),
                p.scopes.join(" "),
                "a list that includes \"openid\"",
            ));
        }
        for d in &p.allowed_email_domains {
            if d.is_empty() || d.contains(['@', '/', ' ']) {
                return Err(bad(
                    &key("allowed_email_domains"),
                    d,
                    "domain names such as example.com",
                ));
            }
        }
        for (k, v) in [
            ("claims.email", &p.claims.email),
            ("claims.email_verified", &p.claims.email_verified),
            ("claims.name", &p.claims.name),
            ("claims.username", &p.claims.username),
        ] {
            if v.is_empty() {
                return Err(bad(&key(k), "", "a claim name"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corp() -> UpstreamConfig {
        UpstreamConfig {
            label: "Corp".into(),
            issuer: "https://id.corp.example".into(),
            client_id: "daemun".into(),
            client_secret: "s3cret".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_provider_passes() {
        let providers = UpstreamProviders::from([("corp".into(), corp())]);
        assert!(validate(&providers).is_ok());
    }

    #[test]
    fn names_are_short_lowercase_words() {
        for ok in ["corp", "google2", "a"] {
            assert!(is_provider_name(ok), "{ok}");
        }
        for no in ["", "Corp", "my-corp", "a_b", &"x".repeat(33)] {
            assert!(!is_provider_name(no), "{no}");
        }
        let providers = UpstreamProviders::from([("Corp".into(), corp())]);
        let err = validate(&providers).unwrap_err().to_string();
        assert!(err.contains("upstream.<name>"), "{err}");
    }

    #[test]
    fn a_missing_issuer_is_named() {
        let mut p = corp();
        p.issuer = String::new();
        let err = validate(&UpstreamProviders::from([("corp".into(), p)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("upstream.corp.issuer"), "{err}");
    }

    #[test]
    fn the_secret_never_prints() {
        assert!(!format!("{:?}", corp()).contains("s3cret"));
    }

    #[test]
    fn domains_compare_without_case() {
        let mut p = corp();
        assert!(p.domain_allowed("any.example"));
        p.allowed_email_domains = vec!["Corp.Example".into()];
        assert!(p.domain_allowed("corp.example"));
        assert!(!p.domain_allowed("other.example"));
    }
}
