//! Recovery codes: ten made with the first second factor and on demand (the old ones stop
//! working), shown once on a page of their own with a download as text. Only their hashes
//! are kept.
use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::Factors;
use super::totp::{back, tell, wrong_password};
use crate::domain::next_path::safe_next;
use crate::domain::password::Password;
use crate::domain::recovery_code::RecoveryCode;
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::form::PageForm;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::FactorChange;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenewForm {
    renew_password: Password,
}

/// Makes a new set of codes for `user` (the old ones die) and shows them, once.
pub(super) async fn issue(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    client: &ClientInfo,
    headline: &str,
    next: &str,
) -> Result<Response, PageError> {
    let codes = RecoveryCode::generate_set();
    let hashes: Vec<Vec<u8>> = codes.iter().map(RecoveryCode::hash).collect();
    state
        .store
        .replace_recovery_codes(user.user_id, &hashes, state.now())
        .await?;
    audit::record(
        state,
        "factor.recovery_codes_issued",
        Some(user.user_id),
        client,
        "",
    )
    .await;
    let shown: Vec<String> = codes.iter().map(|c| c.expose().to_owned()).collect();
    let text = format!(
        "{}\n\n{}\n",
        ctx.t("recovery-download-heading"),
        shown.join("\n")
    );
    let download: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let extra = context! {
        headline => ctx.t(headline),
        codes => shown,
        next => safe_next(next).unwrap_or("/account/security"),
        download => format!("data:text/plain;charset=utf-8,{}", download.replace('+', "%20")),
    };
    Ok(ctx.ok(state, "portal/recovery_codes.html", extra))
}

/// `POST /account/security/recovery`: new codes for a person with a second factor.
pub async fn renew(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<RenewForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    if !Factors::of(&state, user.user_id).await?.any() {
        return Ok(back(&state, FlashKind::Info, "flash-recovery-needs-factor"));
    }
    let typed = ("renew_password", &form.renew_password);
    if let Some(page) = wrong_password(&state, &ctx, (user, &client), typed, "").await? {
        return Ok(page);
    }
    tell(&state, &ctx, user, FactorChange::RecoveryCodesRenewed).await?;
    issue(&state, &ctx, user, &client, "flash-recovery-renewed", "").await
}
