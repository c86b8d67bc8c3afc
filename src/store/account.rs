//! Self-service changes to an account: profile, password, email change and reset by mailed
//! token, deletion. Each change that must be all-or-nothing runs in one transaction, and a
//! mailed token is spent by a conditional UPDATE inside it, so two uses cannot both succeed.
use super::email_tokens::{DELETE_UNUSED_TOKENS, SPEND_TOKEN, TokenPurpose};
use super::outbound::ENQUEUE_BY_USER;
use super::revocation::{BY_USER, revoke_grants};
use super::sessions::DELETE_SESSIONS_OF_USER;
use super::users::SET_PASSWORD_HASH;
use super::{Store, StoreError, StoreResult, execute_count, map_err, on_db};
use crate::domain::clock::Millis;

/// The fields a person may change on their profile, and nothing else.
#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub username: Option<String>,
    pub username_normalized: Option<String>,
    pub locale: Option<String>,
}

/// What using an email-change token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChange {
    /// The account moved to `new_email`; `old_email` is where it was.
    Changed {
        user_id: i64,
        old_email: String,
        new_email: String,
    },
    /// The new address belongs to another account by now; nothing changed.
    Taken,
    /// Unknown, used, expired or superseded token, or the account's address changed since.
    Invalid,
}

/// What deleting an account removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub sessions: u64,
    pub unsent_mails: u64,
}

/// What else an account deletion removes, once its grants are revoked: consents, codes and
/// the grants themselves.
const FORGET_GRANTS: [&str; 3] = [
    "DELETE FROM consent WHERE user_id = $1",
    "DELETE FROM authorization_code WHERE user_id = $1",
    "DELETE FROM oauth_grant WHERE user_id = $1",
];

impl Store {
    /// Writes the profile fields. A taken username gives `StoreError::Conflict`.
    pub async fn update_profile(
        &self,
        user_id: i64,
        p: &ProfileUpdate,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE user_account SET display_name = $2, given_name = $3, \
             family_name = $4, username = $5, username_normalized = $6, locale = $7, \
             updated_at = $8 WHERE user_id = $1";
        execute_count!(
            self,
            SQL,
            user_id,
            &p.display_name,
            &p.given_name,
            &p.family_name,
            &p.username,
            &p.username_normalized,
            &p.locale,
            now
        )
        .map_err(map_err)?;
        Ok(())
    }

    /// Sets a new password: every session of the user ends and unused reset links die, in one
    /// transaction. (The caller starts a fresh session for the person who changed it.)
    pub async fn change_password(&self, user_id: i64, hash: &str, now: Millis) -> StoreResult<u64> {
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            execute_count!(on &mut *tx, SET_PASSWORD_HASH, user_id, hash, now)?;
            execute_count!(on &mut *tx, ENQUEUE_BY_USER, user_id, now)?;
            let ended = execute_count!(on &mut *tx, DELETE_SESSIONS_OF_USER, user_id)?;
            let resets = TokenPurpose::ResetPassword.as_str();
            execute_count!(on &mut *tx, DELETE_UNUSED_TOKENS, user_id, resets)?;
            revoke_grants!(tx, BY_USER, user_id, now);
            tx.commit().await.map(|()| ended)
        })?)
    }

    /// Uses a reset token to set a new password, in one transaction: the token is spent, the
    /// password set, the address marked verified (the link proved it), every session ended and
    /// every other reset link killed. Returns the user id, or `None` (nothing changed) when the
    /// token is not live or the account is disabled or moved to another address.
    pub async fn reset_password_with_token(
        &self,
        token_hash: &[u8],
        hash: &str,
        now: Millis,
    ) -> StoreResult<Option<i64>> {
        const SET: &str = "UPDATE user_account SET password_hash = $3, email_verified = TRUE, \
             updated_at = $4 WHERE user_id = $1 AND email_normalized = $2 AND is_active \
             RETURNING user_id";
        let purpose = TokenPurpose::ResetPassword.as_str();
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let spent: Option<(i64, String)> = sqlx::query_as(SPEND_TOKEN)
                .bind(token_hash)
                .bind(purpose)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((user_id, email)) = spent else {
                return Ok(None);
            };
            let set: Option<(i64,)> = sqlx::query_as(SET)
                .bind(user_id)
                .bind(email)
                .bind(hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            if set.is_none() {
                tx.rollback().await?;
                return Ok(None);
            }
            execute_count!(on &mut *tx, ENQUEUE_BY_USER, user_id, now)?;
            execute_count!(on &mut *tx, DELETE_SESSIONS_OF_USER, user_id)?;
            execute_count!(on &mut *tx, DELETE_UNUSED_TOKENS, user_id, purpose)?;
            revoke_grants!(tx, BY_USER, user_id, now);
            tx.commit().await?;
            Ok(Some(user_id))
        })
    }

    /// Uses an email-change token: the account moves to the new address (verified, since the
    /// link proved it) only if that address is still free, and every other unused token of the
    /// user dies (they were for the old address). Nothing changes unless it all succeeds.
    pub async fn change_email_with_token(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<EmailChange> {
        const SPEND: &str = "UPDATE email_token SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
             AND new_email IS NOT NULL AND new_email_normalized IS NOT NULL \
             RETURNING user_id, email_normalized, new_email, new_email_normalized";
        const CURRENT: &str = "SELECT email FROM user_account WHERE user_id = $1 \
             AND email_normalized = $2 AND is_active";
        const TAKEN: &str = "SELECT user_id FROM user_account WHERE email_normalized = $1";
        const MOVE: &str = "UPDATE user_account SET email = $2, email_normalized = $3, \
             email_verified = TRUE, updated_at = $4 WHERE user_id = $1";
        const OTHERS: &str = "DELETE FROM email_token WHERE user_id = $1 AND used_at IS NULL";
        let purpose = TokenPurpose::ChangeEmail.as_str();
        let outcome = on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let spent: Option<(i64, String, String, String)> = sqlx::query_as(SPEND)
                .bind(token_hash)
                .bind(purpose)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((user_id, old_normalized, new_email, new_normalized)) = spent else {
                return Ok(EmailChange::Invalid);
            };
            let current: Option<(String,)> = sqlx::query_as(CURRENT)
                .bind(user_id)
                .bind(&old_normalized)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((old_email,)) = current else {
                tx.rollback().await?;
                return Ok(EmailChange::Invalid);
            };
            let taken: Option<(i64,)> = sqlx::query_as(TAKEN)
                .bind(&new_normalized)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                tx.rollback().await?;
                return Ok(EmailChange::Taken);
            }
            // A concurrent sign-up can still win the address: the unique index refuses, and
            // the whole transaction rolls back when `tx` is dropped.
            let moved =
                execute_count!(on &mut *tx, MOVE, user_id, &new_email, &new_normalized, now);
            if let Err(e) = moved {
                return match map_err(e) {
                    StoreError::Conflict { .. } => Ok(EmailChange::Taken),
                    other => Err(other),
                };
            }
            execute_count!(on &mut *tx, OTHERS, user_id)?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(EmailChange::Changed {
                user_id,
                old_email,
                new_email,
            })
        })?;
        Ok(outcome)
    }

    /// Deletes the account in one transaction: its unsent mail (to its address or to an
    /// address it was moving to), email tokens, sessions and the row itself; its `sub` goes to
    /// `retired_sub` so it is never issued again. Returns `None` when there was no such account.
    pub async fn delete_account(&self, user_id: i64, now: Millis) -> StoreResult<Option<Deleted>> {
        const USER: &str = "SELECT sub, email FROM user_account WHERE user_id = $1";
        const RETIRE: &str = "INSERT INTO retired_sub (sub, retired_at) VALUES ($1, $2) \
             ON CONFLICT (sub) DO NOTHING";
        const MAILS: &str = "DELETE FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
             AND (LOWER(to_address) = LOWER($1) OR LOWER(to_address) IN \
               (SELECT LOWER(new_email) FROM email_token WHERE user_id = $2 \
                AND new_email IS NOT NULL))";
        const TOKENS: &str = "DELETE FROM email_token WHERE user_id = $1";
        const ACCOUNT: &str = "DELETE FROM user_account WHERE user_id = $1";
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let user: Option<(String, String)> = sqlx::query_as(USER)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((sub, email)) = user else {
                return Ok(None);
            };
            execute_count!(on &mut *tx, RETIRE, &sub, now)?;
            let unsent_mails = execute_count!(on &mut *tx, MAILS, &email, user_id)?;
            execute_count!(on &mut *tx, TOKENS, user_id)?;
            execute_count!(on &mut *tx, ENQUEUE_BY_USER, user_id, now)?;
            let sessions = execute_count!(on &mut *tx, DELETE_SESSIONS_OF_USER, user_id)?;
            revoke_grants!(tx, BY_USER, user_id, now);
            for sql in FORGET_GRANTS {
                execute_count!(on &mut *tx, sql, user_id)?;
            }
            execute_count!(on &mut *tx, ACCOUNT, user_id)?;
            tx.commit().await?;
            Ok(Some(Deleted {
                sessions,
                unsent_mails,
            }))
        })
    }

    /// Disables the account in one transaction: it can no longer log in, every session ends
    /// and every access and refresh token is revoked. Returns the number of sessions ended.
    pub async fn disable_account(&self, user_id: i64, now: Millis) -> StoreResult<u64> {
        const SET: &str =
            "UPDATE user_account SET is_active = FALSE, updated_at = $2 WHERE user_id = $1";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            execute_count!(on &mut *tx, SET, user_id, now)?;
            execute_count!(on &mut *tx, ENQUEUE_BY_USER, user_id, now)?;
            let ended = execute_count!(on &mut *tx, DELETE_SESSIONS_OF_USER, user_id)?;
            revoke_grants!(tx, BY_USER, user_id, now);
            tx.commit().await.map(|()| ended)
        })?)
    }

    /// Whether `sub` belonged to a deleted account.
    pub async fn is_sub_retired(&self, sub: &str) -> StoreResult<bool> {
        const SQL: &str = "SELECT sub FROM retired_sub WHERE sub = $1";
        let row: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(sub)
            .fetch_optional(pool)
            .await)?;
        Ok(row.is_some())
    }
}
