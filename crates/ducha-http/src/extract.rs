//! Extractors that turn unreadable input into the API's translated errors instead of axum's
//! plain-text rejections: malformed JSON is 400, a well-formed body with a wrong field is 422
//! naming the field, and a non-numeric id is simply not found.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use ducha_domain::ValidationErrors;
use ducha_service::ServiceError;
use serde::de::DeserializeOwned;

/// A JSON body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

fn field_error(path: &str, message: &str) -> ValidationErrors {
    // serde reports a missing field at its parent's path, naming it only in the message.
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        let field = if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        return ValidationErrors::single(field, "validation.required");
    }
    let field = if path == "." {
        "body".to_string()
    } else {
        path.to_string()
    };
    ValidationErrors::single(field, "validation.invalid_value")
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        // Only JSON: a browser form cannot send it across sites without a CORS preflight.
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(AppError::NotJson);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadRequest("validation.invalid_json")
            }
        })?;
        // Every request body of the API is an object; serde would also fill a struct from an
        // array (`[]` meaning "all defaults"), which no client means.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AppError::BadRequest("validation.invalid_json"));
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            if e.inner().is_data() {
                AppError::from(field_error(&e.path().to_string(), &e.inner().to_string()))
            } else {
                AppError::BadRequest("validation.invalid_json")
            }
        })?;
        de.end()
            .map_err(|_| AppError::BadRequest("validation.invalid_json"))?;
        Ok(ApiJson(value))
    }
}

/// Query parameters.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                let field = if field == "." {
                    "query".to_string()
                } else {
                    field
                };
                ValidationErrors::single(field, "validation.invalid_query").into()
            })
    }
}

/// A numeric id in the path; anything else is "not found".
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Service(ServiceError::NotFound))?;
        raw.parse()
            .map(Id)
            .map_err(|_| AppError::Service(ServiceError::NotFound))
    }
}
