//! Parsing of bounded free text.

use crate::ValidationErrors;

/// Trims `raw` and checks it is non-empty (when `required`) and at most `max` characters.
pub fn bounded(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    required: bool,
    max: usize,
) -> String {
    let s = raw.trim();
    if required && s.is_empty() {
        errors.add(field, "validation.required");
    } else if s.chars().count() > max {
        errors.add(field, "validation.too_long");
    } else if s
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, "validation.control_chars");
    }
    s.to_string()
}
