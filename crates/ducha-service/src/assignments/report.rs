//! Report progress (进展反馈) or request completion (申请办结).

use crate::analytics::{hop_key, updates};
use crate::context::Subject;
use crate::error::ServiceResult;
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::hops;
use ducha_domain::assignment::{AssignmentCommand, assignment_transition, check_children_finished};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::report::{ReportInput, ReportKind, ReportSpec};
use ducha_store::{Insert, NewReport, Update};

impl Services {
    /// Whether the actor may report on the assignment at all (it sees it and acts for its
    /// unit): checked before an upload is read, so nobody else makes the server read files.
    pub async fn may_report(&self, actor: &Actor, assignment_id: i64) -> ServiceResult<()> {
        self.own_assignment(actor, assignment_id).await.map(|_| ())
    }

    /// The assigned unit reports. A completion request needs every sub-assignment finished.
    /// Evidence files must be ones the reporter may read; the event records their SHA-256, so
    /// the chain proves which files the report carried.
    pub async fn submit_report(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &ReportInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, mut a) = self.own_assignment(actor, assignment_id).await?;
        let spec = ReportSpec::parse(input)?;
        let evidence = self.evidence_for_report(actor, &spec.evidence_ids).await?;
        let cmd = match spec.kind {
            ReportKind::Progress => AssignmentCommand::Report,
            ReportKind::Completion => AssignmentCommand::RequestCompletion,
        };
        a.state = assignment_transition(a.state, cmd)?;
        if spec.kind == ReportKind::Completion {
            let all = self.store.assignments_of_item(a.item_id).await?;
            let children: Vec<_> = all
                .iter()
                .filter(|c| c.parent_id == Some(a.id))
                .map(|c| c.state)
                .collect();
            check_children_finished(&children)?;
        }
        let hops = hops::reported(
            &self.calendar(),
            &hop_key(&a),
            a.last_report_at.is_none(),
            spec.kind,
            a.signed_at.unwrap_or(a.dispatched_at),
            now,
        );
        if spec.percent.is_some() {
            a.progress = spec.percent;
        }
        a.last_report_at = Some(now);
        a.returned_open = false;
        let mut payload = serde_json::json!({
            "kind": spec.kind, "percent": spec.percent, "metrics": spec.metrics,
            "has_problems": !spec.problems.is_empty(), "chars": spec.text.chars().count(),
        });
        if !evidence.is_empty() {
            let shas: Vec<&str> = evidence.iter().map(|e| e.sha256.as_str()).collect();
            payload["evidence"] = serde_json::json!(shas);
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ReportSubmitted,
                Subject::assignment(&a),
                payload,
                std::iter::once(Update::Assignment(a.clone()))
                    .chain(updates(hops))
                    .collect(),
                vec![Insert::Report(NewReport {
                    assignment_id,
                    item_id: a.item_id,
                    author_id: actor.user_id.0,
                    spec,
                    submitted_at: now,
                })],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}
