//! Targets handed down (指标分解) on the dispatch and decompose forms: for each picked unit,
//! its share of every target of the item or parent assignment, plus targets of its own.
//!
//! A share's value is either typed by the decomposer, or automatic: what the typed shares of
//! that target leave, split evenly among the units whose share is automatic (the form first
//! shows an even split). Each value travels with the automatic value it was last given (`a`
//! fields), so a value typed over it is known without script; `static/app.js` keeps the
//! automatic values in step as units are picked, and without it the form's "split" button asks
//! the server for the same. A picked unit the form had no rows for gets the automatic share.
//!
//! Fields per unit `u`: `share=u` (its rows were on the form), `p{u}` and `a{u}` (each parent
//! target's value and its automatic value, in the parent's order), `o{u}_name`, `o{u}_unit`,
//! `o{u}_value` (the unit's own targets). Errors are keyed `t{u}[j].value` (row `j`: the parent
//! targets first, then the unit's own) and `share{u}` (the unit's whole list).

use super::form::{Errs, Fields};
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::Lang;
use ducha_domain::item::Target;

/// The `a` value of a typed share: never a number, so never equal to the value shown.
const TYPED: &str = "-";

/// One parent target's share for one unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inherited {
    /// The value as shown (typed, or automatic).
    pub value: String,
    /// The automatic value it was given, or `-` when typed.
    pub auto: String,
}

impl Inherited {
    fn is_auto(&self) -> bool {
        self.auto != TYPED
    }
}

/// What one picked unit is handed.
#[derive(Debug, Clone)]
pub(crate) struct UnitShare {
    pub unit_id: i64,
    /// `lead` or `co`.
    pub role: &'static str,
    /// One per parent target, in the parent's order.
    pub inherited: Vec<Inherited>,
    /// The unit's own targets as typed (name, unit, value), then one blank row to fill.
    pub own: Vec<(String, String, String)>,
}

/// The shares of every picked unit, lead first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shares {
    /// The item's or the parent assignment's targets.
    pub parent: Vec<Target>,
    pub units: Vec<UnitShare>,
}

/// A number as the form shows it: no decimals for whole numbers, at most two otherwise.
pub(crate) fn show(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A typed number: blank is none; thousands separators are allowed.
fn number(s: &str) -> Option<Result<f64, ()>> {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .collect();
    (!s.is_empty()).then(|| s.parse::<f64>().map_err(|_| ()))
}

/// `total` split into `n` shares that add up to it: whole shares of a whole number, hundredths
/// otherwise; the first shares take the remainder (the lead's first).
pub(crate) fn even_split(total: f64, n: usize) -> Vec<f64> {
    if n == 0 || !total.is_finite() {
        return vec![0.0; n];
    }
    let scale = if total.fract() == 0.0 { 1.0 } else { 100.0 };
    let units = (total.max(0.0) * scale).round();
    let count = n as f64;
    let base = (units / count).floor();
    let rem = units - base * count;
    (0..n)
        .map(|k| (base + if (k as f64) < rem { 1.0 } else { 0.0 }) / scale)
        .collect()
}

impl Shares {
    /// The shares of the `picked` units (id and role, lead first) as the form `f` carries
    /// them; the automatic ones recomputed for this choice of units.
    pub(crate) fn read(f: &Fields, parent: &[Target], picked: &[(i64, &'static str)]) -> Self {
        let on_form: Vec<i64> = f
            .all("share")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        let units = picked
            .iter()
            .map(|&(unit_id, role)| {
                let shown = on_form.contains(&unit_id);
                let values = f.all(&format!("p{unit_id}"));
                let autos = f.all(&format!("a{unit_id}"));
                let inherited = (0..parent.len())
                    .map(|j| {
                        let value = values.get(j).map_or("", |v| v.trim()).to_string();
                        let auto = autos.get(j).map_or("", |v| v.trim());
                        // Typed over its automatic value: the decomposer's.
                        let typed = shown && value != auto;
                        Inherited {
                            auto: if typed { TYPED.into() } else { String::new() },
                            value,
                        }
                    })
                    .collect();
                let names = f.all(&format!("o{unit_id}_name"));
                let units = f.all(&format!("o{unit_id}_unit"));
                let vals = f.all(&format!("o{unit_id}_value"));
                let at = |v: &[&str], i: usize| v.get(i).map_or("", |s| s.trim()).to_string();
                let mut own: Vec<(String, String, String)> = (0..names.len().max(vals.len()))
                    .map(|i| (at(&names, i), at(&units, i), at(&vals, i)))
                    .filter(|(n, u, v)| !(n.is_empty() && u.is_empty() && v.is_empty()))
                    .collect();
                own.push(Default::default());
                UnitShare {
                    unit_id,
                    role,
                    inherited,
                    own,
                }
            })
            .collect();
        let mut s = Shares {
            parent: parent.to_vec(),
            units,
        };
        s.split();
        s
    }

    /// Gives every automatic share what the typed shares of its target leave, evenly.
    fn split(&mut self) {
        for (j, t) in self.parent.iter().enumerate() {
            let typed: f64 = self
                .units
                .iter()
                .filter_map(|u| u.inherited.get(j))
                .filter(|r| !r.is_auto())
                .filter_map(|r| number(&r.value).and_then(Result::ok))
                .filter(|v| v.is_finite() && *v >= 0.0)
                .sum();
            let auto = self
                .units
                .iter()
                .filter(|u| u.inherited.get(j).is_some_and(Inherited::is_auto))
                .count();
            let mut parts = even_split((t.value - typed).max(0.0), auto).into_iter();
            for u in &mut self.units {
                if let Some(r) = u.inherited.get_mut(j).filter(|r| r.is_auto())
                    && let Some(v) = parts.next()
                {
                    r.value = show(v);
                    r.auto.clone_from(&r.value);
                }
            }
        }
    }

    /// Each unit's targets for the use case, in `picked` order (none when nothing is handed
    /// down: the parent has no targets and the unit none of its own), and for each target the
    /// form row it came from. Values that are not numbers are recorded in `errs`.
    pub(crate) fn targets(
        &self,
        errs: &mut Errs,
        lang: Lang,
    ) -> Vec<(Option<Vec<Target>>, Vec<usize>)> {
        self.units
            .iter()
            .map(|u| {
                let mut out = Vec::new();
                let mut rows = Vec::new();
                let p = self.parent.len();
                for (j, (r, t)) in u.inherited.iter().zip(&self.parent).enumerate() {
                    match number(&r.value) {
                        // Left blank: this target is not handed to the unit.
                        None => {}
                        Some(Ok(value)) => {
                            out.push(Target {
                                name: t.name.clone(),
                                unit: t.unit.clone(),
                                value,
                            });
                            rows.push(j);
                        }
                        Some(Err(())) => {
                            let field = format!("t{}[{j}].value", u.unit_id);
                            errs.add(&field, "validation.non_negative_number", lang);
                        }
                    }
                }
                for (k, (name, unit, value)) in u.own.iter().enumerate() {
                    if name.is_empty() && unit.is_empty() && value.is_empty() {
                        continue;
                    }
                    let field = format!("t{}[{}].value", u.unit_id, p + k);
                    let value = match number(value) {
                        Some(Ok(v)) => v,
                        None => {
                            errs.add(&field, "validation.required", lang);
                            0.0
                        }
                        Some(Err(())) => {
                            errs.add(&field, "validation.non_negative_number", lang);
                            0.0
                        }
                    };
                    out.push(Target {
                        name: name.clone(),
                        unit: unit.clone(),
                        value,
                    });
                    rows.push(p + k);
                }
                let none = self.parent.is_empty() && out.is_empty();
                ((!none).then_some(out), rows)
            })
            .collect()
    }

    /// The use case's errors with the fields of the form: a target's error beside its row,
    /// a unit's deadline beside the one deadline field, a unit's whole list with its share.
    pub(crate) fn remap(&self, v: &ValidationErrors, rows: &[Vec<usize>]) -> ValidationErrors {
        let mut out = ValidationErrors::default();
        for e in &v.0 {
            let field = self
                .form_field(&e.field, rows)
                .unwrap_or_else(|| e.field.clone());
            out.add(field, e.key);
        }
        out
    }

    fn form_field(&self, field: &str, rows: &[Vec<usize>]) -> Option<String> {
        let rest = field.strip_prefix("assignments[")?;
        let (i, rest) = rest.split_once(']')?;
        let i: usize = i.parse().ok()?;
        let unit = self.units.get(i)?.unit_id;
        if rest == ".deadline" || rest == ".deadline_working_days" {
            return Some("deadline".into());
        }
        let rest = rest.strip_prefix(".targets")?;
        if rest.is_empty() {
            return Some(format!("share{unit}"));
        }
        let (k, sub) = rest.strip_prefix('[')?.split_once(']')?;
        let row = rows.get(i)?.get(k.parse::<usize>().ok()?)?;
        Some(format!("t{unit}[{row}]{sub}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, value: f64) -> Target {
        Target {
            name: name.into(),
            unit: "个".into(),
            value,
        }
    }

    #[test]
    fn even_splits_add_up_to_the_whole() {
        for (total, n, want) in [
            (2000.0, 2, vec![1000.0, 1000.0]),
            (100.0, 3, vec![34.0, 33.0, 33.0]),
            (12.5, 3, vec![4.17, 4.17, 4.16]),
            (1.0, 3, vec![1.0, 0.0, 0.0]),
            (0.0, 2, vec![0.0, 0.0]),
            (7.0, 1, vec![7.0]),
            (5.0, 0, vec![]),
        ] {
            assert_eq!(even_split(total, n), want, "{total} / {n}");
        }
        assert_eq!(show(4.17), "4.17");
        assert_eq!(show(4.1), "4.1");
        assert_eq!(show(1000.0), "1000");
    }

    #[test]
    fn typed_shares_stay_and_the_rest_follow() {
        let parent = [target("新增泊位", 120.0), target("改造小区", 9.0)];
        let picked = [(5, "lead"), (6, "co"), (7, "co")];
        // First shown: an even split.
        let s = Shares::read(&Fields::default(), &parent, &picked);
        let values = |s: &Shares, j: usize| -> Vec<String> {
            s.units
                .iter()
                .map(|u| u.inherited[j].value.clone())
                .collect()
        };
        assert_eq!(values(&s, 0), ["40", "40", "40"]);
        assert_eq!(values(&s, 1), ["3", "3", "3"]);
        // Unit 5 types 80 over its 60 of the first target (picked with 6 before 7 came):
        // the other two share the 40 left; untouched values follow.
        let f = Fields::parse(
            "share=5&p5=80&a5=60&p5=5&a5=5&share=6&p6=60&a6=60&p6=4&a6=4&o6_name=%E8%87%AA%E5%AE%9A&o6_unit=%E4%B8%AA&o6_value=3"
                .as_bytes(),
        );
        let s = Shares::read(&f, &parent, &picked);
        assert_eq!(values(&s, 0), ["80", "20", "20"]);
        assert_eq!(
            values(&s, 1),
            ["3", "3", "3"],
            "automatic values follow the new choice"
        );
        assert_eq!(s.units[1].own.len(), 2, "the typed one and a blank row");
        let mut errs = Errs::default();
        let t = s.targets(&mut errs, Lang::ZhCn);
        assert!(!errs.any());
        assert_eq!(t[1].0.as_ref().map(Vec::len), Some(3));
        assert_eq!(t[1].1, [0, 1, 2]);
    }

    #[test]
    fn blanks_are_not_handed_and_words_are_refused() {
        let parent = [target("新增泊位", 120.0), target("改造小区", 9.0)];
        let f = Fields::parse("share=5&p5=&a5=60&p5=abc&a5=4&o5_name=x&o5_value=-1".as_bytes());
        let s = Shares::read(&f, &parent, &[(5, "lead")]);
        let mut errs = Errs::default();
        let t = s.targets(&mut errs, Lang::ZhCn);
        assert!(errs.has("t5[1].value"), "abc");
        let (targets, rows) = &t[0];
        assert_eq!(
            targets.as_ref().map(Vec::len),
            Some(1),
            "only the own target"
        );
        assert_eq!(rows, &[2]);
        // The use case's error on that target lands on its row.
        let mut v = ValidationErrors::default();
        v.add(
            "assignments[0].targets[0].value",
            "validation.non_negative_number",
        );
        v.add("assignments[0].deadline", "rule.deadline_after_parent");
        v.add("assignments[0].targets", "validation.too_many");
        let fields: Vec<String> = s
            .remap(&v, std::slice::from_ref(rows))
            .0
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(fields, ["t5[2].value", "deadline", "share5"]);
        // Nothing to hand down: no targets at all rather than an empty list.
        let s = Shares::read(&Fields::default(), &[], &[(5, "lead")]);
        assert_eq!(s.targets(&mut Errs::default(), Lang::ZhCn)[0].0, None);
    }
}
