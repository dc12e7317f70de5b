//! The demo city as a new user meets it: seeded by the real `ducha demo --seed-only`, it shows
//! all four lights, urge notices of all three colours with escalations and summonses, an inbox
//! for the printed logins, a history that keeps to the working-day calendar, and a session each
//! of NPC suggestions and CPPCC proposals in every state.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::chain::EventRecord;
use ducha_store::{ClockStore, EventRow, EventStore, ReplayEvent, SweepRow};
use ducha_store_sqlite::{Durability, SqliteStore};
use sqlx::sqlite::SqlitePoolOptions;
use std::collections::BTreeSet;

/// Seeds the demo city as of `as_of` with the real `ducha demo --seed-only`; its directory
/// (kept while the guard lives) and the data directory in it.
async fn seed_demo(as_of: &'static str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("demo");
    let out = tokio::task::spawn_blocking({
        let data = data.clone();
        let cwd = dir.path().to_path_buf();
        move || {
            crate::support::ducha(&cwd)
                .args(["demo", "--seed-only", "--as-of", as_of, "--data-dir"])
                .arg(&data)
                .env("RUST_LOG", "warn")
                .output()
                .expect("run the ducha binary")
        }
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, data)
}

/// The findings the story kept, exactly: (unit, kind, item), one per finding.
const STORY_KEPT: [(&str, &str, &str); 7] = [
    ("市生态环境局", "forward_only", "秋冬季大气污染防治攻坚"),
    ("松岭县", "late_handoff", "农村危房改造动态清零"),
    ("枫林市", "deadline_squeezed", "公共充电设施建设"),
    ("枫林市", "deadline_squeezed", "公共充电设施建设"),
    ("枫林市", "target_raised", "公共充电设施建设"),
    ("白石村", "accepted_short", "农村户厕改造提质"),
    ("白石镇", "target_shrunk", "农村户厕改造提质"),
];

/// The story's unanswered help request, judged on the day.
const STORY_HELP: (&str, &str, &str) = (
    "白河县农业农村局",
    "help_unanswered",
    "农村饮水安全巩固提升",
);

/// The demo city's findings list at `now`, checked against the story: every finding caused by
/// an event (a hand-off, a share, a deadline, a forwarding, a completion accepted short) is
/// exactly one of the story's, the story's unanswered help request is the only one, and the
/// first twenty name every culprit with nothing else but silence judged by its rule (the
/// background's silent units stall and never report).
async fn story_findings(
    services: &ducha_service::Services,
    sup: &ducha_domain::org::Actor,
    now: DateTime<Utc>,
) -> Vec<ducha_service::analytics::FindingView> {
    let input = ducha_service::analytics::FindingsInput {
        limit: Some(2000),
        ..Default::default()
    };
    let found = services.findings(sup, &input, now).await.expect("findings");
    let row = |f: &ducha_service::analytics::FindingView| {
        (f.unit_name.clone(), f.kind.as_str(), f.item_title.clone())
    };
    let mut kept: Vec<(String, &str, String)> = found.iter().filter(|f| !f.live).map(row).collect();
    kept.sort();
    let mut story: Vec<(String, &str, String)> = STORY_KEPT
        .iter()
        .map(|(u, k, i)| ((*u).to_string(), *k, (*i).to_string()))
        .collect();
    story.sort();
    assert_eq!(
        kept, story,
        "{now}: the kept findings are the story's, exactly"
    );
    let helps: Vec<_> = found
        .iter()
        .filter(|f| f.kind.as_str() == "help_unanswered")
        .map(row)
        .collect();
    let help = (
        STORY_HELP.0.to_string(),
        STORY_HELP.1,
        STORY_HELP.2.to_string(),
    );
    assert_eq!(helps, vec![help.clone()], "{now}: unanswered help requests");
    let top: Vec<(String, &str, String)> = found.iter().take(20).map(row).collect();
    for culprit in story.iter().chain([&help]) {
        assert!(
            top.contains(culprit),
            "{now}: {culprit:?} is not among the first 20: {top:#?}"
        );
    }
    for (f, r) in found.iter().take(20).zip(&top) {
        let silence = f.live && matches!(f.kind.as_str(), "stall" | "co_silent");
        assert!(
            silence || story.contains(r) || *r == help,
            "{now}: {r:?} is not the story's"
        );
    }
    found
}

#[tokio::test]
async fn demo_city_names_the_story_culprits_across_a_holiday() {
    // Seeded as of the second Friday after the National Day holiday (1–7 October 2026, with
    // Saturday 10 October worked): the story's working days run across it.
    let (_dir, data) = seed_demo("2026-10-16").await;
    let url = format!("sqlite://{}", data.join("ducha-demo.db").display());
    let store = SqliteStore::open(&url, Durability::Normal)
        .await
        .expect("open the store");
    let services = ducha_service::Services::new(
        std::sync::Arc::new(store),
        ducha_service::Config::default(),
        WorkCalendar::china(),
    );
    let sup = services
        .store
        .user_by_name("zf.ducha1")
        .await
        .expect("user")
        .expect("zf.ducha1");
    let sup = services.actor(sup.id).await.expect("actor");
    let now = DateTime::parse_from_rfc3339("2026-10-16T17:00:00+08:00")
        .expect("time")
        .with_timezone(&Utc);
    story_findings(&services, &sup, now).await;
}

#[tokio::test]
async fn demo_city_shows_the_clock_at_work() {
    let (_dir, data) = seed_demo("2026-11-27").await;
    let url = format!("sqlite://{}?mode=ro", data.join("ducha-demo.db").display());
    let db = SqlitePoolOptions::new()
        .connect(&url)
        .await
        .expect("open the demo database");
    let strings = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(&db)
                .await
                .expect(sql)
                .into_iter()
                .collect::<BTreeSet<String>>()
        }
    };
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&db)
                .await
                .expect(sql)
        }
    };

    // The bulletins of August, September and October published as numbers 1 to 3, each
    // written by the office; November's a draft.
    let bulletins = strings("SELECT period || ' ' || state FROM bulletins").await;
    assert_eq!(
        bulletins,
        BTreeSet::from([
            "2026-08 published".to_string(),
            "2026-09 published".to_string(),
            "2026-10 published".to_string(),
            "2026-11 draft".to_string()
        ])
    );
    let numbers = strings(
        "SELECT period || ' ' || CAST(number AS TEXT) FROM bulletins \
         WHERE state = 'published' AND good_practice <> '' AND criticism <> ''",
    )
    .await;
    assert_eq!(
        numbers,
        BTreeSet::from([
            "2026-08 1".to_string(),
            "2026-09 2".to_string(),
            "2026-10 3".to_string()
        ])
    );
    assert!(
        count("SELECT COUNT(*) FROM notifications WHERE kind = 'bulletin.published'").await > 0
    );

    // All four lights on the register.
    let lights =
        strings("SELECT DISTINCT CAST(light AS TEXT) FROM items WHERE light IS NOT NULL").await;
    assert_eq!(
        lights,
        ["0", "1", "2", "3"].map(String::from).into(),
        "item lights"
    );
    // Notices of every colour, open today and escalated in the past, and summonses.
    for level in ["blue", "orange", "red"] {
        let open = strings("SELECT DISTINCT level FROM notices WHERE state = 'open'").await;
        assert!(open.contains(level), "an open {level} notice");
    }
    let states = strings("SELECT DISTINCT state FROM notices").await;
    assert!(
        states.contains("escalated") && states.contains("met"),
        "{states:?}"
    );
    let ladders = count(
        "SELECT COUNT(*) FROM notices r JOIN notices o ON o.id = r.previous_id \
         JOIN notices b ON b.id = o.previous_id \
         WHERE r.level = 'red' AND o.level = 'orange' AND b.level = 'blue'",
    )
    .await;
    assert!(ladders > 0, "a full blue → orange → red ladder");
    assert!(count("SELECT COUNT(*) FROM summons").await > 0);
    assert!(count("SELECT COUNT(*) FROM notices WHERE acknowledged_at IS NOT NULL").await > 0);
    // Every printed unit login has notifications waiting.
    for login in ["yunxi.liaison", "zjj.liaison", "longtan.liaison"] {
        let n = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.username = $1 AND n.read_at IS NULL",
        )
        .bind(login)
        .fetch_one(&db)
        .await
        .expect("inbox");
        assert!(n > 0, "{login} has an inbox");
    }
    // The history keeps office hours on working days, and notices fall due on working days.
    let cal = WorkCalendar::china();
    let events: Vec<DateTime<Utc>> = sqlx::query_scalar("SELECT at FROM events")
        .fetch_all(&db)
        .await
        .expect("events");
    let off: Vec<_> = events
        .iter()
        .map(|t| (*t + Duration::hours(8)).date_naive())
        .filter(|d| !cal.is_working_day(*d))
        .collect();
    assert!(off.is_empty(), "events on days off: {off:?}");
    let dates: Vec<(NaiveDate, NaiveDate)> =
        sqlx::query_as("SELECT issued_on, deadline FROM notices")
            .fetch_all(&db)
            .await
            .expect("notices");
    for (issued, due) in dates {
        assert!(
            cal.is_working_day(issued) && cal.is_working_day(due),
            "{issued} → {due}"
        );
    }
    db.close().await;

    // The sweep's packed SQLite read (one text per page, parsed by hand for speed) returns
    // exactly what the typed query does, on every open assignment of the demo: all states,
    // nulls and cadences. A misparsed value would change the lights silently.
    let store = SqliteStore::open(&url.replace("?mode=ro", ""), Durability::Normal)
        .await
        .expect("open the store");
    let packed = store.sweep_rows(0, 100_000).await.expect("sweep rows");
    let typed: Vec<SweepRow> = sqlx::query_as(
        "SELECT a.id, a.item_id, a.unit_id, a.state, a.deadline, a.dispatched_at, a.progress, \
         a.last_report_at, a.returned_open, a.light, a.light_reason, i.cadence FROM assignments a \
         JOIN items i ON i.id = a.item_id WHERE a.state NOT IN ('done', 'withdrawn') ORDER BY a.id",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("typed rows");
    assert!(typed.len() > 300, "{} open assignments", typed.len());
    assert_eq!(format!("{packed:?}"), format!("{typed:?}"));

    // The same for the event log's packed read (what the rebuild and the audit replay):
    // every event of the demo, in pages that end mid-log, equal to the typed rows.
    let typed: Vec<EventRecord> = sqlx::query_as::<_, EventRow>(
        "SELECT seq, at, actor_user, actor_unit, kind, item_id, assignment_id, unit_id, \
         payload, prev_hash, hash FROM events ORDER BY seq",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("typed events")
    .into_iter()
    .map(Into::into)
    .collect();
    let mut packed: Vec<EventRecord> = Vec::new();
    loop {
        let after = packed.last().map_or(0, |e| e.seq);
        let page = store.events_after(after, 997).await.expect("events");
        if page.is_empty() {
            break;
        }
        packed.extend(page);
    }
    assert!(typed.len() > 1000, "{} events", typed.len());
    assert_eq!(packed, typed);
    // … and the replay's lean read of the same log, page by page, equal to the same rows.
    let mut lean: Vec<ReplayEvent> = Vec::new();
    loop {
        let after = lean.last().map_or(0, |e| e.seq);
        let page = store.replay_events_after(after, 997).await.expect("events");
        if page.is_empty() {
            break;
        }
        lean.extend(page);
    }
    let want: Vec<ReplayEvent> = typed
        .iter()
        .map(|e| ReplayEvent {
            seq: e.seq,
            at: e.at,
            kind: e.kind.clone(),
            item_id: e.item_id,
            assignment_id: e.assignment_id,
            payload: e.payload.clone(),
        })
        .collect();
    assert_eq!(lean, want);

    // The chain analytics of the demo: the tables the commands kept equal a replay of the
    // log (the real `ducha analytics rebuild --check`), and the findings list names the
    // story's culprits among its first twenty, with nothing the story did not put there.
    let check = tokio::task::spawn_blocking({
        let db = format!("sqlite://{}", data.join("ducha-demo.db").display());
        let cwd = data.clone();
        move || {
            crate::support::ducha(&cwd)
                .args(["analytics", "rebuild", "--check", "--database", &db])
                .env("RUST_LOG", "warn")
                .output()
                .expect("run the ducha binary")
        }
    })
    .await
    .expect("join");
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && said.starts_with("OK"), "{said}");
    let services = ducha_service::Services::new(
        std::sync::Arc::new(store),
        ducha_service::Config::default(),
        WorkCalendar::china(),
    );
    let sup = services
        .store
        .user_by_name("zf.ducha1")
        .await
        .expect("user")
        .expect("zf.ducha1");
    let sup = services.actor(sup.id).await.expect("actor");
    // The afternoon of the demo's today, 2026-11-27.
    let now = DateTime::parse_from_rfc3339("2026-11-27T17:00:00+08:00")
        .expect("time")
        .with_timezone(&Utc);
    let found = story_findings(&services, &sup, now).await;
    // The assessment: two months final, the latest open with appeals waiting; every point on
    // every card links to events of the log.
    let ro = SqlitePoolOptions::new()
        .connect(&url)
        .await
        .expect("open the demo database");
    let seqs: std::collections::HashSet<i64> = sqlx::query_scalar("SELECT seq FROM events")
        .fetch_all(&ro)
        .await
        .expect("events")
        .into_iter()
        .collect();
    let mut lines = 0;
    let mut finals = 0;
    // The units the published bulletins praise and criticise, scored in this month.
    let mut mentioned = BTreeSet::new();
    for period in ["2026-09", "2026-10", "2026-11"] {
        let board = services
            .score_board(&sup, None, period, None, now)
            .await
            .expect("board");
        finals += usize::from(board.is_final);
        let cards = services
            .score_cards(&sup, None, period, now)
            .await
            .expect("cards");
        assert_eq!(cards.len(), board.units.len());
        for card in &cards {
            let u = &card;
            let sum: f64 = card.lines.iter().map(|l| l.value).sum();
            assert!(
                (card.base + sum - card.total).abs() < 1e-6,
                "{period} {}",
                u.unit_name
            );
            for l in &card.lines {
                lines += 1;
                if l.line.rule_id.starts_with("bulletin-") {
                    mentioned.insert((period, l.line.rule_id.clone()));
                }
                assert!(
                    !l.line.events.is_empty(),
                    "{period} {} {:?}",
                    u.unit_name,
                    l.line
                );
                for e in &l.line.events {
                    assert!(seqs.contains(e), "{period}: event {e} of {:?}", l.line);
                }
            }
        }
    }
    assert_eq!(finals, 2, "September and October are final");
    assert_eq!(
        mentioned,
        [
            ("2026-11", "bulletin-criticism".to_string()),
            ("2026-11", "bulletin-praise".to_string()),
        ]
        .into(),
        "the bulletins published in November praise and criticise"
    );
    assert!(lines > 100, "{lines} lines");
    let pending = services
        .score_appeals(&sup, None, Some("2026-11"), now)
        .await
        .expect("appeals");
    assert!(pending.iter().filter(|a| a.state == "pending").count() >= 2);
    for period in ["2026-09", "2026-10"] {
        let decided = services
            .score_appeals(&sup, None, Some(period), now)
            .await
            .expect("appeals");
        let states: BTreeSet<&str> = decided.iter().map(|a| a.state.as_str()).collect();
        assert_eq!(states, ["accepted", "rejected"].into(), "{period}");
    }

    // The help finding's township is not blamed for the stall it waits out.
    assert!(
        !found
            .iter()
            .any(|f| f.unit_name == "长滩镇" && f.item_title == "农村饮水安全巩固提升"),
        "长滩镇 waits on 白河县农业农村局"
    );

    // Integrated supervision: the leading group sits; the next meeting's proposed agenda lists
    // the red and stalled items with their reasons; a decision of the last one became an item
    // dispatched through the chain; its minutes open in LibreOffice.
    let group = services.leading_group(&sup).await.expect("group");
    assert!(
        group.seats.len() >= 9,
        "head, deputy, two offices, five bodies"
    );
    let meetings = services.meetings(&sup).await.expect("meetings");
    let next = meetings
        .iter()
        .find(|m| m.state == "planned")
        .expect("an upcoming meeting");
    assert!(next.held_on > now.date_naive(), "it is still to come");
    let next = services.meeting(&sup, next.id, now).await.expect("next");
    assert!(next.lines.len() >= 5, "{} lines", next.lines.len());
    let kinds: BTreeSet<&str> = next
        .lines
        .iter()
        .flat_map(|l| l.reasons.iter().map(|r| r.kind()))
        .collect();
    for k in ["red_item", "stall"] {
        assert!(
            kinds.contains(k),
            "the agenda gives {k} as a reason: {kinds:?}"
        );
    }
    for l in &next.lines {
        assert!(
            !l.reasons.is_empty(),
            "line {} says why it is there",
            l.title
        );
        assert!(l.item_id.is_some());
    }
    let held = meetings
        .iter()
        .find(|m| m.state == "held")
        .expect("a held meeting");
    let held = services.meeting(&sup, held.id, now).await.expect("held");
    let decided: Vec<_> = held.lines.iter().flat_map(|l| &l.decisions).collect();
    let made = decided
        .iter()
        .find(|d| d.kind == "new_item")
        .and_then(|d| d.item_id)
        .expect("a decision that became an item");
    let item = services
        .store
        .item(made)
        .await
        .expect("read")
        .expect("item");
    assert_eq!(item.state.as_str(), "dispatched");
    assert!(item.number.is_some());
    let chain = services
        .store
        .assignments_of_item(made)
        .await
        .expect("chain");
    assert!(
        chain.iter().all(|a| a.signed_at.is_some()),
        "its units signed"
    );
    assert!(decided.iter().any(|d| d.kind == "deadline"));
    let (_, docx) = services
        .minutes_docx(&sup, held.meeting.id, ducha_domain::i18n::Lang::ZhCn, now)
        .await
        .expect("minutes");
    crate::office::check_docx_text(
        &docx,
        &["联席会议纪要", item.number.as_deref().unwrap_or("?")],
    );

    // The quarter's plans: one merged, one declined with a reason, a township over its budget,
    // an unplanned visit waiting, findings turned into rectification items under way.
    let q = ducha_service::joint::QuarterInput {
        quarter: Some("2026-Q4".into()),
        mine: false,
    };
    let b = services.burden(&sup, &q, now).await.expect("burden");
    let states: Vec<&str> = b.inspections.iter().map(|i| i.state.as_str()).collect();
    assert!(states.contains(&"merged") && states.contains(&"pending") && states.contains(&"done"));
    let withdrawn = b
        .inspections
        .iter()
        .find(|i| i.state == "cancelled")
        .expect("a plan its body withdrew");
    assert!(!withdrawn.comment.is_empty(), "with its reason");
    let overlaps: Vec<_> = b.inspections.iter().flat_map(|i| &i.overlaps).collect();
    assert!(overlaps.iter().any(|o| o.state == "merged"));
    assert!(
        overlaps
            .iter()
            .any(|o| o.state == "declined" && !o.reason.is_empty())
    );
    assert!(
        b.units
            .iter()
            .any(|u| u.name == "双河乡" && u.over.contains(&"visits".to_string())),
        "双河乡 is over its budget"
    );
    let done = b
        .inspections
        .iter()
        .find(|i| i.state == "done")
        .expect("done");
    let done = services.inspection(&sup, done.id, now).await.expect("done");
    assert_eq!(done.findings.len(), 2);
    for f in &done.findings {
        assert_eq!(
            f.item_state, "dispatched",
            "{} rectifies under the chain",
            f.text
        );
    }

    // NPC suggestions and CPPCC proposals: one session of each, every state present — one not
    // yet routed, one returned as wrongly routed, one extended, replies of every grade, a
    // dissatisfied deputy's suggestion handled again, a B grade's promise supervised as an
    // item — and statistics that count them.
    let sessions = services.proposal_sessions(&sup).await.expect("sessions");
    let kinds: BTreeSet<&str> = sessions.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["proposal", "suggestion"].into());
    for session in &sessions {
        let v = services
            .proposal_session(&sup, session.id)
            .await
            .expect("session");
        let name = &session.name;
        let states: BTreeSet<&str> = v.lines.iter().map(|l| l.state.as_str()).collect();
        assert_eq!(
            states,
            ["closed", "handling", "registered", "replied"].into(),
            "{name}"
        );
        assert!(
            v.lines
                .iter()
                .flat_map(|l| &l.units)
                .any(|u| u.state == "refusal_requested"),
            "{name}: one returned"
        );
        let mut grades = BTreeSet::new();
        let (mut extended, mut again, mut promised) = (false, false, false);
        for l in &v.lines {
            let d = services.proposal_detail(&sup, l.id).await.expect("detail");
            extended |= d.row.ext_state.as_deref() == Some("approved");
            again |= d.row.round > 1
                && d.row.state == "handling"
                && d.replies
                    .iter()
                    .any(|r| r.satisfaction.as_deref() == Some("dissatisfied"));
            for r in &d.replies {
                grades.insert(r.grade.clone());
                if let Some(item) = r.follow_item_id {
                    let item = services
                        .store
                        .item(item)
                        .await
                        .expect("read")
                        .expect("item");
                    promised |= r.grade == "b" && item.state.as_str() == "dispatched";
                }
            }
        }
        assert!(extended, "{name}: one extended");
        assert!(
            again,
            "{name}: one handled again after a dissatisfied deputy"
        );
        assert!(
            promised,
            "{name}: a B grade's promise supervised as an item"
        );
        assert_eq!(
            grades,
            ["a", "b", "c", "d"].map(String::from).into(),
            "{name}"
        );
        let st = services
            .proposal_stats(&sup, session.id, ducha_service::now())
            .await
            .expect("stats");
        let w = &st.whole;
        assert_eq!(w.total, i64::try_from(v.lines.len()).expect("count"));
        assert!(w.replied >= 5 && w.on_time >= 1, "{name}: {w:?}");
        assert!(w.on_time_rate.is_some_and(|r| r > 0.0), "{name}: {w:?}");
        let g = &w.grades;
        assert!(
            g.a >= 1 && g.b >= 1 && g.c >= 1 && g.d >= 1,
            "{name}: {w:?}"
        );
        assert!(
            w.satisfied >= 1 && w.basic >= 1 && w.dissatisfied >= 1 && w.rehandled >= 1,
            "{name}: {w:?}"
        );
        assert!(st.units.len() >= 5, "{name}: the units that handle them");
        // Each reply belongs to one unit: the units' lines add up to the session's.
        let sum = |f: fn(&ducha_service::proposals::StatsLine) -> i64| {
            st.units.iter().map(f).sum::<i64>()
        };
        assert_eq!(
            [
                sum(|u| u.replies),
                sum(|u| u.grades.a),
                sum(|u| u.grades.b),
                sum(|u| u.grades.c)
            ],
            [w.replies, g.a, g.b, g.c],
            "{name}"
        );
        assert_eq!(
            [
                sum(|u| u.grades.d),
                sum(|u| u.satisfied),
                sum(|u| u.dissatisfied)
            ],
            [g.d, w.satisfied, w.dissatisfied],
            "{name}"
        );
    }

    // The assessment's facts the demo's commits kept are exactly what the rows give, for the
    // whole city and for each county, in every month, quarter and the year.
    let store = SqliteStore::open(
        &format!("sqlite://{}", data.join("ducha-demo.db").display()),
        Durability::Normal,
    )
    .await
    .expect("open the store");
    let roots: Vec<ducha_domain::org::UnitPath> = sqlx::query_scalar::<_, String>(
        "SELECT path FROM units WHERE parent_id IS NULL OR kind = 'county' ORDER BY path",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("roots")
    .into_iter()
    .map(ducha_domain::org::UnitPath::from_stored)
    .collect();
    assert!(crate::assessment::facts_kept_exactly(&store, &roots, 2026).await > 0);
}
