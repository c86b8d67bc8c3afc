//! `/admin/outbox`: mail waiting to be sent and mail given up on (after `mail.max_attempts`),
//! with a retry that puts a mail back in the queue, due now. The mail's text is never shown:
//! it may hold a live link.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::domain::clock::format_utc;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::{AppState, PageCtx, PageError, form::PageForm};
use crate::store::outbox::OutboxEntry;

/// At most this many mails of each kind are listed.
const SHOWN: i64 = 100;

fn entry(m: &OutboxEntry) -> Value {
    context! {
        mail_id => m.mail_id,
        to => m.to_address.clone(),
        subject => m.subject.clone(),
        created => format_utc(m.created_at),
        attempts => m.attempts,
        next_attempt => format_utc(m.next_attempt_at),
        failed => m.failed_at.map(format_utc),
        error => m.last_error.clone(),
    }
}

pub async fn outbox_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let waiting: Vec<Value> = state
        .store
        .outbox_mails(false, SHOWN)
        .await?
        .iter()
        .map(entry)
        .collect();
    let failed: Vec<Value> = state
        .store
        .outbox_mails(true, SHOWN)
        .await?
        .iter()
        .map(entry)
        .collect();
    let counts = context! {
        waiting => state.store.pending_mail_count().await?,
        failed => state.store.failed_mail_count().await?,
    };
    Ok(ctx.ok(
        &state,
        "admin/outbox.html",
        context! { waiting, failed, counts, shown => SHOWN },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RetryForm {
    mail_id: String,
}

pub async fn retry(
    State(state): State<AppState>,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    let Ok(mail_id) = form.mail_id.trim().parse::<i64>() else {
        return Err(PageError::bad_request());
    };
    if !state.store.retry_mail(mail_id, state.now()).await? {
        // Delivered meanwhile, being sent right now, or never there.
        return Ok(done(
            &state,
            "/admin/outbox",
            FlashKind::Info,
            "flash-admin-mail-not-retried",
        ));
    }
    state.mail_wake.notify_one();
    admin
        .record(
            &state,
            "mail.retried",
            None,
            &client,
            &format!("mail_id={mail_id}"),
        )
        .await;
    Ok(done(
        &state,
        "/admin/outbox",
        FlashKind::Success,
        "flash-admin-mail-retried",
    )
    .into_response())
}
