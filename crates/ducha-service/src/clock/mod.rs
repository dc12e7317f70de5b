//! The clock (PRODUCT.md §4.2): the working-day calendar, lights, the daily sweep, urge
//! notices, the in-app inbox, the outbox and its delivery, and the scheduler that runs the
//! periodic jobs exactly once across app nodes.

mod calendar;
mod inbox;
mod jobs;
mod lights;
mod notice_docx;
mod notices;
mod notify;
mod outbox;
mod purge;
mod summary;
mod sweep;

pub use calendar::{CalendarDayView, CalendarLoaded, CalendarYear};
pub use inbox::{Inbox, NotificationView};
pub use jobs::{Clock, JobName, Scheduler, SchedulerSettings};
pub(crate) use notices::notice_view;
pub use notices::{NoticeDetail, NoticeInput, NoticeView, SummonsView};
pub(crate) use notify::addressed;
pub use notify::{NotifyPrefs, NotifySettings, OutboxMessage, Robot};
pub use outbox::{DeliverOutcome, DigestOutcome, OutboxView};
pub use summary::UnitLights;
pub use sweep::SweepOutcome;
