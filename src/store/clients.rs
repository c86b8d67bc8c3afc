//! Relying parties. Created through [`Store::create_client`] only, whatever the caller (CLI,
//! admin console, later dynamic registration).
use std::sync::Arc;

use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, map_err, on_db};
use crate::domain::client::{AuthMethod, Client, GrantType, joined};
use crate::domain::clock::Millis;
use crate::domain::scope::Scopes;

/// A client as stored: lists joined by newlines (URIs) or spaces (the rest).
#[derive(Debug, Clone, FromRow)]
struct ClientRow {
    client_id: String,
    name: String,
    secret_hash: Option<Vec<u8>>,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    grant_types: String,
    scopes: String,
    token_endpoint_auth_method: String,
    require_pkce: bool,
    first_party: bool,
    require_mfa: bool,
    require_par: bool,
    backchannel_logout_uri: String,
    backchannel_logout_session_required: bool,
    id_token_alg: String,
    logo_uri: String,
    home_uri: String,
    resources: String,
    allowed_groups: String,
    created_at: i64,
    updated_at: i64,
}

impl From<ClientRow> for Client {
    fn from(r: ClientRow) -> Self {
        let lines = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Client {
            redirect_uris: lines(&r.redirect_uris),
            post_logout_redirect_uris: lines(&r.post_logout_redirect_uris),
            grant_types: known(&r.client_id, &r.grant_types, GrantType::parse),
            scopes: Scopes::stored(&r.scopes),
            auth_methods: known(
                &r.client_id,
                &r.token_endpoint_auth_method,
                AuthMethod::parse,
            ),
            client_id: r.client_id,
            name: r.name,
            secret_hash: r.secret_hash,
            require_pkce: r.require_pkce,
            first_party: r.first_party,
            require_mfa: r.require_mfa,
            require_par: r.require_par,
            backchannel_logout_uri: r.backchannel_logout_uri,
            backchannel_logout_session_required: r.backchannel_logout_session_required,
            id_token_alg: r.id_token_alg,
            logo_uri: r.logo_uri,
            home_uri: r.home_uri,
            resources: lines(&r.resources),
            allowed_groups: lines(&r.allowed_groups),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The registered values in `raw` (space-separated). Values are checked when written
/// (`oidc::registration`); one this version does not know is left out, so it grants nothing.
fn known<T>(client_id: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
    raw.split(' ')
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let v = parse(w);
            if v.is_none() {
                tracing::warn!(%client_id, value = w, "unknown stored client setting ignored");
            }
            v
        })
        .collect()
}

impl From<&Client> for ClientRow {
    fn from(c: &Client) -> Self {
        ClientRow {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            secret_hash: c.secret_hash.clone(),
            redirect_uris: c.redirect_uris.join("\n"),
            post_logout_redirect_uris: c.post_logout_redirect_uris.join("\n"),
            grant_types: joined(&c.grant_types, GrantType::as_str),
            scopes: c.scopes.to_string(),
            token_endpoint_auth_method: joined(&c.auth_methods, AuthMethod::as_str),
            require_pkce: c.require_pkce,
            first_party: c.first_party,
            require_mfa: c.require_mfa,
            require_par: c.require_par,
            backchannel_logout_uri: c.backchannel_logout_uri.clone(),
            backchannel_logout_session_required: c.backchannel_logout_session_required,
            id_token_alg: c.id_token_alg.clone(),
            logo_uri: c.logo_uri.clone(),
            home_uri: c.home_uri.clone(),
            resources: c.resources.join("\n"),
            allowed_groups: c.allowed_groups.join("\n"),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

const DELETE_CLIENT: &str = "DELETE FROM client WHERE client_id = $1";

macro_rules! client_columns {
    () => {
        "client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, scopes, \
         token_endpoint_auth_method, require_pkce, first_party, id_token_alg, logo_uri, home_uri, \
         created_at, updated_at, require_mfa, backchannel_logout_uri, \
         backchannel_logout_session_required, require_par, resources, allowed_groups"
    };
}

impl Store {
    pub async fn create_client(&self, c: &Client) -> StoreResult<()> {
        let c = ClientRow::from(c);
        const SQL: &str = concat!(
            "INSERT INTO client (",
            client_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        );
        execute_count!(
            self,
            SQL,
            &c.client_id,
            &c.name,
            &c.secret_hash,
            &c.redirect_uris,
            &c.post_logout_redirect_uris,
            &c.grant_types,
            &c.scopes,
            &c.token_endpoint_auth_method,
            c.require_pkce,
            c.first_party,
            &c.id_token_alg,
            &c.logo_uri,
            &c.home_uri,
            c.created_at,
            c.updated_at,
            c.require_mfa,
            &c.backchannel_logout_uri,
            c.backchannel_logout_session_required,
            c.require_par,
            &c.resources,
            &c.allowed_groups,
        )
        .map_err(map_err)?;
        self.clients.forget(&c.client_id);
        Ok(())
    }

    /// The client as the protocol endpoints use it: from this node's memory when it was read
    /// less than `database.client_cache_ms` ago, else from the database (see `client_cache`).
    /// Settings pages and the CLI read with [`Store::client`], which always asks the database.
    pub async fn client_for_protocol(&self, client_id: &str) -> StoreResult<Option<Arc<Client>>> {
        if let Some(c) = self.clients.get(client_id) {
            return Ok(Some(c));
        }
        self.reread_client(client_id).await
    }

    /// [`Store::client_for_protocol`] from the database, whatever this node kept: for when
    /// the kept copy may be out of date (a secret it does not know).
    pub async fn reread_client(&self, client_id: &str) -> StoreResult<Option<Arc<Client>>> {
        let client = self.client(client_id).await?.map(Arc::new);
        match &client {
            Some(c) => self.clients.put(c),
            None => self.clients.forget(client_id),
        }
        Ok(client)
    }

    /// The client as stored right now.
    pub async fn client(&self, client_id: &str) -> StoreResult<Option<Client>> {
        if !crate::domain::client::client_id_is_plausible(client_id) {
            return Ok(None);
        }
        const SQL: &str = concat!(
            "SELECT ",
            client_columns!(),
            " FROM client WHERE client_id = $1"
        );
        let row: Option<ClientRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Client::from))
    }

    pub async fn clients(&self) -> StoreResult<Vec<Client>> {
        const SQL: &str = concat!(
            "SELECT ",
            client_columns!(),
            " FROM client ORDER BY created_at, client_id"
        );
        let rows: Vec<ClientRow> = on_db!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Client::from).collect())
    }

    /// The ids of the clients for which `names` holds (what they name: resources, groups).
    pub async fn clients_naming(
        &self,
        names: impl Fn(&Client) -> bool,
    ) -> StoreResult<Vec<String>> {
        Ok(self
            .clients()
            .await?
            .into_iter()
            .filter(|c| names(c))
            .map(|c| c.client_id)
            .collect())
    }

    /// Removes a client; returns whether it existed.
    pub async fn delete_client(&self, client_id: &str) -> StoreResult<bool> {
        let n = execute_count!(self, DELETE_CLIENT, client_id)?;
        self.clients.forget(client_id);
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
        let n = execute_count!(self, SQL, client_id, secret_hash, now)?;
        self.clients.forget(client_id);
        Ok(n > 0)
    }

    /// Writes a client's settings (everything but its id, secret and creation time); returns
    /// whether the client exists.
    pub async fn update_client(&self, c: &Client) -> StoreResult<bool> {
        let c = ClientRow::from(c);
        const SQL: &str = "UPDATE client SET name = $2, redirect_uris = $3, \
             post_logout_redirect_uris = $4, grant_types = $5, scopes = $6, \
             token_endpoint_auth_method = $7, require_pkce = $8, first_party = $9, \
             id_token_alg = $10, logo_uri = $11, home_uri = $12, updated_at = $13, \
             require_mfa = $14, backchannel_logout_uri = $15, \
             backchannel_logout_session_required = $16, require_par = $17, \
             resources = $18, allowed_groups = $19 WHERE client_id = $1";
        let n = execute_count!(
            self,
            SQL,
            &c.client_id,
            &c.name,
            &c.redirect_uris,
            &c.post_logout_redirect_uris,
            &c.grant_types,
            &c.scopes,
            &c.token_endpoint_auth_method,
            c.require_pkce,
            c.first_party,
            &c.id_token_alg,
            &c.logo_uri,
            &c.home_uri,
            c.updated_at,
            c.require_mfa,
            &c.backchannel_logout_uri,
            c.backchannel_logout_session_required,
            c.require_par,
            &c.resources,
            &c.allowed_groups,
        )?;
        self.clients.forget(&c.client_id);
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
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            for sql in GRANTS {
                execute_count!(on &mut *tx, sql, client_id)?;
            }
            let n = execute_count!(on &mut *tx, DELETE_CLIENT, client_id)?;
            tx.commit().await.map(|()| n > 0)
        })
        .inspect(|_| self.clients.forget(client_id))?)
    }
}
