//! What the account portal's pages share: re-checking the current password (throttled like
//! a login), and the password rules for a new password.
use axum::http::HeaderValue;
use axum::http::header::REFERRER_POLICY;
use axum::response::Response;

use super::signup::password_message;
use crate::domain::password::{NO_PASSWORD, Password, Verified};
use crate::domain::user::User;
use crate::http::form::FieldErrors;
use crate::http::{AppState, PageError};
use crate::i18n::{self, Lang};
use crate::store::login_guard::{self, Attempt};

/// Keeps a token in the URL out of `Referer` headers of anything the page links to.
pub fn no_referrer(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// Whether the account has a password at all (not [`NO_PASSWORD`]: an account made at a login
/// through another provider, or imported without one).
pub async fn has_password(state: &AppState, user: &User) -> Result<bool, PageError> {
    Ok(state
        .store
        .credentials(&user.email_normalized, true)
        .await?
        .is_some_and(|(_, hash)| hash != NO_PASSWORD))
}

/// Whether `password` is the account's current one. It always costs one argon2 verification;
/// each attempt counts toward the account's login lock-out, and while the account is locked
/// even the right password is refused (as at login).
pub async fn current_password_ok(
    state: &AppState,
    user: &User,
    pw: &Password,
) -> Result<bool, PageError> {
    let guard = login_guard::account_key(user.user_id);
    let malformed = pw.is_empty() || !pw.within_cap();
    let limited = !malformed
        && matches!(
            state
                .store
                .login_attempt(&guard, state.now(), &state.config.limits.lockout_policy())
                .await?,
            Attempt::Locked { .. }
        );
    let hash = if malformed || limited {
        None
    } else {
        state
            .store
            .credentials(&user.email_normalized, true)
            .await?
            .map(|(_, h)| h)
    };
    let verdict = state.hasher.verify(pw.clone(), hash).await?;
    if verdict == Verified::No {
        return Ok(false);
    }
    state.store.login_succeeded(&guard).await?;
    Ok(true)
}

/// Checks a new password and its confirmation against the sign-up rules.
pub fn new_password(
    state: &AppState,
    lang: Lang,
    user: &User,
    pw: &Password,
    confirm: &Password,
    errors: &mut FieldErrors,
) -> Option<Password> {
    if pw.is_empty() {
        errors.add("password", i18n::t(lang, "error-required"));
        return None;
    }
    let policy = state.config.accounts.password_policy();
    if let Err(problem) = policy.check(pw, &user.personal_values()) {
        errors.add("password", password_message(problem, lang));
        return None;
    }
    if pw != confirm {
        errors.add("password_confirm", i18n::t(lang, "error-password-mismatch"));
        return None;
    }
    Some(pw.clone())
}
