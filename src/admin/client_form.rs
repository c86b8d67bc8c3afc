//! The client form of the admin console: what it shows, how it becomes a
//! [`ClientSpec`], and translated messages for what registration refuses. Checkboxes have one
//! name each (`grant_…`, `scope_…`) because page forms refuse a field sent twice.
use minijinja::{Value, context};
use serde::Deserialize;

use crate::domain::client::{Client, GRANT_TYPES, GrantType, RedirectUri, RedirectUriError};
use crate::http::form::FieldErrors;
use crate::i18n::{self, Lang};
use crate::oidc::SCOPES_SUPPORTED;
use crate::oidc::registration::{ClientSpec, RegistrationError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClientForm {
    pub name: String,
    /// One URI per line.
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub public: String,
    pub first_party: String,
    pub require_mfa: String,
    pub require_par: String,
    pub require_pkce: String,
    pub backchannel_logout_uri: String,
    pub backchannel_logout_session_required: String,
    pub grant_authorization_code: String,
    pub grant_refresh_token: String,
    pub grant_client_credentials: String,
    #[serde(rename = "grant_urn:ietf:params:oauth:grant-type:device_code")]
    pub grant_device_code: String,
    pub scope_openid: String,
    pub scope_profile: String,
    pub scope_email: String,
    pub scope_offline_access: String,
    pub scope_groups: String,
    /// Empty: both secret methods (or `none` for a public client).
    pub auth_method: String,
    pub id_token_alg: String,
    pub logo_uri: String,
    pub home_uri: String,
    /// Resource identifiers (RFC 8707), one per line.
    pub resources: String,
    /// Group names, one per line; empty for everyone.
    pub allowed_groups: String,
}

fn on(b: bool) -> String {
    if b { "1".into() } else { String::new() }
}

impl ClientForm {
    /// What a new client starts with: the code flow with refresh tokens, every scope, PKCE.
    pub fn new_client() -> Self {
        Self {
            require_pkce: on(true),
            grant_authorization_code: on(true),
            grant_refresh_token: on(true),
            scope_openid: on(true),
            scope_profile: on(true),
            scope_email: on(true),
            scope_offline_access: on(true),
            scope_groups: on(true),
            id_token_alg: "RS256".into(),
            ..Self::default()
        }
    }

    pub fn from_row(c: &Client) -> Self {
        let s = ClientSpec::from_row(c);
        let grant = |g: &str| on(s.grant_types.iter().any(|x| x == g));
        let scope = |w: &str| on(s.scopes.iter().any(|x| x == w));
        Self {
            grant_authorization_code: grant("authorization_code"),
            grant_refresh_token: grant("refresh_token"),
            grant_client_credentials: grant("client_credentials"),
            grant_device_code: grant(GrantType::DeviceCode.as_str()),
            scope_openid: scope("openid"),
            scope_profile: scope("profile"),
            scope_email: scope("email"),
            scope_offline_access: scope("offline_access"),
            scope_groups: scope("groups"),
            name: s.name,
            redirect_uris: s.redirect_uris.join("\n"),
            post_logout_redirect_uris: s.post_logout_redirect_uris.join("\n"),
            public: on(s.public),
            first_party: on(s.first_party),
            require_mfa: on(s.require_mfa),
            require_par: on(s.require_par),
            backchannel_logout_uri: s.backchannel_logout_uri.unwrap_or_default(),
            backchannel_logout_session_required: on(s.backchannel_logout_session_required),
            require_pkce: on(s.require_pkce),
            auth_method: s.auth_method.unwrap_or_default(),
            id_token_alg: s.id_token_alg.unwrap_or_default(),
            logo_uri: s.logo_uri.unwrap_or_default(),
            home_uri: s.home_uri.unwrap_or_default(),
            resources: s.resources.join("\n"),
            allowed_groups: s.allowed_groups.join("\n"),
        }
    }

    fn grants(&self) -> Vec<String> {
        let ticked = [
            &self.grant_authorization_code,
            &self.grant_refresh_token,
            &self.grant_client_credentials,
            &self.grant_device_code,
        ];
        GRANT_TYPES
            .iter()
            .zip(ticked)
            .filter(|(_, v)| !v.is_empty())
            .map(|(g, _)| (*g).to_owned())
            .collect()
    }

    fn scopes(&self) -> Vec<String> {
        let ticked = [
            &self.scope_openid,
            &self.scope_profile,
            &self.scope_email,
            &self.scope_offline_access,
            &self.scope_groups,
        ];
        SCOPES_SUPPORTED
            .iter()
            .zip(ticked)
            .filter(|(_, v)| !v.is_empty())
            .map(|(s, _)| (*s).to_owned())
            .collect()
    }

    /// The registration request, or field errors in `lang` for what is plainly wrong.
    pub fn spec(&self, lang: Lang, errors: &mut FieldErrors) -> Option<ClientSpec> {
        let lines = |text: &str| -> Vec<String> {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let redirect_uris = lines(&self.redirect_uris);
        let post_logout = lines(&self.post_logout_redirect_uris);
        for (field, list) in [
            ("redirect_uris", &redirect_uris),
            ("post_logout_redirect_uris", &post_logout),
        ] {
            for uri in list {
                if let Err(e) = RedirectUri::parse(uri) {
                    let reason = i18n::t(lang, uri_problem(&e));
                    let message = i18n::t_args(
                        lang,
                        "admin-client-error-uri",
                        &[("uri", uri.clone().into()), ("reason", reason.into())],
                    );
                    errors.add(field, message);
                }
            }
        }
        let grants = self.grants();
        if grants.is_empty() {
            errors.add("grants", i18n::t(lang, "admin-client-error-grants"));
        }
        let scopes = self.scopes();
        if scopes.is_empty() {
            errors.add("scopes", i18n::t(lang, "admin-client-error-scopes"));
        }
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let spec = ClientSpec {
            name: self.name.trim().to_owned(),
            redirect_uris,
            post_logout_redirect_uris: post_logout,
            public: !self.public.is_empty(),
            first_party: !self.first_party.is_empty(),
            require_mfa: !self.require_mfa.is_empty(),
            require_par: !self.require_par.is_empty(),
            backchannel_logout_uri: text(&self.backchannel_logout_uri),
            backchannel_logout_session_required: !self
                .backchannel_logout_session_required
                .is_empty(),
            grant_types: grants,
            scopes,
            auth_method: text(&self.auth_method),
            require_pkce: !self.require_pkce.is_empty(),
            id_token_alg: text(&self.id_token_alg),
            logo_uri: text(&self.logo_uri),
            home_uri: text(&self.home_uri),
            resources: self
                .resources
                .lines()
                .map(|l| l.trim().to_owned())
                .collect(),
            allowed_groups: self
                .allowed_groups
                .lines()
                .map(|l| l.trim().to_owned())
                .collect(),
        };
        errors.is_empty().then_some(spec)
    }

    pub fn context(&self) -> Value {
        context! {
            name => self.name.clone(),
            redirect_uris => self.redirect_uris.clone(),
            post_logout_redirect_uris => self.post_logout_redirect_uris.clone(),
            public => !self.public.is_empty(),
            first_party => !self.first_party.is_empty(),
            require_mfa => !self.require_mfa.is_empty(),
            require_par => !self.require_par.is_empty(),
            backchannel_logout_uri => self.backchannel_logout_uri.clone(),
            backchannel_logout_session_required => !self.backchannel_logout_session_required.is_empty(),
            require_pkce => !self.require_pkce.is_empty(),
            grants => self.grants(),
            scopes => self.scopes(),
            auth_method => self.auth_method.clone(),
            id_token_alg => self.id_token_alg.clone(),
            logo_uri => self.logo_uri.clone(),
            home_uri => self.home_uri.clone(),
            resources => self.resources.clone(),
            allowed_groups => self.allowed_groups.clone(),
        }
    }
}

fn uri_problem(e: &RedirectUriError) -> &'static str {
    match e {
        RedirectUriError::NotAbsolute(_) => "admin-uri-not-absolute",
        RedirectUriError::Fragment(_) => "admin-uri-fragment",
        RedirectUriError::DangerousScheme(_) => "admin-uri-dangerous",
        RedirectUriError::PlainHttp(_) => "admin-uri-plain-http",
        RedirectUriError::Wildcard(_) => "admin-uri-wildcard",
        RedirectUriError::UserInfo(_) => "admin-uri-userinfo",
        RedirectUriError::TooLong(_) => "admin-uri-too-long",
    }
}

/// The field and the translated message for a refused registration; `None` for a store
/// failure, which is the caller's to turn into an error page.
pub fn refusal(e: &RegistrationError, lang: Lang) -> Option<(&'static str, String)> {
    let (field, key) = match e {
        RegistrationError::Name => ("name", "admin-client-error-name"),
        RegistrationError::RedirectUri(e) => ("redirect_uris", uri_problem(e)),
        RegistrationError::NoRedirectUri => ("redirect_uris", "admin-client-error-no-redirect"),
        RegistrationError::GrantType(_) => ("grants", "admin-client-error-grants"),
        RegistrationError::PublicClientCredentials => {
            ("grants", "admin-client-error-public-credentials")
        }
        RegistrationError::Scope(_) => ("scopes", "admin-client-error-scopes"),
        RegistrationError::AuthMethod(_) | RegistrationError::AuthMethodMismatch(..) => {
            ("auth_method", "admin-client-error-auth-method")
        }
        RegistrationError::Alg(_) => ("id_token_alg", "admin-client-error-alg"),
        RegistrationError::Url("--logo-uri") => ("logo_uri", "admin-client-error-https"),
        RegistrationError::Url(_) => ("home_uri", "admin-client-error-https"),
        RegistrationError::BackchannelUri(e) => ("backchannel_logout_uri", uri_problem(e)),
        RegistrationError::Resource(_) => ("resources", "admin-client-error-resource"),
        RegistrationError::Group(_) => ("allowed_groups", "admin-client-error-group"),
        RegistrationError::Store(_) => return None,
    };
    Some((field, i18n::t(lang, key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_survives_the_form_and_back() {
        let mut errors = FieldErrors::new();
        let form = ClientForm {
            name: "Board".into(),
            redirect_uris: "https://board.example/cb\r\n\r\nhttps://board.example/cb2\n".into(),
            ..ClientForm::new_client()
        };
        let spec = form.spec(Lang::En, &mut errors).expect("valid");
        assert_eq!(
            spec.redirect_uris,
            ["https://board.example/cb", "https://board.example/cb2"]
        );
        assert_eq!(spec.grant_types, ["authorization_code", "refresh_token"]);
        assert_eq!(
            spec.scopes.len(),
            5,
            "every built-in scope, groups included"
        );
        assert!(spec.require_pkce && !spec.public && spec.auth_method.is_none());
    }

    #[test]
    fn each_bad_uri_is_named_under_its_field() {
        let mut errors = FieldErrors::new();
        let form = ClientForm {
            name: "Board".into(),
            redirect_uris: "http://board.example/cb".into(),
            post_logout_redirect_uris: "https://board.example/#x".into(),
            grant_authorization_code: String::new(),
            grant_refresh_token: String::new(),
            ..ClientForm::new_client()
        };
        assert!(form.spec(Lang::En, &mut errors).is_none());
        assert!(errors.get("redirect_uris")[0].contains("http://board.example/cb"));
        assert!(errors.get("post_logout_redirect_uris")[0].contains("#x"));
        assert!(!errors.get("grants").is_empty());
    }
}
