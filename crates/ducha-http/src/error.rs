//! One error type for every handler: a translated message key for people (4xx), and for 5xx an
//! operation id the user can quote while the full cause chain goes to the log.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::{Lang, t};
use ducha_domain::{FieldError, ValidationErrors};
use ducha_service::ServiceError;
use serde::Serialize;

/// An error as the API shows it.
#[derive(Debug)]
pub enum AppError {
    /// From a use case.
    Service(ServiceError),
    /// A request the server cannot read (malformed JSON): 400.
    BadRequest(&'static str),
    /// Too large: 413.
    TooLarge,
    /// The CSRF or origin check failed: 403.
    Csrf,
    /// A body that is not `application/json`: 415.
    NotJson,
    /// An API token may not do this (its scope, or minting tokens): 403 with the reason.
    TokenRefused(&'static str),
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError::Service(e)
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Service(ServiceError::Invalid(e))
    }
}

/// The error body's content, kept on the response so [`localize`] can translate it.
#[derive(Debug, Clone)]
pub(crate) struct ErrorInfo {
    code: &'static str,
    key: &'static str,
    fields: Vec<FieldError>,
    operation_id: Option<String>,
}

/// `{"error": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, in the caller's language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable class: `bad_request`, `invalid`, `conflict`, `not_found`, `forbidden`,
    /// `unauthorized`, `too_many_requests`, `too_large`, `unsupported_media_type`, `internal`,
    /// `outcome_unknown` (503: the connection broke during the commit; reload before retrying).
    pub code: &'static str,
    /// Message key (for conflicts, the rule that would be broken).
    pub key: &'static str,
    /// Translated message.
    pub message: String,
    /// Invalid fields, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
    /// Quote this to the administrator (internal errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// One invalid field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// Field path as sent.
    pub field: String,
    /// Message key.
    pub key: &'static str,
    /// Translated message.
    pub message: String,
    /// What the message names (a rule, a field, a line), already filled into `message`.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    #[schema(value_type = Object)]
    pub args: serde_json::Value,
}

impl ErrorInfo {
    /// The message key.
    pub(crate) fn key(&self) -> &'static str {
        self.key
    }

    /// The operation id shown with the error (5xx only).
    #[cfg(test)]
    pub(crate) fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    fn body(&self, lang: Lang) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                key: self.key,
                // The first field's message, with what it names, when it is the error's.
                message: self
                    .fields
                    .first()
                    .filter(|f| f.key == self.key)
                    .map_or_else(
                        || t(self.key, lang).to_string(),
                        |f| ducha_domain::i18n::field_message(f, lang),
                    ),
                fields: self
                    .fields
                    .iter()
                    .map(|f| FieldMessage {
                        field: f.field.clone(),
                        key: f.key,
                        message: ducha_domain::i18n::field_message(f, lang),
                        args: f.args.clone(),
                    })
                    .collect(),
                operation_id: self.operation_id.clone(),
            },
        }
    }
}

/// The request's operation id (the one its log lines carry), or a new one outside a request.
fn operation_id() -> String {
    crate::ops::current_operation().unwrap_or_else(crate::ops::new_operation_id)
}

impl AppError {
    pub(crate) fn info(&self) -> (StatusCode, ErrorInfo) {
        let plain = |status, code, key| {
            (
                status,
                ErrorInfo {
                    code,
                    key,
                    fields: vec![],
                    operation_id: None,
                },
            )
        };
        match self {
            AppError::BadRequest(key) => plain(StatusCode::BAD_REQUEST, "bad_request", key),
            AppError::TooLarge => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "error.payload_too_large",
            ),
            AppError::Csrf => plain(StatusCode::FORBIDDEN, "forbidden", "error.csrf"),
            AppError::TokenRefused(key) => plain(StatusCode::FORBIDDEN, "forbidden", key),
            AppError::NotJson => plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "error.not_json",
            ),
            AppError::Service(e) => match e {
                ServiceError::Invalid(v) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorInfo {
                        code: "invalid",
                        key: v.0.first().map_or("validation.required", |f| f.key),
                        fields: v.0.clone(),
                        operation_id: None,
                    },
                ),
                ServiceError::Rule(r) => plain(StatusCode::CONFLICT, "conflict", r.key()),
                ServiceError::NotFound => {
                    plain(StatusCode::NOT_FOUND, "not_found", "error.not_found")
                }
                ServiceError::Forbidden => {
                    plain(StatusCode::FORBIDDEN, "forbidden", "error.forbidden")
                }
                ServiceError::Unauthorized => plain(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "error.unauthorized",
                ),
                ServiceError::LoginFailed => plain(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "error.login_failed",
                ),
                // A locked account answers as a wrong password does: the status must not tell
                // which names exist.
                ServiceError::Locked => plain(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "error.login_failed",
                ),
                ServiceError::CodeWrong => {
                    plain(StatusCode::UNAUTHORIZED, "unauthorized", "error.code_wrong")
                }
                ServiceError::Throttled => plain(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "error.throttled",
                ),
                ServiceError::Limited(key) => {
                    plain(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", key)
                }
                ServiceError::Store(err @ ducha_store::StoreError::Unknown(_)) => {
                    let op = operation_id();
                    tracing::error!(operation_id = %op, error = ?err, "commit outcome unknown");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        ErrorInfo {
                            code: "outcome_unknown",
                            key: "error.outcome_unknown",
                            fields: vec![],
                            operation_id: Some(op),
                        },
                    )
                }
                ServiceError::Unavailable(key) => {
                    tracing::warn!(key, "a service the server relies on is unavailable");
                    plain(StatusCode::SERVICE_UNAVAILABLE, "unavailable", key)
                }
                ServiceError::Store(err) => {
                    let op = operation_id();
                    tracing::error!(operation_id = %op, error = ?err, "internal error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        ErrorInfo {
                            code: "internal",
                            key: "error.internal",
                            fields: vec![],
                            operation_id: Some(op),
                        },
                    )
                }
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, info) = self.info();
        let mut res = (status, axum::Json(info.body(Lang::ZhCn))).into_response();
        res.extensions_mut().insert(info);
        res
    }
}

/// The language a request asks for: the `lang` cookie, else `Accept-Language`, else zh-CN.
pub(crate) fn request_lang(headers: &HeaderMap) -> Lang {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang="));
    if let Some(l) = cookie {
        return Lang::from_tag(l);
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::ZhCn, |v| {
            Lang::from_tag(v.split(',').next().unwrap_or(""))
        })
}

/// Re-renders error bodies in the request's language: JSON for the API and scripts, a page
/// for a browser that navigated (a translated message and, for 5xx, the operation id).
pub(crate) async fn localize(req: Request, next: Next) -> Response {
    let lang = request_lang(req.headers());
    let page = !req.uri().path().starts_with("/api/")
        && (req.headers().contains_key("hx-request")
            || req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/html")));
    let mut res = next.run(req).await;
    if !page && lang == Lang::ZhCn {
        return res;
    }
    let Some(info) = res.extensions_mut().remove::<ErrorInfo>() else {
        return res;
    };
    let status = res.status();
    let mut translated = if page {
        crate::web::error_page(lang, status, info.key, info.operation_id.clone())
    } else {
        (status, axum::Json(info.body(lang))).into_response()
    };
    for (k, v) in res.headers() {
        if k != header::CONTENT_LENGTH && k != header::CONTENT_TYPE {
            translated.headers_mut().insert(k.clone(), v.clone());
        }
    }
    translated
}

/// Any path that matches no route.
pub(crate) async fn not_found() -> AppError {
    AppError::Service(ServiceError::NotFound)
}

/// A panic in a handler becomes a 500 with an operation id, never a dropped connection.
pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let op = operation_id();
    tracing::error!(operation_id = %op, "handler panicked");
    let info = ErrorInfo {
        code: "internal",
        key: "error.internal",
        fields: vec![],
        operation_id: Some(op),
    };
    let mut res = (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(info.body(Lang::ZhCn)),
    )
        .into_response();
    res.extensions_mut().insert(info);
    res
}
