//! `/admin/outbox`: mail waiting to be sent and mail given up on (after `mail.max_attempts`),
//! and the same for back-channel logout deliveries (`store::outbound`), each with a retry
//! that puts it back in its queue, due now. The mail's text is never shown: it may hold a
//! live link.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Admin, done};
use crate::domain::clock::format_utc;
use crate::http::client::ClientInfo;
use crate::http::flash::FlashKind;
use crate::http::{AppState, PageCtx, PageError, form::PageForm};
use crate::store::outbound::DeliveryEntry;
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

fn delivery(d: &DeliveryEntry) -> Value {
    context! {
        delivery_id => d.delivery_id,
        client_id => d.client_id.clone(),
        target => d.target_url.clone(),
        created => format_utc(d.created_at),
        attempts => d.attempts,
        next_attempt => format_utc(d.next_attempt_at),
        failed => d.failed_at.map(format_utc),
        error => d.last_error.clone(),
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
    let deliveries = |list: Vec<DeliveryEntry>| list.iter().map(delivery).collect::<Vec<_>>();
    let outbound = context! {
        waiting => deliveries(state.store.outbound_deliveries(false, SHOWN).await?),
        failed => deliveries(state.store.outbound_deliveries(true, SHOWN).await?),
    };
    Ok(ctx.ok(
        &state,
        "admin/outbox.html",
        context! { waiting, failed, counts, outbound, shown => SHOWN },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RetryForm {
    mail_id: String,
    /// A back-channel delivery instead of a mail.
    delivery_id: String,
}

pub async fn retry(
    State(state): State<AppState>,
    admin: Admin,
    client: ClientInfo,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    if !form.delivery_id.is_empty() {
        return retry_delivery(&state, &admin, &client, &form.delivery_id).await;
    }
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

/// Puts a given-up back-channel delivery back in the queue, due now.
async fn retry_delivery(
    state: &AppState,
    admin: &Admin,
    client: &ClientInfo,
    raw: &str,
) -> Result<Response, PageError> {
    let Ok(id) = raw.trim().parse::<i64>() else {
        return Err(PageError::bad_request());
    };
    if !state.store.retry_delivery(id, state.now()).await? {
        return Ok(done(
            state,
            "/admin/outbox",
            FlashKind::Info,
            "flash-admin-mail-not-retried",
        ));
    }
    let detail = format!("delivery_id={id}");
    admin
        .record(state, "delivery.retried", None, client, &detail)
        .await;
    Ok(done(
        state,
        "/admin/outbox",
        FlashKind::Success,
        "flash-admin-delivery-retried",
    ))
}
