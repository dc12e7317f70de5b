//! Lights kept current by the commands themselves: every change that writes an assignment
//! gets its light recomputed, and its item's roll-up, in the same transaction.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Utc};
use ducha_domain::calendar::china_date;
use ducha_domain::item::Cadence;
use ducha_domain::light::{LightFacts, light_of};
use ducha_store::{AssignmentRow, Insert, Update};
use std::collections::BTreeMap;

/// The facts the light rules read from an assignment.
pub(crate) fn facts(a: &AssignmentRow, cadence: Cadence) -> LightFacts {
    LightFacts {
        state: a.state,
        deadline: a.deadline,
        dispatched_on: china_date(a.dispatched_at),
        progress: a.progress,
        last_report_on: a.last_report_at.map(china_date),
        returned: a.returned_open,
        cadence,
    }
}

impl Services {
    /// Recomputes the lights of the assignments a change writes, and adds the roll-up of
    /// their items when a light moved.
    pub(crate) async fn refresh_lights(
        &self,
        now: DateTime<Utc>,
        updates: &mut Vec<Update>,
        inserts: &mut [Insert],
    ) -> ServiceResult<()> {
        let touches = |item: i64, updates: &[Update]| {
            updates.iter().find_map(|u| match u {
                Update::Item(i) if i.id == item => Some(i.cadence.0),
                _ => None,
            })
        };
        let mut items: BTreeMap<i64, Option<Cadence>> = BTreeMap::new();
        for u in updates.iter() {
            if let Update::Assignment(a) = u {
                items.insert(a.item_id, touches(a.item_id, updates));
            }
        }
        for i in inserts.iter() {
            if let Insert::Assignment(a) = i {
                items.insert(a.item_id, touches(a.item_id, updates));
            }
        }
        if items.is_empty() {
            return Ok(());
        }
        for (id, cadence) in items.iter_mut() {
            if cadence.is_none() {
                *cadence = self.store.item(*id).await?.map(|i| i.cadence.0);
            }
        }
        let cal = self.calendar();
        let rules = self.config.lights;
        let today = china_date(now);
        let cadence_of = |item: i64| items.get(&item).copied().flatten().unwrap_or(Cadence::None);
        let mut moved = Vec::new();
        for u in updates.iter_mut() {
            if let Update::Assignment(a) = u {
                let lit = light_of(&facts(a, cadence_of(a.item_id)), today, &cal, &rules);
                let (rank, reason) = split(lit);
                if rank != a.light || reason != a.light_reason {
                    moved.push(a.item_id);
                }
                a.light = rank;
                a.light_reason = reason;
            }
        }
        for i in inserts.iter_mut() {
            if let Insert::Assignment(n) = i {
                let f = LightFacts {
                    state: ducha_domain::assignment::AssignmentState::Pending,
                    deadline: n.deadline,
                    dispatched_on: china_date(n.dispatched_at),
                    progress: None,
                    last_report_on: None,
                    returned: false,
                    cadence: cadence_of(n.item_id),
                };
                let (rank, reason) = split(light_of(&f, today, &cal, &rules));
                n.light = rank;
                n.light_reason = reason;
                moved.push(n.item_id);
            }
        }
        moved.sort_unstable();
        moved.dedup();
        updates.extend(
            moved
                .into_iter()
                .map(|item_id| Update::ItemLight { item_id }),
        );
        Ok(())
    }
}

/// A computed light as stored: rank and reason name.
pub(crate) fn split(
    lit: Option<(
        ducha_domain::light::Light,
        Option<ducha_domain::light::LightReason>,
    )>,
) -> (Option<i64>, Option<String>) {
    match lit {
        Some((l, r)) => (Some(l.rank()), r.map(|r| r.as_str().to_string())),
        None => (None, None),
    }
}
