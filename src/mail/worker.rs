//! The outbox sender: takes due mail, delivers it, and schedules retries with exponential
//! backoff. Every node runs one; the claim in the store keeps them from sending twice.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Mailer;
use crate::config::MailConfig;
use crate::domain::clock::{Clock, MINUTE};
use crate::store::Store;
use crate::telemetry::metrics::Metrics;

/// How long a claimed mail stays locked to this node while it is being sent.
const CLAIM_LOCK_MS: i64 = 2 * MINUTE;

/// Runs until `shutdown` fires. `wake` is notified whenever this node queues mail.
pub async fn run(
    store: Store,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    config: MailConfig,
    wake: Arc<Notify>,
    metrics: Metrics,
    shutdown: CancellationToken,
) {
    let poll = Duration::from_millis(config.poll_interval_ms.max(10));
    loop {
        let sent_any = match deliver_due(&store, &mailer, clock.as_ref(), &config, &metrics).await {
            Ok(n) => n > 0,
            Err(e) => {
                tracing::warn!(error = %e, "mail outbox unavailable");
                false
            }
        };
        if sent_any {
            continue;
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Sends every mail that is due now; returns how many were attempted.
pub async fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    clock: &dyn Clock,
    config: &MailConfig,
    metrics: &Metrics,
) -> Result<usize, crate::store::StoreError> {
    let mut attempted = 0;
    loop {
        let now = clock.now_ms();
        let Some(mail) = store.claim_due_mail(now, now + CLAIM_LOCK_MS).await? else {
            return Ok(attempted);
        };
        attempted += 1;
        match mailer.send(&mail).await {
            Ok(()) => store.mark_mail_sent(mail.mail_id, clock.now_ms()).await?,
            Err(e) => {
                metrics.mail_delivery_failed();
                let now = clock.now_ms();
                let retry_at = (mail.attempts < i64::from(config.max_attempts))
                    .then(|| now + backoff_ms(config, mail.attempts));
                if retry_at.is_some() {
                    tracing::warn!(mail_id = mail.mail_id, attempts = mail.attempts, error = %e, "mail delivery failed; will retry");
                } else {
                    tracing::error!(mail_id = mail.mail_id, attempts = mail.attempts, error = %e, "mail delivery failed; giving up");
                }
                store
                    .mark_mail_failed(mail.mail_id, now, retry_at, &e.to_string())
                    .await?;
                // Leave the rest for the next round rather than hammering a failing server.
                return Ok(attempted);
            }
        }
    }
}

/// `retry_base_ms · 2^(attempts-1)`, at most `retry_max_secs`.
pub fn backoff_ms(config: &MailConfig, attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 30) - 1;
    let ms = (config.retry_base_ms as i64).saturating_mul(1i64 << exp);
    ms.min(config.retry_max_secs as i64 * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let c = MailConfig {
            retry_base_ms: 1000,
            retry_max_secs: 10,
            ..MailConfig::default()
        };
        assert_eq!(backoff_ms(&c, 1), 1000);
        assert_eq!(backoff_ms(&c, 2), 2000);
        assert_eq!(backoff_ms(&c, 4), 8000);
        assert_eq!(backoff_ms(&c, 5), 10_000);
        assert_eq!(backoff_ms(&c, 60), 10_000);
    }
}
