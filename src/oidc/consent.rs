//! The consent page: which application asks for what, in plain words. The choice is remembered
//! per person, client and scopes; "deny" answers `access_denied` (RFC 6749 §4.1.2.1).
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use super::authorize::request::{self, AuthRequest};
use super::authorize::{EXPIRED_REQUEST, issue_code, reject, respond};
use super::error::OAuthError;
use crate::http::client::ClientInfo;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};
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

async fn load(state: &AppState, id: &str) -> Result<(PendingRow, AuthRequest), Response> {
    let pending = match state.store.pending(id, state.now()).await {
        Ok(Some(p)) => p,
        Ok(None) => return Err(EXPIRED_REQUEST.into_response()),
        Err(e) => return Err(PageError::from(e).into_response()),
    };
    let params: Vec<(String, String)> = serde_json::from_str(&pending.params).unwrap_or_default();
    match request::parse(&state.store, &params).await {
        Ok(req) => Ok((pending, req)),
        Err(r) => Err(reject(state, r)),
    }
}

pub async fn consent_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(_auth): CurrentUser,
    Query(q): Query<ConsentQuery>,
) -> Response {
    let (pending, req) = match load(&state, &q.request).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let c = &req.target.client;
    let scopes: Vec<String> = req
        .scopes
        .iter()
        .map(|s| ctx.t(&format!("consent-scope-{}", s.replace('_', "-"))))
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
    ctx.render(&state, StatusCode::OK, "oidc/consent.html", extra)
}

pub async fn consent(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<ConsentForm>,
) -> Response {
    let (pending, req) = match load(&state, &form.request).await {
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
            &OAuthError::new("access_denied", "the person declined"),
        );
    }
    let now = state.now();
    if let Err(e) = state
        .store
        .save_consent(auth.user.user_id, &client_id, &req.scopes.join(" "), now)
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
        &req.scopes.join(" "),
    )
    .await;
    issue_code(&state, &req, &auth).await
}
