//! The leader's dashboard (驾驶舱) through `GET /api/v1/cockpit`: every figure is the count the
//! register lists with the matching filters (a unit's bar = `holder_id` + `holder_light`, a
//! month = `deadline_from`/`deadline_to`, a source or category, the red items), the lights are
//! kept by the triggers as the sweep moves them, and a county leader sees the county only.

use crate::clock::run_job_with;
use crate::helpers::{
    Kind, PASSWORD, Session, TestApp, dispatched_item, draft_item, id, ids, in_days,
};
use ducha_domain::calendar::WorkCalendar;
use ducha_service::org::UserInput;
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(cockpit_figures_are_the_registers);
crate::on_both_backends!(item_tally_follows_every_write);
crate::on_both_backends!(levels_are_fresh_counts);

/// Every item `s` lists with `params` (all pages).
async fn listed(s: &Session, params: &[(&str, &str)]) -> Vec<i64> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut p: Vec<(&str, &str)> = params.to_vec();
        p.push(("limit", "200"));
        if let Some(a) = &after {
            p.push(("after", a));
        }
        let page = s.list(&p).await.ok();
        out.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["id"].as_i64().expect("id")),
        );
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_string()),
            None => return out,
        }
    }
}

/// Asserts that every figure of a dashboard answer is what the register lists for `s`.
async fn matches_register(s: &Session, d: &Value) {
    for u in d["units"].as_array().expect("units") {
        let id = u["unit_id"].to_string();
        for light in ["green", "blue", "yellow", "red"] {
            let n = u["lights"][light].as_i64().expect("n");
            let items = listed(s, &[("holder_id", &id), ("holder_light", light)]).await;
            assert_eq!(items.len() as i64, n, "{} {light}", u["name"]);
        }
    }
    for m in d["trend"].as_array().expect("trend") {
        let from = m["from"].as_str().expect("from");
        let to = m["to"].as_str().expect("to");
        let items = listed(s, &[("deadline_from", from), ("deadline_to", to)]).await;
        assert_eq!(items.len() as i64, m["due"].as_i64().expect("due"), "{m}");
    }
    for (field, list) in [("source", "sources"), ("category", "categories")] {
        for c in d[list].as_array().expect(list) {
            let name = c["name"].as_str().expect("name");
            let items = listed(s, &[(field, name)]).await;
            assert_eq!(
                items.len() as i64,
                c["n"].as_i64().expect("n"),
                "{field} {name}"
            );
        }
    }
    let red = listed(s, &[("light", "red"), ("sort", "deadline")]).await;
    let shown: Vec<i64> = d["red_items"]
        .as_array()
        .expect("red")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(shown, red.into_iter().take(10).collect::<Vec<_>>());
}

fn unit(d: &Value, id: i64) -> Option<&Value> {
    d["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit_id"] == id)
}

/// A leader of county A (the county head's deputy): `county_a_leader`.
async fn county_a_leader(app: &TestApp) {
    app.services
        .create_user(
            None,
            &UserInput {
                username: "county_a_leader".into(),
                display_name: "东城副县长".into(),
                unit_id: app.org.county_a,
                roles: vec!["leader".into()],
                password: PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: "副县长".into(),
            },
            ducha_service::now(),
        )
        .await
        .expect("county leader");
}

async fn cockpit_figures_are_the_registers(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    county_a_leader(app).await;
    let near = in_days(1);
    let far = in_days(60);
    let (a, _) = dispatched_item(
        &sup,
        &leader,
        "城区排水管网改造",
        near,
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    let (b, _) = dispatched_item(
        &sup,
        &leader,
        "农贸市场提升改造",
        far,
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.county_b, "role": "co" }]),
    )
    .await;
    let (c, _) = dispatched_item(
        &sup,
        &leader,
        "乡村道路安全隐患整治",
        near,
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;

    // Before the deadline nothing is red.
    let d = leader.get("/cockpit").await.ok();
    assert_eq!(d["totals"]["red"], 0, "{d}");
    assert_eq!(d["root_id"], o.city);
    assert_eq!(
        d["totals"]["green"].as_i64().expect("a count")
            + d["totals"]["blue"].as_i64().expect("a count"),
        5
    );

    // The first working day after the near deadline: the sweep turns A's and C's work red, and
    // the triggers move the dashboard's tally with it.
    let cal = WorkCalendar::china();
    let day = cal.add_working_days(cal.next_working_day_from(near), 1);
    run_job_with(&app.db, "sweep", day, None).await;
    let d = leader.get("/cockpit").await.ok();
    assert_eq!(d["totals"]["red"], 3, "{d}");
    let county_a = unit(&d, o.county_a).expect("county A");
    assert_eq!(county_a["lights"]["red"], 1);
    assert_eq!(unit(&d, o.county_b).expect("county B")["lights"]["red"], 1);
    assert_eq!(unit(&d, o.dept).expect("dept")["lights"]["red"], 1);
    // Most red first, then the register's figures one by one.
    let reds: Vec<i64> = d["units"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|u| u["lights"]["red"].as_i64().expect("a count"))
        .collect();
    assert!(reds.windows(2).all(|w| w[0] >= w[1]), "{reds:?}");
    let red_ids: Vec<i64> = d["red_items"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_i64().expect("a count"))
        .collect();
    assert!(red_ids.contains(&a) && red_ids.contains(&c) && !red_ids.contains(&b));
    assert_eq!(
        listed(
            &leader,
            &[
                ("holder_id", &o.county_a.to_string()),
                ("holder_light", "red")
            ]
        )
        .await,
        vec![a]
    );
    matches_register(&leader, &d).await;
    matches_register(&sup, &sup.get("/cockpit").await.ok()).await;
    // Level 3 (the townships) holds nothing yet; level 2 has the three units.
    let levels = d["levels"].as_array().expect("levels");
    assert_eq!(levels.len(), 1, "{levels:?}");
    assert_eq!(levels[0]["level"], 2);
    assert_eq!(levels[0]["units"], 3);

    // A county leader sees the county: its own work, not county B's or the department's.
    let cl = app.login("county_a_leader").await;
    let d = cl.get("/cockpit").await.ok();
    assert_eq!(d["root_id"], o.county_a);
    assert!(
        unit(&d, o.county_b).is_none() && unit(&d, o.dept).is_none(),
        "{d}"
    );
    assert_eq!(d["totals"]["red"], 1, "{d}");
    assert_eq!(
        d["totals"]["red"].as_i64().expect("a count")
            + d["totals"]["green"].as_i64().expect("a count")
            + d["totals"]["blue"].as_i64().expect("a count")
            + d["totals"]["yellow"].as_i64().expect("a count"),
        2
    );
    let sources: i64 = d["sources"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["n"].as_i64().expect("a count"))
        .sum();
    assert_eq!(sources, 2, "items A and B only: {d}");
    assert!(
        !d["red_items"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|i| i["id"] == c)
    );
    matches_register(&cl, &d).await;
    // Another county's unit is not a filter the county leader may use.
    cl.list(&[("holder_id", &o.county_b.to_string())])
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.unknown_unit");

    // Liaisons have no dashboard; the level must be one under the reader.
    let liaison = app.login("county_a").await;
    liaison
        .get("/cockpit")
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    leader
        .get("/cockpit?level=99")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
    // The page frames the same answer, and the register's page names the bar's filter.
    let (status, html) = leader.page("/cockpit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-src=\"/api/v1/cockpit\"") && html.contains("领导驾驶舱"));
    let (status, html) = leader
        .page(&format!("/items?holder_id={}&holder_light=red", o.county_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("城区排水管网改造") && !html.contains("农贸市场提升改造"));
    assert!(html.contains("东城县 · 红灯"), "the filter is named");
    let (status, _) = liaison.page("/cockpit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The rows where the triggers' item tally (`cockpit_items`) and a fresh count of the items
/// differ, each way: `"0/0"` when they agree.
pub(crate) async fn tally_drift(app: &TestApp) -> String {
    let closed_day = match app.db.kind() {
        Kind::Sqlite => "DATE(closed_at, '+8 hours')",
        Kind::Postgres => "CAST((closed_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)",
    };
    let fresh = format!(
        "SELECT scope_path, source, category, SUBSTR(CAST(deadline AS TEXT), 1, 7), state, \
         COALESCE(light, -1), CASE WHEN closed_at IS NOT NULL AND {closed_day} <= deadline \
         THEN 1 ELSE 0 END, COUNT(*) FROM items GROUP BY 1, 2, 3, 4, 5, 6, 7"
    );
    let kept = "SELECT scope_path, source, category, month, state, light, on_time, n \
                FROM cockpit_items WHERE n <> 0";
    let count = |a: &str, b: &str| format!("SELECT CAST(COUNT(*) AS TEXT) FROM ({a} EXCEPT {b}) x");
    format!(
        "{}/{}",
        app.db.text(&count(kept, &fresh)).await,
        app.db.text(&count(&fresh, kept)).await
    )
}

/// The same for the open assignments' light tally (`cockpit_lights`).
pub(crate) async fn light_drift(app: &TestApp) -> String {
    let fresh = "SELECT unit_id, light, COUNT(*) FROM assignments WHERE light IS NOT NULL \
                 GROUP BY unit_id, light";
    let kept = "SELECT unit_id, light, n FROM cockpit_lights WHERE n <> 0";
    let count = |a: &str, b: &str| format!("SELECT CAST(COUNT(*) AS TEXT) FROM ({a} EXCEPT {b}) x");
    format!(
        "{}/{}",
        app.db.text(&count(kept, fresh)).await,
        app.db.text(&count(fresh, kept)).await
    )
}

/// The item tally the dashboard reads is kept by triggers on every write of an item — the use
/// cases' and any other — and the dashboard's trend counts an item closed on time or late by
/// its closing day in China time.
async fn item_tally_follows_every_write(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    assert_eq!(tally_drift(app).await, "0/0");
    let near = in_days(1);
    let (a, _) = dispatched_item(
        &sup,
        &leader,
        "城区排水管网改造",
        near,
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let draft = draft_item(&sup, "老旧小区加装电梯", in_days(30)).await;
    assert_eq!(tally_drift(app).await, "0/0");
    let before = leader.get("/cockpit").await.ok();
    let month = near.to_string()[..7].to_string();
    // The trend ends with this month: a deadline tomorrow is in it except on a month's last day.
    let line = |d: &Value| {
        d["trend"]
            .as_array()
            .expect("trend")
            .iter()
            .find(|m| m["month"] == month.as_str())
            .cloned()
            .unwrap_or_else(|| json!({ "on_time": 0, "late": 0, "due": 0 }))
    };
    let kept_on_time = || async {
        app.db
            .text(&format!(
                "SELECT CAST(COALESCE(SUM(n), 0) AS TEXT) FROM cockpit_items \
                 WHERE on_time = 1 AND month = '{month}'"
            ))
            .await
    };
    assert_eq!(line(&before)["on_time"], 0, "{before}");
    assert_eq!(kept_on_time().await, "0");
    let in_trend = line(&before)["due"] != 0;
    // Closed on the deadline's evening in Beijing (before midnight UTC+8): on time. Written
    // directly, as an import or a repair would: the triggers count it all the same.
    let closed = format!("{near}T15:30:00+00:00");
    let set_closed = match app.db.kind() {
        Kind::Sqlite => {
            format!("UPDATE items SET state = 'closed', closed_at = '{closed}' WHERE id = {a}")
        }
        Kind::Postgres => format!(
            "UPDATE items SET state = 'closed', closed_at = TIMESTAMPTZ '{closed}' WHERE id = {a}"
        ),
    };
    app.db.exec(&set_closed).await.expect("close");
    assert_eq!(tally_drift(app).await, "0/0");
    assert_eq!(kept_on_time().await, "1");
    let d = leader.get("/cockpit").await.ok();
    if in_trend {
        assert_eq!(line(&d)["on_time"], 1, "{d}");
        assert_eq!(line(&d)["due"], line(&before)["due"]);
    }
    // Sixteen minutes after midnight in Beijing: the next day, late.
    let late = format!("{near}T16:16:00+00:00");
    let set_late = set_closed.replace(&closed, &late);
    app.db.exec(&set_late).await.expect("close late");
    assert_eq!(tally_drift(app).await, "0/0");
    assert_eq!(kept_on_time().await, "0");
    let d = leader.get("/cockpit").await.ok();
    if in_trend {
        assert_eq!(line(&d)["on_time"], 0, "{d}");
        assert_eq!(line(&d)["late"], 1, "{d}");
    }
    // A deleted draft leaves the tally.
    app.db
        .exec(&format!("DELETE FROM items WHERE id = {draft}"))
        .await
        .expect("delete the draft");
    assert_eq!(tally_drift(app).await, "0/0");
    matches_register(&leader, &leader.get("/cockpit").await.ok()).await;
}

/// The open assignments held at `depth` within the subtree at `root` (a unit path), counted
/// afresh from `assignments`: `units/green/blue/yellow/red`. The depth is the number of units
/// whose path begins the unit's (itself included), not the dashboard's count of slashes.
async fn fresh_level(app: &TestApp, root: &str, depth: i64) -> String {
    let by = |rank: i64| {
        format!("CAST(COALESCE(SUM(CASE WHEN a.light = {rank} THEN 1 ELSE 0 END), 0) AS TEXT)")
    };
    let (green, blue, yellow, red) = (by(0), by(1), by(2), by(3));
    app.db
        .text(&format!(
            "SELECT CAST(COUNT(DISTINCT a.unit_id) AS TEXT) || '/' || {green} || '/' || {blue} \
             || '/' || {yellow} || '/' || {red} \
             FROM assignments a JOIN units u ON u.id = a.unit_id \
             WHERE a.light IS NOT NULL AND SUBSTR(u.path, 1, LENGTH('{root}')) = '{root}' \
             AND (SELECT COUNT(*) FROM units p \
                  WHERE SUBSTR(u.path, 1, LENGTH(p.path)) = p.path) = {depth}"
        ))
        .await
}

/// Asserts that each depth of the dashboard's `levels` — summed in SQL from the triggers'
/// tally — is the fresh count of the open assignments at that depth under the reader's
/// jurisdiction, and that no depth holding any is left out; returns the fresh counts from
/// the root's depth down, `"0/0/0/0/0"` for a depth holding none.
async fn levels_match_fresh(app: &TestApp, d: &Value) -> Vec<String> {
    let root = app
        .db
        .text(&format!(
            "SELECT path FROM units WHERE id = {}",
            d["root_id"].as_i64().expect("root")
        ))
        .await;
    let root_level = d["root_level"].as_i64().expect("root level");
    let levels = d["levels"].as_array().expect("levels");
    let shown = |depth: i64| {
        levels.iter().find(|l| l["level"] == depth).map(|l| {
            let n = |light: &str| l["lights"][light].as_i64().expect("a count");
            format!(
                "{}/{}/{}/{}/{}",
                l["units"].as_i64().expect("units"),
                n("green"),
                n("blue"),
                n("yellow"),
                n("red")
            )
        })
    };
    let mut out = Vec::new();
    // The seeded tree is three deep; one more depth must be empty.
    for depth in root_level..=4 {
        let fresh = fresh_level(app, &root, depth).await;
        let expected = (fresh != "0/0/0/0/0").then(|| fresh.clone());
        assert_eq!(
            shown(depth),
            expected,
            "depth {depth} under {root}: {levels:?}"
        );
        out.push(fresh);
    }
    assert!(
        levels
            .iter()
            .all(|l| (root_level..=4).contains(&l["level"].as_i64().expect("level"))),
        "{levels:?}"
    );
    out
}

/// `s` signs assignment `a` and passes it on to one unit below; returns the new assignment.
async fn pass_on(s: &Session, a: i64, unit_id: i64, role: &str) -> i64 {
    s.post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let created = s
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": unit_id, "role": role }] }),
        )
        .await
        .ok();
    ids(&created)[0]
}

/// The dashboard's per-depth figures (`levels`) are the open assignments each depth of the
/// tree holds, by light: a unit holding several at different lights counts once among the
/// units and once per assignment among the lights, and a county leader's depths cover the
/// county only.
async fn levels_are_fresh_counts(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let town_b1 = app.login("town_b1").await;
    county_a_leader(app).await;
    let cal = WorkCalendar::china();
    let near = in_days(1);
    // The sweep's day: the first working day after the near deadline.
    let day = cal.add_working_days(cal.next_working_day_from(near), 1);
    // Two working days after it: blue on that day.
    let soon = cal.add_working_days(day, 2);
    let far = in_days(60);

    // Overdue on the sweep's day: county A, the department and, by decomposition, town A1.
    let (_, top) = dispatched_item(
        &sup,
        &leader,
        "城区排水管网改造",
        near,
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    pass_on(&county_a, top[0], o.town_a1, "lead").await;
    // Near its deadline: county A again and town A2.
    let (_, top) = dispatched_item(
        &sup,
        &leader,
        "农贸市场提升改造",
        soon,
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    pass_on(&county_a, top[0], o.town_a2, "lead").await;
    // On track: county B and county A once more; town B1's completion is returned (yellow).
    let (_, top) = dispatched_item(
        &sup,
        &leader,
        "乡村道路安全隐患整治",
        far,
        json!([{ "unit_id": o.county_b, "role": "lead" }, { "unit_id": o.county_a, "role": "co" }]),
    )
    .await;
    let sub = pass_on(&county_b, top[0], o.town_b1, "lead").await;
    town_b1
        .post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();
    let report = id(&town_b1
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "已全部完成", "completion": true, "percent": 100 }),
        )
        .await
        .ok());
    county_b
        .post(
            &format!("/reports/{report}/review"),
            json!({ "verdict": "return", "comment": "佐证材料不全" }),
        )
        .await
        .ok();

    run_job_with(&app.db, "sweep", day, None).await;
    assert_eq!(light_drift(app).await, "0/0");
    let d = leader.get("/cockpit").await.ok();
    // The city; then county A (red, blue, green), the department (red), county B (green);
    // then towns A1 (red), A2 (blue), B1 (yellow).
    assert_eq!(
        levels_match_fresh(app, &d).await,
        ["0/0/0/0/0", "3/2/1/0/2", "3/0/1/1/1", "0/0/0/0/0"],
        "{d}"
    );
    // Another depth for the units' chart leaves the per-depth figures as they are.
    let at_towns = leader.get("/cockpit?level=3").await.ok();
    assert_eq!(at_towns["levels"], d["levels"]);
    // County A's leader: the county's own three and its towns', not county B's or B1's.
    let cl = app.login("county_a_leader").await;
    let d = cl.get("/cockpit").await.ok();
    assert_eq!(
        levels_match_fresh(app, &d).await,
        ["1/1/1/0/1", "2/0/1/0/1", "0/0/0/0/0"],
        "{d}"
    );
}
