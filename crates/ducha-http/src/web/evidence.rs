//! Evidence files as the browser gets them: pictures inline (and their thumbnails), everything
//! else as a download. A session cookie (pages) or a bearer token (API clients) will do.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Id;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ducha_service::ServiceError;
use ducha_service::evidence::EvidenceFile;
use ducha_store::StoreError;

/// `GET /evidence/{id}`: the file.
pub(crate) async fn file(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Response, AppError> {
    let f = s.services.evidence_file(&auth.actor, id).await?;
    let disposition = if f.view.is_image {
        "inline"
    } else {
        "attachment"
    };
    let name = f.view.filename.clone();
    send(f, disposition, &name).await
}

/// `GET /evidence/{id}/thumb`: a picture's thumbnail.
pub(crate) async fn thumb(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Response, AppError> {
    let f = s.services.evidence_thumb(&auth.actor, id).await?;
    let ext = if f.mime == "image/png" { "png" } else { "jpg" };
    let stem = f
        .view
        .filename
        .rsplit_once('.')
        .map_or(f.view.filename.as_str(), |(s, _)| s);
    let name = format!("{stem}-thumb.{ext}");
    send(f, "inline", &name).await
}

fn internal(e: std::io::Error) -> AppError {
    // A recorded file whose bytes are gone is a fault of the server's storage.
    AppError::Service(ServiceError::Store(StoreError::Other(Box::new(e))))
}

/// Streams the file in pieces, so a large file never sits whole in memory (from the disk or
/// from the database, as configured).
async fn send(f: EvidenceFile, disposition: &str, name: &str) -> Result<Response, AppError> {
    let (len, reader) = f.open().await.map_err(internal)?;
    let chunks = futures_util::stream::unfold(Some(reader), |state| async move {
        let mut reader = state?;
        match reader.next_chunk().await {
            Ok(None) => None,
            Ok(Some(piece)) => Some((Ok(Bytes::from(piece)), Some(reader))),
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut res = Body::from_stream(chunks).into_response();
    let h = res.headers_mut();
    let value =
        |v: String| HeaderValue::from_str(&v).map_err(|e| internal(std::io::Error::other(e)));
    h.insert(header::CONTENT_TYPE, value(f.mime.clone())?);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(
        header::CONTENT_DISPOSITION,
        value(content_disposition(disposition, name))?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Access depends on who asks, and a browser's cache outlives a session: nothing keeps it.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `inline` or `attachment` with the name twice: an ASCII fallback, and the exact UTF-8 name
/// percent-encoded as RFC 5987 `filename*` (what every current browser uses).
fn content_disposition(disposition: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn names_are_sent_safely_in_both_forms() {
        assert_eq!(
            content_disposition("attachment", "整改报告 v2.pdf"),
            "attachment; filename=\"____ v2.pdf\"; \
             filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A%20v2.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a\"b\\c.png"),
            "inline; filename=\"a_b_c.png\"; filename*=UTF-8''a%22b%5Cc.png"
        );
    }
}
