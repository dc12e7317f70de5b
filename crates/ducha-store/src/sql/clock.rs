//! The clock's shared SQL: calendar, sweep reads and light writes, notices, the inbox, the
//! outbox and job leases.

/// Implements `ClockStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_clock {
    ($store:ty, $db:ty) => {
        const NOTICE_COLS: &str = "id, number, item_id, assignment_id, unit_id, unit_path, level, \
            cause, requirement, issued_on, deadline, state, issued_by, issued_at, previous_id, \
            acknowledged_by, acknowledged_at, resolved_on, version";
        const NOTIFICATION_COLS: &str = "id, user_id, kind, title, body, link, urgent, item_id, \
            notice_id, created_at, read_at";
        const OUTBOX_COLS: &str = "id, created_at, kind, channel, target, message, digest_key, \
            state, attempts, next_attempt_at, claimed_by, claim_until, last_error, sent_at";
        const JOB_COLS: &str = "name, next_run_at, lease_owner, lease_until, last_started_at, \
            last_finished_at, last_result, runs";
        /// Ids per statement in batched writes.
        const BATCH: usize = 500;

        #[async_trait]
        impl ClockStore for $store {
            async fn calendar_days(&self) -> StoreResult<Vec<CalendarDayRow>> {
                sqlx::query_as::<$db, CalendarDayRow>("SELECT day, kind, name FROM calendar_days ORDER BY day")
                    .fetch_all(self.reader())
                    .await
                    .map_err(err)
            }

            async fn sweep_rows(&self, after: i64, limit: i64) -> StoreResult<Vec<SweepRow>> {
                if <$db as sqlx::Database>::NAME == "SQLite"
                    && let Some(rows) = packed_sweep_rows(self, after, limit).await?
                {
                    return Ok(rows);
                }
                sqlx::query_as::<$db, SweepRow>(
                    "SELECT a.id, a.item_id, a.unit_id, a.state, a.deadline, a.dispatched_at, \
                     a.progress, a.last_report_at, a.returned_open, a.light, a.light_reason, \
                     i.cadence FROM assignments a JOIN items i ON i.id = a.item_id \
                     WHERE a.id > $1 AND a.state NOT IN ('done', 'withdrawn') \
                     ORDER BY a.id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn set_lights(&self, lights: &[LightSet]) -> StoreResult<u64> {
                let mut groups: std::collections::BTreeMap<(Option<i64>, Option<String>), Vec<i64>> =
                    std::collections::BTreeMap::new();
                for (id, rank, reason) in lights {
                    groups.entry((*rank, reason.clone())).or_default().push(*id);
                }
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                let mut changed = 0;
                for ((rank, reason), ids) in &groups {
                    for chunk in ids.chunks(BATCH) {
                        let mut d = Dynamic::default();
                        let r = d.arg(Arg::OptI64(*rank));
                        let why = d.arg(Arg::OptText(reason.clone()));
                        let list = d.list(chunk);
                        d.sql = format!(
                            "UPDATE assignments SET light = {r}, light_reason = {why} WHERE id IN {list} \
                             AND state NOT IN ('done', 'withdrawn')"
                        );
                        changed += execute(&mut *tx, d).await?;
                    }
                }
                tx.commit().await.map_err(err)?;
                Ok(changed)
            }

            async fn roll_up_item_lights(&self, item_ids: &[i64]) -> StoreResult<()> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                for chunk in item_ids.chunks(BATCH) {
                    let mut d = Dynamic::default();
                    let list = d.list(chunk);
                    d.sql = format!(
                        "UPDATE items SET light = (SELECT MAX(a.light) FROM assignments a \
                         WHERE a.item_id = items.id) WHERE id IN {list}"
                    );
                    execute(&mut *tx, d).await?;
                }
                tx.commit().await.map_err(err)?;
                Ok(())
            }

            async fn excused_assignments(&self) -> StoreResult<Vec<i64>> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT assignment_id FROM extensions WHERE state = 'pending' \
                     UNION SELECT assignment_id FROM refusals WHERE state = 'pending' \
                     UNION SELECT assignment_id FROM help_requests WHERE answered_at IS NULL",
                )
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn light_counts(&self, root: &UnitPath) -> StoreResult<Vec<(i64, i64, i64)>> {
                // Grouped in the order of the covering index `assignments_unit_light`, so the
                // counts stream off the index without a sort.
                let mut d = Dynamic::default();
                let r = d.subtree("unit_path", root);
                d.sql = format!(
                    "SELECT unit_id, light, COUNT(*) FROM assignments WHERE {r} \
                     AND light IS NOT NULL GROUP BY unit_path, unit_id, light"
                );
                fetch_all(self, d).await
            }

            async fn resolved_on(&self, day: $crate::reexport::chrono::NaiveDate) -> StoreResult<Vec<i64>> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT DISTINCT assignment_id FROM notices WHERE resolved_on = $1",
                )
                .bind(day)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }

            async fn open_notices(&self) -> StoreResult<Vec<NoticeRow>> {
                sqlx::query_as::<$db, NoticeRow>(sql(format!(
                    "SELECT {NOTICE_COLS} FROM notices WHERE state = 'open' ORDER BY id"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn notice(&self, id: i64) -> StoreResult<Option<NoticeRow>> {
                by_id(self, NOTICE_COLS, "notices", id).await
            }

            async fn notices_of_item(&self, item_id: i64) -> StoreResult<Vec<NoticeRow>> {
                of_item(self, NOTICE_COLS, "notices", item_id).await
            }

            async fn notices_under(
                &self,
                root: &UnitPath,
                before: Option<i64>,
                limit: i64,
            ) -> StoreResult<Vec<NoticeRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("unit_path", root);
                let b = d.arg(Arg::I64(before.unwrap_or(i64::MAX)));
                let l = d.arg(Arg::I64(limit.clamp(1, 500)));
                d.sql = format!(
                    "SELECT {NOTICE_COLS} FROM notices WHERE {r} AND id < {b} ORDER BY id DESC LIMIT {l}"
                );
                fetch_all(self, d).await
            }

            async fn levels_since_summons(
                &self,
                unit_id: i64,
            ) -> StoreResult<Vec<$crate::reexport::ducha_domain::notice::NoticeLevel>> {
                let levels = sqlx::query_scalar::<$db, String>(
                    "SELECT level FROM notices WHERE unit_id = $1 AND id > COALESCE((SELECT \
                     MAX(notice_id) FROM summons WHERE unit_id = $1), 0) ORDER BY id",
                )
                .bind(unit_id)
                .fetch_all(self.writer())
                .await
                .map_err(err)?;
                Ok(levels.iter().filter_map(|l| l.parse().ok()).collect())
            }

            async fn summonses_under(&self, root: &UnitPath, limit: i64) -> StoreResult<Vec<SummonsRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("u.path", root);
                let l = d.arg(Arg::I64(limit.clamp(1, 500)));
                d.sql = format!(
                    "SELECT s.id, s.unit_id, s.notice_id, s.reds, s.created_at FROM summons s \
                     JOIN units u ON u.id = s.unit_id WHERE {r} ORDER BY s.id DESC LIMIT {l}"
                );
                fetch_all(self, d).await
            }

            async fn inbox(&self, user_id: i64, before: Option<i64>, limit: i64) -> StoreResult<Vec<NotificationRow>> {
                sqlx::query_as::<$db, NotificationRow>(sql(format!(
                    "SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = $1 AND id < $2 \
                     ORDER BY id DESC LIMIT $3"
                )))
                .bind(user_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit.clamp(1, 200))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn unread_count(&self, user_id: i64) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                )
                .bind(user_id)
                .fetch_one(self.reader())
                .await
                .map_err(err)
            }

            async fn mark_read(&self, user_id: i64, ids: Option<&[i64]>, at: DateTime<Utc>) -> StoreResult<u64> {
                let mut d = Dynamic::default();
                let u = d.arg(Arg::I64(user_id));
                let t = d.arg(Arg::Time(at));
                let only = match ids {
                    Some([]) => return Ok(0),
                    Some(ids) => format!(" AND id IN {}", d.list(ids)),
                    None => String::new(),
                };
                d.sql = format!(
                    "UPDATE notifications SET read_at = {t} WHERE user_id = {u} AND read_at IS NULL{only}"
                );
                let mut conn = self.writer_pool().acquire().await.map_err(err)?;
                execute(&mut *conn, d).await
            }

            async fn users_of_unit(&self, unit_id: i64) -> StoreResult<Vec<UserRow>> {
                sqlx::query_as::<$db, UserRow>(sql(format!(
                    "SELECT {USER_COLS} FROM users WHERE unit_id = $1 AND active ORDER BY id"
                )))
                .bind(unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn set_notify_prefs(&self, user_id: i64, prefs: &str) -> StoreResult<()> {
                let n = sqlx::query::<$db>("UPDATE users SET notify_prefs = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(prefs)
                    .execute(self.writer())
                    .await
                    .map_err(err)?
                    .rows_affected();
                if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
            }

            async fn set_user_lang(&self, user_id: i64, lang: &str) -> StoreResult<()> {
                let n = sqlx::query::<$db>("UPDATE users SET lang = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(lang)
                    .execute(self.writer())
                    .await
                    .map_err(err)?
                    .rows_affected();
                if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
            }

            async fn claim_outbox(
                &self,
                owner: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<OutboxRow>> {
                // The outer condition is re-checked on the row's newest version by PostgreSQL
                // under concurrent claims, so a row is claimed by one node at a time.
                sqlx::query_as::<$db, OutboxRow>(sql(format!(
                    "UPDATE outbox SET claimed_by = $1, claim_until = $2 WHERE id IN (SELECT id \
                     FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 AND \
                     (claim_until IS NULL OR claim_until < $3) ORDER BY id LIMIT $4) \
                     AND state = 'pending' AND (claim_until IS NULL OR claim_until < $3) \
                     RETURNING {OUTBOX_COLS}"
                )))
                .bind(owner)
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(self.writer())
                .await
                .map_err(err)
                .map(|mut rows| {
                    rows.sort_by_key(|r| r.id);
                    rows
                })
            }

            async fn outbox_sent(&self, id: i64, owner: &str, at: DateTime<Utc>) -> StoreResult<bool> {
                let n = sqlx::query::<$db>(
                    "UPDATE outbox SET state = 'sent', sent_at = $3, attempts = attempts + 1, \
                     claimed_by = NULL, claim_until = NULL, last_error = NULL \
                     WHERE id = $1 AND claimed_by = $2 AND state = 'pending'",
                )
                .bind(id)
                .bind(owner)
                .bind(at)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok(n == 1)
            }

            async fn outbox_failed(
                &self,
                id: i64,
                owner: &str,
                error: &str,
                retry_at: Option<DateTime<Utc>>,
            ) -> StoreResult<()> {
                let error: String = error.chars().take(500).collect();
                sqlx::query::<$db>(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $3, \
                     state = CASE WHEN $4 THEN 'pending' ELSE 'dead' END, \
                     next_attempt_at = COALESCE($5, next_attempt_at), claimed_by = NULL, \
                     claim_until = NULL WHERE id = $1 AND claimed_by = $2 AND state = 'pending'",
                )
                .bind(id)
                .bind(owner)
                .bind(error)
                .bind(retry_at.is_some())
                .bind(retry_at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn held_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxRow>> {
                sqlx::query_as::<$db, OutboxRow>(sql(format!(
                    "SELECT {OUTBOX_COLS} FROM outbox WHERE state = 'held' ORDER BY id LIMIT $1"
                )))
                .bind(limit)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }

            async fn merge_held(&self, ids: &[i64], digest: &NewOutbox) -> StoreResult<i64> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                let id = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO outbox (created_at, kind, channel, target, message, state, \
                     next_attempt_at) VALUES ($1, $2, $3, $4, $5, 'pending', $1) RETURNING id",
                )
                .bind(digest.created_at)
                .bind(&digest.kind)
                .bind(&digest.channel)
                .bind(&digest.target)
                .bind(&digest.message)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                let mut merged = 0;
                for chunk in ids.chunks(BATCH) {
                    let mut d = Dynamic::default();
                    let list = d.list(chunk);
                    d.sql = format!("UPDATE outbox SET state = 'merged' WHERE state = 'held' AND id IN {list}");
                    merged += execute(&mut *tx, d).await?;
                }
                if merged as usize != ids.len() {
                    // Another node merged some of them meanwhile: send nothing twice.
                    return Err(StoreError::Conflict("outbox rows merged meanwhile".into()));
                }
                tx.commit().await.map_err(err)?;
                Ok(id)
            }

            async fn outbox_in_state(&self, state: &str, limit: i64) -> StoreResult<Vec<OutboxRow>> {
                sqlx::query_as::<$db, OutboxRow>(sql(format!(
                    "SELECT {OUTBOX_COLS} FROM outbox WHERE state = $1 ORDER BY id DESC LIMIT $2"
                )))
                .bind(state)
                .bind(limit.clamp(1, 1000))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
                let n = sqlx::query::<$db>(
                    "UPDATE outbox SET state = 'pending', next_attempt_at = $2, attempts = 0 \
                     WHERE id = $1 AND state = 'dead'",
                )
                .bind(id)
                .bind(now)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok(n == 1)
            }

            async fn outbox_counts(&self) -> StoreResult<Vec<(String, i64)>> {
                sqlx::query_as::<$db, (String, i64)>(
                    "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state",
                )
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn ensure_job(&self, name: &str, next_run_at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO jobs (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(next_run_at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn claim_job(
                &self,
                name: &str,
                owner: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
                force: bool,
            ) -> StoreResult<bool> {
                let n = sqlx::query::<$db>(
                    "UPDATE jobs SET lease_owner = $2, lease_until = $3, last_started_at = $4, \
                     runs = runs + 1 WHERE name = $1 AND ($5 OR next_run_at <= $4) \
                     AND (lease_until IS NULL OR lease_until < $4)",
                )
                .bind(name)
                .bind(owner)
                .bind(until)
                .bind(now)
                .bind(force)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok(n == 1)
            }

            async fn renew_job(&self, name: &str, owner: &str, until: DateTime<Utc>) -> StoreResult<bool> {
                let n = sqlx::query::<$db>(
                    "UPDATE jobs SET lease_until = $3 WHERE name = $1 AND lease_owner = $2",
                )
                .bind(name)
                .bind(owner)
                .bind(until)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok(n == 1)
            }

            async fn finish_job(
                &self,
                name: &str,
                owner: &str,
                at: DateTime<Utc>,
                next_run_at: DateTime<Utc>,
                result: &str,
            ) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE jobs SET lease_owner = NULL, lease_until = NULL, last_finished_at = $3, \
                     next_run_at = $4, last_result = $5 WHERE name = $1 AND lease_owner = $2",
                )
                .bind(name)
                .bind(owner)
                .bind(at)
                .bind(next_run_at)
                .bind(result)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn jobs(&self) -> StoreResult<Vec<JobRow>> {
                sqlx::query_as::<$db, JobRow>(sql(format!("SELECT {JOB_COLS} FROM jobs ORDER BY name")))
                    .fetch_all(self.reader())
                    .await
                    .map_err(err)
            }
        }

        /// The sweep's page from SQLite as one text (rows split by U+001E, fields by U+001F).
        /// sqlx-sqlite copies every value of every row on its connection thread and hands the
        /// rows over one by one; for the million rows of a sweep that cost more than the query
        /// itself, with both threads contending for the allocator. `None` when a row does not
        /// read back exactly as the typed query would decode it: the caller then runs that.
        async fn packed_sweep_rows(
            store: &$store,
            after: i64,
            limit: i64,
        ) -> StoreResult<Option<Vec<SweepRow>>> {
            // `%s` throughout: a value of an unexpected type shows up as text that does not
            // parse, never as a silently converted number. NULL prints as nothing; a reason is
            // prefixed so that an empty one is not taken for NULL.
            let mut d = Dynamic::default();
            d.sql = format!(
                "SELECT a.id, a.item_id, a.unit_id, a.state, a.deadline, a.dispatched_at, \
                 a.progress, a.last_report_at, a.returned_open, a.light, a.light_reason, \
                 i.cadence FROM assignments a JOIN items i ON i.id = a.item_id \
                 WHERE a.id > {} AND a.state NOT IN ('done', 'withdrawn') ORDER BY a.id LIMIT {}",
                d.arg(Arg::I64(after)),
                d.arg(Arg::I64(limit))
            );
            let cols = [
                "id", "item_id", "unit_id", "state", "deadline", "dispatched_at", "progress",
                "last_report_at", "returned_open", "light", "'=' || light_reason", "cadence",
            ];
            let Some((text, n)) = fetch_packed(store, d, &cols).await? else {
                return Ok(Some(Vec::new()));
            };
            let mut rows = Vec::with_capacity(usize::try_from(limit.clamp(0, 100_000)).unwrap_or(0));
            for line in text.split('\u{1e}') {
                match unpack_sweep_row(line) {
                    Some(r) => rows.push(r),
                    None => return Ok(None),
                }
            }
            // group_concat keeps the subquery's order in practice, not by contract.
            if !rows.is_sorted_by_key(|r| r.id) {
                rows.sort_unstable_by_key(|r| r.id);
            }
            // A separator inside a value would have split a row.
            Ok((rows.len() as i64 == n).then_some(rows))
        }

        /// One packed row, decoded as sqlx decodes the typed one.
        fn unpack_sweep_row(line: &str) -> Option<SweepRow> {
            use $crate::reexport::chrono::{DateTime, NaiveDate, Utc};
            let time = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc));
            let mut f = line.splitn(12, '\u{1f}');
            let mut next = || f.next();
            let id = next()?.parse().ok()?;
            let item_id = next()?.parse().ok()?;
            let unit_id = next()?.parse().ok()?;
            let state = next()?.parse().ok()?;
            let deadline = NaiveDate::parse_from_str(next()?, "%F").ok()?;
            let dispatched_at = time(next()?)?;
            let progress = match next()? {
                "" => None,
                s => Some(s.parse().ok()?),
            };
            let last_report_at = match next()? {
                "" => None,
                s => Some(time(s)?),
            };
            let returned_open = next()?.parse::<i64>().ok()? != 0;
            let light = match next()? {
                "" => None,
                s => Some(s.parse().ok()?),
            };
            let light_reason = match next()? {
                "" => None,
                s => Some(s.strip_prefix('=')?.to_string()),
            };
            let cadence = Json::try_from(next()?.to_string()).ok()?;
            Some(SweepRow {
                id,
                item_id,
                unit_id,
                state,
                deadline,
                dispatched_at,
                progress,
                last_report_at,
                returned_open,
                light,
                light_reason,
                cadence,
            })
        }

        async fn execute<'c, E>(ex: E, d: Dynamic) -> StoreResult<u64>
        where
            E: sqlx::Executor<'c, Database = $db>,
        {
            let mut q = sqlx::query::<$db>(sql(d.sql));
            for a in d.args {
                q = match a {
                    Arg::Text(s) => q.bind(s),
                    Arg::I64(v) => q.bind(v),
                    Arg::Date(v) => q.bind(v),
                    Arg::Time(v) => q.bind(v),
                    Arg::OptText(v) => q.bind(v),
                    Arg::OptI64(v) => q.bind(v),
                    Arg::OptTime(v) => q.bind(v),
                };
            }
            Ok(q.execute(ex).await.map_err(err)?.rows_affected())
        }
    };
}
