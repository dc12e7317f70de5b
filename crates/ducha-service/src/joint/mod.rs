//! Integrated supervision (整合督查资源): the leading group and its member bodies
//! (`group.rs`), the joint meeting with its proposed agenda, decisions, pre-read pack and
//! minutes (`meetings.rs`, `agenda.rs`, `decisions.rs`, `pack.rs`, `minutes.rs`), and one
//! inspection register across bodies with overlaps, merges, burden and approvals
//! (`inspections.rs`, `findings.rs`, `withdraw.rs`, `burden.rs`).

mod agenda;
mod burden;
mod decisions;
mod findings;
mod group;
mod inspections;
mod meetings;
mod minutes;
mod pack;
mod withdraw;

pub use burden::{BurdenView, QuarterInput, UnitBurden, WeekCell};
pub use decisions::{DecisionInput, DecisionView, OriginView};
pub use findings::{FindingInput, FindingsInput};
pub use group::{GroupView, SeatInput, SeatView};
pub use inspections::{
    AnswerInput, FiledView, FindingRef, InspectionDecisionInput, InspectionView, OverlapView,
    UnitRef,
};
pub use meetings::{
    AgendaEditInput, AgendaLineView, HoldInput, MeetingInput, MeetingSummary, MeetingView,
};
pub use pack::{PackLine, PackView};
pub use withdraw::WithdrawInput;

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use ducha_domain::joint::inspections::Budgets;
use ducha_domain::org::{Actor, UnitPath};
use serde::{Deserialize, Serialize};

/// Settings of integrated supervision (configuration `[service.joint]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JointSettings {
    /// What a grassroots unit may bear per quarter, per level.
    pub budgets: Budgets,
    /// Topic similarity (0–1) from which two plans in the same quarter overlap.
    pub topic_similarity: f64,
    /// Working days before a meeting when its pre-read pack goes out.
    pub pack_days: u32,
    /// Lines the proposed agenda holds at most.
    pub agenda_lines: usize,
}

impl Default for JointSettings {
    fn default() -> Self {
        Self {
            budgets: Budgets::default(),
            topic_similarity: 0.5,
            pack_days: 2,
            agenda_lines: 15,
        }
    }
}

impl JointSettings {
    /// Checks the settings; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        self.budgets
            .validate()
            .map_err(|m| format!("service.joint.{m}"))?;
        if !(0.05..=1.0).contains(&self.topic_similarity) {
            return Err("service.joint.topic_similarity must be 0.05–1".into());
        }
        if self.pack_days > 20 || self.agenda_lines == 0 || self.agenda_lines > 100 {
            return Err("service.joint: pack_days 0–20, agenda_lines 1–100".into());
        }
        Ok(())
    }
}

/// The jurisdiction an actor works in: its unit id and path.
pub(crate) fn scope_of(actor: &Actor) -> ServiceResult<(i64, UnitPath)> {
    if actor.roles.iter().all(|r| r.is_admin()) {
        return Err(ServiceError::Forbidden);
    }
    let id = actor
        .jurisdiction
        .ids()
        .last()
        .map_or(actor.unit_id.0, |u| u.0);
    Ok((id, actor.jurisdiction.clone()))
}

impl Services {
    /// Whether the actor runs the leading group's office: a supervisor of the jurisdiction.
    pub(crate) fn runs_office(actor: &Actor, scope: &UnitPath) -> bool {
        actor.supervises(scope)
    }

    /// Names of units by id.
    pub(crate) async fn unit_names(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> ServiceResult<std::collections::HashMap<i64, String>> {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .store
            .units(&ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }
}
