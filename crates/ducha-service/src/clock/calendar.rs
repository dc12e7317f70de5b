//! The working-day calendar as data: seeded with the State Council schedules built into the
//! binary, extended by admins with a newly published year (CLI, API, UI) without a release.

use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::calendar::{CalendarEntry, DayOverride, WorkCalendar, parse_calendar};
use ducha_domain::chain::EventKind;
use ducha_domain::org::{Actor, Role};
use ducha_store::Update;
use serde::Serialize;

/// One override as shown.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDayView {
    /// Date.
    pub date: NaiveDate,
    /// Festival.
    pub name: String,
}

/// A year of the calendar.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarYear {
    /// Year.
    pub year: i32,
    /// Official holidays (法定节假日 and the days off of their blocks).
    pub holidays: Vec<CalendarDayView>,
    /// Make-up working days (调休上班).
    pub workdays: Vec<CalendarDayView>,
    /// Working days in the year.
    pub working_days: i64,
    /// Whether any override of the year is loaded (otherwise only weekends count).
    pub published: bool,
}

/// The outcome of loading a calendar file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarLoaded {
    /// Overrides loaded.
    pub days: usize,
    /// Years they cover.
    pub years: Vec<i32>,
    /// The event.
    pub event_seq: i64,
}

impl Services {
    /// Seeds the calendar table with the built-in schedules when it is empty, then loads the
    /// table into memory. Called at start by every node.
    pub async fn init_calendar(&self, now: DateTime<Utc>) -> ServiceResult<()> {
        if self.store.calendar_days().await?.is_empty() {
            let entries =
                ducha_domain::calendar::parse_calendar(ducha_domain::calendar::CHINA_SCHEDULE)
                    .unwrap_or_default();
            let payload = serde_json::json!({ "source": "built-in", "days": entries.len() });
            self.commit(
                None,
                now,
                EventKind::CalendarLoaded,
                Subject::default(),
                payload,
                vec![Update::Calendar(entries)],
                vec![],
            )
            .await?;
        }
        self.reload_calendar().await
    }

    /// Reads the calendar table into memory (after another node loaded a year, too).
    pub async fn reload_calendar(&self) -> ServiceResult<()> {
        // The generation first: a year loaded while the days are read moves it again, and the
        // next poll reads the days once more.
        let generation = self.store.calendar_generation().await?;
        let rows = self.store.calendar_days().await?;
        let entries = rows.into_iter().filter_map(|r| {
            Some(CalendarEntry {
                kind: r.kind()?,
                date: r.day,
                name: r.name,
            })
        });
        self.set_calendar(WorkCalendar::from_entries(entries));
        self.set_calendar_generation(generation);
        Ok(())
    }

    /// Reloads the calendar when its generation moved (another node loaded a year); true
    /// when it did. One small read when nothing changed.
    pub async fn refresh_calendar(&self) -> ServiceResult<bool> {
        let generation = self.store.calendar_generation().await?;
        if generation == self.calendar_generation() {
            return Ok(false);
        }
        self.reload_calendar().await?;
        Ok(true)
    }

    /// Every node's calendar watch: polls the generation every `every` until `stop`
    /// resolves, so a year loaded on any node is in force on this one within about `every`.
    /// Not a leased job: each node keeps its own calendar in memory.
    pub async fn watch_calendar(
        self,
        every: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => {}
            }
            match self.refresh_calendar().await {
                Ok(true) => tracing::info!(
                    generation = self.calendar_generation(),
                    "calendar reloaded: it changed on another node"
                ),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "cannot poll the calendar's generation"),
            }
        }
    }

    /// A system admin (or the console, without an actor) loads `DATE KIND NAME` lines.
    /// Bad lines are reported per line and nothing is loaded.
    pub async fn load_calendar(
        &self,
        actor: Option<&Actor>,
        text: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<CalendarLoaded> {
        if let Some(a) = actor {
            ensure(a.has(Role::SystemAdmin))?;
        }
        let entries = match parse_calendar(text) {
            Ok(e) => e,
            Err(bad) => {
                let mut e = ValidationErrors::default();
                e.add(format!("lines[{}]", bad.line), bad.key);
                return Err(e.into());
            }
        };
        let mut e = ValidationErrors::default();
        if entries.is_empty() {
            e.add("file", "validation.required");
        }
        for (i, x) in entries.iter().enumerate() {
            if !(2000..=2100).contains(&x.date.year()) {
                e.add(format!("entries[{i}].date"), "validation.out_of_range");
            }
            if x.name.chars().count() > 50 || x.name.chars().any(char::is_control) {
                e.add(format!("entries[{i}].name"), "validation.invalid_value");
            }
        }
        e.into_result(())?;
        let mut years: Vec<i32> = entries.iter().map(|x| x.date.year()).collect();
        years.sort_unstable();
        years.dedup();
        let days = entries.len();
        let payload = serde_json::json!({ "source": "file", "days": days, "years": years });
        let c = self
            .commit(
                actor,
                now,
                EventKind::CalendarLoaded,
                Subject::default(),
                payload,
                vec![Update::Calendar(entries)],
                vec![],
            )
            .await?;
        self.reload_calendar().await?;
        Ok(CalendarLoaded {
            days,
            years,
            event_seq: c.event.seq,
        })
    }

    /// One year's holidays and make-up working days, from the table.
    pub async fn calendar_year(&self, year: i32) -> ServiceResult<CalendarYear> {
        let rows = self.store.calendar_days().await?;
        let mut holidays = Vec::new();
        let mut workdays = Vec::new();
        for r in rows.into_iter().filter(|r| r.day.year() == year) {
            let v = CalendarDayView {
                date: r.day,
                name: r.name.clone(),
            };
            match r.kind() {
                Some(DayOverride::Holiday) => holidays.push(v),
                Some(DayOverride::Workday) => workdays.push(v),
                None => {}
            }
        }
        let cal = self.calendar();
        let working_days = match (
            NaiveDate::from_ymd_opt(year - 1, 12, 31),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(a), Some(b)) => cal.working_days_between(a, b),
            _ => 0,
        };
        let published = !holidays.is_empty() || !workdays.is_empty();
        Ok(CalendarYear {
            year,
            holidays,
            workdays,
            working_days,
            published,
        })
    }

    /// The date `n` working days after `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.calendar().add_working_days(from, n)
    }
}
