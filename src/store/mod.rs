//! The store: every piece of state, in SQLite or PostgreSQL, behind one API.
//!
//! Each query is written once with `$n` placeholders and run on whichever pool the database
//! URL chose (`on_db!`); where the dialects truly differ, both statements stand side by side
//! in the same function. Instants are unix milliseconds bound from the application's clock.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub mod account;
pub mod audit;
mod client_cache;
pub mod clients;
pub mod device;
pub mod email_tokens;
pub mod factors;
pub mod grants;
pub mod groups;
pub mod identities;
pub mod imports;
pub mod janitor;
pub mod login_guard;
pub mod outbound;
pub mod outbox;
pub mod passkeys;
pub mod pending_logins;
pub mod pushed;
pub mod registrations;
pub mod resources;
pub mod revocation;
pub mod roles;
pub mod sessions;
pub mod signing_keys;
mod sqlite_scripts;
pub mod throttle;
mod token_rows;
mod token_writer;
pub mod tokens;
pub mod users;

/// What removing something other rows may name (a resource, a group) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Removed,
    NotFound,
    /// These clients still name it; nothing was removed.
    InUse(Vec<String>),
}

/// Runs `$body` with `$pool` bound to the concrete pool; the compiler instantiates it per backend.
macro_rules! on_db {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Runs the statement `$sql` with each `$arg` bound and gives the number of rows it changed, as
/// a `sqlx::Result<u64>` (the same type on both backends, so `on_db!`'s arms agree):
/// `execute_count!(self, SQL, a, b)` on the store's pool, in its turn at the write gate, and
/// `execute_count!(on &mut *tx, SQL, a)` on a transaction inside `on_db!`.
macro_rules! execute_count {
    (on $executor:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        sqlx::query($sql)
            $(.bind($arg))*
            .execute($executor)
            .await
            .map(|r| r.rows_affected())
    };
    ($store:expr, $sql:expr $(, $arg:expr)* $(,)?) => {{
        let _turn = $store.write_turn().await;
        $crate::store::on_db!($store, |pool| {
            $crate::store::execute_count!(on pool, $sql $(, $arg)*)
        })
    }};
}
pub(crate) use execute_count;

#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Cheap to clone: the pools are shared.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    clients: Arc<client_cache::ClientCache>,
    token_writer: Arc<token_writer::TokenWriter>,
    /// SQLite takes one writer at a time: write transactions queue here, in order, instead of
    /// in SQLite's busy handler, which sleeps in growing steps (1 ms, 2 ms, 5 ms … 100 ms)
    /// however soon the lock frees. Not used for PostgreSQL, which locks rows.
    write_gate: Arc<tokio::sync::Mutex<()>>,
}

/// Database failures, mapped once here.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `column` names what was duplicated.
    #[error("already exists: {column}")]
    Conflict { column: String },
    /// The database could not be reached or failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The input holds text the database cannot store or compare (PostgreSQL refuses NUL
    /// characters), so it cannot match anything stored: the request is at fault, not the database.
    #[error("text the database cannot hold: {0}")]
    Unstorable(sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether a unique constraint on `column` refused the write. Matches by prefix, so
    /// `username` covers the `username_normalized` index that stands behind a username.
    pub fn is_conflict_on(&self, column: &str) -> bool {
        matches!(self, Self::Conflict { column: c } if c.starts_with(column))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            // PostgreSQL's `character_not_in_repertoire`: a NUL in a bound text parameter.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                Self::Unstorable(e)
            }
            _ => Self::Database(e),
        }
    }
}

/// Turns unique violations into [`StoreError::Conflict`] with the column name on both backends.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let column = match db.constraint() {
            // PostgreSQL: `user_account_email_normalized_key`.
            Some(c) => c
                .trim_end_matches("_key")
                .split_once('_')
                .map(|(_, rest)| rest.trim_start_matches("account_").to_owned())
                .unwrap_or_else(|| c.to_owned()),
            // SQLite: "UNIQUE constraint failed: user_account.email_normalized".
            None => db
                .message()
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        return StoreError::Conflict { column };
    }
    StoreError::from(e)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to the database the URL names; a SQLite file (and its folder) is created.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            // No liveness ping before each checkout (sqlx's default): an embedded database's
            // connection does not drop, and the ping is a round trip to the connection's
            // thread, as costly as a short query.
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Db::Sqlite(pool)
        } else {
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await?;
            Db::Postgres(pool)
        };
        Ok(Self {
            db,
            clients: Arc::new(client_cache::ClientCache::new(Duration::from_secs(1))),
            token_writer: Arc::default(),
            write_gate: Arc::default(),
        })
    }

    /// Held while a write transaction runs on SQLite (see `write_gate`); `None` on PostgreSQL.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.db {
            Db::Sqlite(_) => Some(self.write_gate.lock().await),
            Db::Postgres(_) => None,
        }
    }

    /// Keeps clients read by the protocol endpoints for `ttl` (see `client_cache`); zero
    /// reads every one from the database.
    pub fn with_client_cache(self, ttl: Duration) -> Self {
        Self {
            clients: Arc::new(client_cache::ClientCache::new(ttl)),
            ..self
        }
    }

    /// Applies pending migrations of the backend in use.
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Names of the migrations this binary carries, per backend (a test keeps them in step).
    pub fn migration_names() -> (Vec<String>, Vec<String>) {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|x| format!("{:04}_{}", x.version, x.description.replace(' ', "_")))
                .collect()
        };
        (names(&SQLITE_MIGRATIONS), names(&POSTGRES_MIGRATIONS))
    }

    /// `true` when a trivial query succeeds (for `/readyz`).
    pub async fn ping(&self) -> bool {
        on_db!(self, |pool| execute_count!(on pool, "SELECT 1")).is_ok()
    }

    /// The connection pool right now: open connections, idle ones, and the most it opens.
    pub fn pool_stats(&self) -> (u32, u32, u32) {
        on_db!(self, |pool| (
            pool.size(),
            u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            pool.options().get_max_connections(),
        ))
    }

    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}
