//! The load-balancer test (issue 15): Debian's HAProxy, run with `deploy/haproxy.cfg`, in front
//! of three real `ducha serve` processes on one fresh PostgreSQL database. 32 sessions (two for
//! each of sixteen units' liaisons) report progress and browse pages and lists through HAProxy
//! while a supervisor issues urge notices that go out to the units' webhook robots; mid-run one
//! node is killed with SIGKILL, later another is stopped with SIGTERM and started again. Then:
//! every acknowledged write is in the database, none twice; every session made before the kill
//! still works through each remaining node; every outbox row reached the local receiver
//! exactly once; `ducha audit verify` passes. The figures are printed.
//!
//! Runs with `DUCHA_TEST_CLUSTER=1` and `DUCHA_TEST_PG` (a PostgreSQL server); `.ci/run` runs
//! it in its own step. Otherwise it says that it was skipped — and fails under `CI=true`.
//! `DUCHA_CLUSTER_SECONDS` sets the length of the run (default 40); HAProxy is found as
//! `DUCHA_HAPROXY`, on the `PATH` or in /usr/sbin.

mod clients;
mod nodes;
mod receiver;
mod setup;
#[path = "../support/mod.rs"]
mod support;

use clients::{Client, Recorder, Sample};
use nodes::{Haproxy, Nodes, PATIENCE};
use receiver::Receiver;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Clients reporting and browsing.
const CLIENTS: usize = 32;
/// The window after the SIGKILL (and after the SIGTERM) whose failed attempts are counted.
const WINDOW: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_behind_haproxy() {
    let Some((pg, haproxy)) = enabled() else {
        return;
    };
    let seconds: u64 = std::env::var("DUCHA_CLUSTER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40)
        .max(10);
    let started = Instant::now();
    let db = setup::Database::create(&pg).await;
    let org = setup::seed(&db.url).await;
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = setup::write_config(dir.path(), &db.url, &receiver.robots_toml(&org.units));
    let mut nodes = Nodes::start(dir.path(), &config, 3).await;
    let mut lb = Haproxy::start(&haproxy, dir.path(), &nodes).await;

    // The city's work, dispatched through the load balancer; every session is made now,
    // before anything is killed.
    let sup = Client::login(&lb.base, "sup").await;
    let leader = Client::login(&lb.base, "leader").await;
    let work = setup::dispatch(&sup, &leader, &org).await;
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        clients.push(Client::login(&lb.base, &setup::liaison(c % setup::UNITS)).await);
    }
    for (u, mine) in work.iter().enumerate() {
        for w in mine {
            clients[u]
                .setup_post(
                    &format!("/api/v1/assignments/{}/sign", w.assignment),
                    serde_json::json!({}),
                )
                .await;
        }
    }
    let setup_took = started.elapsed();

    // The run: the clients work until the end while nodes go down and come back.
    let rec = Recorder::new();
    let t0 = Instant::now();
    let until = t0 + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (c, client) in clients.iter().enumerate() {
        // The two sessions of a unit take alternate assignments: no two clients report on
        // the same assignment at once.
        let mine: Vec<_> = work[c % setup::UNITS]
            .iter()
            .skip(c / setup::UNITS)
            .step_by(CLIENTS / setup::UNITS)
            .copied()
            .collect();
        tasks.push(tokio::spawn(clients::liaison(
            client.clone(),
            c,
            mine,
            until,
            rec.clone(),
        )));
    }
    let all: Vec<i64> = work.iter().flatten().map(|w| w.assignment).collect();
    let notices = tokio::spawn(clients::supervisor(sup.clone(), all, until, rec.clone()));

    sleep_until(t0 + Duration::from_secs(seconds * 3 / 10), &mut nodes).await;
    let kill_instant = Instant::now();
    let killed_at = rec.since_start(kill_instant);
    nodes.kill(0);
    let down_after_kill = lb.wait_state("node1", "DOWN").await;

    sleep_until(t0 + Duration::from_secs(seconds * 6 / 10), &mut nodes).await;
    let stopped_at = rec.since_start(Instant::now());
    let drained = nodes.terminate(1).await;
    // Out of rotation before it comes back, so that "UP" below is the new process.
    let out_after_stop = lb.wait_state("node2", "DOWN").await;
    nodes.restart(1).await;
    let back_up = lb.wait_state("node2", "UP").await;
    let back_at = rec.since_start(Instant::now());

    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("a client task"));
    }
    let notices = notices.await.expect("the supervisor's task");
    nodes.check_alive();
    let run_took = t0.elapsed();

    // Sessions made before the kill work through the load balancer and on each remaining
    // node directly: they live in the database, not in a node.
    let mut sessions_ok = 0;
    let live: Vec<String> = nodes
        .running()
        .iter()
        .map(|i| format!("http://127.0.0.1:{}", nodes.nodes[*i].port))
        .collect();
    for c in clients.iter().chain([&sup, &leader]) {
        for base in std::iter::once(&lb.base).chain(&live) {
            let me = c.at(base).read("/api/v1/me", &Recorder::new()).await;
            let me = me.unwrap_or_else(|e| panic!("a session made before the kill: {e}"));
            assert_eq!(me.json["user"]["username"], c.who.as_str(), "{}", me.json);
            sessions_ok += 1;
        }
    }

    // Every acknowledged write is stored, with its own text, once.
    let failures: Vec<&String> = outcomes
        .iter()
        .flat_map(|o| &o.failures)
        .chain(&notices.failures)
        .collect();
    assert!(failures.is_empty(), "the clients failed: {failures:?}");
    let acked: Vec<&clients::Ack> = outcomes.iter().flat_map(|o| &o.acked).collect();
    let found: Vec<&clients::Ack> = outcomes.iter().flat_map(|o| &o.found_after_loss).collect();
    let stored: BTreeMap<i64, (i64, String)> =
        sqlx::query_as::<_, (i64, i64, String)>("SELECT id, assignment_id, text FROM reports")
            .fetch_all(&db.pool)
            .await
            .expect("read the reports")
            .into_iter()
            .map(|(id, a, text)| (id, (a, text)))
            .collect();
    let mut lost = Vec::new();
    for a in acked.iter().chain(&found) {
        match stored.get(&a.id) {
            Some((assignment, text)) if *assignment == a.assignment && text.contains(&a.mark) => {}
            other => lost.push(format!("{a:?}: {other:?}")),
        }
    }
    assert!(
        lost.is_empty(),
        "acknowledged reports missing or changed: {lost:?}"
    );
    let mut marks = BTreeMap::<&str, usize>::new();
    for (_, text) in stored.values() {
        if let Some(m) = text.split('〔').nth(1).and_then(|m| m.split('〕').next()) {
            *marks.entry(m).or_default() += 1;
        }
    }
    let twice: Vec<_> = marks.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "reports stored twice: {twice:?}");
    assert_eq!(
        marks.len(),
        acked.len() + found.len(),
        "every stored report of the run is one a client knows of"
    );
    let notices_stored: BTreeSet<i64> = sqlx::query_scalar("SELECT id FROM notices")
        .fetch_all(&db.pool)
        .await
        .expect("read the notices")
        .into_iter()
        .collect();
    assert!(
        notices.acked.iter().all(|id| notices_stored.contains(id)),
        "acknowledged notices missing: {:?} stored of {:?}",
        notices_stored,
        notices.acked
    );

    // Every outbox row reaches the receiver exactly once, by its Idempotency-Key.
    let outbox = drain_outbox(&db.pool, &mut nodes).await;
    let deliveries = receiver.deliveries();
    assert!(
        receiver.bad().is_empty(),
        "bad deliveries: {:?}",
        receiver.bad()
    );
    let mut per_key = BTreeMap::<i64, Vec<Instant>>::new();
    for d in &deliveries {
        per_key.entry(d.key).or_default().push(d.at);
    }
    let sent: BTreeSet<i64> = outbox.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        per_key.keys().copied().collect::<BTreeSet<_>>(),
        sent,
        "the receiver got exactly the outbox rows"
    );
    assert!(!sent.is_empty(), "the run sent notifications");
    assert_eq!(
        sent.len(),
        notices_stored.len(),
        "one delivery per notice: each unit has one robot and no user has an address"
    );
    // At-least-once delivery with the row id as idempotency key: only the one row a node
    // killed mid-delivery had claimed (claims are one row at a time) may arrive twice, once
    // before the kill and once after its claim expired.
    let repeated: Vec<(&i64, &Vec<Instant>)> =
        per_key.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        repeated.len() <= 1
            && repeated
                .iter()
                .all(|(_, at)| at.len() == 2 && at[0] < kill_instant && at[1] > kill_instant),
        "deliveries repeated beyond the one a SIGKILL can cut short: {repeated:?}"
    );

    // The chain verifies, after the remaining nodes stopped as systemd stops them.
    for i in nodes.running() {
        nodes.terminate(i).await;
    }
    let logs = nodes.logs();
    let verify = audit_verify(&config, &db.url);
    assert!(
        verify.0 == Some(0) && verify.1.contains("OK:"),
        "ducha audit verify failed: {verify:?}"
    );
    for (name, log) in &logs {
        assert!(!log.contains("panicked"), "{name} panicked:\n{log}");
    }
    let internal: usize = logs
        .iter()
        .map(|(_, l)| l.matches("internal error").count())
        .sum();

    // The figures.
    let samples = rec.samples();
    // Failed attempts in flight at `from` or started before `to`.
    let failed = |from: Duration, to: Duration| {
        samples
            .iter()
            .filter(|s| s.at + s.took >= from && s.at < to && !s.ok())
            .count()
    };
    let mut failures_by_status = BTreeMap::<String, usize>::new();
    for s in samples.iter().filter(|s| !s.ok()) {
        let k = s.status.map_or("no answer".to_string(), |c| c.to_string());
        *failures_by_status.entry(k).or_default() += 1;
    }
    let resent: usize = outcomes.iter().map(|o| o.resent).sum();
    // Requests fail only around the kill and the restart: those in flight on the killed node
    // (each client has one at a time) and those the stopping node refused.
    let in_windows = failed(killed_at, killed_at + WINDOW) + failed(stopped_at, back_at + WINDOW);
    let all_failed = samples.iter().filter(|s| !s.ok()).count();
    let outside: Vec<&Sample> = samples
        .iter()
        .filter(|s| !s.ok())
        .filter(|s| {
            let end = s.at + s.took;
            let near_kill = end >= killed_at && s.at < killed_at + WINDOW;
            let near_restart = end >= stopped_at && s.at < back_at + WINDOW;
            !near_kill && !near_restart
        })
        .collect();
    assert!(
        outside.is_empty(),
        "requests failed away from the kill and the restart: {outside:?}"
    );
    assert!(
        failed(killed_at, killed_at + WINDOW) <= CLIENTS + 1,
        "more requests failed after the kill than were in flight: {in_windows} of {all_failed}"
    );
    let per_node = served_per_node(&lb.log());
    assert!(
        per_node.len() == 3 && per_node.values().all(|n| *n > 0),
        "HAProxy sent requests to every node: {per_node:?}"
    );
    let writes: Vec<&Sample> = samples.iter().filter(|s| s.write).collect();
    let reads: Vec<&Sample> = samples.iter().filter(|s| !s.write).collect();
    let conflicts: usize = outcomes.iter().map(|o| o.conflicts).sum();
    let (p50, p95) = percentiles(&samples);
    let (wp50, wp95) = percentiles(&writes);
    let (rp50, rp95) = percentiles(&reads);
    let received = deliveries.len();
    eprintln!(
        "\nload balancer: HAProxy + 3 ducha serve nodes on PostgreSQL, {CLIENTS} clients for {:.1}s \
         (setup {:.1}s)\n\
         \x20 requests:      {} attempts ({} writes, {} reads), {} answered 2xx, {} failed \
         (no answer or 5xx: {failures_by_status:?}), {} write conflicts (409) sent again, {} \
         internal errors logged; served by {per_node:?}\n\
         \x20 latency:       all p50 {p50:.1} ms p95 {p95:.1} ms; writes p50 {wp50:.1} ms p95 \
         {wp95:.1} ms; reads p50 {rp50:.1} ms p95 {rp95:.1} ms\n\
         \x20 SIGKILL node1 at {:.1}s: HAProxy marked it DOWN after {:.2}s; {} attempts failed \
         in the {WINDOW:?} after\n\
         \x20 SIGTERM node2 at {:.1}s: drained and exited in {:.2}s, DOWN {:.2}s later, \
         restarted, UP {:.2}s after it listened (at {:.1}s); {} attempts failed from the stop to {WINDOW:?} after it was back\n\
         \x20 writes:        {} reports acknowledged + {} found stored after a lost answer = {} \
         found in the database of {} stored, 0 twice ({resent} lost answers looked up, not \
         stored, sent again); {} notices acknowledged + {} found \
         after a lost answer\n\
         \x20 sessions:      {sessions_ok} checks of {} sessions made before the kill (through \
         HAProxy and on each remaining node) answered as their user\n\
         \x20 notifications: {} outbox rows sent, {} distinct received, {} duplicates \
         ({received} deliveries); 0 pending, 0 dead\n\
         \x20 chain:         {}\n\
         \x20 total {:.1}s",
        run_took.as_secs_f64(),
        setup_took.as_secs_f64(),
        samples.len(),
        writes.len(),
        reads.len(),
        samples.iter().filter(|s| s.ok()).count(),
        samples.iter().filter(|s| !s.ok()).count(),
        conflicts,
        internal,
        killed_at.as_secs_f64(),
        down_after_kill.as_secs_f64(),
        failed(killed_at, killed_at + WINDOW),
        stopped_at.as_secs_f64(),
        drained.as_secs_f64(),
        out_after_stop.as_secs_f64(),
        back_up.as_secs_f64(),
        back_at.as_secs_f64(),
        failed(stopped_at, back_at + WINDOW),
        acked.len(),
        found.len(),
        acked.len() + found.len(),
        stored.len(),
        notices.acked.len(),
        notices.found_after_loss,
        clients.len() + 2,
        sent.len(),
        per_key.len(),
        received - per_key.len(),
        verify.1.lines().next().unwrap_or_default(),
        started.elapsed().as_secs_f64(),
    );
    assert_eq!(internal, 0, "the nodes logged internal errors");
    drop(lb);
    drop(nodes);
    db.drop().await;
}

/// The PostgreSQL server and HAProxy when the test is asked for; `None` (with a note) when it
/// is not, which fails under `CI=true`.
fn enabled() -> Option<(String, PathBuf)> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    if std::env::var("DUCHA_TEST_CLUSTER").is_ok_and(|v| !v.is_empty() && v != "0") {
        let pg = std::env::var("DUCHA_TEST_PG")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .expect("DUCHA_TEST_CLUSTER needs DUCHA_TEST_PG=postgres://… (the nodes' server)");
        let haproxy = haproxy().expect(
            "DUCHA_TEST_CLUSTER needs HAProxy (apt-get install haproxy, or set DUCHA_HAPROXY)",
        );
        return Some((pg, haproxy));
    }
    assert!(
        !ci,
        "DUCHA_TEST_CLUSTER is not set but CI=true: the load-balancer test is mandatory in CI \
         (.ci/run runs it in its own step with DUCHA_TEST_CLUSTER=1)"
    );
    eprintln!(
        "SKIPPED: the load-balancer test runs only with DUCHA_TEST_CLUSTER=1 (and DUCHA_TEST_PG, \
         HAProxy installed)"
    );
    None
}

/// HAProxy: `DUCHA_HAPROXY`, else `haproxy` on the `PATH`, else Debian's /usr/sbin/haproxy.
fn haproxy() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("DUCHA_HAPROXY") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin")])
        .map(|d| d.join("haproxy"))
        .find(|p| p.is_file())
}

/// Sleeps until `t`, watching that no node died on its own.
async fn sleep_until(t: Instant, nodes: &mut Nodes) {
    while Instant::now() < t {
        nodes.check_alive();
        tokio::time::sleep(Duration::from_millis(100).min(t - Instant::now())).await;
    }
}

/// Waits until no outbox row waits (none pending or held) and none was given up; returns the
/// rows (id, state).
async fn drain_outbox(pool: &sqlx::PgPool, nodes: &mut Nodes) -> Vec<(i64, String)> {
    let end = Instant::now() + PATIENCE;
    loop {
        nodes.check_alive();
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, state FROM outbox ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("read the outbox");
        let dead: Vec<_> = rows.iter().filter(|(_, s)| s == "dead").collect();
        assert!(dead.is_empty(), "deliveries given up: {dead:?}");
        if rows.iter().all(|(_, s)| s == "sent") {
            return rows;
        }
        assert!(
            Instant::now() < end,
            "the outbox did not drain within {PATIENCE:?}: {:?}",
            rows.iter().filter(|(_, s)| s != "sent").collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Requests each node served, from HAProxy's log (`ducha_nodes/node1` in each request's line).
fn served_per_node(log: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for l in log.lines().filter(|l| l.contains(" HTTP/1.1\"")) {
        if let Some(rest) = l.split(" ducha_nodes/").nth(1) {
            let server = rest.split_whitespace().next().unwrap_or_default();
            *m.entry(server.to_string()).or_default() += 1;
        }
    }
    m
}

/// p50 and p95 of the attempts' times, in milliseconds.
fn percentiles(samples: &[impl std::borrow::Borrow<Sample>]) -> (f64, f64) {
    let mut ms: Vec<f64> = samples
        .iter()
        .map(|s| s.borrow().took.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        let i = ((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len().max(1)) - 1;
        ms.get(i).copied().unwrap_or(0.0)
    };
    (pick(0.5), pick(0.95))
}

/// `ducha audit verify` over the database and the checkpoints the nodes wrote: exit code and
/// output.
fn audit_verify(config: &std::path::Path, db_url: &str) -> (Option<i32>, String) {
    let dir = config.parent().expect("the configuration's directory");
    let out = nodes::command(
        std::path::Path::new(env!("CARGO_BIN_EXE_ducha")),
        &dir.join("audit.log"),
    )
    .arg("--config")
    .arg(config)
    .args(["audit", "verify", "--database", db_url])
    .current_dir(dir)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .output()
    .expect("run ducha audit verify");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}
