//! The rows of what an authorization produces, a code and the tokens it leads to, as both
//! the store's areas (`grants`, `tokens`) and the SQLite scripts and token writer that write
//! them share them.
use sqlx::FromRow;

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
}
