//! The minutes (会议纪要) of a held meeting as a Word document: who met, each agenda line with
//! what was decided and the item it became, and the commitments memo as a table. Laid out by
//! the shared 公文 module (`crate::gongwen`).

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use crate::gongwen::{Gongwen, date_zh};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::joint::MeetingState;
use ducha_domain::org::Actor;

fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => date_zh(d),
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
        let mut doc = Gongwen::new()
            .title(&format("minutes.title", lang, &args))
            .subtitle(&format("minutes.subtitle", lang, &args))
            .blank()
            .body(&format("minutes.opening", lang, &args));
        if !v.summary.is_empty() {
            doc = doc.body(&v.summary);
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
        doc = doc.body(&format!("{}{}", tr("minutes.attendees"), names.join("、")));
        doc = doc.heading(&tr("minutes.agenda_heading"));
        let lines: Vec<_> = v.lines.iter().filter(|l| !l.removed).collect();
        let mut memo = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            let number = l
                .item_number
                .clone()
                .map(|n| format!("（{n}）"))
                .unwrap_or_default();
            doc = doc.body_bold(&format!("{}. {}{}", k + 1, l.title, number));
            if let Some(r) = l.reasons.first() {
                doc = doc.body(&format!("{}{}", tr("minutes.why"), r.text(lang)));
            }
            if l.decisions.is_empty() {
                doc = doc.body(&tr("minutes.no_decision"));
            }
            for d in &l.decisions {
                let mut s = format!("{}{}", tr("minutes.decided"), d.text);
                let dargs = serde_json::json!({ "number": d.item_number.clone().unwrap_or_default(),
                    "unit": d.unit_name.clone().unwrap_or_default(),
                    "deadline": d.deadline.map(|x| date(x, lang)).unwrap_or_default() });
                let follow = format!("minutes.follow.{}", d.kind);
                if ducha_domain::i18n::knows(&follow) {
                    s.push_str(&format(&follow, lang, &dargs));
                }
                doc = doc.body(&s);
                memo.push((l, d));
            }
        }
        doc = doc.heading(&tr("minutes.memo_heading"));
        let widths = [700, 3400, 2000, 1500, 1300];
        let header = [
            "minutes.col.no",
            "minutes.col.matter",
            "minutes.col.unit",
            "minutes.col.deadline",
            "minutes.col.number",
        ];
        let header: Vec<String> = header.iter().map(|h| tr(h)).collect();
        let rows: Vec<Vec<String>> = memo
            .iter()
            .enumerate()
            .map(|(k, (l, d))| {
                let matter = d
                    .item_title
                    .clone()
                    .unwrap_or_else(|| format!("{}：{}", l.title, d.text));
                vec![
                    (k + 1).to_string(),
                    matter,
                    d.unit_name.clone().unwrap_or_default(),
                    d.deadline.map(|x| date(x, lang)).unwrap_or_default(),
                    d.item_number.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let bytes = doc
            .table(&header, &rows, &widths)
            .signature(
                &format("minutes.signature", lang, &args),
                &date(m.held_on, lang),
            )
            .build()
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
        let name = format!("meeting-{}-{}-minutes.docx", m.year, m.number);
        Ok((name, bytes))
    }
}
