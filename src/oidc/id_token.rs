//! ID tokens (OIDC Core §2, §3.1.3.6): signed with the client's algorithm by the current key,
//! with `at_hash` over the access token issued beside it, `sid` for logout, and the profile and
//! email claims of the granted scopes, and how the person logged in (`amr`, `acr`).
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, AuthenticationContextClass,
    AuthenticationMethodReference, ClientId, EndUserEmail, EndUserFamilyName, EndUserGivenName,
    EndUserName, EndUserUsername, IdToken, IdTokenClaims, IssuerUrl, LanguageTag, LocalizedClaim,
    Nonce, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};

use super::claims::{Memberships, has_scope};
use crate::domain::acr::Level;
use crate::domain::clock::{Millis, SECOND};
use crate::domain::user::User;
use crate::http::AppState;
use crate::keys::signing::Alg;

/// Claims beyond the standard ones: the browser session id (Back-Channel Logout §2.1).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DaemunClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The names of the person's groups, with the `groups` scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// The person's roles in this application, when it defines roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}
impl AdditionalClaims for DaemunClaims {}

pub type DaemunIdToken = IdToken<
    DaemunClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Everything an ID token states.
pub struct IdTokenInput<'a> {
    pub user: &'a User,
    pub client_id: &'a str,
    pub alg: &'a str,
    pub scopes: &'a str,
    pub nonce: Option<&'a str>,
    pub auth_time: Millis,
    pub amr: &'a str,
    pub sid: &'a str,
    pub access_token: &'a str,
    /// `groups` (with the `groups` scope) and `roles` (when the application defines roles).
    pub memberships: Memberships,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot sign the ID token: {0}")]
pub struct IdTokenError(String);

/// Never an unsigned token: a signing failure is a `server_error` (logged), nothing else.
impl From<IdTokenError> for super::error::OAuthError {
    fn from(e: IdTokenError) -> Self {
        tracing::error!(error = %e, "ID token signing failed");
        Self::server_error()
    }
}

fn time(ms: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp(ms.div_euclid(1000), 0).unwrap_or_default()
}

pub fn sign(state: &AppState, input: &IdTokenInput<'_>) -> Result<String, IdTokenError> {
    let err = |e: &dyn std::fmt::Display| IdTokenError(e.to_string());
    let now = state.now();
    let alg = Alg::parse(input.alg).unwrap_or(Alg::Rs256);
    let key = state.keys.signing_key(alg, now).map_err(|e| err(&e))?;
    let issuer = IssuerUrl::new(state.config.issuer().to_owned()).map_err(|e| err(&e))?;
    let u = input.user;
    let mut standard = StandardClaims::new(SubjectIdentifier::new(u.sub.clone()));
    if has_scope(input.scopes, "profile") {
        standard = standard.set_name(Some(LocalizedClaim::from(EndUserName::new(
            u.display_name.clone(),
        ))));
        if !u.given_name.is_empty() {
            standard = standard.set_given_name(Some(LocalizedClaim::from(EndUserGivenName::new(
                u.given_name.clone(),
            ))));
        }
        if !u.family_name.is_empty() {
            standard = standard.set_family_name(Some(LocalizedClaim::from(
                EndUserFamilyName::new(u.family_name.clone()),
            )));
        }
        standard = standard
            .set_preferred_username(u.username.clone().map(EndUserUsername::new))
            .set_locale(u.locale.clone().map(LanguageTag::new));
    }
    if has_scope(input.scopes, "email") {
        standard = standard
            .set_email(Some(EndUserEmail::new(u.email.clone())))
            .set_email_verified(Some(u.email_verified));
    }
    let amr: Vec<AuthenticationMethodReference> = input
        .amr
        .split(' ')
        .filter(|a| !a.is_empty())
        .map(|a| AuthenticationMethodReference::new(a.to_owned()))
        .collect();
    let claims = IdTokenClaims::new(
        issuer,
        vec![Audience::new(input.client_id.to_owned())],
        time(now + state.config.tokens.id_token_secs * SECOND),
        time(now),
        standard,
        DaemunClaims {
            sid: Some(input.sid.to_owned()),
            groups: input.memberships.groups.clone(),
            roles: input.memberships.roles.clone(),
        },
    )
    .set_auth_time(Some(time(input.auth_time)))
    .set_nonce(input.nonce.map(|n| Nonce::new(n.to_owned())))
    .set_authorized_party(Some(ClientId::new(input.client_id.to_owned())))
    .set_auth_method_refs((!amr.is_empty()).then_some(amr))
    // OIDC Core §2: the level the login reached, from the methods it used.
    .set_auth_context_ref(Some(AuthenticationContextClass::new(
        Level::of_amr(input.amr).as_str().to_owned(),
    )));
    let token = DaemunIdToken::new(
        claims,
        &key,
        alg.jws(),
        Some(&AccessToken::new(input.access_token.to_owned())),
        None,
    )
    .map_err(|e| err(&e))?;
    Ok(token.to_string())
}
