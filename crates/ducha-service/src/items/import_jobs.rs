//! Ledger imports as jobs kept in the database (`ledger_jobs`): the page that polls one may
//! reach any node behind the load balancer, so its state, progress and outcome are rows, not
//! the memory of the node that runs it.

use super::import::{LedgerOutcome, LedgerProgress};
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::org::Actor;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;

/// Ended imports are forgotten this long after they started.
const KEEP_DAYS: i64 = 7;

/// A bad cell of a rejected ledger, as kept: its field, message key and arguments.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerProblem {
    /// `rows[N].<letter>` or `file`.
    pub field: String,
    /// Message key.
    pub key: String,
    /// The key's arguments (row, column letter, header key, the cell's text …).
    #[serde(default)]
    pub args: serde_json::Value,
}

/// How an import ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerEnded {
    /// Registered (or skipped as imported before).
    Done(LedgerOutcome),
    /// Refused whole: every bad cell.
    Rejected(Vec<LedgerProblem>),
    /// Failed: the message key of the reason.
    Failed(String),
}

impl LedgerEnded {
    /// The rejection of a ledger with these errors.
    pub fn rejected(e: &ValidationErrors) -> Self {
        LedgerEnded::Rejected(
            e.0.iter()
                .map(|f| LedgerProblem {
                    field: f.field.clone(),
                    key: f.key.to_string(),
                    args: f.args.clone(),
                })
                .collect(),
        )
    }

    fn state(&self) -> &'static str {
        match self {
            LedgerEnded::Done(_) => "done",
            LedgerEnded::Rejected(_) => "rejected",
            LedgerEnded::Failed(_) => "failed",
        }
    }
}

/// An import as its page shows it.
#[derive(Debug, Clone)]
pub struct LedgerJob {
    /// Id.
    pub id: i64,
    /// Matters to register (known once every cell was checked).
    pub total: i64,
    /// Matters registered so far.
    pub done: i64,
    /// How it ended; none while it runs.
    pub ended: Option<LedgerEnded>,
}

impl Services {
    /// Records a new import of the actor, running.
    pub async fn start_ledger_job(&self, actor: &Actor, now: DateTime<Utc>) -> ServiceResult<i64> {
        self.may_import_ledger(actor)?;
        Ok(self
            .store
            .create_ledger_job(actor.user_id.0, now, now - Duration::days(KEEP_DAYS))
            .await?)
    }

    /// Records a running import's progress.
    pub async fn ledger_job_progress(
        &self,
        id: i64,
        progress: &LedgerProgress,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let (total, done) = counts(progress);
        Ok(self.store.ledger_job_progress(id, total, done, now).await?)
    }

    /// Records how an import ended.
    pub async fn end_ledger_job(
        &self,
        id: i64,
        progress: &LedgerProgress,
        ended: &LedgerEnded,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let result = serde_json::to_string(ended)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
        Ok(self
            .store
            .end_ledger_job(id, ended.state(), &result, counts(progress), now)
            .await?)
    }

    /// An import of the actor's, from any node; another user's reads as absent.
    pub async fn ledger_job(&self, actor: &Actor, id: i64) -> ServiceResult<LedgerJob> {
        self.may_import_ledger(actor)?;
        let row = self
            .store
            .ledger_job(id)
            .await?
            .filter(|j| j.user_id == actor.user_id.0)
            .ok_or(ServiceError::NotFound)?;
        let ended = match row.state.as_str() {
            "running" => None,
            _ => Some(
                row.result
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_else(|| LedgerEnded::Failed("error.internal".into())),
            ),
        };
        Ok(LedgerJob {
            id: row.id,
            total: row.total,
            done: row.done,
            ended,
        })
    }
}

fn counts(p: &LedgerProgress) -> (i64, i64) {
    let n = |a: &std::sync::atomic::AtomicUsize| {
        i64::try_from(a.load(Ordering::Relaxed)).unwrap_or(i64::MAX)
    };
    (n(&p.total), n(&p.done))
}
