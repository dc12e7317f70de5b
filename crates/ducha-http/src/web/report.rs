//! The report form (报送进展 / 申请办结): a multipart post of the report's fields and new
//! evidence files, read within limits once the user's right to report, the origin and the CSRF
//! token passed; the files stored as evidence, then the report filed with them and the files the
//! unit picked from those it uploaded before.

use super::form::{Errs, Fields};
use super::item::{item_of, now, outcome, reshow};
use super::upload::{self, Limits, Stop};
use super::user::PageUser;
use crate::AppState;
use crate::extract::Id;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use ducha_domain::report::{MAX_EVIDENCE, MetricValue, ReportInput};
use ducha_service::ServiceError;

/// Largest text field of the report form (the report's own limits are far lower).
const MAX_TEXT_FIELD: usize = 256 * 1024;
/// Fields after the token: six of the report, a name and a value per target, new files and
/// files picked again, with room to spare; the report's own rules bound each kind further.
const MAX_FIELDS: usize = 160;
/// Room for the form's framing and text fields beside its files.
const SLACK: u64 = 2 * 1024 * 1024;

/// `POST /assignments/{id}/report`: a progress report or a request for completion, with new
/// files (multipart) and evidence uploaded before. Whether the user may report here, the
/// origin and the CSRF token are all checked before any file is read.
pub(crate) async fn report(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    req: Request,
) -> Response {
    if let Err(e) = s.services.may_report(&user.actor, id).await {
        return crate::AppError::from(e).into_response();
    }
    let max = s.services.config.evidence.max_bytes;
    let limits = Limits {
        body: max
            .saturating_mul(MAX_EVIDENCE as u64)
            .saturating_add(SLACK),
        fields: MAX_FIELDS,
    };
    let mut form = match upload::open(&user, req, limits).await {
        Ok(form) => form,
        Err(r) => return *r,
    };
    let lang = user.lang;
    let mut f = Fields::default();
    let mut files = Vec::new();
    let mut errs = Errs::default();
    'fields: loop {
        let field = match form.next().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(Stop::TooMany) => return Stop::TooMany.response(),
            Err(Stop::Unreadable) => {
                errs.add("files", "validation.upload", lang);
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name != "files" {
            // Text fields are small; a huge one is refused before it fills memory.
            match upload::small(field, MAX_TEXT_FIELD).await {
                Some(text) => f.0.push((name, text)),
                None => return crate::AppError::TooLarge.into_response(),
            }
            continue;
        }
        let mut field = field;
        let filename = field.file_name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
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
        if !(bytes.is_empty() && filename.is_empty()) {
            if files.len() == MAX_EVIDENCE {
                errs.add("files", "validation.too_many_files", lang);
                break;
            }
            files.push((filename, bytes));
        }
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
