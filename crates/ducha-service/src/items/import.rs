//! Import an office's ledger (台账导入): every cell is checked first, and only a ledger
//! without a single bad cell registers anything; then each matter goes through the same use
//! cases as the forms (register, and on request submit, the approval the ledger states, and
//! dispatch), so its events and its chain of assignments are the ones the forms would make.

use super::{AssignmentInput, DispatchInput, DispatchMemo};
use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::sheet::{SheetError, read_workbook};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::hex;
use ducha_domain::i18n::{Lang, format};
use ducha_domain::ledger::{LedgerContext, LedgerItem, LedgerUnit, MAX_ROWS, parse_ledger};
use ducha_domain::org::{Actor, Role};
use ducha_store::NewLedgerRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the imported matters become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LedgerMode {
    /// Drafts, submitted and dispatched later one by one.
    Draft,
    /// Dispatched to the units the ledger names (its matters were approved on paper) when the
    /// importer may approve items (a leader of the jurisdiction); otherwise submitted to the
    /// leader for approval.
    Dispatch,
}

/// The units a ledger names for a matter and its note, kept with a matter its import does not
/// dispatch (a draft, or one sent to the leader for approval): the leader approves it with its
/// units in view, and a dispatch that names no units sends it to these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPlan {
    /// Lead units.
    pub leads: Vec<i64>,
    /// Co-units.
    #[serde(default)]
    pub co_units: Vec<i64>,
    /// 备注: what is asked of the units.
    #[serde(default)]
    pub note: String,
}

impl LedgerPlan {
    /// The dispatch the plan stands for: each unit with the note, deadlines and targets as a
    /// dispatch without them gives.
    pub fn assignments(&self) -> Vec<AssignmentInput> {
        let unit = |unit_id: i64, role: &str| AssignmentInput {
            unit_id,
            role: role.into(),
            deadline: None,
            deadline_working_days: None,
            targets: None,
            instructions: self.note.clone(),
            responsible_user_id: None,
        };
        self.leads
            .iter()
            .map(|u| unit(*u, "lead"))
            .chain(self.co_units.iter().map(|u| unit(*u, "co")))
            .collect()
    }
}

/// How far an import has come (read by the page that polls it).
#[derive(Debug, Default)]
pub struct LedgerProgress {
    /// Matters to register (known once every cell was checked).
    pub total: AtomicUsize,
    /// Matters registered so far.
    pub done: AtomicUsize,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerOutcome {
    /// The new items, in the ledger's order.
    pub items: Vec<i64>,
    /// Assignments made (dispatch mode).
    pub assignments: usize,
    /// Ledger numbers imported before, skipped.
    pub already: Vec<String>,
    /// Whether the matters were sent to the leader for approval instead of dispatched (a
    /// dispatch asked for by a supervisor who may not approve them).
    pub for_approval: bool,
    /// SHA-256 of the file.
    pub file_sha256: String,
}

/// One import at a time on a node: a second upload of the same ledger waits for the first
/// and then finds its numbers taken, instead of racing it.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Services {
    /// Whether `actor` may import a ledger (a supervisor): checked before an upload is read.
    pub fn may_import_ledger(&self, actor: &Actor) -> ServiceResult<()> {
        ensure(actor.has(Role::Supervisor))
    }

    /// A supervisor imports a ledger (.xlsx or .xls, first sheet). Nothing is registered when
    /// any cell breaks a rule: the error names every bad cell (`rows[N].<letter>`). Matters
    /// whose ledger number the jurisdiction imported before are skipped.
    pub async fn import_ledger(
        &self,
        actor: &Actor,
        bytes: &[u8],
        mode: LedgerMode,
        progress: &LedgerProgress,
        now: DateTime<Utc>,
    ) -> ServiceResult<LedgerOutcome> {
        self.may_import_ledger(actor)?;
        let scope_unit_id = actor
            .jurisdiction
            .ids()
            .last()
            .map_or(actor.unit_id.0, |u| u.0);
        let units: Vec<LedgerUnit> = self
            .store
            .units_under(&actor.jurisdiction)
            .await?
            .into_iter()
            .filter(|u| u.path.0.is_strictly_below(&actor.jurisdiction))
            .map(|u| LedgerUnit {
                id: u.id,
                name: u.name,
            })
            .collect();
        // Only a leader of the jurisdiction may approve what it registers (PRODUCT.md: draft →
        // leader approval → dispatch); a supervisor who is not one sends the matters to the
        // leader for approval instead of dispatching them.
        let direct = mode == LedgerMode::Dispatch && actor.leads(&actor.jurisdiction);
        let submit = mode == LedgerMode::Dispatch && !direct;
        let calendar = self.calendar();
        let today = self.today(now);
        // Unpacking and reading every cell is CPU work: off the async runtime's threads.
        let file = bytes.to_vec();
        let items = tokio::task::spawn_blocking(move || {
            read_ledger(&file, today, &calendar, &units, direct)
        })
        .await
        .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))??;
        let sha = hex(&Sha256::digest(bytes));
        let _one = ONE_AT_A_TIME.lock().await;
        // Every matter in one transaction: a failure on any row leaves nothing behind.
        let whole = self.store.begin_whole().await?;
        let tx = self.on_store(whole.clone());
        let done = tx
            .register_ledger(
                actor,
                scope_unit_id,
                items,
                &sha,
                (direct, submit),
                progress,
                now,
            )
            .await;
        match done {
            Ok(out) => {
                whole.end_whole(true).await?;
                Ok(out)
            }
            Err(e) => {
                // The error says what went wrong; a failed rollback only closes the connection.
                let _ = whole.end_whole(false).await;
                Err(e)
            }
        }
    }

    /// Registers the matters not imported before, one after another on `self` (a store in
    /// one transaction).
    #[allow(clippy::too_many_arguments)]
    async fn register_ledger(
        &self,
        actor: &Actor,
        scope_unit_id: i64,
        items: Vec<LedgerItem>,
        sha: &str,
        (direct, submit): (bool, bool),
        progress: &LedgerProgress,
        now: DateTime<Utc>,
    ) -> ServiceResult<LedgerOutcome> {
        let refs: Vec<String> = items.iter().map(|i| ledger_ref(i, sha)).collect();
        let taken: HashSet<String> = self
            .store
            .ledger_refs_taken(scope_unit_id, &refs)
            .await?
            .into_iter()
            .collect();
        let todo: Vec<(LedgerItem, String)> = items
            .into_iter()
            .zip(refs)
            .filter(|(_, r)| !taken.contains(r))
            .collect();
        progress.total.store(todo.len(), Ordering::Relaxed);
        let mut out = LedgerOutcome {
            items: Vec::with_capacity(todo.len()),
            assignments: 0,
            already: taken.into_iter().collect(),
            for_approval: submit,
            file_sha256: sha.to_string(),
        };
        out.already.sort();
        // The units and number prefixes the dispatches need, read once in the transaction.
        let mut memo = DispatchMemo::kept();
        for (item, reference) in todo {
            let (id, n) = self
                .register_ledger_item(
                    actor,
                    (scope_unit_id, &item, reference, sha),
                    (direct, submit),
                    &mut memo,
                    now,
                )
                .await?;
            out.items.push(id);
            out.assignments += n;
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
        Ok(out)
    }

    /// One matter through the forms' use cases; returns its id and how many units it went to.
    /// The item is read once after it is registered and handed from one step to the next (each
    /// step checks the same rules as its form, on the row as the step before wrote it).
    async fn register_ledger_item(
        &self,
        actor: &Actor,
        (scope_unit_id, item, ledger_ref, sha): (i64, &LedgerItem, String, &str),
        (direct, submit): (bool, bool),
        memo: &mut DispatchMemo,
        now: DateTime<Utc>,
    ) -> ServiceResult<(i64, usize)> {
        let row = i64::try_from(item.row).unwrap_or(i64::MAX);
        let plan = LedgerPlan {
            leads: item.leads.clone(),
            co_units: item.co_units.clone(),
            note: item.note.clone(),
        };
        let created = self
            .create_item_from(
                actor,
                &item.input,
                Some(NewLedgerRef {
                    scope_unit_id,
                    ledger_ref,
                    file_sha256: sha.to_string(),
                    row_no: row,
                    assigned_on: item.assigned_on,
                    // Kept when the import does not dispatch it: the approval and the
                    // dispatch later read the units from here.
                    plan: (!direct).then(|| serde_json::to_string(&plan).unwrap_or_default()),
                }),
                None,
                now,
            )
            .await?;
        if !direct && !submit {
            return Ok((created.id, 0));
        }
        // Registered a moment ago in the actor's own jurisdiction, with no assignment yet:
        // the row alone (the steps below check the same rules as their forms).
        let draft = self
            .store
            .item(created.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (_, submitted) = self.submit_loaded(actor, draft, now).await?;
        if !direct {
            return Ok((created.id, 0));
        }
        let comment = format(
            "ledger.approved_comment",
            Lang::ZhCn,
            &serde_json::json!({ "row": item.row }),
        );
        let (_, approved) = self
            .approve_from_ledger(actor, submitted, &comment, now)
            .await?;
        let assignments = plan.assignments();
        let n = assignments.len();
        self.dispatch_loaded(actor, approved, &DispatchInput { assignments }, memo, now)
            .await
            .map_err(|e| match e {
                // Checked with the rows already; a unit moved meanwhile is a conflict.
                ServiceError::Invalid(_) => ServiceError::Rule(ducha_domain::Rule::Concurrent),
                e => e,
            })?;
        Ok((created.id, n))
    }
}

/// Reads the first sheet and checks every cell (see [`parse_ledger`]).
fn read_ledger(
    bytes: &[u8],
    today: chrono::NaiveDate,
    calendar: &ducha_domain::calendar::WorkCalendar,
    units: &[LedgerUnit],
    need_lead: bool,
) -> Result<Vec<LedgerItem>, ValidationErrors> {
    let sheet = read_workbook(bytes, MAX_ROWS + 10).map_err(|e| {
        ValidationErrors::single(
            "file",
            match e {
                SheetError::NotExcel => "ledger.not_excel",
                SheetError::Unreadable => "ledger.unreadable",
                SheetError::TooLarge => "ledger.too_large",
            },
        )
    })?;
    let merged: Vec<(usize, usize, usize)> = sheet
        .merged
        .iter()
        .map(|m| (m.start.0 as usize + 1, m.start.1 as usize, m.end.1 as usize))
        .collect();
    let ctx = LedgerContext {
        today,
        calendar,
        units,
        need_lead,
        merged: &merged,
    };
    parse_ledger(&sheet.rows, sheet.first_row, &ctx)
}

/// The key of a matter in its jurisdiction: its 台账编号, or the file and row without one.
fn ledger_ref(item: &LedgerItem, sha: &str) -> String {
    if item.ledger_ref.is_empty() {
        format!("{}#{}", &sha[..16], item.row)
    } else {
        item.ledger_ref.clone()
    }
}
