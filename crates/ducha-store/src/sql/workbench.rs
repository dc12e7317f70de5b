//! The workbench's shared SQL: bounded reads of what waits for a user, each an indexed range
//! of the user's unit, of a small set of pending rows, or of an index kept in urgency order
//! (migration `0004_workbench`), stopped by its `LIMIT`.
//!
//! The joins are written `CROSS JOIN` with their conditions in `WHERE`: SQLite then keeps the
//! tables in the written order (the driving table first), while PostgreSQL treats them as
//! inner joins and orders them by its statistics. Without it SQLite starts from the items of a
//! state and sorts every assignment of them.

use super::{Arg, Dynamic, ITEM_COLS};
use crate::{Above, UnitWork, WorkItems};
use chrono::{DateTime, Utc};
use ducha_domain::org::UnitPath;

/// An assignment as a to-do line ([`crate::WorkRow`]), from `a` joined with `i` and `u`.
const WORK_COLS: &str = "a.id, a.item_id, i.title AS item_title, i.number AS item_number, \
    a.unit_id, u.name AS unit_name, a.state, a.deadline, a.dispatched_at, a.signed_at, \
    a.last_report_at, a.light, a.light_reason, a.progress, a.returned_count, a.returned_open, \
    i.cadence";

/// The joins of `a` with its dispatched item `i` and its unit `u`.
const WORK_JOIN: &str = "i.id = a.item_id AND i.state = 'dispatched' AND u.id = a.unit_id";

/// The item and the asking unit of a request on assignment `a` ([`crate::WorkRequestRow`]).
const REQUEST_NAMES: &str = "a.item_id, i.title AS item_title, i.number AS item_number, \
    a.unit_id, u.name AS unit_name";

/// States in which the unit itself must move. Spelled exactly as in the partial index
/// `assignments_quiet`, which SQLite only uses when the query repeats its condition.
const UNIT_MOVES: &str = "a.state IN ('pending', 'signed', 'in_progress')";

/// The key of `assignments_quiet` and `assignments_red`: since when the unit has been silent.
const QUIET_SINCE: &str = "COALESCE(a.last_report_at, a.signed_at, a.dispatched_at)";

fn limit(d: &mut Dynamic, n: i64) -> String {
    d.arg(Arg::I64(n.clamp(1, 1000)))
}

/// Items of a state within a jurisdiction, earliest deadline first.
pub fn work_items(q: &WorkItems<'_>) -> Dynamic {
    let mut d = Dynamic::default();
    let state = d.arg(Arg::Text(q.state.as_str().into()));
    let scope = d.subtree("i.scope_path", q.scope);
    let mut sql = format!("SELECT {ITEM_COLS} FROM items i WHERE i.state = {state} AND {scope}");
    if let Some(l) = q.light {
        sql += &format!(" AND i.light = {}", d.arg(Arg::I64(l)));
    }
    if let Some(u) = q.approver {
        let u = d.arg(Arg::I64(u));
        sql += &format!(" AND (i.leader_id IS NULL OR i.leader_id = {u})");
    }
    let l = limit(&mut d, q.limit);
    d.sql = format!("{sql} ORDER BY i.deadline, i.id LIMIT {l}");
    d
}

/// One unit's open assignments of a kind, earliest deadline first, from the partial index
/// `assignments_unit_open` (its condition repeated so that SQLite uses it).
pub fn unit_work(unit_id: i64, which: UnitWork, n: i64) -> Dynamic {
    let mut d = Dynamic::default();
    let unit = d.arg(Arg::I64(unit_id));
    let only = match which {
        UnitWork::ToSign => "a.state = 'pending'".to_string(),
        // A withdrawn sub-assignment leaves the work with the unit again.
        UnitWork::ToDecompose => "a.state = 'signed' AND NOT EXISTS (SELECT 1 FROM assignments c \
            WHERE c.parent_id = a.id AND c.state <> 'withdrawn') \
            AND EXISTS (SELECT 1 FROM units s WHERE s.parent_id = a.unit_id)"
            .to_string(),
        UnitWork::Working => "a.state IN ('signed', 'in_progress')".to_string(),
        UnitWork::DueBy(day) => {
            let day = d.arg(Arg::Date(day));
            format!("{UNIT_MOVES} AND a.deadline <= {day}")
        }
        UnitWork::Returned => {
            "a.state IN ('signed', 'in_progress') AND a.returned_count > 0".to_string()
        }
    };
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT {WORK_COLS} FROM assignments a CROSS JOIN items i CROSS JOIN units u \
         WHERE a.unit_id = {unit} AND a.state NOT IN ('done', 'withdrawn') AND {only} \
         AND {WORK_JOIN} ORDER BY a.deadline, a.id LIMIT {l}"
    );
    d
}

/// Assignments within a subtree that wait on their unit, longest silent first: those silent
/// since before `quiet_before` (from `assignments_quiet`), or with `None` those whose light is
/// red (from `assignments_red`). `large`: the subtree holds many assignments (see
/// [`super::subtree_probe`]); its units are then looked up by path, so that SQLite walks the
/// ordered index and stops at the limit instead of sorting the subtree's range.
pub fn stalled(
    root: &UnitPath,
    quiet_before: Option<DateTime<Utc>>,
    large: bool,
    n: i64,
) -> Dynamic {
    let mut d = Dynamic::default();
    let within = if large {
        let r = d.subtree("s.path", root);
        format!("a.unit_id IN (SELECT s.id FROM units s WHERE {r})")
    } else {
        d.subtree("a.unit_path", root)
    };
    let which = match quiet_before {
        Some(t) => format!("{QUIET_SINCE} < {}", d.arg(Arg::Time(t))),
        // The literal matches the condition of the partial index `assignments_red`.
        None => "a.light = 3".to_string(),
    };
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT {WORK_COLS} FROM assignments a CROSS JOIN items i CROSS JOIN units u \
         WHERE {UNIT_MOVES} AND {which} AND {within} AND {WORK_JOIN} \
         ORDER BY {QUIET_SINCE}, a.id LIMIT {l}"
    );
    d
}

/// The driving tables of a decision read: the level above's assignments `p` and their
/// children `a` for a unit, or the pending rows first for a jurisdiction.
fn above(d: &mut Dynamic, above: Above<'_>, pending: &str, join: &str) -> (String, String) {
    match above {
        Above::Unit(unit) => {
            let unit = d.arg(Arg::I64(unit));
            (
                format!("assignments p CROSS JOIN assignments a CROSS JOIN {pending}"),
                format!(
                    "p.unit_id = {unit} AND p.state NOT IN ('done', 'withdrawn') \
                     AND a.parent_id = p.id AND {join}"
                ),
            )
        }
        Above::Scope(scope) => {
            let scope = d.subtree("i.scope_path", scope);
            (
                format!("{pending} CROSS JOIN assignments a"),
                format!("{join} AND a.parent_id IS NULL AND {scope}"),
            )
        }
    }
}

/// The state an assignment is in while its request waits. Below the top it narrows a unit's
/// sub-assignments before their requests are looked up; at the top, where the few pending
/// requests drive the read, it is left out: it adds nothing there, and it leads PostgreSQL to
/// scan the assignments by state.
fn waiting(who: Above<'_>, state: &str) -> String {
    match who {
        Above::Unit(_) => format!(" AND a.state = '{state}'"),
        Above::Scope(_) => String::new(),
    }
}

/// Completion reports waiting for review by the level above, oldest first (the pending ones are
/// indexed by `reports_pending_completion`).
pub fn completions_waiting(who: Above<'_>, n: i64) -> Dynamic {
    let mut d = Dynamic::default();
    let (from, cond) = above(
        &mut d,
        who,
        "reports r",
        &format!(
            "r.assignment_id = a.id AND r.state = 'pending' AND r.kind = 'completion'{}",
            waiting(who, "completion_requested")
        ),
    );
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT r.id, r.assignment_id, {REQUEST_NAMES}, r.kind, r.percent, r.submitted_at \
         FROM {from} CROSS JOIN items i CROSS JOIN units u WHERE {cond} AND {WORK_JOIN} \
         ORDER BY r.submitted_at, r.id LIMIT {l}"
    );
    d
}

/// Pending extension requests the level above decides, oldest first.
pub fn extensions_waiting(who: Above<'_>, n: i64) -> Dynamic {
    let mut d = Dynamic::default();
    let (from, cond) = above(
        &mut d,
        who,
        "extensions x",
        "x.assignment_id = a.id AND x.state = 'pending'",
    );
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT x.id, x.assignment_id, {REQUEST_NAMES}, x.reason AS text, x.old_deadline, \
         x.requested_deadline, x.created_at FROM {from} CROSS JOIN items i CROSS JOIN units u \
         WHERE {cond} AND {WORK_JOIN} ORDER BY x.created_at, x.id LIMIT {l}"
    );
    d
}

/// Pending refusals the level above decides, oldest first.
pub fn refusals_waiting(who: Above<'_>, n: i64) -> Dynamic {
    let mut d = Dynamic::default();
    // Below the top, a unit's sub-assignments find their refusals by item.
    let join = match who {
        Above::Unit(_) => "x.item_id = a.item_id AND x.assignment_id = a.id",
        Above::Scope(_) => "x.assignment_id = a.id",
    };
    let (from, cond) = above(
        &mut d,
        who,
        "refusals x",
        &format!(
            "{join} AND x.state = 'pending'{}",
            waiting(who, "refusal_requested")
        ),
    );
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT x.id, x.assignment_id, {REQUEST_NAMES}, x.reason AS text, \
         CAST(NULL AS DATE) AS old_deadline, CAST(NULL AS DATE) AS requested_deadline, \
         x.created_at FROM {from} CROSS JOIN items i CROSS JOIN units u \
         WHERE {cond} AND {WORK_JOIN} ORDER BY x.created_at, x.id LIMIT {l}"
    );
    d
}

/// Unanswered help requests to a unit on dispatched items, oldest first. With `owner_scope`,
/// only those on items the unit registered within that jurisdiction (a supervisor answers for
/// the office's own items).
pub fn help_waiting(unit_id: i64, owner_scope: Option<&UnitPath>, n: i64) -> Dynamic {
    let mut d = Dynamic::default();
    let unit = d.arg(Arg::I64(unit_id));
    let owned = match owner_scope {
        Some(scope) => format!(
            " AND i.owner_unit_id = h.to_unit_id AND {}",
            d.subtree("i.scope_path", scope)
        ),
        None => String::new(),
    };
    let l = limit(&mut d, n);
    d.sql = format!(
        "SELECT h.id, h.assignment_id, h.item_id, i.title AS item_title, \
         i.number AS item_number, h.from_unit_id AS unit_id, u.name AS unit_name, h.text, \
         CAST(NULL AS DATE) AS old_deadline, CAST(NULL AS DATE) AS requested_deadline, \
         h.created_at FROM help_requests h CROSS JOIN items i CROSS JOIN units u \
         WHERE h.to_unit_id = {unit} AND h.answered_at IS NULL AND i.id = h.item_id \
         AND i.state = 'dispatched' AND u.id = h.from_unit_id{owned} ORDER BY h.id LIMIT {l}"
    );
    d
}

/// Implements `WorkbenchStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_workbench {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl WorkbenchStore for $store {
            async fn work_items(&self, q: &WorkItems<'_>) -> StoreResult<Vec<ItemRow>> {
                fetch_all(self, $crate::sql::workbench::work_items(q)).await
            }

            async fn unit_work(
                &self,
                unit_id: i64,
                which: UnitWork,
                limit: i64,
            ) -> StoreResult<Vec<WorkRow>> {
                fetch_all(
                    self,
                    $crate::sql::workbench::unit_work(unit_id, which, limit),
                )
                .await
            }

            async fn stalled_assignments(
                &self,
                root: &UnitPath,
                quiet_before: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<WorkRow>> {
                use $crate::sql::workbench::stalled;
                let large = if Self::PROBE_SUBTREES {
                    let rows: Vec<(i64,)> =
                        fetch_all(self, $crate::sql::subtree_probe(root)).await?;
                    rows.first()
                        .is_some_and(|r| r.0 >= $crate::sql::SMALL_SUBTREE)
                } else {
                    false
                };
                let mut rows: Vec<WorkRow> =
                    fetch_all(self, stalled(root, Some(quiet_before), large, limit)).await?;
                let red: Vec<WorkRow> = fetch_all(self, stalled(root, None, large, limit)).await?;
                for r in red {
                    if !rows.iter().any(|q| q.id == r.id) {
                        rows.push(r);
                    }
                }
                rows.sort_by_key(|r| (r.quiet_since(), r.id));
                rows.truncate(usize::try_from(limit.max(0)).unwrap_or(0));
                Ok(rows)
            }

            async fn completions_waiting(
                &self,
                above: Above<'_>,
                limit: i64,
            ) -> StoreResult<Vec<WorkReportRow>> {
                fetch_all(
                    self,
                    $crate::sql::workbench::completions_waiting(above, limit),
                )
                .await
            }

            async fn extensions_waiting(
                &self,
                above: Above<'_>,
                limit: i64,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                fetch_all(
                    self,
                    $crate::sql::workbench::extensions_waiting(above, limit),
                )
                .await
            }

            async fn refusals_waiting(
                &self,
                above: Above<'_>,
                limit: i64,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                fetch_all(self, $crate::sql::workbench::refusals_waiting(above, limit)).await
            }

            async fn help_waiting(
                &self,
                unit_id: i64,
                owner_scope: Option<&UnitPath>,
                limit: i64,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                fetch_all(
                    self,
                    $crate::sql::workbench::help_waiting(unit_id, owner_scope, limit),
                )
                .await
            }
        }
    };
}
