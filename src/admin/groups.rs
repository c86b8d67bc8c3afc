//! `/admin/groups`: groups of people, their members, and the applications limited to them.
//! The same rules as `daemun group`: a group's name never changes (renaming changes its
//! label), members are found by email address, username or `sub`, and a group an application
//! is limited to cannot be removed.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::domain::clock::format_utc;
use crate::domain::group::{Group, check_label, check_name};
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::{FieldErrors, PageForm};
use crate::http::{AppState, PageCtx, PageError};
use crate::store::Removal;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    action: String,
    name: String,
    label: String,
    /// A member to add: email address, username or `sub`.
    who: String,
    /// A member to remove, by `sub`.
    sub: String,
    /// The group's name typed again, to delete it.
    confirm: String,
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &GroupForm,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let rows: Vec<Value> = state
        .store
        .groups()
        .await?
        .into_iter()
        .map(|(g, members)| context! { name => g.name, label => g.label, members })
        .collect();
    let form = context! { name => form.name.clone(), label => form.label.clone() };
    let extra = context! { groups => rows, form, errors => errors };
    Ok(ctx.render(state, status, "admin/groups.html", extra))
}

pub async fn groups_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let form = GroupForm::default();
    list_page(&state, &ctx, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// `POST /admin/groups`: create one.
pub async fn create_group(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<GroupForm>,
) -> Result<Response, PageError> {
    let refused = async |field: &'static str, key: &str| {
        let errors = FieldErrors::one(field, ctx.t(key));
        list_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            &errors,
        )
        .await
    };
    let Ok(name) = check_name(form.name.trim()) else {
        return refused("name", "admin-group-error-name").await;
    };
    let label = if form.label.trim().is_empty() {
        name
    } else {
        form.label.as_str()
    };
    let Ok(label) = check_label(label) else {
        return refused("label", "admin-group-error-label").await;
    };
    if state.store.group(name).await?.is_some() {
        return refused("name", "admin-group-error-taken").await;
    }
    let g = Group {
        name: name.to_owned(),
        label: label.to_owned(),
        created_at: state.now(),
    };
    state.store.insert_group(&g).await?;
    let detail = format!("group={}", g.name);
    admin
        .record(&state, "group.added", None, &client, &detail)
        .await;
    Ok(done(
        &state,
        &format!("/admin/groups/{}", g.name),
        FlashKind::Success,
        "flash-admin-group-added",
    ))
}

pub async fn group_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let Some(g) = state.store.group(&name).await? else {
        return Err(PageError::not_found());
    };
    let members: Vec<Value> = state
        .store
        .group_members(&g.name)
        .await?
        .into_iter()
        .map(|m| context! { sub => m.sub, email => m.email, added => format_utc(m.added_at) })
        .collect();
    let apps: Vec<String> = state
        .store
        .clients()
        .await?
        .into_iter()
        .filter(|c| c.allowed_groups.contains(&g.name))
        .map(|c| c.name)
        .collect();
    let group = context! { name => g.name, label => g.label, created => format_utc(g.created_at) };
    let extra = context! { group, members, apps };
    Ok(ctx.ok(&state, "admin/group.html", extra))
}

/// `POST /admin/groups/<name>`: relabel, add or remove a member, delete.
pub async fn group_action(
    State(state): State<AppState>,
    admin: Admin,
    client: ClientInfo,
    Path(name): Path<String>,
    PageForm(form): PageForm<GroupForm>,
) -> Result<Response, PageError> {
    let Some(g) = state.store.group(&name).await? else {
        return Err(PageError::not_found());
    };
    let here = format!("/admin/groups/{}", g.name);
    let detail = format!("group={}", g.name);
    let (kind, key) = match form.action.as_str() {
        "rename" => match check_label(&form.label) {
            Ok(label) => {
                state.store.relabel_group(&g.name, label).await?;
                admin
                    .record(&state, "group.renamed", None, &client, &detail)
                    .await;
                (FlashKind::Success, "flash-admin-group-renamed")
            }
            Err(_) => (FlashKind::Error, "flash-admin-group-bad-label"),
        },
        "add_member" => match state.store.user_by_identifier(&form.who).await? {
            None => (FlashKind::Error, "flash-admin-group-no-account"),
            Some(u) => {
                if state
                    .store
                    .add_member(&g.name, u.user_id, state.now())
                    .await?
                {
                    let event = "group.member_added";
                    admin
                        .record(&state, event, Some(u.user_id), &client, &detail)
                        .await;
                    (FlashKind::Success, "flash-admin-group-member-added")
                } else {
                    (FlashKind::Info, "flash-admin-group-already-member")
                }
            }
        },
        "remove_member" => match state.store.user_by_identifier(&form.sub).await? {
            Some(u) if state.store.remove_member(&g.name, u.user_id).await? => {
                let event = "group.member_removed";
                admin
                    .record(&state, event, Some(u.user_id), &client, &detail)
                    .await;
                (FlashKind::Success, "flash-admin-group-member-removed")
            }
            _ => (FlashKind::Info, "flash-admin-group-not-member"),
        },
        "delete" if form.confirm.trim() != g.name => {
            (FlashKind::Error, "flash-admin-group-confirm")
        }
        "delete" => match state.store.delete_group(&g.name).await? {
            Removal::InUse(_) => (FlashKind::Error, "flash-admin-group-in-use"),
            Removal::NotFound => return Err(PageError::not_found()),
            Removal::Removed => {
                admin
                    .record(&state, "group.removed", None, &client, &detail)
                    .await;
                return Ok(done(
                    &state,
                    "/admin/groups",
                    FlashKind::Success,
                    "flash-admin-group-removed",
                ));
            }
        },
        _ => return Err(PageError::bad_request()),
    };
    Ok(done(&state, &here, kind, key))
}
