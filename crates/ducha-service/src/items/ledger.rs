//! The full ledger (完整台账) as the register shows it: each item with its targets, its
//! top-level lead and co-units and its latest report, in the columns the import reads, so an
//! export imports again (matters already in the jurisdiction are recognised, not doubled).

use crate::error::ServiceResult;
use crate::items::ListInput;
use crate::{ItemSummary, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::item::{Cadence, Target};
use ducha_domain::org::Actor;
use std::collections::HashMap;

/// One matter of the full ledger.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// The register's summary.
    pub item: ItemSummary,
    /// 台账编号: the number it was imported under, else its official number, else
    /// `ducha-<id>` (all three recognised by a re-import).
    pub ledger_ref: String,
    /// What must be done.
    pub description: String,
    /// 交办日期 (the dispatch day, China time).
    pub assigned_on: Option<NaiveDate>,
    /// A deadline still given in working days (before dispatch).
    pub deadline_working_days: Option<i64>,
    /// Lead units' names.
    pub leads: Vec<String>,
    /// Co-units' names.
    pub co_units: Vec<String>,
    /// Targets.
    pub targets: Vec<Target>,
    /// Cadence.
    pub cadence: Cadence,
    /// What was asked of the units (the first top-level assignment's instructions).
    pub note: String,
    /// The lead's state.
    pub lead_state: Option<AssignmentState>,
    /// The latest report: text, percent, when.
    pub latest: Option<(String, Option<i64>, DateTime<Utc>)>,
}

/// The most matters one ledger export holds.
pub const LEDGER_CAP: usize = 5000;

impl Services {
    /// The full ledger of the register as `input` filters it (at most [`LEDGER_CAP`] items;
    /// the flag says when there were more).
    pub async fn ledger_entries(
        &self,
        actor: &Actor,
        input: &ListInput,
    ) -> ServiceResult<(Vec<LedgerEntry>, bool)> {
        let mut input = input.clone();
        input.after = None;
        input.limit = Some(200);
        let mut items = Vec::new();
        let mut more = false;
        loop {
            let page = self.list_items(actor, &input).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(_) if items.len() >= LEDGER_CAP => {
                    more = true;
                    break;
                }
                Some(c) => input.after = Some(c),
                None => break,
            }
        }
        items.truncate(LEDGER_CAP);
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let refs: HashMap<i64, String> = self
            .store
            .ledger_refs_of_items(&ids)
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for summary in items {
            let Some(row) = self.store.item(summary.id).await? else {
                continue;
            };
            let assignments = self.store.assignments_of_item(summary.id).await?;
            let top: Vec<_> = assignments
                .iter()
                .filter(|a| a.parent_id.is_none())
                .collect();
            let unit_ids: Vec<i64> = top.iter().map(|a| a.unit_id).collect();
            let names: HashMap<i64, String> = self
                .store
                .unit_names(&unit_ids)
                .await?
                .into_iter()
                .collect();
            let named = |role: AssignmentRole| -> Vec<String> {
                top.iter()
                    .filter(|a| a.role == role && a.state != AssignmentState::Withdrawn)
                    .filter_map(|a| names.get(&a.unit_id).cloned())
                    .collect()
            };
            let latest = self
                .store
                .recent_reports_of_item(summary.id, 1)
                .await?
                .into_iter()
                .max_by_key(|r| r.submitted_at)
                .map(|r| (r.text, r.percent, r.submitted_at));
            let ledger_ref = refs.get(&summary.id).cloned().unwrap_or_else(|| {
                summary
                    .number
                    .clone()
                    .unwrap_or_else(|| format!("ducha-{}", summary.id))
            });
            out.push(LedgerEntry {
                ledger_ref,
                description: row.description,
                assigned_on: summary
                    .dispatched_at
                    .map(|t| (t + chrono::Duration::hours(8)).date_naive()),
                deadline_working_days: row
                    .deadline_working_days
                    .filter(|_| summary.dispatched_at.is_none()),
                leads: named(AssignmentRole::Lead),
                co_units: named(AssignmentRole::Co),
                targets: row.targets.0,
                cadence: row.cadence.0,
                note: top
                    .first()
                    .map(|a| a.instructions.clone())
                    .unwrap_or_default(),
                lead_state: top
                    .iter()
                    .find(|a| a.role == AssignmentRole::Lead)
                    .map(|a| a.state),
                latest,
                item: summary,
            });
        }
        Ok((out, more))
    }
}
