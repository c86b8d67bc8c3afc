//! `GET /login/upstream/<name>`: sends the browser to the provider with a fresh `state`,
//! `nonce` and PKCE S256 challenge, all stored server-side for ten minutes, and a cookie that
//! binds the login to this browser. When the login is for a parked authorization request,
//! its `prompt=login` and `max_age` go to the provider too (OIDC Core §3.1.2.1): an
//! application that asked Daemun for a fresh login gets one from the provider as well. So does
//! a login page that asks to log in again (`reauth=1`).
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::time::Duration;

use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    ClientId, ClientSecret, CsrfToken, Nonce, PkceCodeChallenge, RedirectUrl, Scope,
};
use serde::Deserialize;

use super::{LOGIN_TTL_MS, UNREACHABLE, provider, redirect_uri};
use crate::config::UpstreamConfig;
use crate::domain::next_path::{RESUME_PREFIX, safe_next};
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::{AppState, PageError, audit, cookies};
use crate::store::identities::UpstreamLogin;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartQuery {
    next: String,
    /// `1` from a login page that asks the person to log in again.
    reauth: String,
}

/// What a login sent to a provider is for.
pub struct Outgoing {
    /// A safe local path to go on to afterwards.
    pub next: String,
    /// The account to link the identity to, for a login started from `/account/linked`.
    pub link_user_id: Option<i64>,
    /// Ask the provider for a fresh login (`prompt=login`).
    pub fresh: bool,
    /// The most seconds the provider's login may be old.
    pub max_age: Option<i64>,
}

pub async fn start(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<StartQuery>,
    client: ClientInfo,
) -> Result<Response, PageError> {
    let p = provider(&state, &name)?;
    let next = safe_next(&q.next).unwrap_or("/account").to_owned();
    let (asked_fresh, max_age) = asked_by_request(&state, &next).await?;
    let fresh = asked_fresh || q.reauth == "1";
    let out = Outgoing {
        next,
        link_user_id: None,
        fresh,
        max_age,
    };
    send(&state, &name, p, out, &client).await
}

/// What the parked authorization request that `next` resumes asks of the login: a fresh one
/// (`prompt=login`, or `select_account`, which Daemun treats alike) and `max_age`.
async fn asked_by_request(state: &AppState, next: &str) -> Result<(bool, Option<i64>), PageError> {
    let Some(id) = next.strip_prefix(RESUME_PREFIX) else {
        return Ok((false, None));
    };
    let Some(row) = state.store.pending(id, state.now()).await? else {
        return Ok((false, None));
    };
    let params: Vec<(String, String)> = serde_json::from_str(&row.params).unwrap_or_default();
    let value = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let fresh = value("prompt").is_some_and(|p| {
        p.split(' ')
            .any(|v| matches!(v, "login" | "select_account"))
    });
    let max_age = value("max_age").and_then(|v| v.parse::<i64>().ok().filter(|n| *n >= 0));
    Ok((fresh, max_age))
}

/// Sends the browser to provider `name` for the login `out`.
pub async fn send(
    state: &AppState,
    name: &str,
    p: &UpstreamConfig,
    out: Outgoing,
    client: &ClientInfo,
) -> Result<Response, PageError> {
    let metadata = match state.upstreams.metadata(&p.issuer).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(provider = %name, "upstream discovery failed: {e}");
            audit::record(
                state,
                "upstream.refused",
                out.link_user_id,
                client,
                &format!("{name}: unreachable"),
            )
            .await;
            return Err(UNREACHABLE);
        }
    };
    let redirect = RedirectUrl::new(redirect_uri(state, name)).map_err(|_| UNREACHABLE)?;
    let oidc = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(p.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state_token = SecretToken::generate();
    let nonce = SecretToken::generate();
    let browser = SecretToken::generate();
    let mut request = oidc
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            {
                let s = state_token.expose().to_owned();
                move || CsrfToken::new(s)
            },
            {
                let n = nonce.expose().to_owned();
                move || Nonce::new(n)
            },
        )
        .set_pkce_challenge(challenge);
    for scope in p.scopes.iter().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    if out.fresh {
        request = request.add_prompt(CoreAuthPrompt::Login);
    }
    if let Some(secs) = out.max_age {
        request = request.set_max_age(Duration::from_secs(secs.unsigned_abs()));
    }
    let (url, _, _) = request.url();
    let now = state.now();
    state
        .store
        .insert_upstream_login(&UpstreamLogin {
            state_hash: state_token.hash(),
            provider: name.to_owned(),
            browser_hash: browser.hash(),
            nonce: nonce.expose().to_owned(),
            pkce_verifier: verifier.secret().clone(),
            next_path: out.next,
            link_user_id: out.link_user_id,
            max_age: out.max_age,
            created_at: now,
            expires_at: now + LOGIN_TTL_MS,
        })
        .await?;
    audit::record(state, "upstream.started", out.link_user_id, client, name).await;
    let mut resp = Redirect::to(url.as_str()).into_response();
    cookies::set(
        &mut resp,
        cookies::UPSTREAM,
        browser.expose(),
        state.config.https(),
        Some(LOGIN_TTL_MS / 1000),
    );
    Ok(resp)
}
