//! An item with its assignment tree, reports, requests and timeline, as the actor may see it.

use super::import::LedgerPlan;
use crate::evidence::EvidenceView;
use crate::{
    AssignmentView, EventView, ExtensionView, HelpRequestView, ItemDetail, LedgerPlanView,
    PlannedUnit, RefusalView, ReportView, ServiceResult, Services,
};
use ducha_domain::UnitId;
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::assignment::AssignmentState as S;
use ducha_domain::item::ItemState;
use ducha_domain::light::Light;
use ducha_domain::org::Actor;
use ducha_domain::report::ReportState;
use ducha_domain::requests::RequestState;
use ducha_store::{AssignmentRow, ItemRow};
use std::collections::{HashMap, HashSet};

/// What of an item's chain the actor sees: the assignments of its own subtree (all of them
/// for those who oversee the item), and those plus the chain above them, shown for context.
pub(crate) fn visible_sets(
    actor: &Actor,
    item: &ItemRow,
    all: &[AssignmentRow],
) -> (HashSet<i64>, HashSet<i64>) {
    let scope = &item.scope_path.0;
    let oversees = actor.supervises(scope) || actor.leads(scope);
    let own: HashSet<i64> = all
        .iter()
        .filter(|a| oversees || actor.sees(&a.unit_path.0))
        .map(|a| a.id)
        .collect();
    if oversees {
        return (own.clone(), own);
    }
    let by_id: HashMap<i64, &AssignmentRow> = all.iter().map(|a| (a.id, a)).collect();
    let mut set = HashSet::new();
    for a in all.iter().filter(|a| actor.sees(&a.unit_path.0)) {
        let mut cur = Some(a);
        while let Some(c) = cur {
            if !set.insert(c.id) {
                break;
            }
            cur = c.parent_id.and_then(|p| by_id.get(&p).copied());
        }
    }
    (own, set)
}

/// Orders assignments depth-first, parents before children, siblings by id.
pub(crate) fn depth_first(all: &[AssignmentRow]) -> Vec<(&AssignmentRow, usize)> {
    fn walk<'a>(
        all: &'a [AssignmentRow],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(&'a AssignmentRow, usize)>,
    ) {
        for a in all.iter().filter(|a| a.parent_id == parent) {
            out.push((a, depth));
            walk(all, Some(a.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(all.len());
    walk(all, None, 1, &mut out);
    out
}

fn item_actions(actor: &Actor, item: &ItemRow, all: &[AssignmentRow]) -> Vec<&'static str> {
    let sup = actor.supervises(&item.scope_path.0);
    match item.state {
        ItemState::Draft if sup => vec!["edit", "submit"],
        ItemState::PendingApproval if super::approve::approves(actor, item) => {
            vec!["approve", "reject"]
        }
        ItemState::Approved if sup => vec!["dispatch"],
        ItemState::Dispatched if sup && super::close::finished(all) => vec!["close"],
        _ => vec![],
    }
}

fn assignment_actions(
    actor: &Actor,
    item: &ItemRow,
    parent: Option<&AssignmentRow>,
    a: &AssignmentRow,
    pending_refusal: bool,
) -> Vec<&'static str> {
    if item.state != ItemState::Dispatched {
        return vec![];
    }
    let mut out = Vec::new();
    if actor.acts_for(UnitId(a.unit_id)) {
        match a.state {
            S::Pending => out.extend(["sign", "refuse"]),
            S::Signed | S::InProgress => {
                out.extend(["decompose", "report", "complete", "extend", "help"]);
            }
            _ => {}
        }
    }
    if pending_refusal && Services::is_level_above(actor, item, parent) {
        out.push("decide_refusal");
    }
    out
}

impl Services {
    /// Everything about an item that the actor may see.
    pub async fn item_detail(&self, actor: &Actor, item_id: i64) -> ServiceResult<ItemDetail> {
        self.item_detail_recent(actor, item_id, None).await
    }

    /// [`Self::item_detail`] with only the `latest` reports (plus those awaiting review) and
    /// events when given: what a page of a busy item shows before "show all".
    pub async fn item_detail_recent(
        &self,
        actor: &Actor,
        item_id: i64,
        latest: Option<i64>,
    ) -> ServiceResult<ItemDetail> {
        let (item, all) = self.visible_item(actor, item_id).await?;
        let scope = &item.scope_path.0;
        let oversees = actor.supervises(scope) || actor.leads(scope);
        let (own, visible) = visible_sets(actor, &item, &all);
        // Independent reads, side by side: a busy item's page waits for the slowest, not the sum.
        let store = &self.store;
        let (reports, helps, exts, refusals, events) = tokio::try_join!(
            async {
                match latest {
                    Some(n) => store.recent_reports_of_item(item_id, n).await,
                    None => store.reports_of_item(item_id).await,
                }
            },
            store.help_requests_of_item(item_id),
            store.extensions_of_item(item_id),
            store.refusals_of_item(item_id),
            async {
                match latest {
                    Some(n) => store.recent_item_events(item_id, n).await,
                    None => store.item_events(item_id).await,
                }
            },
        )?;
        let mut unit_ids: Vec<i64> = all.iter().map(|a| a.unit_id).collect();
        unit_ids.extend(helps.iter().map(|h| h.to_unit_id));
        unit_ids.extend(events.iter().filter_map(|e| e.actor_unit));
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let mut user_ids: Vec<i64> = all.iter().filter_map(|a| a.responsible_user_id).collect();
        user_ids.extend(reports.iter().map(|r| r.author_id));
        user_ids.extend(events.iter().filter_map(|e| e.actor_user));
        user_ids.sort_unstable();
        user_ids.dedup();
        let (units, users) =
            tokio::try_join!(store.unit_names(&unit_ids), store.user_names(&user_ids))?;
        let units: HashMap<i64, String> = units.into_iter().collect();
        let users: HashMap<i64, String> = users.into_iter().collect();
        let by_id: HashMap<i64, &AssignmentRow> = all.iter().map(|a| (a.id, a)).collect();
        let parent = |a: &AssignmentRow| a.parent_id.and_then(|p| by_id.get(&p).copied());
        let level_above = |aid: i64| {
            by_id
                .get(&aid)
                .is_some_and(|a| Self::is_level_above(actor, &item, parent(a)))
        };

        let assignments = depth_first(&all)
            .into_iter()
            .filter(|(a, _)| visible.contains(&a.id))
            .map(|(a, depth)| {
                let pending_refusal = refusals
                    .iter()
                    .any(|r| r.assignment_id == a.id && r.state == RequestState::Pending);
                AssignmentView {
                    id: a.id,
                    parent_id: a.parent_id,
                    depth,
                    unit_id: a.unit_id,
                    unit_name: units.get(&a.unit_id).cloned().unwrap_or_default(),
                    role: a.role,
                    state: a.state,
                    responsible_user_id: a.responsible_user_id,
                    responsible_name: a.responsible_user_id.and_then(|u| users.get(&u).cloned()),
                    deadline: a.deadline,
                    original_deadline: a.original_deadline,
                    targets: a.targets.0.clone(),
                    instructions: a.instructions.clone(),
                    dispatched_at: a.dispatched_at,
                    signed_at: a.signed_at,
                    completed_at: a.completed_at,
                    returned_count: a.returned_count,
                    progress: a.progress,
                    last_report_at: a.last_report_at,
                    light: a.light.and_then(Light::from_rank),
                    light_reason: a.light_reason.as_deref().and_then(|r| r.parse().ok()),
                    version: a.version,
                    actions: assignment_actions(actor, &item, parent(a), a, pending_refusal),
                }
            })
            .collect();
        let reports: Vec<_> = reports
            .into_iter()
            .filter(|r| own.contains(&r.assignment_id))
            .collect();
        // The files of every report of the item, in one query.
        let mut evidence: HashMap<i64, Vec<EvidenceView>> = HashMap::new();
        if !reports.is_empty() {
            for e in self.store.evidence_of_item(item_id).await? {
                let view = EvidenceView::from(&e.evidence);
                evidence.entry(e.report_id).or_default().push(view);
            }
        }
        let reports = reports
            .into_iter()
            .map(|r| ReportView {
                evidence: evidence.remove(&r.id).unwrap_or_default(),
                can_review: r.state == ReportState::Pending && level_above(r.assignment_id),
                author_name: users.get(&r.author_id).cloned().unwrap_or_default(),
                id: r.id,
                assignment_id: r.assignment_id,
                author_id: r.author_id,
                kind: r.kind,
                text: r.text,
                percent: r.percent,
                metrics: r.metrics.0,
                problems: r.problems,
                state: r.state,
                submitted_at: r.submitted_at,
                reviewed_at: r.reviewed_at,
                review_comment: r.review_comment,
            })
            .collect();
        let help_requests = helps
            .into_iter()
            .filter(|h| own.contains(&h.assignment_id) || h.to_unit_id == actor.unit_id.0)
            .map(|h| HelpRequestView {
                can_answer: h.answered_at.is_none() && self.answers_for(actor, &item, h.to_unit_id),
                to_unit_name: units.get(&h.to_unit_id).cloned().unwrap_or_default(),
                id: h.id,
                item_id: h.item_id,
                assignment_id: h.assignment_id,
                from_unit_id: h.from_unit_id,
                to_unit_id: h.to_unit_id,
                text: h.text,
                created_at: h.created_at,
                answer: h.answer,
                answered_at: h.answered_at,
            })
            .collect();
        let extensions = exts
            .into_iter()
            .filter(|x| own.contains(&x.assignment_id))
            .map(|x| ExtensionView {
                can_decide: x.state == RequestState::Pending && level_above(x.assignment_id),
                id: x.id,
                assignment_id: x.assignment_id,
                old_deadline: x.old_deadline,
                requested_deadline: x.requested_deadline,
                reason: x.reason,
                state: x.state,
                created_at: x.created_at,
                comment: x.comment,
            })
            .collect();
        let refusals = refusals
            .into_iter()
            .filter(|r| own.contains(&r.assignment_id))
            .map(|r| RefusalView {
                can_decide: r.state == RequestState::Pending && level_above(r.assignment_id),
                id: r.id,
                assignment_id: r.assignment_id,
                reason: r.reason,
                state: r.state,
                created_at: r.created_at,
                comment: r.comment,
            })
            .collect();
        let timeline = events
            .into_iter()
            .filter(|e| e.assignment_id.is_none_or(|a| own.contains(&a)))
            .map(|e| EventView {
                seq: e.seq,
                at: e.at,
                actor_name: e.actor_user.and_then(|u| users.get(&u).cloned()),
                actor_unit_name: e.actor_unit.and_then(|u| units.get(&u).cloned()),
                kind: e.kind,
                assignment_id: e.assignment_id,
                // Item-level details (whom the office dispatched to, with which targets) stay
                // with those who oversee the item.
                payload: if oversees || e.assignment_id.is_some() {
                    serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null)
                } else {
                    serde_json::Value::Null
                },
                hash: e.hash,
            })
            .collect();
        let notices = self
            .store
            .notices_of_item(item_id)
            .await?
            .iter()
            .filter(|n| own.contains(&n.assignment_id))
            .map(|n| {
                let unit = units.get(&n.unit_id).cloned().unwrap_or_default();
                crate::clock::notice_view(n, unit, actor)
            })
            .collect();
        let ledger_plan = match item.dispatched_at {
            None => self.ledger_plan_view(item_id).await?,
            Some(_) => None,
        };
        Ok(ItemDetail {
            ledger_plan,
            actions: item_actions(actor, &item, &all),
            id: item.id,
            number: item.number.clone(),
            title: item.title.clone(),
            description: item.description.clone(),
            source: item.source,
            category: item.category,
            priority: item.priority,
            targets: item.targets.0.clone(),
            deadline: item.deadline,
            deadline_working_days: item.deadline_working_days,
            deadline_unscheduled: !self.calendar().schedules(item.deadline),
            cadence: item.cadence.0,
            leader_id: item.leader_id,
            public: item.public,
            state: item.state,
            scope_unit_id: item.scope_unit_id,
            owner_unit_id: item.owner_unit_id,
            created_at: item.created_at,
            dispatched_at: item.dispatched_at,
            closed_at: item.closed_at,
            light: item.light.and_then(Light::from_rank),
            notices,
            version: item.version,
            assignments,
            reports,
            help_requests,
            extensions,
            refusals,
            timeline,
        })
    }
}

impl Services {
    /// The plan a ledger gave an item, if it came from one with a plan.
    pub(crate) async fn ledger_plan(&self, item_id: i64) -> ServiceResult<Option<LedgerPlan>> {
        Ok(self
            .store
            .ledger_plan(item_id)
            .await?
            .and_then(|p| serde_json::from_str(&p).ok()))
    }

    async fn ledger_plan_view(&self, item_id: i64) -> ServiceResult<Option<LedgerPlanView>> {
        let Some(plan) = self.ledger_plan(item_id).await? else {
            return Ok(None);
        };
        let ids: Vec<i64> = plan.leads.iter().chain(&plan.co_units).copied().collect();
        let names: HashMap<i64, String> = self.store.unit_names(&ids).await?.into_iter().collect();
        let unit = |unit_id: &i64, role| PlannedUnit {
            unit_id: *unit_id,
            unit_name: names.get(unit_id).cloned().unwrap_or_default(),
            role,
        };
        Ok(Some(LedgerPlanView {
            units: plan
                .leads
                .iter()
                .map(|u| unit(u, AssignmentRole::Lead))
                .chain(plan.co_units.iter().map(|u| unit(u, AssignmentRole::Co)))
                .collect(),
            note: plan.note,
        }))
    }
}
