//! Articles in SQLite through sqlx.
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Article {
    pub article_id: i64,
    pub title: String,
    pub body: String,
    pub author_sub: String,
    pub author_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Store {
    /// Opens (creating it and its folder if needed) the database file and migrates it.
    pub async fn open(path: &Path) -> Result<Self, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|e| e.to_string())?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self { pool })
    }

    /// Newest first.
    pub async fn list(&self) -> sqlx::Result<Vec<Article>> {
        sqlx::query_as("SELECT * FROM article ORDER BY created_at DESC, article_id DESC LIMIT 200")
            .fetch_all(&self.pool)
            .await
    }

    pub async fn get(&self, id: i64) -> sqlx::Result<Option<Article>> {
        sqlx::query_as("SELECT * FROM article WHERE article_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn create(
        &self,
        title: &str,
        body: &str,
        sub: &str,
        name: &str,
    ) -> sqlx::Result<i64> {
        let now = now_ms();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO article (title, body, author_sub, author_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING article_id",
        )
        .bind(title)
        .bind(body)
        .bind(sub)
        .bind(name)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Changes an article of `sub`'s; false when there is no such article of theirs.
    pub async fn update(
        &self,
        id: i64,
        sub: &str,
        title: &str,
        body: &str,
        name: &str,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE article SET title = $1, body = $2, author_name = $3, updated_at = $4 \
             WHERE article_id = $5 AND author_sub = $6",
        )
        .bind(title)
        .bind(body)
        .bind(name)
        .bind(now_ms())
        .bind(id)
        .bind(sub)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes an article of `sub`'s; false when there is no such article of theirs.
    pub async fn delete(&self, id: i64, sub: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM article WHERE article_id = $1 AND author_sub = $2")
            .bind(id)
            .bind(sub)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_author_changes_an_article() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sub/articles.db"))
            .await
            .unwrap();
        let id = store.create("T", "B", "alice", "Alice").await.unwrap();
        assert!(!store.update(id, "bob", "X", "Y", "Bob").await.unwrap());
        assert!(
            store
                .update(id, "alice", "T2", "B2", "Alice A.")
                .await
                .unwrap()
        );
        let a = store.get(id).await.unwrap().unwrap();
        assert_eq!(
            (a.title.as_str(), a.author_name.as_str()),
            ("T2", "Alice A.")
        );
        assert!(!store.delete(id, "bob").await.unwrap());
        assert_eq!(store.list().await.unwrap().len(), 1);
        assert!(store.delete(id, "alice").await.unwrap());
        assert!(store.get(id).await.unwrap().is_none());
    }
}
