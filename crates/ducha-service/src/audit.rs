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
    let wanted: HashMap<i64, &str> = checkpoints
        .iter()
        .map(|c| (c.seq, c.hash.as_str()))
        .collect();
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
            if let Some(h) = wanted.get(&e.seq) {
                if *h != e.hash {
                    return Ok(Err(ChainError::CheckpointMismatch { seq: e.seq }));
                }
                matched += 1;
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
