//! The service context: the store, the calendar and the settings every use case reads.

use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::chain::{EventDraft, EventKind};
use ducha_domain::org::Actor;
use ducha_store::{ActorRow, AssignmentRow, Change, Committed, Insert, ItemRow, Store, Update};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Settings of the use cases (part of the layered configuration).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Working days after dispatch within which a unit may refuse a wrongly routed assignment.
    pub refusal_window_days: u32,
    /// Prefix of official item numbers (督〔2026〕15号).
    pub item_number_prefix: String,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Two-factor login, session limits and the per-address login throttle.
    pub auth: crate::auth::AuthSettings,
    /// Failed logins in a row that lock an account.
    pub lockout_threshold: i64,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// The light rules.
    pub lights: ducha_domain::light::LightRules,
    /// The urge-notice rules.
    pub notices: ducha_domain::notice::NoticeRules,
    /// Prefix of notice numbers (督催〔2026〕3号).
    pub notice_number_prefix: String,
    /// Notification channels, group robots, retries and the digest.
    pub notify: crate::clock::NotifySettings,
    /// Evidence files: where they are kept, how large they may be.
    pub evidence: crate::evidence::EvidenceSettings,
    /// Thresholds of the chain analytics' findings.
    pub analytics: ducha_domain::analytics::AnalyticsRules,
    /// The assessment (平时成绩).
    pub assessment: crate::assessment::AssessmentSettings,
    /// Integrated supervision: burden budgets, overlap similarity, the pre-read pack.
    pub joint: crate::joint::JointSettings,
    /// Suggestions and proposals: the periods of their legal clock.
    pub proposals: crate::proposals::ProposalSettings,
    /// Citizens' appeals: the public form's rate limits and check question.
    pub appeals: crate::appeals::AppealSettings,
    /// Hot issues: the clusterer's tuning, the clustering's lease, returns after a close.
    pub hot: crate::hot::HotSettings,
    /// Bulletins: the charts' font and the PDF converter.
    pub bulletins: crate::bulletins::BulletinSettings,
    /// The key ring that encrypts users' phone and email at rest; none keeps them in
    /// plaintext. Built from the binary's `[secrets]` section, never (de)serialised.
    #[serde(skip)]
    pub secrets: Option<std::sync::Arc<ducha_crypt::KeyRing>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            refusal_window_days: 3,
            item_number_prefix: "督".into(),
            session_idle_minutes: 30,
            auth: Default::default(),
            lockout_threshold: 5,
            lockout_minutes: 15,
            lights: Default::default(),
            notices: Default::default(),
            notice_number_prefix: "督催".into(),
            notify: Default::default(),
            evidence: Default::default(),
            analytics: Default::default(),
            assessment: Default::default(),
            joint: Default::default(),
            proposals: Default::default(),
            appeals: Default::default(),
            hot: Default::default(),
            bulletins: Default::default(),
            secrets: None,
        }
    }
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// The store.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub config: Arc<Config>,
    /// The working-day calendar (replaced when a year is loaded).
    calendar: Arc<std::sync::RwLock<Arc<WorkCalendar>>>,
    /// The calendar table's generation the calendar in memory was read at (-1: not yet).
    calendar_generation: Arc<std::sync::atomic::AtomicI64>,
    /// Whether commits write the chain analytics' derived rows (always, but for the
    /// benchmark's A/B measurement of what they cost).
    hop_facts: bool,
    /// One lock per suggestion, held by the use cases that make items for it (routing,
    /// rating), so that a form sent twice to this node waits and is then refused instead of
    /// racing the first (see `proposals::route`).
    proposal_locks: ProposalLocks,
    /// The public form's per-node address limit.
    pub(crate) appeal_limiter: crate::appeals::Limiter,
    /// The key signing the public form's check questions, read once from the store.
    pub(crate) appeal_key: Arc<tokio::sync::OnceCell<String>>,
    /// This node's part of the hot-issue clustering.
    pub(crate) hot: Arc<crate::hot::HotWorker>,
}

/// Per-suggestion locks, created on first use and dropped when no one holds or waits for them.
type ProposalLocks = Arc<std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>;

/// A held suggestion lock; releasing it forgets the lock when no one else wants it.
pub(crate) struct ProposalGuard {
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    id: i64,
    locks: ProposalLocks,
}

impl Drop for ProposalGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = match self.locks.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Only the map holds it: no one holds or waits.
        if map.get(&self.id).is_some_and(|l| Arc::strong_count(l) == 1) {
            map.remove(&self.id);
        }
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Services {
    /// Builds the context.
    pub fn new(store: Arc<dyn Store>, config: Config, calendar: WorkCalendar) -> Self {
        Self {
            store,
            config: Arc::new(config),
            calendar: Arc::new(std::sync::RwLock::new(Arc::new(calendar))),
            calendar_generation: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            hop_facts: true,
            proposal_locks: Arc::default(),
            appeal_limiter: Default::default(),
            appeal_key: Arc::default(),
            hot: Arc::default(),
        }
    }

    /// Holds the suggestion's lock until the guard is dropped.
    pub(crate) async fn lock_proposal(&self, id: i64) -> ProposalGuard {
        let lock = {
            let mut map = match self.proposal_locks.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.entry(id).or_default().clone()
        };
        ProposalGuard {
            guard: Some(lock.lock_owned().await),
            id,
            locks: self.proposal_locks.clone(),
        }
    }

    /// The same services with commits that skip the chain analytics' derived writes (hop-fact
    /// updates, the stall map's sums, the hop log and findings; a new assignment's hop-facts
    /// row is still inserted), leaving those tables stale.
    /// Only for `ducha bench`, to measure what maintaining them costs a commit; nothing else
    /// may use it (`ducha analytics rebuild` would be needed afterwards).
    #[doc(hidden)]
    #[must_use]
    pub fn without_hop_facts_for_benchmark(&self) -> Self {
        Self {
            hop_facts: false,
            ..self.clone()
        }
    }

    /// The same services on another store (a store in one open transaction, see
    /// [`ducha_store::EventStore::begin_whole`]).
    pub(crate) fn on_store(&self, store: Arc<dyn Store>) -> Self {
        Self {
            store,
            ..self.clone()
        }
    }

    /// The working-day calendar in force.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the calendar in force.
    pub(crate) fn set_calendar(&self, cal: WorkCalendar) {
        match self.calendar.write() {
            Ok(mut c) => *c = Arc::new(cal),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(cal),
        }
    }

    /// The calendar table's generation the calendar in memory was read at (-1: not yet read).
    pub fn calendar_generation(&self) -> i64 {
        self.calendar_generation
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn set_calendar_generation(&self, generation: i64) {
        self.calendar_generation
            .store(generation, std::sync::atomic::Ordering::Release);
    }

    /// The acting user, with their unit path and jurisdiction, in one query.
    pub async fn actor(&self, user_id: i64) -> ServiceResult<Actor> {
        let row = self
            .store
            .actor_row(user_id)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        actor_from(row)
    }

    /// Today's date in China at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        china_date(now)
    }

    /// Commits rows and one event by `actor`.
    #[allow(
        clippy::too_many_arguments,
        reason = "one call site per use case; a builder would only rename the parameters"
    )]
    pub(crate) async fn commit(
        &self,
        actor: Option<&Actor>,
        now: DateTime<Utc>,
        kind: EventKind,
        subject: Subject,
        payload: serde_json::Value,
        mut updates: Vec<Update>,
        mut inserts: Vec<Insert>,
    ) -> ServiceResult<Committed> {
        self.refresh_lights(now, &mut updates, &mut inserts).await?;
        if !self.hop_facts {
            updates.retain(|u| !matches!(u, Update::Hop(_) | Update::HopDone(_)));
            inserts.retain(|i| !matches!(i, Insert::Finding(_)));
        }
        let event = EventDraft {
            at: now,
            actor_user: actor.map(|a| a.user_id.0),
            actor_unit: actor.map(|a| a.unit_id.0),
            kind,
            item_id: subject.item,
            assignment_id: subject.assignment,
            unit_id: subject.unit,
            payload,
        };
        Ok(self
            .store
            .commit(Change {
                updates,
                inserts,
                event,
            })
            .await?)
    }

    /// Loads an item the actor may see, with its assignments; `NotFound` otherwise.
    pub(crate) async fn visible_item(
        &self,
        actor: &Actor,
        item_id: i64,
    ) -> ServiceResult<(ItemRow, Vec<AssignmentRow>)> {
        let item = self
            .store
            .item(item_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let assignments = self.store.assignments_of_item(item_id).await?;
        if can_see(actor, &item, &assignments) {
            return Ok((item, assignments));
        }
        // A unit asked for help sees the item too, to answer with its context.
        let asked = self
            .store
            .help_requests_of_item(item_id)
            .await?
            .iter()
            .any(|h| h.to_unit_id == actor.unit_id.0 && !actor.roles.iter().all(|r| r.is_admin()));
        if asked {
            Ok((item, assignments))
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Loads an assignment the actor may see, with its item: supervisors and leaders of the
    /// item's jurisdiction, and units whose subtree holds the assignment.
    pub(crate) async fn visible_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> ServiceResult<(ItemRow, AssignmentRow)> {
        let a = self
            .store
            .assignment(assignment_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let item = self
            .store
            .item(a.item_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let scope = &item.scope_path.0;
        if actor.supervises(scope) || actor.leads(scope) || actor.sees(&a.unit_path.0) {
            Ok((item, a))
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The parent assignment of `a`, if any.
    pub(crate) async fn parent_of(
        &self,
        a: &AssignmentRow,
    ) -> ServiceResult<Option<AssignmentRow>> {
        match a.parent_id {
            Some(pid) => Ok(Some(
                self.store
                    .assignment(pid)
                    .await?
                    .ok_or(ServiceError::NotFound)?,
            )),
            None => Ok(None),
        }
    }

    /// Whether the actor decides for the level above an assignment with this parent: the
    /// parent's unit, or a supervisor of the item's jurisdiction for a top-level assignment.
    pub(crate) fn is_level_above(
        actor: &Actor,
        item: &ItemRow,
        parent: Option<&AssignmentRow>,
    ) -> bool {
        match parent {
            Some(p) => actor.acts_for(ducha_domain::UnitId(p.unit_id)),
            None => actor.supervises(&item.scope_path.0),
        }
    }
}

/// Builds the acting user from its stored row; inactive users are not let in.
pub(crate) fn actor_from(row: ActorRow) -> ServiceResult<Actor> {
    if !row.active {
        return Err(ServiceError::Unauthorized);
    }
    Ok(Actor {
        user_id: ducha_domain::UserId(row.user_id),
        unit_id: ducha_domain::UnitId(row.unit_id),
        unit_path: row.unit_path.0,
        roles: row.roles.0,
        jurisdiction: row.jurisdiction_path.0,
        member_body: row.member_body,
    })
}

/// What an event is about.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Subject {
    pub item: Option<i64>,
    pub assignment: Option<i64>,
    pub unit: Option<i64>,
}

impl Subject {
    pub fn item(id: i64) -> Self {
        Self {
            item: Some(id),
            ..Self::default()
        }
    }
    pub fn assignment(a: &AssignmentRow) -> Self {
        Self {
            item: Some(a.item_id),
            assignment: Some(a.id),
            unit: Some(a.unit_id),
        }
    }
}

/// Whether `actor` may read `item`: supervisors and leaders of its jurisdiction, and units with
/// an assignment in their subtree.
pub(crate) fn can_see(actor: &Actor, item: &ItemRow, assignments: &[AssignmentRow]) -> bool {
    let scope = &item.scope_path.0;
    actor.supervises(scope)
        || actor.leads(scope)
        || assignments.iter().any(|a| actor.sees(&a.unit_path.0))
}
