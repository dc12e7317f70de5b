//! The 公文 layout every Word document of ducha shares, after GB/T 9704-2012: A4 with the
//! 版心 margins (top 37 mm, left 28 mm, right 26 mm, bottom 35 mm), the optional 红头 (the
//! issuing office's name in red with a red rule under the 文号), the title in 2号 (22 pt)
//! 方正小标宋简体, headings in 3号 黑体, body in 3号 (16 pt) 仿宋_GB2312 with a two-character
//! indent and a fixed 28 pt line, the signature and 成文日期 to the right, and page numbers
//! "— 1 —" at the foot. Word and WPS supply the fonts; where the reader lacks one, the font
//! table names the fallback (`altName`: 小标宋 → 黑体 → 宋体, 仿宋_GB2312 → 仿宋 → 宋体).

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts,
    Table, TableCell, TableRow, WidthType,
};
use std::io::{Read, Write};

/// 方正小标宋简体: the title's face.
pub const TITLE_FONT: &str = "方正小标宋简体";
/// 仿宋_GB2312: the body's face.
pub const BODY_FONT: &str = "仿宋_GB2312";
/// 黑体: first-level headings.
pub const HEAD_FONT: &str = "黑体";
/// 楷体_GB2312: second-level headings.
pub const KAI_FONT: &str = "楷体_GB2312";
/// 2号 (22 pt) in half-points.
pub const TITLE_SIZE: usize = 44;
/// 3号 (16 pt) in half-points.
pub const BODY_SIZE: usize = 32;
/// 4号 (14 pt) in half-points: tables and page numbers.
pub const SMALL_SIZE: usize = 28;
/// The 红头's red.
pub const RED: &str = "FF0000";
/// A4 in twips.
pub const PAGE: (u32, u32) = (11906, 16838);
/// The 版心 margins in twips: top, left, right, bottom (37, 28, 26, 35 mm).
pub const MARGINS: (i32, i32, i32, i32) = (2098, 1587, 1474, 1984);
/// The width of the 版心 in twips (156 mm).
pub const TEXT_WIDTH: usize = 8845;
/// A fixed line of 28 pt in twentieths.
const LINE: i32 = 560;

/// A run in a face and size (half-points).
pub fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn line() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE)
}

/// A date as a 公文 writes it: 2026年11月3日.
pub fn date_zh(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A document being laid out.
pub struct Gongwen {
    doc: Docx,
}

impl Default for Gongwen {
    fn default() -> Self {
        Self::new()
    }
}

impl Gongwen {
    /// An empty A4 document with the 版心 and the page numbers "— N —" at the foot.
    pub fn new() -> Self {
        let (top, left, right, bottom) = MARGINS;
        let footer = Footer::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run("— ", BODY_FONT, SMALL_SIZE))
                .add_page_num(PageNum::new())
                .add_run(run(" —", BODY_FONT, SMALL_SIZE)),
        );
        let doc = Docx::new()
            .page_size(PAGE.0, PAGE.1)
            .page_margin(
                PageMargin::new()
                    .top(top)
                    .left(left)
                    .right(right)
                    .bottom(bottom)
                    .header(851)
                    .footer(992),
            )
            .footer(footer);
        Self { doc }
    }

    /// Adds a paragraph as it is.
    pub fn paragraph(mut self, p: Paragraph) -> Self {
        self.doc = self.doc.add_paragraph(p);
        self
    }

    /// The 红头: the issuing office's name in red, large, centred, then the 文号 (when given)
    /// above a red rule across the 版心.
    pub fn red_head(self, office: &str, number: Option<&str>) -> Self {
        let head = Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(office, TITLE_FONT, 72).color(RED).character_spacing(20));
        let rule = ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(18)
                .space(4)
                .color(RED),
        );
        let mut num = Paragraph::new().align(AlignmentType::Center);
        if let Some(n) = number {
            num = num.add_run(run(n, BODY_FONT, BODY_SIZE));
        }
        self.paragraph(head)
            .paragraph(Paragraph::new())
            .paragraph(num.set_borders(rule))
            .blank()
    }

    /// The 文号 alone, centred (a document without 红头).
    pub fn number(self, number: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(number, BODY_FONT, BODY_SIZE)),
        )
    }

    /// The title: 2号小标宋, centred.
    pub fn title(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(700),
                )
                .add_run(run(text, TITLE_FONT, TITLE_SIZE)),
        )
    }

    /// A line under the title in the body's face, centred.
    pub fn subtitle(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(line())
                .add_run(run(text, BODY_FONT, BODY_SIZE)),
        )
    }

    /// An empty line.
    pub fn blank(self) -> Self {
        self.paragraph(Paragraph::new().line_spacing(line()))
    }

    /// A mark in the top-left corner in 黑体 (a reply letter's grade, 密级, 紧急程度).
    pub fn mark(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .line_spacing(line())
                .add_run(run(text, HEAD_FONT, BODY_SIZE)),
        )
    }

    /// The addressee line (主送机关), flush left.
    pub fn addressee(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .line_spacing(line())
                .add_run(run(text, BODY_FONT, BODY_SIZE)),
        )
    }

    /// A first-level heading (一、…) in 黑体, indented like the body.
    pub fn heading(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(line())
                .keep_next(true)
                .add_run(run(text, HEAD_FONT, BODY_SIZE)),
        )
    }

    /// A second-level heading (（一）…) in 楷体.
    pub fn subheading(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(line())
                .keep_next(true)
                .add_run(run(text, KAI_FONT, BODY_SIZE)),
        )
    }

    /// A body paragraph: 3号仿宋, two characters' indent, 28 pt lines.
    pub fn body(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(line())
                .add_run(run(text, BODY_FONT, BODY_SIZE)),
        )
    }

    /// A body paragraph in bold.
    pub fn body_bold(self, text: &str) -> Self {
        self.paragraph(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(line())
                .add_run(run(text, BODY_FONT, BODY_SIZE).bold()),
        )
    }

    /// A PNG picture across the 版心 (its proportions kept), centred, with its caption under it
    /// in 4号仿宋.
    pub fn picture(self, png: Vec<u8>, width_px: u32, height_px: u32, caption: &str) -> Self {
        // The 版心's width in EMU (156 mm).
        const WIDTH_EMU: u64 = 5_616_000;
        let h = WIDTH_EMU * u64::from(height_px) / u64::from(width_px.max(1));
        let pic = Pic::new_with_dimensions(png, width_px, height_px)
            .size(WIDTH_EMU as u32, u32::try_from(h).unwrap_or(u32::MAX));
        self.paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .keep_next(true)
                .add_run(Run::new().add_image(pic)),
        )
        .paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(line())
                .add_run(run(caption, BODY_FONT, SMALL_SIZE)),
        )
    }

    /// A table across the 版心: a header row and rows, in 4号仿宋; widths in twips (scaled to
    /// the 版心 when they add up to more).
    pub fn table(self, header: &[String], rows: &[Vec<String>], widths: &[usize]) -> Self {
        self.grid(Some(header), rows, widths)
    }

    /// A form of labelled fields (label, value) as a two-column table without a header.
    pub fn fields(self, rows: &[Vec<String>]) -> Self {
        self.grid(None, rows, &[2200, TEXT_WIDTH - 2200])
    }

    fn grid(mut self, header: Option<&[String]>, rows: &[Vec<String>], widths: &[usize]) -> Self {
        let total: usize = widths.iter().sum::<usize>().max(1);
        let widths: Vec<usize> = if total > TEXT_WIDTH {
            widths.iter().map(|w| w * TEXT_WIDTH / total).collect()
        } else {
            widths.to_vec()
        };
        let cell = |text: &str, w: usize, bold: bool| {
            let r = run(text, BODY_FONT, SMALL_SIZE);
            TableCell::new().width(w, WidthType::Dxa).add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(if bold { r.bold() } else { r }),
            )
        };
        let mut out = Vec::new();
        if let Some(header) = header {
            out.push(TableRow::new(
                header
                    .iter()
                    .zip(&widths)
                    .map(|(h, w)| cell(h, *w, true))
                    .collect(),
            ));
        }
        for r in rows {
            out.push(TableRow::new(
                r.iter()
                    .zip(&widths)
                    .map(|(c, w)| cell(c, *w, false))
                    .collect(),
            ));
        }
        self.doc = self.doc.add_table(Table::new(out).set_grid(widths));
        self
    }

    /// The signature (发文机关署名) and 成文日期, to the right, after a blank line.
    pub fn signature(self, issuer: &str, date: &str) -> Self {
        let right = |t: &str| {
            Paragraph::new()
                .align(AlignmentType::Right)
                .indent(None, None, Some(640), None)
                .line_spacing(line())
                .add_run(run(t, BODY_FONT, BODY_SIZE))
        };
        self.blank().paragraph(right(issuer)).paragraph(right(date))
    }

    /// The finished .docx, its font table naming each Chinese face's fallbacks.
    pub fn build(self) -> Result<Vec<u8>, String> {
        let mut out = std::io::Cursor::new(Vec::new());
        self.doc.build().pack(&mut out).map_err(|e| e.to_string())?;
        with_font_table(&out.into_inner()).map_err(|e| e.to_string())
    }
}

/// The font table: each face the layout names, with the faces Word and WPS fall back to
/// when the reader's machine lacks it (`w:altName`), and the Latin faces docx-rs declares.
const FONT_TABLE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font><w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="仿宋"><w:altName w:val="宋体"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font><w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font><w:font w:name="Symbol"><w:charset w:val="02"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font><w:font w:name="Arial"><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"#;

/// Copies the package, replacing `word/fontTable.xml` with [`FONT_TABLE`].
fn with_font_table(docx: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(docx))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i)?;
        let name = f.name()?.to_string();
        out.start_file(name.as_str(), opts)?;
        if name == "word/fontTable.xml" {
            out.write_all(FONT_TABLE.as_bytes())?;
        } else {
            let mut buf = Vec::new();
            f.read_to_end(&mut buf)?;
            out.write_all(&buf)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(docx: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
        let mut s = String::new();
        z.by_name(name)
            .expect("the part")
            .read_to_string(&mut s)
            .expect("text");
        s
    }

    #[test]
    fn lays_out_after_gb_t_9704() {
        let bytes = Gongwen::new()
            .red_head("青山市督查室", Some("督查通报〔2026〕11号"))
            .title("青山市督查通报")
            .heading("一、总体情况")
            .body("正文。")
            .signature("青山市督查室", "2026年11月3日")
            .build()
            .expect("built");
        let doc = part(&bytes, "word/document.xml");
        // A4 and the 版心.
        assert!(
            doc.contains(r#"w:w="11906""#) && doc.contains(r#"w:h="16838""#),
            "{doc}"
        );
        for m in [
            r#"w:top="2098""#,
            r#"w:left="1587""#,
            r#"w:right="1474""#,
            r#"w:bottom="1984""#,
        ] {
            assert!(doc.contains(m), "{m}");
        }
        // Title 22 pt, body 16 pt, the red head.
        assert!(doc.contains(r#"<w:sz w:val="44" />"#) || doc.contains(r#"<w:sz w:val="44"/>"#));
        assert!(doc.contains(r#"<w:sz w:val="32" />"#) || doc.contains(r#"<w:sz w:val="32"/>"#));
        assert!(doc.contains("FF0000") && doc.contains("督查通报〔2026〕11号"));
        assert!(
            doc.contains("方正小标宋简体") && doc.contains("仿宋_GB2312") && doc.contains("黑体")
        );
        let fonts = part(&bytes, "word/fontTable.xml");
        assert!(fonts.contains(r#"<w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/>"#));
        // Page numbers "— N —" in the footer.
        let footer = part(&bytes, "word/footer1.xml");
        assert!(footer.contains("— ") && footer.contains("PAGE"), "{footer}");
    }
}
