//! Sessions (办理批次) and registration: one suggestion by hand, or a session's whole list from
//! .xlsx, rejected whole when any row is bad, each bad row named.

use super::Scoped;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::joint::scope_of;
use crate::{Created, Services};
use chrono::{DateTime, Datelike, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::proposals::ProposalKind;
use ducha_domain::proposals::clock::RETURN_DAYS;
use ducha_domain::proposals::import::{ProposalInput, ProposalSpec, parse_sheet};
use ducha_domain::text::bounded;
use ducha_store::{Insert, NewProposal, NewProposalSession, ProposalInsert};
use serde::Deserialize;

/// A session to open.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    /// `suggestion` (人大) or `proposal` (政协).
    pub kind: String,
    /// Name, e.g. 市十七届人大三次会议.
    pub name: String,
    /// Year (this year when absent).
    #[serde(default)]
    pub year: Option<i32>,
    /// Working days (3–7) within which a unit may return a wrongly routed one; the configured
    /// default when absent.
    #[serde(default)]
    pub return_days: Option<u32>,
}

impl Services {
    /// The office opens a session's list.
    pub async fn open_proposal_session(
        &self,
        actor: &Actor,
        input: &SessionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.supervises(&path))?;
        let mut e = ValidationErrors::default();
        let name = bounded(&mut e, "name", &input.name, true, 100);
        let kind = input.kind.parse::<ProposalKind>().ok();
        if kind.is_none() {
            e.add("kind", "validation.unknown_choice");
        }
        let today = self.today(now);
        let year = input.year.unwrap_or(today.year());
        if !(2000..=2100).contains(&year) {
            e.add("year", "validation.out_of_range");
        }
        let days = input
            .return_days
            .unwrap_or(self.config.proposals.return_days);
        if !RETURN_DAYS.contains(&days) {
            e.add("return_days", "proposal.bad_return_days");
        }
        if !name.is_empty()
            && self
                .store
                .proposal_sessions(scope)
                .await?
                .iter()
                .any(|s| s.name == name)
        {
            e.add("name", "rule.name_taken");
        }
        e.into_result(())?;
        let kind = kind.unwrap_or(ProposalKind::Suggestion);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalSessionOpened,
                Subject::default(),
                serde_json::json!({ "kind": kind, "name": name, "year": year,
                    "return_days": days }),
                vec![],
                vec![Insert::Proposal(ProposalInsert::Session(
                    NewProposalSession {
                        scope_unit_id: scope,
                        kind: kind.as_str().into(),
                        name,
                        year: i64::from(year),
                        return_days: i64::from(days),
                        created_by: actor.user_id.0,
                        created_at: now,
                    },
                ))],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The office registers one suggestion in a session.
    pub async fn register_proposal(
        &self,
        actor: &Actor,
        session_id: i64,
        input: &ProposalInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let s = self.office_session(actor, session_id).await?;
        let mut e = ValidationErrors::default();
        let spec = ProposalSpec::parse(&mut e, "", input);
        let taken = self.session_numbers(session_id).await?;
        if spec.number > 0 && taken.contains(&spec.number) {
            e.add("number", "proposal.duplicate_number");
        }
        e.into_result(())?;
        self.register(actor, &s, vec![spec], now).await
    }

    /// The office imports a session's list from an .xlsx file (first sheet; the header row
    /// names the columns). Any bad row rejects the whole list, each bad row named as
    /// `rows[N].field`; nothing is registered then.
    pub async fn import_proposals(
        &self,
        actor: &Actor,
        session_id: i64,
        xlsx: &[u8],
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let s = self.office_session(actor, session_id).await?;
        match unpacked_size(xlsx) {
            None => {
                return Err(ValidationErrors::single("file", "proposal.import_unreadable").into());
            }
            Some(n) if n > MAX_UNPACKED => {
                return Err(ValidationErrors::single("file", "proposal.import_too_large").into());
            }
            Some(_) => {}
        }
        let (first_row, rows) = read_xlsx(xlsx)
            .ok_or_else(|| ValidationErrors::single("file", "proposal.import_unreadable"))?;
        let taken = self.session_numbers(session_id).await?;
        let specs = parse_sheet(&rows, first_row, &taken)?;
        self.register(actor, &s, specs, now).await
    }

    /// Whether `actor` may import a list into the session (the office of its body): checked
    /// before an upload is read.
    pub async fn may_import_proposals(&self, actor: &Actor, session_id: i64) -> ServiceResult<()> {
        self.office_session(actor, session_id).await.map(|_| ())
    }

    async fn office_session(&self, actor: &Actor, session_id: i64) -> ServiceResult<Scoped> {
        let s = self.visible_session(actor, session_id).await?;
        ensure(s.office)?;
        Ok(s)
    }

    async fn session_numbers(&self, session_id: i64) -> ServiceResult<Vec<i64>> {
        Ok(self
            .store
            .proposals_of_session(session_id)
            .await?
            .iter()
            .map(|p| p.number)
            .collect())
    }

    async fn register(
        &self,
        actor: &Actor,
        s: &Scoped,
        specs: Vec<ProposalSpec>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let numbers: Vec<i64> = specs.iter().map(|p| p.number).collect();
        let inserts = specs
            .into_iter()
            .map(|spec| {
                Insert::Proposal(ProposalInsert::Proposal(NewProposal {
                    session_id: s.session.id,
                    spec,
                    created_by: actor.user_id.0,
                    created_at: now,
                }))
            })
            .collect();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalsRegistered,
                Subject::default(),
                serde_json::json!({ "session_id": s.session.id, "numbers": numbers }),
                vec![],
                inserts,
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}

pub(crate) use crate::sheet::{MAX_UNPACKED, read_xlsx_rows, unpacked_size};

/// The first sheet of an .xlsx file as rows of text cells (see [`read_xlsx_rows`]).
fn read_xlsx(bytes: &[u8]) -> Option<(usize, Vec<Vec<String>>)> {
    read_xlsx_rows(bytes, ducha_domain::proposals::import::MAX_ROWS + 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip archive of one part of `len` zero bytes, deflated (a few kilobytes per 64 MB).
    fn zeros(len: usize) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(len > u32::MAX as usize);
        zip.start_file("xl/sharedStrings.xml", deflated)
            .expect("part");
        let chunk = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len());
            zip.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn a_list_that_unpacks_too_far_is_measured_before_it_is_read() {
        let bomb = zeros(MAX_UNPACKED as usize + 1);
        assert!(bomb.len() < 1 << 20, "small when packed: {}", bomb.len());
        assert_eq!(unpacked_size(&bomb), Some(MAX_UNPACKED + 1));
        assert_eq!(unpacked_size(&zeros(10)), Some(10));
        assert_eq!(unpacked_size(b"not a zip"), None);
    }
}
