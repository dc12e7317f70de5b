//! A bulletin as a 公文 (.docx): the 红头 of the jurisdiction's supervision office with the
//! number, the title and period, the generated sections with the ranking table, the office's
//! paragraphs, the signature and date. A draft is marked as such and carries no number. The
//! charts follow the section with the ranking table; without the charts' font a note says
//! they are left out. The PDF is this document converted by LibreOffice (`pdf.rs`).

use super::BulletinView;
use super::charts::{self, Chart};
use super::pdf::{self, PdfError};
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use crate::gongwen::{Gongwen, date_zh};
use ducha_domain::bulletin::numbered;
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::org::Actor;
use sha2::Digest;

/// The document of a bulletin view.
pub(crate) fn document(
    v: &BulletinView,
    charts: Option<Vec<Chart>>,
    lang: Lang,
) -> Result<Vec<u8>, String> {
    let b = &v.bulletin;
    let args = serde_json::json!({ "scope": v.scope_name, "period": b.period_label,
        "kind": t(&format!("bulletin_kind.{}", b.kind), lang),
        "number": b.corrects.clone().unwrap_or_default() });
    let office = format("bulletin.doc.issuer", lang, &args);
    let number = b
        .number
        .clone()
        .unwrap_or_else(|| t("bulletin.doc.no_number", lang).to_string());
    let mut doc = Gongwen::new()
        .red_head(&office, Some(&number))
        .title(&b.title)
        .subtitle(&format("bulletin.doc.subtitle", lang, &args));
    if b.state != "published" {
        doc = doc.subtitle(t("bulletin.doc.draft_mark", lang));
    }
    doc = doc.blank();
    if b.corrects.is_some() {
        doc = doc.body(&format("bulletin.doc.corrects", lang, &args));
    }
    // The charts go after the ranking table, or after the first section without one.
    let at = v
        .sections
        .iter()
        .position(|s| s.table.is_some())
        .unwrap_or(0);
    let mut charts = Some(charts);
    for (i, s) in v.sections.iter().enumerate() {
        doc = doc.heading(&numbered(i, &s.heading, lang));
        for p in &s.paragraphs {
            doc = doc.body(p);
        }
        if let Some((header, rows)) = &s.table {
            doc = doc.table(header, rows, &[900, 2800, 900, 1200, 1300, 1500, 1000]);
        }
        if i == at {
            match charts.take() {
                Some(Some(cs)) => {
                    for c in cs {
                        doc = doc.blank().picture(c.png, c.width, c.height, &c.caption);
                    }
                }
                Some(None) => doc = doc.body(t("bulletin.chart.no_font", lang)),
                None => {}
            }
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
    /// A bulletin's charts in `lang`; none when the configured font cannot be read.
    pub async fn bulletin_charts(&self, v: &BulletinView, lang: Lang) -> Option<Vec<Chart>> {
        let (settings, figures, trend) = (
            self.config.bulletins.clone(),
            v.figures.clone(),
            v.trend.clone(),
        );
        tokio::task::spawn_blocking(move || {
            let points: Vec<charts::TrendPoint> = trend
                .into_iter()
                .map(|p| (p.period_label, p.on_time_rate))
                .collect();
            charts::draw(&settings, &figures, &points, lang)
        })
        .await
        .ok()
        .flatten()
    }

    async fn bulletin_document(&self, v: &BulletinView, lang: Lang) -> ServiceResult<Vec<u8>> {
        let charts = self.bulletin_charts(v, lang).await;
        document(v, charts, lang)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))
    }

    /// A bulletin as PDF (its .docx converted by LibreOffice), with its file name. A draft's
    /// is converted on every request; a published one's is converted once, on the first
    /// request after the publishing commit, kept with its SHA-256 and served from the store
    /// afterwards (of two first requests at once, the first kept wins and both serve it).
    pub async fn bulletin_pdf(
        &self,
        actor: &Actor,
        id: i64,
        lang: Lang,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let v = self.bulletin(actor, id, lang).await?;
        let name = file_name(&v, id, "pdf");
        let published = v.bulletin.state == "published";
        if published && let Some((_, bytes)) = self.store.bulletin_pdf(id, lang.tag()).await? {
            return Ok((name, bytes));
        }
        let docx = self.bulletin_document(&v, lang).await?;
        let settings = self.config.bulletins.clone();
        let converted = tokio::task::spawn_blocking(move || pdf::convert(&settings, &docx))
            .await
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
        let bytes = match converted {
            Ok(b) => b,
            Err(PdfError::Missing) => {
                return Err(ServiceError::Unavailable("bulletin.pdf_unavailable"));
            }
            Err(PdfError::Failed(e)) => {
                tracing::warn!(bulletin = id, error = %e, "a bulletin's PDF conversion failed");
                return Err(ServiceError::Unavailable("bulletin.pdf_failed"));
            }
        };
        if !published {
            return Ok((name, bytes));
        }
        let sha = ducha_domain::chain::hex(&sha2::Sha256::digest(&bytes));
        let (_, kept) = self
            .store
            .keep_bulletin_pdf(id, lang.tag(), &sha, &bytes, crate::now())
            .await?;
        Ok((name, kept))
    }

    /// A bulletin as .docx, with its file name.
    pub async fn bulletin_docx(
        &self,
        actor: &Actor,
        id: i64,
        lang: Lang,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let v = self.bulletin(actor, id, lang).await?;
        let bytes = self.bulletin_document(&v, lang).await?;
        Ok((file_name(&v, id, "docx"), bytes))
    }
}

fn file_name(v: &BulletinView, id: i64, ext: &str) -> String {
    match &v.bulletin.number {
        Some(_) => format!("bulletin-{}-{}.{ext}", v.bulletin.period, id),
        None => format!("bulletin-{}-{}-draft.{ext}", v.bulletin.period, id),
    }
}
