//! A bulletin as a 公文 (.docx): the 红头 of the jurisdiction's supervision office with the
//! number, the title and period, the generated sections with the ranking table, the office's
//! paragraphs, the signature and date. A draft is marked as such and carries no number.

use super::BulletinView;
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use crate::gongwen::{Gongwen, date_zh};
use ducha_domain::bulletin::numbered;
use ducha_domain::i18n::{Lang, fill, t};
use ducha_domain::org::Actor;

/// The document of a bulletin view.
pub(crate) fn document(v: &BulletinView, lang: Lang) -> Result<Vec<u8>, String> {
    let b = &v.bulletin;
    let args = serde_json::json!({ "scope": v.scope_name, "period": b.period_label,
        "kind": t(&format!("bulletin_kind.{}", b.kind), lang),
        "number": b.corrects.clone().unwrap_or_default() });
    let office = fill(t("bulletin.doc.issuer", lang), &args);
    let number = b
        .number
        .clone()
        .unwrap_or_else(|| t("bulletin.doc.no_number", lang).to_string());
    let mut doc = Gongwen::new()
        .red_head(&office, Some(&number))
        .title(&b.title)
        .subtitle(&fill(t("bulletin.doc.subtitle", lang), &args));
    if b.state != "published" {
        doc = doc.subtitle(t("bulletin.doc.draft_mark", lang));
    }
    doc = doc.blank();
    if b.corrects.is_some() {
        doc = doc.body(&fill(t("bulletin.doc.corrects", lang), &args));
    }
    for (i, s) in v.sections.iter().enumerate() {
        doc = doc.heading(&numbered(i, &s.heading, lang));
        for p in &s.paragraphs {
            doc = doc.body(p);
        }
        if let Some((header, rows)) = &s.table {
            doc = doc.table(header, rows, &[900, 2800, 900, 1200, 1300, 1500, 1000]);
        }
    }
    let day = ducha_domain::calendar::china_date(b.published_at.unwrap_or(v.generated_at));
    let date = match lang {
        Lang::ZhCn => date_zh(day),
        Lang::En => day.format("%-d %B %Y").to_string(),
    };
    doc.signature(&office, &date).build()
}

impl Services {
    /// A bulletin as .docx, with its file name.
    pub async fn bulletin_docx(
        &self,
        actor: &Actor,
        id: i64,
        lang: Lang,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let v = self.bulletin(actor, id, lang).await?;
        let bytes = document(&v, lang)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
        let name = match &v.bulletin.number {
            Some(_) => format!("bulletin-{}-{}.docx", v.bulletin.period, id),
            None => format!("bulletin-{}-{}-draft.docx", v.bulletin.period, id),
        };
        Ok((name, bytes))
    }
}
