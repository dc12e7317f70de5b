//! Several app nodes on one database (both backends): each node its own connections, use
//! cases and in-memory calendar. A year loaded through one node is in force on another within
//! its calendar poll; evidence uploaded through one node (kept in the database) downloads
//! through another; checkpoints recorded by whichever node holds the job form one sequence that
//! `ducha audit verify` reads with the operator's file; and a real `ducha serve` stopped by
//! SIGTERM while it holds a job's lease and sends a download refuses new connections, finishes
//! the download, exits 0 and hands the lease back, so the next node takes the job at once
//! instead of after the lease.

use crate::audit::ducha;
use crate::evidence::{png, sha256, upload_as};
use crate::helpers::{Db, PASSWORD, Session, TestApp, in_days, spawn_app_with};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use ducha_domain::calendar::WorkCalendar;
use ducha_http::{AppState, HttpConfig};
use ducha_service::clock::{JobName, Scheduler, SchedulerSettings};
use ducha_service::evidence::EvidenceStorage;
use ducha_service::{Config, Services};
use ducha_store::Store;
use ducha_store_postgres::PgStore;
use ducha_store_sqlite::{Durability, SqliteStore};
use reqwest::StatusCode;
use serde_json::json;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How often the second node looks at the calendar's generation.
const POLL: Duration = Duration::from_millis(100);
/// How long a condition may take before the test fails (a loaded CI machine).
const PATIENCE: Duration = Duration::from_secs(20);

crate::on_both_backends!(
    multi_thread: a_calendar_loaded_on_one_node_reaches_the_other,
    checkpoints_of_all_nodes_form_one_sequence,
    a_ledger_import_is_followed_from_any_node,
);

/// Settings as `spawn_app_with` relaxes them (password-only logins, any number of sessions).
fn relaxed(mut config: Config) -> Config {
    config.auth.twofactor_roles = Vec::new();
    config.auth.max_sessions_per_user = 0;
    config.auth.address_failures = 0;
    config
}

/// Another node on `db`: its own connections, use cases and calendar (watched every
/// [`POLL`]), serving the real router on its own port.
struct Node {
    base: String,
    services: Services,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Node {
    async fn start(db: &Db, config: Config) -> Node {
        let store: Arc<dyn Store> = match db {
            Db::Sqlite { path, .. } => Arc::new(
                SqliteStore::open(path.to_str().expect("UTF-8 path"), Durability::Normal)
                    .await
                    .expect("open the SQLite file again"),
            ),
            Db::Postgres { url, .. } => {
                Arc::new(PgStore::open(url, 4).await.expect("open PostgreSQL again"))
            }
        };
        let services = Services::new(store, config, WorkCalendar::china());
        services
            .init_calendar(ducha_service::now())
            .await
            .expect("calendar");
        let watch = tokio::spawn(
            services
                .clone()
                .watch_calendar(POLL, std::future::pending()),
        );
        let state = AppState {
            services: services.clone(),
            http: Arc::new(HttpConfig {
                secure_cookies: false,
                access_log: false,
            }),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port");
        let addr = listener.local_addr().expect("local address");
        let server = tokio::spawn(async move {
            let _ = ducha_http::serve(listener, state, std::future::pending()).await;
        });
        Node {
            base: format!("http://{addr}"),
            services,
            tasks: vec![watch, server],
        }
    }

    async fn login(&self, username: &str) -> Session {
        Session::login(&self.base, username).await
    }

    async fn stop(self) {
        for t in self.tasks {
            t.abort();
            let _ = t.await;
        }
    }
}

/// Polls `probe` every 50 ms until it answers, failing after [`PATIENCE`] with the last
/// thing it saw.
async fn poll<T>(what: &str, mut probe: impl AsyncFnMut() -> Result<T, String>) -> T {
    let end = Instant::now() + PATIENCE;
    loop {
        match probe().await {
            Ok(v) => return v,
            Err(seen) => assert!(
                Instant::now() < end,
                "timed out after {PATIENCE:?} waiting for {what}; last seen: {seen}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The first `weekday` on or after `from`.
fn next(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut d = from;
    while d.weekday() != weekday {
        d = d + Days::new(1);
    }
    d
}

async fn a_calendar_loaded_on_one_node_reaches_the_other(app: &TestApp) {
    let node = Node::start(&app.db, relaxed(Config::default())).await;
    let here = app.login("sup").await;
    let there = node.login("sup").await;
    // A year nothing was published for: weekends only, on both nodes.
    let monday = next(
        NaiveDate::from_ymd_opt(2031, 3, 1).expect("date"),
        Weekday::Mon,
    );
    let friday = monday - Days::new(3);
    let add = format!("/calendar/add?from={friday}&n=1");
    let before = there.get("/calendar/2031").await.ok()["working_days"]
        .as_i64()
        .expect("working days");
    assert_eq!(there.get(&add).await.ok()["date"], monday.to_string());

    let admin = app.login("sysadmin").await;
    let loaded = Instant::now();
    admin
        .post(
            "/calendar",
            json!({ "text": format!("{monday} holiday 测试假日\n") }),
        )
        .await
        .ok();
    let tuesday = (monday + Days::new(1)).to_string();
    // The loading node at once.
    assert_eq!(here.get(&add).await.ok()["date"], tuesday);
    // The other node within its poll: the deadline arithmetic and the year's count.
    poll("the other node to skip the new holiday", async || {
        let got = there.get(&add).await.ok()["date"].clone();
        if got == tuesday {
            Ok(())
        } else {
            Err(got.to_string())
        }
    })
    .await;
    let after = there.get("/calendar/2031").await.ok()["working_days"]
        .as_i64()
        .expect("working days");
    assert_eq!(after, before - 1);
    eprintln!(
        "calendar reached the other node after {} ms (poll every {} ms)",
        loaded.elapsed().as_millis(),
        POLL.as_millis()
    );
    assert_eq!(
        node.services.calendar_generation(),
        app.services.calendar_generation(),
        "both nodes read the same generation"
    );
    node.stop().await;
}

/// A ledger imported through one node is followed through another (behind the load
/// balancer a poll may reach either): its progress, its report and the rejection's .xlsx are
/// rows, not one node's memory; another user's import stays hidden.
async fn a_ledger_import_is_followed_from_any_node(app: &TestApp) {
    use crate::ledger::{ledger, many_rows, start_upload};
    let node = Node::start(&app.db, relaxed(Config::default())).await;
    let here = app.login("sup").await;
    let there = node.login("sup").await;
    let job_there = async |job: &str| {
        let path = format!("/items/import/jobs/{job}");
        poll("the import to end, seen from the other node", async || {
            let (status, page) = there.page(&path).await;
            if page.contains("hx-trigger=\"every 500ms\"") {
                Err(format!("{status}: still running"))
            } else {
                Ok((status, page))
            }
        })
        .await
    };
    // A ledger of 60 matters: started here, followed and reported there.
    let (status, _, job) = start_upload(&here, "draft", &ledger(&many_rows(60, 60, ""))).await;
    assert_eq!(status, StatusCode::OK);
    let job = job.expect("the job's id");
    let (status, page) = job_there(&job).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("已导入60项"), "{page}");
    let counts = app
        .db
        .text(&format!(
            "SELECT CAST(total AS TEXT) || '/' || CAST(done AS TEXT) || ' ' || state \
             FROM ledger_jobs WHERE id = {job}"
        ))
        .await;
    assert_eq!(counts, "60/60 done");
    // A rejected one: the bad cells and their .xlsx from the other node.
    let (_, _, bad) = start_upload(&here, "draft", &ledger(&many_rows(5, 3, ""))).await;
    let bad = bad.expect("the job's id");
    let (status, page) = job_there(&bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("id=\"ledger-problems\""), "{page}");
    let (status, headers, body) = there
        .fetch(&format!("/items/import/jobs/{bad}/report.xlsx"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains("spreadsheetml")),
        "{headers:?}"
    );
    assert!(body.starts_with(b"PK"));
    // Another supervisor's poll, on either node: not found.
    let other = app
        .services
        .create_user_with_hash(
            None,
            &ducha_service::org::UserInput {
                username: "sup2".into(),
                display_name: "督查员小李".into(),
                unit_id: app.org.office,
                roles: vec!["supervisor".into()],
                password: PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            ducha_service::auth::hash_password(PASSWORD).expect("hash"),
            ducha_service::now(),
        )
        .await;
    other.expect("another supervisor");
    let stranger = node.login("sup2").await;
    let (status, _) = stranger.page(&format!("/items/import/jobs/{job}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    node.stop().await;
}

/// Upload through one node, download through another: bytes and thumbnail from the
/// database, nothing on either node's disk, the limits and permissions as on one node.
async fn evidence_uploaded_on_one_node_downloads_on_another(db: Db) {
    const MAX: usize = 2 * 1024 * 1024;
    let dir_a = tempfile::tempdir().expect("directory");
    let dir_b = tempfile::tempdir().expect("directory");
    let config = |dir: &Path| {
        let mut c = Config::default();
        c.evidence.store = EvidenceStorage::Database;
        c.evidence.dir = dir.to_path_buf();
        c.evidence.max_bytes = MAX as u64;
        c
    };
    let app = spawn_app_with(db, config(dir_a.path())).await;
    let node = Node::start(&app.db, relaxed(config(dir_b.path()))).await;
    let count = |table: &'static str| {
        let db = &app.db;
        async move {
            db.text(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
                .await
                .parse::<i64>()
                .expect("a count")
        }
    };

    // A photo of over a megabyte: several chunks.
    let photo = png(700, 700, 11);
    assert!(photo.len() > 3 * 256 * 1024, "{} bytes", photo.len());
    let uploaded = upload_as(&app.login("county_a").await, "file", "现场照片.png", &photo)
        .await
        .ok();
    let id = uploaded["id"].as_i64().expect("id");
    assert_eq!(uploaded["sha256"], sha256(&photo));

    let county_there = node.login("county_a").await;
    let (status, h, body) = county_there.fetch(&format!("/evidence/{id}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["content-length"], photo.len().to_string().as_str());
    assert!(
        body == photo,
        "the bytes downloaded differ from those uploaded"
    );
    let (status, h, thumb) = county_there
        .fetch(&format!("/evidence/{id}/thumb"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["content-type"], "image/jpeg");
    let t = image::load_from_memory(&thumb).expect("the thumbnail decodes");
    assert_eq!((t.width(), t.height()), (320, 320));
    // Neither node wrote a file; the database holds the original and the thumbnail.
    for dir in [dir_a.path(), dir_b.path()] {
        assert_eq!(
            std::fs::read_dir(dir).expect("list").count(),
            0,
            "files under {}",
            dir.display()
        );
    }
    assert_eq!(count("evidence_blobs").await, 2);
    let chunks = count("evidence_chunks").await;
    assert_eq!(chunks, photo.len().div_ceil(256 * 1024) as i64 + 1);

    // The same photo through the other node: a new upload row, the bytes kept once.
    let again = upload_as(&county_there, "file", "again.png", &photo)
        .await
        .ok();
    assert_ne!(again["id"], uploaded["id"]);
    assert_eq!(count("evidence_blobs").await, 2);
    assert_eq!(count("evidence_chunks").await, chunks);
    // Too large: refused as on one node, nothing stored.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(MAX + 1, b' ');
    upload_as(&county_there, "file", "big.pdf", &big)
        .await
        .error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.file_too_large",
        );
    assert_eq!(count("evidence_blobs").await, 2);
    // Another county's liaison does not see it on either node.
    for base in [&app.base, &node.base] {
        let (status, _, _) = Session::login(base, "county_b")
            .await
            .fetch(&format!("/evidence/{id}"), &[])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    node.stop().await;
    app.finish().await;
}

mod evidence_on_two_nodes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::evidence_uploaded_on_one_node_downloads_on_another(
            crate::helpers::Db::sqlite().await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        let Some(url) = crate::helpers::pg_url(module_path!()) else {
            return;
        };
        super::evidence_uploaded_on_one_node_downloads_on_another(
            crate::helpers::Db::postgres(&url).await,
        )
        .await;
    }
}

async fn checkpoints_of_all_nodes_form_one_sequence(app: &TestApp) {
    let node = Node::start(&app.db, relaxed(Config::default())).await;
    let dir = tempfile::tempdir().expect("directory");
    let (file_a, file_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let scheduler = |services: &Services, owner: &str, file: &Path| {
        Scheduler::new(services.clone(), SchedulerSettings::default(), owner.into())
            .expect("scheduler")
            .with_checkpoints(Some(file.to_path_buf()), 60)
    };
    let a = scheduler(&app.services, "node-a", &file_a);
    let b = scheduler(&node.services, "node-b", &file_b);
    a.ensure_jobs().await.expect("jobs");

    let first = app.head_seq().await;
    let ran = a
        .run_once(JobName::Checkpoint, true)
        .await
        .expect("checkpoint")
        .expect("ran");
    assert_eq!(ran["head"], first);
    // More events, then the other node holds the job.
    let sup = app.login("sup").await;
    sup.post(
        "/items",
        json!({ "title": "检查点测试", "source": "meeting", "category": "central_work",
                "deadline": in_days(30) }),
    )
    .await
    .ok();
    let second = app.head_seq().await;
    assert!(second > first);
    let ran = b
        .run_once(JobName::Checkpoint, true)
        .await
        .expect("checkpoint")
        .expect("ran");
    assert_eq!(ran["head"], second);
    // Nothing new: nothing recorded, nothing appended.
    a.run_once(JobName::Checkpoint, true)
        .await
        .expect("checkpoint")
        .expect("ran");

    let rows = app
        .services
        .stored_checkpoints()
        .await
        .expect("checkpoints");
    let seqs: Vec<i64> = rows.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [first, second], "one sequence in the database");
    let lines = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    assert_eq!(lines(&file_a).lines().count(), 1);
    assert_eq!(lines(&file_b).lines().count(), 1);
    assert!(lines(&file_b).starts_with(&format!("{second} ")));

    let verify = |file: &Path| {
        ducha(vec![
            "audit".into(),
            "verify".into(),
            "--database".into(),
            app.db.url(),
            "--checkpoints".into(),
            file.display().to_string(),
        ])
    };
    let cli = verify(&file_b).await;
    assert_eq!(cli.code, Some(0), "{}\n{}", cli.stdout, cli.stderr);
    assert!(
        cli.stdout
            .contains("3 checkpoint(s) matched (2 recorded in the database, 1 in the file)"),
        "{}",
        cli.stdout
    );
    // Recorded checkpoints cannot be edited in place.
    assert!(
        app.db
            .exec("UPDATE chain_checkpoints SET node = 'x'")
            .await
            .is_err(),
        "a checkpoint was edited"
    );
    assert!(
        app.db.exec("DELETE FROM chain_checkpoints").await.is_err(),
        "a checkpoint was deleted"
    );
    // A checkpoint in the database naming events that are not in the chain fails the check,
    // like one in the file.
    let hash = "ab".repeat(32);
    app.db
        .exec(&format!(
            "INSERT INTO chain_checkpoints (seq, hash, written_at, node) \
             VALUES ({}, '{hash}', '2026-01-01T00:00:00Z', 'forged')",
            second + 5
        ))
        .await
        .expect("insert");
    let cli = verify(&file_a).await;
    assert_eq!(cli.code, Some(1), "{}\n{}", cli.stdout, cli.stderr);
    assert!(cli.stdout.contains("FAILED"), "{}", cli.stdout);
    node.stop().await;
}

/// A webhook receiver that accepts connections and never answers: a delivery to it runs until
/// the client's timeout. Counts the connections.
async fn silent_receiver() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, accepted)
}

/// One `ducha serve` process with its log.
struct Process {
    child: Child,
    log: std::path::PathBuf,
}

impl Process {
    fn spawn(dir: &Path, config: &Path, name: &str) -> Process {
        let log = dir.join(format!("{name}.log"));
        let mut cmd = crate::support::ducha(dir);
        cmd.arg("--config").arg(config).arg("serve");
        crate::support::log_to(&mut cmd, &log);
        Process {
            child: cmd.spawn().expect("start ducha serve"),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn owner_suffix(&self) -> String {
        format!("-{}", self.child.id())
    }

    async fn wait_ready(&mut self) {
        poll("ducha serve to listen", async || {
            if let Some(s) = self.child.try_wait().expect("poll") {
                panic!("ducha serve exited ({s}): {}", self.log());
            }
            let log = self.log();
            if log.contains("listening on http://") {
                Ok(())
            } else {
                Err(log)
            }
        })
        .await;
    }

    /// The address it listens on, from its log.
    fn address(&self) -> String {
        let log = self.log();
        let (_, rest) = log
            .split_once("listening on http://")
            .unwrap_or_else(|| panic!("no address in {log}"));
        rest.split_whitespace().next().expect("address").to_string()
    }

    /// SIGTERM, as systemd stops a service.
    fn signal_term(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
    }

    /// SIGTERM; waits for the exit and returns its status.
    async fn terminate(&mut self) -> std::process::ExitStatus {
        self.signal_term();
        self.wait_exit().await
    }

    async fn wait_exit(&mut self) -> std::process::ExitStatus {
        poll("ducha serve to exit", async || {
            self.child
                .try_wait()
                .expect("poll")
                .ok_or_else(|| "still running".to_string())
        })
        .await
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- log of {} ---\n{}", self.log.display(), self.log());
        }
    }
}

/// A column of the `deliver` job's row (empty for NULL).
async fn deliver_job(db: &Db, column: &str) -> String {
    db.text(&format!(
        "SELECT COALESCE({column}, '') FROM jobs WHERE name = 'deliver'"
    ))
    .await
}

async fn a_stopping_node_hands_its_lease_to_the_next(db: Db) {
    let mut shared = Config::default();
    shared.evidence.store = EvidenceStorage::Database;
    let app = spawn_app_with(db, shared).await;
    // A large file to download while the node stops.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(16 * 1024 * 1024, b' ');
    let big_id = upload_as(&app.login("county_a").await, "file", "big.pdf", &big)
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    let (url, accepted) = silent_receiver().await;
    // One delivery due, to the receiver that never answers.
    let target = json!({ "channel": "webhook", "url": url, "secret": "s" }).to_string();
    let message = json!({ "title": "测试", "text": "测试", "link": null, "urgent": false });
    let now = ducha_service::now();
    let insert = "INSERT INTO outbox (created_at, kind, channel, target, message, state, \
                  next_attempt_at) VALUES ($1, 'test', 'webhook', $2, $3, 'pending', $1)";
    match &app.db {
        Db::Sqlite { store, .. } => sqlx::query(insert)
            .bind(now)
            .bind(&target)
            .bind(message.to_string())
            .execute(store.raw_pool())
            .await
            .map(|_| ()),
        Db::Postgres { store, .. } => sqlx::query(insert)
            .bind(now)
            .bind(&target)
            .bind(message.to_string())
            .execute(store.raw_pool())
            .await
            .map(|_| ()),
    }
    .expect("insert an outbox row");

    let dir = tempfile::tempdir().expect("directory");
    let s = |v: &str| serde_json::to_string(v).expect("a TOML string");
    let p = |v: &Path| s(v.to_str().expect("UTF-8 path"));
    let config = dir.path().join("ducha.toml");
    // A lease of ten minutes: without the hand-back the next node would wait that long.
    std::fs::write(
        &config,
        format!(
            r#"[database]
url = {db}
max_connections = 4

[http]
listen = "127.0.0.1:0"
secure_cookies = false
drain_seconds = 5

[audit]
checkpoint_file = {checkpoints}

[service.evidence]
store = "database"
dir = {evidence}

[service.notify]
digest = false

[service.notify.channels]
timeout_ms = 60000

[scheduler]
enabled = true
tick_ms = 50
sweep_every_seconds = 3600
deliver_every_ms = 50
lease_seconds = 600
stop_grace_seconds = 1
"#,
            db = s(&app.db.url()),
            checkpoints = p(&dir.path().join("checkpoints.log")),
            evidence = p(&dir.path().join("evidence")),
        ),
    )
    .expect("write the configuration");

    let mut first = Process::spawn(dir.path(), &config, "first");
    first.wait_ready().await;
    // The first node is in the middle of the delivery: it holds the job and the row.
    poll("the first node to start delivering", async || {
        if accepted.load(Ordering::SeqCst) >= 1 {
            Ok(())
        } else {
            Err("no connection yet".into())
        }
    })
    .await;
    let held = deliver_job(&app.db, "lease_owner").await;
    assert!(
        held.ends_with(&first.owner_suffix()),
        "lease held by {held}"
    );

    // A download in flight: headers and a first piece read, the rest left in the pipe.
    let addr = first.address();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        .build()
        .expect("client");
    let login = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&json!({ "username": "county_a", "password": PASSWORD }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
    let mut download = client
        .get(format!("http://{addr}/evidence/{big_id}"))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), StatusCode::OK);
    let mut got = download
        .chunk()
        .await
        .expect("a first piece")
        .expect("bytes")
        .to_vec();

    let asked = Instant::now();
    first.signal_term();
    // It stops accepting at once…
    poll("the stopping node to refuse new connections", async || {
        match tokio::net::TcpStream::connect(&addr).await {
            Err(_) => Ok(()),
            Ok(_) => Err("still accepting".to_string()),
        }
    })
    .await;
    // …and the download in flight completes.
    while let Some(piece) = download.chunk().await.expect("the rest of the download") {
        got.extend_from_slice(&piece);
    }
    assert!(
        got == big,
        "the drained download is incomplete: {} bytes",
        got.len()
    );
    let status = first.wait_exit().await;
    let stopped_in = asked.elapsed();
    assert!(status.success(), "exit status {status}: {}", first.log());
    let log = first.log();
    assert!(log.contains("leases handed back"), "{log}");
    assert!(log.contains("last checkpoint recorded"), "{log}");
    assert!(
        stopped_in < Duration::from_secs(15),
        "stopping took {stopped_in:?}"
    );
    assert_eq!(deliver_job(&app.db, "lease_owner").await, "");
    assert_eq!(
        app.db
            .text("SELECT COALESCE(claimed_by, '') FROM outbox")
            .await,
        ""
    );

    // The next node takes the job and the delivery at once, not ten minutes later.
    let mut second = Process::spawn(dir.path(), &config, "second");
    let started = Instant::now();
    second.wait_ready().await;
    poll("the second node to take the delivery", async || {
        if accepted.load(Ordering::SeqCst) >= 2 {
            Ok(())
        } else {
            Err("no second connection".into())
        }
    })
    .await;
    let taken_in = started.elapsed();
    let held = deliver_job(&app.db, "lease_owner").await;
    assert!(
        held.ends_with(&second.owner_suffix()),
        "lease held by {held}"
    );
    eprintln!(
        "graceful stop took {} ms; the next node took the job {} ms after it started \
         (lease 600 s)",
        stopped_in.as_millis(),
        taken_in.as_millis()
    );
    let status = second.terminate().await;
    assert!(status.success(), "exit status {status}: {}", second.log());
    app.finish().await;
}

mod graceful_stop {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::a_stopping_node_hands_its_lease_to_the_next(crate::helpers::Db::sqlite().await)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        let Some(url) = crate::helpers::pg_url(module_path!()) else {
            return;
        };
        super::a_stopping_node_hands_its_lease_to_the_next(
            crate::helpers::Db::postgres(&url).await,
        )
        .await;
    }
}
