//! The consent page: which application asks for what, in plain words. The choice is remembered
//! per person, client and scopes; "deny" answers `access_denied` (RFC 6749 §4.1.2.1).
//!
//! The page shows and accepts a parked request only while the authorization endpoint's own
//! rule (`authorize::decision`) says consent is what it waits for; otherwise (a fresh login is
//! still owed, or no consent is needed) it sends the browser back through that endpoint.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::SCOPES_SUPPORTED;
use super::authorize::decision::{Step, next_step};
use super::authorize::request::{self, AuthRequest};
use super::authorize::{EXPIRED_REQUEST, RESUME_PREFIX, issue_code, reject, respond};
use super::error::{ErrorCode, OAuthError};
use crate::http::client::ClientInfo;
use crate::http::headers::allow_image_origin;
use crate::http::session::Authenticated;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};
use crate::i18n;
use crate::store::grants::PendingRow;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentQuery {
    request: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    request: String,
    decision: String,
}

/// The parked request, if it waits for this person's consent now; otherwise the response that
/// sends the browser where the request stands.
async fn load(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
) -> Result<(PendingRow, AuthRequest), Response> {
    load_at(state, auth, id, Step::Consent).await
}

/// The parked request, if its next step for this person is `step` now; otherwise the
/// response that sends the browser where the request stands.
pub async fn load_at(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
    step: Step,
) -> Result<(PendingRow, AuthRequest), Response> {
    let pending = match state.store.pending(id, state.now()).await {
        Ok(Some(p)) => p,
        Ok(None) => return Err(EXPIRED_REQUEST.into_response()),
        Err(e) => return Err(PageError::from(e).into_response()),
    };
    let params: Vec<(String, String)> = serde_json::from_str(&pending.params).unwrap_or_default();
    let req = match request::parse(&state.store, &params).await {
        Ok(req) => req,
        Err(r) => return Err(reject(state, r)),
    };
    match next_step(state, &req, auth, Some(&pending)).await {
        s if s == step => Ok((pending, req)),
        // Login owed, nothing to consent to, or an error to answer: the endpoint decides.
        _ => Err(Redirect::to(&format!("{RESUME_PREFIX}{}", pending.pending_id)).into_response()),
    }
}

pub async fn consent_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    Query(q): Query<ConsentQuery>,
) -> Response {
    let (pending, req) = match load(&state, &auth, &q.request).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let c = &req.target.client;
    // Daemun's own scopes are described; an API's are named with the API (RFC 8707).
    let scopes: Vec<String> = req
        .scopes
        .iter()
        .map(
            |s| match req.resources.iter().find(|r| r.scopes.contains(s)) {
                Some(r) if !SCOPES_SUPPORTED.contains(&s) => i18n::t_args(
                    ctx.lang,
                    "consent-scope-resource",
                    &[("api", r.name.as_str().into()), ("scope", s.into())],
                ),
                _ => ctx.t(&format!("consent-scope-{}", s.replace('_', "-"))),
            },
        )
        .collect();
    let host = url::Url::parse(&req.target.redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let extra = context! {
        request => pending.pending_id,
        client => context! { name => c.name.clone(), logo_uri => c.logo_uri.clone(), home_uri => c.home_uri.clone(), host => host },
        scopes => scopes,
    };
    let mut page = ctx.render(&state, StatusCode::OK, "oidc/consent.html", extra);
    if !c.logo_uri.is_empty() {
        // The logo is on the application's site; the page's own policy allows images from
        // this site only.
        allow_image_origin(&mut page, &c.logo_uri);
    }
    page
}

pub async fn consent(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<ConsentForm>,
) -> Response {
    let (pending, req) = match load(&state, &auth, &form.request).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let _ = state.store.delete_pending(&pending.pending_id).await;
    let client_id = req.target.client.client_id.clone();
    if form.decision != "allow" {
        audit::record_for_client(
            &state,
            "consent.denied",
            Some(auth.user.user_id),
            &client_id,
            &client,
            "",
        )
        .await;
        return respond::error(
            &state,
            &req.target,
            &OAuthError::new(ErrorCode::AccessDenied, "the person declined"),
        );
    }
    let now = state.now();
    if let Err(e) = state
        .store
        .save_consent(auth.user.user_id, &client_id, &req.scopes.to_string(), now)
        .await
    {
        return PageError::from(e).into_response();
    }
    audit::record_for_client(
        &state,
        "consent.granted",
        Some(auth.user.user_id),
        &client_id,
        &client,
        &req.scopes.to_string(),
    )
    .await;
    issue_code(&state, &req, &auth).await
}
