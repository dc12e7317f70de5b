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
        pub(super) async fn apply_change_held(
            tx: &mut Tx,
            change: Change,
            head: &mut (i64, String, HashAlgo),
            claimed: &std::sync::Mutex<Counters>,
        ) -> StoreResult<Committed> {
            let prepared = prepare_change(tx, change, Some(claimed)).await?;
            let algo = head.2;
            let rec = EventRecord::chain(algo, (head.0, &head.1), &prepared.event);
            insert_event(tx, &rec).await?;
            *head = (rec.seq, rec.hash.clone(), algo);
            finish_change(tx, prepared, rec).await
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
            let done = apply_change_held(&mut conn, change, &mut head, &w.counters).await;
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
                async {
                    let mut conn = w.conn().await?;
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
