//! Group commit for client credentials tokens: one task writes them, several per statement.
//!
//! A token is durable before it is returned, so each request waits for its row to be
//! committed. Written one by one, every token costs a pool checkout and a round trip to the
//! database (with SQLite, to the connection's thread: two context switches each way), and that,
//! not SQL, was most of a token's cost (docs/performance.md, "Token path profile"). Here
//! requests hand their row to one writer task and wait; the writer takes every row waiting
//! (up to [`MAX_BATCH`]) and inserts them with one multi-row `INSERT`, one commit. Under load
//! many tokens share a commit; alone, a token is written at once, as before.
//!
//! A failed batch is retried row by row, so one bad row fails only its own request.
use std::sync::{Arc, OnceLock};

use tokio::sync::{Mutex, mpsc, oneshot};

use super::token_rows::AccessTokenRow;
use super::{Db, StoreError, StoreResult};

/// Rows per statement at most: 8 parameters each, well below SQLite's and PostgreSQL's
/// parameter limits.
pub(crate) const MAX_BATCH: usize = 64;
/// Rows queued for the writer at most; further requests wait for room (back-pressure).
const QUEUE: usize = 1024;

const COLUMNS: &str = "INSERT INTO access_token (token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at, audience) VALUES ";

type Job = (AccessTokenRow, oneshot::Sender<Result<(), String>>);

/// The writer's queue; the task starts with the first token, on the runtime of that request.
#[derive(Debug, Default)]
pub(crate) struct TokenWriter {
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl TokenWriter {
    /// Writes `row` in the next batch and returns once it is committed.
    /// `gate` is the store's SQLite write gate: a batch waits its turn like any write.
    pub(crate) async fn write(
        &self,
        db: &Db,
        gate: &Arc<Mutex<()>>,
        row: AccessTokenRow,
    ) -> StoreResult<()> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run(db.clone(), Arc::clone(gate), rx));
            tx
        });
        let (done, result) = oneshot::channel();
        queue.send((row, done)).await.map_err(|_| stopped())?;
        result
            .await
            .map_err(|_| stopped())?
            .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e)))
    }
}

fn stopped() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// Until every [`TokenWriter`] handle is gone: takes what is waiting, writes it, answers.
async fn run(db: Db, gate: Arc<Mutex<()>>, mut rx: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let rows: Vec<&AccessTokenRow> = jobs.iter().map(|(r, _)| r).collect();
        let batch = insert(&db, &gate, &rows).await;
        drop(rows);
        match batch {
            Ok(()) => {
                for (_, done) in jobs.drain(..) {
                    let _ = done.send(Ok(()));
                }
            }
            Err(e) if jobs.len() == 1 => {
                if let Some((_, done)) = jobs.pop() {
                    let _ = done.send(Err(e.to_string()));
                }
            }
            Err(_) => {
                for (row, done) in jobs.drain(..) {
                    let one = insert(&db, &gate, &[&row]).await.map_err(|e| e.to_string());
                    let _ = done.send(one);
                }
            }
        }
    }
}

/// One `INSERT … VALUES (…), (…)` of `rows`, committed on its own. The statement text is
/// made here from numbered placeholders only; every value is bound.
async fn insert(db: &Db, gate: &Mutex<()>, rows: &[&AccessTokenRow]) -> Result<(), sqlx::Error> {
    let sql = statement(rows.len());
    macro_rules! bind_all {
        ($pool:expr) => {{
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for t in rows {
                q = q
                    .bind(&t.token_hash)
                    .bind(&t.grant_id)
                    .bind(&t.client_id)
                    .bind(t.user_id)
                    .bind(&t.scopes)
                    .bind(t.created_at)
                    .bind(t.expires_at)
                    .bind(&t.audience);
            }
            q.execute($pool).await.map(drop)
        }};
    }
    match db {
        Db::Sqlite(pool) => {
            let _turn = gate.lock().await;
            bind_all!(pool)
        }
        Db::Postgres(pool) => bind_all!(pool),
    }
}

/// The statement for `n` rows, made once per size and kept (at most [`MAX_BATCH`] of them).
fn statement(n: usize) -> Arc<str> {
    static MADE: OnceLock<Vec<Arc<str>>> = OnceLock::new();
    let made = MADE.get_or_init(|| (1..=MAX_BATCH).map(|n| Arc::from(values(n))).collect());
    Arc::clone(&made[n.clamp(1, MAX_BATCH) - 1])
}

fn values(n: usize) -> String {
    let mut sql = String::from(COLUMNS);
    for row in 0..n {
        let p = row * 8;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6,
            p + 7,
            p + 8
        ));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_every_parameter_once() {
        assert!(statement(1).ends_with("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"));
        let two = statement(2);
        assert!(two.ends_with(
            "($1, $2, $3, $4, $5, $6, $7, $8), ($9, $10, $11, $12, $13, $14, $15, $16)"
        ));
        let last = statement(MAX_BATCH);
        assert_eq!(last.matches('$').count(), MAX_BATCH * 8);
        assert!(last.contains(&format!("${})", MAX_BATCH * 8)));
    }
}
