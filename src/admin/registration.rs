//! `/admin/registration`: applications that register themselves (RFC 7591). Shows the
//! configured `registration.mode` and the initial access tokens; makes a token (shown once, on
//! the page that answers the POST, like a client secret) and revokes one. The same rules as
//! `daemun registration-token`.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::config::RegistrationMode;
use crate::domain::clock::format_utc;
use crate::domain::registration_token::{clean_label, id_of, parse_id};
use crate::domain::secret::SecretToken;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::{FieldErrors, PageForm};
use crate::http::{AppState, PageCtx, PageError};

const PATH: &str = "/admin/registration";

fn mode_name(mode: RegistrationMode) -> &'static str {
    match mode {
        RegistrationMode::Off => "off",
        RegistrationMode::InitialToken => "initial_token",
        RegistrationMode::Open => "open",
    }
}

/// The page, with a just-made `token` or the label form's `errors`.
async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    extra: Value,
) -> Result<Response, PageError> {
    let tokens: Vec<Value> = state
        .store
        .registration_tokens()
        .await?
        .iter()
        .map(|t| {
            context! {
                id => id_of(&t.token_hash),
                label => t.label.clone(),
                created => format_utc(t.created_at),
                revoked => t.revoked_at.map(format_utc),
            }
        })
        .collect();
    let mode = mode_name(state.config.registration.mode);
    let endpoint = format!("{}/register", state.config.issuer());
    let base = context! { tokens, mode, endpoint };
    let all = context! { ..base, ..extra };
    Ok(ctx.render(state, status, "admin/registration.html", all))
}

pub async fn registration_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    page(&state, &ctx, StatusCode::OK, context! {}).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    action: String,
    label: String,
    id: String,
}

pub async fn registration_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    match form.action.as_str() {
        "create" => {
            let Some(label) = clean_label(&form.label) else {
                let errors = FieldErrors::one("label", ctx.t("admin-registration-label-invalid"));
                let extra = context! { errors => &errors, label => form.label };
                return page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, extra).await;
            };
            let token = SecretToken::generate();
            state
                .store
                .insert_registration_token(&token.hash(), label, state.now())
                .await?;
            let id = id_of(&token.hash());
            let detail = format!("id={id} label={label}");
            admin
                .record(&state, "registration_token.created", None, &client, &detail)
                .await;
            let made = context! { id, label, token => token.expose() };
            page(&state, &ctx, StatusCode::OK, context! { made }).await
        }
        "revoke" => {
            let Some(prefix) = parse_id(&form.id) else {
                return Err(PageError::bad_request());
            };
            if state
                .store
                .revoke_registration_tokens(&prefix, state.now())
                .await?
                == 0
            {
                // Revoked meanwhile, or never there.
                return Ok(done(
                    &state,
                    PATH,
                    FlashKind::Info,
                    "flash-admin-registration-token-gone",
                ));
            }
            let detail = format!("id={}", id_of(&prefix));
            admin
                .record(&state, "registration_token.revoked", None, &client, &detail)
                .await;
            Ok(done(
                &state,
                PATH,
                FlashKind::Success,
                "flash-admin-registration-token-revoked",
            ))
        }
        _ => Err(PageError::bad_request()),
    }
}
