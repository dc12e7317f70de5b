//! Bulletins (督查通报): kinds and states, the figures of a period as a bulletin keeps them,
//! the red and black lists, and the generated text, which says what changed since the period
//! before rather than repeating the same sentences every month.

use crate::i18n::{Lang, format, t};
use crate::org::str_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

str_enum!(
    /// How often a bulletin is issued.
    BulletinKind {
        /// 月度通报.
        Monthly = "monthly",
        /// 季度通报.
        Quarterly = "quarterly",
    }
);

str_enum!(
    /// Where a bulletin is on its way to publication.
    BulletinState {
        /// The office edits it.
        Draft = "draft",
        /// Waiting for the leader.
        Submitted = "submitted",
        /// Approved (签发), not yet published.
        Approved = "approved",
        /// Published with its number; never changes.
        Published = "published",
    }
);

/// The official number: 督查通报〔2026〕11号.
pub fn format_number(year: i64, seq: i64) -> String {
    format!("督查通报〔{year}〕{seq}号")
}

/// One unit's figures in a period (its top-level assignments of the jurisdiction's items).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitFigures {
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// Assignments due in the period.
    pub due: i64,
    /// Of them, completed by their deadline.
    pub on_time: i64,
    /// Of them, completed by the period's end (late or not).
    pub completed: i64,
    /// Assignments overdue and not completed at the period's end (any deadline).
    pub overdue_open: i64,
    /// Score of the assessment, where one is kept.
    pub score: Option<f64>,
    /// Place in the ranking (1 = best; equal values share a place); 0 = not ranked.
    pub rank: usize,
}

impl UnitFigures {
    /// On-time rate in percent, one decimal; none when nothing fell due.
    pub fn on_time_rate(&self) -> Option<f64> {
        rate(self.on_time, self.due)
    }

    /// Completed late within the period.
    pub fn late(&self) -> i64 {
        self.completed - self.on_time
    }
}

/// Findings of one group (stall, dilution, overload, forwarding) in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingFigures {
    /// The group (`stall`, `dilution`, `overload`, `forwarding`).
    pub group: String,
    /// How many.
    pub count: i64,
    /// The units with most, most first (at most five names).
    pub units: Vec<String>,
}

/// A session's NPC suggestions or CPPCC proposals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProposalFigures {
    /// The session's name.
    pub name: String,
    /// Suggestions or proposals.
    pub total: i64,
    /// With a reply.
    pub replied: i64,
    /// Replies given by their date.
    pub on_time: i64,
    /// Replies due and not given.
    pub overdue: i64,
    /// Final replies rated satisfied.
    pub satisfied: i64,
    /// … basically satisfied.
    pub basic: i64,
    /// … dissatisfied.
    pub dissatisfied: i64,
}

/// The figures of one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// The period (`2026-10`, `2026-Q4`).
    pub period: String,
    /// First day.
    pub first: Option<NaiveDate>,
    /// Last day.
    pub last: Option<NaiveDate>,
    /// Items dispatched in the period.
    pub new_items: i64,
    /// Items closed in the period.
    pub closed_items: i64,
    /// Items in hand at the period's end.
    pub in_hand: i64,
    /// Per unit, in ranking order.
    pub units: Vec<UnitFigures>,
    /// `score` when the ranking is by the assessment, else `on_time`.
    pub ranking_basis: String,
    /// Findings by group.
    pub findings: Vec<FindingFigures>,
    /// Sessions of suggestions and proposals.
    pub proposals: Vec<ProposalFigures>,
}

impl Figures {
    /// Assignments due in the period.
    pub fn due(&self) -> i64 {
        self.units.iter().map(|u| u.due).sum()
    }
    /// Of them, on time.
    pub fn on_time(&self) -> i64 {
        self.units.iter().map(|u| u.on_time).sum()
    }
    /// Of them, completed.
    pub fn completed(&self) -> i64 {
        self.units.iter().map(|u| u.completed).sum()
    }
    /// Overdue and open at the end.
    pub fn overdue_open(&self) -> i64 {
        self.units.iter().map(|u| u.overdue_open).sum()
    }
    /// On-time rate in percent.
    pub fn on_time_rate(&self) -> Option<f64> {
        rate(self.on_time(), self.due())
    }
    /// Completion rate in percent.
    pub fn completion_rate(&self) -> Option<f64> {
        rate(self.completed(), self.due())
    }

    /// 红榜: units that had work fall due, finished all of it on time and hold nothing overdue;
    /// most work first.
    pub fn red_list(&self) -> Vec<&UnitFigures> {
        let mut v: Vec<&UnitFigures> = self
            .units
            .iter()
            .filter(|u| u.due > 0 && u.on_time == u.due && u.overdue_open == 0)
            .collect();
        v.sort_by(|a, b| b.due.cmp(&a.due).then(a.unit_id.cmp(&b.unit_id)));
        v.truncate(10);
        v
    }

    /// 黑榜: units holding overdue work at the end or that finished late in the period; worst
    /// first.
    pub fn black_list(&self) -> Vec<&UnitFigures> {
        let mut v: Vec<&UnitFigures> = self
            .units
            .iter()
            .filter(|u| u.overdue_open > 0 || u.late() > 0)
            .collect();
        v.sort_by(|a, b| {
            b.overdue_open
                .cmp(&a.overdue_open)
                .then(b.late().cmp(&a.late()))
                .then(a.unit_id.cmp(&b.unit_id))
        });
        v.truncate(10);
        v
    }

    /// Places the units by score where every unit has one, else by on-time rate (units with
    /// nothing due last), and sorts them.
    pub fn rank(&mut self) {
        let by_score = !self.units.is_empty() && self.units.iter().all(|u| u.score.is_some());
        self.ranking_basis = if by_score { "score" } else { "on_time" }.into();
        // Hundredths of a point or a tenth of a percent: compared as integers.
        let key = |u: &UnitFigures| -> i64 {
            if by_score {
                (u.score.unwrap_or(0.0) * 100.0).round() as i64
            } else {
                u.on_time_rate().map_or(-1, |r| (r * 10.0).round() as i64)
            }
        };
        self.units
            .sort_by(|a, b| key(b).cmp(&key(a)).then(a.unit_id.cmp(&b.unit_id)));
        let mut last = (i64::MIN, 0);
        for i in 0..self.units.len() {
            let k = key(&self.units[i]);
            let place = if k == last.0 { last.1 } else { i + 1 };
            last = (k, place);
            self.units[i].rank = place;
        }
    }
}

/// What a bulletin keeps: its period's figures and those of the period before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// This period.
    pub current: Figures,
    /// The period before (from the last published bulletin of it, else computed).
    pub previous: Option<Figures>,
}

/// A percentage with one decimal.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A section of the generated text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Its heading (一、总体情况).
    pub heading: String,
    /// Its paragraphs.
    pub paragraphs: Vec<String>,
    /// A table: header and rows.
    pub table: Option<(Vec<String>, Vec<Vec<String>>)>,
}

/// The period as a document names it: 2026年10月, 2026年第四季度.
pub fn period_label(period: &str, lang: Lang) -> String {
    if let Some((y, q)) = period.split_once("-Q") {
        let zh = ["一", "二", "三", "四"];
        let q: usize = q.parse().unwrap_or(1);
        match lang {
            Lang::ZhCn => format!("{y}年第{}季度", zh.get(q.wrapping_sub(1)).unwrap_or(&"")),
            Lang::En => format!("Q{q} {y}"),
        }
    } else if let Some((y, m)) = period.split_once('-') {
        let m: u32 = m.parse().unwrap_or(1);
        match lang {
            Lang::ZhCn => format!("{y}年{m}月"),
            Lang::En => NaiveDate::from_ymd_opt(y.parse().unwrap_or(2000), m, 1)
                .map_or_else(|| period.to_string(), |d| d.format("%B %Y").to_string()),
        }
    } else {
        period.to_string()
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |r| format!("{r:.1}%"))
}

/// "比上期提高3.4个百分点" for two rates; empty without the earlier one.
pub fn change_points(now: Option<f64>, before: Option<f64>, lang: Lang) -> String {
    let (Some(a), Some(b)) = (now, before) else {
        return String::new();
    };
    let d = ((a - b) * 10.0).round() / 10.0;
    let key = if d > 0.0 {
        "bulletin.change.pp_up"
    } else if d < 0.0 {
        "bulletin.change.pp_down"
    } else {
        "bulletin.change.same"
    };
    format(
        key,
        lang,
        &serde_json::json!({ "d": format!("{:.1}", d.abs()) }),
    )
}

/// "比上期增加2项" for two counts; empty without the earlier one.
pub fn change_count(now: i64, before: Option<i64>, lang: Lang) -> String {
    let Some(b) = before else {
        return String::new();
    };
    let key = match now.cmp(&b) {
        std::cmp::Ordering::Greater => "bulletin.change.more",
        std::cmp::Ordering::Less => "bulletin.change.fewer",
        std::cmp::Ordering::Equal => "bulletin.change.same",
    };
    format(key, lang, &serde_json::json!({ "d": (now - b).abs() }))
}

fn sep(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "、",
        Lang::En => ", ",
    }
}

fn with_change(text: String, change: String, lang: Lang) -> String {
    if change.is_empty() {
        text
    } else {
        match lang {
            Lang::ZhCn => format!("{text}，{change}"),
            Lang::En => format!("{text} ({change})"),
        }
    }
}

/// The generated sections of a bulletin (the office's paragraphs are added by the caller).
pub fn compose(snap: &Snapshot, scope_name: &str, lang: Lang) -> Vec<Section> {
    let c = &snap.current;
    let p = snap.previous.as_ref();
    let tr = |k: &str| t(k, lang).to_string();
    let end = match lang {
        Lang::ZhCn => "。",
        Lang::En => ".",
    };
    let mut out = Vec::new();

    // 一、总体情况.
    let mut overall = vec![format(
        "bulletin.text.totals",
        lang,
        &serde_json::json!({ "period": period_label(&c.period, lang), "scope": scope_name,
            "new": c.new_items, "closed": c.closed_items, "in_hand": c.in_hand }),
    )];
    if c.due() > 0 {
        let on_time = with_change(
            format(
                "bulletin.text.on_time",
                lang,
                &serde_json::json!({ "due": c.due(), "on_time": c.on_time(),
                    "rate": pct(c.on_time_rate()) }),
            ),
            change_points(c.on_time_rate(), p.and_then(Figures::on_time_rate), lang),
            lang,
        );
        let done = with_change(
            format(
                "bulletin.text.completion",
                lang,
                &serde_json::json!({ "rate": pct(c.completion_rate()) }),
            ),
            change_points(
                c.completion_rate(),
                p.and_then(Figures::completion_rate),
                lang,
            ),
            lang,
        );
        overall.push(format!("{on_time}{}{done}{end}", sep_semicolon(lang)));
    } else {
        overall.push(tr("bulletin.text.nothing_due"));
    }
    overall.push(
        with_change(
            format(
                "bulletin.text.overdue",
                lang,
                &serde_json::json!({ "n": c.overdue_open() }),
            ),
            change_count(c.overdue_open(), p.map(Figures::overdue_open), lang),
            lang,
        ) + end,
    );
    out.push(Section {
        heading: tr("bulletin.h.overall"),
        paragraphs: overall,
        table: None,
    });

    // 二、红黑榜.
    let was_black: Vec<i64> = p
        .map(|p| p.black_list().iter().map(|u| u.unit_id).collect())
        .unwrap_or_default();
    let was_red: Vec<i64> = p
        .map(|p| p.red_list().iter().map(|u| u.unit_id).collect())
        .unwrap_or_default();
    let mut lists = Vec::new();
    let red = c.red_list();
    if red.is_empty() {
        lists.push(tr("bulletin.text.red_none"));
    } else {
        let names: Vec<String> = red
            .iter()
            .map(|u| {
                let again = if was_red.contains(&u.unit_id) {
                    tr("bulletin.text.again")
                } else {
                    String::new()
                };
                format(
                    "bulletin.text.red_unit",
                    lang,
                    &serde_json::json!({ "unit": u.name, "due": u.due, "again": again }),
                )
            })
            .collect();
        lists.push(format(
            "bulletin.text.red",
            lang,
            &serde_json::json!({ "units": names.join(sep(lang)) }),
        ));
    }
    let black = c.black_list();
    if black.is_empty() {
        lists.push(tr("bulletin.text.black_none"));
    } else {
        let names: Vec<String> = black
            .iter()
            .map(|u| {
                let again = if was_black.contains(&u.unit_id) {
                    tr("bulletin.text.again")
                } else {
                    String::new()
                };
                format(
                    "bulletin.text.black_unit",
                    lang,
                    &serde_json::json!({ "unit": u.name, "overdue": u.overdue_open,
                        "late": u.late(), "again": again }),
                )
            })
            .collect();
        lists.push(format(
            "bulletin.text.black",
            lang,
            &serde_json::json!({ "units": names.join(sep(lang)) }),
        ));
    }
    // Who left the black list since the period before.
    let left: Vec<String> = p
        .map(|p| {
            p.black_list()
                .iter()
                .filter(|u| !black.iter().any(|b| b.unit_id == u.unit_id))
                .map(|u| u.name.clone())
                .collect()
        })
        .unwrap_or_default();
    if !left.is_empty() {
        lists.push(format(
            "bulletin.text.black_left",
            lang,
            &serde_json::json!({ "units": left.join(sep(lang)) }),
        ));
    }
    out.push(Section {
        heading: tr("bulletin.h.lists"),
        paragraphs: lists,
        table: None,
    });

    // 三、排名.
    let ranked: Vec<&UnitFigures> = c.units.iter().filter(|u| u.rank > 0).collect();
    if !ranked.is_empty() {
        let before: std::collections::HashMap<i64, usize> = p
            .map(|p| p.units.iter().map(|u| (u.unit_id, u.rank)).collect())
            .unwrap_or_default();
        let by_score = c.ranking_basis == "score";
        let mut moves = Vec::new();
        let mut rows = Vec::new();
        for u in &ranked {
            let change = match before.get(&u.unit_id) {
                Some(&b) if b > u.rank => {
                    moves.push((b as i64 - u.rank as i64, u));
                    format!("↑{}", b - u.rank)
                }
                Some(&b) if b < u.rank => {
                    moves.push((b as i64 - u.rank as i64, u));
                    format!("↓{}", u.rank - b)
                }
                Some(_) => "—".into(),
                None => tr("bulletin.col.new"),
            };
            let value = if by_score {
                u.score.map_or_else(|| "—".into(), |s| format!("{s:.2}"))
            } else {
                pct(u.on_time_rate())
            };
            rows.push(vec![
                u.rank.to_string(),
                u.name.clone(),
                u.due.to_string(),
                u.on_time.to_string(),
                u.overdue_open.to_string(),
                value,
                change,
            ]);
        }
        let header = vec![
            tr("bulletin.col.rank"),
            tr("bulletin.col.unit"),
            tr("bulletin.col.due"),
            tr("bulletin.col.on_time"),
            tr("bulletin.col.overdue"),
            tr(if by_score {
                "bulletin.col.score"
            } else {
                "bulletin.col.rate"
            }),
            tr("bulletin.col.change"),
        ];
        let mut paras = vec![tr(if by_score {
            "bulletin.text.ranking_score"
        } else {
            "bulletin.text.ranking_rate"
        })];
        // The biggest moves, up and down.
        moves.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.unit_id.cmp(&b.1.unit_id)));
        let ups: Vec<String> = moves
            .iter()
            .filter(|m| m.0 > 0)
            .take(3)
            .map(|m| {
                format(
                    "bulletin.text.rose",
                    lang,
                    &serde_json::json!({ "unit": m.1.name, "n": m.0 }),
                )
            })
            .collect();
        let downs: Vec<String> = moves
            .iter()
            .rev()
            .filter(|m| m.0 < 0)
            .take(3)
            .map(|m| {
                format(
                    "bulletin.text.fell",
                    lang,
                    &serde_json::json!({ "unit": m.1.name, "n": -m.0 }),
                )
            })
            .collect();
        if !ups.is_empty() || !downs.is_empty() {
            let mut all = ups;
            all.extend(downs);
            paras.push(format(
                "bulletin.text.moves",
                lang,
                &serde_json::json!({ "moves": all.join(sep_semicolon(lang)) }),
            ));
        } else if p.is_some() {
            paras.push(tr("bulletin.text.no_moves"));
        }
        out.push(Section {
            heading: tr("bulletin.h.ranking"),
            paragraphs: paras,
            table: Some((header, rows)),
        });
    }

    // 四、梗阻和变味.
    let mut found = Vec::new();
    for f in &c.findings {
        let before = p.map(|p| {
            p.findings
                .iter()
                .find(|x| x.group == f.group)
                .map_or(0, |x| x.count)
        });
        found.push(
            with_change(
                format(
                    "bulletin.text.findings",
                    lang,
                    &serde_json::json!({ "group": t(&format!("finding_group.{}", f.group), lang),
                    "n": f.count, "units": f.units.join(sep(lang)) }),
                ),
                change_count(f.count, before, lang),
                lang,
            ) + end,
        );
    }
    if found.is_empty() {
        found.push(tr("bulletin.text.findings_none"));
    }
    out.push(Section {
        heading: tr("bulletin.h.findings"),
        paragraphs: found,
        table: None,
    });

    // 五、人大建议、政协提案.
    if !c.proposals.is_empty() {
        let mut paras = Vec::new();
        for s in &c.proposals {
            let before = p.and_then(|p| p.proposals.iter().find(|x| x.name == s.name));
            let due = s.replied + s.overdue;
            let mut text = format(
                "bulletin.text.proposals",
                lang,
                &serde_json::json!({ "name": s.name, "total": s.total, "replied": s.replied,
                    "rate": pct(rate(s.on_time, due)), "satisfied": s.satisfied,
                    "basic": s.basic, "dissatisfied": s.dissatisfied }),
            );
            if let Some(b) = before {
                let n = s.replied - b.replied;
                if n > 0 {
                    text = with_change(
                        text,
                        format(
                            "bulletin.text.proposals_new",
                            lang,
                            &serde_json::json!({ "n": n }),
                        ),
                        lang,
                    );
                }
            }
            paras.push(text + end);
        }
        out.push(Section {
            heading: tr("bulletin.h.proposals"),
            paragraphs: paras,
            table: None,
        });
    }
    out
}

fn sep_semicolon(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "；",
        Lang::En => "; ",
    }
}

/// Numbers the sections' headings in order: 一、二、… (the office's paragraphs come after the
/// generated ones, so numbering is done once everything is in place).
pub fn numbered(i: usize, heading: &str, lang: Lang) -> String {
    const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match lang {
        Lang::ZhCn => format!("{}、{heading}", ZH.get(i).unwrap_or(&"")),
        Lang::En => format!("{}. {heading}", i + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(
        id: i64,
        name: &str,
        due: i64,
        on_time: i64,
        completed: i64,
        overdue: i64,
    ) -> UnitFigures {
        UnitFigures {
            unit_id: id,
            name: name.into(),
            due,
            on_time,
            completed,
            overdue_open: overdue,
            score: None,
            rank: 0,
        }
    }

    fn figures(period: &str, units: Vec<UnitFigures>) -> Figures {
        let mut f = Figures {
            period: period.into(),
            units,
            ..Figures::default()
        };
        f.rank();
        f
    }

    #[test]
    fn rates_lists_and_ranks() {
        let f = figures(
            "2026-10",
            vec![
                unit(1, "交通局", 10, 10, 10, 0),
                unit(2, "住建局", 8, 5, 7, 2),
                unit(3, "教育局", 0, 0, 0, 0),
                unit(4, "水务局", 5, 4, 5, 0),
            ],
        );
        assert_eq!(f.due(), 23);
        assert_eq!(f.on_time_rate(), Some(82.6));
        assert_eq!(f.completion_rate(), Some(95.7));
        assert_eq!(
            f.red_list().iter().map(|u| u.unit_id).collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(
            f.black_list().iter().map(|u| u.unit_id).collect::<Vec<_>>(),
            [2, 4]
        );
        let order: Vec<(i64, usize)> = f.units.iter().map(|u| (u.unit_id, u.rank)).collect();
        assert_eq!(order, [(1, 1), (4, 2), (2, 3), (3, 4)]);
        assert_eq!(f.ranking_basis, "on_time");
    }

    #[test]
    fn scores_rank_when_every_unit_has_one() {
        let mut units = vec![unit(1, "甲", 1, 1, 1, 0), unit(2, "乙", 1, 0, 0, 1)];
        units[0].score = Some(95.5);
        units[1].score = Some(99.0);
        let f = figures("2026-10", units);
        assert_eq!(f.ranking_basis, "score");
        assert_eq!(f.units[0].unit_id, 2);
    }

    #[test]
    fn text_says_what_changed() {
        let before = figures(
            "2026-09",
            vec![
                unit(1, "交通局", 10, 8, 9, 1),
                unit(2, "住建局", 10, 9, 10, 0),
            ],
        );
        let now = figures(
            "2026-10",
            vec![
                unit(1, "交通局", 10, 10, 10, 0),
                unit(2, "住建局", 10, 8, 9, 2),
            ],
        );
        let snap = Snapshot {
            current: now,
            previous: Some(before),
        };
        let s = compose(&snap, "青山市", Lang::ZhCn);
        let overall = s[0].paragraphs.join("");
        assert!(
            overall.contains("按时办结率90.0%，比上期提高5.0个百分点"),
            "{overall}"
        );
        assert!(overall.contains("办结率95.0%，与上期持平"), "{overall}");
        assert!(
            overall.contains("逾期未办结2项，比上期增加1项"),
            "{overall}"
        );
        let lists = s[1].paragraphs.join("");
        assert!(lists.contains("交通局"), "{lists}");
        assert!(lists.contains("住建局（逾期未办结2项"), "{lists}");
        assert!(lists.contains("退出黑榜：交通局"), "{lists}");
        let ranking = &s[2];
        assert!(
            ranking.paragraphs.join("").contains("交通局上升1位"),
            "{ranking:?}"
        );
        let table = ranking.table.as_ref().expect("a ranking table");
        assert_eq!(table.1[0][6], "↑1");

        let en = compose(&snap, "Qingshan", Lang::En);
        assert!(
            en[0]
                .paragraphs
                .join(" ")
                .contains("up 5.0 percentage points")
        );
    }

    #[test]
    fn first_bulletin_names_no_change() {
        let snap = Snapshot {
            current: figures("2026-10", vec![unit(1, "交通局", 4, 3, 4, 0)]),
            previous: None,
        };
        let s = compose(&snap, "青山市", Lang::ZhCn);
        let overall = s[0].paragraphs.join("");
        assert!(overall.contains("按时办结率75.0%；"), "{overall}");
        assert!(!overall.contains("上期"), "{overall}");
    }

    #[test]
    fn labels() {
        assert_eq!(period_label("2026-10", Lang::ZhCn), "2026年10月");
        assert_eq!(period_label("2026-Q4", Lang::ZhCn), "2026年第四季度");
        assert_eq!(period_label("2026-10", Lang::En), "October 2026");
        assert_eq!(format_number(2026, 11), "督查通报〔2026〕11号");
        assert_eq!(numbered(1, "红黑榜", Lang::ZhCn), "二、红黑榜");
    }
}
