//! NPC suggestions through the JSON API, on today's clock: a session opened, its list imported
//! (a bad list refused whole, each row named, nothing written), one suggestion routed, returned
//! and reassigned by the office, another walked through the co-unit's opinion, the extension,
//! a graded reply and satisfaction; the list filtered and the statistics read. Bad input is a
//! translated 422 naming the field and writes nothing; another county finds nothing (404).

use crate::helpers::{TestApp, assert_fields, id};
use crate::proposals::{good_row, sheet};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

crate::on_both_backends!(proposals_api);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The ids of a session's listed suggestions, as the API lists them with `query`.
fn listed(view: &Value) -> Vec<i64> {
    view["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect()
}

async fn proposals_api(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let dept = app.login("dept").await;

    // Opening a session: a bad kind and window are named, in English too; nothing written.
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.english().post(
                "/proposals/sessions",
                json!({ "kind": "motion", "name": "", "return_days": 9 }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("name", "validation.required"),
            ("kind", "validation.unknown_choice"),
            ("return_days", "proposal.bad_return_days"),
        ],
    );
    let session = id(&sup
        .post(
            "/proposals/sessions",
            json!({ "kind": "suggestion", "name": "市十七届人大三次会议", "return_days": 5 }),
        )
        .await
        .ok());
    let sessions = sup.get("/proposals/sessions").await.ok();
    assert_eq!(sessions["sessions"][0]["id"], session);

    // A list with bad rows is refused whole, each bad row named; nothing is registered.
    let mut bad: Vec<Vec<String>> = (1..=4).map(good_row).collect();
    bad[1][1].clear();
    bad[3][0] = "1".into();
    let import = format!("/proposals/sessions/{session}/import");
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.send(
                Method::POST,
                &import,
                Some(sheet(&bad).into()),
                true,
                &[("content-type", XLSX)],
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("rows[3].title", "validation.required"),
            ("rows[5].number", "proposal.duplicate_number"),
        ],
    );
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "proposal.import_unreadable",
            sup.send(
                Method::POST,
                &import,
                Some("not a spreadsheet".into()),
                true,
                &[("content-type", XLSX)],
            ),
        )
        .await;
    assert_fields(&e, &[("file", "proposal.import_unreadable")]);
    // A sheet whose stray last cell is XFD1048576 is read cell by cell (a dense read would
    // ask for seventeen billion cells and abort): its missing header is named as usual.
    let far = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "说明").expect("cell");
        ws.write_string(1_048_575, 16_383, "x").expect("cell");
        book.save_to_buffer().expect("xlsx")
    };
    app.rejected(
        &[],
        StatusCode::UNPROCESSABLE_ENTITY,
        "proposal.import_header",
        sup.send(
            Method::POST,
            &import,
            Some(far.into()),
            true,
            &[("content-type", XLSX)],
        ),
    )
    .await;
    // A list over the 10 MiB limit is the API's translated 413.
    sup.send(
        Method::POST,
        &import,
        Some(vec![0u8; 10 * 1024 * 1024 + 1].into()),
        true,
        &[("content-type", XLSX)],
    )
    .await
    .error(StatusCode::PAYLOAD_TOO_LARGE, "error.payload_too_large");
    let path = format!("/proposals/sessions/{session}");
    assert!(listed(&sup.get(&path).await.ok()).is_empty());
    // The good list imports; a fourth is registered by hand, a taken number refused by name.
    let rows: Vec<Vec<String>> = (1..=3).map(good_row).collect();
    let created = sup
        .send(
            Method::POST,
            &import,
            Some(sheet(&rows).into()),
            true,
            &[("content-type", XLSX)],
        )
        .await
        .ok();
    assert_eq!(created["ids"].as_array().map(Vec::len), Some(3));
    let register = format!("/proposals/sessions/{session}/proposals");
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post(
                register.as_str(),
                json!({ "number": 2, "title": "", "proposers": "x" }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("title", "validation.required"),
            ("number", "proposal.duplicate_number"),
        ],
    );
    let fourth = id(&sup
        .post(
            &register,
            json!({ "number": 4, "title": "关于增设公交线路的建议", "proposers": "张代表",
                    "group": "东城代表团", "category": "交通" }),
        )
        .await
        .ok());
    let all = listed(&sup.get(&path).await.ok());
    assert_eq!(all.len(), 4);
    let (first, second) = (all[0], all[1]);

    // Routing: no lead is named, and nothing changes; then the first goes to 市住建局 with
    // 东城县 as co-unit, the second to 西山县.
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
            sup.post(
                &format!("/proposals/{first}/route"),
                json!({ "mode": "both" }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("mode", "validation.unknown_choice"),
            ("lead_unit_id", "validation.required"),
        ],
    );
    sup.post(
        &format!("/proposals/{first}/route"),
        json!({ "lead_unit_id": o.dept, "co_unit_ids": [o.county_a] }),
    )
    .await
    .ok();
    sup.post(
        &format!("/proposals/{second}/route"),
        json!({ "lead_unit_id": o.county_b }),
    )
    .await
    .ok();
    let detail = sup.get(&format!("/proposals/{first}")).await.ok();
    let item = detail["row"]["item_id"].as_i64().expect("item");
    assert_eq!(detail["line"]["state"], "handling");

    // The list filters by state, unit and light; an unknown state is named.
    let handling = listed(&sup.get(&format!("{path}?state=handling")).await.ok());
    assert_eq!(handling, [first, second]);
    let of_dept = listed(&sup.get(&format!("{path}?unit_id={}", o.dept)).await.ok());
    assert_eq!(of_dept, [first]);
    assert!(listed(&sup.get(&format!("{path}?light=red")).await.ok()).is_empty());
    let e = sup.get(&format!("{path}?state=lost")).await.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_choice",
    );
    assert_fields(&e, &[("state", "validation.unknown_choice")]);
    // A handling unit lists only its own.
    assert_eq!(listed(&county_b.get(&path).await.ok()), [second]);

    // 西山县 returns the second; without a reason nothing is written. The office reassigns it.
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            county_b.post(
                &format!("/proposals/{second}/return"),
                json!({ "text": " " }),
            ),
        )
        .await;
    assert_eq!(e["fields"][0]["field"], "text");
    let refusal = id(&county_b
        .post(
            &format!("/proposals/{second}/return"),
            json!({ "text": "不属我县职责" }),
        )
        .await
        .ok());
    county_a
        .post(
            &format!("/proposals/{second}/return/decide"),
            json!({ "refusal_id": refusal, "approve": true }),
        )
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    sup.post(
        &format!("/proposals/{second}/return/decide"),
        json!({ "refusal_id": refusal, "approve": true, "reassign_to": o.county_a }),
    )
    .await
    .ok();
    assert!(listed(&county_a.get(&path).await.ok()).contains(&second));

    // Another county finds nothing of the first, reading or writing, and writes nothing.
    county_b
        .get(&format!("/proposals/{first}"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        county_b.post(
            &format!("/proposals/{first}/reply"),
            json!({ "grade": "a", "text": "已解决" }),
        ),
    )
    .await;

    // The co-unit's opinion; the lead cannot reply before it, and a B grade needs its promise.
    app.rejected(
        &[item],
        StatusCode::UNPROCESSABLE_ENTITY,
        "proposal.opinions_pending",
        dept.post(
            &format!("/proposals/{first}/reply"),
            json!({ "grade": "a", "text": "已解决" }),
        ),
    )
    .await;
    county_a
        .post(
            &format!("/proposals/{first}/opinion"),
            json!({ "text": "同意，配合做好站点选址" }),
        )
        .await
        .ok();

    // One extension, to the limit; a second is refused; the office approves.
    let limit = detail["row"]["extension_limit"].clone();
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "proposal.extension_too_long",
            dept.post(
                &format!("/proposals/{first}/extension"),
                json!({ "to": "2099-01-01", "reason": "需调研" }),
            ),
        )
        .await;
    assert_eq!(e["fields"][0]["field"], "to");
    dept.post(
        &format!("/proposals/{first}/extension"),
        json!({ "to": limit, "reason": "需实地调研" }),
    )
    .await
    .ok();
    sup.post(
        &format!("/proposals/{first}/extension/decide"),
        json!({ "approve": true }),
    )
    .await
    .ok();
    let detail = sup.get(&format!("/proposals/{first}")).await.ok();
    assert_eq!(detail["row"]["reply_due"], limit);

    // A reply with no text and an unknown grade is named, and so is a B grade's missing
    // promise; the A reply is recorded with a contact.
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            dept.post(
                &format!("/proposals/{first}/reply"),
                json!({ "grade": "e", "text": "" }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("text", "validation.required"),
            ("grade", "validation.unknown_choice"),
        ],
    );
    app.rejected(
        &[item],
        StatusCode::UNPROCESSABLE_ENTITY,
        "proposal.commitment_needed",
        dept.post(
            &format!("/proposals/{first}/reply"),
            json!({ "grade": "b", "text": "列入明年计划" }),
        ),
    )
    .await;
    dept.post(
        &format!("/proposals/{first}/contacts"),
        json!({ "mode": "phone", "note": "电话沟通办理进展" }),
    )
    .await
    .ok();
    dept.post(
        &format!("/proposals/{first}/reply"),
        json!({ "grade": "a", "text": "已开通公交专线" }),
    )
    .await
    .ok();
    let detail = sup.get(&format!("/proposals/{first}")).await.ok();
    assert_eq!(detail["line"]["state"], "replied");
    let reply = detail["replies"][0]["id"].as_i64().expect("reply");

    // Satisfaction: a handling unit may not enter it; an unknown one is named; 满意 closes it.
    dept.post(
        &format!("/proposals/{first}/satisfaction"),
        json!({ "reply_id": reply, "satisfaction": "satisfied" }),
    )
    .await
    .error(StatusCode::FORBIDDEN, "error.forbidden");
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
            sup.post(
                &format!("/proposals/{first}/satisfaction"),
                json!({ "reply_id": reply, "satisfaction": "happy" }),
            ),
        )
        .await;
    assert_fields(&e, &[("satisfaction", "validation.unknown_choice")]);
    sup.post(
        &format!("/proposals/{first}/satisfaction"),
        json!({ "reply_id": reply, "satisfaction": "satisfied" }),
    )
    .await
    .ok();
    assert_eq!(
        listed(&sup.get(&format!("{path}?state=closed")).await.ok()),
        [first]
    );

    // The statistics: four suggestions, one replied on time with an A, one satisfied.
    let stats_path = format!("/proposals/sessions/{session}/statistics");
    let stats = sup.get(&stats_path).await.ok();
    let w = &stats["whole"];
    assert_eq!(
        (&w["total"], &w["replied"], &w["on_time"], &w["grades"]["a"]),
        (&json!(4), &json!(1), &json!(1), &json!(1)),
        "{stats}"
    );
    assert_eq!(w["on_time_rate"], json!(100.0));
    county_a
        .get(&stats_path)
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    // The same figures as .xlsx under the API, in the reader's language; the reply letter too.
    let (code, _, xlsx) = sup.fetch(&format!("/api/v1{stats_path}.xlsx"), &[]).await;
    assert_eq!(code, StatusCode::OK);
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
    let range = book.worksheet_range_at(0).expect("sheet").expect("sheet");
    let cells = |r: usize| -> Vec<String> {
        range
            .rows()
            .nth(r)
            .expect("row")
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert_eq!(cells(0)[..3], ["单位", "总数", "已答复件数"]);
    assert_eq!(cells(1)[1..5], ["4", "1", "1", "1"]);
    let (code, _, _) = county_a
        .fetch(&format!("/api/v1{stats_path}.xlsx"), &[])
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, headers, docx) = sup
        .fetch(
            &format!("/api/v1/proposals/{first}/replies/{reply}/letter.docx"),
            &[],
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|v| v.contains("wordprocessingml")),
        "{headers:?}"
    );
    let (code, _, _) = county_b
        .fetch(
            &format!("/api/v1/proposals/{first}/replies/{reply}/letter.docx"),
            &[],
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(
        listed(&sup.get(&format!("{path}?state=registered")).await.ok()),
        [all[2], fourth]
    );

    // The OpenAPI document describes them.
    let doc = sup.get("/openapi.json").await.ok();
    for p in [
        "/api/v1/proposals/sessions/{id}/import",
        "/api/v1/proposals/{id}/return/decide",
        "/api/v1/proposals/{id}/satisfaction",
    ] {
        assert!(doc["paths"][p]["post"].is_object(), "{p}");
    }
    for p in [
        "/api/v1/proposals/sessions/{id}/statistics.xlsx",
        "/api/v1/proposals/{id}/replies/{reply}/letter.docx",
    ] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
}
