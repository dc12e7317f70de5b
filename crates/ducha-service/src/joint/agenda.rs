//! The proposed agenda: the jurisdiction's red items, stall findings, open escalated notices,
//! recent summonses and unanswered help requests, ranked by the domain's rule.

use crate::Services;
use crate::analytics::FindingsInput;
use crate::error::ServiceResult;
use chrono::{DateTime, Duration, Utc};
use ducha_domain::analytics::findings::FindingKind;
use ducha_domain::item::ItemState;
use ducha_domain::joint::agenda::{Proposed, Why, propose};
use ducha_domain::light::Light;
use ducha_domain::notice::{NoticeLevel, NoticeState};
use ducha_domain::org::{Actor, UnitPath};
use ducha_store::{ItemQuery, ItemSort};
use std::collections::HashMap;

/// Days back a summons still puts its item on the agenda.
const SUMMONS_DAYS: i64 = 90;

impl Services {
    /// Ranks the trouble of the jurisdiction at `scope` into agenda lines.
    pub(crate) async fn propose_agenda(
        &self,
        actor: &Actor,
        scope: &UnitPath,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<Proposed>> {
        let today = self.today(now);
        let cal = self.calendar();
        let mut c: Vec<(i64, Why)> = Vec::new();
        let red = self
            .store
            .list_items(&ItemQuery {
                visible_units: Some(scope.clone()),
                visible_scope: Some(scope.clone()),
                state: Some(ItemState::Dispatched),
                light: Some(Light::Red.rank()),
                sort: ItemSort::Deadline,
                limit: 300,
                ..ItemQuery::default()
            })
            .await?;
        for i in &red {
            let days = cal.working_days_between(i.deadline, today).max(0);
            c.push((i.id, Why::RedItem { days }));
        }
        let findings = self
            .findings(
                actor,
                &FindingsInput {
                    group: Some("stall".into()),
                    order: Some("score".into()),
                    limit: Some(300),
                    ..FindingsInput::default()
                },
                now,
            )
            .await?;
        for f in findings.iter().filter(|f| f.resolved_at.is_none()) {
            if f.kind == FindingKind::HelpUnanswered {
                continue; // read below, with both units named
            }
            // The working days the finding counts: waiting, quiet, or held before handing on.
            let days = ["days", "quiet", "held"]
                .iter()
                .find_map(|k| f.args.get(*k).and_then(serde_json::Value::as_i64))
                .unwrap_or(0);
            c.push((
                f.item_id,
                Why::Stall {
                    unit: f.unit_name.clone(),
                    finding: f.kind.as_str().into(),
                    days,
                    more: 0,
                },
            ));
        }
        let mut unit_ids = Vec::new();
        let notices: Vec<_> = self
            .store
            .notices_under(scope, None, 1000)
            .await?
            .into_iter()
            .filter(|n| n.state == NoticeState::Open && n.level != NoticeLevel::Blue)
            .collect();
        unit_ids.extend(notices.iter().map(|n| n.unit_id));
        let since = now - Duration::days(SUMMONS_DAYS);
        let summonses: Vec<_> = self
            .store
            .summonses_under(scope, 100)
            .await?
            .into_iter()
            .filter(|s| s.created_at >= since)
            .collect();
        unit_ids.extend(summonses.iter().map(|s| s.unit_id));
        let help_days = self.config.analytics.help_answer_days;
        let help = self.store.unanswered_help(scope, now).await?;
        unit_ids.extend(help.iter().flat_map(|h| [h.from_unit_id, h.to_unit_id]));
        let names: HashMap<i64, String> = self.unit_names(unit_ids).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        for n in &notices {
            c.push((
                n.item_id,
                Why::Notice {
                    unit: name(n.unit_id),
                    level: n.level.as_str().into(),
                    number: n.number.clone(),
                    more: 0,
                },
            ));
        }
        for s in &summonses {
            if let Some(n) = self.store.notice(s.notice_id).await? {
                c.push((
                    n.item_id,
                    Why::Summons {
                        unit: name(s.unit_id),
                        reds: s.reds,
                        more: 0,
                    },
                ));
            }
        }
        for h in &help {
            let days = cal.working_days_between(self.today(h.created_at), today);
            if days > help_days {
                c.push((
                    h.item_id,
                    Why::Help {
                        from: name(h.from_unit_id),
                        to: name(h.to_unit_id),
                        days,
                        more: 0,
                    },
                ));
            }
        }
        // Only items still open and within the jurisdiction.
        let mut ids: Vec<i64> = c.iter().map(|(i, _)| *i).collect();
        ids.sort_unstable();
        ids.dedup();
        let open: std::collections::HashSet<i64> = self
            .store
            .items_by_id(&ids)
            .await?
            .into_iter()
            .filter(|i| i.state == ItemState::Dispatched && i.scope_path.0.is_within(scope))
            .map(|i| i.id)
            .collect();
        c.retain(|(i, _)| open.contains(i));
        Ok(propose(c, self.config.joint.agenda_lines))
    }
}
