//! Spreadsheets as the imports read them (a session's list, a 12345 export, a ledger): the
//! unpacked size of an .xlsx measured before anything is unpacked, and the first sheet read
//! cell by cell into rows of text, within limits.

use calamine::{Data, Dimensions, Reader, Xls, Xlsx};

/// The most an imported list may unpack to. A session's list of a few hundred rows unpacks to
/// well under a megabyte; a small upload that unpacks to gigabytes would otherwise be read
/// into memory before any row is checked.
pub(crate) const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// Columns right of this are never read.
const MAX_COLS: usize = 64;

/// What an .xlsx (a zip archive) says its parts unpack to, read from its directory without
/// unpacking; `None` when it is not a zip archive.
pub(crate) fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

/// What the parts of an .xlsx really unpack to, counted by unpacking them and stopping once
/// past `cap` (a part's directory entry may understate its size: a zip bomb); `None` when
/// it is not a zip archive or a part cannot be unpacked.
pub(crate) fn inflated_size(bytes: &[u8], cap: u64) -> Option<u64> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).ok()?;
        let left = cap.saturating_sub(total).saturating_add(1);
        total = total.saturating_add(
            std::io::copy(&mut std::io::Read::take(part, left), &mut std::io::sink()).ok()?,
        );
        if total > cap {
            break;
        }
    }
    Some(total)
}

/// A cell's text: whole numbers without `.0`, dates as Excel's serial day number (the
/// imports read those), a formula's error value as Excel shows it.
fn text(d: Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e12 => format!("{}", f as i64),
        other => other.to_string(),
    }
}

/// Puts `text` at (`r`, `c`) of `rows`, growing them.
fn put(rows: &mut Vec<Vec<String>>, r: usize, c: usize, text: String) {
    if rows.len() <= r {
        rows.resize(r + 1, Vec::new());
    }
    let row = &mut rows[r];
    if row.len() <= c {
        row.resize(c + 1, String::new());
    }
    row[c] = text;
}

/// The first sheet of an .xlsx file as rows of text cells from its first row holding a cell,
/// with that row's number as the spreadsheet shows it (1 for the top); `None` when it is not
/// an .xlsx file.
///
/// Read cell by cell, never as a dense range: a file whose only cells are A1 and XFD1048576
/// would otherwise ask for seventeen billion cells. Cells right of the last column a list can
/// use are ignored; a sheet longer than `max_rows` is cut just past the limit, so the import
/// still names it as too long.
pub(crate) fn read_xlsx_rows(bytes: &[u8], max_rows: usize) -> Option<(usize, Vec<Vec<String>>)> {
    read_xlsx(bytes, max_rows).map(|s| (s.first_row, s.rows))
}

/// The first worksheet a spreadsheet program shows: a hidden sheet before it (a lookup
/// list, an old version) is not the one the office filled in.
fn first_visible(sheets: &[calamine::Sheet]) -> Option<String> {
    sheets
        .iter()
        .find(|s| {
            s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet
        })
        .map(|s| s.name.clone())
}

/// A first sheet as read.
pub(crate) struct Sheet {
    /// The spreadsheet's number of `rows[0]`.
    pub first_row: usize,
    /// Text cells.
    pub rows: Vec<Vec<String>>,
    /// Merged ranges (0-based, as the sheet numbers them).
    pub merged: Vec<Dimensions>,
}

fn read_xlsx(bytes: &[u8], max_rows: usize) -> Option<Sheet> {
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).ok()?;
    let name = first_visible(book.sheets_metadata())?;
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let mut cells = book.worksheet_cells_reader(&name).ok()?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut first_row: Option<usize> = None;
    while let Some(cell) = cells.next_cell().ok()? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        let top = *first_row.get_or_insert(r);
        let r = r.saturating_sub(top);
        if c >= MAX_COLS || r >= max_rows {
            continue;
        }
        put(&mut rows, r, c, text(Data::from(cell.get_value().clone())));
    }
    Some(Sheet {
        first_row: first_row.unwrap_or(0) + 1,
        rows,
        merged,
    })
}

/// The first sheet of a legacy .xls workbook (at most 65,536 rows by 256 columns, so a dense
/// range is bounded).
fn read_xls(bytes: &[u8], max_rows: usize) -> Option<Sheet> {
    let mut book = Xls::new(std::io::Cursor::new(bytes.to_vec())).ok()?;
    let name = first_visible(book.sheets_metadata())?;
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let range = book.worksheet_range(&name).ok()?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (r, c, d) in range.used_cells() {
        let col = c + left as usize;
        if col >= MAX_COLS || r >= max_rows {
            continue;
        }
        put(&mut rows, r, col, text(d.clone()));
    }
    Some(Sheet {
        first_row: top as usize + 1,
        rows,
        merged,
    })
}

/// Why a workbook could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SheetError {
    /// Neither an .xlsx (zip) nor an .xls (OLE) file.
    NotExcel,
    /// It claims to be one but cannot be read.
    Unreadable,
    /// It unpacks past [`MAX_UNPACKED`].
    TooLarge,
}

/// Reads the first visible sheet of an .xlsx or .xls workbook, told apart by their magic
/// bytes.
pub(crate) fn read_workbook(bytes: &[u8], max_rows: usize) -> Result<Sheet, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        // What the directory says first (cheap), then what the parts really unpack to.
        match unpacked_size(bytes) {
            None => return Err(SheetError::Unreadable),
            Some(n) if n > MAX_UNPACKED => return Err(SheetError::TooLarge),
            Some(_) => {}
        }
        match inflated_size(bytes, MAX_UNPACKED) {
            None => return Err(SheetError::Unreadable),
            Some(n) if n > MAX_UNPACKED => return Err(SheetError::TooLarge),
            Some(_) => {}
        }
        read_xlsx(bytes, max_rows).ok_or(SheetError::Unreadable)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        read_xls(bytes, max_rows).ok_or(SheetError::Unreadable)
    } else {
        Err(SheetError::NotExcel)
    }
}
