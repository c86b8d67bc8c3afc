//! `/login`: email or username plus password, as a small state machine: identify → first
//! factor (password) → second factor when one is enrolled (`factors::second_step`) → session.
//!
//! Every failure that does not prove the password (unknown account, wrong password, disabled
//! account, rate limit) gives one message and costs one argon2 verification. Only someone who
//! knows the password learns that the address is not verified yet.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::factors::Factors;
use super::factors::second_step;
use super::finished;
use super::lockout::{self, Checked};
use crate::domain::clock::Millis;
use crate::domain::email_address;
use crate::domain::next_path::safe_next;
use crate::domain::password::{Password, Verified};
use crate::domain::user::User;
use crate::domain::username;
use crate::http::client::ClientInfo;
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm, rate_limit};
use crate::store::login_guard;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    reauth: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    identifier: String,
    password: Password,
    remember: String,
    next: String,
    reauth: String,
}

/// Where a login attempt ends up.
enum Step {
    /// Proven: start a session with these methods.
    Done {
        user: Box<User>,
        amr: Vec<&'static str>,
    },
    /// The password was right and a second factor is enrolled: the second step comes next.
    SecondFactor {
        user: Box<User>,
        amr: Vec<&'static str>,
    },
    /// The password was right but the address is not verified.
    Unverified(i64),
    /// Too many counted attempts on this account (or identifier): wait until the instant.
    Locked(Millis, Option<i64>),
    /// Anything else (reason, account if known); the person sees one generic message.
    Failed(&'static str, Option<i64>),
}

fn destination(next: &str) -> String {
    safe_next(next).unwrap_or("/account").to_owned()
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<LoginQuery>,
) -> Response {
    let reauth = q.reauth == "1";
    if user.is_some() && !reauth {
        return Redirect::to(&destination(&q.next)).into_response();
    }
    render(
        &state,
        &ctx,
        &q.next,
        reauth,
        "",
        None,
        false,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render(
    state: &AppState,
    ctx: &PageCtx,
    next: &str,
    reauth: bool,
    identifier: &str,
    error: Option<String>,
    show_resend: bool,
    status: StatusCode,
) -> Response {
    let extra = context! {
        next => safe_next(next).unwrap_or_default(),
        reauth => reauth,
        identifier => identifier,
        error => error,
        show_resend => show_resend,
        passkeys => state.passkeys.is_ok(),
        upstreams => upstream_buttons(state, next, reauth),
    };
    ctx.render(state, status, "accounts/login.html", extra)
}

/// One "Log in with …" link per configured upstream provider, carrying `next`.
/// The providers' buttons, carrying `next`; on a page that asks to log in again, they ask the
/// provider for a fresh login too (`reauth=1`, passed on as `prompt=login`).
fn upstream_buttons(state: &AppState, next: &str, reauth: bool) -> Vec<minijinja::Value> {
    let next = safe_next(next).map(|n| n.to_owned());
    let query = {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if reauth {
            q.append_pair("reauth", "1");
        }
        if let Some(n) = &next {
            q.append_pair("next", n);
        }
        q.finish()
    };
    state
        .config
        .upstream
        .iter()
        .map(|(name, p)| {
            let href = if query.is_empty() {
                format!("/login/upstream/{name}")
            } else {
                format!("/login/upstream/{name}?{query}")
            };
            context! { href => href, label => p.label.clone(), icon => p.icon.clone() }
        })
        .collect()
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(current): MaybeUser,
    client: ClientInfo,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let reauth = form.reauth == "1";
    if current.is_some() && !reauth {
        return Ok(Redirect::to(&destination(&form.next)).into_response());
    }
    let step = authenticate(&state, &form, &client).await?;
    let (reason, user_id) = match step {
        Step::Done { user, amr } => {
            let next = destination(&form.next);
            let remember = form.remember == "1";
            return finished::finish(
                &state,
                current.as_ref(),
                &user,
                &amr,
                remember,
                &next,
                &client,
            )
            .await;
        }
        Step::SecondFactor { user, amr } => {
            let next = destination(&form.next);
            let remember = form.remember == "1";
            return second_step::begin(&state, &user, &amr, remember, &next, &client).await;
        }
        Step::Unverified(user_id) => {
            audit::record(&state, "login.unverified", Some(user_id), &client, "").await;
            state.metrics.login_failed("unverified");
            let msg = ctx.t("login-error-unverified");
            return Ok(render(
                &state,
                &ctx,
                &form.next,
                reauth,
                &form.identifier,
                Some(msg),
                true,
                StatusCode::BAD_REQUEST,
            ));
        }
        Step::Locked(until, user_id) => {
            audit::record(&state, "login.locked", user_id, &client, "").await;
            state.metrics.login_failed("locked");
            return Ok(locked_page(&state, &ctx, &form, reauth, until));
        }
        Step::Failed(reason, user_id) => (reason, user_id),
    };
    audit::record(&state, "login.failure", user_id, &client, reason).await;
    state.metrics.login_failed(reason);
    let msg = ctx.t("login-error-generic");
    Ok(render(
        &state,
        &ctx,
        &form.next,
        reauth,
        &form.identifier,
        Some(msg),
        false,
        StatusCode::BAD_REQUEST,
    ))
}

/// identify → password → (second factor, when enrolled) → done.
async fn authenticate(
    state: &AppState,
    form: &LoginForm,
    client: &ClientInfo,
) -> Result<Step, PageError> {
    let password = form.password.clone();
    // Identify. An over-long password or identifier is refused before any hashing work, and
    // so is an identifier with a control character (no account has one; PostgreSQL would
    // refuse a NUL byte in the throttle bucket and turn the answer into a 503).
    let identifier = form.identifier.trim();
    if identifier.is_empty()
        || identifier.len() > 320
        || identifier.chars().any(char::is_control)
        || form.password.is_empty()
        || !password.within_cap()
    {
        return Ok(Step::Failed("malformed", None));
    }
    let by_email = identifier.contains('@');
    let key = if by_email {
        email_address::normalize(identifier).unwrap_or_default()
    } else {
        username::normalize(identifier)
    };
    let candidate = if key.is_empty() {
        None
    } else {
        state.store.credentials(&key, by_email).await?
    };
    // The lock-out counts per account (by id, so email and username share one count) and
    // per unknown identifier alike, so a lock-out tells nothing about whether an account exists.
    let guard = match &candidate {
        Some((u, _)) => login_guard::account_key(u.user_id),
        None => login_guard::unknown_key(&key),
    };
    let limits = &state.config.limits;
    let limited = rate_limit::over_limit(
        state,
        &format!("login:ip:{}", client.limit_key),
        limits.login_per_ip,
    )
    .await?;
    if limited {
        // Not counted toward the lock-out, but one dummy verification all the same, so a
        // throttled attempt looks and takes like a wrong password.
        state.hasher.verify(password, None).await?;
        return Ok(match candidate {
            Some((u, _)) => Step::Failed("rate_limited", Some(u.user_id)),
            None => Step::Failed("unknown_account", None),
        });
    }
    // First factor: one argon2 verification, real or dummy, unless the lock-out says wait
    // (then none, for known and unknown identifiers alike).
    let (user, hash) = match candidate {
        Some((u, h)) => (Some(u), Some(h)),
        None => (None, None),
    };
    let checked = lockout::check(state, &guard, user.as_ref(), password.clone(), hash).await?;
    let id = user.as_ref().map(|u| u.user_id);
    let verdict = match checked {
        Checked::Locked { until } => return Ok(Step::Locked(until, id)),
        Checked::Wrong if id.is_some() => return Ok(Step::Failed("wrong_password", id)),
        Checked::Wrong => return Ok(Step::Failed("unknown_account", None)),
        Checked::Right(verdict) => verdict,
    };
    // A dummy hash never matches, so a right password always comes with an account.
    let Some(user) = user else {
        return Ok(Step::Failed("unknown_account", None));
    };
    if !user.is_active {
        return Ok(Step::Failed("disabled", id));
    }
    if !user.email_verified {
        return Ok(Step::Unverified(user.user_id));
    }
    if verdict == Verified::YesRehash {
        let fresh = state.hasher.hash(password).await?;
        state
            .store
            .set_password_hash(user.user_id, &fresh, state.now())
            .await?;
    }
    // The lock-out count is cleared only when the whole login is proven: with a second
    // factor to come, a right password buys no fresh guesses at the code.
    let amr = vec!["pwd"];
    if Factors::of(state, user.user_id).await?.any() {
        return Ok(Step::SecondFactor {
            user: Box::new(user),
            amr,
        });
    }
    lockout::cleared(state, &guard).await?;
    Ok(Step::Done {
        user: Box::new(user),
        amr,
    })
}

/// `429` with `Retry-After` and the "please wait" message, the same for every identifier.
fn locked_page(
    state: &AppState,
    ctx: &PageCtx,
    form: &LoginForm,
    reauth: bool,
    until: Millis,
) -> Response {
    lockout::wait_page(state, ctx, until, |msg, status| {
        render(
            state,
            ctx,
            &form.next,
            reauth,
            &form.identifier,
            Some(msg),
            false,
            status,
        )
    })
}
