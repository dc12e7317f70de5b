//! The OpenAPI document checked against what the API really speaks: every enum by the names
//! serde reads and writes, every operation with the error answers it can give.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn document() -> Value {
    let (_, doc) = super::router();
    serde_json::to_value(&doc).expect("the document serialises")
}

/// Every `enum` list anywhere in `v`, with where it is.
fn enums<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Vec<Value>)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(values)) = m.get("enum") {
                out.push((at.clone(), values));
            }
            for (k, x) in m {
                enums(x, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                enums(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The values the document lists for the component schema `name`.
fn listed(doc: &Value, name: &str) -> Vec<Value> {
    doc["components"]["schemas"][name]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{name} is a documented enum"))
        .clone()
}

/// The document lists exactly what serde writes for every variant, and serde reads each back.
fn same<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    doc: &Value,
    name: &str,
    all: &[T],
) -> &'static str {
    let wire: Vec<Value> = all
        .iter()
        .map(|v| serde_json::to_value(v).expect("serialise"))
        .collect();
    assert_eq!(listed(doc, name), wire, "{name}: the document's values");
    for (v, w) in all.iter().zip(&wire) {
        let back: T = serde_json::from_value(w.clone()).expect("the API reads what it writes");
        assert_eq!(&back, v);
    }
    // A Rust variant name is refused by the API.
    let rust = format!("{:?}", all[0]);
    if Value::String(rust.clone()) != wire[0] {
        assert!(
            serde_json::from_value::<T>(Value::String(rust)).is_err(),
            "{name}"
        );
    }
    name.to_string().leak()
}

#[test]
fn every_enum_lists_the_names_the_api_speaks() {
    use ducha_domain::appeals::{AppealCategory, AppealSource, AppealState};
    use ducha_domain::assignment::{AssignmentRole, AssignmentState};
    use ducha_domain::hot::issue::HotIssueState;
    use ducha_domain::item::{Category, ItemState, Priority, Source};
    use ducha_domain::light::{Light, LightReason};
    use ducha_domain::notice::{NoticeCause, NoticeLevel, NoticeState};
    use ducha_domain::org::{Role, UnitKind};
    use ducha_domain::report::{ReportKind, ReportState, Verdict};
    use ducha_domain::requests::RequestState;
    use ducha_service::auth::LoginNeed;
    use ducha_service::workbench::WorkListName;
    let doc = document();
    let checked = [
        same(&doc, "AppealCategory", AppealCategory::ALL),
        same(&doc, "AppealSource", AppealSource::ALL),
        same(&doc, "AppealState", AppealState::ALL),
        same(&doc, "HotIssueState", HotIssueState::ALL),
        same(&doc, "AssignmentRole", AssignmentRole::ALL),
        same(&doc, "AssignmentState", AssignmentState::ALL),
        same(&doc, "Category", Category::ALL),
        same(&doc, "ItemState", ItemState::ALL),
        same(&doc, "Light", Light::ALL),
        same(&doc, "LightReason", LightReason::ALL),
        same(&doc, "NoticeCause", NoticeCause::ALL),
        same(&doc, "NoticeLevel", NoticeLevel::ALL),
        same(&doc, "NoticeState", NoticeState::ALL),
        same(&doc, "Priority", Priority::ALL),
        same(&doc, "ReportKind", ReportKind::ALL),
        same(&doc, "ReportState", ReportState::ALL),
        same(&doc, "RequestState", RequestState::ALL),
        same(&doc, "Role", Role::ALL),
        same(&doc, "Source", Source::ALL),
        same(&doc, "UnitKind", UnitKind::ALL),
        same(&doc, "Verdict", &[Verdict::Accept, Verdict::Return]),
        same(&doc, "WorkListName", &WorkListName::ALL),
        same(
            &doc,
            "LoginNeed",
            &[LoginNeed::Code, LoginNeed::PasswordChange, LoginNeed::Enrol],
        ),
    ];
    // No enum escapes the table above…
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for (name, s) in schemas {
        if s.get("enum").is_some() {
            assert!(checked.contains(&name.as_str()), "{name} is not checked");
        }
    }
    // …and every list anywhere (inline ones, tagged unions, parameters) is in wire style,
    // never a Rust name like `PendingApproval`.
    let mut all = Vec::new();
    enums(&doc, String::new(), &mut all);
    assert!(all.len() > checked.len());
    for (at, values) in all {
        for v in values {
            let s = v
                .as_str()
                .unwrap_or_else(|| panic!("{at}: {v} is a string"));
            assert!(
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{at}: {s:?} is not a wire name"
            );
        }
    }
}

#[test]
fn every_operation_documents_its_error_answers() {
    let doc = document();
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            operations += 1;
            let what = format!("{} {path}", method.to_uppercase());
            let body = op.get("requestBody");
            let json = body.is_some_and(|b| b["content"].get("application/json").is_some());
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let has = |place: &str| params.iter().any(|p| p["in"] == place);
            let mut expected = vec!["401", "403"];
            if body.is_some() {
                expected.extend(["400", "413", "422"]);
            }
            if json {
                expected.push("415");
            }
            if has("path") {
                expected.push("404");
            }
            if has("query") {
                expected.push("422");
            }
            if method != "get" {
                expected.push("409");
            }
            let responses = op["responses"].as_object().expect("responses");
            for status in expected {
                assert!(responses.contains_key(status), "{what} lacks {status}");
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    // The error body, or one that carries it and more (the login's pending
                    // step adds `need` and `pending_token` beside `error`).
                    let name = r["content"]["application/json"]["schema"]["$ref"]
                        .as_str()
                        .and_then(|r| r.rsplit('/').next())
                        .unwrap_or_default();
                    let carries = doc["components"]["schemas"][name]["properties"]["error"]["$ref"]
                        == "#/components/schemas/ErrorDetail";
                    assert!(
                        name == "ErrorBody" || carries,
                        "{what} {status} has the error body, not {name}"
                    );
                }
            }
        }
    }
    assert!(operations > 80, "{operations} operations");
}

#[test]
fn every_parameter_is_where_the_route_reads_it() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let placeholders: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for (method, op) in item.as_object().expect("path item") {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let in_path: Vec<&str> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            // A query parameter documented "in: path" (utoipa's default for `IntoParams`) is
            // sent by clients where the server never reads it.
            for name in &in_path {
                assert!(
                    placeholders.contains(name),
                    "{method} {path}: `{name}` is documented in the path but is not in it"
                );
            }
            for name in &placeholders {
                assert!(
                    in_path.contains(name),
                    "{method} {path}: `{name}` is not documented"
                );
            }
        }
    }
}

/// Every `oneOf` anywhere in `v`, with where it is.
fn one_ofs<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Vec<Value>)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(branches)) = m.get("oneOf") {
                out.push((at.clone(), branches));
            }
            for (k, x) in m {
                one_ofs(x, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                one_ofs(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_one_of_is_ambiguous_for_an_empty_list() {
    // `[]` is an array of anything: under `oneOf` two array branches make every empty list
    // invalid (the fuzz run found the workbench's lists answering so).
    let doc = document();
    let mut all = Vec::new();
    one_ofs(&doc, String::new(), &mut all);
    for (at, branches) in all {
        let arrays = branches.iter().filter(|b| b["type"] == "array").count();
        assert!(arrays <= 1, "{at}: {arrays} array branches under oneOf");
    }
}
