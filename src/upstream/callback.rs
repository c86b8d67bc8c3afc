//! `GET /login/upstream/<name>/callback`: the provider sends the person back. The pending
//! login is taken by `state` (once), must belong to this browser, the code is exchanged with
//! the PKCE verifier (client_secret_basic), and the ID token is verified in full (signature
//! against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`). Then the identity either logs
//! its linked account in, creates one (when the provider may), or is refused with a page.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::CoreClient;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, Nonce, PkceCodeVerifier, RedirectUrl, TokenResponse,
};
use serde::Deserialize;
use serde_json::Value;

use super::{UNREACHABLE, provider, redirect_uri, refused};
use crate::accounts::factors::{Factors, second_step};
use crate::accounts::finished;
use crate::config::UpstreamConfig;
use crate::domain::email_address::EmailAddress;
use crate::domain::password::NO_PASSWORD;
use crate::domain::secret::{SecretToken, random_id};
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageError, audit, cookies};
use crate::store::identities::{UpstreamIdentity, UpstreamLogin};
use crate::store::users::NewUser;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: String,
    state: String,
    error: String,
    iss: String,
}

/// What the verified ID token says, through the provider's claim mapping.
struct Person {
    issuer: String,
    subject: String,
    email: String,
    email_verified: bool,
    name: String,
}

pub async fn callback(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CallbackQuery>,
    MaybeUser(current): MaybeUser,
    headers: axum::http::HeaderMap,
    client: ClientInfo,
) -> Result<Response, PageError> {
    let p = provider(&state, &name)?;
    let refuse = async |reason: &str, body: &'static str| {
        record_refusal(&state, &client, &name, reason).await;
        refused(StatusCode::BAD_REQUEST, body)
    };
    let Some(token) = SecretToken::from_untrusted(&q.state) else {
        return Err(refuse("bad_state", "upstream-error-state").await);
    };
    let Some(login) = state
        .store
        .take_upstream_login(&token.hash(), state.now())
        .await?
        .filter(|l| l.provider == name)
    else {
        return Err(refuse("unknown_state", "upstream-error-state").await);
    };
    let browser = cookies::get(&headers, cookies::UPSTREAM, state.config.https())
        .and_then(|v| SecretToken::from_untrusted(&v));
    if browser.is_none_or(|b| b.hash() != login.browser_hash) {
        return Err(refuse("other_browser", "upstream-error-state").await);
    }
    if !q.error.is_empty() {
        let reason = format!(
            "provider_error {}",
            q.error.chars().take(64).collect::<String>()
        );
        return Err(refuse(&reason, "upstream-error-denied").await);
    }
    // RFC 9207: when the provider names itself, it must be the one the login went to.
    if !q.iss.is_empty() && q.iss.trim_end_matches('/') != p.issuer.trim_end_matches('/') {
        return Err(refuse("wrong_iss", "upstream-error-state").await);
    }
    if q.code.is_empty() || q.code.len() > 2048 {
        return Err(refuse("no_code", "upstream-error-state").await);
    }
    let person = match verify(&state, &name, p, &login, &q.code).await {
        Ok(person) => person,
        Err(reason) => {
            tracing::warn!(provider = %name, "upstream login failed: {reason}");
            record_refusal(&state, &client, &name, &reason).await;
            return Err(UNREACHABLE);
        }
    };
    let now = state.now();
    let linked = state
        .store
        .upstream_identity(&person.issuer, &person.subject, now)
        .await?;
    let user = match linked {
        Some(id) => match state.store.user_by_id(id.user_id).await? {
            Some(user) => user,
            None => return Err(refuse("no_account", "upstream-error-state").await),
        },
        None => create(&state, &name, p, &person, &client).await?,
    };
    if !user.is_active {
        return Err(refuse("disabled", "upstream-error-disabled").await);
    }
    audit::record(&state, "upstream.login", Some(user.user_id), &client, &name).await;
    let amr = ["fed"];
    let mut resp = if Factors::of(&state, user.user_id).await?.any() {
        second_step::begin(&state, &user, &amr, false, &login.next_path, &client).await?
    } else {
        finished::finish(
            &state,
            current.as_ref(),
            &user,
            &amr,
            false,
            &login.next_path,
            &client,
        )
        .await?
    };
    cookies::remove(&mut resp, cookies::UPSTREAM, state.config.https());
    Ok(resp)
}

/// The audit event of a refused upstream login: `<provider>: <reason>`.
async fn record_refusal(state: &AppState, client: &ClientInfo, name: &str, reason: &str) {
    let detail = format!("{name}: {reason}");
    audit::record(state, "upstream.refused", None, client, &detail).await;
}

/// A first login: an account for a verified address nobody uses yet, when the provider may
/// create accounts and the domain is allowed. An address in use is never linked by itself.
async fn create(
    state: &AppState,
    name: &str,
    p: &UpstreamConfig,
    person: &Person,
    client: &ClientInfo,
) -> Result<User, PageError> {
    let why = async |reason: &str, body: &'static str| {
        record_refusal(state, client, name, reason).await;
        refused(StatusCode::FORBIDDEN, body)
    };
    let Ok(email) = EmailAddress::parse(&person.email) else {
        return Err(why("no_email", "upstream-error-no-email").await);
    };
    // Before anything is said about the address: only an address the provider vouches for is
    // looked up, so nobody learns from here which addresses have accounts.
    if !person.email_verified {
        return Err(why("email_unverified", "upstream-error-unverified").await);
    }
    if state
        .store
        .user_by_email(email.normalized())
        .await?
        .is_some()
    {
        return Err(why("email_in_use", "upstream-error-email-taken").await);
    }
    if !p.may_create_accounts {
        return Err(why("may_not_create", "upstream-error-no-account").await);
    }
    let domain = email.as_str().rsplit('@').next().unwrap_or_default();
    if !p.domain_allowed(domain) {
        return Err(why("domain_not_allowed", "upstream-error-domain").await);
    }
    let now = state.now();
    let new = NewUser {
        sub: random_id(),
        email: email.as_str().to_owned(),
        email_normalized: email.normalized().to_owned(),
        username: None,
        username_normalized: None,
        display_name: person.name.chars().take(100).collect(),
        password_hash: NO_PASSWORD.to_owned(),
        email_verified: true,
        is_admin: false,
        locale: None,
    };
    let user = match state.store.create_account(new, now).await {
        Ok(user) => user,
        Err(crate::store::StoreError::Conflict { .. }) => {
            return Err(why("email_in_use", "upstream-error-email-taken").await);
        }
        Err(e) => return Err(e.into()),
    };
    state
        .store
        .link_upstream_identity(&UpstreamIdentity {
            issuer: person.issuer.clone(),
            subject: person.subject.clone(),
            provider: name.to_owned(),
            user_id: user.user_id,
            email: email.as_str().to_owned(),
            created_at: now,
            last_login_at: now,
        })
        .await?;
    audit::record(
        state,
        "upstream.account_created",
        Some(user.user_id),
        client,
        name,
    )
    .await;
    Ok(user)
}

/// Exchanges the code and verifies the ID token; `Err` says why in words for the log.
async fn verify(
    state: &AppState,
    name: &str,
    p: &UpstreamConfig,
    login: &UpstreamLogin,
    code: &str,
) -> Result<Person, String> {
    let metadata = state
        .upstreams
        .metadata(&p.issuer)
        .await
        .map_err(|e| format!("unreachable: {e}"))?;
    let redirect = RedirectUrl::new(redirect_uri(state, name)).map_err(|e| e.to_string())?;
    let oidc = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(p.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let answer = oidc
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| format!("no token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
        .request_async(&state.upstreams.http)
        .await
        .map_err(|e| format!("token request: {e}"))?;
    let id_token = answer.id_token().ok_or("no ID token in the answer")?;
    let claims = id_token
        .claims(&oidc.id_token_verifier(), &Nonce::new(login.nonce.clone()))
        .map_err(|e| {
            // A key the cached JWKS lacks may be a rotation: the next login fetches them anew.
            state.upstreams.forget(&p.issuer);
            format!("ID token refused: {e}")
        })?;
    // The signature was checked over exactly these bytes; the mapped claims are read from them.
    let jwt = id_token.to_string();
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let all: serde_json::Map<String, Value> = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("ID token payload is not JSON")?;
    let text = |claim: &str| all.get(claim).and_then(Value::as_str).unwrap_or_default();
    Ok(Person {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: text(&p.claims.email).to_owned(),
        email_verified: all.get(&p.claims.email_verified) == Some(&Value::Bool(true)),
        name: text(&p.claims.name).to_owned(),
    })
}
