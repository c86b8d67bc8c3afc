//! `/account/export`: everything Daemun keeps about the person, as a JSON download. A POST (so
//! the CSRF check applies and no link or image can start it), never cached.
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde_json::json;

use crate::http::client::ClientInfo;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit};

/// Most audit events put in one export.
const MAX_EVENTS: i64 = 10_000;

pub async fn export_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(_): CurrentUser,
) -> Response {
    ctx.ok(&state, "portal/export.html", context! {})
}

pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
) -> Result<Response, PageError> {
    let u = &auth.user;
    audit::record(&state, "account.exported", Some(u.user_id), &client, "").await;
    let sessions = state.store.sessions_of_user(u.user_id).await?;
    let consents = state.store.consents_of_user(u.user_id).await?;
    let events = state
        .store
        .audit_of_person(u.user_id, &u.sub, MAX_EVENTS)
        .await?;
    let totp = state.store.totp(u.user_id).await?;
    let codes_left = state.store.recovery_codes_left(u.user_id).await?;
    let passkeys = state.store.passkeys(u.user_id).await?;
    let groups = state.store.groups_of(u.user_id).await?;
    let roles = state.store.roles_of(u.user_id).await?;
    let body = json!({
        "format": "daemun-export/1",
        "exported_at": state.now(),
        "profile": {
            "sub": u.sub,
            "email": u.email,
            "email_verified": u.email_verified,
            "username": u.username,
            "display_name": u.display_name,
            "given_name": u.given_name,
            "family_name": u.family_name,
            "locale": u.locale,
            "created_at": u.created_at,
            "last_login_at": u.last_login_at,
        },
        "groups": groups.iter().map(|g| json!({ "name": g.name, "label": g.label })).collect::<Vec<_>>(),
        // Held directly or through a group.
        "app_roles": roles.iter().map(|r| json!({
            "client_id": r.client_id,
            "client_name": r.app,
            "name": r.name,
            "label": r.label,
        })).collect::<Vec<_>>(),
        // Public ids only: the hashes of session cookies stay on the server.
        "sessions": sessions.iter().map(|s| json!({
            "sid": s.sid,
            "current": s.session_hash == auth.session.session_hash,
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
            "auth_time": s.auth_time,
            "amr": s.amr,
            "remember": s.remember,
            "ip": s.ip,
            "user_agent": s.user_agent,
        })).collect::<Vec<_>>(),
        // What exists and since when; never a secret, a code or its hash.
        "second_factors": {
            "authenticator_app": totp.map(|t| json!({
                "created_at": t.created_at,
                "enabled_at": t.enabled_at,
            })),
            "recovery_codes_left": codes_left,
            // Names and dates; the public keys are of no use outside this site.
            "passkeys": passkeys.iter().map(|k| json!({
                "name": k.name,
                "created_at": k.created_at,
                "last_used_at": k.last_used_at,
            })).collect::<Vec<_>>(),
        },
        "consents": consents.iter().map(|c| json!({
            "client_id": c.client_id,
            "client_name": c.client_name,
            "scope": c.scopes,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        })).collect::<Vec<_>>(),
        "audit_events": events.iter().map(|e| json!({
            "at": e.at,
            "event": e.event,
            "ip": e.ip,
            "user_agent": e.user_agent,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&body).map_err(|e| {
        tracing::error!(error = %e, "cannot encode export");
        PageError::server()
    })?;
    let mut resp = text.into_response();
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"daemun-export.json\""),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
