//! Evidence files (佐证材料): upload one, and list the files a reporter may attach again.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::Id;
use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use ducha_domain::ValidationErrors;
use ducha_service::evidence::EvidenceView;

/// The upload form.
#[derive(Debug, utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the multipart body for the OpenAPI document"
)]
pub(crate) struct EvidenceUpload {
    /// The file: a JPG, PNG or WebP picture, a PDF, a Word or Excel document, or a TXT file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Room for the form's own framing and small fields.
const SLACK: u64 = 1024 * 1024;
/// Fields read at most: the file and a few a client may add.
const MAX_FIELDS: usize = 8;

fn unreadable() -> AppError {
    AppError::BadRequest("validation.upload")
}

fn too_large() -> AppError {
    ValidationErrors::single("file", "validation.file_too_large").into()
}

/// Reads the `file` field, keeping at most `max` bytes of it in memory. Other fields are
/// skipped, up to [`MAX_FIELDS`] in all. A file up to twice too large is read to its end and refused, so the client
/// finishes sending and reads the refusal; beyond that reading stops, and the connection with
/// it.
async fn read_file(mut form: Multipart, max: u64) -> Result<(String, Vec<u8>), AppError> {
    let mut seen: u64 = 0;
    let mut file = None;
    let mut oversize = false;
    let mut fields = 0;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(ValidationErrors::single("form", "validation.too_many_fields").into());
        }
        let wanted = field.name() == Some("file") && file.is_none();
        let name = field.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            seen += chunk.len() as u64;
            if seen > max.saturating_mul(2).saturating_add(SLACK) {
                return Err(too_large());
            }
            if wanted && !oversize {
                if (bytes.len() + chunk.len()) as u64 > max {
                    oversize = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
        }
        if wanted {
            file = Some((name, bytes));
        }
    }
    if oversize {
        return Err(too_large());
    }
    file.ok_or_else(|| ValidationErrors::single("file", "validation.required").into())
}

#[utoipa::path(post, path = "/evidence", tag = "evidence",
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 200, description = "Stored (the same content is kept once)", body = EvidenceView),
        (status = 400, body = ErrorBody), (status = 422, description = "Empty, too large, a type not allowed, or too many fields", body = ErrorBody)))]
pub(crate) async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<EvidenceView>, AppError> {
    let form = form.map_err(|_| unreadable())?;
    let (name, bytes) = read_file(form, s.services.config.evidence.max_bytes).await?;
    Ok(Json(
        s.services
            .store_evidence(&auth.actor, &name, bytes, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/assignments/{id}/evidence", tag = "evidence", params(("id" = i64, Path)),
    responses((status = 200, description = "The unit's latest files, newest first, to attach to a report", body = Vec<EvidenceView>),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn reusable(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Vec<EvidenceView>>, AppError> {
    Ok(Json(s.services.reusable_evidence(&auth.actor, id).await?))
}
