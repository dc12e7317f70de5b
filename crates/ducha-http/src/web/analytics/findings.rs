//! `GET /analytics/findings`: the findings list (问题线索) of the reader's jurisdiction.

use super::super::user::PageUser;
use super::super::{Page, render};
use crate::AppState;
use crate::analytics::{FindingOut, findings_out};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ducha_domain::analytics::findings::{FindingGroup, FindingKind};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::analytics::FindingsInput;
use serde::Deserialize;

/// Findings a page shows; the export has them all.
const PAGE_ROWS: i64 = 100;

/// The findings list's filters as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct FindingsQuery {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub order: String,
}

impl FindingsQuery {
    /// The use case's input.
    pub(crate) fn input(&self, limit: i64) -> FindingsInput {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        FindingsInput {
            group: opt(&self.group),
            kind: opt(&self.kind),
            source: opt(&self.source),
            category: opt(&self.category),
            unit_id: None,
            limit: Some(limit),
            order: opt(&self.order),
        }
    }

    /// The query string (for the export link).
    pub(crate) fn query(&self) -> String {
        let pairs = [
            ("group", &self.group),
            ("kind", &self.kind),
            ("source", &self.source),
            ("category", &self.category),
            ("order", &self.order),
        ];
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish()
    }
}

#[derive(Template)]
#[template(path = "analytics_findings.html")]
struct FindingsPage {
    lang: Lang,
    user: PageUser,
    q: FindingsQuery,
    list: Vec<FindingOut>,
    errors: Vec<(String, String)>,
    groups: Vec<&'static str>,
    kinds: Vec<&'static str>,
    sources: Vec<&'static str>,
    categories: Vec<&'static str>,
}

impl Page for FindingsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl FindingsPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn sel(&self, value: &str, current: &str) -> &'static str {
        if value == current { "selected" } else { "" }
    }
}

/// `GET /analytics/findings`.
pub(crate) async fn findings_page(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<FindingsQuery>,
) -> Response {
    let lang = user.lang;
    let r = s
        .services
        .findings(&user.actor, &q.input(PAGE_ROWS), ducha_service::now())
        .await;
    let mut page = FindingsPage {
        lang,
        user,
        q,
        list: vec![],
        errors: vec![],
        groups: FindingGroup::ALL.iter().map(|g| g.as_str()).collect(),
        kinds: FindingKind::ALL.iter().map(|k| k.as_str()).collect(),
        sources: super::SOURCES.to_vec(),
        categories: super::CATEGORIES.to_vec(),
    };
    match r {
        Ok(list) => {
            page.list = findings_out(list, lang);
            render(&page)
        }
        Err(ServiceError::Invalid(v)) => {
            page.errors =
                v.0.iter()
                    .map(|f| (f.field.clone(), page.t(f.key)))
                    .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
