//! The office's hot issues: those of the reader's jurisdiction by size, each with its count,
//! weekly trend, places on the org tree, a few masked texts, its item and the submitters'
//! satisfaction; a hot issue's page with its appeals.

use crate::Services;
use crate::appeals::AppealView;
use crate::error::{ServiceError, ServiceResult, ensure};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::appeals::AppealCategory;
use ducha_domain::calendar::china_date;
use ducha_domain::hot::issue::{HotIssueState, topic_keys};
use ducha_domain::hot::trend::weekly_counts;
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::item::ItemState;
use ducha_domain::org::{Actor, Role, UnitPath};
use ducha_store::{CitizenAppealRow, HotIssueRow, HotMemberRow, ItemRow};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One week of a hot issue's trend.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotWeek {
    /// The week's Monday.
    pub monday: NaiveDate,
    /// Appeals received that week.
    pub count: u32,
    /// Share of the largest week, in percent (for a bar).
    pub percent: u32,
}

/// A place on the org tree where a hot issue's appeals come from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotPlace {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// Appeals about it.
    pub count: i64,
}

/// A hot issue as the office sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotIssueView {
    /// Id.
    pub id: i64,
    /// State.
    pub state: HotIssueState,
    /// Its first appeal's category.
    pub category: AppealCategory,
    /// Appeals in it.
    pub count: i64,
    /// The first appeal's receipt.
    pub first_at: DateTime<Utc>,
    /// The latest appeal's receipt.
    pub last_at: DateTime<Utc>,
    /// The unit all its appeals lie under.
    pub scope_unit: String,
    /// Where its appeals come from, most first.
    pub places: Vec<HotPlace>,
    /// Appeals per week, oldest first.
    pub weeks: Vec<HotWeek>,
    /// A few texts, personal data masked, newest first.
    pub samples: Vec<String>,
    /// The item made of it or it was merged into.
    pub item_id: Option<i64>,
    /// That item's title.
    pub item_title: Option<String>,
    /// That item's state.
    pub item_state: Option<ItemState>,
    /// When the complaint came back after its item closed.
    pub returned_at: Option<DateTime<Utc>>,
    /// The submitters' answers once the item closed.
    pub satisfaction: SatisfactionCounts,
}

/// How many submitters gave each answer.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionCounts {
    /// 满意.
    pub satisfied: i64,
    /// 基本满意.
    pub basic: i64,
    /// 不满意.
    pub dissatisfied: i64,
}

impl SatisfactionCounts {
    /// Answers in all.
    pub fn total(&self) -> i64 {
        self.satisfied + self.basic + self.dissatisfied
    }

    fn add(&mut self, answer: &str, n: i64) {
        match answer {
            "satisfied" => self.satisfied += n,
            "basic" => self.basic += n,
            "dissatisfied" => self.dissatisfied += n,
            _ => {}
        }
    }
}

/// A hot issue's page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotIssueDetail {
    /// The hot issue.
    pub issue: HotIssueView,
    /// Its appeals, newest first (at most 200).
    pub appeals: Vec<AppealView>,
    /// A title for an item made of it.
    pub proposed_title: String,
    /// A description for that item.
    pub proposed_description: String,
    /// The reader may make an item of it or merge it into one.
    pub may_link: bool,
}

/// The states the office's list shows.
const LISTED: [HotIssueState; 4] = [
    HotIssueState::Open,
    HotIssueState::Returned,
    HotIssueState::Item,
    HotIssueState::Merged,
];

impl Services {
    /// The hot issues of the reader's jurisdiction, largest first (supervisors and leaders).
    pub async fn hot_issues(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<HotIssueView>> {
        ensure(actor.has(Role::Supervisor) || actor.has(Role::Leader))?;
        let rows = self
            .store
            .hot_issues_under(&actor.jurisdiction, &LISTED, 50)
            .await?;
        self.hot_views(rows, now).await
    }

    /// A hot issue of the reader's jurisdiction; `NotFound` otherwise. A hot issue joined
    /// into another is shown as that one.
    pub(crate) async fn visible_hot(&self, actor: &Actor, id: i64) -> ServiceResult<HotIssueRow> {
        ensure_reader(actor).map_err(|_| ServiceError::NotFound)?;
        let mut h = self
            .store
            .hot_issue(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        for _ in 0..16 {
            match h.absorbed_into {
                Some(next) if h.state == HotIssueState::Absorbed => {
                    h = self
                        .store
                        .hot_issue(next)
                        .await?
                        .ok_or(ServiceError::NotFound)?;
                }
                _ => break,
            }
        }
        if UnitPath::from_stored(h.scope_path.clone()).is_within(&actor.jurisdiction) {
            Ok(h)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// A hot issue's page.
    pub async fn hot_issue_detail(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<HotIssueDetail> {
        let h = self.visible_hot(actor, id).await?;
        let may_link =
            h.state.can_link() && actor.supervises(&UnitPath::from_stored(h.scope_path.clone()));
        let appeals = self.store.hot_appeals(h.id, 200).await?;
        let issue = self.hot_views(vec![h], now).await?.remove(0);
        let (proposed_title, proposed_description) = proposal(&issue, &appeals);
        Ok(HotIssueDetail {
            proposed_title,
            proposed_description,
            appeals: self.views(appeals).await?,
            issue,
            may_link,
        })
    }

    pub(crate) async fn hot_views(
        &self,
        rows: Vec<HotIssueRow>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<HotIssueView>> {
        let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
        let members = self.store.hot_members(&ids).await?;
        let mut by_hot: HashMap<i64, Vec<&HotMemberRow>> = HashMap::new();
        for m in &members {
            by_hot.entry(m.hot_id).or_default().push(m);
        }
        let mut units: Vec<i64> = members.iter().map(|m| m.unit_id).collect();
        units.extend(rows.iter().filter_map(|h| scope_unit(&h.scope_path)));
        units.sort_unstable();
        units.dedup();
        let names: HashMap<i64, String> =
            self.store.unit_names(&units).await?.into_iter().collect();
        let mut samples: HashMap<i64, Vec<String>> = HashMap::new();
        for (hot, text) in self.store.hot_samples(&ids, 3).await? {
            samples.entry(hot).or_default().push(text);
        }
        let mut item_ids: Vec<i64> = rows.iter().filter_map(|h| h.item_id).collect();
        item_ids.sort_unstable();
        item_ids.dedup();
        let items: HashMap<i64, ItemRow> = self
            .store
            .items_by_id(&item_ids)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let mut answers: HashMap<i64, SatisfactionCounts> = HashMap::new();
        for (item, answer, n) in self.store.satisfaction_counts_of(&item_ids).await? {
            answers.entry(item).or_default().add(&answer, n);
        }
        let today = self.today(now);
        let mut out = Vec::with_capacity(rows.len());
        for h in rows {
            let mine = by_hot.get(&h.id).map(Vec::as_slice).unwrap_or_default();
            let days: Vec<NaiveDate> = mine.iter().map(|m| self.today(m.received_at)).collect();
            let counts = weekly_counts(&days, today, self.config.hot.weeks);
            let top = counts.iter().map(|w| w.1).max().unwrap_or(0).max(1);
            let mut per_unit: BTreeMap<i64, i64> = BTreeMap::new();
            for m in mine {
                *per_unit.entry(m.unit_id).or_default() += 1;
            }
            let mut places: Vec<HotPlace> = per_unit
                .into_iter()
                .map(|(unit_id, count)| HotPlace {
                    unit_id,
                    name: names.get(&unit_id).cloned().unwrap_or_default(),
                    count,
                })
                .collect();
            places.sort_by(|a, b| b.count.cmp(&a.count).then(a.unit_id.cmp(&b.unit_id)));
            let samples = samples.remove(&h.id).unwrap_or_default();
            let item = h.item_id.and_then(|i| items.get(&i));
            let satisfaction = h
                .item_id
                .and_then(|i| answers.get(&i).copied())
                .unwrap_or_default();
            out.push(HotIssueView {
                id: h.id,
                state: h.state,
                category: h.category,
                count: h.appeal_count,
                first_at: h.first_at,
                last_at: h.last_at,
                scope_unit: scope_unit(&h.scope_path)
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                places,
                weeks: counts
                    .into_iter()
                    .map(|(monday, count)| HotWeek {
                        monday,
                        count,
                        percent: count * 100 / top,
                    })
                    .collect(),
                samples,
                item_id: h.item_id,
                item_title: item.map(|i| i.title.clone()),
                item_state: item.map(|i| i.state),
                returned_at: h.returned_at,
                satisfaction,
            });
        }
        Ok(out)
    }
}

impl Services {
    /// The submitters' answers about an item.
    pub async fn satisfaction_counts(&self, item_id: i64) -> ServiceResult<SatisfactionCounts> {
        let mut c = SatisfactionCounts::default();
        for (answer, n) in self.store.satisfaction_counts(item_id).await? {
            c.add(&answer, n);
        }
        Ok(c)
    }
}

/// The title and text an item made of the hot issue starts from, in the office's words
/// (official documents are Chinese): "关于{place}{topic}问题的督办", the topic from what most
/// of its appeals speak of (the category's name when none is known). The text says how many
/// appeals came, from where, since when and about what, never the citizens' own words: an
/// item's description is shown on its public page.
fn proposal(issue: &HotIssueView, appeals: &[CitizenAppealRow]) -> (String, String) {
    let zh = |k: &str| t(k, Lang::ZhCn).to_string();
    let sep = zh("hot.list_sep");
    let texts: Vec<&str> = appeals.iter().map(|a| a.text_masked.as_str()).collect();
    let keys = topic_keys(&texts);
    let topic = if keys.iter().any(|k| k == "hot.concept.none") {
        zh(&format!("appeal_category.{}", issue.category.as_str()))
    } else {
        keys.iter().map(|k| zh(k)).collect::<Vec<_>>().join(&sep)
    };
    let title = format(
        "hot.proposed_title",
        Lang::ZhCn,
        &serde_json::json!({ "place": issue.scope_unit, "topic": topic }),
    );
    let places: Vec<&str> = issue.places.iter().map(|p| p.name.as_str()).collect();
    let description = format(
        "hot.proposed_description",
        Lang::ZhCn,
        &serde_json::json!({
            "place": issue.scope_unit,
            "n": issue.count,
            "places": places.join(&sep),
            "since": china_date(issue.first_at).format("%Y-%m-%d").to_string(),
            "topic": topic,
        }),
    );
    (title, description)
}

fn ensure_reader(actor: &Actor) -> ServiceResult<()> {
    ensure(actor.has(Role::Supervisor) || actor.has(Role::Leader))
}

/// The unit a scope path ends with.
fn scope_unit(path: &str) -> Option<i64> {
    path.split('/').rfind(|s| !s.is_empty())?.parse().ok()
}
