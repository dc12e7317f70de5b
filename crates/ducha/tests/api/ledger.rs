//! The ledger (台账): a good ledger registers its matters through the forms' use cases (events,
//! assignments), a ledger with one bad cell registers nothing and names the cell, bad files of
//! every kind change nothing, a re-import doubles nothing, and the full ledger exported from
//! the register imports again into another city.

use crate::helpers::{Db, Kind, Resp, Session, TestApp, in_days, pg_url, spawn_app};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::Value;

pub(crate) const HEADER: [&str; 16] = [
    "台账编号",
    "事项名称*",
    "事项内容",
    "来源*",
    "类别*",
    "紧急程度",
    "交办日期",
    "办结时限*（日期或N个工作日）",
    "牵头单位*",
    "配合单位",
    "目标名称",
    "目标值",
    "计量单位",
    "报送频次",
    "是否公开",
    "备注",
];

/// A ledger of `rows` (cells in the template's column order) under the template's header.
pub(crate) fn ledger(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "2026年市委督查室督办台账")
        .expect("title");
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, v).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

pub(crate) fn row(cells: &[&str]) -> Vec<String> {
    let mut r: Vec<String> = cells.iter().map(|s| (*s).to_string()).collect();
    r.resize(HEADER.len(), String::new());
    r
}

/// Three matters: two targets on the first, five units in all, one deadline in working days.
pub(crate) fn good_rows() -> Vec<Vec<String>> {
    let deadline = in_days(60).to_string();
    vec![
        row(&[
            "TZ-2026-01",
            "城区停车难专项整治",
            "新增泊位并建成智慧停车平台",
            "会议决策",
            "民生实事",
            "重要",
            "2026-01-05",
            &deadline,
            "市住建局",
            "东城县、西山县",
            "新增停车泊位",
            "2000",
            "个",
            "每周五",
            "是",
            "每周五报送进展",
        ]),
        row(&[
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "建成智慧停车平台",
            "1",
            "个",
        ]),
        row(&[
            "TZ-2026-02",
            "老旧小区加装电梯",
            "",
            "重点工作",
            "“三最”问题",
            "",
            "",
            "30个工作日",
            "东城县",
            "",
            "加装电梯",
            "120",
            "部",
            "每月5日",
            "否",
        ]),
        row(&[
            "TZ-2026-03",
            "农村饮水安全巩固提升",
            "",
            "领导批示",
            "民生实事",
            "紧急",
            "",
            &deadline,
            "西山县",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
    ]
}

pub(crate) async fn import(sup: &Session, mode: &str, body: Vec<u8>) -> Resp {
    sup.send(
        reqwest::Method::POST,
        &format!("/items/import?mode={mode}"),
        Some(body.into()),
        true,
        &[("content-type", "application/octet-stream")],
    )
    .await
}

async fn register_size(sup: &Session) -> usize {
    sup.get("/items?limit=200").await.ok()["items"]
        .as_array()
        .expect("items")
        .len()
}

fn item_ids(r: &Value) -> Vec<i64> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| v.as_i64().expect("id"))
        .collect()
}

/// The office's director, who is also a leader of the city (秘书长): may approve items, so
/// may dispatch a ledger directly.
pub(crate) async fn director(app: &TestApp) -> Session {
    app.services
        .create_user_with_hash(
            None,
            &ducha_service::org::UserInput {
                username: "director".into(),
                display_name: "秘书长老陈".into(),
                unit_id: app.org.office,
                roles: vec!["supervisor".into(), "leader".into()],
                password: crate::helpers::PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            ducha_service::auth::hash_password(crate::helpers::PASSWORD).expect("hash"),
            ducha_service::now(),
        )
        .await
        .expect("director");
    app.login("director").await
}

async fn a_good_ledger_registers_through_the_use_cases(app: &TestApp) {
    let sup = director(app).await;
    let r = import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    let ids = item_ids(&r);
    assert_eq!(ids.len(), 3, "{r}");
    assert_eq!(r["assignments"], 5, "{r}");
    let first = sup.get(&format!("/items/{}", ids[0])).await.ok();
    assert_eq!(first["state"], "dispatched");
    assert_eq!(first["targets"].as_array().expect("targets").len(), 2);
    assert_eq!(
        first["cadence"],
        serde_json::json!({ "kind": "weekly", "weekday": 5 })
    );
    let units: Vec<(String, String)> = first["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| {
            (
                a["unit_name"].as_str().unwrap_or_default().to_string(),
                a["role"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("市住建局".to_string(), "lead".to_string()),
            ("东城县".to_string(), "co".to_string()),
            ("西山县".to_string(), "co".to_string()),
        ]
    );
    assert!(
        first["number"]
            .as_str()
            .is_some_and(|n| n.starts_with('督')),
        "{first}"
    );
    // The events the forms make, in order, the approval saying where it comes from.
    let events = app.db.store().item_events(ids[0]).await.expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "item.created",
            "item.submitted",
            "item.approved",
            "item.dispatched"
        ]
    );
    let payload = |i: usize| -> Value { serde_json::from_str(&events[i].payload).expect("json") };
    assert_eq!(payload(0)["ledger"]["ref"], "TZ-2026-01");
    assert_eq!(payload(2)["from_ledger"], true);
    // The liaison of the lead unit has it to sign.
    let dept = app.login("dept").await;
    let mine = dept.get(&format!("/items/{}", ids[0])).await.ok();
    assert_eq!(mine["id"], ids[0]);
    // Its workbench list exports as .xlsx, through the shared list writer.
    let (s, headers, xlsx) = dept.fetch("/workbench/to_sign/export.xlsx", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .is_ok_and(|d| d.contains("to_sign"))
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("xlsx");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let titles: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(titles, ["城区停车难专项整治"]);
    // The same ledger again registers nothing.
    let head = app.head_seq().await;
    let again = import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    assert_eq!(item_ids(&again).len(), 0, "{again}");
    assert_eq!(
        again["already"],
        serde_json::json!(["TZ-2026-01", "TZ-2026-02", "TZ-2026-03"])
    );
    assert_eq!(app.head_seq().await, head);
    // As drafts: no assignment, the deadline in working days kept for dispatch.
    let mut drafts = good_rows();
    for r in &mut drafts {
        if !r[0].is_empty() {
            r[0].push_str("-D");
        }
    }
    let d = import(&sup, "draft", ledger(&drafts)).await.ok();
    let ids = item_ids(&d);
    assert_eq!((ids.len(), d["assignments"].as_i64()), (3, Some(0)), "{d}");
    let second = sup.get(&format!("/items/{}", ids[1])).await.ok();
    assert_eq!(second["state"], "draft");
    assert_eq!(second["deadline_working_days"], 30);
    assert_eq!(second["category"], "san_zui");
    // Only a supervisor imports.
    let leader = app.login("leader").await;
    import(&leader, "draft", ledger(&good_rows()))
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
}

/// 直接交办 skips the leader's approval in the system, so only an importer who may approve
/// items does it: a supervisor who is not a leader asking for it gets the matters submitted
/// to the leader, who approves them as for any item.
async fn only_an_approver_dispatches_a_ledger_directly(app: &TestApp) {
    let sup = app.login("sup").await;
    let r = import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    let ids = item_ids(&r);
    assert_eq!(ids.len(), 3, "{r}");
    assert_eq!(
        (r["assignments"].as_i64(), &r["for_approval"]),
        (Some(0), &Value::Bool(true)),
        "{r}"
    );
    for id in &ids {
        let d = sup.get(&format!("/items/{id}")).await.ok();
        assert_eq!(d["state"], "pending_approval", "{d}");
        assert_eq!(d["assignments"].as_array().map(Vec::len), Some(0), "{d}");
        let kinds: Vec<String> = app
            .db
            .store()
            .item_events(*id)
            .await
            .expect("events")
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["item.created", "item.submitted"]);
    }
    // The leader has them to approve, with the units the ledger named in view (市住建局
    // leads, 东城县 and 西山县 assist, with the ledger's note) …
    let o = &app.org;
    let leader = app.login("leader").await;
    let item = format!("/items/{}", ids[0]);
    let d = leader.get(&item).await.ok();
    let planned: Vec<(i64, String)> = d["ledger_plan"]["units"]
        .as_array()
        .expect("the ledger's units")
        .iter()
        .map(|u| (u["unit_id"].as_i64().expect("unit"), u["role"].to_string()))
        .collect();
    let named = vec![
        (o.dept, "\"lead\"".to_string()),
        (o.county_a, "\"co\"".into()),
        (o.county_b, "\"co\"".into()),
    ];
    assert_eq!(planned, named, "{d}");
    assert_eq!(d["ledger_plan"]["note"], "每周五报送进展");
    let (_, html) = leader.page(&item).await;
    assert!(
        html.contains(&format!(
            "data-planned-unit=\"{}\" data-role=\"lead\"",
            o.dept
        )),
        "{html}"
    );
    // … approves one as any other …
    leader
        .post(
            &format!("/items/{}/approve", ids[0]),
            serde_json::json!({ "comment": "同意" }),
        )
        .await
        .ok();
    assert_eq!(sup.get(&item).await.ok()["state"], "approved");
    // … and the office's dispatch, naming no units, sends it to the ledger's.
    sup.post(
        &format!("{item}/dispatch"),
        serde_json::json!({ "assignments": [] }),
    )
    .await
    .ok();
    let d = sup.get(&item).await.ok();
    assert_eq!(d["state"], "dispatched", "{d}");
    let mut sent: Vec<(i64, String)> = d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| {
            assert_eq!(a["instructions"], "每周五报送进展", "{a}");
            (a["unit_id"].as_i64().expect("unit"), a["role"].to_string())
        })
        .collect();
    sent.sort();
    let mut named = named;
    named.sort();
    assert_eq!(sent, named);
    assert!(d["ledger_plan"].is_null(), "{d}");
    // Another one, approved, still goes where the office names instead.
    leader
        .post(
            &format!("/items/{}/approve", ids[1]),
            serde_json::json!({ "comment": "同意" }),
        )
        .await
        .ok();
    sup.post(
        &format!("/items/{}/dispatch", ids[1]),
        serde_json::json!({ "assignments": [{ "unit_id": o.county_b, "role": "lead" }] }),
    )
    .await
    .ok();
    let d = sup.get(&format!("/items/{}", ids[1])).await.ok();
    let units: Vec<i64> = d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| a["unit_id"].as_i64().expect("unit"))
        .collect();
    assert_eq!(units, [o.county_b]);
}

async fn one_bad_cell_rejects_the_whole_ledger(app: &TestApp) {
    let sup = app.login("sup").await;
    let before = register_size(&sup).await;
    let head = app.head_seq().await;
    let mut rows = good_rows();
    // Row 6 of the sheet (the fourth data row): a date that does not exist.
    rows[3][6] = "2026-13-01".into();
    // Row 5: a unit outside the jurisdiction's tree.
    rows[2][8] = "省交通厅".into();
    let e = import(&sup, "dispatch", ledger(&rows))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "ledger.unit_unknown");
    let fields: Vec<(String, String, String)> = e["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_string(),
                f["key"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (
                "rows[5].I".to_string(),
                "ledger.unit_unknown".to_string(),
                "“省交通厅”不是本辖区内的单位（请按组织机构中的全称填写）".to_string()
            ),
            (
                "rows[6].G".to_string(),
                "ledger.not_a_date".to_string(),
                "“2026-13-01”不是日期（应写作2026-12-31）".to_string()
            ),
        ]
    );
    assert_eq!(e["fields"][1]["args"]["col"], "G");
    assert_eq!(e["fields"][1]["args"]["row"], 6);
    assert_eq!(register_size(&sup).await, before);
    assert_eq!(app.head_seq().await, head);
    // Bad files of every kind: a clear error, nothing written.
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"name,deadline\nx,2026-12-31\n".to_vec(),
            "ledger.not_excel",
        ),
        (b"PK\x03\x04 truncated".to_vec(), "ledger.unreadable"),
        (ledger(&[])[..200].to_vec(), "ledger.unreadable"),
        (Vec::new(), "ledger.not_excel"),
        (ledger(&[]), "ledger.empty"),
        (
            {
                let mut book = rust_xlsxwriter::Workbook::new();
                book.add_worksheet()
                    .write_string(0, 0, "名称")
                    .expect("cell");
                book.save_to_buffer().expect("xlsx")
            },
            "ledger.header",
        ),
        (
            {
                let mut book = rust_xlsxwriter::Workbook::new();
                let ws = book.add_worksheet();
                for (c, h) in HEADER.iter().enumerate() {
                    ws.write_string(0, c as u16, *h).expect("header");
                }
                ws.merge_range(1, 0, 1, 5, "一、重点工作", &rust_xlsxwriter::Format::new())
                    .expect("merge");
                for (c, v) in good_rows()[0].iter().enumerate() {
                    ws.write_string(2, c as u16, v).expect("cell");
                }
                book.save_to_buffer().expect("xlsx")
            },
            "ledger.merged",
        ),
        (
            {
                let mut rows = good_rows();
                rows[0][1] = "很长".repeat(200);
                ledger(&rows)
            },
            "validation.too_long",
        ),
    ];
    for (body, key) in cases {
        import(&sup, "draft", body)
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, key);
    }
    import(&sup, "sideways", ledger(&good_rows()))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "ledger.mode");
    assert_eq!(register_size(&sup).await, before);
    assert_eq!(app.head_seq().await, head);
    // The page's report names the cell the same way.
    let (s, page) = upload_page(&sup, &ledger(&rows)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("第6行 G列 交办日期") && page.contains("“2026-13-01”不是日期"),
        "{page}"
    );
    assert_eq!(app.head_seq().await, head);
}

/// Posts the page's import form (`mode` draft or dispatch): the status and page it answers
/// (the job's page, polling itself while the import runs) and the job's id when it started.
pub(crate) async fn start_upload(
    sup: &Session,
    mode: &str,
    file: &[u8],
) -> (StatusCode, String, Option<String>) {
    let csrf = sup.csrf.clone();
    let b = "ledgerboundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"台账.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let (s, page) = sup
        .post_page(
            "/items/import",
            &format!("multipart/form-data; boundary={b}"),
            body,
        )
        .await;
    let job = page
        .split("data-job=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string);
    (s, page, job)
}

/// Posts the page's form and follows to the job's page once the job has ended.
async fn upload_page(sup: &Session, file: &[u8]) -> (StatusCode, String) {
    let (mut s, mut page, job) = start_upload(sup, "draft", file).await;
    // The job page polls itself while the import runs; ask again until it has ended.
    let job = job.filter(|_| page.contains("hx-get=\"/items/import/jobs/"));
    if let Some(job) = job {
        for _ in 0..20_000 {
            tokio::task::yield_now().await;
            (s, page) = sup.page(&format!("/items/import/jobs/{job}")).await;
            if !page.contains("hx-trigger=\"every 500ms\"") {
                break;
            }
        }
    }
    (s, page)
}

async fn the_full_ledger_imports_again(app: &TestApp) {
    let sup = director(app).await;
    let leader = app.login("leader").await;
    import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    // Matters made by hand, without a ledger number: one dispatched, one a draft.
    let (by_hand, _) = crate::helpers::dispatched_item(
        &sup,
        &leader,
        "河道清淤",
        in_days(40),
        serde_json::json!([{ "unit_id": app.org.county_a, "role": "lead" }]),
    )
    .await;
    let draft = crate::helpers::draft_item(&sup, "背街小巷整治", in_days(40)).await;
    let (s, _, xlsx) = sup.fetch("/items/ledger.xlsx", &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The export holds every matter, a further target on the row below its matter.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).expect("xlsx");
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let titles: Vec<String> = range
        .rows()
        .skip(1)
        .map(|r| r[1].to_string())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    // Into the same city it doubles nothing: imported numbers, the official number of the
    // dispatched one and the draft's id are all recognised.
    let head = app.head_seq().await;
    let again = import(&sup, "draft", xlsx).await.ok();
    assert_eq!(item_ids(&again).len(), 0, "{again}");
    assert_eq!(
        again["already"].as_array().map(Vec::len),
        Some(5),
        "{again}"
    );
    let number = sup.get(&format!("/items/{by_hand}")).await.ok()["number"].clone();
    assert!(
        again["already"]
            .as_array()
            .expect("already")
            .contains(&number),
        "{again}"
    );
    assert!(
        again["already"]
            .to_string()
            .contains(&format!("ducha-{draft}"))
    );
    assert_eq!(app.head_seq().await, head);
    // What is dispatched, into another city with the same tree: the same matters, targets
    // and units.
    let (s, _, xlsx) = sup.fetch("/items/ledger.xlsx?state=dispatched", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let db = match app.db.kind() {
        Kind::Sqlite => Db::sqlite().await,
        Kind::Postgres => Db::postgres(&pg_url("ledger round trip").expect("pg")).await,
    };
    let other = spawn_app(db).await;
    let sup2 = director(&other).await;
    let r = import(&sup2, "dispatch", xlsx).await.ok();
    let ids = item_ids(&r);
    assert_eq!(ids.len(), 4, "{r}");
    assert_eq!(r["assignments"], 6, "{r}");
    let mut got = Vec::new();
    for id in ids {
        let d = sup2.get(&format!("/items/{id}")).await.ok();
        got.push((
            d["title"].as_str().unwrap_or_default().to_string(),
            d["targets"].as_array().map_or(0, Vec::len),
            d["assignments"].as_array().map_or(0, Vec::len),
        ));
    }
    got.sort();
    assert_eq!(
        got,
        [
            ("农村饮水安全巩固提升".to_string(), 0, 1),
            ("城区停车难专项整治".to_string(), 2, 3),
            ("河道清淤".to_string(), 0, 1),
            ("老旧小区加装电梯".to_string(), 1, 1),
        ]
    );
    other.finish().await;
}

/// `n` matters with their own numbers, each dispatched to one county with a co-unit, the
/// one on data row `marked` titled `title_there`.
pub(crate) fn many_rows(n: usize, marked: usize, title_there: &str) -> Vec<Vec<String>> {
    let deadline = in_days(90).to_string();
    (0..n)
        .map(|i| {
            let title = if i == marked {
                title_there.to_string()
            } else {
                format!("批量事项{i:05}")
            };
            let (lead, co) = if i % 2 == 0 {
                ("东城县", "市住建局")
            } else {
                ("西山县", "东城县")
            };
            row(&[
                &format!("PL-{i:05}"),
                &title,
                "",
                "重点工作",
                "民生实事",
                "",
                "",
                &deadline,
                lead,
                co,
                "完成率",
                "100",
                "%",
                "每月5日",
                "否",
            ])
        })
        .collect()
}

/// What a failed import must leave as it was: rows of every table it writes and the chain.
pub(crate) async fn footprint(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["items", "assignments", "events", "ledger_refs", "hop_facts"] {
        out.push(
            app.db
                .text(&format!("SELECT CAST(count(*) AS TEXT) FROM {table}"))
                .await,
        );
    }
    out.push(
        app.db
            .text("SELECT hash FROM event_chain WHERE id = 1")
            .await,
    );
    out.push(
        app.db
            .text("SELECT CAST(COALESCE(SUM(last_seq), 0) AS TEXT) FROM counters")
            .await,
    );
    out
}

/// A database error on one matter deep in a large ledger (a trigger the test installs
/// refuses its row) undoes every matter before it: no items, events, assignments, chain
/// rows or ledger numbers stay, and the page's job ends failed with a translated message.
/// Without the trigger the same ledger then imports whole.
async fn a_failure_deep_in_the_ledger_leaves_nothing(app: &TestApp) {
    const MARK: &str = "故障注入事项";
    let trigger = match app.db.kind() {
        Kind::Sqlite => format!(
            "CREATE TRIGGER ledger_fail BEFORE INSERT ON items WHEN NEW.title = '{MARK}' \
             BEGIN SELECT RAISE(ABORT, 'provoked failure'); END;"
        ),
        Kind::Postgres => format!(
            "CREATE FUNCTION ledger_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.title = '{MARK}' THEN RAISE EXCEPTION 'provoked failure'; END IF; \
             RETURN NEW; END $$; CREATE TRIGGER ledger_fail BEFORE INSERT ON items \
             FOR EACH ROW EXECUTE FUNCTION ledger_fail();"
        ),
    };
    app.db.exec(&trigger).await.expect("trigger");
    let sup = director(app).await;
    // Something in the register already, so that "nothing left" is not "empty".
    import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    let before = footprint(app).await;
    let file = ledger(&many_rows(400, 350, MARK));
    let e = import(&sup, "dispatch", file.clone()).await;
    assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", e.body);
    assert_eq!(footprint(app).await, before);
    // The page's job: failed, in words, nothing registered.
    let (s, page) = upload_page(&sup, &file).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("导入未完成，未登记任何事项"), "{page}");
    assert_eq!(footprint(app).await, before);
    // The chain still verifies, and the ledger imports once the fault is gone.
    let drop = match app.db.kind() {
        Kind::Sqlite => "DROP TRIGGER ledger_fail",
        Kind::Postgres => "DROP TRIGGER ledger_fail ON items; DROP FUNCTION ledger_fail()",
    };
    app.db.exec(drop).await.expect("drop trigger");
    // A row the transaction kept back and writes later (a ledger number, written with
    // hundreds of others) failing undoes everything as well.
    let kept = match app.db.kind() {
        Kind::Sqlite => "CREATE TRIGGER ledger_ref_fail BEFORE INSERT ON ledger_refs \
             WHEN NEW.row_no = 300 BEGIN SELECT RAISE(ABORT, 'provoked failure'); END;"
            .to_string(),
        Kind::Postgres => "CREATE FUNCTION ledger_ref_fail() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN IF NEW.row_no = 300 THEN RAISE EXCEPTION 'provoked failure'; END IF; \
             RETURN NEW; END $$; CREATE TRIGGER ledger_ref_fail BEFORE INSERT ON ledger_refs \
             FOR EACH ROW EXECUTE FUNCTION ledger_ref_fail();"
            .to_string(),
    };
    app.db.exec(&kept).await.expect("trigger");
    let e = import(&sup, "dispatch", file.clone()).await;
    assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", e.body);
    assert_eq!(footprint(app).await, before);
    let drop = match app.db.kind() {
        Kind::Sqlite => "DROP TRIGGER ledger_ref_fail",
        Kind::Postgres => {
            "DROP TRIGGER ledger_ref_fail ON ledger_refs; DROP FUNCTION ledger_ref_fail()"
        }
    };
    app.db.exec(drop).await.expect("drop trigger");
    let r = import(&sup, "dispatch", file).await.ok();
    assert_eq!(item_ids(&r).len(), 400, "{r}");
    assert_eq!(r["assignments"], 800, "{r}");
    assert!(r["already"].as_array().is_some_and(Vec::is_empty), "{r}");
    let events: i64 = app
        .db
        .text("SELECT CAST(count(*) AS TEXT) FROM events")
        .await
        .parse()
        .expect("n");
    let was: i64 = before[2].parse().expect("n");
    assert_eq!(events - was, 1600);
    let store = app.db.store();
    let verified = ducha_service::audit::verify_chain(store.as_ref(), &[])
        .await
        .expect("read the chain");
    assert!(verified.is_ok(), "{verified:?}");
    // The events it kept back and wrote a thousand at a time are counted above and verify
    // in chain order; the assessment's facts it derived once before its commit are what the
    // rows derive.
    crate::assessment::facts_fresh(store.as_ref(), "a whole import: ").await;
    // The hop facts it kept back and wrote together are what a replay of the log gives.
    let s = &app.services;
    let stored = s.analytics_tables().await.expect("stored");
    let (_, replayed) = s
        .replay_analytics(&mut |_, _, _| {}, false)
        .await
        .expect("replay");
    assert_eq!(stored, replayed);
    // What the one transaction kept in memory and wrote once before its commit: the
    // dashboard's tallies (deferred on PostgreSQL) equal a fresh count, and the numbers it
    // claimed are each one, without gaps, the counter where the last left it.
    assert_eq!(crate::cockpit::tally_drift(app).await, "0/0");
    assert_eq!(crate::cockpit::light_drift(app).await, "0/0");
    let numbering = "SELECT CAST(COUNT(DISTINCT number) AS TEXT) || '/' || \
        CAST(COUNT(number) AS TEXT) || '/' || CAST((SELECT SUM(last_seq) FROM counters \
        WHERE name LIKE 'item:%') AS TEXT) FROM items";
    assert_eq!(app.db.text(numbering).await, "403/403/403");
    // Each matter's row is what its four steps leave, however the transaction wrote it (on
    // PostgreSQL once, by a multi-row INSERT of rows kept back): dispatched, at version 3
    // (registered 0, submitted, approved, dispatched), its light rolled up from its units.
    let rows = "SELECT CAST(COUNT(*) AS TEXT) || '/' || CAST(MIN(version) AS TEXT) || '/' || \
        CAST(MAX(version) AS TEXT) || '/' || CAST(SUM(CASE WHEN light IS NULL THEN 0 ELSE 1 \
        END) AS TEXT) FROM items WHERE state = 'dispatched' AND id NOT IN (SELECT id FROM \
        items ORDER BY id LIMIT 3)";
    assert_eq!(app.db.text(rows).await, "400/3/3/400");
    let lights = "SELECT CAST(COUNT(*) AS TEXT) FROM items i WHERE i.light IS DISTINCT FROM \
        (SELECT MAX(a.light) FROM assignments a WHERE a.item_id = i.id)";
    assert_eq!(app.db.text(lights).await, "0");
    // An item dispatched by hand afterwards takes the next number.
    let mut one = many_rows(1, 1, "");
    one[0][0] = "PL-LATER".into();
    let next = import(&sup, "dispatch", ledger(&one)).await.ok();
    assert_eq!(item_ids(&next).len(), 1, "{next}");
    assert_eq!(app.db.text(numbering).await, "404/404/404");
}

on_both_backends!(
    a_good_ledger_registers_through_the_use_cases,
    a_failure_deep_in_the_ledger_leaves_nothing,
    only_an_approver_dispatches_a_ledger_directly,
    one_bad_cell_rejects_the_whole_ledger,
    the_full_ledger_imports_again,
);
