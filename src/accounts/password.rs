//! `/account/password`: a new password for a logged-in person who knows the current one. On
//! success every other session ends and this one continues under a fresh id.
//!
//! An account without a password (made at a login through another provider, see
//! `domain::password::NO_PASSWORD`) sets one here instead: no current password to type, but
//! its login must be at most ten minutes old, or it is asked to log in again first.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{lang_for, queue, reset_link};
use super::portal::{current_password_ok, has_password, new_password};
use crate::domain::password::Password;
use crate::domain::user::User;
use crate::http::authenticated::{RECENT_LOGIN_MS, login_path};
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::{self, Authenticated, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::MailKind;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: Password,
    password: Password,
    password_confirm: Password,
}

const PATH: &str = "/account/password";

pub async fn password_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let setting = !has_password(&state, &auth.user).await?;
    if setting && stale(&state, &auth) {
        return Ok(Redirect::to(&login_path(PATH, true)).into_response());
    }
    Ok(render(&state, &ctx, &FieldErrors::new(), setting))
}

fn stale(state: &AppState, auth: &Authenticated) -> bool {
    !auth.logged_in_within(state.now(), RECENT_LOGIN_MS)
}

fn render(state: &AppState, ctx: &PageCtx, errors: &FieldErrors, setting: bool) -> Response {
    let extra = context! {
        min_length => state.config.accounts.password_min_length,
        setting => setting,
    };
    render_form(state, ctx, "portal/password.html", errors, extra)
}

pub async fn password(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let mut errors = FieldErrors::new();
    if !has_password(&state, user).await? {
        return set_first(&state, &ctx, &auth, &client, &form).await;
    }
    if !current_password_ok(&state, user, &form.current_password).await? {
        errors.add("current_password", ctx.t("error-password-wrong"));
        audit::record(
            &state,
            "password.change_refused",
            Some(user.user_id),
            &client,
            "wrong_password",
        )
        .await;
        return Ok(render(&state, &ctx, &errors, false));
    }
    let Some(new) = new_password(
        &state,
        ctx.lang,
        user,
        &form.password,
        &form.password_confirm,
        &mut errors,
    ) else {
        return Ok(render(&state, &ctx, &errors, false));
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
    tell(&state, &ctx, user).await?;
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-password-changed",
        state.config.https(),
    );
    Ok(resp)
}

/// The first password of an account that has none. Nothing else changes: the sessions stay.
async fn set_first(
    state: &AppState,
    ctx: &PageCtx,
    auth: &Authenticated,
    client: &ClientInfo,
    form: &PasswordForm,
) -> Result<Response, PageError> {
    if stale(state, auth) {
        return Ok(Redirect::to(&login_path(PATH, true)).into_response());
    }
    let user = &auth.user;
    let mut errors = FieldErrors::new();
    let Some(new) = new_password(
        state,
        ctx.lang,
        user,
        &form.password,
        &form.password_confirm,
        &mut errors,
    ) else {
        return Ok(render(state, ctx, &errors, true));
    };
    let hash = state.hasher.hash(new).await?;
    state
        .store
        .set_password_hash(user.user_id, &hash, state.now())
        .await?;
    audit::record(state, "password.set", Some(user.user_id), client, "").await;
    tell(state, ctx, user).await?;
    let mut resp = Redirect::to("/account").into_response();
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-password-set",
        state.config.https(),
    );
    Ok(resp)
}

/// The notice that the password changed (or was set), with the reset link.
async fn tell(state: &AppState, ctx: &PageCtx, user: &User) -> Result<(), PageError> {
    let kind = MailKind::PasswordChanged {
        reset_link: reset_link(state),
    };
    let lang = lang_for(user, ctx.lang);
    queue(state, lang, &user.email, &user.display_name, kind).await
}
