//! Browser sessions: like Django's `django_session`, but only the hash of the id is stored,
//! and each row says who, since when, how they proved it, and from where.
use sqlx::FromRow;

use super::outbound::ENQUEUE_BY_SESSION;
use super::revocation::{BY_SESSION, revoke_grants};
use super::users::{UserRow, user_columns};
use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;
use crate::domain::user::User;

#[derive(Debug, Clone, FromRow)]
pub struct SessionRecord {
    pub session_hash: Vec<u8>,
    /// Public session id for ID tokens (`sid`) and for listing sessions.
    pub sid: String,
    pub user_id: i64,
    /// When the person last proved who they are (not refreshed by activity).
    pub auth_time: i64,
    /// Authentication methods, space-separated (`pwd`, later `otp`, `hwk`).
    pub amr: String,
    pub remember: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
    pub ip: String,
    pub user_agent: String,
}

/// Deletes every session of a user (`$1`); run in the transaction that stops the account,
/// beside the revocation of its grants ([`super::revocation::BY_USER`]).
pub(super) const DELETE_SESSIONS_OF_USER: &str = "DELETE FROM browser_session WHERE user_id = $1";

/// Runs `$sql` (a `DELETE FROM browser_session … RETURNING sid`, with each `$arg` bound) and
/// revokes the grants made in every session it deleted, in one transaction; gives the number
/// of sessions ended (a `StoreResult<u64>`).
macro_rules! end_sessions {
    ($store:expr, $now:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        on_db!($store, |pool| {
            let _turn = $store.write_turn().await;
            let mut tx = pool.begin().await?;
            let sids: Vec<(String,)> = sqlx::query_as($sql)
                $(.bind($arg))*
                .fetch_all(&mut *tx)
                .await?;
            for (sid,) in &sids {
                $crate::store::execute_count!(on &mut *tx, ENQUEUE_BY_SESSION, sid, $now)?;
                revoke_grants!(tx, BY_SESSION, sid, $now);
            }
            tx.commit().await.map(|()| sids.len() as u64)
        })
        .map_err($crate::store::StoreError::from)
    };
}

impl Store {
    pub async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO browser_session (session_hash, sid, user_id, auth_time, amr, \
             remember, created_at, last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        execute_count!(
            self,
            SQL,
            &s.session_hash,
            &s.sid,
            s.user_id,
            s.auth_time,
            &s.amr,
            s.remember,
            s.created_at,
            s.last_seen_at,
            s.idle_expires_at,
            s.absolute_expires_at,
            &s.ip,
            &s.user_agent
        )?;
        Ok(())
    }

    /// A live session and its active user; expired sessions and disabled users give `None`.
    pub async fn live_session(
        &self,
        session_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<(SessionRecord, User)>> {
        const SQL: &str = concat!(
            "SELECT s.session_hash, s.sid, s.auth_time, s.amr, s.remember, ",
            "s.created_at AS session_created_at, s.last_seen_at, s.idle_expires_at, ",
            "s.absolute_expires_at, s.ip, s.user_agent, ",
            user_columns!("u."),
            " FROM browser_session s JOIN user_account u ON u.user_id = s.user_id \
             WHERE s.session_hash = $1 AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2 \
             AND u.is_active"
        );
        let row: Option<SessionWithUserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(session_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(SessionWithUserRow::split))
    }

    /// Records activity and slides the idle expiry (never past the absolute one).
    pub async fn touch_session(
        &self,
        session_hash: &[u8],
        now: Millis,
        idle_expires_at: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE browser_session SET last_seen_at = $2, \
             idle_expires_at = CASE WHEN $3 < absolute_expires_at THEN $3 ELSE absolute_expires_at END \
             WHERE session_hash = $1";
        execute_count!(self, SQL, session_hash, now, idle_expires_at)?;
        Ok(())
    }

    /// Deletes one session row only: the browser's session continues under the same `sid` in
    /// a new row (a renewed login), so its grants stay.
    pub async fn replace_session(&self, session_hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM browser_session WHERE session_hash = $1";
        let done = execute_count!(self, SQL, session_hash)?;
        Ok(done > 0)
    }

    /// Ends one session (logout): it is deleted and every grant made in it is revoked, in one
    /// transaction. Returns whether it existed. (Each of these transactions writes first, so a
    /// SQLite transaction never has to upgrade from reading to writing.)
    pub async fn end_session(&self, session_hash: &[u8], now: Millis) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM browser_session WHERE session_hash = $1 RETURNING sid";
        Ok(end_sessions!(self, now, SQL, session_hash)? > 0)
    }

    /// Logs the person out everywhere, in one transaction: every session ends, and every grant
    /// made in one of them is revoked. Returns the number of sessions ended.
    pub async fn end_sessions_of_user(&self, user_id: i64, now: Millis) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM browser_session WHERE user_id = $1 RETURNING sid";
        end_sessions!(self, now, SQL, user_id)
    }

    /// Ends the session with public id `sid` only if it belongs to `user_id`, revoking its
    /// grants in the same transaction; returns whether one was ended (another person's `sid`
    /// ends and revokes nothing).
    pub async fn end_session_of_user(
        &self,
        user_id: i64,
        sid: &str,
        now: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM browser_session WHERE user_id = $1 AND sid = $2";
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let ended = execute_count!(on &mut *tx, SQL, user_id, sid)?;
            if ended > 0 {
                execute_count!(on &mut *tx, ENQUEUE_BY_SESSION, sid, now)?;
                revoke_grants!(tx, BY_SESSION, sid, now);
            }
            tx.commit().await.map(|()| ended > 0)
        })?)
    }

    /// Ends every session of the user except the one whose hash is `keep`, revoking their
    /// grants in the same transaction.
    pub async fn end_other_sessions(
        &self,
        user_id: i64,
        keep: &[u8],
        now: Millis,
    ) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM browser_session WHERE user_id = $1 AND session_hash <> $2 \
             RETURNING sid";
        end_sessions!(self, now, SQL, user_id, keep)
    }

    pub async fn sessions_of_user(&self, user_id: i64) -> StoreResult<Vec<SessionRecord>> {
        const SQL: &str = "SELECT session_hash, sid, user_id, auth_time, amr, remember, created_at, \
             last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent \
             FROM browser_session WHERE user_id = $1 ORDER BY created_at";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }
}

/// The joined row: the session's columns (its `created_at` renamed to keep it apart from the
/// user's) and the user's.
#[derive(Debug, FromRow)]
struct SessionWithUserRow {
    session_hash: Vec<u8>,
    sid: String,
    auth_time: i64,
    amr: String,
    remember: bool,
    session_created_at: i64,
    last_seen_at: i64,
    idle_expires_at: i64,
    absolute_expires_at: i64,
    ip: String,
    user_agent: String,
    #[sqlx(flatten)]
    user: UserRow,
}

impl SessionWithUserRow {
    fn split(self) -> (SessionRecord, User) {
        let user = User::from(self.user);
        let session = SessionRecord {
            session_hash: self.session_hash,
            sid: self.sid,
            user_id: user.user_id,
            auth_time: self.auth_time,
            amr: self.amr,
            remember: self.remember,
            created_at: self.session_created_at,
            last_seen_at: self.last_seen_at,
            idle_expires_at: self.idle_expires_at,
            absolute_expires_at: self.absolute_expires_at,
            ip: self.ip,
            user_agent: self.user_agent,
        };
        (session, user)
    }
}
