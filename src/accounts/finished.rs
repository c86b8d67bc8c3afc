//! The end of every login: the session starts and the person goes on. Reached from the
//! password step when no second factor is enrolled, and from the second step.
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::{self, Authenticated};
use crate::http::{AppState, PageError, audit};
use crate::store::email_tokens::TokenPurpose;

/// Starts the session of a person whose login is complete and sends them on to `next` (a safe
/// local path): the end of the password step, or of the second step when there is one.
pub async fn finish(
    state: &AppState,
    current: Option<&Authenticated>,
    user: &User,
    amr: &[&str],
    remember: bool,
    next: &str,
    client: &ClientInfo,
) -> Result<Response, PageError> {
    let mut resp = Redirect::to(next).into_response();
    session::start(state, &mut resp, current, user, amr, remember, client).await?;
    state.store.record_login(user.user_id, state.now()).await?;
    state.metrics.login_succeeded();
    // Whoever can log in needs no reset link: open ones die (security.md B5 #38).
    state
        .store
        .delete_unused_email_tokens(user.user_id, TokenPurpose::ResetPassword)
        .await?;
    audit::record(
        state,
        "login.success",
        Some(user.user_id),
        client,
        &amr.join(" "),
    )
    .await;
    // `user` is as it was before this login: no earlier login means a new account.
    let welcome = if user.last_login_at.is_none() {
        "flash-welcome-first"
    } else {
        "flash-welcome"
    };
    flash::set(&mut resp, FlashKind::Success, welcome, state.config.https());
    Ok(resp)
}
