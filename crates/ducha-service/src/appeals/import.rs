//! The 12345 work-order import: an .xlsx or UTF-8 .csv export, read with the column mapping
//! saved for its source, into appeals of the office's jurisdiction. Per-row acceptance: the
//! good rows import and the bad ones come back in the rejection report (row, column, rule),
//! as an office expects of a monthly export; order numbers already held are skipped, so
//! importing the same file again changes nothing.

use super::submit::citizen_unit;
use super::{CONTACT, StoredAppeal, TEXT, on_stored};
use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::joint::scope_of;
use crate::proposals::sessions::{MAX_UNPACKED, read_xlsx_rows, unpacked_size};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::appeals::import::{
    ColumnMapping, MAX_ROWS, Place, Rejection, parse_csv, read_sheet,
};
use ducha_domain::appeals::mask::mask;
use ducha_domain::appeals::{AppealSource, CODE_LEN, TrackingCode};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_store::{AppealMappingRow, Insert, NewCitizenAppeal, Update};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// What an import did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Appeals created.
    pub imported: usize,
    /// Order numbers already imported before (skipped, unchanged).
    pub already: Vec<String>,
    /// Rows rejected, in row order, each with its column and rule (a message key).
    pub rejected: Vec<Rejection>,
    /// The import's event, when anything was imported.
    pub event_seq: Option<i64>,
}

/// An import source with its saved mapping.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappingView {
    /// The source's name.
    pub source_name: String,
    /// Field name → header.
    pub mapping: BTreeMap<String, String>,
    /// Saved at.
    pub updated_at: DateTime<Utc>,
}

impl Services {
    /// The office's import sources and their mappings.
    pub async fn appeal_sources(&self, actor: &Actor) -> ServiceResult<Vec<MappingView>> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.supervises(&path))?;
        Ok(self
            .store
            .appeal_mappings(scope)
            .await?
            .into_iter()
            .map(|m| MappingView {
                source_name: m.source_name,
                mapping: serde_json::from_str::<ColumnMapping>(&m.mapping)
                    .map(|c| c.0)
                    .unwrap_or_default(),
                updated_at: m.updated_at,
            })
            .collect())
    }

    /// The office saves which header holds which field for a source.
    pub async fn save_appeal_mapping(
        &self,
        actor: &Actor,
        source_name: &str,
        raw: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.supervises(&path))?;
        let mut e = ValidationErrors::default();
        let name = bounded(&mut e, "source_name", source_name, true, 50);
        let mapping = match ColumnMapping::parse(raw) {
            Ok(m) => Some(m),
            Err(m) => {
                e.0.extend(m.0);
                None
            }
        };
        e.into_result(())?;
        let mapping = mapping.unwrap_or_default();
        let json = serde_json::to_string(&mapping).unwrap_or_else(|_| "{}".into());
        self.commit(
            Some(actor),
            now,
            EventKind::AppealMappingSaved,
            Subject {
                unit: Some(scope),
                ..Subject::default()
            },
            serde_json::json!({ "source_name": name, "mapping": mapping }),
            vec![Update::AppealMapping(AppealMappingRow {
                scope_unit_id: scope,
                source_name: name,
                mapping: json,
                updated_by: actor.user_id.0,
                updated_at: now,
            })],
            vec![],
        )
        .await?;
        Ok(())
    }

    /// Whether `actor` may import (the office): checked before an upload is read.
    pub fn may_import_appeals(&self, actor: &Actor) -> ServiceResult<()> {
        let (_, path) = scope_of(actor)?;
        ensure(actor.supervises(&path))
    }

    /// The office imports an export of a source (.xlsx, or .csv in UTF-8).
    pub async fn import_appeals(
        &self,
        actor: &Actor,
        source_name: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> ServiceResult<ImportReport> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.supervises(&path))?;
        let name = source_name.trim();
        let mapping = self
            .store
            .appeal_mappings(scope)
            .await?
            .into_iter()
            .find(|m| m.source_name == name)
            .and_then(|m| serde_json::from_str::<ColumnMapping>(&m.mapping).ok())
            .unwrap_or_default();
        let unreadable = || ValidationErrors::single("file", "appeal.import_unreadable");
        let (first_row, rows) = if bytes.starts_with(b"PK\x03\x04") {
            match unpacked_size(bytes) {
                Some(n) if n > MAX_UNPACKED => {
                    return Err(ValidationErrors::single("file", "appeal.import_too_large").into());
                }
                None => return Err(unreadable().into()),
                Some(_) => {}
            }
            read_xlsx_rows(bytes, MAX_ROWS + 10).ok_or_else(unreadable)?
        } else {
            let text = std::str::from_utf8(bytes).map_err(|_| unreadable())?;
            let rows = parse_csv(text, MAX_ROWS + 10).ok_or_else(|| {
                ValidationErrors::single_with(
                    "file",
                    "appeal.import_too_many_rows",
                    serde_json::json!({ "max": MAX_ROWS }),
                )
            })?;
            (1, rows)
        };
        let places: Vec<Place> = self
            .store
            .units_under(&path)
            .await?
            .into_iter()
            .filter(|u| citizen_unit(u.kind))
            .map(|u| Place {
                name: u.name,
                unit_id: u.id,
                depth: u.path.0.depth(),
            })
            .collect();
        let paths: BTreeMap<i64, String> = self
            .store
            .units_under(&path)
            .await?
            .into_iter()
            .map(|u| (u.id, u.path.0.as_str().to_string()))
            .collect();
        let sheet = read_sheet(&rows, first_row, &mapping, &places)?;
        let nos: Vec<String> = sheet.rows.iter().map(|r| r.order_no.clone()).collect();
        let known: HashSet<String> = self
            .store
            .known_order_nos(AppealSource::Hotline12345, &nos)
            .await?
            .into_iter()
            .collect();
        let mut already = Vec::new();
        let mut inserts = Vec::new();
        let mut stored = Vec::new();
        for r in sheet.rows {
            if known.contains(&r.order_no) {
                already.push(r.order_no);
                continue;
            }
            let code = TrackingCode::from_random(super::random::<CODE_LEN>()?);
            let masked = mask(&r.text);
            let contact = r.contact.as_ref().map_or("", |c| c.as_str());
            let row = NewCitizenAppeal {
                code: code.as_str().to_string(),
                source: AppealSource::Hotline12345,
                external_no: Some(r.order_no),
                unit_id: r.unit_id,
                unit_path: paths.get(&r.unit_id).cloned().unwrap_or_default(),
                category: r.category,
                text_masked: masked.text.clone(),
                text_sealed: if masked.changed() {
                    self.seal_appeal(TEXT, code.as_str(), &r.text)
                } else {
                    String::new()
                },
                contact_sealed: self.seal_appeal(CONTACT, code.as_str(), contact),
                pii: masked
                    .found
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                photo_sha256: None,
                photo_mime: None,
                received_at: r.received_at.unwrap_or(now),
                created_at: now,
                created_by: Some(actor.user_id.0),
            };
            stored.push(row.clone());
            inserts.push(Insert::CitizenAppeal(row));
        }
        let mut report = ImportReport {
            imported: inserts.len(),
            already,
            rejected: sheet.rejected,
            event_seq: None,
        };
        if inserts.is_empty() {
            return Ok(report);
        }
        let order_nos: Vec<&str> = stored
            .iter()
            .filter_map(|r| r.external_no.as_deref())
            .collect();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::AppealsImported,
                Subject {
                    unit: Some(scope),
                    ..Subject::default()
                },
                serde_json::json!({
                    "source_name": name,
                    "order_nos": order_nos,
                    "rejected": report.rejected.len(),
                    "already": report.already.len(),
                }),
                vec![],
                inserts,
            )
            .await?;
        report.event_seq = Some(c.event.seq);
        let stored: Vec<StoredAppeal> = stored
            .into_iter()
            .zip(c.ids)
            .map(|(r, id)| StoredAppeal {
                id,
                unit_id: r.unit_id,
                unit_path: r.unit_path,
                category: r.category,
                text_masked: r.text_masked,
                received_at: r.received_at,
            })
            .collect();
        on_stored(self, &stored, now).await;
        Ok(report)
    }
}
