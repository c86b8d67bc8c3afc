//! `/account/delete`: a page that says what will happen and asks for the password; the POST
//! deletes the account, its sessions, tokens and unsent mail in one transaction, retires its
//! `sub` for good, logs the browser out and says goodbye by mail.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{lang_for, queue};
use super::portal::current_password_ok;
use crate::domain::password::Password;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, cookies};
use crate::mail::message::MailKind;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    password: Password,
}

pub async fn delete_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(_): CurrentUser,
) -> Response {
    render(&state, &ctx, &FieldErrors::new())
}

fn render(state: &AppState, ctx: &PageCtx, errors: &FieldErrors) -> Response {
    render_form(state, ctx, "portal/delete.html", errors, context! {})
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<DeleteForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    if !current_password_ok(&state, user, &form.password).await? {
        let errors = FieldErrors::one("password", ctx.t("error-password-wrong"));
        audit::record(
            &state,
            "account.delete_refused",
            Some(user.user_id),
            &client,
            "wrong_password",
        )
        .await;
        return Ok(render(&state, &ctx, &errors));
    }
    let Some(deleted) = state
        .store
        .delete_account(user.user_id, state.now())
        .await?
    else {
        return Err(PageError::not_found());
    };
    let detail = format!(
        "sessions={} unsent_mails={}",
        deleted.sessions, deleted.unsent_mails
    );
    audit::record_with_sub(
        &state,
        "account.deleted",
        Some(user.user_id),
        Some(&user.sub),
        &client,
        &detail,
    )
    .await;
    // Queued after the deletion, so the deletion cannot remove it; addressed to the old address.
    let kind = MailKind::AccountDeleted {
        signup_link: format!("{}/signup", state.config.issuer()),
    };
    queue(
        &state,
        lang_for(user, ctx.lang),
        &user.email,
        &user.display_name,
        kind,
    )
    .await?;
    let mut resp = Redirect::to("/").into_response();
    let https = state.config.https();
    cookies::remove(&mut resp, cookies::SESSION, https);
    flash::set(&mut resp, FlashKind::Info, "flash-account-deleted", https);
    Ok(resp)
}
