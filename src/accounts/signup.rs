//! `/signup`: create an unverified account and mail a verification link. An address that is
//! already registered gets the same page (and the same hashing work); its owner is told by mail.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{lang_for, send_signup_attempt, send_verification};
use crate::domain::email_address::EmailAddress;
use crate::domain::password::{Password, PasswordPolicy, PasswordProblem};
use crate::domain::user::{MAX_NAME_LEN, name_fits};
use crate::domain::username::Username;
use crate::http::client::ClientInfo;
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageCtx, PageError, audit, rate_limit};
use crate::i18n::{self, Lang};
use crate::store::StoreError;
use crate::store::users::NewUser;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    email: String,
    username: String,
    name: String,
    password: Password,
    password_confirm: Password,
}

/// Sign-up is closed (`accounts.signup_open = false`): accounts come from an administrator, an
/// import, or a first login through an upstream provider that may create them.
const CLOSED: PageError = PageError::new(
    axum::http::StatusCode::FORBIDDEN,
    "signup-closed-title",
    "signup-closed-body",
);

pub async fn signup_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(user): MaybeUser,
) -> Response {
    if user.is_some() {
        return Redirect::to("/account").into_response();
    }
    if !state.config.accounts.signup_open {
        return CLOSED.into_response();
    }
    render(&state, &ctx, &SignupForm::default(), &FieldErrors::new())
}

fn render(state: &AppState, ctx: &PageCtx, form: &SignupForm, errors: &FieldErrors) -> Response {
    let extra = context! {
        form => context! {
            email => form.email.clone(),
            username => form.username.clone(),
            name => form.name.clone(),
        },
        min_length => state.config.accounts.password_min_length,
    };
    render_form(state, ctx, "accounts/signup.html", errors, extra)
}

/// The fields as domain values, or the message for each field that is wrong.
struct Valid {
    email: EmailAddress,
    username: Option<Username>,
    name: String,
    password: Password,
}

fn validate(form: &SignupForm, policy: PasswordPolicy, lang: Lang) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = errors.email("email", &form.email, lang);
    let username = errors.optional_username("username", &form.username, lang);
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", i18n::t(lang, "error-required"));
    } else if !name_fits(&name) {
        errors.add(
            "name",
            i18n::t_args(lang, "error-name-too-long", &[("max", MAX_NAME_LEN.into())]),
        );
    }
    let password = form.password.clone();
    if form.password.is_empty() {
        errors.add("password", i18n::t(lang, "error-required"));
    } else {
        let personal = [form.email.as_str(), form.username.as_str(), name.as_str()];
        if let Err(problem) = policy.check(&password, &personal) {
            errors.add("password", password_message(problem, lang));
        } else if form.password != form.password_confirm {
            errors.add("password_confirm", i18n::t(lang, "error-password-mismatch"));
        }
    }
    match email {
        Some(email) if errors.is_empty() => Ok(Valid {
            email,
            username,
            name,
            password,
        }),
        _ => Err(errors),
    }
}

pub fn password_message(problem: PasswordProblem, lang: Lang) -> String {
    match problem {
        PasswordProblem::TooShort { min } => {
            i18n::t_args(lang, "error-password-too-short", &[("min", min.into())])
        }
        PasswordProblem::TooLong { max } => {
            i18n::t_args(lang, "error-password-too-long", &[("max", max.into())])
        }
        PasswordProblem::EntirelyNumeric => i18n::t(lang, "error-password-entirely-numeric"),
        PasswordProblem::TooSimilar => i18n::t(lang, "error-password-too-similar"),
        PasswordProblem::TooCommon => i18n::t(lang, "error-password-too-common"),
    }
}

pub async fn signup(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(user): MaybeUser,
    client: ClientInfo,
    PageForm(form): PageForm<SignupForm>,
) -> Result<Response, PageError> {
    if user.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    if !state.config.accounts.signup_open {
        return Err(CLOSED);
    }
    if rate_limit::over_limit(
        &state,
        &format!("signup:ip:{}", client.limit_key),
        state.config.limits.signup_per_ip,
    )
    .await?
    {
        return Err(PageError::too_many());
    }
    let policy = state.config.accounts.password_policy();
    let valid = match validate(&form, policy, ctx.lang) {
        Ok(v) => v,
        Err(errors) => return Ok(render(&state, &ctx, &form, &errors)),
    };
    // Hash before looking anything up, so new and existing addresses cost the same.
    let hash = state.hasher.hash(valid.password.clone()).await?;
    if let Some(existing) = state.store.user_by_email(valid.email.normalized()).await? {
        // The owner hears of it, but a flood of attempts cannot flood their inbox.
        let bucket = format!("signup-notice:user:{}", existing.user_id);
        if !rate_limit::over_limit(&state, &bucket, state.config.limits.resend_per_address).await? {
            send_signup_attempt(&state, &existing, lang_for(&existing, ctx.lang)).await?;
        }
        audit::record(
            &state,
            "signup.duplicate",
            Some(existing.user_id),
            &client,
            "",
        )
        .await;
        return Ok(done(&state, &ctx, &valid.email));
    }
    let new = NewUser {
        locale: Some(ctx.lang.code().to_owned()),
        ..NewUser::new(&valid.email, valid.username.as_ref(), valid.name, hash)
    };
    let created = match state.store.create_account(new, state.now()).await {
        Ok(u) => u,
        Err(e) if e.is_conflict_on("username") => {
            let errors = FieldErrors::one("username", ctx.t("error-username-taken"));
            return Ok(render(&state, &ctx, &form, &errors));
        }
        Err(StoreError::Conflict { .. }) => {
            // The address was registered a moment ago by a concurrent request: same answer.
            return Ok(done(&state, &ctx, &valid.email));
        }
        Err(e) => return Err(e.into()),
    };
    send_verification(&state, &created, ctx.lang).await?;
    audit::record(&state, "signup", Some(created.user_id), &client, "").await;
    state.metrics.signed_up();
    Ok(done(&state, &ctx, &valid.email))
}

fn done(state: &AppState, ctx: &PageCtx, email: &EmailAddress) -> Response {
    ctx.ok(
        state,
        "accounts/signup_done.html",
        context! { email => email.as_str() },
    )
}

#[cfg(test)]
mod tests {
    use super::SignupForm;

    #[test]
    fn a_logged_form_never_shows_the_passwords() {
        let form: SignupForm = serde_urlencoded::from_str(
            "email=a%40example.com&password=hunter2-secret&password_confirm=hunter2-secret",
        )
        .unwrap();
        let shown = format!("{form:?}");
        assert!(shown.contains("a@example.com"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
