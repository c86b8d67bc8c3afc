//! Resources (RFC 8707): the APIs access tokens are issued for. Read on every token request
//! that names one, so they are few and small; removed only while no client names them.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, map_err, on_db};
use crate::domain::resource::Resource;
use crate::domain::scope::Scopes;

#[derive(Debug, Clone, FromRow)]
struct ResourceRow {
    resource_id: String,
    name: String,
    scopes: String,
    alg: String,
    jwt: bool,
    created_at: i64,
}

impl From<ResourceRow> for Resource {
    fn from(r: ResourceRow) -> Self {
        Resource {
            resource_id: r.resource_id,
            name: r.name,
            scopes: Scopes::stored(&r.scopes),
            alg: r.alg,
            jwt: r.jwt,
            created_at: r.created_at,
        }
    }
}

pub use super::Removal;

macro_rules! columns {
    () => {
        "SELECT resource_id, name, scopes, alg, jwt, created_at FROM resource"
    };
}

impl Store {
    /// Registers `r`; a resource with the same identifier is a conflict.
    pub async fn insert_resource(&self, r: &Resource) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO resource (resource_id, name, scopes, alg, jwt, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)";
        execute_count!(
            self,
            SQL,
            &r.resource_id,
            &r.name,
            r.scopes.to_string(),
            &r.alg,
            r.jwt,
            r.created_at
        )
        .map_err(map_err)?;
        Ok(())
    }

    pub async fn resource(&self, resource_id: &str) -> StoreResult<Option<Resource>> {
        const SQL: &str = concat!(columns!(), " WHERE resource_id = $1");
        let row: Option<ResourceRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(resource_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Resource::from))
    }

    /// Every resource, by identifier.
    pub async fn resources(&self) -> StoreResult<Vec<Resource>> {
        const SQL: &str = concat!(columns!(), " ORDER BY resource_id");
        let rows: Vec<ResourceRow> =
            on_db!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Resource::from).collect())
    }

    /// Removes a resource no client names any more.
    pub async fn remove_resource(&self, resource_id: &str) -> StoreResult<Removal> {
        let users = self
            .clients_naming(|c| c.resources.iter().any(|r| r == resource_id))
            .await?;
        if !users.is_empty() {
            return Ok(Removal::InUse(users));
        }
        const SQL: &str = "DELETE FROM resource WHERE resource_id = $1";
        Ok(match execute_count!(self, SQL, resource_id)? {
            0 => Removal::NotFound,
            _ => Removal::Removed,
        })
    }
}
