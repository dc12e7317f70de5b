//! What units do with their assignments: sign or refuse, pass down, report, finish, ask for
//! time or help; and what the level above does in answer.

use super::plan::Outcome;
use super::sim::{Act, Beh, Rv, Sim};
use super::text as tx;
use anyhow::Context;
use chrono::{Duration, NaiveDate};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::china_date;
use ducha_domain::item::{ItemState, Target};
use ducha_domain::report::{MetricValue, ReportInput, ReportState, Verdict};
use ducha_service::assignments::{RefusalDecisionInput, ReviewInput, SignInput, TextInput};
use ducha_service::items::{AssignmentInput, DispatchInput};
use ducha_store::AssignmentRow;

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Reported values of targets at `pct` percent, and the sentence naming them.
fn metrics(targets: &[Target], pct: i64) -> (Vec<MetricValue>, String) {
    let f = pct as f64 / 100.0;
    let mut text = String::new();
    let values = targets
        .iter()
        .map(|t| {
            let value = if matches!(t.unit.as_str(), "%" | "个工作日" | "天") {
                (t.value * (0.75 + 0.25 * f) * 10.0).round() / 10.0
            } else if t.value.fract() == 0.0 {
                (t.value * f).round()
            } else {
                (t.value * f * 10.0).round() / 10.0
            };
            text.push_str(&format!("，{}{}{}", t.name, number(value), t.unit));
            MetricValue {
                name: t.name.clone(),
                value,
            }
        })
        .collect();
    (values, text)
}

impl Sim<'_> {
    pub(super) async fn work(&mut self, act: Act) -> anyhow::Result<()> {
        match act {
            Act::Sign(a) => self.sign(a).await,
            Act::Refuse(a) => self.refuse(a).await,
            Act::DecideRefusal(r, a, up) => self.decide_refusal(r, a, up).await,
            Act::Decompose(a) => self.decompose(a).await,
            Act::Replace(a, unit) => self.replace(a, unit).await,
            Act::Report(a) => self.report(a).await,
            Act::Complete(a, tries) => self.complete(a, tries).await,
            Act::Review(r, a, rv) => self.review(r, a, rv).await,
            Act::Extend(a) => self.extend(a).await,
            Act::DecideExtension(x, a, ok) => self.decide_extension(x, a, ok).await,
            Act::Help(a) => self.help(a).await,
            Act::AnswerHelp(h, to) => self.answer_help(h, to).await,
            _ => Ok(()),
        }
    }

    pub(super) fn beh(&self, a: i64) -> anyhow::Result<Beh> {
        self.behs.get(&a).cloned().context("unknown assignment")
    }

    pub(super) async fn row(&self, a: i64) -> anyhow::Result<AssignmentRow> {
        self.s.store.assignment(a).await?.context("assignment")
    }

    /// The user who acts for the assignment's unit.
    pub(super) async fn doer(&mut self, b: &Beh) -> anyhow::Result<ducha_domain::org::Actor> {
        let org = self.org;
        let who = org
            .liaison(b.unit, &mut self.rng)
            .context("unit without staff")?;
        self.actor(who).await
    }

    /// The user who decides at the level above the assignment.
    pub(super) async fn above(&mut self, b: &Beh) -> anyhow::Result<ducha_domain::org::Actor> {
        let who = match b.parent {
            None => self.plans[b.plan].supervisor,
            Some(pid) => {
                let unit = self.behs.get(&pid).context("parent")?.unit;
                self.org.head(unit).context("unit without head")?
            }
        };
        self.actor(who).await
    }

    async fn sign(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if row.state != AssignmentState::Pending {
            return Ok(());
        }
        let b = self.beh(a)?;
        let actor = self.doer(&b).await?;
        let responsible = self.org.units[b.unit].head.filter(|_| self.rng.chance(0.6));
        let input = SignInput {
            responsible_user_id: responsible,
        };
        self.s
            .sign_assignment(&actor, a, &input, self.now())
            .await?;
        if !b.silent && !self.org.units[b.unit].children.is_empty() {
            let at = self.wd(0, 2);
            // The background passes work down in good time: a late hand-off is the story's
            // (松岭县). A unit that signed too late for that does the work itself.
            match self.last_prompt_handoff(&row) {
                Some(last) if at.date() <= last => self.sched(at, Act::Decompose(a)),
                Some(_) => {
                    let at = self.cur + Duration::minutes(20);
                    self.sched(at, Act::Decompose(a));
                }
                None => {}
            }
        }
        if !b.silent {
            let at = self.report_time(&row).await?;
            self.sched(at, Act::Report(a));
        }
        if b.help.is_some() {
            let at = self.wd(2, 8);
            self.sched(at, Act::Help(a));
        }
        if b.ext.is_some() {
            let d = self.back(row.deadline, 2, 4).max(self.today());
            let at = self.on(d);
            self.sched(at, Act::Extend(a));
        }
        if let Some(f) = b.finish {
            let at = self.on(f);
            self.sched(at, Act::Complete(a, 0));
        }
        Ok(())
    }

    /// The last day the assignment's unit can pass it down without a late hand-off finding
    /// (the rule's thresholds), or `None` when that day has gone.
    fn last_prompt_handoff(&self, row: &AssignmentRow) -> Option<NaiveDate> {
        let cal = self.s.calendar();
        let rules = &self.s.config.analytics;
        let start = china_date(row.dispatched_at);
        let window = cal.working_days_between(start, row.deadline);
        let share_days = (rules.handoff_share * window as f64).floor() as i64;
        let held = (rules.handoff_min_days - 1).max(share_days);
        let last = cal.add_working_days(start, u32::try_from(held.max(0)).unwrap_or(0));
        (last >= self.today()).then_some(last)
    }

    async fn refuse(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if row.state != AssignmentState::Pending {
            return Ok(());
        }
        let b = self.beh(a)?;
        let actor = self.doer(&b).await?;
        let text = self.rng.pick(tx::REFUSE).to_string();
        let c = self
            .s
            .refuse_assignment(&actor, a, &TextInput { text }, self.now())
            .await?;
        let at = self.wd(1, 2);
        self.sched(at, Act::DecideRefusal(c.id, a, b.refuse == Some(true)));
        Ok(())
    }

    async fn decide_refusal(&mut self, r: i64, a: i64, up: bool) -> anyhow::Result<()> {
        let b = self.beh(a)?;
        let actor = self.above(&b).await?;
        // Sub-assignments are handed on by decomposing to the right unit below (Act::Replace).
        let input = RefusalDecisionInput {
            approve: up,
            comment: if up { tx::REFUSE_OK } else { tx::REFUSE_NO }.into(),
            reassign_to: None,
        };
        self.s.decide_refusal(&actor, r, &input, self.now()).await?;
        if !up {
            let at = self.wd(0, 1);
            self.sched(at, Act::Sign(a));
        } else if let Some(pid) = b.parent {
            let at = self.wd(0, 2);
            self.sched(at, Act::Replace(pid, b.unit));
        }
        Ok(())
    }

    async fn decompose(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if !row.state.is_working() {
            return Ok(());
        }
        let b = self.beh(a)?;
        let (leads, cos) = self.children_for(b.unit, b.lead);
        if leads.is_empty() {
            return Ok(());
        }
        self.pass_down(a, &row, &b, &leads, &cos).await
    }

    /// After an upheld refusal below, the unit passes the work to another unit instead.
    async fn replace(&mut self, a: i64, refused: usize) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if !row.state.is_working() {
            return Ok(());
        }
        let b = self.beh(a)?;
        let all = self.s.store.assignments_of_item(row.item_id).await?;
        let used: Vec<i64> = all
            .iter()
            .filter(|c| c.parent_id == Some(a))
            .map(|c| c.unit_id)
            .collect();
        let org = self.org;
        let kind = org.units[refused].kind;
        let cands: Vec<usize> = org.units[b.unit]
            .children
            .iter()
            .copied()
            .filter(|&c| org.units[c].kind == kind && !used.contains(&org.units[c].id))
            .collect();
        if cands.is_empty() {
            return Ok(());
        }
        let u = *self.rng.pick(&cands);
        self.pass_down(a, &row, &b, &[u], &[]).await
    }

    /// A child's deadline: the parent's, or a few days before it to leave time to sum up (the
    /// deadline squeezed level by level is the story's, see `story`).
    fn child_deadline(&mut self, parent: NaiveDate) -> Option<NaiveDate> {
        if self.rng.chance(0.3) {
            return None;
        }
        let d = parent - Duration::days(i64::from(self.rng.range(1, 4)));
        (d >= self.today() + Duration::days(5)).then_some(d)
    }

    async fn pass_down(
        &mut self,
        a: i64,
        row: &AssignmentRow,
        b: &Beh,
        leads: &[usize],
        cos: &[usize],
    ) -> anyhow::Result<()> {
        if row.deadline < self.today() {
            return Ok(());
        }
        let title = self.plans[b.plan].title.clone();
        let shares = self.split(&row.targets.0, leads.len());
        let mut inputs = Vec::new();
        let mut units = Vec::new();
        for (&u, targets) in leads.iter().zip(shares) {
            let deadline = self.child_deadline(row.deadline);
            // Every unit writes its own instructions (forwarding only is the story's).
            self.rng.chance(0.15);
            let instructions = tx::child_instructions(&title, &self.org.units[u].name);
            inputs.push(AssignmentInput {
                deadline_working_days: None,
                unit_id: self.org.units[u].id,
                role: "lead".into(),
                deadline,
                targets,
                instructions,
                responsible_user_id: None,
            });
            units.push((u, true, deadline.unwrap_or(row.deadline)));
        }
        for &u in cos {
            inputs.push(AssignmentInput {
                unit_id: self.org.units[u].id,
                role: "co".into(),
                deadline: None,
                deadline_working_days: None,
                targets: None,
                instructions: tx::co_instructions(&title),
                responsible_user_id: None,
            });
            units.push((u, false, row.deadline));
        }
        let actor = self.doer(b).await?;
        let input = DispatchInput {
            assignments: inputs,
        };
        let c = self
            .s
            .decompose_assignment(&actor, a, &input, self.now())
            .await?;
        let batch: Vec<_> = c
            .ids
            .iter()
            .zip(units)
            .map(|(&id, (u, lead, dl))| (id, u, lead, dl))
            .collect();
        self.batch(b.plan, &batch, Some(a));
        Ok(())
    }

    async fn report(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if !row.state.is_working() {
            return Ok(());
        }
        let b = self.beh(a)?;
        let today = self.today();
        if b.finish.is_some_and(|f| today >= f) {
            return Ok(());
        }
        let start = row.signed_at.map_or(today, china_date);
        let overdue = row.deadline < today;
        let end = b.finish.unwrap_or(if overdue {
            row.deadline + Duration::days(45)
        } else {
            row.deadline
        });
        let total = (end - start).num_days().max(1) as f64;
        let elapsed = (today - start).num_days().max(0) as f64;
        let open = b.finish.is_none() && self.plans[b.plan].outcome == Outcome::Open;
        // Most units keep up with the working-time pace; open-ended ones trail it a little.
        let pace = if open { 0.95 } else { 1.15 };
        let noise = i64::from(self.rng.range(0, 12)) - 6;
        let pct = ((elapsed / total * 100.0 * pace) as i64 + noise)
            .clamp(5, 95)
            .max(row.progress.unwrap_or(0));
        let (metrics, mtext) = metrics(&row.targets.0, pct);
        let text = format!(
            "{}{}目前完成目标任务的{pct}%{mtext}。",
            self.rng.pick(tx::OPENINGS),
            self.rng.pick(tx::MIDDLES)
        );
        let problems = if self.rng.chance(0.25) {
            self.rng.pick(tx::PROBLEMS).to_string()
        } else {
            String::new()
        };
        let actor = self.doer(&b).await?;
        let input = ReportInput {
            text,
            percent: Some(pct),
            metrics,
            problems,
            completion: false,
            evidence_ids: Vec::new(),
        };
        let c = self.s.submit_report(&actor, a, &input, self.now()).await?;
        let x = self.rng.float();
        if x < 0.58 {
            let rv = if x < 0.55 { Rv::Accept } else { Rv::Return };
            let at = self.wd(1, 3);
            self.sched(at, Act::Review(c.id, a, rv));
        }
        if !(overdue && self.rng.chance(0.2)) {
            let at = self.report_time(&row).await?;
            self.sched(at, Act::Report(a));
        }
        Ok(())
    }

    /// When the unit files its next progress report: most units in the days before the
    /// cadence's next due date, some late.
    async fn report_time(&mut self, row: &AssignmentRow) -> anyhow::Result<chrono::NaiveDateTime> {
        Ok(match self.next_due(row).await? {
            Some(due) if self.rng.chance(0.92) => {
                let d = self.back(due, 0, 2);
                self.on(d)
            }
            Some(_) => self.wd(8, 15),
            None => self.wd(4, 12),
        })
    }

    /// The next report due date of an assignment after today, by its item's cadence.
    async fn next_due(&self, row: &AssignmentRow) -> anyhow::Result<Option<NaiveDate>> {
        let Some(item) = self.s.store.item(row.item_id).await? else {
            return Ok(None);
        };
        let cal = self.s.calendar();
        let from = china_date(row.dispatched_at);
        let mut d = self.today();
        for _ in 0..60 {
            d = d.succ_opt().context("date")?;
            let next = d.succ_opt().context("date")?;
            let window = ducha_domain::light::last_due_window(item.cadence.0, from, next, &cal);
            if window.is_some_and(|(_, due)| due == d) {
                return Ok(Some(d));
            }
        }
        Ok(None)
    }

    async fn complete(&mut self, a: i64, tries: u8) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        let retry = match row.state {
            AssignmentState::Pending | AssignmentState::RefusalRequested => true,
            AssignmentState::Signed | AssignmentState::InProgress => {
                let all = self.s.store.assignments_of_item(row.item_id).await?;
                all.iter()
                    .any(|c| c.parent_id == Some(a) && c.state.is_open())
            }
            _ => return Ok(()),
        };
        if retry {
            if tries < 15 {
                let at = self.wd(1, 3);
                self.sched(at, Act::Complete(a, tries + 1));
            }
            return Ok(());
        }
        let b = self.beh(a)?;
        let (metrics, mtext) = metrics(&row.targets.0, 100);
        let text = if row.returned_count > 0 {
            format!("已按退回意见逐项整改到位{mtext}。已补充现场照片和验收资料，再次申请办结。")
        } else {
            let title = tx::quoted(&self.plans[b.plan].title);
            format!("经自查，{title}各项目标任务已全部完成{mtext}。佐证材料已上传，申请办结。")
        };
        let head = self.org.head(b.unit).context("unit without head")?;
        let actor = self.actor(head).await?;
        let input = ReportInput {
            text,
            percent: Some(100),
            metrics,
            problems: String::new(),
            completion: true,
            evidence_ids: Vec::new(),
        };
        let c = self.s.submit_report(&actor, a, &input, self.now()).await?;
        let at = self.wd(1, 3);
        self.sched(at, Act::Review(c.id, a, Rv::Completion));
        Ok(())
    }

    async fn review(&mut self, r: i64, a: i64, rv: Rv) -> anyhow::Result<()> {
        let report = self.s.store.report(r).await?.context("report")?;
        let item = self.s.store.item(report.item_id).await?.context("item")?;
        if report.state != ReportState::Pending || item.state != ItemState::Dispatched {
            return Ok(());
        }
        let b = self.beh(a)?;
        let row = self.row(a).await?;
        let (verdict, comments) = match rv {
            Rv::Accept => (Verdict::Accept, tx::PROGRESS_OK),
            Rv::Return => (Verdict::Return, tx::PROGRESS_BACK),
            Rv::Completion if b.ret && row.returned_count == 0 => (Verdict::Return, tx::DONE_BACK),
            Rv::Completion => (Verdict::Accept, tx::DONE_OK),
        };
        let input = ReviewInput {
            verdict,
            comment: self.rng.pick(comments).to_string(),
        };
        let actor = self.above(&b).await?;
        self.s.review_report(&actor, r, &input, self.now()).await?;
        if rv == Rv::Completion {
            if verdict == Verdict::Return {
                let at = self.wd(3, 7);
                self.sched(at, Act::Complete(a, 0));
            } else if b.parent.is_none() {
                let at = self.wd(1, 3);
                self.sched(at, Act::Close(b.plan));
            }
        }
        Ok(())
    }
}
