//! Fuzzed ledgers: a few hundred spreadsheets made from a ledger with one bad cell —
//! truncated, bytes flipped, random bytes, wrong cell types, a 1 MB cell, formulas and their
//! error values, merged cells, a sheet claiming 1,048,576 rows, a zip bomb whose directory
//! understates what its sheet unpacks to, a hidden first sheet, dates written as text — each
//! answered with a translated rejection, never a panic or a server error, and none changing
//! anything in the database.

use crate::helpers::TestApp;
use crate::ledger::{HEADER, director, footprint, good_rows, import, ledger, row};
use crate::on_both_backends;
use reqwest::StatusCode;
use std::io::Read;

/// A seeded generator (SplitMix64): the same cases on every run and backend.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..hi`.
    fn below(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo) as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn fill(&mut self, b: &mut [u8]) {
        for x in b {
            *x = self.next() as u8;
        }
    }
}

/// A ledger that can never import: its third matter names a unit outside the jurisdiction.
fn base_rows() -> Vec<Vec<String>> {
    let mut rows = good_rows();
    rows[2][8] = "省交通厅".into();
    rows
}

/// The parts of an .xlsx, unpacked.
fn parts(xlsx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an xlsx");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("a part");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("unpacks");
            (f.name().expect("a name").to_string(), data)
        })
        .collect()
}

/// A zip archive written by hand, every part stored as it is, except `bomb`: its name, a raw
/// deflate stream and the unpacked size its directory claims.
fn zip_by_hand(parts: &[(String, Vec<u8>)], bomb: Option<(&str, &[u8], u32)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut entries = 0u16;
    let mut add = |out: &mut Vec<u8>, name: &str, method: u16, data: &[u8], size: u32| {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let crc = if method == 0 { crc } else { 0 };
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&[0, 0, 0x21, 0]);
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                // Comment length, disk, internal and external attributes, then the offset.
                h.extend_from_slice(&[0; 6]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
        entries += 1;
    };
    for (name, data) in parts {
        if bomb.is_some_and(|(b, _, _)| b == name) {
            continue;
        }
        add(&mut out, name, 0, data, data.len() as u32);
    }
    if let Some((name, deflated, claimed)) = bomb {
        add(&mut out, name, 8, deflated, claimed);
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A raw deflate stream (fixed Huffman codes) of `head`, then `runs` × 258 + 1 spaces, then
/// `tail`: about 13 bits for each 258 bytes it unpacks to.
fn deflated_spaces(head: &[u8], runs: usize, tail: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
        fn literal(&mut self, b: u8) {
            if b < 144 {
                self.code(0x30 + u32::from(b), 8);
            } else {
                self.code(0x190 + u32::from(b) - 144, 9);
            }
        }
    }
    let mut w = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    w.put(1, 1); // the final block
    w.put(1, 2); // fixed codes
    for &b in head {
        w.literal(b);
    }
    w.literal(b' ');
    for _ in 0..runs {
        w.code(0xC5, 8); // length 258
        w.code(0, 5); // distance 1
    }
    for &b in tail {
        w.literal(b);
    }
    w.code(0, 7); // end of block
    w.put(0, 7);
    w.out
}

/// The sheet's XML with `cells` (inline strings) as row 3 and more, under the header.
fn sheet_xml(dimension: &str, extra: &str) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <dimension ref=\"{dimension}\"/><sheetData><row r=\"1\">"
    );
    for (c, h) in HEADER.iter().enumerate() {
        let col = (b'A' + c as u8) as char;
        x.push_str(&format!(
            "<c r=\"{col}1\" t=\"inlineStr\"><is><t>{h}</t></is></c>"
        ));
    }
    x.push_str("</row>");
    x.push_str(extra);
    x.push_str("</sheetData></worksheet>");
    x
}

/// An inline-string row.
fn xml_row(r: u32, cells: &[String]) -> String {
    let mut x = format!("<row r=\"{r}\">");
    for (c, v) in cells.iter().enumerate() {
        if !v.is_empty() {
            let col = (b'A' + c as u8) as char;
            x.push_str(&format!(
                "<c r=\"{col}{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>"
            ));
        }
    }
    x.push_str("</row>");
    x
}

/// The base ledger with its first sheet's XML replaced.
fn with_sheet(base: &[(String, Vec<u8>)], xml: &str) -> Vec<u8> {
    let parts: Vec<(String, Vec<u8>)> = base
        .iter()
        .map(|(n, d)| {
            if n == "xl/worksheets/sheet1.xml" {
                (n.clone(), xml.as_bytes().to_vec())
            } else {
                (n.clone(), d.clone())
            }
        })
        .collect();
    zip_by_hand(&parts, None)
}

/// Workbooks written with rust_xlsxwriter: wrong cell types, formulas, merged cells, dates
/// as text, a hidden first sheet.
fn written(kind: usize, rng: &mut Seeded) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Formula, Workbook};
    let rows = base_rows();
    let mut book = Workbook::new();
    if kind == 4 {
        // A hidden first sheet holding a good ledger; the visible one is the bad ledger.
        let hidden = book.add_worksheet();
        for (c, h) in HEADER.iter().enumerate() {
            hidden.write_string(0, c as u16, *h).expect("header");
        }
        for (c, v) in good_rows()[0].iter().enumerate() {
            hidden.write_string(1, c as u16, v).expect("cell");
        }
        hidden.set_hidden(true);
    }
    let ws = book.add_worksheet();
    if kind == 4 {
        // The sheet a spreadsheet program opens on (the first may not be hidden otherwise).
        ws.set_active(true);
    }
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v).expect("cell");
            }
        }
    }
    let r = 1 + rng.below(0, rows.len()) as u32;
    let c = rng.below(0, HEADER.len()) as u16;
    match kind {
        0 => {
            // A number, a boolean or a date where text is wanted.
            match rng.below(0, 3) {
                0 => ws.write_number(r, c, rng.next() as f64 / 1e13).map(|_| ()),
                1 => ws.write_boolean(r, c, rng.coin()).map(|_| ()),
                _ => {
                    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 5).expect("date");
                    ws.write_datetime_with_format(
                        r,
                        c,
                        &d,
                        &Format::new().set_num_format("yyyy-mm-dd"),
                    )
                    .map(|_| ())
                }
            }
            .expect("cell");
        }
        1 => {
            let (formula, result) = [
                ("=1/0", "#DIV/0!"),
                ("=NA()", "#N/A"),
                ("=A1&B1", "台账编号事项名称"),
                ("=SUM(L2:L4)", "2120"),
                ("=INDIRECT(\"Z99\")", "#REF!"),
            ][rng.below(0, 5)];
            ws.write_formula(r, c, Formula::new(formula).set_result(result))
                .expect("formula");
        }
        2 => {
            let last = c + 1 + rng.below(0, 3) as u16;
            ws.merge_range(r, c, r, last, "合并单元格", &Format::new())
                .expect("merge");
        }
        3 => {
            let text = [
                "2026年1月5日",
                "2026.1.5",
                "明年一月",
                "1/5/2026",
                "2026-02-30",
            ][rng.below(0, 5)];
            ws.write_string(r, [6u16, 7][rng.below(0, 2)], text)
                .expect("date as text");
        }
        _ => {}
    }
    book.save_to_buffer().expect("xlsx")
}

/// Case `n` of the run.
fn case(n: usize, rng: &mut Seeded, valid: &[u8], base: &[(String, Vec<u8>)]) -> Vec<u8> {
    match n % 10 {
        // Cut anywhere.
        0 => valid[..rng.below(0, valid.len())].to_vec(),
        // Bytes flipped.
        1 => {
            let mut b = valid.to_vec();
            for _ in 0..rng.below(1, 20) {
                let i = rng.below(0, b.len());
                b[i] ^= 1 << rng.below(0, 8);
            }
            b
        }
        // Random bytes, some with a zip's or an old workbook's magic in front.
        2 => {
            let mut b = match rng.below(0, 3) {
                0 => b"PK\x03\x04".to_vec(),
                1 => vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
                _ => Vec::new(),
            };
            let mut tail = vec![0u8; rng.below(0, 4096)];
            rng.fill(&mut tail);
            b.extend(tail);
            b
        }
        3..=7 => written(n % 10 - 3, rng),
        // Inline-string sheets: a 1 MB cell, or a sheet claiming 1,048,576 rows.
        8 => {
            let mut cells = base_rows();
            let extra = if rng.coin() {
                let c = rng.below(1, HEADER.len());
                cells[0][c] = "长".repeat(350_000);
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, r)| xml_row(i as u32 + 2, r))
                    .collect::<String>()
            } else {
                let mut x: String = cells
                    .iter()
                    .enumerate()
                    .map(|(i, r)| xml_row(i as u32 + 2, r))
                    .collect();
                x.push_str(&xml_row(1_048_576, &row(&["最后一行"])));
                x
            };
            with_sheet(base, &sheet_xml("A1:XFD1048576", &extra))
        }
        // A zip bomb: a sheet of ~100 MB in ~650 KB, its directory entry saying so or, every
        // other time, claiming a few kilobytes (what it really unpacks to is counted).
        _ => {
            let xml = sheet_xml("A1:P4", "");
            let (head, tail) = xml.split_at(xml.find("</sheetData>").expect("end"));
            let runs = 400_000;
            let deflated = deflated_spaces(head.as_bytes(), runs, tail.as_bytes());
            let size = (head.len() + 1 + runs * 258 + tail.len()) as u32;
            let claimed = if n % 20 == 9 { 4096 } else { size };
            zip_by_hand(base, Some(("xl/worksheets/sheet1.xml", &deflated, claimed)))
        }
    }
}

async fn fuzzed_ledgers_are_refused_and_change_nothing(app: &TestApp) {
    let sup = director(app).await;
    import(&sup, "dispatch", ledger(&good_rows())).await.ok();
    let before = footprint(app).await;
    let valid = ledger(&base_rows());
    let base = parts(&valid);
    let mut rng = Seeded(0x1ED6_E12F);
    let mut keys = std::collections::BTreeMap::<String, usize>::new();
    for n in 0..300 {
        let file = case(n, &mut rng, &valid, &base);
        let mode = if n % 2 == 0 { "dispatch" } else { "draft" };
        let r = import(&sup, mode, file).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "case {n}: {}",
            r.body
        );
        let key = r.body["error"]["key"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        r.error(StatusCode::UNPROCESSABLE_ENTITY, &key);
        if n % 20 == 19 {
            assert_eq!(key, "ledger.too_large", "case {n}");
        } else if n % 20 == 9 {
            // The zip reader stops at the size the directory claims, and the part is then
            // found broken; it never unpacks past the claim.
            assert!(
                key == "ledger.unreadable" || key == "ledger.too_large",
                "case {n}: {key}"
            );
        }
        *keys.entry(key).or_default() += 1;
    }
    assert_eq!(footprint(app).await, before);
    // Every kind of refusal was met.
    for key in [
        "ledger.not_excel",
        "ledger.unreadable",
        "ledger.too_large",
        "ledger.unit_unknown",
        "ledger.merged",
        "ledger.formula_error",
    ] {
        assert!(keys.contains_key(key), "{key} never met: {keys:?}");
    }
}

on_both_backends!(fuzzed_ledgers_are_refused_and_change_nothing);
