//! Review a report: accept, or return it (退回重办 for a completion request; the deadline stays).

use crate::analytics::{HelpSpan, LateFacts, hop_key, lost_stats, updates};
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::findings::{self, FindingDraft};
use ducha_domain::analytics::hops;
use ducha_domain::analytics::targets::{Gap, completion_gaps};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::report::{ReportKind, ReviewError, Verdict, review_report};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{AssignmentRow, Insert, ItemRow, ReportRow, Update};
use serde::Deserialize;

/// A review.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// `accept` or `return`.
    pub verdict: Verdict,
    /// Comment; required when returning.
    #[serde(default)]
    pub comment: String,
}

impl Services {
    /// The hop facts, findings and shortfall of a review at `now`. Accepting a completion
    /// whose targets are unmet or whose progress is below 100 % needs a reason (the comment)
    /// and is kept as a finding; a late one splits its lost days among the units that held it.
    #[allow(
        clippy::too_many_arguments,
        reason = "the review's rows, each read once by the caller"
    )]
    async fn review_analytics(
        &self,
        item: &ItemRow,
        a: &AssignmentRow,
        parent: Option<&AssignmentRow>,
        r: &ReportRow,
        reason: &str,
        accepting: bool,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Vec<Update>, Vec<FindingDraft>, Vec<Gap>)> {
        let cal = self.calendar();
        let key = hop_key(a);
        let reviewer = parent.map_or(item.owner_unit_id, |p| p.unit_id);
        let accepted = accepting.then_some((a.deadline, a.dispatched_at));
        let hops = hops::reviewed(&cal, &key, reviewer, r.kind, r.submitted_at, now, accepted);
        let mut out: Vec<Update> = updates(hops).collect();
        if !accepting {
            return Ok((out, vec![], vec![]));
        }
        let gaps = completion_gaps(&a.targets.0, &r.metrics.0, r.percent);
        if !gaps.is_empty() && reason.is_empty() {
            return Err(ValidationErrors::single("comment", "rule.shortfall_reason").into());
        }
        let found =
            findings::accepted_short(item.id, a.id, a.unit_id, reviewer, &gaps, reason, now);
        let late = hops::days_late(&cal, a.deadline, self.today(now));
        if late > 0 {
            let helps: Vec<HelpSpan> = self
                .store
                .help_requests_of_item(item.id)
                .await?
                .into_iter()
                .filter(|h| h.assignment_id == a.id)
                .map(|h| HelpSpan {
                    to_unit: h.to_unit_id,
                    from: h.created_at,
                    to: h.answered_at,
                })
                .collect();
            let this = hops::working_days(&cal, r.submitted_at, now);
            let late = LateFacts {
                key: &key,
                late,
                reviewer,
                upstream: parent.map(|p| (p.unit_id, p.dispatched_at)),
                dispatched_at: a.dispatched_at,
                helps: &helps,
                decision_days: this,
            };
            out.extend(
                lost_stats(
                    &cal,
                    self.config.analytics.handoff_allowance_days,
                    &late,
                    now,
                )
                .into_iter()
                .map(Update::HopDone),
            );
        }
        Ok((out, found.into_iter().collect(), gaps))
    }

    /// The level above reviews a report.
    pub async fn review_report(
        &self,
        actor: &Actor,
        report_id: i64,
        input: &ReviewInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut r = self
            .store
            .report(report_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (item, mut a) = self.visible_assignment(actor, r.assignment_id).await?;
        let parent = self.parent_of(&a).await?;
        ensure(Self::is_level_above(actor, &item, parent.as_ref()))?;
        if item.state != ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, false, 2000);
        e.into_result(())?;
        r.state = review_report(r.state, input.verdict, &comment).map_err(|e| match e {
            ReviewError::Invalid(v) => ServiceError::Invalid(v),
            ReviewError::Rule(rule) => ServiceError::Rule(rule),
        })?;
        r.reviewer_id = Some(actor.user_id.0);
        r.reviewed_at = Some(now);
        r.review_comment.clone_from(&comment);
        let accepting =
            r.kind == ReportKind::Completion && matches!(input.verdict, Verdict::Accept);
        let (mut analytics, findings, shortfall) = self
            .review_analytics(&item, &a, parent.as_ref(), &r, &comment, accepting, now)
            .await?;
        let mut updates = vec![];
        if r.kind == ReportKind::Completion {
            let cmd = match input.verdict {
                Verdict::Accept => AssignmentCommand::AcceptCompletion,
                Verdict::Return => AssignmentCommand::ReturnCompletion,
            };
            a.state = assignment_transition(a.state, cmd)?;
            match input.verdict {
                Verdict::Accept => a.completed_at = Some(now),
                Verdict::Return => {
                    a.returned_count += 1;
                    a.returned_open = true;
                }
            }
            updates.push(Update::Assignment(a.clone()));
        } else if matches!(input.verdict, Verdict::Return) {
            // A progress report returned for quality turns the light yellow until the next.
            a.returned_open = true;
            updates.push(Update::Assignment(a.clone()));
        }
        let kind = match input.verdict {
            Verdict::Accept => EventKind::ReportAccepted,
            Verdict::Return => EventKind::ReportReturned,
        };
        updates.insert(0, Update::Report(r.clone()));
        updates.append(&mut analytics);
        let mut payload = serde_json::json!({ "report_id": report_id, "report_kind": r.kind,
            "comment": comment, "deadline": a.deadline });
        if !shortfall.is_empty() {
            payload["shortfall"] = serde_json::json!(shortfall);
        }
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject::assignment(&a),
                payload,
                updates,
                findings.into_iter().map(Insert::Finding).collect(),
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
