//! `/account/profile`: display name, given and family name, username and preferred language.
//! Only these fields are read from the form, whatever else is posted.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::mailing::{queue, reset_link};
use crate::domain::user::{MAX_NAME_LEN, User, name_fits};
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::{FieldErrors, PageForm, render_form};
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, cookies};
use crate::i18n::{self, Lang};
use crate::mail::message::MailKind;
use crate::store::account::ProfileUpdate;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    display_name: String,
    given_name: String,
    family_name: String,
    username: String,
    locale: String,
}

impl ProfileForm {
    fn from_user(u: &User) -> Self {
        Self {
            display_name: u.display_name.clone(),
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
            username: u.username.clone().unwrap_or_default(),
            locale: u.locale.clone().unwrap_or_default(),
        }
    }
}

pub async fn profile_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Response {
    let form = ProfileForm::from_user(&auth.user);
    render(&state, &ctx, &form, &FieldErrors::new())
}

fn render(state: &AppState, ctx: &PageCtx, form: &ProfileForm, errors: &FieldErrors) -> Response {
    let extra = context! {
        form => context! {
            display_name => form.display_name.clone(),
            given_name => form.given_name.clone(),
            family_name => form.family_name.clone(),
            username => form.username.clone(),
            locale => form.locale.clone(),
        },
        max_name => MAX_NAME_LEN,
    };
    render_form(state, ctx, "portal/profile.html", errors, extra)
}

/// A name field: trimmed, at most [`MAX_NAME_LEN`] characters, no control characters.
fn name(
    value: &str,
    required: bool,
    field: &'static str,
    lang: Lang,
    errors: &mut FieldErrors,
) -> String {
    let v = value.trim().to_owned();
    if required && v.is_empty() {
        errors.add(field, i18n::t(lang, "error-required"));
    } else if !name_fits(&v) {
        let msg = i18n::t_args(lang, "error-name-too-long", &[("max", MAX_NAME_LEN.into())]);
        errors.add(field, msg);
    }
    v
}

fn validate(form: &ProfileForm, lang: Lang) -> Result<ProfileUpdate, FieldErrors> {
    let mut errors = FieldErrors::new();
    let display_name = name(&form.display_name, true, "display_name", lang, &mut errors);
    let given_name = name(&form.given_name, false, "given_name", lang, &mut errors);
    let family_name = name(&form.family_name, false, "family_name", lang, &mut errors);
    let username = errors.optional_username("username", &form.username, lang);
    let locale = match form.locale.as_str() {
        "" => None,
        tag => match Lang::from_tag(tag) {
            Some(l) if l.code() == tag => Some(l.code().to_owned()),
            _ => {
                errors.add("locale", i18n::t(lang, "error-locale-invalid"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ProfileUpdate {
        display_name,
        given_name,
        family_name,
        username: username.as_ref().map(|u| u.as_str().to_owned()),
        username_normalized: username.as_ref().map(|u| u.normalized().to_owned()),
        locale,
    })
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<ProfileForm>,
) -> Result<Response, PageError> {
    let update = match validate(&form, ctx.lang) {
        Ok(u) => u,
        Err(errors) => return Ok(render(&state, &ctx, &form, &errors)),
    };
    let user_id = auth.user.user_id;
    match state
        .store
        .update_profile(user_id, &update, state.now())
        .await
    {
        Ok(()) => {}
        Err(e) if e.is_conflict_on("username") => {
            let errors = FieldErrors::one("username", ctx.t("error-username-taken"));
            return Ok(render(&state, &ctx, &form, &errors));
        }
        Err(e) => return Err(e.into()),
    }
    let username_changed = update.username != auth.user.username;
    let detail = if username_changed { "username" } else { "" };
    audit::record(&state, "profile.updated", Some(user_id), &client, detail).await;
    if username_changed {
        // The username is a login identifier: its owner hears of every change.
        let kind = MailKind::UsernameChanged {
            username: update.username.clone().unwrap_or_default(),
            reset_link: reset_link(&state),
        };
        let u = &auth.user;
        let lang = update
            .locale
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or(ctx.lang);
        queue(&state, lang, &u.email, &update.display_name, kind).await?;
    }
    let mut resp = Redirect::to("/account/profile").into_response();
    let https = state.config.https();
    if let Some(locale) = &update.locale {
        // The chosen language applies to the pages at once.
        cookies::set(
            &mut resp,
            cookies::LANG,
            locale,
            https,
            Some(365 * 24 * 3600),
        );
    }
    flash::set(&mut resp, FlashKind::Success, "flash-profile-saved", https);
    Ok(resp)
}
