//! Story (g): the register's filters and keyset pagination.

use crate::helpers::{Session, TestApp, in_days};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

crate::on_both_backends!(list_filters_and_paging);

/// Follows `next_cursor` from the first page to the last; returns the pages.
async fn all_pages(s: &Session, params: &[(&str, &str)]) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut p: Vec<(&str, &str)> = params.to_vec();
        if let Some(c) = &after {
            p.push(("after", c.as_str()));
        }
        let page = s.list(&p).await.ok();
        let items = page["items"].as_array().expect("items").clone();
        pages.push(items);
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_string()),
            None => break,
        }
        assert!(pages.len() <= 100, "paging does not end");
    }
    pages
}

fn item_ids(pages: &[Vec<Value>]) -> Vec<i64> {
    pages
        .iter()
        .flatten()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

async fn list_filters_and_paging(app: &TestApp) {
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;

    // 30 drafts; every third about parking (停车), with deadlines that often tie.
    let mut created: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for i in 0..30u64 {
        let title = if i % 3 == 0 {
            format!("第{i}项 城区停车设施建设")
        } else {
            format!("第{i}项 农村公路养护")
        };
        let deadline = in_days(10 + (i * 7) % 5);
        let r = sup
            .post(
                "/items",
                json!({ "title": title, "source": "key_work", "category": "central_work",
                        "deadline": deadline }),
            )
            .await
            .ok();
        created.insert(r["id"].as_i64().expect("id"), (title, deadline.to_string()));
    }
    let all: Vec<i64> = created.keys().copied().collect();
    // Six of them go to the leader.
    let submitted: BTreeSet<i64> = all.iter().copied().step_by(5).collect();
    for id in &submitted {
        sup.post(&format!("/items/{id}/submit"), json!({}))
            .await
            .ok();
    }

    // Newest first, seven at a time: every item exactly once, ids descending.
    let pages = all_pages(&sup, &[("limit", "7")]).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        [7, 7, 7, 7, 2]
    );
    let ids = item_ids(&pages);
    let mut newest_first = all.clone();
    newest_first.reverse();
    assert_eq!(ids, newest_first);

    // By deadline, seven at a time: every item exactly once, ordered by (deadline, id), across
    // pages that end in the middle of a run of equal deadlines.
    let pages = all_pages(&sup, &[("sort", "deadline"), ("limit", "7")]).await;
    let ids = item_ids(&pages);
    assert_eq!(ids.len(), all.len());
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        all.len(),
        "no duplicates"
    );
    let mut expected = all.clone();
    expected.sort_by_key(|id| (created[id].1.clone(), *id));
    assert_eq!(ids, expected);
    for page in &pages {
        for i in page {
            let id = i["id"].as_i64().expect("id");
            assert_eq!(i["deadline"], created[&id].1);
            assert_eq!(i["title"], created[&id].0);
        }
    }
    let last_of_first = &pages[0][6]["deadline"];
    assert_eq!(
        &pages[1][0]["deadline"], last_of_first,
        "the first page boundary falls inside a run of equal deadlines"
    );

    // A two-character Chinese keyword, also across pages.
    let parking: Vec<i64> = all
        .iter()
        .copied()
        .filter(|id| created[id].0.contains("停车"))
        .collect();
    assert_eq!(parking.len(), 10);
    let mut got = item_ids(&all_pages(&sup, &[("q", "停车"), ("limit", "3")]).await);
    got.sort_unstable();
    assert_eq!(got, parking);
    let got = item_ids(&all_pages(&sup, &[("q", "停车设施建设")]).await);
    assert_eq!(got.len(), 10);
    let got = item_ids(&all_pages(&sup, &[("q", "地铁")]).await);
    assert!(got.is_empty());
    // LIKE wildcards in the keyword are taken literally.
    let got = item_ids(&all_pages(&sup, &[("q", "%")]).await);
    assert!(got.is_empty(), "a literal % matches no title");

    // State filters.
    let mut got = item_ids(&all_pages(&sup, &[("state", "pending_approval")]).await);
    got.sort_unstable();
    assert_eq!(got, submitted.iter().copied().collect::<Vec<_>>());
    let got = item_ids(&all_pages(&sup, &[("state", "draft"), ("limit", "4")]).await);
    assert_eq!(got.len(), all.len() - submitted.len());
    assert!(got.iter().all(|id| !submitted.contains(id)));
    assert!(item_ids(&all_pages(&sup, &[("state", "dispatched")]).await).is_empty());
    // Filters combine.
    let mut got = item_ids(&all_pages(&sup, &[("state", "pending_approval"), ("q", "停车")]).await);
    got.sort_unstable();
    let expected: Vec<i64> = parking
        .iter()
        .copied()
        .filter(|id| submitted.contains(id))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    // Deadline range.
    let first_deadline = created[&expected_first(&created)].1.clone();
    let got = item_ids(
        &all_pages(
            &sup,
            &[
                ("deadline_from", first_deadline.as_str()),
                ("deadline_to", first_deadline.as_str()),
            ],
        )
        .await,
    );
    let same_day = created
        .values()
        .filter(|(_, d)| *d == first_deadline)
        .count();
    assert_eq!(got.len(), same_day);

    // The leader sees the whole register; a county sees only what was dispatched to it.
    assert_eq!(item_ids(&all_pages(&leader, &[]).await).len(), all.len());
    assert!(item_ids(&all_pages(&county, &[]).await).is_empty());
    let dispatched = *submitted.iter().next().expect("a submitted item");
    leader
        .post(&format!("/items/{dispatched}/approve"), json!({}))
        .await
        .ok();
    sup.post(
        &format!("/items/{dispatched}/dispatch"),
        json!({ "assignments": [{ "unit_id": app.org.county_a, "role": "lead" }] }),
    )
    .await
    .ok();
    assert_eq!(item_ids(&all_pages(&county, &[]).await), [dispatched]);
    let page = county.list(&[("state", "dispatched")]).await.ok();
    let number = page["items"][0]["number"].as_str().expect("number");
    assert!(
        number.starts_with("督〔") && number.ends_with("1号"),
        "{number}"
    );
    // The official number is searchable too.
    assert_eq!(
        item_ids(&all_pages(&sup, &[("q", number)]).await),
        [dispatched]
    );
    let got =
        item_ids(&all_pages(&sup, &[("unit_id", app.org.county_a.to_string().as_str())]).await);
    assert_eq!(got, [dispatched]);
}

/// The item with the earliest deadline (lowest id among equals).
fn expected_first(created: &BTreeMap<i64, (String, String)>) -> i64 {
    *created
        .iter()
        .min_by_key(|(id, (_, d))| (d.clone(), **id))
        .expect("items")
        .0
}
