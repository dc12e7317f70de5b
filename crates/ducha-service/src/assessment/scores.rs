//! The scores of a period: the ranking of a jurisdiction's units and each unit's score card,
//! computed from the facts for an open period and read as stored for a final one.

use super::{Period, assessed};
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::assessment::{Line, RuleSet, UnitScore, score};
use ducha_domain::chain::EventKind;
use ducha_domain::org::{Actor, UnitPath};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tracing::Instrument;

/// A unit's place in the ranking.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRank {
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Its depth in the tree.
    pub level: i64,
    /// Score.
    pub total: f64,
    /// Place (1 = best; equal scores share a place).
    pub rank: usize,
    /// Place in the period before.
    pub previous_rank: Option<usize>,
    /// Score in the period before (from the same computation as its place).
    pub previous_total: Option<f64>,
    /// Score minus the score in the period before (positive: up).
    pub total_change: Option<f64>,
    /// Deductions, summed (negative).
    pub deductions: f64,
    /// Bonuses, summed.
    pub bonuses: f64,
    /// Lines on the card.
    pub lines: usize,
    /// Thresholds reached this year.
    pub flags: Vec<String>,
}

/// The ranking of a period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreBoard {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Its name.
    pub scope_name: String,
    /// The period.
    pub period: String,
    /// Finalised: nothing changes any more.
    pub is_final: bool,
    /// When it was finalised.
    pub finalized_at: Option<DateTime<Utc>>,
    /// The rule set's version.
    pub rules_version: String,
    /// Units, best first.
    pub units: Vec<UnitRank>,
    /// Appeals still to decide.
    pub pending_appeals: usize,
    /// Whether the reader may finalise it now.
    pub can_finalize: bool,
}

/// A line as a score card shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardLine {
    /// The line.
    #[serde(flatten)]
    pub line: Line,
    /// The rule's name.
    pub rule_name: String,
    /// Points (negative for a deduction).
    pub value: f64,
    /// The item's number.
    pub item_number: Option<String>,
    /// The item's title.
    pub item_title: String,
    /// The appeal against it, if any: `pending`, `accepted` or `rejected`.
    pub appeal: Option<String>,
    /// That appeal's evidence files the reader may open.
    pub appeal_evidence: Vec<crate::evidence::EvidenceView>,
    /// The bulletin that praised or criticised the unit, for a line of no item (its event is
    /// the bulletin's publication).
    pub bulletin_id: Option<i64>,
}

/// A unit's score card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreCard {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The period.
    pub period: String,
    /// Finalised.
    pub is_final: bool,
    /// The rule set's version.
    pub rules_version: String,
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Base.
    pub base: f64,
    /// Score.
    pub total: f64,
    /// Lines, in the order of their facts.
    pub lines: Vec<CardLine>,
    /// Thresholds reached this year.
    pub flags: Vec<String>,
    /// Whether the reader may appeal its lines now.
    pub can_appeal: bool,
}

pub(crate) fn points(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

/// A period's scores and the rule set version they come from.
pub(crate) struct Scored {
    pub version: String,
    pub units: Vec<UnitScore>,
    pub finalized_at: Option<DateTime<Utc>>,
    pub rules: RuleSet,
}

impl Services {
    /// The rule set in force in a jurisdiction: the latest loaded, else the shipped default.
    pub(crate) async fn rules_in_force(&self, scope_unit_id: i64) -> ServiceResult<RuleSet> {
        Ok(match self.store.rule_sets(scope_unit_id).await?.first() {
            Some(r) => RuleSet::parse(&r.body).unwrap_or_else(|_| RuleSet::default_set()),
            None => RuleSet::default_set(),
        })
    }

    /// The rule set a final period was scored with: the one of that version in force when it
    /// was finalised (its rules' names stay on the cards after a new version is loaded).
    async fn rules_of_version(
        &self,
        scope_unit_id: i64,
        version: &str,
        finalized_at: DateTime<Utc>,
    ) -> ServiceResult<RuleSet> {
        let stored = self
            .store
            .rule_sets(scope_unit_id)
            .await?
            .into_iter()
            .filter(|r| r.loaded_at <= finalized_at)
            .find(|r| r.version == version)
            .and_then(|r| RuleSet::parse(&r.body).ok());
        if let Some(set) = stored {
            return Ok(set);
        }
        let shipped = RuleSet::default_set();
        if shipped.version == version {
            return Ok(shipped);
        }
        self.rules_in_force(scope_unit_id).await
    }

    /// The units a jurisdiction assesses.
    pub(crate) async fn assessed_units(
        &self,
        scope_unit_id: i64,
        root: &UnitPath,
    ) -> ServiceResult<Vec<ducha_store::UnitRow>> {
        Ok(self
            .store
            .units_under(root)
            .await?
            .into_iter()
            .filter(|u| u.id != scope_unit_id && assessed(u.kind))
            .collect())
    }

    /// The scores of a period: stored when final, computed otherwise.
    /// A period not over yet is judged as of `today` (what is overdue now, not at its end).
    pub(crate) async fn scored(
        &self,
        scope_unit_id: i64,
        root: &UnitPath,
        period: &Period,
        today: chrono::NaiveDate,
    ) -> ServiceResult<Scored> {
        if let Some(p) = self.store.score_period(scope_unit_id, &period.name).await? {
            let totals = self.store.score_totals(p.id).await?;
            let mut lines: HashMap<i64, Vec<Line>> = HashMap::new();
            for l in self.store.score_lines(p.id, None).await? {
                let line: Line = serde_json::from_str(&l.line).map_err(|e| {
                    ServiceError::Store(ducha_store::StoreError::Other(Box::new(e)))
                })?;
                lines.entry(l.unit_id).or_default().push(line);
            }
            let units = totals
                .into_iter()
                .map(|t| UnitScore {
                    unit_id: t.unit_id,
                    base: t.base,
                    total: t.total,
                    lines: lines.remove(&t.unit_id).unwrap_or_default(),
                    flags: t.flags.0,
                })
                .collect();
            let rules = self
                .rules_of_version(scope_unit_id, &p.rules_version, p.finalized_at)
                .await?;
            return Ok(Scored {
                version: p.rules_version,
                units,
                finalized_at: Some(p.finalized_at),
                rules,
            });
        }
        let rules = self.rules_in_force(scope_unit_id).await?;
        let units: Vec<i64> = self
            .assessed_units(scope_unit_id, root)
            .await?
            .iter()
            .map(|u| u.id)
            .collect();
        let so_far = match today.succ_opt() {
            Some(next) if next < period.end && next > period.first => Period {
                name: period.name.clone(),
                first: period.first,
                end: next,
            },
            _ => period.clone(),
        };
        let facts = self.period_facts(root, &so_far, &rules, None).await?;
        let voided: ducha_domain::assessment::Voided = self
            .store
            .appeals(scope_unit_id, None, false)
            .await?
            .into_iter()
            .filter(|a| a.state == "accepted")
            .map(|a| (a.unit_id, a.line_key))
            .collect();
        let year = self.year_counts(root, &so_far, &rules, &voided).await?;
        let assessed: HashSet<i64> = units.iter().copied().collect();
        let facts: Vec<_> = facts
            .into_iter()
            .filter(|f| assessed.contains(&f.unit_id))
            .collect();
        // The rules applied to hundreds of thousands of facts at a province's size: CPU work
        // of a second, off the async runtime's threads (the other period's reads go on).
        let (rules, units) = tokio::task::spawn_blocking(move || {
            let units = score(&rules, &units, &facts, &voided, &year);
            (rules, units)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        Ok(Scored {
            version: rules.version.clone(),
            units,
            finalized_at: None,
            rules,
        })
    }

    /// The ranking of a jurisdiction's units for a period (supervisors and leaders), at one
    /// level of the tree when asked.
    pub async fn score_board(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        period: &str,
        level: Option<i64>,
        now: DateTime<Utc>,
    ) -> ServiceResult<ScoreBoard> {
        let period = Period::parse(period)?;
        let (scope, root) = self.assessment_scope(actor, scope_unit_id).await?;
        if !Self::reads_assessment(actor, &root) {
            return Err(ServiceError::Forbidden);
        }
        // The quarter and the one before it (for the rank change), at once: the one before
        // as a task of its own, so that each period's decoding and scoring has a thread.
        let today = self.today(now);
        // Aborted when this request is dropped or fails first.
        let before = period.previous().map(|p| {
            let (services, root) = (self.clone(), root.clone());
            AbortOnDrop(tokio::spawn(
                async move { services.scored(scope, &root, &p, today).await }.in_current_span(),
            ))
        });
        let scored = self.scored(scope, &root, &period, today).await?;
        let previous = match before {
            Some(mut task) => match (&mut task.0).await {
                Ok(done) => Some(done?),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => {
                    return Err(ServiceError::Store(ducha_store::StoreError::Other(
                        Box::new(e),
                    )));
                }
            },
            None => None,
        };
        let units = self.assessed_units(scope, &root).await?;
        let info: HashMap<i64, (String, i64)> = units
            .iter()
            .map(|u| {
                (
                    u.id,
                    (u.name.clone(), i64::try_from(u.path.0.depth()).unwrap_or(0)),
                )
            })
            .collect();
        let in_level = |u: &i64| level.is_none_or(|l| info.get(u).is_some_and(|i| i.1 == l));
        let ranks = |s: &[UnitScore]| -> HashMap<i64, usize> {
            let mut v: Vec<&UnitScore> = s.iter().filter(|u| in_level(&u.unit_id)).collect();
            v.sort_by(|a, b| b.total.cmp(&a.total).then(a.unit_id.cmp(&b.unit_id)));
            let mut out = HashMap::new();
            let mut last = (i64::MIN, 0);
            for (i, u) in v.iter().enumerate() {
                let place = if u.total == last.0 { last.1 } else { i + 1 };
                last = (u.total, place);
                out.insert(u.unit_id, place);
            }
            out
        };
        let now_ranks = ranks(&scored.units);
        let before = previous
            .as_ref()
            .map(|p| ranks(&p.units))
            .unwrap_or_default();
        let before_totals: HashMap<i64, i64> = previous
            .as_ref()
            .map(|p| p.units.iter().map(|u| (u.unit_id, u.total)).collect())
            .unwrap_or_default();
        let mut list: Vec<UnitRank> = scored
            .units
            .iter()
            .filter(|u| in_level(&u.unit_id))
            .map(|u| UnitRank {
                unit_id: u.unit_id,
                unit_name: info
                    .get(&u.unit_id)
                    .map(|i| i.0.clone())
                    .unwrap_or_default(),
                level: info.get(&u.unit_id).map_or(0, |i| i.1),
                total: points(u.total),
                rank: now_ranks.get(&u.unit_id).copied().unwrap_or(0),
                previous_rank: before.get(&u.unit_id).copied(),
                previous_total: before_totals.get(&u.unit_id).map(|t| points(*t)),
                total_change: before_totals.get(&u.unit_id).map(|t| points(u.total - t)),
                deductions: points(u.lines.iter().map(|l| l.points.min(0)).sum()),
                bonuses: points(u.lines.iter().map(|l| l.points.max(0)).sum()),
                lines: u.lines.len(),
                flags: u.flags.clone(),
            })
            .collect();
        list.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.unit_id.cmp(&b.unit_id)));
        let pending = self
            .store
            .appeals(scope, Some(&period.name), true)
            .await?
            .len();
        let scope_name = self
            .store
            .unit(scope)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let is_final = scored.finalized_at.is_some();
        Ok(ScoreBoard {
            scope_unit_id: scope,
            scope_name,
            period: period.name.clone(),
            is_final,
            finalized_at: scored.finalized_at,
            rules_version: scored.version,
            units: list,
            pending_appeals: pending,
            can_finalize: !is_final
                && Self::runs_assessment(actor, &root)
                && period.end <= self.today(now)
                && !self.within_appeal_window(&period, now)
                && pending == 0,
        })
    }

    /// A unit's score card for a period: for the jurisdiction's supervisors and leaders, and
    /// for the unit's own people (and those above it).
    pub async fn score_card(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        unit_id: i64,
        period: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<ScoreCard> {
        let period = Period::parse(period)?;
        let unit = self
            .store
            .unit(unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (mut scope, mut root) = self.assessment_scope(actor, scope_unit_id).await?;
        // A head's own jurisdiction does not assess itself: its card is the tree's.
        if scope_unit_id.is_none() && !unit.path.0.is_strictly_below(&root) {
            let top = unit.path.0.ids().first().map(|u| u.0);
            (scope, root) = self.assessment_scope(actor, top).await?;
        }
        let sees = Self::reads_assessment(actor, &root) || actor.sees(&unit.path.0);
        if !sees || !unit.path.0.is_strictly_below(&root) {
            return Err(ServiceError::NotFound);
        }
        let mut scored = self.scored(scope, &root, &period, self.today(now)).await?;
        let card = scored
            .units
            .iter()
            .position(|u| u.unit_id == unit_id)
            .map(|i| scored.units.swap_remove(i))
            .ok_or(ServiceError::NotFound)?;
        self.card_of(actor, scope, &period, &scored, card, unit.name, now)
            .await
    }

    /// Every unit's card of a period at once (the export), for supervisors and leaders.
    pub async fn score_cards(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        period: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<ScoreCard>> {
        let period = Period::parse(period)?;
        let (scope, root) = self.assessment_scope(actor, scope_unit_id).await?;
        if !Self::reads_assessment(actor, &root) {
            return Err(ServiceError::Forbidden);
        }
        let mut scored = self.scored(scope, &root, &period, self.today(now)).await?;
        let names: HashMap<i64, String> = self
            .assessed_units(scope, &root)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let units = std::mem::take(&mut scored.units);
        let mut out = Vec::with_capacity(units.len());
        for u in units {
            let name = names.get(&u.unit_id).cloned().unwrap_or_default();
            out.push(
                self.card_of(actor, scope, &period, &scored, u, name, now)
                    .await?,
            );
        }
        Ok(out)
    }

    /// A card with its names, appeals and whether the reader may appeal.
    #[allow(
        clippy::too_many_arguments,
        reason = "the parts a card is made of, each read once"
    )]
    async fn card_of(
        &self,
        actor: &Actor,
        scope: i64,
        period: &Period,
        scored: &Scored,
        card: UnitScore,
        unit_name: String,
        now: DateTime<Utc>,
    ) -> ServiceResult<ScoreCard> {
        let unit_id = card.unit_id;
        let mut items: Vec<i64> = card.lines.iter().map(|l| l.item_id).collect();
        items.sort_unstable();
        items.dedup();
        let titles: HashMap<i64, (Option<String>, String)> = self
            .store
            .item_titles(&items)
            .await?
            .into_iter()
            .map(|t| (t.id, (t.number, t.title)))
            .collect();
        let appeals: HashMap<String, (String, Vec<i64>)> = self
            .store
            .appeals(scope, Some(&period.name), false)
            .await?
            .into_iter()
            .filter(|a| a.unit_id == unit_id)
            .map(|a| (a.line_key, (a.state, a.evidence.0)))
            .collect();
        let files: Vec<i64> = appeals.values().flat_map(|(_, e)| e.clone()).collect();
        let files = self.readable_views(actor, &files).await?;
        let rule_names: HashMap<&str, &str> = scored
            .rules
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.name.as_str()))
            .collect();
        let is_final = scored.finalized_at.is_some();
        // A bulletin's praise or criticism cites its publication: the event names the bulletin.
        let mut bulletins: HashMap<i64, i64> = HashMap::new();
        for seq in card
            .lines
            .iter()
            .filter(|l| l.item_id == 0)
            .filter_map(|l| l.events.first().copied())
        {
            if bulletins.contains_key(&seq) {
                continue;
            }
            let published = self.store.events_after(seq - 1, 1).await?;
            if let Some(id) = published
                .first()
                .filter(|e| e.seq == seq && e.kind == EventKind::BulletinPublished.as_str())
                .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
                .and_then(|p| p["bulletin_id"].as_i64())
            {
                bulletins.insert(seq, id);
            }
        }
        let lines = card
            .lines
            .into_iter()
            .map(|l| {
                let (number, title) = titles.get(&l.item_id).cloned().unwrap_or_default();
                let bulletin_id = match l.item_id {
                    0 => l.events.first().and_then(|e| bulletins.get(e)).copied(),
                    _ => None,
                };
                CardLine {
                    bulletin_id,
                    rule_name: rule_names
                        .get(l.rule_id.as_str())
                        .copied()
                        .unwrap_or("")
                        .to_string(),
                    value: points(l.points),
                    item_number: number,
                    item_title: title,
                    appeal: appeals.get(&l.key).map(|(state, _)| state.clone()),
                    appeal_evidence: appeals
                        .get(&l.key)
                        .map(|(_, ids)| ids.iter().filter_map(|i| files.get(i).cloned()).collect())
                        .unwrap_or_default(),
                    line: l,
                }
            })
            .collect();
        Ok(ScoreCard {
            scope_unit_id: scope,
            period: period.name.clone(),
            is_final,
            rules_version: scored.version.clone(),
            unit_id,
            unit_name,
            base: points(card.base),
            total: points(card.total),
            lines,
            flags: card.flags,
            can_appeal: !is_final
                && actor.acts_for(ducha_domain::UnitId(unit_id))
                && self.within_appeal_window(period, now),
        })
    }

    /// Whether `now` is no later than the appeal window after `period`.
    pub(crate) fn within_appeal_window(&self, period: &Period, now: DateTime<Utc>) -> bool {
        let last = self
            .calendar()
            .add_working_days(period.last_day(), self.config.assessment.appeal_days);
        self.today(now) <= last
    }
}

/// A task aborted when its handle is dropped: the previous period of a ranking whose request
/// went away stops reading and scoring.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
