//! Local receivers and helpers shared by the tests.

pub mod http;
pub mod mime;
pub mod smtp;

use chrono::{DateTime, Utc};
use ducha_notify::Message;

/// A fixed clock: 2026-01-01T00:00:00Z.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).expect("valid timestamp")
}

/// A typical red-light notice.
pub fn notice(id: i64) -> Message {
    Message {
        id,
        kind: "notice.issued".into(),
        title: "督办单 督催〔2026〕3号（红色）".into(),
        text: "请于1月5日前反馈办理情况。".into(),
        link: Some("https://ducha.example.gov.cn/items/15".into()),
        urgent: true,
    }
}
