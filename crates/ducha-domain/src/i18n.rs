//! Message catalogue: every key shown to a person, in zh-CN (default) and English.

use serde::{Deserialize, Serialize};

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Picks a language from an `Accept-Language`-style tag; anything not English is Chinese.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

// The texts live in Fluent resource files, one per area and language, under
// `crates/ducha-domain/locales/{zh-CN,en}/AREA.ftl`, embedded in the binary. A message key
// `area.name_part` is the Fluent id `area-name_part`: every `.` becomes `-` (keys never contain
// `-`), so the mapping is one fixed rule both ways. `{ $name }` is an argument; numbers render
// as plain digits (`3`, `1.5`, never `3.0` nor `1,000`), and plural-sensitive English texts use
// selectors (`{ $n -> [one] … *[other] … }`).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use std::collections::HashMap;

macro_rules! areas {
    ($($area:literal),* $(,)?) => {
        /// The resource files of one language: (area, source), in a fixed order.
        fn sources(lang: Lang) -> &'static [(&'static str, &'static str)] {
            match lang {
                Lang::ZhCn => &[$(($area, include_str!(concat!("../locales/zh-CN/", $area, ".ftl")))),*],
                Lang::En => &[$(($area, include_str!(concat!("../locales/en/", $area, ".ftl")))),*],
            }
        }
    };
}

areas!(
    "main",
    "ui",
    "analytics",
    "assessment",
    "joint",
    "proposals",
    "harden",
    "secrets",
    "security",
    "auth",
    "backup",
    "appeals",
    "ledger",
    "cockpit",
    "bulletin",
    "hot",
);

/// Both languages, in the order of the catalogue's text arrays.
const LANGS: [Lang; 2] = [Lang::ZhCn, Lang::En];

/// One message: its Fluent id and its text per language (the formatted text when it takes no
/// arguments, else a `{name}` template of its default variants, for reading only: texts with
/// arguments are formatted by `format`).
struct Entry {
    id: Box<str>,
    text: [Box<str>; 2],
    /// Whether any language's text takes arguments (formatted through Fluent then).
    args: bool,
}

/// Every message, the two bundles that format messages with arguments, and the parse problems
/// met on the way (a test keeps that list empty).
struct Catalogue {
    entries: HashMap<Box<str>, Entry>,
    bundles: [FluentBundle<FluentResource>; 2],
    problems: Vec<String>,
}

/// The Fluent id of a message key (`.` -> `-`).
pub fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}

/// The message key of a Fluent id (`-` -> `.`).
pub fn message_key(id: &str) -> String {
    id.replace('-', ".")
}

fn index(lang: Lang) -> usize {
    match lang {
        Lang::ZhCn => 0,
        Lang::En => 1,
    }
}

fn bundle(lang: Lang, problems: &mut Vec<String>) -> FluentBundle<FluentResource> {
    let tag = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // No Unicode isolation marks around arguments: the texts go into HTML, Word and e-mail.
    bundle.set_use_isolating(false);
    for (area, source) in sources(lang) {
        let resource = match FluentResource::try_new((*source).to_string()) {
            Ok(r) => r,
            Err((r, errors)) => {
                problems.extend(
                    errors
                        .iter()
                        .map(|e| format!("{}/{area}.ftl: {e:?}", lang.tag())),
                );
                r
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            problems.extend(
                errors
                    .iter()
                    .map(|e| format!("{}/{area}.ftl: {e:?}", lang.tag())),
            );
        }
    }
    bundle
}

/// A pattern as a `{name}` template (selectors by their default variant), and whether it has
/// arguments.
fn template(
    pattern: &ast::Pattern<&str>,
    bundle: &FluentBundle<FluentResource>,
    out: &mut String,
) -> bool {
    let mut args = false;
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                args |= expression_template(expression, bundle, out);
            }
        }
    }
    args
}

fn expression_template(
    expression: &ast::Expression<&str>,
    bundle: &FluentBundle<FluentResource>,
    out: &mut String,
) -> bool {
    match expression {
        ast::Expression::Select { variants, .. } => {
            if let Some(v) = variants.iter().find(|v| v.default) {
                template(&v.value, bundle, out);
            }
            true
        }
        ast::Expression::Inline(inline) => match inline {
            ast::InlineExpression::StringLiteral { value } => {
                out.push_str(&fluent_syntax::unicode::unescape_unicode_to_string(value));
                false
            }
            ast::InlineExpression::NumberLiteral { value } => {
                out.push_str(value);
                false
            }
            ast::InlineExpression::VariableReference { id } => {
                out.push('{');
                out.push_str(id.name);
                out.push('}');
                true
            }
            ast::InlineExpression::MessageReference { id, .. } => bundle
                .get_message(id.name)
                .and_then(|m| m.value())
                .is_some_and(|p| template(p, bundle, out)),
            ast::InlineExpression::Placeable { expression } => {
                expression_template(expression, bundle, out)
            }
            // Terms and functions are not used; a test keeps it so.
            _ => true,
        },
    }
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut problems = Vec::new();
        let bundles = LANGS.map(|lang| bundle(lang, &mut problems));
        // key -> (text per language as far as found, whether it takes arguments)
        type Found = ([Option<Box<str>>; 2], bool);
        let mut texts: HashMap<Box<str>, Found> = HashMap::new();
        for lang in LANGS {
            let bundle = &bundles[index(lang)];
            for (area, source) in sources(lang) {
                // Parse errors were noted while building the bundle; what parsed is used.
                let resource =
                    FluentResource::try_new((*source).to_string()).unwrap_or_else(|(r, _)| r);
                for entry in resource.entries() {
                    let ast::Entry::Message(m) = entry else {
                        if let ast::Entry::Term(t) = entry {
                            problems.push(format!(
                                "{}/{area}.ftl: term -{}",
                                lang.tag(),
                                t.id.name
                            ));
                        }
                        continue;
                    };
                    let Some(pattern) = &m.value else {
                        problems.push(format!(
                            "{}/{area}.ftl: {} has no value",
                            lang.tag(),
                            m.id.name
                        ));
                        continue;
                    };
                    let mut text = String::new();
                    let args = template(pattern, bundle, &mut text);
                    let slot = texts.entry(message_key(m.id.name).into()).or_default();
                    slot.0[index(lang)] = Some(text.into());
                    slot.1 |= args;
                }
            }
        }
        let entries: HashMap<Box<str>, Entry> = texts
            .into_iter()
            .map(|(key, ([zh, en], args))| {
                let id = fluent_id(&key).into();
                // A key missing in one language shows the other's text; a test forbids it.
                let zh = zh.or_else(|| en.clone()).unwrap_or_default();
                let en = en.unwrap_or_else(|| zh.clone());
                (
                    key,
                    Entry {
                        id,
                        text: [zh, en],
                        args,
                    },
                )
            })
            .collect();
        Catalogue {
            entries,
            bundles,
            problems,
        }
    })
}

/// The text of `key` in `lang`; the key itself when unknown, so nothing is ever blank. A text
/// that takes arguments comes as a `{name}` template; format it with `format`.
pub fn t(key: &str, lang: Lang) -> &str {
    catalogue()
        .entries
        .get(key)
        .map_or(key, |e| &e.text[index(lang)])
}

/// The text of `key` in `lang` with `args` (a JSON object) filled in through Fluent: selectors
/// pick their variant, numbers render as plain digits. An unknown key gives the key.
pub fn format(key: &str, lang: Lang, args: &serde_json::Value) -> String {
    let c = catalogue();
    let Some(entry) = c.entries.get(key) else {
        return key.to_string();
    };
    if !entry.args {
        return substitute(&entry.text[index(lang)], args);
    }
    let bundle = &c.bundles[index(lang)];
    let Some(pattern) = bundle.get_message(&entry.id).and_then(|m| m.value()) else {
        return substitute(&entry.text[index(lang)], args);
    };
    let mut fluent_args = FluentArgs::new();
    if let Some(object) = args.as_object() {
        for (name, value) in object {
            let value = match value {
                serde_json::Value::String(s) => FluentValue::from(s.as_str()),
                serde_json::Value::Number(n) => match n.as_f64() {
                    Some(f) => FluentValue::from(f),
                    None => FluentValue::from(n.to_string()),
                },
                serde_json::Value::Null => continue,
                other => FluentValue::from(other.to_string()),
            };
            fluent_args.set(name.as_str(), value);
        }
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// A field error's message in `lang`, with its arguments filled in.
pub fn field_message(e: &crate::FieldError, lang: Lang) -> String {
    if e.args.is_null() {
        t(e.key, lang).to_string()
    } else {
        format(e.key, lang, &e.args)
    }
}

/// `template` (a text without Fluent arguments) with each `{name}` replaced by `args[name]`
/// (strings as they are, numbers without a needless `.0`), unknown names staying as written.
fn substitute(template: &str, args: &serde_json::Value) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.get(name) {
                    Some(serde_json::Value::String(s)) => out.push_str(s),
                    Some(serde_json::Value::Number(n)) => match n.as_f64() {
                        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                            out.push_str(&format!("{}", f as i64));
                        }
                        _ => out.push_str(&n.to_string()),
                    },
                    Some(v) if !v.is_null() => out.push_str(&v.to_string()),
                    _ => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The catalogue's own copy of `key`, for keys built at run time (`toast.{action}`).
pub fn catalogue_key(key: &str) -> Option<&'static str> {
    catalogue().entries.get_key_value(key).map(|(k, _)| &**k)
}

/// A text kept for later (a notification, a delivery): its key and arguments, rendered in the
/// language of whoever reads it. Stored as JSON `{"key": …, "args": {…}}`. An argument may be
/// itself a message (`{"key": …, "args": …}`), a date (`{"date": "2026-11-27"}`) or a bulletin
/// period (`{"period": "2026-10"}`), each rendered in the reader's language too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Message key.
    pub key: String,
    /// Arguments (a JSON object).
    #[serde(default)]
    pub args: serde_json::Value,
}

impl Message {
    /// A message of `key` with `args`.
    pub fn new(key: &str, args: serde_json::Value) -> Self {
        Self {
            key: key.to_string(),
            args,
        }
    }

    /// The stored form (JSON).
    pub fn stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.key.clone())
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args = match &self.args {
            serde_json::Value::Object(object) => serde_json::Value::Object(
                object
                    .iter()
                    .map(|(name, value)| (name.clone(), argument(value, lang)))
                    .collect(),
            ),
            other => other.clone(),
        };
        format(&self.key, lang, &args)
    }

    /// A stored text in `lang`: a stored message rendered; anything else (rows written as
    /// plain text before messages were stored as keys) as it is.
    pub fn render(stored: &str, lang: Lang) -> String {
        match serde_json::from_str::<Message>(stored) {
            Ok(m) if knows(&m.key) => m.text(lang),
            _ => stored.to_string(),
        }
    }
}

/// An argument of a stored message in `lang`.
fn argument(value: &serde_json::Value, lang: Lang) -> serde_json::Value {
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    if let Ok(m) = serde_json::from_value::<Message>(value.clone()) {
        return m.text(lang).into();
    }
    if let Some(date) = object.get("date").and_then(|d| d.as_str()) {
        return match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) if lang == Lang::ZhCn => d.format("%Y年%m月%d日").to_string().into(),
            _ => date.into(),
        };
    }
    if let Some(period) = object.get("period").and_then(|p| p.as_str()) {
        return crate::bulletin::period_label(period, lang).into();
    }
    value.clone()
}

/// What is wrong with the resource files (parse errors, ids twice, terms): empty in a good
/// build, which a test keeps so.
pub fn problems() -> &'static [String] {
    &catalogue().problems
}

/// Whether `key` has a translation.
pub fn knows(key: &str) -> bool {
    catalogue().entries.contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_both_languages() {
        use crate::Rule::*;
        for r in [
            ItemState,
            AssignmentState,
            ReportState,
            RequestDecided,
            DeadlineAfterParent,
            DeadlineInPast,
            ExtensionNotLater,
            ExtensionTooLate,
            RequestPending,
            RefusalWindowPassed,
            UnitNotInSubtree,
            DuplicateUnit,
            NoLeadUnit,
            ChildrenUnfinished,
            AssignmentsUnfinished,
            ResponsibleNotInUnit,
            Concurrent,
            NameTaken,
            NoticeOpen,
            NoticeNotOpen,
        ] {
            assert!(knows(r.key()), "{}", r.key());
            assert_ne!(t(r.key(), Lang::ZhCn), t(r.key(), Lang::En));
        }
    }

    #[test]
    fn every_enum_label_is_translated() {
        use crate::item::{ItemState, Source};
        for s in ItemState::ALL {
            assert!(knows(&format!("state.{s}")), "state.{s}");
        }
        for s in Source::ALL {
            assert!(knows(&format!("source.{s}")), "source.{s}");
        }
        for l in crate::light::Light::ALL {
            assert!(knows(&format!("light.{l}")), "light.{l}");
        }
        for r in crate::light::LightReason::ALL {
            assert!(knows(&format!("light_reason.{r}")), "light_reason.{r}");
        }
        for l in crate::notice::NoticeLevel::ALL {
            assert!(knows(&format!("notice.{l}")), "notice.{l}");
        }
        for s in crate::notice::NoticeState::ALL {
            assert!(knows(&format!("notice_state.{s}")), "notice_state.{s}");
        }
        for k in crate::chain::EventKind::ALL {
            assert!(knows(&format!("event.{k}")), "event.{k}");
        }
        for s in crate::assignment::AssignmentState::ALL {
            assert!(
                knows(&format!("assignment_state.{s}")),
                "assignment_state.{s}"
            );
        }
    }

    #[test]
    fn analytics_labels_are_translated_and_filled() {
        use crate::analytics::findings::{FindingGroup, FindingKind};
        use crate::analytics::hops::Hop;
        use crate::analytics::lost::LostReason;
        for k in FindingKind::ALL {
            assert!(knows(&format!("finding_kind.{k}")), "{k}");
            assert!(knows(&format!("finding.{k}")), "{k}");
        }
        for g in FindingGroup::ALL {
            assert!(knows(&format!("finding_group.{g}")), "{g}");
        }
        for h in Hop::ALL {
            assert!(knows(&format!("hop.{h}")), "{h}");
        }
        for r in LostReason::ALL {
            assert!(knows(&format!("lost_reason.{r}")), "{r}");
        }
    }

    #[test]
    fn joint_labels_are_translated() {
        use crate::joint::inspections::{InspectionState, Method, OverlapKind, OverlapState};
        use crate::joint::{BodyKind, DecisionKind, MeetingState, Position};
        let mut keys = Vec::new();
        keys.extend(BodyKind::ALL.iter().map(|c| format!("body_kind.{c}")));
        keys.extend(Position::ALL.iter().map(|c| format!("position.{c}")));
        keys.extend(
            MeetingState::ALL
                .iter()
                .map(|c| format!("meeting_state.{c}")),
        );
        keys.extend(
            DecisionKind::ALL
                .iter()
                .map(|c| format!("decision_kind.{c}")),
        );
        keys.extend(Method::ALL.iter().map(|c| format!("method.{c}")));
        keys.extend(
            InspectionState::ALL
                .iter()
                .map(|c| format!("inspection_state.{c}")),
        );
        keys.extend(OverlapKind::ALL.iter().map(|c| format!("overlap_kind.{c}")));
        keys.extend(
            OverlapState::ALL
                .iter()
                .map(|c| format!("overlap_state.{c}")),
        );
        for k in keys {
            assert!(knows(&k), "{k}");
        }
        let why = crate::joint::agenda::Why::Stall {
            unit: "白石镇".into(),
            finding: "late_handoff".into(),
            days: 7,
            more: 0,
        };
        assert_eq!(
            why.text(Lang::ZhCn),
            format!(
                "白石镇：{}，7个工作日",
                t("finding_kind.late_handoff", Lang::ZhCn)
            )
        );
        assert!(!why.text(Lang::En).contains('{'));
    }

    /// Every variable a pattern uses, selectors and their variants included.
    fn variables<'a>(
        pattern: &ast::Pattern<&'a str>,
        out: &mut std::collections::BTreeSet<&'a str>,
    ) {
        fn expression<'a>(
            e: &ast::Expression<&'a str>,
            out: &mut std::collections::BTreeSet<&'a str>,
        ) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        variables(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => inline(i, out),
            }
        }
        fn inline<'a>(
            i: &ast::InlineExpression<&'a str>,
            out: &mut std::collections::BTreeSet<&'a str>,
        ) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name);
                }
                ast::InlineExpression::Placeable { expression: e } => expression(e, out),
                ast::InlineExpression::StringLiteral { .. }
                | ast::InlineExpression::NumberLiteral { .. } => {}
                other => panic!("only variables, literals and selectors are used: {other:?}"),
            }
        }
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression: e } = element {
                expression(e, out);
            }
        }
    }

    #[test]
    fn every_key_is_in_every_locale_with_the_same_arguments() {
        assert_eq!(catalogue().problems, Vec::<String>::new());
        type Messages = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;
        let per_lang = LANGS.map(|lang| {
            let mut areas = std::collections::BTreeMap::<&str, Messages>::new();
            for (area, source) in sources(lang) {
                let resource = FluentResource::try_new((*source).to_string())
                    .unwrap_or_else(|(_, e)| panic!("{}/{area}.ftl: {e:?}", lang.tag()));
                let messages = areas.entry(area).or_default();
                for entry in resource.entries() {
                    match entry {
                        ast::Entry::Message(m) => {
                            assert!(m.attributes.is_empty(), "{}: attributes", m.id.name);
                            let pattern = m.value.as_ref().expect("a value");
                            let mut vars = std::collections::BTreeSet::new();
                            variables(pattern, &mut vars);
                            let vars = vars.into_iter().map(String::from).collect();
                            let old = messages.insert(m.id.name.to_string(), vars);
                            assert!(old.is_none(), "{} twice in {area}", m.id.name);
                        }
                        ast::Entry::Comment(_)
                        | ast::Entry::GroupComment(_)
                        | ast::Entry::ResourceComment(_) => {}
                        other => panic!("{}/{area}.ftl: unexpected {other:?}", lang.tag()),
                    }
                }
            }
            areas
        });
        let [zh, en] = &per_lang;
        assert_eq!(
            zh.keys().collect::<Vec<_>>(),
            en.keys().collect::<Vec<_>>(),
            "the same areas in both languages"
        );
        let mut total = 0;
        for (area, zh_messages) in zh {
            let en_messages = &en[area];
            for (id, vars) in zh_messages {
                let en_vars = en_messages
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} in zh-CN/{area}.ftl but not in en"));
                assert_eq!(vars, en_vars, "{id}: arguments differ between zh-CN and en");
                assert_eq!(fluent_id(&message_key(id)), *id, "{id}: not a key's id");
            }
            for id in en_messages.keys() {
                assert!(
                    zh_messages.contains_key(id),
                    "{id} in en/{area}.ftl but not in zh-CN"
                );
            }
            total += zh_messages.len();
        }
        assert_eq!(catalogue().entries.len(), total, "a key is defined twice");
        for (key, e) in &catalogue().entries {
            assert!(!e.text[0].is_empty() && !e.text[1].is_empty(), "{key}");
        }
    }

    #[test]
    fn english_counts_pick_singular_or_plural_and_chinese_has_one_form() {
        let n = |n: i64| serde_json::json!({ "n": n });
        assert_eq!(format("ui.count_all", Lang::En, &n(1)), "1 item");
        assert_eq!(format("ui.count_all", Lang::En, &n(0)), "0 items");
        assert_eq!(format("ui.count_all", Lang::En, &n(3)), "3 items");
        assert_eq!(format("ui.count_all", Lang::ZhCn, &n(1)), "共 1 项");
        assert_eq!(format("ui.count_all", Lang::ZhCn, &n(3)), "共 3 项");
        assert_eq!(
            format("ui.cadence_every", Lang::En, &n(1)),
            "Every working day"
        );
        assert_eq!(
            format("bulletin.text.overdue", Lang::En, &n(1)),
            "1 assignment was overdue and open at the end"
        );
        assert_eq!(
            format("ledger.rejected", Lang::En, &n(2)),
            "The ledger has 2 errors; nothing was imported. Correct them and upload again."
        );
        // `t` of a message with a selector is its default (plural) variant as a template.
        assert_eq!(t("ui.count_all", Lang::En), "{n} items");
    }

    #[test]
    fn stored_messages_render_in_the_readers_language() {
        let stored = Message::new(
            "notify.pack.body",
            serde_json::json!({ "title": "第3次联席会议", "n": 1,
                "date": { "date": "2026-11-19" } }),
        )
        .stored();
        assert_eq!(
            Message::render(&stored, Lang::ZhCn),
            "第3次联席会议将于2026年11月19日召开，议题1项，会前材料已生成，请提前阅研。"
        );
        assert_eq!(
            Message::render(&stored, Lang::En),
            "第3次联席会议 meets on 2026-11-19 with 1 agenda line; the pack is ready, please read it beforehand."
        );
        // A nested message and a bulletin period are rendered in the reader's language too.
        let title = Message::new(
            "notify.notice.title",
            serde_json::json!({ "level": { "key": "notice.red" }, "number": "督〔2026〕3号" }),
        )
        .stored();
        assert_eq!(
            Message::render(&title, Lang::ZhCn),
            "【红色督办】督办单 督〔2026〕3号"
        );
        assert_eq!(
            Message::render(&title, Lang::En),
            "[Red notice] Urge notice 督〔2026〕3号"
        );
        let body = Message::new(
            "bulletin.notify.body",
            serde_json::json!({ "scope": "青山市", "number": "1号", "period": { "period": "2026-10" } }),
        )
        .stored();
        assert!(Message::render(&body, Lang::ZhCn).contains("（2026年10月）"));
        assert!(Message::render(&body, Lang::En).contains("(October 2026)"));
        // Rows written as text before stay as they are.
        assert_eq!(
            Message::render("【蓝色提醒】督办单", Lang::En),
            "【蓝色提醒】督办单"
        );
    }

    #[test]
    fn numbers_render_as_plain_digits_without_isolation_marks() {
        let args = serde_json::json!({ "target": "改造户数", "given": 110.0, "parent": 120, "unit": "户" });
        assert_eq!(
            format("finding.target_shrunk", Lang::ZhCn, &args),
            "目标“改造户数”下达合计110户，低于本级目标120户"
        );
        let args =
            serde_json::json!({ "target": "x", "given": 1234567.0, "parent": 0.5, "unit": "" });
        let en = format("finding.target_shrunk", Lang::En, &args);
        assert!(en.contains("1234567") && en.contains("0.5"), "{en}");
        assert!(
            !en.contains('\u{2068}') && !en.contains('\u{2069}'),
            "{en:?}"
        );
        assert_eq!(
            format(
                "finding.target_shrunk",
                Lang::ZhCn,
                &serde_json::json!({ "target": "a", "given": 3, "parent": 4.0, "unit": "个" })
            ),
            "目标“a”下达合计3个，低于本级目标4个"
        );
        assert_eq!(
            t("finding.target_shrunk", Lang::ZhCn),
            "目标“{target}”下达合计{given}{unit}，低于本级目标{parent}{unit}"
        );
        assert_eq!(
            substitute("{a} {b} {", &serde_json::json!({ "a": 1.5 })),
            "1.5 {b} {"
        );
        assert_eq!(t("no.such.key", Lang::En), "no.such.key");
        assert_eq!(format("no.such.key", Lang::En, &args), "no.such.key");
    }

    #[test]
    fn every_page_enum_label_is_translated() {
        use crate::item::{Category, Priority};
        use crate::org::{Role, UnitKind};
        use crate::report::{ReportKind, ReportState};
        use crate::requests::RequestState;
        let mut keys = Vec::new();
        keys.extend(Category::ALL.iter().map(|c| format!("category.{c}")));
        keys.extend(Priority::ALL.iter().map(|c| format!("priority.{c}")));
        keys.extend(UnitKind::ALL.iter().map(|c| format!("unit_kind.{c}")));
        keys.extend(Role::ALL.iter().map(|c| format!("user_role.{c}")));
        keys.extend(ReportKind::ALL.iter().map(|c| format!("report_kind.{c}")));
        keys.extend(ReportState::ALL.iter().map(|c| format!("report_state.{c}")));
        keys.extend(
            RequestState::ALL
                .iter()
                .map(|c| format!("request_state.{c}")),
        );
        for k in keys {
            assert!(knows(&k), "{k}");
        }
    }
}
