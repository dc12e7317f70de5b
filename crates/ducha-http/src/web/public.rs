//! The public pages (公开): no login, no cookie set, nothing personal, phone first. The index
//! of public items (with the month's hot issues), a public item, the appeal form, and
//! following an appeal by its code. The language and the large-text mode (适老化) are query
//! parameters (`?lang=en`, `?big=1`), so a page's address decides all of it and a shared cache
//! may keep the pages that name no appeal (`Cache-Control: public`); an appeal's own page is
//! never cached.

use super::form::Errs;
use super::upload::{self, Limits};
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::appeals::{AppealCategory, AppealInput, MAX_PHOTO_BYTES, TrackingCode};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::appeals::{
    Challenge, PhotoUpload, PublicItemView, PublicUnit, Submission, TrackView,
};
use serde::Deserialize;

/// How long a shared cache may keep a public page.
const PUBLIC_CACHE: &str = "public, max-age=60";

/// The display choices a public page's address carries.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Mode {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    big: Option<String>,
    #[serde(default)]
    new: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// What every public page knows: its language and text size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    pub lang: Lang,
    pub big: bool,
}

impl View {
    fn of(m: &Mode) -> Self {
        Self {
            lang: if m.lang.as_deref() == Some("en") {
                Lang::En
            } else {
                Lang::ZhCn
            },
            big: m.big.as_deref() == Some("1"),
        }
    }

    /// `path` with this page's choices.
    pub(crate) fn href(&self, path: &str) -> String {
        let mut q = Vec::new();
        if self.lang == Lang::En {
            q.push("lang=en");
        }
        if self.big {
            q.push("big=1");
        }
        if q.is_empty() {
            path.to_string()
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}{}", q.join("&"))
        }
    }

    /// `path` with the other text size.
    pub(crate) fn toggle_big(&self, path: &str) -> String {
        View {
            big: !self.big,
            ..*self
        }
        .href(path)
    }

    /// `path` in the other language.
    pub(crate) fn toggle_lang(&self, path: &str) -> String {
        View {
            lang: if self.lang == Lang::En {
                Lang::ZhCn
            } else {
                Lang::En
            },
            ..*self
        }
        .href(path)
    }
}

fn cached(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PUBLIC_CACHE),
    );
    res
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct IndexPage {
    lang: Lang,
    v: View,
    path: &'static str,
    items: Vec<PublicItemView>,
    hot: Vec<ducha_service::hot::PublicHot>,
}

impl Page for IndexPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// `GET /public`.
pub(crate) async fn index(State(s): State<AppState>, Query(m): Query<Mode>) -> Response {
    let v = View::of(&m);
    let items = match s.services.public_items().await {
        Ok(items) => items,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    match s.services.public_hot(ducha_service::now()).await {
        Ok(hot) => cached(render(&IndexPage {
            lang: v.lang,
            v,
            path: "/public",
            items,
            hot,
        })),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_item.html")]
struct ItemPage {
    lang: Lang,
    v: View,
    path: String,
    item: PublicItemView,
}

impl Page for ItemPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// `GET /public/items/{id}`: only a public item; any other id is not found.
pub(crate) async fn item(State(s): State<AppState>, Id(id): Id, Query(m): Query<Mode>) -> Response {
    let v = View::of(&m);
    match s.services.public_item(id).await {
        Ok(item) => cached(render(&ItemPage {
            lang: v.lang,
            v,
            path: format!("/public/items/{id}"),
            item,
        })),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_appeal.html")]
struct AppealPage {
    lang: Lang,
    v: View,
    path: &'static str,
    units: Vec<PublicUnit>,
    challenge: Challenge,
    input: AppealInput,
    errs: Errs,
}

impl Page for AppealPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl AppealPage {
    fn categories(&self) -> &'static [AppealCategory] {
        AppealCategory::ALL
    }
    fn question(&self) -> &str {
        if self.lang == Lang::En {
            &self.challenge.question_en
        } else {
            &self.challenge.question_zh
        }
    }
    fn indent(&self, u: &PublicUnit) -> String {
        "\u{3000}".repeat(u.depth)
    }
    fn chosen(&self, id: &i64) -> bool {
        self.input.unit_id == Some(*id)
    }
}

async fn appeal_page(
    s: &AppState,
    v: View,
    input: AppealInput,
    errs: Errs,
    status: StatusCode,
) -> Response {
    let now = ducha_service::now();
    let (units, challenge) = match (
        s.services.public_units().await,
        s.services.appeal_challenge(now).await,
    ) {
        (Ok(u), Ok(c)) => (u, c),
        (Err(e), _) | (_, Err(e)) => return crate::AppError::from(e).into_response(),
    };
    let page = AppealPage {
        lang: v.lang,
        v,
        path: "/public/appeal",
        units,
        challenge,
        input,
        errs,
    };
    (status, render(&page)).into_response()
}

/// `GET /public/appeal`: the form.
pub(crate) async fn appeal_form(State(s): State<AppState>, Query(m): Query<Mode>) -> Response {
    cached(
        appeal_page(
            &s,
            View::of(&m),
            AppealInput::default(),
            Errs::default(),
            StatusCode::OK,
        )
        .await,
    )
}

/// The form refused for the address's rate: rendered without reading the database, so
/// that a flood costs next to nothing.
#[derive(Template)]
#[template(path = "public_limited.html")]
struct LimitedPage {
    lang: Lang,
    v: View,
    path: &'static str,
    message: String,
}

impl Page for LimitedPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

fn limited_page(v: View, key: &str) -> Response {
    let page = LimitedPage {
        lang: v.lang,
        message: ducha_domain::i18n::t(key, v.lang).to_string(),
        v,
        path: "/public/appeal",
    };
    (StatusCode::TOO_MANY_REQUESTS, render(&page)).into_response()
}

/// The largest body the form may send: the photo and a margin for the fields.
const MAX_FORM: u64 = MAX_PHOTO_BYTES as u64 + 256 * 1024;

/// `POST /public/appeal`: stores the appeal and goes to its page, or shows the form again.
pub(crate) async fn submit(
    State(s): State<AppState>,
    Query(m): Query<Mode>,
    req: Request,
) -> Response {
    let v = View::of(&m);
    let now = ducha_service::now();
    let (parts, body) = req.into_parts();
    let addr = crate::auth::client_addr(&parts, s.services.config.auth.trust_forwarded_for);
    // The address's per-node limit first: a flood is refused before its body is read.
    if let Err(ServiceError::Limited(key)) = s.services.appeal_gate(addr.as_deref()) {
        return limited_page(v, key);
    }
    let req = Request::from_parts(parts, body);
    let limits = Limits {
        body: MAX_FORM,
        fields: 10,
    };
    let mut form = match upload::open_public(req, limits).await {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let mut sub = Submission::default();
    loop {
        let mut field = match form.next().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(stop) => return stop.response(),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            let mut data = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        if data.len() <= MAX_PHOTO_BYTES {
                            data.extend_from_slice(&c);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return crate::AppError::TooLarge.into_response(),
                }
            }
            if !data.is_empty() {
                sub.photo = Some(PhotoUpload { bytes: data });
            }
            continue;
        }
        let Some(value) = upload::small(field, 16 * 1024).await else {
            return crate::AppError::BadRequest("validation.upload").into_response();
        };
        match name.as_str() {
            "unit_id" => sub.input.unit_id = value.trim().parse().ok(),
            "category" => sub.input.category = value,
            "text" => sub.input.text = value,
            "contact" => sub.input.contact = value,
            "challenge" => sub.challenge_token = value,
            "answer" => sub.challenge_answer = value,
            _ => {}
        }
    }
    let input = sub.input.clone();
    match s.services.submit_appeal(sub, addr.as_deref(), now).await {
        Ok(r) => Redirect::to(&v.href(&format!("/public/track/{}?new=1", r.code))).into_response(),
        Err(ServiceError::Invalid(e)) => {
            let errs = Errs::from_validation(&e, v.lang);
            appeal_page(&s, v, input, errs, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // The shared hourly and daily counts (the database was read already): the form again,
        // with what the citizen wrote.
        Err(ServiceError::Limited(key)) => {
            let errs = Errs::general(key, v.lang);
            appeal_page(&s, v, input, errs, StatusCode::TOO_MANY_REQUESTS).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_track.html")]
struct TrackPage {
    lang: Lang,
    v: View,
    path: String,
    code: String,
    error: Option<String>,
    fresh: bool,
    found: Option<TrackView>,
    /// A toast key (`?done=rated`).
    done: Option<&'static str>,
    errs: Errs,
}

impl Page for TrackPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl TrackPage {
    fn answers(&self) -> [&'static str; 3] {
        ["satisfied", "basic", "dissatisfied"]
    }
}

/// `GET /public/track`: the code form; with `?code=`, that appeal's page.
pub(crate) async fn track_form(Query(m): Query<Mode>) -> Response {
    let v = View::of(&m);
    if let Some(code) = m.code.as_deref().filter(|c| !c.trim().is_empty()) {
        let code =
            TrackingCode::parse(code).map_or_else(|| code.trim().to_string(), |c| c.grouped());
        let safe: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(32)
            .collect();
        return Redirect::to(&v.href(&format!("/public/track/{safe}"))).into_response();
    }
    cached(render(&TrackPage {
        lang: v.lang,
        v,
        path: "/public/track".into(),
        code: String::new(),
        error: None,
        fresh: false,
        found: None,
        done: None,
        errs: Errs::default(),
    }))
}

/// `GET /public/track/{code}`: an appeal by its code (never cached: the code is the key).
pub(crate) async fn track(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Query(m): Query<Mode>,
) -> Response {
    let v = View::of(&m);
    let page = TrackPage {
        lang: v.lang,
        v,
        path: format!("/public/track/{code}"),
        code: code.chars().take(32).collect(),
        error: None,
        fresh: m.new.as_deref() == Some("1"),
        found: None,
        done: (m.done.as_deref() == Some("rated")).then_some("hot.thanks"),
        errs: Errs::default(),
    };
    track_page(&s, page, &code, StatusCode::OK).await
}

async fn track_page(s: &AppState, mut page: TrackPage, code: &str, status: StatusCode) -> Response {
    let v = page.v;
    match s.services.track_appeal(code).await {
        Ok(t) => {
            page.found = Some(t);
            (status, render(&page)).into_response()
        }
        Err(ServiceError::Invalid(e)) => {
            page.error =
                e.0.first()
                    .map(|f| ducha_domain::i18n::field_message(f, v.lang));
            (StatusCode::NOT_FOUND, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `POST /public/track/{code}/rate`: the submitter's satisfaction once the item closed
/// (same-origin form, no cookie); the page again with thanks, or with the refusal.
pub(crate) async fn rate(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Query(m): Query<Mode>,
    req: Request,
) -> Response {
    let v = View::of(&m);
    let (parts, body) = req.into_parts();
    if !crate::auth::same_origin(&parts) {
        return crate::AppError::Csrf.into_response();
    }
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return crate::AppError::TooLarge.into_response();
    };
    let f = super::form::Fields::parse(&body);
    let input = ducha_service::hot::SatisfactionInput {
        answer: f.get("answer").to_string(),
        comment: f.get("comment").to_string(),
    };
    let safe: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect();
    match s
        .services
        .rate_appeal(&code, &input, ducha_service::now())
        .await
    {
        Ok(()) => {
            Redirect::to(&v.href(&format!("/public/track/{safe}?done=rated"))).into_response()
        }
        Err(ServiceError::Invalid(e)) => {
            let page = TrackPage {
                lang: v.lang,
                v,
                path: format!("/public/track/{safe}"),
                code: safe.clone(),
                error: None,
                fresh: false,
                found: None,
                done: None,
                errs: Errs::from_validation(&e, v.lang),
            };
            track_page(&s, page, &safe, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
