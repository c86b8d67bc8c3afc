//! Client registration: the one way clients are created and changed (CLI, admin console;
//! dynamic registration later), with every rule checked and a clear message for each refusal.
use crate::domain::client::{AuthMethod, Client, GrantType, RedirectUri, RedirectUriError};
use crate::domain::clock::Millis;
use crate::domain::scope::Scopes;
use crate::domain::secret::{SecretToken, random_id, sha256};
use crate::keys::signing::Alg;
use crate::store::{Store, StoreError};

use super::SCOPES_SUPPORTED;
use super::client_links as links;

/// What an operator asks for.
#[derive(Debug, Clone, Default)]
pub struct ClientSpec {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// No secret; must use PKCE.
    pub public: bool,
    /// Skips the consent page.
    pub first_party: bool,
    /// Accepts only logins with two factors.
    pub require_mfa: bool,
    /// Authorization requests only through `/par`.
    pub require_par: bool,
    /// Where logout tokens go (Back-Channel Logout 1.0); `None` for nowhere.
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: bool,
    /// Empty: `authorization_code refresh_token`.
    pub grant_types: Vec<String>,
    /// Empty: every supported scope.
    pub scopes: Vec<String>,
    /// Empty: `client_secret_basic` and `client_secret_post` (confidential) or `none` (public).
    pub auth_method: Option<String>,
    /// Require PKCE even though the client has a secret.
    pub require_pkce: bool,
    pub id_token_alg: Option<String>,
    pub logo_uri: Option<String>,
    pub home_uri: Option<String>,
    /// Resources (RFC 8707) it may ask access tokens for; each must be registered.
    pub resources: Vec<String>,
    /// Only members of these groups may use it (empty: everyone); each must exist.
    pub allowed_groups: Vec<String>,
}

impl ClientSpec {
    /// The request that registers a client like `c` again (its id, secret and dates aside):
    /// where a change to its settings starts. Defaults stay defaults: the two secret methods
    /// (or `none` of a public client) give no `auth_method`, so the spec validates as it is.
    pub fn from_row(c: &Client) -> Self {
        let url = |u: &str| Some(u.to_owned()).filter(|u| !u.is_empty());
        let method = match c.auth_methods.as_slice() {
            [m] if *m != AuthMethod::None => Some(m.as_str().to_owned()),
            _ => None,
        };
        Self {
            name: c.name.clone(),
            redirect_uris: c.redirect_uris.clone(),
            post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
            public: c.is_public(),
            first_party: c.first_party,
            require_mfa: c.require_mfa,
            require_par: c.require_par,
            backchannel_logout_uri: url(&c.backchannel_logout_uri),
            backchannel_logout_session_required: c.backchannel_logout_session_required,
            grant_types: c
                .grant_types
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect(),
            scopes: c.scopes.iter().map(str::to_owned).collect(),
            auth_method: method,
            require_pkce: c.require_pkce,
            id_token_alg: Some(c.id_token_alg.clone()),
            logo_uri: url(&c.logo_uri),
            home_uri: url(&c.home_uri),
            resources: c.resources.clone(),
            allowed_groups: c.allowed_groups.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("the client needs a name (1 to 100 characters)")]
    Name,
    #[error("redirect URI: {0}")]
    RedirectUri(#[from] RedirectUriError),
    #[error("the authorization_code grant needs at least one --redirect-uri")]
    NoRedirectUri,
    #[error(
        "unknown grant type `{0}` (expected one of: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code)"
    )]
    GrantType(String),
    #[error("a public client cannot use client_credentials (it has no secret)")]
    PublicClientCredentials,
    #[error(
        "unknown scope `{0}` (expected some of: openid, profile, email, offline_access, groups)"
    )]
    Scope(String),
    #[error(
        "unknown token endpoint auth method `{0}` (expected one of: client_secret_basic, client_secret_post, none)"
    )]
    AuthMethod(String),
    #[error("auth method `{0}` does not fit a {1} client")]
    AuthMethodMismatch(String, &'static str),
    #[error("unknown ID token algorithm `{0}` (expected RS256 or ES256)")]
    Alg(String),
    #[error("{0} must be an https URL")]
    Url(&'static str),
    #[error("back-channel logout URI: {0}")]
    BackchannelUri(RedirectUriError),
    #[error("unknown resource `{0}` (register it first with `daemun resource add`)")]
    Resource(String),
    #[error("unknown group `{0}` (create it first with `daemun group add`)")]
    Group(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<links::LinkError> for RegistrationError {
    fn from(e: links::LinkError) -> Self {
        match e {
            links::LinkError::Resource(r) => Self::Resource(r),
            links::LinkError::Group(g) => Self::Group(g),
            links::LinkError::Store(s) => Self::Store(s),
        }
    }
}

/// A registered client and, for a confidential one, its secret (shown once, never stored).
#[derive(Debug)]
pub struct Registered {
    pub client: Client,
    pub secret: Option<String>,
}

pub async fn register(
    store: &Store,
    spec: &ClientSpec,
    now: Millis,
) -> Result<Registered, RegistrationError> {
    let mut row = validate(spec, now)?;
    row.resources = links::known_resources(store, &spec.resources).await?;
    row.allowed_groups = links::known_groups(store, &spec.allowed_groups).await?;
    let (secret, secret_hash) = if spec.public {
        (None, None)
    } else {
        let s = SecretToken::generate();
        let hash = sha256(s.expose().as_bytes());
        (Some(s.expose().to_owned()), Some(hash))
    };
    let client = Client { secret_hash, ..row };
    store.create_client(&client).await?;
    Ok(Registered { client, secret })
}

/// Changes a client's settings with the same rules as [`register`]. Whether it is public (and
/// so its secret) stays as it was; `spec.public` is ignored. Returns the new row, or `None`
/// when no client has this id.
pub async fn update(
    store: &Store,
    client_id: &str,
    spec: &ClientSpec,
    now: Millis,
) -> Result<Option<Client>, RegistrationError> {
    let Some(old) = store.client(client_id).await? else {
        return Ok(None);
    };
    let spec = ClientSpec {
        public: old.is_public(),
        ..spec.clone()
    };
    let row = Client {
        client_id: old.client_id,
        secret_hash: old.secret_hash,
        created_at: old.created_at,
        resources: links::known_resources(store, &spec.resources).await?,
        allowed_groups: links::known_groups(store, &spec.allowed_groups).await?,
        ..validate(&spec, now)?
    };
    Ok(store.update_client(&row).await?.then_some(row))
}

/// A new secret for a confidential client. It works at once on every node; the old one stops
/// at once on this node and within `database.client_cache_ms` on the others.
pub async fn rotate_secret(
    store: &Store,
    client_id: &str,
    now: Millis,
) -> Result<Option<String>, StoreError> {
    let s = SecretToken::generate();
    let changed = store
        .set_client_secret(client_id, &sha256(s.expose().as_bytes()), now)
        .await?;
    Ok(changed.then(|| s.expose().to_owned()))
}

fn validate(spec: &ClientSpec, now: Millis) -> Result<Client, RegistrationError> {
    let name = spec.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(RegistrationError::Name);
    }
    let redirect_uris = spec
        .redirect_uris
        .iter()
        .map(|u| RedirectUri::parse(u).map(|u| u.as_str().to_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    let post_logout = spec
        .post_logout_redirect_uris
        .iter()
        .map(|u| RedirectUri::parse(u).map(|u| u.as_str().to_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    let grants: Vec<GrantType> = if spec.grant_types.is_empty() {
        vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
    } else {
        let mut grants = Vec::new();
        for g in &spec.grant_types {
            let grant =
                GrantType::parse(g).ok_or_else(|| RegistrationError::GrantType(g.clone()))?;
            if !grants.contains(&grant) {
                grants.push(grant);
            }
        }
        grants
    };
    if spec.public && grants.contains(&GrantType::ClientCredentials) {
        return Err(RegistrationError::PublicClientCredentials);
    }
    if grants.contains(&GrantType::AuthorizationCode) && redirect_uris.is_empty() {
        return Err(RegistrationError::NoRedirectUri);
    }
    let scopes = if spec.scopes.is_empty() {
        SCOPES_SUPPORTED.iter().collect()
    } else {
        let joined = spec.scopes.join(" ");
        let parsed =
            Scopes::parse(&joined).ok_or_else(|| RegistrationError::Scope(joined.clone()))?;
        if let Some(bad) = parsed.iter().find(|s| !SCOPES_SUPPORTED.contains(s)) {
            return Err(RegistrationError::Scope(bad.to_owned()));
        }
        parsed
    };
    let kind = if spec.public {
        "public"
    } else {
        "confidential"
    };
    let auth = match spec.auth_method.as_deref() {
        None if spec.public => vec![AuthMethod::None],
        None => vec![AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost],
        Some(m) => match AuthMethod::parse(m) {
            None => return Err(RegistrationError::AuthMethod(m.to_owned())),
            Some(a) if (a == AuthMethod::None) != spec.public => {
                return Err(RegistrationError::AuthMethodMismatch(m.to_owned(), kind));
            }
            Some(a) => vec![a],
        },
    };
    let alg = spec.id_token_alg.clone().unwrap_or_else(|| "RS256".into());
    if Alg::parse(&alg).is_none() {
        return Err(RegistrationError::Alg(alg));
    }
    // Back-Channel Logout 1.0 §2.2: absolute, no fragment; the redirect URI rules (https, or
    // http on the loopback host) hold too.
    let backchannel = match spec.backchannel_logout_uri.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(u) => RedirectUri::parse(u)
            .map_err(RegistrationError::BackchannelUri)?
            .as_str()
            .to_owned(),
    };
    let url = |v: &Option<String>, what: &'static str| -> Result<String, RegistrationError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(String::new()),
            Some(u) if u.starts_with("https://") && url::Url::parse(u).is_ok() => Ok(u.to_owned()),
            Some(_) => Err(RegistrationError::Url(what)),
        }
    };
    Ok(Client {
        client_id: random_id(),
        name: name.to_owned(),
        secret_hash: None,
        redirect_uris,
        post_logout_redirect_uris: post_logout,
        grant_types: grants,
        scopes,
        auth_methods: auth,
        require_pkce: spec.public || spec.require_pkce,
        first_party: spec.first_party,
        require_mfa: spec.require_mfa,
        require_par: spec.require_par,
        backchannel_logout_uri: backchannel,
        backchannel_logout_session_required: spec.backchannel_logout_session_required,
        id_token_alg: alg,
        logo_uri: url(&spec.logo_uri, "--logo-uri")?,
        home_uri: url(&spec.home_uri, "--home-uri")?,
        resources: Vec::new(),
        allowed_groups: Vec::new(),
        created_at: now,
        updated_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ClientSpec {
        ClientSpec {
            name: "Board".into(),
            redirect_uris: vec!["https://board.example.com/cb".into()],
            ..ClientSpec::default()
        }
    }

    #[test]
    fn defaults_for_a_confidential_client() {
        let c = validate(&spec(), 1).unwrap();
        assert_eq!(
            c.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert_eq!(
            c.auth_methods,
            [AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost]
        );
        assert!(!c.require_pkce);
        assert_eq!(c.id_token_alg, "RS256");
        assert!(c.scopes.contains("openid"));
    }

    #[test]
    fn public_clients_use_pkce_and_no_secret() {
        let c = validate(
            &ClientSpec {
                public: true,
                ..spec()
            },
            1,
        )
        .unwrap();
        assert!(c.require_pkce);
        assert_eq!(c.auth_methods, [AuthMethod::None]);
        let err = validate(
            &ClientSpec {
                public: true,
                grant_types: vec!["client_credentials".into()],
                ..spec()
            },
            1,
        );
        assert!(matches!(
            err,
            Err(RegistrationError::PublicClientCredentials)
        ));
    }

    #[test]
    fn a_row_becomes_the_spec_that_registers_it_again() {
        let public = |c: Client| Client {
            secret_hash: None,
            ..c
        };
        let confidential = |c: Client| Client {
            secret_hash: Some(vec![1; 32]),
            ..c
        };
        let specs = [
            spec(),
            ClientSpec {
                public: true,
                scopes: vec!["email".into(), "openid".into()],
                ..spec()
            },
            ClientSpec {
                redirect_uris: vec![
                    "https://board.example.com/b".into(),
                    "https://board.example.com/a".into(),
                ],
                post_logout_redirect_uris: vec!["https://board.example.com/".into()],
                first_party: true,
                grant_types: vec!["refresh_token".into(), "authorization_code".into()],
                auth_method: Some("client_secret_post".into()),
                require_pkce: true,
                id_token_alg: Some("ES256".into()),
                logo_uri: Some("https://board.example.com/logo.png".into()),
                home_uri: Some("https://board.example.com/".into()),
                ..spec()
            },
            ClientSpec {
                redirect_uris: vec![],
                grant_types: vec!["client_credentials".into()],
                ..spec()
            },
        ];
        for s in specs {
            let row = validate(&s, 1).unwrap();
            let row = if s.public {
                public(row)
            } else {
                confidential(row)
            };
            let again = ClientSpec::from_row(&row);
            assert_eq!(again.public, s.public);
            let back = validate(&again, 1).unwrap();
            assert_eq!(
                Client {
                    client_id: row.client_id.clone(),
                    secret_hash: row.secret_hash.clone(),
                    ..back
                },
                row,
                "{s:?}"
            );
        }
    }

    #[test]
    fn bad_registrations_have_clear_errors() {
        let cases: Vec<(ClientSpec, &str)> = vec![
            (
                ClientSpec {
                    name: " ".into(),
                    ..spec()
                },
                "name",
            ),
            (
                ClientSpec {
                    redirect_uris: vec!["https://x.example/cb#f".into()],
                    ..spec()
                },
                "fragment",
            ),
            (
                ClientSpec {
                    redirect_uris: vec!["http://x.example/cb".into()],
                    ..spec()
                },
                "http",
            ),
            (
                ClientSpec {
                    redirect_uris: vec![],
                    ..spec()
                },
                "redirect",
            ),
            (
                ClientSpec {
                    grant_types: vec!["password".into()],
                    ..spec()
                },
                "password",
            ),
            (
                ClientSpec {
                    scopes: vec!["admin".into()],
                    ..spec()
                },
                "admin",
            ),
            (
                ClientSpec {
                    auth_method: Some("none".into()),
                    ..spec()
                },
                "none",
            ),
            (
                ClientSpec {
                    id_token_alg: Some("HS256".into()),
                    ..spec()
                },
                "HS256",
            ),
            (
                ClientSpec {
                    logo_uri: Some("javascript:x".into()),
                    ..spec()
                },
                "logo",
            ),
        ];
        for (s, word) in cases {
            let err = validate(&s, 1).unwrap_err().to_string();
            assert!(err.contains(word), "{err} should mention {word}");
        }
    }
}
