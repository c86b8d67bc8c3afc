//! Logging in with a passkey: as the second step after the password, or instead of the
//! password ("Sign in with a passkey", discoverable credentials with user verification).
//!
//! `POST /login/passkey/options` answers the request options as JSON: for the person whose
//! login waits for its second step (their passkeys), or for anyone (the browser offers the
//! passkeys it holds for this site). `POST /login/passkey` takes the browser's answer, checks
//! it against the stored ceremony (once) and the stored key, moves the key's counter on and
//! starts the session. Every refusal sends the person back with one message.
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PublicKeyCredential,
};

use super::ceremony::{self, DISCOVER, SECOND_STEP};
use super::second_step::{PATH as SECOND_STEP_PATH, pending, start_over};
use crate::accounts::finished;
use crate::domain::next_path::safe_next;
use crate::domain::passkey::AMR;
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::cookies;
use crate::http::flash::{self, FlashKind};
use crate::http::form::PageForm;
use crate::http::session::MaybeUser;
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::store::login_guard;
use crate::store::passkeys::PasskeyRow;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    ceremony: String,
    /// The browser's answer, as `PublicKeyCredential.toJSON()` gives it.
    credential: String,
    /// `second_step` or `discover`: which options the script asked for.
    step: String,
    /// For a login without a password: where to go on, and "keep me logged in".
    next: String,
    remember: String,
}

/// The options request carries nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct OptionsForm {}

/// `POST /login/passkey/options`: the options for `navigator.credentials.get()` (JSON).
pub async fn options(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    PageForm(OptionsForm {}): PageForm<OptionsForm>,
) -> Result<Response, PageError> {
    let Some(rp) = ceremony::relying_party(&state) else {
        let msg = ctx.t("passkey-error-off");
        return Ok(ceremony::refusal(StatusCode::NOT_FOUND, msg));
    };
    if let Some((_, waiting)) = pending(&state, &headers).await? {
        let keys = passkeys_of(&state, waiting.user_id).await?;
        if keys.is_empty() {
            let msg = ctx.t("passkey-error-none");
            return Ok(ceremony::refusal(StatusCode::BAD_REQUEST, msg));
        }
        let keys: Vec<Passkey> = keys.into_iter().map(|(_, k)| k).collect();
        let Ok((options, verifier)) = rp.start_passkey_authentication(&keys) else {
            return Err(PageError::server());
        };
        let user = Some(waiting.user_id);
        return ceremony::begin(&state, SECOND_STEP, user, &options, &verifier).await;
    }
    let Ok((options, verifier)) = rp.start_discoverable_authentication() else {
        return Err(PageError::server());
    };
    ceremony::begin(&state, DISCOVER, None, &options, &verifier).await
}

/// The person's passkeys with the verifier's records (a record that no longer parses is
/// logged and left out: it cannot log anyone in).
async fn passkeys_of(
    state: &AppState,
    user_id: i64,
) -> Result<Vec<(PasskeyRow, Passkey)>, PageError> {
    Ok(state
        .store
        .passkeys(user_id)
        .await?
        .into_iter()
        .filter_map(|row| match serde_json::from_str(&row.credential) {
            Ok(key) => Some((row, key)),
            Err(e) => {
                tracing::error!(error = %e, passkey_id = row.passkey_id, "unreadable passkey");
                None
            }
        })
        .collect())
}

/// `POST /login/passkey`: the browser's answer.
pub async fn answer(
    State(state): State<AppState>,
    MaybeUser(current): MaybeUser,
    client: ClientInfo,
    headers: HeaderMap,
    PageForm(form): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let Some(rp) = ceremony::relying_party(&state) else {
        return Err(PageError::not_found());
    };
    let Ok(credential) = serde_json::from_str::<PublicKeyCredential>(&form.credential) else {
        return Ok(refused(&state, &form.step, None, &client, "malformed").await);
    };
    if form.step == SECOND_STEP {
        return second_step(
            &state,
            rp,
            current.as_ref(),
            &client,
            &headers,
            &form,
            &credential,
        )
        .await;
    }
    let taken =
        ceremony::take::<DiscoverableAuthentication>(&state, DISCOVER, &form.ceremony).await?;
    let Some((_, verifier)) = taken else {
        return Ok(refused(&state, DISCOVER, None, &client, "ceremony").await);
    };
    let Ok((handle, credential_id)) = rp.identify_discoverable_authentication(&credential) else {
        return Ok(refused(&state, DISCOVER, None, &client, "no_user_handle").await);
    };
    let Some(row) = state.store.passkey_by_credential(credential_id).await? else {
        return Ok(refused(&state, DISCOVER, None, &client, "unknown_passkey").await);
    };
    let Some(user) = active_user(&state, row.user_id).await? else {
        return Ok(refused(&state, DISCOVER, Some(row.user_id), &client, "disabled").await);
    };
    // The key names the account it was made for: it must be the account that holds it.
    if ceremony::user_handle(&user) != handle {
        return Ok(refused(&state, DISCOVER, Some(user.user_id), &client, "wrong_user").await);
    }
    let Ok(key) = serde_json::from_str::<Passkey>(&row.credential) else {
        return Ok(refused(&state, DISCOVER, Some(user.user_id), &client, "unreadable").await);
    };
    let Ok(result) = rp.finish_discoverable_authentication_v2(&credential, verifier, &key) else {
        return Ok(refused(&state, DISCOVER, Some(user.user_id), &client, "signature").await);
    };
    used(&state, row, key, &result).await?;
    let next = safe_next(&form.next).unwrap_or("/account");
    let remember = form.remember == "1";
    let mut resp = finished::finish(
        &state,
        current.as_ref(),
        &user,
        &AMR,
        remember,
        next,
        &client,
    )
    .await?;
    // A login that waited for its second step is superseded.
    cookies::remove(&mut resp, cookies::LOGIN, state.config.https());
    Ok(resp)
}

/// The answer to a second step: for the person whose login waits, with one of their keys.
async fn second_step(
    state: &AppState,
    rp: &webauthn_rs::Webauthn,
    current: Option<&crate::http::session::Authenticated>,
    client: &ClientInfo,
    headers: &HeaderMap,
    form: &AnswerForm,
    credential: &PublicKeyCredential,
) -> Result<Response, PageError> {
    let Some((token, waiting)) = pending(state, headers).await? else {
        return Ok(start_over(state));
    };
    let user_id = Some(waiting.user_id);
    let taken = ceremony::take::<PasskeyAuthentication>(state, SECOND_STEP, &form.ceremony).await?;
    let Some((owner, verifier)) = taken.filter(|(owner, _)| *owner == user_id) else {
        return Ok(refused(state, SECOND_STEP, user_id, client, "ceremony").await);
    };
    let row = state
        .store
        .passkey_by_credential(&credential.raw_id)
        .await?
        .filter(|row| Some(row.user_id) == owner);
    let Some(row) = row else {
        return Ok(refused(state, SECOND_STEP, user_id, client, "unknown_passkey").await);
    };
    let Ok(key) = serde_json::from_str::<Passkey>(&row.credential) else {
        return Ok(refused(state, SECOND_STEP, user_id, client, "unreadable").await);
    };
    let Ok(result) = rp.finish_passkey_authentication(credential, &verifier) else {
        return Ok(refused(state, SECOND_STEP, user_id, client, "signature").await);
    };
    let Some(user) = active_user(state, waiting.user_id).await? else {
        state.store.drop_pending_login(&token.hash()).await?;
        return Ok(start_over(state));
    };
    // The one request that takes the pending login finishes it.
    let Some(waiting) = state
        .store
        .take_pending_login(&token.hash(), state.now())
        .await?
    else {
        return Ok(start_over(state));
    };
    used(state, row, key, &result).await?;
    state
        .store
        .login_succeeded(&login_guard::account_key(user.user_id))
        .await?;
    let mut amr: Vec<&str> = waiting.amr.split_whitespace().collect();
    for method in AMR {
        if !amr.contains(&method) {
            amr.push(method);
        }
    }
    let mut resp = finished::finish(
        state,
        current,
        &user,
        &amr,
        waiting.remember,
        &waiting.next_path,
        client,
    )
    .await?;
    cookies::remove(&mut resp, cookies::LOGIN, state.config.https());
    Ok(resp)
}

async fn active_user(state: &AppState, user_id: i64) -> Result<Option<User>, PageError> {
    Ok(state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.is_active && u.email_verified))
}

/// Keeps the key's new counter (a cloned key shows up as a counter that went back) and when
/// it was used.
async fn used(
    state: &AppState,
    row: PasskeyRow,
    mut key: Passkey,
    result: &AuthenticationResult,
) -> Result<(), PageError> {
    key.update_credential(result);
    let record = serde_json::to_string(&key).map_err(|_| PageError::server())?;
    state
        .store
        .passkey_used(row.passkey_id, &record, state.now())
        .await?;
    Ok(())
}

/// Back where the person came from, with one message whatever went wrong; the attempt audited.
async fn refused(
    state: &AppState,
    step: &str,
    user_id: Option<i64>,
    client: &ClientInfo,
    reason: &str,
) -> Response {
    audit::record(
        state,
        "login.failure",
        user_id,
        client,
        &format!("passkey:{reason}"),
    )
    .await;
    state.metrics.login_failed("passkey");
    let to = if step == SECOND_STEP {
        SECOND_STEP_PATH
    } else {
        "/login"
    };
    let mut resp = Redirect::to(to).into_response();
    flash::set(
        &mut resp,
        FlashKind::Error,
        "flash-passkey-login-failed",
        state.config.https(),
    );
    resp
}
