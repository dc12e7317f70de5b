//! Message catalogue of citizens' appeals (群众诉求): events, labels, refusals, the import's
//! rejection rules and the public and staff pages' words.

pub(crate) const APPEALS: &[(&str, &str, &str)] = &[
    // Events.
    ("event.appeal.submitted", "群众提交诉求", "Appeal submitted"),
    (
        "event.appeal.imported",
        "导入12345工单",
        "12345 work orders imported",
    ),
    (
        "event.appeal.mapping_saved",
        "保存工单列对应关系",
        "Column mapping saved",
    ),
    // Security log.
    (
        "security.msg.personal_data_viewed",
        "{username} 查看了诉求 {appeal} 的原文与联系方式",
        "{username} viewed the original text and contact of appeal {appeal}",
    ),
    (
        "security_kind.personal_data.viewed",
        "查看个人信息",
        "Personal data viewed",
    ),
    ("token_area.appeals", "群众诉求", "Citizens' appeals"),
    // Labels.
    ("appeal_source.public_form", "网上诉求", "Public form"),
    (
        "appeal_source.hotline_12345",
        "12345工单",
        "12345 work order",
    ),
    ("appeal_source.other", "其他渠道", "Other channel"),
    ("appeal_state.received", "已受理", "Received"),
    ("appeal_state.handling", "办理中", "Being handled"),
    ("appeal_state.closed", "已办结", "Closed"),
    (
        "appeal_category.housing",
        "住房物业",
        "Housing and property",
    ),
    ("appeal_category.urban", "城市管理", "Urban management"),
    ("appeal_category.traffic", "交通出行", "Traffic"),
    ("appeal_category.environment", "生态环境", "Environment"),
    ("appeal_category.education", "教育", "Education"),
    ("appeal_category.health", "医疗卫生", "Health"),
    ("appeal_category.social", "社会保障", "Social security"),
    ("appeal_category.market", "市场监管", "Market regulation"),
    (
        "appeal_category.utilities",
        "水电气暖",
        "Water, power, gas, heating",
    ),
    ("appeal_category.other", "其他", "Other"),
    ("pii.mobile", "手机号", "Mobile number"),
    ("pii.landline", "固定电话", "Landline"),
    ("pii.id_number", "身份证号", "ID number"),
    ("pii.email", "电子邮箱", "Email address"),
    ("pii.bank_card", "银行卡号", "Bank card number"),
    ("pii.name", "姓名", "Name"),
    ("pii.address", "详细地址", "Detailed address"),
    ("import_field.order_no", "工单编号", "Order number"),
    ("import_field.text", "诉求内容", "Appeal text"),
    ("import_field.place", "所属区县/街道", "District/township"),
    ("import_field.category", "类别", "Category"),
    ("import_field.received_at", "受理时间", "Received at"),
    ("import_field.contact", "来电号码", "Caller's number"),
    // Refusals.
    (
        "appeal.text_too_short",
        "请把诉求写具体一些（至少10个字）",
        "Please describe the appeal in more detail (at least 10 characters)",
    ),
    (
        "appeal.bad_contact",
        "请填写手机号、带区号的固定电话或电子邮箱",
        "Enter a mobile number, a landline with its area code, or an email address",
    ),
    (
        "appeal.bad_unit",
        "请选择本市的区县或乡镇（街道）",
        "Choose a district or township of this city",
    ),
    (
        "appeal.challenge_wrong",
        "验证题答案不正确，请重新计算",
        "The answer to the check question is wrong; please try again",
    ),
    (
        "appeal.challenge_expired",
        "验证题已过期，请刷新页面后重新填写",
        "The check question has expired; reload the page and try again",
    ),
    (
        "appeal.rate_limited",
        "提交过于频繁，请稍后再试。紧急情况请拨打12345热线",
        "Too many submissions; please try again later. For urgent matters call the 12345 hotline",
    ),
    (
        "appeal.photo_type",
        "照片只能是 JPG、PNG 或 WebP 格式",
        "The photo must be a JPG, PNG or WebP picture",
    ),
    (
        "appeal.photo_too_large",
        "照片不能超过5MB",
        "The photo may not exceed 5 MB",
    ),
    (
        "appeal.code_unknown",
        "查询码不正确：请核对后重新输入（12位，字母不区分大小写）",
        "Unknown tracking code: check it and type it again (12 symbols, any case)",
    ),
    (
        "appeal.mapping_twice",
        "同一列不能对应两个字段",
        "One column cannot hold two fields",
    ),
    (
        "appeal.import_unreadable",
        "无法读取该文件：请上传 .xlsx 或 UTF-8 编码的 .csv 文件",
        "The file cannot be read: upload an .xlsx file or a UTF-8 .csv file",
    ),
    (
        "appeal.import_too_large",
        "文件解压后过大，请分批导入",
        "The file unpacks too large; import it in parts",
    ),
    (
        "appeal.import_missing_columns",
        "找不到必需的列：{columns}。请在列对应关系中指定表头",
        "Required columns not found: {columns}. Name their headers in the column mapping",
    ),
    (
        "appeal.import_too_many_rows",
        "一次最多导入{max}行",
        "At most {max} rows per import",
    ),
    (
        "appeal.import_required",
        "必填项为空",
        "Required cell is empty",
    ),
    (
        "appeal.import_bad_order_no",
        "工单编号过长或含有不可见字符",
        "The order number is too long or holds control characters",
    ),
    (
        "appeal.import_duplicate_in_file",
        "工单编号在本文件中重复",
        "The order number appears twice in this file",
    ),
    (
        "appeal.import_text_too_long",
        "诉求内容超过2000字",
        "The appeal text exceeds 2000 characters",
    ),
    (
        "appeal.import_unknown_place",
        "区县/街道名称与本辖区组织机构不符",
        "The place names no unit of this jurisdiction",
    ),
    (
        "appeal.import_bad_time",
        "受理时间无法识别（如 2026-11-03 09:12）",
        "The time cannot be read (e.g. 2026-11-03 09:12)",
    ),
];
