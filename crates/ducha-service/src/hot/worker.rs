//! The one place that decides which hot issue an appeal joins.
//!
//! The clustering's lease (`hot_state`) names the node that keeps the clusterer in memory.
//! Taking it moves the lease's epoch; the new holder then loads the clusterer from the stored
//! appeals that have a membership row, in id order (the clusterer is deterministic, so this
//! reproduces the stored hot issues), and clusters the appeals without one in id order,
//! writing each batch in one transaction fenced by its epoch: a former holder's batch is
//! refused and the former holder drops its copy. What is clustered is "every appeal without a
//! membership row", not "every id above a mark": an appeal whose id was drawn before others'
//! but committed after them (two transactions at once on PostgreSQL) is found by the next look
//! and clustered then. Every node looks every `poll_ms` (the holder renews its lease then), and
//! `appeals::on_stored` wakes this node's look at once without waiting for it, so a new appeal
//! joins its hot issue within milliseconds when that node holds the lease while the citizen's
//! request answers at once.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Duration, Utc};
use ducha_domain::hot::issue::place_of;
use ducha_domain::hot::{Clusterer, HotAppeal, HotConfig};
use ducha_store::{HotBatch, HotInput, HotStep};

/// This node's part: its name in the lease, its copy of the clusterer, and the bell that
/// wakes its loop.
pub(crate) struct HotWorker {
    owner: String,
    state: tokio::sync::Mutex<Option<Loaded>>,
    /// Rung when appeals were stored on this node.
    wake: tokio::sync::Notify,
    /// Whether `run_hot` listens to `wake` on this node (else a look is spawned).
    running: std::sync::atomic::AtomicBool,
}

impl Default for HotWorker {
    fn default() -> Self {
        let bytes: [u8; 6] = crate::appeals::random().unwrap_or([0; 6]);
        let owner = format!(
            "hot-{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        Self {
            owner,
            state: tokio::sync::Mutex::new(None),
            wake: tokio::sync::Notify::new(),
            running: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// The clusterer as loaded at a lease's epoch.
struct Loaded {
    epoch: i64,
    clusterer: Clusterer,
    /// Appeal id by the clusterer's index (in the order added: by id, but for an appeal
    /// committed late).
    ids: Vec<i64>,
    /// The clusterer's index by appeal id.
    index: std::collections::HashMap<i64, u32>,
    /// The highest appeal id added.
    last: i64,
}

impl Loaded {
    fn add(&mut self, a: &HotInput) -> HotStep {
        let place = place_of(&a.unit_path);
        let added = self.clusterer.add(HotAppeal {
            place: &place,
            category: &a.category,
            text: &a.text_masked,
        });
        if let Ok(i) = u32::try_from(self.ids.len()) {
            self.index.insert(a.id, i);
        }
        self.ids.push(a.id);
        self.last = self.last.max(a.id);
        let id = |i: u32| self.ids.get(i as usize).copied().unwrap_or(a.id);
        HotStep {
            appeal_id: a.id,
            root_appeal_id: id(added.cluster),
            merged_roots: added.merged.iter().map(|&m| id(m)).collect(),
            unit_path: a.unit_path.clone(),
            category: a.category.clone(),
            received_at: a.received_at,
        }
    }

    fn root_of(&mut self, appeal_id: i64) -> Option<i64> {
        let i = *self.index.get(&appeal_id)?;
        let root = self.clusterer.cluster_of(i);
        self.ids.get(root as usize).copied()
    }
}

/// This node's clusterer held (see [`Services::hot_pause`]).
pub struct HotPause<'a> {
    _held: tokio::sync::MutexGuard<'a, Option<Loaded>>,
}

/// What one look did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HotProgress {
    /// This node holds the lease.
    pub holder: bool,
    /// It loaded the clusterer (a new lease or a lost one).
    pub loaded: bool,
    /// Appeals clustered now.
    pub clustered: usize,
    /// Stored memberships that a load found different from the clusterer's (0 unless the
    /// clustering's rules changed since they were written).
    pub differing: usize,
}

impl Services {
    /// Clusters the appeals not yet clustered if this node holds (or can take) the
    /// clustering's lease.
    pub async fn hot_catch_up(&self) -> ServiceResult<HotProgress> {
        let cfg = &self.config.hot;
        let w = &self.hot;
        let mut guard = w.state.lock().await;
        let mut progress = HotProgress::default();
        let wall = Utc::now();
        let lease = Duration::seconds(cfg.lease_seconds.max(1));
        let Some(epoch) = self.store.hot_lease(&w.owner, wall, wall + lease).await? else {
            *guard = None;
            return Ok(progress);
        };
        progress.holder = true;
        if guard.as_ref().is_none_or(|l| l.epoch != epoch) {
            *guard = None;
            let (loaded, differing) = self.hot_load(epoch, cfg.cluster).await?;
            *guard = Some(loaded);
            progress.loaded = true;
            progress.differing = differing;
        }
        let Some(loaded) = guard.as_mut() else {
            return Ok(progress);
        };
        loop {
            let page = self.store.hot_unclustered(500).await?;
            let ready = ready_prefix(&page, loaded.last, Utc::now(), cfg.gap_wait_ms);
            if ready == 0 {
                break;
            }
            let steps: Vec<HotStep> = page[..ready].iter().map(|a| loaded.add(a)).collect();
            let batch = HotBatch {
                owner: w.owner.clone(),
                epoch,
                steps,
                last_appeal_id: loaded.last,
                at: crate::now(),
                return_months: cfg.return_months,
            };
            match self.store.hot_apply(&batch).await {
                Ok(true) => progress.clustered += ready,
                Ok(false) => {
                    // Another node took the lease meanwhile: its copy decides from now on.
                    *guard = None;
                    progress.holder = false;
                    return Ok(progress);
                }
                Err(e) => {
                    *guard = None;
                    return Err(e.into());
                }
            }
            if ready < page.len() {
                break;
            }
            // A long pass renews its lease between batches, so that it neither lapses for
            // another node to take nor makes the next look reload.
            let wall = Utc::now();
            if self.store.hot_lease(&w.owner, wall, wall + lease).await? != Some(epoch) {
                *guard = None;
                progress.holder = false;
                return Ok(progress);
            }
        }
        Ok(progress)
    }

    async fn hot_load(&self, epoch: i64, config: HotConfig) -> ServiceResult<(Loaded, usize)> {
        let mut l = Loaded {
            epoch,
            clusterer: Clusterer::new(config),
            ids: Vec::new(),
            index: std::collections::HashMap::new(),
            last: 0,
        };
        let mut after = 0;
        loop {
            let page = self.store.hot_clustered(after, 2000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for a in &page {
                l.add(a);
            }
        }
        // The stored memberships were written by the same rules from the same appeals in
        // the same order, so they agree; a difference means the rules changed.
        let mut differing = 0;
        let mut after = 0;
        loop {
            let page = self.store.hot_membership(after, 5000).await?;
            let Some(&(last, _)) = page.last() else { break };
            after = last;
            for (appeal, root) in page {
                if l.root_of(appeal) != Some(root) {
                    differing += 1;
                }
            }
        }
        if differing > 0 {
            tracing::warn!(
                differing,
                "hot issues: stored memberships differ from the clusterer's"
            );
        }
        Ok((l, differing))
    }

    /// Appeals were stored on this node: wakes this node's look without waiting for it (the
    /// loop of `run_hot` when it runs here, else a look of its own).
    pub(crate) fn hot_wake(&self) {
        if self.hot.running.load(std::sync::atomic::Ordering::SeqCst) {
            self.hot.wake.notify_one();
        } else {
            let s = self.clone();
            tokio::spawn(async move {
                if let Err(e) = s.hot_catch_up().await {
                    tracing::warn!(error = %e, "hot issues: cannot cluster new appeals now");
                }
            });
        }
    }

    /// Holds this node's clusterer until the returned guard is dropped: no look clusters
    /// meanwhile (an operator's pause, or a test showing that nothing else waits for it).
    pub async fn hot_pause(&self) -> HotPause<'_> {
        HotPause {
            _held: self.hot.state.lock().await,
        }
    }

    /// Hands the clustering's lease back (a node that stops).
    pub async fn hot_release(&self) {
        let mut guard = self.hot.state.lock().await;
        *guard = None;
        if let Err(e) = self.store.hot_release(&self.hot.owner).await {
            tracing::warn!(error = %e, "cannot hand back the hot issues' lease");
        }
    }

    /// Looks for appeals to cluster every `poll_ms` until `stop` resolves, then hands the
    /// lease back.
    pub async fn run_hot(&self, stop: impl std::future::Future<Output = ()>) {
        let every = std::time::Duration::from_millis(self.config.hot.poll_ms.max(10));
        tokio::pin!(stop);
        self.hot
            .running
            .store(true, std::sync::atomic::Ordering::SeqCst);
        loop {
            match self.hot_catch_up().await {
                Ok(p) if p.clustered > 0 || p.loaded => {
                    tracing::debug!(clustered = p.clustered, loaded = p.loaded, "hot issues");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "hot issues: cannot cluster"),
            }
            tokio::select! {
                () = &mut stop => break,
                () = tokio::time::sleep(every) => {}
                () = self.hot.wake.notified() => {}
            }
        }
        self.hot
            .running
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.hot_release().await;
    }
}

/// How many appeals of `page` (not yet clustered, in id order) may be clustered now: those
/// below the highest id clustered (`last`: committed late, they go at once), then the newer
/// ones up to the first missing id whose successor is younger than `gap_wait_ms` (the missing
/// one may still commit and should go first, so that the order stays the id order; once the
/// wait is over it is clustered whenever it commits).
fn ready_prefix(page: &[HotInput], mut last: i64, now: DateTime<Utc>, gap_wait_ms: i64) -> usize {
    for (i, a) in page.iter().enumerate() {
        if a.id <= last {
            continue;
        }
        if a.id != last + 1 && now - a.created_at < Duration::milliseconds(gap_wait_ms) {
            return i;
        }
        last = a.id;
    }
    page.len()
}
