//! The page for a person an application is not for (its `allowed_groups` leave them out): it
//! says so in their language and leads back to the application, which gets `access_denied`
//! (RFC 6749 §4.1.2.1). The attempt is audited.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::authorize::decision::Step;
use super::authorize::respond;
use super::consent::load_at;
use super::error::{ErrorCode, OAuthError};
use crate::http::client::ClientInfo;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, audit};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotAllowedQuery {
    request: String,
}

pub async fn not_allowed_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    Query(q): Query<NotAllowedQuery>,
) -> Response {
    let (pending, req) = match load_at(&state, &auth, &q.request, Step::NotAllowed).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    // The request ends here: the way back carries the refusal.
    let _ = state.store.delete_pending(&pending.pending_id).await;
    let app = &req.target.client;
    audit::record_for_client(
        &state,
        "authorize.not_allowed",
        Some(auth.user.user_id),
        &app.client_id,
        &client,
        "",
    )
    .await;
    let e = OAuthError::new(
        ErrorCode::AccessDenied,
        "the person may not use this application",
    );
    let back = respond::error_location(&state, &req.target, &e);
    let extra = context! { app => app.name.clone(), back };
    ctx.render(
        &state,
        StatusCode::FORBIDDEN,
        "oidc/not_allowed.html",
        extra,
    )
}
