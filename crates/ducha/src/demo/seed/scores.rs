//! The demo's assessment (平时成绩): two months finalised after their appeals were decided,
//! and the latest month open with appeals waiting for the office — played on the history's
//! clock through the real use cases.

use super::sim::{Act, Sim};
use anyhow::Context;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use ducha_service::assessment::{AppealDecisionInput, AppealInput};

/// One step of the demo's assessment.
#[derive(Debug, Clone)]
pub(super) enum Assess {
    /// The `nth` unit (worst first) with a deduction appeals its first one.
    Appeal { period: String, nth: usize },
    /// The office decides the oldest pending appeal of the period.
    Decide { period: String, accept: bool },
    /// The office finalises the period.
    Finalize { period: String },
}

const REASONS: &[&str] = &[
    "该项工作已按要求推进，督办单下发时相关材料已报送，请予核实。",
    "逾期系上级协调事项未落实所致，已附协调记录，申请核减。",
    "报送内容已补充现场照片和数据，请重新审核。",
];

/// The record an appeal attaches: a one-page PDF naming the `n`th appeal, made here so the
/// demo needs no files of its own (the same bytes each run).
fn record(n: usize) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
         2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
         % demo appeal record {n}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

fn month(d: NaiveDate) -> (NaiveDate, NaiveDate, String) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let next = next.unwrap_or(first);
    (first, next, first.format("%Y-%m").to_string())
}

impl Sim<'_> {
    fn after(&self, d: NaiveDate, n: u32, h: u32, m: u32) -> NaiveDateTime {
        let day = self.s.calendar().add_working_days(d, n);
        NaiveDateTime::new(day, NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default())
    }

    /// Puts the assessment on the agenda: the latest month whose appeals window closed before
    /// today and the month before it are finalised; the month after stays open.
    pub(super) fn plan_scores(&mut self) {
        let cal = self.s.calendar();
        let today = self.end;
        // The latest month that ended at least seven working days ago.
        let mut m2 = month(today);
        loop {
            let last = m2.1.pred_opt().unwrap_or(m2.1);
            if cal.add_working_days(last, 7) < today {
                break;
            }
            m2 = month(m2.0.pred_opt().unwrap_or(m2.0));
        }
        let m1 = month(m2.0.pred_opt().unwrap_or(m2.0));
        let open = month(m2.1);
        let last = |m: &(NaiveDate, NaiveDate, String)| m.1.pred_opt().unwrap_or(m.1);
        let mut plan = vec![
            (
                self.after(last(&m1), 2, 10, 5),
                Assess::Appeal {
                    period: m1.2.clone(),
                    nth: 0,
                },
            ),
            (
                self.after(last(&m1), 2, 15, 20),
                Assess::Appeal {
                    period: m1.2.clone(),
                    nth: 1,
                },
            ),
            (
                self.after(last(&m1), 3, 10, 0),
                Assess::Decide {
                    period: m1.2.clone(),
                    accept: true,
                },
            ),
            (
                self.after(last(&m1), 3, 11, 0),
                Assess::Decide {
                    period: m1.2.clone(),
                    accept: false,
                },
            ),
            (
                self.after(last(&m1), 6, 9, 30),
                Assess::Finalize {
                    period: m1.2.clone(),
                },
            ),
            (
                self.after(last(&m2), 1, 10, 15),
                Assess::Appeal {
                    period: m2.2.clone(),
                    nth: 0,
                },
            ),
            (
                self.after(last(&m2), 1, 16, 0),
                Assess::Appeal {
                    period: m2.2.clone(),
                    nth: 2,
                },
            ),
            (
                self.after(last(&m2), 2, 9, 40),
                Assess::Decide {
                    period: m2.2.clone(),
                    accept: false,
                },
            ),
            (
                self.after(last(&m2), 2, 10, 20),
                Assess::Decide {
                    period: m2.2.clone(),
                    accept: true,
                },
            ),
            (
                self.after(last(&m2), 6, 9, 30),
                Assess::Finalize {
                    period: m2.2.clone(),
                },
            ),
        ];
        // Appeals on the open month, filed yesterday, wait for the office.
        let yesterday = {
            let mut d = today.pred_opt().unwrap_or(today);
            while !cal.is_working_day(d) {
                d = d.pred_opt().unwrap_or(d);
            }
            d
        };
        for (nth, h) in [(0, 10), (1, 15)] {
            let at = NaiveDateTime::new(
                yesterday,
                NaiveTime::from_hms_opt(h, 10, 0).unwrap_or_default(),
            );
            plan.push((
                at,
                Assess::Appeal {
                    period: open.2.clone(),
                    nth,
                },
            ));
        }
        for (at, step) in plan {
            self.sched(at, Act::Assess(step));
        }
    }

    /// Plays one step of the assessment.
    pub(super) async fn assess(&mut self, step: Assess) -> anyhow::Result<()> {
        let sup = self
            .s
            .store
            .user_by_name("zf.ducha1")
            .await?
            .context("zf.ducha1")?;
        let sup = self.actor(sup.id).await?;
        let now = self.now();
        match step {
            Assess::Appeal { period, nth } => {
                let board = self.s.score_board(&sup, None, &period, None, now).await?;
                let mut worst: Vec<_> = board.units.iter().filter(|u| u.deductions < 0.0).collect();
                worst.reverse();
                let Some(u) = worst.get(nth) else {
                    return Ok(());
                };
                let card = self
                    .s
                    .score_card(&sup, None, u.unit_id, &period, now)
                    .await
                    .with_context(|| format!("the card of unit {}", u.unit_id))?;
                let Some(line) = card
                    .lines
                    .iter()
                    .find(|l| l.value < 0.0 && l.appeal.is_none())
                else {
                    return Ok(());
                };
                let idx = *self.org.by_id.get(&u.unit_id).context("unit")?;
                let who = self.org.head(idx).context("unit without staff")?;
                let actor = self.actor(who).await?;
                // Every appeal carries its proof (协调记录、现场照片), so the pending ones show
                // evidence in the office's queue.
                let proof = self
                    .s
                    .store_evidence(
                        &actor,
                        &format!("申辩材料-{}.pdf", nth + 1),
                        record(nth),
                        now,
                    )
                    .await
                    .with_context(|| format!("the evidence of unit {}", u.unit_id))?;
                let input = AppealInput {
                    scope_unit_id: Some(board.scope_unit_id),
                    period,
                    unit_id: u.unit_id,
                    line_key: line.line.key.clone(),
                    reason: REASONS[nth % REASONS.len()].to_string(),
                    evidence_ids: vec![proof.id],
                };
                self.s
                    .appeal_line(&actor, &input, now)
                    .await
                    .with_context(|| format!("unit {} appeals as user {who}", u.unit_id))?;
            }
            Assess::Decide { period, accept } => {
                let pending = self.s.score_appeals(&sup, None, Some(&period), now).await?;
                let Some(a) = pending.iter().find(|a| a.state == "pending") else {
                    return Ok(());
                };
                let input = AppealDecisionInput {
                    accept,
                    comment: if accept {
                        "经核实，申辩理由成立，撤销该项扣分。".into()
                    } else {
                        "经核实，扣分事实清楚，申辩理由不成立。".into()
                    },
                };
                self.s.decide_appeal(&sup, a.id, &input, now).await?;
            }
            Assess::Finalize { period } => {
                self.s.finalize_scores(&sup, None, &period, now).await?;
            }
        }
        Ok(())
    }
}
