//! Accounts brought in by `daemun import`: lookups for a batch (records imported before,
//! addresses and usernames taken) and the batch's write, one transaction per batch. An account
//! that conflicts at write time is left out; the rest of the batch is written.
use std::collections::{HashMap, HashSet};

use super::users::NewUser;
use super::{Db, Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// One account to write: the account as sign-up would make it, plus what the source kept
/// (names, whether it was active, its dates), with its password hash as the source stored it.
#[derive(Debug, Clone)]
pub struct ImportedAccount {
    pub source_id: String,
    pub account: NewUser,
    pub given_name: String,
    pub family_name: String,
    pub is_active: bool,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

/// What became of a record imported before: its account's `sub`, or `None` when that account
/// was deleted since.
pub type Earlier = HashMap<String, Option<String>>;

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of one text column whose value is among `values` (an `IN` list, in chunks).
async fn matching(
    store: &Store,
    sql_head: &str,
    lead: &[&str],
    values: &[String],
) -> StoreResult<Vec<(String, Option<String>)>> {
    let mut found = Vec::new();
    for chunk in values.chunks(500) {
        let sql = format!(
            "{sql_head} IN ({})",
            placeholders(lead.len() + 1, chunk.len())
        );
        let rows: Vec<(String, Option<String>)> = on_db!(store, |pool| {
            // Only numbered placeholders are added to a constant head.
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for l in lead {
                q = q.bind(*l);
            }
            for v in chunk {
                q = q.bind(v);
            }
            q.fetch_all(pool).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

impl Store {
    /// The records among `ids` imported from `source` before.
    pub async fn imported_before(&self, source: &str, ids: &[String]) -> StoreResult<Earlier> {
        const HEAD: &str = "SELECT i.source_id, u.sub FROM imported_account i \
             LEFT JOIN user_account u ON u.user_id = i.user_id \
             WHERE i.source = $1 AND i.source_id";
        Ok(matching(self, HEAD, &[source], ids)
            .await?
            .into_iter()
            .collect())
    }

    /// The normalized addresses among `emails` that an account already has.
    pub async fn emails_taken(&self, emails: &[String]) -> StoreResult<HashSet<String>> {
        const HEAD: &str = "SELECT email_normalized, NULL FROM user_account WHERE email_normalized";
        let rows = matching(self, HEAD, &[], emails).await?;
        Ok(rows.into_iter().map(|(e, _)| e).collect())
    }

    /// The normalized usernames among `names` that an account already has.
    pub async fn usernames_taken(&self, names: &[String]) -> StoreResult<HashSet<String>> {
        const HEAD: &str =
            "SELECT username_normalized, NULL FROM user_account WHERE username_normalized";
        let rows = matching(self, HEAD, &[], names).await?;
        Ok(rows.into_iter().map(|(e, _)| e).collect())
    }

    /// Brings the planner's statistics up to date after a bulk write (PostgreSQL): with the
    /// numbers of an almost empty table it scans instead of using the indexes, and each
    /// batch's look-ups grow with the table. SQLite uses its indexes regardless.
    pub async fn refresh_import_statistics(&self) -> StoreResult<()> {
        if let Db::Postgres(pool) = &self.db {
            sqlx::query("ANALYZE user_account, imported_account")
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Writes `batch` in one transaction: each account with its record of `source`. Gives, per
    /// account, whether it was written (false: its address, username or `sub` was taken
    /// meanwhile, and nothing of it was written). SQLite writes row by row in-process;
    /// PostgreSQL gets the whole batch as arrays in two statements, since a round trip per row
    /// would dominate.
    pub async fn import_accounts(
        &self,
        source: &str,
        batch: &[ImportedAccount],
        now: Millis,
    ) -> StoreResult<Vec<bool>> {
        match &self.db {
            Db::Sqlite(pool) => {
                let _turn = self.write_turn().await;
                Ok(import_rows(pool, source, batch, now).await?)
            }
            Db::Postgres(pool) => Ok(import_arrays(pool, source, batch, now).await?),
        }
    }
}

async fn import_rows(
    pool: &sqlx::SqlitePool,
    source: &str,
    batch: &[ImportedAccount],
    now: Millis,
) -> sqlx::Result<Vec<bool>> {
    const ACCOUNT: &str = "INSERT INTO user_account (sub, email, email_normalized, username, \
         username_normalized, display_name, given_name, family_name, password_hash, \
         email_verified, is_active, is_admin, created_at, updated_at, last_login_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 \
         WHERE NOT EXISTS (SELECT 1 FROM retired_sub WHERE sub = $1) \
         ON CONFLICT DO NOTHING RETURNING user_id";
    const RECORD: &str = "INSERT INTO imported_account (source, source_id, user_id, \
         imported_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    let mut tx = pool.begin().await?;
    let mut written = Vec::with_capacity(batch.len());
    for a in batch {
        let id: Option<(i64,)> = sqlx::query_as(ACCOUNT)
            .bind(&a.account.sub)
            .bind(&a.account.email)
            .bind(&a.account.email_normalized)
            .bind(&a.account.username)
            .bind(&a.account.username_normalized)
            .bind(&a.account.display_name)
            .bind(&a.given_name)
            .bind(&a.family_name)
            .bind(&a.account.password_hash)
            .bind(a.account.email_verified)
            .bind(a.is_active)
            .bind(a.account.is_admin)
            .bind(a.created_at)
            .bind(now)
            .bind(a.last_login_at)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some((user_id,)) = id {
            execute_count!(on &mut *tx, RECORD, source, &a.source_id, user_id, now)?;
        }
        written.push(id.is_some());
    }
    tx.commit().await.map(|()| written)
}

async fn import_arrays(
    pool: &sqlx::PgPool,
    source: &str,
    batch: &[ImportedAccount],
    now: Millis,
) -> sqlx::Result<Vec<bool>> {
    const ACCOUNTS: &str = "INSERT INTO user_account (sub, email, email_normalized, username, \
         username_normalized, display_name, given_name, family_name, password_hash, \
         email_verified, is_active, is_admin, created_at, updated_at, last_login_at) \
         SELECT t.sub, t.email, t.email_normalized, t.username, t.username_normalized, \
         t.display_name, t.given_name, t.family_name, t.password_hash, t.email_verified, \
         t.is_active, t.is_admin, t.created_at, $14, t.last_login_at \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
         $7::text[], $8::text[], $9::text[], $10::bool[], $11::bool[], $12::bool[], \
         $13::bigint[], $15::bigint[]) AS t(sub, email, email_normalized, username, \
         username_normalized, display_name, given_name, family_name, password_hash, \
         email_verified, is_active, is_admin, created_at, last_login_at) \
         WHERE NOT EXISTS (SELECT 1 FROM retired_sub r WHERE r.sub = t.sub) \
         ON CONFLICT DO NOTHING RETURNING sub, user_id";
    const RECORDS: &str = "INSERT INTO imported_account (source, source_id, user_id, \
         imported_at) SELECT $1, t.source_id, t.user_id, $4 \
         FROM UNNEST($2::text[], $3::bigint[]) AS t(source_id, user_id) \
         ON CONFLICT DO NOTHING";
    fn column<T>(batch: &[ImportedAccount], f: impl Fn(&ImportedAccount) -> T) -> Vec<T> {
        batch.iter().map(f).collect()
    }
    let mut tx = pool.begin().await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(ACCOUNTS)
        .bind(column(batch, |a| a.account.sub.clone()))
        .bind(column(batch, |a| a.account.email.clone()))
        .bind(column(batch, |a| a.account.email_normalized.clone()))
        .bind(column(batch, |a| a.account.username.clone()))
        .bind(column(batch, |a| a.account.username_normalized.clone()))
        .bind(column(batch, |a| a.account.display_name.clone()))
        .bind(column(batch, |a| a.given_name.clone()))
        .bind(column(batch, |a| a.family_name.clone()))
        .bind(column(batch, |a| a.account.password_hash.clone()))
        .bind(column(batch, |a| a.account.email_verified))
        .bind(column(batch, |a| a.is_active))
        .bind(column(batch, |a| a.account.is_admin))
        .bind(column(batch, |a| a.created_at))
        .bind(now)
        .bind(column(batch, |a| a.last_login_at))
        .fetch_all(&mut *tx)
        .await?;
    let ids: HashMap<String, i64> = rows.into_iter().collect();
    let written: Vec<bool> = batch
        .iter()
        .map(|a| ids.contains_key(&a.account.sub))
        .collect();
    let (sources, users): (Vec<String>, Vec<i64>) = batch
        .iter()
        .filter_map(|a| ids.get(&a.account.sub).map(|id| (a.source_id.clone(), *id)))
        .unzip();
    sqlx::query(RECORDS)
        .bind(source)
        .bind(sources)
        .bind(users)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await.map(|()| written)
}
