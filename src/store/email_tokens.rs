//! Single-use links sent by mail. Only the SHA-256 of a token is stored; a token is bound to
//! its purpose, its user and the address it was sent to.
use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// What a mailed token is for; a token of one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Proves the account's current address (`/verify/<token>`).
    VerifyEmail,
    /// Sets a new password without the old one (`/password/reset/<token>`).
    ResetPassword,
    /// Moves the account to the new address stored with the token
    /// (`/account/email/confirm/<token>`).
    ChangeEmail,
}

impl TokenPurpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }
}

/// Spends a live token of a purpose (`$1` hash, `$2` purpose, `$3` now): one conditional
/// UPDATE, so of two concurrent uses only one gets the row back.
pub(super) const SPEND_TOKEN: &str = "UPDATE email_token SET used_at = $3 \
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
     RETURNING user_id, email_normalized";

/// Kills every unused token of a purpose for a user (`$1` user, `$2` purpose).
pub(super) const DELETE_UNUSED_TOKENS: &str = "DELETE FROM email_token WHERE user_id = $1 \
     AND purpose = $2 AND used_at IS NULL";

/// A token to issue, replacing every unused one of the same purpose for the same user.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub token_hash: &'a [u8],
    pub purpose: TokenPurpose,
    pub user_id: i64,
    /// The account's current address; the token dies if that changes.
    pub email_normalized: &'a str,
    /// For [`TokenPurpose::ChangeEmail`]: the address as typed and normalised.
    pub new_email: Option<(&'a str, &'a str)>,
    pub now: Millis,
    pub expires_at: Millis,
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
        execute_count!(
            self,
            SQL,
            token_hash,
            purpose.as_str(),
            user_id,
            email_normalized,
            now,
            expires_at
        )?;
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
        const VERIFY: &str = "UPDATE user_account SET email_verified = TRUE, updated_at = $3 \
             WHERE user_id = $1 AND email_normalized = $2 RETURNING user_id";
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let spent: Option<(i64, String)> = sqlx::query_as(SPEND_TOKEN)
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

    /// Issues a token and, in the same transaction, kills every unused token of the same
    /// purpose for that user: only the newest reset or email-change link works.
    pub async fn replace_email_token(&self, t: &NewToken<'_>) -> StoreResult<()> {
        const INSERT: &str = "INSERT INTO email_token (token_hash, purpose, user_id, \
             email_normalized, created_at, expires_at, new_email, new_email_normalized) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let (new_email, new_normalized) = t.new_email.unzip();
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            execute_count!(on &mut *tx, DELETE_UNUSED_TOKENS, t.user_id, t.purpose.as_str())?;
            execute_count!(
                on &mut *tx,
                INSERT,
                t.token_hash,
                t.purpose.as_str(),
                t.user_id,
                t.email_normalized,
                t.now,
                t.expires_at,
                new_email,
                new_normalized
            )?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Kills every unused token of `purpose` for a user (e.g. reset links after a login).
    pub async fn delete_unused_email_tokens(
        &self,
        user_id: i64,
        purpose: TokenPurpose,
    ) -> StoreResult<u64> {
        Ok(execute_count!(
            self,
            DELETE_UNUSED_TOKENS,
            user_id,
            purpose.as_str()
        )?)
    }

    /// Unused tokens of `purpose` for a user (tests and operators).
    pub async fn live_email_tokens(
        &self,
        user_id: i64,
        purpose: TokenPurpose,
        now: Millis,
    ) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM email_token WHERE user_id = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_at > $3";
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_one(pool)
            .await)?;
        Ok(n)
    }
}
