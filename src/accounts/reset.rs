//! Password reset ("forgot password"): `/password/reset` asks for an address and answers the
//! same whether or not it has an account; `/password/reset/<token>` (from the mail) asks for
//! the new password twice. The token is single-use, expires, dies when the password changes
//! or a newer link is issued, and is spent in the same transaction that sets the password.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{
    greeting_name, lang_for, link_request_limited, queue, reset_link, send_password_reset,
};
use super::portal::{new_password, no_referrer};
use crate::domain::password::Password;
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::MailKind;
use crate::store::email_tokens::TokenPurpose;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

const REQUEST_PAGE: &str = "portal/reset_request.html";

pub async fn request_form(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let extra = context! { sent => false };
    render_form(&state, &ctx, REQUEST_PAGE, &FieldErrors::new(), extra)
}

pub async fn request(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: ClientInfo,
    PageForm(form): PageForm<RequestForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let Some(email) = errors.email("email", &form.email, ctx.lang) else {
        let extra = context! { sent => false, email => form.email };
        return Ok(render_form(&state, &ctx, REQUEST_PAGE, &errors, extra));
    };
    let limits = &state.config.limits;
    let (per_ip, per_address) = (limits.reset_per_ip, limits.reset_per_address);
    let limited =
        link_request_limited(&state, "reset", &client, &email, per_ip, per_address).await?;
    // Only an exact (normalised) match gets mail, and only at its stored address. The request
    // itself changes nothing on the account. The token and the mail are made after the answer
    // is sent (and the mail leaves through the outbox), so the answer takes as long for an
    // unknown address as for a known one.
    if !limited
        && let Some(user) = state.store.user_by_email(email.normalized()).await?
        && user.is_active
    {
        let lang = lang_for(&user, ctx.lang);
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = send_password_reset(&state, &user, lang).await {
                tracing::error!(error = ?e, "cannot queue a password-reset mail");
                return;
            }
            audit::record(
                &state,
                "password.reset_requested",
                Some(user.user_id),
                &client,
                "",
            )
            .await;
        });
    }
    // One answer for unknown, disabled, rate-limited and real addresses.
    let extra = context! { sent => true };
    Ok(render_form(&state, &ctx, REQUEST_PAGE, &errors, extra))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    password: Password,
    password_confirm: Password,
}

fn failed(state: &AppState, ctx: &PageCtx) -> Response {
    no_referrer(ctx.render(
        state,
        StatusCode::BAD_REQUEST,
        "portal/reset_failed.html",
        context! {},
    ))
}

fn render(state: &AppState, ctx: &PageCtx, token: &SecretToken, errors: &FieldErrors) -> Response {
    let extra = context! {
        token => token.expose(),
        min_length => state.config.accounts.password_min_length,
    };
    no_referrer(render_form(
        state,
        ctx,
        "portal/reset_form.html",
        errors,
        extra,
    ))
}

/// The account a live reset token belongs to (nothing changes).
async fn token_user(
    state: &AppState,
    token: &SecretToken,
) -> Result<Option<crate::domain::user::User>, PageError> {
    let hash = token.hash();
    let now = state.now();
    let store = &state.store;
    if !store
        .email_token_is_live(&hash, TokenPurpose::ResetPassword, now)
        .await?
    {
        return Ok(None);
    }
    Ok(store.email_token_user(&hash).await?.filter(|u| u.is_active))
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx));
    };
    if token_user(&state, &token).await?.is_none() {
        return Ok(failed(&state, &ctx));
    }
    Ok(render(&state, &ctx, &token, &FieldErrors::new()))
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(current): MaybeUser,
    client: ClientInfo,
    Path(raw): Path<String>,
    PageForm(form): PageForm<ResetForm>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx));
    };
    let Some(user) = token_user(&state, &token).await? else {
        audit::record(&state, "password.reset_failed", None, &client, "invalid").await;
        return Ok(failed(&state, &ctx));
    };
    let mut errors = FieldErrors::new();
    let Some(new) = new_password(
        &state,
        ctx.lang,
        &user,
        &form.password,
        &form.password_confirm,
        &mut errors,
    ) else {
        return Ok(render(&state, &ctx, &token, &errors));
    };
    let hash = state.hasher.hash(new).await?;
    // The token is spent here, atomically with the new password: of two concurrent uses
    // exactly one gets a user id back.
    let Some(user_id) = state
        .store
        .reset_password_with_token(&token.hash(), &hash, state.now())
        .await?
    else {
        audit::record(
            &state,
            "password.reset_failed",
            Some(user.user_id),
            &client,
            "spent",
        )
        .await;
        return Ok(failed(&state, &ctx));
    };
    // The owner proved the address: a lock-out someone else caused ends here.
    state
        .store
        .login_succeeded(&crate::store::login_guard::account_key(user_id))
        .await?;
    audit::record(&state, "password.reset", Some(user_id), &client, "").await;
    let kind = MailKind::PasswordChanged {
        reset_link: reset_link(&state),
    };
    // `user` is as it was before the reset: if the address was unverified until now, the
    // name on the account may be a stranger's (who signed up with this address), so none.
    queue(
        &state,
        lang_for(&user, ctx.lang),
        &user.email,
        greeting_name(&user),
        kind,
    )
    .await?;
    let mut resp = Redirect::to("/login").into_response();
    if current.is_some_and(|a| a.user.user_id == user_id) {
        // Every session of the account ended; clear this browser's cookie too.
        crate::http::cookies::remove(
            &mut resp,
            crate::http::cookies::SESSION,
            state.config.https(),
        );
    }
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-password-reset",
        state.config.https(),
    );
    Ok(resp)
}
