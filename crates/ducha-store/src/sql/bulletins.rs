//! The SQL of bulletins (督查通报): the register and what a bulletin's figures are read from.

/// Implements `BulletinStore` and the bulletins' writes inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_bulletins {
    ($store:ty, $db:ty) => {
        const BULLETIN_COLS: &str = "id, scope_unit_id, kind, period, title, state, figures, \
            generated_at, good_practice, criticism, corrects_id, year, number, remark, \
            created_by, created_at, approved_by, approved_at, published_at, version";

        async fn insert_bulletin(tx: &mut Tx, b: &NewBulletin) -> StoreResult<i64> {
            let id = sqlx::query_scalar::<$db, i64>(
                "INSERT INTO bulletins (scope_unit_id, kind, period, title, state, figures, \
                 generated_at, good_practice, criticism, corrects_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $6) RETURNING id",
            )
            .bind(b.scope_unit_id)
            .bind(&b.kind)
            .bind(&b.period)
            .bind(&b.title)
            .bind(&b.figures)
            .bind(b.created_at)
            .bind(&b.good_practice)
            .bind(&b.criticism)
            .bind(b.corrects_id)
            .bind(b.created_by)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            save_bulletin_mentions(tx, id, &b.mentions).await?;
            Ok(id)
        }

        /// Replaces the units a bulletin praises or criticises (the triggers refuse it once
        /// the bulletin is published).
        async fn save_bulletin_mentions(
            tx: &mut Tx,
            bulletin_id: i64,
            mentions: &[BulletinMention],
        ) -> StoreResult<()> {
            sqlx::query::<$db>("DELETE FROM bulletin_mentions WHERE bulletin_id = $1")
                .bind(bulletin_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            for m in mentions {
                sqlx::query::<$db>(
                    "INSERT INTO bulletin_mentions (bulletin_id, unit_id, kind) \
                     VALUES ($1, $2, $3)",
                )
                .bind(bulletin_id)
                .bind(m.unit_id)
                .bind(&m.kind)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            Ok(())
        }

        async fn update_bulletin(tx: &mut Tx, b: &BulletinRow) -> StoreResult<()> {
            let r = sqlx::query::<$db>(
                "UPDATE bulletins SET title = $2, state = $3, figures = $4, generated_at = $5, \
                 good_practice = $6, criticism = $7, remark = $8, approved_by = $9, \
                 approved_at = $10, version = version + 1 WHERE id = $1 AND version = $11 \
                 AND state <> 'published'",
            )
            .bind(b.id)
            .bind(&b.title)
            .bind(&b.state)
            .bind(&b.figures)
            .bind(b.generated_at)
            .bind(&b.good_practice)
            .bind(&b.criticism)
            .bind(&b.remark)
            .bind(b.approved_by)
            .bind(b.approved_at)
            .bind(b.version)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            one_row(r.rows_affected(), "bulletin")
        }

        /// Publishes an approved bulletin with the next number of its jurisdiction and year;
        /// the event payload gets the number.
        async fn publish_bulletin(
            tx: &mut Tx,
            id: i64,
            version: i64,
            year: i32,
            at: DateTime<Utc>,
            notify: &[NewNotification],
            ev: &mut EventDraft,
        ) -> StoreResult<()> {
            let scope = sqlx::query_scalar::<$db, i64>(
                "SELECT scope_unit_id FROM bulletins WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let seq = sqlx::query_scalar::<$db, i64>(
                "INSERT INTO counters (name, year, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (name, year) DO UPDATE SET last_seq = counters.last_seq + 1 \
                 RETURNING last_seq",
            )
            .bind(format!("bulletin:{scope}"))
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let r = sqlx::query::<$db>(
                "UPDATE bulletins SET state = 'published', year = $2, number = $3, \
                 published_at = $4, version = version + 1 \
                 WHERE id = $1 AND version = $5 AND state = 'approved'",
            )
            .bind(id)
            .bind(i64::from(year))
            .bind(seq)
            .bind(at)
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            one_row(r.rows_affected(), "bulletin")?;
            let number =
                $crate::reexport::ducha_domain::bulletin::format_number(i64::from(year), seq);
            for n in notify {
                let mut n = n.clone();
                n.title = n.title.replace("{number}", &number);
                n.body = n.body.replace("{number}", &number);
                insert_notification(tx, &n, None).await?;
            }
            ev.payload["year"] = serde_json::Value::from(year);
            ev.payload["number"] = serde_json::Value::from(seq);
            Ok(())
        }

        #[async_trait]
        impl BulletinStore for $store {
            async fn bulletins(&self, scope_unit_id: i64) -> StoreResult<Vec<BulletinRow>> {
                sqlx::query_as::<$db, BulletinRow>(sql(format!(
                    "SELECT {BULLETIN_COLS} FROM bulletins WHERE scope_unit_id = $1 \
                     ORDER BY period DESC, id DESC LIMIT 500"
                )))
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn bulletin(&self, id: i64) -> StoreResult<Option<BulletinRow>> {
                by_id(self, BULLETIN_COLS, "bulletins", id).await
            }
            async fn bulletin_mentions(
                &self,
                bulletin_id: i64,
            ) -> StoreResult<Vec<BulletinMention>> {
                sqlx::query_as::<$db, BulletinMention>(
                    "SELECT unit_id, kind FROM bulletin_mentions WHERE bulletin_id = $1 \
                     ORDER BY unit_id",
                )
                .bind(bulletin_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn bulletin_pdf(
                &self,
                bulletin_id: i64,
                lang: &str,
            ) -> StoreResult<Option<(String, Vec<u8>)>> {
                sqlx::query_as::<$db, (String, Vec<u8>)>(
                    "SELECT sha256, pdf FROM bulletin_pdfs WHERE bulletin_id = $1 AND lang = $2",
                )
                .bind(bulletin_id)
                .bind(lang)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn keep_bulletin_pdf(
                &self,
                bulletin_id: i64,
                lang: &str,
                sha256: &str,
                pdf: &[u8],
                at: DateTime<Utc>,
            ) -> StoreResult<(String, Vec<u8>)> {
                sqlx::query::<$db>(
                    "INSERT INTO bulletin_pdfs (bulletin_id, lang, sha256, pdf, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (bulletin_id, lang) DO NOTHING",
                )
                .bind(bulletin_id)
                .bind(lang)
                .bind(sha256)
                .bind(pdf)
                .bind(at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                sqlx::query_as::<$db, (String, Vec<u8>)>(
                    "SELECT sha256, pdf FROM bulletin_pdfs WHERE bulletin_id = $1 AND lang = $2",
                )
                .bind(bulletin_id)
                .bind(lang)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn bulletin_assignments(
                &self,
                scope_unit_id: i64,
                first: $crate::reexport::chrono::NaiveDate,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<BulletinAssignmentRow>> {
                sqlx::query_as::<$db, BulletinAssignmentRow>(
                    "SELECT a.id, a.item_id, a.unit_id, a.role, a.deadline, a.completed_at \
                     FROM assignments a JOIN items i ON i.id = a.item_id \
                     WHERE i.scope_unit_id = $1 AND a.parent_id IS NULL \
                     AND a.state <> 'withdrawn' AND a.dispatched_at < $4 \
                     AND (a.completed_at IS NULL OR a.completed_at >= $3 OR a.deadline >= $2) \
                     ORDER BY a.id",
                )
                .bind(scope_unit_id)
                .bind(first)
                .bind(from)
                .bind(to)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn bulletin_item_counts(
                &self,
                scope_unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<BulletinItemCounts> {
                sqlx::query_as::<$db, BulletinItemCounts>(
                    "SELECT \
                     COALESCE(SUM(CASE WHEN dispatched_at >= $2 THEN 1 ELSE 0 END), 0) AS new_items, \
                     COALESCE(SUM(CASE WHEN closed_at >= $2 AND closed_at < $3 THEN 1 ELSE 0 END), 0) \
                     AS closed_items, \
                     COALESCE(SUM(CASE WHEN closed_at IS NULL OR closed_at >= $3 THEN 1 ELSE 0 END), 0) \
                     AS in_hand \
                     FROM items WHERE scope_unit_id = $1 AND dispatched_at IS NOT NULL \
                     AND dispatched_at < $3",
                )
                .bind(scope_unit_id)
                .bind(from)
                .bind(to)
                .fetch_one(self.reader())
                .await
                .map_err(err)
            }
            async fn bulletin_findings(
                &self,
                root: &UnitPath,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<BulletinFindingCount>> {
                let mut d = Dynamic::default();
                let r = d.subtree("unit_path", root);
                let from = d.arg(Arg::Time(from));
                let to = d.arg(Arg::Time(to));
                d.sql = format!(
                    "SELECT kind, unit_id, COUNT(*) AS n FROM findings WHERE {r} \
                     AND found_at >= {from} AND found_at < {to} \
                     GROUP BY kind, unit_id ORDER BY kind, unit_id"
                );
                fetch_all(self, d).await
            }
        }
    };
}
