//! The SQL of NPC suggestions and CPPCC proposals: sessions, suggestions, opinions, replies and
//! communication records.

/// Implements `ProposalStore` and the suggestions' writes inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_proposals {
    ($store:ty, $db:ty) => {
        const PSESSION_COLS: &str =
            "id, scope_unit_id, kind, name, year, return_days, created_by, created_at";
        const PROPOSAL_COLS: &str = "id, session_id, number, title, proposers, grp, category, \
            body, state, mode, round, item_id, started_on, return_by, co_due, reply_due, \
            extension_limit, ext_state, ext_to, ext_reason, ext_comment, ext_asked_by, \
            ext_decided_by, created_by, created_at, version";
        const OPINION_COLS: &str =
            "id, proposal_id, round, unit_id, text, on_time, created_by, created_at";
        const REPLY_COLS: &str = "id, proposal_id, round, unit_id, text, grade, commitment, \
            commitment_due, follow_item_id, due, replied_on, on_time, satisfaction, \
            satisfaction_note, rated_by, rated_at, created_by, created_at, version";
        const CONTACT_COLS: &str =
            "id, proposal_id, unit_id, mode, on_date, note, created_by, created_at";

        async fn insert_proposal(tx: &mut Tx, p: &ProposalInsert) -> StoreResult<i64> {
            match p {
                ProposalInsert::Session(s) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO proposal_sessions (scope_unit_id, kind, name, year, \
                     return_days, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(s.scope_unit_id)
                .bind(&s.kind)
                .bind(&s.name)
                .bind(s.year)
                .bind(s.return_days)
                .bind(s.created_by)
                .bind(s.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                ProposalInsert::Proposal(n) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO proposals (session_id, number, title, proposers, grp, \
                     category, body, state, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'registered', $8, $9) RETURNING id",
                )
                .bind(n.session_id)
                .bind(n.spec.number)
                .bind(&n.spec.title)
                .bind(&n.spec.proposers)
                .bind(&n.spec.group)
                .bind(&n.spec.category)
                .bind(&n.spec.body)
                .bind(n.created_by)
                .bind(n.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                ProposalInsert::Opinion(o) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO proposal_opinions (proposal_id, round, unit_id, text, \
                     on_time, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(o.proposal_id)
                .bind(o.round)
                .bind(o.unit_id)
                .bind(&o.text)
                .bind(o.on_time)
                .bind(o.created_by)
                .bind(o.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                ProposalInsert::Reply(r) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO proposal_replies (proposal_id, round, unit_id, text, grade, \
                     commitment, commitment_due, follow_item_id, due, replied_on, on_time, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     $11, $12, $13) RETURNING id",
                )
                .bind(r.proposal_id)
                .bind(r.round)
                .bind(r.unit_id)
                .bind(&r.text)
                .bind(&r.grade)
                .bind(&r.commitment)
                .bind(r.commitment_due)
                .bind(r.follow_item_id)
                .bind(r.due)
                .bind(r.replied_on)
                .bind(r.on_time)
                .bind(r.created_by)
                .bind(r.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
                ProposalInsert::Contact(c) => sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO proposal_contacts (proposal_id, unit_id, mode, on_date, note, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(c.proposal_id)
                .bind(c.unit_id)
                .bind(&c.mode)
                .bind(c.on_date)
                .bind(&c.note)
                .bind(c.created_by)
                .bind(c.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(err),
            }
        }

        async fn update_proposal(tx: &mut Tx, u: &ProposalUpdate) -> StoreResult<()> {
            let affected = match u {
                ProposalUpdate::Proposal(p) => sqlx::query::<$db>(
                    "UPDATE proposals SET state = $2, mode = $3, round = $4, item_id = $5, \
                     started_on = $6, return_by = $7, co_due = $8, reply_due = $9, \
                     extension_limit = $10, ext_state = $11, ext_to = $12, ext_reason = $13, \
                     ext_comment = $14, ext_asked_by = $15, ext_decided_by = $16, \
                     version = version + 1 WHERE id = $1 AND version = $17",
                )
                .bind(p.id)
                .bind(&p.state)
                .bind(&p.mode)
                .bind(p.round)
                .bind(p.item_id)
                .bind(p.started_on)
                .bind(p.return_by)
                .bind(p.co_due)
                .bind(p.reply_due)
                .bind(p.extension_limit)
                .bind(&p.ext_state)
                .bind(p.ext_to)
                .bind(&p.ext_reason)
                .bind(&p.ext_comment)
                .bind(p.ext_asked_by)
                .bind(p.ext_decided_by)
                .bind(p.version)
                .execute(&mut *tx)
                .await,
                ProposalUpdate::Reply(r) => sqlx::query::<$db>(
                    "UPDATE proposal_replies SET satisfaction = $2, satisfaction_note = $3, \
                     rated_by = $4, rated_at = $5, follow_item_id = $6, version = version + 1 \
                     WHERE id = $1 AND version = $7",
                )
                .bind(r.id)
                .bind(&r.satisfaction)
                .bind(&r.satisfaction_note)
                .bind(r.rated_by)
                .bind(r.rated_at)
                .bind(r.follow_item_id)
                .bind(r.version)
                .execute(&mut *tx)
                .await,
            };
            one_row(affected.map_err(err)?.rows_affected(), "suggestion")
        }

        async fn of_proposals<T>(
            store: &$store,
            cols: &str,
            table: &str,
            ids: &[i64],
        ) -> StoreResult<Vec<T>>
        where
            T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
        {
            let mut out = Vec::new();
            for chunk in ids.chunks(500) {
                let mut d = Dynamic::default();
                let l = d.list(chunk);
                d.sql = format!(
                    "SELECT {cols} FROM {table} WHERE proposal_id IN {l} ORDER BY id"
                );
                out.extend(fetch_all::<T>(store, d).await?);
            }
            Ok(out)
        }

        #[async_trait]
        impl ProposalStore for $store {
            async fn proposal_sessions(
                &self,
                scope_unit_id: i64,
            ) -> StoreResult<Vec<ProposalSessionRow>> {
                sqlx::query_as::<$db, ProposalSessionRow>(sql(format!(
                    "SELECT {PSESSION_COLS} FROM proposal_sessions WHERE scope_unit_id = $1 \
                     ORDER BY year DESC, id DESC"
                )))
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn proposal_session(&self, id: i64) -> StoreResult<Option<ProposalSessionRow>> {
                by_id(self, PSESSION_COLS, "proposal_sessions", id).await
            }
            async fn proposals_of_session(&self, session_id: i64) -> StoreResult<Vec<ProposalRow>> {
                sqlx::query_as::<$db, ProposalRow>(sql(format!(
                    "SELECT {PROPOSAL_COLS} FROM proposals WHERE session_id = $1 \
                     ORDER BY number"
                )))
                .bind(session_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn proposal(&self, id: i64) -> StoreResult<Option<ProposalRow>> {
                by_id(self, PROPOSAL_COLS, "proposals", id).await
            }
            async fn proposal_of_item(&self, item_id: i64) -> StoreResult<Option<ProposalRow>> {
                sqlx::query_as::<$db, ProposalRow>(sql(format!(
                    "SELECT {PROPOSAL_COLS} FROM proposals WHERE item_id = $1"
                )))
                .bind(item_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn proposal_units(&self, session_id: i64) -> StoreResult<Vec<ProposalUnitRow>> {
                sqlx::query_as::<$db, ProposalUnitRow>(
                    "SELECT p.id AS proposal_id, a.id AS assignment_id, a.unit_id, \
                     un.name AS unit_name, un.path AS unit_path, a.role, a.state, a.deadline, \
                     a.light, a.dispatched_at \
                     FROM proposals p JOIN assignments a ON a.item_id = p.item_id \
                     AND a.parent_id IS NULL JOIN units un ON un.id = a.unit_id \
                     WHERE p.session_id = $1 ORDER BY p.number, a.id",
                )
                .bind(session_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn proposal_opinions(&self, ids: &[i64]) -> StoreResult<Vec<OpinionRow>> {
                of_proposals(self, OPINION_COLS, "proposal_opinions", ids).await
            }
            async fn proposal_replies(&self, ids: &[i64]) -> StoreResult<Vec<ReplyRow>> {
                of_proposals(self, REPLY_COLS, "proposal_replies", ids).await
            }
            async fn proposal_contacts(&self, ids: &[i64]) -> StoreResult<Vec<ContactRow>> {
                of_proposals(self, CONTACT_COLS, "proposal_contacts", ids).await
            }
            async fn proposal_reply(&self, id: i64) -> StoreResult<Option<ReplyRow>> {
                by_id(self, REPLY_COLS, "proposal_replies", id).await
            }
        }
    };
}
