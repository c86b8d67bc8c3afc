//! RP-Initiated Logout 1.0. With a valid `id_token_hint` the session ends at once and the person
//! may be sent to a registered `post_logout_redirect_uri` (exact match) with `state`. Without
//! proof of which application asked, nobody is redirected and a logged-in person is asked to
//! confirm (a CSRF-protected POST), so a cross-site link cannot log anyone out (§6).
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use super::id_token_hint::verify_hint;
use super::params::param;
use crate::http::client::ClientInfo;
use crate::http::session::{self, MaybeUser};
use crate::http::{AppState, PageCtx, PageError, audit};

pub const UNREGISTERED_LOGOUT_URI: PageError = PageError::new(
    StatusCode::BAD_REQUEST,
    "error-title-authorize",
    "error-body-bad-logout-uri",
);

pub async fn end_session_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(auth): MaybeUser,
    client: ClientInfo,
    RawQuery(q): RawQuery,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    handle(&state, &ctx, auth, &client, &params).await
}

pub async fn end_session_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(auth): MaybeUser,
    client: ClientInfo,
    Form(params): Form<Vec<(String, String)>>,
) -> Response {
    handle(&state, &ctx, auth, &client, &params).await
}

async fn handle(
    state: &AppState,
    ctx: &PageCtx,
    auth: Option<session::Authenticated>,
    client: &ClientInfo,
    params: &[(String, String)],
) -> Response {
    let hint = param(params, "id_token_hint").and_then(|h| verify_hint(state, h));
    let client_id = param(params, "client_id");
    if let (Some(h), Some(c)) = (&hint, client_id)
        && h.client_id != c
    {
        return PageError::bad_request().into_response();
    }
    let Some(hint) = hint else {
        // No proof of who asked: confirm with the person, redirect nowhere.
        return match auth {
            Some(_) => ctx.ok(state, "oidc/end_session.html", context! {}),
            None => logged_out(state, ctx),
        };
    };
    let target = match param(params, "post_logout_redirect_uri") {
        None => None,
        Some(uri) => match state.store.client_for_protocol(&hint.client_id).await {
            Ok(Some(c)) if c.post_logout_redirect_uris.iter().any(|u| u == uri) => {
                Some(uri.to_owned())
            }
            Ok(_) => return UNREGISTERED_LOGOUT_URI.into_response(),
            Err(e) => return PageError::from(e).into_response(),
        },
    };
    let mut resp = match target {
        Some(uri) => {
            let mut location = uri.clone();
            if let Some(s) = param(params, "state") {
                let sep = if uri.contains('?') { '&' } else { '?' };
                let encoded: String = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("state", s)
                    .finish();
                location = format!("{uri}{sep}{encoded}");
            }
            Redirect::to(&location).into_response()
        }
        None => logged_out(state, ctx),
    };
    if let Some(a) = auth {
        if a.user.sub != hint.sub {
            // The hint is about someone else: ask the person in front of the screen.
            return ctx.ok(state, "oidc/end_session.html", context! {});
        }
        if let Err(e) = session::end(state, &mut resp, &a).await {
            return PageError::from(e).into_response();
        }
        audit::record_for_client(
            state,
            "logout.rp_initiated",
            Some(a.user.user_id),
            &hint.client_id,
            client,
            "",
        )
        .await;
    }
    resp
}

fn logged_out(state: &AppState, ctx: &PageCtx) -> Response {
    ctx.ok(state, "oidc/logged_out.html", context! {})
}

/// The person confirmed the logout (CSRF-protected form on the confirmation page).
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(auth): MaybeUser,
    client: ClientInfo,
) -> Response {
    let mut resp = logged_out(&state, &ctx);
    if let Some(a) = auth {
        if let Err(e) = session::end(&state, &mut resp, &a).await {
            return PageError::from(e).into_response();
        }
        audit::record(
            &state,
            "logout.rp_initiated",
            Some(a.user.user_id),
            &client,
            "confirmed",
        )
        .await;
    }
    resp
}
