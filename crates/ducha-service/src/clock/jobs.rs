//! The scheduler: periodic jobs as single idempotent steps claimed through the database. A job
//! runs on one node at a time (a lease row in `jobs`); a node that dies mid-job leaves a lease
//! that expires, and the next node redoes the step, which changes nothing already done.
//!
//! Leases and intervals use the wall clock; what a job considers "now" (the day swept) comes
//! from [`Clock`], which tests and drills may point at a file.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, Timelike, Utc};
use ducha_notify::Notifier;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// The periodic jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobName {
    /// Lights, missed reports, notices and escalations.
    Sweep,
    /// Outbox delivery.
    Deliver,
    /// The daily digest of non-urgent notices.
    Digest,
    /// Deletes expired sessions, pending logins and throttle windows, and API tokens ended
    /// longer ago than the retention.
    Purge,
    /// Records the chain head as a checkpoint (in the database, and in the file if given).
    Checkpoint,
}

impl JobName {
    /// Every job.
    pub const ALL: [JobName; 5] = [
        JobName::Sweep,
        JobName::Deliver,
        JobName::Digest,
        JobName::Purge,
        JobName::Checkpoint,
    ];

    /// Its name in the `jobs` table and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            JobName::Sweep => "sweep",
            JobName::Deliver => "deliver",
            JobName::Digest => "digest",
            JobName::Purge => "purge",
            JobName::Checkpoint => "checkpoint",
        }
    }

    /// The job of a name.
    pub fn parse(s: &str) -> Option<JobName> {
        Self::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

/// Scheduler settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerSettings {
    /// Run the periodic jobs in this process.
    pub enabled: bool,
    /// How often the scheduler looks for due jobs, in milliseconds.
    pub tick_ms: u64,
    /// Seconds between sweeps.
    pub sweep_every_seconds: i64,
    /// Milliseconds between outbox deliveries.
    pub deliver_every_ms: i64,
    /// Milliseconds between two looks of every node at the calendar's generation (a year
    /// loaded on any node is in force on all within about this).
    pub calendar_poll_ms: u64,
    /// Seconds a stopping node waits for a running job to finish before it hands the job's
    /// lease back unfinished.
    pub stop_grace_seconds: u64,
    /// No longer used (the calendar is watched by every node, see `calendar_poll_ms`); still
    /// read so that older configuration files load.
    #[serde(skip_serializing)]
    pub calendar_every_seconds: Option<i64>,
    /// Seconds a lease (and a claimed delivery) protects a job from other nodes.
    pub lease_seconds: i64,
    /// Seconds between purges of expired sessions, pending logins and tokens.
    pub purge_every_seconds: i64,
    /// Days an expired or revoked API token stays listed (to its owner and the security
    /// admin) before the purge deletes it.
    pub token_retention_days: i64,
    /// Read "now" from this file (an RFC 3339 instant) instead of the system clock: for drills
    /// and tests that run simulated days. Only the jobs read it.
    pub clock_file: Option<PathBuf>,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            tick_ms: 1000,
            sweep_every_seconds: 900,
            deliver_every_ms: 2000,
            calendar_poll_ms: 2000,
            stop_grace_seconds: 10,
            calendar_every_seconds: None,
            lease_seconds: 120,
            purge_every_seconds: 3600,
            token_retention_days: 30,
            clock_file: None,
        }
    }
}

/// Where the jobs' "now" comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A file holding an RFC 3339 instant.
    File(PathBuf),
    /// A fixed instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant, or why it cannot be read.
    pub fn now(&self) -> Result<DateTime<Utc>, String> {
        match self {
            Clock::System => Ok(crate::now()),
            Clock::Fixed(t) => Ok(*t),
            Clock::File(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                DateTime::parse_from_rfc3339(text.trim())
                    .map(|t| ducha_domain::chain::normalize_time(t.with_timezone(&Utc)))
                    .map_err(|e| format!("{}: {e}", p.display()))
            }
        }
    }
}

/// Runs the jobs of one node.
#[derive(Clone)]
pub struct Scheduler {
    services: Services,
    notifier: Arc<Notifier>,
    owner: String,
    clock: Clock,
    settings: SchedulerSettings,
    checkpoint_file: Option<PathBuf>,
    checkpoint_every_seconds: i64,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler for this node, named `owner` in leases.
    pub fn new(
        services: Services,
        settings: SchedulerSettings,
        owner: String,
    ) -> ServiceResult<Self> {
        let notifier = Notifier::new(&services.config.notify.channels)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.message.into())))?;
        let clock = settings
            .clock_file
            .clone()
            .map_or(Clock::System, Clock::File);
        Ok(Self {
            services,
            notifier: Arc::new(notifier),
            owner,
            clock,
            settings,
            checkpoint_file: None,
            checkpoint_every_seconds: 60,
        })
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Records a checkpoint every `every_seconds` and also appends the ones this node records
    /// to `file` (kept off the database host).
    pub fn with_checkpoints(mut self, file: Option<PathBuf>, every_seconds: i64) -> Self {
        self.checkpoint_file = file;
        self.checkpoint_every_seconds = every_seconds;
        self
    }

    /// This node's name in leases and claims.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Creates the job rows, due at once.
    pub async fn ensure_jobs(&self) -> ServiceResult<()> {
        for j in JobName::ALL {
            self.services
                .store
                .ensure_job(j.as_str(), Utc::now())
                .await?;
        }
        Ok(())
    }

    /// Runs `job` once if it is due (or always, with `force`) and no other node holds it.
    /// Returns its outcome, or none when it did not run.
    pub async fn run_once(
        &self,
        job: JobName,
        force: bool,
    ) -> ServiceResult<Option<serde_json::Value>> {
        let store = &self.services.store;
        let started = Utc::now();
        let lease = Duration::seconds(self.settings.lease_seconds.max(1));
        if !store
            .claim_job(job.as_str(), &self.owner, started, started + lease, force)
            .await?
        {
            return Ok(None);
        }
        // A long step (the first sweep of a day at province scale) keeps its lease: it is
        // renewed every third of its length while the step runs — and no longer once the step
        // ends or is dropped unfinished (a node stopping after its grace hands the lease back).
        let renew = AbortOnDrop({
            let (store, name, owner) = (store.clone(), job.as_str(), self.owner.clone());
            let every = (lease / 3)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(1));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    match store.renew_job(name, &owner, Utc::now() + lease).await {
                        Ok(true) => {}
                        Ok(false) => return tracing::warn!(job = name, "lease lost while running"),
                        Err(e) => tracing::warn!(job = name, error = %e, "cannot renew lease"),
                    }
                }
            })
        });
        let outcome = self.step(job, lease).await;
        drop(renew);
        let finished = Utc::now();
        let (result, next) = match &outcome {
            Ok(v) => (v.to_string(), self.next_run(job, finished)),
            // A failed step is tried again after a pause (the database may be restarting).
            Err(e) => (
                serde_json::json!({ "error": e.to_string() }).to_string(),
                finished + Duration::seconds(10),
            ),
        };
        store
            .finish_job(job.as_str(), &self.owner, finished, next, &result)
            .await?;
        outcome.map(Some)
    }

    async fn step(&self, job: JobName, lease: Duration) -> ServiceResult<serde_json::Value> {
        let s = &self.services;
        Ok(match job {
            JobName::Sweep => {
                let now = self
                    .clock
                    .now()
                    .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
                json(&s.sweep(now).await?)
            }
            JobName::Deliver => json(&s.deliver_outbox(&self.notifier, &self.owner, lease).await?),
            JobName::Digest => {
                let now = self
                    .clock
                    .now()
                    .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
                json(&s.run_digest(now).await?)
            }
            JobName::Checkpoint => {
                let seq = s
                    .checkpoint(self.checkpoint_file.as_deref(), &self.owner, Utc::now())
                    .await?;
                serde_json::json!({ "head": seq })
            }
            JobName::Purge => {
                let now = self
                    .clock
                    .now()
                    .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
                json(
                    &s.purge_expired(now, self.settings.token_retention_days)
                        .await?,
                )
            }
        })
    }

    fn next_run(&self, job: JobName, after: DateTime<Utc>) -> DateTime<Utc> {
        let st = &self.settings;
        match job {
            JobName::Sweep => after + Duration::seconds(st.sweep_every_seconds.max(1)),
            JobName::Deliver => after + Duration::milliseconds(st.deliver_every_ms.max(10)),
            JobName::Purge => after + Duration::seconds(st.purge_every_seconds.max(1)),
            JobName::Checkpoint => after + Duration::seconds(self.checkpoint_every_seconds.max(1)),
            JobName::Digest => next_digest(after, self.services.config.notify.digest_hour),
        }
    }

    /// Runs due jobs every tick until `stop` resolves. A job running then may finish for
    /// [`SchedulerSettings::stop_grace_seconds`]; then whatever this node still holds — job
    /// leases, claimed deliveries — is handed back, so another node takes it at once instead
    /// of waiting for the lease to expire.
    pub async fn run(self, stop: impl std::future::Future<Output = ()>) {
        if let Err(e) = self.ensure_jobs().await {
            tracing::error!(error = %e, "scheduler: cannot create job rows");
        }
        let tick = std::time::Duration::from_millis(self.settings.tick_ms.max(10));
        let grace = std::time::Duration::from_secs(self.settings.stop_grace_seconds);
        tokio::pin!(stop);
        'ticks: loop {
            for job in JobName::ALL {
                let run = self.run_once(job, false);
                tokio::pin!(run);
                let mut stopping = false;
                let outcome = tokio::select! {
                    o = &mut run => o,
                    () = &mut stop => {
                        stopping = true;
                        match tokio::time::timeout(grace, &mut run).await {
                            Ok(o) => o,
                            Err(_) => {
                                tracing::warn!(
                                    job = job.as_str(),
                                    "job still running at stop: handed back unfinished"
                                );
                                break 'ticks;
                            }
                        }
                    }
                };
                match outcome {
                    Ok(Some(v)) => tracing::debug!(job = job.as_str(), outcome = %v, "job ran"),
                    Ok(None) => {}
                    Err(e) => tracing::error!(job = job.as_str(), error = %e, "job failed"),
                }
                if stopping {
                    break 'ticks;
                }
            }
            tokio::select! {
                () = &mut stop => break,
                () = tokio::time::sleep(tick) => {}
            }
        }
        self.hand_back().await;
    }

    /// Hands back the leases and claims this node holds.
    pub async fn hand_back(&self) {
        match self.services.store.release_leases(&self.owner).await {
            Ok((jobs, outbox)) => tracing::info!(
                owner = %self.owner, jobs, deliveries = outbox,
                "leases handed back"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot hand back leases"),
        }
    }
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The next digest time: `hour`:00 China time after `after`.
fn next_digest(after: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let local = after + Duration::hours(8);
    let mut at = local
        .with_hour(hour.min(23))
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap_or(local);
    if at <= local {
        at += Duration::days(1);
    }
    at - Duration::hours(8)
}

/// A job's outcome as JSON (outcomes are plain data: serialising cannot fail).
fn json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_goes_out_at_eight_china_time() {
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("time")
                .with_timezone(&Utc)
        };
        // 07:00 China = 23:00 UTC the day before.
        assert_eq!(
            next_digest(t("2026-11-26T23:00:00Z"), 8),
            t("2026-11-27T00:00:00Z")
        );
        assert_eq!(
            next_digest(t("2026-11-27T00:00:00Z"), 8),
            t("2026-11-28T00:00:00Z")
        );
        assert_eq!(
            next_digest(t("2026-11-27T05:00:00Z"), 8),
            t("2026-11-28T00:00:00Z")
        );
    }
}
