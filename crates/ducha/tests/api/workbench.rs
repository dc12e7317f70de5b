//! The workbench (工作台): what waits for each role, along one item's chain through the API —
//! the supervisor's drafts and dispatches, the leader's approvals, a unit's signing,
//! decomposing, reporting and redoing, and the decisions of the level above — never showing a
//! unit another county's work; then stalls, missed reports and red lights as time passes
//! (the real sweep, and the use case at a later `now`); the cap per list and admin accounts.

use crate::helpers::{Session, TestApp, draft_item, id, ids, in_days};
use ducha_domain::calendar::WorkCalendar;
use ducha_service::{Config, Services, Workbench};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(chain_by_role, time_passes, caps_and_admins);

/// The caller's workbench.
async fn wb(s: &Session) -> Value {
    s.get("/workbench").await.ok()
}

/// The ids under `key` of one list of a workbench, in order.
fn list(wb: &Value, name: &str, key: &str) -> Vec<i64> {
    wb[name]
        .as_array()
        .unwrap_or_else(|| panic!("{name} in {wb}"))
        .iter()
        .map(|e| e[key].as_i64().unwrap_or_else(|| panic!("{key} in {e}")))
        .collect()
}

/// The lists of assignments (by `assignment_id`).
const ASSIGNMENT_LISTS: [&str; 7] = [
    "stalled",
    "to_sign",
    "to_decompose",
    "to_report",
    "overdue",
    "due_soon",
    "returned",
];
/// The lists of reports and requests (by `id` / `report_id`).
const REQUEST_LISTS: [&str; 5] = [
    "reports_to_review",
    "progress_to_review",
    "extensions_to_decide",
    "refusals_to_decide",
    "help_to_answer",
];
/// Every list.
const ALL_LISTS: [&str; 18] = [
    "to_submit",
    "to_dispatch",
    "red_items",
    "stalled",
    "to_approve",
    "unit_lights",
    "to_sign",
    "to_decompose",
    "to_report",
    "overdue",
    "due_soon",
    "returned",
    "reports_to_review",
    "progress_to_review",
    "extensions_to_decide",
    "refusals_to_decide",
    "help_to_answer",
    "roles",
];

/// Every unit named on a workbench's assignment, report and request lists.
fn units_named(wb: &Value) -> Vec<i64> {
    ASSIGNMENT_LISTS
        .iter()
        .chain(REQUEST_LISTS.iter())
        .flat_map(|l| list(wb, l, "unit_id"))
        .collect()
}

/// Asserts that every list but `except` is empty.
#[track_caller]
fn empty_but(wb: &Value, except: &[&str]) {
    for l in ALL_LISTS
        .iter()
        .filter(|l| **l != "roles" && !except.contains(l))
    {
        assert_eq!(wb[*l], json!([]), "{l} should be empty: {wb}");
    }
}

async fn chain_by_role(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let leader2 = app.login("leader2").await;
    let county_a = app.login("county_a").await;
    let chief = app.login("county_a_chief").await;
    let county_b = app.login("county_b").await;
    let town = app.login("town_a1").await;
    let dept = app.login("dept").await;

    // A draft waits for the supervisor, and for no one else.
    let far = draft_item(&sup, "老旧小区改造", in_days(60)).await;
    let w = wb(&sup).await;
    assert_eq!(w["roles"], json!(["supervisor"]));
    assert_eq!(list(&w, "to_submit", "id"), [far]);
    assert_eq!(w["to_submit"][0]["title"], "老旧小区改造");
    assert_eq!(w["to_submit"][0]["state"], "draft");
    empty_but(&w, &["to_submit"]);
    for s in [&leader, &county_a, &town] {
        empty_but(&wb(s).await, &[]);
    }

    // Submitted, it waits for every leader of the city, unless a leader is named.
    let near = sup
        .post(
            "/items",
            json!({ "title": "背街小巷整治", "source": "instruction", "category": "livelihood",
                    "deadline": in_days(50), "leader_id": o.users.leader2 }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    for item in [far, near] {
        sup.post(&format!("/items/{item}/submit"), json!({}))
            .await
            .ok();
    }
    assert_eq!(list(&wb(&leader).await, "to_approve", "id"), [far]);
    let w = wb(&leader2).await;
    assert_eq!(
        list(&w, "to_approve", "id"),
        [near, far],
        "earliest deadline first"
    );
    assert_eq!(w["roles"], json!(["leader"]));
    empty_but(&wb(&sup).await, &[]);

    // Approved, the items wait for the supervisor to dispatch them.
    leader
        .post(&format!("/items/{far}/approve"), json!({}))
        .await
        .ok();
    leader2
        .post(&format!("/items/{near}/approve"), json!({}))
        .await
        .ok();
    assert_eq!(list(&wb(&sup).await, "to_dispatch", "id"), [near, far]);
    empty_but(&wb(&leader2).await, &[]);

    let far_top = ids(&sup
        .post(
            &format!("/items/{far}/dispatch"),
            json!({ "assignments": [
                { "unit_id": o.county_a, "role": "lead" },
                { "unit_id": o.county_b, "role": "co" },
                { "unit_id": o.dept, "role": "co" },
            ] }),
        )
        .await
        .ok());
    let (a_far, b_far, d_far) = (far_top[0], far_top[1], far_top[2]);
    let a_near = ids(&sup
        .post(
            &format!("/items/{near}/dispatch"),
            json!({ "assignments": [
                { "unit_id": o.county_a, "role": "lead", "deadline": in_days(3) },
            ] }),
        )
        .await
        .ok())[0];

    // Dispatched: each unit sees its own assignments to sign, and nothing of another county.
    let w = wb(&county_a).await;
    assert_eq!(list(&w, "to_sign", "assignment_id"), [a_near, a_far]);
    let line = &w["to_sign"][1];
    assert_eq!(line["item_id"], far);
    assert_eq!(line["item_title"], "老旧小区改造");
    assert!(
        line["item_number"]
            .as_str()
            .is_some_and(|n| n.starts_with("督〔"))
    );
    assert_eq!(line["unit_name"], "东城县");
    assert_eq!(line["state"], "pending");
    assert_eq!(line["deadline"], json!(in_days(60)));
    assert_eq!(
        list(&w, "due_soon", "assignment_id"),
        [a_near],
        "three days is within five working days; sixty is not"
    );
    empty_but(&w, &["to_sign", "due_soon"]);
    assert_eq!(
        wb(&chief).await["to_sign"],
        w["to_sign"],
        "the unit head sees the unit's work too"
    );
    assert_eq!(
        list(&wb(&county_b).await, "to_sign", "assignment_id"),
        [b_far]
    );
    assert_eq!(list(&wb(&dept).await, "to_sign", "assignment_id"), [d_far]);
    empty_but(&wb(&town).await, &[]);
    let w = wb(&sup).await;
    empty_but(&w, &["unit_lights"]);
    let lit = list(&w, "unit_lights", "unit_id");
    for unit in [o.county_a, o.county_b, o.dept] {
        assert!(lit.contains(&unit), "{unit} in {lit:?}");
    }
    assert_eq!(wb(&leader).await["unit_lights"], w["unit_lights"]);

    // Signed: the county decomposes to its townships; a department without sub-units does not.
    for a in [a_far, a_near] {
        county_a
            .post(&format!("/assignments/{a}/sign"), json!({}))
            .await
            .ok();
    }
    dept.post(&format!("/assignments/{d_far}/sign"), json!({}))
        .await
        .ok();
    let w = wb(&county_a).await;
    assert_eq!(list(&w, "to_decompose", "assignment_id"), [a_near, a_far]);
    assert_eq!(list(&w, "to_report", "assignment_id"), [a_near, a_far]);
    assert_eq!(
        w["to_report"][0]["report_due"],
        Value::Null,
        "none reported yet"
    );
    assert_eq!(w["to_sign"], json!([]));
    let w = wb(&dept).await;
    assert_eq!(w["to_decompose"], json!([]));
    assert_eq!(list(&w, "to_report", "assignment_id"), [d_far]);

    let sub = ids(&county_a
        .post(
            &format!("/assignments/{a_far}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead",
                                       "deadline": in_days(40) }] }),
        )
        .await
        .ok())[0];
    assert_eq!(
        list(&wb(&county_a).await, "to_decompose", "assignment_id"),
        [a_near]
    );
    assert_eq!(list(&wb(&town).await, "to_sign", "assignment_id"), [sub]);
    town.post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();
    let w = wb(&town).await;
    assert_eq!(w["to_decompose"], json!([]), "a township without villages");
    assert_eq!(list(&w, "to_report", "assignment_id"), [sub]);

    // Extensions wait for the level above: the parent unit below the top, the supervisor at it.
    let x_sub = id(&town
        .post(
            &format!("/assignments/{sub}/extensions"),
            json!({ "deadline": in_days(45), "reason": "拆迁协调未完成" }),
        )
        .await
        .ok());
    let x_top = id(&county_a
        .post(
            &format!("/assignments/{a_near}/extensions"),
            json!({ "deadline": in_days(20), "reason": "需市级部门会商" }),
        )
        .await
        .ok());
    let w = wb(&county_a).await;
    assert_eq!(list(&w, "extensions_to_decide", "id"), [x_sub]);
    let x = &w["extensions_to_decide"][0];
    assert_eq!(x["assignment_id"], sub);
    assert_eq!(x["unit_name"], "东城A1镇");
    assert_eq!(x["text"], "拆迁协调未完成");
    assert_eq!(x["old_deadline"], json!(in_days(40)));
    assert_eq!(x["requested_deadline"], json!(in_days(45)));
    assert_eq!(list(&wb(&sup).await, "extensions_to_decide", "id"), [x_top]);
    for s in [&county_b, &town, &leader, &dept] {
        assert_eq!(wb(s).await["extensions_to_decide"], json!([]));
    }

    // A completion request waits for review by the level above; returned, it is redone.
    let r_sub = id(&town
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "改造全部完成", "completion": true }),
        )
        .await
        .ok());
    let w = wb(&county_a).await;
    assert_eq!(list(&w, "reports_to_review", "report_id"), [r_sub]);
    assert_eq!(w["reports_to_review"][0]["kind"], "completion");
    assert_eq!(w["reports_to_review"][0]["percent"], 100);
    assert_eq!(w["reports_to_review"][0]["unit_name"], "东城A1镇");
    assert_eq!(wb(&sup).await["reports_to_review"], json!([]));
    assert_eq!(wb(&county_b).await["reports_to_review"], json!([]));
    county_a
        .post(
            &format!("/reports/{r_sub}/review"),
            json!({ "verdict": "return", "comment": "缺少验收材料" }),
        )
        .await
        .ok();
    assert_eq!(wb(&county_a).await["reports_to_review"], json!([]));
    let w = wb(&town).await;
    assert_eq!(list(&w, "returned", "assignment_id"), [sub]);
    assert_eq!(w["returned"][0]["returned_count"], 1);
    assert_eq!(w["returned"][0]["light"], "yellow");
    assert_eq!(w["returned"][0]["light_reason"], "returned");
    let r_dept = id(&dept
        .post(
            &format!("/assignments/{d_far}/reports"),
            json!({ "text": "配合工作已完成", "completion": true }),
        )
        .await
        .ok());
    assert_eq!(
        list(&wb(&sup).await, "reports_to_review", "report_id"),
        [r_dept]
    );
    assert_eq!(wb(&leader).await["reports_to_review"], json!([]));

    // Help requests wait for the unit asked: the office (its supervisor), or the county.
    let h_top = id(&county_a
        .post(
            &format!("/assignments/{a_far}/help-requests"),
            json!({ "text": "请协调市住建局提供图纸" }),
        )
        .await
        .ok());
    let h_sub = id(&town
        .post(
            &format!("/assignments/{sub}/help-requests"),
            json!({ "text": "请县里协调资金" }),
        )
        .await
        .ok());
    let w = wb(&sup).await;
    assert_eq!(list(&w, "help_to_answer", "id"), [h_top]);
    assert_eq!(w["help_to_answer"][0]["unit_name"], "东城县");
    assert_eq!(list(&wb(&county_a).await, "help_to_answer", "id"), [h_sub]);
    assert_eq!(wb(&county_b).await["help_to_answer"], json!([]));

    // A refusal waits for the supervisor; the refusing unit has nothing left to sign.
    let f = id(&county_b
        .post(
            &format!("/assignments/{b_far}/refuse"),
            json!({ "text": "该事项不属于本县职责" }),
        )
        .await
        .ok());
    assert_eq!(list(&wb(&sup).await, "refusals_to_decide", "id"), [f]);
    let w = wb(&county_b).await;
    assert_eq!(w["to_sign"], json!([]));
    empty_but(&w, &[]);
    assert_eq!(wb(&county_a).await["refusals_to_decide"], json!([]));

    // Whatever happened, a unit's workbench names only its own subtree.
    for (s, own) in [
        (&county_a, vec![o.county_a, o.town_a1, o.town_a2]),
        (&county_b, vec![o.county_b, o.town_b1]),
        (&town, vec![o.town_a1]),
        (&dept, vec![o.dept]),
    ] {
        let w = wb(s).await;
        for unit in units_named(&w) {
            assert!(own.contains(&unit), "unit {unit} on the workbench {w}");
        }
        assert_eq!(w["unit_lights"], json!([]));
    }
}

/// The use case at a later `now`, over the test's database.
async fn later(app: &TestApp, user: i64, days: u64) -> Workbench {
    let services = Services::new(app.db.store(), Config::default(), WorkCalendar::china());
    let actor = services.actor(user).await.expect("actor");
    let now = ducha_service::now() + chrono::Duration::days(i64::try_from(days).expect("days"));
    services.workbench(&actor, now).await.expect("workbench")
}

async fn time_passes(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let dept = app.login("dept").await;

    // Weekly reports by Monday, three months to go.
    let weekly = sup
        .post(
            "/items",
            json!({ "title": "秸秆禁烧巡查", "source": "key_work", "category": "central_work",
                    "deadline": in_days(90), "cadence": { "kind": "weekly", "weekday": 1 } }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    sup.post(&format!("/items/{weekly}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{weekly}/approve"), json!({}))
        .await
        .ok();
    let top = ids(&sup
        .post(
            &format!("/items/{weekly}/dispatch"),
            json!({ "assignments": [
                { "unit_id": o.dept, "role": "lead" },
                { "unit_id": o.county_a, "role": "co" },
            ] }),
        )
        .await
        .ok());
    let (d, a) = (top[0], top[1]);
    dept.post(&format!("/assignments/{d}/sign"), json!({}))
        .await
        .ok();
    county_a
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    county_a
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "已完成第一轮巡查", "percent": 10 }),
        )
        .await
        .ok();

    // Today nothing is stalled and nothing is red.
    let w = wb(&sup).await;
    assert_eq!(w["stalled"], json!([]));
    assert_eq!(w["red_items"], json!([]));
    assert!(later(app, o.users.sup, 0).await.stalled.is_empty());

    // Forty days on, both units have been silent for more than ten working days: the
    // department since signing, which came before the county's report.
    let w = later(app, o.users.sup, 40).await;
    let stalled: Vec<i64> = w.stalled.iter().map(|s| s.assignment_id).collect();
    assert_eq!(stalled, [d, a]);
    assert_eq!(w.stalled[1].progress, Some(10));
    assert!(w.stalled[1].last_report_at.is_some());
    // Nine days on, less than ten working days have passed.
    assert!(later(app, o.users.sup, 9).await.stalled.is_empty());

    // Both missed their Monday reports by then; the county's is listed with its due date.
    for (user, assignment) in [(o.users.county_a, a), (o.users.dept, d)] {
        let w = later(app, user, 40).await;
        assert_eq!(
            w.to_report
                .iter()
                .map(|r| r.assignment_id)
                .collect::<Vec<_>>(),
            [assignment]
        );
        let due = w.to_report[0]
            .report_due
            .expect("a missed report's due date");
        assert!(due > crate::helpers::today() && due < in_days(40), "{due}");
    }
    // Today the department, which has not reported, owes its first report.
    let today_d = later(app, o.users.dept, 0).await;
    assert_eq!(today_d.to_report[0].assignment_id, d);

    // An item due tomorrow, swept by the real job a week later, is red: the supervisor sees
    // it among the red items, and its assignment as stalled although dispatched just now.
    let (short, short_top) = crate::helpers::dispatched_item(
        &sup,
        &leader,
        "河道垃圾清理",
        in_days(1),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    crate::clock::run_job_with(&app.db, "sweep", in_days(8), None).await;
    let w = wb(&sup).await;
    assert_eq!(list(&w, "red_items", "id"), [short]);
    assert_eq!(w["red_items"][0]["light"], "red");
    let stalled = list(&w, "stalled", "assignment_id");
    assert_eq!(stalled.first(), Some(&short_top[0]), "{w}");
    assert_eq!(w["stalled"][0]["light"], "red");
    assert_eq!(w["stalled"][0]["light_reason"], "overdue");
    assert_eq!(w["stalled"][0]["unit_name"], "西山县");
    // The leader watches lights by unit and the red items to decide on, not the
    // supervisor's working lists.
    let l = wb(&leader).await;
    assert_eq!(list(&l, "red_items", "id"), [short]);
    assert_eq!(l["stalled"], json!([]));
    let b = l["unit_lights"]
        .as_array()
        .expect("unit lights")
        .iter()
        .find(|u| u["unit_id"] == o.county_b)
        .cloned()
        .expect("county B's lights");
    assert_eq!(b["red"], 1);
    assert_eq!(
        list(&l, "unit_lights", "unit_id")[0],
        o.county_b,
        "most red first"
    );
    let w = wb(&county_b).await;
    assert_eq!(list(&w, "due_soon", "assignment_id"), [short_top[0]]);
    assert_eq!(w["due_soon"][0]["light"], "red");
}

async fn caps_and_admins(app: &TestApp) {
    let sup = app.login("sup").await;
    let mut drafts = Vec::new();
    for n in 0..21u64 {
        drafts.push(draft_item(&sup, &format!("第{n}项 农村公路养护"), in_days(80 - n)).await);
    }
    drafts.reverse();
    let w = wb(&sup).await;
    assert_eq!(
        list(&w, "to_submit", "id"),
        drafts[..20],
        "the 20 earliest deadlines, earliest first"
    );
    assert_eq!(
        w["totals"]["to_submit"],
        json!({ "count": 21, "at_least": false }),
        "the true total, not the shown 20"
    );
    assert_eq!(
        w["totals"]["to_sign"],
        json!({ "count": 0, "at_least": false })
    );

    // Admin accounts have no work here; a caller without a session is refused.
    for (admin, role) in [("sysadmin", "system_admin"), ("secadmin", "security_admin")] {
        let w = wb(&app.login(admin).await).await;
        assert_eq!(w["roles"], json!([role]));
        empty_but(&w, &[]);
    }
    app.anonymous()
        .get("/workbench")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
}
