//! An urge notice (督办通知单 / 催办单) as a 公文 by its colour: its number, the title with
//! its level (蓝色提醒 / 橙色预警 / 红色督办), the
//! unit addressed, the item, its deadline, the requirement and the date it must be met by.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use crate::gongwen::{Gongwen, date_zh};
use ducha_domain::i18n::{Lang, t};
use ducha_domain::org::Actor;

impl Services {
    /// A notice the actor may read, as .docx, with its file name.
    pub async fn notice_docx(
        &self,
        actor: &Actor,
        notice_id: i64,
        lang: Lang,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let d = self.notice_detail(actor, notice_id).await?;
        let n = &d.notice;
        let tr = |k: &str| t(k, lang).to_string();
        let level = tr(&format!("notice.{}", n.level.as_str()));
        let day = |x| match lang {
            Lang::ZhCn => date_zh(x),
            Lang::En => x.format("%-d %B %Y").to_string(),
        };
        let item = match &d.item_number {
            Some(no) => format!("{no} {}", d.item_title),
            None => d.item_title.clone(),
        };
        let colon = if lang == Lang::ZhCn { "：" } else { ": " };
        let office = d.issued_by_name.clone().unwrap_or_default();
        let rows = vec![
            vec![tr("ui.unit"), n.unit_name.clone()],
            vec![tr("ui.item"), item],
            vec![tr("ui.deadline"), day(d.assignment_deadline)],
            vec![tr("ui.requirement"), n.requirement.clone()],
            vec![tr("ui.notice_deadline"), day(n.deadline)],
            vec![tr("ui.issued_on"), day(n.issued_on)],
        ];
        let bytes = Gongwen::new()
            .number(&n.number)
            .title(&tr("notice.title"))
            .subtitle(&format!("{}{level}{}", tr("ui.lparen"), tr("ui.rparen")))
            .blank()
            .addressee(&format!("{}{colon}", n.unit_name))
            .fields(&rows)
            .signature(&office, &day(n.issued_on))
            .build()
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
        Ok((format!("notice-{}.docx", n.id), bytes))
    }
}
