//! The evidence files' shared SQL: uploads, the files of an item's reports, who cites a file.

/// Implements `EvidenceStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_evidence {
    ($store:ty, $db:ty) => {
        const EVIDENCE_COLS: &str = "e.id, e.sha256, e.size, e.mime, e.filename, \
            e.uploaded_by, e.unit_id, u.path AS unit_path, e.created_at";

        #[async_trait]
        impl EvidenceStore for $store {
            async fn insert_evidence(&self, e: &NewEvidence) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO evidence (sha256, size, mime, filename, uploaded_by, unit_id, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&e.sha256)
                .bind(e.size)
                .bind(&e.mime)
                .bind(&e.filename)
                .bind(e.uploaded_by)
                .bind(e.unit_id)
                .bind(e.created_at)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }

            async fn evidence(&self, ids: &[i64]) -> StoreResult<Vec<EvidenceRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut d = Dynamic::default();
                let list = d.list(ids);
                d.sql = format!(
                    "SELECT {EVIDENCE_COLS} FROM evidence e JOIN units u ON u.id = e.unit_id \
                     WHERE e.id IN {list}"
                );
                fetch_all(self, d).await
            }

            async fn evidence_citations(&self, evidence_id: i64) -> StoreResult<Vec<CitationRow>> {
                sqlx::query_as::<$db, CitationRow>(
                    "SELECT DISTINCT a.unit_path, i.scope_path FROM report_evidence re \
                     JOIN reports r ON r.id = re.report_id \
                     JOIN assignments a ON a.id = r.assignment_id \
                     JOIN items i ON i.id = r.item_id WHERE re.evidence_id = $1",
                )
                .bind(evidence_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn evidence_of_item(&self, item_id: i64) -> StoreResult<Vec<ReportEvidenceRow>> {
                sqlx::query_as::<$db, ReportEvidenceRow>(sql(format!(
                    "SELECT re.report_id, {EVIDENCE_COLS} FROM report_evidence re \
                     JOIN reports r ON r.id = re.report_id \
                     JOIN evidence e ON e.id = re.evidence_id \
                     JOIN units u ON u.id = e.unit_id \
                     WHERE r.item_id = $1 ORDER BY re.report_id, re.position"
                )))
                .bind(item_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn unit_evidence(
                &self,
                unit_id: i64,
                limit: i64,
            ) -> StoreResult<Vec<EvidenceRow>> {
                sqlx::query_as::<$db, EvidenceRow>(sql(format!(
                    "SELECT {EVIDENCE_COLS} FROM evidence e JOIN units u ON u.id = e.unit_id \
                     WHERE e.id IN (SELECT MAX(id) FROM evidence WHERE unit_id = $1 \
                     GROUP BY sha256) ORDER BY e.id DESC LIMIT $2"
                )))
                .bind(unit_id)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
        }
    };
}
