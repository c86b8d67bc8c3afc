//! `/admin/keys`: the signing keys and their state; rotate (new keys published now, signing
//! after `keys.rotation_delay_secs`) and retire (out of the JWKS at once, for a compromised
//! key). The same rules as `daemun keys`.
use axum::extract::State;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::domain::clock::{SECOND, format_utc};
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::{AppState, PageCtx, PageError, form::PageForm};
use crate::keys::keyring::KeyRingError;

pub async fn keys_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let now = state.now();
    let rows: Vec<Value> = state
        .store
        .all_signing_keys()
        .await?
        .iter()
        .map(|k| {
            let status = k.state(now).as_str();
            context! {
                kid => k.kid.clone(),
                alg => k.alg.clone(),
                status,
                created => format_utc(k.created_at),
                sign_from => format_utc(k.sign_from),
                publish_until => k.publish_until.map(format_utc),
            }
        })
        .collect();
    let delay = state.config.keys.rotation_delay_secs;
    Ok(ctx.ok(&state, "admin/keys.html", context! { keys => rows, delay }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KeyForm {
    action: String,
    kid: String,
}

pub async fn key_action(
    State(state): State<AppState>,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<KeyForm>,
) -> Result<Response, PageError> {
    let now = state.now();
    let to = "/admin/keys";
    match form.action.as_str() {
        "rotate" => {
            let delay = state.config.keys.rotation_delay_secs * SECOND;
            let lifetime = state.config.tokens.id_token_secs * SECOND;
            let kids = state
                .keys
                .rotate(now, delay, lifetime)
                .await
                .map_err(failure)?;
            for kid in kids {
                admin
                    .record(&state, "key.rotated", None, &client, &format!("kid={kid}"))
                    .await;
            }
            Ok(done(
                &state,
                to,
                FlashKind::Success,
                "flash-admin-keys-rotated",
            ))
        }
        "retire" => match state.keys.retire(form.kid.trim(), now).await {
            Ok(()) => {
                let detail = format!("kid={}", form.kid.trim());
                admin
                    .record(&state, "key.retired", None, &client, &detail)
                    .await;
                Ok(done(
                    &state,
                    to,
                    FlashKind::Success,
                    "flash-admin-key-retired",
                ))
            }
            // Unknown, already retired, or the last key of its algorithm.
            Err(KeyRingError::Refused(_)) => Ok(done(
                &state,
                to,
                FlashKind::Error,
                "flash-admin-key-refused",
            )),
            Err(e) => Err(failure(e)),
        },
        _ => Err(PageError::bad_request()),
    }
}

fn failure(e: KeyRingError) -> PageError {
    tracing::error!(error = %e, "signing key change failed");
    match e {
        KeyRingError::Store(s) => s.into(),
        _ => PageError::server(),
    }
}
