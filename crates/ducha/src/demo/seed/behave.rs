//! How new assignments will behave: when their units sign, finish, pass work down, and which
//! of them carry an item's trouble.

use super::plan::{Outcome, Stall};
use super::sim::{Act, Beh, Sim};
use chrono::{Duration, NaiveDate};
use ducha_domain::org::UnitKind;

impl Sim<'_> {
    fn sign_delay(&mut self) -> u32 {
        match self.rng.float() {
            x if x < 0.45 => 0,
            x if x < 0.8 => 1,
            x if x < 0.92 => 2,
            _ => self.rng.range(3, 5),
        }
    }

    /// A completion date for a unit working on an open item: now and then somewhere before the
    /// end of the history.
    fn maybe_finish(&mut self) -> Option<NaiveDate> {
        let from = self.s.calendar().add_working_days(self.today(), 8);
        (self.rng.chance(0.4) && from < self.end).then(|| {
            let span = (self.end - from).num_days().max(1) as u32;
            from + Duration::days(i64::from(self.rng.range(0, span)))
        })
    }

    /// Gives new assignments `(id, unit, lead, deadline)` their behaviour and first action.
    pub(super) fn batch(
        &mut self,
        p: usize,
        batch: &[(i64, usize, bool, NaiveDate)],
        parent: Option<i64>,
    ) {
        self.assignments += batch.len();
        let (plan_finish, plan_ext, outcome, plan_deadline) = {
            let plan = &self.plans[p];
            (plan.finish, plan.ext, plan.outcome, plan.deadline)
        };
        let parent_finish = parent
            .and_then(|pid| self.behs.get(&pid))
            .and_then(|b| b.finish);
        let earliest = self.s.calendar().add_working_days(self.today(), 4);
        let mut behs = Vec::new();
        for (k, &(_, unit, lead, deadline)) in batch.iter().enumerate() {
            let sign = Some(self.sign_delay());
            let finish = match parent {
                None if lead && k == 0 => plan_finish,
                None if lead => plan_finish.map(|f| {
                    let f = self.back(f, 0, 3);
                    if plan_ext == Some(true) {
                        f.min(self.back(plan_deadline, 1, 3))
                    } else {
                        f
                    }
                }),
                None if plan_finish.is_some() => plan_finish.map(|f| self.back(f, 1, 4)),
                Some(_) if parent_finish.is_some() => parent_finish.map(|f| {
                    let f = self.back(f, 2, 5);
                    if outcome == Outcome::Late {
                        f
                    } else {
                        f.min(deadline)
                    }
                }),
                _ => self.maybe_finish(),
            };
            behs.push(Beh {
                plan: p,
                unit,
                parent,
                lead,
                sign,
                finish: finish.map(|f| f.max(earliest)),
                ext: (parent.is_none() && lead && k == 0)
                    .then_some(plan_ext)
                    .flatten(),
                ..Beh::default()
            });
        }
        self.flags(p, &mut behs, parent.is_none());
        for (b, &(aid, ..)) in behs.into_iter().zip(batch) {
            if b.refuse.is_some() {
                let at = self.wd(1, 2);
                self.sched(at, Act::Refuse(aid));
            } else if let Some(n) = b.sign {
                let at = self.wd(n, n);
                self.sched(at, Act::Sign(aid));
            }
            self.behs.insert(aid, b);
        }
    }

    /// Hands an item's trouble (refusal, stall, return, help) to assignments of this batch, or
    /// keeps it for a level below.
    fn flags(&mut self, p: usize, behs: &mut [Beh], top: bool) {
        let plan_ret = self.plans[p].ret;
        let plan_help = self.plans[p].help;
        if top {
            if plan_ret {
                if self.rng.chance(0.5) {
                    behs[0].ret = true;
                } else {
                    self.deferred[p].ret = true;
                }
            }
            if let Some(h) = plan_help {
                if self.rng.chance(0.6) {
                    let i = self.rng.below(behs.len());
                    behs[i].help = Some(h);
                } else {
                    self.deferred[p].help = Some(h);
                }
            }
        } else {
            if std::mem::take(&mut self.deferred[p].ret) {
                let with: Vec<usize> = (0..behs.len())
                    .filter(|&i| behs[i].finish.is_some())
                    .collect();
                if !with.is_empty() {
                    behs[*self.rng.pick(&with)].ret = true;
                }
            }
            if let Some(h) = self.deferred[p].help.take() {
                let i = self.rng.below(behs.len());
                behs[i].help = Some(h);
            }
        }
        // A refusal or a stall goes to a co-unit or a unit below, never to the top lead.
        let mut cands: Vec<usize> = (0..behs.len())
            .filter(|&i| !(top && behs[i].lead))
            .collect();
        if let Some(up) = self.deferred[p].refuse
            && !cands.is_empty()
        {
            let i = *self.rng.pick(&cands);
            behs[i].refuse = Some(up);
            self.deferred[p].refuse = None;
            cands.retain(|&c| c != i);
        }
        let lead_leaf = top
            && behs
                .iter()
                .filter(|b| b.lead)
                .all(|b| self.org.units[b.unit].children.is_empty());
        if cands.is_empty() && lead_leaf {
            cands = (0..behs.len())
                .filter(|&i| behs[i].refuse.is_none())
                .collect();
        }
        if let Some(stall) = self.deferred[p].stall
            && !cands.is_empty()
        {
            let b = &mut behs[*self.rng.pick(&cands)];
            match stall {
                Stall::NeverSign => b.sign = None,
                Stall::SlowSign => b.sign = Some(self.rng.range(10, 16)),
                Stall::Silent => b.silent = true,
            }
            if stall != Stall::SlowSign {
                b.finish = None;
            }
            self.deferred[p].stall = None;
        }
    }

    /// Whether a unit passes its assignment down, and to whom: `(leads, cos)`.
    pub(super) fn children_for(&mut self, unit: usize, lead: bool) -> (Vec<usize>, Vec<usize>) {
        let org = self.org;
        let u = &org.units[unit];
        let p = match u.kind {
            UnitKind::County => 0.9,
            UnitKind::Township => 0.75,
            UnitKind::Department => 0.7,
            _ => 0.0,
        } * if lead { 1.0 } else { 0.35 };
        if u.children.is_empty() || !self.rng.chance(p) {
            return (vec![], vec![]);
        }
        let of = |k: UnitKind| -> Vec<usize> {
            u.children
                .iter()
                .copied()
                .filter(|&c| org.units[c].kind == k)
                .collect()
        };
        match u.kind {
            UnitKind::County => {
                let towns = of(UnitKind::Township);
                let depts = of(UnitKind::Department);
                let n = self.rng.range(2, 4) as usize;
                let leads = self.rng.sample(&towns, n);
                let cos = if self.rng.chance(0.3) {
                    self.rng.sample(&depts, 1)
                } else {
                    vec![]
                };
                (leads, cos)
            }
            UnitKind::Township => (u.children.clone(), vec![]),
            _ => {
                let kids = u.children.clone();
                let n = self.rng.range(1, 3) as usize;
                (self.rng.sample(&kids, n.min(kids.len())), vec![])
            }
        }
    }
}
