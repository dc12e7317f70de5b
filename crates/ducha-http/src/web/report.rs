//! The report form (报送进展 / 申请办结): a multipart post of the report's fields and new
//! evidence files, read within limits, the files stored as evidence, then the report filed with
//! them and the files the unit picked from those it uploaded before.

use super::form::{Errs, Fields};
use super::item::{item_of, now, outcome, reshow};
use super::user::PageUser;
use crate::AppState;
use crate::extract::Id;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use ducha_domain::report::{MetricValue, ReportInput};
use ducha_service::ServiceError;

/// Largest text field of the report form (the report's own limits are far lower).
const MAX_TEXT_FIELD: usize = 256 * 1024;

/// `POST /assignments/{id}/report`: a progress report or a request for completion, with new
/// files (multipart) and evidence uploaded before.
pub(crate) async fn report(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(mut multipart) = multipart else {
        return crate::AppError::BadRequest("validation.upload").into_response();
    };
    let lang = user.lang;
    let mut f = Fields::default();
    let mut files = Vec::new();
    let mut errs = Errs::default();
    let max = s.services.config.evidence.max_bytes;
    let mut total: u64 = 0;
    'fields: loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                errs.add("files", "validation.upload", lang);
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name != "files" {
            // Text fields are small; a huge one is refused before it fills memory.
            let mut text = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if text.len() + chunk.len() <= MAX_TEXT_FIELD => {
                        text.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Ok(Some(_)) | Err(_) => {
                        return crate::AppError::TooLarge.into_response();
                    }
                }
            }
            total += text.len() as u64;
            f.0.push((name, String::from_utf8_lossy(&text).into_owned()));
            continue;
        }
        let filename = field.file_name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len() as u64;
                    if bytes.len() + chunk.len() > max as usize {
                        errs.add("files", "validation.file_too_large", lang);
                        break 'fields;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => {
                    errs.add("files", "validation.upload", lang);
                    break 'fields;
                }
            }
        }
        if total > max.saturating_mul(ducha_domain::report::MAX_EVIDENCE as u64) {
            errs.add("files", "validation.file_too_large", lang);
            break;
        }
        if !(bytes.is_empty() && filename.is_empty()) {
            files.push((filename, bytes));
        }
    }
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let item = item_of(&f);
    let form = format!("report-{id}");
    let percent = match f.number::<i64>("percent") {
        Ok(p) => p,
        Err(()) => {
            errs.add("percent", "validation.percent", lang);
            None
        }
    };
    let mut metrics = Vec::new();
    for (i, name) in f.all("metric_name").into_iter().enumerate() {
        let raw = f.all("metric_value").get(i).copied().unwrap_or("").trim();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<f64>() {
            Ok(value) => metrics.push(MetricValue {
                name: name.to_string(),
                value,
            }),
            Err(_) => errs.add(
                &format!("metrics[{i}].value"),
                "validation.non_negative_number",
                lang,
            ),
        }
    }
    let mut evidence_ids: Vec<i64> = f
        .all("evidence")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    if errs.any() {
        return reshow(&s, user, (item, form, f), errs).await;
    }
    // New files are kept even when the report is refused: the unit can pick them next time.
    for (name, bytes) in files {
        match s
            .services
            .store_evidence(&user.actor, &name, bytes, now())
            .await
        {
            Ok(v) => evidence_ids.push(v.id),
            Err(ServiceError::Invalid(v)) => {
                for e in &v.0 {
                    errs.add("files", e.key, lang);
                }
            }
            Err(e) => return crate::AppError::from(e).into_response(),
        }
    }
    if errs.any() {
        return reshow(&s, user, (item, form, f), errs).await;
    }
    let completion = f.get("kind") == "completion";
    let input = ReportInput {
        text: f.get("text").to_string(),
        percent,
        metrics,
        problems: f.get("problems").to_string(),
        completion,
        evidence_ids,
    };
    let r = s
        .services
        .submit_report(&user.actor, id, &input, now())
        .await;
    let done = if completion {
        "completion_requested"
    } else {
        "reported"
    };
    outcome(&s, user, (item, form, f), done, r).await
}
