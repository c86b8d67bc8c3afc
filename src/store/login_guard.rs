//! The per-account login lock-out: after `threshold` counted attempts each further attempt
//! must wait exponentially longer (`base`, 2·`base`, 4·`base`, … up to `max`). Counting and
//! deciding happen in one atomic upsert, so parallel attempts, on one node or many, cannot
//! get past the counter.
use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;
use crate::domain::lockout::LockoutPolicy;

/// The outcome of [`Store::login_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt may go on; it is the `failures`-th counted one.
    Allowed { failures: i64 },
    /// The account is locked until this instant; the attempt was not counted.
    Locked { until: Millis },
}

impl Store {
    /// Counts an attempt on `account` unless it is locked, in one statement. The attempt
    /// that reaches the threshold sets the lock for the ones after it; a success clears it
    /// ([`Store::login_succeeded`]).
    pub async fn login_attempt(
        &self,
        account: &str,
        now: Millis,
        policy: &LockoutPolicy,
    ) -> StoreResult<Attempt> {
        // In both PostgreSQL and SQLite every SET expression sees the row as it was before
        // the statement, and concurrent upserts of one row are serialised.
        const SQL: &str = "INSERT INTO login_guard \
               (account, failures, locked_until, refused, updated_at, expires_at) \
             VALUES ($1, 1, CASE WHEN 1 >= $3 THEN $2 + $4 ELSE 0 END, 0, $2, $2 + $7) \
             ON CONFLICT (account) DO UPDATE SET \
               refused = CASE WHEN login_guard.locked_until > $2 \
                              AND login_guard.expires_at > $2 THEN 1 ELSE 0 END, \
               failures = CASE \
                 WHEN login_guard.expires_at <= $2 THEN 1 \
                 WHEN login_guard.locked_until > $2 THEN login_guard.failures \
                 ELSE login_guard.failures + 1 END, \
               locked_until = CASE \
                 WHEN login_guard.expires_at <= $2 \
                   THEN CASE WHEN 1 >= $3 THEN $2 + $4 ELSE 0 END \
                 WHEN login_guard.locked_until > $2 THEN login_guard.locked_until \
                 WHEN login_guard.failures + 1 < $3 THEN 0 \
                 WHEN login_guard.failures + 1 - $3 >= $6 THEN $2 + $5 \
                 ELSE $2 + ($4 << CAST(login_guard.failures + 1 - $3 AS INTEGER)) END, \
               updated_at = $2, \
               expires_at = CASE \
                 WHEN login_guard.locked_until > $2 AND login_guard.expires_at > $2 \
                   THEN login_guard.expires_at \
                 ELSE $2 + $7 END \
             RETURNING failures, locked_until, refused";
        if policy.threshold <= 0 {
            return Ok(Attempt::Allowed { failures: 0 });
        }
        let (failures, locked_until, refused): (i64, i64, i64) =
            on_db!(self, |pool| sqlx::query_as(SQL)
                .bind(account)
                .bind(now)
                .bind(policy.threshold)
                .bind(policy.base_ms)
                .bind(policy.max_ms)
                .bind(policy.shift_cap())
                .bind(policy.forget_ms)
                .fetch_one(pool)
                .await)?;
        Ok(if refused == 1 {
            Attempt::Locked {
                until: locked_until,
            }
        } else {
            Attempt::Allowed { failures }
        })
    }

    /// Forgets the failures of `account` (after a successful login or a password reset).
    pub async fn login_succeeded(&self, account: &str) -> StoreResult<()> {
        const SQL: &str = "DELETE FROM login_guard WHERE account = $1";
        execute_count!(self, SQL, account)?;
        Ok(())
    }

    /// Claims the right to tell the owner about a burst of failures: true at most once per
    /// `quiet_ms` for each account.
    pub async fn claim_lockout_notice(
        &self,
        account: &str,
        now: Millis,
        quiet_ms: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE login_guard SET notified_at = $2 \
             WHERE account = $1 AND (notified_at IS NULL OR notified_at <= $2 - $3)";
        let n = execute_count!(self, SQL, account, now, quiet_ms)?;
        Ok(n == 1)
    }
}

/// The lock-out key of an account.
pub fn account_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// The lock-out key of an identifier that names no account.
pub fn unknown_key(normalized: &str) -> String {
    format!("key:{normalized}")
}
