//! The per-account lock-out as the password forms use it. A login and the confirmation of a
//! verification link both prove an account's password, so both count toward the one counter
//! in `login_guard` (`store::login_guard`): a guesser gains nothing by switching forms, and
//! both answer a wait with the same `429` page.
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::mailing;
use crate::domain::clock::{DAY, Millis};
use crate::domain::password::{Password, Verified};
use crate::domain::user::User;
use crate::http::{AppState, PageCtx, PageError};
use crate::i18n::{self, FluentArg};
use crate::mail::message::MailKind;
use crate::store::login_guard::Attempt;

/// The outcome of [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Must wait until this instant; the password was not looked at.
    Locked {
        until: Millis,
    },
    Wrong,
    Right(Verified),
}

/// Counts one attempt on the lock-out key `guard` and, unless it must wait, verifies
/// `password` against `hash` (the dummy hash when `None`, so an identifier without an account
/// costs the same). A locked attempt runs no argon2 at all, so waiting attempts cost the
/// server nothing and prove nothing even with the right password. A wrong password that
/// starts a wait tells `owner` (at most once a day). A right one leaves the count to the
/// caller ([`cleared`]): a login with a second factor to come clears it only at the end.
pub async fn check(
    state: &AppState,
    guard: &str,
    owner: Option<&User>,
    password: Password,
    hash: Option<String>,
) -> Result<Checked, PageError> {
    let policy = state.config.limits.lockout_policy();
    let failures = match state
        .store
        .login_attempt(guard, state.now(), &policy)
        .await?
    {
        Attempt::Locked { until } => return Ok(Checked::Locked { until }),
        Attempt::Allowed { failures } => failures,
    };
    let verdict = state.hasher.verify(password, hash).await?;
    if verdict == Verified::No {
        if let Some(user) = owner
            && policy.wait_after(failures) > 0
        {
            let kind = MailKind::LoginLockout {
                reset_link: mailing::reset_link(state),
            };
            notify(state, guard, user, kind).await?;
        }
        return Ok(Checked::Wrong);
    }
    Ok(Checked::Right(verdict))
}

/// Clears the lock-out count of `guard` after a proof is complete.
pub async fn cleared(state: &AppState, guard: &str) -> Result<(), PageError> {
    Ok(state.store.login_succeeded(guard).await?)
}

/// Tells the owner with `kind`, at most once a day, that their account's login checks
/// (password or second factor) are locked for a while.
pub async fn notify(
    state: &AppState,
    guard: &str,
    user: &User,
    kind: MailKind,
) -> Result<(), PageError> {
    if !user.is_active
        || !state
            .store
            .claim_lockout_notice(guard, state.now(), DAY)
            .await?
    {
        return Ok(());
    }
    let lang = mailing::lang_for(user, i18n::Lang::default());
    // The address may not be verified yet (a sign-up with somebody else's address, locked at
    // login or at its link): then no name.
    let name = mailing::greeting_name(user);
    mailing::queue(state, lang, &user.email, name, kind).await
}

/// The answer to an attempt during a wait: `page` rendered with the "please wait N minutes"
/// message, as `429` with `Retry-After` in whole seconds. Every form shows the same message,
/// for existing and unknown identifiers alike.
pub fn wait_page(
    state: &AppState,
    ctx: &PageCtx,
    until: Millis,
    page: impl FnOnce(String, StatusCode) -> Response,
) -> Response {
    let secs = ((until - state.now()).max(1000) + 999) / 1000;
    let minutes = (secs + 59) / 60;
    let msg = i18n::t_args(
        ctx.lang,
        "login-error-locked",
        &[("minutes", FluentArg::Num(minutes as f64))],
    );
    let mut resp = page(msg, StatusCode::TOO_MANY_REQUESTS);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    resp
}
