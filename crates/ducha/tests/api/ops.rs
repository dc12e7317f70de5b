//! Operations (issue 15): the probes `/healthz` and `/readyz` as a load balancer uses them
//! while the database goes away and comes back, and while migrations do not match; the purge
//! job run by the real `ducha jobs run-once purge`; and a real `ducha serve` with JSON logs and
//! the metrics listener: its `/metrics` page parsed as Prometheus text, and each log line of a
//! request carrying that request's operation id.

use crate::helpers::{Db, PASSWORD, TestApp, pg_url};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

crate::on_both_backends!(readiness, purge);

/// `GET path` on the app without a session: status and body.
async fn probe(base: &str, path: &str) -> (StatusCode, String) {
    ducha_notify::install_crypto();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("probe");
    (r.status(), r.text().await.expect("probe body"))
}

/// Asks `/readyz` until it answers `want` (bounded), returning the last body.
async fn ready_becomes(base: &str, want: StatusCode) -> String {
    let until = Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, body) = probe(base, "/readyz").await;
        if status == want {
            return body;
        }
        assert!(
            Instant::now() < until,
            "/readyz still {status} ({body}), expected {want}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Makes the database unreachable for new connections, as an outage would: the SQLite file
/// moved away (connections already open keep the old file, as they would), the PostgreSQL
/// database refusing connections with its sessions ended.
async fn take_database_away(db: &Db) {
    match db {
        Db::Sqlite { path, .. } => {
            std::fs::rename(path, path.with_extension("away")).expect("move the file away");
        }
        Db::Postgres {
            admin_url, name, ..
        } => {
            admin_sql(
                admin_url,
                &format!(
                    "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                ),
            )
            .await;
        }
    }
}

/// Undoes [`take_database_away`].
async fn bring_database_back(db: &Db) {
    match db {
        Db::Sqlite { path, .. } => {
            std::fs::rename(path.with_extension("away"), path).expect("move the file back");
        }
        Db::Postgres {
            admin_url, name, ..
        } => {
            admin_sql(
                admin_url,
                &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"),
            )
            .await;
        }
    }
}

async fn admin_sql(admin_url: &str, sql: &str) {
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to DUCHA_TEST_PG");
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(&mut admin)
        .await
        .expect("administer the test database");
    admin.close().await.expect("close");
}

/// The probes answer without a session; readiness follows the database and its schema, and
/// never takes longer than its bound; liveness does not depend on the database.
async fn readiness(app: &TestApp) {
    let base = &app.base;
    assert_eq!(
        probe(base, "/healthz").await,
        (StatusCode::OK, "ok\n".to_string())
    );
    assert_eq!(
        probe(base, "/readyz").await,
        (StatusCode::OK, "ready\n".to_string())
    );

    // A migration of this binary not applied: not ready, naming it.
    let last: i64 = app
        .db
        .text("SELECT CAST(MAX(version) AS TEXT) FROM _sqlx_migrations")
        .await
        .parse()
        .expect("version");
    let mark =
        |ok: bool| format!("UPDATE _sqlx_migrations SET success = {ok} WHERE version = {last}");
    app.db.exec(&mark(false)).await.expect("unapply");
    let (status, body) = probe(base, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body,
        format!("not ready: migrations not applied: [{last}]\n")
    );
    app.db.exec(&mark(true)).await.expect("reapply");
    ready_becomes(base, StatusCode::OK).await;

    // A migration this binary does not know (a newer node migrated): not ready either.
    app.db
        .exec(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, \
             checksum, execution_time) SELECT 99999, 'from a newer binary', installed_on, \
             success, checksum, execution_time FROM _sqlx_migrations WHERE version = 1",
        )
        .await
        .expect("a newer migration");
    let (status, body) = probe(base, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("newer version: [99999]"), "{body}");
    app.db
        .exec("DELETE FROM _sqlx_migrations WHERE version = 99999")
        .await
        .expect("forget it");
    ready_becomes(base, StatusCode::OK).await;

    // The database goes away: 503 within the probe's bound, while the process stays alive.
    take_database_away(&app.db).await;
    let started = Instant::now();
    let (status, body) = probe(base, "/readyz").await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body.starts_with("not ready: database"),
        "a short reason: {body}"
    );
    assert!(
        took < ducha_http::ops::READY_WITHIN + std::time::Duration::from_secs(2),
        "the probe took {took:?}"
    );
    assert_eq!(probe(base, "/healthz").await.0, StatusCode::OK);
    // It comes back: ready again, without restarting anything.
    bring_database_back(&app.db).await;
    assert_eq!(ready_becomes(base, StatusCode::OK).await, "ready\n");
}

/// Binds `at` and `id` into `sql`, on either backend (times as the store writes them).
async fn set_time(db: &Db, sql: &'static str, at: DateTime<Utc>, id: i64) {
    let n = match db {
        Db::Sqlite { store, .. } => sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(store.raw_pool())
            .await
            .expect("update")
            .rows_affected(),
        Db::Postgres { store, .. } => sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(store.raw_pool())
            .await
            .expect("update")
            .rows_affected(),
    };
    assert!(n >= 1, "{sql} changed nothing");
}

async fn count(db: &Db, from: &str) -> i64 {
    db.text(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {from}"))
        .await
        .parse()
        .expect("count")
}

async fn run_purge(db: &Db) -> Value {
    let out = crate::audit::ducha(vec![
        "jobs".into(),
        "run-once".into(),
        "purge".into(),
        "--database".into(),
        db.url(),
    ])
    .await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    serde_json::from_str(out.stdout.trim()).expect("purge outcome")
}

/// The purge deletes what has run out — sessions past their idle or absolute expiry, pending
/// logins that expired, ended throttle windows, API tokens expired or revoked longer ago than
/// the retention — and nothing else; a second run finds nothing.
async fn purge(app: &TestApp) {
    let now = ducha_service::now();
    let u = &app.org.users;
    // Sessions: county_a idle too long, town_a1 past the absolute lifetime, town_a2 live.
    let _county_a = app.login("county_a").await;
    let _town_a1 = app.login("town_a1").await;
    let town_a2 = app.login("town_a2").await;
    let sessions = "UPDATE sessions SET expires_at = $1 WHERE user_id = $2";
    set_time(&app.db, sessions, now - Duration::minutes(1), u.county_a).await;
    let created = "UPDATE sessions SET created_at = $1 WHERE user_id = $2";
    set_time(&app.db, created, now - Duration::hours(13), u.town_a1).await;

    // Tokens: live, revoked today, revoked 31 days ago, expired 31 days ago.
    let mut ids = Vec::new();
    for name in [
        "live",
        "revoked today",
        "revoked long ago",
        "expired long ago",
    ] {
        let t = town_a2
            .post("/tokens", json!({ "name": name, "scope": "read" }))
            .await
            .ok();
        ids.push(t["id"].as_i64().expect("token id"));
    }
    for id in &ids[1..3] {
        town_a2
            .send(Method::DELETE, &format!("/tokens/{id}"), None, true, &[])
            .await
            .ok();
    }
    let month = now - Duration::days(31);
    set_time(
        &app.db,
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2",
        month,
        ids[2],
    )
    .await;
    set_time(
        &app.db,
        "UPDATE api_tokens SET expires_at = $1 WHERE id = $2",
        month,
        ids[3],
    )
    .await;

    // Pending logins (the first login's password change): dept's expired, county_b's not.
    app.db
        .exec(&format!(
            "UPDATE users SET must_change_password = TRUE WHERE id IN ({}, {})",
            u.dept, u.county_b
        ))
        .await
        .expect("must change password");
    for who in ["dept", "county_b"] {
        let r = app.try_login(who, PASSWORD).await;
        assert_eq!(r.body["need"], "password_change", "{}", r.body);
    }
    let pending = "UPDATE login_pending SET expires_at = $1 WHERE user_id = $2";
    set_time(&app.db, pending, now - Duration::minutes(1), u.dept).await;

    // Throttle windows: one ended an hour ago, one current.
    let t = now.timestamp();
    app.db
        .exec(&format!(
            "INSERT INTO login_throttle (addr, window_start, failures) VALUES \
             ('203.0.113.9', {}, 3), ('203.0.113.10', {t}, 1)",
            t - 3600
        ))
        .await
        .expect("throttle rows");

    let sessions_before = count(&app.db, "sessions").await;
    assert_eq!(
        run_purge(&app.db).await,
        json!({ "sessions": 2, "tokens": 2, "pending_logins": 1, "throttle_windows": 1 })
    );
    // What remains: every other session (the live one still works), the two tokens within
    // the retention, county_b's pending login, the current throttle window.
    assert_eq!(count(&app.db, "sessions").await, sessions_before - 2);
    for gone in [u.county_a, u.town_a1] {
        assert_eq!(
            count(&app.db, &format!("sessions WHERE user_id = {gone}")).await,
            0
        );
    }
    let listed: BTreeSet<i64> = town_a2
        .get("/tokens")
        .await
        .ok()
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(listed, BTreeSet::from([ids[0], ids[1]]));
    assert_eq!(
        count(
            &app.db,
            &format!("login_pending WHERE user_id = {}", u.county_b)
        )
        .await,
        1
    );
    assert_eq!(count(&app.db, "login_pending").await, 1);
    assert_eq!(
        app.db.text("SELECT addr FROM login_throttle").await,
        "203.0.113.10"
    );
    // Idempotent: nothing more to delete.
    assert_eq!(
        run_purge(&app.db).await,
        json!({ "sessions": 0, "tokens": 0, "pending_logins": 0, "throttle_windows": 0 })
    );
}

// ---- a real server: metrics and JSON logs ------------------------------------------------

/// Kills the server when the test ends, passing or not.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ducha(dir: &Path) -> Command {
    crate::support::ducha_with(&dir.join("ducha.toml"))
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run ducha");
    assert!(
        out.status.success(),
        "{:?}: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn metrics_and_json_logs_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("ducha.db").display());
    metrics_and_json_logs(dir.path(), &url, "sqlite").await;
}

#[tokio::test]
async fn metrics_and_json_logs_postgres() {
    let Some(admin) = pg_url("ops::metrics_and_json_logs_postgres") else {
        return;
    };
    let db = Db::postgres(&admin).await;
    let dir = tempfile::tempdir().expect("temp dir");
    metrics_and_json_logs(dir.path(), &db.url(), "postgres").await;
    if let Db::Postgres { store, name, .. } = &db {
        store.raw_pool().close().await;
        admin_sql(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
    }
}

/// The lines a server wrote to stderr so far, and where it listens.
#[derive(Default)]
struct Log {
    lines: Vec<String>,
    app: Option<String>,
    metrics: Option<String>,
}

async fn metrics_and_json_logs(dir: &Path, url: &str, backend: &str) {
    ducha_notify::install_crypto();
    std::fs::write(
        dir.join("ducha.toml"),
        format!(
            "[database]\nurl = \"{url}\"\n\n[http]\nlisten = \"127.0.0.1:0\"\n\
             metrics_listen = \"127.0.0.1:0\"\nsecure_cookies = false\n\n\
             [audit]\ncheckpoint_file = \"{cp}\"\n\n[service.evidence]\ndir = \"{ev}\"\n\n\
             [service.auth]\ntwofactor_roles = []\n",
            cp = dir.join("checkpoints.log").display(),
            ev = dir.join("evidence").display(),
        ),
    )
    .expect("configuration");
    run(ducha(dir).args(["unit", "add", "--name", "青山市", "--kind", "city"]));
    run(ducha(dir)
        .args([
            "user",
            "add",
            "--username",
            "sysadmin",
            "--name",
            "系统管理员",
        ])
        .args(["--unit", "1", "--roles", "system_admin", "--password-env"])
        .env("DUCHA_PASSWORD", PASSWORD));

    let mut server = Server(
        ducha(dir)
            .arg("serve")
            .env("DUCHA_LOG__FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ducha serve"),
    );
    let log = Arc::new(Mutex::new(Log::default()));
    let stderr = server.0.stderr.take().expect("stderr");
    let reader = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let mut l = reader.lock().expect("log");
            let message = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_default();
            if let Some(a) = message.strip_prefix("listening on http://") {
                l.app = Some(a.to_string());
            }
            if let Some(a) = message.strip_prefix("metrics listening on http://") {
                l.metrics = Some(a.trim_end_matches("/metrics").to_string());
            }
            l.lines.push(line);
        }
    });
    let until = Instant::now() + std::time::Duration::from_secs(120);
    let (app, metrics) = loop {
        {
            let l = log.lock().expect("log");
            if let (Some(a), Some(m)) = (&l.app, &l.metrics) {
                break (format!("http://{a}"), format!("http://{m}"));
            }
            assert!(
                Instant::now() < until && server.0.try_wait().ok().flatten().is_none(),
                "ducha serve did not start: {}",
                l.lines.join("\n")
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };

    // A session, a write through the API (a commit), a read by id, a path nothing matches.
    let client = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{app}/api/v1/auth/login"))
        .json(&json!({ "username": "sysadmin", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let csrf = login["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_string();
    let created = client
        .post(format!("{app}/api/v1/units"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "parent_id": 1, "name": "东城县", "kind": "county", "sort": 0 }))
        .send()
        .await
        .expect("create a unit");
    assert!(created.status().is_success(), "{}", created.status());
    let op = created
        .headers()
        .get(ducha_http::ops::OPERATION_HEADER)
        .and_then(|v| v.to_str().ok())
        .expect("operation id header")
        .to_string();
    let by_id = client
        .get(format!("{app}/api/v1/items/424242"))
        .send()
        .await
        .expect("an item");
    assert!(by_id.status().is_client_error(), "{}", by_id.status());
    let nowhere = client
        .get(format!("{app}/no/such/page/777"))
        .send()
        .await
        .expect("nowhere");
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);

    // The metrics page, on its own listener (and not on the public one).
    assert_eq!(
        client
            .get(format!("{app}/metrics"))
            .send()
            .await
            .expect("public /metrics")
            .status(),
        StatusCode::NOT_FOUND
    );
    let page = client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("content type")
            .starts_with("text/plain; version=0.0.4")
    );
    let text = page.text().await.expect("metrics text");
    let families = parse_prometheus(&text);
    for (name, kind) in [
        ("ducha_http_request_duration_seconds", "histogram"),
        ("ducha_store_commit_duration_seconds", "histogram"),
        ("ducha_outbox_backlog", "gauge"),
        ("ducha_outbox_dead_letters", "gauge"),
        ("ducha_job_lag_seconds", "gauge"),
        ("ducha_sessions_open", "gauge"),
        ("ducha_ready", "gauge"),
    ] {
        let f = families
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in\n{text}"));
        assert_eq!(f.kind, kind, "{name}");
        assert!(!f.help.is_empty(), "{name} has no HELP");
        assert!(!f.samples.is_empty(), "{name} has no samples");
    }
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        families
            .values()
            .flat_map(|f| &f.samples)
            .filter(|s| s.name == name)
            .find(|s| {
                labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|s| s.value)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{text}"))
    };
    // The write shows up under its route template, with its status class.
    let post = [
        ("method", "POST"),
        ("route", "/api/v1/units"),
        ("status", "2xx"),
    ];
    assert!(value("ducha_http_request_duration_seconds_count", &post) >= 1.0);
    let mut inf = post.to_vec();
    inf.push(("le", "+Inf"));
    assert_eq!(
        value("ducha_http_request_duration_seconds_bucket", &inf),
        value("ducha_http_request_duration_seconds_count", &post)
    );
    // Ids and unknown paths never become label values.
    assert!(
        value(
            "ducha_http_request_duration_seconds_count",
            &[("route", "/api/v1/items/{id}"), ("status", "4xx")]
        ) >= 1.0
    );
    assert!(
        value(
            "ducha_http_request_duration_seconds_count",
            &[("route", "unmatched")]
        ) >= 1.0
    );
    // In the names and labels only: a sample's value (a duration's sum such as 0.000247778)
    // may hold those digits by chance.
    let keys = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit_once(' ').map_or(l, |(key, _)| key));
    for key in keys {
        assert!(!key.contains("424242") && !key.contains("777"), "{key}");
    }
    assert!(
        value(
            "ducha_store_commit_duration_seconds_count",
            &[("backend", backend)]
        ) >= 1.0
    );
    assert!(value("ducha_sessions_open", &[]) >= 1.0);
    assert_eq!(value("ducha_ready", &[]), 1.0);
    assert!(value("ducha_outbox_dead_letters", &[]) >= 0.0);
    for job in ducha_service::clock::JobName::ALL {
        assert!(value("ducha_job_lag_seconds", &[("job", job.as_str())]) >= 0.0);
    }
    if backend == "sqlite" {
        assert!(value("ducha_store_write_queue_depth", &[]) >= 0.0);
    }

    // The JSON log: every line an object; the write's lines carry its operation id, and the
    // access line names its route and status. No secret appears anywhere.
    let until = Instant::now() + std::time::Duration::from_secs(30);
    let lines = loop {
        let lines = log.lock().expect("log").lines.clone();
        if lines.iter().any(|l| l.contains(&op)) || Instant::now() > until {
            break lines;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let mine: Vec<&Value> = parsed
        .iter()
        .filter(|v| v["span"]["op"] == op.as_str())
        .collect();
    assert!(
        !mine.is_empty(),
        "no line carries {op}:\n{}",
        lines.join("\n")
    );
    for v in &mine {
        assert_eq!(v["span"]["route"], "/api/v1/units", "{v}");
        assert_eq!(v["span"]["method"], "POST", "{v}");
    }
    assert!(
        mine.iter()
            .any(|v| v["message"] == "request served" && v["status"] == 200),
        "{mine:?}"
    );
    // Lines outside a request carry no operation; every request's lines carry one.
    assert!(
        parsed
            .iter()
            .filter(|v| v["span"]["name"] == "request")
            .all(|v| v["span"]["op"].as_str().is_some_and(|o| o.len() == 12))
    );
    let all = lines.join("\n");
    assert!(
        !all.contains(PASSWORD) && !all.contains(&csrf),
        "a secret was logged"
    );
    drop(server);
}

/// A series' labels but `le`, in order.
type Labels = Vec<(String, String)>;

/// One metric family of a Prometheus text page.
#[derive(Debug, Default)]
struct Family {
    help: String,
    kind: String,
    samples: Vec<Sample>,
}

#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text format (0.0.4) strictly: every line is a `# HELP`, a `# TYPE`
/// or a sample whose name belongs to a declared family (with `_bucket`, `_sum`, `_count` for
/// histograms), with well-formed labels and a number; histogram buckets rise with `le` and end
/// at `+Inf`. Panics naming the first bad line.
fn parse_prometheus(text: &str) -> BTreeMap<String, Family> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let metric_name = |s: &str| {
        !s.is_empty()
            && s.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            assert!(metric_name(name), "bad HELP line: {line}");
            families.entry(name.to_string()).or_default().help = help.to_string();
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE has a kind");
            assert!(metric_name(name), "bad TYPE line: {line}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "bad TYPE: {line}"
            );
            families.entry(name.to_string()).or_default().kind = kind.to_string();
            continue;
        }
        assert!(!line.starts_with('#'), "unknown comment line: {line}");
        // name{labels} value
        let (name, rest) = match line.find('{') {
            Some(i) => (&line[..i], &line[i..]),
            None => line
                .split_once(' ')
                .map(|(n, _)| (n, &line[n.len()..]))
                .expect("sample"),
        };
        assert!(metric_name(name), "bad metric name: {line}");
        let (labels, rest) = if rest.starts_with('{') {
            parse_labels(rest, line)
        } else {
            (BTreeMap::new(), rest)
        };
        let mut parts = rest.split_whitespace();
        let raw = parts.next().unwrap_or_else(|| panic!("no value: {line}"));
        let value = match raw {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            v => v
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("bad value {v:?}: {line}")),
        };
        if let Some(ts) = parts.next() {
            ts.parse::<i64>()
                .unwrap_or_else(|_| panic!("bad timestamp: {line}"));
        }
        assert!(parts.next().is_none(), "trailing text: {line}");
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix).filter(|base| {
                    families
                        .get(*base)
                        .is_some_and(|f| f.kind == "histogram" || f.kind == "summary")
                })
            })
            .unwrap_or(name);
        let f = families
            .get_mut(family)
            .unwrap_or_else(|| panic!("sample of an undeclared family: {line}"));
        assert!(!f.kind.is_empty(), "sample before its TYPE: {line}");
        f.samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    // Histogram buckets: cumulative, ending at +Inf equal to the count.
    for (name, f) in &families {
        if f.kind != "histogram" {
            continue;
        }
        let mut series: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
        for s in f.samples.iter().filter(|s| s.name.ends_with("_bucket")) {
            let le = s
                .labels
                .get("le")
                .unwrap_or_else(|| panic!("{name} bucket without le"));
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().expect("le")
            };
            let key = s
                .labels
                .iter()
                .filter(|(k, _)| *k != "le")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            series.entry(key).or_default().push((le, s.value));
        }
        for (key, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(
                buckets.windows(2).all(|w| w[0].1 <= w[1].1),
                "{name} {key:?}: buckets not cumulative"
            );
            assert_eq!(
                buckets.last().map(|b| b.0),
                Some(f64::INFINITY),
                "{name} {key:?}: no +Inf bucket"
            );
        }
    }
    families
}

/// Parses `{name="value",…}` at the start of `rest`; returns the labels and what follows.
fn parse_labels<'a>(rest: &'a str, line: &str) -> (BTreeMap<String, String>, &'a str) {
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    let at = |k: usize| {
        chars
            .get(k)
            .copied()
            .unwrap_or_else(|| panic!("labels end early: {line}"))
    };
    let mut labels = BTreeMap::new();
    let mut k = 1;
    loop {
        if at(k).1 == '}' {
            k += 1;
            break;
        }
        let start = k;
        while at(k).1 != '=' {
            k += 1;
        }
        let name = &rest[at(start).0..at(k).0];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .enumerate()
                    .all(|(i, c)| c.is_ascii_alphabetic()
                        || c == '_'
                        || (i > 0 && c.is_ascii_digit())),
            "bad label name {name:?}: {line}"
        );
        k += 1;
        assert_eq!(at(k).1, '"', "label value unquoted: {line}");
        k += 1;
        let mut value = String::new();
        loop {
            match at(k).1 {
                '\\' => {
                    value.push(match at(k + 1).1 {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        other => panic!("bad escape \\{other}: {line}"),
                    });
                    k += 2;
                }
                '"' => {
                    k += 1;
                    break;
                }
                c => {
                    value.push(c);
                    k += 1;
                }
            }
        }
        assert!(
            labels.insert(name.to_string(), value).is_none(),
            "label {name} twice: {line}"
        );
        match at(k).1 {
            ',' => k += 1,
            '}' => {
                k += 1;
                break;
            }
            _ => panic!("bad label separator: {line}"),
        }
    }
    let after = chars.get(k).map_or(rest.len(), |c| c.0);
    (labels, &rest[after..])
}
