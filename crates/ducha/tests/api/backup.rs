//! `ducha backup` and `ducha restore`, run as the real binary on both backends: a seeded
//! database with evidence and checkpoints round-trips to the same chain head, the same
//! `audit verify` and the same answers from a server on the restored database; a backup taken
//! while writes continue is a consistent snapshot; a corrupt, truncated or misdirected backup
//! and a non-empty target are refused with a message in Chinese and English, changing nothing.

use crate::audit::{Cli, ducha};
use crate::helpers::{Db, Kind, TestApp, dispatched_item, in_days, serve_existing};
use ducha_domain::chain::Checkpoint;
use ducha_service::Config;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

crate::on_both_backends!(
    round_trip_gives_the_same_head_and_answers,
    bad_backups_are_refused
);
crate::on_both_backends!(multi_thread: a_backup_taken_during_writes_is_consistent);

/// A PDF as a scanner makes one (typed by its magic bytes).
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The files beside a database: a checkpoint file and an evidence directory.
struct Places {
    checkpoints: PathBuf,
    evidence: PathBuf,
}

impl Places {
    fn args(&self) -> Vec<String> {
        vec![
            "--checkpoints".into(),
            self.checkpoints.display().to_string(),
            "--evidence-dir".into(),
            self.evidence.display().to_string(),
        ]
    }
}

/// The app's own places: its evidence directory and a checkpoint file in `dir`.
fn app_places(app: &TestApp, dir: &Path) -> Places {
    Places {
        checkpoints: dir.join("chain-checkpoints.log"),
        evidence: app.services.config.evidence.dir.clone(),
    }
}

/// Fresh places for a restore under `dir`.
fn fresh_places(dir: &Path, name: &str) -> Places {
    Places {
        checkpoints: dir.join(name).join("checkpoints.log"),
        evidence: dir.join(name).join("evidence"),
    }
}

/// A restore target that does not exist yet: an SQLite file in `dir`, or a PostgreSQL
/// database name on the test server.
struct Target {
    url: String,
    /// The PostgreSQL database's name.
    name: String,
    /// The SQLite file.
    path: PathBuf,
}

fn target(app: &TestApp, dir: &Path, name: &str) -> Target {
    match &app.db {
        Db::Sqlite { .. } => {
            let path = dir.join(format!("{name}.db"));
            Target {
                url: format!("sqlite://{}", path.display()),
                name: String::new(),
                path,
            }
        }
        Db::Postgres { admin_url, .. } => {
            let token = ducha_service::auth::random_token().expect("randomness");
            let name = format!("ducha_test_{}", &token[..16]);
            let mut url = reqwest::Url::parse(admin_url).expect("URL");
            url.set_path(&format!("/{name}"));
            Target {
                url: url.to_string(),
                name,
                path: PathBuf::new(),
            }
        }
    }
}

/// Whether the target database exists (a refused restore must not create it).
async fn exists(app: &TestApp, t: &Target) -> bool {
    match &app.db {
        Db::Sqlite { .. } => t.path.exists(),
        Db::Postgres { admin_url, .. } => {
            let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("admin");
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
                .bind(&t.name)
                .fetch_one(&mut admin)
                .await
                .expect("pg_database");
            n > 0
        }
    }
}

/// Opens a restored target as a test database (dropped when its app finishes).
async fn open(app: &TestApp, t: Target) -> Db {
    match &app.db {
        Db::Sqlite { .. } => {
            let dir = tempfile::tempdir().expect("directory");
            let path = dir.path().join("restored.db");
            std::fs::copy(&t.path, &path).expect("copy the restored file");
            Db::sqlite_at(dir, path).await
        }
        Db::Postgres { admin_url, .. } => Db::postgres_at(admin_url, &t.name).await,
    }
}

/// Drops a PostgreSQL target the test did not open as an app.
async fn drop_target(app: &TestApp, t: &Target) {
    if let Db::Postgres { admin_url, .. } = &app.db {
        let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("admin");
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", t.name);
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .expect("drop the target");
    }
}

async fn backup(url: &str, to: &Path, places: &Places) -> Cli {
    let mut args = vec![
        "backup".into(),
        "--database".into(),
        url.to_string(),
        "--to".into(),
        to.display().to_string(),
    ];
    args.extend(places.args());
    ducha(args).await
}

async fn restore(from: &Path, url: &str, places: &Places, force: bool) -> Cli {
    let mut args = vec![
        "restore".into(),
        "--from".into(),
        from.display().to_string(),
        "--database".into(),
        url.to_string(),
    ];
    args.extend(places.args());
    if force {
        args.push("--force".into());
    }
    ducha(args).await
}

#[track_caller]
fn assert_ok(cli: &Cli, what: &str) {
    assert_eq!(
        cli.code,
        Some(0),
        "{what} failed:\n{}\n{}",
        cli.stdout,
        cli.stderr
    );
}

/// A refusal: exit 2 with the catalogue's message in Chinese and English.
#[track_caller]
fn assert_refused(cli: &Cli, key: &str, args: Value) {
    use ducha_domain::i18n::{Lang, format};
    assert_eq!(
        cli.code,
        Some(2),
        "should be refused:\n{}\n{}",
        cli.stdout,
        cli.stderr
    );
    for lang in [Lang::ZhCn, Lang::En] {
        let want = format(key, lang, &args);
        assert!(
            cli.stderr.contains(&want),
            "{key} in {lang:?}: want {want:?} in\n{}",
            cli.stderr
        );
    }
}

/// The chain head as `(seq, hash)`.
async fn head(db: &Db) -> (i64, String) {
    let (seq, hash, _) = db.store().chain_head().await.expect("head");
    (seq, hash)
}

/// Dispatches an item, signs it, files a report citing an uploaded PDF; returns the item id
/// and the evidence id.
async fn story(app: &TestApp) -> (i64, i64) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (item, a) = dispatched_item(
        &sup,
        &leader,
        "备份恢复测试事项",
        in_days(20),
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    county
        .post(&format!("/assignments/{}/sign", a[0]), json!({}))
        .await
        .ok();
    let boundary = "ducha-backup-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"整改方案.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&pdf());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let file = county
        .send(
            reqwest::Method::POST,
            "/evidence",
            Some(body.into()),
            true,
            &[("content-type", &ct)],
        )
        .await
        .ok();
    let evidence = file["id"].as_i64().expect("evidence id");
    county
        .post(
            &format!("/assignments/{}/reports", a[0]),
            json!({ "text": "方案已制定", "percent": 30, "evidence_ids": [evidence] }),
        )
        .await
        .ok();
    (item, evidence)
}

/// Appends the current head to the checkpoint file, as `serve` does.
async fn checkpoint(db: &Db, file: &Path) {
    let (seq, hash) = head(db).await;
    std::fs::create_dir_all(file.parent().expect("parent")).expect("directory");
    let line = Checkpoint { seq, hash }.line(chrono::Utc::now());
    let mut text = std::fs::read_to_string(file).unwrap_or_default();
    text.push_str(&line);
    text.push('\n');
    std::fs::write(file, text).expect("write checkpoints");
}

/// What the supervisor sees of the register, the item, its chain view and its evidence.
async fn answers(app: &TestApp, item: i64, evidence: i64) -> Value {
    let sup = app.login("sup").await;
    let (status, _, file) = sup.fetch(&format!("/evidence/{evidence}"), &[]).await;
    assert!(status.is_success(), "evidence download: {status}");
    json!({
        "register": sup.get("/items?limit=200").await.ok(),
        "item": sup.get(&format!("/items/{item}")).await.ok(),
        "chain": sup.get(&format!("/items/{item}/chain")).await.ok(),
        "evidence": ducha_domain::chain::hex(&file),
    })
}

async fn round_trip_gives_the_same_head_and_answers(app: &TestApp) {
    let dir = tempfile::tempdir().expect("directory");
    let places = app_places(app, dir.path());
    let (item, evidence) = story(app).await;
    checkpoint(&app.db, &places.checkpoints).await;
    // A write after the last checkpoint, as on a live server.
    let dept = app.login("dept").await;
    let detail = dept.get(&format!("/items/{item}")).await.ok();
    let co = detail["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["unit_id"] == app.org.dept)
        .expect("the co-unit's assignment")["id"]
        .as_i64()
        .expect("id");
    dept.post(&format!("/assignments/{co}/sign"), json!({}))
        .await
        .ok();
    let (seq, hash) = head(&app.db).await;

    let to = dir.path().join("backup-1");
    let b = backup(&app.db.url(), &to, &places).await;
    assert_ok(&b, "backup");
    assert!(
        b.stdout.contains(&format!("head {seq} {hash}")),
        "{}",
        b.stdout
    );
    assert!(!dir.path().join("backup-1.partial").exists());

    let t = target(app, dir.path(), "restored");
    let restored = fresh_places(dir.path(), "restored");
    let r = restore(&to, &t.url, &restored, false).await;
    assert_ok(&r, "restore");
    assert!(
        r.stdout
            .contains(&format!("restored: head {seq} {hash} sha256")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 checkpoint(s) matched"), "{}", r.stdout);

    // The real `audit verify` on the restored database and checkpoint file.
    let v = ducha(vec![
        "audit".into(),
        "verify".into(),
        "--database".into(),
        t.url.clone(),
        "--checkpoints".into(),
        restored.checkpoints.display().to_string(),
    ])
    .await;
    assert_ok(&v, "audit verify");
    assert!(
        v.stdout.starts_with(&format!(
            "OK: {seq} events verified (sha256), head {seq} {hash}, 1 checkpoint(s) matched"
        )),
        "{}",
        v.stdout
    );

    // A server on the restored database (and evidence) answers as the original does.
    let before = answers(app, item, evidence).await;
    let mut config = Config::default();
    config.evidence.dir = restored.evidence.clone();
    let copy = serve_existing(open(app, t).await, config).await;
    let after = answers(&copy, item, evidence).await;
    assert_eq!(before, after, "the restored server answers differently");
    assert_eq!(head(&copy.db).await, (seq, hash));
    // And it takes new work on the restored chain.
    let sup = copy.login("sup").await;
    crate::helpers::draft_item(&sup, "恢复后新登记", in_days(30)).await;
    assert_eq!(head(&copy.db).await.0, seq + 1);
    copy.finish().await;
}

async fn bad_backups_are_refused(app: &TestApp) {
    let dir = tempfile::tempdir().expect("directory");
    let places = app_places(app, dir.path());
    story(app).await;
    checkpoint(&app.db, &places.checkpoints).await;
    let good = dir.path().join("good");
    assert_ok(&backup(&app.db.url(), &good, &places).await, "backup");

    // A second backup into the same directory is refused; the first stays as it was.
    let manifest = std::fs::read(good.join("manifest.json")).expect("manifest");
    let again = backup(&app.db.url(), &good, &places).await;
    assert_refused(
        &again,
        "backup.target_exists",
        json!({ "path": good.display().to_string() }),
    );
    assert_eq!(
        std::fs::read(good.join("manifest.json")).expect("manifest"),
        manifest
    );

    let db_file = match app.db.kind() {
        Kind::Sqlite => "database.sqlite",
        Kind::Postgres => "database.pgdump",
    };
    let evidence_file = {
        let m: Value = serde_json::from_slice(&manifest).expect("the manifest is JSON");
        m["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| f["path"].as_str().expect("path").to_string())
            .find(|p| p.starts_with("evidence/"))
            .expect("an evidence file in the backup")
    };
    let copy_of = |name: &str| {
        let to = dir.path().join(name);
        copy_dir(&good, &to);
        to
    };
    let flipped = copy_of("flipped");
    let mut bytes = std::fs::read(flipped.join(db_file)).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(flipped.join(db_file), bytes).expect("write");
    let truncated = copy_of("truncated");
    let bytes = std::fs::read(truncated.join(db_file)).expect("read");
    std::fs::write(truncated.join(db_file), &bytes[..bytes.len() / 3]).expect("write");
    let no_evidence = copy_of("no-evidence");
    std::fs::remove_file(no_evidence.join(&evidence_file)).expect("remove");
    let no_manifest = copy_of("no-manifest");
    std::fs::remove_file(no_manifest.join("manifest.json")).expect("remove");
    let escaping = copy_of("escaping");
    let text = std::fs::read_to_string(escaping.join("manifest.json")).expect("read");
    std::fs::write(
        escaping.join("manifest.json"),
        text.replacen(&evidence_file, "../../outside", 1),
    )
    .expect("write");

    let t = target(app, dir.path(), "target");
    let fresh = fresh_places(dir.path(), "target");
    let cases = [
        (&flipped, "backup.file_corrupt", json!({ "file": db_file })),
        (
            &truncated,
            "backup.file_corrupt",
            json!({ "file": db_file }),
        ),
        (
            &no_evidence,
            "backup.file_missing",
            json!({ "file": evidence_file }),
        ),
        (
            &no_manifest,
            "backup.manifest_unreadable",
            json!({ "path": no_manifest.join("manifest.json").display().to_string() }),
        ),
        (
            &escaping,
            "backup.bad_path",
            json!({ "file": "../../outside" }),
        ),
    ];
    for (from, key, args) in cases {
        let r = restore(from, &t.url, &fresh, false).await;
        assert_refused(&r, key, args);
        assert!(!exists(app, &t).await, "{key}: the target was created");
        assert!(
            !fresh.checkpoints.exists() && !fresh.evidence.exists(),
            "{key}"
        );
    }

    // The other backend's backup is refused too.
    let other = dir.path().join("other");
    copy_dir(&good, &other);
    let text = std::fs::read_to_string(other.join("manifest.json")).expect("read");
    let (from, to) = match app.db.kind() {
        Kind::Sqlite => ("\"backend\": \"sqlite\"", "\"backend\": \"postgres\""),
        Kind::Postgres => ("\"backend\": \"postgres\"", "\"backend\": \"sqlite\""),
    };
    std::fs::write(other.join("manifest.json"), text.replacen(from, to, 1)).expect("write");
    let r = restore(&other, &t.url, &fresh, false).await;
    let (backup_kind, target_kind) = match app.db.kind() {
        Kind::Sqlite => ("postgres", "sqlite"),
        Kind::Postgres => ("sqlite", "postgres"),
    };
    assert_refused(
        &r,
        "backup.wrong_backend",
        json!({ "backup": backup_kind, "target": target_kind }),
    );
    assert!(!exists(app, &t).await);

    // A live, non-empty database is never overwritten without --force: the app's own.
    let before = head(&app.db).await;
    let own = fresh_places(dir.path(), "own");
    let r = restore(&good, &app.db.url(), &own, false).await;
    let shown = match app.db.kind() {
        Kind::Sqlite => app.db.url().trim_start_matches("sqlite://").to_string(),
        Kind::Postgres => app.db.url(),
    };
    assert_refused(&r, "backup.target_not_empty", json!({ "target": shown }));
    assert_eq!(head(&app.db).await, before);
    assert_eq!(
        app.login("sup").await.get("/audit/head").await.ok()["seq"],
        before.0
    );

    // A good restore; a second one over it is refused (checkpoints, then the database), and
    // goes through with --force.
    assert_ok(&restore(&good, &t.url, &fresh, false).await, "restore");
    let r = restore(&good, &t.url, &fresh, false).await;
    assert_refused(
        &r,
        "backup.checkpoints_exist",
        json!({ "path": fresh.checkpoints.display().to_string() }),
    );
    let elsewhere = fresh_places(dir.path(), "elsewhere");
    let r = restore(&good, &t.url, &elsewhere, false).await;
    let shown = match app.db.kind() {
        Kind::Sqlite => t.path.display().to_string(),
        Kind::Postgres => t.url.clone(),
    };
    assert_refused(&r, "backup.target_not_empty", json!({ "target": shown }));
    let r = restore(&good, &t.url, &fresh, true).await;
    assert_ok(&r, "restore --force");
    let (seq, hash) = before;
    assert!(
        r.stdout.contains(&format!("restored: head {seq} {hash}")),
        "{}",
        r.stdout
    );
    drop_target(app, &t).await;
}

/// Copies a backup directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("directory");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

async fn a_backup_taken_during_writes_is_consistent(app: &TestApp) {
    let dir = tempfile::tempdir().expect("directory");
    let places = app_places(app, dir.path());
    story(app).await;
    let county = app.login("county_a").await;
    let sup = app.login("sup").await;
    let item = sup.get("/items?limit=1").await.ok()["items"][0]["id"]
        .as_i64()
        .expect("item");
    let a = sup.get(&format!("/items/{item}")).await.ok()["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["unit_id"] == app.org.county_a)
        .expect("lead")["id"]
        .as_i64()
        .expect("id");
    let start = head(&app.db).await.0;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let county = county.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                county
                    .post(
                        &format!("/assignments/{a}/reports"),
                        json!({ "text": format!("第{n}次进展"), "percent": 40 }),
                    )
                    .await
                    .ok();
                n += 1;
            }
            n
        })
    };
    // Writes are under way before the backup starts …
    let mut polls = 0;
    while head(&app.db).await.0 < start + 3 {
        polls += 1;
        assert!(polls < 100_000, "the writer made no progress");
        tokio::task::yield_now().await;
    }
    let to = dir.path().join("online");
    let b = backup(&app.db.url(), &to, &places).await;
    assert_ok(&b, "backup during writes");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(to.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    let taken = manifest["chain"]["seq"].as_i64().expect("seq");
    // … and go on after it.
    let mut polls = 0;
    while head(&app.db).await.0 < taken + 3 {
        polls += 1;
        assert!(
            polls < 100_000,
            "the writer made no progress after the backup"
        );
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.expect("writer");
    let end = head(&app.db).await.0;
    assert!(
        start + 3 <= taken && taken < end,
        "the backup's head {taken} is not between {start} and {end}"
    );
    assert!(written >= 6, "{written} reports");

    let t = target(app, dir.path(), "online");
    let restored = fresh_places(dir.path(), "online");
    let r = restore(&to, &t.url, &restored, false).await;
    assert_ok(&r, "restore");
    assert!(
        r.stdout
            .starts_with(&format!("OK: {taken} events verified")),
        "{}",
        r.stdout
    );
    let copy = serve_existing(open(app, t).await, Config::default()).await;
    let reports = copy
        .login("sup")
        .await
        .get(&format!("/items/{item}"))
        .await
        .ok()["reports"]
        .as_array()
        .expect("reports")
        .len();
    let in_chain: i64 = copy
        .db
        .text("SELECT CAST(COUNT(*) AS TEXT) FROM events WHERE kind = 'report.submitted'")
        .await
        .parse()
        .expect("count");
    assert_eq!(
        reports as i64, in_chain,
        "rows and events of the snapshot agree"
    );
    copy.finish().await;
}
