//! Parsing of bounded free text.

use crate::ValidationErrors;

/// Trims `raw` and checks it is non-empty (when `required`) and at most `max` characters.
pub fn bounded(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    required: bool,
    max: usize,
) -> String {
    let s = raw.trim();
    if required && s.is_empty() {
        errors.add(field, "validation.required");
    } else if s.chars().count() > max {
        errors.add(field, "validation.too_long");
    } else if s
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, "validation.control_chars");
    }
    s.to_string()
}

/// `s` in Chinese double quotes, its own double quotes turned single (“关于‘一网通办’的批示”), as
/// official writing nests them; without this a title with quotes reads “…“…”…”.
pub fn quoted(s: &str) -> String {
    let inner: String = s
        .chars()
        .map(|c| match c {
            '“' => '‘',
            '”' => '’',
            c => c,
        })
        .collect();
    format!("“{inner}”")
}

/// Similarity of two texts in `[0, 1]`: the Jaccard index of their character bigrams, with
/// whitespace and punctuation left out (Chinese needs no word segmentation for this). Two empty
/// texts are identical; an empty and a non-empty one share nothing.
pub fn similarity(a: &str, b: &str) -> f64 {
    fn bigrams(s: &str) -> std::collections::BTreeSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        match cs.len() {
            0 => Default::default(),
            1 => [(cs[0], '\0')].into_iter().collect(),
            _ => cs.windows(2).map(|w| (w[0], w[1])).collect(),
        }
    }
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let common = x.intersection(&y).count();
    common as f64 / (x.len() + y.len() - common) as f64
}

#[cfg(test)]
mod tests {
    use super::{quoted, similarity};

    #[test]
    fn quotes_nest_single_inside_double() {
        assert_eq!(
            quoted("关于“保交楼”专项工作的批示"),
            "“关于‘保交楼’专项工作的批示”"
        );
        assert_eq!(quoted("数字政府建设"), "“数字政府建设”");
        assert_eq!(quoted(""), "“”");
    }

    #[test]
    fn similarity_sees_through_punctuation_and_small_edits() {
        let parent = "请于12月15日前完成老旧小区改造120户，按月报送进展。";
        assert!((similarity(parent, parent) - 1.0).abs() < 1e-9);
        assert!(similarity(parent, "请于12月15日前完成老旧小区改造120户 按月报送进展") > 0.95);
        assert!(
            similarity(
                parent,
                "转发：请于12月15日前完成老旧小区改造120户，按月报送进展。"
            ) > 0.8
        );
        assert!(
            similarity(
                parent,
                "龙潭镇负责石桥村、青溪村60户改造，12月10日前完成入户摸排。"
            ) < 0.4
        );
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("", parent), 0.0);
    }
}
