//! The assessment (平时成绩): continuous grades of the units of a jurisdiction, per month,
//! quarter or year, from the facts the system already holds — every point links to the event
//! behind it; appeals (申辩) before a period is final; the cadre record.

mod appeals;
mod cadres;
mod facts;
mod finalize;
mod rules;
mod scores;

pub use appeals::{AppealDecisionInput, AppealInput, AppealView, MAX_APPEAL_EVIDENCE};
pub use cadres::{CadreEarly, CadreItem, CadreMention, CadreRecord};
pub use rules::diff as rules_diff;
pub use scores::{CardLine, ScoreBoard, ScoreCard, UnitRank};

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::org::{Actor, UnitKind, UnitPath};
use ducha_domain::{UnitId, ValidationErrors};
use serde::{Deserialize, Serialize};

/// Settings of the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentSettings {
    /// Working days after a period ends within which a unit may appeal a line.
    pub appeal_days: u32,
}

impl Default for AssessmentSettings {
    fn default() -> Self {
        Self { appeal_days: 5 }
    }
}

/// A period of the assessment: a month (`2026-10`), a quarter (`2026-Q4`) or a year (`2026`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Its name.
    pub name: String,
    /// The first day.
    pub first: NaiveDate,
    /// The day after the last.
    pub end: NaiveDate,
}

impl Period {
    /// Parses a period's name. The name kept is the canonical one (`2026-01`, `2026-Q4`,
    /// `2026`), whatever spelling came in (`2026-1`, `2026-Q04`, `+2026`): periods are found
    /// and finalised by name, so one period has one name.
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        let bad = || ValidationErrors::single("period", "validation.period");
        let s = raw.trim();
        let year = |y: &str| {
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(bad)
        };
        let day = |y, m| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad);
        let (name, first, end) = if let Some((y, q)) = s.split_once("-Q") {
            let y = year(y)?;
            let q: u32 = q
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(bad)?;
            let first = day(y, 3 * q - 2)?;
            let end = if q == 4 {
                day(y + 1, 1)?
            } else {
                day(y, 3 * q + 1)?
            };
            (format!("{y:04}-Q{q}"), first, end)
        } else if let Some((y, m)) = s.split_once('-') {
            let y = year(y)?;
            let m: u32 = m
                .parse()
                .ok()
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(bad)?;
            let first = day(y, m)?;
            let end = if m == 12 {
                day(y + 1, 1)?
            } else {
                day(y, m + 1)?
            };
            (format!("{y:04}-{m:02}"), first, end)
        } else {
            let y = year(s)?;
            (format!("{y:04}"), day(y, 1)?, day(y + 1, 1)?)
        };
        Ok(Self { name, first, end })
    }

    /// The month containing `d`.
    pub fn month_of(d: NaiveDate) -> Self {
        Self::parse(&format!("{:04}-{:02}", d.year(), d.month())).unwrap_or_else(|_| Self {
            name: d.format("%Y-%m").to_string(),
            first: d,
            end: d,
        })
    }

    /// The period before this one, of the same length.
    pub fn previous(&self) -> Option<Self> {
        let name = &self.name;
        let prev = if let Some((y, q)) = name.split_once("-Q") {
            let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
            if q == 1 {
                format!("{}-Q4", y - 1)
            } else {
                format!("{y}-Q{}", q - 1)
            }
        } else if name.contains('-') {
            let d = self.first.pred_opt()?;
            format!("{:04}-{:02}", d.year(), d.month())
        } else {
            format!("{}", self.first.year() - 1)
        };
        Self::parse(&prev).ok()
    }

    /// The last day.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// The instant it starts and the one it ends (China time).
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |d: NaiveDate| crate::analytics::china_instant(d, chrono::NaiveTime::MIN);
        (at(self.first), at(self.end))
    }
}

impl Services {
    /// The jurisdiction whose assessment the actor reads or runs: the one asked, if the actor
    /// is within it or oversees it; else the actor's own (a supervisor's or leader's); else,
    /// for a unit's people, the top of the tree (the city's assessment).
    pub(crate) async fn assessment_scope(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
    ) -> ServiceResult<(i64, UnitPath)> {
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        if let Some(id) = scope_unit_id {
            let u = self.store.unit(id).await?.ok_or(ServiceError::NotFound)?;
            let own =
                actor.unit_path.is_within(&u.path.0) || u.path.0.is_within(actor.visibility_root());
            if !u.kind.is_jurisdiction() || !own {
                return Err(ServiceError::NotFound);
            }
            return Ok((u.id, u.path.0));
        }
        let oversees = actor.has(ducha_domain::org::Role::Supervisor)
            || actor.has(ducha_domain::org::Role::Leader);
        let ids = actor.unit_path.ids();
        let units = self
            .store
            .units(&ids.iter().map(|u| u.0).collect::<Vec<_>>())
            .await?;
        let kind_of = |id: UnitId| units.iter().find(|u| u.id == id.0);
        let own = ids
            .iter()
            .rev()
            .filter_map(|id| kind_of(*id))
            .find(|u| oversees && u.kind.is_jurisdiction() && u.path.0 == actor.jurisdiction);
        let u = own
            .or_else(|| ids.first().and_then(|id| kind_of(*id)))
            .ok_or(ServiceError::NotFound)?;
        Ok((u.id, u.path.0.clone()))
    }

    /// The jurisdiction whose assessment the actor reads (its unit id).
    pub async fn assessment_scope_of(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
    ) -> ServiceResult<i64> {
        Ok(self.assessment_scope(actor, scope_unit_id).await?.0)
    }

    /// Whether the actor runs the assessment of a jurisdiction (its supervisors).
    pub(crate) fn runs_assessment(actor: &Actor, scope: &UnitPath) -> bool {
        actor.supervises(scope)
    }

    /// Whether the actor reads the whole assessment of a jurisdiction (supervisors, leaders).
    pub(crate) fn reads_assessment(actor: &Actor, scope: &UnitPath) -> bool {
        actor.supervises(scope) || actor.leads(scope)
    }
}

/// Units a jurisdiction assesses: every unit of its subtree but itself and the supervision
/// bodies.
pub(crate) fn assessed(kind: UnitKind) -> bool {
    kind != UnitKind::SupervisionBody
}

#[cfg(test)]
mod tests {
    use super::Period;
    use chrono::NaiveDate;

    #[test]
    fn periods_are_months_quarters_and_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let q = Period::parse("2026-Q4").expect("quarter");
        assert_eq!((q.first, q.end), (d(2026, 10, 1), d(2027, 1, 1)));
        let m = Period::parse("2026-02").expect("month");
        assert_eq!((m.first, m.last_day()), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(Period::parse("2026").expect("year").end, d(2027, 1, 1));
        assert_eq!(q.previous().expect("prev").name, "2026-Q3");
        assert_eq!(
            Period::parse("2026-01")
                .expect("m")
                .previous()
                .expect("p")
                .name,
            "2025-12"
        );
        for bad in ["2026-13", "2026-Q5", "26", "x", "2026-Q0", ""] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
