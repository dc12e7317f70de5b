//! A citizen submits an appeal on the public form (no login) and gets its tracking code.
//! Order of checks: the per-node address limit (before anything is read), the form, the
//! check question, the unit, the photo, then the shared counts per address and per contact,
//! and only then the commit: a refused submission changes nothing but its counters.

use super::{CONTACT, StoredAppeal, TEXT, on_stored};
use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::appeals::mask::mask;
use ducha_domain::appeals::{
    AppealInput, AppealSource, AppealSpec, CODE_LEN, MAX_PHOTO_BYTES, PHOTO_TYPES, TrackingCode,
};
use ducha_domain::chain::EventKind;
use ducha_domain::org::UnitKind;
use ducha_store::{Insert, NewCitizenAppeal, StoreError};
use serde::Serialize;

/// A photo sent with the form.
#[derive(Debug, Clone)]
pub struct PhotoUpload {
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What the public form sends.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The fields.
    pub input: AppealInput,
    /// The check question's token.
    pub challenge_token: String,
    /// The citizen's answer to it.
    pub challenge_answer: String,
    /// An optional photo.
    pub photo: Option<PhotoUpload>,
}

/// A stored appeal's receipt.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submitted {
    /// The tracking code, grouped (`7KQX-2M9D-HT4W`).
    pub code: String,
}

/// The kinds of unit a citizen may name: the city, a district or county, a township.
pub(crate) fn citizen_unit(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::City | UnitKind::County | UnitKind::Township)
}

impl Services {
    /// Stores an appeal from the public form; `client` is the submitter's address, whose
    /// per-node limit the caller checked with [`Services::appeal_gate`] before reading the
    /// request.
    pub async fn submit_appeal(
        &self,
        sub: Submission,
        client: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Submitted> {
        let spec = AppealSpec::parse(&sub.input);
        let mut errors = spec.as_ref().err().cloned().unwrap_or_default();
        if let Err(ServiceError::Invalid(e)) = self
            .check_challenge(&sub.challenge_token, &sub.challenge_answer, now)
            .await
        {
            errors.0.extend(e.0);
        }
        if let Some(p) = &sub.photo
            && p.bytes.len() > MAX_PHOTO_BYTES
        {
            errors.add("photo", "appeal.photo_too_large");
        }
        let unit = match sub.input.unit_id {
            Some(id) if id > 0 => self.store.unit(id).await?,
            _ => None,
        };
        let unit = match unit {
            Some(u) if citizen_unit(u.kind) => Some(u),
            Some(_) | None => {
                if sub.input.unit_id.is_some_and(|u| u > 0) {
                    errors.add("unit_id", "appeal.bad_unit");
                }
                None
            }
        };
        let (Ok(spec), Some(unit), true) = (spec, unit, errors.0.is_empty()) else {
            return Err(errors.into());
        };
        let photo = match sub.photo {
            Some(p) if !p.bytes.is_empty() => Some(
                self.keep_picture(p.bytes, PHOTO_TYPES)
                    .await?
                    .ok_or_else(|| ValidationErrors::single("photo", "appeal.photo_type"))?,
            ),
            _ => None,
        };
        let contact_key = spec.contact.as_ref().map(|c| c.throttle_key());
        self.appeal_count(client, contact_key.as_deref(), now)
            .await?;

        let masked = mask(&spec.text);
        let contact = spec.contact.as_ref().map(|c| c.as_str().to_string());
        // A code taken already (one chance in 2^60 per appeal) draws another.
        for _ in 0..3 {
            let code = TrackingCode::from_random(super::random::<CODE_LEN>()?);
            let row = NewCitizenAppeal {
                code: code.as_str().to_string(),
                source: AppealSource::PublicForm,
                external_no: None,
                unit_id: unit.id,
                unit_path: unit.path.0.as_str().to_string(),
                category: spec.category,
                text_masked: masked.text.clone(),
                text_sealed: if masked.changed() {
                    self.seal_appeal(TEXT, code.as_str(), &spec.text)
                } else {
                    String::new()
                },
                contact_sealed: self.seal_appeal(
                    CONTACT,
                    code.as_str(),
                    contact.as_deref().unwrap_or(""),
                ),
                pii: masked
                    .found
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                photo_sha256: photo.as_ref().map(|p| p.0.clone()),
                photo_mime: photo.as_ref().map(|p| p.1.clone()),
                received_at: now,
                created_at: now,
                created_by: None,
            };
            let committed = self
                .commit(
                    None,
                    now,
                    EventKind::AppealSubmitted,
                    Subject {
                        unit: Some(unit.id),
                        ..Subject::default()
                    },
                    serde_json::json!({
                        "source": AppealSource::PublicForm,
                        "category": spec.category,
                        "photo": photo.as_ref().map(|p| &p.0),
                    }),
                    vec![],
                    vec![Insert::CitizenAppeal(row.clone())],
                )
                .await;
            match committed {
                Ok(c) => {
                    let stored = StoredAppeal {
                        id: c.ids[0],
                        unit_id: row.unit_id,
                        unit_path: row.unit_path,
                        category: row.category,
                        text_masked: row.text_masked,
                        received_at: now,
                    };
                    on_stored(self, &[stored], now).await;
                    return Ok(Submitted {
                        code: code.grouped(),
                    });
                }
                Err(ServiceError::Rule(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Store(StoreError::Other(
            "no free tracking code after three draws".into(),
        )))
    }
}
