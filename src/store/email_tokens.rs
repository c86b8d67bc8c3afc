//! Single-use links sent by mail. Only the SHA-256 of a token is stored; a token is bound to
//! its purpose, its user and the address it was sent to.
use super::{Store, StoreResult, on_db};
use crate::domain::clock::Millis;

/// What a mailed token is for; a token of one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
        }
    }
}

impl Store {
    pub async fn insert_email_token(
        &self,
        token_hash: &[u8],
        purpose: TokenPurpose,
        user_id: i64,
        email_normalized: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO email_token (token_hash, purpose, user_id, email_normalized, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on_db!(self, |pool| sqlx::query(SQL)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(user_id)
            .bind(email_normalized)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Whether the token is unused, unexpired and still matches its user's current address
    /// (for showing the confirmation page; nothing changes).
    pub async fn email_token_is_live(
        &self,
        token_hash: &[u8],
        purpose: TokenPurpose,
        now: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "SELECT t.user_id FROM email_token t \
             JOIN user_account u ON u.user_id = t.user_id AND u.email_normalized = t.email_normalized \
             WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3";
        let row: Option<(i64,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        Ok(row.is_some())
    }

    /// Uses a verification token and marks the address verified, in one transaction. The
    /// token is spent by a conditional UPDATE, so two concurrent uses cannot both succeed.
    /// Returns the user id, or `None` (and changes nothing) when the token is not live.
    pub async fn verify_email_with_token(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<i64>> {
        const SPEND: &str = "UPDATE email_token SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
             RETURNING user_id, email_normalized";
        const VERIFY: &str = "UPDATE user_account SET email_verified = TRUE, updated_at = $3 \
             WHERE user_id = $1 AND email_normalized = $2 RETURNING user_id";
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let spent: Option<(i64, String)> = sqlx::query_as(SPEND)
                .bind(token_hash)
                .bind(TokenPurpose::VerifyEmail.as_str())
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((user_id, email)) = spent else {
                return Ok(None);
            };
            let verified: Option<(i64,)> = sqlx::query_as(VERIFY)
                .bind(user_id)
                .bind(email)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            if verified.is_none() {
                // The address changed since the mail was sent: leave everything as it was.
                tx.rollback().await?;
                return Ok(None);
            }
            tx.commit().await?;
            Ok(Some(user_id))
        })
    }
}
