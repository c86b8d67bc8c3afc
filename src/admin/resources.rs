//! `/admin/resources`: the APIs access tokens can be issued for (RFC 8707), with the
//! applications given each. Register one (the same rules as `daemun resource add`) and remove
//! one no application names any more.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::domain::clock::format_utc;
use crate::domain::resource::{Resource, ResourceError, ResourceSpec};
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::{FieldErrors, PageForm};
use crate::http::{AppState, PageCtx, PageError};
use crate::store::resources::Removal;

const PATH: &str = "/admin/resources";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResourceForm {
    action: String,
    resource: String,
    name: String,
    /// Space-separated.
    scopes: String,
    alg: String,
    opaque: String,
}

/// The page with the add form showing `form` and its `errors`.
async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &ResourceForm,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let clients = state.store.clients().await?;
    let rows: Vec<Value> = state
        .store
        .resources()
        .await?
        .iter()
        .map(|r| {
            let users: Vec<String> = clients
                .iter()
                .filter(|c| c.resources.contains(&r.resource_id))
                .map(|c| c.name.clone())
                .collect();
            context! {
                resource => r.resource_id.clone(),
                name => r.name.clone(),
                scopes => r.scopes.to_string(),
                format => if r.jwt { "jwt" } else { "opaque" },
                alg => r.alg.clone(),
                created => format_utc(r.created_at),
                clients => users,
            }
        })
        .collect();
    let form = context! {
        resource => form.resource.clone(),
        name => form.name.clone(),
        scopes => form.scopes.clone(),
        alg => if form.alg.is_empty() { "RS256".to_owned() } else { form.alg.clone() },
        opaque => !form.opaque.is_empty(),
    };
    let extra = context! { resources => rows, form, errors => errors };
    Ok(ctx.render(state, status, "admin/resources.html", extra))
}

pub async fn resources_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let form = ResourceForm::default();
    page(&state, &ctx, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// The form field and message key for a refusal.
fn refusal(e: &ResourceError) -> (&'static str, &'static str) {
    match e {
        ResourceError::Identifier(_) => ("resource", "admin-resource-error-identifier"),
        ResourceError::Name => ("name", "admin-resource-error-name"),
        ResourceError::Scope(_) | ResourceError::BuiltInScope(_) => {
            ("scopes", "admin-resource-error-scopes")
        }
        ResourceError::Alg(_) => ("alg", "admin-resource-error-alg"),
    }
}

pub async fn resource_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<ResourceForm>,
) -> Result<Response, PageError> {
    match form.action.as_str() {
        "add" => add(&state, &ctx, &admin, &client, &form).await,
        "remove" => {
            let id = form.resource.trim();
            let (kind, key) = match state.store.remove_resource(id).await? {
                Removal::Removed => {
                    let detail = format!("resource={id}");
                    admin
                        .record(&state, "resource.removed", None, &client, &detail)
                        .await;
                    (FlashKind::Success, "flash-admin-resource-removed")
                }
                Removal::NotFound => (FlashKind::Info, "flash-admin-resource-gone"),
                Removal::InUse(_) => (FlashKind::Error, "flash-admin-resource-in-use"),
            };
            Ok(done(&state, PATH, kind, key))
        }
        _ => Err(PageError::bad_request()),
    }
}

async fn add(
    state: &AppState,
    ctx: &PageCtx,
    admin: &Admin,
    client: &ClientInfo,
    form: &ResourceForm,
) -> Result<Response, PageError> {
    let spec = ResourceSpec {
        resource_id: form.resource.clone(),
        name: form.name.clone(),
        scopes: form.scopes.split_whitespace().map(str::to_owned).collect(),
        alg: Some(form.alg.clone()).filter(|a| !a.is_empty()),
        opaque: !form.opaque.is_empty(),
    };
    let refused = async |field: &'static str, key: &str| {
        let errors = FieldErrors::one(field, ctx.t(key));
        page(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, form, &errors).await
    };
    let r = match Resource::new(&spec, state.now()) {
        Ok(r) => r,
        Err(e) => {
            let (field, key) = refusal(&e);
            return refused(field, key).await;
        }
    };
    if state.store.resource(&r.resource_id).await?.is_some() {
        return refused("resource", "admin-resource-error-taken").await;
    }
    state.store.insert_resource(&r).await?;
    let detail = format!("resource={} scope={}", r.resource_id, r.scopes);
    admin
        .record(state, "resource.added", None, client, &detail)
        .await;
    Ok(done(
        state,
        PATH,
        FlashKind::Success,
        "flash-admin-resource-added",
    ))
}
