//! The assessment pages (平时成绩): the ranking of a period (for the office and the leaders,
//! not pushed to townships), a unit's score card with its appeal forms, the appeals queue, the
//! cadre record, and the .xlsx export (summary and lines).

mod export;
mod forms;

pub(crate) use export::scores_xlsx;
pub(crate) use forms::{appeal, decide, finalize};

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::assessment::{AppealView, CadreRecord, ScoreBoard, ScoreCard};
use serde::Deserialize;

/// The period and jurisdiction a page shows, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub level: String,
}

impl PeriodQuery {
    /// The period asked, or the current month.
    pub(crate) fn period(&self) -> String {
        let p = self.period.trim();
        if p.is_empty() {
            ducha_domain::calendar::china_date(ducha_service::now())
                .format("%Y-%m")
                .to_string()
        } else {
            p.to_string()
        }
    }

    pub(crate) fn scope(&self) -> Option<i64> {
        self.scope.trim().parse().ok()
    }

    fn level(&self) -> Option<i64> {
        self.level.trim().parse().ok()
    }
}

/// The months a period picker offers: this one and the eleven before, then the quarters and
/// the year.
pub(crate) fn periods() -> Vec<String> {
    use chrono::Datelike;
    let today = ducha_domain::calendar::china_date(ducha_service::now());
    let mut out = Vec::new();
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 0..12 {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    let q = (today.month() - 1) / 3 + 1;
    for k in (1..=q).rev() {
        out.push(format!("{}-Q{k}", today.year()));
    }
    out.push(format!("{}", today.year()));
    out
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct BoardPage {
    lang: Lang,
    user: PageUser,
    period: String,
    periods: Vec<String>,
    level: String,
    levels: Vec<i64>,
    board: Option<ScoreBoard>,
    error: Option<String>,
}

impl Page for BoardPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// A change of score as an arrow and the figure: `▲2.5`, `▼1`, `—`.
pub(crate) fn trend(d: f64) -> String {
    if d > 0.0 {
        format!("▲{d}")
    } else if d < 0.0 {
        format!("▼{}", -d)
    } else {
        "—".into()
    }
}

/// A change of score in words.
pub(crate) fn trend_text(d: f64, lang: Lang) -> String {
    let n = serde_json::json!({ "n": d.abs() });
    let key = if d > 0.0 {
        "ui.trend_up"
    } else if d < 0.0 {
        "ui.trend_down"
    } else {
        "ui.trend_same"
    };
    ducha_domain::i18n::format(key, lang, &n)
}

impl BoardPage {
    fn change(&self, now: &usize, before: &Option<usize>) -> String {
        match before {
            Some(b) if *b > *now => format!("↑{}", b - now),
            Some(b) if *b < *now => format!("↓{}", now - b),
            Some(_) => "—".into(),
            None => String::new(),
        }
    }

    /// The score's change on the previous period, as an arrow and the figure.
    fn trend(&self, d: &f64) -> String {
        trend(*d)
    }

    /// The same change in words (for screen readers and the tooltip).
    fn trend_text(&self, d: &f64) -> String {
        trend_text(*d, self.lang)
    }

    fn sel(&self, v: &str) -> &'static str {
        if v == self.period { "selected" } else { "" }
    }

    fn sel_level(&self, l: &i64) -> &'static str {
        if l.to_string() == self.level {
            "selected"
        } else {
            ""
        }
    }

    fn level_label(&self, l: &i64) -> String {
        self.tn("ui.level_n", l)
    }
}

/// `GET /assessment`: the ranking of a period.
pub(crate) async fn board(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let period = q.period();
    let r = s
        .services
        .score_board(
            &user.actor,
            q.scope(),
            &period,
            q.level(),
            ducha_service::now(),
        )
        .await;
    let lang = user.lang;
    let root = i64::try_from(user.actor.jurisdiction.depth()).unwrap_or(1);
    let mut page = BoardPage {
        lang,
        level: q.level.trim().to_string(),
        levels: (root + 1..root + 4).collect(),
        user,
        period,
        periods: periods(),
        board: None,
        error: None,
    };
    match r {
        Ok(b) => {
            page.board = Some(b);
            render(&page)
        }
        Err(ServiceError::Invalid(v)) => {
            page.error = v.0.first().map(|f| page.t(f.key));
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "assessment_card.html")]
struct CardPage {
    lang: Lang,
    user: PageUser,
    card: ScoreCard,
    periods: Vec<String>,
    /// The line whose appeal form is open after an error, and the error.
    open: String,
    error: Option<String>,
    /// Working days after a period within which a unit may appeal (the configured window).
    appeal_days: u32,
}

impl Page for CardPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl CardPage {
    fn pts(&self, v: &f64) -> String {
        if *v > 0.0 {
            format!("+{v}")
        } else {
            format!("{v}")
        }
    }

    fn pts_raw(&self, hundredths: &i64) -> String {
        self.pts(&(*hundredths as f64 / 100.0))
    }

    fn sel(&self, v: &str) -> &'static str {
        if v == self.card.period {
            "selected"
        } else {
            ""
        }
    }
}

/// `GET /assessment/units/{id}`: a unit's score card.
pub(crate) async fn card(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<PeriodQuery>,
) -> Response {
    card_page(&s, user, id, &q, String::new(), None).await
}

pub(super) async fn card_page(
    s: &AppState,
    user: PageUser,
    unit: i64,
    q: &PeriodQuery,
    open: String,
    error: Option<(StatusCode, String)>,
) -> Response {
    match s
        .services
        .score_card(
            &user.actor,
            q.scope(),
            unit,
            &q.period(),
            ducha_service::now(),
        )
        .await
    {
        Ok(card) => {
            let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
            let page = CardPage {
                lang: user.lang,
                user,
                card,
                periods: periods(),
                open,
                error: error.map(|e| e.1),
                appeal_days: s.services.config.assessment.appeal_days,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "assessment_appeals.html")]
struct AppealsPage {
    lang: Lang,
    user: PageUser,
    list: Vec<AppealView>,
}

impl Page for AppealsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl AppealsPage {
    fn pts(&self, v: &f64) -> String {
        if *v > 0.0 {
            format!("+{v}")
        } else {
            format!("{v}")
        }
    }
}

/// `GET /assessment/appeals`: the appeals queue.
pub(crate) async fn appeals(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let period = Some(q.period.trim()).filter(|p| !p.is_empty());
    match s
        .services
        .score_appeals(&user.actor, q.scope(), period, ducha_service::now())
        .await
    {
        Ok(mut list) => {
            list.sort_by_key(|a| (a.state != "pending", std::cmp::Reverse(a.id)));
            render(&AppealsPage {
                lang: user.lang,
                user,
                list,
            })
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "assessment_cadres.html")]
struct CadresPage {
    lang: Lang,
    user: PageUser,
    period: String,
    periods: Vec<String>,
    list: Vec<CadreRecord>,
}

impl Page for CadresPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl CadresPage {
    fn sel(&self, v: &str) -> &'static str {
        if v == self.period { "selected" } else { "" }
    }
}

/// `GET /assessment/cadres`: the cadre record.
pub(crate) async fn cadres(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let period = q.period();
    match s
        .services
        .cadre_records(&user.actor, q.scope(), &period, ducha_service::now())
        .await
    {
        Ok(list) => render(&CadresPage {
            lang: user.lang,
            user,
            period,
            periods: periods(),
            list,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
