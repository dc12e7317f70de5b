//! Lights by unit: how many open assignments of each unit show each light — the leader's view
//! of where work is late.

use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use ducha_domain::org::Actor;
use serde::Serialize;
use std::collections::BTreeMap;

/// One unit's open assignments per light.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitLights {
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Green.
    pub green: i64,
    /// Blue.
    pub blue: i64,
    /// Yellow.
    pub yellow: i64,
    /// Red.
    pub red: i64,
}

impl Services {
    /// The units with open assignments within `unit_id`'s subtree (default: all the actor
    /// sees), worst first: most red, then yellow, then blue.
    pub async fn unit_lights(
        &self,
        actor: &Actor,
        unit_id: Option<i64>,
    ) -> ServiceResult<Vec<UnitLights>> {
        ensure(!actor.roles.iter().all(|r| r.is_admin()))?;
        let root = match unit_id {
            None => actor.visibility_root().clone(),
            Some(id) => match self.store.unit(id).await? {
                Some(u) if actor.sees(&u.path.0) => u.path.0,
                _ => return Err(ServiceError::NotFound),
            },
        };
        let mut by_unit: BTreeMap<i64, UnitLights> = BTreeMap::new();
        for (unit, rank, n) in self.store.light_counts(&root).await? {
            let e = by_unit.entry(unit).or_insert_with(|| UnitLights {
                unit_id: unit,
                ..UnitLights::default()
            });
            match rank {
                0 => e.green += n,
                1 => e.blue += n,
                2 => e.yellow += n,
                _ => e.red += n,
            }
        }
        let ids: Vec<i64> = by_unit.keys().copied().collect();
        for u in self.store.units(&ids).await? {
            if let Some(e) = by_unit.get_mut(&u.id) {
                e.unit_name = u.name;
            }
        }
        let mut out: Vec<UnitLights> = by_unit.into_values().collect();
        out.sort_by_key(|u| (std::cmp::Reverse((u.red, u.yellow, u.blue)), u.unit_id));
        Ok(out)
    }
}
