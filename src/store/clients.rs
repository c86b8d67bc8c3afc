//! Relying parties. Created through [`Store::create_client`] only, whatever the caller (CLI,
//! admin console, later dynamic registration).
use sqlx::FromRow;

use super::{Store, StoreResult, map_err, on_db};
use crate::domain::client::{AuthMethod, GrantType};
use crate::domain::clock::Millis;
use crate::domain::scope::Scopes;

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    /// SHA-256 of the secret; `None` for public clients.
    pub secret_hash: Option<Vec<u8>>,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub grant_types: String,
    pub scopes: String,
    pub token_endpoint_auth_method: String,
    pub require_pkce: bool,
    pub first_party: bool,
    pub id_token_alg: String,
    pub logo_uri: String,
    pub home_uri: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ClientRow {
    pub fn redirect_uri_list(&self) -> Vec<String> {
        self.redirect_uris
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
    pub fn post_logout_uri_list(&self) -> Vec<String> {
        self.post_logout_redirect_uris
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.grant_types.split(' ').any(|g| g == grant.as_str())
    }
    /// Whether the client authenticates at the token endpoint with `method`.
    pub fn allows_auth(&self, method: AuthMethod) -> bool {
        self.token_endpoint_auth_method
            .split(' ')
            .any(|m| m == method.as_str())
    }
    pub fn allows_scope(&self, scope: &str) -> bool {
        Scopes::stored_contains(&self.scopes, scope)
    }
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }
}

macro_rules! client_columns {
    () => {
        "client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, scopes, \
         token_endpoint_auth_method, require_pkce, first_party, id_token_alg, logo_uri, home_uri, \
         created_at, updated_at"
    };
}

impl Store {
    pub async fn create_client(&self, c: &ClientRow) -> StoreResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO client (",
            client_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on_db!(self, |pool| sqlx::query(SQL)
            .bind(&c.client_id)
            .bind(&c.name)
            .bind(&c.secret_hash)
            .bind(&c.redirect_uris)
            .bind(&c.post_logout_redirect_uris)
            .bind(&c.grant_types)
            .bind(&c.scopes)
            .bind(&c.token_endpoint_auth_method)
            .bind(c.require_pkce)
            .bind(c.first_party)
            .bind(&c.id_token_alg)
            .bind(&c.logo_uri)
            .bind(&c.home_uri)
            .bind(c.created_at)
            .bind(c.updated_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(map_err)?;
        Ok(())
    }

    pub async fn client(&self, client_id: &str) -> StoreResult<Option<ClientRow>> {
        if !crate::domain::client::client_id_is_plausible(client_id) {
            return Ok(None);
        }
        const SQL: &str = concat!(
            "SELECT ",
            client_columns!(),
            " FROM client WHERE client_id = $1"
        );
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn clients(&self) -> StoreResult<Vec<ClientRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            client_columns!(),
            " FROM client ORDER BY created_at, client_id"
        );
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .fetch_all(pool)
            .await)?)
    }

    /// Removes a client; returns whether it existed.
    pub async fn delete_client(&self, client_id: &str) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM client WHERE client_id = $1";
        let n = on_db!(self, |pool| sqlx::query(SQL)
            .bind(client_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Replaces the secret hash of a confidential client; returns whether one was changed.
    pub async fn set_client_secret(
        &self,
        client_id: &str,
        secret_hash: &[u8],
        now: Millis,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE client SET secret_hash = $2, updated_at = $3 \
             WHERE client_id = $1 AND secret_hash IS NOT NULL";
        let n = on_db!(self, |pool| sqlx::query(SQL)
            .bind(client_id)
            .bind(secret_hash)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Writes a client's settings (everything but its id, secret and creation time); returns
    /// whether the client exists.
    pub async fn update_client(&self, c: &ClientRow) -> StoreResult<bool> {
        const SQL: &str = "UPDATE client SET name = $2, redirect_uris = $3, \
             post_logout_redirect_uris = $4, grant_types = $5, scopes = $6, \
             token_endpoint_auth_method = $7, require_pkce = $8, first_party = $9, \
             id_token_alg = $10, logo_uri = $11, home_uri = $12, updated_at = $13 \
             WHERE client_id = $1";
        let n = on_db!(self, |pool| sqlx::query(SQL)
            .bind(&c.client_id)
            .bind(&c.name)
            .bind(&c.redirect_uris)
            .bind(&c.post_logout_redirect_uris)
            .bind(&c.grant_types)
            .bind(&c.scopes)
            .bind(&c.token_endpoint_auth_method)
            .bind(c.require_pkce)
            .bind(c.first_party)
            .bind(&c.id_token_alg)
            .bind(&c.logo_uri)
            .bind(&c.home_uri)
            .bind(c.updated_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Removes a client with everything it was given, in one transaction: its tokens, codes,
    /// consents and parked requests. Returns whether it existed.
    pub async fn delete_client_and_grants(&self, client_id: &str) -> StoreResult<bool> {
        const GRANTS: [&str; 6] = [
            "DELETE FROM access_token WHERE client_id = $1",
            "DELETE FROM refresh_token WHERE client_id = $1",
            "DELETE FROM authorization_code WHERE client_id = $1",
            "DELETE FROM consent WHERE client_id = $1",
            "DELETE FROM pending_authorization WHERE client_id = $1",
            "DELETE FROM session_client WHERE client_id = $1",
        ];
        const CLIENT: &str = "DELETE FROM client WHERE client_id = $1";
        Ok(on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            for sql in GRANTS {
                sqlx::query(sql).bind(client_id).execute(&mut *tx).await?;
            }
            let n = sqlx::query(CLIENT)
                .bind(client_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await.map(|()| n > 0)
        })?)
    }
}
