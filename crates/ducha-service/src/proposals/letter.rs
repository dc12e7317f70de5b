//! The reply letter (答复函) as Word: the grade marked in the top corner as offices do, the
//! title naming the session and number, the proposer addressed, the reply's text, the unit and
//! date. Laid out after GB/T 9704; the reader's Word or WPS supplies the fonts.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::NaiveDate;
use docx_rs::{AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};
use ducha_domain::org::Actor;
use ducha_domain::proposals::format_number;

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEAD_FONT: &str = "黑体";

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn para(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY_FONT, 32))
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().line(560))
}

fn date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

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
        let mut doc = Docx::new()
            .page_size(11906, 16838)
            .page_margin(
                PageMargin::new()
                    .top(2098)
                    .left(1587)
                    .right(1474)
                    .bottom(1984),
            )
            .add_paragraph(Paragraph::new().add_run(run(
                &format!("{}类", r.grade.to_uppercase()),
                HEAD_FONT,
                32,
            )))
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                &format!("关于{}{}的答复", s.session.name, number),
                TITLE_FONT,
                44,
            )))
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new().add_run(run(
                &format!("{}{}：", p.proposers, who),
                BODY_FONT,
                32,
            )))
            .add_paragraph(para(&format!(
                "您提出的《{}》{}收悉。现答复如下：",
                p.title, word
            )));
        for l in r.text.lines().filter(|l| !l.trim().is_empty()) {
            doc = doc.add_paragraph(para(l.trim()));
        }
        if !r.commitment.is_empty() {
            let due = r.commitment_due.map(date).unwrap_or_default();
            doc = doc.add_paragraph(para(&format!(
                "我们承诺：{}（{}前完成）。",
                r.commitment, due
            )));
        }
        doc = doc
            .add_paragraph(para("感谢您对我们工作的关心和支持。"))
            .add_paragraph(Paragraph::new())
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(run(&unit, BODY_FONT, 32)),
            )
            .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
                &date(r.replied_on),
                BODY_FONT,
                32,
            )));
        let mut out = std::io::Cursor::new(Vec::new());
        doc.build().pack(&mut out).map_err(|e| {
            ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into()))
        })?;
        let name = format!("reply-{}-{}-{}.docx", s.session.year, p.number, r.round);
        Ok((name, out.into_inner()))
    }
}
