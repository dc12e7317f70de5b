//! Group commit on PostgreSQL: the commits of many requests share one transaction, which
//! claims the event chain's head once.
//!
//! Every commit appends one event after the chain head, so every commit takes the head row's
//! lock; one request per transaction held that lock for a whole commit (its statements, its
//! hash, its WAL flush), and all requests of all nodes queued on it. Here a node's commits go
//! to a few writer tasks; each takes the commits waiting (up to [`MAX_BATCH`]) and runs them in
//! one transaction in three phases:
//!
//! 1. each change's own rows, inside its own savepoint: a change whose checks fail (a version
//!    conflict, a unique rule) is rolled back to its savepoint and answered with its error,
//!    and the others go on;
//! 2. the chain head claimed once for the whole batch (`seq = seq + n`, which takes the row
//!    lock), the events hashed in order and inserted in one statement, the head's hash set;
//! 3. the changes' derived rows (hop log, findings) in event order, then COMMIT.
//!
//! The head's lock is held from phase 2 to the commit only: phase 1, most of the work, runs
//! in parallel on every writer of every node. A transaction is all or nothing, so a node or
//! connection that dies mid-batch leaves neither events nor rows of that batch, and the head
//! it had moved is rolled back with them: no gap, no fork. A commit is acknowledged only after
//! the COMMIT that holds it returned.

use ducha_domain::chain::{EventRecord, HashAlgo};
use ducha_store::{Change, Committed, StoreError};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, mpsc, oneshot, watch};

impl std::fmt::Debug for Writers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writers")
            .field("queued", &(QUEUE_CAPACITY - self.queue.capacity()))
            .field("stopped", &*self.stopped.borrow())
            .finish()
    }
}

/// A commit waiting for a writer.
pub(crate) struct Job {
    pub change: Change,
    pub reply: oneshot::Sender<Result<Committed, StoreError>>,
}

/// The gauge of commits handed to the writers and not yet taken into a transaction (the
/// SQLite writer's gauge, by the same name).
pub(crate) const QUEUE_DEPTH: &str = "ducha_store_write_queue_depth";

/// The histogram of commits per group-commit transaction.
pub(crate) const BATCH_SIZE: &str = "ducha_store_group_commit_size";

/// Most commits that share one transaction. Each runs in a savepoint, a subtransaction, and
/// PostgreSQL keeps the ids of at most 64 of a transaction's subtransactions in shared memory;
/// past that every reader's snapshot looks them up on disk.
pub const MAX_BATCH: usize = 48;

/// Most commits waiting for a writer; a request past that waits to hand its commit over
/// (back-pressure) instead of growing the queue without bound under overload.
pub const QUEUE_CAPACITY: usize = 4_096;

/// The `application_name` of the writers' connections, as `pg_stat_activity` shows them.
pub const WRITER_APPLICATION: &str = "ducha-writer";

/// The writers of one node: their queue, and the switch that stops them.
pub(crate) struct Writers {
    /// Where commits are handed over.
    pub queue: mpsc::Sender<Job>,
    /// Set to true to stop the writers once the queue is idle; they then close their
    /// connections.
    pub stop: watch::Sender<bool>,
    /// Becomes true when the writers have stopped and closed their connections.
    pub stopped: watch::Receiver<bool>,
}

type Tx = sqlx::PgConnection;

/// Starts `writers` writer tasks on a thread of their own, each with one connection to the
/// database at `opts`. `pending` counts the jobs sent and not yet answered (the sender adds,
/// the writers subtract).
pub(crate) fn spawn(
    opts: PgConnectOptions,
    writers: usize,
    pending: Arc<AtomicUsize>,
) -> std::io::Result<Writers> {
    let (tx, rx) = mpsc::channel::<Job>(QUEUE_CAPACITY);
    let (stop, stop_rx) = watch::channel(false);
    let (stopped_tx, stopped) = watch::channel(false);
    let writers = writers.max(1);
    std::thread::Builder::new()
        .name("ducha-pg-writer".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    // Dropping the receiver makes every commit fail with "writer stopped".
                    tracing::error!(error = %e, "cannot start the PostgreSQL writers");
                    return;
                }
            };
            rt.block_on(async move {
                // Connections of the writers' own, opened on this thread's runtime (a
                // connection's socket belongs to the runtime that opened it).
                let pool = PgPoolOptions::new()
                    .max_connections(u32::try_from(writers).unwrap_or(u32::MAX))
                    .min_connections(0)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_lazy_with(opts.application_name(WRITER_APPLICATION));
                let rx = Arc::new(Mutex::new(rx));
                let mut tasks = Vec::with_capacity(writers);
                for _ in 0..writers {
                    let (pool, rx, pending) = (pool.clone(), rx.clone(), pending.clone());
                    let mut stop = stop_rx.clone();
                    tasks.push(tokio::spawn(async move {
                        loop {
                            let batch = tokio::select! {
                                // Asked to stop: the caller waited for the queue to empty.
                                _ = stop.wait_for(|s| *s) => break,
                                b = next_batch(&rx) => match b {
                                    Some(b) => b,
                                    None => break,
                                },
                            };
                            let n = batch.len();
                            metrics::gauge!(QUEUE_DEPTH).decrement(n as f64);
                            metrics::histogram!(BATCH_SIZE).record(n as f64);
                            run(&pool, batch, false).await;
                            pending.fetch_sub(n, Ordering::AcqRel);
                        }
                    }));
                }
                for t in tasks {
                    let _ = t.await;
                }
                pool.close().await;
                let _ = stopped_tx.send(true);
            });
        })?;
    Ok(Writers {
        queue: tx,
        stop,
        stopped,
    })
}

/// Waits for a commit, then takes the ones already waiting behind it. `None` once every
/// sender is gone.
async fn next_batch(rx: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let mut rx = rx.lock().await;
    let first = rx.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// A job whose rows are written in the open transaction, waiting for its event.
struct Staged {
    job: Job,
    prepared: crate::__ducha_sql::Prepared,
}

/// Commits `batch` in one transaction. Each job gets exactly its own outcome: its own error
/// if its own checks failed; its commit if the batch committed; if the batch failed after
/// phase 1 while the server answered (the transaction is rolled back, nothing of it is
/// stored), each job once more in a transaction of its own (unless `alone`: then the error);
/// and if the connection failed, the error.
async fn run(pool: &PgPool, batch: Vec<Job>, alone: bool) {
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return fail_all(batch.into_iter(), &e.to_string()),
    };
    let mut staged: Vec<Staged> = Vec::with_capacity(batch.len());
    let mut later: Vec<Job> = Vec::new();
    // Changes refused by their own checks. They are answered only once the batch's outcome is
    // known: a refusal may stem from an earlier change of this batch (a second click finding
    // the first one's row), and the caller that reads the database on a refusal must find
    // that change committed, not still pending in this transaction.
    let mut refused: Vec<(Job, StoreError)> = Vec::new();
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        // One round trip: the previous change's savepoint is released as the next one opens.
        let mark = if staged.is_empty() && later.is_empty() {
            "SAVEPOINT change"
        } else {
            "RELEASE SAVEPOINT change; SAVEPOINT change"
        };
        if let Err(e) = sqlx::raw_sql(mark).execute(&mut *tx).await {
            let why = e.to_string();
            let rest = staged.into_iter().map(|s| s.job);
            fail_all(rest.chain([job]).chain(later).chain(jobs), &why);
            drop(tx);
            return rerun_refused(pool, refused).await;
        }
        match crate::__ducha_sql::prepare_change(&mut tx, job.change.clone(), None).await {
            Ok(prepared) => staged.push(Staged { job, prepared }),
            Err(own) => {
                // Undo this change alone; the transaction goes on without it.
                if let Err(e) = sqlx::raw_sql("ROLLBACK TO SAVEPOINT change")
                    .execute(&mut *tx)
                    .await
                {
                    let why = e.to_string();
                    let rest = staged.into_iter().map(|s| s.job);
                    fail_all(rest.chain([job]).chain(later).chain(jobs), &why);
                    drop(tx);
                    return rerun_refused(pool, refused).await;
                }
                if transient(&own) && !alone {
                    // A deadlock with another writer, say: not this change's fault, so it
                    // runs again on its own after this batch.
                    later.push(job);
                } else {
                    refused.push((job, own));
                }
            }
        }
    }
    if staged.is_empty() {
        let _ = tx.rollback().await;
        answer_refused(refused);
    } else {
        let (jobs, prepared): (Vec<Job>, Vec<_>) =
            staged.into_iter().map(|s| (s.job, s.prepared)).unzip();
        match seal(&mut tx, prepared).await {
            Ok(done) => match tx.commit().await {
                Ok(()) => {
                    for (job, committed) in jobs.into_iter().zip(done) {
                        let _ = job.reply.send(Ok(committed));
                    }
                    answer_refused(refused);
                }
                // No answer to the COMMIT, or the connection ended with it (the server shut
                // down, an administrator terminated it): it may have committed or not, and the
                // callers must be told so — neither that it failed nor, by a retry, twice.
                Err(e) if outcome_unknown(&e) => {
                    let why = e.to_string();
                    for job in jobs {
                        let _ = job.reply.send(Err(StoreError::Unknown(why.clone())));
                    }
                    // What refused them may or may not be stored: they run again alone (on a
                    // fresh connection, behind the batch's row locks if it is still committing).
                    rerun_refused(pool, refused).await;
                }
                // The server refused the commit: it rolled the transaction back.
                Err(e @ sqlx::Error::Database(_)) if !alone => {
                    tracing::warn!(error = %e, "group commit refused; committing one by one");
                    later.splice(
                        0..0,
                        jobs.into_iter().chain(refused.into_iter().map(|r| r.0)),
                    );
                }
                // Refused alone: the error.
                Err(e) => {
                    fail_all(jobs.into_iter(), &e.to_string());
                    answer_refused(refused);
                }
            },
            // The batch failed after its rows were written. If the server can still roll
            // back, nothing of it is stored and each job runs again on its own.
            Err(e) => match tx.rollback().await {
                Ok(()) if !alone => {
                    tracing::warn!(error = %e, "group commit failed; committing one by one");
                    // The refused ones too: what refused them may not be stored either.
                    later.splice(
                        0..0,
                        jobs.into_iter().chain(refused.into_iter().map(|r| r.0)),
                    );
                }
                Ok(()) => {
                    let mut jobs = jobs.into_iter();
                    if let Some(job) = jobs.next() {
                        let _ = job.reply.send(Err(e));
                    }
                    fail_all(jobs, "group commit failed");
                    answer_refused(refused);
                }
                Err(r) => {
                    fail_all(jobs.into_iter(), &r.to_string());
                    rerun_refused(pool, refused).await;
                }
            },
        }
    }
    for job in later {
        Box::pin(run(pool, vec![job], true)).await;
    }
}

/// Sends the refused changes their own errors (the batch committed, or held nothing that could
/// have refused them).
fn answer_refused(refused: Vec<(Job, StoreError)>) {
    for (job, own) in refused {
        let _ = job.reply.send(Err(own));
    }
}

/// Runs the refused changes again, each alone, when the batch whose rows may have refused them
/// did not commit or its outcome is unknown: their answer must not rest on rows that may never
/// be stored.
async fn rerun_refused(pool: &PgPool, refused: Vec<(Job, StoreError)>) {
    for (job, _) in refused {
        Box::pin(run(pool, vec![job], true)).await;
    }
}

/// Phases 2 and 3: claims the chain head for the prepared changes, chains and inserts their
/// events, then writes what derives from each event, in order.
async fn seal(
    tx: &mut Tx,
    prepared: Vec<crate::__ducha_sql::Prepared>,
) -> Result<Vec<Committed>, StoreError> {
    let n = i64::try_from(prepared.len()).unwrap_or(i64::MAX);
    // Moving the head by n takes its lock until this transaction ends: the seqs after the old
    // head are this batch's, and no other transaction appends meanwhile.
    let (head, mut prev, algo) = sqlx::query_as::<_, (i64, String, String)>(
        "UPDATE event_chain SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1, hash, algo",
    )
    .bind(n)
    .fetch_one(&mut *tx)
    .await
    .map_err(ducha_store::sql::err)?;
    let algo: HashAlgo = algo
        .parse()
        .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
    let mut recs: Vec<EventRecord> = Vec::with_capacity(prepared.len());
    for (p, seq) in prepared.iter().zip(head..) {
        let rec = EventRecord::chain(algo, (seq, &prev), &p.event);
        prev.clone_from(&rec.hash);
        recs.push(rec);
    }
    insert_events(tx, &recs, &prev).await?;
    let mut done = Vec::with_capacity(recs.len());
    for (p, rec) in prepared.into_iter().zip(recs) {
        done.push(crate::__ducha_sql::finish_change(tx, p, rec, None).await?);
    }
    Ok(done)
}

/// Inserts the chained events in one statement, and sets the head's hash to the last one's.
async fn insert_events(tx: &mut Tx, recs: &[EventRecord], last: &str) -> Result<(), StoreError> {
    let col = |f: fn(&EventRecord) -> Option<i64>| recs.iter().map(f).collect::<Vec<_>>();
    let text =
        |f: fn(&EventRecord) -> &str| recs.iter().map(|r| f(r).to_string()).collect::<Vec<_>>();
    sqlx::query(
        "WITH appended AS (INSERT INTO events (seq, at, actor_user, actor_unit, kind, \
         item_id, assignment_id, unit_id, payload, prev_hash, hash) \
         SELECT * FROM UNNEST($1::int8[], $2::timestamptz[], $3::int8[], $4::int8[], \
         $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::text[], $10::text[], $11::text[])) \
         UPDATE event_chain SET hash = $12 WHERE id = 1",
    )
    .bind(recs.iter().map(|r| r.seq).collect::<Vec<_>>())
    .bind(recs.iter().map(|r| r.at).collect::<Vec<_>>())
    .bind(col(|r| r.actor_user))
    .bind(col(|r| r.actor_unit))
    .bind(text(|r| &r.kind))
    .bind(col(|r| r.item_id))
    .bind(col(|r| r.assignment_id))
    .bind(col(|r| r.unit_id))
    .bind(text(|r| &r.payload))
    .bind(text(|r| &r.prev_hash))
    .bind(text(|r| &r.hash))
    .bind(last)
    .execute(&mut *tx)
    .await
    .map_err(ducha_store::sql::err)?;
    Ok(())
}

/// What a failed COMMIT means to its callers: refused by the server (rolled back, nothing
/// stored), or unanswered (the outcome unknown).
pub(crate) fn commit_error(e: sqlx::Error) -> StoreError {
    if outcome_unknown(&e) {
        StoreError::Unknown(e.to_string())
    } else {
        ducha_store::sql::err(e)
    }
}

/// Whether a COMMIT that ended in `e` may have committed: no answer came (the connection
/// broke), or the answer was the connection's end (SQLSTATE classes 08, connection
/// exception, and 57, operator intervention such as `pg_terminate_backend` or a shutdown).
/// Any other error answer means the server rolled the transaction back.
fn outcome_unknown(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57")),
        _ => true,
    }
}

/// Answers every job with the same failure: nothing of theirs was acknowledged.
fn fail_all(jobs: impl Iterator<Item = Job>, why: &str) {
    for job in jobs {
        let _ = job.reply.send(Err(StoreError::Other(
            format!("commit failed: {why}").into(),
        )));
    }
}

/// Whether an error is the database's way of saying "try again" (a deadlock, a
/// serialization failure, a lock not available) rather than a fault of the change.
fn transient(e: &StoreError) -> bool {
    let StoreError::Other(b) = e else {
        return false;
    };
    let Some(sqlx::Error::Database(d)) = b.downcast_ref::<sqlx::Error>() else {
        return false;
    };
    matches!(d.code().as_deref(), Some("40P01" | "40001" | "55P03"))
}
