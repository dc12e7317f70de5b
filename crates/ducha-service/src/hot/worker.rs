//! The one place that decides which hot issue an appeal joins.
//!
//! The clustering's lease (`hot_state`) names the node that keeps the clusterer in memory.
//! Taking it moves the lease's epoch; the new holder then loads the clusterer from the stored
//! appeals up to the last one clustered, in id order (the clusterer is deterministic, so this
//! reproduces the stored hot issues), and clusters the newer appeals in id order, writing each
//! batch in one transaction fenced by its epoch: a former holder's batch is refused and the
//! former holder drops its copy. Every node looks every `poll_ms` (the holder renews its lease
//! then), and `appeals::on_stored` looks at once on the node that stored the appeal, so a new
//! appeal joins its hot issue within milliseconds when that node holds the lease.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Duration, Utc};
use ducha_domain::hot::issue::place_of;
use ducha_domain::hot::{Clusterer, HotAppeal, HotConfig};
use ducha_store::{HotBatch, HotInput, HotStep};

/// This node's part: its name in the lease and its copy of the clusterer.
pub(crate) struct HotWorker {
    owner: String,
    state: tokio::sync::Mutex<Option<Loaded>>,
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
        }
    }
}

/// The clusterer as loaded at a lease's epoch.
struct Loaded {
    epoch: i64,
    clusterer: Clusterer,
    /// Appeal id by the clusterer's index (increasing).
    ids: Vec<i64>,
    /// The last appeal added.
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
        self.ids.push(a.id);
        self.last = a.id;
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
        let i = self.ids.binary_search(&appeal_id).ok()?;
        let root = self.clusterer.cluster_of(u32::try_from(i).ok()?);
        self.ids.get(root as usize).copied()
    }
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
            let page = self.store.hot_inputs(loaded.last, i64::MAX, 500).await?;
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
        }
        Ok(progress)
    }

    async fn hot_load(&self, epoch: i64, config: HotConfig) -> ServiceResult<(Loaded, usize)> {
        let upto = self.store.hot_position().await?;
        let mut l = Loaded {
            epoch,
            clusterer: Clusterer::new(config),
            ids: Vec::new(),
            last: 0,
        };
        let mut after = 0;
        loop {
            let page = self.store.hot_inputs(after, upto, 2000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for a in &page {
                l.add(a);
            }
        }
        l.last = upto;
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
            }
        }
        self.hot_release().await;
    }
}

/// How many appeals of `page` (in id order, after `last`) may be clustered now: all up to the
/// first missing id whose successor is younger than `gap_wait_ms` (the missing one may still
/// commit and must go first).
fn ready_prefix(page: &[HotInput], mut last: i64, now: DateTime<Utc>, gap_wait_ms: i64) -> usize {
    for (i, a) in page.iter().enumerate() {
        if a.id != last + 1 && now - a.created_at < Duration::milliseconds(gap_wait_ms) {
            return i;
        }
        last = a.id;
    }
    page.len()
}
