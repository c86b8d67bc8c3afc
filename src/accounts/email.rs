//! `/account/email`: moving the account to a new address. The current password is asked for;
//! a link goes to the NEW address and the account moves only when it is used (and only if
//! that address is still free); the old address then gets a notice. Until then the old
//! address stays in force.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{lang_for, queue, reset_link, send_email_change};
use super::portal::{current_password_ok, no_referrer};
use crate::domain::password::Password;
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::{AppState, PageCtx, PageError, audit, rate_limit};
use crate::mail::message::MailKind;
use crate::store::account::EmailChange;
use crate::store::email_tokens::TokenPurpose;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    new_email: String,
    password: Password,
}

pub async fn email_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(_): CurrentUser,
) -> Response {
    render(&state, &ctx, "", &FieldErrors::new())
}

fn render(state: &AppState, ctx: &PageCtx, new_email: &str, errors: &FieldErrors) -> Response {
    let extra = context! { new_email => new_email };
    render_form(state, ctx, "portal/email.html", errors, extra)
}

pub async fn email(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<EmailForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let mut errors = FieldErrors::new();
    let new = match errors.email("new_email", &form.new_email, ctx.lang) {
        Some(e) if e.normalized() == user.email_normalized => {
            errors.add("new_email", ctx.t("error-email-same"));
            None
        }
        new => new,
    };
    if !current_password_ok(&state, user, &form.password).await? {
        errors.add("password", ctx.t("error-password-wrong"));
        audit::record(
            &state,
            "email.change_refused",
            Some(user.user_id),
            &client,
            "wrong_password",
        )
        .await;
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Ok(render(&state, &ctx, &form.new_email, &errors));
    };
    let bucket = format!("email-change:user:{}", user.user_id);
    if rate_limit::over_limit(
        &state,
        &bucket,
        state.config.limits.email_change_per_account,
    )
    .await?
    {
        return Err(PageError::too_many());
    }
    // An address that already has an account gets no link (it could not be used), but the
    // page says the same, so this form does not tell which addresses are registered.
    let taken = state.store.user_by_email(new.normalized()).await?.is_some();
    if !taken {
        send_email_change(&state, user, &new, lang_for(user, ctx.lang)).await?;
    }
    let detail = if taken { "taken" } else { "" };
    audit::record(
        &state,
        "email.change_requested",
        Some(user.user_id),
        &client,
        detail,
    )
    .await;
    Ok(ctx.ok(
        &state,
        "portal/email_sent.html",
        context! { new_email => new.as_str() },
    ))
}

fn failed(state: &AppState, ctx: &PageCtx, taken: bool) -> Response {
    no_referrer(ctx.render(
        state,
        StatusCode::BAD_REQUEST,
        "portal/email_failed.html",
        context! { taken => taken },
    ))
}

pub async fn confirm_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx, false));
    };
    let live = state
        .store
        .email_token_is_live(&token.hash(), TokenPurpose::ChangeEmail, state.now())
        .await?;
    if !live {
        return Ok(failed(&state, &ctx, false));
    }
    Ok(no_referrer(ctx.ok(
        &state,
        "portal/email_confirm.html",
        context! { token => token.expose() },
    )))
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(current): MaybeUser,
    client: ClientInfo,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx, false));
    };
    let (user_id, old_email, new_email) = match state
        .store
        .change_email_with_token(&token.hash(), state.now())
        .await?
    {
        EmailChange::Changed {
            user_id,
            old_email,
            new_email,
        } => (user_id, old_email, new_email),
        EmailChange::Taken => {
            audit::record(&state, "email.change_failed", None, &client, "taken").await;
            return Ok(failed(&state, &ctx, true));
        }
        EmailChange::Invalid => {
            audit::record(&state, "email.change_failed", None, &client, "invalid").await;
            return Ok(failed(&state, &ctx, false));
        }
    };
    audit::record(&state, "email.changed", Some(user_id), &client, "").await;
    if let Some(user) = state.store.user_by_id(user_id).await? {
        let kind = MailKind::EmailChanged {
            new_email,
            reset_link: reset_link(&state),
        };
        queue(
            &state,
            lang_for(&user, ctx.lang),
            &old_email,
            &user.display_name,
            kind,
        )
        .await?;
    }
    let logged_in = current.is_some_and(|a| a.user.user_id == user_id);
    let mut resp = Redirect::to(if logged_in { "/account" } else { "/login" }).into_response();
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-email-changed",
        state.config.https(),
    );
    Ok(resp)
}
