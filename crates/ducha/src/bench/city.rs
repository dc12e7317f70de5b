//! The synthetic city: a tree of counties, departments and townships, items dispatched to eight
//! units each, all created through the real use cases so rows and events are genuine.

use super::BenchArgs;
use anyhow::Context;
use chrono::Duration;
use ducha_domain::item::{ItemInput, Target};
use ducha_domain::org::Actor;
use ducha_service::Services;
use ducha_service::items::{AssignmentInput, DispatchInput};
use ducha_service::org::{UnitInput, UserInput};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// Deterministic pseudo-random numbers (splitmix64).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n.max(1) as u64) as usize
    }
}

/// What was built.
#[derive(Debug, Clone, Serialize)]
pub struct CityStats {
    /// Units.
    pub units: usize,
    /// Users.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Assignments.
    pub assignments: usize,
    /// Events in the chain after building.
    pub events: i64,
    /// Seconds to build.
    pub build_seconds: f64,
}

impl fmt::Display for CityStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} units, {} users, {} items, {} assignments, {} events, built in {:.1} s",
            self.units, self.users, self.items, self.assignments, self.events, self.build_seconds
        )
    }
}

/// The city and the handles the load phases need.
pub struct City {
    /// Sizes.
    pub stats: CityStats,
    /// Signed assignments with their unit liaison's API token.
    pub reportable: Vec<(i64, String)>,
    /// API tokens of readers for the list benchmark: supervisor, county and township liaisons.
    pub readers: Vec<String>,
    /// The supervisor's user id.
    pub sup: i64,
    /// The leader's user id.
    pub lead: i64,
    /// The counties, in order.
    pub counties: Vec<i64>,
    /// Each township with its county.
    pub townships: Vec<(i64, i64)>,
    /// Each target unit's liaison (user id).
    pub liaison: HashMap<i64, i64>,
}

const TOPICS: &[&str] = &[
    "停车难专项整治",
    "老旧小区改造",
    "营商环境优化",
    "河湖长制落实",
    "农村人居环境整治",
    "校园周边安全治理",
    "12345热线诉求办理",
    "重大项目建设推进",
    "安全生产大检查",
    "城乡医保扩面",
];

/// Creates a fresh PostgreSQL database on the server at `url`; returns its URL.
pub async fn fresh_pg_database(url: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("cannot reach PostgreSQL")?;
    let name = format!(
        "ducha_bench_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp()
    );
    let sql = format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(format!("{server}/{name}{q}"))
}

async fn unit(s: &Services, parent: Option<i64>, name: String, kind: &str) -> anyhow::Result<i64> {
    let input = UnitInput {
        parent_id: parent,
        name,
        kind: kind.into(),
        sort: 0,
    };
    s.create_unit(None, &input, ducha_service::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
}

async fn user(
    s: &Services,
    hash: &str,
    name: String,
    unit: i64,
    role: &str,
) -> anyhow::Result<i64> {
    let input = UserInput {
        username: name.clone(),
        display_name: name,
        unit_id: unit,
        roles: vec![role.into()],
        password: "Bench2026pass".into(),
        phone: String::new(),
        email: String::new(),
        position: String::new(),
    };
    s.create_user_with_hash(None, &input, hash.to_string(), ducha_service::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
}

fn err(e: ducha_service::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// Builds the city.
pub async fn build(s: &Services, args: &BenchArgs) -> anyhow::Result<City> {
    let start = std::time::Instant::now();
    let hash = ducha_service::auth::hash_password("Bench2026pass").map_err(err)?;
    let city = unit(s, None, "基准市".into(), "city").await?;
    let office = unit(s, Some(city), "基准市督查室".into(), "supervision_body").await?;
    let counties: Vec<i64> = {
        let mut v = Vec::new();
        for i in 0..10 {
            v.push(unit(s, Some(city), format!("第{i}县"), "county").await?);
        }
        v
    };
    let mut targets = counties.clone();
    for i in 0..40 {
        targets.push(unit(s, Some(city), format!("市第{i}局"), "department").await?);
    }
    let mut townships = Vec::new();
    for i in 0..args.units.saturating_sub(52) {
        let t = unit(
            s,
            Some(counties[i % counties.len()]),
            format!("第{i}镇"),
            "township",
        )
        .await?;
        townships.push((t, counties[i % counties.len()]));
        targets.push(t);
    }
    let sup = user(s, &hash, "sup".into(), office, "supervisor").await?;
    let lead = user(s, &hash, "lead".into(), city, "leader").await?;
    let mut liaison = HashMap::new();
    for &u in &targets {
        liaison.insert(
            u,
            user(s, &hash, format!("liaison{u}"), u, "liaison").await?,
        );
    }
    let (sup_id, lead_id) = (sup, lead);
    let (sup, lead) = (
        s.actor(sup).await.map_err(err)?,
        s.actor(lead).await.map_err(err)?,
    );

    let mut rng = Rng::new(0xD0C4A);
    let items = args.assignments.div_ceil(8).max(1);
    let today = s.today(ducha_service::now());
    let mut assignments = Vec::new();
    for n in 0..items {
        let now = ducha_service::now();
        let input = ItemInput {
            title: format!("{}（第{n}项）", TOPICS[n % TOPICS.len()]),
            description: String::new(),
            source: ducha_domain::item::Source::ALL[n % 9].as_str().into(),
            category: ducha_domain::item::Category::ALL[n % 3].as_str().into(),
            priority: None,
            targets: vec![Target {
                name: "完成数".into(),
                unit: "项".into(),
                value: 100.0,
            }],
            deadline: Some(today + Duration::days(30 + (n % 200) as i64)),
            deadline_working_days: None,
            cadence: None,
            leader_id: None,
            public: n % 5 == 0,
        };
        let id = s.create_item(&sup, &input, now).await.map_err(err)?.id;
        s.submit_item(&sup, id, now).await.map_err(err)?;
        s.approve_item(&lead, id, "", now).await.map_err(err)?;
        let mut picked: Vec<i64> = Vec::new();
        while picked.len() < 8.min(targets.len()) {
            let u = targets[rng.below(targets.len())];
            if !picked.contains(&u) {
                picked.push(u);
            }
        }
        let dispatch = DispatchInput {
            assignments: picked
                .iter()
                .enumerate()
                .map(|(i, &u)| AssignmentInput {
                    unit_id: u,
                    role: if i == 0 { "lead" } else { "co" }.into(),
                    deadline: None,
                    deadline_working_days: None,
                    targets: None,
                    instructions: String::new(),
                    responsible_user_id: None,
                })
                .collect(),
        };
        let created = s
            .dispatch_item(&sup, id, &dispatch, now)
            .await
            .map_err(err)?;
        assignments.extend(created.ids.iter().copied().zip(picked));
    }

    let mut tokens: HashMap<i64, String> = HashMap::new();
    let mut token_for = async |user_id: i64| -> anyhow::Result<String> {
        if let Some(t) = tokens.get(&user_id) {
            return Ok(t.clone());
        }
        let actor: Actor = s.actor(user_id).await.map_err(err)?;
        let input = ducha_service::tokens::TokenInput {
            name: "bench".into(),
            scope: Some("write".into()),
            areas: vec![],
            days: None,
        };
        let t = s
            .create_token(&actor, false, &input, ducha_service::now())
            .await
            .map_err(err)?
            .secret;
        tokens.insert(user_id, t.clone());
        Ok(t)
    };
    let mut reportable = Vec::new();
    let sign = ducha_service::assignments::SignInput::default();
    for &(aid, unit_id) in assignments.iter().step_by(7).take(2000) {
        let uid = liaison[&unit_id];
        let actor = s.actor(uid).await.map_err(err)?;
        s.sign_assignment(&actor, aid, &sign, ducha_service::now())
            .await
            .map_err(err)?;
        reportable.push((aid, token_for(uid).await?));
    }
    let mut readers = vec![token_for(sup.user_id.0).await?];
    for &c in counties.iter().take(5) {
        readers.push(token_for(liaison[&c]).await?);
    }
    for &(t, _) in townships.iter().take(10) {
        readers.push(token_for(liaison[&t]).await?);
    }
    let (events, _, _) = s.store.chain_head().await?;
    Ok(City {
        stats: CityStats {
            units: 52 + townships.len(),
            users: 2 + liaison.len(),
            items,
            assignments: assignments.len(),
            events,
            build_seconds: start.elapsed().as_secs_f64(),
        },
        reportable,
        readers,
        sup: sup_id,
        lead: lead_id,
        counties,
        townships,
        liaison,
    })
}
