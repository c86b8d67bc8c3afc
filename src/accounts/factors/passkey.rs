//! Passkeys on `/account/security`: add (password first, then the browser makes the key),
//! rename, remove (password again). The first second factor comes with recovery codes, as
//! with the authenticator app; every change is audited and mailed.
//!
//! Adding needs the page's script (`/static/passkey.js`): `POST …/passkeys/options` checks the
//! password and answers the creation options as JSON; the script asks the browser for the
//! key and posts its answer with an ordinary form to `POST …/passkeys`.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use webauthn_rs::prelude::{CredentialID, PasskeyRegistration, RegisterPublicKeyCredential};

use super::ceremony::{self, REGISTER};
use super::totp::{back, refused, tell, wrong_password};
use super::{Factors, recovery};
use crate::accounts::portal::current_password_ok;
use crate::domain::passkey::{NameError, clean_name};
use crate::domain::password::Password;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::PageForm;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::FactorChange;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OptionsForm {
    passkey_password: Password,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    ceremony: String,
    /// The browser's answer, as `PublicKeyCredential.toJSON()` gives it.
    credential: String,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenameForm {
    passkey_id: i64,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    passkey_id: i64,
    passkey_remove_password: Password,
}

fn name_error_key(e: NameError) -> &'static str {
    match e {
        NameError::Control => "passkey-error-name-control",
        NameError::TooLong => "passkey-error-name-long",
    }
}

/// `POST /account/security/passkeys/options`: after the password, the options for
/// `navigator.credentials.create()` (JSON).
pub async fn options(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<OptionsForm>,
) -> Result<Response, PageError> {
    let Some(rp) = ceremony::relying_party(&state) else {
        let msg = ctx.t("passkey-error-off");
        return Ok(ceremony::refusal(StatusCode::NOT_FOUND, msg));
    };
    let user = &auth.user;
    if let Err(e) = clean_name(&form.name) {
        return Ok(ceremony::refusal(
            StatusCode::BAD_REQUEST,
            ctx.t(name_error_key(e)),
        ));
    }
    if !current_password_ok(&state, user, &form.passkey_password).await? {
        let id = Some(user.user_id);
        audit::record(&state, "factor.refused", id, &client, "wrong_password").await;
        let msg = ctx.t("error-password-wrong");
        return Ok(ceremony::refusal(StatusCode::BAD_REQUEST, msg));
    }
    // A key already on the list is not made twice on one authenticator.
    let known: Vec<CredentialID> = state
        .store
        .passkeys(user.user_id)
        .await?
        .into_iter()
        .map(|p| p.credential_id)
        .collect();
    let handle = ceremony::user_handle(user);
    let started = rp.start_passkey_registration(
        handle,
        &user.email,
        &user.display_name,
        (!known.is_empty()).then_some(known),
    );
    let Some((options, verifier)) = started
        .ok()
        .and_then(|(o, v)| Some((serde_json::to_value(o).ok()?, v)))
    else {
        tracing::error!("cannot start a passkey registration");
        return Err(PageError::server());
    };
    // A discoverable credential where the authenticator can keep one, so the passkey also
    // logs in without a password (WebAuthn §5.4.6, `residentKey`); security keys short of
    // room still make one that works as a second factor.
    let mut options = options;
    if let Some(sel) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(|v| v.as_object_mut())
    {
        sel.insert("residentKey".into(), "preferred".into());
        sel.insert("requireResidentKey".into(), false.into());
    }
    ceremony::begin(&state, REGISTER, Some(user.user_id), &options, &verifier).await
}

/// `POST /account/security/passkeys`: the browser's new key, checked and kept.
pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let Some(rp) = ceremony::relying_party(&state) else {
        return Err(PageError::not_found());
    };
    let user = &auth.user;
    let taken = ceremony::take::<PasskeyRegistration>(&state, REGISTER, &form.ceremony).await?;
    let Some((Some(owner), verifier)) = taken else {
        return Ok(back(&state, FlashKind::Error, "flash-passkey-start-again"));
    };
    if owner != user.user_id {
        return Ok(back(&state, FlashKind::Error, "flash-passkey-start-again"));
    }
    let Ok(name) = clean_name(&form.name) else {
        return Ok(back(&state, FlashKind::Error, "flash-passkey-start-again"));
    };
    let answer: Option<RegisterPublicKeyCredential> = serde_json::from_str(&form.credential).ok();
    let made = answer.and_then(|a| rp.finish_passkey_registration(&a, &verifier).ok());
    let Some(passkey) = made else {
        audit::record(
            &state,
            "factor.refused",
            Some(user.user_id),
            &client,
            "passkey",
        )
        .await;
        return Ok(back(&state, FlashKind::Error, "flash-passkey-refused"));
    };
    let factors = Factors::of(&state, user.user_id).await?;
    let name = name
        .unwrap_or_else(|| format!("{} {}", ctx.t("passkey-default-name"), factors.passkeys + 1));
    let record = serde_json::to_string(&passkey).map_err(|_| PageError::server())?;
    let id: &[u8] = passkey.cred_id().as_ref();
    let now = state.now();
    if !state
        .store
        .insert_passkey(user.user_id, id, &name, &record, now)
        .await?
    {
        return Ok(back(&state, FlashKind::Error, "flash-passkey-known"));
    }
    audit::record(
        &state,
        "factor.passkey_added",
        Some(user.user_id),
        &client,
        &name,
    )
    .await;
    tell(&state, &ctx, user, FactorChange::PasskeyAdded).await?;
    if factors.recovery_left == 0 {
        return recovery::issue(&state, &ctx, user, &client, "flash-passkey-added", "").await;
    }
    Ok(back(&state, FlashKind::Success, "flash-passkey-added"))
}

/// `POST /account/security/passkeys/rename`.
pub async fn rename(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<RenameForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let key = match clean_name(&form.name) {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err("passkey-error-name-empty"),
        Err(e) => Err(name_error_key(e)),
    };
    let name = match key {
        Ok(name) => name,
        Err(key) => return refused(&state, &ctx, user, ("rename_name", key), "").await,
    };
    if !state
        .store
        .rename_passkey(user.user_id, form.passkey_id, &name)
        .await?
    {
        return Err(PageError::not_found());
    }
    audit::record(
        &state,
        "factor.passkey_renamed",
        Some(user.user_id),
        &client,
        &name,
    )
    .await;
    Ok(back(&state, FlashKind::Success, "flash-passkey-renamed"))
}

/// `POST /account/security/passkeys/remove`: with the password.
pub async fn remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<RemoveForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let typed = ("passkey_remove_password", &form.passkey_remove_password);
    if let Some(page) = wrong_password(&state, &ctx, (user, &client), typed, "").await? {
        return Ok(page);
    }
    if !state
        .store
        .remove_passkey(user.user_id, form.passkey_id)
        .await?
    {
        return Err(PageError::not_found());
    }
    let detail = format!("passkey_id={}", form.passkey_id);
    audit::record(
        &state,
        "factor.passkey_removed",
        Some(user.user_id),
        &client,
        &detail,
    )
    .await;
    tell(&state, &ctx, user, FactorChange::PasskeyRemoved).await?;
    Ok(back(&state, FlashKind::Success, "flash-passkey-removed"))
}
