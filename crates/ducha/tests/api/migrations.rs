//! Every earlier schema version migrates forward, on both backends. For each migration level
//! N a committed fixture (`tests/fixtures/schema/<backend>/NNNN.sql`) holds a small seeded
//! city as a database of that release held it: the `_sqlx_migrations` rows with the checksums
//! recorded then, and the rows of every table that existed at N (only its columns of then).
//! The test builds the level-N schema from migrations 1..=N, loads the fixture, opens the
//! database with the real store (whose migrator checks those checksums — an edited released
//! migration fails here as it would in the field — and applies the rest), then verifies both
//! chains, rebuilds the chain analytics as `serve` would, and has a server answer the register.
//! A changed released migration is refused, and a backup of a database at the level before
//! the newest (as an older release left it) restores, migrated forward to the same head.
//!
//! Fixtures are written once per level and never rewritten: run
//! `DUCHA_WRITE_FIXTURES=1 cargo test -p ducha --test api -- migrations::` (with
//! `DUCHA_TEST_PG` set for the PostgreSQL ones) after adding a migration; only levels without
//! a fixture are written. Every level below the newest must have one.

use crate::helpers::{Db, TestApp, dispatched_item, in_days, serve_existing, spawn_app};
use ducha_service::Config;
use serde_json::json;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection, SqliteConnection};
use std::path::{Path, PathBuf};

/// Tables left out of the fixtures: live logins and the calendar `serve` seeds itself.
const SKIPPED: &[&str] = &[
    "sessions",
    "calendar_days",
    "login_pending",
    "login_throttle",
];

/// Tables kept by triggers on other tables: a fixture clears what loading those tables made
/// (on SQLite, whose triggers run during the load) before it inserts the recorded rows.
const TRIGGER_KEPT: &[&str] = &["cockpit_lights"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    fn migrations(self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../ducha-store-{}/migrations", self.name()))
    }

    fn fixture(self, level: i64) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/schema")
            .join(self.name())
            .join(format!("{level:04}.sql"))
    }
}

/// A raw connection, outside the store (which would migrate to the newest level).
enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Conn {
    async fn strings(&mut self, sql: &str) -> Vec<String> {
        let q = || AssertSqlSafe(sql.to_string());
        match self {
            Conn::Sqlite(c) => sqlx::query_scalar(q()).fetch_all(c).await,
            Conn::Postgres(c) => sqlx::query_scalar(q()).fetch_all(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn exec(&mut self, sql: String) {
        let q = sqlx::raw_sql(AssertSqlSafe(sql));
        match self {
            Conn::Sqlite(c) => q.execute(c).await.map(drop),
            Conn::Postgres(c) => q.execute(c).await.map(drop),
        }
        .expect("execute");
    }

    async fn migrate_to(&mut self, backend: Backend, level: i64) {
        let m = Migrator::new(backend.migrations())
            .await
            .expect("read the migrations");
        match self {
            Conn::Sqlite(c) => m.run_to(level, c).await,
            Conn::Postgres(c) => m.run_to(level, c).await,
        }
        .unwrap_or_else(|e| panic!("migrate to {level}: {e}"));
    }

    /// The base tables of the schema, sorted.
    async fn tables(&mut self) -> Vec<String> {
        let sql = match self {
            Conn::Sqlite(_) => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
            }
            Conn::Postgres(_) => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        self.strings(sql).await
    }

    async fn columns(&mut self, table: &str) -> Vec<String> {
        let sql = match self {
            Conn::Sqlite(_) => {
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
            }
            Conn::Postgres(_) => format!(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            ),
        };
        self.strings(&sql).await
    }

    /// One `INSERT` statement per row of `table`'s `columns`, in a stable order.
    async fn inserts(&mut self, table: &str, columns: &[String]) -> Vec<String> {
        let list = columns.join(", ");
        let sql = match self {
            Conn::Sqlite(_) => {
                let values: Vec<String> = columns.iter().map(|c| format!("quote({c})")).collect();
                format!(
                    "SELECT 'INSERT INTO {table} ({list}) VALUES (' || {} || ');' FROM {table} \
                     ORDER BY 1",
                    values.join(" || ', ' || ")
                )
            }
            Conn::Postgres(_) => {
                let values: Vec<String> = columns
                    .iter()
                    .map(|c| format!("quote_nullable({c})"))
                    .collect();
                format!(
                    "SELECT 'INSERT INTO {table} ({list}) VALUES (' || concat_ws(', ', {}) \
                     || ');' FROM {table} ORDER BY 1",
                    values.join(", ")
                )
            }
        };
        self.strings(&sql).await
    }

    /// `setval` of every serial column of the schema to its table's largest value.
    async fn sequences(&mut self) -> Vec<String> {
        if let Conn::Sqlite(_) = self {
            return vec![];
        }
        self.strings(
            "SELECT format('SELECT setval(pg_get_serial_sequence(%L, %L), \
             COALESCE(MAX(%I), 0) + 1, false) FROM %I;', table_name, column_name, column_name, \
             table_name) FROM information_schema.columns WHERE table_schema = 'public' \
             AND column_default LIKE 'nextval(%' ORDER BY table_name, column_name",
        )
        .await
    }
}

/// A fresh, empty database of `backend`: its connection and the test database around it.
struct Fresh {
    conn: Conn,
    /// The SQLite file's directory and path.
    file: Option<(tempfile::TempDir, PathBuf)>,
    /// The PostgreSQL server and database name.
    pg: Option<(String, String)>,
}

async fn fresh(backend: Backend) -> Fresh {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("directory");
            let path = dir.path().join("level.db");
            let opts = SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true)
                .foreign_keys(false);
            let conn = SqliteConnection::connect_with(&opts).await.expect("open");
            Fresh {
                conn: Conn::Sqlite(conn),
                file: Some((dir, path)),
                pg: None,
            }
        }
        Backend::Postgres => {
            let admin_url = std::env::var("DUCHA_TEST_PG").expect("DUCHA_TEST_PG");
            let (name, url) = crate::support::create_pg_database(&admin_url, "ducha_test").await;
            let conn = PgConnection::connect(&url).await.expect("connect");
            Fresh {
                conn: Conn::Postgres(conn),
                file: None,
                pg: Some((admin_url, name)),
            }
        }
    }
}

impl Fresh {
    /// Opens the database with the real store (migrating it to the newest level).
    async fn open(self) -> Db {
        match self.conn {
            Conn::Sqlite(c) => c.close().await.expect("close"),
            Conn::Postgres(c) => c.close().await.expect("close"),
        }
        match (self.file, self.pg) {
            (Some((dir, path)), _) => Db::sqlite_at(dir, path).await,
            (_, Some((admin, name))) => Db::postgres_at(&admin, &name).await,
            _ => unreachable!("a fresh database is a file or a PostgreSQL database"),
        }
    }
}

impl Fresh {
    /// Closes and removes the database.
    async fn discard(self) {
        match self.conn {
            Conn::Sqlite(c) => c.close().await.expect("close"),
            Conn::Postgres(c) => c.close().await.expect("close"),
        }
        if let Some((admin_url, name)) = self.pg {
            let mut admin = PgConnection::connect(&admin_url).await.expect("admin");
            sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
                .execute(&mut admin)
                .await
                .expect("drop database");
        }
    }
}

/// The migration levels this build knows, oldest first.
async fn levels(backend: Backend) -> Vec<(i64, String)> {
    Migrator::new(backend.migrations())
        .await
        .expect("read the migrations")
        .iter()
        .map(|m| (m.version, m.description.to_string()))
        .collect()
}

/// A little history through the use cases: an item dispatched to a county and a department,
/// signed, reported on, and the co-unit's assignment signed.
async fn story(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (_, a) = dispatched_item(
        &sup,
        &leader,
        "升级测试事项",
        in_days(20),
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    county
        .post(&format!("/assignments/{}/sign", a[0]), json!({}))
        .await
        .ok();
    county
        .post(
            &format!("/assignments/{}/reports", a[0]),
            json!({ "text": "已部署", "percent": 20 }),
        )
        .await
        .ok();
    crate::helpers::draft_item(&sup, "待报批事项", in_days(40)).await;
}

/// Writes the fixtures of the levels that have none, from one story on the current schema.
async fn write_missing(backend: Backend, story_db: Db) {
    let all = levels(backend).await;
    let missing: Vec<&(i64, String)> = all
        .iter()
        .filter(|(v, _)| !backend.fixture(*v).exists())
        .collect();
    if missing.is_empty() {
        return;
    }
    let app = spawn_app(story_db).await;
    story(&app).await;
    let mut source = match &app.db {
        Db::Sqlite { path, .. } => Conn::Sqlite(
            SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
                .await
                .expect("open"),
        ),
        Db::Postgres { url, .. } => Conn::Postgres(PgConnection::connect(url).await.expect("open")),
    };
    for (level, description) in missing {
        let mut f = fresh(backend).await;
        f.conn.migrate_to(backend, *level).await;
        let mut out = vec![
            format!(
                "-- ducha schema fixture: a {} database at migration {level:04} ({description})",
                backend.name()
            ),
            "-- holding a small seeded city. Written once by".into(),
            "-- `DUCHA_WRITE_FIXTURES=1 cargo test -p ducha --test api -- migrations::`; never edit:".into(),
            "-- the checksums below are what a database of that release recorded.".into(),
            "DELETE FROM _sqlx_migrations;".into(),
        ];
        let cols = f.conn.columns("_sqlx_migrations").await;
        out.extend(f.conn.inserts("_sqlx_migrations", &cols).await);
        for table in f.conn.tables().await {
            if SKIPPED.contains(&table.as_str()) {
                continue;
            }
            // Rows a migration seeded (the chains' heads) make way for the city's.
            let seeded: Vec<String> = f
                .conn
                .strings(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
                .await;
            if seeded.first().is_some_and(|n| n != "0") || TRIGGER_KEPT.contains(&table.as_str()) {
                out.push(format!("DELETE FROM {table};"));
            }
            let cols = f.conn.columns(&table).await;
            out.extend(source.inserts(&table, &cols).await);
        }
        out.extend(f.conn.sequences().await);
        let path = backend.fixture(*level);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("fixture directory");
        std::fs::write(&path, out.join("\n") + "\n").expect("write the fixture");
        eprintln!("wrote {}", path.display());
        f.discard().await;
    }
    app.finish().await;
}

/// Builds the level's schema, loads its fixture, opens it with the real store, and checks the
/// chains, the analytics rebuild and the register.
async fn migrate_forward(backend: Backend, level: i64, fixture: &str) {
    let mut f = fresh(backend).await;
    f.conn.migrate_to(backend, level).await;
    let load = match backend {
        // Rows go in table by table: foreign keys are checked by the store once migrated.
        Backend::Sqlite => format!("BEGIN;\n{fixture}\nCOMMIT;"),
        Backend::Postgres => {
            format!("BEGIN;\nSET LOCAL session_replication_role = replica;\n{fixture}\nCOMMIT;")
        }
    };
    f.conn.exec(load).await;
    let items: Vec<String> = f
        .conn
        .strings("SELECT CAST(id AS TEXT) || ' ' || title FROM items ORDER BY id")
        .await;
    assert!(
        !items.is_empty(),
        "level {level}: the fixture holds no item"
    );
    let db = f.open().await;
    let store = db.store();
    let verified = ducha_service::audit::verify_chain(store.as_ref(), &[])
        .await
        .expect("read the chain")
        .unwrap_or_else(|e| panic!("level {level}: the chain does not verify: {e}"));
    let (seq, hash, _) = store.chain_head().await.expect("head");
    assert_eq!(
        (verified.head.seq, verified.head.hash.as_str()),
        (seq, hash.as_str())
    );
    assert!(seq > 20, "level {level}: only {seq} events");
    ducha_service::audit::verify_security(store.as_ref())
        .await
        .expect("read the security log")
        .unwrap_or_else(|e| panic!("level {level}: the security log does not verify: {e}"));
    // The assessment's facts the migration to 0030 filled (or the fixture carried) are what
    // their rows derive.
    crate::assessment::facts_fresh(store.as_ref(), &format!("level {level}: ")).await;
    let app = serve_existing(db, Config::default()).await;
    app.services
        .ensure_analytics()
        .await
        .unwrap_or_else(|e| panic!("level {level}: the analytics rebuild failed: {e}"));
    // The derived tables the migrations filled from what was kept (the stall sums over all
    // months from the monthly sums, 0034) are what a replay of the log gives.
    let stored = app.services.analytics_tables().await.expect("stored");
    let (_, replayed) = app
        .services
        .replay_analytics(&mut |_, _, _| {}, false)
        .await
        .expect("replay");
    assert_eq!(
        stored.totals, replayed.totals,
        "level {level}: stall totals"
    );
    assert_eq!(stored.stats, replayed.stats, "level {level}: stall sums");
    let sup = app.login("sup").await;
    let register = sup.get("/items?limit=200").await.ok();
    let mut listed: Vec<String> = register["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| format!("{} {}", i["id"], i["title"].as_str().expect("title")))
        .collect();
    listed.sort_by_key(|l| l.split(' ').next().and_then(|n| n.parse::<i64>().ok()));
    assert_eq!(listed, items, "level {level}: the register after migrating");
    for line in &items {
        let id = line.split(' ').next().expect("id");
        sup.get(&format!("/items/{id}")).await.ok();
        sup.get(&format!("/items/{id}/chain")).await.ok();
    }
    // The migrated database takes new work on the same chain (the start may have added the
    // calendar's event).
    let before = app.db.store().chain_head().await.expect("head").0;
    assert!(before >= seq);
    crate::helpers::draft_item(&sup, "升级后登记", in_days(30)).await;
    assert_eq!(
        app.db.store().chain_head().await.expect("head").0,
        before + 1
    );
    app.finish().await;
}

async fn every_level(backend: Backend, story_db: impl std::future::Future<Output = Db>) {
    if std::env::var("DUCHA_WRITE_FIXTURES").as_deref() == Ok("1") {
        write_missing(backend, story_db.await).await;
    }
    let all = levels(backend).await;
    let newest = all.last().expect("migrations").0;
    let mut checked = 0;
    for (level, _) in &all {
        let path = backend.fixture(*level);
        let Ok(fixture) = std::fs::read_to_string(&path) else {
            assert_eq!(
                *level,
                newest,
                "no fixture for migration {level:04} at {}: run DUCHA_WRITE_FIXTURES=1 \
                 cargo test -p ducha --test api -- migrations::",
                path.display()
            );
            continue;
        };
        migrate_forward(backend, *level, &fixture).await;
        checked += 1;
    }
    assert!(checked >= all.len() - 1, "{checked} levels checked");
}

#[tokio::test]
async fn every_level_migrates_forward_sqlite() {
    every_level(Backend::Sqlite, Db::sqlite()).await;
}

#[tokio::test]
async fn every_level_migrates_forward_postgres() {
    let Some(url) = crate::helpers::pg_url(module_path!()) else {
        return;
    };
    every_level(Backend::Postgres, Db::postgres(&url)).await;
}

/// A released migration changed after the fact (here: the checksum a database recorded for
/// migration 1 no longer matches its file) stops the store from opening the database.
async fn a_changed_migration_is_refused(backend: Backend) {
    let all = levels(backend).await;
    let (level, _) = all[all.len() - 2];
    let fixture = std::fs::read_to_string(backend.fixture(level)).expect("the fixture");
    let mut f = fresh(backend).await;
    f.conn.migrate_to(backend, level).await;
    let changed = match backend {
        Backend::Sqlite => "UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 1",
        Backend::Postgres => "UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = 1",
    };
    f.conn
        .exec(format!(
            "BEGIN;\n{}\n{fixture}\n{changed};\nCOMMIT;",
            if backend == Backend::Postgres {
                "SET LOCAL session_replication_role = replica;"
            } else {
                ""
            }
        ))
        .await;
    let error = match &f.conn {
        Conn::Sqlite(_) => {
            let (_, path) = f.file.as_ref().expect("file");
            ducha_store_sqlite::SqliteStore::open(
                path.to_str().expect("utf-8"),
                ducha_store_sqlite::Durability::Normal,
            )
            .await
            .map(drop)
        }
        Conn::Postgres(_) => {
            let (admin, name) = f.pg.as_ref().expect("database");
            let mut url = reqwest::Url::parse(admin).expect("URL");
            url.set_path(&format!("/{name}"));
            ducha_store_postgres::PgStore::open(url.as_str(), 2)
                .await
                .map(drop)
        }
    }
    .expect_err("a changed migration must stop the store");
    assert!(
        error
            .to_string()
            .contains("previously applied but has been modified"),
        "refused for another reason: {error}"
    );
    f.discard().await;
}

#[tokio::test]
async fn a_changed_migration_is_refused_sqlite() {
    a_changed_migration_is_refused(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_changed_migration_is_refused_postgres() {
    if crate::helpers::pg_url(module_path!()).is_none() {
        return;
    }
    a_changed_migration_is_refused(Backend::Postgres).await;
}

/// A backup taken by an older release (a database at the level before the newest) restores
/// with this one: migrated forward, to the same head.
async fn an_old_backup_restores_forward(backend: Backend) {
    let all = levels(backend).await;
    let newest = all.last().expect("migrations").0;
    let (level, _) = all[all.len() - 2];
    let fixture = std::fs::read_to_string(backend.fixture(level)).expect("the fixture");
    let mut f = fresh(backend).await;
    f.conn.migrate_to(backend, level).await;
    let replica = if backend == Backend::Postgres {
        "SET LOCAL session_replication_role = replica;"
    } else {
        ""
    };
    f.conn
        .exec(format!("BEGIN;\n{replica}\n{fixture}\nCOMMIT;"))
        .await;
    let head = f
        .conn
        .strings("SELECT CAST(seq AS TEXT) || ' ' || hash FROM event_chain")
        .await
        .remove(0);
    let dir = tempfile::tempdir().expect("directory");
    let (source, target, target_name) = match (&f.file, &f.pg) {
        (Some((_, path)), _) => (
            format!("sqlite://{}", path.display()),
            format!("sqlite://{}", dir.path().join("restored.db").display()),
            String::new(),
        ),
        (_, Some((admin, name))) => {
            let token = ducha_service::auth::random_token().expect("randomness");
            let restored = format!("ducha_test_{}", &token[..16]);
            let mut url = reqwest::Url::parse(admin).expect("URL");
            url.set_path(&format!("/{name}"));
            let source = url.to_string();
            url.set_path(&format!("/{restored}"));
            (source, url.to_string(), restored)
        }
        _ => unreachable!("a fresh database is a file or a PostgreSQL database"),
    };
    let places = |name: &str| {
        vec![
            "--checkpoints".to_string(),
            dir.path().join(name).join("cp.log").display().to_string(),
            "--evidence-dir".to_string(),
            dir.path().join(name).join("evidence").display().to_string(),
        ]
    };
    let to = dir.path().join("old-backup");
    let mut args = vec!["backup".into(), "--database".into(), source, "--to".into()];
    args.push(to.display().to_string());
    args.extend(places("source"));
    let b = crate::audit::ducha(args).await;
    assert_eq!(b.code, Some(0), "backup: {}\n{}", b.stdout, b.stderr);
    assert!(
        b.stdout.contains(&format!("schema {level}, head {head}")),
        "{}",
        b.stdout
    );
    let mut args = vec!["restore".into(), "--from".into(), to.display().to_string()];
    args.extend(["--database".into(), target.clone()]);
    args.extend(places("target"));
    let r = crate::audit::ducha(args).await;
    assert_eq!(r.code, Some(0), "restore: {}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("migrating from schema {level} to {newest}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains(&format!("restored: head {head}")),
        "{}",
        r.stdout
    );
    f.discard().await;
    if backend == Backend::Postgres {
        let admin_url = std::env::var("DUCHA_TEST_PG").expect("DUCHA_TEST_PG");
        let mut admin = PgConnection::connect(&admin_url).await.expect("admin");
        sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {target_name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await
        .expect("drop the restored database");
    }
}

#[tokio::test]
async fn an_old_backup_restores_forward_sqlite() {
    an_old_backup_restores_forward(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_old_backup_restores_forward_postgres() {
    if crate::helpers::pg_url(module_path!()).is_none() {
        return;
    }
    an_old_backup_restores_forward(Backend::Postgres).await;
}
