//! Writes of many requests on several nodes, committed together (issue 17): two nodes on one
//! database, each with its own store, report at once and the chain still verifies with one
//! event per acknowledged report, no gaps; on PostgreSQL the commits of one node share
//! transactions (group commit), a request whose own check fails inside a shared transaction
//! fails alone, and a writer connection killed mid-batch loses its whole batch and nothing
//! else.

use crate::audit::ducha;
use crate::helpers::{Db, TestApp, dispatched_item, in_days, pg_url, spawn_app};
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::org::Actor;
use ducha_domain::report::ReportInput;
use ducha_service::{Config, Created, Services};
use ducha_store::Store;
use ducha_store_postgres::PgStore;
use ducha_store_sqlite::{Durability, SqliteStore};
use serde_json::json;
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a condition may take before the test fails (a loaded machine).
const PATIENCE: Duration = Duration::from_secs(30);

crate::on_both_backends!(multi_thread: many_writers_on_two_nodes_make_one_chain);

/// Another node on the app's database: its own store (and on PostgreSQL its own writers,
/// `writers` of them) and use cases. Returns the PostgreSQL store too, to watch its queue.
async fn node(app: &TestApp, writers: usize) -> (Services, Option<PgStore>) {
    let (store, pg): (Arc<dyn Store>, _) = match &app.db {
        Db::Sqlite { path, .. } => (
            Arc::new(
                SqliteStore::open(path.to_str().expect("UTF-8 path"), Durability::Normal)
                    .await
                    .expect("open the SQLite file again"),
            ),
            None,
        ),
        Db::Postgres { url, .. } => {
            let s = PgStore::open_with(url, 4, writers)
                .await
                .expect("open PostgreSQL again");
            (Arc::new(s.clone()), Some(s))
        }
    };
    let services = Services::new(store, Config::default(), WorkCalendar::china());
    services
        .init_calendar(ducha_service::now())
        .await
        .expect("calendar");
    (services, pg)
}

/// `items` items dispatched to the two counties and the department, every assignment signed.
/// Returns (liaison user id, assignment id) pairs.
async fn signed_assignments(app: &TestApp, items: usize) -> Vec<(i64, i64)> {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let liaisons = [
        (app.login("county_a").await, o.users.county_a),
        (app.login("county_b").await, o.users.county_b),
        (app.login("dept").await, o.users.dept),
    ];
    let mut out = Vec::new();
    for n in 0..items {
        let (_, ids) = dispatched_item(
            &sup,
            &leader,
            &format!("并发填报测试事项{n}"),
            in_days(30),
            json!([
                { "unit_id": o.county_a, "role": "lead" },
                { "unit_id": o.county_b, "role": "co" },
                { "unit_id": o.dept, "role": "co" },
            ]),
        )
        .await;
        for (aid, (session, user)) in ids.into_iter().zip(&liaisons) {
            session
                .post(&format!("/assignments/{aid}/sign"), json!({}))
                .await
                .ok();
            out.push((*user, aid));
        }
    }
    out
}

/// A progress report through `services` as `user`.
async fn report(services: &Services, user: i64, aid: i64, n: usize) -> Result<Created, String> {
    let actor: Actor = services.actor(user).await.map_err(|e| e.to_string())?;
    let input = ReportInput {
        text: format!("第{n}次进展：按计划推进"),
        percent: Some(i64::try_from(n % 100).unwrap_or(0)),
        ..ReportInput::default()
    };
    services
        .submit_report(&actor, aid, &input, ducha_service::now())
        .await
        .map_err(|e| format!("{e:?}"))
}

/// `ducha audit verify` on the app's database succeeds over `events` events.
async fn assert_verifies(app: &TestApp, events: i64) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cli = ducha(vec![
        "audit".into(),
        "verify".into(),
        "--database".into(),
        app.db.url(),
        "--checkpoints".into(),
        dir.path().join("none.log").display().to_string(),
    ])
    .await;
    assert_eq!(cli.code, Some(0), "{}\n{}", cli.stdout, cli.stderr);
    assert!(
        cli.stdout
            .starts_with(&format!("OK: {events} events verified")),
        "{}",
        cli.stdout
    );
}

/// The events: their number, the first and last seq, and the head's seq. No gap means
/// `count == last == head` and `first == 1`.
async fn chain_shape(app: &TestApp) -> (i64, i64, i64, i64) {
    let row = app
        .db
        .text(
            "SELECT CAST(COUNT(*) AS TEXT) || ' ' || CAST(MIN(seq) AS TEXT) || ' ' || \
             CAST(MAX(seq) AS TEXT) || ' ' || CAST((SELECT seq FROM event_chain) AS TEXT) \
             FROM events",
        )
        .await;
    let v: Vec<i64> = row
        .split(' ')
        .map(|s| s.parse().expect("a number"))
        .collect();
    (v[0], v[1], v[2], v[3])
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db
        .text(&format!("SELECT CAST(({sql}) AS TEXT)"))
        .await
        .parse()
        .expect("a count")
}

async fn many_writers_on_two_nodes_make_one_chain(app: &TestApp) {
    let work = signed_assignments(app, 8).await;
    let (other, _) = node(app, ducha_store_postgres::DEFAULT_WRITERS).await;
    let nodes = [app.services.clone(), other];
    let reports_before = count(app, "SELECT COUNT(*) FROM reports").await;
    let per_writer = 12;
    // One writer per assignment (a unit reports on its own work), alternating nodes.
    let mut tasks = Vec::new();
    for (w, &(user, aid)) in work.iter().enumerate() {
        let services = nodes[w % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for n in 0..per_writer {
                done.push(report(&services, user, aid, n).await);
            }
            done
        }));
    }
    let mut acked = Vec::new();
    for t in tasks {
        for r in t.await.expect("writer task") {
            acked.push(r.expect("every report of its own assignment commits"));
        }
    }
    assert_eq!(acked.len(), work.len() * per_writer);
    // Every acknowledged report stored exactly once, with exactly one event.
    let mut ids: Vec<i64> = acked.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        acked.len(),
        "two acknowledgements share a report"
    );
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    assert_eq!(
        count(
            app,
            &format!("SELECT COUNT(*) FROM reports WHERE id IN ({list})")
        )
        .await,
        i64::try_from(acked.len()).expect("small"),
    );
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM reports").await - reports_before,
        i64::try_from(acked.len()).expect("small"),
        "a report stored that nobody was told about"
    );
    let mut seqs: Vec<i64> = acked.iter().map(|c| c.event_seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), acked.len(), "two reports share an event");
    let seq_list = seqs
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        count(
            app,
            &format!(
                "SELECT COUNT(*) FROM events WHERE kind = 'report.submitted' AND seq IN ({seq_list})"
            )
        )
        .await,
        i64::try_from(acked.len()).expect("small"),
    );
    // One total order without gaps, and the real verifier agrees.
    let (n, first, last, head) = chain_shape(app).await;
    assert_eq!(
        (first, last, head),
        (1, n, n),
        "a gap or a fork in the chain"
    );
    assert_verifies(app, n).await;
    if app.db.kind() == crate::helpers::Kind::Postgres {
        // Group commit: the reports' events were written by fewer transactions than reports.
        let transactions = count(
            app,
            &format!(
                "SELECT COUNT(DISTINCT CAST(xmin AS TEXT)) FROM events WHERE seq IN ({seq_list})"
            ),
        )
        .await;
        assert!(
            transactions < i64::try_from(acked.len()).expect("small"),
            "{transactions} transactions for {} reports: no commit was shared",
            acked.len()
        );
    }
}

/// A connection of the test's own holding the chain head's row lock: every writer that
/// claims the head waits behind it until [`release`].
async fn hold_chain(url: &str) -> PgConnection {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql("BEGIN; SELECT seq FROM event_chain WHERE id = 1 FOR UPDATE")
        .execute(&mut c)
        .await
        .expect("lock the chain head");
    c
}

async fn release(mut c: PgConnection) {
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut c)
        .await
        .expect("release the chain head");
}

/// Waits until a writer waits for the chain head's lock other than `not`; returns its
/// backend's pid.
async fn writer_waiting(url: &str, not: Option<i32>) -> i32 {
    let mut c = PgConnection::connect(url).await.expect("connect");
    let end = Instant::now() + PATIENCE;
    loop {
        let pids: Vec<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND query LIKE 'UPDATE event_chain SET seq = seq + %'",
        )
        .fetch_all(&mut c)
        .await
        .expect("pg_stat_activity");
        if let Some(p) = pids.into_iter().find(|p| Some(*p) != not) {
            return p;
        }
        assert!(Instant::now() < end, "no writer waited for the chain head");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until the node has `n` commits handed to its writers and unanswered.
async fn queued(store: &PgStore, n: usize) {
    let end = Instant::now() + PATIENCE;
    while store.pending_commits() != n {
        assert!(
            Instant::now() < end,
            "{} commits queued, expected {n}",
            store.pending_commits()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

type Pending = tokio::task::JoinHandle<Result<Created, String>>;

fn spawn_report(services: &Services, (user, aid): (i64, i64), n: usize) -> Pending {
    let services = services.clone();
    tokio::spawn(async move { report(&services, user, aid, n).await })
}

/// A PostgreSQL app for a story of its own, or `None` without `DUCHA_TEST_PG`.
async fn pg_app(test: &str) -> Option<(TestApp, String)> {
    let url = pg_url(test)?;
    let app = spawn_app(Db::postgres(&url).await).await;
    let db_url = app.db.url();
    Some((app, db_url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_failing_its_own_check_does_not_fail_its_batch() {
    let Some((app, url)) = pg_app(module_path!()).await else {
        return;
    };
    let work = signed_assignments(&app, 2).await;
    let (services, store) = node(&app, 1).await;
    let store = store.expect("PostgreSQL");
    let chain = hold_chain(&url).await;
    // The only writer takes a first commit and waits for the head …
    let first = spawn_report(&services, work[1], 0);
    writer_waiting(&url, None).await;
    queued(&store, 1).await;
    // … while five more queue behind it: two reports on one assignment (both read its same
    // version, so the second one's check fails when it runs after the first), three others.
    // Each of the two reads, as soon as it is answered, how many reports of the assignment
    // are committed: the refused one must find the winner's (a caller that reads on a
    // refusal — a second click — must see the first click's result, not its absence).
    let same = [1, 2].map(|n| {
        let services = services.clone();
        let url = url.clone();
        let (user, aid) = work[0];
        tokio::spawn(async move {
            let mut c = PgConnection::connect(&url).await.expect("connect");
            let r = report(&services, user, aid, n).await;
            let seen: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE assignment_id = $1")
                    .bind(aid)
                    .fetch_one(&mut c)
                    .await
                    .expect("count the reports");
            (r, seen)
        })
    });
    let others: Vec<Pending> = [work[2], work[3], work[4]]
        .into_iter()
        .map(|w| spawn_report(&services, w, 3))
        .collect();
    queued(&store, 6).await;
    release(chain).await;
    let first = first
        .await
        .expect("task")
        .expect("the first report commits");
    let mut batch = Vec::new();
    let mut refused = 0;
    for t in same {
        match t.await.expect("task") {
            (Ok(c), _) => batch.push(c.event_seq),
            (Err(_), seen) => {
                refused += 1;
                assert_eq!(seen, 1, "the refusal came before its batch committed");
            }
        }
    }
    assert_eq!(
        (batch.len(), refused),
        (1, 1),
        "one of the two reports wins"
    );
    for t in others {
        batch.push(t.await.expect("task").expect("the others commit").event_seq);
    }
    // The four that committed did so in one transaction, the refused one inside it.
    let list = batch
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(DISTINCT CAST(xmin AS TEXT)) FROM events WHERE seq IN ({list})")
        )
        .await,
        1,
        "the batch was split"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM reports WHERE assignment_id = {}",
                work[0].1
            )
        )
        .await,
        1
    );
    assert!(batch.iter().all(|s| *s > first.event_seq));
    let (n, first_seq, last, head) = chain_shape(&app).await;
    assert_eq!((first_seq, last, head), (1, n, n));
    assert_verifies(&app, n).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_writer_killed_mid_batch_stores_nothing_of_it() {
    let Some((app, url)) = pg_app(module_path!()).await else {
        return;
    };
    let work = signed_assignments(&app, 2).await;
    let (services, store) = node(&app, 1).await;
    let store = store.expect("PostgreSQL");
    let reports_before = count(&app, "SELECT COUNT(*) FROM reports").await;
    let (events_before, _, _, head_before) = chain_shape(&app).await;
    let chain = hold_chain(&url).await;
    let first = spawn_report(&services, work[0], 0);
    let killed = writer_waiting(&url, None).await;
    queued(&store, 1).await;
    let batch: Vec<Pending> = work[1..]
        .iter()
        .map(|w| spawn_report(&services, *w, 1))
        .collect();
    queued(&store, 6).await;
    // The writer's connection dies while its batch waits for the head: then the next batch
    // (the five queued, their rows written) dies the same way.
    let kill = |pid: i32| {
        let url = url.clone();
        async move {
            let mut c = PgConnection::connect(&url).await.expect("connect");
            let done: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .fetch_one(&mut c)
                .await
                .expect("terminate");
            assert!(done, "backend {pid} not terminated");
        }
    };
    kill(killed).await;
    assert!(
        first.await.expect("task").is_err(),
        "a lost commit acknowledged"
    );
    let again = writer_waiting(&url, Some(killed)).await;
    queued(&store, 5).await;
    kill(again).await;
    for t in batch {
        assert!(
            t.await.expect("task").is_err(),
            "a lost commit acknowledged"
        );
    }
    release(chain).await;
    // Nothing of either batch: no report, no event, the head where it was.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM reports").await,
        reports_before
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM assignments WHERE last_report_at IS NOT NULL"
        )
        .await,
        0
    );
    let (n, _, last, head) = chain_shape(&app).await;
    assert_eq!((n, last, head), (events_before, head_before, head_before));
    assert_verifies(&app, n).await;
    // The node writes again on a new connection.
    let c = report(&services, work[0].0, work[0].1, 9)
        .await
        .expect("the node commits again");
    assert_eq!(c.event_seq, head_before + 1);
    assert_verifies(&app, n + 1).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_commit_whose_answer_is_lost_reads_as_outcome_unknown() {
    let Some((app, url)) = pg_app(module_path!()).await else {
        return;
    };
    let work = signed_assignments(&app, 1).await;
    // A deferred trigger runs inside COMMIT itself and there waits for a lock the test holds:
    // the commit is on the wire, unanswered, when the test kills its connection.
    let mut gate = PgConnection::connect(&url).await.expect("connect");
    sqlx::raw_sql(
        "CREATE FUNCTION test_commit_gate() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$; \
         CREATE CONSTRAINT TRIGGER test_commit_gate AFTER INSERT ON reports \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_commit_gate(); \
         SELECT pg_advisory_lock(4242)",
    )
    .execute(&mut gate)
    .await
    .expect("install the commit gate");
    let county = app.login("county_a").await;
    let aid = work[0].1;
    let pending = tokio::spawn(async move {
        county
            .post(
                &format!("/assignments/{aid}/reports"),
                json!({ "text": "连接中断时的进展", "percent": 40 }),
            )
            .await
    });
    // The committing backend, waiting at the gate inside its COMMIT.
    let end = Instant::now() + PATIENCE;
    let pid = loop {
        let pids: Vec<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut gate)
        .await
        .expect("pg_stat_activity");
        if let Some(p) = pids.first() {
            break *p;
        }
        assert!(Instant::now() < end, "no commit reached the gate");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let done: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .fetch_one(&mut gate)
        .await
        .expect("terminate");
    assert!(done, "backend {pid} not terminated");
    let r = pending.await.expect("task");
    assert_eq!(r.status.as_u16(), 503, "{}: {}", r.what, r.body);
    assert_eq!(r.body["error"]["code"], "outcome_unknown", "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("无法确认是否已保存")),
        "{}",
        r.body
    );
    // Not "failed": here the server rolled it back, and reading back is how one finds out.
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM reports WHERE assignment_id = {aid}")
        )
        .await,
        0
    );
    sqlx::raw_sql("SELECT pg_advisory_unlock(4242); DROP TRIGGER test_commit_gate ON reports")
        .execute(&mut gate)
        .await
        .expect("remove the gate");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn closing_the_store_stops_its_writers_and_their_connections() {
    let Some((app, url)) = pg_app(module_path!()).await else {
        return;
    };
    let work = signed_assignments(&app, 1).await;
    let (services, store) = node(&app, 3).await;
    let store = store.expect("PostgreSQL");
    report(&services, work[0].0, work[0].1, 1)
        .await
        .expect("a report through the writers");
    // The writers' connections of every node on the database (the app's own stay open).
    let writer_conns = |url: String| async move {
        let mut c = PgConnection::connect(&url).await.expect("connect");
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'ducha-writer'",
        )
        .fetch_one(&mut c)
        .await
        .expect("pg_stat_activity");
        n
    };
    let before = writer_conns(url.clone()).await;
    assert!(
        store.close(PATIENCE).await,
        "the store did not close in time"
    );
    let after = writer_conns(url.clone()).await;
    assert!(
        after < before,
        "connections before {before}, after closing {after}: the writers' stayed open"
    );
    // A commit after closing is refused, not lost in a queue nobody reads.
    assert!(report(&services, work[0].0, work[0].1, 2).await.is_err());
    app.finish().await;
}
