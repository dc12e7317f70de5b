//! NPC suggestions and CPPCC proposals on a fixed calendar (2026, across the National Day): one
//! suggestion walked through its return window, the co-unit's month, the three-month reply, one
//! extension, a B grade, a dissatisfied proposer, handling again and satisfaction; a 300-row
//! session list imported and a list with bad rows rejected whole, each bad row named; the
//! statistics checked against counts made here from the rows.

use crate::helpers::TestApp;
use crate::proposal_counts::{counts_of, expected_stats};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_service::{ServiceError, Services};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

crate::on_both_backends!(suggestion_clock_walk, session_list_import, proposal_pages);

/// China time on a day.
pub(crate) fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("time")
        - chrono::Duration::hours(8)
}

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub(crate) fn input<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

pub(crate) fn invalid(r: Result<impl std::fmt::Debug, ServiceError>, key: &str) {
    match r {
        Err(ServiceError::Invalid(v)) => {
            assert!(v.0.iter().any(|f| f.key == key), "{key} in {v:?}")
        }
        Err(ServiceError::Rule(r)) => assert_eq!(r.key(), key),
        other => panic!("expected {key}, got {other:?}"),
    }
}

/// The light of a unit's part in the suggestion's current round.
async fn light(
    s: &Services,
    actor: &ducha_domain::org::Actor,
    id: i64,
    unit: i64,
) -> Option<String> {
    let d = s.proposal_detail(actor, id).await.expect("detail");
    d.line
        .units
        .iter()
        .find(|u| u.unit_id == unit)
        .and_then(|u| u.light.clone())
}

async fn suggestion_clock_walk(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let actor = |id| async move { s.actor(id).await.expect("actor") };
    let sup = actor(u.sup).await;
    let county_a = actor(u.county_a).await;
    let county_b = actor(u.county_b).await;
    let dept = actor(u.dept).await;

    // The office opens the session with a five-working-day return window and registers one.
    invalid(
        s.open_proposal_session(
            &sup,
            &input(json!({ "kind": "suggestion", "name": "x", "return_days": 8 })),
            at(2026, 6, 20, 9),
        )
        .await,
        "proposal.bad_return_days",
    );
    let session = s
        .open_proposal_session(
            &sup,
            &input(
                json!({ "kind": "suggestion", "name": "市十七届人大六次会议",
                           "year": 2026, "return_days": 5 }),
            ),
            at(2026, 6, 20, 9),
        )
        .await
        .expect("session")
        .id;
    let id = s
        .register_proposal(
            &sup,
            session,
            &input(json!({ "number": 12, "title": "关于增设城区公交站点的建议",
                           "proposers": "张三、李四", "group": "东城代表团",
                           "category": "城乡建设", "body": "建议在城东新区增设公交站点。" })),
            at(2026, 6, 20, 9),
        )
        .await
        .expect("register")
        .id;
    invalid(
        s.register_proposal(
            &sup,
            session,
            &input(json!({ "number": 12, "title": "重复", "proposers": "王五" })),
            at(2026, 6, 20, 9),
        )
        .await,
        "proposal.duplicate_number",
    );
    // A liaison may neither open sessions nor register.
    assert!(matches!(
        s.register_proposal(
            &county_a,
            session,
            &input(json!({ "number": 13, "title": "t", "proposers": "p" })),
            at(2026, 6, 20, 9),
        )
        .await,
        Err(ServiceError::Forbidden)
    ));

    // Routed Wednesday 1 July: 西山县 leads (wrongly), 市住建局 co-handles.
    let routed = s
        .route_proposal(
            &sup,
            id,
            &input(json!({ "mode": "joint", "lead_unit_id": o.county_b,
                           "co_unit_ids": [o.dept] })),
            at(2026, 7, 1, 10),
        )
        .await
        .expect("route");
    let item1 = routed.id;
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    let clock = d.clock.expect("clock");
    // Five working days skip the weekend; a month ends on Saturday 1 August, so Monday 3
    // August; three months end on 1 October, in the National Day holiday, so Thursday 8 October.
    assert_eq!(clock.return_by, Some(day(2026, 7, 8)));
    assert_eq!(clock.co_due, Some(day(2026, 8, 3)));
    assert_eq!(clock.reply_due, day(2026, 10, 8));
    assert_eq!(clock.extension_limit, day(2026, 11, 2));
    let item = app
        .services
        .store
        .item(item1)
        .await
        .expect("item")
        .expect("item");
    assert_eq!(item.source.as_str(), "npc_suggestion");
    assert_eq!(item.deadline, day(2026, 10, 8));
    let parts = &d.line.units;
    assert_eq!(
        parts
            .iter()
            .map(|p| (p.unit_id, p.role.as_str(), p.deadline))
            .collect::<Vec<_>>(),
        [
            (o.county_b, "lead", day(2026, 10, 8)),
            (o.dept, "co", day(2026, 8, 3))
        ]
    );
    // The handling units read it; another county does not.
    assert!(s.proposal_detail(&dept, id).await.is_ok());
    assert!(matches!(
        s.proposal_detail(&county_a, id).await,
        Err(ServiceError::NotFound)
    ));

    // 西山县 returns it on the fifth working day (Wednesday 8 July); 市住建局, a day later, is
    // past the session's window.
    let a_b = parts[0].assignment_id;
    let a_dept = parts[1].assignment_id;
    s.refuse_assignment(
        &county_b,
        a_b,
        &input(json!({ "text": "城区公交不属我县职责" })),
        at(2026, 7, 8, 16),
    )
    .await
    .expect("return within the window");
    invalid(
        s.refuse_assignment(
            &dept,
            a_dept,
            &input(json!({ "text": "晚了" })),
            at(2026, 7, 9, 9),
        )
        .await,
        "rule.refusal_window_passed",
    );
    // The office upholds it and reassigns the lead to 东城县.
    let refusal = app
        .services
        .store
        .refusals_of_item(item1)
        .await
        .expect("refusals")[0]
        .id;
    s.decide_refusal(
        &sup,
        refusal,
        &input(json!({ "approve": true, "comment": "改由东城县主办", "reassign_to": o.county_a })),
        at(2026, 7, 9, 10),
    )
    .await
    .expect("reassign");
    assert!(s.proposal_detail(&county_a, id).await.is_ok());
    // 东城县's own return window runs five working days from its dispatch (Thursday 9 July):
    // to Thursday 16 July. 西山县, withdrawn, no longer reads the suggestion, records nothing
    // on it and does not find the session in its list; 东城县 finds the city's session.
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    let part_a = d
        .line
        .units
        .iter()
        .find(|p| p.unit_id == o.county_a)
        .expect("county a part");
    assert_eq!(part_a.return_by, Some(day(2026, 7, 16)));
    assert!(matches!(
        s.proposal_detail(&county_b, id).await,
        Err(ServiceError::NotFound)
    ));
    assert!(
        s.record_contact(
            &county_b,
            id,
            &input(json!({ "mode": "phone", "note": "仍在联系" })),
            at(2026, 7, 9, 11),
        )
        .await
        .is_err()
    );
    let listed = |v: Vec<ducha_store::ProposalSessionRow>| v.iter().any(|x| x.id == session);
    assert!(listed(s.proposal_sessions(&county_a).await.expect("list")));
    assert!(!listed(s.proposal_sessions(&county_b).await.expect("list")));

    // The co-unit's month on the items' clock: green four working days before Monday 3
    // August, blue from three (Wednesday 29 July), red the day after, with a red urge notice.
    s.sweep(at(2026, 7, 28, 1)).await.expect("sweep");
    assert_eq!(light(s, &sup, id, o.dept).await.as_deref(), Some("green"));
    s.sweep(at(2026, 7, 29, 1)).await.expect("sweep");
    assert_eq!(light(s, &sup, id, o.dept).await.as_deref(), Some("blue"));
    // The lead cannot reply before its co-unit's opinion is in.
    invalid(
        s.reply_proposal(
            &county_a,
            id,
            &input(json!({ "text": "答复", "grade": "a" })),
            at(2026, 8, 4, 9),
        )
        .await,
        "proposal.opinions_pending",
    );
    s.sweep(at(2026, 8, 4, 1)).await.expect("sweep");
    assert_eq!(light(s, &sup, id, o.dept).await.as_deref(), Some("red"));
    let notices = app
        .services
        .store
        .notices_of_item(item1)
        .await
        .expect("notices");
    // Urge notices escalate by colour: the first of a run is blue, for the overdue opinion.
    let urged: Vec<_> = notices
        .iter()
        .filter(|n| n.assignment_id == a_dept)
        .map(|n| (n.level.as_str(), n.cause.as_str(), n.issued_on))
        .collect();
    assert_eq!(urged, [("blue", "overdue", day(2026, 8, 4))], "{notices:?}");
    let opinion = s
        .send_opinion(
            &dept,
            id,
            &input(json!({ "text": "同意增设，配合规划选址" })),
            at(2026, 8, 4, 10),
        )
        .await
        .expect("opinion");
    assert!(opinion.id > 0);
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    assert!(!d.opinions[0].on_time, "sent a day late");
    invalid(
        s.send_opinion(
            &dept,
            id,
            &input(json!({ "text": "again" })),
            at(2026, 8, 4, 11),
        )
        .await,
        "proposal.not_your_part",
    );
    s.record_contact(
        &county_a,
        id,
        &input(json!({ "mode": "phone", "on_date": "2026-08-10", "note": "电话沟通选址方案" })),
        at(2026, 8, 10, 15),
    )
    .await
    .expect("contact");

    // The reply is due Thursday 8 October, the first working day after the National Day
    // holiday: blue from three working days before (Monday 28 September: 29, 30 September
    // and 8 October), still blue on a holiday (Monday 5 October), never red before it.
    s.sweep(at(2026, 9, 25, 1)).await.expect("sweep");
    assert_eq!(
        light(s, &sup, id, o.county_a).await.as_deref(),
        Some("green")
    );
    s.sweep(at(2026, 9, 28, 1)).await.expect("sweep");
    assert_eq!(
        light(s, &sup, id, o.county_a).await.as_deref(),
        Some("blue")
    );
    s.sweep(at(2026, 10, 5, 1)).await.expect("sweep");
    assert_eq!(
        light(s, &sup, id, o.county_a).await.as_deref(),
        Some("blue")
    );

    // One extension of at most a month, before the reply is due, approved by the office.
    invalid(
        s.ask_proposal_extension(
            &county_a,
            id,
            &input(json!({ "to": "2026-11-03", "reason": "需协调规划调整" })),
            at(2026, 9, 30, 9),
        )
        .await,
        "proposal.extension_too_long",
    );
    s.ask_proposal_extension(
        &county_a,
        id,
        &input(json!({ "to": "2026-11-02", "reason": "需协调规划调整" })),
        at(2026, 9, 30, 9),
    )
    .await
    .expect("ask");
    invalid(
        s.ask_proposal_extension(
            &county_a,
            id,
            &input(json!({ "to": "2026-10-30", "reason": "再次" })),
            at(2026, 9, 30, 10),
        )
        .await,
        "proposal.extension_once",
    );
    s.decide_proposal_extension(
        &sup,
        id,
        &input(json!({ "approve": true })),
        at(2026, 9, 30, 11),
    )
    .await
    .expect("approve");
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    assert_eq!(d.row.reply_due, Some(day(2026, 11, 2)));
    let item = app
        .services
        .store
        .item(item1)
        .await
        .expect("item")
        .expect("item");
    assert_eq!(item.deadline, day(2026, 11, 2));
    // After 8 October the reply is not late: the extension moved the lead's deadline to 2
    // November, weeks away.
    s.sweep(at(2026, 10, 9, 1)).await.expect("sweep");
    assert_eq!(
        light(s, &sup, id, o.county_a).await.as_deref(),
        Some("green")
    );

    // A B-grade reply needs its commitment; given on Friday 30 October, it is on time.
    invalid(
        s.reply_proposal(
            &county_a,
            id,
            &input(json!({ "text": "答复", "grade": "b" })),
            at(2026, 10, 30, 9),
        )
        .await,
        "proposal.commitment_needed",
    );
    // A promise too far ahead to become an item is refused now, not when it is rated.
    invalid(
        s.reply_proposal(
            &county_a,
            id,
            &input(
                json!({ "text": "答复", "grade": "b", "commitment": "远期规划",
                           "commitment_due": "2040-06-30" }),
            ),
            at(2026, 10, 30, 9),
        )
        .await,
        "validation.out_of_range",
    );
    let reply1 = s
        .reply_proposal(
            &county_a,
            id,
            &input(
                json!({ "text": "已列入明年公交线网优化计划。", "grade": "b",
                           "commitment": "2027年上半年增设两处站点",
                           "commitment_due": "2027-06-30" }),
            ),
            at(2026, 10, 30, 9),
        )
        .await
        .expect("reply")
        .id;
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    assert_eq!(d.row.state, "replied");
    assert!(d.replies[0].on_time);
    let item = app
        .services
        .store
        .item(item1)
        .await
        .expect("item")
        .expect("item");
    assert_eq!(item.state.as_str(), "closed");
    let (name, docx) = s.reply_docx(&sup, id, reply1).await.expect("docx");
    assert!(name.ends_with(".docx") && docx.starts_with(b"PK"));
    // The letter as Word reads it and as LibreOffice prints it: grade, title, the deputies
    // addressed, the reply, the promise with its date, the unit and the day.
    crate::office::check_docx_text(
        &docx,
        &[
            "B类",
            "关于市十七届人大六次会议建议第12号的答复",
            "张三、李四代表：",
            "您提出的《关于增设城区公交站点的建议》建议收悉",
            "已列入明年公交线网优化计划。",
            "我们承诺：2027年上半年增设两处站点（2027年6月30日前完成）。",
            "东城县",
            "2026年10月30日",
        ],
    );

    // The proposer is dissatisfied (Thursday 5 November): no commitment item, and a second
    // round to 东城县 due within a month — Saturday 5 December, so Monday 7 December.
    invalid(
        s.rate_reply(
            &sup,
            id,
            &input(json!({ "reply_id": reply1, "satisfaction": "dissatisfied" })),
            at(2026, 11, 5, 9),
        )
        .await,
        "validation.required",
    );
    s.rate_reply(
        &sup,
        id,
        &input(json!({ "reply_id": reply1, "satisfaction": "dissatisfied",
                       "note": "希望年内先增设一处" })),
        at(2026, 11, 5, 9),
    )
    .await
    .expect("rate");
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    assert_eq!((d.row.state.as_str(), d.row.round), ("handling", 2));
    assert_eq!(d.row.reply_due, Some(day(2026, 12, 7)));
    assert_eq!(d.row.return_by, None);
    assert!(d.replies[0].follow_item_id.is_none());
    let item2 = d.row.item_id.expect("round 2 item");
    assert_ne!(item2, item1);
    assert_eq!(
        d.line
            .units
            .iter()
            .map(|p| (p.unit_id, p.role.as_str()))
            .collect::<Vec<_>>(),
        [(o.county_a, "lead")]
    );

    // Answered again on Monday 7 December (the last day), B again; satisfied: the commitment
    // becomes an item dispatched to 东城县 with its date, and the suggestion is closed.
    let reply2 = s
        .reply_proposal(
            &county_a,
            id,
            &input(json!({ "text": "年内先行增设城东站点一处。", "grade": "b",
                           "commitment": "12月底前建成城东站点", "commitment_due": "2026-12-31" })),
            at(2026, 12, 7, 17),
        )
        .await
        .expect("reply again")
        .id;
    s.rate_reply(
        &sup,
        id,
        &input(json!({ "reply_id": reply2, "satisfaction": "satisfied" })),
        at(2026, 12, 9, 9),
    )
    .await
    .expect("rate again");
    let d = s.proposal_detail(&sup, id).await.expect("detail");
    assert_eq!(d.row.state, "closed");
    let r2 = d.replies.iter().find(|r| r.id == reply2).expect("reply 2");
    assert!(r2.on_time);
    let follow = r2.follow_item_id.expect("commitment item");
    let (fi, fa) = (
        app.services
            .store
            .item(follow)
            .await
            .expect("item")
            .expect("item"),
        app.services
            .store
            .assignments_of_item(follow)
            .await
            .expect("assignments"),
    );
    assert_eq!(fi.deadline, day(2026, 12, 31));
    assert_eq!(fi.state.as_str(), "dispatched");
    assert_eq!(
        (fa[0].unit_id, fa[0].deadline),
        (o.county_a, day(2026, 12, 31))
    );

    // The statistics, counted here from the rows.
    let st = s
        .proposal_stats(&sup, session, at(2026, 12, 9, 10))
        .await
        .expect("stats");
    assert_eq!(
        (
            st.whole.total,
            st.whole.replies,
            st.whole.on_time,
            st.whole.rehandled
        ),
        (1, 2, 2, 1)
    );
    assert_eq!(
        (st.whole.grades.b, st.whole.satisfied, st.whole.dissatisfied),
        (1, 1, 0)
    );
    assert_eq!(st.whole.on_time_rate, Some(100.0));
    let a = st
        .units
        .iter()
        .find(|l| l.unit_id == Some(o.county_a))
        .expect("county a");
    assert_eq!((a.total, a.replied, a.rehandled), (1, 1, 1));
    // A handling unit does not read the whole session's statistics.
    assert!(
        s.proposal_stats(&county_a, session, at(2026, 12, 9, 10))
            .await
            .is_err()
    );
}

/// An .xlsx list with a header and `rows`.
pub fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["编号", "标题", "提出人", "代表团", "类别", "内容"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if c == 0 => ws.write_number(r, c, n),
                _ => ws.write_string(r, c, v),
            }
            .expect("cell");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// Row `n` of a good list.
pub fn good_row(n: usize) -> Vec<String> {
    let groups = ["东城代表团", "西山代表团", "市直代表团"];
    let cats = ["城乡建设", "教育", "医疗卫生", "交通"];
    vec![
        n.to_string(),
        format!("关于第{n}项民生事项的建议"),
        format!("代表{n}"),
        groups[n % 3].into(),
        cats[n % 4].into(),
        format!("建议内容第{n}条。"),
    ]
}

async fn session_list_import(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let sup = s.actor(o.users.sup).await.expect("actor");
    let now = at(2026, 3, 10, 9);
    let session = s
        .open_proposal_session(
            &sup,
            &input(json!({ "kind": "proposal", "name": "市政协十四届五次会议" })),
            now,
        )
        .await
        .expect("session")
        .id;
    // 300 rows import in one go, in order.
    let rows: Vec<Vec<String>> = (1..=300).map(good_row).collect();
    let created = s
        .import_proposals(&sup, session, &sheet(&rows), now)
        .await
        .expect("import");
    assert_eq!(created.ids.len(), 300);
    let v = s.proposal_session(&sup, session).await.expect("session");
    assert_eq!(v.lines.len(), 300);
    assert_eq!(v.lines[299].number_text, "提案第300号");
    assert_eq!(v.lines[4].proposers, "代表5");

    // A list with bad rows is rejected whole, each bad row named; nothing changes.
    let head = app.head_seq().await;
    let mut bad: Vec<Vec<String>> = (301..=310).map(good_row).collect();
    bad[2][1].clear(); // row 4: no title
    bad[5][0] = "第x号".into(); // row 7: not a number
    bad[7][0] = "12".into(); // row 9: number taken by the first list
    bad[8][2] = "人".repeat(201); // row 10: proposers too long
    let err = s
        .import_proposals(&sup, session, &sheet(&bad), now)
        .await
        .expect_err("rejected");
    let ServiceError::Invalid(v) = err else {
        panic!("{err:?}")
    };
    let got: Vec<(String, &str)> = v.0.iter().map(|f| (f.field.clone(), f.key)).collect();
    assert_eq!(
        got,
        [
            ("rows[4].title".to_string(), "validation.required"),
            ("rows[7].number".to_string(), "proposal.bad_number"),
            ("rows[9].number".to_string(), "proposal.duplicate_number"),
            ("rows[10].proposers".to_string(), "validation.too_long"),
        ]
    );
    assert_eq!(app.head_seq().await, head);
    assert_eq!(
        s.proposal_session(&sup, session)
            .await
            .expect("s")
            .lines
            .len(),
        300
    );
    invalid(
        s.import_proposals(&sup, session, b"not a spreadsheet", now)
            .await,
        "proposal.import_unreadable",
    );
    // A list as an office sends it: a merged title over the columns, a blank row, the
    // header on row 3 with a serial column (序号) before the proposal number (提案号) and
    // 提案人; errors name the rows as the spreadsheet numbers them.
    let office_list = |title_on_row5: &str| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.merge_range(
            0,
            0,
            0,
            3,
            "市政协十四届五次会议提案目录",
            &rust_xlsxwriter::Format::new(),
        )
        .expect("title");
        for (c, h) in ["序号", "提案号", "案由", "提案人"].iter().enumerate() {
            ws.write_string(2, c as u16, *h).expect("header");
        }
        for (r, (n, t)) in [(401, "关于养老服务的提案"), (402, title_on_row5)]
            .iter()
            .enumerate()
        {
            let r = r as u32 + 3;
            ws.write_number(r, 0, f64::from(r - 2)).expect("serial");
            ws.write_string(r, 1, format!("第{n}号")).expect("number");
            ws.write_string(r, 2, *t).expect("title");
            ws.write_string(r, 3, "委员甲").expect("proposer");
        }
        book.save_to_buffer().expect("xlsx")
    };
    let err = s
        .import_proposals(&sup, session, &office_list(""), now)
        .await
        .expect_err("row 5 has no title");
    let ServiceError::Invalid(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        v.0.iter()
            .map(|f| (f.field.as_str(), f.key))
            .collect::<Vec<_>>(),
        [("rows[5].title", "validation.required")]
    );
    let listed = s
        .import_proposals(&sup, session, &office_list("关于公交的提案"), now)
        .await
        .expect("office list");
    let v = s.proposal_session(&sup, session).await.expect("session");
    let numbers: Vec<i64> = v
        .lines
        .iter()
        .filter(|l| listed.ids.contains(&l.id))
        .map(|l| l.number)
        .collect();
    assert_eq!(numbers, [401, 402]);

    // Route six, reply with every grade, rate them; the statistics match counts made here.
    let ids: Vec<i64> = v_ids(s, &sup, session).await[..6].to_vec();
    let units = [
        o.county_a, o.county_b, o.dept, o.county_a, o.county_b, o.dept,
    ];
    for (k, id) in ids.iter().enumerate() {
        s.route_proposal(
            &sup,
            *id,
            &input(json!({ "lead_unit_id": units[k] })),
            at(2026, 3, 16, 9),
        )
        .await
        .expect("route");
    }
    let users = [o.users.county_a, o.users.county_b, o.users.dept];
    let grades = ["a", "b", "c", "d", "a", "c"];
    for (k, id) in ids.iter().enumerate().take(5) {
        let who = s.actor(users[k % 3]).await.expect("actor");
        // The fifth answers late, after 16 June.
        let when = if k == 4 {
            at(2026, 6, 18, 9)
        } else {
            at(2026, 5, 6, 9)
        };
        s.reply_proposal(
            &who,
            *id,
            &input(
                json!({ "text": "答复", "grade": grades[k], "commitment": "承诺",
                           "commitment_due": "2026-12-31" }),
            ),
            when,
        )
        .await
        .expect("reply");
    }
    let sats = ["satisfied", "basic", "dissatisfied", "satisfied"];
    for (k, id) in ids.iter().enumerate().take(4) {
        let d = s.proposal_detail(&sup, *id).await.expect("detail");
        s.rate_reply(
            &sup,
            *id,
            &input(json!({ "reply_id": d.replies[0].id, "satisfaction": sats[k], "note": "意见" })),
            at(2026, 6, 20, 9),
        )
        .await
        .expect("rate");
    }
    // The dissatisfied one (the third, 市住建局, C) is handled again; its second reply, an A,
    // is the unit's final one for it, and satisfies.
    let d = s.proposal_detail(&sup, ids[2]).await.expect("detail");
    assert_eq!((d.row.state.as_str(), d.row.round), ("handling", 2));
    let dept = s.actor(o.users.dept).await.expect("actor");
    s.reply_proposal(
        &dept,
        ids[2],
        &input(json!({ "text": "重新答复", "grade": "a" })),
        at(2026, 7, 1, 9),
    )
    .await
    .expect("reply again");
    let d = s.proposal_detail(&sup, ids[2]).await.expect("detail");
    let again = d.replies.iter().find(|r| r.round == 2).expect("round 2").id;
    s.rate_reply(
        &sup,
        ids[2],
        &input(json!({ "reply_id": again, "satisfaction": "satisfied" })),
        at(2026, 7, 2, 9),
    )
    .await
    .expect("rate again");

    // Counted here from the rows: every suggestion's row, parts and replies.
    let all = v_ids(s, &sup, session).await;
    let mut rows = Vec::new();
    for id in &all {
        rows.push(s.proposal_detail(&sup, *id).await.expect("detail"));
    }
    // Read on 3 July: the sixth suggestion's reply (市住建局, due 16 June) has not come.
    let read_on = at(2026, 7, 3, 9);
    let expected = expected_stats(&rows, day(2026, 7, 3));
    assert_eq!(expected[&None].overdue, 1);
    assert_eq!(expected[&None].total, 302);
    assert_eq!(
        (expected[&None].replies, expected[&None].on_time),
        (6, 5),
        "five first replies (one late) and one again"
    );
    assert_eq!(
        (
            expected[&None].a,
            expected[&None].c,
            expected[&None].rehandled
        ),
        (3, 0, 1),
        "the final replies: the dissatisfied C became an A"
    );
    let stats = s
        .proposal_stats(&sup, session, read_on)
        .await
        .expect("stats");
    let got = std::iter::once(&stats.whole)
        .chain(&stats.units)
        .map(|l| (l.unit_id, counts_of(l)))
        .collect::<std::collections::BTreeMap<_, _>>();
    assert_eq!(got, expected);
    // The page, read today, shows the figures counted for today in every cell of every row.
    let expected = expected_stats(&rows, s.today(ducha_service::now()));
    let page = app.login("sup").await;
    let (code, html) = page
        .page(&format!("/proposals/sessions/{session}/stats"))
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    let mut seen = 0;
    for (unit, c) in &expected {
        let key = unit.map_or("all".to_string(), |u| u.to_string());
        let start = html
            .find(&format!("<tr data-unit=\"{key}\">"))
            .unwrap_or_else(|| panic!("row {key} in {html}"));
        let row = &html[start..start + html[start..].find("</tr>").expect("row end")];
        for (k, v) in c.cells() {
            assert!(
                row.contains(&format!("data-k=\"{k}\">{v}<")),
                "{k} = {v} in {row}"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 4, "the session and three units");
    assert_eq!(html.matches("<tr data-unit=").count(), 4);

    // The late reply (西山县, 18 June) and the dissatisfied proposer (市住建局, rated 20 June)
    // count in June's scores under the default rules, each line citing its event.
    let kind_of = |seq: i64| async move {
        app.services
            .store
            .events_after(seq - 1, 1)
            .await
            .expect("event")[0]
            .kind
            .as_str()
            .to_string()
    };
    for (unit, fact, event) in [
        (
            o.county_b,
            ducha_domain::assessment::FactKind::ProposalLate,
            "proposal.replied",
        ),
        (
            o.dept,
            ducha_domain::assessment::FactKind::ProposalDissatisfied,
            "proposal.rated",
        ),
    ] {
        let card = s
            .score_card(&sup, None, unit, "2026-06", at(2026, 7, 3, 9))
            .await
            .expect("card");
        let lines: Vec<_> = card.lines.iter().filter(|l| l.line.fact == fact).collect();
        assert_eq!(lines.len(), 1, "{fact:?} in {:?}", card.lines);
        assert_eq!(lines[0].value, -1.0);
        assert_eq!(lines[0].line.events.len(), 1);
        assert_eq!(kind_of(lines[0].line.events[0]).await, event);
    }
}

async fn v_ids(s: &Services, actor: &ducha_domain::org::Actor, session: i64) -> Vec<i64> {
    s.proposal_session(actor, session)
        .await
        .expect("session")
        .lines
        .iter()
        .map(|l| l.id)
        .collect()
}

/// A multipart body with the session's token and one .xlsx file.
fn multipart(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let b = "ducha-test-boundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"list.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn proposal_pages(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let (code, html) = sup
        .form_page(
            "/proposals",
            &[
                ("kind", "suggestion"),
                ("name", "市十七届人大六次会议"),
                ("return_days", "9"),
            ],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("退回时限应为3至7个工作日"), "{html}");
    let (code, html) = sup
        .form_page(
            "/proposals",
            &[
                ("kind", "suggestion"),
                ("name", "市十七届人大六次会议"),
                ("return_days", "5"),
            ],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    assert!(html.contains("批次已建立"));
    let session = app
        .services
        .proposal_sessions(&app.services.actor(o.users.sup).await.expect("a"))
        .await
        .expect("sessions")[0]
        .id;
    // A list with bad rows: the page names each, nothing is registered.
    let mut rows: Vec<Vec<String>> = (1..=5).map(good_row).collect();
    rows[1][1].clear();
    rows[3][0] = "1".into();
    let (ct, body) = multipart(&sup.csrf, &sheet(&rows));
    let (code, html) = sup
        .post_page(&format!("/proposals/sessions/{session}/import"), &ct, body)
        .await;
    assert_eq!(code, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("第3行 标题：此项必填"), "{html}");
    assert!(html.contains("第5行 编号：编号在本批次中重复"), "{html}");
    let (_, html) = sup.page(&format!("/proposals/sessions/{session}")).await;
    assert!(!html.contains("data-number=\"1\""));
    // The good list imports; one suggestion is routed and replied through the pages.
    let rows: Vec<Vec<String>> = (1..=5).map(good_row).collect();
    let (ct, body) = multipart(&sup.csrf, &sheet(&rows));
    let (code, html) = sup
        .post_page(&format!("/proposals/sessions/{session}/import"), &ct, body)
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    assert_eq!(html.matches("data-number=").count(), 5);
    let v = app
        .services
        .proposal_session(&app.services.actor(o.users.sup).await.expect("a"), session)
        .await
        .expect("session");
    let id = v.lines[0].id;
    let lead = o.county_a.to_string();
    let (code, html) = sup
        .form_page(
            &format!("/proposals/{id}/route"),
            &[("mode", "joint"), ("lead_unit_id", &lead)],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::OK, "{html}");
    assert!(html.contains("已交办"));
    let county = app.login("county_a").await;
    let (code, html) = county
        .form_page(
            &format!("/proposals/{id}/reply"),
            &[("grade", "b"), ("text", "列入计划")],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("B类答复须写明承诺事项和完成时限"), "{html}");
    let (code, html) = county
        .form_page(
            &format!("/proposals/{id}/reply"),
            &[("grade", "a"), ("text", "已解决")],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::OK, "{html}");
    assert!(html.contains("A类（已解决或基本解决）") && html.contains("答复函（Word）"));
    let reply = app
        .services
        .proposal_detail(&app.services.actor(o.users.sup).await.expect("a"), id)
        .await
        .expect("detail")
        .replies[0]
        .id;
    let (code, html) = sup
        .form_page(
            &format!("/proposals/{id}/rate"),
            &[
                ("reply_id", &reply.to_string()),
                ("satisfaction", "satisfied"),
            ],
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::OK, "{html}");
    assert!(html.contains("class=\"satisfaction\">满意"));
    let (code, _, docx) = sup
        .fetch(&format!("/proposals/{id}/replies/{reply}/letter.docx"), &[])
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
    // Another county's liaison finds nothing there.
    let other = app.login("county_b").await;
    assert_eq!(
        other.page(&format!("/proposals/{id}")).await.0,
        reqwest::StatusCode::NOT_FOUND
    );

    // The statistics page and its .xlsx show the counts made from the rows.
    let (code, html) = sup
        .page(&format!("/proposals/sessions/{session}/stats"))
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    let row = html
        .split("data-unit=\"all\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("whole row");
    for (k, v) in [
        ("total", "5"),
        ("replied", "1"),
        ("replies", "1"),
        ("on_time", "1"),
        ("a", "1"),
        ("satisfied", "1"),
        ("rehandled", "0"),
    ] {
        assert!(
            row.contains(&format!("data-k=\"{k}\">{v}<")),
            "{k} in {row}"
        );
    }
    let (code, _, xlsx) = sup
        .fetch(&format!("/proposals/sessions/{session}/stats.xlsx"), &[])
        .await;
    assert_eq!(code, reqwest::StatusCode::OK);
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
    let range = book.worksheet_range_at(0).expect("sheet").expect("sheet");
    let whole: Vec<String> = range
        .rows()
        .nth(1)
        .expect("row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&whole[..5], ["市十七届人大六次会议", "5", "1", "1", "1"]);
}
