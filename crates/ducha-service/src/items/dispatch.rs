//! Dispatch an approved item to lead and co-units (交办); the clock starts now.

use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Created, Services};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::analytics::targets::even_share;
use ducha_domain::assignment::{AssignmentRole, check_child_deadline};
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, Target, item_transition, parse_targets};
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, ItemRow, NewAssignment, UnitRow, Update};
use serde::Deserialize;
use std::collections::HashMap;
use std::str::FromStr;

/// Most units one dispatch or decomposition may name.
const MAX_ASSIGNMENTS: usize = 100;

/// One unit to assign.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentInput {
    /// The unit.
    pub unit_id: i64,
    /// `lead` or `co`.
    pub role: String,
    /// Deadline; the parent's when absent (and no `deadline_working_days`).
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// Deadline as N working days from this dispatch (1–500), instead of a date.
    #[serde(default)]
    pub deadline_working_days: Option<u32>,
    /// Targets; when absent a lead gets an even share of the parent's (amounts split among the
    /// leads given none, rates and time limits as they are), a co-unit none.
    #[serde(default)]
    pub targets: Option<Vec<Target>>,
    /// What is asked of the unit.
    #[serde(default)]
    pub instructions: String,
    /// Responsible person, if already known (otherwise named when signing).
    #[serde(default)]
    pub responsible_user_id: Option<i64>,
}

/// The units to dispatch an item to.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DispatchInput {
    /// Lead and co-units.
    pub assignments: Vec<AssignmentInput>,
}

/// What the new assignments hang under.
pub(crate) struct Parent<'a> {
    pub item_id: i64,
    pub parent_id: Option<i64>,
    /// Units must be strictly below this path.
    pub root: &'a UnitPath,
    pub deadline: NaiveDate,
    pub targets: &'a [Target],
    /// Units that already hold an open assignment here.
    pub taken: Vec<i64>,
    /// Whether at least one lead is required.
    pub need_lead: bool,
}

impl Services {
    /// Turns assignment inputs into new rows, checking units, deadlines and targets.
    pub(crate) async fn plan_assignments(
        &self,
        actor: &Actor,
        parent: &Parent<'_>,
        inputs: &[AssignmentInput],
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<NewAssignment>> {
        self.plan_assignments_among(actor, parent, inputs, None, now)
            .await
    }

    /// [`Self::plan_assignments`], with the named units' rows when the caller read them in
    /// this transaction already (read here otherwise).
    pub(crate) async fn plan_assignments_among(
        &self,
        actor: &Actor,
        parent: &Parent<'_>,
        inputs: &[AssignmentInput],
        known: Option<&[UnitRow]>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<NewAssignment>> {
        let today = self.today(now);
        let mut e = ValidationErrors::default();
        if inputs.is_empty() {
            e.add("assignments", "validation.required");
        }
        if inputs.len() > MAX_ASSIGNMENTS {
            // Refused before any query: the unit lookup binds one parameter per entry.
            e.add("assignments", "validation.too_many");
            return Err(e.into());
        }
        let ids: Vec<i64> = inputs.iter().map(|i| i.unit_id).collect();
        // Leads given no targets share the parent's evenly (one lead takes them whole).
        let sharing: Vec<usize> = inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.targets.is_none() && i.role == "lead")
            .map(|(n, _)| n)
            .collect();
        let units = match known {
            Some(u) => u.to_vec(),
            None => self.store.units(&ids).await?,
        };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            let f = |name: &str| format!("assignments[{i}].{name}");
            let role = AssignmentRole::from_str(&input.role);
            if role.is_err() {
                e.add(f("role"), "validation.unknown_choice");
            }
            let unit = units.iter().find(|u| u.id == input.unit_id);
            match unit {
                None => e.add(f("unit_id"), "validation.unknown_unit"),
                Some(u) if !u.path.0.is_strictly_below(parent.root) => {
                    e.add(f("unit_id"), Rule::UnitNotInSubtree.key());
                }
                Some(_) if !seen.insert(input.unit_id) => {
                    e.add(f("unit_id"), "validation.duplicate")
                }
                Some(_) if parent.taken.contains(&input.unit_id) => {
                    e.add(f("unit_id"), Rule::DuplicateUnit.key());
                }
                Some(_) => {}
            }
            let deadline = match (input.deadline, input.deadline_working_days) {
                (Some(_), Some(_)) => {
                    e.add(f("deadline"), "validation.deadline_either");
                    e.add(f("deadline_working_days"), "validation.deadline_either");
                    parent.deadline
                }
                (None, Some(n)) if !(1..=500).contains(&n) => {
                    e.add(f("deadline_working_days"), "validation.out_of_range");
                    parent.deadline
                }
                (None, Some(n)) => self.calendar().add_working_days(today, n),
                (d, None) => d.unwrap_or(parent.deadline),
            };
            if let Err(rule) = check_child_deadline(deadline, parent.deadline, today) {
                e.add(f("deadline"), rule.key());
            }
            let targets = match (&input.targets, role) {
                (Some(t), _) => parse_targets(&mut e, &f("targets"), t),
                (None, Ok(AssignmentRole::Lead)) => {
                    let nth = sharing.iter().position(|&n| n == i).unwrap_or(0);
                    even_share(parent.targets, sharing.len(), nth)
                }
                (None, _) => Vec::new(),
            };
            let instructions =
                bounded(&mut e, &f("instructions"), &input.instructions, false, 5000);
            if let Some(rid) = input.responsible_user_id {
                let ok = self
                    .store
                    .user(rid)
                    .await?
                    .is_some_and(|u| u.unit_id == input.unit_id);
                if !ok {
                    e.add(f("responsible_user_id"), Rule::ResponsibleNotInUnit.key());
                }
            }
            if let (Ok(role), Some(u)) = (role, unit) {
                out.push(NewAssignment {
                    item_id: parent.item_id,
                    parent_id: parent.parent_id,
                    unit_id: u.id,
                    unit_path: u.path.0.clone(),
                    role,
                    responsible_user_id: input.responsible_user_id,
                    deadline,
                    targets,
                    instructions,
                    dispatched_at: now,
                    dispatched_by: actor.user_id.0,
                    // Computed with the change (see `clock::lights`).
                    light: None,
                    light_reason: None,
                });
            }
        }
        if parent.need_lead && !inputs.iter().any(|i| i.role == "lead") {
            e.add("assignments", Rule::NoLeadUnit.key());
        }
        e.into_result(out).map_err(Into::into)
    }

    /// The prefix of official numbers in a jurisdiction: the configured one (督) for the root,
    /// with the jurisdiction's short name before it below (云溪督〔2026〕1号), since numbers
    /// are unique across the whole register while each jurisdiction counts its own.
    pub(crate) async fn number_prefix(
        &self,
        scope_unit_id: i64,
        prefix: &str,
    ) -> ServiceResult<String> {
        Ok(match self.store.unit(scope_unit_id).await? {
            Some(u) if u.parent_id.is_some() => {
                let name = ["街道", "市", "区", "县", "镇", "乡"]
                    .iter()
                    .find_map(|s| u.name.strip_suffix(s).filter(|n| !n.is_empty()))
                    .unwrap_or(&u.name);
                format!("{name}{prefix}")
            }
            _ => prefix.to_string(),
        })
    }

    /// A supervisor dispatches an approved item; it gets its official number.
    pub async fn dispatch_item(
        &self,
        actor: &Actor,
        item_id: i64,
        input: &DispatchInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (item, _) = self.visible_item(actor, item_id).await?;
        self.dispatch_loaded(actor, item, input, &mut DispatchMemo::default(), now)
            .await
    }

    /// [`Self::dispatch_item`] on the item as the caller read it (visible to the actor), with
    /// the rows `memo` keeps across the dispatches of one transaction (a ledger's import).
    pub(crate) async fn dispatch_loaded(
        &self,
        actor: &Actor,
        mut item: ItemRow,
        input: &DispatchInput,
        memo: &mut DispatchMemo,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let item_id = item.id;
        ensure(actor.supervises(&item.scope_path.0))?;
        item.state = item_transition(item.state, ItemCommand::Dispatch)?;
        // Naming no units dispatches a matter from a ledger to the units the ledger named.
        // (Read only then: a ledger's import names its units and dispatches thousands.)
        let planned;
        let plan = if input.assignments.is_empty() {
            self.ledger_plan(item_id).await?
        } else {
            None
        };
        let input = match plan {
            Some(plan) => {
                planned = DispatchInput {
                    assignments: plan.assignments(),
                };
                &planned
            }
            None => input,
        };
        // "N working days from dispatch": the clock starts now, so the deadline is counted now.
        if let Some(n) = item.deadline_working_days {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            item.deadline = self.calendar().add_working_days(self.today(now), n);
        }
        let parent = Parent {
            item_id,
            parent_id: None,
            root: &item.scope_path.0,
            deadline: item.deadline,
            targets: &item.targets.0,
            taken: vec![],
            need_lead: true,
        };
        let known = memo.units(self, &input.assignments).await?;
        let new = self
            .plan_assignments_among(actor, &parent, &input.assignments, known.as_deref(), now)
            .await?;
        item.dispatched_at = Some(now);
        let payload = serde_json::json!({
            "assignments": new.iter().map(|a| serde_json::json!({
                "unit_id": a.unit_id, "role": a.role, "deadline": a.deadline, "targets": a.targets,
            })).collect::<Vec<_>>(),
            "deadline": item.deadline,
        });
        let year = self.today(now).year();
        let prefix = match memo.prefixes.get(&item.scope_unit_id) {
            Some(p) => p.clone(),
            None => {
                let p = self
                    .number_prefix(item.scope_unit_id, &self.config.item_number_prefix)
                    .await?;
                if memo.keep {
                    memo.prefixes.insert(item.scope_unit_id, p.clone());
                }
                p
            }
        };
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ItemDispatched,
                Subject::item(item_id),
                payload,
                vec![
                    Update::NumberItem {
                        item_id,
                        scope_unit_id: item.scope_unit_id,
                        year,
                        prefix,
                    },
                    Update::Item(item),
                ],
                new.into_iter().map(Insert::Assignment).collect(),
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}

/// What the dispatches of one transaction read once: the units they name and the number
/// prefixes of their jurisdictions. A default memo keeps nothing (every dispatch reads).
#[derive(Debug, Default)]
pub(crate) struct DispatchMemo {
    /// Whether to keep what was read (only inside one transaction, where it cannot change
    /// under the caller).
    keep: bool,
    units: HashMap<i64, Option<UnitRow>>,
    prefixes: HashMap<i64, String>,
}

impl DispatchMemo {
    /// A memo that keeps what it reads, for dispatches in one transaction.
    pub(crate) fn kept() -> Self {
        Self {
            keep: true,
            ..Self::default()
        }
    }

    /// The rows of the units `inputs` name, reading those not read before; `None` when the
    /// memo keeps nothing (or the input is refused before any query).
    async fn units(
        &mut self,
        s: &Services,
        inputs: &[AssignmentInput],
    ) -> ServiceResult<Option<Vec<UnitRow>>> {
        if !self.keep || inputs.is_empty() || inputs.len() > MAX_ASSIGNMENTS {
            return Ok(None);
        }
        let mut missing: Vec<i64> = inputs
            .iter()
            .map(|i| i.unit_id)
            .filter(|id| !self.units.contains_key(id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let rows = s.store.units(&missing).await?;
            for id in missing {
                let row = rows.iter().find(|u| u.id == id).cloned();
                self.units.insert(id, row);
            }
        }
        Ok(Some(
            inputs
                .iter()
                .filter_map(|i| self.units.get(&i.unit_id).cloned().flatten())
                .collect(),
        ))
    }
}

/// The parent for sub-assignments of `a`: units strictly below it, its deadline and targets.
pub(crate) fn dispatch_parent(a: &ducha_store::AssignmentRow, taken: Vec<i64>) -> Parent<'_> {
    Parent {
        item_id: a.item_id,
        parent_id: Some(a.id),
        root: &a.unit_path.0,
        deadline: a.deadline,
        targets: &a.targets.0,
        taken,
        need_lead: false,
    }
}
