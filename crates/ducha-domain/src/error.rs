//! Errors that name the broken rule, with message keys translated in [`crate::i18n`].

use serde::Serialize;
use std::fmt;

/// One invalid field of a form or request, with a translatable message key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field name as the client sent it (`title`, `targets[2].value`, …).
    pub field: String,
    /// Message key, e.g. `validation.required`.
    pub key: &'static str,
    /// What the message names (`{rule}`, `{field}` …), filled in when translated; null when
    /// the message has none.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub args: serde_json::Value,
}

/// All invalid fields of one input; never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records one invalid field.
    pub fn add(&mut self, field: impl Into<String>, key: &'static str) {
        self.0.push(FieldError {
            field: field.into(),
            key,
            args: serde_json::Value::Null,
        });
    }

    /// A single-field error whose message names `args`.
    pub fn single_with(
        field: impl Into<String>,
        key: &'static str,
        args: serde_json::Value,
    ) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            key,
            args,
        }])
    }

    /// Returns `Ok(v)` when no error was recorded.
    pub fn into_result<T>(self, v: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() { Ok(v) } else { Err(self) }
    }

    /// A single-field error.
    pub fn single(field: impl Into<String>, key: &'static str) -> Self {
        let mut e = Self::default();
        e.add(field, key);
        e
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.key))
            .collect();
        write!(f, "invalid input ({})", parts.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}

/// A lifecycle or consistency rule that a command would break (HTTP 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The item is not in a state that allows this command.
    #[error("the item's state does not allow this")]
    ItemState,
    /// The assignment is not in a state that allows this command.
    #[error("the assignment's state does not allow this")]
    AssignmentState,
    /// The report was already reviewed, or is not the kind this command needs.
    #[error("the report's state does not allow this")]
    ReportState,
    /// The request was already decided or answered.
    #[error("the request was already decided")]
    RequestDecided,
    /// A child deadline would be later than its parent's.
    #[error("a deadline may not be later than the parent's deadline")]
    DeadlineAfterParent,
    /// A deadline would lie before the dispatch day.
    #[error("a deadline may not lie in the past")]
    DeadlineInPast,
    /// An extension must move the deadline later.
    #[error("the new deadline must be later than the current one")]
    ExtensionNotLater,
    /// Extensions are asked before the deadline passes.
    #[error("an extension must be asked before the deadline")]
    ExtensionTooLate,
    /// One pending request of this kind at a time.
    #[error("a request of this kind is already pending")]
    RequestPending,
    /// Refusal is only possible within the configured number of working days after dispatch.
    #[error("the refusal window has passed")]
    RefusalWindowPassed,
    /// Sub-assignments go to units strictly below the assignee.
    #[error("the unit is not below the assigned unit")]
    UnitNotInSubtree,
    /// A unit already holds an open assignment at this level.
    #[error("the unit already has this assignment")]
    DuplicateUnit,
    /// Dispatch needs at least one lead unit.
    #[error("at least one lead unit is required")]
    NoLeadUnit,
    /// Completion needs every sub-assignment finished first.
    #[error("sub-assignments are not finished")]
    ChildrenUnfinished,
    /// Closing needs every top-level assignment accepted.
    #[error("assignments are not finished")]
    AssignmentsUnfinished,
    /// The responsible person must belong to the assigned unit.
    #[error("the responsible person must belong to the unit")]
    ResponsibleNotInUnit,
    /// A record was changed by someone else meanwhile.
    #[error("the record was changed meanwhile; reload and retry")]
    Concurrent,
    /// The name is taken.
    #[error("the name is already taken")]
    NameTaken,
    /// A notice of this level or higher is already open for the assignment.
    #[error("a notice of this level or higher is already open")]
    NoticeOpen,
    /// The notice is not open.
    #[error("the notice is not open")]
    NoticeNotOpen,
}

impl Rule {
    /// Message key for translation.
    pub fn key(self) -> &'static str {
        match self {
            Rule::ItemState => "rule.item_state",
            Rule::AssignmentState => "rule.assignment_state",
            Rule::ReportState => "rule.report_state",
            Rule::RequestDecided => "rule.request_decided",
            Rule::DeadlineAfterParent => "rule.deadline_after_parent",
            Rule::DeadlineInPast => "rule.deadline_in_past",
            Rule::ExtensionNotLater => "rule.extension_not_later",
            Rule::ExtensionTooLate => "rule.extension_too_late",
            Rule::RequestPending => "rule.request_pending",
            Rule::RefusalWindowPassed => "rule.refusal_window_passed",
            Rule::UnitNotInSubtree => "rule.unit_not_in_subtree",
            Rule::DuplicateUnit => "rule.duplicate_unit",
            Rule::NoLeadUnit => "rule.no_lead_unit",
            Rule::ChildrenUnfinished => "rule.children_unfinished",
            Rule::AssignmentsUnfinished => "rule.assignments_unfinished",
            Rule::ResponsibleNotInUnit => "rule.responsible_not_in_unit",
            Rule::Concurrent => "rule.concurrent",
            Rule::NameTaken => "rule.name_taken",
            Rule::NoticeOpen => "rule.notice_open",
            Rule::NoticeNotOpen => "rule.notice_not_open",
        }
    }
}

/// A stored name that matches no variant (only possible if the database was edited by hand).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);
