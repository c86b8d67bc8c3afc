//! The landing page and the account home.
use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::domain::clock::format_utc;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx};

pub async fn landing(State(state): State<AppState>, ctx: PageCtx) -> Response {
    ctx.ok(&state, "home.html", context! {})
}

pub async fn account(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Response {
    let u = &auth.user;
    let profile = context! {
        email => u.email.clone(),
        email_verified => u.email_verified,
        username => u.username.clone(),
        given_name => u.given_name.clone(),
        family_name => u.family_name.clone(),
        created_at => format_utc(u.created_at),
        last_login => u.last_login_at.map(format_utc),
    };
    ctx.ok(
        &state,
        "accounts/home.html",
        context! { profile => profile },
    )
}
