//! What happens to each item: when it is registered, how far it gets, and what goes wrong.

use super::Org;
use super::items::{CITY_ITEMS, COUNTY_ITEMS, Tpl};
use super::names::{COUNTIES, LEADERS};
use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::item::Cadence;

/// A small deterministic generator (splitmix64).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi.saturating_sub(lo) + 1)) as u32
    }

    /// Uniform in `[0, 1)`.
    pub fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.float() < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// `k` distinct elements of `xs`, in their original order.
    pub fn sample<T: Copy>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..xs.len()).collect();
        for i in (1..idx.len()).rev() {
            idx.swap(i, self.below(i + 1));
        }
        let mut chosen: Vec<usize> = idx.into_iter().take(k).collect();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| xs[i]).collect()
    }
}

/// How far an item gets through registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Draft,
    /// Sent back by the leader and left in draft.
    Rejected,
    Pending,
    Approved,
    Dispatched,
}

/// How the lead's work ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    OnTime,
    Late,
    Open,
}

/// A blocked link of the chain (肠梗阻).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stall {
    /// Dispatched and never signed.
    NeverSign,
    /// Signed after two or three weeks.
    SlowSign,
    /// Signed, then silence.
    Silent,
}

/// The fate of one item.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub tpl: &'static Tpl,
    pub title: String,
    pub description: String,
    /// The county index for a county-level item.
    pub county: Option<usize>,
    pub supervisor: i64,
    pub leader: i64,
    pub cadence: Cadence,
    pub public: bool,
    pub created: NaiveDate,
    pub stage: Stage,
    pub reject_once: bool,
    pub deadline: NaiveDate,
    pub outcome: Outcome,
    /// When the (first) lead asks for completion.
    pub finish: Option<NaiveDate>,
    pub ret: bool,
    pub ext: Option<bool>,
    pub refuse: Option<bool>,
    pub help: Option<bool>,
    pub stall: Option<Stall>,
    pub leads: Vec<usize>,
    pub cos: Vec<usize>,
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(d)
    }
}

fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|f| f.pred_opt())
        .unwrap_or(d)
}

/// Resolves a unit list of a template.
fn resolve(org: &Org, rng: &mut Rng, spec: &str, county: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let counties = &org.counties;
    for code in spec.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let units: Vec<usize> = match (code, county) {
            ("C", _) => counties.clone(),
            ("D", _) => counties.iter().copied().take(2).collect(),
            ("X", _) => counties.iter().copied().skip(2).collect(),
            ("C2", _) => rng.sample(counties, 2),
            ("C3", _) => rng.sample(counties, 3),
            (t, Some(c)) if t.starts_with('T') => {
                let towns: Vec<usize> = org.units[counties[c]]
                    .children
                    .iter()
                    .copied()
                    .filter(|&u| org.units[u].kind == ducha_domain::org::UnitKind::Township)
                    .collect();
                match t {
                    "T2" => rng.sample(&towns, 2),
                    "T3" => rng.sample(&towns, 3),
                    _ => towns,
                }
            }
            (d, Some(c)) => {
                let code = format!("{}.{d}", COUNTIES[c].code);
                let alt = format!("{}.zj", COUNTIES[c].code);
                org.unit(&code)
                    .or_else(|| org.unit(&alt))
                    .into_iter()
                    .collect()
            }
            (d, None) => org.unit(d).into_iter().collect(),
        };
        for u in units {
            if !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

/// Plans every item over the working days from `day0` to the day before `today`.
pub(crate) fn plans(
    org: &Org,
    cal: &WorkCalendar,
    rng: &mut Rng,
    day0: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<Vec<Plan>> {
    let mut days = Vec::new();
    let mut d = cal.add_working_days(day0, 1);
    while d < today {
        days.push(d);
        d = cal.add_working_days(d, 1);
    }
    anyhow::ensure!(
        days.len() > 30,
        "the demo needs a few months before --as-of"
    );
    let end = *days.last().context("no working days")?;
    let recent_from = days[days.len() - 8];
    let mut list: Vec<(&'static Tpl, Option<usize>)> =
        CITY_ITEMS.iter().map(|t| (t, None)).collect();
    for c in 0..COUNTIES.len() {
        let picked: Vec<usize> = rng.sample(&(0..COUNTY_ITEMS.len()).collect::<Vec<_>>(), 8);
        list.extend(picked.into_iter().map(|i| (&COUNTY_ITEMS[i], Some(c))));
    }
    let special = [
        Stage::Draft,
        Stage::Pending,
        Stage::Approved,
        Stage::Rejected,
        Stage::Pending,
        Stage::Draft,
        Stage::Approved,
    ];
    let mut recent = 0;
    let mut out = Vec::new();
    for (tpl, county) in list {
        let created = days[rng.below(days.len())];
        let stage = if created >= recent_from && recent < special.len() {
            recent += 1;
            special[recent - 1]
        } else {
            Stage::Dispatched
        };
        let reject_once = stage == Stage::Rejected || rng.chance(0.05);
        let dispatch = cal.add_working_days(created, 4);
        let avail = (end - dispatch).num_days();
        let mut outcome = match rng.float() {
            _ if avail < 25 => Outcome::Open,
            x if x < 0.45 => Outcome::OnTime,
            x if x < 0.58 && avail > 40 => Outcome::Late,
            _ => Outcome::Open,
        };
        let mut ext = None;
        let (mut deadline, mut finish);
        match outcome {
            Outcome::OnTime => {
                let f = add_days(
                    dispatch,
                    i64::from(rng.range(15, (avail - 5).min(100) as u32)),
                );
                finish = Some(f);
                if avail > 45 && f > add_days(dispatch, 30) && rng.chance(0.35) {
                    ext = Some(true);
                    deadline = add_days(f, -i64::from(rng.range(3, 10)));
                } else {
                    deadline = add_days(f, i64::from(rng.range(3, 45)));
                }
            }
            Outcome::Late => {
                let dl = add_days(dispatch, i64::from(rng.range(20, (avail - 15) as u32)));
                let f = add_days(
                    dl,
                    i64::from(rng.range(4, ((end - dl).num_days() - 4).clamp(4, 30) as u32)),
                );
                deadline = dl;
                finish = Some(f);
                if rng.chance(0.3) {
                    ext = Some(false);
                }
            }
            Outcome::Open => {
                finish = None;
                let x = rng.float();
                deadline = if x < 0.35 && avail > 20 {
                    let dl = add_days(dispatch, i64::from(rng.range(15, (avail - 2) as u32)));
                    if rng.chance(0.3) {
                        ext = Some(false);
                    }
                    dl
                } else if x < 0.41 {
                    add_days(today, i64::from(rng.range(0, 4)))
                } else {
                    if rng.chance(0.12) {
                        ext = Some(true);
                    }
                    add_days(today, i64::from(rng.range(10, 150)))
                };
            }
        }
        if ext.is_none() && deadline > add_days(today, 20) && rng.chance(0.4) {
            deadline = month_end(deadline);
        }
        if created >= recent_from {
            // Registered in the last days: a deadline well ahead, whatever comes of it.
            outcome = Outcome::Open;
            finish = None;
            ext = None;
            deadline = deadline.max(add_days(today, 20));
        }
        let (title, scope) = match county {
            Some(c) => (tpl.title.replace("{c}", COUNTIES[c].name), COUNTIES[c].name),
            None => (tpl.title.to_string(), super::names::CITY),
        };
        let description = format!(
            "{}，将{}列入{scope}督办事项。请各承办单位压实责任、细化措施，按时报送进展，确保目标任务按期完成。",
            super::text::source_phrase(tpl.source),
            super::text::quoted(&title),
        );
        let (supervisor, leader) = match county {
            Some(c) => {
                let office = &org.units[org.county_offices[c]];
                let leader = org.units[org.counties[c]].head;
                (
                    *rng.pick(&office.supervisors),
                    leader.context("county without head")?,
                )
            }
            None => {
                let party = matches!(tpl.source, "meeting" | "instruction" | "key_work");
                let office = &org.units[org
                    .unit(if party { "sw" } else { "zf" })
                    .context("office")?];
                let lead_dept = tpl
                    .lead
                    .split(',')
                    .chain(tpl.co.split(','))
                    .filter_map(|c| org.unit(c))
                    .find_map(|u| org.units[u].leader);
                let who = if tpl.priority == "urgent" && tpl.source == "instruction" {
                    1
                } else {
                    lead_dept.unwrap_or(1)
                };
                debug_assert!(who < LEADERS.len());
                (*rng.pick(&office.supervisors), org.leaders[who])
            }
        };
        let cadence = match (tpl.priority, tpl.source) {
            ("urgent", _) => Cadence::Weekly { weekday: 5 },
            (_, "major_project") => Cadence::Monthly { day: 10 },
            (_, "npc_suggestion" | "cppcc_proposal") => Cadence::Monthly { day: 25 },
            (_, "citizen_appeal") => Cadence::EveryWorkingDays { n: 10 },
            _ => Cadence::Monthly { day: 5 },
        };
        let leads = resolve(org, rng, tpl.lead, county);
        let cos: Vec<usize> = resolve(org, rng, tpl.co, county)
            .into_iter()
            .filter(|u| !leads.contains(u))
            .collect();
        anyhow::ensure!(!leads.is_empty(), "no lead unit for {title}");
        let open = outcome == Outcome::Open;
        out.push(Plan {
            tpl,
            title,
            description,
            county,
            supervisor,
            leader,
            cadence,
            public: tpl.public,
            created,
            stage,
            reject_once,
            deadline,
            outcome,
            finish,
            ret: !open && rng.chance(0.25),
            ext,
            refuse: rng.chance(0.14).then(|| rng.chance(0.5)),
            // Every help request of the random history gets its answer (the draw is kept so the
            // rest of the history stays as it was); the one left unanswered is the story's.
            help: rng.chance(0.22).then(|| {
                rng.chance(0.65);
                true
            }),
            stall: (open && rng.chance(0.4)).then(|| match rng.below(3) {
                0 => Stall::NeverSign,
                1 => Stall::SlowSign,
                _ => Stall::Silent,
            }),
            leads,
            cos,
        });
    }
    Ok(out)
}
