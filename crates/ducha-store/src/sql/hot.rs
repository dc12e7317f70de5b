//! The SQL of hot issues: the clustering's lease and fenced batches, the office's link of a
//! hot issue to an item, satisfaction answers, and the pages' reads.

/// Implements `HotStore` and the hot issues' writes inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_hot {
    ($store:ty, $db:ty) => {
        const HOT_COLS: &str = "id, first_appeal_id, scope_path, category, appeal_count, \
            first_at, last_at, state, item_id, absorbed_into, returned_at, version";

        /// The hot issue named by its first appeal, made when missing: (id, scope, state,
        /// item).
        async fn hot_root(
            tx: &mut Tx,
            root: i64,
            step: &HotStep,
        ) -> StoreResult<(i64, String, String, Option<i64>)> {
            sqlx::query::<$db>(
                "INSERT INTO hot_issues (first_appeal_id, scope_path, category, appeal_count, \
                 first_at, last_at) VALUES ($1, $2, $3, 0, $4, $4) \
                 ON CONFLICT (first_appeal_id) DO NOTHING",
            )
            .bind(root)
            .bind(&step.unit_path)
            .bind(&step.category)
            .bind(step.received_at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            // Read through an UPDATE that changes nothing, so the row stays locked until this
            // batch commits: on PostgreSQL an office's link to an item (`Update::HotLink`)
            // committed meanwhile is then read, not overwritten (SQLite holds its write lock
            // from the first statement anyway).
            sqlx::query_as::<$db, (i64, String, String, Option<i64>)>(
                "UPDATE hot_issues SET version = version WHERE first_appeal_id = $1 \
                 RETURNING id, scope_path, state, item_id",
            )
            .bind(root)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)
        }

        async fn hot_step(tx: &mut Tx, s: &HotStep, at: DateTime<Utc>, months: u32) -> StoreResult<()> {
            use $crate::reexport::ducha_domain::hot::issue::common_path;
            let (hot, mut scope, mut state, mut item) = hot_root(tx, s.root_appeal_id, s).await?;
            for &m in &s.merged_roots {
                let (gone, gone_scope, gone_state, gone_item) = hot_root(tx, m, s).await?;
                if gone == hot {
                    continue;
                }
                sqlx::query::<$db>("UPDATE hot_members SET hot_id = $1 WHERE hot_id = $2")
                    .bind(hot)
                    .bind(gone)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                if item.is_none() && gone_item.is_some() {
                    item = gone_item;
                    state = gone_state;
                }
                scope = common_path(&scope, &gone_scope);
                sqlx::query::<$db>(
                    "UPDATE hot_issues SET state = 'absorbed', absorbed_into = $2, \
                     appeal_count = 0, version = version + 1 WHERE id = $1",
                )
                .bind(gone)
                .bind(hot)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                sqlx::query::<$db>(
                    "INSERT INTO hot_merges (hot_id, absorbed_id, appeal_id, at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(hot)
                .bind(gone)
                .bind(s.appeal_id)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            sqlx::query::<$db>(
                "INSERT INTO hot_members (appeal_id, hot_id) VALUES ($1, $2) \
                 ON CONFLICT (appeal_id) DO UPDATE SET hot_id = excluded.hot_id",
            )
            .bind(s.appeal_id)
            .bind(hot)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            scope = common_path(&scope, &s.unit_path);
            // Linked to an item: an open item takes the appeal (and any member merged in
            // unlinked); a closed one sees the complaint return within the months.
            let mut returned: Option<DateTime<Utc>> = None;
            let mut link = false;
            if let (Some(item_id), "item" | "merged") = (item, state.as_str()) {
                let (item_state, closed_at) = sqlx::query_as::<$db, (String, Option<DateTime<Utc>>)>(
                    "SELECT state, closed_at FROM items WHERE id = $1",
                )
                .bind(item_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                match (item_state.as_str(), closed_at) {
                    ("closed", Some(closed)) => {
                        use $crate::reexport::ducha_domain::calendar::china_date;
                        use $crate::reexport::ducha_domain::hot::trend::returns_after_close;
                        if returns_after_close(china_date(closed), china_date(s.received_at), months) {
                            state = "returned".to_string();
                            returned = Some(s.received_at);
                        } else if china_date(s.received_at) >= china_date(closed) {
                            // Later than the months: a new matter for the office, which may
                            // make a new item of it. The old item keeps its appeals.
                            state = "open".to_string();
                            item = None;
                        }
                    }
                    ("closed", None) => {}
                    _ => link = true,
                }
            }
            sqlx::query::<$db>(
                "UPDATE hot_issues SET scope_path = $2, state = $3, item_id = $4, \
                 returned_at = COALESCE($5, returned_at), \
                 appeal_count = (SELECT COUNT(*) FROM hot_members WHERE hot_id = $1), \
                 first_at = (SELECT MIN(a.received_at) FROM hot_members m \
                    JOIN appeals a ON a.id = m.appeal_id WHERE m.hot_id = $1), \
                 last_at = (SELECT MAX(a.received_at) FROM hot_members m \
                    JOIN appeals a ON a.id = m.appeal_id WHERE m.hot_id = $1), \
                 version = version + 1 WHERE id = $1",
            )
            .bind(hot)
            .bind(&scope)
            .bind(&state)
            .bind(item)
            .bind(returned)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            if let (true, Some(item_id)) = (link, item) {
                link_members(tx, hot, item_id).await?;
            }
            Ok(())
        }

        /// Links every member appeal of a hot issue not yet linked to `item_id`.
        async fn link_members(tx: &mut Tx, hot: i64, item_id: i64) -> StoreResult<()> {
            sqlx::query::<$db>(
                "UPDATE appeals SET item_id = $2, state = 'handling', version = version + 1 \
                 WHERE item_id IS NULL AND id IN (SELECT appeal_id FROM hot_members \
                 WHERE hot_id = $1)",
            )
            .bind(hot)
            .bind(item_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        /// Links a hot issue to an item, if the hot issue is still in the state the office saw
        /// and the item is still public and open: both are checked in the statement itself, so
        /// an item closed or made internal after the office's check refuses the link.
        async fn hot_link(tx: &mut Tx, l: &HotLink) -> StoreResult<()> {
            let r = sqlx::query::<$db>(
                "UPDATE hot_issues SET state = $2, item_id = $3, version = version + 1 \
                 WHERE id = $1 AND state = $4 AND EXISTS (SELECT 1 FROM items \
                 WHERE items.id = $3 AND items.public AND items.state <> 'closed')",
            )
            .bind(l.hot_id)
            .bind(l.state.as_str())
            .bind(l.item_id)
            .bind(l.from.as_str())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            one_row(r.rows_affected(), "hot issue")?;
            link_members(tx, l.hot_id, l.item_id).await
        }

        /// Closes the appeals linked to an item that closed.
        async fn close_appeals(tx: &mut Tx, item_id: i64) -> StoreResult<()> {
            sqlx::query::<$db>(
                "UPDATE appeals SET state = 'closed', version = version + 1 \
                 WHERE item_id = $1 AND state <> 'closed'",
            )
            .bind(item_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        async fn hot_turn(tx: &mut Tx, t: &HotTurn, ev: &EventDraft) -> StoreResult<i64> {
            let item_id = ev.item_id.ok_or_else(|| {
                StoreError::Other("a hot issue's item must come before it in the change".into())
            })?;
            hot_link(
                tx,
                &HotLink {
                    hot_id: t.hot_id,
                    from: t.from,
                    state: $crate::reexport::ducha_domain::hot::issue::HotIssueState::Item,
                    item_id,
                },
            )
            .await?;
            Ok(t.hot_id)
        }

        async fn insert_satisfaction(tx: &mut Tx, s: &NewSatisfaction) -> StoreResult<i64> {
            sqlx::query::<$db>(
                "INSERT INTO appeal_satisfaction (appeal_id, item_id, answer, comment, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(s.appeal_id)
            .bind(s.item_id)
            .bind(s.answer.as_str())
            .bind(&s.comment)
            .bind(s.at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(s.appeal_id)
        }

        #[async_trait]
        impl HotStore for $store {
            async fn hot_lease(
                &self,
                owner: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                sqlx::query_scalar::<$db, i64>(
                    "UPDATE hot_state SET \
                     epoch = CASE WHEN lease_owner = $1 THEN epoch ELSE epoch + 1 END, \
                     lease_owner = $1, lease_until = $2 \
                     WHERE id = 1 AND (lease_owner IS NULL OR lease_owner = $1 \
                        OR lease_until < $3) RETURNING epoch",
                )
                .bind(owner)
                .bind(until)
                .bind(now)
                .fetch_optional(self.writer())
                .await
                .map_err(err)
            }

            async fn hot_release(&self, owner: &str) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE hot_state SET lease_owner = NULL, lease_until = NULL \
                     WHERE id = 1 AND lease_owner = $1",
                )
                .bind(owner)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn hot_clustered(&self, after: i64, limit: i64) -> StoreResult<Vec<HotInput>> {
                sqlx::query_as::<$db, HotInput>(
                    "SELECT a.id, a.unit_path, a.category, a.text_masked, a.received_at, \
                     a.created_at FROM appeals a JOIN hot_members m ON m.appeal_id = a.id \
                     WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }

            async fn hot_unclustered(&self, limit: i64) -> StoreResult<Vec<HotInput>> {
                sqlx::query_as::<$db, HotInput>(
                    "SELECT a.id, a.unit_path, a.category, a.text_masked, a.received_at, \
                     a.created_at FROM appeals a WHERE NOT EXISTS \
                     (SELECT 1 FROM hot_members m WHERE m.appeal_id = a.id) \
                     ORDER BY a.id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }

            async fn hot_membership(&self, after: i64, limit: i64) -> StoreResult<Vec<(i64, i64)>> {
                sqlx::query_as::<$db, (i64, i64)>(
                    "SELECT m.appeal_id, h.first_appeal_id FROM hot_members m \
                     JOIN hot_issues h ON h.id = m.hot_id WHERE m.appeal_id > $1 \
                     ORDER BY m.appeal_id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }

            async fn hot_apply(&self, b: &HotBatch) -> StoreResult<bool> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                // The fence first: it takes the write lock (SQLite) or the row's (PostgreSQL),
                // so two holders' batches never interleave and a former holder's is refused.
                let fenced = sqlx::query::<$db>(
                    "UPDATE hot_state SET last_appeal_id = $3 \
                     WHERE id = 1 AND lease_owner = $1 AND epoch = $2",
                )
                .bind(&b.owner)
                .bind(b.epoch)
                .bind(b.last_appeal_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?
                .rows_affected();
                if fenced != 1 {
                    return Ok(false);
                }
                for s in &b.steps {
                    hot_step(&mut tx, s, b.at, b.return_months).await?;
                }
                tx.commit().await.map_err(err)?;
                Ok(true)
            }

            async fn hot_issue(&self, id: i64) -> StoreResult<Option<HotIssueRow>> {
                by_id(self, HOT_COLS, "hot_issues", id).await
            }

            async fn hot_issue_of_appeal(&self, appeal_id: i64) -> StoreResult<Option<HotIssueRow>> {
                sqlx::query_as::<$db, HotIssueRow>(sql(format!(
                    "SELECT {HOT_COLS} FROM hot_issues WHERE id = \
                     (SELECT hot_id FROM hot_members WHERE appeal_id = $1)"
                )))
                .bind(appeal_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn hot_issues_under(
                &self,
                root: &UnitPath,
                states: &[$crate::reexport::ducha_domain::hot::issue::HotIssueState],
                limit: i64,
            ) -> StoreResult<Vec<HotIssueRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("scope_path", root);
                let st: Vec<String> = states
                    .iter()
                    .map(|s| d.arg(Arg::Text(s.as_str().into())))
                    .collect();
                let lim = d.arg(Arg::I64(limit.clamp(1, 500)));
                d.sql = format!(
                    "SELECT {HOT_COLS} FROM hot_issues WHERE {r} AND state IN ({}) \
                     ORDER BY appeal_count DESC, id LIMIT {lim}",
                    st.join(", ")
                );
                fetch_all(self, d).await
            }

            async fn hot_issues_of_item(&self, item_id: i64) -> StoreResult<Vec<HotIssueRow>> {
                of_item(self, HOT_COLS, "hot_issues", item_id).await
            }

            async fn hot_members(&self, hot_ids: &[i64]) -> StoreResult<Vec<HotMemberRow>> {
                if hot_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut d = Dynamic::default();
                let list = d.list(hot_ids);
                d.sql = format!(
                    "SELECT m.hot_id, m.appeal_id, a.unit_id, a.received_at FROM hot_members m \
                     JOIN appeals a ON a.id = m.appeal_id WHERE m.hot_id IN {list} \
                     ORDER BY m.appeal_id"
                );
                fetch_all(self, d).await
            }

            async fn hot_samples(&self, hot_ids: &[i64], per: i64) -> StoreResult<Vec<(i64, String)>> {
                if hot_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut d = Dynamic::default();
                let list = d.list(hot_ids);
                let per = d.arg(Arg::I64(per.clamp(1, 20)));
                d.sql = format!(
                    "SELECT hot_id, text_masked FROM (SELECT m.hot_id, a.text_masked, \
                     ROW_NUMBER() OVER (PARTITION BY m.hot_id ORDER BY a.received_at DESC, a.id DESC) AS n \
                     FROM hot_members m JOIN appeals a ON a.id = m.appeal_id \
                     WHERE m.hot_id IN {list}) s WHERE n <= {per} ORDER BY hot_id, n"
                );
                fetch_all(self, d).await
            }

            async fn satisfaction_counts_of(
                &self,
                item_ids: &[i64],
            ) -> StoreResult<Vec<(i64, String, i64)>> {
                if item_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut d = Dynamic::default();
                let list = d.list(item_ids);
                d.sql = format!(
                    "SELECT item_id, answer, COUNT(*) FROM appeal_satisfaction \
                     WHERE item_id IN {list} GROUP BY item_id, answer ORDER BY item_id, answer"
                );
                fetch_all(self, d).await
            }

            async fn hot_appeals(&self, hot_id: i64, limit: i64) -> StoreResult<Vec<CitizenAppealRow>> {
                let cols = CITIZEN_APPEAL_COLS
                    .split(", ")
                    .map(|c| format!("a.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query_as::<$db, CitizenAppealRow>(sql(format!(
                    "SELECT {cols} FROM appeals a JOIN hot_members m ON m.appeal_id = a.id \
                     WHERE m.hot_id = $1 ORDER BY a.received_at DESC, a.id DESC LIMIT $2"
                )))
                .bind(hot_id)
                .bind(limit.clamp(1, 500))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn hot_since(&self, since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<(i64, i64)>> {
                sqlx::query_as::<$db, (i64, i64)>(
                    "SELECT m.hot_id, COUNT(*) AS n FROM hot_members m \
                     JOIN appeals a ON a.id = m.appeal_id WHERE a.received_at >= $1 \
                     GROUP BY m.hot_id ORDER BY n DESC, m.hot_id LIMIT $2",
                )
                .bind(since)
                .bind(limit.clamp(1, 100))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn satisfaction_of(&self, appeal_id: i64) -> StoreResult<Option<String>> {
                sqlx::query_scalar::<$db, String>(
                    "SELECT answer FROM appeal_satisfaction WHERE appeal_id = $1",
                )
                .bind(appeal_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn satisfaction_counts(&self, item_id: i64) -> StoreResult<Vec<(String, i64)>> {
                sqlx::query_as::<$db, (String, i64)>(
                    "SELECT answer, COUNT(*) FROM appeal_satisfaction WHERE item_id = $1 \
                     GROUP BY answer ORDER BY answer",
                )
                .bind(item_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
        }
    };
}
