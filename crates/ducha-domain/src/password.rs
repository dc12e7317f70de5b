//! The password policy: length with letters and digits, not a common password, not built on
//! the user name. Pure: the history (earlier hashes) is checked by the service.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The shortest password accepted.
pub const MIN_CHARS: usize = 10;

const COMMON: &str = include_str!("../data/common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `password` is on the common-password list (case-insensitive).
pub fn is_common(password: &str) -> bool {
    common().contains(password.trim().to_lowercase().as_str())
}

/// The rule a password breaks, as a message key, or `None` when it is acceptable for
/// `username`.
pub fn check(password: &str, username: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_CHARS
        || !password.chars().any(char::is_alphabetic)
        || !password.chars().any(|c| c.is_ascii_digit())
    {
        return Some("validation.password_weak");
    }
    if is_common(password) {
        return Some("validation.password_common");
    }
    let name = username.trim().to_lowercase();
    if name.chars().count() >= 3 && password.to_lowercase().contains(&name) {
        return Some("validation.password_has_username");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("short1", "zhang", Some("validation.password_weak")),
            ("onlyletterslong", "zhang", Some("validation.password_weak")),
            ("12345678901", "zhang", Some("validation.password_weak")),
            ("woaini1314", "zhang", Some("validation.password_common")),
            ("WoAiNi1314", "zhang", Some("validation.password_common")),
            ("qq123456789", "zhang", Some("validation.password_common")),
            ("a1234567890", "zhang", Some("validation.password_common")),
            ("zhangwei2024", "lisi", Some("validation.password_common")),
            (
                "Zhang-river-2026",
                "zhang",
                Some("validation.password_has_username"),
            ),
            (
                "liaison-river-2026",
                "LIAISON",
                Some("validation.password_has_username"),
            ),
            ("Demo2026ducha", "sup", None),
            ("river-bend-42", "zhang", None),
        ];
        for (pw, user, want) in cases {
            assert_eq!(check(pw, user), want, "{pw} for {user}");
        }
    }

    #[test]
    fn the_list_is_large_and_has_chinese_favourites() {
        assert!(common().len() > 3000);
        for pw in ["a123456", "woaini1314", "qq123456", "5201314", "password"] {
            assert!(is_common(pw), "{pw}");
        }
    }
}
