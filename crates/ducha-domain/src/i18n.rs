//! Message catalogue: every key shown to a person, in zh-CN (default) and English.

use serde::{Deserialize, Serialize};

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Picks a language from an `Accept-Language`-style tag; anything not English is Chinese.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

const MESSAGES: &[(&str, &str, &str)] = &[
    ("validation.required", "此项必填", "This field is required"),
    ("validation.too_long", "内容过长", "This is too long"),
    (
        "validation.control_chars",
        "含有不允许的控制字符",
        "Contains control characters",
    ),
    (
        "validation.unknown_choice",
        "不是可选的值",
        "Not one of the allowed values",
    ),
    (
        "validation.non_negative_number",
        "应为不小于0的数字",
        "Must be a number ≥ 0",
    ),
    (
        "validation.duplicate",
        "与前面的项重复",
        "Duplicates an earlier entry",
    ),
    ("validation.too_many", "条目过多", "Too many entries"),
    (
        "validation.date_in_past",
        "日期不能早于今天",
        "The date may not be in the past",
    ),
    (
        "validation.out_of_range",
        "超出允许范围",
        "Out of the allowed range",
    ),
    (
        "validation.percent",
        "进度应在0到100之间",
        "Progress must be between 0 and 100",
    ),
    (
        "validation.reason_required",
        "请填写理由",
        "Please give a reason",
    ),
    ("validation.unknown_role", "未知的角色", "Unknown role"),
    (
        "validation.admin_roles_separate",
        "三员角色须分立，不能与其他角色兼任",
        "Admin roles must be held alone (separation of duties)",
    ),
    (
        "validation.unknown_unit",
        "单位不存在或不在管辖范围内",
        "No such unit within reach",
    ),
    ("validation.unknown_user", "人员不存在", "No such user"),
    (
        "validation.username",
        "用户名只能包含字母、数字、点、下划线和连字符（3-64位）",
        "User names use letters, digits, '.', '_' and '-' (3-64 characters)",
    ),
    (
        "validation.password_weak",
        "密码至少10位，且须包含字母和数字",
        "Passwords need at least 10 characters with letters and digits",
    ),
    (
        "validation.invalid_json",
        "请求格式错误",
        "The request body is not valid JSON",
    ),
    (
        "validation.deadline_either",
        "截止日期与交办后工作日数只能填写一项",
        "Give either a deadline date or working days after dispatch, not both",
    ),
    (
        "validation.invalid_value",
        "取值类型或格式错误",
        "This value has the wrong type or format",
    ),
    (
        "validation.invalid_query",
        "查询参数错误",
        "Invalid query parameters",
    ),
    (
        "validation.invalid_cursor",
        "分页游标无效",
        "Invalid page cursor",
    ),
    ("validation.file_empty", "文件为空", "The file is empty"),
    (
        "validation.file_too_large",
        "文件超过允许的大小",
        "The file is larger than allowed",
    ),
    (
        "validation.file_type",
        "文件类型不允许：仅支持 JPG、PNG、WebP 图片，PDF，Word、Excel 文档和 TXT 文本，且文件内容须与扩展名相符",
        "File type not allowed: only JPG, PNG and WebP pictures, PDF, Word and Excel documents \
         and TXT text, with content that matches the extension",
    ),
    (
        "validation.unknown_evidence",
        "佐证材料不存在或无权使用",
        "No such evidence file within reach",
    ),
    (
        "validation.upload",
        "请以 multipart/form-data 格式上传，文件字段名为 file",
        "Upload as multipart/form-data with the file in the field named file",
    ),
    (
        "rule.item_state",
        "事项当前状态不允许此操作",
        "The item's state does not allow this",
    ),
    (
        "rule.assignment_state",
        "承办任务当前状态不允许此操作",
        "The assignment's state does not allow this",
    ),
    (
        "rule.report_state",
        "该反馈已审核或类型不符",
        "The report was already reviewed or is of another kind",
    ),
    (
        "rule.request_decided",
        "该申请已处理",
        "The request was already decided",
    ),
    (
        "rule.deadline_after_parent",
        "办理时限不得晚于上级时限",
        "A deadline may not be later than the parent's deadline",
    ),
    (
        "rule.deadline_in_past",
        "办理时限不得早于今天",
        "A deadline may not lie in the past",
    ),
    (
        "rule.extension_not_later",
        "延期后的时限须晚于原时限",
        "The new deadline must be later than the current one",
    ),
    (
        "rule.extension_too_late",
        "延期须在时限届满前申请",
        "Extensions must be asked before the deadline",
    ),
    (
        "rule.request_pending",
        "已有同类申请待处理",
        "A request of this kind is already pending",
    ),
    (
        "rule.refusal_window_passed",
        "已超过退回申请期限",
        "The refusal window has passed",
    ),
    (
        "rule.unit_not_in_subtree",
        "只能分解给本单位下属单位",
        "Sub-assignments go to units below the assigned unit",
    ),
    (
        "rule.duplicate_unit",
        "该单位已承办此任务",
        "The unit already holds this assignment",
    ),
    (
        "rule.no_lead_unit",
        "须至少指定一个牵头单位",
        "At least one lead unit is required",
    ),
    (
        "rule.children_unfinished",
        "下级承办任务尚未全部办结",
        "Sub-assignments are not all finished",
    ),
    (
        "rule.assignments_unfinished",
        "承办任务尚未全部办结",
        "Assignments are not all finished",
    ),
    (
        "rule.responsible_not_in_unit",
        "责任人须为本单位人员",
        "The responsible person must belong to the unit",
    ),
    (
        "rule.concurrent",
        "数据已被他人修改，请刷新后重试",
        "The record was changed meanwhile; reload and retry",
    ),
    (
        "rule.name_taken",
        "名称已被占用",
        "The name is already taken",
    ),
    (
        "rule.notice_open",
        "该承办任务已有同级或更高等级的督办单未办结",
        "A notice of this level or higher is already open for the assignment",
    ),
    ("calendar.loaded", "载入节假日安排", "Calendar loaded"),
    (
        "rule.notice_not_open",
        "督办单已签收或已办结，无需重复操作",
        "The notice was already acknowledged or is no longer open",
    ),
    ("light.green", "绿灯", "Green"),
    ("light.blue", "蓝灯", "Blue"),
    ("light.yellow", "黄灯", "Yellow"),
    ("light.red", "红灯", "Red"),
    ("light_reason.overdue", "已超期", "Overdue"),
    ("light_reason.deadline_near", "临近时限", "Deadline near"),
    ("light_reason.behind_pace", "滞后于序时进度", "Behind pace"),
    (
        "light_reason.missed_report",
        "未按时报送进展",
        "Missed report",
    ),
    ("light_reason.returned", "被退回重办", "Returned"),
    ("notice.blue", "蓝色提醒", "Blue reminder"),
    ("notice.orange", "橙色预警", "Orange warning"),
    ("notice.red", "红色督办", "Red notice"),
    ("notice_state.open", "待落实", "Open"),
    ("notice_state.met", "已落实", "Met"),
    ("notice_state.escalated", "已升级", "Escalated"),
    ("notice_state.closed", "已关闭", "Closed"),
    ("notice.title", "督办通知单", "Urge notice"),
    (
        "notice.require_overdue",
        "该事项已超过办理时限，请立即办结或说明原因并申请延期。",
        "The assignment is overdue: finish it now, or give the reason and ask for an extension.",
    ),
    (
        "notice.require_missed_report",
        "未按规定频次报送进展，请立即报送。",
        "A progress report is overdue: report now.",
    ),
    (
        "notice.summons",
        "连续红色督办，建议约谈单位负责人",
        "Consecutive red notices: summon the unit head",
    ),
    ("ui.inbox", "消息", "Inbox"),
    ("ui.calendar", "工作日历", "Calendar"),
    ("ui.acknowledge", "签收", "Acknowledge"),
    ("ui.escalation", "督办记录", "Escalation history"),
    ("ui.notice_deadline", "落实时限", "Meet by"),
    ("ui.working_days", "全年工作日", "Working days in the year"),
    ("ui.holidays", "法定节假日", "Official holidays"),
    ("ui.makeup_days", "调休上班", "Make-up working days"),
    ("ui.calendar_load", "载入节假日安排", "Load a year"),
    (
        "ui.calendar_format",
        "每行一天：日期 类型 名称，类型为 holiday（放假）或 workday（调休上班），例如 2027-02-07 workday 春节调休",
        "One day per line: DATE KIND NAME, KIND holiday or workday, e.g. 2027-02-07 workday 春节调休",
    ),
    (
        "ui.calendar_unpublished",
        "尚未载入本年度国务院节假日安排，暂按周末计算工作日",
        "No official schedule loaded for this year: only weekends are days off",
    ),
    ("ui.calendar_loaded", "已载入", "Loaded"),
    ("ui.notices", "督办单", "Notices"),
    ("ui.mark_all_read", "全部已读", "Mark all read"),
    ("ui.inbox_empty", "暂无消息", "No messages"),
    ("ui.light", "亮灯", "Light"),
    ("ui.all_lights", "全部亮灯", "All lights"),
    ("ui.print", "打印", "Print"),
    ("ui.unit", "承办单位", "Unit"),
    ("ui.requirement", "督办要求", "Requirement"),
    ("ui.issued_on", "签发日期", "Issued on"),
    ("ui.acknowledged", "已签收", "Acknowledged"),
    ("ui.not_acknowledged", "未签收", "Not acknowledged"),
    ("ui.item", "督办事项", "Item"),
    ("event.unit.created", "新增单位", "Unit added"),
    ("event.user.created", "新增用户", "User added"),
    ("event.user.password_reset", "重置密码", "Password reset"),
    ("event.user.unlocked", "解除锁定", "Account unlocked"),
    ("event.item.created", "登记事项", "Item registered"),
    ("event.item.updated", "修改事项", "Item edited"),
    ("event.item.submitted", "提交审批", "Submitted for approval"),
    ("event.item.approved", "领导审批通过", "Approved"),
    ("event.item.rejected", "领导退回", "Sent back by the leader"),
    ("event.item.dispatched", "交办", "Dispatched"),
    ("event.item.closed", "办结销号", "Closed"),
    ("event.assignment.signed", "签收", "Signed for"),
    (
        "event.assignment.refused",
        "申请退回",
        "Refused as wrongly routed",
    ),
    ("event.refusal.upheld", "同意退回", "Refusal upheld"),
    ("event.refusal.rejected", "不同意退回", "Refusal rejected"),
    ("event.assignment.decomposed", "分解下达", "Decomposed"),
    ("event.report.submitted", "报送进展", "Report submitted"),
    ("event.report.accepted", "审核通过", "Report accepted"),
    ("event.report.returned", "退回重办", "Report returned"),
    ("event.extension.requested", "申请延期", "Extension asked"),
    ("event.extension.approved", "同意延期", "Extension approved"),
    ("event.extension.denied", "不同意延期", "Extension denied"),
    ("event.help.requested", "申请协调", "Help asked"),
    ("event.help.answered", "协调答复", "Help answered"),
    ("event.lights.swept", "亮灯巡检", "Lights swept"),
    ("event.notice.issued", "发出督办单", "Notice issued"),
    ("event.notice.escalated", "督办升级", "Notice escalated"),
    (
        "event.notice.acknowledged",
        "签收督办单",
        "Notice acknowledged",
    ),
    ("event.notice.met", "督办要求已落实", "Notice met"),
    ("event.notice.closed", "督办单关闭", "Notice closed"),
    ("event.calendar.loaded", "载入节假日安排", "Calendar loaded"),
    ("assignment_state.pending", "待签收", "To sign"),
    ("assignment_state.signed", "已签收", "Signed"),
    ("assignment_state.in_progress", "办理中", "In progress"),
    (
        "assignment_state.completion_requested",
        "申请办结",
        "Completion requested",
    ),
    ("assignment_state.done", "已办结", "Done"),
    (
        "assignment_state.refusal_requested",
        "申请退回",
        "Refusal requested",
    ),
    ("assignment_state.withdrawn", "已退回", "Withdrawn"),
    ("role.lead", "牵头", "Lead"),
    ("role.co", "配合", "Co-unit"),
    ("ui.assignments", "责任链", "Responsibility chain"),
    ("ui.timeline", "办理过程", "Timeline"),
    ("ui.progress", "进度", "Progress"),
    ("ui.responsible", "责任人", "Responsible"),
    ("ui.description", "事项内容", "What must be done"),
    ("ui.targets", "目标任务", "Targets"),
    ("ui.no_notices", "暂无督办单", "No notices"),
    ("ui.back", "返回", "Back"),
    ("error.not_found", "未找到该记录", "Not found"),
    (
        "error.forbidden",
        "您没有执行此操作的权限",
        "You may not do this",
    ),
    ("error.unauthorized", "请先登录", "Please log in"),
    (
        "error.login_failed",
        "用户名或密码错误；连续失败多次后账号将临时锁定",
        "Wrong user name or password; repeated failures lock the account for a while",
    ),
    (
        "error.locked",
        "登录失败次数过多，账号已临时锁定，请稍后再试",
        "Too many failed logins; the account is locked for a while",
    ),
    (
        "error.csrf",
        "请求校验失败，请刷新页面后重试",
        "Request check failed; reload the page and retry",
    ),
    (
        "error.internal",
        "系统内部错误，请联系管理员并提供操作编号",
        "Internal error; contact the administrator with the operation id",
    ),
    (
        "error.outcome_unknown",
        "提交时与数据库的连接中断，无法确认是否已保存：请先刷新查看，确认未保存后再提交",
        "The connection to the database broke while saving, so it is not known whether this was \
         saved: reload and check before submitting again",
    ),
    (
        "error.payload_too_large",
        "提交内容过大",
        "The request is too large",
    ),
    (
        "calendar.bad_date",
        "日期格式错误（应为YYYY-MM-DD）",
        "Bad date (use YYYY-MM-DD)",
    ),
    (
        "calendar.bad_kind",
        "类型应为 holiday 或 workday",
        "Kind must be holiday or workday",
    ),
    (
        "error.not_json",
        "请求内容须为 JSON（Content-Type: application/json）",
        "The request body must be JSON (Content-Type: application/json)",
    ),
    (
        "validation.admin_roles_console",
        "三员管理员账号只能在服务器控制台创建",
        "Admin accounts are created at the server console only",
    ),
    ("ui.app_name", "督查督办平台", "Supervision Platform"),
    ("ui.login", "登录", "Log in"),
    ("ui.username", "用户名", "User name"),
    ("ui.password", "密码", "Password"),
    ("ui.logout", "退出", "Log out"),
    ("ui.items", "督办事项", "Supervised items"),
    ("ui.search", "搜索", "Search"),
    ("ui.keyword", "标题或文号", "Title or number"),
    ("ui.all_states", "全部状态", "All states"),
    ("ui.next_page", "下一页", "Next page"),
    ("ui.number", "文号", "Number"),
    ("ui.title", "标题", "Title"),
    ("ui.source", "来源", "Source"),
    ("ui.state", "状态", "State"),
    ("ui.deadline", "办理时限", "Deadline"),
    ("ui.empty", "暂无符合条件的事项", "No items match"),
    (
        "ui.session_expired",
        "登录已过期，请重新登录",
        "Your session expired; please log in again",
    ),
    ("ui.api_docs", "接口文档", "API docs"),
    ("state.draft", "草稿", "Draft"),
    ("state.pending_approval", "待审批", "Awaiting approval"),
    ("state.approved", "已审批", "Approved"),
    ("state.dispatched", "办理中", "In progress"),
    ("state.closed", "已办结", "Closed"),
    ("source.meeting", "会议决策", "Meeting decision"),
    ("source.instruction", "领导批示", "Leader's instruction"),
    ("source.key_work", "重点工作", "Key work"),
    ("source.major_project", "重大项目", "Major project"),
    ("source.npc_suggestion", "人大建议", "NPC suggestion"),
    ("source.cppcc_proposal", "政协提案", "CPPCC proposal"),
    ("source.citizen_appeal", "群众诉求", "Citizen appeal"),
    (
        "source.superior_assignment",
        "上级交办",
        "Assigned by superior",
    ),
    (
        "source.inspection_finding",
        "督查发现",
        "Inspection finding",
    ),
];

/// Every key with its texts, from the rule catalogue and the pages' catalogue, built once.
fn catalogue() -> &'static std::collections::HashMap<&'static str, (&'static str, &'static str)> {
    static MAP: std::sync::OnceLock<
        std::collections::HashMap<&'static str, (&'static str, &'static str)>,
    > = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        MESSAGES
            .iter()
            .chain(crate::i18n_ui::UI)
            .chain(crate::i18n_analytics::ANALYTICS)
            .chain(crate::i18n_assessment::ASSESSMENT)
            .chain(crate::i18n_joint::JOINT)
            .chain(crate::i18n_proposals::PROPOSALS)
            .chain(crate::i18n_harden::HARDEN)
            .chain(crate::i18n_secrets::SECRETS)
            .chain(crate::i18n_security::SECURITY)
            .chain(crate::i18n_auth::AUTH)
            .chain(crate::i18n_backup::BACKUP)
            .chain(crate::i18n_appeals::APPEALS)
            .chain(crate::i18n_ledger::LEDGER)
            .chain(crate::i18n_cockpit::COCKPIT)
            .chain(crate::i18n_bulletin::BULLETIN)
            .chain(crate::i18n_hot::HOT)
            .map(|(k, zh, en)| (*k, (*zh, *en)))
            .collect()
    })
}

/// The text of `key` in `lang`; the key itself when unknown, so nothing is ever blank.
pub fn t(key: &str, lang: Lang) -> &str {
    catalogue()
        .get(key)
        .map(|(zh, en)| match lang {
            Lang::ZhCn => *zh,
            Lang::En => *en,
        })
        .unwrap_or(key)
}

/// A field error's message in `lang`, with its arguments filled in.
pub fn field_message(e: &crate::FieldError, lang: Lang) -> String {
    if e.args.is_null() {
        t(e.key, lang).to_string()
    } else {
        fill(t(e.key, lang), &e.args)
    }
}

/// `template` with each `{name}` replaced by `args[name]` (strings as they are, numbers
/// without a needless `.0`); unknown names stay as written.
pub fn fill(template: &str, args: &serde_json::Value) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.get(name) {
                    Some(serde_json::Value::String(s)) => out.push_str(s),
                    Some(serde_json::Value::Number(n)) => match n.as_f64() {
                        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                            out.push_str(&format!("{}", f as i64));
                        }
                        _ => out.push_str(&n.to_string()),
                    },
                    Some(v) if !v.is_null() => out.push_str(&v.to_string()),
                    _ => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The catalogue's own copy of `key`, for keys built at run time (`toast.{action}`).
pub fn catalogue_key(key: &str) -> Option<&'static str> {
    catalogue().get_key_value(key).map(|(k, _)| *k)
}

/// Whether `key` has a translation.
pub fn knows(key: &str) -> bool {
    catalogue().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_both_languages() {
        use crate::Rule::*;
        for r in [
            ItemState,
            AssignmentState,
            ReportState,
            RequestDecided,
            DeadlineAfterParent,
            DeadlineInPast,
            ExtensionNotLater,
            ExtensionTooLate,
            RequestPending,
            RefusalWindowPassed,
            UnitNotInSubtree,
            DuplicateUnit,
            NoLeadUnit,
            ChildrenUnfinished,
            AssignmentsUnfinished,
            ResponsibleNotInUnit,
            Concurrent,
            NameTaken,
            NoticeOpen,
            NoticeNotOpen,
        ] {
            assert!(knows(r.key()), "{}", r.key());
            assert_ne!(t(r.key(), Lang::ZhCn), t(r.key(), Lang::En));
        }
    }

    #[test]
    fn every_enum_label_is_translated() {
        use crate::item::{ItemState, Source};
        for s in ItemState::ALL {
            assert!(knows(&format!("state.{s}")), "state.{s}");
        }
        for s in Source::ALL {
            assert!(knows(&format!("source.{s}")), "source.{s}");
        }
        for l in crate::light::Light::ALL {
            assert!(knows(&format!("light.{l}")), "light.{l}");
        }
        for r in crate::light::LightReason::ALL {
            assert!(knows(&format!("light_reason.{r}")), "light_reason.{r}");
        }
        for l in crate::notice::NoticeLevel::ALL {
            assert!(knows(&format!("notice.{l}")), "notice.{l}");
        }
        for s in crate::notice::NoticeState::ALL {
            assert!(knows(&format!("notice_state.{s}")), "notice_state.{s}");
        }
        for k in crate::chain::EventKind::ALL {
            assert!(knows(&format!("event.{k}")), "event.{k}");
        }
        for s in crate::assignment::AssignmentState::ALL {
            assert!(
                knows(&format!("assignment_state.{s}")),
                "assignment_state.{s}"
            );
        }
    }

    #[test]
    fn analytics_labels_are_translated_and_filled() {
        use crate::analytics::findings::{FindingGroup, FindingKind};
        use crate::analytics::hops::Hop;
        use crate::analytics::lost::LostReason;
        for k in FindingKind::ALL {
            assert!(knows(&format!("finding_kind.{k}")), "{k}");
            assert!(knows(&format!("finding.{k}")), "{k}");
        }
        for g in FindingGroup::ALL {
            assert!(knows(&format!("finding_group.{g}")), "{g}");
        }
        for h in Hop::ALL {
            assert!(knows(&format!("hop.{h}")), "{h}");
        }
        for r in LostReason::ALL {
            assert!(knows(&format!("lost_reason.{r}")), "{r}");
        }
        let args = serde_json::json!({ "target": "改造户数", "given": 110.0, "parent": 120, "unit": "户" });
        assert_eq!(
            fill(t("finding.target_shrunk", Lang::ZhCn), &args),
            "目标“改造户数”下达合计110户，低于本级目标120户"
        );
        assert_eq!(
            fill("{a} {b} {", &serde_json::json!({ "a": 1.5 })),
            "1.5 {b} {"
        );
    }

    #[test]
    fn joint_labels_are_translated() {
        use crate::joint::inspections::{InspectionState, Method, OverlapKind, OverlapState};
        use crate::joint::{BodyKind, DecisionKind, MeetingState, Position};
        let mut keys = Vec::new();
        keys.extend(BodyKind::ALL.iter().map(|c| format!("body_kind.{c}")));
        keys.extend(Position::ALL.iter().map(|c| format!("position.{c}")));
        keys.extend(
            MeetingState::ALL
                .iter()
                .map(|c| format!("meeting_state.{c}")),
        );
        keys.extend(
            DecisionKind::ALL
                .iter()
                .map(|c| format!("decision_kind.{c}")),
        );
        keys.extend(Method::ALL.iter().map(|c| format!("method.{c}")));
        keys.extend(
            InspectionState::ALL
                .iter()
                .map(|c| format!("inspection_state.{c}")),
        );
        keys.extend(OverlapKind::ALL.iter().map(|c| format!("overlap_kind.{c}")));
        keys.extend(
            OverlapState::ALL
                .iter()
                .map(|c| format!("overlap_state.{c}")),
        );
        for k in keys {
            assert!(knows(&k), "{k}");
        }
        let why = crate::joint::agenda::Why::Stall {
            unit: "白石镇".into(),
            finding: "late_handoff".into(),
            days: 7,
            more: 0,
        };
        assert_eq!(
            why.text(Lang::ZhCn),
            format!(
                "白石镇：{}，7个工作日",
                t("finding_kind.late_handoff", Lang::ZhCn)
            )
        );
        assert!(!why.text(Lang::En).contains('{'));
    }

    #[test]
    fn keys_are_unique() {
        let all: Vec<_> = MESSAGES
            .iter()
            .chain(crate::i18n_ui::UI)
            .chain(crate::i18n_analytics::ANALYTICS)
            .chain(crate::i18n_assessment::ASSESSMENT)
            .chain(crate::i18n_joint::JOINT)
            .chain(crate::i18n_proposals::PROPOSALS)
            .chain(crate::i18n_harden::HARDEN)
            .chain(crate::i18n_secrets::SECRETS)
            .chain(crate::i18n_security::SECURITY)
            .chain(crate::i18n_auth::AUTH)
            .chain(crate::i18n_backup::BACKUP)
            .chain(crate::i18n_appeals::APPEALS)
            .chain(crate::i18n_ledger::LEDGER)
            .chain(crate::i18n_cockpit::COCKPIT)
            .chain(crate::i18n_bulletin::BULLETIN)
            .chain(crate::i18n_hot::HOT)
            .collect();
        assert_eq!(catalogue().len(), all.len(), "a key is defined twice");
        for (k, zh, en) in all {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_page_enum_label_is_translated() {
        use crate::item::{Category, Priority};
        use crate::org::{Role, UnitKind};
        use crate::report::{ReportKind, ReportState};
        use crate::requests::RequestState;
        let mut keys = Vec::new();
        keys.extend(Category::ALL.iter().map(|c| format!("category.{c}")));
        keys.extend(Priority::ALL.iter().map(|c| format!("priority.{c}")));
        keys.extend(UnitKind::ALL.iter().map(|c| format!("unit_kind.{c}")));
        keys.extend(Role::ALL.iter().map(|c| format!("user_role.{c}")));
        keys.extend(ReportKind::ALL.iter().map(|c| format!("report_kind.{c}")));
        keys.extend(ReportState::ALL.iter().map(|c| format!("report_state.{c}")));
        keys.extend(
            RequestState::ALL
                .iter()
                .map(|c| format!("request_state.{c}")),
        );
        for k in keys {
            assert!(knows(&k), "{k}");
        }
    }
}
