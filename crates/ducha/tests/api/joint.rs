//! Integrated supervision on a fixed calendar (November–December 2026): the leading group
//! seated, member bodies reading the one register, a meeting whose proposed agenda lists the
//! red and waiting items with their reasons, its pre-read pack sent two working days before,
//! decisions that change the chain and dispatch a new item, minutes as .docx; inspections from
//! two bodies overlapping at once, merged and declined, the burden counted before and after,
//! over-budget and unplanned plans waiting for the office, findings turned into items.

use crate::helpers::{PASSWORD, TestApp, in_days};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_domain::i18n::Lang;
use ducha_domain::joint::agenda::Why;
use ducha_service::joint::{FiledView, QuarterInput};
use ducha_service::org::{UnitInput, UserInput};
use ducha_service::{ServiceError, Services};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

crate::on_both_backends!(joint_meeting_and_inspection_register, joint_pages_and_api);

/// China time on a day of 2026.
fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0)
        .single()
        .expect("time")
        - chrono::Duration::hours(8)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn input<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

fn invalid(r: Result<impl std::fmt::Debug, ServiceError>, key: &str) {
    match r {
        Err(ServiceError::Invalid(v)) => {
            assert!(v.0.iter().any(|f| f.key == key), "{key} in {v:?}")
        }
        other => panic!("expected {key}, got {other:?}"),
    }
}

/// A body unit under the city with a liaison; returns (unit, user).
async fn body(s: &Services, city: i64, name: &str, login: &str) -> (i64, i64) {
    let now = ducha_service::now();
    let unit = s
        .create_unit(
            None,
            &UnitInput {
                parent_id: Some(city),
                name: name.into(),
                kind: "supervision_body".into(),
                sort: 0,
            },
            now,
        )
        .await
        .expect("unit");
    let user = s
        .create_user(
            None,
            &UserInput {
                username: login.into(),
                display_name: format!("{name}联络员"),
                unit_id: unit,
                roles: vec!["liaison".into()],
                password: PASSWORD.into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            now,
        )
        .await
        .expect("user");
    (unit, user)
}

fn burden_of(view: &[ducha_service::joint::UnitBurden], unit: i64) -> u32 {
    view.iter()
        .find(|b| b.unit_id == unit)
        .map_or(0, |b| b.load.visits)
}

async fn joint_meeting_and_inspection_register(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let actor = |id| async move { s.actor(id).await.expect("actor") };
    let sup = actor(u.sup).await;
    let leader = actor(u.leader).await;
    let county_a = actor(u.county_a).await;
    let county_b = actor(u.county_b).await;
    let (jw_unit, jw_user) = body(s, o.city, "市纪委监委", "jw.liaison").await;
    let (sj_unit, sj_user) = body(s, o.city, "市审计局", "sj.liaison").await;

    // Two items dispatched Mon 2 Nov: one due Fri 6 Nov (it will be red), one whose county
    // asks 市住建局 for help on Tue 3 Nov and waits.
    let mut items = Vec::new();
    for (title, unit, due) in [
        ("城区停车改造", o.county_a, day(11, 6)),
        ("跨县道路衔接", o.county_b, day(12, 31)),
    ] {
        let id = s
            .create_item(
                &sup,
                &input(json!({ "title": title, "source": "meeting",
                               "category": "central_work", "deadline": due })),
                at(11, 2, 9),
            )
            .await
            .expect("create")
            .id;
        s.submit_item(&sup, id, at(11, 2, 9)).await.expect("submit");
        s.approve_item(&leader, id, "", at(11, 2, 9))
            .await
            .expect("approve");
        let top = s
            .dispatch_item(
                &sup,
                id,
                &input(json!({ "assignments": [{ "unit_id": unit, "role": "lead" }] })),
                at(11, 2, 10),
            )
            .await
            .expect("dispatch")
            .ids;
        items.push((id, top[0]));
    }
    let (red_item, red_top) = items[0];
    let (help_item, help_top) = items[1];
    s.sign_assignment(&county_a, red_top, &input(json!({})), at(11, 2, 11))
        .await
        .expect("sign");
    s.sign_assignment(&county_b, help_top, &input(json!({})), at(11, 2, 11))
        .await
        .expect("sign");
    s.request_help(
        &county_b,
        help_top,
        &input(json!({ "text": "请协调道路红线。", "to_unit_id": o.dept })),
        at(11, 3, 10),
    )
    .await
    .expect("help");

    // Before it holds a seat, 市纪委监委 reads nothing of the register.
    let jw = actor(jw_user).await;
    assert!(!jw.member_body);
    let seen = s.list_items(&jw, &Default::default()).await.expect("list");
    assert!(seen.items.is_empty());

    // The leading group: head, office, two member bodies.
    invalid(
        s.fill_seat(&sup, &input(json!({ "position": "chief" })), at(11, 4, 9))
            .await,
        "validation.unknown_choice",
    );
    assert!(matches!(
        s.fill_seat(
            &jw,
            &input(json!({ "position": "member", "unit_id": jw_unit,
                           "body_kind": "discipline" })),
            at(11, 4, 9)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    invalid(
        s.fill_seat(
            &sup,
            &input(json!({ "position": "member", "unit_id": jw_unit,
                           "body_kind": "discipline", "user_id": sj_user })),
            at(11, 4, 9),
        )
        .await,
        "rule.responsible_not_in_unit",
    );
    // A county is not a member body of the city's group: a seat would open the city's
    // register to it.
    invalid(
        s.fill_seat(
            &sup,
            &input(json!({ "position": "member", "unit_id": o.county_a,
                           "body_kind": "department" })),
            at(11, 4, 9),
        )
        .await,
        "validation.unknown_unit",
    );
    for seat in [
        json!({ "position": "head", "user_id": u.leader }),
        json!({ "position": "office", "unit_id": o.office, "body_kind": "party_office",
                "user_id": u.sup }),
        json!({ "position": "member", "unit_id": jw_unit, "body_kind": "discipline",
                "user_id": jw_user, "lead_topics": "作风建设，纪律" }),
        json!({ "position": "member", "unit_id": sj_unit, "body_kind": "audit",
                "user_id": sj_user }),
    ] {
        s.fill_seat(&sup, &input(seat), at(11, 4, 9))
            .await
            .expect("seat");
    }
    invalid(
        s.fill_seat(
            &sup,
            &input(json!({ "position": "member", "unit_id": jw_unit, "body_kind": "audit" })),
            at(11, 4, 9),
        )
        .await,
        "validation.seat_taken",
    );
    let group = s.leading_group(&sup).await.expect("group");
    assert_eq!(
        group
            .seats
            .iter()
            .map(|s| s.position.as_str())
            .collect::<Vec<_>>(),
        ["head", "office", "member", "member"]
    );
    // Now a member body, it reads the jurisdiction's register (read-only).
    let jw = actor(jw_user).await;
    let sj = actor(sj_user).await;
    assert!(jw.member_body);
    let seen = s.list_items(&jw, &Default::default()).await.expect("list");
    assert_eq!(seen.items.len(), 2);
    assert!(matches!(
        s.close_item(&jw, red_item, "", at(11, 4, 10)).await,
        Err(ServiceError::Forbidden)
    ));

    // Mon 16 Nov: the first item is 6 working days overdue (9–13, 16 Nov), the help request
    // has waited 9 (4–6, 9–13, 16 Nov).
    s.sweep(at(11, 16, 7)).await.expect("sweep");
    let meeting = s
        .schedule_meeting(
            &sup,
            &input(
                json!({ "title": "2026年第4次督查工作联席会议", "held_on": day(11, 19),
                           "place": "市委第一会议室" }),
            ),
            at(11, 16, 9),
        )
        .await
        .expect("schedule")
        .id;
    let m = s
        .meeting(&sup, meeting, at(11, 16, 9))
        .await
        .expect("meeting");
    assert_eq!(m.meeting.number, 1);
    assert_eq!(m.attendees.len(), 4);
    let order: Vec<Option<i64>> = m.lines.iter().map(|l| l.item_id).collect();
    assert_eq!(order, vec![Some(red_item), Some(help_item)]);
    assert_eq!(m.lines[0].reasons[0], Why::RedItem { days: 6 });
    assert_eq!(
        m.lines[1].reasons[0],
        Why::Help {
            from: "西山县".into(),
            to: "市住建局".into(),
            days: 9,
            more: 0,
        }
    );
    assert_eq!(
        m.lines[0].reasons[0].text(Lang::ZhCn),
        "已逾期6个工作日（红灯）"
    );
    // A member body reads the meeting; a township does not.
    s.meeting(&jw, meeting, at(11, 16, 9))
        .await
        .expect("member reads");
    let town = actor(u.town_a1).await;
    assert!(matches!(
        s.meeting(&town, meeting, at(11, 16, 9)).await,
        Err(ServiceError::NotFound)
    ));
    // The office edits the agenda: a topic of its own, moved up.
    s.edit_agenda(
        &sup,
        meeting,
        &input(json!({ "op": "add_topic", "topic": "四季度督查检查计划统筹" })),
        at(11, 16, 10),
    )
    .await
    .expect("add topic");
    let topic_line = s
        .meeting(&sup, meeting, at(11, 16, 10))
        .await
        .expect("m")
        .lines[2]
        .id;
    s.edit_agenda(
        &sup,
        meeting,
        &input(json!({ "op": "up", "line_id": topic_line })),
        at(11, 16, 10),
    )
    .await
    .expect("up");
    invalid(
        s.edit_agenda(
            &sup,
            meeting,
            &input(json!({ "op": "shuffle" })),
            at(11, 16, 10),
        )
        .await,
        "validation.unknown_choice",
    );
    assert!(matches!(
        s.edit_agenda(
            &jw,
            meeting,
            &input(json!({ "op": "remove", "line_id": topic_line })),
            at(11, 16, 10)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    let m = s.meeting(&sup, meeting, at(11, 16, 10)).await.expect("m");
    assert_eq!(m.lines[1].id, topic_line, "moved above the help item");

    // The pack goes out two working days before Thu 19 Nov: not on Mon 16, on Tue 17, once.
    assert_eq!(s.send_due_packs(at(11, 16, 18)).await.expect("packs"), 0);
    assert_eq!(s.send_due_packs(at(11, 17, 7)).await.expect("packs"), 1);
    assert_eq!(s.send_due_packs(at(11, 17, 8)).await.expect("packs"), 0);
    let (_, pack) = s.meeting_pack(&jw, meeting).await.expect("pack");
    assert_eq!(pack.lines.len(), 3);
    assert_eq!(pack.lines[0].chain[0].unit_name, "东城县");
    let inbox = s
        .inbox(&jw, ducha_domain::i18n::Lang::ZhCn, None, 20)
        .await
        .expect("inbox");
    assert!(inbox.notifications.iter().any(|n| n.kind == "joint.pack"
        && n.link.as_deref() == Some(&*format!("/joint/meetings/{meeting}/pack"))));

    // Held on its day, not before; then the decisions.
    invalid(
        s.hold_meeting(&sup, meeting, &Default::default(), at(11, 18, 9))
            .await,
        "validation.meeting_not_yet",
    );
    invalid(
        s.record_decision(
            &sup,
            meeting,
            &input(json!({ "line_id": m.lines[0].id, "kind": "note", "text": "x" })),
            at(11, 18, 9),
        )
        .await,
        "validation.meeting_not_held",
    );
    s.hold_meeting(
        &sup,
        meeting,
        &input(json!({ "summary": "会议听取了四季度督办事项进展情况汇报。" })),
        at(11, 19, 11),
    )
    .await
    .expect("hold");
    let when = at(11, 19, 12);
    // The overdue item: a later deadline, and 市住建局 leads instead of 东城县.
    s.record_decision(
        &sup,
        meeting,
        &input(json!({ "line_id": m.lines[0].id, "kind": "deadline",
                       "text": "同意延至12月11日，逾期不再调整。", "deadline": day(12, 11) })),
        when,
    )
    .await
    .expect("deadline");
    let item = s.store.item(red_item).await.expect("read").expect("item");
    assert_eq!(item.deadline, day(12, 11));
    let all = s.store.assignments_of_item(red_item).await.expect("read");
    assert_eq!(all[0].deadline, day(12, 11));
    s.record_decision(
        &sup,
        meeting,
        &input(json!({ "line_id": m.lines[0].id, "kind": "lead",
                       "text": "改由市住建局牵头，东城县配合。", "unit_id": o.dept })),
        when,
    )
    .await
    .expect("lead");
    let all = s.store.assignments_of_item(red_item).await.expect("read");
    let role_of = |unit: i64| {
        all.iter()
            .find(|a| a.unit_id == unit && a.parent_id.is_none())
            .map(|a| a.role.as_str().to_string())
    };
    assert_eq!(role_of(o.county_a).as_deref(), Some("co"));
    assert_eq!(role_of(o.dept).as_deref(), Some("lead"));
    // The help item: a new item dispatched through the chain, and 西山县 summoned.
    let help_line = m.lines[2].id;
    invalid(
        s.record_decision(
            &sup,
            meeting,
            &input(
                json!({ "line_id": help_line, "kind": "new_item", "text": "专题协调",
                           "title": "道路红线协调", "deadline": day(12, 18),
                           "unit_id": o.county_b, "co_unit_ids": [o.county_b] }),
            ),
            when,
        )
        .await,
        "rule.duplicate_unit",
    );
    let decided = s
        .record_decision(
            &sup,
            meeting,
            &input(json!({ "line_id": help_line, "kind": "new_item",
                           "text": "由西山县牵头、市住建局配合，12月18日前完成道路红线协调。",
                           "title": "西山县道路红线专题协调", "deadline": day(12, 18),
                           "unit_id": o.county_b, "co_unit_ids": [o.dept] })),
            when,
        )
        .await
        .expect("new item");
    let m = s.meeting(&sup, meeting, when).await.expect("m");
    let d = &m.lines[2].decisions[0];
    assert_eq!(d.kind, "new_item");
    let new_item = d.item_id.expect("the item it created");
    assert!(decided.ids.contains(&d.id));
    let item = s.store.item(new_item).await.expect("read").expect("item");
    assert_eq!(item.state.as_str(), "dispatched");
    assert_eq!(item.source.as_str(), "meeting");
    assert!(item.number.is_some(), "numbered at dispatch");
    assert_eq!(d.item_number, item.number);
    let chain = s.store.assignments_of_item(new_item).await.expect("read");
    assert_eq!(
        chain
            .iter()
            .map(|a| (a.unit_id, a.role.as_str().to_string()))
            .collect::<Vec<_>>(),
        vec![(o.county_b, "lead".into()), (o.dept, "co".into())]
    );
    s.record_decision(
        &sup,
        meeting,
        &input(json!({ "line_id": help_line, "kind": "summons",
                       "text": "约谈西山县政府主要负责同志。" })),
        when,
    )
    .await
    .expect("summons");
    let inbox = s
        .inbox(&county_b, ducha_domain::i18n::Lang::ZhCn, None, 20)
        .await
        .expect("inbox");
    assert!(
        inbox
            .notifications
            .iter()
            .any(|n| n.kind == "joint.summons")
    );

    // The minutes as .docx; LibreOffice turns it into a PDF that says what was decided.
    let (name, docx) = s
        .minutes_docx(&sup, meeting, Lang::ZhCn, when)
        .await
        .expect("minutes");
    assert!(name.ends_with(".docx"));
    assert_eq!(&docx[..2], b"PK");
    crate::office::check_docx_text(
        &docx,
        &[
            "联席会议纪要",
            "改由市住建局牵头",
            item.number.as_deref().unwrap_or_default(),
        ],
    );

    // ---- The inspection register, fourth quarter.
    let plan = |topic: &str, from: NaiveDate, to: NaiveDate, targets: &[i64], annual: bool| {
        input::<ducha_domain::joint::inspections::InspectionInput>(json!({
            "topic": topic, "basis": "青办发〔2026〕8号", "method": "onsite",
            "window_from": from, "window_to": to, "target_unit_ids": targets,
            "people": 4, "days_on_site": 1, "forms": 2, "annual": annual }))
    };
    let now = at(11, 30, 9);
    let q4 = QuarterInput {
        quarter: Some("2026-Q4".into()),
        mine: false,
    };
    let a: FiledView = s
        .file_inspection(
            &jw,
            &plan(
                "安全生产大检查",
                day(12, 7),
                day(12, 11),
                &[o.town_a1, o.town_a2],
                true,
            ),
            now,
        )
        .await
        .expect("file A");
    assert_eq!((a.state.as_str(), a.overlaps.len()), ("approved", 0));
    let before = s.burden(&sup, &q4, now).await.expect("burden");
    assert_eq!(burden_of(&before.units, o.town_a1), 1);
    // 市审计局 plans the same township in an overlapping window: flagged at once.
    let b = s
        .file_inspection(
            &sj,
            &plan(
                "耕地保护专项审计",
                day(12, 10),
                day(12, 15),
                &[o.town_a1, o.town_b1],
                true,
            ),
            now,
        )
        .await
        .expect("file B");
    assert_eq!(b.overlaps.len(), 1);
    let ov = &b.overlaps[0];
    assert_eq!(ov.kind, "same_target");
    assert_eq!(
        ov.units.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![o.town_a1]
    );
    assert_eq!(ov.lead_id, a.id, "the earlier plan leads");
    assert_eq!(burden_of(&b.burden, o.town_a1), 2);
    let during = s.burden(&sup, &q4, now).await.expect("burden");
    assert_eq!(burden_of(&during.units, o.town_a1), 2);
    let week = during
        .units
        .iter()
        .find(|u| u.unit_id == o.town_a1)
        .expect("row")
        .weeks
        .iter()
        .any(|w| w.overlap);
    assert!(week, "the calendar marks the week both bodies visit");
    // Only the lead body answers; it merges.
    assert!(matches!(
        s.answer_overlap(&sj, ov.id, &input(json!({ "merge": true })), now)
            .await,
        Err(ServiceError::Forbidden)
    ));
    s.answer_overlap(&jw, ov.id, &input(json!({ "merge": true })), now)
        .await
        .expect("merge");
    let after = s.burden(&sup, &q4, now).await.expect("burden");
    assert_eq!(burden_of(&after.units, o.town_a1), 1, "one joint visit");
    assert_eq!(
        burden_of(&after.units, o.town_b1),
        1,
        "carried by the joint one"
    );
    let joint = s.inspection(&sup, a.id, now).await.expect("A");
    assert_eq!(
        joint.supporting.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![sj_unit]
    );
    assert_eq!(joint.targets.len(), 3);
    // The audit's work comes along: both windows, both teams, both sets of forms.
    assert_eq!(
        (joint.window_from, joint.window_to),
        (day(12, 7), day(12, 15))
    );
    assert_eq!((joint.people, joint.days_on_site, joint.forms), (8, 1, 4));
    assert_eq!(
        s.inspection(&sup, b.id, now).await.expect("B").state,
        "merged"
    );
    // 市审计局's own plans include the joint inspection it supports.
    let mine = s
        .burden(
            &sj,
            &QuarterInput {
                quarter: Some("2026-Q4".into()),
                mine: true,
            },
            now,
        )
        .await
        .expect("mine");
    assert_eq!(
        mine.inspections.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![a.id, b.id]
    );
    // A similar topic in the quarter, no shared unit: declined with a reason.
    let d_plan = s
        .file_inspection(
            &jw,
            &plan(
                "作风建设督查检查",
                day(12, 14),
                day(12, 18),
                &[o.county_b],
                true,
            ),
            now,
        )
        .await
        .expect("file D");
    let c_plan = s
        .file_inspection(
            &sj,
            &plan(
                "作风建设专项督查检查",
                day(12, 21),
                day(12, 23),
                &[o.dept],
                true,
            ),
            now,
        )
        .await
        .expect("file C");
    assert_eq!(c_plan.overlaps.len(), 1);
    assert_eq!(c_plan.overlaps[0].kind, "similar_topic");
    assert_eq!(c_plan.overlaps[0].lead_id, d_plan.id);
    invalid(
        s.answer_overlap(
            &jw,
            c_plan.overlaps[0].id,
            &input(json!({ "merge": false })),
            now,
        )
        .await,
        "validation.required",
    );
    s.answer_overlap(
        &jw,
        c_plan.overlaps[0].id,
        &input(json!({ "merge": false, "reason": "审计侧重资金，检查对象不同，分别开展。" })),
        now,
    )
    .await
    .expect("decline");
    let c_view = s.inspection(&sup, c_plan.id, now).await.expect("C");
    assert_eq!(
        (c_view.state.as_str(), c_view.overlaps[0].state.as_str()),
        ("approved", "declined")
    );
    // 东城A2镇 may bear 3 visits a quarter: the fourth waits for the office. (These two ask
    // for no forms: the joint inspection's four, with the audit's, already count.)
    for (k, (f, t)) in [(day(12, 16), day(12, 16)), (day(12, 17), day(12, 17))]
        .iter()
        .enumerate()
    {
        let mut p = plan(&format!("财政资金审计{k}"), *f, *t, &[o.town_a2], true);
        p.forms = 0;
        let filed = s.file_inspection(&sj, &p, now).await.expect("file");
        assert_eq!(filed.state, "approved");
    }
    let over = s
        .file_inspection(
            &sj,
            &plan(
                "专项债券使用审计",
                day(12, 22),
                day(12, 22),
                &[o.town_a2],
                true,
            ),
            now,
        )
        .await
        .expect("file over");
    assert_eq!(
        (over.state.as_str(), over.flags.clone()),
        ("pending", vec!["over_budget".to_string()])
    );
    assert_eq!(burden_of(&over.burden, o.town_a2), 4);
    let waiting = s.inspections_waiting(&sup, now).await.expect("waiting");
    assert!(waiting.iter().any(|v| v.id == over.id));
    s.decide_inspection(&sup, over.id, &input(json!({ "approve": true })), now)
        .await
        .expect("approve");
    // An unplanned one (一事一报) waits too; rejecting needs a reason.
    let unplanned = s
        .file_inspection(
            &sj,
            &plan("临时抽查", day(12, 28), day(12, 29), &[o.town_b1], false),
            now,
        )
        .await
        .expect("file unplanned");
    assert_eq!(unplanned.flags, vec!["unplanned".to_string()]);
    invalid(
        s.decide_inspection(&sup, unplanned.id, &input(json!({ "approve": false })), now)
            .await,
        "validation.required",
    );
    s.decide_inspection(
        &sup,
        unplanned.id,
        &input(json!({ "approve": false, "comment": "与年度计划重复，不予批准。" })),
        now,
    )
    .await
    .expect("reject");
    // Bad plans are refused whole.
    invalid(
        s.file_inspection(&sj, &plan("", day(12, 9), day(12, 8), &[], true), now)
            .await,
        "validation.required",
    );
    invalid(
        s.file_inspection(
            &sj,
            &plan("越界", day(12, 9), day(12, 9), &[999_999], true),
            now,
        )
        .await,
        "validation.unknown_unit",
    );
    // A township never sees the plans that target it.
    assert!(matches!(
        s.inspection(&town, a.id, now).await,
        Err(ServiceError::NotFound)
    ));

    // Findings become rectification items citing the inspection, once it has begun.
    let finding = input(json!({ "findings": [{ "unit_id": o.town_a1,
        "text": "危化品仓库消防通道堵塞。", "deadline": day(12, 31) }] }));
    invalid(
        s.record_findings(&sup, a.id, &finding, at(12, 4, 9)).await,
        "validation.inspection_not_started",
    );
    // A bad row anywhere refuses the whole record: no rectification item is written.
    let items_before = s.list_items(&sup, &Default::default()).await.expect("list");
    invalid(
        s.record_findings(
            &sup,
            a.id,
            &input(json!({ "findings": [
                { "unit_id": o.town_a1, "text": "台账不全。", "deadline": day(12, 31) },
                { "unit_id": o.town_a2, "text": "隐患未整改。", "deadline": "2099-01-20" }] })),
            at(12, 9, 9),
        )
        .await,
        "validation.out_of_range",
    );
    let items_after = s.list_items(&sup, &Default::default()).await.expect("list");
    assert_eq!(items_before.items.len(), items_after.items.len());
    let made = s
        .record_findings(&sup, a.id, &finding, at(12, 9, 9))
        .await
        .expect("findings");
    let rect = s.store.item(made.id).await.expect("read").expect("item");
    assert_eq!(rect.source.as_str(), "inspection_finding");
    assert_eq!(rect.state.as_str(), "pending_approval");
    assert!(rect.description.contains("安全生产大检查"));
    let done = s.inspection(&sup, a.id, at(12, 9, 9)).await.expect("A");
    assert_eq!(done.state, "done");
    assert_eq!(done.findings[0].item_id, made.id);
    assert_eq!(
        s.store
            .item_finding(made.id)
            .await
            .expect("read")
            .map(|f| f.inspection_id),
        Some(a.id)
    );
    let origins = s.item_origins(&sup, made.id).await.expect("origins");
    assert_eq!(origins.len(), 1);
    assert_eq!(
        origins[0].unit_id,
        Some(o.town_a1),
        "dispatch goes to the unit found wanting"
    );
    assert_eq!(origins[0].link, format!("/joint/inspections/{}", a.id));

    // A plan its body drops is withdrawn with a reason, and stops weighing on the township.
    let now = at(12, 9, 10);
    let load = |b: &ducha_service::joint::BurdenView| burden_of(&b.units, o.town_b1);
    let was = load(&s.burden(&sup, &q4, now).await.expect("burden"));
    let dropped: FiledView = s
        .file_inspection(
            &sj,
            &plan(
                "审计整改回头看",
                day(12, 21),
                day(12, 22),
                &[o.town_b1],
                true,
            ),
            now,
        )
        .await
        .expect("file");
    assert_eq!(
        load(&s.burden(&sup, &q4, now).await.expect("burden")),
        was + 1
    );
    assert!(matches!(
        s.withdraw_inspection(&jw, dropped.id, &input(json!({ "reason": "x" })), now)
            .await,
        Err(ServiceError::Forbidden)
    ));
    invalid(
        s.withdraw_inspection(&sj, dropped.id, &input(json!({})), now)
            .await,
        "validation.required",
    );
    s.withdraw_inspection(
        &sj,
        dropped.id,
        &input(json!({ "reason": "与巡察时间冲突，改至明年一季度。" })),
        now,
    )
    .await
    .expect("withdraw");
    let v = s.inspection(&sup, dropped.id, now).await.expect("plan");
    assert_eq!((v.state.as_str(), v.can_withdraw), ("cancelled", false));
    assert_eq!(load(&s.burden(&sup, &q4, now).await.expect("burden")), was);
    invalid(
        s.withdraw_inspection(&sj, dropped.id, &input(json!({ "reason": "again" })), now)
            .await,
        "validation.inspection_closed",
    );
}

/// The same through the API and the pages: translated refusals that change nothing, the
/// office's forms, a body filing by form and seeing its overlap at once, the merge by form, and
/// what others may not see.
async fn joint_pages_and_api(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let sup = app.login("sup").await;
    let town = app.login("town_a1").await;
    let (jw_unit, jw_user) = body(s, o.city, "市纪委监委", "jw.liaison").await;
    let (sj_unit, sj_user) = body(s, o.city, "市审计局", "sj.liaison").await;

    // Refused seats: translated, nothing written.
    let before = app.head_seq().await;
    sup.post("/joint/seats", json!({ "position": "chief" }))
        .await
        .error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
        );
    let raw = sup.post_raw("/joint/seats", "{not json").await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST, "{}", raw.body);
    town.post(
        "/joint/seats",
        json!({ "position": "member", "unit_id": jw_unit,
                                     "body_kind": "audit" }),
    )
    .await
    .error(StatusCode::FORBIDDEN, "error.forbidden");
    assert_eq!(app.head_seq().await, before, "nothing was written");
    for seat in [
        json!({ "position": "head", "user_id": o.users.leader }),
        json!({ "position": "office", "unit_id": o.office, "body_kind": "party_office",
                "user_id": o.users.sup }),
        json!({ "position": "member", "unit_id": jw_unit, "body_kind": "discipline",
                "user_id": jw_user }),
        json!({ "position": "member", "unit_id": sj_unit, "body_kind": "audit",
                "user_id": sj_user }),
    ] {
        sup.post("/joint/seats", seat).await.ok();
    }
    let group = sup.get("/joint/group").await.ok();
    assert_eq!(group["seats"].as_array().map(Vec::len), Some(4));

    // The pages: the office sees its forms; a township is refused.
    let (status, html) = sup.page("/joint").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("领导小组") && html.contains("action=\"/joint/meetings\""));
    assert_eq!(town.page("/joint").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        sup.page("/joint/meetings/99999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sup.page("/joint/inspections/abc").await.0,
        StatusCode::NOT_FOUND
    );

    // Scheduling by form: a missing day is refused on the page, in words; without the token,
    // refused outright.
    let (status, html) = sup
        .form_page(
            "/joint/meetings",
            &[("title", "第1次联席会议"), ("held_on", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(ducha_domain::i18n::t("validation.required", Lang::ZhCn)));
    assert_eq!(
        sup.form(
            "/joint/meetings",
            &[("title", "x"), ("held_on", &in_days(5).to_string())],
            false
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.head_seq().await, before + 4, "four seats, nothing else");
    let (status, html) = sup
        .form_page(
            "/joint/meetings",
            &[
                ("title", "第1次联席会议"),
                ("held_on", &in_days(5).to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("第1次联席会议")
            && html.contains(ducha_domain::i18n::t("toast.meeting_scheduled", Lang::ZhCn))
    );
    let meetings = sup.get("/joint/meetings").await.ok();
    let m = meetings[0]["id"].as_i64().expect("id");
    sup.post(&format!("/joint/meetings/{m}/hold"), json!({}))
        .await
        .error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.meeting_not_yet",
        );
    // A decision form without a usable line answers at the top of the page, in words.
    let before = app.head_seq().await;
    let (status, html) = sup
        .form_page(
            &format!("/joint/meetings/{m}/decisions"),
            &[("line_id", "abc"), ("kind", "note"), ("text", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("class=\"alert error\""),
        "the refusal is shown"
    );
    assert_eq!(app.head_seq().await, before, "nothing written");
    let (status, _, _) = sup
        .fetch(&format!("/api/v1/joint/meetings/{m}/minutes.docx"), &[])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no minutes before it is held"
    );

    // A body files by form; bad input comes back on the form with its values.
    let jw = app.login("jw.liaison").await;
    let (status, html) = jw
        .form_page(
            "/joint/inspections",
            &[
                ("topic", "作风检查"),
                ("method", "onsite"),
                ("window_from", "2026-13-01"),
                ("window_to", ""),
                ("people", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("value=\"作风检查\""),
        "the form keeps what was typed"
    );
    assert!(html.contains(ducha_domain::i18n::t("validation.date", Lang::ZhCn)));
    let (from, to) = (in_days(10).to_string(), in_days(12).to_string());
    // The quarter the plans fall in, whatever today is.
    let quarter = {
        use chrono::Datelike;
        let d = in_days(10);
        format!(
            "/joint/inspections?quarter={}-Q{}",
            d.year(),
            d.month0() / 3 + 1
        )
    };
    let a1 = o.town_a1.to_string();
    let (status, _) = jw
        .form_page(
            "/joint/inspections",
            &[
                ("topic", "基层作风建设检查"),
                ("method", "onsite"),
                ("window_from", &from),
                ("window_to", &to),
                ("targets", &a1),
                ("people", "3"),
                ("days_on_site", "1"),
                ("forms", "1"),
                ("annual", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The second body's plan of the same township: the overlap shows at once, with the merge.
    let sj = app.login("sj.liaison").await;
    let (status, html) = sj
        .form_page(
            "/joint/inspections",
            &[
                ("topic", "专项资金审计"),
                ("method", "onsite"),
                ("window_from", &from),
                ("window_to", &to),
                ("targets", &a1),
                ("people", "2"),
                ("annual", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ducha_domain::i18n::t(
        "toast.inspection_overlaps",
        Lang::ZhCn
    )));
    assert!(html.contains(ducha_domain::i18n::t(
        "overlap_kind.same_target",
        Lang::ZhCn
    )));
    // A stray value in the page's query is no error page.
    assert_eq!(
        sup.page("/joint/inspections?mine=1").await.0,
        StatusCode::OK
    );
    assert_eq!(
        sup.page("/joint/inspections?mine=x").await.0,
        StatusCode::OK
    );
    let q = sup.get("/joint/inspections?quarter=2026-Q9").await;
    q.error(StatusCode::UNPROCESSABLE_ENTITY, "validation.quarter");
    let cal = sup.get(&quarter).await.ok();
    let plans = cal["inspections"].as_array().expect("plans");
    let later = plans
        .iter()
        .find(|p| p["topic"] == "专项资金审计")
        .expect("the audit");
    let overlap = later["overlaps"][0]["id"].as_i64().expect("overlap");
    let lead = later["overlaps"][0]["lead_id"].as_i64().expect("lead");
    assert_eq!(
        cal["units"][0]["load"]["visits"], 2,
        "东城A1镇 visited twice"
    );
    // The lead body merges by form; the township's burden falls to one visit.
    let (status, html) = jw
        .form_page(
            &format!("/joint/overlaps/{overlap}/answer"),
            &[("answer", "merge"), ("from", &lead.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ducha_domain::i18n::t("toast.merged", Lang::ZhCn)));
    let cal = sup.get(&quarter).await.ok();
    assert_eq!(cal["units"][0]["load"]["visits"], 1);
    // A township never sees the register's plans.
    town.get(&format!("/joint/inspections/{lead}"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
}
