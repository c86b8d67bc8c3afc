//! `/account/sessions`: where the person is logged in, and ending sessions. A session is named
//! by its public `sid` and ended only if it belongs to the person asking.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::domain::clock::format_utc;
use crate::domain::user_agent;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError, audit, form::PageForm};

pub async fn sessions_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let now = state.now();
    let all = state.store.sessions_of_user(auth.user.user_id).await?;
    let this = &auth.session.session_hash;
    let mut live: Vec<_> = all
        .iter()
        .filter(|s| s.idle_expires_at > now && s.absolute_expires_at > now)
        .collect();
    // This device first, then the most recently active.
    live.sort_by_key(|s| (&s.session_hash != this, std::cmp::Reverse(s.last_seen_at)));
    let others = live.iter().filter(|s| &s.session_hash != this).count();
    let rows: Vec<Value> = live
        .iter()
        .map(|s| {
            let (browser, system) = user_agent::summarize(&s.user_agent);
            context! {
                sid => s.sid.clone(),
                current => &s.session_hash == this,
                browser => browser,
                system => system,
                ip => s.ip.clone(),
                created => format_utc(s.created_at),
                last_seen => format_utc(s.last_seen_at),
            }
        })
        .collect();
    Ok(ctx.ok(
        &state,
        "portal/sessions.html",
        context! { sessions => rows, others => others },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndForm {
    /// One session to end, by its public id.
    sid: String,
    /// `1` to end every session but this one.
    others: String,
}

pub async fn end_session(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<EndForm>,
) -> Result<Response, PageError> {
    let user_id = auth.user.user_id;
    let https = state.config.https();
    if form.others == "1" {
        let ended = state
            .store
            .end_other_sessions(user_id, &auth.session.session_hash, state.now())
            .await?;
        audit::record(
            &state,
            "session.ended_others",
            Some(user_id),
            &client,
            &format!("count={ended}"),
        )
        .await;
        let mut resp = Redirect::to("/account/sessions").into_response();
        flash::set(&mut resp, FlashKind::Success, "flash-sessions-ended", https);
        return Ok(resp);
    }
    if form.sid.is_empty() || form.sid.len() > 64 {
        return Err(PageError::not_found());
    }
    if form.sid == auth.session.sid {
        // Ending this browser's own session is logging out.
        return Ok(Redirect::to("/logout").into_response());
    }
    if !state
        .store
        .end_session_of_user(user_id, &form.sid, state.now())
        .await?
    {
        // Unknown, already ended, or someone else's: the same 404, and nothing ends.
        return Err(PageError::not_found());
    }
    audit::record(&state, "session.ended", Some(user_id), &client, "").await;
    let mut resp = Redirect::to("/account/sessions").into_response();
    flash::set(&mut resp, FlashKind::Success, "flash-session-ended", https);
    Ok(resp)
}
