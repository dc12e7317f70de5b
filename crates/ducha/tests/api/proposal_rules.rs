//! Rules of routing, returns and replies of NPC suggestions on both backends: double
//! submissions, the only lead's return, rounds handled again, reads from above, split handling.

use crate::helpers::TestApp;
use crate::proposals::{at, good_row, input, invalid, sheet};
use ducha_service::ServiceError;
use serde_json::json;

crate::on_both_backends!(routing_rules);

/// Rules of routing and returns: a second submission of the same routing dispatches nothing
/// more; the return of the only lead is upheld only with a unit that leads instead; a round of
/// handling again cannot be returned; a unit above the handling unit reads the suggestion.
async fn routing_rules(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let sup = s.actor(o.users.sup).await.expect("actor");
    let county_a = s.actor(o.users.county_a).await.expect("actor");
    let town = s.actor(o.users.town_a1).await.expect("actor");
    let now = at(2026, 3, 2, 9);
    let session = s
        .open_proposal_session(
            &sup,
            &input(json!({ "kind": "suggestion", "name": "市十七届人大七次会议", "year": 2027 })),
            now,
        )
        .await
        .expect("session")
        .id;
    let rows: Vec<Vec<String>> = (21..=23).map(good_row).collect();
    let ids = s
        .import_proposals(&sup, session, &sheet(&rows), now)
        .await
        .expect("import")
        .ids;

    // The same routing sent twice at once: one is taken, the other refused, one item exists.
    let route = input::<ducha_service::proposals::RouteInput>(json!({ "lead_unit_id": o.town_a1 }));
    let (first, second) = tokio::join!(
        s.route_proposal(&sup, ids[0], &route, now),
        s.route_proposal(&sup, ids[0], &route, now)
    );
    assert_eq!(
        u8::from(first.is_ok()) + u8::from(second.is_ok()),
        1,
        "{first:?} {second:?}"
    );
    assert_eq!(
        app.db
            .text("SELECT CAST(COUNT(*) AS TEXT) FROM items WHERE title LIKE '建议第21号%'")
            .await,
        "1"
    );
    let d = s.proposal_detail(&sup, ids[0]).await.expect("detail");
    assert_eq!(d.line.units.len(), 1);
    assert_eq!(d.line.units[0].unit_id, o.town_a1);
    // 东城县, above the township that handles it, reads it and finds the session.
    assert!(s.proposal_detail(&county_a, ids[0]).await.is_ok());
    assert!(
        s.proposal_sessions(&county_a)
            .await
            .expect("list")
            .iter()
            .any(|x| x.id == session)
    );

    // The township returns it; upholding the return of the only lead needs a unit instead.
    let returned = s
        .return_proposal(
            &town,
            ids[0],
            &input(json!({ "text": "不属本镇职责" })),
            at(2026, 3, 3, 9),
        )
        .await
        .expect("return")
        .id;
    let head = app.head_seq().await;
    invalid(
        s.decide_proposal_return(
            &sup,
            ids[0],
            &input(json!({ "refusal_id": returned, "approve": true })),
            at(2026, 3, 4, 9),
        )
        .await,
        "proposal.reassign_needed",
    );
    assert_eq!(
        app.head_seq().await,
        head,
        "a refused decision writes nothing"
    );
    s.decide_proposal_return(
        &sup,
        ids[0],
        &input(json!({ "refusal_id": returned, "approve": true, "reassign_to": o.dept })),
        at(2026, 3, 4, 9),
    )
    .await
    .expect("reassign");
    // The township, withdrawn, no longer reads it; the department does.
    assert!(matches!(
        s.proposal_detail(&town, ids[0]).await,
        Err(ServiceError::NotFound)
    ));

    // A dissatisfied proposer's second round cannot be returned.
    let dept = s.actor(o.users.dept).await.expect("actor");
    s.reply_proposal(
        &dept,
        ids[0],
        &input(json!({ "text": "答复", "grade": "c" })),
        at(2026, 3, 20, 9),
    )
    .await
    .expect("reply");
    let reply = s
        .proposal_detail(&sup, ids[0])
        .await
        .expect("detail")
        .replies[0]
        .id;
    // Rated twice at once: one rating, one second round, one item for it.
    let rate = input::<ducha_service::proposals::RateInput>(
        json!({ "reply_id": reply, "satisfaction": "dissatisfied", "note": "未解决" }),
    );
    let (first, second) = tokio::join!(
        s.rate_reply(&sup, ids[0], &rate, at(2026, 3, 25, 9)),
        s.rate_reply(&sup, ids[0], &rate, at(2026, 3, 25, 9))
    );
    assert_eq!(
        u8::from(first.is_ok()) + u8::from(second.is_ok()),
        1,
        "{first:?} {second:?}"
    );
    assert_eq!(
        app.db
            .text("SELECT CAST(COUNT(*) AS TEXT) FROM items WHERE title LIKE '建议第21号（重新办理）%'")
            .await,
        "1"
    );
    let d = s.proposal_detail(&sup, ids[0]).await.expect("detail");
    assert_eq!((d.row.round, d.line.units.len()), (2, 1));
    assert_eq!(d.line.units[0].return_by, None);
    invalid(
        s.return_proposal(
            &dept,
            ids[0],
            &input(json!({ "text": "再次退回" })),
            at(2026, 3, 26, 9),
        )
        .await,
        "proposal.no_return_again",
    );

    // Split handling (分办): two units each lead a part and reply at once; the suggestion is
    // replied once both have, whatever the order the replies land in.
    let county_b = s.actor(o.users.county_b).await.expect("actor");
    s.route_proposal(
        &sup,
        ids[1],
        &input(json!({ "mode": "split", "lead_unit_id": o.county_a,
                       "co_unit_ids": [o.county_b] })),
        now,
    )
    .await
    .expect("split");
    let d = s.proposal_detail(&sup, ids[1]).await.expect("detail");
    assert_eq!(
        d.line
            .units
            .iter()
            .map(|u| (u.unit_id, u.role.as_str()))
            .collect::<Vec<_>>(),
        [(o.county_a, "lead"), (o.county_b, "lead")]
    );
    let reply = input::<ducha_service::proposals::ReplyInput>(
        json!({ "text": "本县部分已办结", "grade": "a" }),
    );
    let (first, second) = tokio::join!(
        s.reply_proposal(&county_a, ids[1], &reply, at(2026, 4, 1, 9)),
        s.reply_proposal(&county_b, ids[1], &reply, at(2026, 4, 1, 9))
    );
    first.expect("county a replies");
    second.expect("county b replies");
    let d = s.proposal_detail(&sup, ids[1]).await.expect("detail");
    assert_eq!((d.row.state.as_str(), d.replies.len()), ("replied", 2));
    let item = app
        .services
        .store
        .item(d.row.item_id.expect("item"))
        .await
        .expect("item")
        .expect("item");
    assert_eq!(item.state.as_str(), "closed");
}
