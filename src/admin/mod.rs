//! The admin console (`/admin/…`): users, clients, signing keys, the audit trail and the mail
//! outbox, for accounts with the administrator role. Same look, languages and rules as the
//! account pages: every action is a CSRF-protected form POST, answered with a redirect and a
//! flash message, and written to the audit log with the administrator's `sub` in its detail.
pub mod audit;
pub mod client_form;
pub mod client_roles;
pub mod clients;
pub mod groups;
pub mod keys;
pub mod outbox;
pub mod registration;
pub mod resources;
pub mod upstream;
pub mod users;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use crate::config::SecondFactorPolicy;
use crate::domain::clock::MINUTE;
use crate::http::authenticated::login_path;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::{Authenticated, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit as trail};

/// Rows per page of the users and audit lists.
pub const PAGE_SIZE: i64 = 25;

/// A logged-in administrator. Anonymous visitors are sent to the login page (and back);
/// everyone else gets `403`. An action (any method but GET and HEAD) also needs a recent
/// login: after `session.admin_reauth_minutes` the administrator confirms the password first
/// (`/login?reauth=1`, which renews `auth_time`) and comes back to the page, so a session left
/// open on a shared machine cannot be used to change accounts or keys. Unless the policy is
/// `off`, an action also needs the administrator's own second factor.
#[derive(Debug, Clone)]
pub struct Admin(pub Authenticated);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(auth) = CurrentUser::from_request_parts(parts, state).await?;
        // Disabled accounts have no session at all (the session layer loads active ones).
        if !auth.user.is_admin {
            return Err(PageError::forbidden().into_response());
        }
        let minutes = state.config.session.admin_reauth_minutes;
        let stale = minutes > 0 && state.now() - auth.session.auth_time > minutes * MINUTE;
        if stale && !parts.method.is_safe() {
            let to = login_path(parts.uri.path(), true);
            return Err(done(state, &to, FlashKind::Info, "flash-admin-reauth"));
        }
        if !parts.method.is_safe() && needs_second_factor(state, &auth).await? {
            return Err(done(
                state,
                "/account/security",
                FlashKind::Error,
                "flash-admin-needs-factor",
            ));
        }
        Ok(Admin(auth))
    }
}

/// Whether the policy (`accounts.require_second_factor`) holds this administrator's actions
/// back until they have an authenticator app.
async fn needs_second_factor(state: &AppState, auth: &Authenticated) -> Result<bool, Response> {
    if state.config.accounts.require_second_factor == SecondFactorPolicy::Off {
        return Ok(false);
    }
    match state.store.totp(auth.user.user_id).await {
        Ok(app) => Ok(app.is_none_or(|a| a.enabled_at.is_none())),
        Err(e) => Err(PageError::from(e).into_response()),
    }
}

impl Admin {
    /// `by=<sub>`, the audit detail that names who acted, with `extra` after it.
    pub fn detail(&self, extra: &str) -> String {
        let by = format!("by={}", self.0.user.sub);
        if extra.is_empty() {
            by
        } else {
            format!("{by} {extra}")
        }
    }

    /// Records an admin action about the account `user_id` (or none).
    pub async fn record(
        &self,
        state: &AppState,
        event: &str,
        user_id: Option<i64>,
        client: &ClientInfo,
        extra: &str,
    ) {
        trail::record(state, event, user_id, client, &self.detail(extra)).await;
    }

    /// Records an admin action about the application `client_id`.
    pub async fn record_client(
        &self,
        state: &AppState,
        event: &str,
        client_id: &str,
        client: &ClientInfo,
        extra: &str,
    ) {
        let detail = self.detail(extra);
        trail::record_for_client(state, event, None, client_id, client, &detail).await;
    }
}

/// A redirect to `to` that shows the flash message `key` there.
pub fn done(state: &AppState, to: &str, kind: FlashKind, key: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    flash::set(&mut resp, kind, key, state.config.https());
    resp
}

/// `/admin`: counts and the way to each section.
pub async fn overview(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let users = state.store.count_users("").await?;
    let clients = state.store.clients().await?.len();
    let waiting = state.store.pending_mail_count().await?;
    let failed = state.store.failed_mail_count().await?;
    Ok(ctx.ok(
        &state,
        "admin/overview.html",
        context! { users, clients, waiting, failed },
    ))
}

/// The page number from a `page` query value: 1 for anything missing or odd.
pub fn page_number(raw: &str) -> i64 {
    raw.parse::<i64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::page_number;

    #[test]
    fn page_numbers_are_clamped_to_sane_values() {
        assert_eq!(page_number(""), 1);
        assert_eq!(page_number("3"), 3);
        assert_eq!(page_number("0"), 1);
        assert_eq!(page_number("-2"), 1);
        assert_eq!(page_number("99999999999999999999"), 1);
    }
}
