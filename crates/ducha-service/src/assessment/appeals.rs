//! Appeals (申辩): a unit contests a line of its score card before the period is final; the
//! office accepts (the line is voided) or rejects it with a reason.

use super::Period;
use super::scores::points;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::evidence::EvidenceView;
use crate::{Created, Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::assessment::Line;
use ducha_domain::chain::EventKind;
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, UnitId, ValidationErrors};
use ducha_store::{AppealRow, Insert, NewAppeal, Update};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The most evidence files an appeal carries.
pub const MAX_APPEAL_EVIDENCE: usize = 10;

/// An appeal against a line.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealInput {
    /// The jurisdiction (default: the one that assesses the unit).
    #[serde(default)]
    pub scope_unit_id: Option<i64>,
    /// The period, e.g. `2026-11`.
    pub period: String,
    /// The appealing unit.
    pub unit_id: i64,
    /// The line's key, from the score card.
    pub line_key: String,
    /// Why the line is wrong.
    pub reason: String,
    /// Evidence files (uploaded before), at most [`MAX_APPEAL_EVIDENCE`].
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
}

/// The office's decision on an appeal.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealDecisionInput {
    /// Accept (void the line) or reject.
    pub accept: bool,
    /// Why; required when rejecting.
    #[serde(default)]
    pub comment: String,
}

/// An appeal as the queue shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealView {
    /// Id.
    pub id: i64,
    /// The period.
    pub period: String,
    /// The appealing unit.
    pub unit_id: i64,
    /// The line's key.
    pub line_key: String,
    /// Why.
    pub reason: String,
    /// Evidence file ids.
    pub evidence: Vec<i64>,
    /// `pending`, `accepted` or `rejected`.
    pub state: String,
    /// Filed at.
    pub created_at: DateTime<Utc>,
    /// Decided at.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's comment.
    pub comment: String,
    /// The appealing unit's name.
    pub unit_name: String,
    /// Whether the reader may decide it.
    pub can_decide: bool,
    /// The contested line's rule, as the rule set names it (empty when the line is gone).
    pub rule_name: String,
    /// The fact the line scored (`late-day`, …), when the line is found.
    pub fact: Option<String>,
    /// The line's points as contested (negative: a deduction), when the line is found.
    pub points: Option<f64>,
    /// The line's item (none for a line of no item, such as a bulletin's).
    pub item_id: Option<i64>,
    /// The item's number.
    pub item_number: Option<String>,
    /// The item's title.
    pub item_title: String,
    /// The evidence files the reader may open, in the appeal's order.
    pub evidence_files: Vec<EvidenceView>,
}

/// An appeal found valid, its files aside.
struct Checked {
    period: Period,
    reason: String,
    scope_unit_id: i64,
    line: Line,
}

/// The contested lines of a jurisdiction's appeals, by (period, unit, key), with their
/// rule's name.
type Contested = HashMap<(String, i64, String), (Line, String)>;

impl Services {
    /// A unit's liaison or head appeals a deduction on its card of an open period, within
    /// the appeal window.
    pub async fn appeal_line(
        &self,
        actor: &Actor,
        input: &AppealInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let Checked {
            period,
            reason,
            scope_unit_id,
            line,
        } = self.checked_appeal(actor, input, now).await?;
        let evidence = self.evidence_for_report(actor, &input.evidence_ids).await?;
        let shas: Vec<&str> = evidence.iter().map(|e| e.sha256.as_str()).collect();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ScoreAppealed,
                Subject {
                    item: Some(line.item_id),
                    assignment: line.assignment_id,
                    unit: Some(input.unit_id),
                },
                serde_json::json!({ "period": period.name, "scope_unit_id": scope_unit_id,
                    "line_key": input.line_key, "points": line.points,
                    "reason": reason, "evidence": shas }),
                vec![],
                vec![Insert::Appeal(NewAppeal {
                    scope_unit_id,
                    period: period.name.clone(),
                    unit_id: input.unit_id,
                    line_key: input.line_key.clone(),
                    reason,
                    evidence: input.evidence_ids.clone(),
                    created_by: actor.user_id.0,
                    created_at: now,
                })],
            )
            .await
            .map_err(|e| match e {
                ServiceError::Rule(Rule::NameTaken) => ServiceError::Rule(Rule::RequestPending),
                other => other,
            })?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// Whether the actor may appeal for `unit_id` at all (its liaison or head): what the
    /// appeal form checks before it reads a byte of its files.
    pub fn may_appeal(&self, actor: &Actor, unit_id: i64) -> ServiceResult<()> {
        ensure(actor.acts_for(UnitId(unit_id)))
    }

    /// Whether `input` would be accepted, its evidence aside: the appeal form checks this
    /// before it stores the files, so a refused appeal leaves nothing behind.
    pub async fn check_appeal(
        &self,
        actor: &Actor,
        input: &AppealInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        self.checked_appeal(actor, input, now).await.map(|_| ())
    }

    async fn checked_appeal(
        &self,
        actor: &Actor,
        input: &AppealInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Checked> {
        let period = Period::parse(&input.period)?;
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "reason", &input.reason, true, 2000);
        if input.evidence_ids.len() > MAX_APPEAL_EVIDENCE {
            e.add("evidence_ids", "validation.too_many");
        }
        e.into_result(())?;
        let card = self
            .score_card(actor, input.scope_unit_id, input.unit_id, &period.name, now)
            .await?;
        ensure(actor.acts_for(UnitId(input.unit_id)))?;
        if card.is_final {
            return Err(period_final());
        }
        if !self.within_appeal_window(&period, now) {
            return Err(ValidationErrors::single("period", "rule.appeal_window").into());
        }
        let line = card
            .lines
            .into_iter()
            .find(|l| l.line.key == input.line_key && l.line.points < 0)
            .ok_or_else(|| ValidationErrors::single("line_key", "validation.unknown_line"))?;
        // One appeal per line: a line the office decided on is not contested again.
        match line.appeal.as_deref() {
            Some("pending") => return Err(Rule::RequestPending.into()),
            Some(_) => return Err(Rule::RequestDecided.into()),
            None => {}
        }
        Ok(Checked {
            period,
            reason,
            scope_unit_id: card.scope_unit_id,
            line: line.line,
        })
    }

    /// The office decides an appeal of its jurisdiction before the period is final.
    pub async fn decide_appeal(
        &self,
        actor: &Actor,
        appeal_id: i64,
        input: &AppealDecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut a = self
            .store
            .appeal(appeal_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let scope = self
            .store
            .unit(a.scope_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !actor.supervises(&scope.path.0) && !actor.sees(&scope.path.0) {
            return Err(ServiceError::NotFound);
        }
        ensure(Self::runs_assessment(actor, &scope.path.0))?;
        if a.state != "pending" {
            return Err(Rule::RequestDecided.into());
        }
        if self
            .store
            .score_period(a.scope_unit_id, &a.period)
            .await?
            .is_some()
        {
            return Err(period_final());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, !input.accept, 2000);
        e.into_result(())?;
        a.state = if input.accept { "accepted" } else { "rejected" }.into();
        a.decided_by = Some(actor.user_id.0);
        a.decided_at = Some(now);
        a.comment.clone_from(&comment);
        let kind = if input.accept {
            EventKind::AppealAccepted
        } else {
            EventKind::AppealRejected
        };
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject {
                    unit: Some(a.unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "appeal_id": a.id, "period": a.period,
                    "line_key": a.line_key, "comment": comment }),
                vec![Update::Appeal(a)],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// Appeals of a period: every one for the office, the unit's own for a unit.
    pub async fn score_appeals(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        period: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<AppealView>> {
        if let Some(p) = period {
            Period::parse(p)?;
        }
        let (scope, root) = self.assessment_scope(actor, scope_unit_id).await?;
        let all = Self::reads_assessment(actor, &root);
        let decides = Self::runs_assessment(actor, &root);
        let rows: Vec<AppealRow> = self
            .store
            .appeals(scope, period, false)
            .await?
            .into_iter()
            .filter(|a| all || actor.acts_for(UnitId(a.unit_id)))
            .collect();
        let mut ids: Vec<i64> = rows.iter().map(|a| a.unit_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<i64, String> = self.store.unit_names(&ids).await?.into_iter().collect();
        let lines = self.contested_lines(scope, &root, &rows, now).await?;
        let mut items: Vec<i64> = lines
            .values()
            .map(|(l, _)| l.item_id)
            .filter(|i| *i != 0)
            .collect();
        items.sort_unstable();
        items.dedup();
        let titles: HashMap<i64, (Option<String>, String)> = self
            .store
            .item_titles(&items)
            .await?
            .into_iter()
            .map(|t| (t.id, (t.number, t.title)))
            .collect();
        let files: Vec<i64> = rows.iter().flat_map(|a| a.evidence.0.clone()).collect();
        let files = self.readable_views(actor, &files).await?;
        Ok(rows
            .into_iter()
            .map(|a| {
                let line = lines.get(&(a.period.clone(), a.unit_id, a.line_key.clone()));
                let item_id = line.map(|(l, _)| l.item_id).filter(|i| *i != 0);
                let (item_number, item_title) = item_id
                    .and_then(|i| titles.get(&i).cloned())
                    .unwrap_or_default();
                AppealView {
                    unit_name: names.get(&a.unit_id).cloned().unwrap_or_default(),
                    can_decide: decides && a.state == "pending",
                    rule_name: line.map(|(_, n)| n.clone()).unwrap_or_default(),
                    fact: line.map(|(l, _)| l.fact.as_str().to_string()),
                    // A voided line kept its points before caps: what was contested.
                    points: line.map(|(l, _)| points(if l.voided { l.raw } else { l.points })),
                    item_id,
                    item_number,
                    item_title,
                    evidence_files: a
                        .evidence
                        .0
                        .iter()
                        .filter_map(|id| files.get(id).cloned())
                        .collect(),
                    id: a.id,
                    period: a.period,
                    unit_id: a.unit_id,
                    line_key: a.line_key,
                    reason: a.reason,
                    evidence: a.evidence.0,
                    state: a.state,
                    created_at: a.created_at,
                    decided_at: a.decided_at,
                    comment: a.comment,
                }
            })
            .collect())
    }

    /// The lines `rows` contest, read from their periods' scores (stored once final).
    async fn contested_lines(
        &self,
        scope: i64,
        root: &UnitPath,
        rows: &[AppealRow],
        now: DateTime<Utc>,
    ) -> ServiceResult<Contested> {
        let wanted: HashSet<(&str, i64, &str)> = rows
            .iter()
            .map(|a| (a.period.as_str(), a.unit_id, a.line_key.as_str()))
            .collect();
        let mut periods: Vec<&str> = rows.iter().map(|a| a.period.as_str()).collect();
        periods.sort_unstable();
        periods.dedup();
        let today = self.today(now);
        let mut out = Contested::new();
        for name in periods {
            let Ok(period) = Period::parse(name) else {
                continue;
            };
            let scored = self.scored(scope, root, &period, today).await?;
            let rule_names: HashMap<&str, &str> = scored
                .rules
                .rules
                .iter()
                .map(|r| (r.id.as_str(), r.name.as_str()))
                .collect();
            for u in &scored.units {
                for l in &u.lines {
                    if wanted.contains(&(name, u.unit_id, l.key.as_str())) {
                        let rule = rule_names.get(l.rule_id.as_str()).copied().unwrap_or("");
                        out.insert(
                            (name.to_string(), u.unit_id, l.key.clone()),
                            (l.clone(), rule.to_string()),
                        );
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The refusal of a change to a final period.
pub(crate) fn period_final() -> ServiceError {
    ServiceError::Invalid(ValidationErrors::single("period", "rule.period_final"))
}
