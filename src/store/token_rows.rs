//! The rows of what an authorization produces, a code and the tokens it leads to, as both
//! the store's areas (`grants`, `tokens`) and the SQLite scripts and token writer that write
//! them share them.
use sqlx::FromRow;

/// `INSERT` of an access token row (`$1`–`$8`, table order) that writes nothing once its grant
/// (`$2`) is revoked: a request that raced a revocation inserts nothing.
macro_rules! insert_access_in_grant {
    () => {
        concat!(
            "INSERT INTO access_token (token_hash, grant_id, client_id, user_id, scopes, ",
            "created_at, expires_at, audience) SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS ",
            "(SELECT 1 FROM oauth_grant g WHERE g.grant_id = $2 AND g.revoked_at IS NULL)"
        )
    };
}
pub(super) use insert_access_in_grant;

#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    pub code_hash: Vec<u8>,
    pub grant_id: String,
    pub client_id: String,
    pub user_id: i64,
    pub sid: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: i64,
    pub amr: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The resources granted (RFC 8707), one identifier per line.
    pub resources: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct AccessTokenRow {
    pub token_hash: Vec<u8>,
    pub grant_id: Option<String>,
    pub client_id: String,
    pub user_id: Option<i64>,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The resource the token is for (RFC 8707); `None` for UserInfo and the client itself.
    pub audience: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct RefreshTokenRow {
    pub token_hash: Vec<u8>,
    pub grant_id: String,
    pub client_id: String,
    pub user_id: i64,
    pub sid: String,
    pub scopes: String,
    pub auth_time: i64,
    pub amr: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The resources the family was granted (RFC 8707), one identifier per line.
    pub resources: String,
}
