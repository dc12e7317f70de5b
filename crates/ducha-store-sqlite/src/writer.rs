//! The single writer: every commit runs on one dedicated thread that owns the write path.
//!
//! A commit takes several statements, each a round trip to SQLite's connection thread. Run
//! from the request handlers, each round trip also waits for the async runtime to come back to
//! the transaction while the write lock is held, so commits queued behind one another at about
//! a millisecond each. Here the transaction's statements run back to back, and the commits that
//! arrived meanwhile share one transaction (group commit): each is answered only after the
//! transaction that holds it has committed.

use ducha_domain::chain::HashAlgo;
use ducha_store::{Change, Committed, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection, SqlitePool};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often the background checkpoint runs while commits arrive.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(25);
use tokio::sync::{mpsc, oneshot};

/// A commit waiting for the writer.
pub(crate) struct Job {
    pub change: Change,
    pub reply: oneshot::Sender<Result<Committed, StoreError>>,
}

/// The chain head the writer committed last.
type Head = Option<(i64, String, HashAlgo)>;

/// The gauge of commits handed to the writer and not yet taken into a transaction.
pub(crate) const QUEUE_DEPTH: &str = "ducha_store_write_queue_depth";

/// Most commits that share one transaction.
const MAX_BATCH: usize = 64;

/// Starts the writer thread over the single-connection write pool. `checkpoints` opens the
/// connection that moves the WAL into the database file in the background.
pub(crate) fn spawn(
    pool: SqlitePool,
    checkpoints: SqliteConnectOptions,
) -> std::io::Result<mpsc::UnboundedSender<Job>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    std::thread::Builder::new()
        .name("ducha-sqlite-writer".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    // Dropping the receiver makes every commit fail with "writer stopped".
                    tracing::error!(error = %e, "cannot start the SQLite writer");
                    return;
                }
            };
            rt.block_on(async move {
                let commits = Arc::new(AtomicU64::new(0));
                let checkpointer = tokio::spawn(checkpoint_loop(checkpoints, commits.clone()));
                let mut head: Head = None;
                while let Some(first) = rx.recv().await {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    metrics::gauge!(QUEUE_DEPTH).decrement(batch.len() as f64);
                    run(&pool, &mut head, batch).await;
                    commits.fetch_add(1, Ordering::Relaxed);
                }
                checkpointer.abort();
            });
        })?;
    Ok(tx)
}

/// Commits a batch in one transaction; if any change in it fails, rolls back and commits each
/// change on its own, so every job gets exactly its own outcome.
async fn run(pool: &SqlitePool, head: &mut Head, batch: Vec<Job>) {
    if batch.len() > 1 {
        let changes = batch.iter().map(|j| j.change.clone()).collect();
        if let Ok(done) = together(pool, head.clone(), changes).await {
            for (job, (committed, algo)) in batch.into_iter().zip(done) {
                *head = Some((committed.event.seq, committed.event.hash.clone(), algo));
                let _ = job.reply.send(Ok(committed));
            }
            return;
        }
    }
    for job in batch {
        let outcome = together(pool, head.clone(), vec![job.change]).await;
        let reply = outcome.map(|mut done| {
            let (committed, algo) = done.remove(0);
            *head = Some((committed.event.seq, committed.event.hash.clone(), algo));
            committed
        });
        let _ = job.reply.send(reply);
    }
}

async fn together(
    pool: &SqlitePool,
    mut head: Head,
    changes: Vec<Change>,
) -> Result<Vec<(Committed, HashAlgo)>, StoreError> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ducha_store::sql::err)?;
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let (committed, algo) = crate::__ducha_sql::apply_change(&mut tx, change, head).await?;
        head = Some((committed.event.seq, committed.event.hash.clone(), algo));
        out.push((committed, algo));
    }
    tx.commit().await.map_err(ducha_store::sql::err)?;
    Ok(out)
}

/// Copies committed WAL frames into the database file on its own connection, in small steps
/// soon after commits, so commits do not stop for checkpoints (the writer's automatic
/// checkpoint only runs if this one falls far behind). Measured on the benchmark: a checkpoint
/// a second made each one large enough to stall the disk for 50–150 ms; every 25 ms keeps the
/// report p99 near 30 ms.
async fn checkpoint_loop(opts: SqliteConnectOptions, commits: Arc<AtomicU64>) {
    let mut conn = match SqliteConnection::connect_with(&opts).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "no background checkpoints; SQLite checkpoints on commit");
            return;
        }
    };
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    let mut seen = 0;
    loop {
        tick.tick().await;
        let now = commits.load(Ordering::Relaxed);
        if now == seen {
            continue;
        }
        seen = now;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut conn)
            .await
        {
            tracing::warn!(error = %e, "background checkpoint failed");
        }
    }
}
