//! The findings list (问题线索) of a jurisdiction: findings kept by the commands, and the
//! silence findings judged on the day — each naming the unit that answers for it.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ducha_domain::analytics::AnalyticsRules;
use ducha_domain::analytics::findings::{
    self, FindingDraft, FindingGroup, FindingKind, HelpFacts, OpenFacts,
};
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::org::{Actor, UnitPath};
use ducha_store::{FindingQuery, FindingRow, HelpRequestRow, OpenAssignmentRow};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// Filters of the findings list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema), into_params(parameter_in = Query))]
pub struct FindingsInput {
    /// `stall`, `dilution`, `overload` or `forwarding`.
    #[serde(default)]
    pub group: Option<String>,
    /// One kind of finding (see `FindingKind`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Items of this source.
    #[serde(default)]
    pub source: Option<String>,
    /// Items of this category.
    #[serde(default)]
    pub category: Option<String>,
    /// Only against units within this unit's subtree.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// At most this many (default 200, at most 2,000).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `mixed` (default): the worst finding of each kind first, then the second of each, …,
    /// so no kind of trouble hides behind another; `score`: highest score first.
    #[serde(default)]
    pub order: Option<String>,
}

/// A finding as a list shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    /// The kept finding's id; none for a silence finding judged today.
    pub id: Option<i64>,
    /// What it says.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: FindingKind,
    /// Its group.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub group: FindingGroup,
    /// Judged today (silence) rather than kept.
    pub live: bool,
    /// Item.
    pub item_id: i64,
    /// Its number.
    pub item_number: Option<String>,
    /// Its title.
    pub item_title: String,
    /// The culprit's assignment.
    pub assignment_id: i64,
    /// The unit that answers for it.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// What within the assignment it is about (a target's name, a unit below), or empty.
    pub subject: String,
    /// Severity (roughly working days lost or percentage points off).
    pub score: i64,
    /// The message key (`finding.{kind}`, or `finding.stall_overdue`).
    pub message_key: String,
    /// The message's arguments, unit ids resolved to names.
    pub args: serde_json::Value,
    /// The event that caused a kept finding.
    pub event_seq: Option<i64>,
    /// Found at.
    pub found_at: DateTime<Utc>,
    /// Resolved by a later decomposition.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The instant a China date begins.
pub(crate) fn day_start(d: NaiveDate) -> DateTime<Utc> {
    crate::analytics::china_instant(d, NaiveTime::MIN)
}

/// The date `n` working days before `today` (so that `today` is the `n`th working day after
/// it).
pub(crate) fn working_days_back(cal: &WorkCalendar, today: NaiveDate, n: i64) -> NaiveDate {
    let mut d = today;
    for _ in 0..3660 {
        if cal.working_days_between(d, today) >= n {
            break;
        }
        match d.pred_opt() {
            Some(p) => d = p,
            None => break,
        }
    }
    d
}

/// The facts the silence rules read of an open assignment.
pub(crate) fn open_facts(a: &OpenAssignmentRow, excused: &HashSet<i64>) -> OpenFacts {
    let last = [
        Some(a.dispatched_at),
        a.signed_at,
        a.last_report_at,
        a.decomposed_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(a.dispatched_at);
    OpenFacts {
        assignment_id: a.id,
        item_id: a.item_id,
        unit_id: a.unit_id,
        co: a.role == AssignmentRole::Co,
        state: a.state,
        dispatched_at: a.dispatched_at,
        last_action_at: last,
        reported: a.last_report_at.is_some(),
        deadline: a.deadline,
        excused: excused.contains(&a.id),
    }
}

/// The silence findings of open assignments and unanswered help requests, on `today`.
pub(crate) fn silence(
    cal: &WorkCalendar,
    rules: &AnalyticsRules,
    open: &[OpenAssignmentRow],
    helps: &[HelpRequestRow],
    excused: &HashSet<i64>,
    today: NaiveDate,
) -> Vec<FindingDraft> {
    let mut out = Vec::new();
    for a in open {
        let f = open_facts(a, excused);
        // A co-unit that never reported is named for that, not twice for the same silence.
        match findings::co_silent(cal, rules, &f, today) {
            Some(c) => out.push(c),
            None => out.extend(findings::stall(cal, rules, &f, today)),
        }
    }
    for h in helps.iter().filter(|h| h.answered_at.is_none()) {
        let f = HelpFacts {
            help_id: h.id,
            item_id: h.item_id,
            assignment_id: h.assignment_id,
            from_unit_id: h.from_unit_id,
            to_unit_id: h.to_unit_id,
            created_at: h.created_at,
        };
        out.extend(findings::help_unanswered(cal, rules, &f, today));
    }
    out
}

/// The message key of a finding.
fn message_key(kind: FindingKind, args: &serde_json::Value) -> String {
    let overdue = args
        .get("left")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0)
        < 0;
    if kind == FindingKind::Stall && overdue {
        "finding.stall_overdue".into()
    } else {
        format!("finding.{kind}")
    }
}

impl Services {
    /// The findings against units of the actor's jurisdiction (or a unit's subtree within
    /// it), kept and judged today, highest score first.
    pub async fn findings(
        &self,
        actor: &Actor,
        input: &FindingsInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<FindingView>> {
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = ducha_domain::ValidationErrors::default();
        let group = match input.group.as_deref().filter(|g| !g.is_empty()) {
            Some(g) => FindingGroup::from_str(g).map(Some).unwrap_or_else(|()| {
                e.add("group", "validation.unknown_choice");
                None
            }),
            None => None,
        };
        let kind = match input.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => FindingKind::from_str(k).map(Some).unwrap_or_else(|()| {
                e.add("kind", "validation.unknown_choice");
                None
            }),
            None => None,
        };
        let source = crate::analytics::parse_choice::<ducha_domain::item::Source>(
            &mut e,
            "source",
            input.source.as_deref(),
        );
        let category = crate::analytics::parse_choice::<ducha_domain::item::Category>(
            &mut e,
            "category",
            input.category.as_deref(),
        );
        let mixed = match input.order.as_deref().map(str::trim) {
            None | Some("" | "mixed") => true,
            Some("score") => false,
            Some(_) => {
                e.add("order", "validation.unknown_choice");
                true
            }
        };
        let root = self.scope_root(actor, input.unit_id).await?;
        e.into_result(())?;
        let limit = input.limit.unwrap_or(200).clamp(1, 2000);
        let kept = self
            .store
            .findings_under(&FindingQuery {
                root: root.clone(),
                source: source.map(|s| s.as_str().to_string()),
                category: category.map(|c| c.as_str().to_string()),
                limit: 2000,
            })
            .await?;
        let today = self.today(now);
        let mut live = self.live_findings(&root, today).await?;
        if source.is_some() || category.is_some() {
            let ids: Vec<i64> = live.iter().map(|f| f.item_id).collect();
            let keep: HashSet<i64> = self
                .store
                .item_titles(&ids)
                .await?
                .into_iter()
                .filter(|t| {
                    source.is_none_or(|x| x.as_str() == t.source)
                        && category.is_none_or(|x| x.as_str() == t.category)
                })
                .map(|t| t.id)
                .collect();
            live.retain(|f| keep.contains(&f.item_id));
        }
        let wanted =
            |k: FindingKind| kind.is_none_or(|x| x == k) && group.is_none_or(|g| g == k.group());
        let mut all: Vec<Listed<'_>> = kept
            .iter()
            .filter(|f| wanted(f.kind))
            .map(|f| (Some(f), draft_of(f)))
            .chain(
                live.into_iter()
                    .filter(|f| wanted(f.kind))
                    .map(|f| (None, f)),
            )
            .collect();
        all.sort_by(|a, b| {
            b.1.score
                .cmp(&a.1.score)
                .then(a.1.at.cmp(&b.1.at))
                .then(a.1.assignment_id.cmp(&b.1.assignment_id))
        });
        if mixed {
            let mut seen: HashMap<FindingKind, usize> = HashMap::new();
            let mut ranked: Vec<(usize, usize, Listed<'_>)> = all
                .into_iter()
                .enumerate()
                .map(|(i, f)| {
                    let n = seen.entry(f.1.kind).or_default();
                    *n += 1;
                    (*n, i, f)
                })
                .collect();
            ranked.sort_by_key(|(n, i, _)| (*n, *i));
            all = ranked.into_iter().map(|(_, _, f)| f).collect();
        }
        all.truncate(usize::try_from(limit).unwrap_or(200));
        self.finding_views(all).await
    }

    /// The root a findings or stall-map reader sees: the actor's jurisdiction (or own unit),
    /// or a unit within it; a unit outside it is "not found".
    pub(crate) async fn scope_root(
        &self,
        actor: &Actor,
        unit_id: Option<i64>,
    ) -> ServiceResult<UnitPath> {
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        let root = actor.visibility_root().clone();
        match unit_id {
            None => Ok(root),
            Some(id) => {
                let u = self.store.unit(id).await?.ok_or(ServiceError::NotFound)?;
                if u.path.0.is_within(&root) {
                    Ok(u.path.0)
                } else {
                    Err(ServiceError::NotFound)
                }
            }
        }
    }

    /// The silence findings of a subtree on `today`.
    pub(crate) async fn live_findings(
        &self,
        root: &UnitPath,
        today: NaiveDate,
    ) -> ServiceResult<Vec<FindingDraft>> {
        let cal = self.calendar();
        let rules = self.config.analytics;
        let due_by = cal.add_working_days(today, u32::try_from(rules.stall_near_days).unwrap_or(0));
        let co_before = day_start(working_days_back(&cal, today, rules.co_silent_days - 1));
        let help_before = day_start(working_days_back(&cal, today, rules.help_answer_days));
        let (open, helps, excused) = tokio::try_join!(
            self.store.silence_candidates(root, due_by, co_before),
            self.store.unanswered_help(root, help_before),
            self.store.excused_assignments(),
        )?;
        let excused: HashSet<i64> = excused.into_iter().collect();
        Ok(silence(&cal, &rules, &open, &helps, &excused, today))
    }

    /// Views of findings with names resolved.
    pub(crate) async fn finding_views(
        &self,
        all: Vec<Listed<'_>>,
    ) -> ServiceResult<Vec<FindingView>> {
        let mut units: Vec<i64> = Vec::new();
        for (_, f) in &all {
            units.push(f.unit_id);
            for k in ["from_unit_id", "child_unit_id", "reviewer_unit_id"] {
                units.extend(f.args.get(k).and_then(serde_json::Value::as_i64));
            }
        }
        units.sort_unstable();
        units.dedup();
        let mut items: Vec<i64> = all.iter().map(|(_, f)| f.item_id).collect();
        items.sort_unstable();
        items.dedup();
        let (names, titles) = tokio::try_join!(
            self.store.unit_names(&units),
            self.store.item_titles(&items)
        )?;
        let names: HashMap<i64, String> = names.into_iter().collect();
        let titles: HashMap<i64, (Option<String>, String)> = titles
            .into_iter()
            .map(|t| (t.id, (t.number, t.title)))
            .collect();
        Ok(all
            .into_iter()
            .map(|(row, f)| {
                let mut args = f.args.clone();
                for (id_key, name_key) in [
                    ("from_unit_id", "from_unit"),
                    ("child_unit_id", "child_unit"),
                    ("reviewer_unit_id", "reviewer_unit"),
                ] {
                    if let Some(id) = args.get(id_key).and_then(serde_json::Value::as_i64) {
                        args[name_key] = names.get(&id).cloned().unwrap_or_default().into();
                    }
                }
                let (number, title) = titles.get(&f.item_id).cloned().unwrap_or_default();
                FindingView {
                    id: row.map(|r| r.id),
                    kind: f.kind,
                    group: f.kind.group(),
                    live: row.is_none(),
                    item_id: f.item_id,
                    item_number: number,
                    item_title: title,
                    assignment_id: f.assignment_id,
                    unit_id: f.unit_id,
                    unit_name: names.get(&f.unit_id).cloned().unwrap_or_default(),
                    subject: f.subject.clone(),
                    score: f.score,
                    message_key: message_key(f.kind, &f.args),
                    args,
                    event_seq: row.map(|r| r.event_seq),
                    found_at: f.at,
                    resolved_at: row.and_then(|r| r.resolved_at),
                }
            })
            .collect())
    }
}

/// A finding to list: the kept row it came from (none when judged today) and the finding.
pub(crate) type Listed<'a> = (Option<&'a FindingRow>, FindingDraft);

/// A kept finding as the rules produced it.
pub(crate) fn draft_of(f: &FindingRow) -> FindingDraft {
    FindingDraft {
        kind: f.kind,
        item_id: f.item_id,
        assignment_id: f.assignment_id,
        unit_id: f.unit_id,
        subject: f.subject.clone(),
        score: f.score,
        args: f.args.0.clone(),
        at: f.found_at,
    }
}
