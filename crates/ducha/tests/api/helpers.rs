//! The test application: the real router over a fresh database (SQLite file, or a PostgreSQL
//! database created for the test), a small seeded organisation tree, and logged-in HTTP clients.

use chrono::{Days, NaiveDate};
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::chain::HashAlgo;
use ducha_domain::i18n::{Lang, knows, t};
use ducha_http::{AppState, HttpConfig};
use ducha_service::org::{UnitInput, UserInput};
use ducha_service::{Config, Services};
use ducha_store::Store;
use ducha_store_postgres::PgStore;
use ducha_store_sqlite::{Durability, SqliteStore};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Every seeded user's password.
pub const PASSWORD: &str = "Test2026ducha";

/// One Argon2 hash of [`PASSWORD`], computed once per test binary and shared by every user.
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| ducha_service::auth::hash_password(PASSWORD).expect("hash the password"))
        .clone()
}

/// Today in China, as the use cases see it.
pub fn today() -> NaiveDate {
    china_date(chrono::Utc::now())
}

/// `today + n` days.
pub fn in_days(n: u64) -> NaiveDate {
    today() + Days::new(n)
}

/// The PostgreSQL server to test against, from `DUCHA_TEST_PG`. Unset: `None` with a note, but
/// a panic under `CI=true`, where the PostgreSQL run is mandatory.
pub fn pg_url(test: &str) -> Option<String> {
    match std::env::var("DUCHA_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "DUCHA_TEST_PG is not set but CI=true: the PostgreSQL tests are mandatory in CI \
                 (set DUCHA_TEST_PG=postgres://user@host:5432/postgres)"
            );
            eprintln!(
                "note: DUCHA_TEST_PG is not set; skipping the PostgreSQL run of {test} \
                 (set DUCHA_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres to run it)"
            );
            None
        }
    }
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The database of one test application.
pub enum Db {
    /// A fresh SQLite file in a temporary directory.
    Sqlite {
        /// The store.
        store: SqliteStore,
        /// The file.
        path: PathBuf,
        /// Removed on drop.
        _dir: tempfile::TempDir,
    },
    /// A fresh PostgreSQL database.
    Postgres {
        /// The store.
        store: PgStore,
        /// The server's maintenance URL (`DUCHA_TEST_PG`).
        admin_url: String,
        /// The test database's URL.
        url: String,
        /// The test database's name.
        name: String,
    },
}

impl Db {
    /// Opens a fresh SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("ducha-test.db");
        let store = SqliteStore::open(path.to_str().expect("utf-8 path"), Durability::Normal)
            .await
            .expect("open SQLite store");
        Db::Sqlite {
            store,
            path,
            _dir: dir,
        }
    }

    /// Opens the SQLite file at `path` (kept in `dir`), migrating it.
    pub async fn sqlite_at(dir: tempfile::TempDir, path: PathBuf) -> Self {
        let store = SqliteStore::open(path.to_str().expect("utf-8 path"), Durability::Normal)
            .await
            .expect("open SQLite store");
        Db::Sqlite {
            store,
            path,
            _dir: dir,
        }
    }

    /// Opens the existing database `name` on the server at `admin_url`, migrating it (dropped
    /// when its app finishes).
    pub async fn postgres_at(admin_url: &str, name: &str) -> Self {
        let mut url = Url::parse(admin_url).expect("DUCHA_TEST_PG is a URL");
        url.set_path(&format!("/{name}"));
        let url = url.to_string();
        let store = PgStore::open(&url, 8).await.expect("open PostgreSQL store");
        Db::Postgres {
            store,
            admin_url: admin_url.to_string(),
            url,
            name: name.to_string(),
        }
    }

    /// Creates a fresh database on the server at `admin_url` and opens it.
    pub async fn postgres(admin_url: &str) -> Self {
        let (name, url) = crate::support::create_pg_database(admin_url, "ducha_test").await;
        let store = PgStore::open(&url, 8).await.expect("open PostgreSQL store");
        Db::Postgres {
            store,
            admin_url: admin_url.to_string(),
            url,
            name,
        }
    }

    /// The backend.
    pub fn kind(&self) -> Kind {
        match self {
            Db::Sqlite { .. } => Kind::Sqlite,
            Db::Postgres { .. } => Kind::Postgres,
        }
    }

    /// The URL the `ducha` binary takes as `--database`.
    pub fn url(&self) -> String {
        match self {
            Db::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    /// The store behind the use cases.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite { store, .. } => Arc::new(store.clone()),
            Db::Postgres { store, .. } => Arc::new(store.clone()),
        }
    }

    /// Runs the store's migrations (and what they ask of the code) again.
    pub async fn migrate(&self) {
        match self {
            Db::Sqlite { store, .. } => store.migrate().await.expect("migrate"),
            Db::Postgres { store, .. } => store.migrate().await.expect("migrate"),
        }
    }

    /// Runs raw SQL directly on the database, as someone with database access could.
    pub async fn exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(match self {
            Db::Sqlite { store, .. } => q.execute(store.raw_pool()).await?.rows_affected(),
            Db::Postgres { store, .. } => q.execute(store.raw_pool()).await?.rows_affected(),
        })
    }

    /// One text column of one row, read directly.
    pub async fn text(&self, sql: &str) -> String {
        let q = AssertSqlSafe(sql.to_string());
        match self {
            Db::Sqlite { store, .. } => sqlx::query_scalar::<_, String>(q)
                .fetch_one(store.raw_pool())
                .await
                .expect("read"),
            Db::Postgres { store, .. } => sqlx::query_scalar::<_, String>(q)
                .fetch_one(store.raw_pool())
                .await
                .expect("read"),
        }
    }

    /// Drops a PostgreSQL test database (SQLite files go with their temporary directory).
    async fn drop_database(&self) {
        if let Db::Postgres {
            store,
            admin_url,
            name,
            ..
        } = self
        {
            store.raw_pool().close().await;
            if let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await {
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                if let Err(e) = sqlx::raw_sql(AssertSqlSafe(drop)).execute(&mut admin).await {
                    eprintln!("note: could not drop test database {name}: {e}");
                }
                let _ = admin.close().await;
            }
        }
    }
}

/// Ids of the seeded organisation tree.
///
/// ```text
/// 青山市 (city)                    leader, leader2 (another leader of the city),
///                                  sysadmin, secadmin, auditadmin (admin accounts,
///                                  console-made)
/// ├── 市委督查室 (supervision)      sup
/// ├── 东城县 (county A)             county_a (liaison), county_a_chief (unit head)
/// │   ├── 东城A1镇 (township)       town_a1
/// │   └── 东城A2镇 (township)       town_a2
/// ├── 西山县 (county B)             county_b
/// │   └── 西山B1镇 (township)       town_b1
/// └── 市住建局 (department)         dept
/// ```
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub city: i64,
    pub office: i64,
    pub county_a: i64,
    pub town_a1: i64,
    pub town_a2: i64,
    pub county_b: i64,
    pub town_b1: i64,
    pub dept: i64,
    pub users: Users,
}

/// Ids of the seeded users (login name = field name).
#[derive(Debug, Clone, Default)]
pub struct Users {
    pub sup: i64,
    pub leader: i64,
    pub leader2: i64,
    pub sysadmin: i64,
    pub secadmin: i64,
    pub auditadmin: i64,
    pub county_a: i64,
    pub county_a_chief: i64,
    pub town_a1: i64,
    pub town_a2: i64,
    pub county_b: i64,
    pub town_b1: i64,
    pub dept: i64,
}

/// Seeds the tree through the use cases, as the console operator.
pub async fn seed(services: &Services) -> Org {
    let now = ducha_service::now();
    let unit = |parent: Option<i64>, name: &str, kind: &str| UnitInput {
        parent_id: parent,
        name: name.into(),
        kind: kind.into(),
        sort: 0,
    };
    let add_unit = |input: UnitInput| async move {
        services
            .create_unit(None, &input, now)
            .await
            .expect("seed unit")
    };
    let city = add_unit(unit(None, "青山市", "city")).await;
    let office = add_unit(unit(Some(city), "市委督查室", "supervision_body")).await;
    let county_a = add_unit(unit(Some(city), "东城县", "county")).await;
    let town_a1 = add_unit(unit(Some(county_a), "东城A1镇", "township")).await;
    let town_a2 = add_unit(unit(Some(county_a), "东城A2镇", "township")).await;
    let county_b = add_unit(unit(Some(city), "西山县", "county")).await;
    let town_b1 = add_unit(unit(Some(county_b), "西山B1镇", "township")).await;
    let dept = add_unit(unit(Some(city), "市住建局", "department")).await;
    let hash = password_hash();
    let add_user =
        |username: &'static str, name: &'static str, unit_id: i64, role: &'static str| {
            let hash = hash.clone();
            async move {
                let input = UserInput {
                    username: username.into(),
                    display_name: name.into(),
                    unit_id,
                    roles: vec![role.into()],
                    password: PASSWORD.into(),
                    phone: String::new(),
                    email: String::new(),
                    position: String::new(),
                };
                services
                    .create_user_with_hash(None, &input, hash, now)
                    .await
                    .expect("seed user")
            }
        };
    let users = Users {
        sup: add_user("sup", "督查员老周", office, "supervisor").await,
        leader: add_user("leader", "王市长", city, "leader").await,
        leader2: add_user("leader2", "李副市长", city, "leader").await,
        sysadmin: add_user("sysadmin", "系统管理员", city, "system_admin").await,
        secadmin: add_user("secadmin", "安全管理员", city, "security_admin").await,
        auditadmin: add_user("auditadmin", "审计管理员", city, "audit_admin").await,
        county_a: add_user("county_a", "东城联络员", county_a, "liaison").await,
        county_a_chief: add_user("county_a_chief", "东城县长", county_a, "unit_head").await,
        town_a1: add_user("town_a1", "A1镇联络员", town_a1, "liaison").await,
        town_a2: add_user("town_a2", "A2镇联络员", town_a2, "liaison").await,
        county_b: add_user("county_b", "西山联络员", county_b, "liaison").await,
        town_b1: add_user("town_b1", "B1镇联络员", town_b1, "liaison").await,
        dept: add_user("dept", "住建局联络员", dept, "liaison").await,
    };
    Org {
        city,
        office,
        county_a,
        town_a1,
        town_a2,
        county_b,
        town_b1,
        dept,
        users,
    }
}

/// A running application.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database.
    pub db: Db,
    /// The seeded tree.
    pub org: Org,
    /// The use cases the server runs, for stories that need a fixed clock.
    pub services: Services,
    /// A supervisor session that watches the state around rejected commands.
    observer: Session,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Where this app keeps evidence files (removed with the app), unless the test chose.
    _evidence: Option<tempfile::TempDir>,
}

/// Starts the real router on a random port over `db`, seeded with [`Org`].
pub async fn spawn_app(db: Db) -> TestApp {
    let dir = tempfile::tempdir().expect("evidence dir");
    let mut config = Config::default();
    config.evidence.dir = dir.path().to_path_buf();
    // Every test client shares one address: the public form's limits are tested apart.
    config.appeals.per_address_per_minute = 0;
    config.appeals.per_address_per_hour = 0;
    config.appeals.per_contact_per_day = 0;
    let mut app = spawn_app_with(db, config).await;
    app._evidence = Some(dir);
    app
}

/// [`spawn_app`] with other settings of the use cases, relaxed as every test but the
/// authentication stories needs: the test accounts log in with their password alone (no role
/// requires two-factor login) and may hold any number of sessions (a story logs one user in
/// several times), and every test client shares one address, so the per-address throttle is
/// out of reach. The shipped defaults hold all three; `spawn_app_exact` keeps them.
pub async fn spawn_app_with(db: Db, mut config: Config) -> TestApp {
    config.auth.twofactor_roles = Vec::new();
    config.auth.max_sessions_per_user = 0;
    config.auth.address_failures = 0;
    spawn_app_exact(db, config).await
}

/// [`spawn_app_with`] without the relaxations: the authentication settings as given.
pub async fn spawn_app_exact(db: Db, config: Config) -> TestApp {
    let store = db.store();
    store
        .init_chain(HashAlgo::Sha256)
        .await
        .expect("init chain");
    let services = Services::new(store, config, WorkCalendar::china());
    // As `ducha serve` does at start: the calendar table, seeded with the built-in schedules.
    services
        .init_calendar(ducha_service::now())
        .await
        .expect("calendar");
    let org = seed(&services).await;
    start(db, services, org).await
}

/// Starts the real router over a database that already holds the seeded tree (a restored
/// backup, a migrated fixture) without seeding it again; the returned `org` is empty.
pub async fn serve_existing(db: Db, mut config: Config) -> TestApp {
    config.auth.twofactor_roles = Vec::new();
    config.auth.max_sessions_per_user = 0;
    config.auth.address_failures = 0;
    let services = Services::new(db.store(), config, WorkCalendar::china());
    services
        .init_calendar(ducha_service::now())
        .await
        .expect("calendar");
    start(db, services, Org::default()).await
}

/// Serves `services` on a random port and logs the observing supervisor in.
async fn start(db: Db, services: Services, org: Org) -> TestApp {
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
    // The listener is bound before the server task starts, so requests queue until it accepts.
    let server = tokio::spawn(ducha_http::serve(listener, state, std::future::pending()));
    let base = format!("http://{addr}");
    let observer = Session::login(&base, "sup").await;
    TestApp {
        _evidence: None,
        base,
        db,
        org,
        services,
        observer,
        server,
    }
}

impl TestApp {
    /// A client without a session.
    pub fn anonymous(&self) -> Session {
        Session {
            client: client(),
            base: self.base.clone(),
            csrf: String::new(),
            user_id: 0,
            lang: Lang::ZhCn,
        }
    }

    /// Logs `username` in (zh-CN messages).
    pub async fn login(&self, username: &str) -> Session {
        Session::login(&self.base, username).await
    }

    /// One login attempt with any password, without keeping the session.
    pub async fn try_login(&self, username: &str, password: &str) -> Resp {
        let body = json!({ "username": username, "password": password });
        self.anonymous()
            .send(
                Method::POST,
                "/auth/login",
                Some(body.to_string().into()),
                false,
                &[],
            )
            .await
    }

    /// The first login of an account an admin created or reset: the password answers
    /// `login_pending` with `password_change`, then `new_password` completes the login.
    pub async fn first_login(&self, username: &str, password: &str, new_password: &str) -> Resp {
        let r = self.try_login(username, password).await;
        assert_eq!(r.body["need"], "password_change", "{}", r.body);
        let body =
            json!({ "pending_token": r.body["pending_token"], "new_password": new_password });
        self.anonymous()
            .send(
                Method::POST,
                "/auth/login",
                Some(body.to_string().into()),
                false,
                &[],
            )
            .await
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.server.abort();
        let _ = self.server.await;
        self.db.drop_database().await;
    }

    /// The state a rejected command must not change: the chain head, the supervisor's whole
    /// register and the full detail of `items`.
    pub async fn snapshot(&self, items: &[i64]) -> Value {
        let head = self.observer.get("/audit/head").await.ok();
        let list = self.observer.get("/items?limit=200").await.ok();
        let mut details = Vec::new();
        for id in items {
            details.push(self.observer.get(&format!("/items/{id}")).await.ok());
        }
        json!({ "head": head, "list": list, "items": details })
    }

    /// The chain head's sequence number.
    pub async fn head_seq(&self) -> i64 {
        self.observer.get("/audit/head").await.ok()["seq"]
            .as_i64()
            .expect("head seq")
    }

    /// Runs a request that must fail with `status` and error `key`, and checks that it changed
    /// nothing: neither the chain head, the register, nor any of `items`. Returns the error.
    pub async fn rejected(
        &self,
        items: &[i64],
        status: StatusCode,
        key: &str,
        attempt: impl Future<Output = Resp>,
    ) -> Value {
        let before = self.snapshot(items).await;
        let resp = attempt.await;
        let error = resp.error(status, key);
        let after = self.snapshot(items).await;
        assert_eq!(
            before, after,
            "a rejected request ({status} {key}) changed the state"
        );
        error
    }
}

/// An HTTP response with its JSON body (`null` when empty).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    /// The language the request asked for.
    pub lang: Lang,
    /// `METHOD path`, for messages.
    pub what: String,
}

impl Resp {
    /// Asserts success and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "{} failed with {}: {}",
            self.what,
            self.status,
            self.body
        );
        self.body
    }

    /// Asserts an error response with `status` and `key`, translated into the request's
    /// language (field messages too); returns `error`.
    #[track_caller]
    pub fn error(&self, status: StatusCode, key: &str) -> Value {
        assert_eq!(
            self.status, status,
            "{}: expected {status} {key}, got {}",
            self.what, self.body
        );
        let e = &self.body["error"];
        assert_eq!(e["key"], key, "{}: {}", self.what, self.body);
        // The error's message is its first field's when the keys agree, arguments and all.
        let first = &e["fields"][0];
        let args = if first["key"] == e["key"] {
            &first["args"]
        } else {
            &Value::Null
        };
        assert_translated(e, self.lang, args);
        for f in e["fields"].as_array().into_iter().flatten() {
            assert_translated(f, self.lang, &f["args"]);
        }
        e.clone()
    }
}

/// A message must be the catalogue's text for its key in `lang` with `args` filled in, never
/// the bare key nor a placeholder left empty.
#[track_caller]
fn assert_translated(v: &Value, lang: Lang, args: &Value) {
    let key = v["key"].as_str().expect("error key");
    let message = v["message"].as_str().expect("error message");
    assert!(knows(key), "message key {key} has no translation");
    let want = if args.is_null() {
        t(key, lang).to_string()
    } else {
        ducha_domain::i18n::format(key, lang, args)
    };
    assert_eq!(message, want, "message of {key} in {lang:?}");
    assert_ne!(message, key);
    assert!(
        !message.contains("{0}"),
        "an unfilled placeholder in {message}"
    );
}

/// The field errors of a 422 as `(field, key)` pairs.
pub fn fields(error: &Value) -> Vec<(String, String)> {
    error["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().expect("field").to_string(),
                f["key"].as_str().expect("key").to_string(),
            )
        })
        .collect()
}

/// Asserts the field errors of a 422, in order.
#[track_caller]
pub fn assert_fields(error: &Value, expected: &[(&str, &str)]) {
    let got = fields(error);
    let got: Vec<(&str, &str)> = got.iter().map(|(f, k)| (f.as_str(), k.as_str())).collect();
    assert_eq!(got, expected, "field errors of {error}");
}

/// A logged-in user: a cookie-keeping client and the session's CSRF token.
#[derive(Clone)]
pub struct Session {
    client: reqwest::Client,
    base: String,
    /// The CSRF token from the login response.
    pub csrf: String,
    /// The user's id.
    pub user_id: i64,
    lang: Lang,
}

fn client() -> reqwest::Client {
    ducha_notify::install_crypto();
    reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        // A safety net against a hung server, never a wait for one.
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("HTTP client")
}

impl Session {
    /// Logs `username` in at the server at `base` (zh-CN messages).
    pub async fn login(base: &str, username: &str) -> Session {
        Session::login_with(base, username, PASSWORD).await
    }

    /// Logs `username` in with their own `password`.
    pub async fn login_with(base: &str, username: &str, password: &str) -> Session {
        let client = client();
        let resp = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("login request");
        let status = resp.status();
        let body: Value = resp.json().await.expect("login body");
        assert_eq!(status, StatusCode::OK, "login of {username}: {body}");
        Session {
            client,
            base: base.to_string(),
            csrf: body["csrf_token"].as_str().expect("csrf_token").to_string(),
            user_id: body["me"]["user"]["id"].as_i64().expect("user id"),
            lang: Lang::ZhCn,
        }
    }

    /// The same session asking for English messages.
    pub fn english(&self) -> Session {
        Session {
            lang: Lang::En,
            ..self.clone()
        }
    }

    /// Sends a request under `/api/v1`; `csrf` adds the session's token header, `headers`
    /// any others. A body is sent as `application/json` unless `headers` name a content type.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<reqwest::Body>,
        csrf: bool,
        headers: &[(&str, &str)],
    ) -> Resp {
        let what = format!("{method} {path}");
        let mut req = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .header("accept-language", self.lang.tag());
        if csrf {
            req = req.header("x-csrf-token", &self.csrf);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(b) = body {
            if !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                req = req.header("content-type", "application/json");
            }
            req = req.body(b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let bytes = resp.bytes().await.expect("response body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{what}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Resp {
            status,
            body,
            lang: self.lang,
            what,
        }
    }

    /// `GET {path}` of a web page with the session's cookie: status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept-language", self.lang.tag())
            .send()
            .await
            .expect("request");
        let status = resp.status();
        (status, resp.text().await.expect("page body"))
    }

    /// `GET {path}` outside the API (a file download) with the session's cookie and `headers`:
    /// status, headers and the raw body.
    pub async fn fetch(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept-language", self.lang.tag());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.expect("response body").to_vec();
        (status, headers, body)
    }

    /// `POST {path}` of a web form with the session's cookie; `csrf` adds the session's
    /// token as the form's `csrf` field. Returns the final status (after redirects).
    pub async fn form(&self, path: &str, fields: &[(&str, &str)], csrf: bool) -> StatusCode {
        let mut body: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if csrf {
            body.push(("csrf".into(), self.csrf.clone()));
        }
        let mut url = Url::parse("http://x/").expect("url");
        url.query_pairs_mut().extend_pairs(body);
        let encoded = url.query().unwrap_or("").to_string();
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.base)
            .body(encoded)
            .send()
            .await
            .expect("request")
            .status()
    }

    /// `POST {path}` of a web form (urlencoded, repeated names allowed) with the session's
    /// token: the final status and page after redirects.
    pub async fn form_page(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let mut url = Url::parse("http://x/").expect("url");
        url.query_pairs_mut()
            .extend_pairs(fields)
            .append_pair("csrf", &self.csrf);
        let body = url.query().unwrap_or("").as_bytes().to_vec();
        self.post_page(path, "application/x-www-form-urlencoded", body)
            .await
    }

    /// `POST {path}` of a web form as htmx sends a boosted one (`HX-Request`), with the
    /// session's token: the final status, headers and page after redirects.
    pub async fn htmx_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut url = Url::parse("http://x/").expect("url");
        url.query_pairs_mut()
            .extend_pairs(fields)
            .append_pair("csrf", &self.csrf);
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.base)
            .header("hx-request", "true")
            .header("hx-boosted", "true")
            .header("accept-language", self.lang.tag())
            .body(url.query().unwrap_or("").to_string())
            .send()
            .await
            .expect("request");
        let (status, headers) = (resp.status(), resp.headers().clone());
        (status, headers, resp.text().await.expect("page body"))
    }

    /// `POST {path}` of a web page with a raw body of `content_type`: the final status and page
    /// after redirects.
    pub async fn post_page(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, String) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("origin", &self.base)
            .header("accept", "text/html")
            .header("accept-language", self.lang.tag())
            .body(body)
            .send()
            .await
            .expect("request");
        let status = resp.status();
        (status, resp.text().await.expect("page body"))
    }

    /// `GET /api/v1{path}`.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, None, false, &[]).await
    }

    /// `POST /api/v1{path}` with a JSON body and the CSRF header.
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(body.to_string().into()), true, &[])
            .await
    }

    /// `POST` with raw bytes as the body (malformed input).
    pub async fn post_raw(&self, path: &str, body: &'static str) -> Resp {
        self.send(Method::POST, path, Some(body.into()), true, &[])
            .await
    }

    /// `GET /api/v1/items` with query parameters, encoded.
    pub async fn list(&self, params: &[(&str, &str)]) -> Resp {
        let mut url = Url::parse("http://x/items").expect("url");
        url.query_pairs_mut().extend_pairs(params);
        let path = match url.query() {
            Some(q) => format!("/items?{q}"),
            None => "/items".to_string(),
        };
        self.get(&path).await
    }
}

/// Registers an item as `sup`, has `leader` approve it and dispatches it to `assignments`;
/// returns the item id and the new assignment ids.
pub async fn dispatched_item(
    sup: &Session,
    leader: &Session,
    title: &str,
    deadline: NaiveDate,
    assignments: Value,
) -> (i64, Vec<i64>) {
    let id = draft_item(sup, title, deadline).await;
    sup.post(&format!("/items/{id}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{id}/approve"), json!({}))
        .await
        .ok();
    let d = sup
        .post(
            &format!("/items/{id}/dispatch"),
            json!({ "assignments": assignments }),
        )
        .await
        .ok();
    (id, ids(&d))
}

/// Registers a draft item; returns its id.
pub async fn draft_item(sup: &Session, title: &str, deadline: NaiveDate) -> i64 {
    sup.post(
        "/items",
        json!({
            "title": title,
            "source": "meeting",
            "category": "central_work",
            "deadline": deadline,
        }),
    )
    .await
    .ok()["id"]
        .as_i64()
        .expect("item id")
}

/// The `ids` of a `Created` response.
pub fn ids(created: &Value) -> Vec<i64> {
    created["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|v| v.as_i64().expect("id"))
        .collect()
}

/// The `id` of a `Created` response.
pub fn id(created: &Value) -> i64 {
    created["id"].as_i64().expect("id")
}

/// One assignment of an item detail.
pub fn assignment(detail: &Value, id: i64) -> Value {
    detail["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("assignment {id} not in {detail}"))
        .clone()
}

/// Whether a page of the register lists `id`.
pub fn lists(page: &Value, id: i64) -> bool {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == id)
}

/// Generates, for each story `async fn name(app: &TestApp)`, a module with two tests: `sqlite`
/// (always) and `postgres` (when `DUCHA_TEST_PG` is set; mandatory under `CI=true`). Stories
/// listed after `multi_thread:` run on a multi-threaded runtime, so that the server handles
/// simultaneous requests in parallel.
#[macro_export]
macro_rules! on_both_backends {
    (multi_thread: $($story:ident),* $(,)?) => {
        $crate::on_both_backends!(@flavor (flavor = "multi_thread", worker_threads = 4) $($story),*);
    };
    ($($story:ident),* $(,)?) => {
        $crate::on_both_backends!(@flavor () $($story),*);
    };
    (@flavor $flavor:tt $($story:ident),*) => {$(
        mod $story {
            #[tokio::test $flavor]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Db::sqlite().await).await;
                super::$story(&app).await;
                app.finish().await;
            }

            #[tokio::test $flavor]
            async fn postgres() {
                let Some(url) = $crate::helpers::pg_url(module_path!()) else {
                    return;
                };
                let app =
                    $crate::helpers::spawn_app($crate::helpers::Db::postgres(&url).await).await;
                super::$story(&app).await;
                app.finish().await;
            }
        }
    )*};
}
