//! The item register page (督办台账): every filter of the register, sorting, keyset pages, and
//! the same view exported as .xlsx (`export`). The filter form is a plain GET form; htmx
//! refreshes only `#results` as the filters change, and gets just that block back.

mod export;

pub(crate) use export::export;

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ducha_domain::i18n::Lang;
use ducha_domain::item::{Category, ItemState, Source};
use ducha_domain::light::Light;
use ducha_domain::{FieldError, ValidationErrors};
use ducha_service::items::ListInput;
use ducha_service::{ItemPage, ItemSummary, ServiceError, UnitView};
use std::str::FromStr;

/// The register's filters as the query string carries them, unparsed: the form shows them back
/// as typed, and the page's links (next page, first page, export) carry them on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    q: String,
    source: String,
    category: String,
    state: String,
    light: String,
    unit_id: String,
    holder_id: String,
    holder_light: String,
    deadline_from: String,
    deadline_to: String,
    sort: String,
    after: String,
    limit: String,
}

/// The query parameters of the register, in the order links write them.
const FIELDS: [&str; 13] = [
    "q",
    "source",
    "category",
    "state",
    "light",
    "unit_id",
    "holder_id",
    "holder_light",
    "deadline_from",
    "deadline_to",
    "sort",
    "limit",
    "after",
];

impl Filters {
    fn slot(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "q" => &mut self.q,
            "source" => &mut self.source,
            "category" => &mut self.category,
            "state" => &mut self.state,
            "light" => &mut self.light,
            "unit_id" => &mut self.unit_id,
            "holder_id" => &mut self.holder_id,
            "holder_light" => &mut self.holder_light,
            "deadline_from" => &mut self.deadline_from,
            "deadline_to" => &mut self.deadline_to,
            "sort" => &mut self.sort,
            "after" => &mut self.after,
            "limit" => &mut self.limit,
            _ => return None,
        })
    }

    fn get(&self, name: &str) -> &str {
        match name {
            "q" => &self.q,
            "source" => &self.source,
            "category" => &self.category,
            "state" => &self.state,
            "light" => &self.light,
            "unit_id" => &self.unit_id,
            "holder_id" => &self.holder_id,
            "holder_light" => &self.holder_light,
            "deadline_from" => &self.deadline_from,
            "deadline_to" => &self.deadline_to,
            "sort" => &self.sort,
            "after" => &self.after,
            "limit" => &self.limit,
            _ => "",
        }
    }

    /// Reads a query string. Unknown parameters are ignored (`done=` of a toast); a repeated one
    /// keeps its last value; a blank one (the form's "all" choice) means no filter.
    pub(crate) fn parse(query: Option<&str>) -> Self {
        let mut f = Self::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            if let Some(slot) = f.slot(&k) {
                *slot = v.trim().to_string();
            }
        }
        f
    }

    /// The use case's input. A value that cannot even be read (a unit id that is not a number,
    /// a date that is not a date) is recorded in `e` and left out; the use case judges the rest.
    pub(crate) fn input(&self, e: &mut ValidationErrors) -> ListInput {
        fn text(v: &str) -> Option<String> {
            (!v.is_empty()).then(|| v.to_string())
        }
        fn read<T: FromStr>(e: &mut ValidationErrors, field: &str, v: &str) -> Option<T> {
            if v.is_empty() {
                return None;
            }
            let parsed = v.parse().ok();
            if parsed.is_none() {
                e.add(field, "validation.invalid_value");
            }
            parsed
        }
        ListInput {
            source: text(&self.source),
            category: text(&self.category),
            state: text(&self.state),
            light: text(&self.light),
            unit_id: read(e, "unit_id", &self.unit_id),
            holder_id: read(e, "holder_id", &self.holder_id),
            holder_light: text(&self.holder_light),
            deadline_from: read::<NaiveDate>(e, "deadline_from", &self.deadline_from),
            deadline_to: read::<NaiveDate>(e, "deadline_to", &self.deadline_to),
            q: text(&self.q),
            sort: text(&self.sort),
            after: text(&self.after),
            limit: read(e, "limit", &self.limit),
        }
    }

    /// These filters without the ones `errors` name.
    fn without(&self, errors: &[FieldError]) -> Self {
        let mut f = self.clone();
        for e in errors {
            if let Some(slot) = f.slot(&e.field) {
                slot.clear();
            }
        }
        f
    }

    /// The query string of these filters, with the page cursor `after` instead of theirs.
    fn query(&self, after: Option<&str>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for name in FIELDS.iter().filter(|n| **n != "after") {
            let v = self.get(name);
            if !v.is_empty() {
                s.append_pair(name, v);
            }
        }
        if let Some(a) = after {
            s.append_pair("after", a);
        }
        s.finish()
    }
}

/// The label of a filter, to say which one was wrong.
fn label_key(field: &str) -> &'static str {
    match field {
        "q" => "ui.keyword",
        "source" => "ui.source",
        "category" => "ui.category",
        "state" => "ui.state",
        "light" => "ui.light",
        "unit_id" => "ui.filter_unit",
        "holder_id" => "cockpit.holder",
        "holder_light" => "cockpit.holder_light",
        "deadline_from" => "ui.deadline_from",
        "deadline_to" => "ui.deadline_to",
        "sort" => "ui.sort",
        "after" => "ui.page_position",
        "limit" => "ui.page_size",
        _ => "ui.filters",
    }
}

/// A filter that was ignored, translated.
struct FilterError {
    field: String,
    label: &'static str,
    message: &'static str,
}

#[derive(Template)]
#[template(path = "items.html", blocks = ["results"])]
struct ItemsPage {
    lang: Lang,
    user: PageUser,
    /// The filters as asked, for the form.
    f: Filters,
    /// The filters that were ignored.
    errors: Vec<FilterError>,
    sources: Vec<&'static str>,
    categories: Vec<&'static str>,
    states: Vec<&'static str>,
    lights: Vec<&'static str>,
    /// Units the user may see, in tree order (only for the full page).
    units: Vec<UnitView>,
    items: Vec<ItemSummary>,
    /// "12 items", or "50 on this page" when there are more.
    count: String,
    next_query: Option<String>,
    first_query: Option<String>,
    export_query: String,
}

impl Page for ItemsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ItemsPage {
    /// `selected` when the filter `field` is `value`.
    fn sel(&self, field: &str, value: &str) -> &'static str {
        if self.f.get(field) == value {
            "selected"
        } else {
            ""
        }
    }

    /// The filter as asked.
    fn val(&self, field: &str) -> &str {
        self.f.get(field)
    }

    /// The message of an ignored filter.
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
    }

    /// "label: message" in the page's language.
    fn named(&self, e: &FilterError) -> String {
        match self.lang {
            Lang::ZhCn => format!("{}：{}", e.label, e.message),
            Lang::En => format!("{}: {}", e.label, e.message),
        }
    }

    /// The class of a filter's field.
    fn field(&self, field: &str) -> &'static str {
        if self.err(field).is_some() {
            "field bad"
        } else {
            "field"
        }
    }

    /// A unit's name, indented by its depth in the tree.
    fn unit_option(&self, u: &UnitView) -> String {
        let mut s = "\u{3000}".repeat(u.depth.saturating_sub(1));
        s.push_str(&u.name);
        s
    }

    /// The name of the unit the dashboard's bar named (`holder_id`), if the page lists it.
    fn holder_name(&self) -> String {
        self.units
            .iter()
            .find(|u| u.id.to_string() == self.f.holder_id)
            .map_or_else(|| self.f.holder_id.clone(), |u| u.name.clone())
    }

    fn is_unit(&self, id: &i64) -> &'static str {
        if self.f.unit_id == id.to_string() {
            "selected"
        } else {
            ""
        }
    }
}

/// Whether htmx asks for the results block alone (a filter changed), not for a whole page (a
/// boosted link, or history restored after going back).
fn wants_results(headers: &HeaderMap) -> bool {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    h("hx-request") == Some("true")
        && h("hx-target") == Some("results")
        && h("hx-history-restore-request").is_none()
}

/// `GET /items`: the register with the filters of the query. Filters that are invalid are
/// named above the results (422) and ignored; the rest still apply.
pub(crate) async fn page(
    State(s): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let asked = Filters::parse(raw.as_deref());
    let mut invalid = ValidationErrors::default();
    let input = asked.input(&mut invalid);
    let first = s.services.list_items(&user.actor, &input).await;
    let retried = match first {
        Ok(p) if invalid.0.is_empty() => Ok((asked.clone(), p)),
        Ok(_) => retry(&s, &user, &asked, &invalid).await,
        Err(ServiceError::Invalid(v)) => {
            invalid.0.extend(v.0);
            retry(&s, &user, &asked, &invalid).await
        }
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let (shown, page) = match retried {
        Ok(shown_and_page) => shown_and_page,
        Err(res) => return res,
    };
    let fragment = wants_results(&headers);
    let units = if fragment {
        Vec::new()
    } else {
        s.services.list_units(&user.actor).await.unwrap_or_default()
    };
    let lang = user.lang;
    let n = page.items.len();
    let count_key = if page.next_cursor.is_none() && shown.after.is_empty() {
        "ui.count_all"
    } else {
        "ui.count_page"
    };
    let view = ItemsPage {
        lang,
        errors: invalid
            .0
            .iter()
            .map(|e| FilterError {
                field: e.field.clone(),
                label: ducha_domain::i18n::t(label_key(&e.field), lang),
                message: ducha_domain::i18n::t(e.key, lang),
            })
            .collect(),
        sources: Source::ALL.iter().map(|v| v.as_str()).collect(),
        categories: Category::ALL.iter().map(|v| v.as_str()).collect(),
        states: ItemState::ALL.iter().map(|v| v.as_str()).collect(),
        lights: Light::ALL.iter().map(|v| v.as_str()).collect(),
        units,
        count: ducha_domain::i18n::format(count_key, lang, &serde_json::json!({ "n": n })),
        next_query: page.next_cursor.as_deref().map(|c| shown.query(Some(c))),
        first_query: (!shown.after.is_empty()).then(|| shown.query(None)),
        export_query: Filters {
            limit: String::new(),
            ..shown.clone()
        }
        .query(None),
        items: page.items,
        f: asked,
        user,
    };
    let mut res = if fragment {
        render(&view.as_results())
    } else {
        render(&view)
    };
    if res.status() == StatusCode::OK && !view.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("HX-Request, HX-Target"),
    );
    res
}

/// The register without the filters that were invalid.
async fn retry(
    s: &AppState,
    user: &PageUser,
    asked: &Filters,
    invalid: &ValidationErrors,
) -> Result<(Filters, ItemPage), Response> {
    let shown = asked.without(&invalid.0);
    let input = shown.input(&mut ValidationErrors::default());
    let page = match s.services.list_items(&user.actor, &input).await {
        Ok(p) => p,
        // Cannot happen once the invalid filters are gone; an empty register says so safely.
        Err(ServiceError::Invalid(_)) => ItemPage {
            items: Vec::new(),
            next_cursor: None,
        },
        Err(e) => return Err(crate::AppError::from(e).into_response()),
    };
    Ok((shown, page))
}

#[cfg(test)]
mod tests {
    use super::Filters;
    use ducha_domain::ValidationErrors;

    #[test]
    fn links_keep_every_filter_and_replace_the_cursor() {
        let f = Filters::parse(Some(
            "q=%E5%81%9C%E8%BD%A6&state=dispatched&unit_id=7&after=n9&done=signed&sort=deadline&x=1",
        ));
        assert_eq!(
            f.query(Some("d2026-05-01_3")),
            "q=%E5%81%9C%E8%BD%A6&state=dispatched&unit_id=7&sort=deadline&after=d2026-05-01_3"
        );
        assert_eq!(
            f.query(None),
            "q=%E5%81%9C%E8%BD%A6&state=dispatched&unit_id=7&sort=deadline"
        );
    }

    #[test]
    fn unreadable_values_are_named_and_blank_ones_mean_all() {
        let f = Filters::parse(Some(
            "unit_id=abc&deadline_from=2026-13-01&deadline_to=&source=&limit=x",
        ));
        let mut e = ValidationErrors::default();
        let input = f.input(&mut e);
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["unit_id", "deadline_from", "limit"]);
        assert!(input.unit_id.is_none() && input.deadline_to.is_none() && input.source.is_none());
        let clean = f.without(&e.0);
        let mut again = ValidationErrors::default();
        clean.input(&mut again);
        assert!(again.0.is_empty());
    }
}
