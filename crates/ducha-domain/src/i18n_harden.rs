//! Messages of request hardening (issue 14): limits on what a form may send.

/// `(key, zh-CN, English)`.
pub(crate) const HARDEN: &[(&str, &str, &str)] = &[
    (
        "validation.too_many_fields",
        "表单字段过多，未作任何处理",
        "The form has too many fields; nothing was done",
    ),
    (
        "validation.too_many_files",
        "一次最多上传20个文件",
        "At most 20 files can be uploaded at once",
    ),
];
