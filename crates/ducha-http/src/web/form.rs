//! Reading HTML forms (repeated fields included) and showing their errors next to the fields.

use ducha_domain::ValidationErrors;
use ducha_domain::i18n::{Lang, t};
use std::cell::RefCell;
use std::collections::HashSet;

/// A submitted `application/x-www-form-urlencoded` body, in order, repeated names kept.
#[derive(Debug, Default)]
pub(crate) struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Parses a form body.
    pub(crate) fn parse(body: &[u8]) -> Self {
        Fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "".
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The trimmed value of `name`, absent when blank.
    pub(crate) fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name).trim()).filter(|v| !v.is_empty())
    }

    /// Whether a checkbox named `name` was ticked.
    pub(crate) fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// A number field: absent when blank; `Err(())` when it is not a number.
    pub(crate) fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ()> {
        self.opt(name).map(str::parse).transpose().map_err(|_| ())
    }
}

/// Validation errors of a form, translated, handed out field by field while the template
/// renders; whatever no field claimed is listed beside the submit button, so nothing is lost.
#[derive(Debug, Default)]
pub(crate) struct Errs {
    /// (field, translated message).
    list: Vec<(String, String)>,
    /// A message for the whole form (a rule that forbids the action).
    pub general: Option<String>,
    shown: RefCell<HashSet<usize>>,
}

impl Errs {
    /// Translates validation errors.
    pub(crate) fn from_validation(v: &ValidationErrors, lang: Lang) -> Self {
        Errs {
            list: v
                .0
                .iter()
                .map(|f| (f.field.clone(), ducha_domain::i18n::field_message(f, lang)))
                .collect(),
            ..Errs::default()
        }
    }

    /// A form-wide message.
    pub(crate) fn general(key: &str, lang: Lang) -> Self {
        Errs {
            general: Some(t(key, lang).to_string()),
            ..Errs::default()
        }
    }

    /// One field's error (fields may be given as a prefix: `targets` claims `targets[0].name`).
    pub(crate) fn add(&mut self, field: &str, key: &str, lang: Lang) {
        self.list
            .push((field.to_string(), t(key, lang).to_string()));
    }

    /// Whether `field` already has a message.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.list.iter().any(|(f, _)| f == field)
    }

    /// Whether there is anything to show.
    pub(crate) fn any(&self) -> bool {
        !self.list.is_empty() || self.general.is_some()
    }

    /// The message for `field` (or a field under it), marked as shown.
    pub(crate) fn get(&self, field: &str) -> Option<String> {
        let (i, (_, m)) = self.list.iter().enumerate().find(|(_, (f, _))| {
            f == field
                || f.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
        })?;
        self.shown.borrow_mut().insert(i);
        Some(m.clone())
    }

    /// `bad` when `field` has an error (for the field's CSS class).
    pub(crate) fn bad(&self, field: &str) -> &'static str {
        let has = self.list.iter().any(|(f, _)| {
            f == field
                || f.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
        });
        if has { "bad" } else { "" }
    }

    /// The message for `base[i]sub` (a row of a repeated field).
    pub(crate) fn get_at(&self, base: &str, i: &usize, sub: &str) -> Option<String> {
        self.get(&format!("{base}[{i}]{sub}"))
    }

    /// `bad` when `base[i]sub` has an error.
    pub(crate) fn bad_at(&self, base: &str, i: &usize, sub: &str) -> &'static str {
        self.bad(&format!("{base}[{i}]{sub}"))
    }

    /// The messages no field showed.
    pub(crate) fn rest(&self) -> Vec<String> {
        let shown = self.shown.borrow();
        self.list
            .iter()
            .enumerate()
            .filter(|(i, _)| !shown.contains(i))
            .map(|(_, (_, m))| m.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_and_blank_numbers_are_read() {
        let f = Fields::parse("co=3&co=4&title=%E7%9D%A3&n=&p=x".as_bytes());
        assert_eq!(f.all("co"), vec!["3", "4"]);
        assert_eq!(f.get("title"), "督");
        assert_eq!(f.number::<i64>("n"), Ok(None));
        assert_eq!(f.number::<i64>("p"), Err(()));
        assert_eq!(f.number::<i64>("co"), Ok(Some(3)));
    }

    #[test]
    fn unclaimed_errors_are_listed_once() {
        let mut v = ValidationErrors::default();
        v.add("title", "validation.required");
        v.add("targets[1].value", "validation.out_of_range");
        v.add("cadence", "validation.required");
        let e = Errs::from_validation(&v, Lang::ZhCn);
        assert_eq!(e.bad("targets"), "bad");
        assert!(e.get("title").is_some());
        assert!(e.get("targets").is_some());
        assert_eq!(e.rest().len(), 1, "only the cadence error is left");
    }
}
