//! The staff's appeals pages (群众诉求): the list of what the reader sees, an appeal (masked;
//! the original and the contact for the roles that call back, after a posted request that the
//! security log records), its photo, and the office's 12345 import with its column mapping
//! and the row-by-row report.

use super::form::{Errs, Fields};
use super::upload::{self, Limits};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::appeals::import::ImportField;
use ducha_domain::i18n::{Lang, format, t};
use ducha_service::ServiceError;
use ducha_service::appeals::{
    AppealDetail, AppealFilter, AppealUnmasked, AppealView, ImportReport, MappingView,
};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "appeals.html")]
struct ListPage {
    lang: Lang,
    user: PageUser,
    appeals: Vec<AppealView>,
    filter: AppealFilter,
    office: bool,
    more: Option<i64>,
}

impl Page for ListPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ListPage {
    fn states(&self) -> &'static [ducha_domain::appeals::AppealState] {
        ducha_domain::appeals::AppealState::ALL
    }
    fn sources(&self) -> &'static [ducha_domain::appeals::AppealSource] {
        ducha_domain::appeals::AppealSource::ALL
    }
    fn is(&self, which: &Option<String>, v: &str) -> bool {
        which.as_deref() == Some(v)
    }
    fn short(&self, s: &str) -> String {
        let mut out: String = s.chars().take(60).collect();
        if s.chars().count() > 60 {
            out.push('…');
        }
        out
    }
}

const PAGE: i64 = 50;

/// `GET /appeals`.
pub(crate) async fn list(
    State(s): State<AppState>,
    user: PageUser,
    Query(mut filter): Query<AppealFilter>,
) -> Response {
    filter.limit = Some(PAGE);
    let appeals = match s.services.appeals(&user.actor, &filter).await {
        Ok(v) => v,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let more = (appeals.len() as i64 == PAGE)
        .then(|| appeals.last().map(|a| a.id))
        .flatten();
    let page = ListPage {
        lang: user.lang,
        office: s.services.may_import_appeals(&user.actor).is_ok(),
        user,
        appeals,
        filter,
        more,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "appeal.html")]
struct DetailPage {
    lang: Lang,
    user: PageUser,
    d: AppealDetail,
    open: Option<AppealUnmasked>,
}

impl Page for DetailPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

async fn detail_page(
    s: &AppState,
    user: PageUser,
    id: i64,
    open: Option<AppealUnmasked>,
) -> Response {
    match s.services.appeal_detail(&user.actor, id).await {
        Ok(d) => render(&DetailPage {
            lang: user.lang,
            user,
            d,
            open,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /appeals/{id}`.
pub(crate) async fn detail(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    detail_page(&s, user, id, None).await
}

/// `POST /appeals/{id}/original`: the page again with the original text and the contact.
pub(crate) async fn original(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    match s
        .services
        .appeal_unmasked(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(u) => detail_page(&s, user, id, Some(u)).await,
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /appeals/{id}/photo` (`?thumb=1` for the thumbnail).
pub(crate) async fn photo(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let thumb = q.get("thumb").is_some_and(|v| v == "1");
    let (bytes, mime) = match s.services.appeal_photo(&user.actor, id, thumb).await {
        Ok(p) => p,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "appeals_import.html")]
struct ImportPage {
    lang: Lang,
    user: PageUser,
    sources: Vec<MappingView>,
    report: Option<ImportReport>,
    errs: Errs,
    source_name: String,
}

impl Page for ImportPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ImportPage {
    fn fields(&self) -> &'static [ImportField] {
        ImportField::ALL
    }
    fn row(&self, row: &usize) -> String {
        format("ap.row", self.lang, &serde_json::json!({ "row": row }))
    }
    fn mapped(&self, field: &ImportField) -> String {
        self.sources
            .iter()
            .find(|s| s.source_name == self.source_name)
            .and_then(|s| s.mapping.get(field.as_str()).cloned())
            .unwrap_or_default()
    }
}

async fn import_page_with(
    s: &AppState,
    user: PageUser,
    report: Option<ImportReport>,
    errs: Errs,
    source_name: String,
    status: StatusCode,
) -> Response {
    let sources = match s.services.appeal_sources(&user.actor).await {
        Ok(v) => v,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let source_name = if source_name.is_empty() {
        sources.first().map_or_else(
            || t("ap.source_default", user.lang).to_string(),
            |s| s.source_name.clone(),
        )
    } else {
        source_name
    };
    let page = ImportPage {
        lang: user.lang,
        user,
        sources,
        report,
        errs,
        source_name,
    };
    (status, render(&page)).into_response()
}

/// `GET /appeals/import`.
pub(crate) async fn import_page(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let name = q.get("source").cloned().unwrap_or_default();
    import_page_with(&s, user, None, Errs::default(), name, StatusCode::OK).await
}

/// The largest export accepted.
const MAX_SHEET: usize = 20 * 1024 * 1024;

/// `POST /appeals/import`: the upload, answered with the report on the same page.
pub(crate) async fn import(State(s): State<AppState>, user: PageUser, req: Request) -> Response {
    if let Err(e) = s.services.may_import_appeals(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let limits = Limits {
        body: MAX_SHEET as u64 + 64 * 1024,
        fields: 4,
    };
    let mut form = match upload::open(&user, req, limits).await {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let mut file = Vec::new();
    let mut source_name = String::new();
    loop {
        let mut field = match form.next().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(stop) => return stop.response(),
        };
        match field.name() {
            Some("source_name") => {
                source_name = upload::small(field, 1024).await.unwrap_or_default();
            }
            Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(c)) if file.len() + c.len() <= MAX_SHEET => file.extend_from_slice(&c),
                    Ok(None) => break,
                    Ok(Some(_)) | Err(_) => return crate::AppError::TooLarge.into_response(),
                }
            },
            _ => {}
        }
    }
    let lang = user.lang;
    match s
        .services
        .import_appeals(&user.actor, &source_name, &file, ducha_service::now())
        .await
    {
        Ok(r) => {
            import_page_with(
                &s,
                user,
                Some(r),
                Errs::default(),
                source_name,
                StatusCode::OK,
            )
            .await
        }
        Err(ServiceError::Invalid(v)) => {
            let errs = Errs::from_validation(&v, lang);
            import_page_with(
                &s,
                user,
                None,
                errs,
                source_name,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `POST /appeals/mapping`: saves a source's column mapping.
pub(crate) async fn save_mapping(
    State(s): State<AppState>,
    user: PageUser,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let name = f.get("source_name").to_string();
    let mapping: BTreeMap<String, String> = ImportField::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), f.get(k.as_str()).to_string()))
        .collect();
    let lang = user.lang;
    match s
        .services
        .save_appeal_mapping(&user.actor, &name, &mapping, ducha_service::now())
        .await
    {
        Ok(()) => Redirect::to(&format!(
            "/appeals/import?done=appeal_mapping_saved&source={}",
            form_urlencoded::byte_serialize(name.trim().as_bytes()).collect::<String>()
        ))
        .into_response(),
        Err(ServiceError::Invalid(v)) => {
            let errs = Errs::from_validation(&v, lang);
            import_page_with(&s, user, None, errs, name, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
