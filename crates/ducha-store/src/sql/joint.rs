//! Integrated supervision's SQL: seats, meetings with their agenda, decisions and packs, and
//! the inspection register.

/// Implements `JointStore` and the joint rows' writes inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_joint {
    ($store:ty, $db:ty) => {
        use $crate::reexport::chrono::NaiveDate;
        use $crate::reexport::ducha_domain::joint::Position;
        const SEAT_COLS: &str = "s.id, s.scope_unit_id, s.position, s.unit_id, s.body_kind, \
            s.user_id, s.lead_topics, s.created_at, un.name AS unit_name, \
            us.display_name AS user_name";
        const SEAT_FROM: &str = "joint_seats s JOIN units un ON un.id = s.unit_id \
            LEFT JOIN users us ON us.id = s.user_id";
        const SEAT_ORDER: &str = "CASE s.position WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 \
            WHEN 'office' THEN 2 ELSE 3 END, s.id";
        const MEETING_COLS: &str = "id, scope_unit_id, year, number, title, held_on, place, \
            chair_user_id, state, summary, pack_sent_at, held_at, created_by, created_at, version";
        const LINE_COLS: &str =
            "id, meeting_id, position, item_id, topic, reasons, weight, origin, removed, note";
        const DECISION_COLS: &str = "id, meeting_id, line_id, kind, text, item_id, unit_id, \
            deadline, created_by, created_at";
        const INSPECTION_COLS: &str = "id, scope_unit_id, body_unit_id, topic, basis, method, \
            window_from, window_to, people, days_on_site, forms, annual, state, flags, \
            merged_into, decided_by, decided_at, comment, created_by, created_at, version";
        const OVERLAP_COLS: &str = "id, inspection_id, other_id, kind, units, similarity, \
            lead_id, state, reason, decided_by, decided_at, version";
        const INSP_FINDING_COLS: &str = "id, inspection_id, unit_id, text, item_id, created_at";

        async fn insert_line(tx: &mut Tx, l: &NewAgendaLine, meeting_id: i64) -> StoreResult<i64> {
            sqlx::query_scalar::<$db, i64>(
                "INSERT INTO agenda_lines (meeting_id, position, item_id, topic, reasons, \
                 weight, origin, removed, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
            )
            .bind(meeting_id)
            .bind(l.position)
            .bind(l.item_id)
            .bind(&l.topic)
            .bind(Json(&l.reasons).text())
            .bind(l.weight)
            .bind(&l.origin)
            .bind(false)
            .bind(&l.note)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)
        }

        /// Inserts a joint row; `last` is the meeting or inspection inserted before it in
        /// the change (what an id of 0 refers to).
        async fn insert_joint(
            tx: &mut Tx,
            j: &JointInsert,
            last: &mut Option<i64>,
        ) -> StoreResult<i64> {
            let parent = |id: i64, last: &Option<i64>| -> StoreResult<i64> {
                if id != 0 {
                    return Ok(id);
                }
                last.ok_or_else(|| StoreError::Other("no row before this one in the change".into()))
            };
            match j {
                JointInsert::Seat(s) => {
                    let key = if s.position.parse::<Position>()
                        .is_ok_and(|p| p.is_person())
                    {
                        format!("user:{}", s.user_id.unwrap_or_default())
                    } else {
                        format!("unit:{}", s.unit_id)
                    };
                    sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO joint_seats (scope_unit_id, position, unit_id, body_kind, \
                         user_id, lead_topics, seat_key, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(s.scope_unit_id)
                    .bind(&s.position)
                    .bind(s.unit_id)
                    .bind(&s.body_kind)
                    .bind(s.user_id)
                    .bind(&s.lead_topics)
                    .bind(key)
                    .bind(s.created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)
                }
                JointInsert::Meeting(m) => {
                    let number = sqlx::query_scalar::<$db, i64>(
                        "SELECT COALESCE(MAX(number), 0) + 1 FROM meetings \
                         WHERE scope_unit_id = $1 AND year = $2",
                    )
                    .bind(m.scope_unit_id)
                    .bind(m.year)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                    let id = sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO meetings (scope_unit_id, year, number, title, held_on, \
                         place, chair_user_id, state, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9) RETURNING id",
                    )
                    .bind(m.scope_unit_id)
                    .bind(m.year)
                    .bind(number)
                    .bind(&m.title)
                    .bind(m.held_on)
                    .bind(&m.place)
                    .bind(m.chair_user_id)
                    .bind(m.created_by)
                    .bind(m.created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                    for seat in &m.seat_ids {
                        sqlx::query::<$db>(
                            "INSERT INTO meeting_attendees (meeting_id, seat_id) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(seat)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                    }
                    for l in &m.lines {
                        insert_line(tx, l, id).await?;
                    }
                    *last = Some(id);
                    Ok(id)
                }
                JointInsert::AgendaLine(l) => {
                    let meeting = parent(l.meeting_id, last)?;
                    insert_line(tx, l, meeting).await
                }
                JointInsert::Decision(d) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO meeting_decisions (meeting_id, line_id, kind, text, item_id, \
                     unit_id, deadline, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(d.meeting_id)
                .bind(d.line_id)
                .bind(&d.kind)
                .bind(&d.text)
                .bind(d.item_id)
                .bind(d.unit_id)
                .bind(d.deadline)
                .bind(d.created_by)
                .bind(d.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                JointInsert::Pack { meeting_id, content, created_at } => {
                    sqlx::query::<$db>(
                        "INSERT INTO meeting_packs (meeting_id, content, created_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(meeting_id)
                    .bind(content)
                    .bind(created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                    Ok(*meeting_id)
                }
                JointInsert::Inspection(n) => {
                    let s = &n.spec;
                    let id = sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO inspections (scope_unit_id, body_unit_id, topic, basis, \
                         method, window_from, window_to, people, days_on_site, forms, annual, \
                         state, flags, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, \
                         $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                    )
                    .bind(n.scope_unit_id)
                    .bind(n.body_unit_id)
                    .bind(&s.topic)
                    .bind(&s.basis)
                    .bind(s.method.as_str())
                    .bind(s.window_from)
                    .bind(s.window_to)
                    .bind(i64::from(s.people))
                    .bind(i64::from(s.days_on_site))
                    .bind(i64::from(s.forms))
                    .bind(s.annual)
                    .bind(&n.state)
                    .bind(Json(&n.flags).text())
                    .bind(n.created_by)
                    .bind(n.created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                    add_targets(tx, id, &s.targets).await?;
                    *last = Some(id);
                    Ok(id)
                }
                JointInsert::Overlap(o) => {
                    let inspection = parent(o.inspection_id, last)?;
                    let lead = parent(o.lead_id, last)?;
                    sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO inspection_overlaps (inspection_id, other_id, kind, units, \
                         similarity, lead_id, state) VALUES ($1, $2, $3, $4, $5, $6, 'proposed') \
                         RETURNING id",
                    )
                    .bind(inspection)
                    .bind(o.other_id)
                    .bind(&o.kind)
                    .bind(Json(&o.units).text())
                    .bind(o.similarity)
                    .bind(lead)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)
                }
                JointInsert::Finding { inspection_id, unit_id, text, item_id, created_at } => {
                    sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO inspection_findings (inspection_id, unit_id, text, item_id, \
                         created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(inspection_id)
                    .bind(unit_id)
                    .bind(text)
                    .bind(item_id)
                    .bind(created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)
                }
            }
        }

        async fn add_targets(tx: &mut Tx, id: i64, units: &[i64]) -> StoreResult<()> {
            for u in units {
                sqlx::query::<$db>(
                    "INSERT INTO inspection_targets (inspection_id, unit_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(u)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            Ok(())
        }

        async fn update_joint(tx: &mut Tx, j: &JointUpdate) -> StoreResult<()> {
            let affected = match j {
                JointUpdate::Meeting(m) => sqlx::query::<$db>(
                    "UPDATE meetings SET title = $2, held_on = $3, place = $4, \
                     chair_user_id = $5, state = $6, summary = $7, pack_sent_at = $8, \
                     held_at = $9, version = version + 1 WHERE id = $1 AND version = $10",
                )
                .bind(m.id)
                .bind(&m.title)
                .bind(m.held_on)
                .bind(&m.place)
                .bind(m.chair_user_id)
                .bind(&m.state)
                .bind(&m.summary)
                .bind(m.pack_sent_at)
                .bind(m.held_at)
                .bind(m.version)
                .execute(&mut *tx)
                .await,
                JointUpdate::AgendaLine(l) => sqlx::query::<$db>(
                    "UPDATE agenda_lines SET position = $2, removed = $3, note = $4 \
                     WHERE id = $1",
                )
                .bind(l.id)
                .bind(l.position)
                .bind(l.removed)
                .bind(&l.note)
                .execute(&mut *tx)
                .await,
                JointUpdate::Inspection(i) => sqlx::query::<$db>(
                    "UPDATE inspections SET state = $2, flags = $3, merged_into = $4, \
                     decided_by = $5, decided_at = $6, comment = $7, window_from = $9, \
                     window_to = $10, people = $11, days_on_site = $12, forms = $13, \
                     version = version + 1 WHERE id = $1 AND version = $8",
                )
                .bind(i.id)
                .bind(&i.state)
                .bind(i.flags.text())
                .bind(i.merged_into)
                .bind(i.decided_by)
                .bind(i.decided_at)
                .bind(&i.comment)
                .bind(i.version)
                .bind(i.window_from)
                .bind(i.window_to)
                .bind(i.people)
                .bind(i.days_on_site)
                .bind(i.forms)
                .execute(&mut *tx)
                .await,
                JointUpdate::AddTargets { inspection_id, unit_ids } => {
                    return add_targets(tx, *inspection_id, unit_ids).await;
                }
                JointUpdate::Overlap(o) => sqlx::query::<$db>(
                    "UPDATE inspection_overlaps SET state = $2, reason = $3, decided_by = $4, \
                     decided_at = $5, version = version + 1 WHERE id = $1 AND version = $6",
                )
                .bind(o.id)
                .bind(&o.state)
                .bind(&o.reason)
                .bind(o.decided_by)
                .bind(o.decided_at)
                .bind(o.version)
                .execute(&mut *tx)
                .await,
            };
            one_row(affected.map_err(err)?.rows_affected(), "row")
        }

        #[async_trait]
        impl JointStore for $store {
            async fn seats(&self, scope_unit_id: i64) -> StoreResult<Vec<SeatRow>> {
                sqlx::query_as::<$db, SeatRow>(sql(format!(
                    "SELECT {SEAT_COLS} FROM {SEAT_FROM} WHERE s.scope_unit_id = $1 \
                     ORDER BY {SEAT_ORDER}"
                )))
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn seats_of_unit(&self, unit_id: i64) -> StoreResult<Vec<SeatRow>> {
                sqlx::query_as::<$db, SeatRow>(sql(format!(
                    "SELECT {SEAT_COLS} FROM {SEAT_FROM} WHERE s.unit_id = $1 \
                     AND s.position IN ('office', 'member') ORDER BY {SEAT_ORDER}"
                )))
                .bind(unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn meetings(&self, scope_unit_id: i64) -> StoreResult<Vec<MeetingRow>> {
                sqlx::query_as::<$db, MeetingRow>(sql(format!(
                    "SELECT {MEETING_COLS} FROM meetings WHERE scope_unit_id = $1 \
                     ORDER BY held_on DESC, id DESC"
                )))
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn meeting(&self, id: i64) -> StoreResult<Option<MeetingRow>> {
                sqlx::query_as::<$db, MeetingRow>(sql(format!(
                    "SELECT {MEETING_COLS} FROM meetings WHERE id = $1"
                )))
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn attendees(&self, meeting_id: i64) -> StoreResult<Vec<SeatRow>> {
                sqlx::query_as::<$db, SeatRow>(sql(format!(
                    "SELECT {SEAT_COLS} FROM {SEAT_FROM} \
                     JOIN meeting_attendees ma ON ma.seat_id = s.id WHERE ma.meeting_id = $1 \
                     ORDER BY {SEAT_ORDER}"
                )))
                .bind(meeting_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn agenda(&self, meeting_id: i64) -> StoreResult<Vec<AgendaLineRow>> {
                sqlx::query_as::<$db, AgendaLineRow>(sql(format!(
                    "SELECT {LINE_COLS} FROM agenda_lines WHERE meeting_id = $1 \
                     ORDER BY position, id"
                )))
                .bind(meeting_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn decisions(&self, meeting_id: i64) -> StoreResult<Vec<DecisionRow>> {
                sqlx::query_as::<$db, DecisionRow>(sql(format!(
                    "SELECT {DECISION_COLS} FROM meeting_decisions WHERE meeting_id = $1 \
                     ORDER BY id"
                )))
                .bind(meeting_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn item_decisions(&self, item_id: i64) -> StoreResult<Vec<DecisionRow>> {
                sqlx::query_as::<$db, DecisionRow>(sql(format!(
                    "SELECT {DECISION_COLS} FROM meeting_decisions WHERE item_id = $1 \
                     ORDER BY id"
                )))
                .bind(item_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn pack(&self, meeting_id: i64) -> StoreResult<Option<(String, DateTime<Utc>)>> {
                sqlx::query_as::<$db, (String, DateTime<Utc>)>(
                    "SELECT content, created_at FROM meeting_packs WHERE meeting_id = $1",
                )
                .bind(meeting_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn meetings_due_for_pack(&self, by: NaiveDate) -> StoreResult<Vec<MeetingRow>> {
                sqlx::query_as::<$db, MeetingRow>(sql(format!(
                    "SELECT {MEETING_COLS} FROM meetings WHERE state = 'planned' \
                     AND pack_sent_at IS NULL AND held_on <= $1 ORDER BY held_on, id LIMIT 100"
                )))
                .bind(by)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn inspections(&self, q: &InspectionQuery) -> StoreResult<Vec<InspectionRow>> {
                let mut d = Dynamic::default();
                let scope = d.arg(Arg::I64(q.scope_unit_id));
                let mut sql = format!(
                    "SELECT {INSPECTION_COLS} FROM inspections WHERE scope_unit_id = {scope}"
                );
                if let Some(b) = q.body_unit_id {
                    sql += &format!(" AND body_unit_id = {}", d.arg(Arg::I64(b)));
                }
                if let Some(f) = q.from {
                    sql += &format!(" AND window_to >= {}", d.arg(Arg::Date(f)));
                }
                if let Some(t) = q.to {
                    sql += &format!(" AND window_from <= {}", d.arg(Arg::Date(t)));
                }
                if !q.states.is_empty() {
                    let ph: Vec<String> =
                        q.states.iter().map(|s| d.arg(Arg::Text(s.clone()))).collect();
                    sql += &format!(" AND state IN ({})", ph.join(", "));
                }
                d.sql = sql + " ORDER BY window_from, id LIMIT 5000";
                fetch_all(self, d).await
            }
            async fn inspection(&self, id: i64) -> StoreResult<Option<InspectionRow>> {
                sqlx::query_as::<$db, InspectionRow>(sql(format!(
                    "SELECT {INSPECTION_COLS} FROM inspections WHERE id = $1"
                )))
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn inspection_targets(&self, ids: &[i64]) -> StoreResult<Vec<InspectionTargetRow>> {
                let mut out = Vec::new();
                for chunk in ids.chunks(500) {
                    let mut d = Dynamic::default();
                    let l = d.list(chunk);
                    d.sql = format!(
                        "SELECT inspection_id, unit_id FROM inspection_targets \
                         WHERE inspection_id IN {l} ORDER BY inspection_id, unit_id"
                    );
                    out.extend(fetch_all::<InspectionTargetRow>(self, d).await?);
                }
                Ok(out)
            }
            async fn overlaps(&self, ids: &[i64]) -> StoreResult<Vec<OverlapRow>> {
                let mut out: Vec<OverlapRow> = Vec::new();
                for chunk in ids.chunks(400) {
                    let mut d = Dynamic::default();
                    let a = d.list(chunk);
                    let b = d.list(chunk);
                    d.sql = format!(
                        "SELECT {OVERLAP_COLS} FROM inspection_overlaps \
                         WHERE inspection_id IN {a} OR other_id IN {b} ORDER BY id"
                    );
                    out.extend(fetch_all::<OverlapRow>(self, d).await?);
                }
                out.sort_by_key(|o| o.id);
                out.dedup_by_key(|o| o.id);
                Ok(out)
            }
            async fn overlap(&self, id: i64) -> StoreResult<Option<OverlapRow>> {
                sqlx::query_as::<$db, OverlapRow>(sql(format!(
                    "SELECT {OVERLAP_COLS} FROM inspection_overlaps WHERE id = $1"
                )))
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn inspection_findings(
                &self,
                inspection_id: i64,
            ) -> StoreResult<Vec<InspectionFindingRow>> {
                sqlx::query_as::<$db, InspectionFindingRow>(sql(format!(
                    "SELECT {INSP_FINDING_COLS} FROM inspection_findings WHERE inspection_id = $1 \
                     ORDER BY id"
                )))
                .bind(inspection_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn items_by_id(&self, ids: &[i64]) -> StoreResult<Vec<ItemRow>> {
                let mut out = Vec::new();
                for chunk in ids.chunks(500) {
                    let mut d = Dynamic::default();
                    let l = d.list(chunk);
                    d.sql = format!("SELECT {ITEM_COLS} FROM items i WHERE i.id IN {l}");
                    out.extend(fetch_all::<ItemRow>(self, d).await?);
                }
                Ok(out)
            }
            async fn item_finding(&self, item_id: i64) -> StoreResult<Option<InspectionFindingRow>> {
                sqlx::query_as::<$db, InspectionFindingRow>(sql(format!(
                    "SELECT {INSP_FINDING_COLS} FROM inspection_findings WHERE item_id = $1 \
                     ORDER BY id LIMIT 1"
                )))
                .bind(item_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
        }
    };
}
