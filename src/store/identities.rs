//! Upstream identities (`upstream_identity`): which account a person at an upstream provider
//! is, keyed by (issuer, subject); and the logins sent to a provider and not back yet
//! (`upstream_login`), taken once by the callback.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, map_err, on_db};
use crate::domain::clock::Millis;

/// A person at an upstream provider, linked to an account.
#[derive(Debug, Clone, FromRow)]
pub struct UpstreamIdentity {
    pub issuer: String,
    pub subject: String,
    pub provider: String,
    pub user_id: i64,
    pub email: String,
    pub created_at: Millis,
    pub last_login_at: Millis,
}

/// A login sent to a provider: what the callback needs to finish it.
#[derive(Debug, Clone, FromRow)]
pub struct UpstreamLogin {
    pub state_hash: Vec<u8>,
    pub provider: String,
    /// SHA-256 of the value in the browser's cookie.
    pub browser_hash: Vec<u8>,
    pub nonce: String,
    pub pkce_verifier: String,
    /// A safe local path, checked when the login began.
    pub next_path: String,
    /// The account to link the identity to (a login started from `/account/linked`), or
    /// `None` for a plain login.
    pub link_user_id: Option<i64>,
    /// The most seconds the provider's own login may be old (the relying party's `max_age`).
    pub max_age: Option<i64>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A login whose address belongs to an existing account, waiting for that account's owner to
/// log in and confirm the link in the same browser.
#[derive(Debug, Clone, FromRow)]
pub struct PendingLink {
    /// SHA-256 of the browser's upstream-login cookie.
    pub browser_hash: Vec<u8>,
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    pub email: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

impl Store {
    /// Records (or replaces) the browser's pending link.
    pub async fn offer_pending_link(&self, l: &PendingLink) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO upstream_pending_link (browser_hash, provider, issuer, \
             subject, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (browser_hash) DO UPDATE SET provider = excluded.provider, \
             issuer = excluded.issuer, subject = excluded.subject, email = excluded.email, \
             created_at = excluded.created_at, expires_at = excluded.expires_at";
        execute_count!(
            self,
            SQL,
            &l.browser_hash,
            &l.provider,
            &l.issuer,
            &l.subject,
            &l.email,
            l.created_at,
            l.expires_at
        )?;
        Ok(())
    }

    /// The browser's live pending link; with `take`, removed at once (`Some` for one caller).
    pub async fn pending_link(
        &self,
        browser_hash: &[u8],
        now: Millis,
        take: bool,
    ) -> StoreResult<Option<PendingLink>> {
        const PEEK: &str = "SELECT browser_hash, provider, issuer, subject, email, created_at, \
             expires_at FROM upstream_pending_link WHERE browser_hash = $1 AND expires_at > $2";
        const TAKE: &str = "DELETE FROM upstream_pending_link WHERE browser_hash = $1 \
             AND expires_at > $2 RETURNING browser_hash, provider, issuer, subject, email, \
             created_at, expires_at";
        Ok(on_db!(self, |pool| {
            let _turn = if take {
                Some(self.write_turn().await)
            } else {
                None
            };
            sqlx::query_as(if take { TAKE } else { PEEK })
                .bind(browser_hash)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The account linked to `subject` at `issuer`, if any; a hit records the login time and
    /// the address the provider gives now (for display: the link stays on the subject).
    pub async fn upstream_identity(
        &self,
        issuer: &str,
        subject: &str,
        email: &str,
        now: Millis,
    ) -> StoreResult<Option<UpstreamIdentity>> {
        const SQL: &str = "UPDATE upstream_identity SET last_login_at = $3, \
             email = COALESCE(NULLIF($4, ''), email) \
             WHERE issuer = $1 AND subject = $2 RETURNING issuer, subject, provider, user_id, \
             email, created_at, last_login_at";
        let email: String = email.chars().take(320).collect();
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(issuer)
                .bind(subject)
                .bind(now)
                .bind(&email)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Links `subject` at `issuer` to an account. A subject already linked gives
    /// `StoreError::Conflict`.
    pub async fn link_upstream_identity(&self, id: &UpstreamIdentity) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO upstream_identity (issuer, subject, provider, user_id, \
             email, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query(SQL)
                .bind(&id.issuer)
                .bind(&id.subject)
                .bind(&id.provider)
                .bind(id.user_id)
                .bind(&id.email)
                .bind(id.created_at)
                .bind(id.last_login_at)
                .execute(pool)
                .await
                .map(|_| ())
        })
        .map_err(map_err)
    }

    /// The identities linked to an account, oldest first.
    pub async fn upstream_identities_of(&self, user_id: i64) -> StoreResult<Vec<UpstreamIdentity>> {
        const SQL: &str = "SELECT issuer, subject, provider, user_id, email, created_at, \
             last_login_at FROM upstream_identity WHERE user_id = $1 ORDER BY created_at, subject";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// The account `subject` at `issuer` is linked to, without counting a login.
    pub async fn upstream_identity_owner(
        &self,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Option<i64>> {
        const SQL: &str =
            "SELECT user_id FROM upstream_identity WHERE issuer = $1 AND subject = $2";
        let row: Option<(i64,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(issuer)
            .bind(subject)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|(id,)| id))
    }

    /// Removes the link of `subject` at `issuer` from `user_id`'s account; whether there was
    /// one.
    pub async fn unlink_upstream_identity(
        &self,
        user_id: i64,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<bool> {
        const SQL: &str =
            "DELETE FROM upstream_identity WHERE user_id = $1 AND issuer = $2 AND subject = $3";
        Ok(execute_count!(self, SQL, user_id, issuer, subject)? == 1)
    }

    /// How many identities each provider (by configured name) has linked.
    pub async fn upstream_identity_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        const SQL: &str =
            "SELECT provider, COUNT(*) FROM upstream_identity GROUP BY provider ORDER BY provider";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .fetch_all(pool)
            .await)?)
    }

    /// Records a login sent to a provider.
    pub async fn insert_upstream_login(&self, l: &UpstreamLogin) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO upstream_login (state_hash, provider, browser_hash, \
             nonce, pkce_verifier, next_path, link_user_id, max_age, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        execute_count!(
            self,
            SQL,
            &l.state_hash,
            &l.provider,
            &l.browser_hash,
            &l.nonce,
            &l.pkce_verifier,
            &l.next_path,
            l.link_user_id,
            l.max_age,
            l.created_at,
            l.expires_at
        )?;
        Ok(())
    }

    /// Takes the live login named by `state_hash` out of the store: `Some` for exactly one
    /// caller, `None` for every other one and once it has expired.
    pub async fn take_upstream_login(
        &self,
        state_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<UpstreamLogin>> {
        const SQL: &str = "DELETE FROM upstream_login WHERE state_hash = $1 AND expires_at > $2 \
             RETURNING state_hash, provider, browser_hash, nonce, pkce_verifier, next_path, \
             link_user_id, max_age, created_at, expires_at";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            sqlx::query_as(SQL)
                .bind(state_hash)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?)
    }
}
