//! Review a report: accept, or return it (退回重办 for a completion request; the deadline stays).

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::report::{ReportKind, ReviewError, Verdict, review_report};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::Update;
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
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject::assignment(&a),
                serde_json::json!({ "report_id": report_id, "report_kind": r.kind,
                    "comment": comment, "deadline": a.deadline }),
                updates,
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
