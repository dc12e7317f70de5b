//! Bulletins (督查通报): the office drafts a monthly or quarterly bulletin of its jurisdiction
//! from the period's figures (`figures.rs`) and writes the good practice and criticism; a
//! leader approves it (签发) or sends it back; the office publishes it, which gives it its
//! number, records the event and notifies the units it names (`flow.rs`). A published
//! bulletin never changes: a correction is a new bulletin citing it. The document is
//! `docx.rs`, laid out by the shared 公文 module (`crate::gongwen`).

mod charts;
mod docx;
mod figures;
mod flow;
mod pdf;

pub use charts::{BulletinSettings, Chart};

use crate::Services;
use crate::assessment::Period;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done};
use chrono::{DateTime, Utc};
use ducha_domain::bulletin::{
    BulletinKind, BulletinState, Figures, Section, Snapshot, compose, format_number, period_label,
};
use ducha_domain::chain::EventKind;
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{BulletinMention, BulletinRow, Insert, NewBulletin, Update};
use serde::{Deserialize, Serialize};

/// A draft to make.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BulletinDraftInput))]
pub struct DraftInput {
    /// `monthly` or `quarterly`.
    pub kind: String,
    /// `2026-10` or `2026-Q4`.
    pub period: String,
    /// The good practice (the office's words).
    #[serde(default)]
    pub good_practice: String,
    /// The criticism (the office's words).
    #[serde(default)]
    pub criticism: String,
    /// The published bulletin this one corrects.
    #[serde(default)]
    pub corrects_id: Option<i64>,
    /// The units it praises (通报表扬), within the jurisdiction.
    #[serde(default)]
    pub praised_unit_ids: Vec<i64>,
    /// The units it criticises (通报批评), within the jurisdiction.
    #[serde(default)]
    pub criticised_unit_ids: Vec<i64>,
}

/// An edit of a draft.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BulletinEditInput))]
pub struct EditInput {
    /// Title.
    pub title: String,
    /// Good practice.
    #[serde(default)]
    pub good_practice: String,
    /// Criticism.
    #[serde(default)]
    pub criticism: String,
    /// The units it praises (通报表扬), within the jurisdiction (replacing those before).
    #[serde(default)]
    pub praised_unit_ids: Vec<i64>,
    /// The units it criticises (通报批评), within the jurisdiction (replacing those before).
    #[serde(default)]
    pub criticised_unit_ids: Vec<i64>,
    /// Compute the figures again from today's data.
    #[serde(default)]
    pub refresh: bool,
    /// The version read (a concurrent edit is refused).
    pub version: i64,
}

/// A leader's decision on a submitted draft.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BulletinReturnInput))]
pub struct ReturnInput {
    /// Why it goes back.
    #[serde(default)]
    pub remark: String,
}

/// A bulletin in a list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinSummary {
    /// Id.
    pub id: i64,
    /// `monthly` or `quarterly`.
    pub kind: String,
    /// Period.
    pub period: String,
    /// The period as a document names it.
    pub period_label: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: String,
    /// 督查通报〔2026〕11号, once published.
    pub number: Option<String>,
    /// The number of the bulletin it corrects.
    pub corrects: Option<String>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
}

/// A bulletin with its generated text and what the reader may do.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinView {
    /// The bulletin.
    pub bulletin: BulletinSummary,
    /// The jurisdiction's name.
    pub scope_name: String,
    /// The office's good practice.
    pub good_practice: String,
    /// The office's criticism.
    pub criticism: String,
    /// The leader's remark when sending it back.
    pub remark: String,
    /// The units it praises (通报表扬); each scores on its card once it is published.
    pub praised: Vec<MentionedUnit>,
    /// The units it criticises (通报批评); each scores on its card once it is published.
    pub criticised: Vec<MentionedUnit>,
    /// The units the office may name, for its form (the ranked units, the jurisdiction's own
    /// units and those named): empty unless the reader may edit.
    pub candidates: Vec<MentionedUnit>,
    /// When the figures were computed.
    pub generated_at: DateTime<Utc>,
    /// The figures of the period.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub figures: Figures,
    /// The generated sections, then the office's, in the reader's language.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub sections: Vec<Section>,
    /// The jurisdiction's on-time rate in the published bulletins of the same kind before
    /// this one (at most five), then this one's.
    pub trend: Vec<TrendPoint>,
    /// Optimistic version.
    pub version: i64,
    /// The reader may edit, refresh and submit (office, draft).
    pub can_edit: bool,
    /// The reader may approve or send back (leader, submitted).
    pub can_approve: bool,
    /// The reader may publish (office, approved).
    pub can_publish: bool,
    /// The reader may draft a correction (office, published).
    pub can_correct: bool,
}

/// A unit a bulletin praises or criticises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BulletinMentionedUnit))]
pub struct MentionedUnit {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
}

/// The most units one list of a bulletin names.
const MAX_MENTIONS: usize = 50;

/// A period's on-time rate, for the trend chart.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BulletinTrendPoint))]
pub struct TrendPoint {
    /// The period (`2026-10`).
    pub period: String,
    /// The period as a document names it.
    pub period_label: String,
    /// On-time rate in percent; none when nothing fell due.
    pub on_time_rate: Option<f64>,
}

/// The on-time rates of the published bulletins of `b`'s kind before it (the latest of
/// each period, at most five), then `b`'s own.
fn trend(rows: &[BulletinRow], b: &BulletinRow, current: &Figures, lang: Lang) -> Vec<TrendPoint> {
    let mut told: std::collections::BTreeMap<&str, &BulletinRow> = Default::default();
    for r in rows.iter().filter(|r| {
        r.kind == b.kind && r.period < b.period && r.state == BulletinState::Published.as_str()
    }) {
        let e = told.entry(r.period.as_str()).or_insert(r);
        if r.published_at > e.published_at {
            *e = r;
        }
    }
    let skip = told.len().saturating_sub(5);
    told.values()
        .skip(skip)
        .map(|r| (r.period.clone(), snapshot(r).current.on_time_rate()))
        .chain(std::iter::once((b.period.clone(), current.on_time_rate())))
        .map(|(period, on_time_rate)| TrendPoint {
            period_label: period_label(&period, lang),
            period,
            on_time_rate,
        })
        .collect()
}

/// What a reader of a bulletin may do in its jurisdiction.
struct Rights {
    office: bool,
    leader: bool,
}

fn rights(actor: &Actor, scope: &UnitPath) -> Rights {
    let here = actor.jurisdiction == *scope;
    Rights {
        office: here && actor.supervises(scope),
        leader: here && actor.leads(scope),
    }
}

pub(crate) fn snapshot(b: &BulletinRow) -> Snapshot {
    serde_json::from_str(&b.figures).unwrap_or_default()
}

fn invalid(field: &str, key: &'static str) -> ServiceError {
    ValidationErrors::single(field, key).into()
}

/// Parses a bulletin's kind and period; the period must have begun.
fn parse_period(
    kind: &str,
    period: &str,
    today: chrono::NaiveDate,
) -> ServiceResult<(BulletinKind, Period)> {
    let kind: BulletinKind = kind
        .parse()
        .map_err(|()| invalid("kind", "validation.bulletin_period"))?;
    let p = Period::parse(period).map_err(|_| invalid("period", "validation.bulletin_period"))?;
    let shape = match kind {
        BulletinKind::Monthly => p.name.len() == 7 && !p.name.contains('Q'),
        BulletinKind::Quarterly => p.name.contains("-Q"),
    };
    if !shape || p.first > today {
        return Err(invalid("period", "validation.bulletin_period"));
    }
    Ok((kind, p))
}

impl Services {
    /// The units a bulletin praises and criticises, checked: each within the jurisdiction
    /// `path` (not the jurisdiction itself), named once, not both praised and criticised.
    async fn bulletin_mentions_of(
        &self,
        path: &UnitPath,
        praised: &[i64],
        criticised: &[i64],
    ) -> ServiceResult<Vec<BulletinMention>> {
        let mut e = ValidationErrors::default();
        for (field, ids) in [
            ("praised_unit_ids", praised),
            ("criticised_unit_ids", criticised),
        ] {
            if ids.len() > MAX_MENTIONS {
                e.add(field, "validation.too_many");
            }
        }
        e.into_result(())?;
        let all: Vec<i64> = praised.iter().chain(criticised).copied().collect();
        let found = self.store.units(&all).await?;
        let mut out: Vec<BulletinMention> = Vec::with_capacity(all.len());
        for (field, kind, ids) in [
            ("praised_unit_ids", "praise", praised),
            ("criticised_unit_ids", "criticism", criticised),
        ] {
            for u in ids {
                if !found
                    .iter()
                    .any(|f| f.id == *u && f.path.0.is_within(path) && &f.path.0 != path)
                {
                    return Err(invalid(field, "validation.unknown_unit"));
                }
                match out.iter().find(|m| m.unit_id == *u) {
                    Some(m) if m.kind == kind => {
                        return Err(invalid(field, "rule.duplicate_unit"));
                    }
                    Some(_) => return Err(invalid(field, "validation.bulletin_mention_both")),
                    None => out.push(BulletinMention {
                        unit_id: *u,
                        kind: kind.into(),
                    }),
                }
            }
        }
        out.sort_by_key(|m| m.unit_id);
        Ok(out)
    }

    /// The bulletin and its jurisdiction's path, if the actor may read it: the jurisdiction's
    /// supervisors and leaders read every one; anyone else in the jurisdiction's subtree
    /// reads the published ones.
    pub(crate) async fn visible_bulletin(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(BulletinRow, UnitPath, String)> {
        let b = self
            .store
            .bulletin(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let scope = self
            .store
            .unit(b.scope_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = scope.path.0;
        let r = rights(actor, &path);
        let reads = r.office
            || r.leader
            || (b.state == BulletinState::Published.as_str()
                && !actor.roles.iter().all(|x| x.is_admin())
                && actor.unit_path.is_within(&path));
        if reads {
            Ok((b, path, scope.name))
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The bulletins of the actor's jurisdiction, latest period first, named in `lang`: all
    /// for its office and leaders, the published ones for everyone else in it.
    pub async fn bulletins(
        &self,
        actor: &Actor,
        lang: Lang,
    ) -> ServiceResult<Vec<BulletinSummary>> {
        let (scope, path) = crate::joint::scope_of(actor)?;
        let r = rights(actor, &path);
        if r.office || r.leader {
            let rows = self.store.bulletins(scope).await?;
            let numbers = numbers(&rows);
            return Ok(rows.iter().map(|b| summary(b, &numbers, lang)).collect());
        }
        // Anyone else: the published bulletins of every jurisdiction above the unit.
        let mut out = Vec::new();
        for id in actor.unit_path.ids() {
            let rows = self.store.bulletins(id.0).await?;
            let numbers = numbers(&rows);
            out.extend(
                rows.iter()
                    .filter(|b| b.state == BulletinState::Published.as_str())
                    .map(|b| summary(b, &numbers, lang)),
            );
        }
        Ok(out)
    }

    /// One bulletin with its text in `lang`.
    pub async fn bulletin(
        &self,
        actor: &Actor,
        id: i64,
        lang: Lang,
    ) -> ServiceResult<BulletinView> {
        let (b, path, scope_name) = self.visible_bulletin(actor, id).await?;
        let r = rights(actor, &path);
        let rows = self.store.bulletins(b.scope_unit_id).await?;
        let numbers = numbers(&rows);
        let snap = snapshot(&b);
        let mut sections = compose(&snap, &scope_name, lang);
        for (key, text) in [
            ("bulletin.h.good", &b.good_practice),
            ("bulletin.h.criticism", &b.criticism),
        ] {
            let paragraphs: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            if !paragraphs.is_empty() {
                sections.push(Section {
                    heading: t(key, lang).to_string(),
                    paragraphs,
                    table: None,
                });
            }
        }
        let state = b.state.as_str();
        let can_edit = r.office && state == "draft";
        let mentions = self.store.bulletin_mentions(b.id).await?;
        let ids: Vec<i64> = mentions.iter().map(|m| m.unit_id).collect();
        let names: std::collections::HashMap<i64, String> =
            self.store.unit_names(&ids).await?.into_iter().collect();
        let named = |kind: &str| -> Vec<MentionedUnit> {
            mentions
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| MentionedUnit {
                    unit_id: m.unit_id,
                    name: names.get(&m.unit_id).cloned().unwrap_or_default(),
                })
                .collect()
        };
        let (praised, criticised) = (named("praise"), named("criticism"));
        // The units praised and criticised, after the office's words.
        let sep = if lang == Lang::ZhCn { "、" } else { ", " };
        for (key, units) in [
            ("bulletin.h.praised", &praised),
            ("bulletin.h.criticised", &criticised),
        ] {
            if !units.is_empty() {
                let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
                sections.push(Section {
                    heading: t(key, lang).to_string(),
                    paragraphs: vec![names.join(sep)],
                    table: None,
                });
            }
        }
        let mut candidates: Vec<MentionedUnit> = Vec::new();
        if can_edit {
            // The units it ranks, the jurisdiction's own units, and those named already.
            let ranked = snap.current.units.iter().map(|u| MentionedUnit {
                unit_id: u.unit_id,
                name: u.name.clone(),
            });
            let own: Vec<MentionedUnit> = self
                .store
                .units_under(&path)
                .await?
                .into_iter()
                .filter(|u| u.parent_id == Some(b.scope_unit_id))
                .map(|u| MentionedUnit {
                    unit_id: u.id,
                    name: u.name,
                })
                .collect();
            for u in ranked
                .chain(own)
                .chain(praised.iter().cloned())
                .chain(criticised.iter().cloned())
            {
                if !candidates.iter().any(|c| c.unit_id == u.unit_id) {
                    candidates.push(u);
                }
            }
        }
        let trend = trend(&rows, &b, &snap.current, lang);
        Ok(BulletinView {
            bulletin: summary(&b, &numbers, lang),
            scope_name,
            good_practice: b.good_practice.clone(),
            criticism: b.criticism.clone(),
            remark: b.remark.clone(),
            praised,
            criticised,
            candidates,
            generated_at: b.generated_at,
            figures: snap.current,
            sections,
            trend,
            version: b.version,
            can_edit,
            can_approve: r.leader && state == "submitted",
            can_publish: r.office && state == "approved",
            can_correct: r.office && state == "published",
        })
    }

    /// The figures of a period with those of the period before: from the last published
    /// bulletin of that period where there is one (what was told), else computed.
    async fn bulletin_snapshot(
        &self,
        scope: i64,
        path: &UnitPath,
        kind: BulletinKind,
        period: &Period,
        now: DateTime<Utc>,
    ) -> ServiceResult<Snapshot> {
        let today = self.today(now);
        let current = self.bulletin_figures(scope, path, period, today).await?;
        let previous = match period.previous() {
            Some(p) => {
                let told = self
                    .store
                    .bulletins(scope)
                    .await?
                    .into_iter()
                    .filter(|b| {
                        b.kind == kind.as_str()
                            && b.period == p.name
                            && b.state == BulletinState::Published.as_str()
                    })
                    .max_by_key(|b| b.published_at)
                    .map(|b| snapshot(&b).current);
                match told {
                    Some(f) => Some(f),
                    None => Some(self.bulletin_figures(scope, path, &p, today).await?),
                }
            }
            None => None,
        };
        Ok(Snapshot { current, previous })
    }

    /// The office drafts a bulletin from the period's figures.
    pub async fn draft_bulletin(
        &self,
        actor: &Actor,
        input: &DraftInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (scope, path) = crate::joint::scope_of(actor)?;
        ensure(rights(actor, &path).office)?;
        let mut e = ValidationErrors::default();
        let good = bounded(&mut e, "good_practice", &input.good_practice, false, 5000);
        let bad = bounded(&mut e, "criticism", &input.criticism, false, 5000);
        e.into_result(())?;
        let (kind, period) = parse_period(&input.kind, &input.period, self.today(now))?;
        let mentions = self
            .bulletin_mentions_of(&path, &input.praised_unit_ids, &input.criticised_unit_ids)
            .await?;
        if let Some(c) = input.corrects_id {
            let old = self.store.bulletin(c).await?;
            let ok = old.is_some_and(|o| {
                o.scope_unit_id == scope
                    && o.state == BulletinState::Published.as_str()
                    && o.kind == kind.as_str()
                    && o.period == period.name
            });
            if !ok {
                return Err(invalid("corrects_id", "validation.bulletin_corrects"));
            }
        }
        let scope_name = self
            .store
            .unit(scope)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let snap = self
            .bulletin_snapshot(scope, &path, kind, &period, now)
            .await?;
        let figures = serde_json::to_string(&snap)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
        let title = format(
            "bulletin.doc.title",
            Lang::ZhCn,
            &serde_json::json!({ "scope": scope_name }),
        );
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::BulletinDrafted,
                Subject {
                    unit: Some(scope),
                    ..Subject::default()
                },
                serde_json::json!({ "scope_unit_id": scope, "kind": kind.as_str(),
                    "period": period.name, "corrects_id": input.corrects_id,
                    "due": snap.current.due(), "on_time": snap.current.on_time(),
                    "praised": input.praised_unit_ids,
                    "criticised": input.criticised_unit_ids }),
                vec![],
                vec![Insert::Bulletin(NewBulletin {
                    scope_unit_id: scope,
                    kind: kind.as_str().into(),
                    period: period.name.clone(),
                    title,
                    figures,
                    good_practice: good,
                    criticism: bad,
                    corrects_id: input.corrects_id,
                    created_by: actor.user_id.0,
                    created_at: now,
                    mentions,
                })],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The office edits a draft's title and paragraphs, and may compute its figures again.
    pub async fn edit_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        input: &EditInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut b, path, _) = self.visible_bulletin(actor, id).await?;
        ensure(rights(actor, &path).office)?;
        if b.state == BulletinState::Published.as_str() {
            return Err(invalid("state", "validation.bulletin_published"));
        }
        if b.state != BulletinState::Draft.as_str() {
            return Err(invalid("state", "validation.bulletin_state"));
        }
        if b.version != input.version {
            return Err(ServiceError::Rule(Rule::Concurrent));
        }
        let mut e = ValidationErrors::default();
        b.title = bounded(&mut e, "title", &input.title, true, 200);
        b.good_practice = bounded(&mut e, "good_practice", &input.good_practice, false, 5000);
        b.criticism = bounded(&mut e, "criticism", &input.criticism, false, 5000);
        e.into_result(())?;
        let mentions = self
            .bulletin_mentions_of(&path, &input.praised_unit_ids, &input.criticised_unit_ids)
            .await?;
        if input.refresh {
            let kind: BulletinKind = b.kind.parse().unwrap_or(BulletinKind::Monthly);
            let period = Period::parse(&b.period)?;
            let snap = self
                .bulletin_snapshot(b.scope_unit_id, &path, kind, &period, now)
                .await?;
            b.figures = serde_json::to_string(&snap)
                .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
            b.generated_at = now;
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::BulletinEdited,
                Subject {
                    unit: Some(b.scope_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "bulletin_id": id, "refreshed": input.refresh,
                    "praised": input.praised_unit_ids,
                    "criticised": input.criticised_unit_ids }),
                vec![
                    Update::Bulletin(b),
                    Update::BulletinMentions {
                        bulletin_id: id,
                        mentions,
                    },
                ],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}

/// Each bulletin's number by id.
fn numbers(rows: &[BulletinRow]) -> std::collections::HashMap<i64, String> {
    rows.iter()
        .filter_map(|b| Some((b.id, format_number(b.year?, b.number?))))
        .collect()
}

fn summary(
    b: &BulletinRow,
    numbers: &std::collections::HashMap<i64, String>,
    lang: Lang,
) -> BulletinSummary {
    BulletinSummary {
        id: b.id,
        kind: b.kind.clone(),
        period: b.period.clone(),
        period_label: period_label(&b.period, lang),
        title: b.title.clone(),
        state: b.state.clone(),
        number: numbers.get(&b.id).cloned(),
        corrects: b.corrects_id.and_then(|c| numbers.get(&c).cloned()),
        published_at: b.published_at,
    }
}
