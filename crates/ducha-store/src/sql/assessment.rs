//! The assessment's SQL: the facts of a period, kept in `score_facts` as the commits happen and
//! read by period, the reference query that gathers them from the rows the other parts keep
//! (each with the event behind it), rule sets, finalised periods and appeals.

use crate::{FactRow, FactSource};

/// The columns every fact query returns, in [`FactRow`](crate::FactRow) order.
pub const FACT_COLS: &str = "unit_id, item_id, assignment_id, role, priority, at, seq, quantity, \
    what, deadline, until";

/// The event of kind `kinds` on `assignment` at `at`, as a correlated subquery.
pub fn event_at(assignment: &str, at: &str, kinds: &str) -> String {
    format!(
        "(SELECT e.seq FROM events e WHERE e.assignment_id = {assignment} AND e.at = {at} \
         AND e.kind IN ({kinds}) ORDER BY e.seq LIMIT 1)"
    )
}

/// [`event_at`] as the lowest seq, not the first row in seq order: the same event, and the
/// planner looks it up in the `(assignment_id, at, kind, seq)` index alone instead of walking
/// the assignment's events in seq order and reading each (the derivation runs it for every
/// kept fact of a rebuild).
pub fn first_event_at(assignment: &str, at: &str, kinds: &str) -> String {
    format!(
        "(SELECT MIN(e.seq) FROM events e WHERE e.assignment_id = {assignment} AND e.at = {at} \
         AND e.kind IN ({kinds}))"
    )
}

/// The working days of `assignment`'s lateness charged to `unit` (its own share; days charged
/// to the units it waited on are theirs), as a correlated subquery.
pub fn own_lost(assignment: &str, unit: &str) -> String {
    format!(
        "CAST((SELECT COALESCE(SUM(l.days), 0) FROM hop_log l WHERE l.assignment_id = \
         {assignment} AND l.hop = 'lost' AND l.unit_id = {unit}) AS BIGINT)"
    )
}

/// An instant that is not there, typed as the kept ones are on both backends.
const NULL_TIME: &str = "CAST(NULL AS TIMESTAMPTZ)";

/// The columns of `score_facts` a derivation fills, in order.
pub const SCORE_FACT_COLS: &str = "source, unit_id, unit_path, item_id, assignment_id, role, \
    priority, at, seq, quantity, what, deadline, until, ends";

/// The rows of `score_facts` one source derives from the rows the other parts keep, each with
/// the event behind it: the one definition a commit (for the items it touched, `item` the
/// placeholder of the item's id), a rebuild and the migration (every item, `item` `None`) use.
///
/// `bulletins` has no item: its rows are made once, when their bulletin is published (it
/// never changes afterwards), and for it `item` is the placeholder of the bulletin's id.
///
/// Each row carries what the reading needs to decide, for any period, whether it counts:
/// `at` (the instant it counts at; for `unfinished` the dispatch), `until` (a help request's
/// answer; an unfinished assignment's completion), `ends` (a finding's resolution) and
/// `deadline`. Only `unfinished`'s event depends on the period (its assignment's latest event
/// before the period's end): the reading looks it up for the rows that qualify.
pub fn derive_sql(source: FactSource, item: Option<&str>) -> String {
    derive(
        source,
        &|col: &str| match item {
            Some(p) => format!("{col} = {p}"),
            None => "1 = 1".to_string(),
        },
        "hop_facts f",
    )
}

/// [`derive_sql`] for every item, as a rebuild and the first start after the migration fill
/// the table. On SQLite the completions' hop facts are walked in their own order (`NOT
/// INDEXED`): with the index on `completed_at` at hand, its planner walks them by completion
/// to spare the fill's sort, and then reads every row's assignment, item, event and lost days
/// at random — 24.7 s instead of 3.5 s for a province's 821,000 completions.
pub fn derive_all_sql(source: FactSource, sqlite: bool) -> String {
    let facts = if sqlite {
        "hop_facts f NOT INDEXED"
    } else {
        "hop_facts f"
    };
    derive(source, &|_: &str| "1 = 1".to_string(), facts)
}

/// [`derive_sql`] for a set of items at once: what a whole transaction (a ledger import)
/// derives once before its commit for every item it touched. The ids are numbers formatted
/// here, not text from outside.
pub fn derive_items_sql(source: FactSource, items: &[i64]) -> String {
    let list = items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    derive(
        source,
        &|col: &str| format!("{col} IN ({list})"),
        "hop_facts f",
    )
}

/// [`derive_sql`] for one assignment's rows, `assignment` the placeholder of its id: what a
/// commit that changes one assignment's notices, reports, completion, help requests or
/// findings derives again (an item may have hundreds of assignments). Every source but
/// `summonses` (whose meeting-decided part names an item and a unit) has one.
/// `item` is the placeholder of its item's id: notices and help requests are found by item
/// (they have no index by assignment), then by assignment.
pub fn derive_assignment_sql(source: FactSource, assignment: &str, item: &str) -> String {
    debug_assert!(source != FactSource::Summonses);
    derive(
        source,
        &|col: &str| match col.split_once('.') {
            // The assignment itself.
            Some(("a", _)) => format!("a.id = {assignment}"),
            Some((alias @ ("n" | "h"), _)) => {
                format!("{alias}.item_id = {item} AND {alias}.assignment_id = {assignment}")
            }
            Some((alias, _)) => format!("{alias}.assignment_id = {assignment}"),
            None => format!("{col} = {assignment}"),
        },
        "hop_facts f",
    )
}

/// One source's derivation, its rows chosen by `on` (given the column it filters on);
/// `completed` is how the completions read their hop facts (`hop_facts f`, with a planner's
/// hint where one is needed).
fn derive(source: FactSource, on: &dyn Fn(&str) -> String, completed: &str) -> String {
    let null_int = "CAST(NULL AS BIGINT)";
    let null_date = "CAST(NULL AS DATE)";
    let null_text = "CAST(NULL AS TEXT)";
    let none = NULL_TIME;
    let notice_event = first_event_at(
        "n.assignment_id",
        "n.issued_at",
        "'notice.issued', 'notice.escalated'",
    );
    let name = source.as_str();
    match source {
        FactSource::Notices => format!(
            "SELECT '{name}', n.unit_id, n.unit_path, n.item_id, n.assignment_id, a.role, \
             i.priority, n.issued_at, {notice_event}, {null_int}, \
             n.level || ':' || n.cause, {null_date}, {none}, {none} FROM notices n \
             JOIN assignments a ON a.id = n.assignment_id JOIN items i ON i.id = n.item_id \
             WHERE {}",
            on("n.item_id")
        ),
        FactSource::Summonses => format!(
            // The clock's summonses (three reds in a row) and those a joint meeting decided
            // (约谈), both against the unit summoned.
            "SELECT '{name}', s.unit_id, n.unit_path, n.item_id, n.assignment_id, a.role, \
             i.priority, s.created_at, {notice_event}, {null_int}, 'summons', {null_date}, \
             {none}, {none} FROM summons s JOIN notices n ON n.id = s.notice_id \
             JOIN assignments a ON a.id = n.assignment_id JOIN items i ON i.id = n.item_id \
             WHERE {} \
             UNION ALL \
             SELECT '{name}', d.unit_id, u.path, d.item_id, \
             (SELECT a.id FROM assignments a WHERE a.item_id = d.item_id \
              AND a.unit_id = d.unit_id ORDER BY a.id LIMIT 1), \
             (SELECT a.role FROM assignments a WHERE a.item_id = d.item_id \
              AND a.unit_id = d.unit_id ORDER BY a.id LIMIT 1), \
             i.priority, d.created_at, \
             (SELECT e.seq FROM events e WHERE e.item_id = d.item_id \
              AND e.at = d.created_at AND e.kind = 'joint.decided' \
              ORDER BY e.seq LIMIT 1), \
             {null_int}, 'summons', {null_date}, {none}, {none} \
             FROM meeting_decisions d JOIN units u ON u.id = d.unit_id \
             JOIN items i ON i.id = d.item_id WHERE d.kind = 'summons' AND {}",
            on("n.item_id"),
            on("d.item_id")
        ),
        FactSource::Returns => {
            let ev = first_event_at("r.assignment_id", "r.reviewed_at", "'report.returned'");
            format!(
                "SELECT '{name}', a.unit_id, a.unit_path, r.item_id, r.assignment_id, a.role, \
                 i.priority, r.reviewed_at, {ev}, {null_int}, r.kind, {null_date}, \
                 {none}, {none} FROM reports r \
                 JOIN assignments a ON a.id = r.assignment_id JOIN items i ON i.id = r.item_id \
                 WHERE r.state = 'returned' AND r.reviewed_at IS NOT NULL AND {}",
                on("r.item_id")
            )
        }
        FactSource::Completions => {
            let ev = first_event_at("f.assignment_id", "f.completed_at", "'report.accepted'");
            let own = own_lost("f.assignment_id", "f.unit_id");
            format!(
                "SELECT '{name}', f.unit_id, f.unit_path, f.item_id, f.assignment_id, a.role, \
                 i.priority, f.completed_at, {ev}, {own}, {null_text}, a.deadline, \
                 {none}, {none} FROM {completed} \
                 JOIN assignments a ON a.id = f.assignment_id JOIN items i ON i.id = f.item_id \
                 WHERE f.completed_at IS NOT NULL AND {}",
                on("f.item_id")
            )
        }
        FactSource::LostDays => {
            let ev = first_event_at("f.assignment_id", "f.completed_at", "'report.accepted'");
            format!(
                "SELECT '{name}', l.unit_id, u.path, f.item_id, f.assignment_id, \
                 CASE WHEN l.unit_id = a.unit_id THEN a.role END, i.priority, f.completed_at, \
                 {ev}, l.days, l.reason, {null_date}, {none}, {none} \
                 FROM hop_log l JOIN hop_facts f ON f.assignment_id = l.assignment_id \
                 JOIN assignments a ON a.id = f.assignment_id \
                 JOIN items i ON i.id = f.item_id JOIN units u ON u.id = l.unit_id \
                 WHERE l.hop = 'lost' AND f.completed_at IS NOT NULL AND {}",
                on("f.item_id")
            )
        }
        FactSource::Unfinished => format!(
            // Every assignment that can be open past its deadline at some period's end: not
            // withdrawn, and not completed before its deadline's day (one completed then was
            // done before the end of any period whose last day is past the deadline). Its
            // event depends on the period: the reading looks it up (`seq` stays empty).
            "SELECT '{name}', a.unit_id, a.unit_path, a.item_id, a.id, a.role, i.priority, \
             a.dispatched_at, {null_int}, {null_int}, {null_text}, a.deadline, \
             f.completed_at, {none} FROM assignments a \
             JOIN items i ON i.id = a.item_id LEFT JOIN hop_facts f ON f.assignment_id = a.id \
             WHERE a.state <> 'withdrawn' \
             AND (f.completed_at IS NULL OR f.completed_at >= a.deadline) AND {}",
            on("a.item_id")
        ),
        FactSource::Help => {
            let ev = first_event_at("h.assignment_id", "h.created_at", "'help.requested'");
            format!(
                "SELECT '{name}', h.to_unit_id, u.path, h.item_id, h.assignment_id, {null_text}, \
                 i.priority, h.created_at, {ev}, {null_int}, {null_text}, {null_date}, \
                 h.answered_at, {none} FROM help_requests h \
                 JOIN units u ON u.id = h.to_unit_id JOIN items i ON i.id = h.item_id \
                 WHERE {}",
                on("h.item_id")
            )
        }
        FactSource::Findings => format!(
            "SELECT '{name}', f.unit_id, f.unit_path, f.item_id, f.assignment_id, \
             CASE WHEN f.unit_id = a.unit_id THEN a.role END, i.priority, f.found_at, \
             f.event_seq, {null_int}, f.kind, {null_date}, {none}, f.resolved_at \
             FROM findings f JOIN assignments a ON a.id = f.assignment_id \
             JOIN items i ON i.id = f.item_id WHERE {}",
            on("f.item_id")
        ),
        FactSource::Proposals => {
            // A reply after its due date counts when it is given, a dissatisfied proposer
            // when the office enters it; both against the replying unit, on the round's item
            // (the reply's event names it).
            let rated = "(SELECT e2.seq FROM events e2 WHERE e2.item_id = e.item_id \
                 AND e2.kind = 'proposal.rated' AND e2.at = r.rated_at \
                 ORDER BY e2.seq LIMIT 1)";
            let base = "FROM proposal_replies r JOIN units u ON u.id = r.unit_id \
                 JOIN events e ON e.unit_id = r.unit_id AND e.kind = 'proposal.replied' \
                 AND e.at = r.created_at \
                 JOIN assignments a ON a.id = e.assignment_id \
                 JOIN items i ON i.id = e.item_id";
            let f = on("e.item_id");
            format!(
                "SELECT '{name}', r.unit_id, u.path, e.item_id, e.assignment_id, a.role, \
                 i.priority, r.created_at, e.seq, {null_int}, 'late', r.due, {none}, \
                 {none} {base} WHERE NOT r.on_time AND {f} \
                 UNION ALL \
                 SELECT '{name}', r.unit_id, u.path, e.item_id, e.assignment_id, a.role, \
                 i.priority, r.rated_at, {rated}, {null_int}, 'dissatisfied', r.due, \
                 {none}, {none} {base} \
                 WHERE r.satisfaction = 'dissatisfied' AND r.rated_at IS NOT NULL AND {f}"
            )
        }
        FactSource::Bulletins => {
            // Each unit a published bulletin praises or criticises, at its publication, on no
            // item (0: `score_facts.item_id` is not null, and no item has it), with the
            // publication's event (of the bulletin's jurisdiction, at that instant).
            let ev = bulletin_event("b");
            format!(
                "SELECT '{name}', m.unit_id, u.path, CAST(0 AS BIGINT), {null_int}, \
                 {null_text}, 'normal', b.published_at, {ev}, {null_int}, m.kind, \
                 {null_date}, {none}, {none} FROM bulletin_mentions m \
                 JOIN bulletins b ON b.id = m.bulletin_id JOIN units u ON u.id = m.unit_id \
                 WHERE b.state = 'published' AND b.published_at IS NOT NULL AND {}",
                on("b.id")
            )
        }
    }
}

/// The event that published the bulletin `b` (an alias), as a correlated subquery: the
/// publication of its jurisdiction at its instant.
pub fn bulletin_event(b: &str) -> String {
    format!(
        "(SELECT MIN(e.seq) FROM events e WHERE e.unit_id = {b}.scope_unit_id \
         AND e.at = {b}.published_at AND e.kind = 'bulletin.published')"
    )
}

/// The fields of [`read_sql`]'s rows as [`unpack_facts`] reads them packed: optional texts
/// prefixed so that an empty one is not taken for NULL.
pub const PACKED_FACT_COLS: [&str; 11] = [
    "unit_id",
    "item_id",
    "assignment_id",
    "'=' || role",
    "priority",
    "at",
    "seq",
    "quantity",
    "'=' || what",
    "deadline",
    "until",
];

/// How many times a packed read of facts found a value it could not read back exactly and
/// ran the typed query instead (none expected: tests assert it stays at zero).
pub static PACKED_FALLBACKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The `rows` rows of a packed read of facts (see `fetch_packed`), decoded as sqlx decodes the
/// typed rows; `None` if any value does not read back or the text does not hold exactly `rows`
/// rows of exactly their fields (a separator inside a value). An empty text where a number,
/// date or instant belongs reads as NULL, where the typed query would fail: the schema never
/// stores one.
pub fn unpack_facts(text: &str, rows: i64) -> Option<Vec<FactRow>> {
    use chrono::{DateTime, NaiveDate, Utc};
    let time = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let int = |s: &str| -> Option<Option<i64>> {
        match s {
            "" => Some(None),
            s => s.parse().ok().map(Some),
        }
    };
    let opt_text = |s: &str| -> Option<Option<String>> {
        match s {
            "" => Some(None),
            s => s.strip_prefix('=').map(|t| Some(t.to_string())),
        }
    };
    let mut out = Vec::with_capacity(text.len() / 80);
    for line in text.split('\u{1e}') {
        let mut f = line.split('\u{1f}');
        let mut next = || f.next();
        let row = FactRow {
            unit_id: next()?.parse().ok()?,
            item_id: next()?.parse().ok()?,
            assignment_id: int(next()?)?,
            role: opt_text(next()?)?,
            priority: next()?.to_string(),
            at: time(next()?)?,
            seq: int(next()?)?,
            quantity: int(next()?)?,
            what: opt_text(next()?)?,
            deadline: match next()? {
                "" => None,
                s => Some(NaiveDate::parse_from_str(s, "%F").ok()?),
            },
            until: match next()? {
                "" => None,
                s => Some(time(s)?),
            },
        };
        if next().is_some() {
            return None;
        }
        out.push(row);
    }
    (i64::try_from(out.len()).ok() == Some(rows)).then_some(out)
}

/// The SELECT of one source's facts of a period from `score_facts` (alias `s`): `$1`/`$2`
/// the period's instants, `$3` its last day, `within` the subtree's condition on
/// `s.unit_path`. A range of `(source, at)` for every source but `help` and `unfinished`,
/// which also qualify by their other bounds.
pub fn read_sql(source: FactSource, within: &str) -> String {
    let name = source.as_str();
    let cols = "s.unit_id, s.item_id, s.assignment_id, s.role, s.priority, s.at";
    let when = match source {
        // Asked before the period's end and not answered before its start.
        FactSource::Help => "s.at < $2 AND (s.until IS NULL OR s.until >= $1)",
        // Found within the period and not resolved by its end.
        FactSource::Findings => "s.at >= $1 AND s.at < $2 AND (s.ends IS NULL OR s.ends >= $2)",
        // Dispatched before the period's end, due before its last day, not completed by its
        // end.
        FactSource::Unfinished => {
            "s.at < $2 AND s.deadline < $3 AND (s.until IS NULL OR s.until >= $2)"
        }
        _ => "s.at >= $1 AND s.at < $2",
    };
    let seq = if source == FactSource::Unfinished {
        // The assignment's latest event before the period's end; for one nobody acted on,
        // the dispatch or decomposition that created it (an event of the item, not of the
        // assignment). COALESCE looks the second up only when the first is missing.
        "COALESCE((SELECT MAX(e.seq) FROM events e WHERE e.assignment_id = s.assignment_id \
         AND e.at < $2), (SELECT MIN(e.seq) FROM events e WHERE e.item_id = s.item_id \
         AND e.at >= s.at))"
    } else {
        "s.seq"
    };
    // Help and proposals leave out the columns they have no use for, as their sources did.
    let until = if source == FactSource::Help {
        "s.until"
    } else {
        "CAST(NULL AS TIMESTAMP)"
    };
    format!(
        "SELECT {cols}, {seq} AS seq, s.quantity, s.what, s.deadline, {until} AS until \
         FROM score_facts s WHERE s.source = '{name}' AND {when} AND {within}"
    )
}

/// Implements `AssessmentStore` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_assessment {
    ($store:ty, $db:ty) => {
        use $crate::sql::assessment::{
            FACT_COLS, PACKED_FACT_COLS, PACKED_FALLBACKS, SCORE_FACT_COLS, derive_assignment_sql,
            derive_all_sql, derive_items_sql, derive_sql, event_at, own_lost, read_sql, unpack_facts,
        };

        /// Derives again one assignment's `score_facts` rows of `sources` (not `summonses`),
        /// in the commit that changed their rows.
        pub(super) async fn refresh_assignment_facts(
            tx: &mut Tx,
            item_id: i64,
            assignment_id: i64,
            sources: u16,
        ) -> StoreResult<()> {
            for source in FactSource::ALL {
                if sources & source.bit() == 0
                    || source == FactSource::Summonses
                    || !source.per_item()
                {
                    continue;
                }
                sqlx::query::<$db>(
                    "DELETE FROM score_facts WHERE item_id = $1 AND source = $2 \
                     AND assignment_id = $3",
                )
                .bind(item_id)
                .bind(source.as_str())
                .bind(assignment_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                sqlx::query::<$db>(sql(format!(
                    "INSERT INTO score_facts ({SCORE_FACT_COLS}) {}",
                    derive_assignment_sql(source, "$1", "$2")
                )))
                .bind(assignment_id)
                .bind(item_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            Ok(())
        }

        /// Derives again the `score_facts` rows of `sources` (a set of
        /// [`FactSource::bit`]s) for one item, in the commit that changed their rows.
        pub(super) async fn refresh_score_facts(
            tx: &mut Tx,
            item_id: i64,
            sources: u16,
        ) -> StoreResult<()> {
            for source in FactSource::ALL {
                if sources & source.bit() == 0 || !source.per_item() {
                    continue;
                }
                sqlx::query::<$db>("DELETE FROM score_facts WHERE item_id = $1 AND source = $2")
                    .bind(item_id)
                    .bind(source.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                sqlx::query::<$db>(sql(format!(
                    "INSERT INTO score_facts ({SCORE_FACT_COLS}) {}",
                    derive_sql(source, Some("$1"))
                )))
                .bind(item_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            Ok(())
        }

        /// Derives again every per-item source's `score_facts` rows of `items` at once, a
        /// thousand items to a statement: a whole transaction's facts, once before its commit
        /// (see [`defer_touched`]).
        pub(super) async fn refresh_items_facts(tx: &mut Tx, items: &[i64]) -> StoreResult<()> {
            for chunk in items.chunks(1000) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                for source in FactSource::ALL.iter().filter(|s| s.per_item()) {
                    sqlx::query::<$db>(sql(format!(
                        "DELETE FROM score_facts WHERE source = $1 AND item_id IN ({list})"
                    )))
                    .bind(source.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                    sqlx::query::<$db>(sql(format!(
                        "INSERT INTO score_facts ({SCORE_FACT_COLS}) {}",
                        derive_items_sql(*source, chunk)
                    )))
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
            }
            Ok(())
        }

        /// Derives the `score_facts` rows of a bulletin published in this commit (one per
        /// unit it praises or criticises). It had none before (a draft has no facts) and will
        /// have no others (a published bulletin never changes).
        pub(super) async fn add_bulletin_facts(tx: &mut Tx, bulletin_id: i64) -> StoreResult<()> {
            sqlx::query::<$db>(sql(format!(
                "INSERT INTO score_facts ({SCORE_FACT_COLS}) {}",
                derive_sql(FactSource::Bulletins, Some("$1"))
            )))
            .bind(bulletin_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        /// Replaces every row of `score_facts` with what the sources derive now (the first
        /// start after the migration that made the table; a rebuild derives again only the
        /// sources that read the tables it replaces).
        pub(super) async fn fill_score_facts(tx: &mut Tx) -> StoreResult<()> {
            let empty = if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                "TRUNCATE score_facts"
            } else {
                "DELETE FROM score_facts"
            };
            sqlx::query::<$db>(empty).execute(&mut *tx).await.map_err(err)?;
            fill_score_sources(tx, &FactSource::ALL).await
        }

        /// Derives every row of `sources` into `score_facts` (which holds none of them).
        pub(super) async fn fill_score_sources(
            tx: &mut Tx,
            sources: &[FactSource],
        ) -> StoreResult<()> {
            let mut laps = $crate::sql::rebuild::Laps::default();
            for &source in sources {
                sqlx::query::<$db>(sql(format!(
                    "INSERT INTO score_facts ({SCORE_FACT_COLS}) SELECT * FROM ({}) x \
                     ORDER BY 8",
                    derive_all_sql(source, <$db as sqlx::Database>::NAME == "SQLite")
                )))
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                laps.lap(source.as_str());
            }
            Ok(())
        }

        /// Fills `score_facts` once after the migration that made it (`score_facts_state`
        /// says whether it was): the fill is [`derive_sql`], which lives in the code, not in
        /// the migration's SQL. Of several nodes migrating at once, the one whose update
        /// claims the row fills; the others wait for its commit and find it done.
        pub(super) async fn fill_score_facts_once(tx: &mut Tx) -> StoreResult<bool> {
            let claimed = sqlx::query::<$db>(
                "UPDATE score_facts_state SET filled = 1 WHERE id = 1 AND filled = 0",
            )
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected();
            if claimed == 1 {
                fill_score_facts(tx).await?;
            }
            Ok(claimed == 1)
        }

        const APPEAL_COLS: &str = "id, scope_unit_id, period, unit_id, line_key, reason, \
            evidence, state, created_by, created_at, decided_by, decided_at, comment, version";

        /// The SELECT of one source's facts, `$1`/`$2` the period's instants, `$3` its last day.
        fn fact_sql(source: FactSource, d: &mut Dynamic, root: &UnitPath) -> String {
            let null_int = "CAST(NULL AS BIGINT)";
            let null_date = "CAST(NULL AS DATE)";
            let null_time = "CAST(NULL AS TIMESTAMP)";
            let notice_event = event_at(
                "n.assignment_id",
                "n.issued_at",
                "'notice.issued', 'notice.escalated'",
            );
            match source {
                FactSource::Notices => {
                    let r = d.subtree("n.unit_path", root);
                    format!(
                        "SELECT n.unit_id, n.item_id, n.assignment_id, a.role, i.priority, \
                         n.issued_at AS at, {notice_event} AS seq, {null_int} AS quantity, \
                         n.level || ':' || n.cause AS what, {null_date} AS deadline, \
                         {null_time} AS until FROM notices n \
                         JOIN assignments a ON a.id = n.assignment_id \
                         JOIN items i ON i.id = n.item_id \
                         WHERE n.issued_at >= $1 AND n.issued_at < $2 AND {r}"
                    )
                }
                FactSource::Summonses => {
                    // The clock's summonses (three reds in a row) and those a joint meeting
                    // decided (约谈), both against the unit summoned.
                    let r = d.subtree("n.unit_path", root);
                    let m = d.subtree("u.path", root);
                    format!(
                        "SELECT s.unit_id, n.item_id, n.assignment_id, a.role, i.priority, \
                         s.created_at AS at, {notice_event} AS seq, {null_int} AS quantity, \
                         'summons' AS what, {null_date} AS deadline, {null_time} AS until \
                         FROM summons s JOIN notices n ON n.id = s.notice_id \
                         JOIN assignments a ON a.id = n.assignment_id \
                         JOIN items i ON i.id = n.item_id \
                         WHERE s.created_at >= $1 AND s.created_at < $2 AND {r} \
                         UNION ALL \
                         SELECT d.unit_id, d.item_id, \
                         (SELECT a.id FROM assignments a WHERE a.item_id = d.item_id \
                          AND a.unit_id = d.unit_id ORDER BY a.id LIMIT 1), \
                         (SELECT a.role FROM assignments a WHERE a.item_id = d.item_id \
                          AND a.unit_id = d.unit_id ORDER BY a.id LIMIT 1), \
                         i.priority, d.created_at AS at, \
                         (SELECT e.seq FROM events e WHERE e.item_id = d.item_id \
                          AND e.at = d.created_at AND e.kind = 'joint.decided' \
                          ORDER BY e.seq LIMIT 1) AS seq, \
                         {null_int} AS quantity, 'summons' AS what, {null_date} AS deadline, \
                         {null_time} AS until \
                         FROM meeting_decisions d JOIN units u ON u.id = d.unit_id \
                         JOIN items i ON i.id = d.item_id \
                         WHERE d.kind = 'summons' AND d.created_at >= $1 \
                         AND d.created_at < $2 AND {m}"
                    )
                }
                FactSource::Returns => {
                    let r = d.subtree("a.unit_path", root);
                    let ev = event_at("r.assignment_id", "r.reviewed_at", "'report.returned'");
                    format!(
                        "SELECT a.unit_id, r.item_id, r.assignment_id, a.role, i.priority, \
                         r.reviewed_at AS at, {ev} AS seq, {null_int} AS quantity, \
                         r.kind AS what, {null_date} AS deadline, {null_time} AS until \
                         FROM reports r JOIN assignments a ON a.id = r.assignment_id \
                         JOIN items i ON i.id = r.item_id WHERE r.state = 'returned' \
                         AND r.reviewed_at >= $1 AND r.reviewed_at < $2 AND {r}"
                    )
                }
                FactSource::Completions => {
                    let r = d.subtree("f.unit_path", root);
                    let ev = event_at("f.assignment_id", "f.completed_at", "'report.accepted'");
                    let own = own_lost("f.assignment_id", "f.unit_id");
                    format!(
                        "SELECT f.unit_id, f.item_id, f.assignment_id, a.role, i.priority, \
                         f.completed_at AS at, {ev} AS seq, {own} AS quantity, \
                         CAST(NULL AS TEXT) AS what, a.deadline AS deadline, \
                         {null_time} AS until FROM hop_facts f \
                         JOIN assignments a ON a.id = f.assignment_id \
                         JOIN items i ON i.id = f.item_id \
                         WHERE f.completed_at >= $1 AND f.completed_at < $2 AND {r}"
                    )
                }
                FactSource::LostDays => {
                    let r = d.subtree("u.path", root);
                    let ev = event_at("f.assignment_id", "f.completed_at", "'report.accepted'");
                    format!(
                        "SELECT l.unit_id, f.item_id, f.assignment_id, \
                         CASE WHEN l.unit_id = a.unit_id THEN a.role END AS role, i.priority, \
                         f.completed_at AS at, {ev} AS seq, l.days AS quantity, \
                         l.reason AS what, {null_date} AS deadline, {null_time} AS until \
                         FROM hop_log l JOIN hop_facts f ON f.assignment_id = l.assignment_id \
                         JOIN assignments a ON a.id = f.assignment_id \
                         JOIN items i ON i.id = f.item_id JOIN units u ON u.id = l.unit_id \
                         WHERE l.hop = 'lost' AND f.completed_at >= $1 \
                         AND f.completed_at < $2 AND {r}"
                    )
                }
                FactSource::Unfinished => {
                    let r = d.subtree("a.unit_path", root);
                    // The assignment's latest event before the period's end; for one nobody
                    // acted on, the dispatch or decomposition that created it (an event of
                    // the item, not of the assignment).
                    format!(
                        "SELECT a.unit_id, a.item_id, a.id AS assignment_id, a.role, \
                         i.priority, a.dispatched_at AS at, COALESCE((SELECT MAX(e.seq) \
                         FROM events e WHERE e.assignment_id = a.id AND e.at < $2), \
                         (SELECT MIN(e.seq) FROM events e WHERE e.item_id = a.item_id \
                         AND e.at >= a.dispatched_at)) AS seq, \
                         {null_int} AS quantity, CAST(NULL AS TEXT) AS what, \
                         a.deadline AS deadline, {null_time} AS until FROM assignments a \
                         JOIN items i ON i.id = a.item_id \
                         LEFT JOIN hop_facts f ON f.assignment_id = a.id \
                         WHERE a.dispatched_at < $2 AND a.deadline < $3 \
                         AND a.state <> 'withdrawn' \
                         AND (f.completed_at IS NULL OR f.completed_at >= $2) AND {r}"
                    )
                }
                FactSource::Help => {
                    let r = d.subtree("u.path", root);
                    let ev = event_at("h.assignment_id", "h.created_at", "'help.requested'");
                    format!(
                        "SELECT h.to_unit_id AS unit_id, h.item_id, h.assignment_id, \
                         CAST(NULL AS TEXT) AS role, i.priority, h.created_at AS at, \
                         {ev} AS seq, {null_int} AS quantity, CAST(NULL AS TEXT) AS what, \
                         {null_date} AS deadline, h.answered_at AS until \
                         FROM help_requests h JOIN units u ON u.id = h.to_unit_id \
                         JOIN items i ON i.id = h.item_id WHERE h.created_at < $2 \
                         AND (h.answered_at IS NULL OR h.answered_at >= $1) AND {r}"
                    )
                }
                FactSource::Findings => {
                    let r = d.subtree("f.unit_path", root);
                    format!(
                        "SELECT f.unit_id, f.item_id, f.assignment_id, \
                         CASE WHEN f.unit_id = a.unit_id THEN a.role END AS role, i.priority, \
                         f.found_at AS at, f.event_seq AS seq, {null_int} AS quantity, \
                         f.kind AS what, {null_date} AS deadline, {null_time} AS until \
                         FROM findings f JOIN assignments a ON a.id = f.assignment_id \
                         JOIN items i ON i.id = f.item_id \
                         WHERE f.found_at >= $1 AND f.found_at < $2 \
                         AND (f.resolved_at IS NULL OR f.resolved_at >= $2) AND {r}"
                    )
                }
                FactSource::Proposals => {
                    // A reply after its due date counts when it is given, a dissatisfied
                    // proposer when the office enters it; both against the replying unit, on
                    // the round's item (the reply's event names it).
                    let r = d.subtree("u.path", root);
                    let rated = "(SELECT e2.seq FROM events e2 WHERE e2.item_id = e.item_id \
                         AND e2.kind = 'proposal.rated' AND e2.at = r.rated_at \
                         ORDER BY e2.seq LIMIT 1)";
                    let base = "FROM proposal_replies r JOIN units u ON u.id = r.unit_id \
                         JOIN events e ON e.unit_id = r.unit_id AND e.kind = 'proposal.replied' \
                         AND e.at = r.created_at \
                         JOIN assignments a ON a.id = e.assignment_id \
                         JOIN items i ON i.id = e.item_id";
                    format!(
                        "SELECT r.unit_id, e.item_id, e.assignment_id, a.role, i.priority, \
                         r.created_at AS at, e.seq, {null_int} AS quantity, 'late' AS what, \
                         r.due AS deadline, {null_time} AS until {base} \
                         WHERE NOT r.on_time AND r.created_at >= $1 AND r.created_at < $2 \
                         AND {r} \
                         UNION ALL \
                         SELECT r.unit_id, e.item_id, e.assignment_id, a.role, i.priority, \
                         r.rated_at AS at, {rated} AS seq, {null_int} AS quantity, \
                         'dissatisfied' AS what, r.due AS deadline, {null_time} AS until \
                         {base} WHERE r.satisfaction = 'dissatisfied' AND r.rated_at >= $1 \
                         AND r.rated_at < $2 AND {r}"
                    )
                }
                FactSource::Bulletins => {
                    // Each unit a published bulletin praises or criticises, on no item.
                    let r = d.subtree("u.path", root);
                    format!(
                        "SELECT m.unit_id, CAST(0 AS BIGINT) AS item_id, \
                         {null_int} AS assignment_id, CAST(NULL AS TEXT) AS role, \
                         'normal' AS priority, b.published_at AS at, \
                         (SELECT e.seq FROM events e WHERE e.unit_id = b.scope_unit_id \
                          AND e.kind = 'bulletin.published' AND e.at = b.published_at \
                          ORDER BY e.seq LIMIT 1) AS seq, {null_int} AS quantity, \
                         m.kind AS what, {null_date} AS deadline, {null_time} AS until \
                         FROM bulletin_mentions m JOIN bulletins b ON b.id = m.bulletin_id \
                         JOIN units u ON u.id = m.unit_id WHERE b.state = 'published' \
                         AND b.published_at >= $1 AND b.published_at < $2 AND {r}"
                    )
                }
            }
        }

        /// Writes a rule set, a finalised period or an appeal; returns the new row's id.
        async fn insert_assessment(tx: &mut Tx, i: &Insert) -> StoreResult<i64> {
            match i {
                Insert::RuleSet(r) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO rule_sets (scope_unit_id, version, title, body, loaded_by, \
                     loaded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(r.scope_unit_id)
                .bind(&r.version)
                .bind(&r.title)
                .bind(&r.body)
                .bind(r.loaded_by)
                .bind(r.loaded_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                Insert::ScorePeriod(p) => {
                    let id = sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO score_periods (scope_unit_id, period, rules_version, \
                         digest, finalized_by, finalized_at) VALUES ($1, $2, $3, $4, $5, $6) \
                         RETURNING id",
                    )
                    .bind(p.scope_unit_id)
                    .bind(&p.period)
                    .bind(&p.rules_version)
                    .bind(&p.digest)
                    .bind(p.finalized_by)
                    .bind(p.finalized_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                    let totals: Vec<_> = p.units.iter().collect();
                    bulk(tx, "score_totals", "period_id, unit_id, base, total, flags", &totals, 500, |u, d| {
                        let v = [
                            d.arg(Arg::I64(id)),
                            d.arg(Arg::I64(u.0)),
                            d.arg(Arg::I64(u.1)),
                            d.arg(Arg::I64(u.2)),
                            d.arg(Arg::Text(u.3.clone())),
                        ];
                        format!("({})", v.join(", "))
                    })
                    .await?;
                    let lines: Vec<(i64, i64, &String)> = p
                        .units
                        .iter()
                        .flat_map(|u| (0_i64..).zip(&u.4).map(move |(n, l)| (u.0, n, l)))
                        .collect();
                    bulk(tx, "score_lines", "period_id, unit_id, position, line", &lines, 500, |l, d| {
                        let v = [
                            d.arg(Arg::I64(id)),
                            d.arg(Arg::I64(l.0)),
                            d.arg(Arg::I64(l.1)),
                            d.arg(Arg::Text(l.2.clone())),
                        ];
                        format!("({})", v.join(", "))
                    })
                    .await?;
                    Ok(id)
                }
                Insert::Appeal(a) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO score_appeals (scope_unit_id, period, unit_id, line_key, \
                     reason, evidence, state, created_by, created_at) VALUES ($1, $2, $3, $4, \
                     $5, $6, 'pending', $7, $8) RETURNING id",
                )
                .bind(a.scope_unit_id)
                .bind(&a.period)
                .bind(a.unit_id)
                .bind(&a.line_key)
                .bind(&a.reason)
                .bind(Json(&a.evidence).text())
                .bind(a.created_by)
                .bind(a.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                _ => Err(StoreError::Other("not an assessment row".into())),
            }
        }

        /// Records an appeal's decision, checked against the version it was read at.
        async fn update_appeal(tx: &mut Tx, a: &AppealRow) -> StoreResult<u64> {
            Ok(sqlx::query::<$db>(
                "UPDATE score_appeals SET state = $2, decided_by = $3, decided_at = $4, \
                 comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
            )
            .bind(a.id)
            .bind(&a.state)
            .bind(a.decided_by)
            .bind(a.decided_at)
            .bind(&a.comment)
            .bind(a.version)
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected())
        }

        #[async_trait]
        impl AssessmentStore for $store {
            async fn facts(
                &self,
                q: &FactQuery,
                source: FactSource,
            ) -> StoreResult<Vec<FactRow>> {
                let mut d = Dynamic::default();
                d.arg(Arg::Time(q.from));
                d.arg(Arg::Time(q.to));
                d.arg(Arg::Date(q.last_day));
                let within = d.subtree("s.unit_path", &q.root);
                d.sql = read_sql(source, &within);
                if <$db as sqlx::Database>::NAME == "SQLite" {
                    // A value that does not read back as the typed row would, or a text too
                    // large for SQLite to build: the typed query.
                    match fetch_packed(self, d.clone(), &PACKED_FACT_COLS).await {
                        Ok(None) => return Ok(Vec::new()),
                        Ok(Some((text, n))) => match unpack_facts(&text, n) {
                            Some(rows) => return Ok(rows),
                            None => {
                                PACKED_FALLBACKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                        },
                        Err(_) => {
                            PACKED_FALLBACKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
                fetch_all(self, d).await
            }

            async fn facts_from_rows(
                &self,
                q: &FactQuery,
                source: FactSource,
            ) -> StoreResult<Vec<FactRow>> {
                let mut d = Dynamic::default();
                d.arg(Arg::Time(q.from));
                d.arg(Arg::Time(q.to));
                d.arg(Arg::Date(q.last_day));
                let body = fact_sql(source, &mut d, &q.root);
                d.sql = format!("SELECT {FACT_COLS} FROM ({body}) x");
                fetch_all(self, d).await
            }

            async fn score_facts_stale(&self) -> StoreResult<Vec<String>> {
                let mut out = Vec::new();
                let text = |col: &str| format!("COALESCE(CAST({col} AS TEXT), '-')");
                let line = SCORE_FACT_COLS
                    .split(',')
                    .map(|c| text(c.trim()))
                    .collect::<Vec<_>>()
                    .join(" || ' ' || ");
                for source in FactSource::ALL {
                    let derived = derive_sql(source, None);
                    let kept = format!(
                        "SELECT {SCORE_FACT_COLS} FROM score_facts WHERE source = '{}'",
                        source.as_str()
                    );
                    for (label, a, b) in [("kept only", "k", "d"), ("derived only", "d", "k")] {
                        let rows = sqlx::query_scalar::<$db, String>(sql(format!(
                            "WITH d ({SCORE_FACT_COLS}) AS ({derived}), k AS ({kept}) \
                             SELECT '{label}: ' || {line} FROM (SELECT * FROM {a} \
                             EXCEPT SELECT * FROM {b}) x ORDER BY 1"
                        )))
                        .fetch_all(self.reader())
                        .await
                        .map_err(err)?;
                        out.extend(rows);
                    }
                    // A row kept twice shows in neither difference: count them too.
                    let counts = sqlx::query_as::<$db, (i64, i64)>(sql(format!(
                        "SELECT (SELECT COUNT(*) FROM ({kept}) a), (SELECT COUNT(*) FROM ({derived}) b)"
                    )))
                    .fetch_one(self.reader())
                    .await
                    .map_err(err)?;
                    if counts.0 != counts.1 {
                        out.push(format!(
                            "{}: {} rows kept, {} derived",
                            source.as_str(),
                            counts.0,
                            counts.1
                        ));
                    }
                }
                Ok(out)
            }

            async fn rule_sets(&self, scope_unit_id: i64) -> StoreResult<Vec<RuleSetRow>> {
                sqlx::query_as::<$db, RuleSetRow>(
                    "SELECT id, scope_unit_id, version, title, body, loaded_by, loaded_at \
                     FROM rule_sets WHERE scope_unit_id = $1 ORDER BY id DESC",
                )
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn score_period(
                &self,
                scope_unit_id: i64,
                period: &str,
            ) -> StoreResult<Option<ScorePeriodRow>> {
                sqlx::query_as::<$db, ScorePeriodRow>(
                    "SELECT id, scope_unit_id, period, rules_version, digest, finalized_by, \
                     finalized_at FROM score_periods WHERE scope_unit_id = $1 AND period = $2",
                )
                .bind(scope_unit_id)
                .bind(period)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn score_periods(&self, scope_unit_id: i64) -> StoreResult<Vec<ScorePeriodRow>> {
                sqlx::query_as::<$db, ScorePeriodRow>(
                    "SELECT id, scope_unit_id, period, rules_version, digest, finalized_by, \
                     finalized_at FROM score_periods WHERE scope_unit_id = $1 ORDER BY period",
                )
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn score_totals(&self, period_id: i64) -> StoreResult<Vec<ScoreTotalRow>> {
                sqlx::query_as::<$db, ScoreTotalRow>(
                    "SELECT unit_id, base, total, flags FROM score_totals WHERE period_id = $1 \
                     ORDER BY unit_id",
                )
                .bind(period_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn score_lines(
                &self,
                period_id: i64,
                unit_id: Option<i64>,
            ) -> StoreResult<Vec<ScoreLineRow>> {
                sqlx::query_as::<$db, ScoreLineRow>(
                    "SELECT unit_id, position, line FROM score_lines WHERE period_id = $1 \
                     AND ($2 IS NULL OR unit_id = $2) ORDER BY unit_id, position",
                )
                .bind(period_id)
                .bind(unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn appeals(
                &self,
                scope_unit_id: i64,
                period: Option<&str>,
                pending_only: bool,
            ) -> StoreResult<Vec<AppealRow>> {
                sqlx::query_as::<$db, AppealRow>(sql(format!(
                    "SELECT {APPEAL_COLS} FROM score_appeals WHERE scope_unit_id = $1 \
                     AND ($2 IS NULL OR period = $2) AND ($3 = 0 OR state = 'pending') \
                     ORDER BY id"
                )))
                .bind(scope_unit_id)
                .bind(period)
                .bind(i64::from(pending_only))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn appeal(&self, id: i64) -> StoreResult<Option<AppealRow>> {
                by_id(self, APPEAL_COLS, "score_appeals", id).await
            }

            async fn cadre_rows(
                &self,
                root: &UnitPath,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<CadreRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("a.unit_path", root);
                let from = d.arg(Arg::Time(from));
                let to = d.arg(Arg::Time(to));
                let own = own_lost("a.id", "a.unit_id");
                d.sql = format!(
                    "SELECT a.responsible_user_id AS user_id, a.id AS assignment_id, a.item_id, \
                     a.unit_id, a.state, a.deadline, a.dispatched_at, f.completed_at, \
                     f.late_days, {own} AS own_late_days FROM assignments a \
                     LEFT JOIN hop_facts f ON f.assignment_id = a.id \
                     WHERE a.responsible_user_id IS NOT NULL AND {r} \
                     AND a.dispatched_at < {to} \
                     AND (f.completed_at IS NULL OR f.completed_at >= {from}) \
                     AND a.state <> 'withdrawn' ORDER BY a.responsible_user_id, a.id"
                );
                fetch_all(self, d).await
            }

            async fn cadre_mentions(
                &self,
                root: &UnitPath,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<CadreMentionRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("u.path", root);
                let from = d.arg(Arg::Time(from));
                let to = d.arg(Arg::Time(to));
                d.sql = format!(
                    "SELECT b.id AS bulletin_id, b.title, b.published_at, m.unit_id, m.kind \
                     FROM bulletin_mentions m JOIN bulletins b ON b.id = m.bulletin_id \
                     JOIN units u ON u.id = m.unit_id WHERE b.state = 'published' \
                     AND b.published_at >= {from} AND b.published_at < {to} AND {r} \
                     ORDER BY b.published_at, b.id, m.unit_id"
                );
                fetch_all(self, d).await
            }
        }
    };
}
