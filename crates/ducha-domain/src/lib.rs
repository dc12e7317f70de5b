//! Pure supervision rules for ducha (督查).
//!
//! Architecture Invariant: this crate does no IO and never reads the clock. Time (`now`, `today`)
//! and the working-day calendar are arguments, so every rule is deterministic and testable.

pub mod analytics;
pub mod appeals;
pub mod assessment;
pub mod assignment;
pub mod bulletin;
pub mod calendar;
pub mod cells;
pub mod chain;
pub mod error;
pub mod hot;
pub mod i18n;
pub mod ids;
pub mod item;
pub mod joint;
pub mod ledger;
pub mod light;
pub mod notice;
pub mod org;
pub mod password;
pub mod proposals;
pub mod report;
pub mod requests;
pub mod security;
pub mod text;

pub use error::{FieldError, Rule, ValidationErrors};
pub use ids::*;
