//! `GET /login/upstream/<name>`: sends the browser to the provider with a fresh `state`,
//! `nonce` and PKCE S256 challenge, all stored server-side for ten minutes, and a cookie that
//! binds the login to this browser.
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    ClientId, ClientSecret, CsrfToken, Nonce, PkceCodeChallenge, RedirectUrl, Scope,
};
use serde::Deserialize;

use super::{LOGIN_TTL_MS, UNREACHABLE, provider, redirect_uri};
use crate::domain::next_path::safe_next;
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::{AppState, PageError, audit, cookies};
use crate::store::identities::UpstreamLogin;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartQuery {
    next: String,
}

pub async fn start(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<StartQuery>,
    client: ClientInfo,
) -> Result<Response, PageError> {
    let p = provider(&state, &name)?;
    let metadata = match state.upstreams.metadata(&p.issuer).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(provider = %name, "upstream discovery failed: {e}");
            audit::record(
                &state,
                "upstream.refused",
                None,
                &client,
                &format!("{name}: unreachable"),
            )
            .await;
            return Err(UNREACHABLE);
        }
    };
    let redirect = RedirectUrl::new(redirect_uri(&state, &name)).map_err(|_| UNREACHABLE)?;
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
    let (url, _, _) = request.url();
    let now = state.now();
    state
        .store
        .insert_upstream_login(&UpstreamLogin {
            state_hash: state_token.hash(),
            provider: name.clone(),
            browser_hash: browser.hash(),
            nonce: nonce.expose().to_owned(),
            pkce_verifier: verifier.secret().clone(),
            next_path: safe_next(&q.next).unwrap_or("/account").to_owned(),
            created_at: now,
            expires_at: now + LOGIN_TTL_MS,
        })
        .await?;
    audit::record(&state, "upstream.started", None, &client, &name).await;
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
