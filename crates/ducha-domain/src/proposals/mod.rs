//! NPC deputies' suggestions (人大代表建议) and CPPCC members' proposals (政协委员提案): their
//! kinds, states, reply grades and satisfaction (`mod.rs`), the legal clock (`clock.rs`) and the
//! rows of a session's list as imported from .xlsx (`import.rs`).
//!
//! A suggestion is handled in rounds: routing starts round 1 (an item dispatched to the lead,
//! co- or split units, so lights and urge notices run on the items' clock); a dissatisfied
//! proposer starts another round with a new clock.

pub mod clock;
pub mod import;

use crate::org::str_enum;

str_enum!(
    /// Whose list a session is.
    ProposalKind {
        /// 人大代表建议 (建议第 N 号).
        Suggestion = "suggestion",
        /// 政协委员提案 (提案第 N 号).
        Proposal = "proposal",
    }
);

impl ProposalKind {
    /// The item source the handling items carry.
    pub fn item_source(self) -> &'static str {
        match self {
            ProposalKind::Suggestion => "npc_suggestion",
            ProposalKind::Proposal => "cppcc_proposal",
        }
    }

    /// The short name used in numbers and titles (建议 / 提案).
    pub fn word(self) -> &'static str {
        match self {
            ProposalKind::Suggestion => "建议",
            ProposalKind::Proposal => "提案",
        }
    }
}

str_enum!(
    /// Where a suggestion is.
    ProposalState {
        /// 待交办: registered, not yet routed.
        Registered = "registered",
        /// 办理中: routed; the round's clock runs.
        Handling = "handling",
        /// 已答复: every unit of the round replied; the office asks the proposer.
        Replied = "replied",
        /// 已办结: the proposer is satisfied or basically satisfied.
        Closed = "closed",
    }
);

str_enum!(
    /// How a suggestion is routed.
    RoutingMode {
        /// 主办/协办: one lead unit replies, co-units send it their opinions.
        Joint = "joint",
        /// 分办: each unit handles and replies for its own part.
        Split = "split",
    }
);

str_enum!(
    /// The grade of a reply (答复类别).
    Grade {
        /// A: solved or basically solved (已解决或基本解决).
        A = "a",
        /// B: being solved or planned (正在解决或列入计划解决); the commitment is supervised.
        B = "b",
        /// C: conditions not yet met, explained (因条件限制暂时难以解决).
        C = "c",
        /// D: for reference (留作参考).
        D = "d",
    }
);

str_enum!(
    /// The proposer's opinion of a reply (满意度).
    Satisfaction {
        /// 满意.
        Satisfied = "satisfied",
        /// 基本满意.
        Basic = "basic",
        /// 不满意: handled again with a new clock.
        Dissatisfied = "dissatisfied",
    }
);

str_enum!(
    /// How the handling unit talked with the proposer (沟通方式).
    ContactMode {
        /// 当面商谈.
        Face = "face",
        /// 电话沟通.
        Phone = "phone",
        /// 书面沟通.
        Written = "written",
    }
);

str_enum!(
    /// Where an extension request is.
    ExtensionState {
        /// 待审批.
        Requested = "requested",
        /// 已批准.
        Approved = "approved",
        /// 不予批准.
        Denied = "denied",
    }
);

/// The official number of a suggestion in its session: 建议第12号 / 提案第12号.
pub fn format_number(kind: ProposalKind, number: i64) -> String {
    format!("{}第{}号", kind.word(), number)
}

/// The state after the office enters satisfaction on the round's replies: closed when no reply
/// left the proposer dissatisfied, handled again otherwise.
pub fn after_satisfaction(all: &[Satisfaction]) -> ProposalState {
    if all.contains(&Satisfaction::Dissatisfied) {
        ProposalState::Handling
    } else {
        ProposalState::Closed
    }
}

/// What a grade requires of a reply: a B grade's commitment (text and date) becomes a
/// follow-up item, so both are needed; other grades carry none.
pub fn needs_commitment(grade: Grade) -> bool {
    grade == Grade::B
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_sources() {
        assert_eq!(format_number(ProposalKind::Suggestion, 12), "建议第12号");
        assert_eq!(format_number(ProposalKind::Proposal, 3), "提案第3号");
        assert_eq!(ProposalKind::Proposal.item_source(), "cppcc_proposal");
        assert!(
            ProposalKind::Suggestion
                .item_source()
                .parse::<crate::item::Source>()
                .is_ok()
        );
    }

    #[test]
    fn one_dissatisfied_reply_sends_it_back() {
        use Satisfaction::*;
        assert_eq!(
            after_satisfaction(&[Satisfied, Basic]),
            ProposalState::Closed
        );
        assert_eq!(
            after_satisfaction(&[Satisfied, Dissatisfied]),
            ProposalState::Handling
        );
        assert!(needs_commitment(Grade::B) && !needs_commitment(Grade::A));
    }
}
