//! Integrated supervision (整合督查资源): the leading group and its member bodies, the joint
//! meeting (联席会议) with an agenda proposed from the chain's trouble, and one register of
//! inspections (督查检查计划) across bodies, with overlap detection and a burden budget per
//! grassroots unit (基层减负).

pub mod agenda;
pub mod inspections;

use crate::org::str_enum;

str_enum!(
    /// What a member body of the joint meeting is.
    BodyKind {
        /// 党委督查室.
        PartyOffice = "party_office",
        /// 政府督查室.
        GovernmentOffice = "government_office",
        /// 纪委监委.
        Discipline = "discipline",
        /// 审计.
        Audit = "audit",
        /// 人大.
        Npc = "npc",
        /// 政协.
        Cppcc = "cppcc",
        /// 12345 热线.
        Hotline = "hotline",
        /// 职能部门.
        Department = "department",
    }
);

str_enum!(
    /// A seat of the leading group.
    Position {
        /// 组长.
        Head = "head",
        /// 副组长.
        Deputy = "deputy",
        /// 领导小组办公室 (the supervision office that runs the meeting).
        Office = "office",
        /// 成员单位.
        Member = "member",
    }
);

impl Position {
    /// Whether the seat is a person (组长, 副组长) rather than a body.
    pub fn is_person(self) -> bool {
        matches!(self, Position::Head | Position::Deputy)
    }
}

str_enum!(
    /// Where a joint meeting is.
    MeetingState {
        /// 筹备中: scheduled, agenda being prepared.
        Planned = "planned",
        /// 已召开: held; decisions are recorded against its agenda.
        Held = "held",
    }
);

str_enum!(
    /// What the meeting decided on an agenda line.
    DecisionKind {
        /// 新交办事项: a new item, dispatched through the chain.
        NewItem = "new_item",
        /// 调整时限: the item's deadline changes.
        Deadline = "deadline",
        /// 调整牵头单位: another unit leads.
        Lead = "lead",
        /// 约谈: the lead unit's head is summoned.
        Summons = "summons",
        /// 销号: the item is closed.
        Close = "close",
        /// 其他决定: recorded in the minutes only.
        Note = "note",
    }
);
