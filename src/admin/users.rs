//! `/admin/users`: find accounts, look at one, and act on it (disable, enable, mark verified,
//! resend the verification mail, send a password reset, end every session, grant or take the
//! administrator role, delete). An account is named by its `sub` in the URL.
use axum::extract::{Path, Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, PAGE_SIZE, done, page_number};
use crate::accounts::mailing::{
    greeting_name, lang_for, queue, reset_link, send_password_reset, send_verification,
};
use crate::domain::clock::format_utc;
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};
use crate::mail::message::MailKind;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Part of an email address, username or name.
    q: String,
    page: String,
}

pub async fn users_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let q = query.q.trim();
    if q.chars().count() > 200 {
        return Err(PageError::bad_request());
    }
    let page = page_number(&query.page);
    let total = state.store.count_users(q).await?;
    let users = state
        .store
        .search_users_page(q, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?;
    let rows: Vec<Value> = users.iter().map(row).collect();
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    Ok(ctx.ok(
        &state,
        "admin/users.html",
        context! { users => rows, q, page, pages, total },
    ))
}

fn row(u: &User) -> Value {
    context! {
        sub => u.sub.clone(),
        email => u.email.clone(),
        username => u.username.clone(),
        name => u.display_name.clone(),
        verified => u.email_verified,
        active => u.is_active,
        admin => u.is_admin,
        created => format_utc(u.created_at),
        last_login => u.last_login_at.map(format_utc),
    }
}

async fn by_sub(state: &AppState, sub: &str) -> Result<User, PageError> {
    if sub.is_empty() || sub.len() > 64 {
        return Err(PageError::not_found());
    }
    state
        .store
        .user_by_sub(sub)
        .await?
        .ok_or_else(PageError::not_found)
}

pub async fn user_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(me): Admin,
    Path(sub): Path<String>,
) -> Result<Response, PageError> {
    let u = by_sub(&state, &sub).await?;
    let now = state.now();
    let sessions = state
        .store
        .sessions_of_user(u.user_id)
        .await?
        .iter()
        .filter(|s| s.idle_expires_at > now && s.absolute_expires_at > now)
        .count();
    let events: Vec<Value> = state
        .store
        .audit_trail(Some(u.user_id), &u.sub, None, None, 10)
        .await?
        .iter()
        .map(|e| {
            context! {
                at => format_utc(e.at), event => e.event.clone(),
                client_id => e.client_id.clone(), ip => e.ip.clone(), detail => e.detail.clone(),
            }
        })
        .collect();
    let has_app = state
        .store
        .totp(u.user_id)
        .await?
        .is_some_and(|t| t.enabled_at.is_some());
    let codes_left = state.store.recovery_codes_left(u.user_id).await?;
    Ok(ctx.ok(
        &state,
        "admin/user.html",
        context! {
            u => row(&u),
            has_app,
            codes_left,
            given_name => u.given_name.clone(),
            family_name => u.family_name.clone(),
            locale => u.locale.clone(),
            sessions,
            events,
            myself => me.user.user_id == u.user_id,
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    /// For `delete`: the account's email address, typed again.
    confirm: String,
}

pub async fn user_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    admin: Admin,
    client: ClientInfo,
    Path(sub): Path<String>,
    PageForm(form): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let u = by_sub(&state, &sub).await?;
    let here = format!("/admin/users/{}", u.sub);
    let myself = admin.0.user.user_id == u.user_id;
    let now = state.now();
    let ok = |key: &str| Ok(done(&state, &here, FlashKind::Success, key));
    // Taking one's own access (or protection) away is done from the command line, where a
    // mistake cannot lock the last administrator out of the console.
    if myself
        && matches!(
            form.action.as_str(),
            "disable" | "delete" | "revoke_admin" | "remove_factors"
        )
    {
        return Ok(done(
            &state,
            &here,
            FlashKind::Error,
            "flash-admin-not-yourself",
        ));
    }
    let event = match form.action.as_str() {
        "disable" => {
            let ended = state.store.disable_account(u.user_id, now).await?;
            admin
                .record(
                    &state,
                    "user.disabled",
                    Some(u.user_id),
                    &client,
                    &format!("sessions={ended}"),
                )
                .await;
            return ok("flash-admin-user-disabled");
        }
        "enable" => {
            state.store.set_active(u.user_id, true, now).await?;
            ("user.enabled", "flash-admin-user-enabled")
        }
        "verify" => {
            state.store.mark_email_verified(u.user_id, now).await?;
            ("user.verified", "flash-admin-user-verified")
        }
        "grant_admin" | "revoke_admin" => {
            let grant = form.action == "grant_admin";
            state.store.set_admin(u.user_id, grant, now).await?;
            if grant {
                ("user.admin_granted", "flash-admin-role-granted")
            } else {
                ("user.admin_revoked", "flash-admin-role-revoked")
            }
        }
        "resend_verification" => {
            if u.email_verified {
                return Ok(done(
                    &state,
                    &here,
                    FlashKind::Info,
                    "flash-admin-already-verified",
                ));
            }
            send_verification(&state, &u, lang_for(&u, ctx.lang)).await?;
            ("email.verification_resent", "flash-admin-verification-sent")
        }
        "send_reset" => {
            send_password_reset(&state, &u, lang_for(&u, ctx.lang)).await?;
            ("password.reset_requested", "flash-admin-reset-sent")
        }
        "end_sessions" => {
            let ended = state
                .store
                .end_sessions_of_user(u.user_id, state.now())
                .await?;
            admin
                .record(
                    &state,
                    "user.sessions_ended",
                    Some(u.user_id),
                    &client,
                    &format!("sessions={ended}"),
                )
                .await;
            return ok("flash-admin-sessions-ended");
        }
        "remove_factors" => {
            let removed = state.store.remove_factors(u.user_id).await?;
            let kind = MailKind::FactorsRemoved {
                reset_link: reset_link(&state),
            };
            let lang = lang_for(&u, ctx.lang);
            queue(&state, lang, &u.email, greeting_name(&u), kind).await?;
            admin
                .record(
                    &state,
                    "user.factors_removed",
                    Some(u.user_id),
                    &client,
                    &format!("removed={removed}"),
                )
                .await;
            return ok("flash-admin-factors-removed");
        }
        "delete" => return delete(&state, &admin, &client, &u, &form.confirm).await,
        _ => return Err(PageError::bad_request()),
    };
    admin
        .record(&state, event.0, Some(u.user_id), &client, "")
        .await;
    ok(event.1)
}

async fn delete(
    state: &AppState,
    admin: &Admin,
    client: &ClientInfo,
    u: &User,
    confirm: &str,
) -> Result<Response, PageError> {
    if !confirm.trim().eq_ignore_ascii_case(&u.email) {
        let here = format!("/admin/users/{}", u.sub);
        return Ok(done(
            state,
            &here,
            FlashKind::Error,
            "flash-admin-delete-confirm",
        ));
    }
    let Some(gone) = state.store.delete_account(u.user_id, state.now()).await? else {
        return Err(PageError::not_found());
    };
    let detail = admin.detail(&format!(
        "sessions={} unsent_mails={}",
        gone.sessions, gone.unsent_mails
    ));
    audit::record_with_sub(state, "user.deleted", None, Some(&u.sub), client, &detail).await;
    Ok(done(
        state,
        "/admin/users",
        FlashKind::Success,
        "flash-admin-user-deleted",
    ))
}
