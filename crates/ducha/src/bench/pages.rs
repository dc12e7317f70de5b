//! Page render times: the register page (`/items`), the item page (`/items/{id}`) and the
//! workbench (`/workbench`, and one whole list of it) requested through the whole application
//! router in this process with `tower::ServiceExt::oneshot` — middleware, session lookup, use
//! cases, queries and templates, up to the last byte of the body — without sockets, so the
//! figure is server time. Pages are asked for by URL, so the
//! measurement follows whichever handler serves them.

use super::Latency;
use super::city::{City, Rng};
use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use ducha_domain::item::{ItemInput, Target};
use ducha_domain::report::ReportInput;
use ducha_http::{AppState, HttpConfig};
use ducha_service::Services;
use ducha_service::assignments::SignInput;
use ducha_service::items::{AssignmentInput, DispatchInput, ListInput};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration as Elapsed, Instant};
use tower::ServiceExt;

/// Items dispatched to every county and decomposed to every township, each township reporting
/// once: the largest assignment trees of the city, as a city-wide campaign makes them.
const CAMPAIGNS: usize = 2;

/// Requests before timing, per page, so that caches are as warm as a serving node's.
const WARM_UP: usize = 10;

/// One measured page as one user.
#[derive(Debug, Serialize)]
pub struct PageTiming {
    /// What was requested: `register`, `register, filter + keyword`, `item page, typical`,
    /// `item page, largest trees`, `workbench`, `workbench, a whole list`, and for the
    /// supervisor the dashboard's data.
    pub page: &'static str,
    /// `supervisor` (sees the whole city or province), `county liaison`, and in the province
    /// `city liaison` and `township liaison`.
    pub user: &'static str,
    /// Mean size of the HTML in bytes.
    pub bytes: usize,
    /// Server time per request.
    pub latency: Latency,
}

/// The page phase's results.
#[derive(Debug, Serialize)]
pub struct PageTimes {
    /// How the time was taken.
    pub method: &'static str,
    /// Assignments in each of the largest trees (the campaign items).
    pub largest_tree_assignments: Vec<usize>,
    /// Per page and user.
    pub pages: Vec<PageTiming>,
}

/// Builds a campaign item: dispatched to every county, each county handing it to all its
/// townships (up to the 100 a dispatch allows), every township signing and reporting once.
async fn campaign(s: &Services, city: &City, n: usize) -> anyhow::Result<(i64, usize)> {
    let err = |e: ducha_service::ServiceError| anyhow::anyhow!("{e:?}");
    let now = ducha_service::now;
    let sup = s.actor(city.sup).await.map_err(err)?;
    let lead = s.actor(city.lead).await.map_err(err)?;
    let today = s.today(now());
    let input = ItemInput {
        title: format!("全市安全生产大检查（第{n}轮）"),
        description: "各县区组织乡镇开展拉网式排查，逐项整改销号。".into(),
        source: "key_work".into(),
        category: "central_work".into(),
        priority: Some("urgent".into()),
        targets: vec![Target {
            name: "排查企业".into(),
            unit: "家".into(),
            value: 500.0,
        }],
        deadline: Some(today + Duration::days(90)),
        deadline_working_days: None,
        cadence: None,
        leader_id: None,
        public: true,
    };
    let id = s.create_item(&sup, &input, now()).await.map_err(err)?.id;
    s.submit_item(&sup, id, now()).await.map_err(err)?;
    s.approve_item(&lead, id, "", now()).await.map_err(err)?;
    let to = |units: &mut dyn Iterator<Item = i64>| DispatchInput {
        assignments: units
            .enumerate()
            .map(|(i, u)| AssignmentInput {
                unit_id: u,
                role: if i == 0 { "lead" } else { "co" }.into(),
                deadline: None,
                deadline_working_days: None,
                targets: None,
                instructions: "按方案组织排查，每周报送进展。".into(),
                responsible_user_id: None,
            })
            .collect(),
    };
    let counties = s
        .dispatch_item(&sup, id, &to(&mut city.counties.iter().copied()), now())
        .await
        .map_err(err)?
        .ids;
    let mut count = counties.len();
    let sign = SignInput::default();
    for (&aid, &county) in counties.iter().zip(&city.counties) {
        let liaison = s.actor(city.liaison[&county]).await.map_err(err)?;
        s.sign_assignment(&liaison, aid, &sign, now())
            .await
            .map_err(err)?;
        let towns: Vec<i64> = city
            .townships
            .iter()
            .filter(|(_, c)| *c == county)
            .map(|(t, _)| *t)
            .take(100)
            .collect();
        // A small city (the CI smoke run) may give a county no township to hand work to.
        if towns.is_empty() {
            continue;
        }
        let ids = s
            .decompose_assignment(&liaison, aid, &to(&mut towns.iter().copied()), now())
            .await
            .map_err(err)?
            .ids;
        count += ids.len();
        for (tid, town) in ids.into_iter().zip(towns) {
            let liaison = s.actor(city.liaison[&town]).await.map_err(err)?;
            s.sign_assignment(&liaison, tid, &sign, now())
                .await
                .map_err(err)?;
            let report = ReportInput {
                text: format!(
                    "已排查辖区企业{}家，发现隐患{}处，已整改{}处。",
                    40 + town % 30,
                    town % 7,
                    town % 5
                ),
                percent: Some(30 + town % 50),
                problems: if town % 4 == 0 {
                    "部分企业停产，需县级协调复查时间。".into()
                } else {
                    String::new()
                },
                ..ReportInput::default()
            };
            s.submit_report(&liaison, tid, &report, now())
                .await
                .map_err(err)?;
        }
    }
    Ok((id, count))
}

/// Logs `username` in through the router; returns the `Cookie` header of the session.
async fn login(app: &axum::Router, username: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({ "username": username, "password": "Bench2026pass" });
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?;
    let res = app.clone().oneshot(req).await?;
    if res.status() != StatusCode::OK {
        bail!("login of {username}: {}", res.status());
    }
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    Ok(cookies.join("; "))
}

/// One page request, timed to the last byte of its body.
async fn get(app: &axum::Router, cookie: &str, path: &str) -> anyhow::Result<(Elapsed, usize)> {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .body(Body::empty())?;
    let t = Instant::now();
    let res = app.clone().oneshot(req).await?;
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    let took = t.elapsed();
    if status != StatusCode::OK {
        bail!(
            "GET {path}: {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        );
    }
    Ok((took, body.len()))
}

/// Times `samples` requests of the paths, round-robin, after a warm-up.
async fn measure(
    app: &axum::Router,
    cookie: &str,
    paths: &[String],
    samples: usize,
) -> anyhow::Result<(Latency, usize)> {
    if paths.is_empty() {
        bail!("no page to measure");
    }
    for p in paths.iter().cycle().take(WARM_UP) {
        get(app, cookie, p).await?;
    }
    let mut lat = Vec::with_capacity(samples);
    let mut bytes = 0;
    for p in paths.iter().cycle().take(samples) {
        let (took, n) = get(app, cookie, p).await?;
        lat.push(took);
        bytes += n;
    }
    Ok((Latency::of(lat), bytes / samples.max(1)))
}

/// Builds the campaign items, then times the pages as the supervisor and as a county liaison.
pub async fn run(s: &Services, city: &City, samples: usize) -> anyhow::Result<PageTimes> {
    let mut campaigns = Vec::new();
    for n in 1..=CAMPAIGNS {
        campaigns.push(campaign(s, city, n).await.context("campaign item")?);
    }
    let county = *city.counties.first().context("no county")?;
    let users = [
        Viewer {
            who: "supervisor",
            username: "sup".to_string(),
            user_id: city.sup,
            whole_list: "/workbench/progress_to_review",
            sees_largest: true,
        },
        Viewer {
            who: "county liaison",
            username: format!("liaison{county}"),
            user_id: city.liaison[&county],
            whole_list: "/workbench/to_sign",
            sees_largest: true,
        },
    ];
    let largest: Vec<i64> = campaigns.iter().map(|(id, _)| *id).collect();
    Ok(PageTimes {
        method: METHOD,
        largest_tree_assignments: campaigns.iter().map(|(_, n)| *n).collect(),
        pages: time_pages(s, &users, &largest, samples).await?,
    })
}

/// How the page times are taken.
pub const METHOD: &str = "in-process: the application router called with \
                          tower::ServiceExt::oneshot, timed from the request to the last byte \
                          of the body (no sockets)";

/// A user whose pages are timed.
pub struct Viewer {
    /// How the figures name the user (`supervisor`, `county liaison`, …).
    pub who: &'static str,
    /// The login name (password `Bench2026pass`).
    pub username: String,
    /// The user's id.
    pub user_id: i64,
    /// The workbench list timed whole (one the user has).
    pub whole_list: &'static str,
    /// Whether the user sees the largest items (their pages are timed for this user too).
    pub sees_largest: bool,
}

/// Times the register (plain and filtered), a sample of the user's items, the `largest`
/// items, the workbench and one whole list of it for each user, and the dashboard's data for
/// the first (the supervisor), through the application router.
pub async fn time_pages(
    s: &Services,
    users: &[Viewer],
    largest: &[i64],
    samples: usize,
) -> anyhow::Result<Vec<PageTiming>> {
    let app = ducha_http::router(AppState {
        services: s.clone(),
        http: Arc::new(HttpConfig {
            secure_cookies: false,
            access_log: false,
        }),
    });
    let mut pages = Vec::new();
    for (k, viewer) in users.iter().enumerate() {
        let who = viewer.who;
        let cookie = login(&app, &viewer.username).await?;
        // Typical items: a deterministic sample of what the user's register lists.
        let actor = s
            .actor(viewer.user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut visible = Vec::new();
        let mut input = ListInput {
            limit: Some(200),
            ..ListInput::default()
        };
        while visible.len() < 2000 {
            let page = s
                .list_items(&actor, &input)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            visible.extend(page.items.iter().map(|i| i.id));
            match page.next_cursor {
                Some(c) => input.after = Some(c),
                None => break,
            }
        }
        let mut rng = Rng::new(11);
        let typical: Vec<String> = if visible.is_empty() {
            Vec::new()
        } else {
            (0..50)
                .map(|_| format!("/items/{}", visible[rng.below(visible.len())]))
                .collect()
        };
        let largest: Vec<String> = largest.iter().map(|id| format!("/items/{id}")).collect();
        let register = vec!["/items".to_string()];
        let filtered = vec![
            // 整治 (a two-character keyword) in dispatched items; 停车 in green ones by deadline.
            "/items?state=dispatched&q=%E6%95%B4%E6%B2%BB".to_string(),
            "/items?light=green&q=%E5%81%9C%E8%BD%A6&sort=deadline".to_string(),
        ];
        let mut pages_of_user = vec![
            ("register", register),
            ("register, filter + keyword", filtered),
            ("item page, typical", typical),
            ("workbench", vec!["/workbench".to_string()]),
            (
                "workbench, a whole list",
                vec![viewer.whole_list.to_string()],
            ),
        ];
        if viewer.sees_largest {
            pages_of_user.insert(3, ("item page, largest trees", largest));
        }
        if k == 0 {
            // The leader's dashboard: its JSON answer (what the page and the wall screen fetch).
            pages_of_user.push((
                "cockpit data (/api/v1/cockpit)",
                vec!["/api/v1/cockpit".into()],
            ));
        }
        // A user who sees no item has no item page to time.
        pages_of_user.retain(|(_, paths)| !paths.is_empty());
        for (page, paths) in pages_of_user {
            let (latency, bytes) = measure(&app, &cookie, &paths, samples).await?;
            eprintln!(
                "[pages] {page} as {who}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {} KB",
                latency.p50_ms,
                latency.p95_ms,
                latency.p99_ms,
                bytes / 1024
            );
            pages.push(PageTiming {
                page,
                user: who,
                bytes,
                latency,
            });
        }
    }
    Ok(pages)
}
