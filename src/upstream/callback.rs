//! `GET /login/upstream/<name>/callback`: the provider sends the person back. The pending
//! login is taken by `state` (once), must belong to this browser, the code is exchanged with
//! the PKCE verifier (client_secret_basic), and the ID token is verified in full (signature
//! against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`). Then the identity either logs
//! its linked account in, creates one (when the provider may), or is refused with a page.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::OAuth2TokenResponse;
use openidconnect::core::CoreClient;
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, Nonce, PkceCodeVerifier,
    RedirectUrl, TokenResponse,
};
use serde::Deserialize;
use serde_json::Value;

use super::linked::{self, Arrival};
use super::{Person, UNREACHABLE, first_login, provider, record_refusal, redirect_uri, refused};
use crate::accounts::factors::{Factors, second_step};
use crate::accounts::finished;
use crate::config::UpstreamConfig;
use crate::domain::acr;
use crate::domain::clock::SECOND;
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageCtx, PageError, audit, cookies};
use crate::store::identities::UpstreamLogin;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: String,
    state: String,
    error: String,
    iss: String,
}

/// How far the provider's clock may be ahead of or behind Daemun's for `max_age`.
const CLOCK_SKEW_MS: i64 = 60 * SECOND;

pub async fn callback(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CallbackQuery>,
    MaybeUser(current): MaybeUser,
    ctx: PageCtx,
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
        record_refusal(&state, &client, &name, &reason).await;
        return Ok(turned_back(&state, &login));
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
    // OIDC Core §3.1.3.7 step 13: a `max_age` sent along is checked against `auth_time`.
    if let Some(max_age) = login.max_age {
        let limit = max_age.saturating_mul(SECOND).saturating_add(CLOCK_SKEW_MS);
        if person
            .auth_time
            .is_none_or(|t| state.now().saturating_sub(t) > limit)
        {
            return Err(refuse("stale_login", "upstream-error-stale").await);
        }
    }
    let mut resp = if let Some(owner) = login.link_user_id {
        let who = Arrival {
            name: &name,
            issuer: &person.issuer,
            subject: &person.subject,
            email: &person.email,
            email_verified: person.email_verified,
        };
        linked::finish_link(&state, ctx.lang, current.as_ref(), owner, who, &client).await?
    } else {
        log_in(
            &state,
            &ctx,
            &name,
            &person,
            &login,
            current.as_ref(),
            &client,
        )
        .await?
    };
    cookies::remove(&mut resp, cookies::UPSTREAM, state.config.https());
    Ok(resp)
}

/// The provider said no (the person cancelled or refused, or the provider failed,
/// RFC 6749 §4.1.2.1): back to where the login began, the login page (keeping `next`) or the
/// linked-logins page, with a message.
fn turned_back(state: &AppState, login: &UpstreamLogin) -> Response {
    let to = if login.link_user_id.is_some() {
        linked::PATH.to_owned()
    } else {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &login.next_path)
            .finish();
        format!("/login?{query}")
    };
    let mut resp = Redirect::to(&to).into_response();
    let https = state.config.https();
    flash::set(&mut resp, FlashKind::Error, "flash-upstream-denied", https);
    cookies::remove(&mut resp, cookies::UPSTREAM, https);
    resp
}

/// Logs the person in: the linked account, or a new one at a first login.
async fn log_in(
    state: &AppState,
    ctx: &PageCtx,
    name: &str,
    person: &Person,
    login: &UpstreamLogin,
    current: Option<&crate::http::session::Authenticated>,
    client: &ClientInfo,
) -> Result<Response, PageError> {
    let p = provider(state, name)?;
    let now = state.now();
    let linked = state
        .store
        .upstream_identity(&person.issuer, &person.subject, &person.email, now)
        .await?;
    let user = match linked {
        Some(id) => match state.store.user_by_id(id.user_id).await? {
            Some(user) => user,
            None => {
                record_refusal(state, client, name, "no_account").await;
                return Err(refused(StatusCode::BAD_REQUEST, "upstream-error-state"));
            }
        },
        None => match first_login::create(state, name, p, person, client).await? {
            Some(user) => user,
            None => return linked::offer(state, ctx, name, person).await,
        },
    };
    if !user.is_active {
        record_refusal(state, client, name, "disabled").await;
        return Err(refused(StatusCode::BAD_REQUEST, "upstream-error-disabled"));
    }
    audit::record(state, "upstream.login", Some(user.user_id), client, name).await;
    // The provider's own second factor counts only where the operator trusts it to say so.
    let trusted = p.trust_upstream_mfa && acr::two_factors(&person.amr);
    let amr = acr::federated_amr(&person.amr, trusted);
    let amr: Vec<&str> = amr.iter().map(String::as_str).collect();
    if !trusted && Factors::of(state, user.user_id).await?.any() {
        second_step::begin(state, &user, &amr, false, &login.next_path, client).await
    } else {
        finished::finish(state, current, &user, &amr, false, &login.next_path, client).await
    }
}

/// Many providers (node-oidc-provider by default, OIDC Core §5.4) put the claims a scope
/// asks for in the UserInfo answer only. When a mapped claim is missing from the ID token,
/// it is taken from UserInfo, whose `sub` must be the ID token's (OIDC Core §5.3.4). An
/// address from UserInfo counts as verified only by UserInfo's own flag.
async fn fill_from_userinfo(
    state: &AppState,
    p: &UpstreamConfig,
    all: &mut serde_json::Map<String, Value>,
    endpoint: &str,
    access_token: &str,
    subject: &str,
) -> Result<(), String> {
    let c = &p.claims;
    let mapped = [&c.email, &c.email_verified, &c.name, &c.username];
    if mapped.iter().all(|claim| all.contains_key(claim.as_str())) {
        return Ok(());
    }
    let info = state
        .upstreams
        .userinfo(endpoint, access_token)
        .await
        .map_err(|e| format!("UserInfo: {e}"))?;
    if info.get("sub").and_then(Value::as_str) != Some(subject) {
        return Err("UserInfo names another subject than the ID token".into());
    }
    let email_from_info = !all.contains_key(&c.email);
    for claim in mapped {
        let take =
            !all.contains_key(claim.as_str()) || (email_from_info && claim == &c.email_verified);
        if take {
            match info.get(claim.as_str()) {
                Some(v) => all.insert(claim.clone(), v.clone()),
                None => all.remove(claim.as_str()),
            };
        }
    }
    Ok(())
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
    let userinfo = metadata.userinfo_endpoint().map(|u| u.url().to_string());
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
    let verifier = oidc.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(login.nonce.clone()))
        .map_err(|e| {
            // A key the cached JWKS lacks may be a rotation: the next login fetches them anew.
            state.upstreams.forget(&p.issuer);
            format!("ID token refused: {e}")
        })?;
    // OIDC Core §3.1.3.8: an `at_hash` must match the access token, which may read UserInfo.
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|e| format!("at_hash: {e}"))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| format!("at_hash: {e}"))?;
        let actual = AccessTokenHash::from_token(answer.access_token(), alg, key)
            .map_err(|e| format!("at_hash: {e}"))?;
        if actual != *expected {
            return Err("the ID token's at_hash does not match the access token".into());
        }
    }
    // The signature was checked over exactly these bytes; the mapped claims are read from them.
    let jwt = id_token.to_string();
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let mut all: serde_json::Map<String, Value> = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("ID token payload is not JSON")?;
    if let Some(endpoint) = userinfo {
        let subject = claims.subject().as_str();
        let token = answer.access_token().secret();
        fill_from_userinfo(state, p, &mut all, &endpoint, token, subject).await?;
    }
    let text = |claim: &str| all.get(claim).and_then(Value::as_str).unwrap_or_default();
    Ok(Person {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: text(&p.claims.email).to_owned(),
        // Some providers send the flag as a string.
        email_verified: matches!(all.get(&p.claims.email_verified), Some(Value::Bool(true)))
            || text(&p.claims.email_verified) == "true",
        name: text(&p.claims.name).to_owned(),
        username: text(&p.claims.username).to_owned(),
        amr: claims
            .auth_method_refs()
            .map(|a| a.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default(),
        auth_time: claims.auth_time().map(|t| t.timestamp_millis()),
    })
}
