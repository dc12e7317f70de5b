//! Story (a): an item from registration to closing, down two levels of the chain and back.

use crate::helpers::{TestApp, assert_fields, assignment, id, ids, in_days, today};
use chrono::{Datelike, Days};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(full_lifecycle);

async fn full_lifecycle(app: &TestApp) {
    let o = &app.org;
    let u = &o.users;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let a1 = app.login("town_a1").await;
    let a2 = app.login("town_a2").await;
    let dept = app.login("dept").await;
    let deadline = in_days(60);
    // The item's timeline as it should read at the end, built step by step.
    let mut kinds: Vec<&str> = Vec::new();
    let mut seqs: Vec<i64> = Vec::new();
    let mut step = |kind: &'static str, done: Value| {
        kinds.push(kind);
        seqs.push(done["event_seq"].as_i64().expect("event_seq"));
        done
    };

    // Registration: the supervision office writes a draft.
    let created = sup
        .post(
            "/items",
            json!({
                "title": "城区停车难专项整治",
                "description": "新增公共停车泊位，治理占道停车。",
                "source": "meeting",
                "category": "livelihood",
                "priority": "high",
                "targets": [{ "name": "新增停车泊位", "unit": "个", "value": 2000 }],
                "deadline": deadline,
                "cadence": { "kind": "monthly", "day": 5 },
                "leader_id": u.leader,
            }),
        )
        .await
        .ok();
    let item = id(&step("item.created", created));
    let path = |p: &str| format!("/items/{item}{p}");
    let d = sup.get(&path("")).await.ok();
    assert_eq!(d["state"], "draft");
    assert!(d["number"].is_null(), "a draft has no official number");
    assert_eq!(d["actions"], json!(["edit", "submit"]));

    step(
        "item.submitted",
        sup.post(&path("/submit"), json!({})).await.ok(),
    );
    assert_eq!(sup.get(&path("")).await.ok()["state"], "pending_approval");
    step(
        "item.approved",
        leader
            .post(&path("/approve"), json!({ "comment": "同意" }))
            .await
            .ok(),
    );
    assert_eq!(sup.get(&path("")).await.ok()["state"], "approved");

    // Dispatch: county A leads, the department helps; the item gets its official number.
    let dispatched = step(
        "item.dispatched",
        sup.post(
            &path("/dispatch"),
            json!({ "assignments": [
                { "unit_id": o.county_a, "role": "lead", "instructions": "牵头落实" },
                { "unit_id": o.dept, "role": "co" },
            ]}),
        )
        .await
        .ok(),
    );
    let top = ids(&dispatched);
    let (top_county, top_dept) = (top[0], top[1]);
    let d = sup.get(&path("")).await.ok();
    assert_eq!(d["state"], "dispatched");
    let year = today().year();
    assert_eq!(d["number"], format!("督〔{year}〕1号"));
    assert!(d["dispatched_at"].is_string());
    let lead = assignment(&d, top_county);
    assert_eq!(lead["state"], "pending");
    assert_eq!(
        lead["deadline"],
        json!(deadline),
        "inherits the item deadline"
    );
    assert_eq!(
        lead["targets"], d["targets"],
        "a lead inherits the item's targets"
    );
    assert_eq!(assignment(&d, top_dept)["targets"], json!([]));

    // Signing names the responsible person, who must belong to the unit.
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule.responsible_not_in_unit",
            county.post(
                &format!("/assignments/{top_county}/sign"),
                json!({ "responsible_user_id": u.town_a1 }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[("responsible_user_id", "rule.responsible_not_in_unit")],
    );
    step(
        "assignment.signed",
        county
            .post(
                &format!("/assignments/{top_county}/sign"),
                json!({ "responsible_user_id": u.county_a_chief }),
            )
            .await
            .ok(),
    );
    let lead = assignment(&sup.get(&path("")).await.ok(), top_county);
    assert_eq!(lead["state"], "signed");
    assert_eq!(lead["responsible_user_id"], u.county_a_chief);
    assert_eq!(lead["responsible_name"], "东城县长");

    // Decomposition: a child may not get more time than its parent.
    let late = deadline + Days::new(1);
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule.deadline_after_parent",
            county.post(
                &format!("/assignments/{top_county}/decompose"),
                json!({ "assignments": [
                    { "unit_id": o.town_a1, "role": "lead", "deadline": late },
                    { "unit_id": o.town_a2, "role": "co" },
                ]}),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[("assignments[0].deadline", "rule.deadline_after_parent")],
    );
    let a1_deadline = deadline - Days::new(10);
    let decomposed = step(
        "assignment.decomposed",
        county
            .post(
                &format!("/assignments/{top_county}/decompose"),
                json!({ "assignments": [
                    { "unit_id": o.town_a1, "role": "lead", "deadline": a1_deadline,
                      "instructions": "负责老城区" },
                    { "unit_id": o.town_a2, "role": "co" },
                ]}),
            )
            .await
            .ok(),
    );
    let subs = ids(&decomposed);
    let (sub1, sub2) = (subs[0], subs[1]);
    let d = sup.get(&path("")).await.ok();
    assert_eq!(assignment(&d, top_county)["state"], "in_progress");
    assert_eq!(assignment(&d, sub1)["deadline"], json!(a1_deadline));
    assert_eq!(assignment(&d, sub2)["deadline"], json!(deadline));

    // A township sees its own branch and the chain above it, not its sibling or the co-unit.
    let seen: Vec<i64> = a1.get(&path("")).await.ok()["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(seen, [top_county, sub1]);

    for (who, sub) in [(&a1, sub1), (&a2, sub2)] {
        step(
            "assignment.signed",
            who.post(&format!("/assignments/{sub}/sign"), json!({}))
                .await
                .ok(),
        );
    }
    let s1 = assignment(&sup.get(&path("")).await.ok(), sub1);
    assert_eq!(
        s1["responsible_user_id"], a1.user_id,
        "the signer when none named"
    );

    // Progress, then a completion request that the county returns.
    step(
        "report.submitted",
        a1.post(
            &format!("/assignments/{sub1}/reports"),
            json!({ "text": "完成摸底排查", "percent": 40,
                    "metrics": [{ "name": "新增停车泊位", "value": 800 }] }),
        )
        .await
        .ok(),
    );
    assert_eq!(
        assignment(&sup.get(&path("")).await.ok(), sub1)["progress"],
        40
    );
    // Completion reports give the target's value: accepting one short of it needs a reason.
    let completion = json!({ "text": "已全部完成", "completion": true,
                             "metrics": [{ "name": "新增停车泊位", "value": 2000 }] });
    let first = id(&step(
        "report.submitted",
        a1.post(&format!("/assignments/{sub1}/reports"), completion.clone())
            .await
            .ok(),
    ));
    assert_eq!(
        assignment(&sup.get(&path("")).await.ok(), sub1)["state"],
        "completion_requested"
    );
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.reason_required",
            county.post(
                &format!("/reports/{first}/review"),
                json!({ "verdict": "return" }),
            ),
        )
        .await;
    assert_fields(&e, &[("comment", "validation.reason_required")]);
    let before = assignment(&sup.get(&path("")).await.ok(), sub1);
    step(
        "report.returned",
        county
            .post(
                &format!("/reports/{first}/review"),
                json!({ "verdict": "return", "comment": "佐证材料不全" }),
            )
            .await
            .ok(),
    );
    let d = sup.get(&path("")).await.ok();
    let after = assignment(&d, sub1);
    assert_eq!(after["state"], "in_progress");
    assert_eq!(
        after["returned_count"],
        json!(before["returned_count"].as_i64().expect("count") + 1)
    );
    assert_eq!(
        after["deadline"], before["deadline"],
        "a return keeps the deadline"
    );
    assert_eq!(after["deadline"], json!(a1_deadline));
    assert_eq!(after["original_deadline"], json!(a1_deadline));
    let returned = d["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["id"] == first)
        .expect("the returned report");
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["review_comment"], "佐证材料不全");
    // A report is reviewed once.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.report_state",
        county.post(
            &format!("/reports/{first}/review"),
            json!({ "verdict": "accept" }),
        ),
    )
    .await;

    let second = id(&step(
        "report.submitted",
        a1.post(&format!("/assignments/{sub1}/reports"), completion.clone())
            .await
            .ok(),
    ));
    step(
        "report.accepted",
        county
            .post(
                &format!("/reports/{second}/review"),
                json!({ "verdict": "accept" }),
            )
            .await
            .ok(),
    );
    let s1 = assignment(&sup.get(&path("")).await.ok(), sub1);
    assert_eq!(s1["state"], "done");
    assert!(s1["completed_at"].is_string());
    assert_eq!(s1["returned_count"], 1);

    // The county cannot finish while a township is still working.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.children_unfinished",
        county.post(
            &format!("/assignments/{top_county}/reports"),
            completion.clone(),
        ),
    )
    .await;
    let r = id(&step(
        "report.submitted",
        a2.post(&format!("/assignments/{sub2}/reports"), completion.clone())
            .await
            .ok(),
    ));
    step(
        "report.accepted",
        county
            .post(
                &format!("/reports/{r}/review"),
                json!({ "verdict": "accept" }),
            )
            .await
            .ok(),
    );
    let r = id(&step(
        "report.submitted",
        county
            .post(
                &format!("/assignments/{top_county}/reports"),
                completion.clone(),
            )
            .await
            .ok(),
    ));
    step(
        "report.accepted",
        sup.post(
            &format!("/reports/{r}/review"),
            json!({ "verdict": "accept" }),
        )
        .await
        .ok(),
    );

    // The item cannot close while the co-unit has not finished.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignments_unfinished",
        sup.post(&path("/close"), json!({})),
    )
    .await;
    step(
        "assignment.signed",
        dept.post(&format!("/assignments/{top_dept}/sign"), json!({}))
            .await
            .ok(),
    );
    let r = id(&step(
        "report.submitted",
        dept.post(
            &format!("/assignments/{top_dept}/reports"),
            completion.clone(),
        )
        .await
        .ok(),
    ));
    step(
        "report.accepted",
        sup.post(
            &format!("/reports/{r}/review"),
            json!({ "verdict": "accept" }),
        )
        .await
        .ok(),
    );
    step(
        "item.closed",
        sup.post(&path("/close"), json!({ "comment": "按期办结" }))
            .await
            .ok(),
    );

    let d = sup.get(&path("")).await.ok();
    assert_eq!(d["state"], "closed");
    assert!(d["closed_at"].is_string());
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["number"], format!("督〔{year}〕1号"));

    // The assignment tree, depth-first with parents before children.
    let tree: Vec<Value> = d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| {
            json!([
                a["id"],
                a["parent_id"],
                a["depth"],
                a["unit_name"],
                a["role"],
                a["state"]
            ])
        })
        .collect();
    assert_eq!(
        tree,
        [
            json!([top_county, null, 1, "东城县", "lead", "done"]),
            json!([sub1, top_county, 2, "东城A1镇", "lead", "done"]),
            json!([sub2, top_county, 2, "东城A2镇", "co", "done"]),
            json!([top_dept, null, 1, "市住建局", "co", "done"]),
        ]
    );

    // The timeline: every step, once, in order, with the sequence numbers the commands returned.
    let timeline = d["timeline"].as_array().expect("timeline");
    let got_kinds: Vec<&str> = timeline
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(got_kinds, kinds);
    let got_seqs: Vec<i64> = timeline
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(got_seqs, seqs);
    assert!(got_seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(app.head_seq().await, *seqs.last().expect("events"));
    let closed = timeline.last().expect("closed event");
    assert_eq!(closed["actor_name"], "督查员老周");
    assert_eq!(closed["payload"]["on_time"], true);

    // A closed item takes no more work.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.item_state",
        a1.post(
            &format!("/assignments/{sub1}/reports"),
            json!({ "text": "补充材料" }),
        ),
    )
    .await;
}
