//! Rendering of the chain analytics for people: finding messages in the reader's language.

use ducha_domain::i18n::{Lang, format, t};
use ducha_service::FindingView;
use serde::Serialize;

/// A finding with its message in the reader's language.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingOut {
    /// The finding.
    #[serde(flatten)]
    pub finding: FindingView,
    /// What it says, in the reader's language.
    pub message: String,
    /// Its kind's label.
    pub kind_label: String,
    /// Its group's label.
    pub group_label: String,
}

/// The message of a finding in `lang`, its shortfalls spelled out.
pub fn finding_message(f: &FindingView, lang: Lang) -> String {
    let mut args = f.args.clone();
    if let Some(gaps) = f.args.get("gaps").and_then(serde_json::Value::as_array) {
        let parts: Vec<String> = gaps
            .iter()
            .map(|g| {
                let key = if g.get("name").and_then(serde_json::Value::as_str) == Some("") {
                    "finding.gap_percent"
                } else if g.get("reached").is_none_or(serde_json::Value::is_null) {
                    "finding.gap_unreported"
                } else {
                    "finding.gap_target"
                };
                format(key, lang, g)
            })
            .collect();
        args["gaps"] =
            serde_json::Value::String(parts.join(if lang == Lang::En { "; " } else { "；" }));
    }
    if let Some(left) = args.get("left").and_then(serde_json::Value::as_i64) {
        args["overdue"] = (-left).max(0).into();
    }
    format(&f.message_key, lang, &args)
}

/// Findings with their messages.
pub fn findings_out(list: Vec<FindingView>, lang: Lang) -> Vec<FindingOut> {
    list.into_iter()
        .map(|f| FindingOut {
            message: finding_message(&f, lang),
            kind_label: t(&format!("finding_kind.{}", f.kind), lang).to_string(),
            group_label: t(&format!("finding_group.{}", f.group), lang).to_string(),
            finding: f,
        })
        .collect()
}
