//! The cluster's database and city: a fresh UTF-8 PostgreSQL database, the organisation seeded
//! through the use cases as the console operator, the configuration every node shares, and the
//! work dispatched through the load balancer as a supervisor and a leader would.

use crate::clients::Client;
use chrono::Days;
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::chain::HashAlgo;
use ducha_service::org::{UnitInput, UserInput};
use ducha_service::{Config, Services};
use ducha_store::Store;
use ducha_store_postgres::PgStore;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgPool};
use std::path::{Path, PathBuf};

/// Every seeded user's password.
pub const PASSWORD: &str = "Cluster2026ducha";
/// Units with a liaison each; every client reports for one of them.
pub const UNITS: usize = 16;
/// Items, each dispatched to every unit (one lead, the others co-units).
pub const ITEMS: usize = 8;

/// The test's database on the server given by `DUCHA_TEST_PG`.
pub struct Database {
    /// The server's maintenance URL.
    admin_url: String,
    /// The database's name.
    pub name: String,
    /// Its URL.
    pub url: String,
    /// A small pool for the test's own reads.
    pub pool: PgPool,
}

impl Database {
    /// Creates a fresh database with a UTF-8 locale (pg_trgm needs it).
    pub async fn create(admin_url: &str) -> Self {
        let (name, url) = crate::support::create_pg_database(admin_url, "ducha_cluster").await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .expect("connect to the test database");
        Self {
            admin_url: admin_url.to_string(),
            name,
            url,
            pool,
        }
    }

    /// Drops the database (after a passing run; a failing one leaves it for a look).
    pub async fn drop(self) {
        self.pool.close().await;
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut admin).await {
                eprintln!("note: could not drop {}: {e}", self.name);
            }
            let _ = admin.close().await;
        }
    }
}

/// Ids of the seeded organisation.
pub struct Org {
    /// The units that receive work, each with its liaison `liaison01`…
    pub units: Vec<i64>,
}

/// Migrates the database and seeds a city: 青山市 with its supervision office (`sup`), its
/// mayor (`leader`), eight counties and eight departments, each with a liaison.
pub async fn seed(url: &str) -> Org {
    let store = PgStore::open(url, 2).await.expect("open the store");
    let dynstore: std::sync::Arc<dyn Store> = std::sync::Arc::new(store.clone());
    dynstore
        .init_chain(HashAlgo::Sha256)
        .await
        .expect("init the chain");
    let services = Services::new(dynstore, Config::default(), WorkCalendar::china());
    let now = ducha_service::now();
    services
        .init_calendar(now)
        .await
        .expect("load the calendar");
    let hash = ducha_service::auth::hash_password(PASSWORD).expect("hash the password");
    let unit = async |parent: Option<i64>, name: String, kind: &str| {
        let input = UnitInput {
            parent_id: parent,
            name,
            kind: kind.into(),
            sort: 0,
        };
        services
            .create_unit(None, &input, now)
            .await
            .expect("seed a unit")
    };
    let user = async |username: String, name: String, unit_id: i64, role: &str| {
        let input = UserInput {
            username,
            display_name: name,
            unit_id,
            roles: vec![role.into()],
            password: PASSWORD.into(),
            phone: String::new(),
            email: String::new(),
            position: String::new(),
        };
        services
            .create_user_with_hash(None, &input, hash.clone(), now)
            .await
            .expect("seed a user")
    };
    let city = unit(None, "青山市".into(), "city").await;
    let office = unit(Some(city), "市委督查室".into(), "supervision_body").await;
    user("sup".into(), "督查员老周".into(), office, "supervisor").await;
    user("leader".into(), "王市长".into(), city, "leader").await;
    const COUNTIES: [&str; 8] = [
        "东城", "西山", "南湖", "北岭", "青河", "白石", "云台", "松岗",
    ];
    const DEPTS: [&str; 8] = [
        "住建",
        "交通",
        "水利",
        "教育",
        "卫健",
        "生态环境",
        "农业农村",
        "市场监管",
    ];
    let mut units = Vec::new();
    for i in 0..UNITS {
        let (name, kind) = if i < 8 {
            (format!("{}县", COUNTIES[i]), "county")
        } else {
            (format!("市{}局", DEPTS[i - 8]), "department")
        };
        let id = unit(Some(city), name.clone(), kind).await;
        user(liaison(i), format!("{name}联络员"), id, "liaison").await;
        units.push(id);
    }
    store.raw_pool().close().await;
    Org { units }
}

/// The login name of unit `i`'s liaison.
pub fn liaison(i: usize) -> String {
    format!("liaison{:02}", i + 1)
}

/// One assignment a client reports on.
#[derive(Debug, Clone, Copy)]
pub struct Work {
    /// The assignment.
    pub assignment: i64,
    /// Its item (whose detail shows the reports).
    pub item: i64,
}

/// Registers, approves and dispatches [`ITEMS`] items to every unit through the load
/// balancer; returns each unit's assignments, in the units' order.
pub async fn dispatch(sup: &Client, leader: &Client, org: &Org) -> Vec<Vec<Work>> {
    const TITLES: [&str; ITEMS] = [
        "老旧小区改造攻坚",
        "河道清淤专项整治",
        "营商环境投诉限时办理",
        "农村人居环境整治",
        "城市停车难治理",
        "校园周边安全整治",
        "重点项目开工建设",
        "安全生产大检查",
    ];
    let deadline = china_date(chrono::Utc::now())
        .checked_add_days(Days::new(60))
        .expect("a date");
    let mut work = vec![Vec::new(); org.units.len()];
    for (i, title) in TITLES.iter().enumerate() {
        let created = sup
            .setup_post(
                "/api/v1/items",
                json!({
                    "title": title, "source": "meeting", "category": "central_work",
                    "deadline": deadline,
                }),
            )
            .await;
        let item = created["id"].as_i64().expect("an item id");
        sup.setup_post(&format!("/api/v1/items/{item}/submit"), json!({}))
            .await;
        leader
            .setup_post(&format!("/api/v1/items/{item}/approve"), json!({}))
            .await;
        let assignments: Vec<Value> = org
            .units
            .iter()
            .enumerate()
            .map(|(u, id)| {
                let role = if u == i % org.units.len() {
                    "lead"
                } else {
                    "co"
                };
                json!({ "unit_id": id, "role": role })
            })
            .collect();
        let d = sup
            .setup_post(
                &format!("/api/v1/items/{item}/dispatch"),
                json!({ "assignments": assignments }),
            )
            .await;
        let ids: Vec<i64> = d["ids"]
            .as_array()
            .expect("the assignments' ids")
            .iter()
            .map(|v| v.as_i64().expect("an id"))
            .collect();
        assert_eq!(ids.len(), org.units.len(), "one assignment per unit: {d}");
        for (u, assignment) in ids.into_iter().enumerate() {
            work[u].push(Work { assignment, item });
        }
    }
    work
}

/// The configuration all three nodes share (each is given its own `--listen`): the database,
/// one checkpoint file and one evidence directory (one machine stands for a shared mount), the
/// scheduler on with short leases so a killed node's claims are taken over within the run, no
/// digest so every notice goes out at once, and one signed webhook robot per unit.
pub fn write_config(dir: &Path, db_url: &str, robots: &str) -> PathBuf {
    let s = |v: &str| serde_json::to_string(v).expect("a TOML string");
    let p = |v: &Path| s(v.to_str().expect("a UTF-8 path"));
    let toml = format!(
        r#"[database]
url = {db}
max_connections = 6

[http]
listen = "127.0.0.1:0"
secure_cookies = false

[audit]
checkpoint_file = {checkpoints}
checkpoint_interval_seconds = 1

[service.evidence]
dir = {evidence}

[service.auth]
# The test's accounts log in with their password alone; every other default holds.
twofactor_roles = []
# HAProxy adds X-Forwarded-For (option forwardfor).
trust_forwarded_for = true

[service.notify]
digest = false
retry_base_seconds = 1
base_url = "http://ducha.test"

[scheduler]
enabled = true
tick_ms = 50
sweep_every_seconds = 5
deliver_every_ms = 100
lease_seconds = 2

[log]
filter = "warn,ducha=info"
{robots}"#,
        db = s(db_url),
        checkpoints = p(&dir.join("chain-checkpoints.log")),
        evidence = p(&dir.join("evidence")),
    );
    let file = dir.join("ducha.toml");
    std::fs::write(&file, toml).expect("write the configuration");
    file
}
