//! `/login/second-factor`: the login's second step. The password step leaves a pending login
//! (`store::pending_logins`, five minutes, bound to a cookie); this page asks for a code from
//! the authenticator app or a recovery code, and only then starts the session.
//!
//! Every attempt counts toward the account's one lock-out counter (the password's), and the
//! counter is cleared only when the whole login succeeds: knowing the password does not buy
//! fresh guesses at the code.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::{Factors, now_secs, open_secret};
use crate::accounts::finished;
use crate::accounts::lockout;
use crate::accounts::mailing;
use crate::domain::clock::{MINUTE, Millis};
use crate::domain::next_path::safe_next;
use crate::domain::recovery_code::RecoveryCode;
use crate::domain::secret::SecretToken;
use crate::domain::totp::Check;
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::cookies;
use crate::http::flash::{self, FlashKind};
use crate::http::session::{CurrentUser, MaybeUser};
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};
use crate::mail::message::{FactorChange, MailKind};
use crate::store::login_guard::{self, Attempt};
use crate::store::pending_logins::PendingLogin;

/// Where the second step lives.
pub const PATH: &str = "/login/second-factor";
/// How long a person has between the password and the code.
const PENDING_FOR: Millis = 5 * MINUTE;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    /// `totp` or `recovery`.
    method: String,
    code: String,
}

/// After a right password for someone with a second factor: records the pending login and
/// sends the browser to the second step with its cookie.
pub async fn begin(
    state: &AppState,
    user: &User,
    amr: &[&str],
    remember: bool,
    next: &str,
    client: &ClientInfo,
) -> Result<Response, PageError> {
    let now = state.now();
    let token = SecretToken::generate();
    let pending = PendingLogin {
        login_hash: token.hash(),
        user_id: user.user_id,
        amr: amr.join(" "),
        remember,
        next_path: next.to_owned(),
        created_at: now,
        expires_at: now + PENDING_FOR,
    };
    state.store.insert_pending_login(&pending).await?;
    audit::record(state, "login.second_step", Some(user.user_id), client, "").await;
    let mut resp = Redirect::to(PATH).into_response();
    let https = state.config.https();
    cookies::set(
        &mut resp,
        cookies::LOGIN,
        token.expose(),
        https,
        Some(PENDING_FOR / 1000),
    );
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepUpQuery {
    next: String,
}

/// `GET /login/step-up?next=…`: an application needs two factors from someone logged in
/// with one. They take the second step without typing the password again; once it is done,
/// the same session (same `sid`) carries `otp mfa` and a new `auth_time`. Without a second
/// factor they are sent to set one up first, and on to `next` after.
pub async fn step_up(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    Query(q): Query<StepUpQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(&q.next).unwrap_or("/account");
    if !Factors::of(&state, auth.user.user_id).await?.any() {
        let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        return Ok(Redirect::to(&format!("{}?next={next}", super::security::PATH)).into_response());
    }
    let amr: Vec<&str> = auth
        .session
        .amr
        .split_whitespace()
        .filter(|m| !matches!(*m, "otp" | "mfa"))
        .collect();
    begin(
        &state,
        &auth.user,
        &amr,
        auth.session.remember,
        next,
        &client,
    )
    .await
}

/// The pending login this browser's cookie names, if it is still live.
pub(super) async fn pending(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<(SecretToken, PendingLogin)>, PageError> {
    let Some(token) = cookies::get(headers, cookies::LOGIN, state.config.https())
        .and_then(|v| SecretToken::from_untrusted(&v))
    else {
        return Ok(None);
    };
    let found = state
        .store
        .pending_login(&token.hash(), state.now())
        .await?;
    Ok(found.map(|p| (token, p)))
}

/// Back to the password step: the pending login is gone (expired, used, or never there).
pub(super) fn start_over(state: &AppState) -> Response {
    let https = state.config.https();
    let mut resp = Redirect::to("/login").into_response();
    cookies::remove(&mut resp, cookies::LOGIN, https);
    flash::set(&mut resp, FlashKind::Info, "flash-login-start-over", https);
    resp
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    let Some((_, pending)) = pending(&state, &headers).await? else {
        return Ok(start_over(&state));
    };
    let factors = Factors::of(&state, pending.user_id).await?;
    if !factors.any() {
        return Ok(start_over(&state));
    }
    Ok(render(&state, &ctx, &factors, "totp", None, StatusCode::OK))
}

fn render(
    state: &AppState,
    ctx: &PageCtx,
    factors: &Factors,
    method: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let extra = context! {
        has_totp => factors.totp_enabled().is_some(),
        has_passkey => factors.passkeys > 0 && state.passkeys.is_ok(),
        has_recovery => factors.recovery_left > 0,
        method => if method == "recovery" { "recovery" } else { "totp" },
        error => error,
    };
    ctx.render(state, status, "accounts/second_factor.html", extra)
}

/// What the typed code proved.
enum Proof {
    /// An authenticator code for a new time step.
    Totp,
    /// A recovery code; this many are left.
    Recovery(i64),
    /// Nothing: wrong, replayed, or not a code at all.
    Nothing(&'static str),
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(current): MaybeUser,
    client: ClientInfo,
    headers: axum::http::HeaderMap,
    PageForm(form): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    let Some((token, pending)) = pending(&state, &headers).await? else {
        state.metrics.login_failed("expired_step");
        return Ok(start_over(&state));
    };
    let user = match state.store.user_by_id(pending.user_id).await? {
        Some(u) if u.is_active => u,
        other => {
            let id = other.map(|u| u.user_id);
            audit::record(&state, "login.failure", id, &client, "disabled").await;
            state.metrics.login_failed("disabled");
            state.store.drop_pending_login(&token.hash()).await?;
            return Ok(start_over(&state));
        }
    };
    let factors = Factors::of(&state, user.user_id).await?;
    if !factors.any() {
        return Ok(start_over(&state));
    }
    let guard = login_guard::account_key(user.user_id);
    let policy = state.config.limits.lockout_policy();
    let failures = match state
        .store
        .login_attempt(&guard, state.now(), &policy)
        .await?
    {
        Attempt::Locked { until } => {
            audit::record(
                &state,
                "login.locked",
                Some(user.user_id),
                &client,
                "second_step",
            )
            .await;
            state.metrics.login_failed("locked");
            return Ok(lockout::wait_page(&state, &ctx, until, |msg, status| {
                render(&state, &ctx, &factors, &form.method, Some(msg), status)
            }));
        }
        Attempt::Allowed { failures } => failures,
    };
    let proof = prove(&state, &user, &factors, &form).await?;
    if let Proof::Nothing(reason) = proof {
        audit::record(&state, "login.failure", Some(user.user_id), &client, reason).await;
        state.metrics.login_failed("wrong_code");
        if policy.wait_after(failures) > 0 {
            // The password was right: this mail says so, and asks for a new one.
            let kind = MailKind::FactorChanged {
                change: FactorChange::CodeLockout,
                reset_link: mailing::reset_link(&state),
            };
            lockout::notify(&state, &guard, &user, kind).await?;
        }
        let msg = ctx.t(if form.method == "recovery" {
            "second-factor-error-recovery"
        } else {
            "second-factor-error-totp"
        });
        return Ok(render(
            &state,
            &ctx,
            &factors,
            &form.method,
            Some(msg),
            StatusCode::BAD_REQUEST,
        ));
    }
    // The one request that takes the pending login finishes it.
    let Some(pending) = state
        .store
        .take_pending_login(&token.hash(), state.now())
        .await?
    else {
        state.metrics.login_failed("expired_step");
        return Ok(start_over(&state));
    };
    state.store.login_succeeded(&guard).await?;
    let mut amr: Vec<&str> = pending.amr.split_whitespace().collect();
    // RFC 8176 §2: `otp` for a one-time code (an app's, or a recovery code), `mfa` when more
    // than one factor was used.
    amr.push("otp");
    amr.push("mfa");
    let mut resp = finished::finish(
        &state,
        current.as_ref(),
        &user,
        &amr,
        pending.remember,
        &pending.next_path,
        &client,
    )
    .await?;
    cookies::remove(&mut resp, cookies::LOGIN, state.config.https());
    if let Proof::Recovery(left) = proof {
        recovery_used(&state, &ctx, &user, left, &client, &mut resp).await?;
    }
    Ok(resp)
}

/// Checks the typed code against what the person has.
async fn prove(
    state: &AppState,
    user: &User,
    factors: &Factors,
    form: &CodeForm,
) -> Result<Proof, PageError> {
    if form.code.len() > 64 {
        return Ok(Proof::Nothing("malformed"));
    }
    if form.method == "recovery" {
        let Some(code) = RecoveryCode::from_typed(&form.code) else {
            return Ok(Proof::Nothing("wrong_recovery_code"));
        };
        return Ok(
            match state
                .store
                .use_recovery_code(user.user_id, &code.hash(), state.now())
                .await?
            {
                Some(left) => Proof::Recovery(left),
                None => Proof::Nothing("wrong_recovery_code"),
            },
        );
    }
    let Some(row) = factors.totp_enabled() else {
        return Ok(Proof::Nothing("wrong_code"));
    };
    let Some(secret) = open_secret(state, row) else {
        return Ok(Proof::Nothing("wrong_code"));
    };
    let last = row.last_step.and_then(|s| u64::try_from(s).ok());
    Ok(match secret.check(&form.code, now_secs(state), last) {
        Check::Accepted { step } => {
            let step = i64::try_from(step).unwrap_or(i64::MAX);
            // Atomic: of two requests with one code, only the first records its step.
            if state
                .store
                .accept_totp_step(user.user_id, step, state.now())
                .await?
            {
                Proof::Totp
            } else {
                Proof::Nothing("replayed_code")
            }
        }
        Check::Replayed => Proof::Nothing("replayed_code"),
        Check::Wrong => Proof::Nothing("wrong_code"),
    })
}

/// A recovery code let the person in: the page says how many are left, the audit trail and
/// the person's mailbox learn of it.
async fn recovery_used(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    left: i64,
    client: &ClientInfo,
    resp: &mut Response,
) -> Result<(), PageError> {
    audit::record(
        state,
        "factor.recovery_code_used",
        Some(user.user_id),
        client,
        &format!("left={left}"),
    )
    .await;
    flash::set_count(
        resp,
        FlashKind::Info,
        "flash-recovery-code-used",
        left,
        state.config.https(),
    );
    let kind = MailKind::FactorChanged {
        change: FactorChange::RecoveryCodeUsed { left },
        reset_link: mailing::reset_link(state),
    };
    let lang = mailing::lang_for(user, ctx.lang);
    mailing::queue(state, lang, &user.email, &user.display_name, kind).await?;
    Ok(())
}
