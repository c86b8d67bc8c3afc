//! The OpenID Provider: one file per endpoint, plus client registration.
//! Paths are constants here so the route table and the discovery document cannot drift.
pub mod authorize;
pub mod claims;
pub mod client_auth;
pub mod client_links;
pub mod consent;
pub mod device;
pub mod discovery;
pub mod end_session;
pub mod error;
pub mod id_token;
pub mod id_token_hint;
pub mod introspect;
pub mod jwks;
pub mod not_allowed;
pub mod par;
pub mod params;
pub mod register;
pub mod registration;
pub mod resources;
pub mod revoke;
pub mod token;
pub mod userinfo;

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/jwks.json";
pub const AUTHORIZE_PATH: &str = "/authorize";
pub const TOKEN_PATH: &str = "/token";
pub const USERINFO_PATH: &str = "/userinfo";
pub const REVOKE_PATH: &str = "/revoke";
pub const INTROSPECT_PATH: &str = "/introspect";
pub const END_SESSION_PATH: &str = "/end_session";

/// Scopes Daemun understands (OIDC Core §5.4 for `profile` and `email`; `offline_access` §11).
pub const SCOPES_SUPPORTED: [&str; 5] = crate::domain::scope::BUILT_IN;

/// Claims Daemun can release.
pub const CLAIMS_SUPPORTED: [&str; 21] = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "azp",
    "at_hash",
    "amr",
    "acr",
    "sid",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "locale",
    "email",
    "email_verified",
    "groups",
    "roles",
];
