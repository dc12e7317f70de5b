//! The minutes (会议纪要) of a held meeting as a Word document: who met, each agenda line with
//! what was decided and the item it became, and the commitments memo as a table. Laid out after
//! GB/T 9704 (margins, 方正小标宋 title, 仿宋 body, 黑体 headings); the reader's Word or WPS
//! supplies the fonts.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts, Table,
    TableCell, TableRow, WidthType,
};
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::{Lang, fill, t};
use ducha_domain::joint::MeetingState;
use ducha_domain::org::Actor;

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEAD_FONT: &str = "黑体";
/// 三号 (16 pt) in half-points.
const BODY_SIZE: usize = 32;
/// 二号 (22 pt) in half-points.
const TITLE_SIZE: usize = 44;

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY_FONT, BODY_SIZE))
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().line(560))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, HEAD_FONT, BODY_SIZE))
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().line(560))
}

fn cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(run(text, BODY_FONT, 24)))
}

fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

impl Services {
    /// The minutes of a held meeting as .docx, with its file name.
    pub async fn minutes_docx(
        &self,
        actor: &Actor,
        meeting_id: i64,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let v = self.meeting(actor, meeting_id, now).await?;
        if v.meeting.state != MeetingState::Held.as_str() {
            return Err(ValidationErrors::single("meeting", "validation.meeting_not_held").into());
        }
        let m = &v.meeting;
        let tr = |k: &str| t(k, lang).to_string();
        let args = serde_json::json!({ "scope": v.scope_name, "year": m.year, "number": m.number,
            "date": date(m.held_on, lang), "chair": v.chair_name.clone().unwrap_or_default(),
            "title": m.title, "place": m.place });
        let mut doc = Docx::new()
            .page_size(11906, 16838)
            .page_margin(
                PageMargin::new()
                    .top(2098)
                    .left(1587)
                    .right(1474)
                    .bottom(1984)
                    .header(851)
                    .footer(992),
            )
            .footer(
                Footer::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run("— ", BODY_FONT, 28))
                        .add_page_num(PageNum::new())
                        .add_run(run(" —", BODY_FONT, 28)),
                ),
            )
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                &fill(&tr("minutes.title"), &args),
                TITLE_FONT,
                TITLE_SIZE,
            )))
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                &fill(&tr("minutes.subtitle"), &args),
                BODY_FONT,
                BODY_SIZE,
            )))
            .add_paragraph(Paragraph::new())
            .add_paragraph(body(&fill(&tr("minutes.opening"), &args)));
        if !v.summary.is_empty() {
            doc = doc.add_paragraph(body(&v.summary));
        }
        let names: Vec<String> = v
            .attendees
            .iter()
            .map(|s| match &s.user_name {
                Some(p) if s.position == "head" || s.position == "deputy" => {
                    format!(
                        "{}{}{}{}",
                        p,
                        tr("ui.lparen"),
                        tr(&format!("position.{}", s.position)),
                        tr("ui.rparen")
                    )
                }
                _ => s.unit_name.clone(),
            })
            .collect();
        doc = doc.add_paragraph(body(&format!(
            "{}{}",
            tr("minutes.attendees"),
            names.join("、")
        )));
        doc = doc.add_paragraph(heading(&tr("minutes.agenda_heading")));
        let lines: Vec<_> = v.lines.iter().filter(|l| !l.removed).collect();
        let mut memo = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            let number = l
                .item_number
                .clone()
                .map(|n| format!("（{n}）"))
                .unwrap_or_default();
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(
                        run(
                            &format!("{}. {}{}", k + 1, l.title, number),
                            BODY_FONT,
                            BODY_SIZE,
                        )
                        .bold(),
                    )
                    .first_line_chars(200)
                    .line_spacing(LineSpacing::new().line(560)),
            );
            if let Some(r) = l.reasons.first() {
                doc = doc.add_paragraph(body(&format!("{}{}", tr("minutes.why"), r.text(lang))));
            }
            if l.decisions.is_empty() {
                doc = doc.add_paragraph(body(&tr("minutes.no_decision")));
            }
            for d in &l.decisions {
                let mut s = format!("{}{}", tr("minutes.decided"), d.text);
                let dargs = serde_json::json!({ "number": d.item_number.clone().unwrap_or_default(),
                    "unit": d.unit_name.clone().unwrap_or_default(),
                    "deadline": d.deadline.map(|x| date(x, lang)).unwrap_or_default() });
                let follow = format!("minutes.follow.{}", d.kind);
                if ducha_domain::i18n::knows(&follow) {
                    s.push_str(&fill(&tr(&follow), &dargs));
                }
                doc = doc.add_paragraph(body(&s));
                memo.push((l, d));
            }
        }
        doc = doc.add_paragraph(heading(&tr("minutes.memo_heading")));
        let widths = [700, 3400, 2000, 1500, 1300];
        let header = [
            "minutes.col.no",
            "minutes.col.matter",
            "minutes.col.unit",
            "minutes.col.deadline",
            "minutes.col.number",
        ];
        let mut rows = vec![TableRow::new(
            header
                .iter()
                .zip(widths)
                .map(|(h, w)| cell(&tr(h), w))
                .collect(),
        )];
        for (k, (l, d)) in memo.iter().enumerate() {
            let matter = d
                .item_title
                .clone()
                .unwrap_or_else(|| format!("{}：{}", l.title, d.text));
            rows.push(TableRow::new(vec![
                cell(&(k + 1).to_string(), widths[0]),
                cell(&matter, widths[1]),
                cell(&d.unit_name.clone().unwrap_or_default(), widths[2]),
                cell(
                    &d.deadline.map(|x| date(x, lang)).unwrap_or_default(),
                    widths[3],
                ),
                cell(&d.item_number.clone().unwrap_or_default(), widths[4]),
            ]));
        }
        doc = doc.add_table(Table::new(rows).set_grid(widths.to_vec()));
        doc = doc
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
                &fill(&tr("minutes.signature"), &args),
                BODY_FONT,
                BODY_SIZE,
            )))
            .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
                &date(m.held_on, lang),
                BODY_FONT,
                BODY_SIZE,
            )));
        let mut out = std::io::Cursor::new(Vec::new());
        doc.build().pack(&mut out).map_err(|e| {
            ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into()))
        })?;
        let name = format!("meeting-{}-{}-minutes.docx", m.year, m.number);
        Ok((name, out.into_inner()))
    }
}
