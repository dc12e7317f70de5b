//! The assessment (平时成绩) on a fixed calendar: October 2026 played through the use cases,
//! every point of the cards computed by hand and linked to its event; an appeal accepted and one
//! rejected; the period finalised and unchanged by later events; rule sets loaded and refused.

use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_domain::assessment::FactKind;
use ducha_service::ServiceError;
use ducha_service::assessment::{AppealDecisionInput, AppealInput};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

crate::on_both_backends!(october_scored_by_hand);

/// `score_facts` holds exactly what its sources derive from the rows now, and every month,
/// quarter and the year of `year` read from it give, source by source, the facts the rows
/// themselves give (the query the assessment ran before the table), within `roots`. Returns
/// how many facts it compared.
pub(crate) async fn facts_kept_exactly(
    store: &dyn ducha_store::Store,
    roots: &[ducha_domain::org::UnitPath],
    year: i32,
) -> usize {
    use ducha_store::{FactQuery, FactSource};
    facts_fresh(store, "").await;
    let mut periods: Vec<String> = (1..=12).map(|m| format!("{year}-{m:02}")).collect();
    periods.extend((1..=4).map(|q| format!("{year}-Q{q}")));
    periods.push(format!("{year}"));
    let mut seen = 0;
    for root in roots {
        for name in &periods {
            let p = ducha_service::assessment::Period::parse(name).expect("period");
            let (from, to) = p.instants();
            let q = FactQuery {
                root: root.clone(),
                from,
                to,
                last_day: p.last_day(),
            };
            for source in FactSource::ALL {
                let text = |rows: Vec<ducha_store::FactRow>| {
                    let mut v: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
                    v.sort();
                    v
                };
                let kept = text(store.facts(&q, source).await.expect("kept facts"));
                let rows = text(store.facts_from_rows(&q, source).await.expect("row facts"));
                assert_eq!(kept, rows, "{name} {source:?} within {}", root.as_str());
                seen += kept.len();
            }
        }
    }
    // On SQLite the kept facts are read packed in one text; none may have needed the typed
    // query instead (a value that did not read back exactly).
    assert_eq!(
        ducha_store::sql::assessment::PACKED_FALLBACKS.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "a packed read of facts fell back to the typed query"
    );
    seen
}

/// `score_facts` holds exactly what its rows derive (`what` names the case in the failure).
pub(crate) async fn facts_fresh(store: &dyn ducha_store::Store, what: &str) {
    let stale = store
        .score_facts_stale()
        .await
        .expect("compare score_facts");
    assert!(
        stale.is_empty(),
        "{what}score_facts differs:\n{}",
        stale.join("\n")
    );
}

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

async fn october_scored_by_hand(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let actor = |id| async move { s.actor(id).await.expect("actor") };
    let sup = actor(u.sup).await;
    let leader = actor(u.leader).await;
    let county = actor(u.county_a).await;

    // Dispatched Fri 9 Oct to 东城县 (lead, due Tue 20 Oct) with 市住建局 as co-unit.
    let item = s
        .create_item(
            &sup,
            &input(json!({ "title": "城区停车改造", "source": "meeting",
                           "category": "livelihood", "deadline": day(10, 20) })),
            at(10, 9, 9),
        )
        .await
        .expect("create")
        .id;
    s.submit_item(&sup, item, at(10, 9, 9))
        .await
        .expect("submit");
    s.approve_item(&leader, item, "", at(10, 9, 9))
        .await
        .expect("approve");
    let top = s
        .dispatch_item(
            &sup,
            item,
            &input(json!({ "assignments": [
                { "unit_id": o.county_a, "role": "lead" },
                { "unit_id": o.dept, "role": "co" }] })),
            at(10, 9, 10),
        )
        .await
        .expect("dispatch")
        .ids;
    s.sign_assignment(&county, top[0], &input(json!({})), at(10, 9, 11))
        .await
        .expect("sign");
    // An orange warning by hand (−1), a progress report returned for quality (−5).
    let orange = s
        .issue_notice(
            &sup,
            top[0],
            &input(json!({ "level": "orange", "requirement": "请加快进度" })),
            at(10, 12, 9),
        )
        .await
        .expect("orange")
        .event_seq;
    let progress = s
        .submit_report(
            &county,
            top[0],
            &input(json!({ "text": "推进中", "percent": 40 })),
            at(10, 13, 10),
        )
        .await
        .expect("report")
        .id;
    let returned = s
        .review_report(
            &sup,
            progress,
            &input(json!({ "verdict": "return", "comment": "内容空泛" })),
            at(10, 14, 10),
        )
        .await
        .expect("return")
        .event_seq;
    // Completion asked Thu 22 Oct, accepted Fri 23 Oct: three working days late (21–23), one of
    // them the office's (it took a day to decide), two the county's own.
    let done = s
        .submit_report(
            &county,
            top[0],
            &input(json!({ "text": "已完成", "completion": true })),
            at(10, 22, 10),
        )
        .await
        .expect("completion")
        .id;
    let accepted = s
        .review_report(
            &sup,
            done,
            &input(json!({ "verdict": "accept" })),
            at(10, 23, 10),
        )
        .await
        .expect("accept")
        .event_seq;

    // 西山县 gets a second item, due Tue 20 Oct too. On Mon 12 Oct it asks 市住建局 to
    // coordinate; nobody answers. Its completion, asked and accepted Thu 22 Oct, is two working
    // days late (21–22): both spent waiting on 市住建局, so none are 西山县's own.
    let item2 = s
        .create_item(
            &sup,
            &input(json!({ "title": "老旧管网改造", "source": "meeting",
                           "category": "livelihood", "deadline": day(10, 20) })),
            at(10, 9, 9),
        )
        .await
        .expect("create")
        .id;
    s.submit_item(&sup, item2, at(10, 9, 9))
        .await
        .expect("submit");
    s.approve_item(&leader, item2, "", at(10, 9, 9))
        .await
        .expect("approve");
    let west = s
        .dispatch_item(
            &sup,
            item2,
            &input(json!({ "assignments": [{ "unit_id": o.county_b, "role": "lead" }] })),
            at(10, 9, 10),
        )
        .await
        .expect("dispatch")
        .ids[0];
    let county_b = actor(u.county_b).await;
    s.sign_assignment(&county_b, west, &input(json!({})), at(10, 9, 11))
        .await
        .expect("sign");
    let asked = s
        .request_help(
            &county_b,
            west,
            &input(json!({ "text": "需市住建局协调管材供应", "to_unit_id": o.dept })),
            at(10, 12, 9),
        )
        .await
        .expect("help")
        .event_seq;
    let west_done = s
        .submit_report(
            &county_b,
            west,
            &input(json!({ "text": "已完成", "completion": true })),
            at(10, 22, 10),
        )
        .await
        .expect("completion")
        .id;
    let west_accepted = s
        .review_report(
            &sup,
            west_done,
            &input(json!({ "verdict": "accept" })),
            at(10, 22, 15),
        )
        .await
        .expect("accept")
        .event_seq;

    // October, scored on Mon 2 Nov.
    let now = at(11, 2, 9);
    let board = s
        .score_board(&sup, None, "2026-10", None, now)
        .await
        .expect("board");
    assert!(
        !board.is_final && !board.can_finalize,
        "not final, appeals window open"
    );
    let total = |unit: i64| {
        board
            .units
            .iter()
            .find(|x| x.unit_id == unit)
            .map(|x| x.total)
    };
    // 东城县: 100 − 1 (orange) − 5 (returned) − 1 (late) − 2 × 0.5 (its own late days) = 92.
    assert_eq!(total(o.county_a), Some(92.0));
    // 市住建局, a co-unit that never finished, past due at the month's end: 100 − 5 × ½;
    // and for 西山县's help request it left unanswered: −1, and the two days 西山县 lost
    // waiting on it, −2 × 0.5.
    assert_eq!(total(o.dept), Some(95.5));
    // 西山县 finished late, but not by a day of its own: no deduction at all.
    assert_eq!(total(o.county_b), Some(100.0));
    let west_card = s
        .score_card(&sup, None, o.county_b, "2026-10", now)
        .await
        .expect("card");
    assert!(west_card.lines.is_empty(), "{:?}", west_card.lines);
    let dept_card = s
        .score_card(&sup, None, o.dept, "2026-10", now)
        .await
        .expect("card");
    let dept_lines: Vec<(FactKind, i64, f64, Vec<i64>)> = dept_card
        .lines
        .iter()
        .filter(|l| l.line.item_id == item2)
        .map(|l| (l.line.fact, l.line.quantity, l.value, l.line.events.clone()))
        .collect();
    assert_eq!(
        dept_lines,
        vec![
            (FactKind::HelpLate, 1, -1.0, vec![asked]),
            (FactKind::LateDay, 2, -1.0, vec![west_accepted]),
        ]
    );
    assert_eq!(total(o.town_a1), Some(100.0));
    assert_eq!(total(o.office), None, "supervision bodies are not assessed");
    let best = board.units.first().expect("units");
    assert_eq!((best.rank, best.total), (1, 100.0));

    // Every line of every card links to events of its item, 市住建局's unfinished part too
    // (nobody acted on it: its event is the dispatch that created it).
    for c in s
        .score_cards(&sup, None, "2026-10", now)
        .await
        .expect("cards")
    {
        for l in &c.lines {
            let of_item = s.store.item_events(l.line.item_id).await.expect("events");
            assert!(!l.line.events.is_empty(), "{} {:?}", c.unit_name, l.line);
            for seq in &l.line.events {
                assert!(
                    of_item.iter().any(|e| e.seq == *seq),
                    "{seq} of {:?}",
                    l.line
                );
            }
        }
    }

    // The county's card: every line names its rule and the event behind it.
    let card = s
        .score_card(&county, None, o.county_a, "2026-10", now)
        .await
        .expect("card");
    assert!(card.can_appeal);
    let lines: Vec<(FactKind, f64, Vec<i64>)> = card
        .lines
        .iter()
        .map(|l| (l.line.fact, l.value, l.line.events.clone()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (FactKind::OrangeNotice, -1.0, vec![orange]),
            (FactKind::ProgressReturned, -5.0, vec![returned]),
            (FactKind::LateCompletion, -1.0, vec![accepted]),
            (FactKind::LateDay, -1.0, vec![accepted]),
        ]
    );
    let events = s.store.item_events(item).await.expect("events");
    for l in &card.lines {
        for seq in &l.line.events {
            assert!(
                events.iter().any(|e| e.seq == *seq),
                "event {seq} of {:?}",
                l.line
            );
        }
    }

    // On the card page each event links to its own entry of the item's timeline.
    let web = app.login("county_a").await;
    let (status, html) = web
        .page(&format!("/assessment/units/{}?period=2026-10", o.county_a))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (status, timeline) = web.page(&format!("/items/{item}?all=1")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    for l in &card.lines {
        for seq in &l.line.events {
            assert!(
                html.contains(&format!("href=\"/items/{item}?all=1#event-{seq}\"")),
                "the card links to event {seq}"
            );
            assert!(
                timeline.contains(&format!("id=\"event-{seq}\"")),
                "the timeline has an anchor for event {seq}"
            );
        }
    }

    // Appeals: the return is voided, the orange warning stands.
    let key = |f: FactKind| {
        card.lines
            .iter()
            .find(|l| l.line.fact == f)
            .map(|l| l.line.key.clone())
            .expect("line")
    };
    let appeal = |k: String, reason: &str| AppealInput {
        scope_unit_id: None,
        period: "2026-10".into(),
        unit_id: o.county_a,
        line_key: k,
        reason: reason.into(),
        evidence_ids: vec![],
    };
    let a1 = s
        .appeal_line(
            &county,
            &appeal(key(FactKind::ProgressReturned), "报送内容有照片佐证"),
            now,
        )
        .await
        .expect("appeal 1")
        .id;
    let a2 = s
        .appeal_line(
            &county,
            &appeal(key(FactKind::OrangeNotice), "已按要求推进"),
            now,
        )
        .await
        .expect("appeal 2")
        .id;
    // One pending appeal per line; a blank reason and a line of another unit are refused.
    assert!(
        s.appeal_line(
            &county,
            &appeal(key(FactKind::OrangeNotice), "再次申辩"),
            now
        )
        .await
        .is_err()
    );
    match s
        .appeal_line(&county, &appeal(key(FactKind::LateDay), " "), now)
        .await
    {
        Err(ServiceError::Invalid(v)) => assert_eq!(v.0[0].field, "reason"),
        other => panic!("{other:?}"),
    }
    let dept = actor(u.dept).await;
    assert!(
        s.appeal_line(&dept, &appeal(key(FactKind::LateDay), "不是我单位的"), now)
            .await
            .is_err()
    );
    // Pending appeals keep the period open.
    let late = at(11, 10, 9);
    assert!(
        s.finalize_scores(&sup, None, "2026-10", late)
            .await
            .is_err()
    );
    let accept = |yes: bool, c: &str| AppealDecisionInput {
        accept: yes,
        comment: c.into(),
    };
    assert!(
        s.decide_appeal(&sup, a2, &accept(false, ""), now)
            .await
            .is_err(),
        "a rejection needs a reason"
    );
    s.decide_appeal(&sup, a1, &accept(true, ""), now)
        .await
        .expect("accept");
    s.decide_appeal(&sup, a2, &accept(false, "督办单事实清楚"), now)
        .await
        .expect("reject");
    let card = s
        .score_card(&sup, None, o.county_a, "2026-10", now)
        .await
        .expect("card");
    assert_eq!(card.total, 97.0);
    let voided = card
        .lines
        .iter()
        .find(|l| l.line.fact == FactKind::ProgressReturned)
        .expect("voided line");
    assert!(
        voided.line.voided && voided.value == 0.0 && voided.appeal.as_deref() == Some("accepted")
    );
    // A line the office decided on is not contested again.
    match s
        .appeal_line(
            &county,
            &appeal(key(FactKind::OrangeNotice), "再次申辩"),
            now,
        )
        .await
    {
        Err(ServiceError::Rule(r)) => assert_eq!(r.key(), "rule.request_decided"),
        other => panic!("{other:?}"),
    }

    // Finalised on Tue 10 Nov (the window of five working days after 31 Oct has passed).
    assert!(
        s.finalize_scores(&sup, None, "2026-11", late)
            .await
            .is_err(),
        "November has not ended"
    );
    assert!(
        s.finalize_scores(&county, None, "2026-10", late)
            .await
            .is_err(),
        "only the office"
    );
    s.finalize_scores(&sup, None, "2026-10", late)
        .await
        .expect("finalise");
    let final_card = serde_json::to_string(
        &s.score_cards(&sup, None, "2026-10", late)
            .await
            .expect("cards"),
    )
    .expect("json");
    let before = serde_json::to_string(
        &s.score_board(&sup, None, "2026-10", None, late)
            .await
            .expect("board"),
    )
    .expect("json");
    // Later events count in November; October does not change, and cannot be appealed.
    s.issue_notice(
        &sup,
        top[1],
        &input(json!({ "level": "orange", "requirement": "请配合" })),
        at(11, 11, 9),
    )
    .await
    .expect("a November notice");
    let after = serde_json::to_string(
        &s.score_board(&sup, None, "2026-10", None, at(11, 12, 9))
            .await
            .expect("board"),
    )
    .expect("json");
    assert_eq!(before, after, "a final period never changes");
    // Nor under another spelling of its name: the same final board, and no second finalising.
    let alias = serde_json::to_string(
        &s.score_board(&sup, None, "2026-10", None, at(11, 12, 9))
            .await
            .expect("board"),
    )
    .expect("json");
    let spelled = serde_json::to_string(
        &s.score_board(&sup, None, " 2026-10 ", None, at(11, 12, 9))
            .await
            .expect("board"),
    )
    .expect("json");
    assert_eq!(alias, spelled);
    assert!(
        s.finalize_scores(&sup, None, "2026-010", late)
            .await
            .is_err(),
        "finalised once, whatever the spelling"
    );
    assert!(
        s.finalize_scores(&sup, None, "2026-10", late)
            .await
            .is_err()
    );
    assert!(
        s.appeal_line(&county, &appeal(key(FactKind::LateDay), "迟到的申辩"), late)
            .await
            .is_err()
    );
    let nov = s
        .score_card(&sup, None, o.dept, "2026-11", at(11, 12, 9))
        .await
        .expect("november");
    assert!(
        nov.lines
            .iter()
            .any(|l| l.line.fact == FactKind::OrangeNotice)
    );
    // The same events and rules give the same card, byte for byte.
    let again = s
        .score_card(&sup, None, o.dept, "2026-11", at(11, 12, 9))
        .await
        .expect("again");
    assert_eq!(
        serde_json::to_string(&nov).expect("json"),
        serde_json::to_string(&again).expect("json")
    );

    // The cadre record: the county's responsible person finished late.
    let cadres = s
        .cadre_records(&sup, None, "2026-10", now)
        .await
        .expect("cadres");
    let mine = cadres
        .iter()
        .find(|c| c.user_id == u.county_a)
        .expect("the signer's record");
    // Three working days late, one of them the office's (it took a day to decide): two are
    // the county's own.
    assert_eq!((mine.late, mine.late_days), (1, 2));
    // 西山县's person finished late only for waiting on 市住建局: no day of their own.
    let west = cadres
        .iter()
        .find(|c| c.user_id == u.county_b)
        .expect("西山县's record");
    assert_eq!((west.late, west.late_days), (1, 0));

    // Rule sets: a bad one is refused whole; a new version is in force for open periods only.
    let bad = s
        .load_rule_set(Some(&sup), o.city, "version = 1", now)
        .await;
    match bad {
        Err(ServiceError::Invalid(v)) => assert_eq!(v.0[0].key, "validation.rule_set_syntax"),
        other => panic!("{other:?}"),
    }
    // Through the API, the message names the rule and the field, in the reader's language.
    let office = app.login("sup").await;
    let negative = ducha_domain::assessment::rules::DEFAULT_RULES
        .replace("cap_per_item = 20.0", "cap_per_item = -20.0");
    for (session, says) in [
        (
            office.clone(),
            "规则“missed-report”的 cap_per_item 须为数字",
        ),
        (
            office.english(),
            "Rule \"missed-report\": cap_per_item must be a number",
        ),
    ] {
        let e = session
            .post("/assessment/rules", json!({ "rules": negative }))
            .await
            .error(
                reqwest::StatusCode::UNPROCESSABLE_ENTITY,
                "validation.rule_set_rule_value",
            );
        let message = e["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message}");
        assert_eq!(e["fields"][0]["field"], "rules");
    }
    let text = ducha_domain::assessment::rules::DEFAULT_RULES
        .replace("version = \"2026.1\"", "version = \"2026.2\"")
        .replace(
            "fact = \"orange_notice\"\npoints = -1.0\n",
            "fact = \"orange_notice\"\npoints = -4.0\n",
        )
        .replace(
            "name = \"收到橙色预警督办单\"",
            "name = \"橙色预警督办单（新）\"",
        );
    assert!(text.contains("（新）"), "the new version renames a rule");
    assert!(
        text.contains("points = -4.0"),
        "the new version changes a rule"
    );
    s.load_rule_set(Some(&sup), o.city, &text, now)
        .await
        .expect("load");
    let oct = s
        .score_board(&sup, None, "2026-10", None, late)
        .await
        .expect("oct");
    assert_eq!(
        oct.rules_version, "2026.1",
        "a final period keeps its rules"
    );
    // Every card of the final period is as it was, byte for byte: points and rule names.
    let after_rules = serde_json::to_string(
        &s.score_cards(&sup, None, "2026-10", late)
            .await
            .expect("cards"),
    )
    .expect("json");
    assert_eq!(final_card, after_rules, "a final period never changes");
    assert!(final_card.contains("收到橙色预警督办单"));
    let nov = s
        .score_card(&sup, None, o.dept, "2026-11", at(11, 12, 9))
        .await
        .expect("november");
    assert_eq!(nov.rules_version, "2026.2");
    let orange_nov = nov
        .lines
        .iter()
        .find(|l| l.line.fact == FactKind::OrangeNotice)
        .expect("orange");
    assert_eq!(orange_nov.value, -2.0, "−4 for a co-unit, halved");

    // The facts were kept by the commits above exactly as the rows give them, the ranking
    // is the same after a rebuild derives them again, and so after the migration's fill.
    let roots = [
        unit_path(app, o.city).await,
        unit_path(app, o.county_a).await,
    ];
    let store = app.db.store();
    assert!(facts_kept_exactly(store.as_ref(), &roots, 2026).await > 0);
    let office = &sup;
    let board = |at| async move {
        serde_json::to_string(
            &s.score_board(office, None, "2026-11", None, at)
                .await
                .expect("board"),
        )
        .expect("json")
    };
    let kept = board(at(12, 1, 9)).await;
    s.rebuild_analytics(&mut |_, _, _| {})
        .await
        .expect("rebuild");
    facts_kept_exactly(store.as_ref(), &roots, 2026).await;
    assert_eq!(
        board(at(12, 1, 9)).await,
        kept,
        "the ranking after a rebuild"
    );
    app.db
        .exec("UPDATE score_facts_state SET filled = 0")
        .await
        .expect("unfill");
    app.db.exec("DELETE FROM score_facts").await.expect("empty");
    app.db.migrate().await;
    facts_kept_exactly(store.as_ref(), &roots, 2026).await;
    assert_eq!(
        board(at(12, 1, 9)).await,
        kept,
        "the ranking after the migration's fill"
    );
}

/// A unit's path.
async fn unit_path(app: &TestApp, id: i64) -> ducha_domain::org::UnitPath {
    app.db
        .store()
        .unit(id)
        .await
        .expect("read")
        .expect("unit")
        .path
        .0
}
