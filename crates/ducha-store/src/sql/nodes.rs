//! The shared SQL of what the nodes share: the calendar's generation, evidence blobs,
//! checkpoints, and leases handed back.

/// Implements `NodeStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_nodes {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl NodeStore for $store {
            async fn calendar_generation(&self) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT generation FROM calendar_generation WHERE id = 1",
                )
                .fetch_one(self.reader())
                .await
                .map_err(err)
            }

            async fn blob(&self, sha256: &str, kind: BlobKind) -> StoreResult<Option<BlobRow>> {
                sqlx::query_as::<$db, BlobRow>(
                    "SELECT mime, size, chunks FROM evidence_blobs WHERE sha256 = $1 AND kind = $2",
                )
                .bind(sha256)
                .bind(kind.as_str())
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn put_blob(
                &self,
                sha256: &str,
                kind: BlobKind,
                mime: &str,
                bytes: &[u8],
                chunk: usize,
            ) -> StoreResult<()> {
                if bytes.is_empty() {
                    return Err(StoreError::Other("an empty blob".into()));
                }
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                // The blob row first: a second node storing the same bytes at once waits for
                // this transaction on the key, then finds it there.
                let pieces: Vec<&[u8]> = bytes.chunks(chunk.max(1)).collect();
                let new = sqlx::query::<$db>(
                    "INSERT INTO evidence_blobs (sha256, kind, mime, size, chunks) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256, kind) DO NOTHING",
                )
                .bind(sha256)
                .bind(kind.as_str())
                .bind(mime)
                .bind(i64::try_from(bytes.len()).map_err(|e| StoreError::Other(Box::new(e)))?)
                .bind(i64::try_from(pieces.len()).map_err(|e| StoreError::Other(Box::new(e)))?)
                .execute(&mut *tx)
                .await
                .map_err(err)?
                .rows_affected();
                if new == 1 {
                    for (n, piece) in pieces.iter().enumerate() {
                        sqlx::query::<$db>(
                            "INSERT INTO evidence_chunks (sha256, kind, n, bytes) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(sha256)
                        .bind(kind.as_str())
                        .bind(n as i64)
                        .bind(*piece)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                    }
                }
                tx.commit().await.map_err(err)
            }

            async fn blob_chunk(
                &self,
                sha256: &str,
                kind: BlobKind,
                n: i64,
            ) -> StoreResult<Option<Vec<u8>>> {
                sqlx::query_scalar::<$db, Vec<u8>>(
                    "SELECT bytes FROM evidence_chunks WHERE sha256 = $1 AND kind = $2 AND n = $3",
                )
                .bind(sha256)
                .bind(kind.as_str())
                .bind(n)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn add_checkpoint(
                &self,
                seq: i64,
                hash: &str,
                at: DateTime<Utc>,
                node: &str,
            ) -> StoreResult<bool> {
                let n = sqlx::query::<$db>(
                    "INSERT INTO chain_checkpoints (seq, hash, written_at, node) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING",
                )
                .bind(seq)
                .bind(hash)
                .bind(at)
                .bind(node)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok(n == 1)
            }

            async fn checkpoints(&self) -> StoreResult<Vec<CheckpointRow>> {
                sqlx::query_as::<$db, CheckpointRow>(
                    "SELECT seq, hash, written_at, node FROM chain_checkpoints ORDER BY seq",
                )
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn release_leases(&self, owner: &str) -> StoreResult<(u64, u64)> {
                let jobs = sqlx::query::<$db>(
                    "UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1",
                )
                .bind(owner)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                let outbox = sqlx::query::<$db>(
                    "UPDATE outbox SET claimed_by = NULL, claim_until = NULL \
                     WHERE claimed_by = $1 AND state = 'pending'",
                )
                .bind(owner)
                .execute(self.writer())
                .await
                .map_err(err)?
                .rows_affected();
                Ok((jobs, outbox))
            }
        }
    };
}
