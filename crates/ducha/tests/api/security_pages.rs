//! The three admins' pages (三员分立) as a browser uses them: each sidebar leads only to pages
//! its admin can use, each workbench shows the admin's own work, the security admin unlocks,
//! ends sessions and revokes tokens from their page, the audit admin reads the security log,
//! and none of them reads business content.

use crate::helpers::{Session, TestApp};
use ducha_domain::i18n::{Lang, t};
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(
    sidebars_lead_only_to_usable_pages,
    security_admin_manages_locks_sessions_and_tokens,
    audit_admin_reads_the_log_page,
);

fn zh(key: &str) -> &str {
    t(key, Lang::ZhCn)
}

/// The links of a page's sidebar.
fn sidebar(html: &str) -> Vec<String> {
    let nav = html
        .split_once("<nav aria-label=")
        .and_then(|(_, rest)| rest.split_once("</nav>"))
        .map_or("", |(nav, _)| nav);
    nav.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split_once('"').map(|(h, _)| h.to_string()))
        .collect()
}

async fn sidebars_lead_only_to_usable_pages(app: &TestApp) {
    for (who, own) in [
        ("sysadmin", "/admin"),
        ("secadmin", "/security"),
        ("auditadmin", "/security-log"),
    ] {
        let s = app.login(who).await;
        let (status, html) = s.page("/workbench").await;
        assert_eq!(status, StatusCode::OK, "{who}");
        let links = sidebar(&html);
        // Their own page, and their account's two-factor enrolment (required of the admins).
        assert_eq!(
            links,
            ["/workbench", own, "/account/security"],
            "{who}: {links:?}"
        );
        for link in &links {
            let (status, _) = s.page(link).await;
            assert_eq!(status, StatusCode::OK, "{who} {link}");
        }
        // The others' pages are refused (the security admin still reads the users page,
        // where the system admin's forms are hidden, to tell accounts apart).
        for other in ["/admin", "/security", "/security-log"] {
            if other != own && (who, other) != ("secadmin", "/admin") {
                let (status, _) = s.page(other).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{who} {other}");
            }
        }
        // No business content, in pages or the API.
        for page in [
            "/items",
            "/proposals",
            "/analytics",
            "/assessment",
            "/joint",
        ] {
            let (status, _) = s.page(page).await;
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{who} {page}: {status}"
            );
        }
        for path in [
            "/items",
            "/help-requests",
            "/proposals/sessions",
            "/analytics/stall-map",
            "/assessment/scores?period=2026",
            "/joint/meetings",
        ] {
            let r = s.get(path).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{who} GET {path}: {} {}",
                r.status,
                r.body
            );
        }
    }
    // Everyone else keeps the business pages and never sees an admin page.
    let sup = app.login("sup").await;
    let (_, html) = sup.page("/workbench").await;
    let links = sidebar(&html);
    assert!(links.contains(&"/items".to_string()), "{links:?}");
    assert!(
        !links
            .iter()
            .any(|l| l.starts_with("/admin") || l.starts_with("/security"))
    );
}

async fn security_admin_manages_locks_sessions_and_tokens(app: &TestApp) {
    let u = &app.org.users;
    for _ in 0..5 {
        app.try_login("town_a1", "wrong-password-1").await;
    }
    let secadmin = app.login("secadmin").await;
    // The workbench tells of the locked account at once.
    let (_, html) = secadmin.page("/workbench").await;
    assert!(html.contains(zh("wb.admin_locked")), "{html}");
    assert!(
        html.contains(&format!("/security#locked-{}", u.town_a1)),
        "{html}"
    );
    let (_, html) = secadmin.page("/security").await;
    assert!(html.contains(&format!("id=\"locked-{}\"", u.town_a1)));
    for key in [
        "ui.secadmin_sessions",
        "ui.secadmin_tokens",
        "ui.secadmin_policies",
        "ui.policy_lockout",
    ] {
        assert!(html.contains(zh(key)), "{key}");
    }
    let (status, html) = secadmin
        .form_page(&format!("/security/users/{}/unlock", u.town_a1), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(zh("toast.unlocked")), "{html}");
    assert!(!html.contains(&format!("id=\"locked-{}\"", u.town_a1)));
    // A session ended from the page is over.
    let town = app.login("town_a1").await;
    let token = town.post("/tokens", json!({ "name": "终端" })).await.ok();
    let (_, html) = secadmin.page("/security").await;
    let hash = session_id(&html, "town_a1");
    let (status, html) = secadmin
        .form_page("/security/sessions/end", &[("id", &hash)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(zh("toast.session_ended")));
    town.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    // A token revoked from the page stops working.
    assert!(
        html.contains(&format!("id=\"token-{}\"", token["id"])),
        "{html}"
    );
    let (status, html) = secadmin
        .form_page(&format!("/security/tokens/{}/revoke", token["id"]), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(zh("toast.token_revoked")));
    let bearer = format!("Bearer {}", token["token"].as_str().expect("secret"));
    app.anonymous()
        .send(
            reqwest::Method::GET,
            "/me",
            None,
            false,
            &[("authorization", &bearer)],
        )
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    // Nobody else uses these forms; a form without its token is refused.
    let sysadmin = app.login("sysadmin").await;
    let (status, _) = sysadmin
        .form_page(&format!("/security/tokens/{}/revoke", token["id"]), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let status = secadmin
        .form(&format!("/security/users/{}/unlock", u.town_a1), &[], false)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Ending a session that does not exist is "not found".
    let (status, _) = secadmin
        .form_page("/security/sessions/end", &[("id", "nope")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The hidden id of `username`'s session on the security admin's page.
fn session_id(html: &str, username: &str) -> String {
    let row = html
        .split(&format!("<tr data-user=\"{username}\">"))
        .nth(1)
        .expect("the session's row");
    row.split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the session's id")
        .to_string()
}

async fn audit_admin_reads_the_log_page(app: &TestApp) {
    app.try_login("county_b", "wrong-password-1").await;
    let audit: Session = app.login("auditadmin").await;
    let (status, html) = audit.page("/security-log").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-kind=\"login.failed\""), "{html}");
    assert!(html.contains("county_b 登录失败"), "{html}");
    assert!(html.contains("127.0.0.1"));
    let (_, html) = audit.page("/security-log?kind=login.succeeded").await;
    assert!(!html.contains("data-kind=\"login.failed\""));
    assert!(html.contains("data-kind=\"login.succeeded\""));
    let (_, html) = audit.page("/workbench").await;
    assert!(html.contains(zh("wb.admin_today")), "{html}");
    // A bad day is named, not a crash.
    let (status, _) = audit.page("/security-log?day=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
