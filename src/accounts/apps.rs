//! `/account/apps`: the applications the person has allowed, and "remove access", which forgets
//! the consent and revokes every token that application holds for them.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::domain::clock::format_utc;
use crate::domain::scope::Scopes;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};

pub async fn apps_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let rows = state.store.consents_of_user(auth.user.user_id).await?;
    let apps: Vec<Value> = rows
        .iter()
        .map(|c| {
            let scopes: Vec<String> = Scopes::stored(&c.scopes)
                .iter()
                .map(|s| ctx.t(&format!("consent-scope-{}", s.replace('_', "-"))))
                .collect();
            context! {
                client_id => c.client_id.clone(),
                name => c.client_name.clone(),
                home_uri => c.home_uri.clone(),
                scopes => scopes,
                since => format_utc(c.created_at),
            }
        })
        .collect();
    Ok(ctx.ok(&state, "portal/apps.html", context! { apps => apps }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    client_id: String,
}

pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<RemoveForm>,
) -> Result<Response, PageError> {
    // Keyed on the session's user: another person's grant is simply not found.
    if !state
        .store
        .remove_client_access(auth.user.user_id, &form.client_id, state.now())
        .await?
    {
        return Err(PageError::not_found());
    }
    audit::record_for_client(
        &state,
        "consent.revoked",
        Some(auth.user.user_id),
        &form.client_id,
        &client,
        "account_apps",
    )
    .await;
    let mut resp = Redirect::to("/account/apps").into_response();
    flash::set(
        &mut resp,
        FlashKind::Success,
        "flash-app-removed",
        state.config.https(),
    );
    Ok(resp)
}
