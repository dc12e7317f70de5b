//! Close an item (办结/销号) once every top-level assignment is finished.

use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Datelike, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, item_transition};
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{AssignmentRow, Update};

impl Services {
    /// A supervisor closes the item.
    pub async fn close_item(
        &self,
        actor: &Actor,
        item_id: i64,
        comment: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut item, all) = self.visible_item(actor, item_id).await?;
        ensure(actor.supervises(&item.scope_path.0))?;
        item.state = item_transition(item.state, ItemCommand::Close)?;
        if !finished(&all) {
            return Err(Rule::AssignmentsUnfinished.into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", comment, false, 2000);
        e.into_result(())?;
        item.closed_at = Some(now);
        let on_time = self.today(now) <= item.deadline;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ItemClosed,
                Subject::item(item_id),
                serde_json::json!({ "comment": comment, "on_time": on_time,
                    "year": now.year() }),
                vec![Update::Item(item), Update::AppealsClosed { item_id }],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}

/// Whether every top-level assignment is finished and at least one was done (an item whose
/// units all handed it back is not done: the office re-routes it first).
pub(crate) fn finished(all: &[AssignmentRow]) -> bool {
    let top: Vec<_> = all.iter().filter(|a| a.parent_id.is_none()).collect();
    top.iter().all(|a| !a.state.is_open()) && top.iter().any(|a| a.state == AssignmentState::Done)
}
