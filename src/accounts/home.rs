//! The landing page and the account home.
use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use super::portal::has_password;
use crate::domain::clock::format_utc;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError};

pub async fn landing(State(state): State<AppState>, ctx: PageCtx) -> Response {
    ctx.ok(&state, "home.html", context! {})
}

pub async fn account(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let u = &auth.user;
    // Read-only here: groups are an administrator's to change.
    let groups: Vec<String> = state
        .store
        .groups_of(u.user_id)
        .await?
        .into_iter()
        .map(|g| g.label)
        .collect();
    let profile = context! {
        email => u.email.clone(),
        email_verified => u.email_verified,
        username => u.username.clone(),
        given_name => u.given_name.clone(),
        family_name => u.family_name.clone(),
        created_at => format_utc(u.created_at),
        last_login => u.last_login_at.map(format_utc),
        groups => groups,
    };
    Ok(ctx.ok(
        &state,
        "accounts/home.html",
        context! {
            profile => profile,
            has_password => has_password(&state, u).await?,
            linked_logins => !state.config.upstream.is_empty(),
        },
    ))
}
