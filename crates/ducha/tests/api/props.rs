//! A property test of the lifecycle: random sequences of commands by random (mostly the right)
//! actors on a small tree never panic and never fail inside the store; every rejected command
//! changes nothing; every accepted one appends exactly one event; the invariants of the
//! responsibility chain hold after every step; and the event chain always verifies.

use crate::helpers::{Db, Org, seed};
use chrono::Days;
use ducha_domain::assignment::AssignmentState as S;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::item::ItemState;
use ducha_domain::report::{ReportKind, ReportState};
use ducha_domain::requests::RequestState;
use ducha_service::{Config, ServiceError, Services};
use ducha_store::{
    AssignmentRow, ExtensionRow, HelpRequestRow, ItemRow, RefusalRow, ReportRow, Store,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// One command; `usize` fields select a target among the current rows.
#[derive(Debug, Clone)]
enum Cmd {
    Sign {
        a: usize,
        responsible: usize,
    },
    Refuse {
        a: usize,
        blank: bool,
    },
    DecideRefusal {
        r: usize,
        approve: bool,
        comment: bool,
    },
    Decompose {
        a: usize,
        units: Vec<(usize, bool)>,
        offset: Option<i64>,
    },
    Report {
        a: usize,
        percent: i64,
    },
    Complete {
        a: usize,
    },
    Review {
        r: usize,
        accept: bool,
        comment: bool,
    },
    Extend {
        a: usize,
        days: i64,
    },
    DecideExtension {
        x: usize,
        approve: bool,
        comment: bool,
    },
    Help {
        a: usize,
        sideways: bool,
    },
    Answer {
        h: usize,
        blank: bool,
    },
    Close {
        comment: bool,
    },
}

/// A command and who issues it: `None` for the natural actor (the assigned unit's liaison, or
/// the level above for decisions), else one of the seeded users.
#[derive(Debug, Clone)]
struct Step {
    cmd: Cmd,
    actor: Option<usize>,
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let sel = || 0..16usize;
    prop_oneof![
        3 => (sel(), 0..6usize).prop_map(|(a, responsible)| Cmd::Sign { a, responsible }),
        1 => (sel(), any::<bool>()).prop_map(|(a, blank)| Cmd::Refuse { a, blank }),
        1 => (sel(), any::<bool>(), any::<bool>())
            .prop_map(|(r, approve, comment)| Cmd::DecideRefusal { r, approve, comment }),
        4 => (
            sel(),
            prop::collection::vec((0..6usize, any::<bool>()), 1..=2),
            prop::option::of(-5..=2i64),
        )
            .prop_map(|(a, units, offset)| Cmd::Decompose { a, units, offset }),
        3 => (sel(), 0..=110i64).prop_map(|(a, percent)| Cmd::Report { a, percent }),
        3 => sel().prop_map(|a| Cmd::Complete { a }),
        5 => (sel(), prop::bool::weighted(0.5), prop::bool::weighted(0.8))
            .prop_map(|(r, accept, comment)| Cmd::Review { r, accept, comment }),
        3 => (sel(), -2..=15i64).prop_map(|(a, days)| Cmd::Extend { a, days }),
        2 => (sel(), any::<bool>(), any::<bool>())
            .prop_map(|(x, approve, comment)| Cmd::DecideExtension { x, approve, comment }),
        2 => (sel(), any::<bool>()).prop_map(|(a, sideways)| Cmd::Help { a, sideways }),
        2 => (sel(), prop::bool::weighted(0.2)).prop_map(|(h, blank)| Cmd::Answer { h, blank }),
        2 => any::<bool>().prop_map(|comment| Cmd::Close { comment }),
    ]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = (cmd(), prop::option::weighted(0.15, 0..9usize))
        .prop_map(|(cmd, actor)| Step { cmd, actor });
    prop::collection::vec(step, 20..=30)
}

/// Everything a command may touch.
#[derive(Debug, Clone)]
struct Snapshot {
    head: (i64, String),
    item: ItemRow,
    assignments: Vec<AssignmentRow>,
    reports: Vec<ReportRow>,
    helps: Vec<HelpRequestRow>,
    extensions: Vec<ExtensionRow>,
    refusals: Vec<RefusalRow>,
}

impl Snapshot {
    async fn take(store: &dyn Store, item: i64) -> Snapshot {
        let (seq, hash, _) = store.chain_head().await.expect("head");
        Snapshot {
            head: (seq, hash),
            item: store.item(item).await.expect("item").expect("item exists"),
            assignments: store.assignments_of_item(item).await.expect("assignments"),
            reports: store.reports_of_item(item).await.expect("reports"),
            helps: store.help_requests_of_item(item).await.expect("helps"),
            extensions: store.extensions_of_item(item).await.expect("extensions"),
            refusals: store.refusals_of_item(item).await.expect("refusals"),
        }
    }

    fn json(&self) -> Value {
        json!({
            "head": self.head,
            "item": self.item,
            "assignments": self.assignments,
            "reports": self.reports,
            "helps": self.helps,
            "extensions": self.extensions,
            "refusals": self.refusals,
        })
    }

    fn assignment(&self, id: i64) -> Option<&AssignmentRow> {
        self.assignments.iter().find(|a| a.id == id)
    }
}

/// The clock of a case: the first step on Tuesday 29 September 2026, 09:00 China time, each
/// later one `STEP_HOURS` on, so a case of 20–30 steps runs across the National Day holiday
/// (1–7 October, with Saturday 10 October worked) and past the item's deadline: the hop
/// facts, lost days and findings the property compares are counted in working days.
fn case_start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-09-29T09:00:00+08:00")
        .expect("time")
        .with_timezone(&chrono::Utc)
}

/// Hours between two steps of a case.
const STEP_HOURS: i64 = 11;

/// The item's deadline, Thursday 8 October 2026, the first working day after the holiday:
/// completions accepted in a case's last steps are late.
fn deadline() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 10, 8).expect("date")
}

/// An id that exists nowhere.
const NOWHERE: i64 = 987_654_321;

/// Picks a row id: `sel == 15` (or an empty list) gives a missing id.
fn pick(ids: &[i64], sel: usize) -> i64 {
    if sel == 15 || ids.is_empty() {
        NOWHERE
    } else {
        ids[sel % ids.len()]
    }
}

/// Picks among `fitting` rows (when there are any) for three selectors in four, among all rows
/// for the rest.
fn pick_request(fitting: &[i64], all: &[i64], sel: usize) -> i64 {
    if sel % 4 != 3 && !fitting.is_empty() {
        pick(fitting, sel / 4)
    } else {
        pick(all, sel)
    }
}

fn input<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

/// Which command kinds succeeded how often, over the whole run.
static SUCCEEDED: Mutex<BTreeMap<&'static str, u32>> = Mutex::new(BTreeMap::new());

/// Hops of the whole run that took working days, by hop (the clock moves, so they must).
static DWELL: Mutex<BTreeMap<String, u32>> = Mutex::new(BTreeMap::new());

struct World {
    services: Services,
    org: Org,
    item: i64,
    users: Vec<i64>,
    liaison: HashMap<i64, i64>,
}

impl World {
    /// The liaison of a unit; the supervisor for the supervision office.
    fn speaker_for(&self, unit: i64) -> i64 {
        self.liaison
            .get(&unit)
            .copied()
            .unwrap_or(self.org.users.sup)
    }

    /// Who decides for the level above assignment `id`.
    fn above(&self, s: &Snapshot, id: i64) -> i64 {
        match s.assignment(id).and_then(|a| a.parent_id) {
            Some(p) => self.speaker_for(s.assignment(p).map_or(0, |p| p.unit_id)),
            None => self.org.users.sup,
        }
    }

    /// The liaison of assignment `id`'s unit.
    fn own(&self, s: &Snapshot, id: i64) -> i64 {
        s.assignment(id)
            .map_or(self.org.users.sup, |a| self.speaker_for(a.unit_id))
    }

    /// Runs one step; the kind name on success.
    async fn run(
        &self,
        s: &Snapshot,
        step: &Step,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<&'static str, ServiceError> {
        let sv = &self.services;
        let o = &self.org;
        let asg: Vec<i64> = s.assignments.iter().map(|a| a.id).collect();
        // Assignments where the command fits the state (picked mostly, so that sequences
        // progress), and all of them (sometimes, to try commands out of turn).
        let fit = |ok: &dyn Fn(&AssignmentRow) -> bool| -> Vec<i64> {
            s.assignments
                .iter()
                .filter(|a| ok(a))
                .map(|a| a.id)
                .collect()
        };
        let pending = fit(&|a| a.state == S::Pending);
        let working = fit(&|a| a.state.is_working());
        let parents = fit(&|a| a.state.is_working() && a.unit_id == o.county_a);
        let finishing = fit(&|a| {
            a.state.is_working()
                && s.assignments
                    .iter()
                    .all(|c| c.parent_id != Some(a.id) || !c.state.is_open())
        });
        let (natural, outcome): (i64, _) = match &step.cmd {
            Cmd::Sign { a, responsible } => {
                let a = pick_request(&pending, &asg, *a);
                let r = match responsible {
                    0..=2 => None,
                    3 => Some(self.own(s, a)),
                    4 => Some(o.users.county_a_chief),
                    _ => Some(o.users.town_b1),
                };
                (self.own(s, a), Op::Sign(a, r))
            }
            Cmd::Refuse { a, blank } => {
                let a = pick_request(&pending, &asg, *a);
                (self.own(s, a), Op::Refuse(a, *blank))
            }
            Cmd::DecideRefusal {
                r,
                approve,
                comment,
            } => {
                let pending: Vec<i64> = s
                    .refusals
                    .iter()
                    .filter(|x| x.state == RequestState::Pending)
                    .map(|x| x.id)
                    .collect();
                let all: Vec<i64> = s.refusals.iter().map(|x| x.id).collect();
                let id = pick_request(&pending, &all, *r);
                let on = s
                    .refusals
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.assignment_id);
                (
                    on.map_or(o.users.sup, |a| self.above(s, a)),
                    Op::DecideRefusal(id, *approve, *comment),
                )
            }
            Cmd::Decompose { a, units, offset } => {
                let a = pick_request(&parents, &asg, *a);
                // Mostly units right below the assigned one; sometimes any unit of the tree.
                let unit = s.assignment(a).map_or(0, |x| x.unit_id);
                let below: &[i64] = if unit == o.county_a {
                    &[o.town_a1, o.town_a2]
                } else if unit == o.county_b {
                    &[o.town_b1]
                } else {
                    &[]
                };
                let anywhere = [o.town_a1, o.town_b1, o.county_a, o.dept, o.city, unit];
                let choose = |u: usize| match below {
                    [] => anywhere[u],
                    _ if u < 4 => below[u % below.len()],
                    _ => anywhere[u],
                };
                let parent = s.assignment(a).map_or(deadline(), |x| x.deadline);
                let deadline = offset.map(|d| {
                    if d >= 0 {
                        parent + Days::new(d.unsigned_abs())
                    } else {
                        parent - Days::new(d.unsigned_abs())
                    }
                });
                let children: Vec<Value> = units
                    .iter()
                    .map(|(u, lead)| {
                        json!({ "unit_id": choose(*u), "role": if *lead { "lead" } else { "co" },
                                "deadline": deadline })
                    })
                    .collect();
                (self.own(s, a), Op::Decompose(a, children))
            }
            Cmd::Report { a, percent } => {
                let a = pick_request(&working, &asg, *a);
                (self.own(s, a), Op::Report(a, *percent))
            }
            Cmd::Complete { a } => {
                let a = pick_request(&finishing, &asg, *a);
                (self.own(s, a), Op::Complete(a))
            }
            Cmd::Review { r, accept, comment } => {
                let pending: Vec<i64> = s
                    .reports
                    .iter()
                    .filter(|x| x.state == ReportState::Pending)
                    .map(|x| x.id)
                    .collect();
                let all: Vec<i64> = s.reports.iter().map(|x| x.id).collect();
                let id = pick_request(&pending, &all, *r);
                let on = s
                    .reports
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.assignment_id);
                (
                    on.map_or(o.users.sup, |a| self.above(s, a)),
                    Op::Review(id, *accept, *comment),
                )
            }
            Cmd::Extend { a, days } => {
                let a = pick_request(&working, &asg, *a);
                let current = s.assignment(a).map_or(deadline(), |x| x.deadline);
                let to = if *days >= 0 {
                    current + Days::new(days.unsigned_abs())
                } else {
                    current - Days::new(days.unsigned_abs())
                };
                (self.own(s, a), Op::Extend(a, to))
            }
            Cmd::DecideExtension {
                x,
                approve,
                comment,
            } => {
                let pending: Vec<i64> = s
                    .extensions
                    .iter()
                    .filter(|e| e.state == RequestState::Pending)
                    .map(|e| e.id)
                    .collect();
                let all: Vec<i64> = s.extensions.iter().map(|e| e.id).collect();
                let id = pick_request(&pending, &all, *x);
                let on = s
                    .extensions
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| e.assignment_id);
                (
                    on.map_or(o.users.sup, |a| self.above(s, a)),
                    Op::DecideExtension(id, *approve, *comment),
                )
            }
            Cmd::Help { a, sideways } => {
                let a = pick_request(&working, &asg, *a);
                let to = sideways.then_some(o.county_b);
                (self.own(s, a), Op::Help(a, to))
            }
            Cmd::Answer { h, blank } => {
                let open: Vec<i64> = s
                    .helps
                    .iter()
                    .filter(|x| x.answered_at.is_none())
                    .map(|x| x.id)
                    .collect();
                let all: Vec<i64> = s.helps.iter().map(|x| x.id).collect();
                let id = pick_request(&open, &all, *h);
                let to = s.helps.iter().find(|x| x.id == id).map(|x| x.to_unit_id);
                (
                    to.map_or(o.users.sup, |u| self.speaker_for(u)),
                    Op::Answer(id, *blank),
                )
            }
            Cmd::Close { comment } => (o.users.sup, Op::Close(*comment)),
        };
        let user = step.actor.map_or(natural, |i| self.users[i]);
        let actor = sv.actor(user).await.expect("actor");
        let text = |blank: bool| if blank { " " } else { "说明" };
        match outcome {
            Op::Sign(a, r) => sv
                .sign_assignment(&actor, a, &input(json!({ "responsible_user_id": r })), now)
                .await
                .map(|_| "sign"),
            Op::Refuse(a, blank) => sv
                .refuse_assignment(&actor, a, &input(json!({ "text": text(blank) })), now)
                .await
                .map(|_| "refuse"),
            Op::DecideRefusal(id, approve, comment) => sv
                .decide_refusal(
                    &actor,
                    id,
                    &input(json!({ "approve": approve, "comment": text(!comment) })),
                    now,
                )
                .await
                .map(|_| {
                    if approve {
                        "uphold refusal"
                    } else {
                        "reject refusal"
                    }
                }),
            Op::Decompose(a, children) => sv
                .decompose_assignment(&actor, a, &input(json!({ "assignments": children })), now)
                .await
                .map(|_| "decompose"),
            Op::Report(a, percent) => sv
                .submit_report(
                    &actor,
                    a,
                    &input(json!({ "text": "进展", "percent": percent })),
                    now,
                )
                .await
                .map(|_| "report"),
            Op::Complete(a) => sv
                .submit_report(
                    &actor,
                    a,
                    &input(json!({ "text": "完成", "completion": true })),
                    now,
                )
                .await
                .map(|_| "complete"),
            Op::Review(id, accept, comment) => sv
                .review_report(
                    &actor,
                    id,
                    &input(json!({ "verdict": if accept { "accept" } else { "return" },
                                   "comment": text(!comment) })),
                    now,
                )
                .await
                .map(|_| {
                    if accept {
                        "accept report"
                    } else {
                        "return report"
                    }
                }),
            Op::Extend(a, to) => sv
                .request_extension(
                    &actor,
                    a,
                    &input(json!({ "deadline": to, "reason": "理由" })),
                    now,
                )
                .await
                .map(|_| "ask extension"),
            Op::DecideExtension(id, approve, comment) => sv
                .decide_extension(
                    &actor,
                    id,
                    &input(json!({ "approve": approve, "comment": text(!comment) })),
                    now,
                )
                .await
                .map(|_| {
                    if approve {
                        "approve extension"
                    } else {
                        "deny extension"
                    }
                }),
            Op::Help(a, to) => sv
                .request_help(
                    &actor,
                    a,
                    &input(json!({ "text": "请求协调", "to_unit_id": to })),
                    now,
                )
                .await
                .map(|_| "ask help"),
            Op::Answer(id, blank) => sv
                .answer_help(&actor, id, text(blank), now)
                .await
                .map(|_| "answer help"),
            Op::Close(comment) => sv
                .close_item(&actor, self.item, text(!comment), now)
                .await
                .map(|_| "close"),
        }
    }
}

/// A resolved command.
enum Op {
    Sign(i64, Option<i64>),
    Refuse(i64, bool),
    DecideRefusal(i64, bool, bool),
    Decompose(i64, Vec<Value>),
    Report(i64, i64),
    Complete(i64),
    Review(i64, bool, bool),
    Extend(i64, chrono::NaiveDate),
    DecideExtension(i64, bool, bool),
    Help(i64, Option<i64>),
    Answer(i64, bool),
    Close(bool),
}

/// The invariants of the responsibility chain.
#[track_caller]
fn check_invariants(s: &Snapshot) {
    let item = &s.item;
    assert!(matches!(
        item.state,
        ItemState::Dispatched | ItemState::Closed
    ));
    for a in &s.assignments {
        let children: Vec<&AssignmentRow> = s
            .assignments
            .iter()
            .filter(|c| c.parent_id == Some(a.id))
            .collect();
        match a.parent_id {
            Some(pid) => {
                let p = s.assignment(pid).expect("parent exists");
                assert!(
                    a.deadline <= p.deadline,
                    "child {a:?} outlives parent {p:?}"
                );
            }
            None => assert!(
                a.deadline <= item.deadline,
                "top-level {a:?} outlives the item"
            ),
        }
        if !children.is_empty() {
            assert!(
                matches!(a.state, S::InProgress | S::CompletionRequested | S::Done),
                "only a unit at work has sub-assignments: {a:?}"
            );
        }
        if matches!(a.state, S::CompletionRequested | S::Done) {
            assert!(
                children.iter().all(|c| !c.state.is_open()),
                "{a:?} finished before its children"
            );
        }
        assert_eq!(
            a.state == S::Done,
            a.completed_at.is_some(),
            "done ⇔ completed_at: {a:?}"
        );
        assert!(
            a.original_deadline <= a.deadline,
            "deadlines only move later"
        );
        let signed = !matches!(a.state, S::Pending | S::RefusalRequested | S::Withdrawn);
        assert_eq!(signed, a.signed_at.is_some(), "signed ⇔ signed_at: {a:?}");
        if signed {
            assert!(
                a.responsible_user_id.is_some(),
                "signed without a responsible person"
            );
        }
        let pending_completions = s
            .reports
            .iter()
            .filter(|r| {
                r.assignment_id == a.id
                    && r.kind == ReportKind::Completion
                    && r.state == ReportState::Pending
            })
            .count();
        assert_eq!(
            pending_completions,
            usize::from(a.state == S::CompletionRequested),
            "one pending completion report exactly while completion is requested: {a:?}"
        );
        let pending_refusals = s
            .refusals
            .iter()
            .filter(|r| r.assignment_id == a.id && r.state == RequestState::Pending)
            .count();
        assert_eq!(
            pending_refusals,
            usize::from(a.state == S::RefusalRequested),
            "one pending refusal exactly while refusal is requested: {a:?}"
        );
        let upheld = s
            .refusals
            .iter()
            .any(|r| r.assignment_id == a.id && r.state == RequestState::Approved);
        assert_eq!(
            upheld,
            a.state == S::Withdrawn,
            "withdrawn exactly when a refusal was upheld: {a:?}"
        );
        let pending_extensions = s
            .extensions
            .iter()
            .filter(|x| x.assignment_id == a.id && x.state == RequestState::Pending)
            .count();
        assert!(pending_extensions <= 1, "several pending extensions: {a:?}");
    }
    let top: Vec<&AssignmentRow> = s
        .assignments
        .iter()
        .filter(|a| a.parent_id.is_none())
        .collect();
    if item.state == ItemState::Closed {
        assert!(item.closed_at.is_some());
        assert!(
            top.iter().all(|a| !a.state.is_open()),
            "closed with open work"
        );
        assert!(top.iter().any(|a| a.state == S::Done));
    } else {
        assert!(item.closed_at.is_none());
    }
}

/// What must hold between two snapshots around an accepted command.
#[track_caller]
fn check_accepted(before: &Snapshot, after: &Snapshot, step: &Step, kind: &str) {
    assert_eq!(
        after.head.0,
        before.head.0 + 1,
        "{step:?} must append exactly one event"
    );
    let moves_deadlines = kind == "approve extension";
    if !moves_deadlines {
        assert_eq!(after.item.deadline, before.item.deadline, "{step:?}");
    }
    for a in &after.assignments {
        let Some(b) = before.assignment(a.id) else {
            assert_eq!(kind, "decompose", "only decomposition adds assignments");
            continue;
        };
        if !moves_deadlines {
            assert_eq!(a.deadline, b.deadline, "{step:?} moved a deadline");
        }
        assert_eq!(a.original_deadline, b.original_deadline);
        // Only returning a completion request counts a return (退回重办), on exactly that
        // assignment, which goes back to work with its deadline unchanged.
        let returned_completion = kind == "return report"
            && before.reports.iter().any(|r| {
                r.assignment_id == a.id
                    && r.kind == ReportKind::Completion
                    && r.state == ReportState::Pending
                    && after
                        .reports
                        .iter()
                        .any(|x| x.id == r.id && x.state == ReportState::Returned)
            });
        if returned_completion {
            assert_eq!(a.returned_count, b.returned_count + 1, "{step:?}");
            assert_eq!(a.state, S::InProgress, "{step:?}");
            assert_eq!(a.deadline, b.deadline, "a return keeps the deadline");
        } else {
            assert_eq!(a.returned_count, b.returned_count, "{step:?}");
        }
    }
    assert!(before.assignments.len() <= after.assignments.len());
}

async fn run_case(steps: Vec<Step>) {
    let db = Db::sqlite().await;
    let store = db.store();
    let services = Services::new(store.clone(), Config::default(), WorkCalendar::china());
    let org = seed(&services).await;
    let u = &org.users;
    let now = case_start();
    let sup = services.actor(u.sup).await.expect("sup");
    let leader = services.actor(u.leader).await.expect("leader");
    let item = services
        .create_item(
            &sup,
            &input(json!({ "title": "随机事项", "source": "meeting",
                           "category": "central_work", "deadline": deadline() })),
            now,
        )
        .await
        .expect("create")
        .id;
    services.submit_item(&sup, item, now).await.expect("submit");
    services
        .approve_item(&leader, item, "", now)
        .await
        .expect("approve");
    let top = services
        .dispatch_item(
            &sup,
            item,
            &input(json!({ "assignments": [
                { "unit_id": org.county_a, "role": "lead" },
                { "unit_id": org.dept, "role": "co" },
            ]})),
            now,
        )
        .await
        .expect("dispatch")
        .ids;
    // The county has already signed; the department has not.
    let county = services.actor(u.county_a).await.expect("county");
    services
        .sign_assignment(&county, top[0], &input(json!({})), now)
        .await
        .expect("sign");
    let liaison = HashMap::from([
        (org.county_a, u.county_a),
        (org.town_a1, u.town_a1),
        (org.town_a2, u.town_a2),
        (org.county_b, u.county_b),
        (org.town_b1, u.town_b1),
        (org.dept, u.dept),
    ]);
    let users = vec![
        u.sup,
        u.leader,
        u.county_a,
        u.county_a_chief,
        u.town_a1,
        u.town_a2,
        u.county_b,
        u.town_b1,
        u.dept,
    ];
    let world = World {
        services,
        org: org.clone(),
        item,
        users,
        liaison,
    };
    for (i, step) in (1_i64..).zip(&steps) {
        let before = Snapshot::take(store.as_ref(), item).await;
        let at = now + chrono::Duration::hours(STEP_HOURS * i);
        let outcome = world.run(&before, step, at).await;
        let after = Snapshot::take(store.as_ref(), item).await;
        match outcome {
            Ok(kind) => {
                check_accepted(&before, &after, step, kind);
                *SUCCEEDED.lock().expect("stats").entry(kind).or_default() += 1;
            }
            Err(ServiceError::Store(e)) => panic!("{step:?} failed inside the store: {e}"),
            Err(e) => assert_eq!(
                before.json(),
                after.json(),
                "rejected {step:?} ({e}) changed the state"
            ),
        }
        check_invariants(&after);
        let verified = ducha_service::audit::verify_chain(store.as_ref(), &[])
            .await
            .expect("read the chain")
            .expect("the chain verifies");
        assert_eq!(verified.events, after.head.0);
        assert_eq!(verified.head.hash, after.head.1);
    }
    // The chain analytics the commands kept equal a replay of the whole log.
    let stored = world.services.analytics_tables().await.expect("stored");
    let (_, replayed) = world
        .services
        .replay_analytics(&mut |_, _, _| {}, false)
        .await
        .expect("replay");
    assert_eq!(
        stored, replayed,
        "rebuild differs from the incremental tables"
    );
    // So do the assessment's facts the commands kept, and they read every period as the
    // rows give them.
    crate::assessment::facts_fresh(store.as_ref(), "").await;
    let root = store
        .unit(org.city)
        .await
        .expect("read")
        .expect("the city")
        .path
        .0;
    crate::assessment::facts_kept_exactly(store.as_ref(), &[root], 2026).await;
    let mut dwell = DWELL.lock().expect("stats");
    for l in stored.log.iter().filter(|l| l.days > 0) {
        *dwell.entry(l.hop.clone()).or_default() += 1;
    }
}

#[test]
fn random_lifecycle_commands_keep_the_invariants() {
    let config = RunnerConfig {
        cases: 32,
        failure_persistence: None,
        ..RunnerConfig::default()
    };
    // A fixed seed as well as a fixed clock: the run is the same on every machine, so what it
    // must have exercised (below) is there every time.
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&steps(), |steps| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(run_case(steps));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let succeeded = SUCCEEDED.lock().expect("stats").clone();
    eprintln!("accepted commands by kind: {succeeded:?}");
    // The generator must actually drive the lifecycle, not only bounce off its rules.
    for kind in [
        "sign",
        "decompose",
        "report",
        "complete",
        "accept report",
        "return report",
        "ask extension",
        "ask help",
        "answer help",
    ] {
        assert!(
            succeeded.get(kind).copied().unwrap_or(0) > 0,
            "no accepted {kind} in the whole run: {succeeded:?}"
        );
    }
    // The rebuild was compared on hops that took working days, lateness among them.
    let dwell = DWELL.lock().expect("stats").clone();
    eprintln!("hops that took working days: {dwell:?}");
    for hop in ["sign", "review", "decision", "lost"] {
        assert!(
            dwell.get(hop).copied().unwrap_or(0) > 0,
            "no {hop} hop took a working day in the whole run: {dwell:?}"
        );
    }
}
