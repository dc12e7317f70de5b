//! The write path of a whole transaction (see [`whole`](super::whole)): its commits append
//! after the chain head it locked once and keeps in memory, its numbers count on from the
//! counters it claimed once, and both are written once, when it ends.

/// Implements a whole transaction's commit and end, and the numbering of the write path,
/// inside the module that [`impl_sql_store!`](crate::impl_sql_store) generates; not for
/// direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_whole_writes {
    ($store:ty, $db:ty) => {
        /// Claims the next number of counter `name` in `year`. In a whole transaction
        /// (`claimed`) only the first claim of each counter touches its row (and locks it until
        /// the commit); the next ones count on in memory, written once by [`write_counters`].
        async fn claim_number(
            tx: &mut Tx,
            claimed: Option<&std::sync::Mutex<Counters>>,
            name: String,
            year: i64,
        ) -> StoreResult<i64> {
            if let Some(c) = claimed {
                let next = c.lock().ok().and_then(|mut m| {
                    m.get_mut(&(name.clone(), year)).map(|v| {
                        *v += 1;
                        *v
                    })
                });
                if let Some(n) = next {
                    return Ok(n);
                }
            }
            let seq = sqlx::query_scalar::<$db, i64>(
                "INSERT INTO counters (name, year, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (name, year) DO UPDATE SET last_seq = counters.last_seq + 1 \
                 RETURNING last_seq",
            )
            .bind(&name)
            .bind(year)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            if let Some(c) = claimed {
                if let Ok(mut m) = c.lock() {
                    m.insert((name, year), seq);
                }
            }
            Ok(seq)
        }

        /// Writes the counters a whole transaction numbered from (see [`claim_number`]).
        pub(super) async fn write_counters(tx: &mut Tx, claimed: &Counters) -> StoreResult<()> {
            for ((name, year), last) in claimed {
                sqlx::query::<$db>(
                    "UPDATE counters SET last_seq = $3 WHERE name = $1 AND year = $2",
                )
                .bind(name)
                .bind(year)
                .bind(last)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            Ok(())
        }

        /// The chain head read under its lock, for a transaction that appends many events
        /// before it commits (see [`apply_change_held`]): PostgreSQL locks the head's row, SQLite
        /// holds the file's write lock already (`BEGIN IMMEDIATE`).
        pub(super) async fn lock_chain_head(tx: &mut Tx) -> StoreResult<(i64, String, HashAlgo)> {
            let lock = if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                " FOR UPDATE"
            } else {
                ""
            };
            let (seq, hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(sql(format!(
                "SELECT seq, hash, algo FROM event_chain WHERE id = 1{lock}"
            )))
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let algo: HashAlgo = algo
                .parse()
                .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
            Ok((seq, hash, algo))
        }

        /// [`apply_change`] in a transaction that holds the chain head's lock (see
        /// [`lock_chain_head`]): the event goes after `head`, which moves to it as soon as the
        /// event's row is written; the head's row is written once, by [`write_chain_head`] before
        /// the commit. Rewriting that one row for every event made a long transaction slow (on
        /// PostgreSQL each rewrite walks every earlier version of the row the transaction made).
        ///
        /// The change's event is kept back in `w` when [`keeps_event_back`] allows (written
        /// with others in one statement later), and so are its item's update and its hop
        /// facts (see [`Kept`]); before any other change, what was kept is written first and
        /// its event at once.
        pub(super) async fn apply_change_held(
            tx: &mut Tx,
            change: Change,
            head: &mut (i64, String, HashAlgo),
            w: &Whole<$db>,
        ) -> StoreResult<Committed> {
            use $crate::sql::whole::Flush;
            let hold = $crate::sql::whole::keeps_event_back(&change);
            if !hold {
                w.flush(tx, Flush::All).await?;
            } else if change.updates.iter().any(|u| {
                matches!(
                    u,
                    Update::Hop(_)
                        | Update::HopDone(_)
                        | Update::ResolveFindings { .. }
                        | Update::Assignment(_)
                )
            }) || change.inserts.iter().any(|i| matches!(i, Insert::Finding(_)))
            {
                // The hop facts and findings a commit derives read the rows kept back, and
                // an assignment's update needs its row written.
                w.flush(tx, Flush::Rows).await?;
            }
            let prepared = prepare_change(tx, change, Some(w)).await?;
            let algo = head.2;
            let rec = EventRecord::chain(algo, (head.0, &head.1), &prepared.event);
            if hold {
                if w.keep_event(rec.clone()) {
                    w.flush(tx, Flush::All).await?;
                }
            } else {
                insert_event(tx, &rec).await?;
            }
            *head = (rec.seq, rec.hash.clone(), algo);
            if !prepared.derived.is_empty() || !prepared.findings.is_empty() {
                w.flush(tx, Flush::Rows).await?;
            }
            finish_change(tx, prepared, rec, Some(&w.stale)).await
        }

        /// Writes an item's row `r` as an update made it: checked against the version
        /// `read_at` (the one the first of a whole transaction's kept updates read, see
        /// [`Kept::item`]; otherwise `r`'s own) and left at the one after `r`'s, with a number
        /// and a light roll-up folded in if a whole transaction kept them.
        pub(super) async fn update_item(
            tx: &mut Tx,
            r: &ItemRow,
            read_at: i64,
            number: Option<&str>,
            roll_light: bool,
        ) -> StoreResult<()> {
            let affected = sqlx::query::<$db>(
                "UPDATE items SET title = $2, description = $3, source = $4, \
                 category = $5, priority = $6, targets = $7, deadline = $8, cadence = $9, \
                 leader_id = $10, public = $11, state = $12, dispatched_at = $13, \
                 closed_at = $14, deadline_working_days = $16, version = $17, \
                 number = COALESCE($18, number), light = CASE WHEN $19 THEN (SELECT \
                 MAX(a.light) FROM assignments a WHERE a.item_id = items.id) ELSE light END \
                 WHERE id = $1 AND version = $15",
            )
            .bind(r.id)
            .bind(&r.title)
            .bind(&r.description)
            .bind(r.source.as_str())
            .bind(r.category.as_str())
            .bind(r.priority.as_str())
            .bind(r.targets.text())
            .bind(r.deadline)
            .bind(r.cadence.text())
            .bind(r.leader_id)
            .bind(r.public)
            .bind(r.state.as_str())
            .bind(r.dispatched_at)
            .bind(r.closed_at)
            .bind(read_at)
            .bind(r.deadline_working_days)
            .bind(r.version + 1)
            .bind(number)
            .bind(roll_light)
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected();
            one_row(affected, "row")
        }

        /// An id for a new row of `table` (`items` or `assignments`) from its sequence, in a
        /// whole transaction on PostgreSQL, where the row is then kept back (see
        /// [`Kept::new_items`]); `None` on SQLite (its rows are written at once: no round
        /// trip to save). Ids are reserved in blocks that double from 16 up to 1024, so a
        /// small import leaves no large gap.
        async fn reserved_id(
            tx: &mut Tx,
            w: &Whole<$db>,
            table: &'static str,
        ) -> StoreResult<Option<i64>> {
            if <$db as sqlx::Database>::NAME != "PostgreSQL" {
                return Ok(None);
            }
            if let Some(id) = w.take_id(table) {
                return Ok(Some(id));
            }
            let block = w.next_id_block(table);
            let ids = sqlx::query_scalar::<$db, i64>(sql(format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) \
                 FROM generate_series(1, {block})"
            )))
            .fetch_all(&mut *tx)
            .await
            .map_err(err)?;
            w.reserve_ids(table, ids);
            Ok(w.take_id(table))
        }

        /// Inserts new items kept back with their reserved ids, each as the kept commits left
        /// it (state, number, version; the light rolled up from `assignments`, its new
        /// assignments, when a commit asked for it).
        async fn insert_new_items(
            tx: &mut Tx,
            items: &[&$crate::sql::whole::KeptItem],
            assignments: &[(i64, NewAssignment)],
        ) -> StoreResult<()> {
            for chunk in items.chunks(500) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO items (id, number, title, description, source, category, \
                     priority, targets, deadline, cadence, leader_id, public, state, \
                     scope_unit_id, scope_path, owner_unit_id, created_by, created_at, \
                     dispatched_at, closed_at, light, deadline_working_days, version) ",
                );
                q.push_values(chunk, |mut b, k| {
                    let r = &k.row;
                    let light = if k.roll_light {
                        assignments
                            .iter()
                            .filter(|(_, a)| a.item_id == r.id)
                            .filter_map(|(_, a)| a.light)
                            .max()
                    } else {
                        r.light
                    };
                    b.push_bind(r.id)
                        .push_bind(k.number.clone().or_else(|| r.number.clone()))
                        .push_bind(r.title.clone())
                        .push_bind(r.description.clone())
                        .push_bind(r.source.as_str())
                        .push_bind(r.category.as_str())
                        .push_bind(r.priority.as_str())
                        .push_bind(r.targets.text())
                        .push_bind(r.deadline)
                        .push_bind(r.cadence.text())
                        .push_bind(r.leader_id)
                        .push_bind(r.public)
                        .push_bind(r.state.as_str())
                        .push_bind(r.scope_unit_id)
                        .push_bind(r.scope_path.0.as_str().to_string())
                        .push_bind(r.owner_unit_id)
                        .push_bind(r.created_by)
                        .push_bind(r.created_at)
                        .push_bind(r.dispatched_at)
                        .push_bind(r.closed_at)
                        .push_bind(light)
                        .push_bind(r.deadline_working_days)
                        .push_bind(k.left);
                });
                q.build().execute(&mut *tx).await.map_err(err)?;
            }
            Ok(())
        }

        /// Inserts new assignments kept back with their reserved ids.
        async fn insert_kept_assignments(
            tx: &mut Tx,
            rows: &[(i64, NewAssignment)],
        ) -> StoreResult<()> {
            for chunk in rows.chunks(1000) {
                let rows: Vec<(Option<i64>, &NewAssignment)> =
                    chunk.iter().map(|(id, a)| (Some(*id), a)).collect();
                let mut q = assignments_insert(&rows);
                q.build().execute(&mut *tx).await.map_err(err)?;
            }
            Ok(())
        }

        /// Writes kept item update `k`, which another item's replaced (see
        /// [`Whole::keep_item`]): the new items and assignments kept back first (its light
        /// roll-up reads the assignments; it may update a new item written then).
        async fn write_replaced(
            tx: &mut Tx,
            w: &Whole<$db>,
            k: $crate::sql::whole::KeptItem,
        ) -> StoreResult<()> {
            w.flush(tx, $crate::sql::whole::Flush::Replaced).await?;
            update_item(tx, &k.row, k.read_at, k.number.as_deref(), k.roll_light).await
        }

        /// Writes what a whole transaction kept back (see [`Kept`]): new items, new
        /// assignments, the kept item update (its light roll-up reads the assignments), the
        /// ledger numbers, the hop facts, then the events in chain order, a few hundred rows
        /// to a statement.
        pub(super) fn flush_kept(
            tx: &mut Tx,
            kept: Kept,
        ) -> $crate::reexport::futures_util::future::BoxFuture<'_, StoreResult<()>> {
            Box::pin(async move {
                let Kept { events, item, new_items, assignments, hops, ledger_refs } = kept;
                let (fresh, item) = match item {
                    Some(k) if k.new => (Some(k), None),
                    other => (None, other),
                };
                let news: Vec<&$crate::sql::whole::KeptItem> =
                    new_items.iter().chain(fresh.iter()).collect();
                insert_new_items(tx, &news, &assignments).await?;
                insert_kept_assignments(tx, &assignments).await?;
                if let Some(k) = item {
                    update_item(tx, &k.row, k.read_at, k.number.as_deref(), k.roll_light).await?;
                }
                write_ledger_refs(tx, &ledger_refs).await?;
                let hops: Vec<(i64, &NewAssignment)> = assignments
                    .iter()
                    .chain(hops.iter())
                    .map(|(id, a)| (*id, a))
                    .collect();
                insert_hop_facts(tx, &hops).await?;
                insert_events(tx, &events).await?;
                Ok(())
            })
        }

        /// Writes the chain head a transaction moved with [`apply_change_held`].
        pub(super) async fn write_chain_head(
            tx: &mut Tx,
            head: &(i64, String, HashAlgo),
        ) -> StoreResult<()> {
            sqlx::query::<$db>("UPDATE event_chain SET seq = $1, hash = $2 WHERE id = 1")
                .bind(head.0)
                .bind(&head.1)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            Ok(())
        }

        /// A commit in a whole transaction, on its held connection: the first event locks the
        /// chain head, which then stays in memory (one statement per event, not three).
        pub(super) async fn whole_commit(w: &Whole<$db>, change: Change) -> StoreResult<Committed> {
            let mut conn = w.conn().await?;
            let cached = w.head.lock().map(|c| c.clone()).unwrap_or(None);
            let mut head = match cached {
                Some(h) => h,
                None => lock_chain_head(&mut conn).await?,
            };
            let done = apply_change_held(&mut conn, change, &mut head, w).await;
            if let Ok(mut c) = w.head.lock() {
                *c = Some(head);
            }
            done
        }

        /// Ends a whole transaction: when committing, the chain head and the counters it kept are
        /// written first, then `fold` (the backend's own deferred work, if any); any failure
        /// rolls everything back.
        pub(super) async fn whole_end(
            w: &Whole<$db>,
            commit: bool,
            fold: Option<&'static str>,
        ) -> StoreResult<()> {
            let before = if commit {
                let head = w.head.lock().map(|c| c.clone()).unwrap_or(None);
                let counters = w.counters.lock().map(|c| c.clone()).unwrap_or_default();
                let stale = w.stale.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
                async {
                    let mut conn = w.conn().await?;
                    w.flush(&mut conn, $crate::sql::whole::Flush::All).await?;
                    refresh_stale(&mut conn, stale).await?;
                    if let Some(head) = head {
                        write_chain_head(&mut conn, &head).await?;
                    }
                    write_counters(&mut conn, &counters).await?;
                    if let Some(fold) = fold {
                        sqlx::raw_sql(AssertSqlSafe(fold))
                            .execute(&mut **conn)
                            .await
                            .map_err(err)?;
                    }
                    Ok::<_, StoreError>(())
                }
                .await
            } else {
                Ok(())
            };
            w.end(commit, before).await
        }
    };
}
