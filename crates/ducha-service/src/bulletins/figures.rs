//! A period's figures for a bulletin, read from the rows the other parts keep: the
//! jurisdiction's own items and their top-level assignments (rates, red and black lists),
//! the assessment's scores where the jurisdiction keeps an assessment, kept findings of the
//! chain analytics, and the replies to its sessions of suggestions and proposals.

use crate::Services;
use crate::assessment::Period;
use crate::error::ServiceResult;
use chrono::NaiveDate;
use ducha_domain::analytics::findings::FindingKind;
use ducha_domain::bulletin::{Figures, FindingFigures, ProposalFigures, UnitFigures};
use ducha_domain::calendar::china_date;
use ducha_domain::org::UnitPath;
use std::collections::{BTreeMap, HashMap, HashSet};

impl Services {
    /// The figures of a period of a jurisdiction, as of `today` for a period not over yet.
    pub(crate) async fn bulletin_figures(
        &self,
        scope: i64,
        root: &UnitPath,
        period: &Period,
        today: NaiveDate,
    ) -> ServiceResult<Figures> {
        let (from, to) = period.instants();
        let last = period.last_day();
        // What counts as due: deadlines within the period up to today.
        let cut = last.min(today);
        let (rows, counts, found) = tokio::try_join!(
            self.store
                .bulletin_assignments(scope, period.first, from, to),
            self.store.bulletin_item_counts(scope, from, to),
            self.store.bulletin_findings(root, from, to),
        )?;
        let mut units: BTreeMap<i64, UnitFigures> = BTreeMap::new();
        for a in &rows {
            let u = units.entry(a.unit_id).or_insert_with(|| UnitFigures {
                unit_id: a.unit_id,
                ..UnitFigures::default()
            });
            let done = a.completed_at.filter(|t| *t < to).map(china_date);
            if a.deadline >= period.first && a.deadline <= cut {
                u.due += 1;
                if let Some(d) = done {
                    u.completed += 1;
                    if d <= a.deadline {
                        u.on_time += 1;
                    }
                }
            }
            if a.deadline < cut && done.is_none() {
                u.overdue_open += 1;
            }
        }
        let names = self.unit_names(units.keys().copied()).await?;
        for u in units.values_mut() {
            u.name = names.get(&u.unit_id).cloned().unwrap_or_default();
        }
        // Scores, where the jurisdiction keeps an assessment (a rule set loaded, or this
        // period finalised).
        let keeps = !self.store.rule_sets(scope).await?.is_empty()
            || self
                .store
                .score_period(scope, &period.name)
                .await?
                .is_some();
        if keeps && !units.is_empty() {
            let scored = self.scored(scope, root, period, today).await?;
            let by_unit: HashMap<i64, i64> =
                scored.units.iter().map(|u| (u.unit_id, u.total)).collect();
            for u in units.values_mut() {
                u.score = by_unit.get(&u.unit_id).map(|t| *t as f64 / 100.0);
            }
        }
        let mut figures = Figures {
            period: period.name.clone(),
            first: Some(period.first),
            last: Some(last),
            new_items: counts.new_items,
            closed_items: counts.closed_items,
            in_hand: counts.in_hand,
            units: units.into_values().collect(),
            ranking_basis: String::new(),
            findings: self.bulletin_finding_figures(&found).await?,
            proposals: self.bulletin_proposals(scope, last).await?,
        };
        figures.rank();
        Ok(figures)
    }

    async fn bulletin_finding_figures(
        &self,
        found: &[ducha_store::BulletinFindingCount],
    ) -> ServiceResult<Vec<FindingFigures>> {
        // Per group: the count, and per unit for the names.
        let mut groups: BTreeMap<String, (i64, HashMap<i64, i64>)> = BTreeMap::new();
        for f in found {
            let Ok(kind) = f.kind.parse::<FindingKind>() else {
                continue;
            };
            let g = groups.entry(kind.group().as_str().to_string()).or_default();
            g.0 += f.n;
            *g.1.entry(f.unit_id).or_default() += f.n;
        }
        let names = self.unit_names(found.iter().map(|f| f.unit_id)).await?;
        let order = ["stall", "dilution", "overload", "forwarding"];
        let mut out: Vec<FindingFigures> = groups
            .into_iter()
            .map(|(group, (count, per))| {
                let mut per: Vec<(i64, i64)> = per.into_iter().collect();
                per.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                FindingFigures {
                    group,
                    count,
                    units: per
                        .iter()
                        .take(5)
                        .map(|(u, _)| names.get(u).cloned().unwrap_or_default())
                        .collect(),
                }
            })
            .collect();
        out.sort_by_key(|f| order.iter().position(|o| *o == f.group));
        Ok(out)
    }

    /// Each session of the jurisdiction open in the period's year, as of its last day.
    async fn bulletin_proposals(
        &self,
        scope: i64,
        last: NaiveDate,
    ) -> ServiceResult<Vec<ProposalFigures>> {
        let year = i64::from(chrono::Datelike::year(&last));
        let mut out = Vec::new();
        for s in self.store.proposal_sessions(scope).await? {
            if s.year != year || s.created_at.date_naive() > last {
                continue;
            }
            let rows = self.store.proposals_of_session(s.id).await?;
            let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
            let replies: Vec<_> = self
                .store
                .proposal_replies(&ids)
                .await?
                .into_iter()
                .filter(|r| r.replied_on <= last)
                .collect();
            let replied: HashSet<i64> = replies.iter().map(|r| r.proposal_id).collect();
            let mut latest: HashMap<i64, &ducha_store::ReplyRow> = HashMap::new();
            for r in &replies {
                let e = latest.entry(r.proposal_id).or_insert(r);
                if (r.round, r.id) > (e.round, e.id) {
                    *e = r;
                }
            }
            let sat = |k: &str| {
                i64::try_from(
                    latest
                        .values()
                        .filter(|r| r.satisfaction.as_deref() == Some(k))
                        .count(),
                )
                .unwrap_or(0)
            };
            let overdue = rows
                .iter()
                .filter(|p| p.reply_due.is_some_and(|d| d < last) && !replied.contains(&p.id))
                .count();
            out.push(ProposalFigures {
                name: s.name.clone(),
                total: i64::try_from(rows.len()).unwrap_or(0),
                replied: i64::try_from(replied.len()).unwrap_or(0),
                on_time: i64::try_from(replies.iter().filter(|r| r.on_time).count()).unwrap_or(0),
                overdue: i64::try_from(overdue).unwrap_or(0),
                satisfied: sat("satisfied"),
                basic: sat("basic"),
                dissatisfied: sat("dissatisfied"),
            });
        }
        Ok(out)
    }
}
