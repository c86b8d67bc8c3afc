//! Email verification: `/verify/<token>` shows a page whose button confirms (a POST, so mail
//! scanners that prefetch links cannot use the token up), and `/verify/resend` mails a new link
//! with the same answer whatever the address.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::lockout::{self, Checked};
use super::mailing::{lang_for, link_request_limited, send_verification};
use super::portal::no_referrer;
use crate::domain::password::Password;
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::store::email_tokens::TokenPurpose;
use crate::store::login_guard;

fn failed(state: &AppState, ctx: &PageCtx) -> Response {
    no_referrer(ctx.render(
        state,
        StatusCode::BAD_REQUEST,
        "accounts/verify_failed.html",
        context! {},
    ))
}

pub async fn verify_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx));
    };
    let live = state
        .store
        .email_token_is_live(&token.hash(), TokenPurpose::VerifyEmail, state.now())
        .await?;
    if !live {
        return Ok(failed(&state, &ctx));
    }
    Ok(confirm_page(&state, &ctx, &token, None, StatusCode::OK))
}

fn confirm_page(
    state: &AppState,
    ctx: &PageCtx,
    token: &SecretToken,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    no_referrer(ctx.render(
        state,
        status,
        "accounts/verify_confirm.html",
        context! { token => token.expose(), error => error },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    password: Password,
}

/// Checks `password` against the account the live token `hash` belongs to. The link proves
/// the mailbox, the password proves the sign-up: together they stop someone who signed up with
/// another person's address from having it verified by its owner (security.md B5 #35).
///
/// This form checks the account's password as a login does, so it counts toward the same
/// lock-out (`lockout::check`): otherwise whoever holds a link could guess the password here
/// without limit, and then log in with it. An empty or over-long password proves nothing and
/// is not counted; it costs one dummy verification like a wrong one.
async fn signed_up_by(state: &AppState, hash: &[u8], pw: Password) -> Result<Checked, PageError> {
    let well_formed = !pw.expose().is_empty() && pw.within_cap();
    let user = match state.store.email_token_user(hash).await? {
        Some(user) if well_formed => user,
        _ => {
            state.hasher.verify(pw, None).await?;
            return Ok(Checked::Wrong);
        }
    };
    let stored = state
        .store
        .credentials(&user.email_normalized, true)
        .await?
        .map(|(_, h)| h);
    let guard = login_guard::account_key(user.user_id);
    let checked = lockout::check(state, &guard, Some(&user), pw, stored).await?;
    if matches!(checked, Checked::Right(_)) {
        lockout::cleared(state, &guard).await?;
    }
    Ok(checked)
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: ClientInfo,
    Path(raw): Path<String>,
    PageForm(form): PageForm<VerifyForm>,
) -> Result<Response, PageError> {
    let Some(token) = SecretToken::from_untrusted(&raw) else {
        return Ok(failed(&state, &ctx));
    };
    let live = state
        .store
        .email_token_is_live(&token.hash(), TokenPurpose::VerifyEmail, state.now())
        .await?;
    if !live {
        audit::record(&state, "email.verify_failed", None, &client, "").await;
        return Ok(failed(&state, &ctx));
    }
    match signed_up_by(&state, &token.hash(), form.password).await? {
        Checked::Right(_) => {}
        Checked::Locked { until } => {
            audit::record(&state, "email.verify_failed", None, &client, "locked").await;
            return Ok(lockout::wait_page(&state, &ctx, until, |msg, status| {
                confirm_page(&state, &ctx, &token, Some(msg), status)
            }));
        }
        Checked::Wrong => {
            audit::record(
                &state,
                "email.verify_failed",
                None,
                &client,
                "wrong_password",
            )
            .await;
            let msg = ctx.t("verify-confirm-wrong-password");
            return Ok(confirm_page(
                &state,
                &ctx,
                &token,
                Some(msg),
                StatusCode::BAD_REQUEST,
            ));
        }
    }
    match state
        .store
        .verify_email_with_token(&token.hash(), state.now())
        .await?
    {
        Some(user_id) => {
            audit::record(&state, "email.verified", Some(user_id), &client, "").await;
            let mut resp = Redirect::to("/login").into_response();
            flash::set(
                &mut resp,
                FlashKind::Success,
                "flash-verified",
                state.config.https(),
            );
            Ok(resp)
        }
        None => {
            audit::record(&state, "email.verify_failed", None, &client, "").await;
            Ok(failed(&state, &ctx))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    email: String,
}

const RESEND_PAGE: &str = "accounts/verify_resend.html";

pub async fn resend_form(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let extra = context! { sent => false };
    render_form(&state, &ctx, RESEND_PAGE, &FieldErrors::new(), extra)
}

pub async fn resend(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: ClientInfo,
    PageForm(form): PageForm<ResendForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let Some(email) = errors.email("email", &form.email, ctx.lang) else {
        let extra = context! { sent => false, email => form.email };
        return Ok(render_form(&state, &ctx, RESEND_PAGE, &errors, extra));
    };
    let limits = &state.config.limits;
    let (per_ip, per_address) = (limits.resend_per_ip, limits.resend_per_address);
    let limited =
        link_request_limited(&state, "resend", &client, &email, per_ip, per_address).await?;
    if !limited
        && let Some(user) = state.store.user_by_email(email.normalized()).await?
        && !user.email_verified
        && user.is_active
    {
        send_verification(&state, &user, lang_for(&user, ctx.lang)).await?;
        audit::record(
            &state,
            "email.verification_resent",
            Some(user.user_id),
            &client,
            "",
        )
        .await;
    }
    // One answer for unknown, unverified, verified and rate-limited addresses.
    let extra = context! { sent => true };
    Ok(render_form(&state, &ctx, RESEND_PAGE, &errors, extra))
}
