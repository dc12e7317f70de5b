//! The facts of a period, read from the rows the other parts of the system keep, each with the
//! event behind it, and turned into the domain's facts.

use super::Period;
use crate::Services;
use crate::error::ServiceResult;
use ducha_domain::assessment::{Fact, FactKind, RuleSet};
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::item::Priority;
use ducha_domain::org::UnitPath;
use ducha_store::{FactQuery, FactRow, FactSource};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

/// The sources a fact kind is read from.
fn source_of(kind: FactKind) -> FactSource {
    use FactKind as K;
    match kind {
        K::MissedReport | K::OrangeNotice | K::RedNotice => FactSource::Notices,
        K::Summons => FactSource::Summonses,
        K::ProgressReturned | K::CompletionReturned => FactSource::Returns,
        K::LateCompletion | K::EarlyCompletion => FactSource::Completions,
        K::LateDay => FactSource::LostDays,
        K::Unfinished => FactSource::Unfinished,
        K::HelpLate => FactSource::Help,
        K::LateHandoff | K::Dilution | K::Overload | K::Forwarding => FactSource::Findings,
        K::ProposalLate | K::ProposalDissatisfied => FactSource::Proposals,
        K::BulletinPraise | K::BulletinCriticism => FactSource::Bulletins,
    }
}

/// The kinds of fact a source's row stands for (none when the rules do not score it).
fn kinds_of(
    source: FactSource,
    r: &FactRow,
    rules: &RuleSet,
    cal: &WorkCalendar,
    period: &Period,
) -> Vec<(FactKind, i64)> {
    use FactKind as K;
    let what = r.what.as_deref().unwrap_or("");
    match source {
        FactSource::Notices => {
            let (level, cause) = what.split_once(':').unwrap_or((what, ""));
            match level {
                "blue" if cause == "missed_report" => vec![(K::MissedReport, 1)],
                "orange" => vec![(K::OrangeNotice, 1)],
                "red" => vec![(K::RedNotice, 1)],
                _ => vec![],
            }
        }
        FactSource::Summonses => vec![(K::Summons, 1)],
        FactSource::Returns => match what {
            "progress" => vec![(K::ProgressReturned, 1)],
            "completion" => vec![(K::CompletionReturned, 1)],
            _ => vec![],
        },
        FactSource::Completions => {
            let mut out = Vec::new();
            if r.quantity.unwrap_or(0) > 0 {
                out.push((K::LateCompletion, 1));
            }
            if let Some(deadline) = r.deadline {
                let early = cal.working_days_between(china_date(r.at), deadline);
                if early >= rules.early_days {
                    out.push((K::EarlyCompletion, 1));
                }
            }
            out
        }
        FactSource::LostDays => vec![(K::LateDay, r.quantity.unwrap_or(0))],
        FactSource::Unfinished => vec![(K::Unfinished, 1)],
        FactSource::Help => {
            // Late from the working day after the allowed ones: counted in the period that day
            // falls in, if no answer came before it.
            let days = u32::try_from(rules.help_answer_days.max(0) + 1).unwrap_or(u32::MAX);
            let late_on = cal.add_working_days(china_date(r.at), days);
            let answered_before = r.until.is_some_and(|t| china_date(t) < late_on);
            if late_on >= period.first && late_on < period.end && !answered_before {
                vec![(K::HelpLate, 1)]
            } else {
                vec![]
            }
        }
        FactSource::Findings => match what {
            "late_handoff" => vec![(K::LateHandoff, 1)],
            "target_dropped" | "target_shrunk" | "accepted_short" => vec![(K::Dilution, 1)],
            "target_raised" | "deadline_squeezed" => vec![(K::Overload, 1)],
            "forward_only" => vec![(K::Forwarding, 1)],
            _ => vec![],
        },
        FactSource::Proposals => match what {
            "late" => vec![(K::ProposalLate, 1)],
            "dissatisfied" => vec![(K::ProposalDissatisfied, 1)],
            _ => vec![],
        },
        FactSource::Bulletins => match what {
            "praise" => vec![(K::BulletinPraise, 1)],
            "criticism" => vec![(K::BulletinCriticism, 1)],
            _ => vec![],
        },
    }
}

impl Services {
    /// The facts of `period` for units within `root`, for the kinds `rules` score.
    pub(crate) async fn period_facts(
        &self,
        root: &UnitPath,
        period: &Period,
        rules: &RuleSet,
        only: Option<&[FactKind]>,
    ) -> ServiceResult<Vec<Fact>> {
        let cal = self.calendar();
        let kinds: BTreeSet<&str> = rules
            .rules
            .iter()
            .map(|r| r.fact)
            .filter(|k| only.is_none_or(|o| o.contains(k)))
            .map(FactKind::as_str)
            .collect();
        let mut sources: Vec<FactSource> = Vec::new();
        for s in kinds
            .iter()
            .filter_map(|k| FactKind::from_str(k).ok().map(source_of))
        {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        let (from, to) = period.instants();
        let q = FactQuery {
            root: root.clone(),
            from,
            to,
            last_day: period.last_day(),
        };
        let mut out = Vec::new();
        for source in sources {
            // One source after another: a ranking takes one of the pool's connections per
            // period (reading the eight at once held every reader of SQLite's pool for
            // seconds at a province's size, and the waiting requests timed out).
            for r in self.store.facts(&q, source).await? {
                for (kind, quantity) in kinds_of(source, &r, rules, &cal, period) {
                    if !kinds.contains(kind.as_str()) || quantity <= 0 {
                        continue;
                    }
                    out.push(fact(kind, quantity, &r, period));
                }
            }
        }
        Ok(out)
    }

    /// How many facts of each kind the thresholds count each unit had in the calendar year
    /// up to the end of `period`, leaving out those an accepted appeal voided.
    pub(crate) async fn year_counts(
        &self,
        root: &UnitPath,
        period: &Period,
        rules: &RuleSet,
        voided: &ducha_domain::assessment::Voided,
    ) -> ServiceResult<HashMap<(i64, FactKind), u32>> {
        let counted: Vec<FactKind> = rules.thresholds.iter().map(|t| t.fact).collect();
        if counted.is_empty() {
            return Ok(HashMap::new());
        }
        let year = Period {
            name: String::new(),
            first: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&period.first), 1, 1)
                .unwrap_or(period.first),
            end: period.end,
        };
        // A threshold counts facts whether or not a rule scores them.
        let mut all = rules.clone();
        for k in &counted {
            if !all.rules.iter().any(|r| r.fact == *k) {
                all.rules.push(ducha_domain::assessment::rules::Rule {
                    id: format!("count-{k}"),
                    fact: *k,
                    points: 0.0,
                    cap_per_item: None,
                    cap_per_period: None,
                    co_units: true,
                    weighted: false,
                    name: String::new(),
                });
            }
        }
        let facts = self.period_facts(root, &year, &all, Some(&counted)).await?;
        Ok(ducha_domain::assessment::year_counts(&all, &facts, voided))
    }
}

fn fact(kind: FactKind, quantity: i64, r: &FactRow, period: &Period) -> Fact {
    let on = match kind {
        FactKind::Unfinished => period.last_day(),
        _ => china_date(r.at),
    };
    Fact {
        kind,
        unit_id: r.unit_id,
        item_id: r.item_id,
        assignment_id: r.assignment_id,
        co: r.role.as_deref() == Some("co"),
        priority: Priority::from_str(&r.priority).unwrap_or(Priority::Normal),
        quantity,
        events: r.seq.into_iter().collect(),
        on,
    }
}
