//! A bulletin's charts as PNG pictures drawn here, for the .docx and the bulletin's page:
//! the on-time and completion rates of each unit (horizontal bars) and the jurisdiction's
//! on-time rate over the recent periods (columns). Text is drawn with a CJK face read from
//! the configured font file (Debian's Noto Sans CJK collection by default); without it there
//! are no charts and the bulletin says so instead.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use ducha_domain::bulletin::Figures;
use ducha_domain::i18n::{Lang, t};
use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where a bulletin's charts take their face and how its PDF is made.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BulletinSettings {
    /// A TrueType/OpenType font file or collection with Chinese glyphs for the charts.
    pub chart_font: PathBuf,
    /// The face within a collection (.ttc): 2 is "Noto Sans CJK SC" in Debian's file.
    pub chart_font_index: u32,
    /// LibreOffice's `soffice`, which turns the .docx into PDF (a name on PATH or a path).
    pub soffice: PathBuf,
    /// Seconds one conversion may take before it is stopped.
    pub pdf_timeout_seconds: u64,
}

impl Default for BulletinSettings {
    fn default() -> Self {
        Self {
            chart_font: PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
            chart_font_index: 2,
            soffice: PathBuf::from("soffice"),
            pdf_timeout_seconds: 120,
        }
    }
}

/// A drawn chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Its caption (图1 …).
    pub caption: String,
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// One point of the trend: a period's label and its on-time rate.
pub(crate) type TrendPoint = (String, Option<f64>);

const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
const INK: Rgb<u8> = Rgb([40, 40, 40]);
const GRID: Rgb<u8> = Rgb([220, 220, 220]);
const RED: Rgb<u8> = Rgb([192, 0, 0]);
const BLUE: Rgb<u8> = Rgb([46, 95, 160]);
const WIDTH: u32 = 1400;

/// The charts of a bulletin, or none when the font cannot be read (the caller says so).
pub(crate) fn draw(
    settings: &BulletinSettings,
    figures: &Figures,
    trend: &[TrendPoint],
    lang: Lang,
) -> Option<Vec<Chart>> {
    let data = std::fs::read(&settings.chart_font).ok()?;
    let font = FontRef::try_from_slice_and_index(&data, settings.chart_font_index).ok()?;
    let mut out = Vec::new();
    if figures.units.iter().any(|u| u.due > 0) {
        out.push(rates(&font, figures, lang));
    }
    if !trend.is_empty() {
        out.push(trend_chart(&font, trend, lang));
    }
    for (i, c) in out.iter_mut().enumerate() {
        c.caption = format!(
            "{}{}　{}",
            t("bulletin.chart.figure", lang),
            i + 1,
            c.caption
        );
    }
    Some(out)
}

fn rate(n: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| (n as f64 * 1000.0 / of as f64).round() / 10.0)
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// Each unit's on-time and completion rate, in ranking order.
fn rates(font: &FontRef<'_>, f: &Figures, lang: Lang) -> Chart {
    // Units with something due: the others have no rate to draw.
    let rows: Vec<(String, Option<f64>, Option<f64>)> = f
        .units
        .iter()
        .filter(|u| u.due > 0)
        .map(|u| {
            (
                u.name.clone(),
                rate(u.on_time, u.due),
                rate(u.completed, u.due),
            )
        })
        .collect();
    let (top, row_h, label_w) = (110u32, 56u32, 330u32);
    let height = top + row_h * rows.len() as u32 + 60;
    let mut img = RgbImage::from_pixel(WIDTH, height, WHITE);
    let plot_w = WIDTH - label_w - 140;
    let x0 = label_w + 20;
    let title = t("bulletin.chart.rates", lang);
    let tw = measure(font, 34.0, title);
    text(
        &mut img,
        font,
        34.0,
        (WIDTH as f32 - tw) / 2.0,
        46.0,
        title,
        INK,
    );
    legend(
        &mut img,
        font,
        x0,
        86,
        &[
            (t("bulletin.chart.on_time", lang), RED),
            (t("bulletin.chart.completed", lang), BLUE),
        ],
    );
    let bottom = top + row_h * rows.len() as u32;
    for step in 0..=5u32 {
        let x = x0 + plot_w * step / 5;
        rect(&mut img, x, top, 1, bottom - top, GRID);
        let label = format!("{}%", step * 20);
        let w = measure(font, 22.0, &label);
        text(
            &mut img,
            font,
            22.0,
            x as f32 - w / 2.0,
            (bottom + 32) as f32,
            &label,
            INK,
        );
    }
    for (i, (name, on_time, done)) in rows.iter().enumerate() {
        let y = top + row_h * i as u32 + 4;
        let name = clip(font, 26.0, name, label_w as f32 - 10.0);
        let w = measure(font, 26.0, &name);
        text(
            &mut img,
            font,
            26.0,
            label_w as f32 - w,
            (y + 34) as f32,
            &name,
            INK,
        );
        for (j, (v, colour)) in [(on_time, RED), (done, BLUE)].into_iter().enumerate() {
            let by = y + 4 + j as u32 * 23;
            let len = v.map_or(0, |v| (plot_w as f64 * v.clamp(0.0, 100.0) / 100.0) as u32);
            rect(&mut img, x0, by, len, 20, colour);
            text(
                &mut img,
                font,
                20.0,
                (x0 + len + 8) as f32,
                (by + 18) as f32,
                &percent(*v),
                INK,
            );
        }
    }
    rect(&mut img, x0, top, 2, bottom - top, INK);
    finish(img, t("bulletin.chart.rates", lang))
}

/// The jurisdiction's on-time rate over the recent periods, this one last.
fn trend_chart(font: &FontRef<'_>, points: &[TrendPoint], lang: Lang) -> Chart {
    let height = 560u32;
    let (top, bottom, x0) = (100u32, 470u32, 110u32);
    let mut img = RgbImage::from_pixel(WIDTH, height, WHITE);
    let title = t("bulletin.chart.trend", lang);
    let tw = measure(font, 34.0, title);
    text(
        &mut img,
        font,
        34.0,
        (WIDTH as f32 - tw) / 2.0,
        46.0,
        title,
        INK,
    );
    let plot_h = bottom - top;
    for step in 0..=5u32 {
        let y = bottom - plot_h * step / 5;
        rect(&mut img, x0, y, WIDTH - x0 - 40, 1, GRID);
        let label = format!("{}%", step * 20);
        let w = measure(font, 22.0, &label);
        text(
            &mut img,
            font,
            22.0,
            x0 as f32 - w - 10.0,
            (y + 8) as f32,
            &label,
            INK,
        );
    }
    let slot = (WIDTH - x0 - 40) / points.len().max(1) as u32;
    let bar = (slot / 2).min(140);
    for (i, (label, v)) in points.iter().enumerate() {
        let cx = x0 + slot * i as u32 + slot / 2;
        let h = v.map_or(0, |v| (plot_h as f64 * v.clamp(0.0, 100.0) / 100.0) as u32);
        let colour = if i + 1 == points.len() { RED } else { BLUE };
        rect(&mut img, cx - bar / 2, bottom - h, bar, h, colour);
        let value = percent(*v);
        let w = measure(font, 24.0, &value);
        text(
            &mut img,
            font,
            24.0,
            cx as f32 - w / 2.0,
            (bottom - h) as f32 - 10.0,
            &value,
            INK,
        );
        let label = clip(font, 24.0, label, slot as f32 - 8.0);
        let w = measure(font, 24.0, &label);
        text(
            &mut img,
            font,
            24.0,
            cx as f32 - w / 2.0,
            (bottom + 40) as f32,
            &label,
            INK,
        );
    }
    rect(&mut img, x0, bottom, WIDTH - x0 - 40, 2, INK);
    finish(img, title)
}

fn finish(img: RgbImage, caption: &str) -> Chart {
    let (width, height) = img.dimensions();
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = std::io::Cursor::new(Vec::new());
    // Flat colours compress well even at the fast setting; encoding an in-memory RGB picture
    // does not fail.
    let _ = PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8);
    Chart {
        caption: caption.to_string(),
        png: png.into_inner(),
        width,
        height,
    }
}

fn legend(img: &mut RgbImage, font: &FontRef<'_>, x: u32, y: u32, items: &[(&str, Rgb<u8>)]) {
    let mut x = x;
    for (label, colour) in items {
        rect(img, x, y - 18, 28, 20, *colour);
        text(img, font, 24.0, (x + 36) as f32, y as f32, label, INK);
        x += 36 + measure(font, 24.0, label) as u32 + 40;
    }
}

fn rect(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, colour: Rgb<u8>) {
    let (iw, ih) = img.dimensions();
    let (x0, x1) = (x.min(iw) as usize, (x + w).min(iw) as usize);
    let stride = iw as usize * 3;
    let raw: &mut [u8] = &mut *img;
    for py in y..(y + h).min(ih) {
        let row = py as usize * stride;
        for px in raw[row + x0 * 3..row + x1 * 3].chunks_exact_mut(3) {
            px.copy_from_slice(&colour.0);
        }
    }
}

fn measure(font: &FontRef<'_>, size: f32, s: &str) -> f32 {
    let f = font.as_scaled(PxScale::from(size));
    s.chars().map(|c| f.h_advance(f.glyph_id(c))).sum()
}

/// The text, shortened with an ellipsis to fit `width`.
fn clip(font: &FontRef<'_>, size: f32, s: &str, width: f32) -> String {
    if measure(font, size, s) <= width {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && measure(font, size, &format!("{out}…")) > width {
        out.pop();
    }
    format!("{out}…")
}

/// Draws a line of text with its baseline at `y`.
fn text(img: &mut RgbImage, font: &FontRef<'_>, size: f32, x: f32, y: f32, s: &str, ink: Rgb<u8>) {
    let scaled = font.as_scaled(PxScale::from(size));
    let (iw, ih) = img.dimensions();
    let mut caret = x;
    for c in s.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(PxScale::from(size), point(caret, y));
        caret += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let b = outline.px_bounds();
        outline.draw(|gx, gy, cover| {
            let px = b.min.x as i64 + i64::from(gx);
            let py = b.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= i64::from(iw) || py >= i64::from(ih) {
                return;
            }
            let p = img.get_pixel_mut(px as u32, py as u32);
            for k in 0..3 {
                let under = f32::from(p.0[k]);
                p.0[k] = (under + (f32::from(ink.0[k]) - under) * cover.clamp(0.0, 1.0)) as u8;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ducha_domain::bulletin::UnitFigures;

    fn figures() -> Figures {
        Figures {
            units: vec![
                UnitFigures {
                    unit_id: 1,
                    name: "市住房和城乡建设局".into(),
                    due: 4,
                    on_time: 3,
                    completed: 4,
                    ..UnitFigures::default()
                },
                UnitFigures {
                    unit_id: 2,
                    name: "白河县".into(),
                    due: 0,
                    ..UnitFigures::default()
                },
            ],
            ..Figures::default()
        }
    }

    #[test]
    fn draws_both_charts_as_png_with_the_cjk_face() {
        // Debian's fonts-noto-cjk, on the CI image and the servers.
        let s = BulletinSettings::default();
        let trend = vec![
            ("7月".to_string(), None),
            ("8月".into(), Some(80.0)),
            ("9月".into(), Some(90.0)),
        ];
        let charts = draw(&s, &figures(), &trend, Lang::ZhCn).expect("the face is read");
        assert_eq!(charts.len(), 2);
        for c in &charts {
            assert!(c.png.starts_with(&[137, 80, 78, 71]), "PNG");
            let img = image::load_from_memory(&c.png).expect("decodes").to_rgb8();
            assert_eq!(img.dimensions(), (c.width, c.height));
            // Bars in red were drawn (this period's, and the on-time rates).
            assert!(img.pixels().any(|p| *p == RED));
        }
        assert!(
            charts[0].caption.starts_with("图1"),
            "{}",
            charts[0].caption
        );
    }

    #[test]
    fn without_the_font_there_are_no_charts() {
        let s = BulletinSettings {
            chart_font: "/nonexistent/font.ttc".into(),
            ..BulletinSettings::default()
        };
        assert!(draw(&s, &figures(), &[], Lang::ZhCn).is_none());
        let s = BulletinSettings {
            chart_font_index: 99,
            ..BulletinSettings::default()
        };
        assert!(draw(&s, &figures(), &[], Lang::ZhCn).is_none());
    }
}
