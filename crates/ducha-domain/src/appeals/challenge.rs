//! The public form's check question (人机验证): a small sum in Chinese words, drawn from a
//! nonce, so that the service can sign the nonce and verify an answer without keeping any
//! state. No third-party service, no script needed; a screen reader reads it as text.

const DIGITS: [&str; 11] = [
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
];

/// A question drawn from a nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question in Chinese, e.g. 三加五等于几？
    pub zh: String,
    /// The question in English, e.g. What is 3 plus 5?
    pub en: String,
    /// The answer.
    pub answer: i64,
}

impl Question {
    /// The question of a nonce: two numbers from 1 to 10 added, or the smaller subtracted
    /// from the larger.
    pub fn of_nonce(nonce: &[u8; 8]) -> Self {
        let a = i64::from(nonce[0] % 10) + 1;
        let b = i64::from(nonce[1] % 10) + 1;
        if nonce[2].is_multiple_of(2) {
            Self {
                zh: format!("{}加{}等于几？", DIGITS[a as usize], DIGITS[b as usize]),
                en: format!("What is {a} plus {b}?"),
                answer: a + b,
            }
        } else {
            let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
            Self {
                zh: format!("{}减{}等于几？", DIGITS[hi as usize], DIGITS[lo as usize]),
                en: format!("What is {hi} minus {lo}?"),
                answer: hi - lo,
            }
        }
    }
}

/// Reads an answer as typed: ASCII or full-width digits, or Chinese numerals up to 二十.
pub fn parse_answer(s: &str) -> Option<i64> {
    let s: String = s.trim().chars().map(super::mask::ascii_digit).collect();
    if !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let value = |c: char| {
        DIGITS
            .iter()
            .position(|d| d.starts_with(c))
            .map(|v| v as i64)
    };
    let cs: Vec<char> = s
        .chars()
        .map(|c| if c == '两' { '二' } else { c })
        .collect();
    match cs.as_slice() {
        [c] => value(*c),
        ['十', c] => Some(10 + value(*c).filter(|v| *v < 10)?),
        [c, '十'] => Some(value(*c).filter(|v| (2..10).contains(v))? * 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_answers() {
        let q = Question::of_nonce(&[2, 4, 0, 0, 0, 0, 0, 0]);
        assert_eq!((q.zh.as_str(), q.answer), ("三加五等于几？", 8));
        let q = Question::of_nonce(&[2, 9, 1, 0, 0, 0, 0, 0]);
        assert_eq!(
            (q.zh.as_str(), q.en.as_str(), q.answer),
            ("十减三等于几？", "What is 10 minus 3?", 7)
        );
        for n in 0..=255u8 {
            let q = Question::of_nonce(&[n, n.wrapping_mul(7), n, 0, 0, 0, 0, 0]);
            assert!((0..=20).contains(&q.answer));
        }
        let cases = [
            ("8", Some(8)),
            (" １２ ", Some(12)),
            ("八", Some(8)),
            ("十", Some(10)),
            ("十二", Some(12)),
            ("两", Some(2)),
            ("二十", Some(20)),
            ("", None),
            ("八八", None),
            ("abc", None),
            ("1234", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_answer(s), want, "{s}");
        }
    }
}
