//! Two real `ducha serve` processes on one PostgreSQL database, both running the scheduler,
//! through a run of simulated days (the jobs' clock file moved forward a day at a time): every
//! notice the sweeps issue, and every summons they recommend, reaches each group robot of its
//! unit exactly once — counted at a local webhook receiver that checks every signature — also
//! when one process is killed (SIGKILL) while it holds the sweep's lease, which the other takes
//! over once the lease expires. PostgreSQL only: several app nodes need it.

use crate::helpers::{Db, Session, TestApp, pg_url, spawn_app, today};
use crate::webhooks::{Receiver, Robot, header, robots_toml, signature_ok};
use chrono::NaiveDate;
use ducha_domain::calendar::WorkCalendar;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgPool};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds a job lease (and a claimed delivery) protects its holder; a killed node's lease is
/// taken over after it.
const LEASE_SECONDS: i64 = 2;
/// Working days simulated after the start.
const WORKING_DAYS: u32 = 15;
/// The first simulated day (counted from the start) on which a node may be killed.
const KILL_FROM_DAY: usize = 5;
/// How long one condition may take before the test fails: several sweep intervals and lease
/// expiries on a loaded CI machine.
const PATIENCE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_every_notice_exactly_once() {
    let Some(url) = pg_url(module_path!()) else {
        return;
    };
    let started = Instant::now();
    let app = spawn_app(Db::postgres(&url).await).await;
    let cal = WorkCalendar::china();
    let start = seed_items(&app, &cal).await;
    let receiver = Receiver::start().await;
    let robots = robots(&app, &receiver.base);

    let dir = tempfile::tempdir().expect("temporary directory");
    let clock = dir.path().join("clock");
    set_clock(&clock, start);
    let config = write_config(dir.path(), &app.db.url(), &clock, &robots);
    let mut nodes = Nodes::default();
    for name in ["node-a", "node-b"] {
        nodes.spawn(dir.path(), &config, name);
    }
    for i in 0..2 {
        nodes.wait_ready(i).await;
    }
    let pool = pool(&app);
    settle(pool, start, &nodes).await;

    // Day by day, each settled (swept, delivered) before the next; from KILL_FROM_DAY on,
    // the node holding the first sweep with lights to write is killed in the middle of it.
    let last = cal.add_working_days(start, WORKING_DAYS);
    let mut kill = None;
    let mut day = start;
    for index in 1.. {
        day = day.succ_opt().expect("a next day");
        if kill.is_none() && index >= KILL_FROM_DAY {
            kill = kill_during_sweep(&app.db.url(), pool, &clock, day, &mut nodes).await;
        } else {
            set_clock(&clock, day);
        }
        settle(pool, day, &nodes).await;
        if day >= last {
            break;
        }
    }
    let kill = kill.expect("no node was ever caught in a sweep, so none was killed");
    let quiet = quiet_sweep(pool, last, &nodes).await;

    // What the database says was due.
    let notices: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, number, unit_id, level FROM notices ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("notices");
    let summonses: Vec<(String, i64)> = sqlx::query_as(
        "SELECT n.number, s.unit_id FROM summons s JOIN notices n ON n.id = s.notice_id",
    )
    .fetch_all(pool)
    .await
    .expect("summonses");
    let outbox: BTreeMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM outbox GROUP BY state")
            .fetch_all(pool)
            .await
            .expect("outbox states")
            .into_iter()
            .collect();
    let sent_ids: BTreeSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM outbox WHERE state = 'sent'")
            .fetch_all(pool)
            .await
            .expect("sent rows")
            .into_iter()
            .collect();
    let sweep_runs: i64 = sqlx::query_scalar("SELECT runs FROM jobs WHERE name = 'sweep'")
        .fetch_one(pool)
        .await
        .expect("sweep runs");

    // One delivery per (kind, number, robot) due, and nothing else.
    let mut expected = Vec::new();
    for (_, number, unit, _) in &notices {
        for r in robots.iter().filter(|r| r.unit == *unit) {
            expected.push(("notice.issued".to_string(), number.clone(), r.path.clone()));
        }
    }
    for (number, unit) in &summonses {
        for r in robots.iter().filter(|r| r.unit == *unit) {
            expected.push((
                "summons.recommended".to_string(),
                number.clone(),
                r.path.clone(),
            ));
        }
    }
    expected.sort();
    let hits = receiver.hits();
    let mut got = Vec::new();
    let mut keys = BTreeMap::<i64, usize>::new();
    for h in &hits {
        let robot = robots
            .iter()
            .find(|r| r.path == h.path)
            .unwrap_or_else(|| panic!("a delivery to an unknown path {}", h.path));
        let body: Value = serde_json::from_slice(&h.body).expect("a JSON body");
        assert!(
            signature_ok(robot, h),
            "bad signature on a delivery to {}: {body}",
            h.path
        );
        let key: i64 = header(h, "idempotency-key")
            .parse()
            .expect("a numeric Idempotency-Key");
        assert_eq!(body["id"], key, "the body's id is the Idempotency-Key");
        *keys.entry(key).or_default() += 1;
        let kind = body["kind"].as_str().expect("kind").to_string();
        let title = body["title"].as_str().expect("title");
        let text = body["text"].as_str().expect("text");
        let number = match kind.as_str() {
            "notice.issued" => title.split_once("督办单 ").map(|(_, n)| n),
            "summons.recommended" => text
                .split_once("最近一次：")
                .and_then(|(_, rest)| rest.split_once('）'))
                .map(|(n, _)| n),
            _ => None,
        }
        .unwrap_or_else(|| panic!("no notice number in {body}"));
        got.push((kind, number.to_string(), h.path.clone()));
    }
    got.sort();
    let twice: Vec<_> = keys.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "deliveries repeated (Idempotency-Key, times): {twice:?}"
    );
    assert_eq!(
        got, expected,
        "deliveries at the receiver differ from the notices and summonses in the database"
    );
    assert_eq!(
        keys.keys().copied().collect::<BTreeSet<_>>(),
        sent_ids,
        "the receiver saw exactly the outbox rows marked sent"
    );
    assert_eq!(
        outbox.keys().map(String::as_str).collect::<Vec<_>>(),
        ["sent"],
        "every outbox row is sent (none pending, held or dead): {outbox:?}"
    );
    // A sweep redone after the kill (or racing one) issued nothing twice.
    let issued_twice: Vec<(i64, NaiveDate, String, String, i64)> = sqlx::query_as(
        "SELECT assignment_id, issued_on, level, cause, COUNT(*) FROM notices \
         GROUP BY assignment_id, issued_on, level, cause HAVING COUNT(*) > 1",
    )
    .fetch_all(pool)
    .await
    .expect("notices issued twice");
    assert!(
        issued_twice.is_empty(),
        "notices issued twice: {issued_twice:?}"
    );
    let levels: BTreeSet<&str> = notices.iter().map(|n| n.3.as_str()).collect();
    assert_eq!(
        levels,
        BTreeSet::from(["blue", "orange", "red"]),
        "the run reaches every level of the ladder"
    );

    // Both nodes worked before the kill; the killed node's lease outlived it, and the survivor
    // swept on once it expired.
    assert!(
        kill.victim_ran.0 > 0 && kill.survivor_ran.0 > 0,
        "both nodes ran jobs before the kill: {kill:?}"
    );
    assert_eq!(
        kill.lease_left.as_deref(),
        Some(kill.owner.as_str()),
        "the killed node held the sweep's lease"
    );
    let survivor_sweeps_after = jobs_ran(&nodes.log(kill.survivor), "sweep") - kill.survivor_ran.1;
    assert!(
        survivor_sweeps_after > 0,
        "the survivor swept after the kill"
    );
    nodes.kill_all();
    let verify = audit_verify(&config, &app.db.url());
    assert!(
        verify.0 == Some(0) && verify.1.starts_with("OK:"),
        "ducha audit verify failed: {verify:?}"
    );
    eprintln!(
        "scheduler: {} days {start}..={last}, {} notices ({:?}), {} summonses, {} deliveries to \
         {} robots, outbox {outbox:?}, sweep runs {sweep_runs}, node-b killed on {} in a sweep \
         ({kill:?}), survivor sweeps after the kill {survivor_sweeps_after}, last sweep {quiet}, \
         {}; {:.1}s",
        (last - start).num_days(),
        notices.len(),
        count_by(notices.iter().map(|n| n.3.as_str())),
        summonses.len(),
        hits.len(),
        robots.len(),
        kill.day,
        verify.1.trim(),
        started.elapsed().as_secs_f64(),
    );
    app.finish().await;
}

/// Three items dispatched today to six units, their deadlines a few working days ahead; two
/// ask for reports every few working days, so missed reports fire before the deadlines do.
/// Returns the day dispatched, where the simulated days start.
async fn seed_items(app: &TestApp, cal: &WorkCalendar) -> NaiveDate {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let start = today();
    let items = [
        (
            "老旧小区改造进度督办",
            1,
            json!({ "kind": "none" }),
            [o.county_a, o.dept],
        ),
        (
            "营商环境投诉限时办理",
            4,
            json!({ "kind": "every_working_days", "n": 3 }),
            [o.county_b, o.town_a2],
        ),
        (
            "河道清淤专项整治",
            9,
            json!({ "kind": "every_working_days", "n": 2 }),
            [o.town_a1, o.town_b1],
        ),
    ];
    for (title, working_days, cadence, [lead, co]) in items {
        let deadline = cal.add_working_days(start, working_days);
        dispatch(
            &sup,
            &leader,
            json!({
                "title": title, "source": "meeting", "category": "central_work",
                "deadline": deadline, "cadence": cadence,
            }),
            json!([{ "unit_id": lead, "role": "lead" }, { "unit_id": co, "role": "co" }]),
        )
        .await;
    }
    start
}

/// Registers, approves and dispatches an item.
async fn dispatch(sup: &Session, leader: &Session, item: Value, assignments: Value) {
    let id = crate::helpers::id(&sup.post("/items", item).await.ok());
    sup.post(&format!("/items/{id}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{id}/approve"), json!({}))
        .await
        .ok();
    sup.post(
        &format!("/items/{id}/dispatch"),
        json!({ "assignments": assignments }),
    )
    .await
    .ok();
}

/// One robot for each unit with assignments, two for county A, and one for the supervision
/// office, which has no assignment and must hear nothing.
fn robots(app: &TestApp, base: &str) -> Vec<Robot> {
    let o = &app.org;
    let units = [
        o.county_a, o.county_a, o.dept, o.county_b, o.town_a2, o.town_a1, o.town_b1, o.office,
    ];
    units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let path = format!("/hook/{unit}/{i}");
            Robot {
                unit: *unit,
                url: format!("{base}{path}"),
                path,
                secret: format!("robot-secret-{i}-{unit}"),
            }
        })
        .collect()
}

/// The configuration both nodes share: jobs every few tens of milliseconds, short leases, the
/// clock file, notices escalating every two working days, no digest, and the robots.
fn write_config(dir: &Path, db_url: &str, clock: &Path, robots: &[Robot]) -> PathBuf {
    let s = |v: &str| serde_json::to_string(v).expect("a TOML string");
    let p = |v: &Path| s(v.to_str().expect("a UTF-8 path"));
    let mut toml = format!(
        r#"[database]
url = {db}
max_connections = 4

[http]
listen = "127.0.0.1:0"
secure_cookies = false

[audit]
checkpoint_file = {checkpoints}
checkpoint_interval_seconds = 1

[service.notices]
blue_working_days = 2
orange_working_days = 2
red_working_days = 2

[service.notify]
digest = false
retry_base_seconds = 1
base_url = "http://ducha.test"

[scheduler]
enabled = true
tick_ms = 50
sweep_every_seconds = 1
deliver_every_ms = 50
calendar_poll_ms = 200
lease_seconds = {LEASE_SECONDS}
clock_file = {clock}

[log]
filter = "info,sqlx=warn,ducha_service::clock::jobs=debug"
"#,
        db = s(db_url),
        checkpoints = p(&dir.join("checkpoints.log")),
        clock = p(clock),
    );
    toml.push_str(&robots_toml(robots));
    let file = dir.join("ducha.toml");
    std::fs::write(&file, toml).expect("write the configuration");
    file
}

/// Moves the jobs' clock to 08:00 China time of `day`, atomically (a job never reads half).
fn set_clock(file: &Path, day: NaiveDate) {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{day}T08:00:00+08:00\n")).expect("write the clock");
    std::fs::rename(&tmp, file).expect("move the clock");
}

fn pool(app: &TestApp) -> &PgPool {
    match &app.db {
        Db::Postgres { store, .. } => store.raw_pool(),
        Db::Sqlite { .. } => panic!("the scheduler test runs on PostgreSQL"),
    }
}

/// The sweep job's lease holder and last outcome.
async fn sweep_row(pool: &PgPool) -> (Option<String>, Value) {
    let (owner, result): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT lease_owner, last_result FROM jobs WHERE name = 'sweep'")
            .fetch_optional(pool)
            .await
            .expect("read the sweep job")
            .unwrap_or_default();
    let result = result
        .and_then(|r| serde_json::from_str(&r).ok())
        .unwrap_or(Value::Null);
    (owner, result)
}

/// Outbox rows still to go out (pending or held) and given up (dead).
async fn undelivered(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'held')), \
         COUNT(*) FILTER (WHERE state = 'dead') FROM outbox",
    )
    .fetch_one(pool)
    .await
    .expect("count the outbox")
}

/// Polls `probe` every `every` until it gives a value; fails after [`PATIENCE`] with the last
/// thing it saw.
async fn poll<T>(
    what: &str,
    every: Duration,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let end = Instant::now() + PATIENCE;
    loop {
        match probe().await {
            Ok(v) => return v,
            Err(seen) => assert!(
                Instant::now() < end,
                "timed out after {PATIENCE:?} waiting for {what}; last seen: {seen}"
            ),
        }
        tokio::time::sleep(every).await;
    }
}

/// Waits until a sweep of `day` finished and everything due went out.
async fn settle(pool: &PgPool, day: NaiveDate, nodes: &Nodes) {
    let want = day.to_string();
    poll(&format!("the sweep of {day}"), ms(20), async || {
        nodes.check_alive();
        let (_, result) = sweep_row(pool).await;
        let (pending, dead) = undelivered(pool).await;
        assert_eq!(dead, 0, "deliveries were given up on {day}");
        if result["today"] == want.as_str() && pending == 0 {
            Ok(())
        } else {
            Err(format!("last sweep {result}, {pending} pending"))
        }
    })
    .await;
}

/// Waits for a sweep of `day` that changes nothing, with nothing left to send: the run is over.
async fn quiet_sweep(pool: &PgPool, day: NaiveDate, nodes: &Nodes) -> Value {
    let want = day.to_string();
    poll("a sweep with nothing left to do", ms(20), async || {
        nodes.check_alive();
        let (_, r) = sweep_row(pool).await;
        let (pending, _) = undelivered(pool).await;
        let moved = ["lights_changed", "issued", "escalated", "met", "closed"]
            .iter()
            .any(|k| r[k].as_u64() != Some(0));
        if r["today"] == want.as_str() && !moved && pending == 0 {
            Ok(r)
        } else {
            Err(format!("last sweep {r}, {pending} pending"))
        }
    })
    .await
}

/// Evidence around the kill.
#[derive(Debug)]
struct Kill {
    /// The simulated day it happened on.
    day: NaiveDate,
    /// The node that stayed up.
    survivor: usize,
    /// The killed node's name in leases.
    owner: String,
    /// The sweep's lease holder just after the kill.
    lease_left: Option<String>,
    /// Jobs the killed node had logged running (sweeps among them).
    victim_ran: (usize, usize),
    /// Jobs the surviving node had logged running by then (sweeps among them).
    survivor_ran: (usize, usize),
}

/// Moves the clock to `day` while a transaction holds `assignments` in SHARE mode, so that a
/// sweep with lights to write waits in the middle, holding (and renewing) its lease, as a long
/// sweep would; the node holding it is then killed, and the survivor takes the sweep over once
/// the dead node's lease expires after [`LEASE_SECONDS`]. On a day without light changes
/// nothing waits: when the sweep finishes, nobody is killed (`None`).
async fn kill_during_sweep(
    db_url: &str,
    pool: &PgPool,
    clock: &Path,
    day: NaiveDate,
    nodes: &mut Nodes,
) -> Option<Kill> {
    let mut lock = sqlx::PgConnection::connect(db_url)
        .await
        .expect("connect to hold a lock");
    for sql in ["BEGIN", "LOCK TABLE assignments IN SHARE MODE"] {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut lock)
            .await
            .expect("lock the assignments");
    }
    set_clock(clock, day);
    // Whichever node holds the lease while its sweep waits is killed: a live node keeps
    // renewing its lease, so the other takes over only from a dead one.
    let pids = [format!("-{}", nodes.pid(0)), format!("-{}", nodes.pid(1))];
    let want = day.to_string();
    let seen = poll(&format!("a sweep of {day} to start"), ms(5), async || {
        nodes.check_alive();
        match sweep_row(pool).await {
            (Some(owner), _)
                if pids.iter().any(|p| owner.ends_with(p.as_str())) && sweep_waits(pool).await =>
            {
                Ok(Some(owner))
            }
            (None, r) if r["today"] == want.as_str() => Ok(None),
            (owner, r) => Err(format!("lease {owner:?}, last sweep {r}")),
        }
    })
    .await;
    let kill = seen.map(|owner| {
        let victim = usize::from(owner.ends_with(pids[1].as_str()));
        nodes.kill(victim);
        (owner, victim, nodes.log(victim), nodes.log(1 - victim))
    });
    let kill = match kill {
        Some((owner, victim, victim_log, survivor_log)) => Some(Kill {
            day,
            survivor: 1 - victim,
            owner,
            lease_left: sweep_row(pool).await.0,
            victim_ran: (jobs_ran(&victim_log, ""), jobs_ran(&victim_log, "sweep")),
            survivor_ran: (
                jobs_ran(&survivor_log, ""),
                jobs_ran(&survivor_log, "sweep"),
            ),
        }),
        None => None,
    };
    sqlx::raw_sql(AssertSqlSafe("ROLLBACK"))
        .execute(&mut lock)
        .await
        .expect("release the lock");
    let _ = lock.close().await;
    kill
}

/// Whether a sweep waits for the test's lock on `assignments` (nothing else writes them now).
async fn sweep_waits(pool: &PgPool) -> bool {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'relation' AND NOT granted \
         AND relation = 'assignments'::regclass \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
    )
    .fetch_one(pool)
    .await
    .expect("read pg_locks")
}

/// How many "job ran" lines of `job` (any job when empty) a node's log holds.
fn jobs_ran(log: &str, job: &str) -> usize {
    let job = format!("job=\"{job}");
    log.lines()
        .filter(|l| l.contains("job ran") && l.contains(&job))
        .count()
}

fn count_by<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v).or_default() += 1;
    }
    m
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `ducha audit verify` over the database and the checkpoints both nodes wrote: exit code and
/// standard output.
fn audit_verify(config: &Path, db_url: &str) -> (Option<i32>, String) {
    let out = crate::support::ducha_with(config)
        .args(["audit", "verify", "--database", db_url])
        .output()
        .expect("run ducha audit verify");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// One `ducha serve` process, its standard output and error in one log file.
struct Node {
    name: String,
    pid: u32,
    child: Mutex<Child>,
    log: PathBuf,
    alive: bool,
}

/// The nodes of the test; kills whatever still runs when dropped, so a failing test leaves no
/// process behind, and then shows the end of each log.
#[derive(Default)]
struct Nodes(Vec<Node>);

impl Nodes {
    fn spawn(&mut self, dir: &Path, config: &Path, name: &str) {
        let log = dir.join(format!("{name}.log"));
        let mut cmd = crate::support::ducha(dir);
        cmd.arg("--config").arg(config).arg("serve");
        crate::support::log_to(&mut cmd, &log);
        let child = cmd.spawn().expect("start ducha serve");
        self.0.push(Node {
            name: name.into(),
            pid: child.id(),
            child: Mutex::new(child),
            log,
            alive: true,
        });
    }

    /// Waits until node `i` listens (it logs that after its scheduler started).
    async fn wait_ready(&self, i: usize) {
        let name = &self.0[i].name;
        poll(&format!("{name} to listen"), ms(20), async || {
            self.check_alive();
            let log = self.log(i);
            if log.contains("listening on http://") {
                Ok(())
            } else {
                Err(log)
            }
        })
        .await;
    }

    fn pid(&self, i: usize) -> u32 {
        self.0[i].pid
    }

    fn log(&self, i: usize) -> String {
        std::fs::read_to_string(&self.0[i].log).unwrap_or_default()
    }

    /// Fails when a node that should be running has exited.
    fn check_alive(&self) {
        for (i, n) in self.0.iter().enumerate().filter(|(_, n)| n.alive) {
            let status = n
                .child
                .lock()
                .expect("lock")
                .try_wait()
                .expect("poll the node");
            if let Some(status) = status {
                panic!("{} exited ({status}): {}", n.name, self.log(i));
            }
        }
    }

    /// SIGKILL, as a crash would.
    fn kill(&mut self, i: usize) {
        let n = &mut self.0[i];
        let child = n.child.get_mut().expect("lock");
        child.kill().expect("kill the node");
        child.wait().expect("reap the node");
        n.alive = false;
    }

    fn kill_all(&mut self) {
        for i in 0..self.0.len() {
            if self.0[i].alive {
                self.kill(i);
            }
        }
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for n in &mut self.0 {
            if let Ok(child) = n.child.get_mut() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        if std::thread::panicking() {
            for n in &self.0 {
                let log = std::fs::read_to_string(&n.log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(40).collect();
                eprintln!("--- end of the log of {} ---", n.name);
                for l in tail.iter().rev() {
                    eprintln!("{l}");
                }
            }
        }
    }
}
