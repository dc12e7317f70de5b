//! Message catalogue of secrets at rest: what the pages say about encrypted personal data.

pub(crate) const SECRETS: &[(&str, &str, &str)] = &[(
    "ui.contact_unreadable",
    "联系方式无法解密（密钥缺失或数据被移动）",
    "Contact details cannot be decrypted (key missing or data moved)",
)];
