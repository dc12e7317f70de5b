//! The province benchmark's synthetic province, generated in memory from a fixed seed: an
//! organisation tree of prefecture cities, departments, counties and townships with a head and
//! a liaison each; a year of items dispatched by the provincial office and decomposed down to
//! the townships; and for every assignment the life the use cases would have recorded —
//! signing, decomposing, progress reports and their reviews, completion requests (some
//! returned once) and their acceptance, help requests to the level above, and the urge notices
//! of late work. Every step is kept as a compact event descriptor; `province_sql` sorts them
//! by time, writes the payloads the use cases write and chains their hashes.

use super::city::Rng;
use super::sweep_city::{Unit, User, at, china};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::item::{Category, Priority, Source};
use std::collections::HashMap;

/// What an event descriptor records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `item.created` of item `subject`.
    ItemCreated,
    /// `item.dispatched` of item `subject`.
    ItemDispatched,
    /// `item.closed` of item `subject`.
    ItemClosed,
    /// `assignment.signed` of assignment `subject`.
    Signed,
    /// `assignment.decomposed` of assignment `subject`.
    Decomposed,
    /// `report.submitted`, report `aux`.
    Submitted,
    /// `report.accepted`, report `aux`.
    Accepted,
    /// `report.returned`, report `aux`.
    Returned,
    /// `help.requested`, help request `aux`.
    HelpRequested,
    /// `help.answered`, help request `aux`.
    HelpAnswered,
    /// `notice.issued` or `notice.escalated`, notice `aux`.
    Notice,
}

/// One event to write: when, what, and the indexes of the rows it concerns.
#[derive(Debug, Clone, Copy)]
pub struct Ev {
    /// Seconds since the epoch.
    pub at: i64,
    /// What.
    pub kind: Kind,
    /// Item index (item events) or assignment index.
    pub subject: u32,
    /// Report, help request or notice index.
    pub aux: u32,
}

/// An item of the provincial office.
pub struct Item {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub source: Source,
    pub category: Category,
    pub priority: Priority,
    pub deadline: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub dispatched_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Its first-level assignments: a range of assignment indexes.
    pub first: (u32, u32),
}

/// An assignment with the whole of its life up to the day.
pub struct Assignment {
    pub id: i64,
    pub item: u32,
    pub parent: Option<u32>,
    pub unit: u32,
    pub lead: bool,
    pub deadline: NaiveDate,
    pub target: f64,
    pub dispatched_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub decomposed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub state: AssignmentState,
    pub progress: Option<i64>,
    pub last_report_at: Option<DateTime<Utc>>,
    pub returned_count: i64,
    pub returned_open: bool,
    /// Its children: a range of assignment indexes.
    pub kids: (u32, u32),
}

/// A report with its review.
pub struct Report {
    pub assignment: u32,
    pub completion: bool,
    pub percent: Option<i64>,
    pub submitted_at: DateTime<Utc>,
    /// `(accepted, when)`; none while it waits.
    pub review: Option<(bool, DateTime<Utc>)>,
}

/// A help request to the level above.
pub struct Help {
    pub assignment: u32,
    pub to_unit: i64,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// An urge notice issued by the sweep for late work.
pub struct Notice {
    pub assignment: u32,
    pub level: &'static str,
    pub issued_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub deadline: NaiveDate,
    pub state: &'static str,
    pub previous: Option<u32>,
    pub resolved_on: Option<NaiveDate>,
    pub summons: bool,
}

/// The whole province.
pub struct Province {
    pub day: NaiveDate,
    pub units: Vec<Unit>,
    pub users: Vec<User>,
    /// Head and liaison user of each unit (by unit index).
    pub staff: Vec<(i64, i64)>,
    pub supervisor: i64,
    /// The provincial supervision office's unit index.
    pub office: u32,
    pub items: Vec<Item>,
    pub assignments: Vec<Assignment>,
    pub reports: Vec<Report>,
    pub helps: Vec<Help>,
    pub notices: Vec<Notice>,
    pub events: Vec<Ev>,
    /// The item with the largest chain (the chain view's subject).
    pub campaign: usize,
}

impl Province {
    /// The user who acts for the level above an assignment: the parent unit's liaison, or the
    /// office's supervisor for a first-level one.
    pub fn reviewer(&self, a: &Assignment) -> (i64, i64) {
        match a.parent {
            Some(p) => {
                let u = self.assignments[p as usize].unit as usize;
                (self.staff[u].1, self.units[u].id)
            }
            None => (self.supervisor, self.units[self.office as usize].id),
        }
    }
}

const TOPICS: &[&str] = &[
    "营商环境优化提升",
    "农村人居环境整治",
    "重大项目建设推进",
    "安全生产专项整治",
    "河湖长制落实",
    "城乡医保扩面",
    "12345热线诉求办理",
    "耕地保护督查整改",
    "老旧小区改造",
    "义务教育扩容",
];

/// The tree: root, office, provincial departments, prefecture cities with their departments,
/// counties and townships, `n` units in all.
struct Tree {
    /// First-level units (cities and provincial departments).
    first: Vec<usize>,
    /// What each city or county hands work on to.
    below: HashMap<usize, Vec<usize>>,
    cities: Vec<usize>,
}

fn tree(n: usize, units: &mut Vec<Unit>) -> Tree {
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
    let cities = (n / 570).clamp(2, 14);
    let departments = (n / 200).clamp(2, 40);
    let city_departments = (n / 400).clamp(1, 20);
    let counties = (n / 1000).clamp(2, 8);
    let root = add(units, None, "基准省".into(), "city");
    add(units, Some(root), "基准省督查室".into(), "supervision_body");
    let mut t = Tree {
        first: vec![],
        below: HashMap::new(),
        cities: vec![],
    };
    let mut county_list = Vec::new();
    for c in 0..cities {
        let city = add(units, Some(root), format!("第{c}市"), "city");
        t.first.push(city);
        t.cities.push(city);
        for d in 0..city_departments {
            let dep = add(units, Some(city), format!("第{c}市第{d}局"), "department");
            t.below.entry(city).or_default().push(dep);
        }
        for k in 0..counties {
            let county = add(units, Some(city), format!("第{c}市第{k}县"), "county");
            t.below.entry(city).or_default().push(county);
            county_list.push(county);
        }
    }
    for d in 0..departments {
        t.first
            .push(add(units, Some(root), format!("省第{d}厅"), "department"));
    }
    let mut k = 0;
    while units.len() < n {
        let county = county_list[k % county_list.len()];
        let name = format!("{}第{}镇", units[county].name, k / county_list.len());
        let town = add(units, Some(county), name, "township");
        t.below.entry(county).or_default().push(town);
        k += 1;
    }
    t
}

/// `t` moved to working hours (9:00–17:59 China time) of its day or the next working day.
fn office_hours(cal: &WorkCalendar, t: DateTime<Utc>, rng: &mut Rng) -> DateTime<Utc> {
    let d = cal.next_working_day_from(china(t));
    let local = (t + Duration::hours(8)).time();
    let h = chrono::Timelike::hour(&local);
    if d == china(t) && (9..18).contains(&h) {
        t
    } else {
        at(d, 9 + rng.below(9) as u32, rng.below(60) as u32)
    }
}

/// `n` working days after `t` (at a random time of that day's office hours).
fn after_working_days(
    cal: &WorkCalendar,
    t: DateTime<Utc>,
    n: u32,
    rng: &mut Rng,
) -> DateTime<Utc> {
    if n == 0 {
        return office_hours(cal, t + Duration::minutes(10 + rng.below(240) as i64), rng);
    }
    let d = cal.add_working_days(china(t), n);
    at(d, 9 + rng.below(9) as u32, rng.below(60) as u32)
}

/// Generates the province: `units` units, `n` assignments, about `events` events, the item
/// of the chain view with `chain` assignments, the day being `day`.
pub fn generate(
    units_n: usize,
    n: usize,
    events: usize,
    chain: usize,
    day: NaiveDate,
    cal: &WorkCalendar,
    seed: u64,
) -> Province {
    let mut rng = Rng::new(seed);
    let mut units = Vec::new();
    let tree = tree(units_n, &mut units);
    let mut users = Vec::new();
    let mut add_user = |name: String, unit_id: i64, roles: &'static str| {
        let id = users.len() as i64 + 1;
        users.push(User {
            id,
            username: name,
            unit_id,
            roles,
        });
        id
    };
    let supervisor = add_user("sup".into(), 2, "supervisor");
    add_user("lead".into(), 1, "leader");
    let mut staff = vec![(supervisor, supervisor); units.len()];
    for (i, u) in units.iter().enumerate().skip(2) {
        let head = add_user(format!("head{}", u.id), u.id, "unit_head");
        let liaison = add_user(format!("liaison{}", u.id), u.id, "liaison");
        staff[i] = (head, liaison);
    }
    let mut p = Province {
        day,
        units,
        users,
        staff,
        supervisor,
        office: 1,
        items: vec![],
        assignments: Vec::with_capacity(n),
        reports: vec![],
        helps: vec![],
        notices: vec![],
        events: vec![],
        campaign: 0,
    };
    // Structure first: items and their trees of assignments, each parent's children in one
    // range (breadth first).
    let mut seq_of_year: HashMap<i32, i64> = HashMap::new();
    let now = at(day, 8, 0);
    while p.assignments.len() < n {
        let idx = p.items.len();
        let dispatched_on =
            cal.next_working_day_from(day - Duration::days(20 + rng.below(345) as i64));
        let dispatched_at = at(dispatched_on, 9 + rng.below(8) as u32, rng.below(60) as u32);
        let deadline =
            cal.next_working_day_from(dispatched_on + Duration::days(25 + rng.below(120) as i64));
        let created_at = dispatched_at - Duration::days(2);
        let year = chrono::Datelike::year(&created_at);
        let s = seq_of_year.entry(year).or_insert(0);
        *s += 1;
        p.items.push(Item {
            id: idx as i64 + 1,
            number: ducha_domain::item::format_number("督", year, *s),
            title: format!("{}（第{idx}项）", TOPICS[idx % TOPICS.len()]),
            source: Source::ALL[rng.below(Source::ALL.len())],
            category: Category::ALL[rng.below(Category::ALL.len())],
            priority: match rng.below(20) {
                0 => Priority::Urgent,
                1..=3 => Priority::High,
                _ => Priority::Normal,
            },
            deadline,
            created_at,
            dispatched_at,
            closed_at: None,
            first: (0, 0),
        });
        // The first item is the campaign of the chain view: every city, every county below
        // them and townships until it has `chain` assignments.
        let campaign = idx == 0;
        let mut first: Vec<usize> = Vec::new();
        if campaign {
            first.extend(tree.cities.iter().copied());
        } else {
            let want = (2 + rng.below(5)).min(tree.first.len());
            while first.len() < want {
                let u = tree.first[rng.below(tree.first.len())];
                if !first.contains(&u) {
                    first.push(u);
                }
            }
        }
        let budget = if campaign { chain } else { usize::MAX };
        let start = p.assignments.len();
        let mut queue: Vec<u32> = Vec::new();
        for (k, &u) in first.iter().enumerate() {
            if p.assignments.len() >= n || p.assignments.len() - start >= budget {
                break;
            }
            queue.push(p.assignments.len() as u32);
            push(
                &mut p,
                idx,
                None,
                u,
                k == 0,
                deadline,
                dispatched_at,
                &mut rng,
            );
        }
        p.items[idx].first = (start as u32, p.assignments.len() as u32);
        let mut q = 0;
        while q < queue.len() {
            let parent = queue[q] as usize;
            q += 1;
            let unit = p.assignments[parent].unit as usize;
            let Some(below) = tree.below.get(&unit) else {
                continue;
            };
            let kids: Vec<usize> = if campaign {
                let towns: Vec<usize> = below
                    .iter()
                    .copied()
                    .filter(|u| p.units[*u].kind != "department")
                    .collect();
                if p.units[unit].kind == "city" {
                    towns
                } else {
                    // Townships, shared out so the chain ends at `chain` assignments.
                    let left = budget.saturating_sub(p.assignments.len() - start);
                    let counties_left = queue[q..]
                        .iter()
                        .filter(|a| {
                            p.units[p.assignments[**a as usize].unit as usize].kind == "county"
                        })
                        .count()
                        + 1;
                    towns
                        .into_iter()
                        .take(left.div_ceil(counties_left))
                        .collect()
                }
            } else {
                let chance = if p.units[unit].kind == "city" { 7 } else { 6 };
                if rng.below(10) >= chance {
                    continue;
                }
                let want = if p.units[unit].kind == "city" {
                    2 + rng.below(4)
                } else {
                    3 + rng.below(8)
                };
                let mut kids = Vec::new();
                for _ in 0..want {
                    let u = below[rng.below(below.len())];
                    if !kids.contains(&u) {
                        kids.push(u);
                    }
                }
                kids
            };
            // The parent signs, then decomposes; the children's clocks start then.
            let (pd, pdead) = (
                p.assignments[parent].dispatched_at,
                p.assignments[parent].deadline,
            );
            let latest = now - Duration::hours(30);
            if pd >= latest - Duration::hours(2) {
                continue;
            }
            let signed = after_working_days(cal, pd, rng.below(3) as u32, &mut rng)
                .min(latest - Duration::hours(1));
            let signed = signed.max(pd + Duration::minutes(5));
            let decomposed = after_working_days(cal, signed, rng.below(4) as u32, &mut rng)
                .min(latest)
                .max(signed + Duration::minutes(5));
            p.assignments[parent].signed_at = Some(signed);
            p.assignments[parent].decomposed_at = Some(decomposed);
            // A few days before the parent's, leaving it time to review.
            let kid_deadline = cal
                .next_working_day_from(pdead - Duration::days(rng.below(5) as i64))
                .max(china(decomposed) + Duration::days(1))
                .min(pdead);
            let k0 = p.assignments.len() as u32;
            for (k, u) in kids.into_iter().enumerate() {
                if p.assignments.len() >= n || p.assignments.len() - start >= budget {
                    break;
                }
                queue.push(p.assignments.len() as u32);
                push(
                    &mut p,
                    idx,
                    Some(parent as u32),
                    u,
                    k == 0,
                    kid_deadline,
                    decomposed,
                    &mut rng,
                );
            }
            let k1 = p.assignments.len() as u32;
            p.assignments[parent].kids = (k0, k1);
            if k0 == k1 {
                p.assignments[parent].decomposed_at = None;
            }
        }
    }
    let per = events as f64 / n.max(1) as f64;
    // Events besides the progress reports' two each: sign, completion request and acceptance,
    // the items' own, decompositions, help and notices — about 3.4 per assignment.
    let reports_mean = ((per - 3.4) / 2.0).max(0.0);
    life(&mut p, cal, now, reports_mean, &mut rng);
    p.events.sort_by_key(|e| e.at);
    p
}

#[allow(clippy::too_many_arguments)]
fn push(
    p: &mut Province,
    item: usize,
    parent: Option<u32>,
    unit: usize,
    lead: bool,
    deadline: NaiveDate,
    dispatched_at: DateTime<Utc>,
    rng: &mut Rng,
) {
    p.assignments.push(Assignment {
        id: p.assignments.len() as i64 + 1,
        item: item as u32,
        parent,
        unit: unit as u32,
        lead,
        deadline,
        target: (10 + rng.below(90)) as f64,
        dispatched_at,
        signed_at: None,
        decomposed_at: None,
        completed_at: None,
        state: AssignmentState::Pending,
        progress: None,
        last_report_at: None,
        returned_count: 0,
        returned_open: false,
        kids: (0, 0),
    });
}

/// Each assignment's life after dispatch, children before parents (a completion request
/// needs every child finished).
fn life(
    p: &mut Province,
    cal: &WorkCalendar,
    now: DateTime<Utc>,
    reports_mean: f64,
    rng: &mut Rng,
) {
    let latest = now - Duration::hours(2);
    let ev = |events: &mut Vec<Ev>, t: DateTime<Utc>, kind, subject: usize, aux: usize| {
        events.push(Ev {
            at: t.timestamp(),
            kind,
            subject: subject as u32,
            aux: aux as u32,
        });
    };
    for i in (0..p.assignments.len()).rev() {
        let a = &p.assignments[i];
        let (dispatched, deadline, kids) = (a.dispatched_at, a.deadline, a.kids);
        // Signing: most within two working days, some late, a few not yet.
        let signed = match a.signed_at {
            Some(s) => Some(s),
            None => {
                let wait = match rng.below(100) {
                    0..=69 => rng.below(2),
                    70..=94 => 2 + rng.below(4),
                    _ => 6 + rng.below(10),
                } as u32;
                Some(
                    after_working_days(cal, dispatched, wait, rng)
                        .max(dispatched + Duration::minutes(5)),
                )
                .filter(|s| *s < latest)
            }
        };
        let Some(signed) = signed else {
            continue;
        };
        ev(&mut p.events, signed, Kind::Signed, i, 0);
        if let Some(d) = a.decomposed_at {
            ev(&mut p.events, d, Kind::Decomposed, i, 0);
        }
        // Completion: around the deadline (a fifth late), after every child's.
        let shift = rng.below(26) as i64 - 18;
        let due = if shift >= 0 {
            cal.add_working_days(deadline, shift as u32)
        } else {
            deadline - Duration::days(-shift)
        };
        let mut done = at(
            due.max(china(signed)),
            9 + rng.below(9) as u32,
            rng.below(60) as u32,
        )
        .max(signed + Duration::hours(4));
        let mut kids_done = true;
        for k in kids.0..kids.1 {
            match p.assignments[k as usize].completed_at {
                Some(c) => done = done.max(c + Duration::hours(3)),
                None => kids_done = false,
            }
        }
        let completes = kids_done && done < latest;
        // A completion request waits 0–3 working days; one in twenty is returned once.
        let returned = completes && rng.below(20) == 0;
        let request = {
            let back = rng.below(4) as i64;
            (done - Duration::days(back + if returned { 4 } else { 0 }))
                .max(signed + Duration::hours(1))
        };
        let open_end = if completes { request } else { latest };
        // Progress reports between signing and the end, each reviewed within 0–3 working days.
        let reports = if reports_mean > 0.0 {
            let span = rng.below((reports_mean * 2000.0) as usize + 1) as f64 / 1000.0;
            span.round() as usize
        } else {
            0
        };
        let width = (open_end - signed - Duration::hours(1))
            .num_seconds()
            .max(1);
        let mut times: Vec<DateTime<Utc>> = (0..reports)
            .map(|_| signed + Duration::seconds(1 + rng.below(width as usize) as i64))
            .collect();
        times.sort_unstable();
        times.dedup();
        let mut progress = 0;
        let mut last_report = None;
        let mut returned_open = false;
        let pause = |rng: &mut Rng, t: DateTime<Utc>| {
            after_working_days(cal, t, rng.below(4) as u32, rng).max(t + Duration::minutes(20))
        };
        for (k, t) in times.iter().enumerate() {
            progress = (progress + 5 + rng.below(20) as i64).min(95);
            let r = p.reports.len();
            let mut review = Some(pause(rng, *t))
                .filter(|v| *v < latest && times.get(k + 1).is_none_or(|n| v < n));
            if review.is_none() && k + 1 < times.len() {
                // Reviewed before the next report.
                review = Some(*t + (times[k + 1] - *t) / 2).filter(|v| v > t);
            }
            let accepted = rng.below(100) >= 8;
            p.reports.push(Report {
                assignment: i as u32,
                completion: false,
                percent: Some(progress),
                submitted_at: *t,
                review: review.map(|v| (accepted, v)),
            });
            ev(&mut p.events, *t, Kind::Submitted, i, r);
            if let Some(v) = review {
                let kind = if accepted {
                    Kind::Accepted
                } else {
                    Kind::Returned
                };
                ev(&mut p.events, v, kind, i, r);
                returned_open = !accepted;
            } else {
                returned_open = false;
            }
            last_report = Some(*t);
        }
        // A help request to the level above for one in sixty; most answered.
        if rng.below(60) == 0 {
            let asked = signed + Duration::seconds(1 + rng.below(width as usize) as i64);
            let to = match p.assignments[i].parent {
                Some(pa) => p.units[p.assignments[pa as usize].unit as usize].id,
                None => p.units[p.office as usize].id,
            };
            let answered = Some(after_working_days(cal, asked, 1 + rng.below(8) as u32, rng))
                .filter(|t| *t < latest && rng.below(5) > 0);
            let h = p.helps.len();
            p.helps.push(Help {
                assignment: i as u32,
                to_unit: to,
                created_at: asked,
                answered_at: answered,
            });
            ev(&mut p.events, asked, Kind::HelpRequested, i, h);
            if let Some(t) = answered {
                ev(&mut p.events, t, Kind::HelpAnswered, i, h);
            }
        }
        let mut state = if reports > 0 || a_decomposed(p, i) {
            AssignmentState::InProgress
        } else {
            AssignmentState::Signed
        };
        let mut completed_at = None;
        let mut returned_count = 0;
        if completes {
            let mut req = request;
            if returned {
                let r = p.reports.len();
                let back = pause(rng, req).min(req + Duration::days(3));
                p.reports.push(Report {
                    assignment: i as u32,
                    completion: true,
                    percent: Some(100),
                    submitted_at: req,
                    review: Some((false, back)),
                });
                ev(&mut p.events, req, Kind::Submitted, i, r);
                ev(&mut p.events, back, Kind::Returned, i, r);
                returned_count = 1;
                req = back + Duration::hours(20);
            }
            let r = p.reports.len();
            let accept = done.max(req + Duration::minutes(30));
            if accept < latest {
                p.reports.push(Report {
                    assignment: i as u32,
                    completion: true,
                    percent: Some(100),
                    submitted_at: req,
                    review: Some((true, accept)),
                });
                ev(&mut p.events, req, Kind::Submitted, i, r);
                ev(&mut p.events, accept, Kind::Accepted, i, r);
                state = AssignmentState::Done;
                completed_at = Some(accept);
                progress = 100;
                last_report = Some(req);
                returned_open = false;
            }
        }
        // Late work draws notices from the sweep: blue on the first working day past the
        // deadline, escalated to orange and red three working days apart while still open.
        let end = completed_at.unwrap_or(latest);
        let mut on = cal.add_working_days(deadline, 1);
        let mut previous: Option<u32> = None;
        for (step, level) in ["blue", "orange", "red"].into_iter().enumerate() {
            let issued_at = at(on, 0, 15);
            if issued_at >= end {
                break;
            }
            let next = cal.add_working_days(on, 3);
            let still = at(next, 0, 15) < end && step < 2;
            let state = if still {
                "escalated"
            } else if completed_at.is_some() {
                "met"
            } else {
                "open"
            };
            let resolved_on = match state {
                "escalated" => Some(next),
                "met" => completed_at.map(china),
                _ => None,
            };
            let k = p.notices.len();
            p.notices.push(Notice {
                assignment: i as u32,
                level,
                issued_on: on,
                issued_at,
                deadline: cal.add_working_days(on, 3),
                state,
                previous,
                resolved_on,
                summons: level == "red" && rng.below(10) == 0,
            });
            ev(&mut p.events, issued_at, Kind::Notice, i, k);
            previous = Some(k as u32);
            if !still {
                break;
            }
            on = next;
        }
        let a = &mut p.assignments[i];
        a.signed_at = Some(signed);
        a.state = state;
        a.completed_at = completed_at;
        a.progress = (progress > 0).then_some(progress);
        a.last_report_at = last_report;
        a.returned_count = returned_count;
        a.returned_open = returned_open && state != AssignmentState::Done;
    }
    // The items: created and dispatched; closed once every first-level assignment is done.
    for (k, item) in p.items.iter_mut().enumerate() {
        ev(&mut p.events, item.created_at, Kind::ItemCreated, k, 0);
        ev(
            &mut p.events,
            item.dispatched_at,
            Kind::ItemDispatched,
            k,
            0,
        );
        let firsts = &p.assignments[item.first.0 as usize..item.first.1 as usize];
        if firsts.iter().all(|a| a.state == AssignmentState::Done)
            && let Some(last) = firsts.iter().filter_map(|a| a.completed_at).max()
        {
            let closed = last + Duration::hours(2);
            if closed < latest {
                item.closed_at = Some(closed);
                ev(&mut p.events, closed, Kind::ItemClosed, k, 0);
            }
        }
    }
}

fn a_decomposed(p: &Province, i: usize) -> bool {
    p.assignments[i].decomposed_at.is_some()
}
