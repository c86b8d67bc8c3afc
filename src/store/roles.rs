//! Application roles (`client_role`) and who holds them (`role_grant`): a grant names a group
//! (all its members) or one person. Read on every token issued for a person, in one query
//! that also tells whether the application defines roles at all.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, map_err, on_db};
use crate::domain::clock::Millis;
use crate::domain::role::{Grantee, Role};

#[derive(Debug, Clone, FromRow)]
struct RoleRow {
    client_id: String,
    name: String,
    label: String,
    created_at: i64,
}

impl From<RoleRow> for Role {
    fn from(r: RoleRow) -> Self {
        Role {
            client_id: r.client_id,
            name: r.name,
            label: r.label,
            created_at: r.created_at,
        }
    }
}

/// A person who holds a role directly.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Holder {
    pub sub: String,
    pub email: String,
}

/// A role with the groups and people it is granted to.
#[derive(Debug, Clone)]
pub struct RoleGrants {
    pub role: Role,
    pub groups: Vec<String>,
    pub people: Vec<Holder>,
}

/// A role a person holds, for the account export.
#[derive(Debug, Clone, FromRow)]
pub struct HeldRole {
    pub client_id: String,
    pub app: String,
    pub name: String,
    pub label: String,
}

impl Store {
    /// Defines a role on an application; a taken name is a conflict.
    pub async fn insert_role(&self, r: &Role) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO client_role (client_id, name, label, created_at) \
             VALUES ($1, $2, $3, $4)";
        execute_count!(self, SQL, &r.client_id, &r.name, &r.label, r.created_at)
            .map_err(map_err)?;
        Ok(())
    }

    pub async fn role(&self, client_id: &str, name: &str) -> StoreResult<Option<Role>> {
        const SQL: &str = "SELECT client_id, name, label, created_at FROM client_role \
             WHERE client_id = $1 AND name = $2";
        let row: Option<RoleRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .bind(name)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Role::from))
    }

    /// Removes a role and its grants; whether it existed.
    pub async fn delete_role(&self, client_id: &str, name: &str) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM client_role WHERE client_id = $1 AND name = $2";
        Ok(execute_count!(self, SQL, client_id, name)? > 0)
    }

    /// The application's roles by name, each with its grants (groups by name, people by email).
    pub async fn client_roles(&self, client_id: &str) -> StoreResult<Vec<RoleGrants>> {
        const ROLES: &str = "SELECT client_id, name, label, created_at FROM client_role \
             WHERE client_id = $1 ORDER BY name";
        const GRANTS: &str = "SELECT g.role, g.group_name, u.sub, u.email FROM role_grant g \
             LEFT JOIN user_account u ON u.user_id = g.user_id \
             WHERE g.client_id = $1 ORDER BY g.group_name, u.email";
        let roles: Vec<RoleRow> = on_db!(self, |pool| sqlx::query_as(ROLES)
            .bind(client_id)
            .fetch_all(pool)
            .await)?;
        type GrantRow = (String, Option<String>, Option<String>, Option<String>);
        let grants: Vec<GrantRow> = on_db!(self, |pool| sqlx::query_as(GRANTS)
            .bind(client_id)
            .fetch_all(pool)
            .await)?;
        Ok(roles
            .into_iter()
            .map(|r| {
                let mine = grants.iter().filter(|g| g.0 == r.name);
                let groups = mine.clone().filter_map(|g| g.1.clone()).collect();
                let people = mine
                    .filter_map(|g| match (&g.2, &g.3) {
                        (Some(sub), Some(email)) => Some(Holder {
                            sub: sub.clone(),
                            email: email.clone(),
                        }),
                        _ => None,
                    })
                    .collect();
                RoleGrants {
                    role: r.into(),
                    groups,
                    people,
                }
            })
            .collect())
    }

    /// Grants `role` of `client_id` to a group or a person; false when already granted.
    /// The role, and the group or person, must exist.
    pub async fn grant_role(
        &self,
        client_id: &str,
        role: &str,
        to: &Grantee,
        now: Millis,
    ) -> StoreResult<bool> {
        let (group, user) = match to {
            Grantee::Group(g) => (Some(g.as_str()), None),
            Grantee::Person(id) => (None, Some(*id)),
        };
        const SQL: &str = "INSERT INTO role_grant (client_id, role, group_name, user_id, \
             granted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        Ok(execute_count!(self, SQL, client_id, role, group, user, now).map_err(map_err)? > 0)
    }

    /// Takes `role` of `client_id` back from a group or a person; false when not granted.
    pub async fn revoke_role(
        &self,
        client_id: &str,
        role: &str,
        from: &Grantee,
    ) -> StoreResult<bool> {
        const SQL_GROUP: &str =
            "DELETE FROM role_grant WHERE client_id = $1 AND role = $2 AND group_name = $3";
        const SQL_PERSON: &str =
            "DELETE FROM role_grant WHERE client_id = $1 AND role = $2 AND user_id = $3";
        let done = match from {
            Grantee::Group(g) => execute_count!(self, SQL_GROUP, client_id, role, g)?,
            Grantee::Person(id) => execute_count!(self, SQL_PERSON, client_id, role, id)?,
        };
        Ok(done > 0)
    }

    /// The names of the roles `user_id` holds in `client_id` (directly or through a group),
    /// sorted; `None` when the application defines no roles (then there is no `roles` claim).
    pub async fn roles_for(
        &self,
        client_id: &str,
        user_id: i64,
    ) -> StoreResult<Option<Vec<String>>> {
        const SQL: &str = "SELECT r.name, EXISTS (SELECT 1 FROM role_grant g \
             WHERE g.client_id = r.client_id AND g.role = r.name AND (g.user_id = $2 \
             OR g.group_name IN (SELECT m.group_name FROM group_member m WHERE m.user_id = $2))) \
             AS held FROM client_role r WHERE r.client_id = $1 ORDER BY r.name";
        let rows: Vec<(String, bool)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(client_id)
            .bind(user_id)
            .fetch_all(pool)
            .await)?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            rows.into_iter()
                .filter(|(_, held)| *held)
                .map(|(name, _)| name)
                .collect(),
        ))
    }

    /// Every role `user_id` holds in any application, by application name then role.
    pub async fn roles_of(&self, user_id: i64) -> StoreResult<Vec<HeldRole>> {
        const SQL: &str = "SELECT DISTINCT c.client_id, c.name AS app, r.name, r.label \
             FROM role_grant g \
             JOIN client_role r ON r.client_id = g.client_id AND r.name = g.role \
             JOIN client c ON c.client_id = g.client_id \
             WHERE g.user_id = $1 \
             OR g.group_name IN (SELECT m.group_name FROM group_member m WHERE m.user_id = $1) \
             ORDER BY app, r.name";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }
}
