//! Writes the sweep benchmark's city to the real schema with large multi-row inserts, and the
//! day's work between two sweeps, on either backend (the same code expanded per driver).

use super::sweep_city::{Assignment, SweepCity};
use ducha_domain::i18n::{Lang, t};
use ducha_domain::item::Target;
use sqlx::QueryBuilder;

/// Rows per statement, under SQLite's 32,766 bound parameters at 19 columns.
const ROWS: usize = 1_500;
/// Rows per transaction.
const COMMIT: usize = 60_000;

/// One open assignment's row after the day's work: `(id, state, progress, last report, light,
/// reason)`.
pub type Worked = (
    i64,
    &'static str,
    Option<i64>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<i64>,
    Option<String>,
);

fn targets() -> String {
    serde_json::to_string(&[Target {
        name: "完成数".into(),
        unit: "项".into(),
        value: 100.0,
    }])
    .unwrap_or_else(|_| "[]".into())
}

/// Who dispatched an assignment: the supervisor, or the liaison of the unit that handed it on.
fn dispatcher(city: &SweepCity, a: &Assignment) -> i64 {
    match (a.parent_id, city.units[a.unit].parent_id) {
        (Some(_), Some(parent)) => city.staff[(parent - 1) as usize].1,
        _ => city.supervisor,
    }
}

macro_rules! loader {
    ($name:ident, $db:ty) => {
        /// The loader for one driver.
        pub mod $name {
            use super::*;
            use sqlx::query_builder::Separated;

            type Pool = sqlx::Pool<$db>;

            async fn insert<T>(
                pool: &Pool,
                head: &str,
                rows: &[T],
                push: impl Fn(&mut Separated<'_, $db, &'static str>, &T),
            ) -> anyhow::Result<()> {
                for chunk in rows.chunks(COMMIT) {
                    let mut tx = pool.begin().await?;
                    for part in chunk.chunks(ROWS) {
                        let mut q = QueryBuilder::<$db>::new(head);
                        q.push_values(part, |mut b, r| push(&mut b, r));
                        q.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                }
                Ok(())
            }

            /// Inserts the whole city.
            pub async fn load(pool: &Pool, city: &SweepCity, password_hash: &str) -> anyhow::Result<()> {
                insert(
                    pool,
                    "INSERT INTO units (id, parent_id, name, kind, path, jurisdiction_path, sort) ",
                    &city.units,
                    |b, u| {
                        b.push_bind(u.id).push_bind(u.parent_id).push_bind(&u.name).push_bind(u.kind)
                            .push_bind(&u.path).push_bind(&u.jurisdiction_path).push_bind(0_i64);
                    },
                )
                .await?;
                insert(
                    pool,
                    "INSERT INTO users (id, username, display_name, unit_id, roles, password_hash, \
                     phone, email) ",
                    &city.users,
                    |b, u| {
                        b.push_bind(u.id).push_bind(&u.username).push_bind(&u.username)
                            .push_bind(u.unit_id).push_bind(u.roles).push_bind(password_hash)
                            .push_bind("").push_bind("");
                    },
                )
                .await?;
                let targets = targets();
                let city_path = city.units[0].path.as_str();
                insert(
                    pool,
                    "INSERT INTO items (id, number, title, description, source, category, priority, \
                     targets, deadline, cadence, leader_id, public, state, scope_unit_id, scope_path, \
                     owner_unit_id, created_by, created_at, dispatched_at) ",
                    &city.items,
                    |b, i| {
                        let leader = (i.source == ducha_domain::item::Source::Instruction).then_some(2_i64);
                        let cadence = serde_json::to_string(&i.cadence).unwrap_or_default();
                        b.push_bind(i.id).push_bind(&i.number).push_bind(&i.title).push_bind("")
                            .push_bind(i.source.as_str()).push_bind(i.category.as_str())
                            .push_bind(i.priority.as_str()).push_bind(&targets).push_bind(i.deadline)
                            .push_bind(cadence).push_bind(leader).push_bind(i.public)
                            .push_bind("dispatched").push_bind(1_i64).push_bind(city_path)
                            .push_bind(2_i64).push_bind(city.supervisor).push_bind(i.created_at)
                            .push_bind(i.dispatched_at);
                    },
                )
                .await?;
                insert(
                    pool,
                    "INSERT INTO assignments (id, item_id, parent_id, unit_id, unit_path, role, \
                     responsible_user_id, deadline, original_deadline, targets, instructions, state, \
                     dispatched_at, dispatched_by, signed_at, returned_count, progress, \
                     last_report_at, returned_open) ",
                    &city.assignments,
                    |b, a| {
                        let unit = &city.units[a.unit];
                        b.push_bind(a.id).push_bind(city.items[a.item].id).push_bind(a.parent_id)
                            .push_bind(unit.id).push_bind(&unit.path)
                            .push_bind(if a.lead { "lead" } else { "co" })
                            .push_bind(a.responsible_user_id).push_bind(a.deadline)
                            .push_bind(a.deadline).push_bind(&targets).push_bind("")
                            .push_bind(a.state.as_str()).push_bind(a.dispatched_at)
                            .push_bind(dispatcher(city, a)).push_bind(a.signed_at)
                            .push_bind(a.returned_count).push_bind(a.progress)
                            .push_bind(a.last_report_at).push_bind(a.returned_open);
                    },
                )
                .await?;
                insert(
                    pool,
                    "INSERT INTO notices (id, number, item_id, assignment_id, unit_id, unit_path, \
                     level, cause, requirement, issued_on, deadline, state, issued_at, previous_id, \
                     acknowledged_by, acknowledged_at, resolved_on) ",
                    &city.notices,
                    |b, n| {
                        let a = &city.assignments[n.assignment];
                        let unit = &city.units[a.unit];
                        let requirement = t(&format!("notice.require_{}", n.cause), Lang::ZhCn).to_string();
                        b.push_bind(n.id).push_bind(&n.number).push_bind(city.items[a.item].id)
                            .push_bind(a.id).push_bind(unit.id).push_bind(&unit.path)
                            .push_bind(n.level.as_str()).push_bind(n.cause.as_str())
                            .push_bind(requirement).push_bind(n.issued_on).push_bind(n.deadline)
                            .push_bind(n.state.as_str()).push_bind(n.issued_at)
                            .push_bind(n.previous_id).push_bind(n.acknowledged.map(|x| x.0))
                            .push_bind(n.acknowledged.map(|x| x.1)).push_bind(n.resolved_on);
                    },
                )
                .await?;
                insert(
                    pool,
                    "INSERT INTO summons (id, unit_id, notice_id, reds, created_at) ",
                    &city.summonses,
                    |b, s| {
                        b.push_bind(s.id).push_bind(s.unit_id).push_bind(s.notice_id)
                            .push_bind(s.reds).push_bind(s.created_at);
                    },
                )
                .await?;
                let extensions: Vec<_> = city.excuses.iter().filter(|e| e.to_unit.is_none()).collect();
                insert(
                    pool,
                    "INSERT INTO extensions (assignment_id, item_id, old_deadline, \
                     requested_deadline, reason, state, created_by, created_at) ",
                    &extensions,
                    |b, e| {
                        let a = &city.assignments[e.assignment];
                        b.push_bind(a.id).push_bind(city.items[a.item].id).push_bind(a.deadline)
                            .push_bind(a.deadline + chrono::Duration::days(30))
                            .push_bind("受汛期影响，工程需顺延").push_bind("pending")
                            .push_bind(e.created_by).push_bind(e.created_at);
                    },
                )
                .await?;
                let helps: Vec<_> = city.excuses.iter().filter(|e| e.to_unit.is_some()).collect();
                insert(
                    pool,
                    "INSERT INTO help_requests (assignment_id, item_id, from_unit_id, to_unit_id, \
                     text, created_by, created_at) ",
                    &helps,
                    |b, e| {
                        let a = &city.assignments[e.assignment];
                        b.push_bind(a.id).push_bind(city.items[a.item].id)
                            .push_bind(city.units[a.unit].id).push_bind(e.to_unit)
                            .push_bind("用地指标需上级协调").push_bind(e.created_by)
                            .push_bind(e.created_at);
                    },
                )
                .await?;
                insert(
                    pool,
                    "INSERT INTO counters (name, year, last_seq) ",
                    &city.counters,
                    |b, c| {
                        b.push_bind(&c.0).push_bind(c.1).push_bind(c.2);
                    },
                )
                .await?;
                Ok(())
            }

            /// The open notices: `(assignment, cause)`.
            pub async fn open_notices(pool: &Pool) -> anyhow::Result<Vec<(i64, String)>> {
                Ok(sqlx::query_as::<$db, (i64, String)>(
                    "SELECT assignment_id, cause FROM notices WHERE state = 'open' ORDER BY assignment_id",
                )
                .fetch_all(pool)
                .await?)
            }

            /// Open notices, and open assignments lit red for being overdue or yellow for a
            /// missed report: after a sweep, the two differ only by the excused ones.
            pub async fn consistency(pool: &Pool) -> anyhow::Result<(i64, i64)> {
                Ok(sqlx::query_as::<$db, (i64, i64)>(
                    "SELECT (SELECT COUNT(*) FROM notices WHERE state = 'open'), \
                     (SELECT COUNT(*) FROM assignments WHERE light_reason IN \
                     ('overdue', 'missed_report') AND state NOT IN ('done', 'withdrawn'))",
                )
                .fetch_one(pool)
                .await?)
            }

            /// Writes the day's reports and completion requests with their lights, as the
            /// commands would, and rolls up their items.
            pub async fn work(pool: &Pool, rows: &[Worked], items: &[i64]) -> anyhow::Result<()> {
                let mut tx = pool.begin().await?;
                for (id, state, progress, at, light, reason) in rows {
                    sqlx::query::<$db>(
                        "UPDATE assignments SET state = $2, progress = $3, last_report_at = $4, \
                         returned_open = $5, light = $6, light_reason = $7, version = version + 1 \
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(*state)
                    .bind(progress)
                    .bind(at)
                    .bind(false)
                    .bind(light)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                }
                for id in items {
                    sqlx::query::<$db>(
                        "UPDATE items SET light = (SELECT MAX(a.light) FROM assignments a \
                         WHERE a.item_id = items.id) WHERE id = $1",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

loader!(sqlite, sqlx::Sqlite);
loader!(postgres, sqlx::Postgres);

/// Moves PostgreSQL's id sequences past the inserted ids.
pub async fn pg_sequences(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    for table in [
        "units",
        "users",
        "items",
        "assignments",
        "notices",
        "summons",
        "extensions",
        "help_requests",
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
    }
    Ok(())
}
