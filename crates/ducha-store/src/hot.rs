//! Hot issues (热点诉求): the groups of appeals the clusterer finds, written by the one node
//! that holds the clustering's lease, and what the office decides about them.

use crate::{CitizenAppealRow, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ducha_domain::appeals::AppealCategory;
use ducha_domain::hot::issue::{HotIssueState, Satisfaction};
use ducha_domain::org::UnitPath;

/// A hot issue as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HotIssueRow {
    /// Id.
    pub id: i64,
    /// Its first appeal: the cluster's identity.
    pub first_appeal_id: i64,
    /// The deepest unit path all its appeals lie under.
    pub scope_path: String,
    /// Its first appeal's category.
    #[sqlx(try_from = "String")]
    pub category: AppealCategory,
    /// Appeals in it.
    pub appeal_count: i64,
    /// The first appeal's receipt.
    pub first_at: DateTime<Utc>,
    /// The latest appeal's receipt.
    pub last_at: DateTime<Utc>,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: HotIssueState,
    /// The item made of it or it was merged into.
    pub item_id: Option<i64>,
    /// The hot issue it was joined into.
    pub absorbed_into: Option<i64>,
    /// When the complaint came back after its item closed.
    pub returned_at: Option<DateTime<Utc>>,
    /// Optimistic version.
    pub version: i64,
}

/// An appeal as the clusterer reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HotInput {
    /// Id.
    pub id: i64,
    /// Its unit's path.
    pub unit_path: String,
    /// Category.
    pub category: String,
    /// The masked text.
    pub text_masked: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Stored.
    pub created_at: DateTime<Utc>,
}

/// One appeal clustered: the hot issue it joins (named by its first appeal) and the hot
/// issues it bridged into that one.
#[derive(Debug, Clone)]
pub struct HotStep {
    /// The appeal.
    pub appeal_id: i64,
    /// The first appeal of its cluster.
    pub root_appeal_id: i64,
    /// First appeals of the clusters joined into it by this appeal.
    pub merged_roots: Vec<i64>,
    /// Its unit's path.
    pub unit_path: String,
    /// Its category.
    pub category: String,
    /// Received.
    pub received_at: DateTime<Utc>,
}

/// Steps written in one transaction by the lease holder.
#[derive(Debug, Clone)]
pub struct HotBatch {
    /// The holder.
    pub owner: String,
    /// The lease's epoch the holder loaded at: a former holder's batch is refused.
    pub epoch: i64,
    /// In appeal id order.
    pub steps: Vec<HotStep>,
    /// The last appeal clustered after this batch.
    pub last_appeal_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Months after its item closed within which a returning complaint reopens the issue.
    pub return_months: u32,
}

/// A member appeal's place and time, for trends and places.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HotMemberRow {
    /// The hot issue.
    pub hot_id: i64,
    /// The appeal.
    pub appeal_id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// Received.
    pub received_at: DateTime<Utc>,
}

/// The office links a hot issue to an item (made of it, or an existing one): the issue's
/// state and item, and every member appeal not yet linked.
#[derive(Debug, Clone)]
pub struct HotLink {
    /// The hot issue.
    pub hot_id: i64,
    /// The state it must be in.
    pub from: HotIssueState,
    /// Its new state.
    pub state: HotIssueState,
    /// The item.
    pub item_id: i64,
}

/// A hot issue made an item: linked to the item inserted before it in the same change (so
/// the item and the link commit together, and a second click finds the issue linked and
/// makes nothing).
#[derive(Debug, Clone)]
pub struct HotTurn {
    /// The hot issue.
    pub hot_id: i64,
    /// The state it must be in.
    pub from: HotIssueState,
}

/// A submitter's answer.
#[derive(Debug, Clone)]
pub struct NewSatisfaction {
    /// The appeal.
    pub appeal_id: i64,
    /// The item it was handled through.
    pub item_id: i64,
    /// The answer.
    pub answer: Satisfaction,
    /// An optional comment (masked).
    pub comment: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Hot issues: the clustering's lease and batches (derived rows, outside the event chain),
/// and the reads of the office's and the public pages. What the office decides travels as
/// [`crate::Update::HotLink`] with its event.
#[async_trait]
pub trait HotStore: Send + Sync {
    /// Takes or renews the clustering's lease for `owner` until `until`; returns the lease's
    /// epoch (moved whenever the holder changes; the same holder renewing after its lease
    /// expired keeps it, as no one else wrote meanwhile), or none when another node holds it.
    async fn hot_lease(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Hands the lease back.
    async fn hot_release(&self, owner: &str) -> StoreResult<()>;
    /// Appeals already clustered (with a membership row) after `after`, in id order, at most
    /// `limit`: what a new holder loads its clusterer from.
    async fn hot_clustered(&self, after: i64, limit: i64) -> StoreResult<Vec<HotInput>>;
    /// Appeals not yet clustered (no membership row), in id order, at most `limit`. An
    /// appeal whose id was drawn before others' but committed after them is found here too.
    async fn hot_unclustered(&self, limit: i64) -> StoreResult<Vec<HotInput>>;
    /// Stored membership as (appeal, first appeal of its hot issue) for appeals after
    /// `after`, in id order, at most `limit`.
    async fn hot_membership(&self, after: i64, limit: i64) -> StoreResult<Vec<(i64, i64)>>;
    /// Writes a batch if `owner` still holds the lease at `epoch`; false (nothing written)
    /// otherwise.
    async fn hot_apply(&self, batch: &HotBatch) -> StoreResult<bool>;
    /// One hot issue.
    async fn hot_issue(&self, id: i64) -> StoreResult<Option<HotIssueRow>>;
    /// The hot issue of an appeal.
    async fn hot_issue_of_appeal(&self, appeal_id: i64) -> StoreResult<Option<HotIssueRow>>;
    /// Hot issues within a subtree in these states, largest first.
    async fn hot_issues_under(
        &self,
        root: &UnitPath,
        states: &[HotIssueState],
        limit: i64,
    ) -> StoreResult<Vec<HotIssueRow>>;
    /// Hot issues linked to an item.
    async fn hot_issues_of_item(&self, item_id: i64) -> StoreResult<Vec<HotIssueRow>>;
    /// The member appeals' units and times of these hot issues.
    async fn hot_members(&self, hot_ids: &[i64]) -> StoreResult<Vec<HotMemberRow>>;
    /// The masked texts of the newest `per` appeals of each of these hot issues, newest first
    /// within each: (hot issue, text).
    async fn hot_samples(&self, hot_ids: &[i64], per: i64) -> StoreResult<Vec<(i64, String)>>;
    /// Answers per kind for the appeals of these items: (item, answer, count).
    async fn satisfaction_counts_of(
        &self,
        item_ids: &[i64],
    ) -> StoreResult<Vec<(i64, String, i64)>>;
    /// A hot issue's appeals, newest first, at most `limit`.
    async fn hot_appeals(&self, hot_id: i64, limit: i64) -> StoreResult<Vec<CitizenAppealRow>>;
    /// Hot issues by appeals received since `since`, most first: (hot issue, count).
    async fn hot_since(&self, since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<(i64, i64)>>;
    /// The answer given for an appeal.
    async fn satisfaction_of(&self, appeal_id: i64) -> StoreResult<Option<String>>;
    /// Answers per kind for the appeals of an item.
    async fn satisfaction_counts(&self, item_id: i64) -> StoreResult<Vec<(String, i64)>>;
}
