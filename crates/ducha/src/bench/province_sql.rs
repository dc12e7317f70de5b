//! Writes the province to the real schema: rows as the use cases write them, and the event log
//! in time order with the payloads the use cases record and a valid hash chain. SQLite gets
//! large multi-row INSERTs, PostgreSQL `COPY`; the events' secondary indexes are built after
//! the load, as a restore would.

use super::province_city::{Ev, Kind, Province};
use super::sweep_city::china;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::chain::{EventRecord, GENESIS, HashAlgo};
use ducha_domain::item::Target;
use serde_json::json;

/// A column value.
#[derive(Debug, Clone)]
pub enum V {
    /// An integer.
    I(Option<i64>),
    /// Text.
    S(Option<String>),
    /// An instant.
    T(Option<DateTime<Utc>>),
    /// A date.
    D(Option<NaiveDate>),
    /// A flag.
    B(bool),
}

fn i(v: i64) -> V {
    V::I(Some(v))
}
fn s(v: impl Into<String>) -> V {
    V::S(Some(v.into()))
}
fn t(v: DateTime<Utc>) -> V {
    V::T(Some(v))
}

/// Where rows go.
pub enum Sink {
    /// SQLite.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

/// Rows per SQLite statement are bounded by its 32,766 parameters.
const SQLITE_PARAMS: usize = 32_000;
/// Rows per transaction or COPY.
const BATCH: usize = 100_000;

impl Sink {
    /// Writes `rows` into `table (cols)`.
    pub async fn write(&self, table: &str, cols: &[&str], rows: Vec<Vec<V>>) -> anyhow::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Sqlite(pool) => {
                let per = (SQLITE_PARAMS / cols.len()).max(1);
                let head = format!("INSERT INTO {table} ({}) ", cols.join(", "));
                let mut tx = pool.begin().await?;
                for part in rows.chunks(per) {
                    let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(head.as_str());
                    q.push_values(part, |mut b, r| {
                        for v in r {
                            match v.clone() {
                                V::I(x) => b.push_bind(x),
                                V::S(x) => b.push_bind(x),
                                V::T(x) => b.push_bind(x),
                                V::D(x) => b.push_bind(x),
                                V::B(x) => b.push_bind(x),
                            };
                        }
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Sink::Postgres(pool) => {
                use sqlx::postgres::PgPoolCopyExt;
                let stmt = format!("COPY {table} ({}) FROM STDIN", cols.join(", "));
                let mut copy = pool.copy_in_raw(&stmt).await?;
                let mut buf = String::with_capacity(1 << 20);
                for r in &rows {
                    for (k, v) in r.iter().enumerate() {
                        if k > 0 {
                            buf.push('\t');
                        }
                        copy_value(&mut buf, v);
                    }
                    buf.push('\n');
                    if buf.len() > (1 << 20) {
                        copy.send(buf.as_bytes()).await?;
                        buf.clear();
                    }
                }
                copy.send(buf.as_bytes()).await?;
                copy.finish().await?;
            }
        }
        Ok(())
    }

    /// Writes rows made by `row`, `BATCH` at a time.
    pub async fn write_all<T>(
        &self,
        table: &str,
        cols: &[&str],
        all: &[T],
        row: impl Fn(usize, &T) -> Vec<V>,
    ) -> anyhow::Result<()> {
        let mut k = 0;
        for chunk in all.chunks(BATCH) {
            let rows = chunk
                .iter()
                .map(|x| {
                    k += 1;
                    row(k - 1, x)
                })
                .collect();
            self.write(table, cols, rows).await?;
        }
        Ok(())
    }

    pub async fn exec(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Sink::Sqlite(p) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(p)
                    .await?;
            }
            Sink::Postgres(p) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(p)
                    .await?;
            }
        }
        Ok(())
    }
}

/// A value in `COPY`'s text format.
fn copy_value(buf: &mut String, v: &V) {
    use std::fmt::Write;
    match v {
        V::I(Some(x)) => {
            let _ = write!(buf, "{x}");
        }
        V::S(Some(x)) => {
            for c in x.chars() {
                match c {
                    '\\' => buf.push_str("\\\\"),
                    '\t' => buf.push_str("\\t"),
                    '\n' => buf.push_str("\\n"),
                    '\r' => buf.push_str("\\r"),
                    c => buf.push(c),
                }
            }
        }
        V::T(Some(x)) => {
            let _ = write!(buf, "{}", x.format("%Y-%m-%d %H:%M:%S%.6f+00"));
        }
        V::D(Some(x)) => {
            let _ = write!(buf, "{x}");
        }
        V::B(x) => buf.push(if *x { 't' } else { 'f' }),
        V::I(None) | V::S(None) | V::T(None) | V::D(None) => buf.push_str("\\N"),
    }
}

fn targets(value: f64) -> String {
    serde_json::to_string(&[Target {
        name: "完成数".into(),
        unit: "项".into(),
        value,
    }])
    .unwrap_or_else(|_| "[]".into())
}

/// The events' secondary indexes, as the migrations make them.
const EVENT_INDEXES: [(&str, &str); 4] = [
    ("events_item", "events (item_id, seq)"),
    ("events_assignment", "events (assignment_id, seq)"),
    ("events_unit", "events (unit_id, seq)"),
    (
        "events_assignment_at",
        "events (assignment_id, at, kind, seq)",
    ),
];

/// Writes the whole province; returns the events written.
pub async fn load(sink: &Sink, p: &Province, hash: &str, algo: HashAlgo) -> anyhow::Result<u64> {
    sink.write_all(
        "units",
        &[
            "id",
            "parent_id",
            "name",
            "kind",
            "path",
            "jurisdiction_path",
            "sort",
        ],
        &p.units,
        |_, u| {
            vec![
                i(u.id),
                V::I(u.parent_id),
                s(&u.name),
                s(u.kind),
                s(&u.path),
                s(&u.jurisdiction_path),
                i(0),
            ]
        },
    )
    .await?;
    sink.write_all(
        "users",
        &[
            "id",
            "username",
            "display_name",
            "unit_id",
            "roles",
            "password_hash",
            "phone",
            "email",
        ],
        &p.users,
        |_, u| {
            vec![
                i(u.id),
                s(&u.username),
                s(&u.username),
                i(u.unit_id),
                s(u.roles),
                s(hash),
                s(""),
                s(""),
            ]
        },
    )
    .await?;
    let root_path = p.units[0].path.clone();
    let office = p.units[p.office as usize].id;
    sink.write_all(
        "items",
        &[
            "id",
            "number",
            "title",
            "description",
            "source",
            "category",
            "priority",
            "targets",
            "deadline",
            "cadence",
            "leader_id",
            "public",
            "state",
            "scope_unit_id",
            "scope_path",
            "owner_unit_id",
            "created_by",
            "created_at",
            "dispatched_at",
            "closed_at",
        ],
        &p.items,
        |_, it| {
            vec![
                i(it.id),
                s(&it.number),
                s(&it.title),
                s(""),
                s(it.source.as_str()),
                s(it.category.as_str()),
                s(it.priority.as_str()),
                s(targets(100.0)),
                V::D(Some(it.deadline)),
                s("{\"kind\":\"none\"}"),
                V::I(None),
                V::B(false),
                s(if it.closed_at.is_some() {
                    "closed"
                } else {
                    "dispatched"
                }),
                i(1),
                s(&root_path),
                i(office),
                i(p.supervisor),
                t(it.created_at),
                t(it.dispatched_at),
                V::T(it.closed_at),
            ]
        },
    )
    .await?;
    sink.write_all(
        "assignments",
        &[
            "id",
            "item_id",
            "parent_id",
            "unit_id",
            "unit_path",
            "role",
            "responsible_user_id",
            "deadline",
            "original_deadline",
            "targets",
            "instructions",
            "state",
            "dispatched_at",
            "dispatched_by",
            "signed_at",
            "completed_at",
            "returned_count",
            "progress",
            "last_report_at",
            "returned_open",
        ],
        &p.assignments,
        |_, a| {
            let u = &p.units[a.unit as usize];
            let by = p.reviewer(a).0;
            vec![
                i(a.id),
                i(a.item as i64 + 1),
                V::I(a.parent.map(|x| x as i64 + 1)),
                i(u.id),
                s(&u.path),
                s(if a.lead { "lead" } else { "co" }),
                V::I(a.signed_at.map(|_| p.staff[a.unit as usize].1)),
                V::D(Some(a.deadline)),
                V::D(Some(a.deadline)),
                s(targets(a.target)),
                s(""),
                s(a.state.as_str()),
                t(a.dispatched_at),
                i(by),
                V::T(a.signed_at),
                V::T(a.completed_at),
                i(a.returned_count),
                V::I(a.progress),
                V::T(a.last_report_at),
                V::B(a.returned_open),
            ]
        },
    )
    .await?;
    sink.write_all(
        "reports",
        &[
            "id",
            "assignment_id",
            "item_id",
            "author_id",
            "kind",
            "text",
            "percent",
            "metrics",
            "problems",
            "state",
            "submitted_at",
            "reviewer_id",
            "reviewed_at",
            "review_comment",
        ],
        &p.reports,
        |k, r| {
            let a = &p.assignments[r.assignment as usize];
            let (state, comment) = match r.review {
                None => ("pending", ""),
                Some((true, _)) => ("accepted", ""),
                Some((false, _)) => ("returned", "进展不实，请补充佐证材料"),
            };
            vec![
                i(k as i64 + 1),
                i(a.id),
                i(a.item as i64 + 1),
                i(p.staff[a.unit as usize].1),
                s(if r.completion {
                    "completion"
                } else {
                    "progress"
                }),
                s("已按计划推进，完成阶段性任务。"),
                V::I(r.percent),
                s(metrics(a.target, r.completion).to_string()),
                s(""),
                s(state),
                t(r.submitted_at),
                V::I(r.review.map(|_| p.reviewer(a).0)),
                V::T(r.review.map(|x| x.1)),
                s(comment),
            ]
        },
    )
    .await?;
    sink.write_all(
        "help_requests",
        &[
            "id",
            "assignment_id",
            "item_id",
            "from_unit_id",
            "to_unit_id",
            "text",
            "created_by",
            "created_at",
            "answer",
            "answered_by",
            "answered_at",
        ],
        &p.helps,
        |k, h| {
            let a = &p.assignments[h.assignment as usize];
            let answerer = p
                .units
                .iter()
                .position(|u| u.id == h.to_unit)
                .map_or(p.supervisor, |x| p.staff[x].1);
            vec![
                i(k as i64 + 1),
                i(a.id),
                i(a.item as i64 + 1),
                i(p.units[a.unit as usize].id),
                i(h.to_unit),
                s("用地指标需上级协调"),
                i(p.staff[a.unit as usize].1),
                t(h.created_at),
                V::S(h.answered_at.map(|_| "已协调解决".to_string())),
                V::I(h.answered_at.map(|_| answerer)),
                V::T(h.answered_at),
            ]
        },
    )
    .await?;
    sink.write_all(
        "notices",
        &[
            "id",
            "number",
            "item_id",
            "assignment_id",
            "unit_id",
            "unit_path",
            "level",
            "cause",
            "requirement",
            "issued_on",
            "deadline",
            "state",
            "issued_at",
            "previous_id",
            "resolved_on",
        ],
        &p.notices,
        |k, n| {
            let a = &p.assignments[n.assignment as usize];
            let u = &p.units[a.unit as usize];
            let year = chrono::Datelike::year(&n.issued_on);
            vec![
                i(k as i64 + 1),
                s(ducha_domain::item::format_number(
                    "督催",
                    year,
                    k as i64 + 1,
                )),
                i(a.item as i64 + 1),
                i(a.id),
                i(u.id),
                s(&u.path),
                s(n.level),
                s("overdue"),
                s("请于期限内办结并反馈"),
                V::D(Some(n.issued_on)),
                V::D(Some(n.deadline)),
                s(n.state),
                t(n.issued_at),
                V::I(n.previous.map(|x| x as i64 + 1)),
                V::D(n.resolved_on),
            ]
        },
    )
    .await?;
    let summonses: Vec<(usize, &super::province_city::Notice)> = p
        .notices
        .iter()
        .enumerate()
        .filter(|(_, n)| n.summons)
        .collect();
    sink.write_all(
        "summons",
        &["id", "unit_id", "notice_id", "reds", "created_at"],
        &summonses,
        |k, (n, notice)| {
            let a = &p.assignments[notice.assignment as usize];
            vec![
                i(k as i64 + 1),
                i(p.units[a.unit as usize].id),
                i(*n as i64 + 1),
                i(3),
                t(notice.issued_at),
            ]
        },
    )
    .await?;
    // The event log, without its secondary indexes while it loads.
    for (name, _) in EVENT_INDEXES {
        sink.exec(&format!("DROP INDEX {name}")).await?;
    }
    let mut prev = (0_i64, GENESIS.to_string());
    let cols = [
        "seq",
        "at",
        "actor_user",
        "actor_unit",
        "kind",
        "item_id",
        "assignment_id",
        "unit_id",
        "payload",
        "prev_hash",
        "hash",
    ];
    for chunk in p.events.chunks(BATCH) {
        let mut rows = Vec::with_capacity(chunk.len());
        for e in chunk {
            let mut rec = record(p, e);
            rec.seq = prev.0 + 1;
            rec.prev_hash = std::mem::take(&mut prev.1);
            rec.hash = rec.compute_hash(algo);
            prev = (rec.seq, rec.hash.clone());
            rows.push(vec![
                i(rec.seq),
                t(rec.at),
                V::I(rec.actor_user),
                V::I(rec.actor_unit),
                V::S(Some(rec.kind)),
                V::I(rec.item_id),
                V::I(rec.assignment_id),
                V::I(rec.unit_id),
                V::S(Some(rec.payload)),
                V::S(Some(rec.prev_hash)),
                V::S(Some(rec.hash)),
            ]);
        }
        sink.write("events", &cols, rows).await?;
    }
    for (name, on) in EVENT_INDEXES {
        sink.exec(&format!("CREATE INDEX {name} ON {on}")).await?;
    }
    // The chain's head moves to the last event, as each commit moves it.
    let head = format!(
        "UPDATE event_chain SET seq = {}, hash = '{}' WHERE id = 1",
        prev.0, prev.1
    );
    sink.exec(&head).await?;
    // The number counters, past the numbers taken.
    let mut years: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
    for it in &p.items {
        let y = chrono::Datelike::year(&it.created_at);
        *years.entry(y).or_default() += 1;
    }
    let rows: Vec<Vec<V>> = years
        .into_iter()
        .map(|(y, n)| vec![i(1), i(i64::from(y)), i(n)])
        .collect();
    sink.write(
        "item_counters",
        &["scope_unit_id", "year", "last_seq"],
        rows,
    )
    .await?;
    // PostgreSQL's id sequences move past the ids written, as inserts would have moved them.
    if matches!(sink, Sink::Postgres(_)) {
        for table in [
            "units",
            "users",
            "items",
            "assignments",
            "reports",
            "help_requests",
            "notices",
            "summons",
        ] {
            sink.exec(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    Ok(prev.0 as u64)
}

fn metrics(target: f64, completion: bool) -> serde_json::Value {
    if completion {
        json!([{ "name": "完成数", "value": target }])
    } else {
        json!([])
    }
}

/// One event as the use case that recorded it would have: actor, subject and payload (with
/// the ids the store adds of the rows it created). `seq` and the hashes are set by the caller.
fn record(p: &Province, e: &Ev) -> EventRecord {
    let at = DateTime::from_timestamp(e.at, 0).unwrap_or_default();
    let office = p.units[p.office as usize].id;
    let k = e.subject as usize;
    let (kind, actor, item_id, assignment_id, unit_id, payload) = match e.kind {
        Kind::ItemCreated | Kind::ItemDispatched | Kind::ItemClosed => {
            let it = &p.items[k];
            let (kind, payload) = match e.kind {
                Kind::ItemCreated => (
                    "item.created",
                    json!({ "title": it.title, "source": it.source, "category": it.category,
                        "deadline": it.deadline, "targets": [{ "name": "完成数", "unit": "项", "value": 100.0 }],
                        "ids": [it.id] }),
                ),
                Kind::ItemDispatched => {
                    let (a, b) = (it.first.0 as usize, it.first.1 as usize);
                    let list = &p.assignments[a..b];
                    (
                        "item.dispatched",
                        json!({
                            "assignments": list.iter().map(|x| json!({
                                "unit_id": p.units[x.unit as usize].id,
                                "role": if x.lead { "lead" } else { "co" },
                                "deadline": x.deadline,
                                "targets": [{ "name": "完成数", "unit": "项", "value": x.target }],
                            })).collect::<Vec<_>>(),
                            "deadline": it.deadline,
                            "ids": list.iter().map(|x| x.id).collect::<Vec<_>>(),
                        }),
                    )
                }
                _ => {
                    let on_time = it.closed_at.is_some_and(|c| china(c) <= it.deadline);
                    (
                        "item.closed",
                        json!({ "comment": "", "on_time": on_time,
                            "year": chrono::Datelike::year(&at) }),
                    )
                }
            };
            (
                kind,
                (p.supervisor, office),
                Some(it.id),
                None,
                None,
                payload,
            )
        }
        _ => {
            let a = &p.assignments[k];
            let own = (p.staff[a.unit as usize].1, p.units[a.unit as usize].id);
            let unit = p.units[a.unit as usize].id;
            let aux = e.aux as usize;
            let (kind, actor, payload) = match e.kind {
                Kind::Signed => (
                    "assignment.signed",
                    own,
                    json!({ "responsible_user_id": own.0,
                        "dwell_seconds": (at - a.dispatched_at).num_seconds(),
                        "parent_id": a.parent.map(|x| x as i64 + 1) }),
                ),
                Kind::Decomposed => {
                    let kids = &p.assignments[a.kids.0 as usize..a.kids.1 as usize];
                    (
                        "assignment.decomposed",
                        own,
                        json!({
                            "parent_deadline": a.deadline,
                            "parent_targets": [{ "name": "完成数", "unit": "项", "value": a.target }],
                            "parent_instructions": "",
                            "children": kids.iter().map(|c| json!({
                                "unit_id": p.units[c.unit as usize].id,
                                "role": if c.lead { "lead" } else { "co" },
                                "deadline": c.deadline,
                                "targets": [{ "name": "完成数", "unit": "项", "value": c.target }],
                                "instructions": "",
                            })).collect::<Vec<_>>(),
                            "ids": kids.iter().map(|c| c.id).collect::<Vec<_>>(),
                        }),
                    )
                }
                Kind::Submitted => {
                    let r = &p.reports[aux];
                    (
                        "report.submitted",
                        own,
                        json!({ "kind": if r.completion { "completion" } else { "progress" },
                            "percent": r.percent, "metrics": metrics(a.target, r.completion),
                            "has_problems": false, "chars": 15, "ids": [aux as i64 + 1] }),
                    )
                }
                Kind::Accepted | Kind::Returned => {
                    let r = &p.reports[aux];
                    let accepted = e.kind == Kind::Accepted;
                    (
                        if accepted {
                            "report.accepted"
                        } else {
                            "report.returned"
                        },
                        p.reviewer(a),
                        json!({ "report_id": aux as i64 + 1,
                            "report_kind": if r.completion { "completion" } else { "progress" },
                            "comment": if accepted { "" } else { "进展不实，请补充佐证材料" },
                            "deadline": a.deadline }),
                    )
                }
                Kind::HelpRequested => {
                    let h = &p.helps[aux];
                    (
                        "help.requested",
                        own,
                        json!({ "to_unit_id": h.to_unit, "text": "用地指标需上级协调",
                            "ids": [aux as i64 + 1] }),
                    )
                }
                Kind::HelpAnswered => {
                    let h = &p.helps[aux];
                    let answerer = p.reviewer(a);
                    (
                        "help.answered",
                        answerer,
                        json!({ "help_id": aux as i64 + 1, "answer": "已协调解决",
                            "waited_seconds": (at - h.created_at).num_seconds() }),
                    )
                }
                _ => {
                    let n = &p.notices[aux];
                    let kind = if n.previous.is_some() {
                        "notice.escalated"
                    } else {
                        "notice.issued"
                    };
                    let record = EventRecord {
                        seq: 0,
                        at,
                        actor_user: None,
                        actor_unit: None,
                        kind: kind.into(),
                        item_id: Some(a.item as i64 + 1),
                        assignment_id: Some(a.id),
                        unit_id: Some(unit),
                        payload: json!({ "level": n.level, "cause": "overdue",
                            "deadline": n.deadline, "by_rules": true, "summons": n.summons,
                            "reds": i64::from(n.level == "red"), "ids": [aux as i64 + 1] })
                        .to_string(),
                        prev_hash: String::new(),
                        hash: String::new(),
                    };
                    return record;
                }
            };
            (
                kind,
                actor,
                Some(a.item as i64 + 1),
                Some(a.id),
                Some(unit),
                payload,
            )
        }
    };
    EventRecord {
        seq: 0,
        at,
        actor_user: Some(actor.0),
        actor_unit: Some(actor.1),
        kind: kind.into(),
        item_id,
        assignment_id,
        unit_id,
        payload: payload.to_string(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}
