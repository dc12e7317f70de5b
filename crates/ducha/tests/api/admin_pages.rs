//! The organisation & users page (组织与用户) in a browser's place: the units tree and the users
//! table, the forms that add units and users, reset a password and lift a lock, their inline
//! translated errors, and who may use them (三员分立; nobody else).

use crate::helpers::{PASSWORD, Session, TestApp};
use ducha_domain::i18n::{Lang, t};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(
    page_shows_the_tree_and_the_users,
    users_table_pages,
    forms_add_units_and_users,
    forms_refuse_bad_input_inline,
    reset_ends_sessions_and_unlock_lifts_the_lock,
    positions_greet_and_are_kept_by_the_system_admin,
    only_admins_use_the_page
);

/// A password that passes the policy, other than the seeded one.
const FRESH: &str = "Fresh2026ducha";

/// A browser: the shared test session, asking for pages as a browser does.
struct Browser(Session);

impl Browser {
    async fn login(app: &TestApp, username: &str) -> Browser {
        Browser(app.login(username).await)
    }

    /// `GET path` as a page: status and HTML.
    async fn page(&self, path: &str) -> (StatusCode, String) {
        let (status, _, body) = self.0.fetch(path, &[("accept", "text/html")]).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Posts a form (with the session's CSRF token when `csrf`) and follows the redirect:
    /// the final status and HTML.
    async fn post(&self, path: &str, fields: &[(&str, &str)], csrf: bool) -> (StatusCode, String) {
        if csrf {
            return self.0.form_page(path, fields).await;
        }
        let mut url = reqwest::Url::parse("http://x/").expect("url");
        url.query_pairs_mut().extend_pairs(fields);
        let body = url.query().unwrap_or("").as_bytes().to_vec();
        self.0
            .post_page(path, "application/x-www-form-urlencoded", body)
            .await
    }

    /// Clicks the English link: the `lang` cookie is set for the pages that follow.
    async fn english(&self) {
        self.0.page("/lang/en").await;
    }
}

fn zh(key: &str) -> &str {
    t(key, Lang::ZhCn)
}

/// The inline message of form field `id` (`user-password`, `pw-7`, …) is `message`.
#[track_caller]
fn inline(html: &str, id: &str, message: &str) {
    let want = format!("id=\"{id}-err\">{message}</div>");
    assert!(html.contains(&want), "no inline {want} in:\n{html}");
}

/// The class of the wrapper of the field labelled for `id`.
fn field_class<'a>(html: &'a str, id: &str) -> &'a str {
    let label = html
        .find(&format!("<label for=\"{id}\">"))
        .unwrap_or_else(|| panic!("no field {id}"));
    let open = html[..label].rfind("<div class=\"").expect("wrapper") + "<div class=\"".len();
    let close = open + html[open..].find('"').expect("class end");
    &html[open..close]
}

/// The users table's part of the page.
fn table(html: &str) -> &str {
    let start = html.find("<table class=\"cards\">").unwrap_or(html.len());
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Names of units and users the admin's API shows: what a rejected form must leave unchanged.
async fn org_state(app: &TestApp) -> (i64, Value, Value) {
    let sysadmin = app.login("sysadmin").await;
    (
        app.head_seq().await,
        sysadmin.get("/units").await.ok(),
        sysadmin.get("/users").await.ok(),
    )
}

/// The tree in order with kinds and head counts, the users with roles and state, narrowed by
/// unit and keyword; each admin sees the forms they may use.
async fn page_shows_the_tree_and_the_users(app: &TestApp) {
    let o = &app.org;
    let sysadmin = Browser::login(app, "sysadmin").await;
    let (status, html) = sysadmin.page("/admin").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // The tree, depth first with each unit's own users counted.
    let tree = &html[html.find("id=\"unit-tree\"").expect("tree")..];
    let order: Vec<usize> = [
        o.city, o.office, o.county_a, o.town_a1, o.town_a2, o.county_b, o.town_b1, o.dept,
    ]
    .iter()
    .map(|id| {
        tree.find(&format!("data-unit=\"{id}\""))
            .unwrap_or_else(|| panic!("unit {id} not in the tree"))
    })
    .collect();
    assert!(order.is_sorted(), "tree order {order:?}");
    for (unit, depth, users) in [(o.city, 0, 5), (o.county_a, 1, 2), (o.town_b1, 2, 1)] {
        let li = format!(
            "style=\"padding-left: {depth}rem\" data-unit=\"{unit}\" data-users=\"{users}\""
        );
        assert!(tree.contains(&li), "{li}");
    }
    assert!(tree.contains(zh("unit_kind.township")) && tree.contains("东城A1镇"));
    // Every user, with roles and state.
    let rows = table(&html);
    for name in [
        "王市长",
        "东城联络员",
        "东城县长",
        "A1镇联络员",
        "西山联络员",
        "住建局联络员",
    ] {
        assert!(rows.contains(name), "{name} not listed");
    }
    assert!(rows.contains(&format!(
        "<span class=\"badge\">{}</span>",
        zh("user_role.unit_head")
    )));
    assert!(rows.contains(&format!(
        "<span class=\"badge\">{}</span>",
        zh("user_role.security_admin")
    )));
    assert!(rows.contains(zh("ui.admin_active")));

    // By unit: that unit's users only; by keyword: name or login name, in any case.
    let (_, html) = sysadmin.page(&format!("/admin?unit={}", o.county_a)).await;
    let rows = table(&html);
    assert!(rows.contains("东城联络员") && rows.contains("东城县长"));
    assert!(!rows.contains("A1镇联络员") && !rows.contains("西山联络员"));
    assert!(html.contains(&format!("<option value=\"{}\" selected>", o.county_a)));
    let (_, html) = sysadmin.page("/admin?q=%E8%A5%BF%E5%B1%B1").await;
    let rows = table(&html);
    assert!(rows.contains("西山联络员") && !rows.contains("东城联络员"));
    let (_, html) = sysadmin.page("/admin?q=TOWN_A").await;
    let rows = table(&html);
    assert!(rows.contains("A1镇联络员") && rows.contains("A2镇联络员"));
    assert!(!rows.contains("东城联络员"));
    let (_, html) = sysadmin.page("/admin?q=nobody-here").await;
    assert!(html.contains(zh("ui.admin_no_users")));

    // The system admin adds units and users (business roles only) and resets business users'
    // passwords; unlocking is not theirs.
    let (_, html) = sysadmin.page("/admin").await;
    for form in ["action=\"/admin/units\"", "action=\"/admin/users\""] {
        assert!(html.contains(form), "{form}");
    }
    assert!(html.contains(zh("ui.admin_password_rules")));
    assert!(html.contains("name=\"roles\" value=\"liaison\""));
    assert!(!html.contains("name=\"roles\" value=\"system_admin\""));
    let u = &o.users;
    assert!(html.contains(&format!("action=\"/admin/users/{}/password\"", u.dept)));
    assert!(!html.contains(&format!("action=\"/admin/users/{}/password\"", u.secadmin)));
    assert!(!html.contains("/unlock\""));

    // The security admin reads the same tree and users, with none of the system admin's forms.
    let secadmin = Browser::login(app, "secadmin").await;
    let (status, html) = secadmin.page("/admin").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("data-unit=\"{}\" data-users=\"1\"", o.town_a1)));
    assert!(table(&html).contains("住建局联络员"));
    assert!(html.contains(zh("ui.admin_secadmin_note")));
    assert!(!html.contains("action=\"/admin/units\"") && !html.contains("/password\""));
}

/// The users table shows 50 users a page; its links keep the filter, and a page past the end
/// shows the last one.
async fn users_table_pages(app: &TestApp) {
    let api = app.login("sysadmin").await;
    for n in 1..=55 {
        api.post(
            "/users",
            json!({ "username": format!("bulk{n:02}"), "display_name": format!("批量用户{n:02}"),
                    "unit_id": app.org.dept, "roles": ["liaison"], "password": FRESH }),
        )
        .await
        .ok();
    }
    let sysadmin = Browser::login(app, "sysadmin").await;
    let rows = |html: &str| table(html).matches("<tr id=\"user-").count();
    let (_, html) = sysadmin.page("/admin?q=bulk").await;
    assert_eq!(rows(&html), 50);
    assert!(html.contains(&t("ui.admin_total", Lang::ZhCn).replace("{n}", "55")));
    assert!(
        html.contains("<a href=\"/admin?q=bulk&#38;page=2\" rel=\"next\">"),
        "{html}"
    );
    assert!(!html.contains("rel=\"prev\""));
    let (_, html) = sysadmin.page("/admin?q=bulk&page=2").await;
    assert_eq!(rows(&html), 5);
    assert!(table(&html).contains("批量用户55") && !table(&html).contains("批量用户50"));
    assert!(html.contains("<a href=\"/admin?q=bulk&#38;page=1\" rel=\"prev\">"));
    assert!(!html.contains("rel=\"next\""));
    let (status, past) = sysadmin.page("/admin?q=bulk&page=9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table(&past), table(&html), "past the end: the last page");
    // Every user of the city: 13 seeded and 55 more.
    let (_, html) = sysadmin
        .page(&format!("/admin?unit={}&page=x", app.org.dept))
        .await;
    assert_eq!(rows(&html), 50);
    assert!(html.contains(&format!(
        "<a href=\"/admin?unit={}&#38;page=2\" rel=\"next\">",
        app.org.dept
    )));
}

/// A unit and a user added through the forms, each one event; the new user logs in.
async fn forms_add_units_and_users(app: &TestApp) {
    let o = &app.org;
    let sysadmin = Browser::login(app, "sysadmin").await;
    let head = app.head_seq().await;
    let county_a = o.county_a.to_string();
    let (status, html) = sysadmin
        .post(
            "/admin/units",
            &[
                ("parent_id", &county_a),
                ("kind", "township"),
                ("name", "东城A3镇"),
            ],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(zh("toast.unit_created")), "{html}");
    assert_eq!(app.head_seq().await, head + 1);
    let api = app.login("sysadmin").await;
    let units = api.get("/units").await.ok();
    let unit = units
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "东城A3镇")
        .expect("the new unit")
        .clone();
    assert_eq!(
        (unit["parent_id"].as_i64(), unit["kind"].as_str()),
        (Some(o.county_a), Some("township"))
    );
    let new_unit = unit["id"].as_i64().expect("id");
    assert!(html.contains(&format!(
        "style=\"padding-left: 2rem\" data-unit=\"{new_unit}\" data-users=\"0\""
    )));

    let unit_id = new_unit.to_string();
    let (status, html) = sysadmin
        .post(
            "/admin/users",
            &[
                ("username", "a3.liaison"),
                ("display_name", "A3镇联络员"),
                ("position", "副镇长（城建）"),
                ("unit_id", &unit_id),
                ("roles", "liaison"),
                ("roles", "unit_head"),
                ("password", FRESH),
                ("phone", "13800000000"),
                ("email", ""),
            ],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(zh("toast.user_created")), "{html}");
    assert_eq!(app.head_seq().await, head + 2);
    // Back on the page, filtered to the new user's unit.
    let rows = table(&html);
    assert!(
        rows.contains("a3.liaison") && rows.contains("A3镇联络员"),
        "{rows}"
    );
    assert!(rows.contains(zh("user_role.liaison")) && rows.contains(zh("user_role.unit_head")));
    assert!(
        rows.contains("副镇长（城建）"),
        "the position is listed: {rows}"
    );
    assert!(html.contains(&format!("data-unit=\"{new_unit}\" data-users=\"1\"")));

    // Made by an admin: the first login chooses the user's own password.
    let me = app
        .first_login("a3.liaison", FRESH, "Own-choice-2026")
        .await
        .ok();
    assert_eq!(me["me"]["user"]["unit_id"], new_unit);
    assert_eq!(me["me"]["user"]["roles"], json!(["liaison", "unit_head"]));
    assert_eq!(me["me"]["user"]["position"], "副镇长（城建）");

    // The workbench greets the user by name and the short form of the position, and names
    // the whole position beside the unit; a user without one is greeted by name only.
    let own = Browser(Session::login_with(&app.base, "a3.liaison", "Own-choice-2026").await);
    let (_, wb) = own.page("/workbench").await;
    assert!(wb.contains("<h1>您好，A3镇联络员副镇长</h1>"), "{wb}");
    assert!(wb.contains("东城A3镇 · 副镇长（城建）"), "{wb}");
    let (_, wb) = sysadmin.page("/workbench").await;
    assert!(
        wb.contains("<h1>您好，系统管理员</h1><span class=\"meta\">青山市</span>"),
        "no position, the name and the unit alone: {wb}"
    );
}

/// Bad forms come back with the message next to the field, in the page's language, keeping
/// what was typed except the password, and change nothing.
async fn forms_refuse_bad_input_inline(app: &TestApp) {
    let o = &app.org;
    let sysadmin = Browser::login(app, "sysadmin").await;
    let before = org_state(app).await;
    let city = o.city.to_string();
    let county_a = o.county_a.to_string();
    let user = |username: &'static str, password: &'static str, roles: &'static str| {
        vec![
            ("username", username),
            ("display_name", "重名用户"),
            ("roles", roles),
            ("password", password),
        ]
    };

    // A position longer than 40 characters.
    let long = "副".repeat(41);
    let mut fields = user("long.position", FRESH, "liaison");
    fields.push(("unit_id", &city));
    fields.push(("position", &long));
    let (status, html) = sysadmin.post("/admin/users", &fields, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    inline(&html, "user-position", zh("validation.too_long"));

    // A taken user name.
    let mut fields = user("dept", FRESH, "liaison");
    fields.push(("unit_id", &city));
    let (status, html) = sysadmin.post("/admin/users", &fields, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    inline(&html, "user-username", zh("rule.name_taken"));
    assert_eq!(field_class(&html, "user-username").trim(), "field bad");
    assert_eq!(field_class(&html, "user-display_name").trim(), "field");
    assert!(
        html.contains("value=\"重名用户\"") && !html.contains(FRESH),
        "typed values kept, never the password"
    );
    assert!(html.contains(&format!("name=\"unit_id\" value=\"{city}\" checked")));
    assert!(html.contains(zh("ui.form_errors")));

    // A weak password.
    let mut fields = user("newbie", "short", "liaison");
    fields.push(("unit_id", &city));
    let (status, html) = sysadmin.post("/admin/users", &fields, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    inline(&html, "user-password", zh("validation.password_weak"));

    // No unit picked, and an admin role sent by hand.
    let (status, html) = sysadmin
        .post("/admin/users", &user("newbie", FRESH, "system_admin"), true)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    inline(&html, "user-unit_id", zh("validation.required"));
    inline(&html, "user-roles", zh("validation.admin_roles_console"));

    // A unit without a name keeps its parent picked.
    let (status, html) = sysadmin
        .post(
            "/admin/units",
            &[
                ("parent_id", &county_a),
                ("kind", "township"),
                ("name", "  "),
            ],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    inline(&html, "unit-name", zh("validation.required"));
    assert!(html.contains(&format!("name=\"parent_id\" value=\"{county_a}\" checked")));
    assert!(html.contains("<option value=\"township\" selected>"));
    // No parent and no kind.
    let (status, html) = sysadmin
        .post(
            "/admin/units",
            &[("kind", "castle"), ("name", "新单位")],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    inline(&html, "unit-parent_id", zh("validation.required"));
    inline(&html, "unit-kind", zh("validation.unknown_choice"));

    // In English when the language links set it.
    sysadmin.english().await;
    let mut fields = user("newbie", "short", "liaison");
    fields.push(("unit_id", &city));
    let (status, html) = sysadmin.post("/admin/users", &fields, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    inline(
        &html,
        "user-password",
        t("validation.password_weak", Lang::En),
    );
    assert!(html.contains("<html lang=\"en\">") && html.contains(t("ui.admin_add_user", Lang::En)));

    assert_eq!(
        org_state(app).await,
        before,
        "a refused form changed something"
    );
}

/// A reset ends the user's sessions (a weak one is refused in its row); admin accounts are
/// reset at the console only; only the security admin lifts a lock, and it holds until then.
async fn reset_ends_sessions_and_unlock_lifts_the_lock(app: &TestApp) {
    let u = &app.org.users;
    let sysadmin = Browser::login(app, "sysadmin").await;
    let dept = app.login("dept").await;
    let dept_again = app.login("dept").await;
    let reset = format!("/admin/users/{}/password", u.dept);

    let head = app.head_seq().await;
    let (status, html) = sysadmin.post(&reset, &[("password", "short")], true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    inline(
        &html,
        &format!("pw-{}", u.dept),
        zh("validation.password_weak"),
    );
    assert!(html.contains("<details class=\"action\" open>"));
    assert_eq!(app.head_seq().await, head);
    dept.get("/me").await.ok();

    let (status, html) = sysadmin.post(&reset, &[("password", FRESH)], true).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(zh("toast.password_reset")));
    assert_eq!(app.head_seq().await, head + 1);
    for old in [&dept, &dept_again] {
        old.get("/me")
            .await
            .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    }
    app.try_login("dept", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    // The reset password leads only to choosing an own one.
    app.first_login("dept", FRESH, "Own-choice-2026").await.ok();

    // An admin account's password: refused with the reason in an alert.
    let (status, html) = sysadmin
        .post(
            &format!("/admin/users/{}/password", u.secadmin),
            &[("password", FRESH)],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains(&format!("role=\"alert\">{}</div>", zh("error.forbidden"))),
        "{html}"
    );
    app.try_login("secadmin", PASSWORD).await.ok();

    // Five wrong passwords lock county B's liaison.
    for _ in 0..5 {
        app.try_login("county_b", "Wrong2026ducha").await;
    }
    app.try_login("county_b", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    let unlock = format!("/admin/users/{}/unlock", u.county_b);
    let (_, html) = sysadmin.page("/admin").await;
    let row = &html[html
        .find(&format!("id=\"user-{}\"", u.county_b))
        .expect("row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(row.contains(zh("ui.admin_locked_until")), "{row}");
    assert!(
        !html.contains(&format!("action=\"{unlock}\"")),
        "not the system admin's"
    );
    let (status, html) = sysadmin.post(&unlock, &[], true).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains(&format!("role=\"alert\">{}</div>", zh("error.forbidden"))));
    app.try_login("county_b", PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");

    let secadmin = Browser::login(app, "secadmin").await;
    let (_, html) = secadmin.page("/admin").await;
    assert!(html.contains(&format!("action=\"{unlock}\"")));
    assert!(
        !html.contains(&format!("action=\"/admin/users/{}/unlock\"", u.county_a)),
        "not locked"
    );
    let head = app.head_seq().await;
    let (status, html) = secadmin.post(&unlock, &[], true).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(zh("toast.unlocked")));
    assert!(!html.contains(&format!("action=\"{unlock}\"")));
    assert_eq!(app.head_seq().await, head + 1);
    app.try_login("county_b", PASSWORD).await.ok();
}

/// Business users get the translated refusal for the page and every form; a form without the
/// session's CSRF token is refused; neither changes anything.
async fn only_admins_use_the_page(app: &TestApp) {
    let u = &app.org.users;
    let before = org_state(app).await;
    let city = app.org.city.to_string();
    let posts = [
        (
            "/admin/units".to_string(),
            vec![
                ("parent_id", city.as_str()),
                ("kind", "department"),
                ("name", "越权单位"),
            ],
        ),
        (
            "/admin/users".to_string(),
            vec![
                ("username", "intruder"),
                ("display_name", "越权用户"),
                ("unit_id", city.as_str()),
                ("roles", "liaison"),
                ("password", FRESH),
            ],
        ),
        (
            format!("/admin/users/{}/password", u.dept),
            vec![("password", FRESH)],
        ),
        (format!("/admin/users/{}/unlock", u.dept), vec![]),
        (
            format!("/admin/users/{}/position", u.dept),
            vec![("position", "局长")],
        ),
    ];
    for username in ["county_a", "sup"] {
        let b = Browser::login(app, username).await;
        let (status, html) = b.page("/admin").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{username}: {html}");
        assert!(html.contains(zh("error.forbidden")) && !html.contains("unit-tree"));
        for (path, fields) in &posts {
            let (status, _) = b.post(path, fields, true).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
        }
    }
    // The refusal in English too.
    let liaison = Browser::login(app, "county_a").await;
    liaison.english().await;
    let (status, html) = liaison.page("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains(t("error.forbidden", Lang::En)), "{html}");

    // An admin's form without the session's token, or with another one.
    let sysadmin = Browser::login(app, "sysadmin").await;
    for (path, fields) in &posts {
        let (status, _) = sysadmin.post(path, fields, false).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no token: {path}");
        let mut forged = fields.clone();
        forged.push(("csrf", "forged"));
        let (status, _) = sysadmin.post(path, &forged, false).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "forged token: {path}");
    }
    assert_eq!(
        org_state(app).await,
        before,
        "a refused request changed something"
    );
    app.try_login("dept", PASSWORD).await.ok();
}

/// The system admin sets a user's position (职务) on the page and through the API; the user's
/// workbench greets them with its short form (in English after the name, in brackets);
/// bad positions and other callers change nothing.
async fn positions_greet_and_are_kept_by_the_system_admin(app: &TestApp) {
    let sup = app.org.users.sup;
    let sysadmin = Browser::login(app, "sysadmin").await;
    let head = app.head_seq().await;
    let (status, html) = sysadmin
        .post(
            &format!("/admin/users/{sup}/position"),
            &[("position", "督查专员（重点工作）")],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(zh("toast.position_changed")), "{html}");
    assert_eq!(app.head_seq().await, head + 1, "one event");
    assert!(table(&html).contains("督查专员（重点工作）"));

    let own = Browser::login(app, "sup").await;
    let (_, wb) = own.page("/workbench").await;
    assert!(wb.contains("<h1>您好，督查员老周督查专员</h1>"), "{wb}");
    assert!(
        wb.contains("督查专员（重点工作）"),
        "the whole position beside the unit"
    );
    own.english().await;
    let (_, wb) = own.page("/workbench").await;
    assert!(wb.contains("<h1>Hello, 督查员老周 (督查专员)</h1>"), "{wb}");

    // The same position again is no change and no event; through the API, too.
    let api = app.login("sysadmin").await;
    let body = json!({ "position": "督查专员（重点工作）" });
    api.post(&format!("/users/{sup}/position"), body).await.ok();
    assert_eq!(app.head_seq().await, head + 1);
    let users = api.get("/users").await.ok();
    let row = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == sup)
        .expect("sup listed")
        .clone();
    assert_eq!(row["position"], "督查专员（重点工作）");

    // Refused: too long, control characters, anyone but the system admin, unknown users.
    let before = org_state(app).await;
    let long = "副".repeat(41);
    api.post(
        &format!("/users/{sup}/position"),
        json!({ "position": long }),
    )
    .await
    .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.too_long");
    api.post(
        &format!("/users/{sup}/position"),
        json!({ "position": "市长\u{7}" }),
    )
    .await
    .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.control_chars");
    app.login("sup")
        .await
        .post(
            &format!("/users/{sup}/position"),
            json!({ "position": "市长" }),
        )
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    api.post("/users/999999/position", json!({ "position": "市长" }))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    let (status, html) = sysadmin
        .post(
            &format!("/admin/users/{sup}/position"),
            &[("position", &long)],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    inline(&html, &format!("pos-{sup}"), zh("validation.too_long"));
    let (status, _) = sysadmin
        .post(
            &format!("/admin/users/{sup}/position"),
            &[("position", "市长")],
            false,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no change");
    assert_eq!(org_state(app).await, before);
}
