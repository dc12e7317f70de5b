//! The assessment (平时成绩): rankings, score cards, appeals, finalising, the cadre record and
//! rule sets.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use ducha_service::assessment::{
    AppealDecisionInput, AppealInput, AppealView, CadreRecord, ScoreBoard, ScoreCard,
};
use ducha_service::{Created, Done};
use serde::{Deserialize, Serialize};

/// Which period of which jurisdiction.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
    /// The jurisdiction (default: the reader's).
    #[serde(default)]
    pub scope_unit_id: Option<i64>,
    /// Units at this depth only (rankings).
    #[serde(default)]
    pub level: Option<i64>,
}

/// Appeals of a period.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppealsQuery {
    /// The period (all when absent).
    #[serde(default)]
    pub period: Option<String>,
    /// The jurisdiction (default: the reader's).
    #[serde(default)]
    pub scope_unit_id: Option<i64>,
}

/// A rule set to load.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RulesInput {
    /// The jurisdiction (default: the reader's).
    #[serde(default)]
    pub scope_unit_id: Option<i64>,
    /// The rule set as TOML (see `ducha assessment rules default`).
    pub rules: String,
}

/// A stored rule set, as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleSetOut {
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// In force (the latest loaded).
    pub in_force: bool,
    /// Loaded at.
    pub loaded_at: chrono::DateTime<chrono::Utc>,
    /// The TOML text.
    pub rules: String,
}

#[utoipa::path(get, path = "/assessment/scores", tag = "assessment", params(PeriodQuery),
    responses((status = 200, description = "The ranking of a period, best first, with the change \
        since the period before", body = ScoreBoard),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn scores(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<ScoreBoard>, AppError> {
    Ok(Json(
        s.services
            .score_board(
                &auth.actor,
                q.scope_unit_id,
                &q.period,
                q.level,
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(get, path = "/assessment/units/{id}", tag = "assessment",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, description = "A unit's score card: every line names its rule and \
        the events behind it", body = ScoreCard),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn card(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<ScoreCard>, AppError> {
    Ok(Json(
        s.services
            .score_card(
                &auth.actor,
                q.scope_unit_id,
                id,
                &q.period,
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/assessment/appeals", tag = "assessment", request_body = AppealInput,
    responses((status = 200, description = "Appeal filed (申辩)", body = Created),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn appeal(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<AppealInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .appeal_line(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/assessment/appeals", tag = "assessment", params(AppealsQuery),
    responses((status = 200, body = Vec<AppealView>), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn appeals(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AppealsQuery>,
) -> Result<Json<Vec<AppealView>>, AppError> {
    Ok(Json(
        s.services
            .score_appeals(
                &auth.actor,
                q.scope_unit_id,
                q.period.as_deref(),
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/assessment/appeals/{id}/decide", tag = "assessment",
    params(("id" = i64, Path)), request_body = AppealDecisionInput,
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn decide(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<AppealDecisionInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .decide_appeal(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assessment/finalize", tag = "assessment", request_body = PeriodQuery,
    responses((status = 200, description = "Finalised: nothing in the period changes any more",
        body = Done), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn finalize(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(q): ApiJson<PeriodQuery>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .finalize_scores(
                &auth.actor,
                q.scope_unit_id,
                &q.period,
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(get, path = "/assessment/cadres", tag = "assessment", params(PeriodQuery),
    responses((status = 200, description = "Per responsible person, the items of the period and \
        how each went (a factual record, not a score)", body = Vec<CadreRecord>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn cadres(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<CadreRecord>>, AppError> {
    Ok(Json(
        s.services
            .cadre_records(
                &auth.actor,
                q.scope_unit_id,
                &q.period,
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(get, path = "/assessment/rules", tag = "assessment", params(AppealsQuery),
    responses((status = 200, description = "The jurisdiction's rule sets, the one in force first \
        (none: the shipped default is in force)", body = Vec<RuleSetOut>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn rules(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AppealsQuery>,
) -> Result<Json<Vec<RuleSetOut>>, AppError> {
    let scope = s
        .services
        .assessment_scope_of(&auth.actor, q.scope_unit_id)
        .await?;
    let sets = s.services.rule_sets(scope).await?;
    Ok(Json(
        sets.into_iter()
            .enumerate()
            .map(|(i, r)| RuleSetOut {
                version: r.version,
                title: r.title,
                in_force: i == 0,
                loaded_at: r.loaded_at,
                rules: r.body,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/assessment/rules", tag = "assessment", request_body = RulesInput,
    responses((status = 200, description = "Loaded; in force from now", body = Created),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn load_rules(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<RulesInput>,
) -> Result<Json<Created>, AppError> {
    let scope = s
        .services
        .assessment_scope_of(&auth.actor, input.scope_unit_id)
        .await?;
    Ok(Json(
        s.services
            .load_rule_set(Some(&auth.actor), scope, &input.rules, ducha_service::now())
            .await?,
    ))
}
