//! Groups and their members (`person_group`, `group_member`). A member row goes with its
//! account or its group (foreign keys cascade).
use sqlx::FromRow;

use super::{Removal, Store, StoreResult, execute_count, map_err, on_db};
use crate::domain::clock::Millis;
use crate::domain::group::Group;

#[derive(Debug, Clone, FromRow)]
struct GroupRow {
    name: String,
    label: String,
    created_at: i64,
}

impl From<GroupRow> for Group {
    fn from(r: GroupRow) -> Self {
        Group {
            name: r.name,
            label: r.label,
            created_at: r.created_at,
        }
    }
}

/// A member as listed.
#[derive(Debug, Clone, FromRow)]
pub struct Member {
    pub user_id: i64,
    pub sub: String,
    pub email: String,
    pub added_at: i64,
}

impl Store {
    /// Creates a group; a taken name is a conflict.
    pub async fn insert_group(&self, g: &Group) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO person_group (name, label, created_at) VALUES ($1, $2, $3)";
        execute_count!(self, SQL, &g.name, &g.label, g.created_at).map_err(map_err)?;
        Ok(())
    }

    pub async fn group(&self, name: &str) -> StoreResult<Option<Group>> {
        const SQL: &str = "SELECT name, label, created_at FROM person_group WHERE name = $1";
        let row: Option<GroupRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(name)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Group::from))
    }

    /// Every group with its member count, by name.
    pub async fn groups(&self) -> StoreResult<Vec<(Group, i64)>> {
        const SQL: &str = "SELECT g.name, g.label, g.created_at, \
             (SELECT COUNT(*) FROM group_member m WHERE m.group_name = g.name) AS members \
             FROM person_group g ORDER BY g.name";
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            group: GroupRow,
            members: i64,
        }
        let rows: Vec<Row> = on_db!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.group.into(), r.members))
            .collect())
    }

    /// Changes a group's label; whether the group exists.
    pub async fn relabel_group(&self, name: &str, label: &str) -> StoreResult<bool> {
        const SQL: &str = "UPDATE person_group SET label = $2 WHERE name = $1";
        Ok(execute_count!(self, SQL, name, label)? > 0)
    }

    /// Removes a group and its memberships, unless an application is limited to it.
    pub async fn delete_group(&self, name: &str) -> StoreResult<Removal> {
        let users = self
            .clients_naming(|c| c.allowed_groups.iter().any(|g| g == name))
            .await?;
        if !users.is_empty() {
            return Ok(Removal::InUse(users));
        }
        const SQL: &str = "DELETE FROM person_group WHERE name = $1";
        Ok(match execute_count!(self, SQL, name)? {
            0 => Removal::NotFound,
            _ => Removal::Removed,
        })
    }

    /// Adds `user_id` to `group`; false when already a member.
    pub async fn add_member(&self, group: &str, user_id: i64, now: Millis) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO group_member (group_name, user_id, added_at) \
             VALUES ($1, $2, $3) ON CONFLICT (group_name, user_id) DO NOTHING";
        Ok(execute_count!(self, SQL, group, user_id, now).map_err(map_err)? > 0)
    }

    /// Removes `user_id` from `group`; false when not a member.
    pub async fn remove_member(&self, group: &str, user_id: i64) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM group_member WHERE group_name = $1 AND user_id = $2";
        Ok(execute_count!(self, SQL, group, user_id)? > 0)
    }

    /// The members of `group`, by email.
    pub async fn group_members(&self, group: &str) -> StoreResult<Vec<Member>> {
        const SQL: &str = "SELECT u.user_id, u.sub, u.email, m.added_at FROM group_member m \
             JOIN user_account u ON u.user_id = m.user_id WHERE m.group_name = $1 ORDER BY u.email";
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(group)
            .fetch_all(pool)
            .await)?)
    }

    /// The groups `user_id` belongs to (name and label), by name.
    pub async fn groups_of(&self, user_id: i64) -> StoreResult<Vec<Group>> {
        const SQL: &str = "SELECT g.name, g.label, g.created_at FROM group_member m \
             JOIN person_group g ON g.name = m.group_name WHERE m.user_id = $1 ORDER BY g.name";
        let rows: Vec<GroupRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(Group::from).collect())
    }

    /// The names of the groups `user_id` belongs to, sorted.
    pub async fn user_groups(&self, user_id: i64) -> StoreResult<Vec<String>> {
        const SQL: &str =
            "SELECT group_name FROM group_member WHERE user_id = $1 ORDER BY group_name";
        let rows: Vec<(String,)> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }
}
