//! Citizens' appeals (群众诉求): where an appeal comes from, its state, its category, the
//! tracking code a citizen follows it by, and the checked input of the public form. Personal
//! data in the text is found and masked by [`mask`]; a 12345 export is read by [`import`].

pub mod challenge;
pub mod import;
pub mod mask;

use crate::ValidationErrors;
use crate::item::Category;
use crate::org::str_enum;
use crate::text::bounded;
use serde::{Deserialize, Serialize};

str_enum!(
    /// Where an appeal came from.
    AppealSource {
        /// 网上诉求 — the public form.
        PublicForm = "public_form",
        /// 12345 工单 — a work order of the 12345 hotline, imported from its export.
        Hotline12345 = "hotline_12345",
        /// 其他渠道 — anything else the office registers.
        Other = "other",
    }
);

str_enum!(
    /// Where an appeal is in its life.
    AppealState {
        /// 已受理 — received, not yet taken up.
        Received = "received",
        /// 办理中 — linked to an item that is being handled.
        Handling = "handling",
        /// 已办结 — its item was closed.
        Closed = "closed",
    }
);

str_enum!(
    /// What an appeal is about: the citizen's words for it. Every category is a "三最" matter
    /// when it becomes an item ([`AppealCategory::item_category`]).
    AppealCategory {
        /// 住房物业.
        Housing = "housing",
        /// 城市管理 (市容、占道、噪音).
        Urban = "urban",
        /// 交通出行.
        Traffic = "traffic",
        /// 生态环境.
        Environment = "environment",
        /// 教育.
        Education = "education",
        /// 医疗卫生.
        Health = "health",
        /// 社会保障 (养老、低保、就业).
        Social = "social",
        /// 市场监管 (食品、价格、消费).
        Market = "market",
        /// 水电气暖.
        Utilities = "utilities",
        /// 其他.
        Other = "other",
    }
);

impl AppealCategory {
    /// The item category an appeal of this kind becomes: the citizens' most direct, real and
    /// pressing issues ("三最").
    pub fn item_category(self) -> Category {
        Category::SanZui
    }

    /// Reads a category as a 12345 export or a person names it: the stored name, or Chinese
    /// words of it; anything unknown is [`AppealCategory::Other`] (the hotline's own
    /// classification is finer than ours and must not reject a row).
    pub fn from_words(s: &str) -> Self {
        let s = s.trim();
        if let Ok(c) = s.parse() {
            return c;
        }
        const WORDS: &[(AppealCategory, &[&str])] = &[
            (
                AppealCategory::Housing,
                &["住房", "物业", "房屋", "小区", "电梯", "房产"],
            ),
            (
                AppealCategory::Urban,
                &["城市管理", "城管", "市容", "占道", "噪音", "违建", "环卫"],
            ),
            (
                AppealCategory::Traffic,
                &["交通", "出行", "公交", "道路", "停车", "地铁"],
            ),
            (
                AppealCategory::Environment,
                &["环境", "生态", "污染", "环保", "垃圾"],
            ),
            (
                AppealCategory::Education,
                &["教育", "学校", "入学", "幼儿园"],
            ),
            (AppealCategory::Health, &["医疗", "卫生", "医院", "医保"]),
            (
                AppealCategory::Social,
                &["社保", "社会保障", "养老", "低保", "就业", "劳动", "工资"],
            ),
            (
                AppealCategory::Market,
                &["市场", "食品", "价格", "消费", "商家"],
            ),
            (
                AppealCategory::Utilities,
                &["水电", "供水", "供电", "燃气", "供暖", "停水", "停电"],
            ),
        ];
        WORDS
            .iter()
            .find(|(_, ws)| ws.iter().any(|w| s.contains(w)))
            .map_or(AppealCategory::Other, |(c, _)| *c)
    }
}

/// The letters of a tracking code: digits and capitals without 0, 1, I and O, which are read
/// for each other. 32 symbols, so a random byte maps to one without bias.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Symbols in a tracking code: 12 × 5 bits = 60 bits, beyond guessing at any rate limit.
pub const CODE_LEN: usize = 12;

/// The code a citizen follows an appeal by (查询码): 12 symbols of [`CODE_ALPHABET`], shown in
/// groups of four (`7KQX-2M9D-HT4W`); typed with or without dashes, spaces, in any case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingCode(String);

impl TrackingCode {
    /// A code from `CODE_LEN` random bytes (the caller draws them; the domain does no IO).
    pub fn from_random(bytes: [u8; CODE_LEN]) -> Self {
        Self(
            bytes
                .iter()
                .map(|b| CODE_ALPHABET[usize::from(b % 32)] as char)
                .collect(),
        )
    }

    /// Reads a typed code; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = String::with_capacity(CODE_LEN);
        for c in s.chars() {
            if c == '-' || c == ' ' || c == '－' || c.is_whitespace() {
                continue;
            }
            let c = c.to_ascii_uppercase();
            if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) || out.len() == CODE_LEN {
                return None;
            }
            out.push(c);
        }
        (out.len() == CODE_LEN).then_some(Self(out))
    }

    /// The stored form: 12 symbols, no dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shown form, in groups of four.
    pub fn grouped(&self) -> String {
        let cs: Vec<char> = self.0.chars().collect();
        cs.chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl TryFrom<String> for TrackingCode {
    type Error = crate::error::UnknownName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(crate::error::UnknownName(s))
    }
}

impl From<TrackingCode> for String {
    fn from(c: TrackingCode) -> String {
        c.0
    }
}

impl std::fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// Shortest appeal text, in characters: a few words say nothing anyone can act on.
pub const MIN_TEXT: usize = 10;
/// Longest appeal text, in characters.
pub const MAX_TEXT: usize = 2000;
/// Largest photo, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The photo types accepted (decided from the content, never the name).
pub const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// The public form as typed, before checking.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealInput {
    /// The district or township the appeal is about (a unit of the org tree).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// An [`AppealCategory`] name.
    #[serde(default)]
    pub category: String,
    /// What happened and what the citizen asks for.
    #[serde(default)]
    pub text: String,
    /// How to call back: a phone number or an email address (optional).
    #[serde(default)]
    pub contact: String,
}

/// A contact to call back on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// A mainland mobile or landline number, digits only (a landline keeps its area code).
    Phone(String),
    /// An email address, lower-cased.
    Email(String),
}

impl Contact {
    /// Reads a phone number or an email address; `None` when it is neither.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.contains('@') {
            let (local, domain) = s.split_once('@')?;
            let ok_local = !local.is_empty()
                && local.len() <= 64
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
            let ok_domain = domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.len() <= 190
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            return (ok_local && ok_domain).then(|| Contact::Email(s.to_ascii_lowercase()));
        }
        let mut digits: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '（' | '）'))
            .map(mask::ascii_digit)
            .collect();
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_string();
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        (mask::is_mobile(&digits) || mask::is_landline(&digits)).then_some(Contact::Phone(digits))
    }

    /// The contact as stored (before encryption) and shown to the roles that call back.
    pub fn as_str(&self) -> &str {
        match self {
            Contact::Phone(s) | Contact::Email(s) => s,
        }
    }

    /// A key to count submissions per contact by, without keeping the contact: the caller
    /// hashes it (digits of a phone, the lower-cased address).
    pub fn throttle_key(&self) -> String {
        match self {
            Contact::Phone(s) => format!("phone:{s}"),
            Contact::Email(s) => format!("email:{s}"),
        }
    }
}

/// A checked appeal of the public form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealSpec {
    /// The unit the citizen chose.
    pub unit_id: i64,
    /// Category.
    pub category: AppealCategory,
    /// The text as typed (trimmed); stored encrypted, never shown as such.
    pub text: String,
    /// The contact, if given; stored encrypted.
    pub contact: Option<Contact>,
}

impl AppealSpec {
    /// Checks the form. Which units a citizen may choose is the caller's to check.
    pub fn parse(input: &AppealInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let unit_id = match input.unit_id {
            Some(u) if u > 0 => u,
            _ => {
                e.add("unit_id", "validation.required");
                0
            }
        };
        let category = if input.category.trim().is_empty() {
            e.add("category", "validation.required");
            AppealCategory::Other
        } else if let Ok(c) = input.category.trim().parse() {
            c
        } else {
            e.add("category", "validation.unknown_choice");
            AppealCategory::Other
        };
        let text = bounded(&mut e, "text", &input.text, true, MAX_TEXT);
        let n = text.chars().filter(|c| !c.is_whitespace()).count();
        if !text.is_empty() && n < MIN_TEXT {
            e.add("text", "appeal.text_too_short");
        }
        let contact = if input.contact.trim().is_empty() {
            None
        } else if input.contact.chars().count() > 100 {
            e.add("contact", "validation.too_long");
            None
        } else {
            let c = Contact::parse(&input.contact);
            if c.is_none() {
                e.add("contact", "appeal.bad_contact");
            }
            c
        };
        e.into_result(Self {
            unit_id,
            category,
            text,
            contact,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_read_back_however_typed() {
        let c = TrackingCode::from_random([0, 1, 31, 32, 200, 255, 7, 8, 9, 10, 11, 12]);
        assert_eq!(c.as_str().len(), CODE_LEN);
        assert_eq!(c.as_str(), "23Z2AZ9ABCDE");
        assert_eq!(c.grouped(), "23Z2-AZ9A-BCDE");
        for typed in ["23Z2-AZ9A-BCDE", "23z2 az9a bcde", " 23Z2AZ9ABCDE "] {
            assert_eq!(TrackingCode::parse(typed), Some(c.clone()), "{typed}");
        }
        for bad in [
            "",
            "23ZZ-AZ9A-BCD",
            "23ZZ-AZ9A-BCDEF",
            "O3ZZ-AZ9A-BCDE",
            "1IZZAZ9ABCDE",
            "二3ZZAZ9ABCDE",
        ] {
            assert_eq!(TrackingCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contacts_are_phones_or_emails() {
        let cases: &[(&str, Option<Contact>)] = &[
            ("13812345678", Some(Contact::Phone("13812345678".into()))),
            (
                "+86 138-1234-5678",
                Some(Contact::Phone("13812345678".into())),
            ),
            (
                "０１０-８８８８６６６６",
                Some(Contact::Phone("01088886666".into())),
            ),
            (
                "(0571)87654321",
                Some(Contact::Phone("057187654321".into())),
            ),
            (
                "Wang.Li@Example.COM",
                Some(Contact::Email("wang.li@example.com".into())),
            ),
            ("12345678901", None),
            ("1381234567", None),
            ("微信号abc", None),
            ("a@b", None),
            ("@example.com", None),
        ];
        for (s, want) in cases {
            assert_eq!(&Contact::parse(s), want, "{s}");
        }
    }

    #[test]
    fn the_form_names_every_bad_field() {
        let e = AppealSpec::parse(&AppealInput {
            unit_id: None,
            category: "nonsense".into(),
            text: "太短了".into(),
            contact: "not a phone".into(),
        })
        .expect_err("refused");
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(
            got,
            vec![
                ("unit_id", "validation.required"),
                ("category", "validation.unknown_choice"),
                ("text", "appeal.text_too_short"),
                ("contact", "appeal.bad_contact"),
            ]
        );
        let long = "很".repeat(MAX_TEXT + 1);
        let e = AppealSpec::parse(&AppealInput {
            unit_id: Some(3),
            category: "housing".into(),
            text: long,
            contact: String::new(),
        })
        .expect_err("refused");
        assert_eq!(e.0[0].key, "validation.too_long");
        let ok = AppealSpec::parse(&AppealInput {
            unit_id: Some(3),
            category: "traffic".into(),
            text: "幸福路口红绿灯坏了三天，早晚高峰很危险。".into(),
            contact: "13812345678".into(),
        })
        .expect("valid");
        assert_eq!(ok.category, AppealCategory::Traffic);
        assert_eq!(ok.contact, Some(Contact::Phone("13812345678".into())));
    }

    #[test]
    fn categories_from_hotline_words() {
        assert_eq!(
            AppealCategory::from_words("城乡建设/物业管理"),
            AppealCategory::Housing
        );
        assert_eq!(
            AppealCategory::from_words("traffic"),
            AppealCategory::Traffic
        );
        assert_eq!(
            AppealCategory::from_words("供水"),
            AppealCategory::Utilities
        );
        assert_eq!(AppealCategory::from_words("咨询"), AppealCategory::Other);
        assert_eq!(AppealCategory::Housing.item_category(), Category::SanZui);
    }
}
