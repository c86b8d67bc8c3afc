//! The hottest write transactions on SQLite (a code, the tokens it gives, a refresh rotation),
//! each as one script: one round trip to the
//! connection's thread instead of one per statement.
//!
//! sqlx runs every SQLite command on the connection's own thread, so each statement of a
//! transaction (BEGIN and COMMIT included) costs two context switches, and the transaction
//! holds the write gate all the while. A script sends `BEGIN IMMEDIATE; …; COMMIT` at once;
//! `changes()` (the rows the previous statement wrote) makes each write depend on the one
//! before it, so the script writes all or nothing without a decision in between. Should a
//! statement fail, the transaction is rolled back before the connection returns to the pool.
//! PostgreSQL keeps ordinary transactions: its statements go over the network either way.
//! Callers hold the store's write gate.
use sqlx::sqlite::{SqliteConnection, SqlitePool};

use super::token_rows::{AccessTokenRow, CodeRow, RefreshTokenRow, insert_access_in_grant};
use crate::domain::clock::Millis;

/// Rotates a refresh token out (`$1` at `$2`) and writes the new access (`$3`–`$10`) and
/// refresh (`$11`–`$21`) tokens, only if the token was current under a live grant.
const ROTATE: &str = concat!(
    "BEGIN IMMEDIATE; ",
    "UPDATE refresh_token SET rotated_at = $2 WHERE token_hash = $1 AND rotated_at IS NULL ",
    "AND EXISTS (SELECT 1 FROM oauth_grant g WHERE g.grant_id = refresh_token.grant_id ",
    "AND g.revoked_at IS NULL) RETURNING token_hash, grant_id, client_id, user_id, sid, scopes, ",
    "auth_time, amr, created_at, expires_at, resources; ",
    "INSERT INTO access_token (token_hash, grant_id, client_id, user_id, scopes, created_at, ",
    "expires_at, audience) SELECT $3, $4, $5, $6, $7, $8, $9, $10 WHERE changes() = 1; ",
    "INSERT INTO refresh_token (token_hash, grant_id, client_id, user_id, sid, scopes, auth_time, ",
    "amr, created_at, expires_at, resources) SELECT $11, $12, $13, $14, $15, $16, $17, $18, $19, ",
    "$20, $21 WHERE changes() = 1; ",
    "COMMIT"
);

/// A code's access token (`$1`–`$8`) and refresh token (`$9`–`$19`), only while the grant
/// (`$2`) is not revoked; one row back per token written.
const GRANT_TOKENS: &str = concat!(
    "BEGIN IMMEDIATE; ",
    insert_access_in_grant!(),
    " RETURNING 1; ",
    "INSERT INTO refresh_token (token_hash, grant_id, client_id, user_id, sid, scopes, auth_time, ",
    "amr, created_at, expires_at, resources) SELECT $9, $10, $11, $12, $13, $14, $15, $16, $17, ",
    "$18, $19 WHERE changes() = 1 RETURNING 1; ",
    "COMMIT"
);

/// The same for a code without a refresh token: one statement is a transaction already.
const GRANT_ACCESS_TOKEN: &str = concat!(insert_access_in_grant!(), " RETURNING 1");

/// A new grant and its code (`$1`–`$14`, the code's columns; the grant takes its id, client,
/// person, session and creation time from them).
const CODE: &str = concat!(
    "BEGIN IMMEDIATE; ",
    "INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, created_at) ",
    "VALUES ($2, $3, $4, $5, $12); ",
    "INSERT INTO authorization_code (code_hash, grant_id, client_id, user_id, sid, redirect_uri, ",
    "scopes, nonce, code_challenge, auth_time, amr, created_at, expires_at, resources) ",
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14); ",
    "COMMIT"
);

/// Binds an [`AccessTokenRow`]'s eight columns in table order.
macro_rules! bind_access {
    ($q:expr, $t:expr) => {
        $q.bind(&$t.token_hash)
            .bind(&$t.grant_id)
            .bind(&$t.client_id)
            .bind($t.user_id)
            .bind(&$t.scopes)
            .bind($t.created_at)
            .bind($t.expires_at)
            .bind(&$t.audience)
    };
}

/// Binds a [`RefreshTokenRow`]'s eleven columns in table order.
macro_rules! bind_refresh {
    ($q:expr, $t:expr) => {
        $q.bind(&$t.token_hash)
            .bind(&$t.grant_id)
            .bind(&$t.client_id)
            .bind($t.user_id)
            .bind(&$t.sid)
            .bind(&$t.scopes)
            .bind($t.auth_time)
            .bind(&$t.amr)
            .bind($t.created_at)
            .bind($t.expires_at)
            .bind(&$t.resources)
    };
}

/// [`ROTATE`]: the rotated-out row, if the token was current.
pub(super) async fn rotate(
    pool: &SqlitePool,
    token_hash: &[u8],
    now: Millis,
    access: &AccessTokenRow,
    successor: &RefreshTokenRow,
) -> Result<Option<RefreshTokenRow>, sqlx::Error> {
    on_one_connection(pool, async |conn| {
        let q = sqlx::query_as(ROTATE).bind(token_hash).bind(now);
        let rows: Vec<RefreshTokenRow> = bind_refresh!(bind_access!(q, access), successor)
            .fetch_all(conn)
            .await?;
        Ok(rows.into_iter().next())
    })
    .await
}

/// [`GRANT_TOKENS`] (or [`GRANT_ACCESS_TOKEN`]): whether every token was written.
pub(super) async fn insert_grant_tokens(
    pool: &SqlitePool,
    access: &AccessTokenRow,
    refresh: Option<&RefreshTokenRow>,
) -> Result<bool, sqlx::Error> {
    on_one_connection(pool, async |conn| {
        let written = match refresh {
            Some(r) => {
                let q = bind_access!(sqlx::query(GRANT_TOKENS), access);
                bind_refresh!(q, r).fetch_all(conn).await?.len() == 2
            }
            None => {
                let q = bind_access!(sqlx::query(GRANT_ACCESS_TOKEN), access);
                q.fetch_all(conn).await?.len() == 1
            }
        };
        Ok(written)
    })
    .await
}

/// [`CODE`].
pub(super) async fn insert_code(pool: &SqlitePool, c: &CodeRow) -> Result<(), sqlx::Error> {
    on_one_connection(pool, async |conn| {
        sqlx::query(CODE)
            .bind(&c.code_hash)
            .bind(&c.grant_id)
            .bind(&c.client_id)
            .bind(c.user_id)
            .bind(&c.sid)
            .bind(&c.redirect_uri)
            .bind(&c.scopes)
            .bind(&c.nonce)
            .bind(&c.code_challenge)
            .bind(c.auth_time)
            .bind(&c.amr)
            .bind(c.created_at)
            .bind(c.expires_at)
            .bind(&c.resources)
            .execute(conn)
            .await
            .map(drop)
    })
    .await
}

/// Runs `script` on one pooled connection; after a failure, rolls back whatever transaction
/// the script left open, and closes the connection rather than pool it if that fails too.
async fn on_one_connection<T>(
    pool: &SqlitePool,
    script: impl AsyncFnOnce(&mut SqliteConnection) -> Result<T, sqlx::Error>,
) -> Result<T, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let result = script(&mut conn).await;
    if result.is_err() && sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
        conn.close_on_drop();
    }
    result
}
