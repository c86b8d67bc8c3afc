//! `/admin/clients/<client_id>/roles`: the roles an application defines for itself and who
//! holds them. The same rules and audit events as `daemun client role`: a role's name follows
//! the rule of group names, a grant names a group or one person (by email address, username
//! or `sub`), and removing a role takes it back from everyone.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::clients::by_id;
use super::{Admin, done};
use crate::domain::client::Client;
use crate::domain::group::check_label;
use crate::domain::role::{Grantee, Role, check_name};
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::{FieldErrors, PageForm};
use crate::http::{AppState, PageCtx, PageError, audit as trail};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    action: String,
    /// A new role's name.
    name: String,
    /// A new role's label (empty: the name).
    label: String,
    /// The role to remove, grant or revoke.
    role: String,
    /// A group to grant the role to or take it from.
    group: String,
    /// A person to grant the role to: email address, username or `sub`.
    who: String,
    /// A person to take the role from, by `sub`.
    sub: String,
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    c: &Client,
    status: StatusCode,
    form: &RoleForm,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let roles = state.store.client_roles(&c.client_id).await?;
    let held = roles
        .iter()
        .any(|r| !r.groups.is_empty() || !r.people.is_empty());
    let roles: Vec<Value> = roles
        .into_iter()
        .map(|r| {
            let people: Vec<Value> = r
                .people
                .into_iter()
                .map(|p| context! { sub => p.sub, email => p.email })
                .collect();
            context! { name => r.role.name, label => r.role.label, groups => r.groups, people }
        })
        .collect();
    let groups: Vec<String> = state
        .store
        .groups()
        .await?
        .into_iter()
        .map(|(g, _)| g.name)
        .collect();
    let client = context! { client_id => c.client_id.clone(), name => c.name.clone() };
    let form = context! { name => form.name.clone(), label => form.label.clone() };
    let extra = context! { client, roles, held, groups, form, errors => errors };
    Ok(ctx.render(state, status, "admin/client_roles.html", extra))
}

pub async fn roles_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(client_id): Path<String>,
) -> Result<Response, PageError> {
    let c = by_id(&state, &client_id).await?;
    let form = RoleForm::default();
    page(&state, &ctx, &c, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// `POST /admin/clients/<client_id>/roles`: add or remove a role, grant or revoke one.
pub async fn roles_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    Path(client_id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, PageError> {
    let c = by_id(&state, &client_id).await?;
    let id = c.client_id.as_str();
    let here = format!("/admin/clients/{id}/roles");
    let (kind, key) = match form.action.as_str() {
        "add" => return add(&state, &ctx, &admin, &client, &c, &form).await,
        "remove" => {
            let name = form.role.trim();
            if state.store.delete_role(id, name).await? {
                let detail = format!("role={name}");
                admin
                    .record_client(&state, "role.removed", id, &client, &detail)
                    .await;
                (FlashKind::Success, "flash-admin-roles-removed")
            } else {
                (FlashKind::Info, "flash-admin-roles-gone")
            }
        }
        "grant" | "revoke" => change(&state, &admin, &client, id, &form).await?,
        _ => return Err(PageError::bad_request()),
    };
    Ok(done(&state, &here, kind, key))
}

/// Defines a role; a refused name or label, or a taken name, is shown under its field.
async fn add(
    state: &AppState,
    ctx: &PageCtx,
    admin: &Admin,
    client: &ClientInfo,
    c: &Client,
    form: &RoleForm,
) -> Result<Response, PageError> {
    let refused = async |field: &'static str, key: &str| {
        let errors = FieldErrors::one(field, ctx.t(key));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        page(state, ctx, c, status, form, &errors).await
    };
    let Ok(name) = check_name(form.name.trim()) else {
        return refused("name", "admin-roles-error-name").await;
    };
    let label = if form.label.trim().is_empty() {
        name
    } else {
        form.label.as_str()
    };
    let Ok(label) = check_label(label) else {
        return refused("label", "admin-roles-error-label").await;
    };
    if state.store.role(&c.client_id, name).await?.is_some() {
        return refused("name", "admin-roles-error-taken").await;
    }
    let r = Role {
        client_id: c.client_id.clone(),
        name: name.to_owned(),
        label: label.to_owned(),
        created_at: state.now(),
    };
    state.store.insert_role(&r).await?;
    let detail = format!("role={}", r.name);
    admin
        .record_client(state, "role.added", &r.client_id, client, &detail)
        .await;
    let here = format!("/admin/clients/{}/roles", r.client_id);
    Ok(done(
        state,
        &here,
        FlashKind::Success,
        "flash-admin-roles-added",
    ))
}

/// Grants or revokes a role: the role, and the group or person, must exist. A person's
/// events carry their account; a group's name the detail.
async fn change(
    state: &AppState,
    admin: &Admin,
    client: &ClientInfo,
    id: &str,
    form: &RoleForm,
) -> Result<(FlashKind, &'static str), PageError> {
    let give = form.action == "grant";
    let role = form.role.trim();
    if state.store.role(id, role).await?.is_none() {
        return Ok((FlashKind::Error, "flash-admin-roles-no-role"));
    }
    let person = if give { &form.who } else { &form.sub };
    let (group, person) = (form.group.trim(), person.trim());
    let to = match (group.is_empty(), person.is_empty()) {
        (false, true) => {
            if state.store.group(group).await?.is_none() {
                return Ok((FlashKind::Error, "flash-admin-roles-no-group"));
            }
            Grantee::Group(group.to_owned())
        }
        (true, false) => {
            let found = if give {
                state.store.user_by_identifier(person).await?
            } else {
                state.store.user_by_sub(person).await?
            };
            match found {
                Some(u) => Grantee::Person(u.user_id),
                None if give => return Ok((FlashKind::Error, "flash-admin-roles-no-account")),
                None => return Ok((FlashKind::Info, "flash-admin-roles-not-granted")),
            }
        }
        _ => return Ok((FlashKind::Error, "flash-admin-roles-one-grantee")),
    };
    let changed = if give {
        state.store.grant_role(id, role, &to, state.now()).await?
    } else {
        state.store.revoke_role(id, role, &to).await?
    };
    let (event, outcome) = match (give, changed) {
        (true, true) => (
            "role.granted",
            (FlashKind::Success, "flash-admin-roles-granted"),
        ),
        (false, true) => (
            "role.revoked",
            (FlashKind::Success, "flash-admin-roles-revoked"),
        ),
        (true, false) => return Ok((FlashKind::Info, "flash-admin-roles-already-granted")),
        (false, false) => return Ok((FlashKind::Info, "flash-admin-roles-not-granted")),
    };
    let (user_id, extra) = match &to {
        Grantee::Group(g) => (None, format!("role={role} group={g}")),
        Grantee::Person(user_id) => (Some(*user_id), format!("role={role}")),
    };
    let detail = admin.detail(&extra);
    trail::record_for_client(state, event, user_id, id, client, &detail).await;
    Ok(outcome)
}
