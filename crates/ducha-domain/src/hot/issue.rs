//! A hot issue as the office handles it: its states, the submitters' satisfaction, and the
//! rules that place it on the org tree.

use crate::org::str_enum;

str_enum!(
    /// Where a hot issue is in its life.
    HotIssueState {
        /// 待处理 — found, nothing decided yet.
        Open = "open",
        /// 已转督办 — an item was made of it.
        Item = "item",
        /// 已并入事项 — merged into an existing item.
        Merged = "merged",
        /// 已合并 — joined into an older hot issue when an appeal bridged the two.
        Absorbed = "absorbed",
        /// 反弹回潮 — the complaint came back within the months after its item closed.
        Returned = "returned",
    }
);

impl HotIssueState {
    /// Whether the office may still make an item of it or merge it into one.
    pub fn can_link(self) -> bool {
        matches!(self, HotIssueState::Open | HotIssueState::Returned)
    }
}

str_enum!(
    /// A submitter's satisfaction with how the item that handled the appeal ended.
    Satisfaction {
        /// 满意.
        Satisfied = "satisfied",
        /// 基本满意.
        Basic = "basic",
        /// 不满意.
        Dissatisfied = "dissatisfied",
    }
);

/// The deepest unit path both `a` and `b` lie under (`/1/5/` for `/1/5/9/` and `/1/5/12/`).
pub fn common_path(a: &str, b: &str) -> String {
    let mut out = String::from("/");
    for (x, y) in a
        .split('/')
        .filter(|s| !s.is_empty())
        .zip(b.split('/').filter(|s| !s.is_empty()))
    {
        if x != y {
            break;
        }
        out.push_str(x);
        out.push('/');
    }
    out
}

/// The unit ids of a path from the root down, as the clusterer takes a place.
pub fn place_of(path: &str) -> Vec<u64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// Openings that say nothing about the problem (您好, 我想反映一个情况 …).
const OPENINGS: [&str; 8] = [
    "您好",
    "你好",
    "反映一个情况",
    "反映个情况",
    "我想反映",
    "我要反映",
    "请问",
    "麻烦",
];

/// A short title for an item made of a hot issue: the first clauses of its first text that
/// say what is wrong (greetings and "I want to report" left out), at most `max` characters.
pub fn title_from(text: &str, max: usize) -> String {
    let first = text
        .split(['。', '！', '？', '!', '?', '\n'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or_default();
    let mut out = String::new();
    for clause in first.split(['，', ',', '；', ';']).map(str::trim) {
        if clause.is_empty()
            || OPENINGS
                .iter()
                .any(|o| clause.contains(o) && clause.chars().count() < 10)
        {
            continue;
        }
        let add = if out.is_empty() {
            clause.to_string()
        } else {
            format!("，{clause}")
        };
        if !out.is_empty() && out.chars().count() + add.chars().count() > max {
            break;
        }
        out.push_str(&add);
    }
    out.chars().take(max).collect()
}

/// What a hot issue is about, in the office's words: the concept most of `texts` speak of
/// and a second one when nearly as many do (message keys `hot.concept.*`, most frequent
/// first); `hot.concept.none` when no text names a known concept.
pub fn topic_keys(texts: &[&str]) -> Vec<String> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for t in texts {
        for c in crate::hot::normalize::concepts(&crate::hot::normalize::normalize(t)) {
            match counts.iter_mut().find(|(n, _)| *n == c) {
                Some(e) => e.1 += 1,
                None => counts.push((c, 1)),
            }
        }
    }
    // Stable: ties keep the concepts' own order.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let Some(&(_, top)) = counts.first() else {
        return vec!["hot.concept.none".into()];
    };
    counts
        .iter()
        .take(2)
        .filter(|(_, n)| n * 4 >= top * 3)
        .map(|(c, _)| format!("hot.concept.{c}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_paths_stop_at_the_first_difference() {
        for (a, b, want) in [
            ("/1/5/9/", "/1/5/12/", "/1/5/"),
            ("/1/5/", "/1/5/12/", "/1/5/"),
            ("/1/5/", "/1/5/", "/1/5/"),
            ("/1/50/", "/1/5/", "/1/"),
            ("/2/", "/1/", "/"),
        ] {
            assert_eq!(common_path(a, b), want, "{a} {b}");
        }
        assert_eq!(place_of("/1/5/12/"), vec![1, 5, 12]);
    }

    #[test]
    fn titles_take_the_first_sentence() {
        assert_eq!(title_from("楼道灯坏了。没人修", 30), "楼道灯坏了");
        assert_eq!(title_from("一二三四五六", 4), "一二三四");
        assert_eq!(
            title_from(
                "您好，我想反映一个情况，清华小区电梯坏了好几个月，上下楼太难了。",
                16
            ),
            "清华小区电梯坏了好几个月"
        );
        assert_eq!(title_from("", 4), "");
        assert!(HotIssueState::Returned.can_link() && !HotIssueState::Item.can_link());
    }

    #[test]
    fn topics_name_what_most_texts_say() {
        let lift = [
            "幸福小区3号楼电梯坏了半个月没人修",
            "三号楼电梯又困人了",
            "电梯停运十多天，物业不管",
        ];
        assert_eq!(topic_keys(&lift), vec!["hot.concept.lift"]);
        // Building work in both, noise in one: the work names it.
        assert_eq!(
            topic_keys(&["工地夜里打桩", "晚上施工声音太大，睡不着"]),
            vec!["hot.concept.build"]
        );
        // As many of each: both, in the concepts' order.
        assert_eq!(
            topic_keys(&["工地夜里打桩，吵得睡不着", "晚上施工声音太大"]),
            vec!["hot.concept.noise", "hot.concept.build"]
        );
        assert_eq!(topic_keys(&["请问一下"]), vec!["hot.concept.none"]);
        for k in topic_keys(&lift) {
            assert_ne!(crate::i18n::t(&k, crate::i18n::Lang::ZhCn), k, "{k}");
        }
    }
}
