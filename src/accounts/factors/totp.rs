//! Setting up and removing the authenticator app. Starting and removing ask for the current
//! password (someone at an unlocked screen cannot change how the account logs in); the app
//! is enabled only by one right code from it, so a mistyped or unscanned key never locks the
//! person out. The first app comes with ten recovery codes, shown once.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::security::{self, PATH};
use super::{Factors, now_secs, open_secret, recovery, seal_secret};
use crate::accounts::mailing;
use crate::accounts::portal::current_password_ok;
use crate::domain::next_path::safe_next;
use crate::domain::password::Password;
use crate::domain::totp::{Check, TotpSecret};
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm};
use crate::http::session::{self, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::FactorChange;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartForm {
    current_password: Password,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    remove_password: Password,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: String,
}

/// A redirect to the security page with the flash message `key`.
pub(super) fn back(state: &AppState, kind: FlashKind, key: &str) -> Response {
    let mut resp = Redirect::to(PATH).into_response();
    flash::set(&mut resp, kind, key, state.config.https());
    resp
}

/// The security page again with `message` under `field`, still on its way to `next`.
pub(super) async fn refused(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    (field, message): (&'static str, &str),
    next: &str,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    errors.add(field, ctx.t(message));
    security::render(state, ctx, user, &errors, next).await
}

/// Checks the password typed into `field` on the security page: `None` when it is right,
/// else the page again with the error under the field (the attempt audited and counted).
pub(super) async fn wrong_password(
    state: &AppState,
    ctx: &PageCtx,
    (user, client): (&User, &ClientInfo),
    (field, typed): (&'static str, &Password),
    next: &str,
) -> Result<Option<Response>, PageError> {
    if current_password_ok(state, user, typed).await? {
        return Ok(None);
    }
    let id = Some(user.user_id);
    audit::record(state, "factor.refused", id, client, "wrong_password").await;
    let page = refused(state, ctx, user, (field, "error-password-wrong"), next).await?;
    Ok(Some(page))
}

/// Mails the person about a change to their factors.
pub(super) async fn tell(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    change: FactorChange,
) -> Result<(), PageError> {
    mailing::tell_factor_change(state, ctx.lang, user, change).await
}

/// `POST /account/security/totp`: a new secret, shown on the security page until confirmed.
pub async fn start(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<StartForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let typed = ("current_password", &form.current_password);
    if let Some(page) = wrong_password(&state, &ctx, (user, &client), typed, &form.next).await? {
        return Ok(page);
    }
    let secret = TotpSecret::generate();
    let sealed = seal_secret(&state, user.user_id, &secret)?;
    if !state
        .store
        .begin_totp(user.user_id, &sealed, state.now())
        .await?
    {
        return Ok(back(&state, FlashKind::Info, "flash-totp-already-on"));
    }
    audit::record(
        &state,
        "factor.totp_started",
        Some(user.user_id),
        &client,
        "",
    )
    .await;
    let next = match safe_next(&form.next) {
        Some(n) => format!(
            "?next={}",
            url::form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
        ),
        None => String::new(),
    };
    Ok(Redirect::to(&format!("{PATH}{next}#totp")).into_response())
}

/// `POST /account/security/totp/confirm`: the first code from the app enables it.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let factors = Factors::of(&state, user.user_id).await?;
    let Some(row) = factors.totp.as_ref() else {
        return Ok(back(&state, FlashKind::Info, "flash-totp-start-again"));
    };
    if row.enabled_at.is_some() {
        return Ok(back(&state, FlashKind::Info, "flash-totp-already-on"));
    }
    let Some(secret) = open_secret(&state, row) else {
        return Ok(back(&state, FlashKind::Error, "flash-totp-start-again"));
    };
    let step = match secret.check(&form.code, now_secs(&state), None) {
        Check::Accepted { step } => i64::try_from(step).unwrap_or(i64::MAX),
        Check::Replayed | Check::Wrong => {
            audit::record(
                &state,
                "factor.refused",
                Some(user.user_id),
                &client,
                "wrong_code",
            )
            .await;
            return refused(&state, &ctx, user, ("code", "totp-error-code"), &form.next).await;
        }
    };
    if !state
        .store
        .accept_totp_step(user.user_id, step, state.now())
        .await?
    {
        return refused(&state, &ctx, user, ("code", "totp-error-code"), &form.next).await;
    }
    audit::record(
        &state,
        "factor.totp_enabled",
        Some(user.user_id),
        &client,
        "",
    )
    .await;
    tell(&state, &ctx, user, FactorChange::TotpAdded).await?;
    // The first second factor comes with recovery codes; an app set up again after its
    // removal gets new ones, since the removal took the old ones.
    let mut resp = if factors.recovery_left == 0 {
        recovery::issue(&state, &ctx, user, &client, "flash-totp-on", &form.next).await?
    } else if let Some(next) = safe_next(&form.next) {
        Redirect::to(next).into_response()
    } else {
        back(&state, FlashKind::Success, "flash-totp-on")
    };
    // The code just typed is a second factor: from now on this session counts as a two-step
    // login (same sid, new auth_time), so an application waiting for one need not ask again.
    let mut amr: Vec<&str> = auth.session.amr.split_whitespace().collect();
    for method in ["otp", "mfa"] {
        if !amr.contains(&method) {
            amr.push(method);
        }
    }
    let remember = auth.session.remember;
    session::start(
        &state,
        &mut resp,
        Some(&auth),
        user,
        &amr,
        remember,
        &client,
    )
    .await?;
    Ok(resp)
}

/// `POST /account/security/totp/remove`: removes the app and the recovery codes. An app
/// still being set up is cancelled without the password (it never protected anything).
pub async fn remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<RemoveForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let factors = Factors::of(&state, user.user_id).await?;
    if factors.totp.is_none() && factors.recovery_left == 0 {
        return Ok(back(&state, FlashKind::Info, "flash-totp-off"));
    }
    if !factors.any() {
        state.store.remove_totp(user.user_id).await?;
        audit::record(
            &state,
            "factor.totp_cancelled",
            Some(user.user_id),
            &client,
            "",
        )
        .await;
        return Ok(back(&state, FlashKind::Info, "flash-totp-cancelled"));
    }
    let typed = ("remove_password", &form.remove_password);
    if let Some(page) = wrong_password(&state, &ctx, (user, &client), typed, "").await? {
        return Ok(page);
    }
    state.store.remove_totp(user.user_id).await?;
    audit::record(
        &state,
        "factor.totp_removed",
        Some(user.user_id),
        &client,
        "",
    )
    .await;
    tell(&state, &ctx, user, FactorChange::TotpRemoved).await?;
    Ok(back(&state, FlashKind::Success, "flash-totp-removed"))
}
