//! The simulated four months: an agenda of actions on a clock that only moves forward, each
//! action one call of a real use case by the user whose job it is.

use super::plan::{Plan, Rng, Stage, Stall};
use super::text as tx;
use super::{Org, utc};
use anyhow::Context;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use ducha_domain::item::{ItemInput, Target};
use ducha_domain::org::Actor;
use ducha_service::Services;
use ducha_service::items::{AssignmentInput, DispatchInput};
use std::collections::{BTreeMap, HashMap};

/// Verdict a scheduled review will give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rv {
    Accept,
    Return,
    Completion,
}

/// One thing someone does at some moment.
#[derive(Debug, Clone)]
pub(super) enum Act {
    Create(usize),
    Submit(usize),
    Decide(usize),
    Resubmit(usize),
    Dispatch(usize),
    Close(usize),
    Sign(i64),
    Refuse(i64),
    DecideRefusal(i64, i64, bool),
    Decompose(i64),
    Replace(i64, usize),
    Report(i64),
    Complete(i64, u8),
    Review(i64, i64, Rv),
    Extend(i64),
    DecideExtension(i64, i64, bool),
    Help(i64),
    AnswerHelp(i64, i64),
    /// A unit acknowledges (签收) an urge notice: (notice, user).
    AckNotice(i64, i64),
    /// A step of the chain-analytics story (see `story`).
    Story(usize),
    /// A step of the assessment (see `scores`).
    Assess(super::scores::Assess),
    /// A step of integrated supervision (see `joint`).
    Joint(super::joint::JointStep),
    /// A step of the suggestions and proposals (see `proposals`).
    Proposal(super::proposals::ProposalStep),
}

/// How one assignment's unit behaves.
#[derive(Debug, Clone, Default)]
pub(super) struct Beh {
    pub plan: usize,
    pub unit: usize,
    pub parent: Option<i64>,
    pub lead: bool,
    /// Working days until signing; never when `None`.
    pub sign: Option<u32>,
    pub refuse: Option<bool>,
    pub finish: Option<NaiveDate>,
    pub ret: bool,
    pub ext: Option<bool>,
    pub help: Option<bool>,
    pub silent: bool,
}

/// Flags of an item not yet given to an assignment.
#[derive(Debug, Clone, Default)]
pub(super) struct Deferred {
    pub refuse: Option<bool>,
    pub stall: Option<Stall>,
    pub ret: bool,
    pub help: Option<bool>,
}

/// The simulation.
pub(crate) struct Sim<'a> {
    pub(super) s: &'a Services,
    pub(super) org: &'a Org,
    pub(super) plans: Vec<Plan>,
    pub(super) rng: Rng,
    pub(super) end: NaiveDate,
    queue: BTreeMap<(NaiveDateTime, u64), Act>,
    seq: u64,
    pub(super) cur: NaiveDateTime,
    actors: HashMap<i64, Actor>,
    pub(super) items: Vec<Option<i64>>,
    pub(super) behs: HashMap<i64, Beh>,
    pub(super) deferred: Vec<Deferred>,
    rejected: Vec<bool>,
    pub(super) assignments: usize,
    failures: Vec<String>,
    /// The story's items by key.
    pub(super) story: HashMap<&'static str, i64>,
}

impl<'a> Sim<'a> {
    pub fn new(
        s: &'a Services,
        org: &'a Org,
        plans: Vec<Plan>,
        rng: Rng,
        clock: NaiveDateTime,
        today: NaiveDate,
    ) -> Self {
        let n = plans.len();
        let deferred = plans
            .iter()
            .map(|p| Deferred {
                refuse: p.refuse,
                stall: p.stall,
                ret: false,
                help: None,
            })
            .collect();
        Self {
            s,
            org,
            plans,
            rng,
            end: today,
            queue: BTreeMap::new(),
            seq: 0,
            cur: clock,
            actors: HashMap::new(),
            items: vec![None; n],
            behs: HashMap::new(),
            deferred,
            rejected: vec![false; n],
            assignments: 0,
            failures: vec![],
            story: HashMap::new(),
        }
    }

    pub fn items_created(&self) -> usize {
        self.items.iter().flatten().count()
    }

    pub fn assignments_created(&self) -> usize {
        self.assignments
    }

    /// Plays the agenda up to the day before `today`.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        for p in 0..self.plans.len() {
            let at = self.at(self.plans[p].created);
            self.sched(at, Act::Create(p));
        }
        let mut swept = self.cur.date();
        let first = swept;
        let days = |d: NaiveDate| u64::try_from((d - first).num_days()).unwrap_or(0);
        // The simulated days of history, one step each.
        let progress = crate::progress::Progress::new("demo seeding", days(self.end));
        progress.phase("days");
        while let Some(((at, _), act)) = self.queue.pop_first() {
            if at.date() >= self.end {
                break;
            }
            while swept < at.date() {
                swept = swept.succ_opt().context("date")?;
                self.daily_sweep(swept).await?;
                progress.set(days(swept));
            }
            self.cur = at.max(self.cur + Duration::seconds(1));
            if let Err(e) = self.act(act.clone()).await {
                self.failures.push(format!("{} {act:?}: {e:#}", self.cur));
            }
        }
        while swept < self.end {
            swept = swept.succ_opt().context("date")?;
            self.daily_sweep(swept).await?;
            progress.set(days(swept));
        }
        progress.finish(&format!("{} days of history played", days(self.end)));
        self.hand_notices().await?;
        if !self.failures.is_empty() {
            eprintln!(
                "note: {} demo actions were skipped, e.g. {}",
                self.failures.len(),
                self.failures[..self.failures.len().min(5)].join("; ")
            );
        }
        Ok(())
    }

    // ---- the clock -------------------------------------------------------------------------

    /// This morning the supervision office urges a few items by hand: an orange warning after a
    /// leader's instruction and blue reminders.
    async fn hand_notices(&mut self) -> anyhow::Result<()> {
        let mut supervisors = Vec::new();
        for login in ["zf.ducha1", "yunxi.dcs"] {
            supervisors.extend(self.s.store.user_by_name(login).await?.map(|u| u.id));
        }
        let rows = self.s.store.sweep_rows(0, 100_000).await?;
        let noticed: std::collections::HashSet<i64> = self
            .s
            .store
            .open_notices()
            .await?
            .iter()
            .map(|n| n.assignment_id)
            .collect();
        // The units of the printed logins get one each, so every role finds a notice to open.
        let picks = [
            (
                "yunxi.liaison",
                "orange",
                "市政府主要领导批示：该项工作进度滞后，请倒排工期、加快推进，3个工作日内报送整改措施。",
            ),
            (
                "zjj.liaison",
                "blue",
                "请对照目标任务抓紧推进，按时报送本月进展。",
            ),
            ("longtan.liaison", "blue", "请按时报送进展并上传佐证材料。"),
        ];
        self.cur += Duration::minutes(90);
        for (login, level, text) in picks {
            let Some(user) = self.s.store.user_by_name(login).await? else {
                continue;
            };
            let mut mine: Vec<_> = rows
                .iter()
                .filter(|r| r.unit_id == user.unit_id && !noticed.contains(&r.id))
                .collect();
            // The most urgent first.
            mine.sort_by_key(|r| std::cmp::Reverse(r.light));
            'pick: for r in mine {
                for &sup in &supervisors {
                    let actor = self.actor(sup).await?;
                    let input = ducha_service::clock::NoticeInput {
                        level: level.into(),
                        requirement: text.into(),
                        working_days: None,
                    };
                    let r = self.s.issue_notice(&actor, r.id, &input, self.now()).await;
                    if r.is_ok() {
                        self.cur += Duration::minutes(7);
                        break 'pick;
                    }
                }
            }
        }
        Ok(())
    }

    /// The scheduler's morning sweep on a working day (lights, missed reports, urge notices
    /// and their escalation), then most units acknowledge their new notices during the day.
    async fn daily_sweep(&mut self, day: NaiveDate) -> anyhow::Result<()> {
        if !self.s.calendar().is_working_day(day) {
            return Ok(());
        }
        let at = day.and_time(NaiveTime::from_hms_opt(7, 30, 0).context("time")?);
        self.cur = at.max(self.cur + Duration::seconds(1));
        self.s.sweep(self.now()).await?;
        let fresh: Vec<_> = self
            .s
            .store
            .open_notices()
            .await?
            .into_iter()
            .filter(|n| n.issued_on == day && n.acknowledged_at.is_none())
            .collect();
        for n in fresh {
            if !self.rng.chance(0.8) {
                continue;
            }
            let Some(&u) = self.org.by_id.get(&n.unit_id) else {
                continue;
            };
            let Some(user) = self.org.liaison(u, &mut self.rng) else {
                continue;
            };
            let when = self.wd(0, 1);
            if when.date() < self.end {
                self.sched(when, Act::AckNotice(n.id, user));
            }
        }
        Ok(())
    }

    pub(super) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        utc(self.cur)
    }

    pub(super) fn today(&self) -> NaiveDate {
        self.cur.date()
    }

    /// A moment in office hours on `d`.
    fn at(&mut self, d: NaiveDate) -> NaiveDateTime {
        let mins = if self.rng.chance(0.55) {
            self.rng.range(8 * 60 + 40, 11 * 60 + 50)
        } else {
            self.rng.range(14 * 60 + 10, 17 * 60 + 40)
        };
        let t = NaiveTime::from_num_seconds_from_midnight_opt(mins * 60 + self.rng.range(0, 59), 0)
            .unwrap_or_default();
        d.and_time(t)
    }

    /// A moment `lo..=hi` working days from now (later today for 0).
    pub(super) fn wd(&mut self, lo: u32, hi: u32) -> NaiveDateTime {
        let n = self.rng.range(lo, hi);
        if n == 0 {
            let t = self.cur + Duration::minutes(i64::from(self.rng.range(15, 150)));
            if t.date() == self.cur.date() && t.hour() < 18 {
                // Nobody files anything over the lunch break.
                return match t.hour() {
                    12 | 13 => t + Duration::hours(14 - i64::from(t.hour())),
                    _ => t,
                };
            }
        }
        let d = self.s.calendar().add_working_days(self.today(), n.max(1));
        self.at(d)
    }

    /// A moment on `d` (the next working day if it is a day off), or soon if `d` has passed.
    pub(super) fn on(&mut self, d: NaiveDate) -> NaiveDateTime {
        let d = self.s.calendar().next_working_day_from(d);
        if d <= self.today() {
            self.wd(0, 1)
        } else {
            self.at(d)
        }
    }

    /// `d` moved back `lo..=hi` working days.
    pub(super) fn back(&mut self, mut d: NaiveDate, lo: u32, hi: u32) -> NaiveDate {
        for _ in 0..self.rng.range(lo, hi) {
            d = d.pred_opt().unwrap_or(d);
            while !self.s.calendar().is_working_day(d) {
                d = d.pred_opt().unwrap_or(d);
            }
        }
        d
    }

    pub(super) fn sched(&mut self, at: NaiveDateTime, act: Act) {
        let at = at.max(self.cur + Duration::seconds(60));
        self.seq += 1;
        self.queue.insert((at, self.seq), act);
    }

    /// Drops the cached actors (a unit's seat in the leading group changes what it reads).
    pub(super) fn forget_actors(&mut self) {
        self.actors.clear();
    }

    pub(super) async fn actor(&mut self, user: i64) -> anyhow::Result<Actor> {
        if let Some(a) = self.actors.get(&user) {
            return Ok(a.clone());
        }
        let a = self.s.actor(user).await?;
        self.actors.insert(user, a.clone());
        Ok(a)
    }

    pub(super) fn item_id(&self, p: usize) -> anyhow::Result<i64> {
        self.items[p].context("item not created")
    }

    // ---- items -----------------------------------------------------------------------------

    async fn act(&mut self, act: Act) -> anyhow::Result<()> {
        match act {
            Act::Create(p) => self.create(p).await,
            Act::Submit(p) => self.submit(p).await,
            Act::Decide(p) => self.decide(p).await,
            Act::Resubmit(p) => self.resubmit(p).await,
            Act::Dispatch(p) => self.dispatch(p).await,
            Act::Close(p) => self.close(p).await,
            Act::Story(i) => self.story_step(i).await,
            Act::Assess(step) => self.assess(step).await,
            Act::Joint(step) => self.joint_step(step).await,
            Act::Proposal(step) => self.proposal_step(step).await,
            Act::AckNotice(n, user) => {
                // Met or escalated before anyone got to it: nothing to acknowledge.
                let open = self
                    .s
                    .store
                    .notice(n)
                    .await?
                    .is_some_and(|n| n.state == ducha_domain::notice::NoticeState::Open);
                if open {
                    let actor = self.actor(user).await?;
                    self.s.acknowledge_notice(&actor, n, self.now()).await?;
                }
                Ok(())
            }
            other => self.work(other).await,
        }
    }

    fn input(&self, p: usize, extra: bool) -> ItemInput {
        let plan = &self.plans[p];
        let mut targets: Vec<Target> = plan
            .tpl
            .targets
            .iter()
            .map(|&(name, unit, value)| Target {
                name: name.into(),
                unit: unit.into(),
                value,
            })
            .collect();
        if extra {
            targets.push(Target {
                name: "群众满意率".into(),
                unit: "%".into(),
                value: 90.0,
            });
        }
        ItemInput {
            title: plan.title.clone(),
            description: plan.description.clone(),
            source: plan.tpl.source.into(),
            category: plan.tpl.category.into(),
            priority: Some(plan.tpl.priority.into()),
            targets,
            deadline: Some(plan.deadline),
            deadline_working_days: None,
            cadence: Some(plan.cadence),
            leader_id: Some(plan.leader),
            public: plan.public,
        }
    }

    async fn create(&mut self, p: usize) -> anyhow::Result<()> {
        let actor = self.actor(self.plans[p].supervisor).await?;
        let input = self.input(p, false);
        let c = self.s.create_item(&actor, &input, self.now()).await?;
        self.items[p] = Some(c.id);
        if self.plans[p].stage != Stage::Draft {
            let at = self.wd(0, 1);
            self.sched(at, Act::Submit(p));
        }
        Ok(())
    }

    async fn submit(&mut self, p: usize) -> anyhow::Result<()> {
        let actor = self.actor(self.plans[p].supervisor).await?;
        let id = self.item_id(p)?;
        self.s.submit_item(&actor, id, self.now()).await?;
        if self.plans[p].stage != Stage::Pending {
            let at = self.wd(1, 2);
            self.sched(at, Act::Decide(p));
        }
        Ok(())
    }

    async fn decide(&mut self, p: usize) -> anyhow::Result<()> {
        let actor = self.actor(self.plans[p].leader).await?;
        let id = self.item_id(p)?;
        let now = self.now();
        if self.plans[p].reject_once && !self.rejected[p] {
            self.rejected[p] = true;
            self.s.reject_item(&actor, id, tx::REJECT, now).await?;
            if self.plans[p].stage != Stage::Rejected {
                let at = self.wd(1, 2);
                self.sched(at, Act::Resubmit(p));
            }
            return Ok(());
        }
        let comment = *self.rng.pick(tx::APPROVE);
        self.s.approve_item(&actor, id, comment, now).await?;
        if self.plans[p].stage != Stage::Approved {
            let at = self.wd(0, 1);
            self.sched(at, Act::Dispatch(p));
        }
        Ok(())
    }

    async fn resubmit(&mut self, p: usize) -> anyhow::Result<()> {
        let actor = self.actor(self.plans[p].supervisor).await?;
        let id = self.item_id(p)?;
        let row = self.s.store.item(id).await?.context("item")?;
        let input = self.input(p, true);
        self.s
            .edit_item(&actor, id, row.version, &input, self.now())
            .await?;
        self.cur += Duration::minutes(i64::from(self.rng.range(2, 20)));
        self.s.submit_item(&actor, id, self.now()).await?;
        let at = self.wd(1, 2);
        self.sched(at, Act::Decide(p));
        Ok(())
    }

    /// Splits targets among `n` lead units; `None` when a single lead inherits them. The shares
    /// add up to the whole (the dilution and 层层加码 the demo shows are the story's).
    pub(super) fn split(&mut self, targets: &[Target], n: usize) -> Vec<Option<Vec<Target>>> {
        if n <= 1 || targets.is_empty() {
            return vec![None; n];
        }
        self.rng.float();
        let factor = 1.0;
        let weights: Vec<f64> = (0..n).map(|_| 0.6 + 0.8 * self.rng.float()).collect();
        let sum: f64 = weights.iter().sum();
        let mut out = vec![Vec::new(); n];
        for t in targets {
            let rate = ducha_domain::analytics::targets::kind_of(&t.unit)
                != ducha_domain::analytics::targets::TargetKind::Amount;
            let total = t.value * factor;
            let whole = t.value.fract() == 0.0 && total >= n as f64;
            let mut given = 0.0;
            for (i, w) in weights.iter().enumerate() {
                let v = if rate {
                    t.value
                } else if i + 1 == n {
                    ((total - given) * 10.0).round() / 10.0
                } else if whole {
                    (total * w / sum).floor()
                } else {
                    (total * w / sum * 10.0).round() / 10.0
                };
                given += v;
                out[i].push(Target {
                    name: t.name.clone(),
                    unit: t.unit.clone(),
                    value: v.max(0.0),
                });
            }
        }
        out.into_iter().map(Some).collect()
    }

    async fn dispatch(&mut self, p: usize) -> anyhow::Result<()> {
        let actor = self.actor(self.plans[p].supervisor).await?;
        let id = self.item_id(p)?;
        let row = self.s.store.item(id).await?.context("item")?;
        let leads = self.plans[p].leads.clone();
        let cos = self.plans[p].cos.clone();
        let shares = self.split(&row.targets.0, leads.len());
        let title = self.plans[p].title.clone();
        let mut inputs = Vec::new();
        for (u, targets) in leads.iter().zip(shares) {
            inputs.push(AssignmentInput {
                unit_id: self.org.units[*u].id,
                role: "lead".into(),
                deadline: None,
                deadline_working_days: None,
                targets,
                instructions: tx::lead_instructions(&title),
                responsible_user_id: None,
            });
        }
        for u in &cos {
            inputs.push(AssignmentInput {
                unit_id: self.org.units[*u].id,
                role: "co".into(),
                deadline: None,
                deadline_working_days: None,
                targets: None,
                instructions: tx::co_instructions(&title),
                responsible_user_id: None,
            });
        }
        let c = self
            .s
            .dispatch_item(
                &actor,
                id,
                &DispatchInput {
                    assignments: inputs,
                },
                self.now(),
            )
            .await?;
        let batch: Vec<(i64, usize, bool, NaiveDate)> = c
            .ids
            .iter()
            .zip(
                leads
                    .iter()
                    .map(|u| (*u, true))
                    .chain(cos.iter().map(|u| (*u, false))),
            )
            .map(|(&aid, (u, lead))| (aid, u, lead, row.deadline))
            .collect();
        self.batch(p, &batch, None);
        Ok(())
    }

    async fn close(&mut self, p: usize) -> anyhow::Result<()> {
        let id = self.item_id(p)?;
        let row = self.s.store.item(id).await?.context("item")?;
        if row.state != ducha_domain::item::ItemState::Dispatched {
            return Ok(());
        }
        let all = self.s.store.assignments_of_item(id).await?;
        let top: Vec<_> = all.iter().filter(|a| a.parent_id.is_none()).collect();
        if top.iter().any(|a| a.state.is_open()) {
            return Ok(());
        }
        let actor = self.actor(self.plans[p].supervisor).await?;
        let comment = *self.rng.pick(tx::CLOSE);
        self.s.close_item(&actor, id, comment, self.now()).await?;
        Ok(())
    }
}
