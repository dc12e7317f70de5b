//! The workbench's shared SQL: bounded reads of what waits for a user, each an indexed range
//! of the user's unit, of a small set of pending rows, or of an index kept in urgency order
//! (migrations `0004_workbench` and `0007_workbench_reports`), stopped by its `LIMIT`. Every
//! list is read a page at a time (keyset: after the last row's sort key and id) and counted
//! by the same statement's rows, wrapped in a count that stops at a cap.
//!
//! The joins are written `CROSS JOIN` with their conditions in `WHERE`: SQLite then keeps the
//! tables in the written order (the driving table first), while PostgreSQL treats them as
//! inner joins and orders them by its statistics. Without it SQLite starts from the items of a
//! state and sorts every assignment of them.

use super::{Arg, Dynamic, ITEM_COLS};
use crate::{Above, After, Span, UnitWork, WorkItems};
use chrono::{DateTime, Utc};
use ducha_domain::org::UnitPath;
use ducha_domain::report::ReportKind;

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

/// What a list's statement returns: one page of rows, or how many rows the list holds,
/// counted up to a cap (a bounded count over the same indexed range as the page).
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A page.
    Page(Span),
    /// The count, stopping at this many.
    Count(i64),
}

/// The list's sort key: a column or expression and the row's id; none when the id alone
/// orders the list.
struct Key<'a> {
    key: Option<&'a str>,
    id: &'a str,
}

/// Finishes a list's statement over `from_where` (the tables and the conditions): the `cols`
/// of the page that follows the keyset position in `k`'s order, or the bounded count. The count
/// keeps the list's order, so that both engines walk the list's index and stop at the cap
/// (unordered, PostgreSQL would rather hash-join every assignment with the pending rows).
fn finish(d: &mut Dynamic, shape: Shape, cols: &str, from_where: &str, k: Key<'_>) -> String {
    let Key { key, id } = k;
    let order = match key {
        Some(key) => format!("{key}, {id}"),
        None => id.to_string(),
    };
    match shape {
        Shape::Count(cap) => {
            let cap = d.arg(Arg::I64(cap.clamp(1, 100_000)));
            format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {from_where} ORDER BY {order} LIMIT {cap}) c"
            )
        }
        Shape::Page(span) => {
            let after = match (span.after, key) {
                (None, _) => String::new(),
                (Some(After::Id(last)), _)
                | (Some(After::Date(_, last) | After::Time(_, last)), None) => {
                    format!(" AND {id} > {}", d.arg(Arg::I64(last)))
                }
                (Some(After::Date(v, last)), Some(key)) => keyset(d, key, Arg::Date(v), id, last),
                (Some(After::Time(v, last)), Some(key)) => keyset(d, key, Arg::Time(v), id, last),
            };
            let l = d.arg(Arg::I64(span.limit.clamp(1, 1000)));
            format!("SELECT {cols} FROM {from_where}{after} ORDER BY {order} LIMIT {l}")
        }
    }
}

/// `(key, id) > (v, last)`, written with a plain lower bound on the key so that both engines
/// start the index walk there.
fn keyset(d: &mut Dynamic, key: &str, v: Arg, id: &str, last: i64) -> String {
    let v = d.arg(v);
    let last = d.arg(Arg::I64(last));
    format!(" AND {key} >= {v} AND ({key} > {v} OR {id} > {last})")
}

/// Items of a state within a jurisdiction, earliest deadline first.
pub fn work_items(q: &WorkItems<'_>, shape: Shape) -> Dynamic {
    let mut d = Dynamic::default();
    let state = d.arg(Arg::Text(q.state.as_str().into()));
    let scope = d.subtree("i.scope_path", q.scope);
    let mut from = format!("items i WHERE i.state = {state} AND {scope}");
    if let Some(l) = q.light {
        from += &format!(" AND i.light = {}", d.arg(Arg::I64(l)));
    }
    if let Some(u) = q.approver {
        let u = d.arg(Arg::I64(u));
        from += &format!(" AND (i.leader_id IS NULL OR i.leader_id = {u})");
    }
    let key = Key {
        key: Some("i.deadline"),
        id: "i.id",
    };
    d.sql = finish(&mut d, shape, ITEM_COLS, &from, key);
    d
}

/// One unit's open assignments of a kind, earliest deadline first, from the partial index
/// `assignments_unit_open` (its condition repeated so that SQLite uses it).
pub fn unit_work(unit_id: i64, which: UnitWork, shape: Shape) -> Dynamic {
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
        UnitWork::DueBetween(from, to) => {
            let from = d.arg(Arg::Date(from));
            let to = d.arg(Arg::Date(to));
            format!("{UNIT_MOVES} AND a.deadline > {from} AND a.deadline <= {to}")
        }
        UnitWork::Returned => {
            "a.state IN ('signed', 'in_progress') AND a.returned_count > 0".to_string()
        }
    };
    let from = format!(
        "assignments a CROSS JOIN items i CROSS JOIN units u \
         WHERE a.unit_id = {unit} AND a.state NOT IN ('done', 'withdrawn') AND {only} \
         AND {WORK_JOIN}"
    );
    let key = Key {
        key: Some("a.deadline"),
        id: "a.id",
    };
    d.sql = finish(&mut d, shape, WORK_COLS, &from, key);
    d
}

/// Which assignments of a subtree a stall read looks at.
#[derive(Debug, Clone, Copy)]
pub enum Stall {
    /// Silent since before this instant (from `assignments_quiet`).
    Quiet(DateTime<Utc>),
    /// Red (from `assignments_red`).
    Red,
    /// Red, and not silent since before this instant: the red ones [`Stall::Quiet`] leaves out.
    RedSince(DateTime<Utc>),
}

/// Assignments within a subtree that wait on their unit, longest silent first, as `which`
/// picks them. `large`: the subtree holds many assignments (see [`super::subtree_probe`]); its
/// units are then looked up by path, so that SQLite walks the ordered index and stops at the
/// limit instead of sorting the subtree's range.
pub fn stalled(root: &UnitPath, which: Stall, large: bool, shape: Shape) -> Dynamic {
    let mut d = Dynamic::default();
    let within = if large {
        let r = d.subtree("s.path", root);
        format!("a.unit_id IN (SELECT s.id FROM units s WHERE {r})")
    } else {
        d.subtree("a.unit_path", root)
    };
    let which = match which {
        Stall::Quiet(t) => format!("{QUIET_SINCE} < {}", d.arg(Arg::Time(t))),
        // The literal matches the condition of the partial index `assignments_red`.
        Stall::Red => "a.light = 3".to_string(),
        Stall::RedSince(t) => format!("a.light = 3 AND {QUIET_SINCE} >= {}", d.arg(Arg::Time(t))),
    };
    let from = format!(
        "assignments a CROSS JOIN items i CROSS JOIN units u \
         WHERE {UNIT_MOVES} AND {which} AND {within} AND {WORK_JOIN}"
    );
    let key = Key {
        key: Some(QUIET_SINCE),
        id: "a.id",
    };
    d.sql = finish(&mut d, shape, WORK_COLS, &from, key);
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

/// Reports of a kind waiting for review by the level above, oldest first: completion requests
/// (indexed by `reports_pending_completion`), or routine progress reports on work not yet done
/// (by `reports_pending_progress`, migration `0007_workbench_reports`). Each index's condition
/// is written out word for word, so that SQLite uses it.
pub fn reports_waiting(who: Above<'_>, kind: ReportKind, shape: Shape) -> Dynamic {
    let mut d = Dynamic::default();
    let pending = match kind {
        ReportKind::Completion => format!(
            "r.state = 'pending' AND r.kind = 'completion'{}",
            waiting(who, "completion_requested")
        ),
        // Once the work is done, a routine report nobody read has nothing left to decide.
        ReportKind::Progress => "r.state = 'pending' AND r.kind = 'progress' \
            AND a.state NOT IN ('done', 'withdrawn')"
            .to_string(),
    };
    let (from, cond) = above(
        &mut d,
        who,
        "reports r",
        &format!("r.assignment_id = a.id AND {pending}"),
    );
    let from = format!("{from} CROSS JOIN items i CROSS JOIN units u WHERE {cond} AND {WORK_JOIN}");
    let cols = format!("r.id, r.assignment_id, {REQUEST_NAMES}, r.kind, r.percent, r.submitted_at");
    let key = Key {
        key: Some("r.submitted_at"),
        id: "r.id",
    };
    d.sql = finish(&mut d, shape, &cols, &from, key);
    d
}

/// Pending extension requests the level above decides, oldest first.
pub fn extensions_waiting(who: Above<'_>, shape: Shape) -> Dynamic {
    let mut d = Dynamic::default();
    let (from, cond) = above(
        &mut d,
        who,
        "extensions x",
        "x.assignment_id = a.id AND x.state = 'pending'",
    );
    let from = format!("{from} CROSS JOIN items i CROSS JOIN units u WHERE {cond} AND {WORK_JOIN}");
    let cols = format!(
        "x.id, x.assignment_id, {REQUEST_NAMES}, x.reason AS text, x.old_deadline, \
         x.requested_deadline, x.created_at"
    );
    let key = Key {
        key: Some("x.created_at"),
        id: "x.id",
    };
    d.sql = finish(&mut d, shape, &cols, &from, key);
    d
}

/// Pending refusals the level above decides, oldest first.
pub fn refusals_waiting(who: Above<'_>, shape: Shape) -> Dynamic {
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
    let from = format!("{from} CROSS JOIN items i CROSS JOIN units u WHERE {cond} AND {WORK_JOIN}");
    let cols = format!(
        "x.id, x.assignment_id, {REQUEST_NAMES}, x.reason AS text, \
         CAST(NULL AS DATE) AS old_deadline, CAST(NULL AS DATE) AS requested_deadline, \
         x.created_at"
    );
    let key = Key {
        key: Some("x.created_at"),
        id: "x.id",
    };
    d.sql = finish(&mut d, shape, &cols, &from, key);
    d
}

/// Unanswered help requests to a unit on dispatched items, oldest first. With `owner_scope`,
/// only those on items the unit registered within that jurisdiction (a supervisor answers for
/// the office's own items).
pub fn help_waiting(unit_id: i64, owner_scope: Option<&UnitPath>, shape: Shape) -> Dynamic {
    let mut d = Dynamic::default();
    let unit = d.arg(Arg::I64(unit_id));
    let owned = match owner_scope {
        Some(scope) => format!(
            " AND i.owner_unit_id = h.to_unit_id AND {}",
            d.subtree("i.scope_path", scope)
        ),
        None => String::new(),
    };
    let from = format!(
        "help_requests h CROSS JOIN items i CROSS JOIN units u \
         WHERE h.to_unit_id = {unit} AND h.answered_at IS NULL AND i.id = h.item_id \
         AND i.state = 'dispatched' AND u.id = h.from_unit_id{owned}"
    );
    let cols = "h.id, h.assignment_id, h.item_id, i.title AS item_title, \
         i.number AS item_number, h.from_unit_id AS unit_id, u.name AS unit_name, h.text, \
         CAST(NULL AS DATE) AS old_deadline, CAST(NULL AS DATE) AS requested_deadline, \
         h.created_at";
    let key = Key {
        key: None,
        id: "h.id",
    };
    d.sql = finish(&mut d, shape, cols, &from, key);
    d
}

/// Implements `WorkbenchStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_workbench {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Whether the subtree is large enough that a stall read looks its units up by
            /// path (see [`$crate::sql::workbench::stalled`]).
            async fn large_subtree(&self, root: &UnitPath) -> StoreResult<bool> {
                if !Self::PROBE_SUBTREES {
                    return Ok(false);
                }
                let rows: Vec<(i64,)> = fetch_all(self, $crate::sql::subtree_probe(root)).await?;
                Ok(rows
                    .first()
                    .is_some_and(|r| r.0 >= $crate::sql::SMALL_SUBTREE))
            }

            /// The count a counting statement returns.
            async fn count_of(&self, d: Dynamic) -> StoreResult<i64> {
                let rows: Vec<(i64,)> = fetch_all(self, d).await?;
                Ok(rows.first().map_or(0, |r| r.0))
            }
        }

        #[async_trait]
        impl WorkbenchStore for $store {
            async fn work_items(&self, q: &WorkItems<'_>, span: Span) -> StoreResult<Vec<ItemRow>> {
                use $crate::sql::workbench::{Shape, work_items};
                fetch_all(self, work_items(q, Shape::Page(span))).await
            }

            async fn unit_work(
                &self,
                unit_id: i64,
                which: UnitWork,
                span: Span,
            ) -> StoreResult<Vec<WorkRow>> {
                use $crate::sql::workbench::{Shape, unit_work};
                fetch_all(self, unit_work(unit_id, which, Shape::Page(span))).await
            }

            async fn stalled_assignments(
                &self,
                root: &UnitPath,
                quiet_before: DateTime<Utc>,
                span: Span,
            ) -> StoreResult<Vec<WorkRow>> {
                use $crate::sql::workbench::{Shape, Stall, stalled};
                let large = self.large_subtree(root).await?;
                let page = Shape::Page(span);
                let mut rows: Vec<WorkRow> =
                    fetch_all(self, stalled(root, Stall::Quiet(quiet_before), large, page)).await?;
                let red: Vec<WorkRow> =
                    fetch_all(self, stalled(root, Stall::Red, large, page)).await?;
                for r in red {
                    if !rows.iter().any(|q| q.id == r.id) {
                        rows.push(r);
                    }
                }
                rows.sort_by_key(|r| (r.quiet_since(), r.id));
                rows.truncate(usize::try_from(span.limit.max(0)).unwrap_or(0));
                Ok(rows)
            }

            async fn reports_waiting(
                &self,
                above: Above<'_>,
                kind: $crate::reexport::ducha_domain::report::ReportKind,
                span: Span,
            ) -> StoreResult<Vec<WorkReportRow>> {
                use $crate::sql::workbench::{Shape, reports_waiting};
                fetch_all(self, reports_waiting(above, kind, Shape::Page(span))).await
            }

            async fn extensions_waiting(
                &self,
                above: Above<'_>,
                span: Span,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                use $crate::sql::workbench::{Shape, extensions_waiting};
                fetch_all(self, extensions_waiting(above, Shape::Page(span))).await
            }

            async fn refusals_waiting(
                &self,
                above: Above<'_>,
                span: Span,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                use $crate::sql::workbench::{Shape, refusals_waiting};
                fetch_all(self, refusals_waiting(above, Shape::Page(span))).await
            }

            async fn help_waiting(
                &self,
                unit_id: i64,
                owner_scope: Option<&UnitPath>,
                span: Span,
            ) -> StoreResult<Vec<WorkRequestRow>> {
                use $crate::sql::workbench::{Shape, help_waiting};
                fetch_all(self, help_waiting(unit_id, owner_scope, Shape::Page(span))).await
            }

            async fn count_work(&self, list: WorkList<'_>, cap: i64) -> StoreResult<i64> {
                use $crate::sql::workbench::{self as w, Shape, Stall};
                let count = Shape::Count(cap);
                let d = match list {
                    WorkList::Items(q) => w::work_items(q, count),
                    WorkList::Unit(unit, which) => w::unit_work(unit, which, count),
                    WorkList::Stalled(root, quiet_before) => {
                        // The quiet ones, and the red ones among the rest.
                        let large = self.large_subtree(root).await?;
                        let quiet = self
                            .count_of(w::stalled(root, Stall::Quiet(quiet_before), large, count))
                            .await?;
                        if quiet >= cap {
                            return Ok(cap);
                        }
                        let rest = Shape::Count(cap - quiet);
                        let red = self
                            .count_of(w::stalled(root, Stall::RedSince(quiet_before), large, rest))
                            .await?;
                        return Ok(quiet + red);
                    }
                    WorkList::Reports(above, kind) => w::reports_waiting(above, kind, count),
                    WorkList::Extensions(above) => w::extensions_waiting(above, count),
                    WorkList::Refusals(above) => w::refusals_waiting(above, count),
                    WorkList::Help(unit, scope) => w::help_waiting(unit, scope, count),
                };
                self.count_of(d).await
            }
        }
    };
}
