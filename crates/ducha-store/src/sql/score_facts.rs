//! The upkeep of the assessment's facts (`score_facts`) in the write path: what a change
//! makes stale, read before its rows are written, and derived again once its event is chained.

/// Implements the write path's upkeep of `score_facts` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_score_facts {
    ($store:ty, $db:ty) => {
        /// The `score_facts` a change makes stale, to derive again once its event is chained:
        /// sources (sets of [`FactSource::bit`]) per item, per assignment (with its item when the
        /// row names it, else looked up) and per proposal reply (found on the items its reply
        /// events name).
        #[derive(Default)]
        pub(super) struct Touched {
            items: Vec<(i64, u16)>,
            assignments: Vec<(i64, Option<i64>, u16)>,
            replies: Vec<(i64, DateTime<Utc>)>,
            /// Bulletins published (their `bulletins` rows are made once).
            bulletins: Vec<i64>,
        }

        /// What a change alters among the rows the assessment's facts come from. Read before
        /// the change's rows are written: an assignment's deadline, role or withdrawal and an
        /// item's priority count only when they change, so a progress report, a signature or
        /// a light touches no fact. Every source a row feeds is named here; a row type not
        /// named feeds none. A row of one assignment makes only that assignment's rows stale,
        /// except for `summonses` (a meeting's summons names an item and a unit) and
        /// `proposals` (a reply is found through its event), derived per item. A bulletin's
        /// mentions count only once it is published: its publication makes their rows.
        ///
        /// In a whole transaction (`whole`) nothing is read: an assignment's or item's row
        /// makes every fact of its item stale, derived once before the commit (see
        /// [`defer_touched`]), so a ledger import spends no statement on it per matter.
        async fn touched_facts(
            tx: &mut Tx,
            updates: &[Update],
            inserts: &[Insert],
            ev: &EventDraft,
            whole: bool,
        ) -> StoreResult<Touched> {
            use FactSource as S;
            // Every source kept per item (a bulletin's rows depend on no item's or
            // assignment's).
            let all = FactSource::ALL
                .iter()
                .filter(|s| s.per_item())
                .fold(0, |m, s| m | s.bit());
            let mut t = Touched::default();
            let mut notice_item = None;
            for i in inserts {
                match i {
                    Insert::Notice(n) => {
                        t.assignments
                            .push((n.assignment_id, Some(n.item_id), S::Notices.bit()));
                        notice_item = Some(n.item_id);
                    }
                    Insert::Summons { .. } => {
                        if let Some(item) = notice_item {
                            t.items.push((item, S::Summonses.bit()));
                        }
                    }
                    // A new assignment may be the one a meeting's summons of its unit names (its
                    // own `unfinished` row is derived once it has its id: see `prepare_change`).
                    Insert::Assignment(a) => t.items.push((a.item_id, S::Summonses.bit())),
                    Insert::Help(h) => {
                        t.assignments
                            .push((h.assignment_id, Some(h.item_id), S::Help.bit()))
                    }
                    Insert::Finding(f) => {
                        t.assignments
                            .push((f.assignment_id, Some(f.item_id), S::Findings.bit()))
                    }
                    Insert::Joint(JointInsert::Decision(d)) if d.kind == "summons" => {
                        if let Some(item) = d.item_id {
                            t.items.push((item, S::Summonses.bit()));
                        }
                    }
                    Insert::Proposal(ProposalInsert::Reply(r)) => {
                        t.replies.push((r.unit_id, r.created_at));
                        if let Some(item) = ev.item_id {
                            t.items.push((item, S::Proposals.bit()));
                        }
                    }
                    _ => {}
                }
            }
            for u in updates {
                match u {
                    Update::Report(r) if r.state.as_str() == "returned" => {
                        t.assignments
                            .push((r.assignment_id, Some(r.item_id), S::Returns.bit()))
                    }
                    Update::Help(h) => {
                        t.assignments
                            .push((h.assignment_id, Some(h.item_id), S::Help.bit()))
                    }
                    Update::Assignment(a) if whole => t.items.push((a.item_id, all)),
                    Update::Item(i) if whole => t.items.push((i.id, all)),
                    Update::Assignment(a) => {
                        let old = sqlx::query_as::<
                            $db,
                            ($crate::reexport::chrono::NaiveDate, String, String),
                        >(
                            "SELECT deadline, role, state FROM assignments WHERE id = $1"
                        )
                        .bind(a.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(err)?;
                        let withdrawn = |s: &str| s == "withdrawn";
                        let changed = old.is_none_or(|(deadline, role, state)| {
                            deadline != a.deadline
                                || role != a.role.as_str()
                                || withdrawn(&state) != withdrawn(a.state.as_str())
                        });
                        if changed {
                            // Its role is also the one a meeting's summons of its unit takes.
                            t.items.push((a.item_id, S::Summonses.bit()));
                            t.assignments.push((a.id, Some(a.item_id), all));
                        }
                    }
                    Update::Item(i) => {
                        let old = sqlx::query_scalar::<$db, String>(
                            "SELECT priority FROM items WHERE id = $1",
                        )
                        .bind(i.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(err)?;
                        if old.as_deref() != Some(i.priority.as_str()) {
                            t.items.push((i.id, all));
                        }
                    }
                    Update::Hop(p) => {
                        if let HopPatch::Decided {
                            completed: Some(_), ..
                        } = p.patch
                        {
                            let done =
                                S::Completions.bit() | S::LostDays.bit() | S::Unfinished.bit();
                            t.assignments.push((p.assignment_id, None, done));
                        }
                    }
                    Update::HopDone(st) if st.hop == Hop::Lost => t.assignments.push((
                        st.assignment_id,
                        None,
                        S::Completions.bit() | S::LostDays.bit(),
                    )),
                    Update::ResolveFindings { assignment_id, .. } => {
                        t.assignments
                            .push((*assignment_id, None, S::Findings.bit()))
                    }
                    Update::Proposal(ProposalUpdate::Reply(r)) => {
                        t.replies.push((r.unit_id, r.created_at))
                    }
                    Update::PublishBulletin { id, .. } => t.bulletins.push(*id),
                    _ => {}
                }
            }
            Ok(t)
        }

        /// Notes in `stale` the items whose `score_facts` a change in a whole transaction made
        /// stale, derived once before its commit by [`refresh_stale`]: an item's facts derived
        /// again whole are what its changes one by one would have left. A published
        /// bulletin's and a proposal reply's facts are derived at once, as in any commit.
        async fn defer_touched(
            tx: &mut Tx,
            t: Touched,
            stale: &std::sync::Mutex<StaleFacts>,
        ) -> StoreResult<()> {
            let Touched {
                items,
                assignments,
                replies,
                bulletins,
            } = t;
            if let Ok(mut s) = stale.lock() {
                s.items.extend(items.iter().map(|(item, _)| *item));
                for (assignment, item, _) in &assignments {
                    match item {
                        Some(item) => s.items.insert(*item),
                        None => s.assignments.insert(*assignment),
                    };
                }
            }
            if replies.is_empty() && bulletins.is_empty() {
                return Ok(());
            }
            refresh_touched(
                tx,
                Touched {
                    replies,
                    bulletins,
                    ..Touched::default()
                },
            )
            .await
        }

        /// Derives again the `score_facts` of the items a whole transaction noted in `stale`
        /// (see [`defer_touched`]), before its commit.
        pub(super) async fn refresh_stale(tx: &mut Tx, stale: StaleFacts) -> StoreResult<()> {
            let StaleFacts {
                mut items,
                assignments,
            } = stale;
            let assignments: Vec<i64> = assignments.into_iter().collect();
            for chunk in assignments.chunks(1000) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let found = sqlx::query_scalar::<$db, i64>(sql(format!(
                    "SELECT DISTINCT item_id FROM assignments WHERE id IN ({list})"
                )))
                .fetch_all(&mut *tx)
                .await
                .map_err(err)?;
                items.extend(found);
            }
            let items: Vec<i64> = items.into_iter().collect();
            refresh_items_facts(tx, &items).await
        }

        /// Derives again the `score_facts` a change made stale (see [`touched_facts`]), after
        /// its event and derived rows are written: the facts cite the event.
        async fn refresh_touched(tx: &mut Tx, t: Touched) -> StoreResult<()> {
            use std::collections::BTreeMap;
            let mut items: BTreeMap<i64, u16> = BTreeMap::new();
            for (item, sources) in t.items {
                *items.entry(item).or_default() |= sources;
            }
            for (unit, at) in t.replies {
                let found = sqlx::query_scalar::<$db, i64>(
                    "SELECT DISTINCT item_id FROM events WHERE unit_id = $1 \
                     AND kind = 'proposal.replied' AND at = $2 AND item_id IS NOT NULL",
                )
                .bind(unit)
                .bind(at)
                .fetch_all(&mut *tx)
                .await
                .map_err(err)?;
                for item in found {
                    *items.entry(item).or_default() |= FactSource::Proposals.bit();
                }
            }
            let mut assignments: BTreeMap<(i64, i64), u16> = BTreeMap::new();
            for (assignment, item, sources) in t.assignments {
                let item = match item {
                    Some(item) => Some(item),
                    None => sqlx::query_scalar::<$db, i64>(
                        "SELECT item_id FROM assignments WHERE id = $1",
                    )
                    .bind(assignment)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?,
                };
                if let Some(item) = item {
                    *assignments.entry((item, assignment)).or_default() |= sources;
                }
            }
            for bulletin in t.bulletins {
                add_bulletin_facts(tx, bulletin).await?;
            }
            for (item, sources) in &items {
                refresh_score_facts(tx, *item, *sources).await?;
            }
            for ((item, assignment), sources) in assignments {
                // What the item's own refresh derived already is not derived twice.
                let left = sources & !items.get(&item).copied().unwrap_or(0);
                if left != 0 {
                    refresh_assignment_facts(tx, item, assignment, left).await?;
                }
            }
            Ok(())
        }
    };
}
