//! Multipart page forms read within limits and only after their checks. The session was
//! resolved from the headers; then the origin is checked, a declared length over the route's
//! limit is refused before a byte is read, the body is capped at that limit whatever it
//! claims, and the first field must be the session's CSRF token (the forms put it first, and
//! browsers send fields in order). Only then are the other fields read, a bounded number of
//! them.

use super::user::PageUser;
use crate::AppError;
use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ducha_domain::ValidationErrors;

/// The CSRF token is short; a longer first field is not one.
const MAX_TOKEN: usize = 256;

/// What a form may send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Bytes of the whole body, framing included.
    pub body: u64,
    /// Fields after the CSRF token.
    pub fields: usize,
}

/// An opened form whose token was accepted.
pub(crate) struct Upload {
    form: Multipart,
    left: usize,
}

fn refuse(e: AppError) -> Box<Response> {
    Box::new(e.into_response())
}

/// Opens `req`'s multipart body for `user` under `limits`, or the refusal.
pub(crate) async fn open(
    user: &PageUser,
    req: Request,
    limits: Limits,
) -> Result<Upload, Box<Response>> {
    let (parts, body) = req.into_parts();
    if !crate::auth::same_origin(&parts) {
        return Err(refuse(AppError::Csrf));
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.body) {
        return Err(refuse(AppError::TooLarge));
    }
    let capped = Body::new(http_body_util::Limited::new(
        body,
        usize::try_from(limits.body).unwrap_or(usize::MAX),
    ));
    let mut form = Multipart::from_request(Request::from_parts(parts, capped), &())
        .await
        .map_err(|_| refuse(AppError::BadRequest("validation.upload")))?;
    let first = form.next_field().await.ok().flatten();
    let token = match first {
        Some(f) if f.name() == Some("csrf") => small(f, MAX_TOKEN).await,
        _ => None,
    };
    if token.as_deref() != Some(user.csrf.as_str()) {
        return Err(refuse(AppError::Csrf));
    }
    Ok(Upload {
        form,
        left: limits.fields,
    })
}

/// Opens the public form's multipart body: no session and so no token, but the same origin
/// check, the declared length refused before a byte is read, the body capped and a bounded
/// number of fields.
pub(crate) async fn open_public(req: Request, limits: Limits) -> Result<Upload, Box<Response>> {
    let (parts, body) = req.into_parts();
    if !crate::auth::same_origin(&parts) {
        return Err(refuse(AppError::Csrf));
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.body) {
        return Err(refuse(AppError::TooLarge));
    }
    let capped = Body::new(http_body_util::Limited::new(
        body,
        usize::try_from(limits.body).unwrap_or(usize::MAX),
    ));
    let form = Multipart::from_request(Request::from_parts(parts, capped), &())
        .await
        .map_err(|_| refuse(AppError::BadRequest("validation.upload")))?;
    Ok(Upload {
        form,
        left: limits.fields,
    })
}

/// A field of at most `max` bytes as text, or `None` when longer or unreadable.
pub(crate) async fn small(mut field: Field<'_>, max: usize) -> Option<String> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.ok()? {
        if text.len() + chunk.len() > max {
            return None;
        }
        text.extend_from_slice(&chunk);
    }
    Some(String::from_utf8_lossy(&text).into_owned())
}

/// Why the next field could not be had.
pub(crate) enum Stop {
    /// More fields than the form has room for.
    TooMany,
    /// The body broke off, is malformed, or passed the limit.
    Unreadable,
}

impl Stop {
    /// The answer: 422 naming the form for too many fields, else 400.
    pub(crate) fn response(&self) -> Response {
        match self {
            Stop::TooMany => AppError::from(ValidationErrors::single(
                "form",
                "validation.too_many_fields",
            ))
            .into_response(),
            Stop::Unreadable => AppError::BadRequest("validation.upload").into_response(),
        }
    }
}

impl Upload {
    /// The next field, counted against the form's limit.
    pub(crate) async fn next(&mut self) -> Result<Option<Field<'_>>, Stop> {
        match self.form.next_field().await {
            Ok(Some(_)) if self.left == 0 => Err(Stop::TooMany),
            Ok(Some(f)) => {
                self.left -= 1;
                Ok(Some(f))
            }
            Ok(None) => Ok(None),
            Err(_) => Err(Stop::Unreadable),
        }
    }
}
