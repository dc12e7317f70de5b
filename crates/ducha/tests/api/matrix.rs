//! The authorization matrix, generated from the route table: every operation of the OpenAPI
//! document × every role × an object of the caller's own unit and one of another unit ×
//! anonymous. The rules below say who may use each operation; the test fails when an
//! operation has no rule (a new route must say who may use it) and when any cell disagrees:
//!
//! - anonymous callers get 401 everywhere but the login;
//! - a role the rule leaves out gets 403 or 404 and changes nothing;
//! - a role the rule lets in is never refused (401/403), and reaches its own objects (no 404);
//! - another county's object is 404 for the county's people — never 403, never served;
//! - the three admins (三员分立) reach no business operation at all.
//!
//! Bodies are generated from each operation's request schema (every required field with a
//! value of its type), so the request passes parsing and reaches the permission check.

use crate::helpers::{PASSWORD, Session, TestApp, dispatched_item, id, in_days};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

crate::on_both_backends!(authorization_matrix, web_matrix);

/// Who a rule lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Supervisor,
    Leader,
    /// A county's liaison (联络员).
    Liaison,
    /// A county's head (单位负责人).
    UnitHead,
    /// A township's liaison, below the county.
    Township,
    /// A member body of the leading group (here the discipline commission, 纪委监委), which
    /// reads the jurisdiction's register and files inspection plans.
    Member,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

use Role::*;

const BUSINESS: &[Role] = &[Supervisor, Leader, Liaison, UnitHead, Township, Member];
const ADMINS: &[Role] = &[SystemAdmin, SecurityAdmin, AuditAdmin];
const EVERYONE: &[Role] = &[
    Supervisor,
    Leader,
    Liaison,
    UnitHead,
    Township,
    Member,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
];
const UNITS: &[Role] = &[Liaison, UnitHead];
const OFFICE: &[Role] = &[Supervisor, Leader];
/// Who reads a county's objects: the office, the leaders, the county itself and the member
/// bodies, which read the jurisdiction's register (read-only).
const READERS: &[Role] = &[Supervisor, Leader, Liaison, UnitHead, Member];
/// The office and the member bodies: the joint meetings and the one inspection register.
const BODIES: &[Role] = &[Supervisor, Leader, Member];
/// Who files inspection plans: a seated body (the office is one).
const FILERS: &[Role] = &[Supervisor, Member];
/// Paths of business content, which no admin reads or writes.
const BUSINESS_AREAS: &[&str] = &[
    "/items",
    "/workbench/",
    "/assignments",
    "/reports",
    "/extensions",
    "/refusals",
    "/help-requests",
    "/notices",
    "/summonses",
    "/lights",
    "/evidence",
    "/analytics",
    "/assessment",
    "/joint",
    "/proposals",
    "/appeals",
];

/// Who may use `method path` (the path as the OpenAPI document writes it, under `/api/v1`);
/// `None` when no rule is written, which fails the test.
fn rule(method: &str, path: &str) -> Option<&'static [Role]> {
    let who: &'static [Role] = match (method, path) {
        // Anyone, with or without an account (checked apart: it answers everyone).
        ("post", "/auth/login") => EVERYONE,
        // Anyone with an account: who am I, leaving, one's own inbox and preferences.
        ("get", "/me" | "/inbox" | "/me/notify-prefs" | "/workbench")
        | ("put", "/me/notify-prefs" | "/me/lang")
        | ("post", "/auth/logout" | "/inbox/read" | "/tokens") => EVERYONE,
        // The register and the work of the chain: business users only.
        ("get", "/items" | "/workbench/{list}" | "/notices" | "/lights/units") => BUSINESS,
        ("get", "/items/{id}" | "/items/{id}/chain") => READERS,
        ("post", "/items") | ("put", "/items/{id}") => &[Supervisor],
        ("post", "/items/{id}/submit" | "/items/{id}/dispatch" | "/items/{id}/close") => {
            &[Supervisor]
        }
        ("post", "/items/{id}/approve" | "/items/{id}/reject") => &[Leader],
        (
            "post",
            "/assignments/{id}/sign"
            | "/assignments/{id}/refuse"
            | "/assignments/{id}/decompose"
            | "/assignments/{id}/reports"
            | "/assignments/{id}/extensions"
            | "/assignments/{id}/help-requests",
        ) => UNITS,
        ("get", "/assignments/{id}/evidence") => UNITS,
        ("post", "/assignments/{id}/notices") => &[Supervisor],
        ("post", "/reports/{id}/review" | "/extensions/{id}/decide" | "/refusals/{id}/decide") => {
            &[Supervisor]
        }
        ("get", "/help-requests") => BUSINESS,
        ("post", "/help-requests/{id}/answer") => &[Supervisor],
        ("get", "/notices/{id}") => READERS,
        ("post", "/notices/{id}/acknowledge") => UNITS,
        // Summonses (约谈) are addressed to the units' heads.
        ("get", "/summonses") => &[Supervisor, Leader, UnitHead],
        ("post", "/evidence") => BUSINESS,
        // The clock's settings and deliveries.
        ("get", "/calendar/{year}" | "/calendar/add") => EVERYONE,
        ("post", "/calendar") => &[SystemAdmin],
        ("get", "/outbox") | ("post", "/outbox/{id}/retry") => &[SystemAdmin],
        // Units and users: the system admin keeps them, the security admin lifts locks.
        // Business users read their own subtree (the pickers of dispatch and decomposition).
        ("get", "/units" | "/users") => &[
            Supervisor,
            Leader,
            Liaison,
            UnitHead,
            Township,
            Member,
            SystemAdmin,
            SecurityAdmin,
        ],
        ("post", "/units" | "/users" | "/users/{id}/password") => &[SystemAdmin],
        ("post", "/users/{id}/unlock" | "/users/{id}/twofactor/reset") => &[SecurityAdmin],
        ("post", "/users/{id}/active" | "/users/{id}/roles" | "/users/{id}/position") => {
            &[SystemAdmin]
        }
        // One's own API tokens (the security admin also revokes others'); none is seeded.
        ("get", "/tokens") | ("delete", "/tokens/{id}") => EVERYONE,
        ("get", "/security-log") => &[AuditAdmin],
        ("get", "/audit/head") => &[Supervisor, AuditAdmin],
        // Chain analytics, assessment, joint supervision, suggestions and proposals.
        ("get", "/analytics/findings" | "/analytics/stall-map") => BUSINESS,
        // The object is the county: the township below does not read its parent's list.
        ("get", "/analytics/units/{id}/assignments") => READERS,
        // The ranking and the cadre record are for the office and the leaders (not shown to
        // the units as nagging); a unit reads its own score card.
        ("get", "/assessment/scores" | "/assessment/cadres") => OFFICE,
        ("get", "/assessment/units/{id}") => READERS,
        ("get", p) if p.starts_with("/assessment/") => BUSINESS,
        ("post", "/assessment/appeals") => UNITS,
        ("post", p) if p.starts_with("/assessment/") => &[Supervisor],
        // The leading group is public to business users; meetings and the inspection register
        // are the office's (and the member bodies', not seeded here).
        ("get", "/joint/group") => BUSINESS,
        ("get", p) if p.starts_with("/joint/") => BODIES,
        ("post", "/joint/inspections") => FILERS,
        ("post", p) if p.starts_with("/joint/") => &[Supervisor],
        ("get", p) if p.starts_with("/proposals/") => BUSINESS,
        ("post", p) if p.starts_with("/proposals/") => &[Supervisor],
        // Citizens' appeals: read as the register is; the original and the contact for the
        // office and the unit the appeal names (county A's here), the import for the office.
        ("get", "/appeals") => BUSINESS,
        ("get", "/appeals/{id}") => READERS,
        ("get", "/appeals/{id}/original") => &[Supervisor, Liaison, UnitHead],
        ("get" | "post", "/appeals/sources") | ("post", "/appeals/import") => &[Supervisor],
        // Hot issues: read by the office and the leaders, made items of by the office.
        ("get", "/appeals/hot" | "/appeals/hot/{id}") => OFFICE,
        ("post", "/appeals/hot/{id}/item" | "/appeals/hot/{id}/merge") => &[Supervisor],
        // The leader's dashboard and the ledger import.
        ("get", "/cockpit") => OFFICE,
        ("post", "/items/import") => &[Supervisor],
        // Bulletins: the office drafts and publishes, a leader approves or sends back; the
        // units read the published ones.
        ("get", "/bulletins" | "/bulletins/{id}" | "/bulletins/{id}/bulletin.docx")
        | ("get", "/bulletins/{id}/bulletin.pdf") => BUSINESS,
        ("post", "/bulletins" | "/bulletins/{id}/submit" | "/bulletins/{id}/publish")
        | ("put", "/bulletins/{id}") => &[Supervisor],
        ("post", "/bulletins/{id}/approve" | "/bulletins/{id}/return") => &[Leader],
        _ => return None,
    };
    Some(who)
}

/// The objects a path's `{id}` stands for: one the county's people may see (`own`) and one of
/// another county (`foreign`); `None` where the operation's objects are not seeded here.
#[derive(Debug, Default)]
struct Objects {
    /// Paths that need an object in a particular state (a draft to edit, an approved item to
    /// dispatch), before the prefixes.
    exact: BTreeMap<&'static str, (i64, i64)>,
    by_prefix: BTreeMap<&'static str, (i64, i64)>,
    user: i64,
}

/// Paths whose objects live in one node's memory for a while (a ledger import's progress):
/// never seeded here, so a missing one answers 404 to those the rule lets in.
const UNSEEDED: &[&str] = &["/items/import/jobs/"];

impl Objects {
    /// `path` with its parameters bound to the own or the foreign object; `None` when the
    /// foreign binding does not exist for this path.
    fn bind(&self, path: &str, foreign: bool) -> Option<String> {
        let mut out = path.replace("{year}", "2026").replace("{list}", "to_sign");
        if out.contains("{id}") {
            let id = if path.contains("/users/{id}") {
                if foreign {
                    return None;
                }
                self.user
            } else if let Some((own, other)) = self.exact.get(path) {
                if foreign { *other } else { *own }
            } else if UNSEEDED.iter().any(|p| path.starts_with(p)) {
                if foreign {
                    return None;
                }
                999_999_999
            } else {
                match self.by_prefix.iter().find(|(p, _)| path.starts_with(*p)) {
                    Some((_, (own, other))) => {
                        if foreign {
                            *other
                        } else {
                            *own
                        }
                    }
                    None if foreign => return None,
                    // Not seeded: a missing object, still denied to those the rule leaves out.
                    None => 999_999_999,
                }
            };
            out = out.replace("{id}", &id.to_string());
        }
        if out.contains("{reply}") {
            out = out.replace("{reply}", "999999999");
        }
        (!out.contains('{')).then_some(out)
    }

    fn seeded(&self, path: &str) -> bool {
        !path.contains("{id}")
            || path.contains("/users/{id}")
            || (!UNSEEDED.iter().any(|p| path.starts_with(p))
                && self.by_prefix.keys().any(|p| path.starts_with(*p)))
    }
}

/// A value of `schema`'s type for each required field, `$ref`s resolved from `doc`.
fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return sample(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(all) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for s in all {
            if let Value::Object(m) = sample(doc, s, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema[key]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["type"] != "null").or_else(|| a.first()))
        {
            return sample(doc, first, depth + 1);
        }
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema["properties"].is_object() => "object".into(),
        _ => "null".into(),
    };
    match ty.as_str() {
        "string" => match schema["format"].as_str() {
            Some("date") => json!(in_days(40)),
            Some("date-time") => json!("2026-12-31T00:00:00Z"),
            _ => json!("矩阵测试"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "object" => {
            let mut m = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                if let Some(name) = name.as_str() {
                    let value = match name {
                        "period" => json!("2026-12"),
                        _ => sample(doc, &schema["properties"][name], depth + 1),
                    };
                    m.insert(name.into(), value);
                }
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

/// One request of the matrix: the operation's generated body, multipart where it takes a file.
async fn call(who: &Session, doc: &Value, method: &str, op: &Value, path: &str) -> Answer {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    // Every required query parameter, with a value of its type.
    let mut path = path.to_string();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "query" && p["required"] == true {
            let v = match (p["name"].as_str(), sample(doc, &p["schema"], 0)) {
                (Some("period"), _) => "2026-12".to_string(),
                (_, Value::String(s)) => s,
                (_, v) => v.to_string(),
            };
            let sep = if path.contains('?') { '&' } else { '?' };
            path = format!(
                "{path}{sep}{}={}",
                p["name"].as_str().unwrap_or_default(),
                v
            );
        }
    }
    let content = &op["requestBody"]["content"];
    if let Some(form) = content.get("multipart/form-data") {
        let _ = form;
        let boundary = "matrixboundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nmatrix\r\n--{boundary}--\r\n"
        );
        let ct = format!("multipart/form-data; boundary={boundary}");
        return who
            .send(
                method,
                &path,
                Some(body.into()),
                true,
                &[("content-type", &ct)],
            )
            .await
            .into();
    }
    let body = content
        .get("application/json")
        .map(|c| sample(doc, &c["schema"], 0).to_string());
    let body = match (&method, body) {
        (&Method::GET, _) => None,
        (_, Some(b)) => Some(b.into()),
        (_, None) => Some("{}".into()),
    };
    who.send(method, &path, body, true, &[]).await.into()
}

/// A status with the error's key, for messages.
#[derive(Debug, PartialEq, Eq)]
struct Answer(StatusCode, String);

impl From<crate::helpers::Resp> for Answer {
    fn from(r: crate::helpers::Resp) -> Self {
        Answer(
            r.status,
            r.body["error"]["key"].as_str().unwrap_or("").to_string(),
        )
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.as_u16(), self.1)
    }
}

/// The accounts of the matrix, one per role.
const SEATS: [(Role, &str); 9] = [
    (Supervisor, "sup"),
    (Leader, "leader"),
    (Liaison, "county_a"),
    (UnitHead, "county_a_chief"),
    (Township, "town_a1"),
    (Member, "member"),
    (SystemAdmin, "sysadmin"),
    (SecurityAdmin, "secadmin"),
    (AuditAdmin, "auditadmin"),
];

/// A member body of the city's leading group with its liaison (the group's head and office
/// seated first).
async fn add_accounts(app: &TestApp) -> i64 {
    let now = ducha_service::now();
    // The account the user operations act on (disabled, its roles changed, its password
    // reset …), so that no session of the matrix is ended by them.
    let spare = app
        .services
        .create_user_with_hash(
            None,
            &ducha_service::org::UserInput {
                username: "matrix.spare".into(),
                display_name: "矩阵测试账号".into(),
                unit_id: app.org.county_a,
                roles: vec!["liaison".into()],
                password: PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            ducha_service::auth::hash_password(PASSWORD).expect("hash"),
            now,
        )
        .await
        .expect("spare account");
    let body = app
        .services
        .create_unit(
            None,
            &ducha_service::org::UnitInput {
                parent_id: Some(app.org.city),
                name: "市纪委监委".into(),
                kind: "supervision_body".into(),
                sort: 0,
            },
            now,
        )
        .await
        .expect("member body");
    let member = app
        .services
        .create_user_with_hash(
            None,
            &ducha_service::org::UserInput {
                username: "member".into(),
                display_name: "纪委监委联络员".into(),
                unit_id: body,
                roles: vec!["liaison".into()],
                password: PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            ducha_service::auth::hash_password(PASSWORD).expect("hash"),
            now,
        )
        .await
        .expect("member");
    let sup = app.login("sup").await;
    let u = &app.org.users;
    for seat in [
        json!({ "position": "head", "user_id": u.leader }),
        json!({ "position": "office", "unit_id": app.org.office, "body_kind": "party_office",
                "user_id": u.sup }),
        json!({ "position": "member", "unit_id": body, "body_kind": "discipline",
                "user_id": member }),
    ] {
        sup.post("/joint/seats", seat).await.ok();
    }
    spare
}

/// One chain per county, each with a report, an extension, a help request, a refusal and a
/// notice waiting, so every kind of object has an own and a foreign instance.
async fn seed_chains(app: &TestApp, sup: &Session, leader: &Session) -> Objects {
    let o = &app.org;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let mut objects = Objects {
        ..Objects::default()
    };
    let mut chains = Vec::new();
    for (liaison, unit) in [(&county_a, o.county_a), (&county_b, o.county_b)] {
        let (item, a) = dispatched_item(
            sup,
            leader,
            "矩阵测试事项",
            in_days(60),
            json!([{ "unit_id": unit, "role": "lead" }]),
        )
        .await;
        let (_, refused) = dispatched_item(
            sup,
            leader,
            "矩阵测试退回事项",
            in_days(60),
            json!([{ "unit_id": unit, "role": "lead" }]),
        )
        .await;
        let a = a[0];
        liaison
            .post(&format!("/assignments/{a}/sign"), json!({}))
            .await
            .ok();
        let report = id(&liaison
            .post(
                &format!("/assignments/{a}/reports"),
                json!({ "text": "按计划推进", "percent": 30 }),
            )
            .await
            .ok());
        let extension = id(&liaison
            .post(
                &format!("/assignments/{a}/extensions"),
                json!({ "deadline": in_days(90), "reason": "雨季施工受阻" }),
            )
            .await
            .ok());
        let help = id(&liaison
            .post(
                &format!("/assignments/{a}/help-requests"),
                json!({ "text": "需市级协调" }),
            )
            .await
            .ok());
        let refusal = id(&liaison
            .post(
                &format!("/assignments/{}/refuse", refused[0]),
                json!({ "text": "不属于本单位职责" }),
            )
            .await
            .ok());
        let notice = id(&sup
            .post(
                &format!("/assignments/{a}/notices"),
                json!({ "level": "blue", "requirement": "请加快进度" }),
            )
            .await
            .ok());
        chains.push([item, a, report, extension, help, refusal, notice, unit]);
    }
    let (own, foreign) = (chains[0], chains[1]);
    for (i, prefix) in [
        "/items/",
        "/assignments/",
        "/reports/",
        "/extensions/",
        "/help-requests/",
        "/refusals/",
        "/notices/",
        "/analytics/units/",
    ]
    .into_iter()
    .enumerate()
    {
        objects.by_prefix.insert(prefix, (own[i], foreign[i]));
    }
    objects
        .by_prefix
        .insert("/assessment/units/", (own[7], foreign[7]));
    // An appeal about each county, the own one with a photo.
    let sup_view = app.login("sup").await;
    let mut appeals = Vec::new();
    for (unit, photo) in [(o.county_a, true), (o.county_b, false)] {
        let u = unit.to_string();
        let png: &[u8] = include_bytes!("red-square.png");
        let sent = crate::appeals::citizen_sends(
            &app.base,
            &[
                ("unit_id", u.as_str()),
                ("category", "housing"),
                ("text", "矩阵测试：小区电梯停运三天无人修。"),
                ("contact", "13800001111"),
            ],
            photo.then_some(png),
        )
        .await;
        let code = sent.code.expect("appeal stored").replace('-', "");
        let list = sup_view.get("/appeals?limit=200").await.ok();
        let id = list["appeals"]
            .as_array()
            .expect("appeals")
            .iter()
            .find(|a| a["code"].as_str().map(|c| c.replace('-', "")) == Some(code.clone()))
            .expect("the appeal in the list")["id"]
            .as_i64()
            .expect("id");
        appeals.push(id);
    }
    objects
        .by_prefix
        .insert("/appeals/", (appeals[0], appeals[1]));
    // A draft to edit and an approved item to dispatch (the office's own; no county sees them).
    let draft = crate::helpers::draft_item(sup, "矩阵测试草稿", in_days(60)).await;
    let approved = crate::helpers::draft_item(sup, "矩阵测试待交办", in_days(60)).await;
    sup.post(&format!("/items/{approved}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{approved}/approve"), json!({}))
        .await
        .ok();
    objects.exact.insert("/items/{id}/edit", (draft, draft));
    objects
        .exact
        .insert("/items/{id}/dispatch", (approved, approved));
    objects
}

async fn authorization_matrix(app: &TestApp) {
    let spare = add_accounts(app).await;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let mut objects = seed_chains(app, &sup, &leader).await;
    objects.user = spare;
    let mut sessions: Vec<(Role, Session)> = Vec::new();
    for (role, name) in SEATS {
        sessions.push((role, app.login(name).await));
    }
    let doc = app.anonymous().get("/openapi.json").await.ok();
    let mut ops: Vec<(String, String, Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let path = path.strip_prefix("/api/v1").unwrap_or(path).to_string();
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                ops.push((method.clone(), path.clone(), op.clone()));
            }
        }
    }
    assert!(
        ops.len() > 80,
        "the document lists {} operations",
        ops.len()
    );
    // Reads first, then writes; within writes, those that end things last.
    let ends = |p: &str| {
        p.ends_with("/close")
            || p.ends_with("/finalize")
            || p.ends_with("/logout")
            || p.ends_with("/password")
            || p.ends_with("/active")
    };
    ops.sort_by_key(|(m, p, _)| (m != "get", ends(p), p.clone(), m.clone()));

    let mut wrong = Vec::new();
    let missing: Vec<String> = ops
        .iter()
        .filter(|(m, p, _)| rule(m, p).is_none())
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a rule in matrix.rs: {missing:?}"
    );
    let anonymous = app.anonymous();
    for (method, path, op) in &ops {
        let allowed = rule(method, path).expect("rule");
        let own_path = objects.bind(path, false).expect("bind own");
        // 三员分立: no admin is let into business content, whatever the rule above says.
        if BUSINESS_AREAS.iter().any(|a| path.starts_with(a)) {
            assert!(
                !allowed.iter().any(|r| ADMINS.contains(r)),
                "{method} {path}: an admin is let into business content"
            );
        }
        // Anonymous: 401 everywhere but the login.
        if path != "/auth/login" {
            let s = call(&anonymous, &doc, method, op, &own_path).await;
            if s.0 != StatusCode::UNAUTHORIZED {
                wrong.push(format!("anonymous {method} {own_path}: {s}, not 401"));
            }
        } else {
            continue;
        }
        // Those left out first, so the writes of those let in cannot hide a refusal.
        let mut order: Vec<&(Role, Session)> = sessions.iter().collect();
        order.sort_by_key(|(r, _)| allowed.contains(r));
        for (role, who) in order {
            if *method != "get" && path.ends_with("/logout") && allowed.contains(role) {
                continue; // would end the session the rest of the matrix uses
            }
            let head = app.head_seq().await;
            let s = call(who, &doc, method, op, &own_path).await;
            let let_in = allowed.contains(role);
            if let_in {
                let refused = s.0 == StatusCode::UNAUTHORIZED || s.0 == StatusCode::FORBIDDEN;
                // A 404 is right for an object that is not seeded: a path's, or the ids a
                // generated body names.
                let generated = op["requestBody"].is_object() && !path.contains("{id}");
                let lost = s.0 == StatusCode::NOT_FOUND && objects.seeded(path) && !generated;
                if refused || lost {
                    wrong.push(format!("{role:?} {method} {own_path}: {s}, but let in"));
                }
            } else {
                if s.0 != StatusCode::FORBIDDEN && s.0 != StatusCode::NOT_FOUND {
                    wrong.push(format!("{role:?} {method} {own_path}: {s}, not refused"));
                }
                if app.head_seq().await != head {
                    wrong.push(format!("{role:?} {method} {own_path}: refused but wrote"));
                }
            }
            // Another county's object: missing to the county's people, whatever the rule.
            if (UNITS.contains(role) || *role == Township)
                && path.contains("{id}")
                && let Some(foreign_path) = objects.bind(path, true)
            {
                let head = app.head_seq().await;
                let s = call(who, &doc, method, op, &foreign_path).await;
                if s.0 != StatusCode::NOT_FOUND {
                    wrong.push(format!("{role:?} {method} {foreign_path}: {s}, not 404"));
                }
                if app.head_seq().await != head {
                    wrong.push(format!("{role:?} {method} {foreign_path}: wrote"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells of the matrix disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The page routes as `web/mod.rs` declares them, and the probes of `ops.rs`: each
/// `.route("path", …)` with whether it answers GET and POST. Read from the source, so a new
/// page cannot escape the matrix.
fn web_routes() -> Vec<(String, bool, bool)> {
    let mut out = routes_of(include_str!("../../../ducha-http/src/web/mod.rs"));
    out.extend(routes_of(include_str!("../../../ducha-http/src/ops.rs")));
    out
}

/// The `.route("path", …)` calls of one source file.
fn routes_of(src: &str) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let Some(open) = rest.find('"') else { break };
        let Some(close) = rest[open + 1..].find('"') else {
            break;
        };
        let path = rest[open + 1..open + 1 + close].to_string();
        // The route's handlers: up to the parenthesis that closes `.route(`.
        let mut depth = 1;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let handlers = &rest[..end];
        let get = handlers.contains("get(");
        let post = handlers.contains("post(");
        out.push((path, get, post));
        rest = &rest[end..];
    }
    out
}

/// Who may open a page (GET).
#[derive(Debug, Clone, Copy)]
enum Page {
    /// Anyone, without logging in.
    Public,
    /// The `GET` of a form's address: the same redirect for every caller, anonymous or not,
    /// own object or another's, so it tells nothing.
    Bounce,
    /// These roles (none: only roles not seeded here, such as the member bodies).
    Roles(&'static [Role]),
}

/// The rule of a page; `None` when no rule is written, which fails the test.
fn web_rule(path: &str) -> Option<Page> {
    let who: &'static [Role] = match path {
        "/login" | "/login/step" | "/lang/{tag}" => return Some(Page::Public),
        // The load balancer's probes: no session, the same answer for everyone.
        "/healthz" | "/readyz" => return Some(Page::Public),
        // The public pages (公开) and the citizens' form: no login at all.
        "/public"
        | "/public/items/{id}"
        | "/public/appeal"
        | "/public/track"
        | "/public/track/{code}"
        | "/public/track/{code}/rate" => return Some(Page::Public),
        p if p.starts_with("/static/") => return Some(Page::Public),
        "/"
        | "/items/{id}/{step}"
        | "/assignments/{id}/report"
        | "/assignments/{id}/{step}"
        | "/reports/{id}/review"
        | "/extensions/{id}/decide"
        | "/refusals/{id}/decide"
        | "/help/{id}/answer"
        | "/admin/units"
        | "/admin/users"
        | "/admin/users/{id}/password"
        | "/admin/users/{id}/unlock"
        | "/admin/users/{id}/active"
        | "/admin/users/{id}/position"
        | "/security/users/{id}/unlock"
        | "/security/sessions/end"
        | "/security/tokens/{id}/revoke" => return Some(Page::Bounce),
        "/workbench" | "/inbox" | "/inbox/read" | "/logout" => EVERYONE,
        // One's own second factor and language.
        p if p.starts_with("/account/security") => EVERYONE,
        "/account/lang" => EVERYONE,
        "/security" => &[SecurityAdmin],
        "/security-log" => &[AuditAdmin],
        "/workbench/{list}"
        | "/workbench/{list}/export.xlsx"
        | "/items"
        | "/items/export.xlsx"
        | "/items/ledger.xlsx" => BUSINESS,
        "/items/import"
        | "/items/import/template"
        | "/items/import/jobs/{id}"
        | "/items/import/jobs/{id}/report.xlsx" => &[Supervisor],
        "/cockpit" => OFFICE,
        // Published bulletins are read by the units they speak of; the office drafts, the
        // leader approves.
        "/bulletins" | "/bulletins/{id}" | "/bulletins/{id}/bulletin.docx" => BUSINESS,
        "/bulletins/{id}/bulletin.pdf" => BUSINESS,
        "/bulletins/{id}/{action}" => OFFICE,
        "/items/new" | "/items/{id}/edit" | "/items/{id}/dispatch" => &[Supervisor],
        "/items/{id}" => READERS,
        p if p.starts_with("/assignments/") => UNITS,
        "/notices/{id}" | "/notices/{id}/notice.docx" => READERS,
        "/extensions/{id}/form.docx" => READERS,
        "/notices/{id}/acknowledge" => UNITS,
        "/calendar" => EVERYONE,
        "/admin" => &[SystemAdmin, SecurityAdmin],
        "/assessment"
        | "/assessment/export.xlsx"
        | "/assessment/finalize"
        | "/assessment/cadres" => OFFICE,
        "/assessment/units/{id}" | "/assessment/units/{id}/appeal" => READERS,
        "/assessment/appeals" | "/assessment/appeals/{id}/decide" => BUSINESS,
        "/joint/inspections/new" => FILERS,
        p if p.starts_with("/joint") => BODIES,
        "/analytics/units/{id}" => READERS,
        p if p.starts_with("/analytics") => BUSINESS,
        p if p.starts_with("/evidence/") => BUSINESS,
        p if p.starts_with("/proposals") => BUSINESS,
        "/appeals" => BUSINESS,
        "/appeals/hot" | "/appeals/hot/{id}" => OFFICE,
        "/appeals/hot/{id}/item" | "/appeals/hot/{id}/merge" => &[Supervisor],
        "/appeals/import" | "/appeals/mapping" => &[Supervisor],
        "/appeals/{id}" | "/appeals/{id}/photo" => READERS,
        "/appeals/{id}/original" => &[Supervisor, Liaison, UnitHead],
        _ => return None,
    };
    Some(Page::Roles(who))
}

/// The load balancer's probes (`ducha-http/src/ops.rs`).
const PROBES: &[&str] = &["/healthz", "/readyz"];

/// Forms that carry files, posted as `multipart/form-data`.
const MULTIPART: &[&str] = &[
    "/assignments/{id}/report",
    "/assessment/units/{id}/appeal",
    "/proposals/sessions/{id}/import",
    "/appeals/import",
    "/items/import",
];

/// Posts a form holding only its CSRF field (and a small file, for the forms that take one).
async fn post_form(
    client: &reqwest::Client,
    path: &str,
    url: &str,
    csrf: &str,
) -> reqwest::Response {
    let (content_type, body) = if MULTIPART.contains(&path) {
        let b = "matrixboundary";
        (
            format!("multipart/form-data; boundary={b}"),
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
                 Content-Type: text/plain\r\n\r\nmatrix\r\n--{b}--\r\n"
            ),
        )
    } else {
        (
            "application/x-www-form-urlencoded".to_string(),
            format!("csrf={csrf}"),
        )
    };
    client
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("post")
}

/// A browser of one user: its cookie, no redirects followed, and the CSRF token.
async fn browser(base: &str, username: Option<&str>) -> (reqwest::Client, String) {
    ducha_notify::install_crypto();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let Some(username) = username else {
        return (client, String::new());
    };
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let csrf = body["csrf_token"].as_str().expect("csrf").to_string();
    (client, csrf)
}

/// The same matrix for the pages: every route of the page router opened by anonymous callers
/// (sent to the login page), by each role (refused or let in by the rule), and by the county's
/// people on another county's objects (404); every form posted without a session or without
/// the CSRF token, and by those a page refuses, writes nothing.
async fn web_matrix(app: &TestApp) {
    let spare = add_accounts(app).await;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let mut objects = seed_chains(app, &sup, &leader).await;
    objects.user = spare;
    let base = &app.base;
    let mut browsers = Vec::new();
    for (role, name) in SEATS {
        browsers.push((role, browser(base, Some(name)).await));
    }
    let (anonymous, _) = browser(base, None).await;
    let routes = web_routes();
    assert!(
        routes.len() > 60,
        "the page router has {} routes",
        routes.len()
    );
    let missing: Vec<&str> = routes
        .iter()
        .filter(|(p, _, _)| web_rule(p).is_none())
        .map(|(p, _, _)| p.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "pages without a rule in matrix.rs: {missing:?}"
    );
    let bind = |path: &str, foreign: bool| {
        let path = path
            .replace("{tag}", "en")
            .replace("{step}", "submit")
            .replace("{action}", "route")
            .replace("/assignments/{id}/submit", "/assignments/{id}/sign")
            .replace("/help/", "/help-requests/");
        objects
            .bind(&path, foreign)
            .map(|p| p.replace("/help-requests/", "/help/"))
    };
    let mut wrong = Vec::new();
    let location = |r: &reqwest::Response| {
        r.headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
    };
    for (path, get, post) in &routes {
        let rule = web_rule(path).expect("rule");
        let Some(own) = bind(path, false) else {
            continue;
        };
        let url = format!("{base}{own}");
        let foreign = bind(path, true)
            .filter(|_| path.contains("{id}"))
            .map(|f| format!("{base}{f}"));
        if *get && let Page::Bounce = rule {
            // The redirect does not depend on who asks, nor on whose object it is.
            for u in std::iter::once(&url).chain(foreign.as_ref()) {
                let first = location(&anonymous.get(u).send().await.expect("get"));
                for (role, (client, _)) in &browsers {
                    let r = client.get(u).send().await.expect("get");
                    if first.is_none() || location(&r) != first {
                        wrong.push(format!(
                            "{role:?} GET {u}: {} {:?}, not bounced as {first:?}",
                            r.status(),
                            location(&r)
                        ));
                    }
                }
            }
        }
        if *get && PROBES.contains(&path.as_str()) {
            // Anyone, with a session or none, gets the probe's plain answer: 200.
            let r = anonymous.get(&url).send().await.expect("get");
            if r.status() != StatusCode::OK {
                wrong.push(format!("anonymous GET {own}: {}", r.status()));
            }
            for (role, (client, _)) in &browsers {
                let s = client.get(&url).send().await.expect("get").status();
                if s != StatusCode::OK {
                    wrong.push(format!("{role:?} GET {own}: {s}, not the probe's 200"));
                }
            }
        }
        let allowed: &[Role] = match rule {
            Page::Roles(r) => r,
            _ => &[],
        };
        if *get && let Page::Roles(_) = rule {
            let r = anonymous.get(&url).send().await.expect("get");
            let to_login = location(&r).is_some_and(|l| l.starts_with("/login"));
            // File downloads answer 401 rather than a page.
            let download = path.starts_with("/evidence/");
            if !(r.status().is_redirection() && to_login
                || download && r.status() == StatusCode::UNAUTHORIZED)
            {
                wrong.push(format!(
                    "anonymous GET {own}: {}, not sent to login",
                    r.status()
                ));
            }
            for (role, (client, _)) in &browsers {
                let s = client.get(&url).send().await.expect("get").status();
                let let_in = allowed.contains(role);
                let seeded = objects.seeded(&path.replace("/help/", "/help-requests/"));
                if let_in
                    && (s == StatusCode::UNAUTHORIZED
                        || s == StatusCode::FORBIDDEN
                        || (s == StatusCode::NOT_FOUND && seeded))
                {
                    wrong.push(format!("{role:?} GET {own}: {s}, but let in"));
                }
                if !let_in && s != StatusCode::FORBIDDEN && s != StatusCode::NOT_FOUND {
                    wrong.push(format!("{role:?} GET {own}: {s}, not refused"));
                }
                if let Some(foreign) = &foreign
                    && (UNITS.contains(role) || *role == Township)
                {
                    let s = client.get(foreign).send().await.expect("get").status();
                    if s != StatusCode::NOT_FOUND {
                        wrong.push(format!("{role:?} GET {foreign}: {s}, not 404"));
                    }
                }
            }
        }
        // Logging out ends the sessions the rest of the matrix uses. The citizens' form takes
        // no session at all (appeals.rs: another site's post refused, bad input writes
        // nothing).
        if *post && !["/login", "/login/step", "/logout", "/public/appeal"].contains(&path.as_str())
        {
            // Without a session, and with a session but without the form's CSRF token.
            let head = app.head_seq().await;
            let r = post_form(&anonymous, path, &url, "forged").await;
            if r.status().is_success() {
                wrong.push(format!("anonymous POST {own}: {}", r.status()));
            }
            for (role, (client, csrf)) in &browsers {
                let s = post_form(client, path, &url, "forged").await.status();
                // Refused: 403 for the forged token, or 404 first for an object the caller
                // does not see.
                if s != StatusCode::FORBIDDEN && s != StatusCode::NOT_FOUND {
                    wrong.push(format!(
                        "{role:?} POST {own} without CSRF: {s}, not refused"
                    ));
                }
                if let Page::Roles(r) = rule
                    && !r.contains(role)
                {
                    post_form(client, path, &url, csrf).await;
                }
            }
            if app.head_seq().await != head {
                wrong.push(format!("POST {own}: a refused form wrote"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells of the page matrix disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
