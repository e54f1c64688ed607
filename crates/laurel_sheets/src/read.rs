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
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut lines: Vec<Vec<String>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); left as usize];
        cells.extend(row.iter().map(text));
        lines.push(cells);
    }
    trim(&mut lines);
    let formulas = match workbook.worksheet_formula(&sheet) {
        Ok(formulas) => formulas
            .used_cells()
            .filter(|(_, _, f)| !f.is_empty())
            .map(|(r, c, _)| {
                let (top, left) = formulas.start().unwrap_or((0, 0));
                cell(top + r as u32, left + c as u32)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let merged = match &mut workbook {
        calamine::Sheets::Xlsx(xlsx) => xlsx
            .worksheet_merge_cells(&sheet)
            .and_then(Result::ok)
            .unwrap_or_default(),
        calamine::Sheets::Xls(xls) => xls.worksheet_merge_cells(&sheet).unwrap_or_default(),
        _ => Vec::new(),
    }
    .into_iter()
    .map(|d| cell(d.start.0, d.start.1))
    .collect();
    Ok(Grid {
        source: Source::Workbook,
        sheet: Some(sheet),
        lines,
        merged,
        formulas,
    })
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
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (days since 30/12/1899) as dd/mm/yyyy.
fn excel_date(serial: f64) -> String {
    let epoch =
        time::Date::from_calendar_date(1899, time::Month::December, 30).expect("a valid date");
    match epoch.checked_add(time::Duration::days(serial.floor() as i64)) {
        Some(date) => format!(
            "{:02}/{:02}/{:04}",
            date.day(),
            u8::from(date.month()),
            date.year()
        ),
        None => serial.to_string(),
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
    // Excel writes ';' where the list separator is ',' in numbers; take what the header uses.
    let header = text.lines().next().unwrap_or_default();
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
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Csv(e.to_string()))?;
        lines.push(record.iter().map(str::to_owned).collect());
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
