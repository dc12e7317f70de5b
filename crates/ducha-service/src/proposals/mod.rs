//! NPC deputies' suggestions and CPPCC members' proposals (人大建议 / 政协提案): sessions and
//! registration with the .xlsx import (`sessions.rs`), routing through a handling item whose
//! assignments carry the legal clock, so lights and urge notices are the items' own
//! (`route.rs`), co-units' opinions, extensions and communication records (`handling.rs`),
//! returns of a wrongly routed one and the office's decision (`returns.rs`), replies with grades, B-grade commitments turned into items, satisfaction and handling again
//! (`reply.rs`), the reply letter as .docx (`letter.rs`), the views (`views.rs`) and the
//! statistics per session and unit (`stats.rs`).

mod handling;
mod letter;
mod reply;
mod returns;
mod route;
pub(crate) mod sessions;
mod stats;
mod views;

pub use handling::{ContactInput, ExtensionDecisionInput, ExtensionInput, OpinionInput};
pub use reply::{RateInput, ReplyInput};
pub use returns::ReturnDecisionInput;
pub use route::RouteInput;
pub use sessions::SessionInput;
pub use stats::{GradeCounts, Stats, StatsLine};
pub use views::{ProposalDetail, ProposalFilter, ProposalLine, SessionView, UnitPart};

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use ducha_domain::ValidationErrors;
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::proposals::ProposalKind;
use ducha_domain::proposals::clock::ClockRules;
use ducha_store::{ProposalRow, ProposalSessionRow};

/// Settings of suggestions and proposals (configuration `[service.proposals]`): the periods of
/// the legal clock.
pub type ProposalSettings = ClockRules;

/// A session with what its reader may do.
pub(crate) struct Scoped {
    pub session: ProposalSessionRow,
    pub kind: ProposalKind,
    pub path: UnitPath,
    /// The reader runs the office of the session's jurisdiction.
    pub office: bool,
    /// The reader reads the whole session (office, leaders, member bodies).
    pub all: bool,
}

impl Services {
    /// A session the actor may read; `NotFound` otherwise (a handling unit reads the sessions of
    /// its jurisdiction, and in them only its own suggestions).
    pub(crate) async fn visible_session(
        &self,
        actor: &Actor,
        session_id: i64,
    ) -> ServiceResult<Scoped> {
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Err(ServiceError::NotFound);
        }
        let session = self
            .store
            .proposal_session(session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = self
            .store
            .unit(session.scope_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .path
            .0;
        let all = actor.oversees() && path.is_within(&actor.jurisdiction);
        let below = actor.unit_path.is_within(&path);
        if !all && !below {
            return Err(ServiceError::NotFound);
        }
        let kind = session
            .kind
            .parse()
            .map_err(|()| ServiceError::Store(ducha_store::StoreError::Other("kind".into())))?;
        Ok(Scoped {
            office: actor.supervises(&path),
            all,
            session,
            kind,
            path,
        })
    }

    /// A suggestion the actor may read, with its session: the whole session's readers, and the
    /// units that handle (or handled) it.
    pub(crate) async fn visible_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> ServiceResult<(Scoped, ProposalRow)> {
        let p = self
            .store
            .proposal(proposal_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let s = self.visible_session(actor, p.session_id).await?;
        if s.all || self.handles(actor, &p).await? {
            Ok((s, p))
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Whether the actor's unit, or a unit below it, handles the suggestion now (a part that
    /// was not withdrawn) or replied to it or sent an opinion before.
    async fn handles(&self, actor: &Actor, p: &ProposalRow) -> ServiceResult<bool> {
        use ducha_domain::assignment::AssignmentState;
        if let Some(item) = p.item_id {
            let all = self.store.assignments_of_item(item).await?;
            if all.iter().any(|a| {
                a.parent_id.is_none()
                    && a.state != AssignmentState::Withdrawn
                    && actor.sees(&a.unit_path.0)
            }) {
                return Ok(true);
            }
        }
        let units: Vec<i64> = self
            .store
            .proposal_replies(&[p.id])
            .await?
            .iter()
            .map(|r| r.unit_id)
            .chain(
                self.store
                    .proposal_opinions(&[p.id])
                    .await?
                    .iter()
                    .map(|o| o.unit_id),
            )
            .collect();
        if units.is_empty() {
            return Ok(false);
        }
        Ok(self
            .store
            .units(&units)
            .await?
            .iter()
            .any(|u| actor.sees(&u.path.0)))
    }

    /// The return window of the item's assignments: the session's for the units a suggestion's
    /// first round was routed to, the configured refusal window otherwise (for the parts they
    /// hand down, too). A round of handling again (after a dissatisfied proposer) goes to units
    /// that handled it before: they have no return window.
    pub(crate) async fn return_window(&self, item_id: i64, top_level: bool) -> ServiceResult<u32> {
        if top_level && let Some(p) = self.store.proposal_of_item(item_id).await? {
            if p.round > 1 {
                return Err(ValidationErrors::single("text", "proposal.no_return_again").into());
            }
            if let Some(s) = self.store.proposal_session(p.session_id).await? {
                return Ok(u32::try_from(s.return_days).unwrap_or(5));
            }
        }
        Ok(self.config.refusal_window_days)
    }

    /// Upholding the return of a suggestion's only open lead needs a unit that leads instead:
    /// otherwise the suggestion would have no one to reply. Items that handle no suggestion
    /// pass.
    pub(crate) async fn check_proposal_return(
        &self,
        a: &ducha_store::AssignmentRow,
        approve: bool,
        reassign_to: Option<i64>,
    ) -> ServiceResult<()> {
        if !approve || reassign_to.is_some() || a.parent_id.is_some() {
            return Ok(());
        }
        if a.role != ducha_domain::assignment::AssignmentRole::Lead
            || self.store.proposal_of_item(a.item_id).await?.is_none()
        {
            return Ok(());
        }
        let other_lead = self
            .store
            .assignments_of_item(a.item_id)
            .await?
            .iter()
            .any(|x| {
                x.id != a.id
                    && x.parent_id.is_none()
                    && x.role == ducha_domain::assignment::AssignmentRole::Lead
                    && x.state.is_open()
            });
        if other_lead {
            Ok(())
        } else {
            Err(ValidationErrors::single("reassign_to", "proposal.reassign_needed").into())
        }
    }
}
