//! `/account/password`: a new password for a logged-in person who knows the current one. On
//! success every other session ends and this one continues under a fresh id.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{lang_for, queue, reset_link};
use super::portal::{Errors, current_password_ok, field_error, new_password};
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::{self, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};
use crate::mail::message::MailKind;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
}

pub async fn password_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(_): CurrentUser,
) -> Response {
    render(&state, &ctx, &Errors::new(), StatusCode::OK)
}

fn render(state: &AppState, ctx: &PageCtx, errors: &Errors, status: StatusCode) -> Response {
    let extra = context! {
        errors => errors,
        min_length => state.config.accounts.password_min_length,
    };
    ctx.render(state, status, "portal/password.html", extra)
}

pub async fn password(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let mut errors = Errors::new();
    if !current_password_ok(&state, user, &form.current_password).await? {
        field_error(
            &mut errors,
            "current_password",
            ctx.t("error-password-wrong"),
        );
        audit::record(
            &state,
            "password.change_refused",
            Some(user.user_id),
            &client,
            "wrong_password",
        )
        .await;
        return Ok(render(&state, &ctx, &errors, StatusCode::BAD_REQUEST));
    }
    let Some(new) = new_password(
        &state,
        ctx.lang,
        user,
        &form.password,
        &form.password_confirm,
        &mut errors,
    ) else {
        return Ok(render(&state, &ctx, &errors, StatusCode::BAD_REQUEST));
    };
    let hash = state.hasher.hash(new).await?;
    let ended = state
        .store
        .change_password(user.user_id, &hash, state.now())
        .await?;
    // Every session of the user is gone, this one included; the person who changed the
    // password carries on in a new session (new id, new cookie).
    let mut resp = Redirect::to("/account").into_response();
    let amr: Vec<&str> = auth.session.amr.split_whitespace().collect();
    session::start(
        &state,
        &mut resp,
        None,
        user,
        &amr,
        auth.session.remember,
        &client,
    )
    .await?;
    let detail = format!("other_sessions_ended={}", ended.saturating_sub(1));
    audit::record(
        &state,
        "password.changed",
        Some(user.user_id),
        &client,
        &detail,
    )
    .await;
    let kind = MailKind::PasswordChanged {
        reset_link: reset_link(&state),
    };
    queue(
        &state,
        lang_for(user, ctx.lang),
        &user.email,
        &user.display_name,
        kind,
    )
    .await?;
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-password-changed",
        state.config.https(),
    );
    Ok(resp)
}
