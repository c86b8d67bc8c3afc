//! The outbound sender: takes due deliveries, signs a fresh logout token for each (same `jti`
//! on every attempt), POSTs it, and schedules retries with exponential backoff until
//! `outbound.give_up_hours` have passed. Every node runs one; the claim in the store keeps
//! two nodes from sending the same delivery at once.
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Http;
use super::logout_token::{self, LogoutClaims};
use crate::config::OutboundConfig;
use crate::domain::clock::{Clock, HOUR, MINUTE};
use crate::domain::secret::random_id;
use crate::keys::keyring::KeyRing;
use crate::keys::signing::Alg;
use crate::store::outbound::Delivery;
use crate::store::{Store, StoreError};

/// How long a claimed delivery stays locked to this node while it is being sent.
const CLAIM_LOCK_MS: i64 = 2 * MINUTE;

/// What the sender needs.
#[derive(Clone)]
pub struct Sender {
    pub store: Store,
    pub keys: KeyRing,
    pub http: Http,
    pub clock: std::sync::Arc<dyn Clock>,
    pub config: OutboundConfig,
    pub issuer: String,
}

/// Runs until `shutdown` fires.
pub async fn run(sender: Sender, shutdown: CancellationToken) {
    let poll = Duration::from_millis(sender.config.poll_interval_ms.max(10));
    loop {
        let busy = match sender.deliver_due().await {
            Ok(n) => n > 0,
            Err(e) => {
                tracing::warn!(error = %e, "outbound queue unavailable");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

impl Sender {
    /// Attempts every delivery that is due now; returns how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let mut attempted = 0;
        loop {
            let now = self.clock.now_ms();
            let claimed = self
                .store
                .claim_due_delivery(now, now + CLAIM_LOCK_MS, &random_id())
                .await?;
            let Some(delivery) = claimed else {
                return Ok(attempted);
            };
            attempted += 1;
            match self.attempt(&delivery).await {
                Ok(()) => {
                    let now = self.clock.now_ms();
                    self.store.mark_delivered(delivery.delivery_id, now).await?;
                }
                Err(Failure { error, permanent }) => {
                    let now = self.clock.now_ms();
                    let deadline = delivery.created_at + self.config.give_up_hours * HOUR;
                    let retry_at = now + self.backoff_ms(delivery.attempts);
                    let retry = (!permanent && retry_at < deadline).then_some(retry_at);
                    tracing::warn!(
                        delivery_id = delivery.delivery_id,
                        client_id = %delivery.client_id,
                        attempts = delivery.attempts,
                        will_retry = retry.is_some(),
                        %error,
                        "back-channel logout delivery failed"
                    );
                    self.store
                        .mark_delivery_failed(delivery.delivery_id, now, retry, &error)
                        .await?;
                }
            }
        }
    }

    async fn attempt(&self, d: &Delivery) -> Result<(), Failure> {
        let client = self
            .store
            .client(&d.client_id)
            .await
            .map_err(|e| Failure::retry(e.to_string()))?;
        let Some(client) = client else {
            return Err(Failure::permanent("the application was removed".into()));
        };
        let alg = Alg::parse(&client.id_token_alg).unwrap_or(Alg::Rs256);
        let jti = d.jti.clone().unwrap_or_else(random_id);
        let claims = LogoutClaims {
            issuer: &self.issuer,
            client_id: &d.client_id,
            sub: &d.subject,
            sid: &d.sid,
            jti: &jti,
        };
        let token = logout_token::sign(&self.keys, alg, &claims, self.clock.now_ms())
            .map_err(|e| Failure::retry(e.to_string()))?;
        match self
            .http
            .post_form(&d.target_url, &[("logout_token", &token)])
            .await
        {
            Ok(()) => Ok(()),
            // §2.8: a 400 means the application refused the token; sending it again will not
            // change its mind. Other answers (and no answer) are tried again.
            Err(super::HttpError::Status(status @ 400..=499)) if status != 408 && status != 429 => {
                Err(Failure::permanent(format!(
                    "the application answered {status}"
                )))
            }
            Err(e) => Err(Failure::retry(e.to_string())),
        }
    }

    /// `retry_base_ms · 2^(attempts-1)`, at most `retry_max_secs`.
    fn backoff_ms(&self, attempts: i64) -> i64 {
        let exp = attempts.clamp(1, 30) - 1;
        let base = i64::try_from(self.config.retry_base_ms).unwrap_or(i64::MAX);
        let max = i64::try_from(self.config.retry_max_secs).unwrap_or(i64::MAX / 1000) * 1000;
        base.saturating_mul(1i64 << exp).min(max)
    }
}

struct Failure {
    error: String,
    permanent: bool,
}

impl Failure {
    fn retry(error: String) -> Self {
        Self {
            error,
            permanent: false,
        }
    }
    fn permanent(error: String) -> Self {
        Self {
            error,
            permanent: true,
        }
    }
}
