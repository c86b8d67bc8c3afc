//! `/logout`: GET asks for confirmation, POST (CSRF-protected) ends the session server-side.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::{self, MaybeUser};
use crate::http::{AppState, PageCtx, PageError, audit};

pub async fn logout_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(user): MaybeUser,
) -> Response {
    if user.is_none() {
        return Redirect::to("/login").into_response();
    }
    ctx.ok(&state, "accounts/logout.html", context! {})
}

pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    client: ClientInfo,
) -> Result<Response, PageError> {
    let mut resp = Redirect::to("/").into_response();
    if let Some(auth) = user {
        session::end(&state, &mut resp, &auth).await?;
        audit::record(&state, "logout", Some(auth.user.user_id), &client, "").await;
    }
    flash::set(
        &mut resp,
        FlashKind::Info,
        "flash-logged-out",
        state.config.https(),
    );
    Ok(resp)
}
