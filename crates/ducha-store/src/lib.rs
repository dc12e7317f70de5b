//! Store traits by aggregate, the row types they return, and the SQL both sqlx backends share.
//!
//! Architecture Invariant: every state change goes through [`EventStore::commit`], which writes
//! the rows and exactly one chained event in one transaction.

mod hot;
mod nodes;
mod rows;
pub mod sql;

pub use hot::*;
pub use nodes::*;
pub use rows::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::analytics::hops::HopFacts;
use ducha_domain::chain::{EventDraft, EventRecord, HashAlgo};
use ducha_domain::item::{Category, ItemState, Source};
use ducha_domain::org::UnitPath;

#[doc(hidden)]
pub mod reexport {
    pub use async_trait;
    pub use chrono;
    pub use ducha_domain;
    pub use futures_util;
    pub use serde_json;
    pub use sqlx;
}

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or an optimistic version check failed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The commit was sent, but its answer was lost (the connection broke during COMMIT): it
    /// may or may not be stored, and only reading it back tells.
    #[error("commit outcome unknown: {0}")]
    Unknown(String),
    /// Anything else (connection, IO, corrupt data).
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// The histogram of [`EventStore::commit`]'s latency (seconds, from the call to the
/// acknowledgement), which each backend records with its `backend` label.
pub const COMMIT_SECONDS: &str = "ducha_store_commit_duration_seconds";

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// Units and users.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// One unit.
    async fn unit(&self, id: i64) -> StoreResult<Option<UnitRow>>;
    /// Units by id, in any order.
    async fn units(&self, ids: &[i64]) -> StoreResult<Vec<UnitRow>>;
    /// The names of these units, as (id, name): what a page shows of most units it lists.
    async fn unit_names(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
    /// The display names of these users, as (id, name).
    async fn user_names(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
    /// Every unit of a subtree, ordered by path.
    async fn units_under(&self, root: &UnitPath) -> StoreResult<Vec<UnitRow>>;
    /// One user.
    async fn user(&self, id: i64) -> StoreResult<Option<UserRow>>;
    /// Users by id.
    async fn users(&self, ids: &[i64]) -> StoreResult<Vec<UserRow>>;
    /// A user by login name.
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRow>>;
    /// Users of every unit in a subtree.
    async fn users_under(&self, root: &UnitPath) -> StoreResult<Vec<UserRow>>;
    /// A user with their unit's path and jurisdiction, in one query.
    async fn actor_row(&self, user_id: i64) -> StoreResult<Option<ActorRow>>;
    /// How many units and users exist (to know whether a database is empty).
    async fn counts(&self) -> StoreResult<(i64, i64)>;
    /// Users' stored phone and email as `(id, phone, email)`, by id after `after`, at most
    /// `limit` (the secrets commands walk them to encrypt, check and re-encrypt).
    async fn user_contacts(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, String, String)>>;
    /// Replaces a user's stored phone and email if they still hold `old` (phone, email);
    /// returns whether they did. Outside the chain: the stored form changes, not the values.
    async fn set_user_contact(
        &self,
        id: i64,
        new: (&str, &str),
        old: (&str, &str),
    ) -> StoreResult<bool>;
}

/// Sessions, API tokens and failed-login tracking (security data, outside the event chain).
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    async fn create_session(&self, s: &SessionRow) -> StoreResult<()>;
    /// A session and its user, by the hash of its token.
    async fn session_actor(&self, token_hash: &str) -> StoreResult<Option<SessionActorRow>>;
    /// An API token's user, by the hash of its secret.
    async fn token_actor(&self, token_hash: &str) -> StoreResult<Option<TokenActorRow>>;
    /// Slides a session's expiry.
    async fn touch_session(
        &self,
        token_hash: &str,
        seen: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Ends every session of a user.
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Stores a new API token.
    async fn create_api_token(&self, t: &NewApiToken) -> StoreResult<i64>;
    /// Records a failed login in one statement: the count goes up, and when it reaches
    /// `threshold` the account is locked until `lock_until` (so concurrent failures cannot
    /// all read the old count and lock nothing). Returns the new failure count.
    async fn login_failed(
        &self,
        user_id: i64,
        lock_until: DateTime<Utc>,
        threshold: i64,
    ) -> StoreResult<i64>;
    /// Clears failures after a good login.
    async fn login_succeeded(&self, user_id: i64) -> StoreResult<()>;
}

/// Items, their assignment trees, reports and requests.
#[async_trait]
pub trait ItemStore: Send + Sync {
    /// One item.
    async fn item(&self, id: i64) -> StoreResult<Option<ItemRow>>;
    /// A page of the item register.
    async fn list_items(&self, q: &ItemQuery) -> StoreResult<Vec<ItemRow>>;
    /// One assignment.
    async fn assignment(&self, id: i64) -> StoreResult<Option<AssignmentRow>>;
    /// Every assignment of an item, parents before children.
    async fn assignments_of_item(&self, item_id: i64) -> StoreResult<Vec<AssignmentRow>>;
    /// One report.
    async fn report(&self, id: i64) -> StoreResult<Option<ReportRow>>;
    /// Reports of an item, oldest first.
    async fn reports_of_item(&self, item_id: i64) -> StoreResult<Vec<ReportRow>>;
    /// The `latest` reports of an item plus every one awaiting review, oldest first (a page
    /// of a busy item reads these, not its whole history).
    async fn recent_reports_of_item(
        &self,
        item_id: i64,
        latest: i64,
    ) -> StoreResult<Vec<ReportRow>>;
    /// One help request.
    async fn help_request(&self, id: i64) -> StoreResult<Option<HelpRequestRow>>;
    /// Help requests of an item.
    async fn help_requests_of_item(&self, item_id: i64) -> StoreResult<Vec<HelpRequestRow>>;
    /// Help requests addressed to a unit, unanswered first, newest first, at most `limit`.
    async fn help_requests_to(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HelpRequestRow>>;
    /// One extension request.
    async fn extension(&self, id: i64) -> StoreResult<Option<ExtensionRow>>;
    /// Extension requests of an item.
    async fn extensions_of_item(&self, item_id: i64) -> StoreResult<Vec<ExtensionRow>>;
    /// One refusal.
    async fn refusal(&self, id: i64) -> StoreResult<Option<RefusalRow>>;
    /// Refusals of an item.
    async fn refusals_of_item(&self, item_id: i64) -> StoreResult<Vec<RefusalRow>>;
}

/// The write path and the event log.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Applies a change and appends its event in one transaction. Returns the ids of inserted
    /// rows (in order) and the recorded event.
    async fn commit(&self, change: Change) -> StoreResult<Committed>;
    /// Events of an item, in order.
    async fn item_events(&self, item_id: i64) -> StoreResult<Vec<EventRecord>>;
    /// The `latest` events of an item, in order.
    async fn recent_item_events(&self, item_id: i64, latest: i64) -> StoreResult<Vec<EventRecord>>;
    /// Events with `seq > after`, in order, at most `limit`.
    async fn events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<EventRecord>>;
    /// [`EventStore::events_after`] with only what a replay of the derived tables reads.
    async fn replay_events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<ReplayEvent>>;
    /// The chain's recorded head (seq, hash) and hash algorithm.
    async fn chain_head(&self) -> StoreResult<(i64, String, HashAlgo)>;
    /// Sets the hash algorithm while the chain is empty; returns the algorithm in force.
    async fn init_chain(&self, algo: HashAlgo) -> StoreResult<HashAlgo>;
    /// Opens one transaction for work that must happen whole or not at all (a ledger
    /// import): the store returned reads and commits inside it, on one connection of its
    /// own, until [`EventStore::end_whole`] is called on it. Every write of the database
    /// waits for it meanwhile (the chain head is taken by its first event); after an error
    /// of any of its commits, end it rolled back.
    async fn begin_whole(&self) -> StoreResult<std::sync::Arc<dyn Store>>;
    /// Ends the transaction of a store [`EventStore::begin_whole`] returned: commits it when
    /// `commit`, rolls it back otherwise. Refused by any other store.
    async fn end_whole(&self, commit: bool) -> StoreResult<()>;
}

/// The security log (its own hash chain, outside the event log), scoped API tokens and the
/// sessions and locks the security admin manages. Like sessions, this is security data
/// written outside [`EventStore::commit`]; the log's rows are chained by
/// [`SecurityStore::append_security`] under the lock of its one head row.
#[async_trait]
pub trait SecurityStore: Send + Sync {
    /// Numbers, chains and stores a security row in one transaction.
    async fn append_security(
        &self,
        d: &ducha_domain::security::SecurityDraft,
    ) -> StoreResult<ducha_domain::security::SecurityRecord>;
    /// Security rows with `seq > after`, in order, at most `limit`.
    async fn security_after(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<ducha_domain::security::SecurityRecord>>;
    /// The security chain's recorded head (seq, hash) and hash algorithm.
    async fn security_head(&self) -> StoreResult<(i64, String, HashAlgo)>;
    /// A page of the log, newest first.
    async fn security_rows(
        &self,
        q: &SecurityQuery,
    ) -> StoreResult<Vec<ducha_domain::security::SecurityRecord>>;
    /// How many rows the filter holds (ignoring `before` and `limit`).
    async fn security_count(&self, q: &SecurityQuery) -> StoreResult<i64>;
    /// Stores a new scoped API token; returns its id.
    async fn create_scoped_token(&self, t: &NewScopedToken) -> StoreResult<i64>;
    /// A token and its user, by the hash of its secret.
    async fn scoped_token(&self, token_hash: &str) -> StoreResult<Option<ScopedTokenRow>>;
    /// Records a token's use.
    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;
    /// One token.
    async fn token(&self, id: i64) -> StoreResult<Option<TokenRow>>;
    /// A user's tokens, newest first.
    async fn tokens_of(&self, user_id: i64) -> StoreResult<Vec<TokenRow>>;
    /// Tokens of users in a subtree that are neither revoked nor expired at `now`.
    async fn valid_tokens_under(
        &self,
        root: &UnitPath,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRow>>;
    /// Revokes a token; false if it was revoked already.
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Ends every session and revokes every token of a user; returns how many.
    async fn revoke_credentials(&self, user_id: i64, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Sessions of users in a subtree that have not expired at `now`, latest first.
    async fn sessions_under(
        &self,
        root: &UnitPath,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionListRow>>;
    /// One session, by the hash of its token.
    async fn session_row(&self, token_hash: &str) -> StoreResult<Option<SessionListRow>>;
    /// Users of a subtree locked at `now`.
    async fn locked_users(&self, root: &UnitPath, now: DateTime<Utc>) -> StoreResult<Vec<UserRow>>;
}

/// A user's TOTP secret and state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TotpRow {
    /// Base32 secret.
    pub secret: String,
    /// Confirmed with a code (until then, an enrolment in progress).
    pub active: bool,
    /// The last accepted time step.
    pub last_step: Option<i64>,
}

/// A login between the password and its second step (no business access).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingLoginRow {
    /// SHA-256 of the pending token.
    pub token_hash: String,
    /// The user.
    pub user_id: i64,
    /// The code (or a recovery code) was given.
    pub factor_done: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Ends.
    pub expires_at: DateTime<Utc>,
}

/// Two-factor secrets, recovery codes, password history, pending logins and the per-address
/// throttle (security data, outside the event chain).
#[async_trait]
pub trait AuthStore: Send + Sync {
    /// A user's TOTP state.
    async fn totp(&self, user_id: i64) -> StoreResult<Option<TotpRow>>;
    /// Starts (or restarts) an enrolment: a new inactive secret replaces any other.
    async fn set_totp(&self, user_id: i64, secret: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Activates the secret at the confirming code's step, replacing the recovery codes.
    async fn activate_totp(
        &self,
        user_id: i64,
        step: i64,
        code_hashes: &[String],
    ) -> StoreResult<()>;
    /// Accepts `step` unless it is not after the last accepted one (no code is used twice).
    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Removes a user's second factor and recovery codes.
    async fn delete_totp(&self, user_id: i64) -> StoreResult<()>;
    /// Marks an unused recovery code used; false when there is none.
    async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Unused recovery codes left.
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64>;
    /// The previous password hashes, newest first.
    async fn password_history(&self, user_id: i64) -> StoreResult<Vec<String>>;
    /// Stores a pending login.
    async fn create_pending(&self, p: &PendingLoginRow) -> StoreResult<()>;
    /// A pending login by its token's hash.
    async fn pending(&self, token_hash: &str) -> StoreResult<Option<PendingLoginRow>>;
    /// Records that the pending login's second factor was given.
    async fn pending_factor_done(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends a pending login.
    async fn delete_pending(&self, token_hash: &str) -> StoreResult<()>;
    /// Counts a failed login from `addr` in the window starting after `window_start`
    /// (epoch seconds; an older window starts again at `now`); returns the window's count.
    async fn throttle_failed(&self, addr: &str, now: i64, window_start: i64) -> StoreResult<i64>;
    /// Failures from `addr` in the window starting after `window_start`.
    async fn throttle_count(&self, addr: &str, window_start: i64) -> StoreResult<i64>;
    /// Ends a user's oldest sessions beyond the newest `keep`; returns how many ended.
    async fn trim_sessions(&self, user_id: i64, keep: i64) -> StoreResult<u64>;
}

/// Operations: readiness, the gauges of the metrics page, and the purge of expired security
/// data (sessions, tokens, pending logins). Outside the event chain, like sessions.
#[async_trait]
pub trait OpsStore: Send + Sync {
    /// Which migrations the database applied, against the ones this binary knows; read over a
    /// connection that proves the database is reachable now (SQLite opens the file afresh).
    async fn schema_state(&self) -> StoreResult<SchemaState>;
    /// The outbox backlog and dead letters, open sessions at `now` and each job's due time.
    async fn ops_counts(&self, now: DateTime<Utc>) -> StoreResult<OpsCounts>;
    /// Deletes expired sessions, pending logins and throttle windows, and tokens that ended
    /// before the retention; returns how many of each.
    async fn purge_expired(&self, cut: &PurgeCutoffs) -> StoreResult<PurgeCounts>;
}

/// Everything a backend provides.
pub trait Store:
    OrgStore
    + SessionStore
    + AuthStore
    + ItemStore
    + EventStore
    + ClockStore
    + EvidenceStore
    + WorkbenchStore
    + AnalyticsStore
    + AssessmentStore
    + JointStore
    + ProposalStore
    + SecurityStore
    + OpsStore
    + NodeStore
    + AppealStore
    + LedgerStore
    + CockpitStore
    + BulletinStore
    + HotStore
{
}
impl<
    T: OrgStore
        + SessionStore
        + AuthStore
        + ItemStore
        + EventStore
        + ClockStore
        + EvidenceStore
        + WorkbenchStore
        + AnalyticsStore
        + AssessmentStore
        + JointStore
        + ProposalStore
        + SecurityStore
        + OpsStore
        + NodeStore
        + AppealStore
        + LedgerStore
        + CockpitStore
        + BulletinStore
        + HotStore,
> Store for T
{
}

/// The ledger (台账) import's numbers of imported matters, written by [`EventStore::commit`]
/// with the item ([`Insert::LedgerRef`]).
#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Which of these ledger numbers the jurisdiction already imported.
    async fn ledger_refs_taken(
        &self,
        scope_unit_id: i64,
        refs: &[String],
    ) -> StoreResult<Vec<String>>;
    /// The ledger numbers of these items (item id, number).
    async fn ledger_refs_of_items(&self, item_ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
    /// The plan (units and note, JSON) the ledger gave an item, if it came from one.
    async fn ledger_plan(&self, item_id: i64) -> StoreResult<Option<String>>;
    /// Records a new import of `user_id`, running; forgets ended ones started before `forget`.
    async fn create_ledger_job(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
        forget: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Records a running import's progress.
    async fn ledger_job_progress(
        &self,
        id: i64,
        total: i64,
        done: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Records how an import ended (`done`, `rejected`, `failed`) with its outcome.
    async fn end_ledger_job(
        &self,
        id: i64,
        state: &str,
        result: &str,
        (total, done): (i64, i64),
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// An import by id.
    async fn ledger_job(&self, id: i64) -> StoreResult<Option<LedgerJobRow>>;
}

/// The leader's dashboard (驾驶舱): aggregates read in a few bounded queries.
#[async_trait]
pub trait CockpitStore: Send + Sync {
    /// The open assignments held in a subtree, by light (the triggers' tally): a row per
    /// depth, then the `top` units of depth `level` with the most red, then yellow, then
    /// any (ties by id).
    async fn cockpit_lights(
        &self,
        root: &UnitPath,
        level: i64,
        top: i64,
    ) -> StoreResult<Vec<LightTallyRow>>;
    /// The visible items grouped by source, category, deadline month, state, light and
    /// whether they were closed by their deadline (China time).
    async fn cockpit_items(
        &self,
        visible_units: &UnitPath,
        visible_scope: Option<&UnitPath>,
    ) -> StoreResult<Vec<ItemTallyRow>>;
}

/// Bulletins (督查通报): the register of a jurisdiction's bulletins and the reads their
/// figures come from. Written by [`EventStore::commit`] ([`Insert::Bulletin`],
/// [`Update::Bulletin`], [`Update::BulletinMentions`], [`Update::PublishBulletin`]); a
/// published one never changes.
#[async_trait]
pub trait BulletinStore: Send + Sync {
    /// A jurisdiction's bulletins, latest period first.
    async fn bulletins(&self, scope_unit_id: i64) -> StoreResult<Vec<BulletinRow>>;
    /// One bulletin.
    async fn bulletin(&self, id: i64) -> StoreResult<Option<BulletinRow>>;
    /// The units a bulletin praises or criticises, by unit.
    async fn bulletin_mentions(&self, bulletin_id: i64) -> StoreResult<Vec<BulletinMention>>;
    /// The top-level assignments of the jurisdiction's own items dispatched before `to` that
    /// were open at `from`, completed since, or fall due on or after `first`.
    async fn bulletin_assignments(
        &self,
        scope_unit_id: i64,
        first: NaiveDate,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<BulletinAssignmentRow>>;
    /// The jurisdiction's own items: dispatched and closed in `[from, to)`, in hand at `to`.
    async fn bulletin_item_counts(
        &self,
        scope_unit_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<BulletinItemCounts>;
    /// Kept findings against units of a subtree found in `[from, to)`, per kind and unit.
    async fn bulletin_findings(
        &self,
        root: &UnitPath,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<BulletinFindingCount>>;
    /// A published bulletin's kept PDF in a language (`zh-CN`, `en`): its SHA-256 and bytes.
    async fn bulletin_pdf(
        &self,
        bulletin_id: i64,
        lang: &str,
    ) -> StoreResult<Option<(String, Vec<u8>)>>;
    /// Keeps a published bulletin's PDF in a language unless one is kept already, and answers
    /// the kept one: of two first requests converting at once, the first stored wins and both
    /// serve it. A kept PDF never changes (delivery state, like the appeals' signing key).
    async fn keep_bulletin_pdf(
        &self,
        bulletin_id: i64,
        lang: &str,
        sha256: &str,
        pdf: &[u8],
        at: DateTime<Utc>,
    ) -> StoreResult<(String, Vec<u8>)>;
}

/// Citizens' appeals (群众诉求): the appeals, import mappings, the public form's counters and
/// signing key, and the public items the public pages show. Appeals and mappings are written
/// by [`EventStore::commit`] ([`Insert::CitizenAppeal`], [`Update::CitizenAppeal`],
/// [`Update::AppealMapping`]); the counters and the key are delivery state, like sessions.
#[async_trait]
pub trait AppealStore: Send + Sync {
    /// One appeal.
    async fn citizen_appeal(&self, id: i64) -> StoreResult<Option<CitizenAppealRow>>;
    /// An appeal by its tracking code (stored form, no dashes).
    async fn appeal_by_code(&self, code: &str) -> StoreResult<Option<CitizenAppealRow>>;
    /// A page of appeals about units of a subtree, newest first.
    async fn appeals_under(&self, q: &AppealQuery) -> StoreResult<Vec<CitizenAppealRow>>;
    /// The appeals linked to an item, oldest first.
    async fn appeals_of_item(&self, item_id: i64) -> StoreResult<Vec<CitizenAppealRow>>;
    /// Which of these order numbers a source already holds.
    async fn known_order_nos(
        &self,
        source: ducha_domain::appeals::AppealSource,
        nos: &[String],
    ) -> StoreResult<Vec<String>>;
    /// A jurisdiction's import sources with their mappings, by name.
    async fn appeal_mappings(&self, scope_unit_id: i64) -> StoreResult<Vec<AppealMappingRow>>;
    /// Counts one submission under `key` in the window starting after `window_start` (epoch
    /// seconds; an older window starts again at `now`); returns the window's count.
    async fn appeal_hit(&self, key: &str, now: i64, window_start: i64) -> StoreResult<i64>;
    /// The key signing the form's check questions: `candidate` if none was stored yet (it
    /// is stored then), else the stored one.
    async fn appeal_challenge_key(&self, candidate: &str) -> StoreResult<String>;
    /// Items marked public that were dispatched (or closed since), newest first.
    async fn public_items(&self, limit: i64) -> StoreResult<Vec<ItemRow>>;
}

/// Integrated supervision (整合督查资源): the leading group's seats, joint meetings and the
/// inspection register. Written by [`EventStore::commit`] with their event ([`Insert::Joint`],
/// [`Update::Joint`]).
#[async_trait]
pub trait JointStore: Send + Sync {
    /// A jurisdiction's seats, in position order.
    async fn seats(&self, scope_unit_id: i64) -> StoreResult<Vec<SeatRow>>;
    /// The body seats a unit holds (in any jurisdiction).
    async fn seats_of_unit(&self, unit_id: i64) -> StoreResult<Vec<SeatRow>>;
    /// A jurisdiction's meetings, latest first.
    async fn meetings(&self, scope_unit_id: i64) -> StoreResult<Vec<MeetingRow>>;
    /// One meeting.
    async fn meeting(&self, id: i64) -> StoreResult<Option<MeetingRow>>;
    /// A meeting's attendees' seats.
    async fn attendees(&self, meeting_id: i64) -> StoreResult<Vec<SeatRow>>;
    /// A meeting's agenda, in order (removed lines included).
    async fn agenda(&self, meeting_id: i64) -> StoreResult<Vec<AgendaLineRow>>;
    /// A meeting's decisions, in order.
    async fn decisions(&self, meeting_id: i64) -> StoreResult<Vec<DecisionRow>>;
    /// The decisions that created or changed an item.
    async fn item_decisions(&self, item_id: i64) -> StoreResult<Vec<DecisionRow>>;
    /// A meeting's pre-read pack (JSON) and when it was made.
    async fn pack(&self, meeting_id: i64) -> StoreResult<Option<(String, DateTime<Utc>)>>;
    /// Planned meetings held on or before `by` whose pack has not gone out.
    async fn meetings_due_for_pack(&self, by: NaiveDate) -> StoreResult<Vec<MeetingRow>>;
    /// Inspections of a jurisdiction, by window.
    async fn inspections(&self, q: &InspectionQuery) -> StoreResult<Vec<InspectionRow>>;
    /// One inspection.
    async fn inspection(&self, id: i64) -> StoreResult<Option<InspectionRow>>;
    /// The target units of some inspections.
    async fn inspection_targets(&self, ids: &[i64]) -> StoreResult<Vec<InspectionTargetRow>>;
    /// The overlaps that involve some inspections.
    async fn overlaps(&self, ids: &[i64]) -> StoreResult<Vec<OverlapRow>>;
    /// One overlap.
    async fn overlap(&self, id: i64) -> StoreResult<Option<OverlapRow>>;
    /// An inspection's findings.
    async fn inspection_findings(
        &self,
        inspection_id: i64,
    ) -> StoreResult<Vec<InspectionFindingRow>>;
    /// The finding an item rectifies, if it does.
    async fn item_finding(&self, item_id: i64) -> StoreResult<Option<InspectionFindingRow>>;
    /// Items by id (any order).
    async fn items_by_id(&self, ids: &[i64]) -> StoreResult<Vec<ItemRow>>;
}

/// NPC suggestions and CPPCC proposals: sessions, suggestions, opinions, replies and
/// communication records. Written by [`EventStore::commit`] with their event
/// ([`Insert::Proposal`], [`Update::Proposal`]).
#[async_trait]
pub trait ProposalStore: Send + Sync {
    /// A jurisdiction's sessions, latest first.
    async fn proposal_sessions(&self, scope_unit_id: i64) -> StoreResult<Vec<ProposalSessionRow>>;
    /// One session.
    async fn proposal_session(&self, id: i64) -> StoreResult<Option<ProposalSessionRow>>;
    /// A session's suggestions by number.
    async fn proposals_of_session(&self, session_id: i64) -> StoreResult<Vec<ProposalRow>>;
    /// One suggestion.
    async fn proposal(&self, id: i64) -> StoreResult<Option<ProposalRow>>;
    /// The suggestion whose current round an item handles.
    async fn proposal_of_item(&self, item_id: i64) -> StoreResult<Option<ProposalRow>>;
    /// The top-level assignments of a session's current handling items.
    async fn proposal_units(&self, session_id: i64) -> StoreResult<Vec<ProposalUnitRow>>;
    /// Co-units' opinions on some suggestions.
    async fn proposal_opinions(&self, ids: &[i64]) -> StoreResult<Vec<OpinionRow>>;
    /// Replies to some suggestions.
    async fn proposal_replies(&self, ids: &[i64]) -> StoreResult<Vec<ReplyRow>>;
    /// Communication records of some suggestions.
    async fn proposal_contacts(&self, ids: &[i64]) -> StoreResult<Vec<ContactRow>>;
    /// One reply.
    async fn proposal_reply(&self, id: i64) -> StoreResult<Option<ReplyRow>>;
}

/// The assessment (平时成绩): the facts of a period, rule sets, finalised periods and appeals.
/// Rule sets, finalised periods and appeals are written by [`EventStore::commit`] with their
/// event ([`Insert::RuleSet`], [`Insert::ScorePeriod`], [`Insert::Appeal`],
/// [`Update::Appeal`]); a finalised period is never written again.
#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// One source's facts of a period within a subtree, read from `score_facts` (kept by the
    /// commits, filled by a rebuild).
    async fn facts(&self, q: &FactQuery, source: FactSource) -> StoreResult<Vec<FactRow>>;
    /// The same facts gathered from the rows the other parts keep, as they were read before
    /// `score_facts`: the reference the tests hold [`AssessmentStore::facts`] to.
    async fn facts_from_rows(&self, q: &FactQuery, source: FactSource)
    -> StoreResult<Vec<FactRow>>;
    /// Where `score_facts` differs from what its sources derive now, one line per row that
    /// is only kept or only derived (none when it is exact).
    async fn score_facts_stale(&self) -> StoreResult<Vec<String>>;
    /// A jurisdiction's rule sets, latest first.
    async fn rule_sets(&self, scope_unit_id: i64) -> StoreResult<Vec<RuleSetRow>>;
    /// A finalised period, if it is.
    async fn score_period(
        &self,
        scope_unit_id: i64,
        period: &str,
    ) -> StoreResult<Option<ScorePeriodRow>>;
    /// A jurisdiction's finalised periods.
    async fn score_periods(&self, scope_unit_id: i64) -> StoreResult<Vec<ScorePeriodRow>>;
    /// Every unit's total of a finalised period.
    async fn score_totals(&self, period_id: i64) -> StoreResult<Vec<ScoreTotalRow>>;
    /// The lines of a finalised period (one unit's, or all).
    async fn score_lines(
        &self,
        period_id: i64,
        unit_id: Option<i64>,
    ) -> StoreResult<Vec<ScoreLineRow>>;
    /// Appeals of a jurisdiction (of one period, pending ones only when asked).
    async fn appeals(
        &self,
        scope_unit_id: i64,
        period: Option<&str>,
        pending_only: bool,
    ) -> StoreResult<Vec<AppealRow>>;
    /// One appeal.
    async fn appeal(&self, id: i64) -> StoreResult<Option<AppealRow>>;
    /// Assignments with a responsible person in a subtree that were open at some time in
    /// `[from, to)`.
    async fn cadre_rows(
        &self,
        root: &UnitPath,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<CadreRow>>;
    /// The units in a subtree that bulletins published in `[from, to)` praised or
    /// criticised, oldest publication first.
    async fn cadre_mentions(
        &self,
        root: &UnitPath,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<CadreMentionRow>>;
}

/// Chain analytics (链条分析): hop facts, the hop log, the stall map's sums and kept
/// findings. They are a cache of the event log: written by [`EventStore::commit`] with the
/// event that causes them ([`Update::Hop`], [`Update::HopDone`], [`Insert::Finding`],
/// [`Update::ResolveFindings`]; a new assignment's facts with [`Insert::Assignment`]), and
/// replaced whole by a rebuild.
#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    /// One assignment's hop facts.
    async fn hop_facts(&self, assignment_id: i64) -> StoreResult<Option<HopFacts>>;
    /// The hop facts of an item's assignments.
    async fn hop_facts_of_item(&self, item_id: i64) -> StoreResult<Vec<HopFacts>>;
    /// The lost-day lines charged for some assignments (an item's) when they were accepted.
    async fn lost_of_assignments(&self, ids: &[i64]) -> StoreResult<Vec<HopLogRow>>;
    /// Kept findings of an item (resolved ones too), oldest first.
    async fn findings_of_item(&self, item_id: i64) -> StoreResult<Vec<FindingRow>>;
    /// Unresolved kept findings against units of a subtree, highest score first.
    async fn findings_under(&self, q: &FindingQuery) -> StoreResult<Vec<FindingRow>>;
    /// The stall map's cells, from the sums (split by source and category when either is
    /// asked).
    async fn stall_cells(&self, q: &StallQuery) -> StoreResult<Vec<StallCell>>;
    /// The stall map's cells from the hop log, whatever the filters (the sums' cross-check).
    async fn stall_cells_from_log(&self, q: &StallQuery) -> StoreResult<Vec<StallCell>>;
    /// Units of a subtree with assignments waiting to be signed.
    async fn unsigned_under(&self, q: &StallQuery) -> StoreResult<Vec<UnsignedRow>>;
    /// Open assignments of a subtree that may be stalled: waiting on their unit with a
    /// deadline on or before `due_by`, or co-units that never reported, dispatched before
    /// `co_before`.
    async fn silence_candidates(
        &self,
        root: &UnitPath,
        due_by: NaiveDate,
        co_before: DateTime<Utc>,
    ) -> StoreResult<Vec<OpenAssignmentRow>>;
    /// Unanswered help requests asked before `before` of units within a subtree or on items
    /// registered there.
    async fn unanswered_help(
        &self,
        root: &UnitPath,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<HelpRequestRow>>;
    /// The hop facts of the assignments a unit held, as the assigned unit or as the level
    /// above, newest first, at most `limit`.
    async fn hop_facts_of_unit(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HopFacts>>;
    /// Number, title, source and category of these items.
    async fn item_titles(&self, ids: &[i64]) -> StoreResult<Vec<ItemTitle>>;
    /// How many assignments have no hop facts (a database from before the analytics, or
    /// one restored without them).
    async fn analytics_missing(&self) -> StoreResult<i64>;
    /// What a rebuild starts from: every assignment's static facts, by id.
    async fn assignment_statics(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<AssignmentStatic>>;
    /// Every derived table as stored, in a stable order.
    async fn analytics_tables(&self) -> StoreResult<AnalyticsTables>;
    /// Replaces every derived table with `tables` in one transaction, if the chain head is
    /// still `head_seq` (else `Conflict`: events came in meanwhile).
    async fn replace_analytics(&self, head_seq: i64, tables: &AnalyticsTables) -> StoreResult<()>;
}

/// Evidence files (佐证材料). An upload is a plain insert outside the chain, like a session:
/// the file means nothing until a report cites it, and that report's event carries the
/// file's SHA-256, so the chain proves which files the report carried. The links are written
/// by [`EventStore::commit`] with the report ([`Insert::Report`]).
#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// Records an upload; returns its id.
    async fn insert_evidence(&self, e: &NewEvidence) -> StoreResult<i64>;
    /// Uploads by id, in any order.
    async fn evidence(&self, ids: &[i64]) -> StoreResult<Vec<EvidenceRow>>;
    /// Where the reports citing a file sit.
    async fn evidence_citations(&self, evidence_id: i64) -> StoreResult<Vec<CitationRow>>;
    /// The files of every report of an item, by report, in the order each report gave them.
    async fn evidence_of_item(&self, item_id: i64) -> StoreResult<Vec<ReportEvidenceRow>>;
    /// A unit's latest uploads, newest first, one per distinct content, at most `limit`.
    async fn unit_evidence(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<EvidenceRow>>;
}

/// The clock: calendar, lights, urge notices, the inbox, the outbox and job leases.
///
/// Lights are derived columns, refreshed outside the chain (they follow from the rows, the
/// calendar and the rules); outbox and job bookkeeping are delivery state, like sessions.
/// Notices, summonses, notifications and their outbox rows are written by
/// [`EventStore::commit`] with the event that causes them.
#[async_trait]
pub trait ClockStore: Send + Sync {
    /// Every calendar override, by date.
    async fn calendar_days(&self) -> StoreResult<Vec<CalendarDayRow>>;
    /// Open assignments with id > `after`, by id, at most `limit`, with their items' cadence.
    async fn sweep_rows(&self, after: i64, limit: i64) -> StoreResult<Vec<SweepRow>>;
    /// Stores lights (no version change); returns rows changed.
    async fn set_lights(&self, lights: &[LightSet]) -> StoreResult<u64>;
    /// Recomputes the items' lights from their assignments.
    async fn roll_up_item_lights(&self, item_ids: &[i64]) -> StoreResult<()>;
    /// Assignments whose unit has a valid reason to wait: a pending extension or refusal,
    /// or an unanswered help request.
    async fn excused_assignments(&self) -> StoreResult<Vec<i64>>;
    /// Open assignments per (unit, light rank) within a subtree: `(unit_id, rank, count)`.
    async fn light_counts(&self, root: &UnitPath) -> StoreResult<Vec<(i64, i64, i64)>>;
    /// Every open notice.
    async fn open_notices(&self) -> StoreResult<Vec<NoticeRow>>;
    /// Assignments with a notice met, escalated or closed on `day`.
    async fn resolved_on(&self, day: NaiveDate) -> StoreResult<Vec<i64>>;
    /// One notice.
    async fn notice(&self, id: i64) -> StoreResult<Option<NoticeRow>>;
    /// Notices of an item, oldest first.
    async fn notices_of_item(&self, item_id: i64) -> StoreResult<Vec<NoticeRow>>;
    /// Notices addressed within a subtree, newest first, before id `before`.
    async fn notices_under(
        &self,
        root: &UnitPath,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<NoticeRow>>;
    /// Levels of a unit's notices since its last summons, oldest first.
    async fn levels_since_summons(
        &self,
        unit_id: i64,
    ) -> StoreResult<Vec<ducha_domain::notice::NoticeLevel>>;
    /// Summonses of units within a subtree, newest first.
    async fn summonses_under(&self, root: &UnitPath, limit: i64) -> StoreResult<Vec<SummonsRow>>;
    /// A user's notifications, newest first, before id `before`.
    async fn inbox(
        &self,
        user_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRow>>;
    /// A user's unread notifications.
    async fn unread_count(&self, user_id: i64) -> StoreResult<i64>;
    /// Marks a user's notifications read (all when `ids` is none); returns how many.
    async fn mark_read(
        &self,
        user_id: i64,
        ids: Option<&[i64]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Users of one unit.
    async fn users_of_unit(&self, unit_id: i64) -> StoreResult<Vec<UserRow>>;
    /// Sets a user's notification preferences.
    async fn set_notify_prefs(&self, user_id: i64, prefs: &str) -> StoreResult<()>;
    /// Sets the language of a user's deliveries (`zh-CN` or `en`).
    async fn set_user_lang(&self, user_id: i64, lang: &str) -> StoreResult<()>;
    /// Claims due pending deliveries for `owner` until `until`.
    async fn claim_outbox(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxRow>>;
    /// Records a delivery; false if the claim was lost meanwhile.
    async fn outbox_sent(&self, id: i64, owner: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Records a failed attempt: due again at `retry_at`, or dead when none.
    async fn outbox_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;
    /// Held rows (waiting for the digest), oldest first.
    async fn held_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxRow>>;
    /// In one transaction: inserts the digest and marks the still-held rows of `ids` merged.
    async fn merge_held(&self, ids: &[i64], digest: &NewOutbox) -> StoreResult<i64>;
    /// Rows in a state, newest first.
    async fn outbox_in_state(&self, state: &str, limit: i64) -> StoreResult<Vec<OutboxRow>>;
    /// Makes a dead row due again.
    async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Rows per state.
    async fn outbox_counts(&self) -> StoreResult<Vec<(String, i64)>>;
    /// Creates a job row if missing.
    async fn ensure_job(&self, name: &str, next_run_at: DateTime<Utc>) -> StoreResult<()>;
    /// Takes a due job's lease; false if it is not due or another node holds it.
    async fn claim_job(
        &self,
        name: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        force: bool,
    ) -> StoreResult<bool>;
    /// Extends a lease this node still holds; false if it was lost.
    async fn renew_job(&self, name: &str, owner: &str, until: DateTime<Utc>) -> StoreResult<bool>;
    /// Releases a lease with the outcome and the next due time.
    async fn finish_job(
        &self,
        name: &str,
        owner: &str,
        at: DateTime<Utc>,
        next_run_at: DateTime<Utc>,
        result: &str,
    ) -> StoreResult<()>;
    /// Every job.
    async fn jobs(&self) -> StoreResult<Vec<JobRow>>;
}

/// The workbench (工作台): what waits for a user, each list one bounded read of an indexed
/// range — the user's unit, the pending rows, or an index kept in urgency order — a page at a
/// time, and counted by the same range up to a cap.
#[async_trait]
pub trait WorkbenchStore: Send + Sync {
    /// Items of a state within a jurisdiction, earliest deadline first (keyset: date).
    async fn work_items(&self, q: &WorkItems<'_>, span: Span) -> StoreResult<Vec<ItemRow>>;
    /// One unit's open assignments of dispatched items, of a kind, earliest deadline first
    /// (keyset: date).
    async fn unit_work(
        &self,
        unit_id: i64,
        which: UnitWork,
        span: Span,
    ) -> StoreResult<Vec<WorkRow>>;
    /// Assignments within a subtree waiting on their unit (pending, signed or in progress)
    /// that are silent since before `quiet_before` (no report, signing or dispatch since) or
    /// red, longest silent first (keyset: instant).
    async fn stalled_assignments(
        &self,
        root: &UnitPath,
        quiet_before: DateTime<Utc>,
        span: Span,
    ) -> StoreResult<Vec<WorkRow>>;
    /// Reports of a kind waiting for review by the level above, oldest first (keyset:
    /// instant); progress reports only while the work is not done.
    async fn reports_waiting(
        &self,
        above: Above<'_>,
        kind: ducha_domain::report::ReportKind,
        span: Span,
    ) -> StoreResult<Vec<WorkReportRow>>;
    /// Pending extension requests the level above decides, oldest first (keyset: instant).
    async fn extensions_waiting(
        &self,
        above: Above<'_>,
        span: Span,
    ) -> StoreResult<Vec<WorkRequestRow>>;
    /// Pending refusals the level above decides, oldest first (keyset: instant).
    async fn refusals_waiting(
        &self,
        above: Above<'_>,
        span: Span,
    ) -> StoreResult<Vec<WorkRequestRow>>;
    /// Unanswered help requests to a unit, oldest first (keyset: id); with `owner_scope`, only
    /// on items the unit registered within that jurisdiction.
    async fn help_waiting(
        &self,
        unit_id: i64,
        owner_scope: Option<&UnitPath>,
        span: Span,
    ) -> StoreResult<Vec<WorkRequestRow>>;
    /// How many rows a list holds, counting no further than `cap`.
    async fn count_work(&self, list: WorkList<'_>, cap: i64) -> StoreResult<i64>;
}

/// The filters of the item register; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    /// Items with an assignment in this subtree are visible.
    pub visible_units: Option<UnitPath>,
    /// Items registered in this subtree are visible too (supervisors and leaders).
    pub visible_scope: Option<UnitPath>,
    /// Source filter.
    pub source: Option<Source>,
    /// Category filter.
    pub category: Option<Category>,
    /// State filter.
    pub state: Option<ItemState>,
    /// Only items with an assignment in this unit's subtree.
    pub unit: Option<UnitPath>,
    /// Deadline on or after.
    pub deadline_from: Option<NaiveDate>,
    /// Deadline on or before.
    pub deadline_to: Option<NaiveDate>,
    /// Title or number contains.
    pub keyword: Option<String>,
    /// Light rank of the item.
    pub light: Option<i64>,
    /// Only items with an assignment held by exactly this unit (its path), lit this rank when
    /// given: the dashboard's bar of one unit and light.
    pub holder: Option<(UnitPath, Option<i64>)>,
    /// Sort order and position after which the page starts.
    pub sort: ItemSort,
    /// Page size.
    pub limit: i64,
}

/// Sort orders of the register, each with its keyset cursor.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ItemSort {
    /// Newest first; page after this id.
    #[default]
    Newest,
    /// Newest first, after the given id.
    NewestAfter(i64),
    /// Earliest deadline first.
    Deadline,
    /// Earliest deadline first, after (deadline, id).
    DeadlineAfter(NaiveDate, i64),
}

/// A state change: row updates and inserts, and the one event describing it.
#[derive(Debug, Clone)]
pub struct Change {
    /// Whole-row updates, each checked against the version it was read at.
    pub updates: Vec<Update>,
    /// New rows.
    pub inserts: Vec<Insert>,
    /// The event.
    pub event: EventDraft,
}

/// A whole-row update of a row read at `version`.
#[derive(Debug, Clone)]
pub enum Update {
    /// An item.
    Item(ItemRow),
    /// Gives an item the next official number of its scope and year (`督〔2026〕15号`); the
    /// event payload gets it as `number`.
    NumberItem {
        /// The item.
        item_id: i64,
        /// The registering jurisdiction.
        scope_unit_id: i64,
        /// The year of the number.
        year: i32,
        /// The prefix, e.g. 督.
        prefix: String,
    },
    /// An assignment.
    Assignment(AssignmentRow),
    /// A report.
    Report(ReportRow),
    /// A help request.
    Help(HelpRequestRow),
    /// An extension request.
    Extension(ExtensionRow),
    /// A refusal.
    Refusal(RefusalRow),
    /// An urge notice (state, acknowledgement).
    Notice(NoticeRow),
    /// Recomputes an item's light from its assignments (no version change).
    ItemLight {
        /// The item.
        item_id: i64,
    },
    /// Patches an assignment's hop facts.
    Hop(ducha_domain::analytics::hops::Patch),
    /// Adds a finished hop to its holder's sums and the hop log.
    HopDone(ducha_domain::analytics::hops::StatAdd),
    /// Resolves an assignment's unresolved share findings (judged again by a later
    /// decomposition).
    ResolveFindings {
        /// The decomposing unit's assignment.
        assignment_id: i64,
        /// When.
        at: DateTime<Utc>,
    },
    /// An appeal's decision.
    Appeal(AppealRow),
    /// Integrated supervision's rows.
    Joint(JointUpdate),
    /// Suggestions' and proposals' rows.
    Proposal(ProposalUpdate),
    /// A citizen's appeal: its state and linked item (checked against its version).
    CitizenAppeal(CitizenAppealRow),
    /// Saves (inserts or replaces) an import source's column mapping.
    AppealMapping(AppealMappingRow),
    /// A bulletin that is not published (checked against its version).
    Bulletin(BulletinRow),
    /// Replaces the units a bulletin that is not published praises or criticises (after its
    /// [`Update::Bulletin`] in the same change, which checks its version).
    BulletinMentions {
        /// The bulletin.
        bulletin_id: i64,
        /// The units it names now.
        mentions: Vec<BulletinMention>,
    },
    /// Publishes an approved bulletin with the next number of its jurisdiction and year; the
    /// event payload gets `year` and `number`.
    PublishBulletin {
        /// The bulletin.
        id: i64,
        /// Its version as read.
        version: i64,
        /// The year of its number.
        year: i32,
        /// When.
        at: DateTime<Utc>,
        /// The notifications of the units it names; `{number}` in their title and body is
        /// replaced by the number given.
        notify: Vec<NewNotification>,
    },
    /// Links a hot issue and its appeals to an item.
    HotLink(HotLink),
    /// The item closed: its linked appeals are closed with it (their submitters are asked
    /// for their satisfaction on the tracking page).
    AppealsClosed {
        /// The item.
        item_id: i64,
    },
    /// Adds or replaces calendar overrides.
    Calendar(Vec<ducha_domain::calendar::CalendarEntry>),
    /// Lifts a user's login lock and clears the failure count.
    Unlock {
        /// The user.
        user_id: i64,
    },
    /// Replaces a user's roles.
    UserRoles {
        /// The user.
        user_id: i64,
        /// The roles.
        roles: Vec<ducha_domain::org::Role>,
    },
    /// Sets a user's position (职务).
    UserPosition {
        /// The user.
        user_id: i64,
        /// The position; empty for none.
        position: String,
    },
    /// Disables or enables a user's account.
    UserActive {
        /// The user.
        user_id: i64,
        /// May log in.
        active: bool,
    },
    /// A user's password hash.
    Password {
        /// The user.
        user_id: i64,
        /// The new PHC string.
        hash: String,
        /// Whether the user must change it at the next login (an admin set it).
        must_change: bool,
        /// When (the old hash goes to the password history with this time).
        at: DateTime<Utc>,
    },
}

/// A new row.
#[derive(Debug, Clone)]
pub enum Insert {
    /// A unit; its path is derived from the parent.
    Unit(NewUnit),
    /// A user.
    User(NewUser),
    /// An item.
    Item(NewItem),
    /// An assignment.
    Assignment(NewAssignment),
    /// A report, with links to the evidence files its spec names.
    Report(NewReport),
    /// A help request.
    Help(NewHelpRequest),
    /// An extension request.
    Extension(NewExtension),
    /// A refusal.
    Refusal(NewRefusal),
    /// An urge notice, numbered in the transaction, with its notifications and deliveries.
    Notice(NewNotice),
    /// A summons recommendation for the notice inserted before it in the same change.
    Summons {
        /// Unit.
        unit_id: i64,
        /// Reds in the run.
        reds: i64,
        /// When.
        created_at: DateTime<Utc>,
    },
    /// A rule set of the assessment.
    RuleSet(NewRuleSet),
    /// A finalised period with every unit's total and lines.
    ScorePeriod(NewScorePeriod),
    /// An appeal against a line.
    Appeal(NewAppeal),
    /// A finding judged by this change; written after the event, which it cites.
    Finding(ducha_domain::analytics::findings::FindingDraft),
    /// Integrated supervision's rows.
    Joint(JointInsert),
    /// Suggestions' and proposals' rows.
    Proposal(ProposalInsert),
    /// A citizen's appeal.
    CitizenAppeal(NewCitizenAppeal),
    /// The ledger number of the item inserted before it in the same change.
    LedgerRef(NewLedgerRef),
    /// The hot issue the item inserted before it in the same change was made of.
    HotTurn(HotTurn),
    /// A bulletin's draft.
    Bulletin(NewBulletin),
    /// A submitter's satisfaction (its id is the appeal's).
    Satisfaction(NewSatisfaction),
    /// An in-app notification.
    Notification(NewNotification),
    /// A delivery.
    Outbox(NewOutbox),
}

/// The outcome of a commit.
#[derive(Debug, Clone)]
pub struct Committed {
    /// Ids of inserted rows, in insert order.
    pub ids: Vec<i64>,
    /// The recorded event.
    pub event: EventRecord,
}
