//! The one place tokens are made and answered. A grant decides whether and what to issue, then
//! [`mint`]s the tokens, stores their rows under its grant (in its own transaction), and answers
//! with [`Minted::respond`], which signs the ID token and writes the [`TokenResponse`].
//!
//! An access token is opaque (a random value; only its SHA-256 is stored), or, for a resource
//! that asks for them, a JWT access token (RFC 9068) stored the same way, so introspection and
//! revocation treat both alike.
use serde::Serialize;
use serde_json::json;

use super::super::claims::memberships;
use super::super::error::OAuthError;
use super::super::id_token::{IdTokenInput, sign};
use crate::domain::acr::Level;
use crate::domain::client::Client;
use crate::domain::client::GrantType;
use crate::domain::clock::{DAY, Millis, SECOND};
use crate::domain::resource::Resource;
use crate::domain::secret::{SecretToken, random_id, sha256};
use crate::domain::user::User;
use crate::http::AppState;
use crate::keys::{jwt, signing::Alg};
use crate::oidc::authorize::decision::may_use;
use crate::oidc::resources;
use crate::store::tokens::{AccessTokenRow, RefreshTokenRow};

/// The successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer` (RFC 6750).
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The granted scopes; left out when there are none (RFC 6749 §5.1 makes it optional).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// A person's authorization as a grant carries it forward, from a code or a refresh token.
#[derive(Debug, Clone, Copy)]
pub struct Authorization<'a> {
    pub grant_id: &'a str,
    pub user: &'a User,
    pub sid: &'a str,
    pub auth_time: Millis,
    pub amr: &'a str,
    /// Echoed in the ID token of the code exchange only (OIDC Core §3.1.3.6, §12.2).
    pub nonce: Option<&'a str>,
}

/// Tokens made but not stored yet: the grant stores [`Self::access_row`] and
/// [`Self::refresh_row`], then answers with [`Self::respond`].
pub struct Minted {
    access: String,
    pub access_row: AccessTokenRow,
    ttl: i64,
    refresh: Option<String>,
    pub refresh_row: Option<RefreshTokenRow>,
}

/// A new access token for `scopes` (for `who`, or for the client itself) and `audience` (a
/// JWT when that resource asks for one), and a refresh token from `refresh` when the grant
/// issues one (its `token_hash` is replaced).
pub fn mint(
    state: &AppState,
    client: &Client,
    who: Option<&Authorization>,
    scopes: &str,
    audience: Option<&Resource>,
    refresh: Option<RefreshTokenRow>,
    now: Millis,
) -> Result<Minted, OAuthError> {
    let ttl = state.config.tokens.access_token_secs;
    let expires_at = now + ttl * SECOND;
    let access = match audience.filter(|r| r.jwt) {
        Some(r) => jwt_access_token(state, client, who, scopes, r, now, expires_at)?,
        None => SecretToken::generate().expose().to_owned(),
    };
    let access_row = AccessTokenRow {
        token_hash: sha256(access.as_bytes()),
        grant_id: who.map(|w| w.grant_id.to_owned()),
        client_id: client.client_id.clone(),
        user_id: who.map(|w| w.user.user_id),
        scopes: scopes.to_owned(),
        created_at: now,
        expires_at,
        audience: audience.map(|r| r.resource_id.clone()),
    };
    let (refresh, refresh_row) = match refresh {
        Some(template) => {
            let token = SecretToken::generate();
            let row = RefreshTokenRow {
                token_hash: token.hash(),
                ..template
            };
            (Some(token.expose().to_owned()), Some(row))
        }
        None => (None, None),
    };
    Ok(Minted {
        access,
        access_row,
        ttl,
        refresh,
        refresh_row,
    })
}

/// A JWT access token (RFC 9068 §2): `typ: at+jwt`; `iss`, `exp`, `aud` (the resource),
/// `sub` (the person, or the client acting for itself, §2.2), `client_id`, `iat`, `jti` and
/// `scope`; `auth_time` and `acr` when a person logged in (§2.2.1).
fn jwt_access_token(
    state: &AppState,
    client: &Client,
    who: Option<&Authorization>,
    scopes: &str,
    resource: &Resource,
    now: Millis,
    expires_at: Millis,
) -> Result<String, OAuthError> {
    let mut claims = json!({
        "iss": state.config.issuer(),
        "exp": expires_at / 1000,
        "aud": resource.resource_id,
        "sub": who.map_or(client.client_id.as_str(), |w| w.user.sub.as_str()),
        "client_id": client.client_id,
        "iat": now / 1000,
        "jti": random_id(),
        "scope": scopes,
    });
    if let Some(w) = who {
        claims["auth_time"] = json!(w.auth_time / 1000);
        claims["acr"] = json!(Level::of_amr(w.amr).as_str());
    }
    let alg = Alg::parse(&resource.alg).unwrap_or(Alg::Rs256);
    jwt::sign(&state.keys, alg, "at+jwt", &claims, now).map_err(|e| {
        tracing::error!(error = %e, resource = %resource.resource_id, "JWT access token signing failed");
        OAuthError::server_error()
    })
}

/// The person a grant of `client` was made for, while their account is active and they may
/// still use the application (`invalid_grant` after the account was disabled or deleted, or
/// the person left the groups the application is for).
pub async fn active_user(
    state: &AppState,
    client: &Client,
    user_id: i64,
) -> Result<User, OAuthError> {
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(|| OAuthError::invalid_grant("the account is no longer active"))?;
    if !may_use(state, client, user_id).await? {
        return Err(OAuthError::invalid_grant(
            "the person may no longer use this application",
        ));
    }
    Ok(user)
}

/// The first refresh token of a new family for `who` (the family's absolute expiry starts now).
pub fn new_family(
    state: &AppState,
    client: &Client,
    who: &Authorization,
    scopes: &str,
    resources: &str,
    now: Millis,
) -> RefreshTokenRow {
    RefreshTokenRow {
        token_hash: Vec::new(),
        grant_id: who.grant_id.to_owned(),
        client_id: client.client_id.clone(),
        user_id: who.user.user_id,
        sid: who.sid.to_owned(),
        scopes: scopes.to_owned(),
        auth_time: who.auth_time,
        amr: who.amr.to_owned(),
        created_at: now,
        expires_at: now + state.config.tokens.refresh_token_days * DAY,
        resources: resources.to_owned(),
    }
}

/// What a person granted: scopes and the resources (RFC 8707, one identifier per line).
#[derive(Debug, Clone, Copy)]
pub struct Granted<'a> {
    pub scopes: &'a str,
    pub resources: &'a str,
}

/// The first tokens of a person's grant (a code exchange, an approved device): an access
/// token (for the resource `params` names, if any), a refresh family when the client may
/// refresh, and an ID token for `openid`. Nothing is written once the grant was revoked (a
/// replay or a logout racing this request); the session remembers the client, for logout.
pub async fn first_tokens(
    state: &AppState,
    client: &Client,
    who: &Authorization<'_>,
    granted: Granted<'_>,
    params: &[(String, String)],
    grant_type: GrantType,
    now: Millis,
) -> Result<TokenResponse, OAuthError> {
    let audience = resources::audience(&state.store, params, granted.resources).await?;
    let family = client
        .allows_grant(GrantType::RefreshToken)
        .then(|| new_family(state, client, who, granted.scopes, granted.resources, now));
    let token_scopes = resources::token_scopes(granted.scopes, audience.as_ref());
    let minted = mint(
        state,
        client,
        Some(who),
        &token_scopes,
        audience.as_ref(),
        family,
        now,
    )?;
    if !state
        .store
        .insert_grant_tokens(&minted.access_row, minted.refresh_row.as_ref())
        .await?
    {
        return Err(OAuthError::invalid_grant("the authorization was revoked"));
    }
    state
        .store
        .record_session_client(who.sid, &client.client_id, now)
        .await?;
    let openid = granted.scopes.split(' ').any(|s| s == "openid");
    minted
        .respond(
            state,
            client,
            grant_type,
            openid.then_some((who, granted.scopes)),
        )
        .await
}

impl Minted {
    /// The answer to a `grant_type` request, once the rows are stored; with an ID token for
    /// `id_token_for` (the person and the scopes they granted, which say its claims), bound to
    /// the access token by `at_hash`.
    pub async fn respond(
        self,
        state: &AppState,
        client: &Client,
        grant_type: GrantType,
        id_token_for: Option<(&Authorization<'_>, &str)>,
    ) -> Result<TokenResponse, OAuthError> {
        let id_token = match id_token_for {
            Some((who, scopes)) => Some(sign(
                state,
                &IdTokenInput {
                    user: who.user,
                    client_id: &client.client_id,
                    alg: &client.id_token_alg,
                    scopes,
                    nonce: who.nonce,
                    auth_time: who.auth_time,
                    amr: who.amr,
                    sid: who.sid,
                    access_token: &self.access,
                    memberships: memberships(
                        &state.store,
                        &client.client_id,
                        who.user.user_id,
                        scopes,
                    )
                    .await?,
                },
            )?),
            None => None,
        };
        state.metrics.token_issued(grant_type.as_str());
        Ok(TokenResponse {
            scope: self.access_row.scopes,
            access_token: self.access,
            token_type: "Bearer",
            expires_in: self.ttl,
            refresh_token: self.refresh,
            id_token,
        })
    }
}
