//! `ducha audit`: verify the chain, print its head, and keep checkpoints outside the database.

use crate::backend::Backend;
use anyhow::Context;
use ducha_domain::chain::Checkpoint;
use ducha_service::audit::{parse_checkpoints, verify_chain, verify_security};
use std::path::Path;

/// Verifies the chain against the checkpoints recorded in the database and those in the file
/// (the copy kept off the database host); returns the process exit code (0 intact, 1 broken).
pub async fn verify(backend: &Backend, checkpoints: Option<&Path>) -> anyhow::Result<i32> {
    let mut cps = match checkpoints {
        Some(p) if p.exists() => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            parse_checkpoints(&text).map_err(|line| {
                anyhow::anyhow!("{}: line {line} is not a checkpoint", p.display())
            })?
        }
        Some(p) => {
            eprintln!(
                "note: no checkpoint file at {}; checking the chain alone",
                p.display()
            );
            vec![]
        }
        None => vec![],
    };
    let store = backend.store();
    let from_file = cps.len();
    let stored = store.checkpoints().await?;
    let from_db = stored.len();
    cps.extend(stored.into_iter().map(|c| Checkpoint {
        seq: c.seq,
        hash: c.hash,
    }));
    let events = match verify_chain(store.as_ref(), &cps).await? {
        Ok(v) => {
            println!(
                "OK: {} events verified ({}), head {} {}, {} checkpoint(s) matched \
                 ({from_db} recorded in the database, {from_file} in the file)",
                v.events, v.algo, v.head.seq, v.head.hash, v.checkpoints
            );
            0
        }
        Err(e) => {
            println!("FAILED at event {}: {e}", e.seq());
            1
        }
    };
    // The security log is a chain of its own: checked as well, and reported on its own line.
    let security = match verify_security(store.as_ref()).await? {
        Ok(v) => {
            println!(
                "OK: {} security log rows verified ({}), head {}",
                v.rows, v.algo, v.head
            );
            0
        }
        Err(e) => {
            println!(
                "FAILED at security log row {}: {}",
                e.seq(),
                e.to_string().replacen("event", "row", 1)
            );
            1
        }
    };
    Ok(events.max(security))
}

/// Prints the chain head for publication.
pub async fn head(backend: &Backend) -> anyhow::Result<()> {
    let (seq, hash, algo) = backend.store().chain_head().await?;
    println!("{seq} {hash} {algo}");
    Ok(())
}
