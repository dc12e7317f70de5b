//! The sweep benchmark's synthetic city, generated in memory from a fixed seed: an organisation
//! tree with its heads and liaisons, dispatched items with a mix of report cadences, their open
//! assignments (decomposed to townships and villages), and the urge notices the sweeps of the
//! weeks before the measured day would have issued, escalated and met — replayed day by day
//! with the domain's own light and notice rules, so the measured sweep starts from the state a
//! running system would have (`sweep_history`). `sweep_sql` writes it to the real schema.

use super::city::Rng;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::item::{Cadence, Category, Priority, Source};
use ducha_domain::light::{LightFacts, last_due_window, pace_percent};
use ducha_domain::notice::{NoticeCause, NoticeLevel, NoticeState};
use std::collections::HashMap;

/// Counties, city departments, townships per county and villages per township.
const COUNTIES: usize = 12;
const DEPARTMENTS: usize = 60;
const TOWNSHIPS: usize = 20;
const VILLAGES: usize = 10;

/// Share of items whose deadline passed two to twenty working days ago, passed yesterday,
/// and is today; the rest fall due over the next 200 days.
const LONG_OVERDUE: f64 = 0.008;
const DUE_YESTERDAY: f64 = 0.0025;
const DUE_TODAY: f64 = 0.0025;
/// Share of open assignments past (or at) their deadline that await the review of a
/// completion request.
const WAITING_AT_DEADLINE: f64 = 0.55;
/// Chance that a unit did not report for the latest period that fell due.
const LAPSE: f64 = 0.02;
/// Chance that a unit behind on reports for more than a day has not reported since.
const STILL_LAPSED: f64 = 0.2;

/// Number prefixes of the city's own items and notices (the configured defaults; the
/// store counts numbers per prefix in `counters`).
const ITEM_PREFIX: &str = "督";
pub(super) const NOTICE_PREFIX: &str = "督催";

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

/// A unit with its materialised paths, as the store computes them.
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: &'static str,
    pub path: String,
    pub jurisdiction_path: String,
}

/// A user.
pub struct User {
    pub id: i64,
    pub username: String,
    pub unit_id: i64,
    pub roles: &'static str,
}

/// A dispatched item.
pub struct Item {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub source: Source,
    pub category: Category,
    pub priority: Priority,
    pub deadline: NaiveDate,
    pub cadence: Cadence,
    pub public: bool,
    pub created_at: DateTime<Utc>,
    pub dispatched_at: DateTime<Utc>,
}

/// An open assignment.
pub struct Assignment {
    pub id: i64,
    pub item: usize,
    pub parent_id: Option<i64>,
    pub unit: usize,
    pub lead: bool,
    pub responsible_user_id: Option<i64>,
    pub deadline: NaiveDate,
    pub state: AssignmentState,
    pub dispatched_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub returned_count: i64,
    pub progress: Option<i64>,
    pub last_report_at: Option<DateTime<Utc>>,
    pub returned_open: bool,
    pub has_children: bool,
}

/// An urge notice issued before the measured day.
pub struct Notice {
    pub id: i64,
    pub number: String,
    pub assignment: usize,
    pub level: NoticeLevel,
    pub cause: NoticeCause,
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
    pub state: NoticeState,
    pub issued_at: DateTime<Utc>,
    pub previous_id: Option<i64>,
    pub acknowledged: Option<(i64, DateTime<Utc>)>,
    pub resolved_on: Option<NaiveDate>,
}

/// A summons recommendation.
pub struct Summons {
    pub id: i64,
    pub unit_id: i64,
    pub notice_id: i64,
    pub reds: i64,
    pub created_at: DateTime<Utc>,
}

/// A valid reason to wait: a pending extension (`to_unit` none) or an unanswered help request
/// to the level above.
pub struct Excuse {
    pub assignment: usize,
    pub to_unit: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// The whole synthetic city.
pub struct SweepCity {
    pub day: NaiveDate,
    pub units: Vec<Unit>,
    pub users: Vec<User>,
    pub items: Vec<Item>,
    pub assignments: Vec<Assignment>,
    pub notices: Vec<Notice>,
    pub summonses: Vec<Summons>,
    pub excuses: Vec<Excuse>,
    /// `(name, year, last_seq)` of the number counters of items and notices.
    pub counters: Vec<(String, i64, i64)>,
    pub supervisor: i64,
    /// Head and liaison user of each unit (by unit index).
    pub staff: Vec<(i64, i64)>,
}

impl SweepCity {
    /// The facts the light rules read from an assignment.
    pub fn facts(&self, a: &Assignment) -> LightFacts {
        LightFacts {
            state: a.state,
            deadline: a.deadline,
            dispatched_on: china(a.dispatched_at),
            progress: a.progress,
            last_report_on: a.last_report_at.map(china),
            returned: a.returned_open,
            cadence: self.items[a.item].cadence,
        }
    }

    /// Open notices.
    pub fn open_notices(&self) -> usize {
        self.notices
            .iter()
            .filter(|n| n.state == NoticeState::Open)
            .count()
    }
}

/// The date in China.
pub fn china(t: DateTime<Utc>) -> NaiveDate {
    ducha_domain::calendar::china_date(t)
}

/// `day` at `hour:minute` China time.
pub fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    Utc.from_utc_datetime(&local) - chrono::Duration::hours(8)
}

pub(super) fn chance(rng: &mut Rng, p: f64) -> bool {
    (rng.below(1_000_000) as f64) < p * 1_000_000.0
}

/// A day in `[lo, hi]`, if the range is not empty.
fn day_in(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> Option<NaiveDate> {
    let span = (hi - lo).num_days();
    (span >= 0).then(|| lo + chrono::Duration::days(rng.below(span as usize + 1) as i64))
}

pub(super) fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + chrono::Duration::days(days)
}

fn working_days_before(cal: &WorkCalendar, mut d: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        d = d.pred_opt().unwrap_or(d);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Builds the units and their users; returns the first-level units (counties and
/// departments) and each county's townships and each township's villages, by unit index.
struct Tree {
    first_level: Vec<usize>,
    below: HashMap<usize, Vec<usize>>,
}

fn tree(units: &mut Vec<Unit>) -> Tree {
    let add = |units: &mut Vec<Unit>, parent: Option<usize>, name: String, kind: &'static str| {
        let id = units.len() as i64 + 1;
        let (path, jurisdiction_path, parent_id) = match parent {
            Some(p) => {
                let p = &units[p];
                let path = format!("{}{id}/", p.path);
                let j = if matches!(kind, "city" | "county" | "township") {
                    path.clone()
                } else {
                    p.jurisdiction_path.clone()
                };
                (path, j, Some(p.id))
            }
            None => (format!("/{id}/"), format!("/{id}/"), None),
        };
        units.push(Unit {
            id,
            parent_id,
            name,
            kind,
            path,
            jurisdiction_path,
        });
        units.len() - 1
    };
    let city = add(units, None, "基准市".into(), "city");
    add(units, Some(city), "基准市督查室".into(), "supervision_body");
    let mut first_level = Vec::new();
    let mut below: HashMap<usize, Vec<usize>> = HashMap::new();
    for c in 0..COUNTIES {
        let county = add(units, Some(city), format!("第{c}县"), "county");
        first_level.push(county);
        for t in 0..TOWNSHIPS {
            let town = add(units, Some(county), format!("第{c}县第{t}镇"), "township");
            below.entry(county).or_default().push(town);
            for v in 0..VILLAGES {
                let village = add(
                    units,
                    Some(town),
                    format!("第{c}县第{t}镇第{v}村"),
                    "village",
                );
                below.entry(town).or_default().push(village);
            }
        }
    }
    for d in 0..DEPARTMENTS {
        first_level.push(add(units, Some(city), format!("市第{d}局"), "department"));
    }
    Tree { first_level, below }
}

/// One item's dispatch: each first-level unit with the townships it hands the work on to, and
/// the villages each of those hands it on to (unit indexes).
type Plan = Vec<(usize, Vec<(usize, Vec<usize>)>)>;

/// Generates the city for `n` open assignments, the measured day being `day`.
pub fn generate(n: usize, day: NaiveDate, cal: &WorkCalendar, seed: u64) -> SweepCity {
    let mut rng = Rng::new(seed);
    let mut units = Vec::new();
    let tree = tree(&mut units);
    let mut users = Vec::new();
    let add_user = |users: &mut Vec<User>, name: String, unit_id: i64, roles| {
        let id = users.len() as i64 + 1;
        users.push(User {
            id,
            username: name,
            unit_id,
            roles,
        });
        id
    };
    let supervisor = add_user(&mut users, "sup".into(), 2, "supervisor");
    add_user(&mut users, "lead".into(), 1, "leader");
    let mut staff = vec![(0, 0); units.len()];
    for (i, u) in units.iter().enumerate().skip(2) {
        let head = add_user(&mut users, format!("head{}", u.id), u.id, "unit_head");
        let liaison = add_user(&mut users, format!("liaison{}", u.id), u.id, "liaison");
        staff[i] = (head, liaison);
    }

    let yesterday = working_days_before(cal, day, 1);
    let mut items = Vec::new();
    let mut assignments: Vec<Assignment> = Vec::with_capacity(n);
    let mut item_seq: HashMap<i64, i64> = HashMap::new();
    while assignments.len() < n {
        let idx = items.len();
        let bucket = rng.below(1_000_000) as f64 / 1_000_000.0;
        let deadline = if bucket < LONG_OVERDUE {
            working_days_before(cal, day, 2 + rng.below(19) as u32)
        } else if bucket < LONG_OVERDUE + DUE_YESTERDAY {
            yesterday
        } else if bucket < LONG_OVERDUE + DUE_YESTERDAY + DUE_TODAY {
            day
        } else {
            cal.next_working_day_from(plus(day, 1 + rng.below(200) as i64))
        };
        let lo = plus(deadline, -365).max(plus(day, -240));
        let hi = plus(deadline, -14).min(plus(day, -1));
        let dispatched_on = day_in(&mut rng, lo, hi).unwrap_or(hi);
        let dispatched_at = at(dispatched_on, 9 + rng.below(8) as u32, rng.below(60) as u32);
        let created_at = dispatched_at - chrono::Duration::days(2);
        let cadence = match rng.below(10) {
            0..=3 => Cadence::None,
            4..=6 => Cadence::Weekly {
                weekday: 1 + rng.below(5) as u8,
            },
            7 | 8 => Cadence::Monthly {
                day: [1, 5, 10, 15, 20, 25, 28][rng.below(7)],
            },
            _ => Cadence::EveryWorkingDays {
                n: [5, 10, 15, 20][rng.below(4)],
            },
        };
        let year = created_at.year();
        let seq = item_seq.entry(i64::from(year)).or_insert(0);
        *seq += 1;
        items.push(Item {
            id: idx as i64 + 1,
            number: ducha_domain::item::format_number(ITEM_PREFIX, year, *seq),
            title: format!("{}（第{idx}项）", TOPICS[idx % TOPICS.len()]),
            source: Source::ALL[rng.below(Source::ALL.len())],
            category: Category::ALL[rng.below(Category::ALL.len())],
            priority: match rng.below(20) {
                0 => Priority::Urgent,
                1..=3 => Priority::High,
                _ => Priority::Normal,
            },
            deadline,
            cadence,
            public: idx % 5 == 0,
            created_at,
            dispatched_at,
        });
        // The plan: first-level units, and the townships (and villages) a county hands on to.
        let mut first: Vec<usize> = Vec::new();
        let want = 2 + rng.below(5);
        while first.len() < want {
            let u = tree.first_level[rng.below(tree.first_level.len())];
            if !first.contains(&u) {
                first.push(u);
            }
        }
        let mut plan: Plan = Vec::new();
        for &u in &first {
            let mut subs = Vec::new();
            if let Some(towns) = tree.below.get(&u).filter(|_| chance(&mut rng, 0.7)) {
                for _ in 0..2 + rng.below(3) {
                    let t = towns[rng.below(towns.len())];
                    if subs.iter().any(|(s, _)| *s == t) {
                        continue;
                    }
                    let mut villages = Vec::new();
                    if chance(&mut rng, 0.3) {
                        let vs = &tree.below[&t];
                        for _ in 0..1 + rng.below(2) {
                            let v = vs[rng.below(vs.len())];
                            if !villages.contains(&v) {
                                villages.push(v);
                            }
                        }
                    }
                    subs.push((t, villages));
                }
            }
            plan.push((u, subs));
        }
        let mut g = Gen {
            rng: &mut rng,
            cal,
            day,
            item: idx,
            cadence,
            deadline,
        };
        'plan: for (i, (u, subs)) in plan.iter().enumerate() {
            if assignments.len() >= n {
                break;
            }
            let parent = g.assignment(
                &mut assignments,
                None,
                *u,
                i == 0,
                !subs.is_empty(),
                dispatched_at,
                &staff,
            );
            for (j, (t, villages)) in subs.iter().enumerate() {
                if assignments.len() >= n {
                    break 'plan;
                }
                let (pid, pat) = (assignments[parent].id, assignments[parent].dispatched_at);
                let town = g.assignment(
                    &mut assignments,
                    Some(pid),
                    *t,
                    j == 0,
                    !villages.is_empty(),
                    pat,
                    &staff,
                );
                for (k, v) in villages.iter().enumerate() {
                    if assignments.len() >= n {
                        break 'plan;
                    }
                    let (tid, tat) = (assignments[town].id, assignments[town].dispatched_at);
                    g.assignment(&mut assignments, Some(tid), *v, k == 0, false, tat, &staff);
                }
            }
        }
    }
    let counters = item_seq
        .into_iter()
        .map(|(y, s)| (format!("item:{ITEM_PREFIX}"), y, s))
        .collect();
    let mut city = SweepCity {
        day,
        units,
        users,
        items,
        assignments,
        notices: Vec::new(),
        summonses: Vec::new(),
        excuses: Vec::new(),
        counters,
        supervisor,
        staff,
    };
    super::sweep_history::excuses(&mut city, &mut rng);
    super::sweep_history::replay_notices(&mut city, &mut rng, cal);
    city
}

/// Draws one assignment's state and history.
struct Gen<'a> {
    rng: &'a mut Rng,
    cal: &'a WorkCalendar,
    day: NaiveDate,
    item: usize,
    cadence: Cadence,
    deadline: NaiveDate,
}

impl Gen<'_> {
    #[allow(clippy::too_many_arguments)]
    fn assignment(
        &mut self,
        out: &mut Vec<Assignment>,
        parent_id: Option<i64>,
        unit: usize,
        lead: bool,
        has_children: bool,
        after: DateTime<Utc>,
        staff: &[(i64, i64)],
    ) -> usize {
        let day = self.day;
        let mut dispatched_at = after;
        if parent_id.is_some() {
            let later = after + chrono::Duration::days(1 + self.rng.below(3) as i64);
            if china(later) < day {
                dispatched_at = later;
            }
        }
        let dispatched_on = china(dispatched_at);
        let age = (day - dispatched_on).num_days();
        let r = self.rng.below(1000);
        let mut state = if self.deadline <= day {
            if (r as f64) < WAITING_AT_DEADLINE * 1000.0 {
                AssignmentState::CompletionRequested
            } else {
                AssignmentState::InProgress
            }
        } else if age < 3 {
            if r < 500 {
                AssignmentState::Pending
            } else {
                AssignmentState::Signed
            }
        } else if age < 10 {
            match r {
                0..50 => AssignmentState::Pending,
                50..200 => AssignmentState::Signed,
                _ => AssignmentState::InProgress,
            }
        } else {
            match r {
                0..1 => AssignmentState::Pending,
                1..3 => AssignmentState::Signed,
                3..63 => AssignmentState::CompletionRequested,
                _ => AssignmentState::InProgress,
            }
        };
        if has_children {
            // A unit that handed work on has signed it and cannot finish before its units.
            state = AssignmentState::InProgress;
        }
        let signed_at = (state != AssignmentState::Pending).then(|| {
            let t = dispatched_at + chrono::Duration::hours(2 + self.rng.below(20) as i64);
            if china(t) < day { t } else { dispatched_at }
        });
        let (mut progress, mut last) = (None, None);
        let mut returned_open = false;
        match state {
            AssignmentState::CompletionRequested => {
                let lo = plus(dispatched_on, 1).max(plus(day, -15));
                last = day_in(self.rng, lo, plus(day, -1));
                progress = Some(100);
            }
            AssignmentState::InProgress => {
                last = self.last_report(dispatched_on);
                if let Some(l) = last {
                    let pace = pace_percent(dispatched_on, self.deadline, l, self.cal);
                    let p = if chance(self.rng, 0.05) {
                        pace - 21 - self.rng.below(30) as i64
                    } else {
                        pace + self.rng.below(41) as i64 - 10
                    };
                    progress = Some(p.clamp(0, 99));
                }
                returned_open = chance(self.rng, 0.005);
            }
            _ => {}
        }
        let last_report_at =
            last.map(|d| at(d, 9 + self.rng.below(9) as u32, self.rng.below(60) as u32));
        out.push(Assignment {
            id: out.len() as i64 + 1,
            item: self.item,
            parent_id,
            unit,
            lead,
            responsible_user_id: signed_at.map(|_| staff[unit].0),
            deadline: self.deadline,
            state,
            dispatched_at,
            signed_at,
            returned_count: i64::from(returned_open),
            progress,
            last_report_at,
            returned_open,
            has_children,
        });
        out.len() - 1
    }

    /// The date of an assignment's latest report: within the current reporting period for
    /// most units, within the period before for the few that lapsed.
    fn last_report(&mut self, dispatched_on: NaiveDate) -> Option<NaiveDate> {
        let day = self.day;
        let yesterday = plus(day, -1);
        let first = plus(dispatched_on, 1);
        let next = plus(day, 1);
        let Some((start, due)) = last_due_window(self.cadence, dispatched_on, next, self.cal)
        else {
            // No report fell due yet (or no cadence): some report at milestones, some not yet.
            let recent = first.max(plus(day, -45));
            return if chance(self.rng, 0.8) {
                day_in(self.rng, recent, yesterday)
            } else {
                None
            };
        };
        let lapsed =
            chance(self.rng, LAPSE) && (due >= yesterday || chance(self.rng, STILL_LAPSED));
        if !lapsed {
            return day_in(self.rng, plus(start, 1).max(first), yesterday).or(Some(yesterday));
        }
        if start <= dispatched_on {
            return None;
        }
        let before = last_due_window(self.cadence, dispatched_on, start, self.cal)
            .map_or(dispatched_on, |(_, due)| due);
        day_in(self.rng, plus(before, 1).max(first), start).or(Some(start))
    }
}
