//! The reply letter (答复函) as Word: the grade marked in the top corner as offices do, the
//! title naming the session and number, the proposer addressed, the reply's text, the unit and
//! date. Laid out by the shared 公文 module (`crate::gongwen`).

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use crate::gongwen::{Gongwen, date_zh};
use ducha_domain::org::Actor;
use ducha_domain::proposals::format_number;

impl Services {
    /// A reply as a .docx letter, with its file name.
    pub async fn reply_docx(
        &self,
        actor: &Actor,
        proposal_id: i64,
        reply_id: i64,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let (s, p) = self.visible_proposal(actor, proposal_id).await?;
        let r = self
            .store
            .proposal_replies(&[p.id])
            .await?
            .into_iter()
            .find(|r| r.id == reply_id)
            .ok_or(ServiceError::NotFound)?;
        let unit = self
            .unit_names([r.unit_id])
            .await?
            .remove(&r.unit_id)
            .unwrap_or_default();
        let number = format_number(s.kind, p.number);
        let (who, word) = match s.kind {
            ducha_domain::proposals::ProposalKind::Suggestion => ("代表", "建议"),
            ducha_domain::proposals::ProposalKind::Proposal => ("委员", "提案"),
        };
        let mut doc = Gongwen::new()
            .mark(&format!("{}类", r.grade.to_uppercase()))
            .title(&format!("关于{}{}的答复", s.session.name, number))
            .blank()
            .addressee(&format!("{}{}：", p.proposers, who))
            .body(&format!(
                "您提出的《{}》{}收悉。现答复如下：",
                p.title, word
            ));
        for l in r.text.lines().filter(|l| !l.trim().is_empty()) {
            doc = doc.body(l.trim());
        }
        if !r.commitment.is_empty() {
            let due = r.commitment_due.map(date_zh).unwrap_or_default();
            doc = doc.body(&format!("我们承诺：{}（{}前完成）。", r.commitment, due));
        }
        let bytes = doc
            .body("感谢您对我们工作的关心和支持。")
            .signature(&unit, &date_zh(r.replied_on))
            .build()
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
        let name = format!("reply-{}-{}-{}.docx", s.session.year, p.number, r.round);
        Ok((name, bytes))
    }
}
