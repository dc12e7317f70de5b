//! The event log (留痕): every change is one event, and each event's hash covers the previous
//! hash, so no event can be edited, deleted, inserted or reordered without breaking the chain.

use crate::org::str_enum;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;

str_enum!(
    /// What happened. Stored as text; analytics and scoring read these names.
    EventKind {
        /// A unit was added to the tree.
        UnitCreated = "unit.created",
        /// A user was added.
        UserCreated = "user.created",
        /// A user's password was set by an admin.
        UserPasswordReset = "user.password_reset",
        /// The security admin lifted a login lock.
        UserUnlocked = "user.unlocked",
        /// The system admin disabled a user: no login; sessions and tokens revoked.
        UserDisabled = "user.disabled",
        /// The system admin enabled a disabled user again.
        UserEnabled = "user.enabled",
        /// The system admin changed a user's roles.
        UserRolesChanged = "user.roles_changed",
        /// The system admin changed a user's position (职务).
        UserPositionChanged = "user.position_changed",
        /// A user chose a new password themselves (at the first login or later).
        UserPasswordChanged = "user.password_changed",
        /// An item was registered as a draft.
        ItemCreated = "item.created",
        /// A draft was edited.
        ItemUpdated = "item.updated",
        /// A draft was submitted for approval.
        ItemSubmitted = "item.submitted",
        /// The leader approved.
        ItemApproved = "item.approved",
        /// The leader sent it back.
        ItemRejected = "item.rejected",
        /// Dispatched to lead and co-units; the clock starts.
        ItemDispatched = "item.dispatched",
        /// Closed (办结/销号).
        ItemClosed = "item.closed",
        /// Signed for (签收).
        AssignmentSigned = "assignment.signed",
        /// Handed back as wrongly routed (申请退回).
        AssignmentRefused = "assignment.refused",
        /// The arbiter upheld a refusal.
        RefusalUpheld = "refusal.upheld",
        /// The arbiter rejected a refusal.
        RefusalRejected = "refusal.rejected",
        /// Decomposed into sub-assignments (分解下达).
        AssignmentDecomposed = "assignment.decomposed",
        /// A progress report or completion request.
        ReportSubmitted = "report.submitted",
        /// A report was accepted.
        ReportAccepted = "report.accepted",
        /// A report was returned (退回重办 when it requested completion).
        ReportReturned = "report.returned",
        /// An extension was asked.
        ExtensionRequested = "extension.requested",
        /// An extension was approved.
        ExtensionApproved = "extension.approved",
        /// An extension was denied.
        ExtensionDenied = "extension.denied",
        /// Coordination was asked.
        HelpRequested = "help.requested",
        /// Coordination was answered.
        HelpAnswered = "help.answered",
        /// Calendar overrides were loaded (a newly published year).
        CalendarLoaded = "calendar.loaded",
        /// The sweep changed lights (payload: counts per light).
        LightsSwept = "lights.swept",
        /// An urge notice was issued (by the rules or by hand); a red one may carry a summons.
        NoticeIssued = "notice.issued",
        /// An unmet notice was escalated: the next one was issued.
        NoticeEscalated = "notice.escalated",
        /// The unit acknowledged a notice.
        NoticeAcknowledged = "notice.acknowledged",
        /// A notice's requirement was met.
        NoticeMet = "notice.met",
        /// A notice was closed with its finished assignment.
        NoticeClosed = "notice.closed",
        /// A jurisdiction loaded an assessment rule set.
        RulesLoaded = "assessment.rules_loaded",
        /// A unit appealed a line of its score card (申辩).
        ScoreAppealed = "assessment.appealed",
        /// The office accepted an appeal: the line is voided.
        AppealAccepted = "assessment.appeal_accepted",
        /// The office rejected an appeal.
        AppealRejected = "assessment.appeal_rejected",
        /// A period's scores were finalised; nothing in them changes afterwards.
        ScoresFinalized = "assessment.finalized",
        /// A seat of the leading group was filled (a member body and its liaison, or a person).
        SeatFilled = "joint.seat_filled",
        /// A joint meeting was scheduled, with its attendees and proposed agenda.
        MeetingScheduled = "joint.meeting_scheduled",
        /// The office edited a meeting's agenda.
        AgendaEdited = "joint.agenda_edited",
        /// A meeting's pre-read pack was generated and sent to its attendees.
        PackSent = "joint.pack_sent",
        /// A meeting was held.
        MeetingHeld = "joint.meeting_held",
        /// A meeting's decision was recorded against an agenda line.
        MeetingDecided = "joint.decided",
        /// A body filed a planned inspection; overlaps found are proposed as merges.
        InspectionFiled = "joint.inspection_filed",
        /// The office approved an inspection awaiting approval.
        InspectionApproved = "joint.inspection_approved",
        /// The office rejected an inspection.
        InspectionRejected = "joint.inspection_rejected",
        /// The lead body merged another body's plan into its joint inspection.
        InspectionsMerged = "joint.inspections_merged",
        /// The lead body declined a proposed merge, with a reason.
        MergeDeclined = "joint.merge_declined",
        /// An inspection's findings were recorded; each became a rectification item.
        InspectionDone = "joint.inspection_done",
        /// The filing body or the office withdrew a plan before it was carried out.
        InspectionWithdrawn = "joint.inspection_withdrawn",
        /// The office opened a session's list of suggestions or proposals.
        ProposalSessionOpened = "proposal.session_opened",
        /// Suggestions were registered (one by hand, or a whole imported list).
        ProposalsRegistered = "proposal.registered",
        /// A suggestion was routed: its handling item was dispatched and its clock started.
        ProposalRouted = "proposal.routed",
        /// A co-unit sent its opinion to the lead unit.
        ProposalOpinionSent = "proposal.opinion_sent",
        /// The handling unit asked to extend the reply date.
        ProposalExtensionAsked = "proposal.extension_asked",
        /// The office decided an extension.
        ProposalExtensionDecided = "proposal.extension_decided",
        /// A unit replied to the proposer, with a grade.
        ProposalReplied = "proposal.replied",
        /// A unit recorded its communication with the proposer.
        ProposalContacted = "proposal.contacted",
        /// The office entered the proposer's satisfaction; dissatisfied starts another round.
        ProposalRated = "proposal.rated",
        /// A citizen submitted an appeal on the public form (the payload holds no personal
        /// data: ids, unit, category, source).
        AppealSubmitted = "appeal.submitted",
        /// The office imported 12345 work orders (the new appeals' order numbers).
        AppealsImported = "appeal.imported",
        /// The office saved the column mapping of an import source.
        AppealMappingSaved = "appeal.mapping_saved",
        /// The office drafted a bulletin from the period's figures.
        BulletinDrafted = "bulletin.drafted",
        /// The office edited a draft (its paragraphs, or the figures regenerated).
        BulletinEdited = "bulletin.edited",
        /// The office submitted a draft to the leader.
        BulletinSubmitted = "bulletin.submitted",
        /// The leader sent a draft back with a remark.
        BulletinReturned = "bulletin.returned",
        /// The leader approved (签发) a bulletin.
        BulletinApproved = "bulletin.approved",
        /// The office published a bulletin with its number; it never changes afterwards.
        BulletinPublished = "bulletin.published",
        /// A supervisor made an item of a hot issue; its appeals were linked to it.
        HotIssueTurned = "hot.turned",
        /// A supervisor merged a hot issue into an existing item; its appeals were linked.
        HotIssueMerged = "hot.merged",
        /// A submitter answered how satisfied they are with the closed item (no personal
        /// data: the appeal's id and the answer).
        AppealRated = "appeal.rated",
    }
);

str_enum!(
    /// The hash function of the chain, chosen when the chain starts.
    HashAlgo {
        /// SHA-256.
        Sha256 = "sha256",
        /// SM3 (GB/T 32905-2016).
        Sm3 = "sm3",
    }
);

impl HashAlgo {
    /// Lower-case hex digest of `data`.
    pub fn hex_digest(self, data: &[u8]) -> String {
        match self {
            HashAlgo::Sha256 => hex(&sha2::Sha256::digest(data)),
            HashAlgo::Sm3 => hex(&sm3::Sm3::digest(data)),
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as a command produces it, before the store numbers and chains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDraft {
    /// When it happened (truncated to microseconds when recorded).
    pub at: DateTime<Utc>,
    /// Who did it (none for system actions such as seeding).
    pub actor_user: Option<i64>,
    /// The actor's unit.
    pub actor_unit: Option<i64>,
    /// What happened.
    pub kind: EventKind,
    /// The item concerned.
    pub item_id: Option<i64>,
    /// The assignment concerned.
    pub assignment_id: Option<i64>,
    /// The unit concerned (the assignee, or the unit created).
    pub unit_id: Option<i64>,
    /// Command details as a JSON object; the store adds the ids of rows it creates.
    pub payload: serde_json::Value,
}

/// A recorded event: numbered, chained and immutable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor_user: Option<i64>,
    /// The actor's unit.
    pub actor_unit: Option<i64>,
    /// What happened (an [`EventKind`] name).
    pub kind: String,
    /// The item concerned.
    pub item_id: Option<i64>,
    /// The assignment concerned.
    pub assignment_id: Option<i64>,
    /// The unit concerned.
    pub unit_id: Option<i64>,
    /// Details as JSON text, hashed exactly as stored.
    pub payload: String,
    /// The previous event's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// Normalises a timestamp to what both backends store exactly (microseconds).
pub fn normalize_time(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

impl EventRecord {
    /// Numbers and chains a draft after `prev` (seq, hash).
    pub fn chain(algo: HashAlgo, prev: (i64, &str), draft: &EventDraft) -> Self {
        let mut rec = EventRecord {
            seq: prev.0 + 1,
            at: normalize_time(draft.at),
            actor_user: draft.actor_user,
            actor_unit: draft.actor_unit,
            kind: draft.kind.as_str().to_string(),
            item_id: draft.item_id,
            assignment_id: draft.assignment_id,
            unit_id: draft.unit_id,
            payload: draft.payload.to_string(),
            prev_hash: prev.1.to_string(),
            hash: String::new(),
        };
        rec.hash = rec.compute_hash(algo);
        rec
    }

    /// The canonical bytes: previous hash, a JSON array of the fixed fields, the payload text.
    pub fn canonical(&self) -> Vec<u8> {
        let header = serde_json::json!([
            self.seq,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor_user,
            self.actor_unit,
            self.kind,
            self.item_id,
            self.assignment_id,
            self.unit_id,
        ]);
        format!("{}\n{}\n{}", self.prev_hash, header, self.payload).into_bytes()
    }

    /// Recomputes this event's hash from its content.
    pub fn compute_hash(&self, algo: HashAlgo) -> String {
        algo.hex_digest(&self.canonical())
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainError {
    /// The event numbered `seq` is missing (deleted, or numbers shifted).
    #[error("event {seq} is missing (found {found} in its place)")]
    Missing {
        /// The first missing sequence number.
        seq: i64,
        /// The sequence number found instead.
        found: i64,
    },
    /// The event's stored `prev_hash` is not the previous event's hash.
    #[error("event {seq} does not follow the event before it")]
    BrokenLink {
        /// The sequence number.
        seq: i64,
    },
    /// The event's content does not match its hash (edited, or moved).
    #[error("event {seq} was altered: its content does not match its hash")]
    Altered {
        /// The sequence number.
        seq: i64,
    },
    /// Events recorded in a checkpoint are gone from the end of the log.
    #[error("events from {seq} on are missing: a checkpoint recorded event {checkpoint}")]
    Truncated {
        /// The first missing sequence number.
        seq: i64,
        /// The checkpointed sequence number.
        checkpoint: i64,
    },
    /// The event at a checkpoint has another hash than the checkpoint recorded.
    #[error("event {seq} differs from the checkpoint taken of it")]
    CheckpointMismatch {
        /// The sequence number.
        seq: i64,
    },
}

impl ChainError {
    /// The first bad sequence number.
    pub fn seq(&self) -> i64 {
        match self {
            ChainError::Missing { seq, .. }
            | ChainError::BrokenLink { seq }
            | ChainError::Altered { seq }
            | ChainError::Truncated { seq, .. }
            | ChainError::CheckpointMismatch { seq } => *seq,
        }
    }
}

/// Verifies events in order, one at a time, keeping only the last link.
#[derive(Debug)]
pub struct ChainVerifier {
    algo: HashAlgo,
    last_seq: i64,
    last_hash: String,
}

impl ChainVerifier {
    /// A verifier for a chain starting at the genesis.
    pub fn new(algo: HashAlgo) -> Self {
        Self {
            algo,
            last_seq: 0,
            last_hash: GENESIS.to_string(),
        }
    }

    /// Checks the next event.
    pub fn push(&mut self, e: &EventRecord) -> Result<(), ChainError> {
        let expected = self.last_seq + 1;
        if e.seq != expected {
            return Err(ChainError::Missing {
                seq: expected,
                found: e.seq,
            });
        }
        if e.compute_hash(self.algo) != e.hash {
            return Err(ChainError::Altered { seq: e.seq });
        }
        if e.prev_hash != self.last_hash {
            return Err(ChainError::BrokenLink { seq: e.seq });
        }
        self.last_seq = e.seq;
        self.last_hash.clone_from(&e.hash);
        Ok(())
    }

    /// The last verified (seq, hash).
    pub fn head(&self) -> (i64, &str) {
        (self.last_seq, &self.last_hash)
    }
}

/// A published or filed head of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Sequence number.
    pub seq: i64,
    /// Hash of that event.
    pub hash: String,
}

impl Checkpoint {
    /// The line written to a checkpoint file: `SEQ HASH AT`.
    pub fn line(&self, at: DateTime<Utc>) -> String {
        format!("{} {} {}", self.seq, self.hash, at.to_rfc3339())
    }

    /// Reads a checkpoint file's line (`SEQ HASH [AT]`).
    pub fn parse_line(line: &str) -> Option<Self> {
        let mut parts = line.split_whitespace();
        let seq = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_string();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(Self { seq, hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<EventRecord> {
        let mut out: Vec<EventRecord> = Vec::new();
        for i in 0..n {
            let prev = out
                .last()
                .map_or((0, GENESIS.to_string()), |e| (e.seq, e.hash.clone()));
            let draft = EventDraft {
                at: Utc
                    .with_ymd_and_hms(2026, 11, 1, 8, 0, 0)
                    .single()
                    .expect("time")
                    + chrono::Duration::nanoseconds(i * 1_234_567),
                actor_user: Some(1),
                actor_unit: Some(2),
                kind: EventKind::ReportSubmitted,
                item_id: Some(3),
                assignment_id: Some(i),
                unit_id: None,
                payload: serde_json::json!({"text": format!("第{i}次反馈")}),
            };
            out.push(EventRecord::chain(
                HashAlgo::Sha256,
                (prev.0, &prev.1),
                &draft,
            ));
        }
        out
    }

    fn verify(events: &[EventRecord]) -> Result<(), ChainError> {
        let mut v = ChainVerifier::new(HashAlgo::Sha256);
        events.iter().try_for_each(|e| v.push(e))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_event() {
        let mut edited = chain(5);
        edited[2].payload = r#"{"text":"篡改"}"#.into();
        assert_eq!(verify(&edited), Err(ChainError::Altered { seq: 3 }));

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(
            verify(&deleted),
            Err(ChainError::Missing { seq: 2, found: 3 })
        );

        let mut swapped = chain(5);
        swapped.swap(1, 3);
        (swapped[1].seq, swapped[3].seq) = (2, 4);
        assert_eq!(verify(&swapped), Err(ChainError::Altered { seq: 2 }));

        let mut rehashed = chain(5);
        rehashed[2].payload = r#"{"text":"篡改"}"#.into();
        rehashed[2].hash = rehashed[2].compute_hash(HashAlgo::Sha256);
        assert_eq!(verify(&rehashed), Err(ChainError::BrokenLink { seq: 4 }));
    }

    #[test]
    fn sm3_matches_the_standard_test_vector() {
        assert!(HashAlgo::Sm3.hex_digest(b"abc").starts_with("66c7f0f4"));
    }

    #[test]
    fn checkpoint_lines_round_trip() {
        let c = Checkpoint {
            seq: 7,
            hash: GENESIS.replace('0', "a"),
        };
        let at = Utc
            .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
            .single()
            .expect("time");
        assert_eq!(Checkpoint::parse_line(&c.line(at)), Some(c));
        assert_eq!(Checkpoint::parse_line("7 nothex"), None);
    }
}
