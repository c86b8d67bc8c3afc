//! `/admin/clients`: the applications that may log people in. Create, change redirect URIs
//! and settings, rotate the secret, delete. A secret is shown once, on the page that answers
//! the POST that made it (never stored in clear, never put in a URL or a flash cookie).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::client_form::{ClientForm, refusal};
use super::{Admin, done};
use crate::domain::client::{Client, GrantType, joined};
use crate::domain::clock::format_utc;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::{FieldErrors, PageForm};
use crate::http::{AppState, PageCtx, PageError};
use crate::oidc::registration::{self, RegistrationError};

pub async fn clients_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let own = state.store.self_registered_clients().await?;
    let rows: Vec<Value> = state
        .store
        .clients()
        .await?
        .iter()
        .map(|c| summary(c, own.contains(&c.client_id)))
        .collect();
    Ok(ctx.ok(&state, "admin/clients.html", context! { clients => rows }))
}

fn summary(c: &Client, self_registered: bool) -> Value {
    context! {
        self_registered => self_registered,
        client_id => c.client_id.clone(),
        name => c.name.clone(),
        public => c.is_public(),
        first_party => c.first_party,
        redirect_uris => c.redirect_uris.clone(),
        grant_types => joined(&c.grant_types, GrantType::as_str),
        created => format_utc(c.created_at),
        updated => format_utc(c.updated_at),
    }
}

/// The settings form; `roles` is how many roles an existing client defines.
fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    client: Option<&Client>,
    roles: usize,
    form: &ClientForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let extra = context! {
        client => client.map(|c| summary(c, false)),
        roles,
        form => form.context(),
        errors => errors,
    };
    ctx.render(state, status, "admin/client.html", extra)
}

pub async fn new_client_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Response {
    let form = ClientForm::new_client();
    form_page(
        &state,
        &ctx,
        None,
        0,
        &form,
        &FieldErrors::new(),
        StatusCode::OK,
    )
}

/// Where a refused registration is shown: under its field, or as a store failure.
fn refused(e: RegistrationError, ctx: &PageCtx, errors: &mut FieldErrors) -> Result<(), PageError> {
    match refusal(&e, ctx.lang) {
        Some((field, message)) => {
            errors.add(field, message);
            Ok(())
        }
        None => match e {
            RegistrationError::Store(s) => Err(s.into()),
            _ => Err(PageError::server()),
        },
    }
}

pub async fn create_client(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<ClientForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    if let Some(spec) = form.spec(ctx.lang, &mut errors) {
        match registration::register(&state.store, &spec, state.now()).await {
            Ok(r) => {
                let kind = if r.secret.is_some() {
                    "confidential"
                } else {
                    "public"
                };
                let extra = format!("name={} {kind}", r.client.name);
                let id = &r.client.client_id;
                admin
                    .record_client(&state, "client.added", id, &client, &extra)
                    .await;
                return Ok(secret_page(&state, &ctx, &r.client, r.secret, true));
            }
            Err(e) => refused(e, &ctx, &mut errors)?,
        }
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(form_page(&state, &ctx, None, 0, &form, &errors, status))
}

/// The one page that shows a client's secret: right after creation or rotation.
fn secret_page(
    state: &AppState,
    ctx: &PageCtx,
    c: &Client,
    secret: Option<String>,
    created: bool,
) -> Response {
    let extra = context! { client => summary(c, false), secret, created };
    ctx.ok(state, "admin/client_secret.html", extra)
}

/// The client with this id, or the 404 page.
pub(super) async fn by_id(state: &AppState, client_id: &str) -> Result<Client, PageError> {
    state
        .store
        .client(client_id)
        .await?
        .ok_or_else(PageError::not_found)
}

pub async fn client_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(client_id): Path<String>,
) -> Result<Response, PageError> {
    let c = by_id(&state, &client_id).await?;
    let form = ClientForm::from_row(&c);
    let roles = state.store.client_roles(&c.client_id).await?.len();
    Ok(form_page(
        &state,
        &ctx,
        Some(&c),
        roles,
        &form,
        &FieldErrors::new(),
        StatusCode::OK,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    /// For `delete`: the client's name, typed again.
    confirm: String,
    #[serde(flatten)]
    form: ClientForm,
}

pub async fn client_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    Path(client_id): Path<String>,
    PageForm(action): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let c = by_id(&state, &client_id).await?;
    let id = c.client_id.as_str();
    let here = format!("/admin/clients/{id}");
    match action.action.as_str() {
        "save" => {
            let mut errors = FieldErrors::new();
            if let Some(spec) = action.form.spec(ctx.lang, &mut errors) {
                match registration::update(&state.store, id, &spec, state.now()).await {
                    Ok(Some(_)) => {
                        admin
                            .record_client(&state, "client.updated", id, &client, "")
                            .await;
                        return Ok(done(
                            &state,
                            &here,
                            FlashKind::Success,
                            "flash-admin-client-saved",
                        ));
                    }
                    Ok(None) => return Err(PageError::not_found()),
                    Err(e) => refused(e, &ctx, &mut errors)?,
                }
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let roles = state.store.client_roles(id).await?.len();
            Ok(form_page(
                &state,
                &ctx,
                Some(&c),
                roles,
                &action.form,
                &errors,
                status,
            ))
        }
        "rotate_secret" => {
            let Some(secret) = registration::rotate_secret(&state.store, id, state.now()).await?
            else {
                // A public client has no secret to rotate.
                return Ok(done(
                    &state,
                    &here,
                    FlashKind::Error,
                    "flash-admin-client-public",
                ));
            };
            admin
                .record_client(&state, "client.secret_rotated", id, &client, "")
                .await;
            Ok(secret_page(&state, &ctx, &c, Some(secret), false))
        }
        "delete" => {
            if action.confirm.trim() != c.name {
                return Ok(done(
                    &state,
                    &here,
                    FlashKind::Error,
                    "flash-admin-client-confirm",
                ));
            }
            if !state.store.delete_client_and_grants(id).await? {
                return Err(PageError::not_found());
            }
            let extra = format!("name={}", c.name);
            admin
                .record_client(&state, "client.removed", id, &client, &extra)
                .await;
            Ok(done(
                &state,
                "/admin/clients",
                FlashKind::Success,
                "flash-admin-client-deleted",
            ))
        }
        _ => Err(PageError::bad_request()),
    }
}
