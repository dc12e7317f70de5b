//! Asking for more time (延期) or for help (协调), and the answers from above.

use super::sim::{Act, Sim};
use super::text as tx;
use anyhow::Context;
use chrono::Duration;
use ducha_domain::item::ItemState;
use ducha_service::assignments::{DecisionInput, ExtensionInput, HelpInput};

impl Sim<'_> {
    pub(super) async fn extend(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if !row.state.is_working() || self.today() > row.deadline {
            return Ok(());
        }
        let b = self.beh(a)?;
        let approve = b.ext == Some(true);
        let days = |lo: i64| Duration::days(lo);
        let mut new = match b.finish {
            Some(f) if approve && f > row.deadline => {
                (f + days(i64::from(self.rng.range(3, 10)))).max(row.deadline + days(15))
            }
            _ => row.deadline + days(i64::from(self.rng.range(20, 45))),
        };
        if let Some(pid) = b.parent {
            new = new.min(self.row(pid).await?.deadline);
        }
        if new <= row.deadline {
            return Ok(());
        }
        let actor = self.doer(&b).await?;
        let input = ExtensionInput {
            deadline: Some(new),
            reason: self.rng.pick(tx::EXTEND).to_string(),
        };
        let c = self
            .s
            .request_extension(&actor, a, &input, self.now())
            .await?;
        let at = self.wd(1, 3);
        self.sched(at, Act::DecideExtension(c.id, a, approve));
        Ok(())
    }

    pub(super) async fn decide_extension(
        &mut self,
        x: i64,
        a: i64,
        ok: bool,
    ) -> anyhow::Result<()> {
        let b = self.beh(a)?;
        let actor = self.above(&b).await?;
        let comment = if ok {
            tx::EXTEND_OK
        } else {
            self.rng.pick(tx::EXTEND_NO)
        };
        let input = DecisionInput {
            approve: ok,
            comment: comment.into(),
        };
        self.s
            .decide_extension(&actor, x, &input, self.now())
            .await?;
        Ok(())
    }

    pub(super) async fn help(&mut self, a: i64) -> anyhow::Result<()> {
        let row = self.row(a).await?;
        if !row.state.is_working() {
            return Ok(());
        }
        let b = self.beh(a)?;
        let item = self.s.store.item(row.item_id).await?.context("item")?;
        let org = self.org;
        let above = match b.parent {
            Some(pid) => org.units[self.beh(pid)?.unit].id,
            None => item.owner_unit_id,
        };
        let others: Vec<i64> = match self.plans[b.plan].county {
            None => ["czj", "zrj", "fgw"]
                .iter()
                .filter_map(|c| org.unit(c))
                .collect::<Vec<_>>(),
            Some(c) => org.units[org.counties[c]]
                .children
                .iter()
                .copied()
                .filter(|&u| org.units[u].kind == ducha_domain::org::UnitKind::Department)
                .collect::<Vec<_>>(),
        }
        .into_iter()
        .map(|u| org.units[u].id)
        .filter(|&id| id != row.unit_id)
        .collect();
        let to = if !others.is_empty() && self.rng.chance(0.3) {
            *self.rng.pick(&others)
        } else {
            above
        };
        let actor = self.doer(&b).await?;
        let input = HelpInput {
            text: self.rng.pick(tx::HELP).to_string(),
            to_unit_id: Some(to),
        };
        let c = self.s.request_help(&actor, a, &input, self.now()).await?;
        if b.help == Some(true) {
            // Answered within the working days the rule allows: the one help request left
            // unanswered is the story's.
            let days = self.s.config.analytics.help_answer_days;
            let at = self.wd(1, u32::try_from(days).unwrap_or(1).max(1));
            self.sched(at, Act::AnswerHelp(c.id, to));
        }
        Ok(())
    }

    pub(super) async fn answer_help(&mut self, h: i64, to: i64) -> anyhow::Result<()> {
        let help = self.s.store.help_request(h).await?.context("help")?;
        let item = self.s.store.item(help.item_id).await?.context("item")?;
        if item.state != ItemState::Dispatched {
            return Ok(());
        }
        let b = self.beh(help.assignment_id)?;
        let who = if to == item.owner_unit_id {
            self.plans[b.plan].supervisor
        } else {
            let u = *self.org.by_id.get(&to).context("unit")?;
            self.org.head(u).context("unit without head")?
        };
        let actor = self.actor(who).await?;
        let answer = *self.rng.pick(tx::HELP_ANSWER);
        self.s.answer_help(&actor, h, answer, self.now()).await?;
        Ok(())
    }
}
