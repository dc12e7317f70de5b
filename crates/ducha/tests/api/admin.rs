//! Separated admin roles (三员分立) through the API, and who approves an item's registration.

use crate::helpers::{PASSWORD, TestApp, assert_fields, draft_item, id, in_days};
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(
    admin_accounts,
    named_leader_approves,
    lock_ends,
    concurrent_failures_lock,
    no_store,
    admins_read_no_help_requests
);

/// A new password that passes the policy.
const NEW_PASSWORD: &str = "Reset2026ducha";

/// The system admin makes business users but no admin accounts and resets only business
/// users' passwords (ending their sessions); only the security admin lifts a login lock.
async fn admin_accounts(app: &TestApp) {
    let o = &app.org;
    let u = &o.users;
    let sysadmin = app.login("sysadmin").await;
    let secadmin = app.login("secadmin").await;
    let user = |username: &str, roles: &[&str]| {
        json!({ "username": username, "display_name": "新账号", "unit_id": o.city,
                "roles": roles, "password": PASSWORD })
    };

    // Admin accounts are made at the console only, alone or mixed with a business role.
    for roles in [
        &["audit_admin"][..],
        &["security_admin"],
        &["system_admin"],
        &["liaison", "audit_admin"],
    ] {
        let e = app
            .rejected(
                &[],
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation.admin_roles_console",
                sysadmin.post("/users", user("admin2", roles)),
            )
            .await;
        assert_fields(&e, &[("roles", "validation.admin_roles_console")]);
    }
    // A business user is fine.
    let head = app.head_seq().await;
    let created = sysadmin
        .post("/users", user("liaison2", &["liaison"]))
        .await
        .ok();
    assert!(id(&created) > 0);
    assert_eq!(app.head_seq().await, head + 1);

    // Admin accounts' passwords are reset at the console only: also the system admin's own.
    for target in [u.secadmin, u.sysadmin] {
        app.rejected(
            &[],
            StatusCode::FORBIDDEN,
            "error.forbidden",
            sysadmin.post(
                &format!("/users/{target}/password"),
                json!({ "password": NEW_PASSWORD }),
            ),
        )
        .await;
    }
    assert_eq!(
        app.try_login("secadmin", PASSWORD).await.status,
        StatusCode::OK
    );

    // A business user's reset ends the sessions that held the old password.
    let dept = app.login("dept").await;
    let dept_again = app.login("dept").await;
    dept.get("/me").await.ok();
    sysadmin
        .post(
            &format!("/users/{}/password", u.dept),
            json!({ "password": NEW_PASSWORD }),
        )
        .await
        .ok();
    for old in [&dept, &dept_again] {
        old.get("/me")
            .await
            .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    }
    app.try_login("dept", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    // The new password opens only the first-login change: the user chooses their own.
    let r = app.try_login("dept", NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["need"], "password_change");
    // Other users' sessions are untouched.
    sysadmin.get("/me").await.ok();

    // Five wrong passwords lock county B's liaison; then even the right one is refused, with
    // the answer a wrong password or an unknown name gets (no status tells names apart).
    for _ in 1..=5 {
        app.try_login("county_b", "Wrong2026ducha")
            .await
            .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    }
    app.try_login("county_b", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    // Not the system admin's to lift, nor a business user's.
    let unlock = format!("/users/{}/unlock", u.county_b);
    app.rejected(
        &[],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        sysadmin.post(&unlock, json!({})),
    )
    .await;
    let sup = app.login("sup").await;
    app.rejected(
        &[],
        StatusCode::NOT_FOUND,
        "error.not_found",
        sup.post(&unlock, json!({})),
    )
    .await;
    app.try_login("county_b", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    // The security admin lifts it, recorded in the chain.
    let head = app.head_seq().await;
    let r = secadmin.post(&unlock, json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.head_seq().await, head + 1);
    let kind = app
        .db
        .text(&format!("SELECT kind FROM events WHERE seq = {}", head + 1))
        .await;
    assert_eq!(kind, "user.unlocked");
    app.try_login("county_b", PASSWORD).await.ok();
}

/// An item naming its responsible leader is approved (or rejected) by that leader only; one
/// naming none by any leader of the jurisdiction.
async fn named_leader_approves(app: &TestApp) {
    let u = &app.org.users;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let leader2 = app.login("leader2").await;
    let named = id(&sup
        .post(
            "/items",
            json!({ "title": "市政府重点工程调度", "source": "key_work",
                    "category": "central_work", "deadline": in_days(30),
                    "leader_id": u.leader }),
        )
        .await
        .ok());
    let path = format!("/items/{named}");
    sup.post(&format!("{path}/submit"), json!({})).await.ok();
    assert_eq!(leader2.get(&path).await.ok()["actions"], json!([]));
    assert_eq!(
        leader.get(&path).await.ok()["actions"],
        json!(["approve", "reject"])
    );
    for what in ["approve", "reject"] {
        app.rejected(
            &[named],
            StatusCode::FORBIDDEN,
            "error.forbidden",
            leader2.post(
                &format!("{path}/{what}"),
                json!({ "comment": "非分管领导" }),
            ),
        )
        .await;
    }
    leader
        .post(&format!("{path}/approve"), json!({ "comment": "同意" }))
        .await
        .ok();
    assert_eq!(sup.get(&path).await.ok()["state"], "approved");

    // The named leader also rejects, and only they do.
    let other = id(&sup
        .post(
            "/items",
            json!({ "title": "副市长分管事项", "source": "key_work",
                    "category": "central_work", "deadline": in_days(30),
                    "leader_id": u.leader2 }),
        )
        .await
        .ok());
    let path = format!("/items/{other}");
    sup.post(&format!("{path}/submit"), json!({})).await.ok();
    assert_eq!(leader.get(&path).await.ok()["actions"], json!([]));
    app.rejected(
        &[other],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        leader.post(&format!("{path}/reject"), json!({ "comment": "退回" })),
    )
    .await;
    leader2
        .post(
            &format!("{path}/reject"),
            json!({ "comment": "请补充材料" }),
        )
        .await
        .ok();
    assert_eq!(sup.get(&path).await.ok()["state"], "draft");

    // Without a named leader, any leader of the city decides.
    let open = draft_item(&sup, "全市营商环境评估", in_days(30)).await;
    let path = format!("/items/{open}");
    sup.post(&format!("{path}/submit"), json!({})).await.ok();
    assert_eq!(
        leader2.get(&path).await.ok()["actions"],
        json!(["approve", "reject"])
    );
    leader2
        .post(&format!("{path}/approve"), json!({}))
        .await
        .ok();
    assert_eq!(sup.get(&path).await.ok()["state"], "approved");
}

/// A lock that has ended forgets the failures behind it: one wrong password afterwards is one
/// failure, not a new lock, and the right one logs in.
async fn lock_ends(app: &TestApp) {
    use chrono::{Duration, TimeZone, Utc};
    let s = &app.services;
    let t0 = Utc
        .with_ymd_and_hms(2026, 12, 1, 2, 0, 0)
        .single()
        .expect("time");
    // A lock answers as a wrong password does, so it shows only in that the right password
    // fails too.
    let failed = |r: Result<_, ducha_service::ServiceError>| {
        matches!(r, Err(ducha_service::ServiceError::LoginFailed))
    };
    for _ in 0..5 {
        let _ = s.login("county_b", "Wrong2026ducha", None, t0).await;
    }
    assert!(failed(
        s.login("county_b", PASSWORD, None, t0 + Duration::minutes(1))
            .await
    ));
    let after = t0 + Duration::minutes(16);
    assert!(failed(
        s.login("county_b", "Wrong2026ducha", None, after).await
    ));
    assert!(s.login("county_b", PASSWORD, None, after).await.is_ok());
    // Four more failures after that do not lock; five in a row do.
    for _ in 1..=4 {
        assert!(failed(
            s.login("county_b", "Wrong2026ducha", None, after).await
        ));
    }
    assert!(s.login("county_b", PASSWORD, None, after).await.is_ok());
    for _ in 1..=5 {
        assert!(failed(
            s.login("county_b", "Wrong2026ducha", None, after).await
        ));
    }
    assert!(failed(s.login("county_b", PASSWORD, None, after).await));
}

/// Wrong passwords sent at once all count toward the lock: the count and the lock are one
/// statement, so guesses in parallel cannot each read the old count and lock nothing.
async fn concurrent_failures_lock(app: &TestApp) {
    let s = &app.services;
    let now = ducha_service::now();
    let wrong = || s.login("town_b1", "Wrong2026ducha", None, now);
    let _ = tokio::join!(
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong()
    );
    assert!(matches!(
        s.login("town_b1", PASSWORD, None, now).await,
        Err(ducha_service::ServiceError::LoginFailed)
    ));
}

/// Pages, JSON and evidence say `Cache-Control: no-store`; the static assets stay cacheable.
async fn no_store(app: &TestApp) {
    let sup = app.login("sup").await;
    for path in ["/workbench", "/api/v1/me", "/login"] {
        let (code, headers, _) = sup.fetch(path, &[]).await;
        assert_eq!(code, reqwest::StatusCode::OK, "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    let (code, headers, _) = sup.fetch("/static/app.css", &[]).await;
    assert_eq!(code, reqwest::StatusCode::OK);
    assert_eq!(headers["cache-control"], "max-age=3600");
}

/// The admins' unit is the city, but the help requests addressed to it are business content:
/// refused to them, listed for the unit's own people.
async fn admins_read_no_help_requests(app: &TestApp) {
    for admin in ["sysadmin", "secadmin"] {
        app.login(admin)
            .await
            .get("/help-requests")
            .await
            .error(StatusCode::FORBIDDEN, "error.forbidden");
    }
    app.login("county_a").await.get("/help-requests").await.ok();
}
