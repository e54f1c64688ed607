//! Reading the spreadsheets people bring: the first sheet of an XLSX (or XLS/ODS) workbook
//! through calamine, or a CSV file through the csv crate. What comes out is text, cell by cell,
//! with what the reader saw that a person should hear about: merged cells, formulas, and the
//! encoding a CSV file was written in (UTF-8, with or without a byte-order mark, or the legacy
//! Vietnamese code page Windows-1258, decoded by encoding_rs and composed to NFC). Judging the text is the caller's
//! job.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use unicode_normalization::UnicodeNormalization;

/// The largest file read, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// The most lines read from a sheet: a cell below is refused before anything is laid out (a
/// crafted workbook can name a cell a million lines down in a few bytes).
pub const MAX_LINES: u32 = 25_000;

/// The most columns read from a sheet.
pub const MAX_COLUMNS: u32 = 64;

/// What a file could not be read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Neither a workbook nor text.
    #[error("the file is neither a spreadsheet (XLSX, XLS, ODS) nor a CSV text file")]
    NotASpreadsheet,
    /// A workbook calamine could not open.
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    /// A CSV file the csv crate could not read.
    #[error("the CSV file cannot be read: {0}")]
    Csv(String),
    /// Larger than [`MAX_BYTES`].
    #[error("the file is {0} bytes long; at most {MAX_BYTES} are read")]
    TooLarge(usize),
    /// A cell beyond [`MAX_LINES`] lines or [`MAX_COLUMNS`] columns.
    #[error(
        "the sheet has a cell at line {line}, column {column}; at most {MAX_LINES} lines and {MAX_COLUMNS} columns are read"
    )]
    TooBig {
        /// Its line (1 is the first).
        line: u64,
        /// Its column (1 is A).
        column: u64,
    },
}

/// How a file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An Excel or OpenDocument workbook.
    Workbook,
    /// CSV in UTF-8.
    CsvUtf8,
    /// CSV in UTF-8 with a byte-order mark (as Excel saves "CSV UTF-8").
    CsvUtf8Bom,
    /// CSV in Windows-1258 (not UTF-8; decoded).
    CsvWindows1258,
}

/// A cell, by its 1-based line and 0-based column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellRef {
    /// The line, as the spreadsheet numbers it (1 is the first).
    pub line: u32,
    /// The column (0 is A).
    pub column: u32,
}

/// The text of a sheet, cell by cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// How the file was written.
    pub source: Source,
    /// The sheet read (workbooks only).
    pub sheet: Option<String>,
    /// Every line from line 1, each cell's text as shown (numbers without a needless ".0",
    /// dates as dd/mm/yyyy). Trailing empty lines are dropped.
    pub lines: Vec<Vec<String>>,
    /// The top-left cell of each merged range.
    pub merged: Vec<CellRef>,
    /// Cells holding a formula (its last computed value is in `lines`).
    pub formulas: Vec<CellRef>,
}

/// Reads the first sheet of a workbook, or a CSV file, guessing which from the content.
pub fn read_grid(bytes: &[u8]) -> Result<Grid, ReadError> {
    if bytes.len() > MAX_BYTES {
        return Err(ReadError::TooLarge(bytes.len()));
    }
    // ZIP (XLSX, ODS) or OLE2 (XLS) containers.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_workbook(bytes);
    }
    read_csv(bytes)
}

fn read_workbook(bytes: &[u8]) -> Result<Grid, ReadError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Ok(Grid {
            source: Source::Workbook,
            sheet: None,
            lines: Vec::new(),
            merged: Vec::new(),
            formulas: Vec::new(),
        });
    };
    let workbook_error = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut formulas = Vec::new();
    let mut merged = Vec::new();
    match &mut workbook {
        // XLSX, the common case, cell by cell: nothing is laid out beyond the limits.
        calamine::Sheets::Xlsx(xlsx) => {
            {
                let mut cells = xlsx
                    .worksheet_cells_reader(&sheet)
                    .map_err(|e| workbook_error(&e))?;
                while let Some(cell) = cells.next_cell().map_err(|e| workbook_error(&e))? {
                    let (row, column) = cell.get_position();
                    within(row, column)?;
                    let text = text_ref(cell.get_value());
                    if !text.is_empty() {
                        place(&mut lines, row, column, text);
                    }
                }
            }
            {
                let mut cells = xlsx
                    .worksheet_cells_reader(&sheet)
                    .map_err(|e| workbook_error(&e))?;
                while let Some(formula) = cells.next_formula().map_err(|e| workbook_error(&e))? {
                    let (row, column) = formula.get_position();
                    within(row, column)?;
                    if !formula.get_value().is_empty() {
                        formulas.push(cell(row, column));
                    }
                }
            }
            for region in xlsx
                .worksheet_merge_cells(&sheet)
                .and_then(Result::ok)
                .unwrap_or_default()
            {
                covered(&mut merged, region.start, region.end)?;
            }
        }
        // XLS and ODS through calamine's ranges.
        other => {
            let range = other
                .worksheet_range(&sheet)
                .map_err(|e| workbook_error(&e))?;
            for (row, column, data) in range.used_cells() {
                let (top, left) = range.start().unwrap_or((0, 0));
                let (row, column) = (top + row as u32, left + column as u32);
                within(row, column)?;
                let text = text(data);
                if !text.is_empty() {
                    place(&mut lines, row, column, text);
                }
            }
            if let Ok(found) = other.worksheet_formula(&sheet) {
                let (top, left) = found.start().unwrap_or((0, 0));
                for (row, column, f) in found.used_cells() {
                    if !f.is_empty() {
                        formulas.push(cell(top + row as u32, left + column as u32));
                    }
                }
            }
            if let calamine::Sheets::Xls(xls) = other {
                for region in xls.worksheet_merge_cells(&sheet).unwrap_or_default() {
                    covered(&mut merged, region.start, region.end)?;
                }
            }
        }
    }
    trim(&mut lines);
    Ok(Grid {
        source: Source::Workbook,
        sheet: Some(sheet),
        lines,
        merged,
        formulas,
    })
}

/// Refuses a cell beyond the limits (0-based row and column).
fn within(row: u32, column: u32) -> Result<(), ReadError> {
    if row >= MAX_LINES || column >= MAX_COLUMNS {
        return Err(ReadError::TooBig {
            line: u64::from(row) + 1,
            column: u64::from(column) + 1,
        });
    }
    Ok(())
}

/// Puts a cell's text at its place, growing the grid to it.
fn place(lines: &mut Vec<Vec<String>>, row: u32, column: u32, text: String) {
    let (row, column) = (row as usize, column as usize);
    if lines.len() <= row {
        lines.resize(row + 1, Vec::new());
    }
    let line = &mut lines[row];
    if line.len() <= column {
        line.resize(column + 1, String::new());
    }
    line[column] = text;
}

/// Every cell a merged range covers (within the limits).
fn covered(merged: &mut Vec<CellRef>, start: (u32, u32), end: (u32, u32)) -> Result<(), ReadError> {
    within(end.0.max(start.0), end.1.max(start.1))?;
    for row in start.0..=end.0 {
        for column in start.1..=end.1 {
            merged.push(cell(row, column));
        }
    }
    Ok(())
}

fn cell(row: u32, column: u32) -> CellRef {
    CellRef {
        line: row + 1,
        column,
    }
}

/// A cell's text as a person sees it.
fn text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTimeIso(s) => iso_date(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => excel_date(d),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A cell's text as a person sees it (the XLSX reader's borrowed cells).
fn text_ref(data: &calamine::DataRef<'_>) -> String {
    match data {
        calamine::DataRef::SharedString(s) => (*s).to_owned(),
        calamine::DataRef::String(s) => s.clone(),
        other => text(&Data::from(other.clone())),
    }
}

/// The last day an Excel serial date can name (31/12/9999).
const LAST_SERIAL: f64 = 2_958_465.0;

/// An Excel date as dd/mm/yyyy, in the workbook's date system (1900 or 1904); a serial no
/// calendar holds stays a number (and is refused as a date).
fn excel_date(date: &calamine::ExcelDateTime) -> String {
    let serial = date.as_f64();
    if !(0.0..=LAST_SERIAL).contains(&serial) {
        return serial.to_string();
    }
    let (year, month, day, ..) = date.to_ymd_hms_milli();
    format!("{day:02}/{month:02}/{year:04}")
}

/// An ISO date or date-time (as ODS gives them) as dd/mm/yyyy.
fn iso_date(iso: &str) -> String {
    match iso
        .get(..10)
        .map(|d| d.split('-').collect::<Vec<_>>())
        .as_deref()
    {
        Some([y, m, d]) if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Grid, ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::NotASpreadsheet);
    }
    let (text, source) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| ReadError::NotASpreadsheet)?;
        (text.to_owned(), Source::CsvUtf8Bom)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), Source::CsvUtf8)
    } else {
        // Windows-1258 writes tones as combining marks: composed here, as any text Laurel keeps.
        let (text, _, _) = encoding_rs::WINDOWS_1258.decode(bytes);
        (text.nfc().collect(), Source::CsvWindows1258)
    };
    // Excel writes ';' where the list separator is ',' in numbers; take what the first line
    // with text uses.
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let mut lines: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Csv(e.to_string()))?;
        // The csv crate skips blank lines: each record goes back to the line it starts on,
        // counted from its byte offset.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        let row = newlines.partition_point(|&n| n < start);
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        within(
            row,
            u32::try_from(record.len().saturating_sub(1)).unwrap_or(u32::MAX),
        )?;
        for (column, value) in record.iter().enumerate() {
            if !value.is_empty() {
                place(&mut lines, row, column as u32, value.to_owned());
            }
        }
    }
    trim(&mut lines);
    Ok(Grid {
        source,
        sheet: None,
        lines,
        merged: Vec::new(),
        formulas: Vec::new(),
    })
}

/// Drops trailing empty lines.
fn trim(lines: &mut Vec<Vec<String>>) {
    while lines
        .last()
        .is_some_and(|l| l.iter().all(|c| c.trim().is_empty()))
    {
        lines.pop();
    }
}
