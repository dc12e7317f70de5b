//! Verification of the event chain against itself, the database's recorded head, and
//! checkpoints kept outside the database.

use crate::error::ServiceResult;
use ducha_domain::chain::{ChainError, ChainVerifier, Checkpoint, HashAlgo};
use ducha_store::Store;
use serde::Serialize;
use std::collections::HashMap;

/// A verified chain.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// Events checked.
    pub events: i64,
    /// The last event.
    pub head: Checkpoint,
    /// Hash algorithm.
    pub algo: HashAlgo,
    /// Checkpoints matched.
    pub checkpoints: usize,
}

/// Re-computes the whole chain. The outer error is a store failure; the inner one names the
/// first bad sequence number.
pub async fn verify_chain(
    store: &dyn Store,
    checkpoints: &[Checkpoint],
) -> ServiceResult<Result<Verified, ChainError>> {
    let (head_seq, head_hash, algo) = store.chain_head().await?;
    // Checkpoints from several places (the database, a file) may name the same event.
    let mut wanted: HashMap<i64, Vec<&str>> = HashMap::new();
    for c in checkpoints {
        wanted.entry(c.seq).or_default().push(c.hash.as_str());
    }
    let mut v = ChainVerifier::new(algo);
    let mut matched = 0;
    let mut after = 0;
    loop {
        let batch = store.events_after(after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            if let Err(err) = v.push(e) {
                return Ok(Err(err));
            }
            if let Some(hashes) = wanted.get(&e.seq) {
                if hashes.iter().any(|h| *h != e.hash) {
                    return Ok(Err(ChainError::CheckpointMismatch { seq: e.seq }));
                }
                matched += hashes.len();
            }
        }
    }
    let (last_seq, last_hash) = v.head();
    let max_checkpoint = checkpoints
        .iter()
        .map(|c| c.seq)
        .max()
        .unwrap_or(0)
        .max(head_seq);
    if max_checkpoint > last_seq {
        return Ok(Err(ChainError::Truncated {
            seq: last_seq + 1,
            checkpoint: max_checkpoint,
        }));
    }
    if head_seq == last_seq && head_hash != last_hash {
        return Ok(Err(ChainError::CheckpointMismatch { seq: last_seq }));
    }
    Ok(Ok(Verified {
        events: last_seq,
        head: Checkpoint {
            seq: last_seq,
            hash: last_hash.to_string(),
        },
        algo,
        checkpoints: matched,
    }))
}

/// A verified security log.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedSecurity {
    /// Rows checked.
    pub rows: i64,
    /// The last row's hash.
    pub head: String,
    /// Hash algorithm.
    pub algo: HashAlgo,
}

/// Re-computes the whole security log against itself and its recorded head. The outer error
/// is a store failure; the inner one names the first bad row.
pub async fn verify_security(
    store: &dyn Store,
) -> ServiceResult<Result<VerifiedSecurity, ChainError>> {
    let (head_seq, head_hash, algo) = store.security_head().await?;
    let mut v = ducha_domain::security::SecurityVerifier::new(algo);
    let mut after = 0;
    loop {
        let batch = store.security_after(after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for r in &batch {
            if let Err(err) = v.push(r) {
                return Ok(Err(err));
            }
        }
    }
    let (last_seq, last_hash) = v.head();
    if head_seq > last_seq {
        return Ok(Err(ChainError::Truncated {
            seq: last_seq + 1,
            checkpoint: head_seq,
        }));
    }
    if head_seq < last_seq || head_hash != last_hash {
        return Ok(Err(ChainError::CheckpointMismatch { seq: last_seq }));
    }
    Ok(Ok(VerifiedSecurity {
        rows: last_seq,
        head: last_hash.to_string(),
        algo,
    }))
}

/// Reads a checkpoint file (`SEQ HASH AT` lines); unreadable lines are reported by number.
pub fn parse_checkpoints(text: &str) -> Result<Vec<Checkpoint>, usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| Checkpoint::parse_line(l).ok_or(i + 1))
        .collect()
}

impl crate::Services {
    /// Records the chain head as a checkpoint in the database — one sequence every node and
    /// the verifier read — when no checkpoint holds it yet, and then appends it to `file`
    /// (the operator's copy outside the database). Returns the head's sequence number, none
    /// while the chain is empty.
    pub async fn checkpoint(
        &self,
        file: Option<&std::path::Path>,
        node: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<Option<i64>> {
        let (seq, hash, _) = self.store.chain_head().await?;
        if seq == 0 {
            return Ok(None);
        }
        if self.store.add_checkpoint(seq, &hash, now, node).await?
            && let Some(file) = file
        {
            let line = Checkpoint { seq, hash }.line(now);
            let file = file.to_path_buf();
            tokio::task::spawn_blocking(move || append_line(&file, &line))
                .await
                .map_err(store_io)?
                .map_err(store_io)?;
        }
        Ok(Some(seq))
    }

    /// The checkpoints recorded in the database.
    pub async fn stored_checkpoints(&self) -> ServiceResult<Vec<Checkpoint>> {
        Ok(self
            .store
            .checkpoints()
            .await?
            .into_iter()
            .map(|c| Checkpoint {
                seq: c.seq,
                hash: c.hash,
            })
            .collect())
    }
}

fn store_io(e: impl std::error::Error + Send + Sync + 'static) -> crate::ServiceError {
    crate::ServiceError::Store(ducha_store::StoreError::Other(Box::new(e)))
}

/// Appends one line to a checkpoint file, creating it (and its directory), flushed to disk.
fn append_line(file: &std::path::Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    writeln!(f, "{line}")?;
    f.sync_data()
}
