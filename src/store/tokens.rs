//! Access and refresh tokens (opaque; only SHA-256 stored). A grant id ties together everything
//! one authorization produced, so a replayed code or a reused refresh token revokes it all, and
//! a token counts only while its grant is not revoked (see `revocation`).
use sqlx::FromRow;

use super::revocation::{BY_GRANT, grant_is_live, revoke_grants};
use super::sqlite_scripts;
use super::token_rows::insert_access_in_grant;
pub use super::token_rows::{AccessTokenRow, RefreshTokenRow};
use super::users::{UserRow, user_columns};
use super::{Db, Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;
use crate::domain::user::User;

/// What presenting a refresh token found.
#[derive(Debug)]
pub enum RefreshUse {
    /// Current and now rotated out (the caller issues its successor).
    Rotated(Box<RefreshTokenRow>),
    /// Already rotated before: a replay, whose family should be revoked.
    Reused {
        grant_id: String,
    },
    Unknown,
}

/// Columns of `refresh_token` as [`RefreshTokenRow`] reads them (alias `t`).
macro_rules! refresh_columns {
    () => {
        "t.token_hash, t.grant_id, t.client_id, t.user_id, t.sid, t.scopes, t.auth_time, t.amr, \
         t.created_at, t.expires_at, t.resources"
    };
}

const INSERT_ACCESS_IN_GRANT: &str = insert_access_in_grant!();
const INSERT_REFRESH_IN_GRANT: &str = concat!(
    "INSERT INTO refresh_token (token_hash, grant_id, client_id, user_id, sid, scopes, ",
    "auth_time, amr, created_at, expires_at, resources) ",
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 WHERE EXISTS (SELECT 1 FROM oauth_grant g ",
    "WHERE g.grant_id = $2 AND g.revoked_at IS NULL)"
);

/// Inserts an [`AccessTokenRow`] with [`INSERT_ACCESS_IN_GRANT`] on
/// `$executor`; the rows written.
macro_rules! insert_access {
    ($executor:expr, $sql:expr, $t:expr) => {
        execute_count!(
            on $executor,
            $sql,
            &$t.token_hash,
            &$t.grant_id,
            &$t.client_id,
            $t.user_id,
            &$t.scopes,
            $t.created_at,
            $t.expires_at,
            &$t.audience
        )
    };
}

/// Inserts a [`RefreshTokenRow`] with [`INSERT_REFRESH_IN_GRANT`] on `$executor`; the rows
/// written.
macro_rules! insert_refresh {
    ($executor:expr, $t:expr) => {
        execute_count!(
            on $executor,
            INSERT_REFRESH_IN_GRANT,
            &$t.token_hash,
            &$t.grant_id,
            &$t.client_id,
            $t.user_id,
            &$t.sid,
            &$t.scopes,
            $t.auth_time,
            &$t.amr,
            $t.created_at,
            $t.expires_at,
            &$t.resources
        )
    };
}

impl Store {
    /// An access token that belongs to no person's grant (client credentials), committed
    /// before this returns; concurrent ones share a commit (`token_writer`).
    pub async fn insert_client_access_token(&self, t: &AccessTokenRow) -> StoreResult<()> {
        self.token_writer
            .write(&self.db, &self.write_gate, t.clone())
            .await
    }

    /// The tokens a grant's code produced, in one transaction, only while the grant is not
    /// revoked. Returns `false` (nothing written) when it was revoked meanwhile.
    pub async fn insert_grant_tokens(
        &self,
        access: &AccessTokenRow,
        refresh: Option<&RefreshTokenRow>,
    ) -> StoreResult<bool> {
        if let Db::Sqlite(pool) = &self.db {
            let _turn = self.write_turn().await;
            return Ok(sqlite_scripts::insert_grant_tokens(pool, access, refresh).await?);
        }
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let mut written = insert_access!(&mut *tx, INSERT_ACCESS_IN_GRANT, access)? == 1;
            if let Some(r) = refresh {
                written &= insert_refresh!(&mut *tx, r)? == 1;
            }
            if written {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok::<_, sqlx::Error>(written)
        })
        .map_err(Into::into)
    }

    /// A live access token: not expired, and its grant (if any) not revoked.
    pub async fn access_token(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<AccessTokenRow>> {
        const SQL: &str = concat!(
            "SELECT t.token_hash, t.grant_id, t.client_id, t.user_id, t.scopes, t.created_at, ",
            "t.expires_at, t.audience FROM access_token t WHERE t.token_hash = $1 AND t.expires_at > $2 ",
            "AND (t.grant_id IS NULL OR ",
            grant_is_live!(),
            ")"
        );
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    /// The person a live access token speaks for, the token's scopes and client, in one query: what
    /// userinfo needs for every request. `None` when the token is unknown, expired, under a
    /// revoked grant or nobody's (a client's own); [`Store::access_token`] tells which.
    pub async fn token_user(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<(String, String, User)>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!("u."),
            ", t.scopes AS token_scopes, t.client_id AS token_client FROM access_token t ",
            "JOIN user_account u ON u.user_id = t.user_id ",
            "WHERE t.token_hash = $1 AND t.expires_at > $2 AND (t.grant_id IS NULL OR ",
            grant_is_live!(),
            ")"
        );
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            token_scopes: String,
            token_client: String,
        }
        let row: Option<Row> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| (r.token_scopes, r.token_client, r.user.into())))
    }

    /// Rotates a refresh token out and stores its successor and the new access token, in one
    /// transaction: the conditional UPDATE lets one of two concurrent uses win (the other is a
    /// reuse), and nothing is rotated or written under a revoked grant. Expiry and client
    /// binding are the caller's checks, made on the row read before.
    pub async fn rotate_refresh_token(
        &self,
        token_hash: &[u8],
        now: Millis,
        access: &AccessTokenRow,
        successor: &RefreshTokenRow,
    ) -> StoreResult<RefreshUse> {
        const ROTATE: &str = "UPDATE refresh_token SET rotated_at = $2 \
             WHERE token_hash = $1 AND rotated_at IS NULL AND EXISTS (SELECT 1 FROM oauth_grant g \
             WHERE g.grant_id = refresh_token.grant_id AND g.revoked_at IS NULL) \
             RETURNING token_hash, grant_id, client_id, user_id, sid, scopes, auth_time, amr, \
             created_at, expires_at, resources";
        const SEEN: &str = "SELECT grant_id FROM refresh_token WHERE token_hash = $1";
        let rotated: Option<RefreshTokenRow> = match &self.db {
            Db::Sqlite(pool) => {
                let _turn = self.write_turn().await;
                sqlite_scripts::rotate(pool, token_hash, now, access, successor).await?
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let row: Option<RefreshTokenRow> = sqlx::query_as(ROTATE)
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                if row.is_none() {
                    tx.rollback().await?;
                    None
                } else if insert_access!(&mut *tx, INSERT_ACCESS_IN_GRANT, access)?
                    + insert_refresh!(&mut *tx, successor)?
                    == 2
                {
                    tx.commit().await?;
                    row
                } else {
                    tx.rollback().await?;
                    None
                }
            }
        };
        if let Some(r) = rotated {
            return Ok(RefreshUse::Rotated(Box::new(r)));
        }
        let seen: Option<(String,)> = on_db!(self, |pool| sqlx::query_as(SEEN)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?;
        Ok(match seen {
            Some((grant_id,)) => RefreshUse::Reused { grant_id },
            None => RefreshUse::Unknown,
        })
    }

    /// A refresh token of a live grant without using it (introspection, revocation, the
    /// checks before rotation); the flag says whether it is the family's current one.
    pub async fn refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<(RefreshTokenRow, bool)>> {
        const SQL: &str = concat!(
            "SELECT ",
            refresh_columns!(),
            ", t.rotated_at FROM refresh_token t WHERE t.token_hash = $1 AND ",
            grant_is_live!()
        );
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            token: RefreshTokenRow,
            rotated_at: Option<i64>,
        }
        let row: Option<Row> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| (r.token, r.rotated_at.is_none())))
    }

    /// Revokes a grant: it is marked revoked, and its tokens and unredeemed code are deleted.
    pub async fn revoke_grant(&self, grant_id: &str, now: Millis) -> StoreResult<()> {
        on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            revoke_grants!(tx, BY_GRANT, grant_id, now);
            tx.commit().await
        })?;
        Ok(())
    }

    /// Deletes one access token; returns whether it existed.
    pub async fn delete_access_token(&self, token_hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM access_token WHERE token_hash = $1";
        let n = execute_count!(self, SQL, token_hash)?;
        Ok(n > 0)
    }
}
