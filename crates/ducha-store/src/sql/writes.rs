//! The write half of the shared SQL: row updates and inserts, and the chained event append.
//! A whole transaction's commits and numbering are in `whole_writes.rs`, the upkeep of the
//! assessment's facts in `score_facts.rs`.

/// Implements the write path and `EventStore` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_writes {
    ($store:ty, $db:ty) => {
    async fn apply_update(
        tx: &mut Tx,
        u: &Update,
        ev: &mut EventDraft,
        held: Option<&Whole<$db>>,
    ) -> StoreResult<()> {
        let claimed = held.map(|w| &w.counters);
        let affected = match u {
            // A whole transaction keeps an item's update back (see `Kept::item`).
            Update::Item(r) if held.is_some() => {
                if let Some(w) = held {
                    if let Some(k) = w.keep_item(r)? {
                        write_replaced(tx, w, k).await?;
                    }
                }
                return Ok(());
            }
            Update::Item(r) => return update_item(tx, r, r.version, None, false).await,
            Update::NumberItem { item_id, year, prefix, .. } => {
                // Counted per prefix: two jurisdictions with the same short name (白河县,
                // 白河镇) share one sequence, so numbers stay unique.
                let seq =
                    claim_number(tx, claimed, format!("item:{prefix}"), i64::from(*year)).await?;
                let number = $crate::reexport::ducha_domain::item::format_number(prefix, *year, seq);
                ev.payload["number"] = serde_json::Value::String(number.clone());
                if let Some(w) = held {
                    if w.fold_into_item(*item_id, Some(&number), false)? {
                        return Ok(());
                    }
                }
                sqlx::query::<$db>("UPDATE items SET number = $2 WHERE id = $1")
                    .bind(item_id)
                    .bind(number)
                    .execute(&mut *tx)
                    .await
            }
            Update::Assignment(r) => sqlx::query::<$db>(
                "UPDATE assignments SET responsible_user_id = $2, deadline = $3, \
                 state = $4, signed_at = $5, completed_at = $6, returned_count = $7, \
                 progress = $8, last_report_at = $9, returned_open = $11, light = $12, \
                 light_reason = $13, role = $14, version = version + 1 \
                 WHERE id = $1 AND version = $10",
            )
            .bind(r.id)
            .bind(r.responsible_user_id)
            .bind(r.deadline)
            .bind(r.state.as_str())
            .bind(r.signed_at)
            .bind(r.completed_at)
            .bind(r.returned_count)
            .bind(r.progress)
            .bind(r.last_report_at)
            .bind(r.version)
            .bind(r.returned_open)
            .bind(r.light)
            .bind(&r.light_reason)
            .bind(r.role.as_str())
            .execute(&mut *tx)
            .await,
            Update::Report(r) => sqlx::query::<$db>(
                "UPDATE reports SET state = $2, reviewer_id = $3, reviewed_at = $4, \
                 review_comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
            )
            .bind(r.id)
            .bind(r.state.as_str())
            .bind(r.reviewer_id)
            .bind(r.reviewed_at)
            .bind(&r.review_comment)
            .bind(r.version)
            .execute(&mut *tx)
            .await,
            Update::Help(r) => sqlx::query::<$db>(
                "UPDATE help_requests SET answer = $2, answered_by = $3, answered_at = $4, \
                 version = version + 1 WHERE id = $1 AND version = $5",
            )
            .bind(r.id)
            .bind(&r.answer)
            .bind(r.answered_by)
            .bind(r.answered_at)
            .bind(r.version)
            .execute(&mut *tx)
            .await,
            Update::Extension(r) => sqlx::query::<$db>(
                "UPDATE extensions SET state = $2, decided_by = $3, decided_at = $4, \
                 comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
            )
            .bind(r.id)
            .bind(r.state.as_str())
            .bind(r.decided_by)
            .bind(r.decided_at)
            .bind(&r.comment)
            .bind(r.version)
            .execute(&mut *tx)
            .await,
            Update::Refusal(r) => sqlx::query::<$db>(
                "UPDATE refusals SET state = $2, decided_by = $3, decided_at = $4, \
                 comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
            )
            .bind(r.id)
            .bind(r.state.as_str())
            .bind(r.decided_by)
            .bind(r.decided_at)
            .bind(&r.comment)
            .bind(r.version)
            .execute(&mut *tx)
            .await,
            Update::Notice(n) => sqlx::query::<$db>(
                "UPDATE notices SET state = $2, acknowledged_by = $3, acknowledged_at = $4, \
                 resolved_on = $5, version = version + 1 WHERE id = $1 AND version = $6",
            )
            .bind(n.id)
            .bind(n.state.as_str())
            .bind(n.acknowledged_by)
            .bind(n.acknowledged_at)
            .bind(n.resolved_on)
            .bind(n.version)
            .execute(&mut *tx)
            .await,
            Update::ItemLight { item_id } => {
                if let Some(w) = held {
                    if w.fold_into_item(*item_id, None, true)? {
                        return Ok(());
                    }
                    // The roll-up reads the assignments: those kept back are written first.
                    w.flush(tx, $crate::sql::whole::Flush::Item).await?;
                }
                sqlx::query::<$db>(
                    "UPDATE items SET light = (SELECT MAX(a.light) FROM assignments a \
                     WHERE a.item_id = items.id) WHERE id = $1",
                )
                .bind(item_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                return Ok(());
            }
            Update::Calendar(entries) => {
                // A file replaces the years it covers: a wrongly loaded day can be taken out.
                let mut years: Vec<i32> = entries
                    .iter()
                    .map(|e| $crate::reexport::chrono::Datelike::year(&e.date))
                    .collect();
                years.sort_unstable();
                years.dedup();
                for y in years {
                    let (Some(from), Some(to)) = (
                        $crate::reexport::chrono::NaiveDate::from_ymd_opt(y, 1, 1),
                        $crate::reexport::chrono::NaiveDate::from_ymd_opt(y, 12, 31),
                    ) else {
                        continue;
                    };
                    sqlx::query::<$db>("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
                        .bind(from)
                        .bind(to)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                }
                for e in entries {
                    sqlx::query::<$db>(
                        "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
                         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                    )
                    .bind(e.date)
                    .bind(match e.kind {
                        $crate::reexport::ducha_domain::calendar::DayOverride::Holiday => "holiday",
                        $crate::reexport::ducha_domain::calendar::DayOverride::Workday => "workday",
                    })
                    .bind(&e.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
                // Every node polls the generation and reloads its calendar when it moved.
                sqlx::query::<$db>(
                    "UPDATE calendar_generation SET generation = generation + 1 WHERE id = 1",
                )
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                return Ok(());
            }
            Update::Appeal(a) => return one_row(update_appeal(tx, a).await?, "appeal"),
            Update::Joint(j) => return update_joint(tx, j).await,
            Update::Proposal(p) => return update_proposal(tx, p).await,
            Update::CitizenAppeal(a) => return update_citizen_appeal(tx, a).await,
            Update::AppealMapping(m) => return save_appeal_mapping(tx, m).await,
            Update::Bulletin(b) => return update_bulletin(tx, b).await,
            Update::BulletinMentions { bulletin_id, mentions } => {
                return save_bulletin_mentions(tx, *bulletin_id, mentions).await;
            }
            Update::PublishBulletin { id, version, year, at, notify } => {
                return publish_bulletin(tx, *id, *version, *year, *at, notify, ev).await;
            }
            Update::HotLink(l) => return hot_link(tx, l).await,
            Update::AppealsClosed { item_id } => return close_appeals(tx, *item_id).await,
            Update::Hop(p) => return apply_hop_patch(tx, p).await,
            Update::HopDone(st) => return apply_hop_done(tx, st).await,
            Update::ResolveFindings { assignment_id, at } => {
                return resolve_findings(tx, *assignment_id, *at).await;
            }
            Update::Unlock { user_id } => sqlx::query::<$db>(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await,
            Update::UserRoles { user_id, roles } => {
                let text = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
                sqlx::query::<$db>("UPDATE users SET roles = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(text)
                    .execute(&mut *tx)
                    .await
            }
            Update::UserPosition { user_id, position } => {
                sqlx::query::<$db>("UPDATE users SET position = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(position)
                    .execute(&mut *tx)
                    .await
            }
            Update::UserActive { user_id, active } => {
                sqlx::query::<$db>("UPDATE users SET active = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(active)
                    .execute(&mut *tx)
                    .await
            }
            Update::Password { user_id, hash, must_change, at } => {
                // The hash being replaced joins the history (reuse is refused against it).
                sqlx::query::<$db>(
                    "INSERT INTO password_history (user_id, password_hash, changed_at) \
                     SELECT id, password_hash, $2 FROM users WHERE id = $1",
                )
                .bind(user_id)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                sqlx::query::<$db>(
                    "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
                     (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT 5)",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                sqlx::query::<$db>(
                    "UPDATE users SET password_hash = $2, failed_logins = 0, \
                     locked_until = NULL, must_change_password = $3 WHERE id = $1",
                )
                .bind(user_id)
                .bind(hash)
                .bind(must_change)
                .execute(&mut *tx)
                .await
            }
        };
        one_row(affected.map_err(err)?.rows_affected(), "row")
    }

    /// The multi-row INSERT of new assignments `rows`, with their ids where given (reserved
    /// by a whole transaction, see `reserved_id`; all or none), numbered by the database
    /// otherwise.
    fn assignments_insert(rows: &[(Option<i64>, &NewAssignment)]) -> sqlx::QueryBuilder<$db> {
        let id = if rows.first().is_some_and(|r| r.0.is_some()) { "id, " } else { "" };
        let mut q = sqlx::QueryBuilder::<$db>::new(format!(
            "INSERT INTO assignments ({id}item_id, parent_id, unit_id, unit_path, role, \
             responsible_user_id, deadline, original_deadline, targets, instructions, \
             state, dispatched_at, dispatched_by, light, light_reason) "
        ));
        q.push_values(rows, |mut b, (given, a)| {
            if let Some(given) = given {
                b.push_bind(*given);
            }
            b.push_bind(a.item_id)
                .push_bind(a.parent_id)
                .push_bind(a.unit_id)
                .push_bind(a.unit_path.as_str().to_string())
                .push_bind(a.role.as_str())
                .push_bind(a.responsible_user_id)
                .push_bind(a.deadline)
                .push_bind(a.deadline)
                .push_bind(Json(&a.targets).text())
                .push_bind(a.instructions.clone())
                .push_bind("pending")
                .push_bind(a.dispatched_at)
                .push_bind(a.dispatched_by)
                .push_bind(a.light)
                .push_bind(a.light_reason.clone());
        });
        q
    }

    /// Inserts new assignments, each to a unit of its own under its parent, in one
    /// statement; returns their ids in `run`'s order (matched by unit and parent, not by the
    /// order the database returns them in).
    async fn insert_assignments(tx: &mut Tx, run: &[&NewAssignment]) -> StoreResult<Vec<i64>> {
        let rows: Vec<(Option<i64>, &NewAssignment)> = run.iter().map(|a| (None, *a)).collect();
        let mut q = assignments_insert(&rows);
        q.push(" RETURNING id, unit_id, parent_id");
        let rows: Vec<(i64, i64, Option<i64>)> = q
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(err)?;
        run.iter()
            .map(|a| {
                rows.iter()
                    .find(|r| r.1 == a.unit_id && r.2 == a.parent_id)
                    .map(|r| r.0)
                    .ok_or_else(|| StoreError::Other("an assignment inserted went missing".into()))
            })
            .collect()
    }

    async fn insert_notification(tx: &mut Tx, n: &NewNotification, notice: Option<(i64, &str)>) -> StoreResult<i64> {
        let fill = |t: &str| notice.map_or_else(|| t.to_string(), |(_, num)| t.replace("{number}", num));
        sqlx::query_scalar::<$db, i64>(
            "INSERT INTO notifications (user_id, kind, title, body, link, urgent, item_id, \
             notice_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(n.user_id)
        .bind(&n.kind)
        .bind(fill(&n.title))
        .bind(fill(&n.body))
        .bind(&n.link)
        .bind(n.urgent)
        .bind(n.item_id)
        .bind(notice.map(|(id, _)| id).or(n.notice_id))
        .bind(n.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(err)
    }

    async fn insert_outbox(tx: &mut Tx, o: &NewOutbox, number: Option<&str>) -> StoreResult<i64> {
        let message = match number {
            // The number is plain text (prefix, year, digits): JSON-safe inside a string.
            Some(num) => o.message.replace("{number}", num),
            None => o.message.clone(),
        };
        sqlx::query_scalar::<$db, i64>(
            "INSERT INTO outbox (created_at, kind, channel, target, message, digest_key, \
             state, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $1) RETURNING id",
        )
        .bind(o.created_at)
        .bind(&o.kind)
        .bind(&o.channel)
        .bind(&o.target)
        .bind(message)
        .bind(&o.digest_key)
        .bind(if o.digest_key.is_some() { "held" } else { "pending" })
        .fetch_one(&mut *tx)
        .await
        .map_err(err)
    }

    async fn apply_insert(
        tx: &mut Tx,
        i: &Insert,
        ev: &mut EventDraft,
        (last_notice, last_joint): (&mut Option<i64>, &mut Option<i64>),
        held: Option<&Whole<$db>>,
        keep_new: bool,
    ) -> StoreResult<i64> {
        let claimed = held.map(|w| &w.counters);
        let id = match i {
            Insert::Notice(n) => {
                let year = $crate::reexport::chrono::Datelike::year(&n.issued_on);
                let seq =
                    claim_number(tx, claimed, format!("notice:{}", n.prefix), i64::from(year))
                        .await?;
                let number = $crate::reexport::ducha_domain::item::format_number(&n.prefix, year, seq);
                let id = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO notices (number, item_id, assignment_id, unit_id, unit_path, \
                     level, cause, requirement, issued_on, deadline, state, issued_by, \
                     issued_at, previous_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     'open', $11, $12, $13) RETURNING id",
                )
                .bind(&number)
                .bind(n.item_id)
                .bind(n.assignment_id)
                .bind(n.unit_id)
                .bind(&n.unit_path)
                .bind(n.level.as_str())
                .bind(n.cause.as_str())
                .bind(&n.requirement)
                .bind(n.issued_on)
                .bind(n.deadline)
                .bind(n.issued_by)
                .bind(n.issued_at)
                .bind(n.previous_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                for x in &n.notify {
                    insert_notification(tx, x, Some((id, &number))).await?;
                }
                for o in &n.outbox {
                    insert_outbox(tx, o, Some(&number)).await?;
                }
                ev.payload["number"] = serde_json::Value::String(number);
                *last_notice = Some(id);
                id
            }
            Insert::Summons { unit_id, reds, created_at } => {
                let notice = last_notice.ok_or_else(|| {
                    StoreError::Other("a summons needs a notice before it in the change".into())
                })?;
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO summons (unit_id, notice_id, reds, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(unit_id)
                .bind(notice)
                .bind(reds)
                .bind(created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?
            }
            Insert::RuleSet(_) | Insert::ScorePeriod(_) | Insert::Appeal(_) => {
                insert_assessment(tx, i).await?
            }
            Insert::Joint(j) => insert_joint(tx, j, last_joint).await?,
            Insert::Proposal(p) => insert_proposal(tx, p).await?,
            Insert::CitizenAppeal(a) => insert_citizen_appeal(tx, a).await?,
            Insert::LedgerRef(r) => insert_ledger_ref(tx, r, ev, held).await?,
            Insert::HotTurn(t) => hot_turn(tx, t, ev).await?,
            Insert::Bulletin(b) => insert_bulletin(tx, b).await?,
            Insert::Satisfaction(a) => insert_satisfaction(tx, a).await?,
            Insert::Finding(_) => {
                return Err(StoreError::Other("a finding is written after its event".into()));
            }
            Insert::Notification(n) => insert_notification(tx, n, None).await?,
            Insert::Outbox(o) => insert_outbox(tx, o, None).await?,
            Insert::Unit(u) => {
                let id = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO units (parent_id, name, kind, sort) VALUES ($1, $2, $3, $4) \
                     RETURNING id",
                )
                .bind(u.parent.as_ref().map(|p| p.0))
                .bind(&u.name)
                .bind(u.kind.as_str())
                .bind(u.sort)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                let path = match &u.parent {
                    Some((_, p)) => p.child(id.into()),
                    None => UnitPath::root(id.into()),
                };
                sqlx::query::<$db>(
                    "UPDATE units SET path = $2, jurisdiction_path = CASE WHEN $3 THEN $2 \
                     ELSE COALESCE((SELECT p.jurisdiction_path FROM units p \
                     WHERE p.id = units.parent_id), $2) END WHERE id = $1",
                )
                .bind(id)
                .bind(path.as_str())
                .bind(u.kind.is_jurisdiction())
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                ev.unit_id.get_or_insert(id);
                id
            }
            Insert::User(u) => sqlx::query_scalar::<$db, i64>(
                "INSERT INTO users (username, display_name, unit_id, roles, password_hash, \
                 phone, email, must_change_password, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
            )
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(u.unit_id)
            .bind($crate::reexport::ducha_domain::org::roles_to_string(&u.roles))
            .bind(&u.password_hash)
            .bind(&u.phone)
            .bind(&u.email)
            .bind(u.must_change_password)
            .bind(&u.position)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?,
            Insert::Item(n) => {
                let s = &n.spec;
                // A whole transaction on PostgreSQL keeps the new row back (see
                // `Kept::new_items`), its id reserved.
                if let Some(w) = held.filter(|_| keep_new) {
                    if let Some(id) = reserved_id(tx, w, "items").await? {
                        let row = ItemRow {
                            id,
                            number: None,
                            title: s.title.clone(),
                            description: s.description.clone(),
                            source: s.source,
                            category: s.category,
                            priority: s.priority,
                            targets: Json(s.targets.clone()),
                            deadline: s.deadline,
                            cadence: Json(s.cadence.clone()),
                            leader_id: s.leader_id,
                            public: s.public,
                            state: $crate::reexport::ducha_domain::item::ItemState::Draft,
                            scope_unit_id: n.scope_unit_id,
                            scope_path: PathCol(n.scope_path.clone()),
                            owner_unit_id: n.owner_unit_id,
                            created_by: n.created_by,
                            created_at: n.created_at,
                            dispatched_at: None,
                            closed_at: None,
                            light: None,
                            deadline_working_days: s.deadline_working_days.map(i64::from),
                            version: 0,
                        };
                        if let Some(k) = w.keep_new_item(row)? {
                            write_replaced(tx, w, k).await?;
                        }
                        ev.item_id.get_or_insert(id);
                        return Ok(id);
                    }
                }
                let id = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO items (title, description, source, category, priority, \
                     targets, deadline, cadence, leader_id, public, state, scope_unit_id, \
                     scope_path, owner_unit_id, created_by, created_at, \
                     deadline_working_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     'draft', $11, $12, $13, $14, $15, $16) RETURNING id",
                )
                .bind(&s.title)
                .bind(&s.description)
                .bind(s.source.as_str())
                .bind(s.category.as_str())
                .bind(s.priority.as_str())
                .bind(Json(&s.targets).text())
                .bind(s.deadline)
                .bind(Json(&s.cadence).text())
                .bind(s.leader_id)
                .bind(s.public)
                .bind(n.scope_unit_id)
                .bind(n.scope_path.as_str())
                .bind(n.owner_unit_id)
                .bind(n.created_by)
                .bind(n.created_at)
                .bind(s.deadline_working_days.map(i64::from))
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                ev.item_id.get_or_insert(id);
                id
            }
            Insert::Assignment(a) => {
                if let Some(w) = held.filter(|_| keep_new) {
                    if let Some(id) = reserved_id(tx, w, "assignments").await? {
                        w.keep_assignment(id, a)?;
                        return Ok(id);
                    }
                }
                let id = insert_assignments(tx, &[a])
                    .await?
                    .first()
                    .copied()
                    .ok_or_else(|| StoreError::Other("an assignment inserted went missing".into()))?;
                match held {
                    Some(w) => w.keep_hops(id, a)?,
                    None => insert_hop_facts(tx, &[(id, a)]).await?,
                }
                id
            }
            Insert::Report(r) => {
                let id = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO reports (assignment_id, item_id, author_id, kind, text, \
                     percent, metrics, problems, state, submitted_at) VALUES ($1, $2, $3, $4, \
                     $5, $6, $7, $8, 'pending', $9) RETURNING id",
                )
                .bind(r.assignment_id)
                .bind(r.item_id)
                .bind(r.author_id)
                .bind(r.spec.kind.as_str())
                .bind(&r.spec.text)
                .bind(r.spec.percent)
                .bind(Json(&r.spec.metrics).text())
                .bind(&r.spec.problems)
                .bind(r.submitted_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                for (position, evidence_id) in (0_i64..).zip(&r.spec.evidence_ids) {
                    sqlx::query::<$db>(
                        "INSERT INTO report_evidence (report_id, evidence_id, position) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(evidence_id)
                    .bind(position)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
                id
            }
            Insert::Help(h) => sqlx::query_scalar::<$db, i64>(
                "INSERT INTO help_requests (assignment_id, item_id, from_unit_id, \
                 to_unit_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5, \
                 $6, $7) RETURNING id",
            )
            .bind(h.assignment_id)
            .bind(h.item_id)
            .bind(h.from_unit_id)
            .bind(h.to_unit_id)
            .bind(&h.text)
            .bind(h.created_by)
            .bind(h.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?,
            Insert::Extension(x) => sqlx::query_scalar::<$db, i64>(
                "INSERT INTO extensions (assignment_id, item_id, old_deadline, \
                 requested_deadline, reason, state, created_by, created_at) VALUES ($1, \
                 $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
            )
            .bind(x.assignment_id)
            .bind(x.item_id)
            .bind(x.old_deadline)
            .bind(x.requested_deadline)
            .bind(&x.reason)
            .bind(x.created_by)
            .bind(x.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?,
            Insert::Refusal(r) => sqlx::query_scalar::<$db, i64>(
                "INSERT INTO refusals (assignment_id, item_id, reason, state, created_by, \
                 created_at) VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id",
            )
            .bind(r.assignment_id)
            .bind(r.item_id)
            .bind(&r.reason)
            .bind(r.created_by)
            .bind(r.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?,
        };
        Ok(id)
    }

    async fn insert_event(tx: &mut Tx, rec: &EventRecord) -> StoreResult<()> {
        insert_events(tx, std::slice::from_ref(rec)).await
    }

    /// Writes chained events in chain order, a few hundred to a statement (one commit's, or
    /// what a whole transaction kept back: see `Kept::events`).
    async fn insert_events(tx: &mut Tx, recs: &[EventRecord]) -> StoreResult<()> {
        for chunk in recs.chunks(500) {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO events (seq, at, actor_user, actor_unit, kind, item_id, \
                 assignment_id, unit_id, payload, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, rec| {
                b.push_bind(rec.seq)
                    .push_bind(rec.at)
                    .push_bind(rec.actor_user)
                    .push_bind(rec.actor_unit)
                    .push_bind(&rec.kind)
                    .push_bind(rec.item_id)
                    .push_bind(rec.assignment_id)
                    .push_bind(rec.unit_id)
                    .push_bind(&rec.payload)
                    .push_bind(&rec.prev_hash)
                    .push_bind(&rec.hash);
            });
            q.build().execute(&mut *tx).await.map_err(err)?;
        }
        Ok(())
    }

    /// Appends the event after the chain head. With the head this process saw last, one
    /// conditional UPDATE moves the head (and takes its row lock); if another writer got
    /// there first, the head is read under the lock instead.
    async fn append_event(
        tx: &mut Tx,
        ev: &EventDraft,
        cached: Option<(i64, String, HashAlgo)>,
    ) -> StoreResult<(EventRecord, HashAlgo)> {
        if let Some((seq, hash, algo)) = cached {
            let rec = EventRecord::chain(algo, (seq, &hash), ev);
            let moved = sqlx::query::<$db>(
                "UPDATE event_chain SET seq = $2, hash = $3 \
                 WHERE id = 1 AND seq = $1 AND hash = $4",
            )
            .bind(seq)
            .bind(rec.seq)
            .bind(&rec.hash)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected();
            if moved == 1 {
                insert_event(tx, &rec).await?;
                return Ok((rec, algo));
            }
        }
        let (seq, prev_hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
            "UPDATE event_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1, hash, algo",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let algo: HashAlgo = algo
            .parse()
            .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
        let rec = EventRecord::chain(algo, (seq, &prev_hash), ev);
        insert_event(tx, &rec).await?;
        sqlx::query::<$db>("UPDATE event_chain SET hash = $1 WHERE id = 1")
            .bind(&rec.hash)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        Ok((rec, algo))
    }

    /// Applies a change inside an open transaction: its rows, then its event after the
    /// chain head `cached` (the head seen last, if any). Returns the outcome and the
    /// chain's algorithm; the caller commits.
    pub(super) async fn apply_change(
        tx: &mut Tx,
        change: Change,
        cached: Option<(i64, String, HashAlgo)>,
    ) -> StoreResult<(Committed, HashAlgo)> {
        let prepared = prepare_change(tx, change, None).await?;
        let (rec, algo) = append_event(tx, &prepared.event, cached).await?;
        let committed = finish_change(tx, prepared, rec, None).await?;
        Ok((committed, algo))
    }

    /// A change whose rows are written and whose event is ready to be chained.
    pub(super) struct Prepared {
        /// The ids of the rows inserted, in the change's order.
        pub ids: Vec<i64>,
        /// The event, with the ids in its payload.
        pub event: EventDraft,
        /// Derived analytics rows, written after the event (they follow the events' order).
        derived: Vec<Update>,
        /// Findings, which cite the event.
        findings: Vec<Insert>,
        /// The assessment's facts it makes stale.
        touched: Touched,
    }

    /// The first half of [`apply_change`]: writes the change's own rows (every check of the
    /// change itself runs here) and returns its event, not yet chained. Touches no chain row,
    /// so a group commit runs this for many changes before it claims the chain head once.
    /// `held`: the whole transaction it runs in, if any (its counters, see [`claim_number`],
    /// and the rows it keeps back, see [`Kept`]).
    pub(super) async fn prepare_change(
        tx: &mut Tx,
        change: Change,
        held: Option<&Whole<$db>>,
    ) -> StoreResult<Prepared> {
        // New items and assignments are kept back (see `Kept::new_items`) only in a change
        // whose other rows are kept too: a row written at once may refer to them.
        let keep_new = held.is_some() && $crate::sql::whole::keeps_event_back(&change);
        let Change { updates, inserts, mut event } = change;
        let mut touched = touched_facts(tx, &updates, &inserts, &event, held.is_some()).await?;
        // Item light roll-ups run last, when the change's assignments are written.
        let (roll_ups, updates): (Vec<_>, Vec<_>) =
            updates.into_iter().partition(|u| matches!(u, Update::ItemLight { .. }));
        // Derived analytics rows are written after the event, under the chain's lock, so the
        // hop log's order is the events' order on every backend.
        let (derived, updates): (Vec<_>, Vec<_>) = updates.into_iter().partition(|u| {
            matches!(u, Update::Hop(_) | Update::HopDone(_) | Update::ResolveFindings { .. })
        });
        for u in &updates {
            apply_update(tx, u, &mut event, held).await?;
        }
        // Findings cite the event, so they are written after it (and are not among `ids`).
        let (findings, inserts): (Vec<_>, Vec<_>) =
            inserts.into_iter().partition(|i| matches!(i, Insert::Finding(_)));
        let mut ids = Vec::with_capacity(inserts.len());
        let mut last_notice = None;
        let mut last_joint = None;
        let mut k = 0;
        while k < inserts.len() {
            // In a whole transaction a run of new assignments, each to a unit of its own, is
            // one statement (a dispatch to a lead and its co-units).
            if let Some(w) = held {
                let run: Vec<&NewAssignment> = inserts[k..]
                    .iter()
                    .map_while(|i| match i {
                        Insert::Assignment(a) => Some(a),
                        _ => None,
                    })
                    .collect();
                let keys: std::collections::HashSet<(i64, Option<i64>)> =
                    run.iter().map(|a| (a.unit_id, a.parent_id)).collect();
                if run.len() > 1 && keep_new && <$db as sqlx::Database>::NAME == "PostgreSQL" {
                    // Kept back, ids reserved (see `Kept::assignments`).
                    for a in &run {
                        let id = reserved_id(tx, w, "assignments").await?.ok_or_else(|| {
                            StoreError::Other("no id could be reserved".into())
                        })?;
                        w.keep_assignment(id, a)?;
                        ids.push(id);
                    }
                    k += run.len();
                    continue;
                }
                if run.len() > 1 && keys.len() == run.len() {
                    let got = insert_assignments(tx, &run).await?;
                    for (a, id) in run.iter().zip(&got) {
                        w.keep_hops(*id, a)?;
                    }
                    k += run.len();
                    ids.extend(got);
                    continue;
                }
            }
            ids.push(apply_insert(tx, &inserts[k], &mut event, (&mut last_notice, &mut last_joint), held, keep_new).await?);
            k += 1;
        }
        for u in &roll_ups {
            apply_update(tx, u, &mut event, held).await?;
        }
        for (i, id) in inserts.iter().zip(&ids) {
            if let Insert::Assignment(a) = i {
                touched
                    .assignments
                    .push((*id, Some(a.item_id), FactSource::Unfinished.bit()));
            }
        }
        if !ids.is_empty() && event.payload.is_object() {
            event.payload["ids"] = serde_json::json!(ids);
        }
        Ok(Prepared { ids, event, derived, findings, touched })
    }

    /// The second half of [`apply_change`], once the event is chained as `rec` (and the
    /// chain head's lock is held): the derived rows and the findings that cite the event.
    /// `stale`: a whole transaction's items whose facts are derived before its commit (see
    /// [`defer_touched`]); otherwise they are derived here.
    pub(super) async fn finish_change(
        tx: &mut Tx,
        prepared: Prepared,
        rec: EventRecord,
        stale: Option<&std::sync::Mutex<StaleFacts>>,
    ) -> StoreResult<Committed> {
        let Prepared { ids, mut event, derived, findings, touched } = prepared;
        for u in &derived {
            apply_update(tx, u, &mut event, None).await?;
        }
        for f in &findings {
            if let Insert::Finding(f) = f {
                insert_finding(tx, f, rec.seq, None).await?;
            }
        }
        match stale {
            Some(stale) => defer_touched(tx, touched, stale).await?,
            None => refresh_touched(tx, touched).await?,
        }
        Ok(Committed { ids, event: rec })
    }

    #[async_trait]
    impl EventStore for $store {
        async fn commit(&self, change: Change) -> StoreResult<Committed> {
            self.commit_change(change).await
        }
        async fn begin_whole(&self) -> StoreResult<std::sync::Arc<dyn Store>> {
            Ok(std::sync::Arc::new(self.whole().await?))
        }
        async fn end_whole(&self, commit: bool) -> StoreResult<()> {
            self.end_whole_transaction(commit).await
        }
        async fn item_events(&self, item_id: i64) -> StoreResult<Vec<EventRecord>> {
            let rows = sqlx::query_as::<$db, EventRow>(sql(format!(
                "SELECT {EVENT_COLS} FROM events WHERE item_id = $1 ORDER BY seq"
            )))
            .bind(item_id)
            .fetch_all(self.reader())
            .await
            .map_err(err)?;
            Ok(rows.into_iter().map(Into::into).collect())
        }
        async fn recent_item_events(
            &self,
            item_id: i64,
            latest: i64,
        ) -> StoreResult<Vec<EventRecord>> {
            let rows = sqlx::query_as::<$db, EventRow>(sql(format!(
                "SELECT {EVENT_COLS} FROM events WHERE item_id = $1 ORDER BY seq DESC LIMIT $2"
            )))
            .bind(item_id)
            .bind(latest)
            .fetch_all(self.reader())
            .await
            .map_err(err)?;
            Ok(rows.into_iter().rev().map(Into::into).collect())
        }
        async fn events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<EventRecord>> {
            if <$db as sqlx::Database>::NAME == "SQLite"
                && let Some(rows) = packed_events_after(self, after, limit).await?
            {
                return Ok(rows);
            }
            let rows = sqlx::query_as::<$db, EventRow>(sql(format!(
                "SELECT {EVENT_COLS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after)
            .bind(limit)
            .fetch_all(self.reader())
            .await
            .map_err(err)?;
            Ok(rows.into_iter().map(Into::into).collect())
        }
        async fn replay_events_after(
            &self,
            after: i64,
            limit: i64,
        ) -> StoreResult<Vec<ReplayEvent>> {
            if <$db as sqlx::Database>::NAME == "SQLite"
                && let Some(rows) = packed_replay_events_after(self, after, limit).await?
            {
                return Ok(rows);
            }
            sqlx::query_as::<$db, ReplayEvent>(
                "SELECT seq, at, kind, item_id, assignment_id, payload FROM events \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(self.reader())
            .await
            .map_err(err)
        }
        async fn chain_head(&self) -> StoreResult<(i64, String, HashAlgo)> {
            let (seq, hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
                "SELECT seq, hash, algo FROM event_chain WHERE id = 1",
            )
            .fetch_one(self.reader())
            .await
            .map_err(err)?;
            let algo = algo
                .parse()
                .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
            Ok((seq, hash, algo))
        }
        async fn init_chain(&self, algo: HashAlgo) -> StoreResult<HashAlgo> {
            sqlx::query::<$db>("UPDATE event_chain SET algo = $1 WHERE id = 1 AND seq = 0")
                .bind(algo.as_str())
                .execute(self.writer())
                .await
                .map_err(err)?;
            Ok(self.chain_head().await?.2)
        }
    }

        /// A page of the event log from SQLite as one text (rows split by U+001E, fields by
        /// U+001F, the payload last). As for the sweep's rows, sqlx-sqlite copies each value of
        /// each row on its connection thread and hands rows over one by one, which costs more
        /// than the query for the millions of events a replay or an audit reads. `None` when a
        /// row does not read back exactly as the typed query would decode it, or the page is
        /// not the consecutive run of events asked for: the caller then runs the typed query.
        async fn packed_events_after(
            store: &$store,
            after: i64,
            limit: i64,
        ) -> StoreResult<Option<Vec<EventRecord>>> {
            let cols = [
                "seq", "at", "actor_user", "actor_unit", "kind", "item_id", "assignment_id",
                "unit_id", "prev_hash", "hash", "payload",
            ];
            packed_page(store, &cols, after, limit, unpack_event, |r| r.seq).await
        }

        /// [`packed_events_after`] with only what a replay reads.
        async fn packed_replay_events_after(
            store: &$store,
            after: i64,
            limit: i64,
        ) -> StoreResult<Option<Vec<ReplayEvent>>> {
            let cols = ["seq", "at", "kind", "item_id", "assignment_id", "payload"];
            packed_page(store, &cols, after, limit, unpack_replay_event, |r| r.seq).await
        }

        /// The events after `after` (at most `limit`), columns `cols` (the payload last),
        /// packed into one text and each row decoded by `unpack`: `None` when a row does not
        /// read back, or the page is not the consecutive run of events asked for.
        async fn packed_page<T>(
            store: &$store,
            cols: &[&str],
            after: i64,
            limit: i64,
            unpack: fn(&str) -> Option<T>,
            seq: fn(&T) -> i64,
        ) -> StoreResult<Option<Vec<T>>> {
            // `%s` throughout; a NULL prints as nothing (ids are never empty otherwise).
            let mut d = Dynamic::default();
            d.sql = format!(
                "SELECT {} FROM events WHERE seq > {} ORDER BY seq LIMIT {}",
                cols.join(", "),
                d.arg(Arg::I64(after)),
                d.arg(Arg::I64(limit))
            );
            let Some((text, n)) = fetch_packed(store, d, cols).await? else {
                return Ok(Some(Vec::new()));
            };
            let mut rows: Vec<T> =
                Vec::with_capacity(usize::try_from(limit.clamp(0, 100_000)).unwrap_or(0));
            for line in text.split('\u{1e}') {
                match unpack(line) {
                    Some(r) => rows.push(r),
                    None => return Ok(None),
                }
            }
            // group_concat keeps the subquery's order in practice, not by contract; and a
            // payload holding a separator would show as a gap or a short row.
            if !rows.is_sorted_by_key(seq) {
                rows.sort_unstable_by_key(seq);
            }
            let consecutive = rows.windows(2).all(|w| seq(&w[1]) == seq(&w[0]) + 1);
            let first_ok = rows.first().is_none_or(|r| seq(r) > after);
            Ok((consecutive && first_ok && rows.len() as i64 == n).then_some(rows))
        }

        /// An optional id of a packed row: empty for NULL; `None` if it does not read back.
        fn packed_id(s: &str) -> Option<Option<i64>> {
            match s {
                "" => Some(None),
                s => s.parse().ok().map(Some),
            }
        }

        /// One packed event as a replay reads it.
        fn unpack_replay_event(line: &str) -> Option<ReplayEvent> {
            use $crate::reexport::chrono::{DateTime, Utc};
            let mut f = line.splitn(6, '\u{1f}');
            let mut next = || f.next();
            let opt = packed_id;
            Some(ReplayEvent {
                seq: next()?.parse().ok()?,
                at: DateTime::parse_from_rfc3339(next()?).ok()?.with_timezone(&Utc),
                kind: next()?.to_string(),
                item_id: opt(next()?)?,
                assignment_id: opt(next()?)?,
                payload: next()?.to_string(),
            })
        }

        /// One packed event, decoded as sqlx decodes the typed row.
        fn unpack_event(line: &str) -> Option<EventRecord> {
            use $crate::reexport::chrono::{DateTime, Utc};
            let mut f = line.splitn(11, '\u{1f}');
            let mut next = || f.next();
            let opt = packed_id;
            let seq = next()?.parse().ok()?;
            let at = DateTime::parse_from_rfc3339(next()?).ok()?.with_timezone(&Utc);
            let actor_user = opt(next()?)?;
            let actor_unit = opt(next()?)?;
            let kind = next()?.to_string();
            let item_id = opt(next()?)?;
            let assignment_id = opt(next()?)?;
            let unit_id = opt(next()?)?;
            let prev_hash = next()?.to_string();
            let hash = next()?.to_string();
            let payload = next()?.to_string();
            Some(EventRecord {
                seq,
                at,
                actor_user,
                actor_unit,
                kind,
                item_id,
                assignment_id,
                unit_id,
                payload,
                prev_hash,
                hash,
            })
        }
    };
}
