//! The demo city 青山市: its organisation, about two hundred people, and four months of
//! supervision history played through the real use cases on a simulated clock.
//!
//! Everything is deterministic for a given `today`: one fixed-seed generator, fixed iteration
//! order, simulated timestamps. The only random bytes are the salt of the one password hash,
//! which no event records.

mod appeals;
mod asks;
mod behave;
mod bulletins;
mod hot;
mod items;
mod joint;
mod names;
mod plan;
mod proposals;
mod scores;
mod security;
mod sim;
mod story;
mod text;
mod work;

use super::DEMO_PASSWORD;
use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use ducha_domain::org::UnitKind;
use ducha_service::Services;
use ducha_service::org::{UnitInput, UserInput};
use names::{BODIES, BRANCHES, CITY, COUNTIES, COUNTY_DEPTS, DEPARTMENTS, DISTRICT_DEPTS};
use plan::Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// (role, username, who) of the accounts printed at start.
pub const LOGINS: &[(&str, &str, &str)] = &[
    ("系统管理员 system admin", "sysadmin", "钱磊，青山市"),
    ("安全管理员 security admin", "secadmin", "冯雪，青山市"),
    ("审计管理员 audit admin", "auditadmin", "蒋涛，青山市"),
    ("督查员 supervisor", "zf.ducha1", "赵立军，市政府督查室"),
    ("督查员 supervisor", "sw.ducha1", "王晓燕，市委督查室"),
    ("市长 mayor", "shizhang", "林志远，青山市市长"),
    (
        "分管副市长 vice mayor",
        "fushizhang2",
        "刘建明，分管城建、交通、应急",
    ),
    (
        "县长 county head",
        "yunxi.head",
        "孙红梅，云溪县县长（领导、单位负责人）",
    ),
    (
        "县督查员 county supervisor",
        "yunxi.dcs",
        "宋佳，云溪县政府督查室",
    ),
    (
        "县联络员 county liaison",
        "yunxi.liaison",
        "李文博，云溪县人民政府办公室",
    ),
    (
        "乡镇联络员 township liaison",
        "longtan.liaison",
        "张小勇，云溪县龙潭镇",
    ),
    (
        "部门负责人 department head",
        "zjj.head",
        "黄志强，市住房城乡建设局局长",
    ),
    (
        "部门联络员 department liaison",
        "zjj.liaison",
        "吴静，市住房城乡建设局",
    ),
];

/// One unit of the demo tree, with the people who act for it.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    /// Units below it that take work (not supervision bodies).
    pub children: Vec<usize>,
    /// The county it belongs to (index into `Org::counties`), for county-level units.
    pub county: Option<usize>,
    pub head: Option<i64>,
    pub liaisons: Vec<i64>,
    pub supervisors: Vec<i64>,
    /// The vice mayor in charge (index into `LEADERS`), for city departments.
    pub leader: Option<usize>,
}

/// The demo tree.
#[derive(Debug, Default)]
pub(crate) struct Org {
    pub units: Vec<Unit>,
    pub by_code: BTreeMap<String, usize>,
    pub by_id: HashMap<i64, usize>,
    /// The county units, in `COUNTIES` order.
    pub counties: Vec<usize>,
    /// Each county's supervision office.
    pub county_offices: Vec<usize>,
    /// User ids of `LEADERS`.
    pub leaders: Vec<i64>,
    pub users: usize,
}

impl Org {
    pub fn unit(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Who acts for a unit day to day: a liaison, else the head.
    pub fn liaison(&self, u: usize, rng: &mut Rng) -> Option<i64> {
        let unit = &self.units[u];
        if unit.liaisons.is_empty() {
            unit.head
        } else {
            Some(unit.liaisons[rng.below(unit.liaisons.len())])
        }
    }

    /// Who decides for a unit: the head, else a liaison.
    pub fn head(&self, u: usize) -> Option<i64> {
        let unit = &self.units[u];
        unit.head.or_else(|| unit.liaisons.first().copied())
    }
}

/// The instant at a China-local date and time.
pub(crate) fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    ducha_domain::chain::normalize_time((local - chrono::Duration::hours(8)).and_utc())
}

struct Builder<'a> {
    s: &'a Services,
    org: Org,
    rng: Rng,
    hash: String,
    clock: NaiveDateTime,
    taken: BTreeSet<String>,
}

impl Builder<'_> {
    fn tick(&mut self) -> DateTime<Utc> {
        self.clock += chrono::Duration::seconds(3 + i64::from(self.rng.range(0, 9)));
        utc(self.clock)
    }

    async fn unit(
        &mut self,
        parent: Option<usize>,
        code: &str,
        name: &str,
        kind: UnitKind,
    ) -> anyhow::Result<usize> {
        let now = self.tick();
        let input = UnitInput {
            parent_id: parent.map(|p| self.org.units[p].id),
            name: name.to_string(),
            kind: kind.as_str().to_string(),
            sort: self.org.units.len() as i64,
        };
        let id = self.s.create_unit(None, &input, now).await?;
        let idx = self.org.units.len();
        let county = parent.and_then(|p| {
            self.org.units[p]
                .county
                .or_else(|| self.org.counties.iter().position(|&c| c == p))
        });
        self.org.units.push(Unit {
            id,
            name: name.to_string(),
            kind,
            children: vec![],
            county,
            head: None,
            liaisons: vec![],
            supervisors: vec![],
            leader: None,
        });
        if let Some(p) = parent
            && kind != UnitKind::SupervisionBody
        {
            self.org.units[p].children.push(idx);
        }
        self.org.by_code.insert(code.to_string(), idx);
        self.org.by_id.insert(id, idx);
        Ok(idx)
    }

    fn person(&mut self, username: &str) -> String {
        let fixed = names::NAMED
            .iter()
            .map(|&(u, n)| (u, n))
            .chain(names::LEADERS.iter().map(|&(u, n, _)| (u, n)))
            .find(|&(u, _)| u == username);
        if let Some((_, n)) = fixed {
            self.taken.insert(n.to_string());
            return n.to_string();
        }
        loop {
            let pool = if self.rng.chance(0.55) {
                names::MALE
            } else {
                names::FEMALE
            };
            let mut n = (*self.rng.pick(names::SURNAMES)).to_string();
            let first = *self.rng.pick(pool);
            n.push_str(first);
            if self.rng.chance(0.7) {
                let second = *self.rng.pick(pool);
                if second != first || pool == names::FEMALE {
                    n.push_str(second);
                }
            }
            if !self.taken.contains(&n) && !names::NAMED.iter().any(|(_, f)| *f == n) {
                self.taken.insert(n.clone());
                return n;
            }
        }
    }

    async fn user(&mut self, unit: usize, username: &str, roles: &[&str]) -> anyhow::Result<i64> {
        let now = self.tick();
        let position = names::position(username, &self.org.units[unit].name);
        let input = UserInput {
            username: username.to_string(),
            display_name: self.person(username),
            unit_id: self.org.units[unit].id,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            password: DEMO_PASSWORD.to_string(),
            phone: String::new(),
            email: String::new(),
            position,
        };
        let id = self
            .s
            .create_user_with_hash(None, &input, self.hash.clone(), now)
            .await
            .with_context(|| format!("creating user {username}"))?;
        self.org.users += 1;
        let u = &mut self.org.units[unit];
        for r in roles {
            match *r {
                "unit_head" => u.head = Some(id),
                "liaison" => u.liaisons.push(id),
                "supervisor" => u.supervisors.push(id),
                _ => {}
            }
        }
        Ok(id)
    }

    /// A unit with its head and liaison (and a second liaison when asked).
    async fn staffed(
        &mut self,
        parent: usize,
        code: &str,
        name: &str,
        kind: UnitKind,
        second: bool,
    ) -> anyhow::Result<usize> {
        let u = self.unit(Some(parent), code, name, kind).await?;
        self.user(u, &format!("{code}.head"), &["unit_head"])
            .await?;
        self.user(u, &format!("{code}.liaison"), &["liaison"])
            .await?;
        if second {
            self.user(u, &format!("{code}.liaison2"), &["liaison"])
                .await?;
        }
        Ok(u)
    }

    async fn build(&mut self) -> anyhow::Result<()> {
        let city = self.unit(None, "city", CITY, UnitKind::City).await?;
        for (name, role) in [
            ("sysadmin", "system_admin"),
            ("secadmin", "security_admin"),
            ("auditadmin", "audit_admin"),
        ] {
            self.user(city, name, &[role]).await?;
        }
        for (username, _, _) in names::LEADERS {
            let id = self.user(city, username, &["leader"]).await?;
            self.org.leaders.push(id);
        }
        for &(code, name, supervisors) in BODIES {
            let u = self
                .unit(Some(city), code, name, UnitKind::SupervisionBody)
                .await?;
            if supervisors == 0 {
                self.user(u, &format!("{code}.head"), &["unit_head"])
                    .await?;
                self.user(u, &format!("{code}.liaison"), &["liaison"])
                    .await?;
            }
            for k in 1..=supervisors {
                self.user(u, &format!("{code}.ducha{k}"), &["supervisor"])
                    .await?;
            }
        }
        for &(code, name, vice, second) in DEPARTMENTS {
            let u = self
                .staffed(city, code, name, UnitKind::Department, second)
                .await?;
            self.org.units[u].leader = Some(vice + 1);
        }
        for c in COUNTIES {
            let cu = self
                .unit(Some(city), c.code, c.name, UnitKind::County)
                .await?;
            self.org.counties.push(cu);
            let head = format!("{}.head", c.code);
            self.user(cu, &head, &["leader", "unit_head"]).await?;
            self.user(cu, &format!("{}.liaison", c.code), &["liaison"])
                .await?;
            self.user(cu, &format!("{}.liaison2", c.code), &["liaison"])
                .await?;
            let office = format!("{}政府督查室", c.name);
            let o = self
                .unit(
                    Some(cu),
                    &format!("{}.dcs", c.code),
                    &office,
                    UnitKind::SupervisionBody,
                )
                .await?;
            self.org.county_offices.push(o);
            self.user(o, &format!("{}.dcs", c.code), &["supervisor"])
                .await?;
            let depts = if c.district {
                DISTRICT_DEPTS
            } else {
                COUNTY_DEPTS
            };
            for (code, suffix) in depts {
                self.staffed(
                    cu,
                    &format!("{}.{code}", c.code),
                    &format!("{}{suffix}", c.name),
                    UnitKind::Department,
                    false,
                )
                .await?;
            }
            for (code, name, villages) in c.townships {
                let t = self
                    .staffed(cu, code, name, UnitKind::Township, false)
                    .await?;
                for (vcode, vname) in *villages {
                    let v = self.unit(Some(t), vcode, vname, UnitKind::Village).await?;
                    self.user(v, &format!("{vcode}.liaison"), &["unit_head", "liaison"])
                        .await?;
                }
            }
        }
        for &(parent, code, name) in BRANCHES {
            let p = self
                .org
                .unit(parent)
                .context("branch of an unknown department")?;
            if code.contains('*') {
                for c in COUNTIES {
                    let short = c.name.trim_end_matches(['区', '县', '市']);
                    let code = code.replace('*', c.code);
                    let name = name.replace('*', short);
                    self.staffed(p, &code, &name, UnitKind::Department, false)
                        .await?;
                }
            } else {
                self.staffed(p, code, name, UnitKind::Department, false)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Seeds everything; returns a one-line summary.
pub async fn seed(services: &Services, today: NaiveDate) -> anyhow::Result<String> {
    let cal = services.calendar();
    let start = today
        .checked_sub_days(Days::new(122))
        .context("date out of range")?;
    let day0 = cal.next_working_day_from(start);
    // The calendar table is the first entry of the chain, as on a real first start.
    services
        .init_calendar(utc(
            day0.and_time(NaiveTime::from_hms_opt(7, 0, 0).context("time")?)
        ))
        .await?;
    let hash = ducha_service::auth::hash_password(DEMO_PASSWORD)?;
    let mut b = Builder {
        s: services,
        org: Org::default(),
        rng: Rng::new(0x6475_6368_6132_3032),
        hash,
        clock: day0.and_time(NaiveTime::from_hms_opt(8, 30, 0).context("time")?),
        taken: BTreeSet::new(),
    };
    b.build().await?;
    let Builder {
        org,
        mut rng,
        clock,
        ..
    } = b;
    let plans = plan::plans(&org, &cal, &mut rng, day0, today)?;
    let mut sim = sim::Sim::new(services, &org, plans, rng, clock, today);
    sim.plan_story();
    sim.plan_scores();
    sim.plan_joint();
    sim.plan_proposals();
    sim.run().await?;
    security::story(services, &org).await?;
    // The 12345 orders of the earlier weeks, the office's work on their hot issues, then the
    // latest orders.
    let mut appeals = appeals::story(services, &org, today, true).await?;
    hot::story(services, &org, today).await?;
    appeals += appeals::story(services, &org, today, false).await?;
    services.hot_release().await;
    bulletins::story(services, today).await?;
    let (events, _, _) = services.store.chain_head().await?;
    let count = |k: UnitKind| org.units.iter().filter(|u| u.kind == k).count();
    Ok(format!(
        "{} counties, {} departments, {} townships, {} villages, {} supervision bodies, \
         {} users, {} items, {} assignments, {appeals} citizens' appeals, {events} events",
        count(UnitKind::County),
        count(UnitKind::Department),
        count(UnitKind::Township),
        count(UnitKind::Village),
        count(UnitKind::SupervisionBody),
        org.users,
        sim.items_created(),
        sim.assignments_created(),
    ))
}
