//! Laurel's spreadsheets. Emulation offices live in Excel: a report is downloadable as an
//! XLSX workbook with the same counts, the sentences, and a chart of the awards; a decision's
//! recipients as XLSX or CSV (the csv crate: quoting done right, not by hand).
//!
//! Written with rust_xlsxwriter (a maintained port of the Python XlsxWriter, which Excel,
//! LibreOffice and calamine all read; it writes native Excel charts), not by hand. Pure: plain
//! data in, bytes out; it knows nothing of Laurel's types.
//!
//! Reading (`read`): calamine for workbooks (XLSX, XLS, ODS: the reader the Rust ecosystem
//! keeps for all three, including merged ranges and formulas), the csv crate for CSV, and
//! encoding_rs for CSV saved in Windows-1258.

pub mod read;

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, XlsxError};

/// What went wrong writing a workbook or a CSV file.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The workbook.
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV file.
    #[error("writing the CSV file: {0}")]
    Csv(#[from] csv::Error),
}

/// The recipients of a decision, as its appendix lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientsSheet {
    /// e.g. "Quyết định số 12/QĐ-CAT ngày 05/01/2025".
    pub title: String,
    /// One row per recipient.
    pub rows: Vec<RecipientRow>,
}

/// One recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRow {
    /// 1, 2, …
    pub number: usize,
    /// The recipient.
    pub name: String,
    /// Position and unit.
    pub detail: String,
    /// "cá nhân" or "tập thể".
    pub kind: String,
    /// The award.
    pub award: String,
    /// The cash, VND.
    pub amount_vnd: Option<i64>,
}

/// The columns of a recipients export, in order.
pub const RECIPIENT_COLUMNS: [&str; 6] = [
    "STT",
    "Họ và tên / Tên tập thể",
    "Chức vụ, đơn vị",
    "Cá nhân / tập thể",
    "Hình thức khen thưởng",
    "Tiền thưởng (đồng)",
];

/// The recipients as an XLSX workbook: the title, then a table with its total.
pub fn recipients_xlsx(sheet: &RecipientsSheet) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#F2DCDB");
    let money = Format::new().set_num_format("#,##0");
    let ws = workbook.add_worksheet().set_name("Danh sách")?;
    ws.write_with_format(0, 0, &sheet.title, &title)?;
    for (col, name) in RECIPIENT_COLUMNS.into_iter().enumerate() {
        ws.write_with_format(2, col as u16, name, &header)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write(r, 0, row.number as u32)?;
        ws.write(r, 1, &row.name)?;
        ws.write(r, 2, &row.detail)?;
        ws.write(r, 3, &row.kind)?;
        ws.write(r, 4, &row.award)?;
        if let Some(amount) = row.amount_vnd {
            ws.write_with_format(r, 5, amount as f64, &money)?;
        }
    }
    let total = 3 + sheet.rows.len() as u32;
    ws.write_with_format(total, 1, "Tổng cộng", &Format::new().set_bold())?;
    ws.write_with_format(
        total,
        5,
        sheet.rows.iter().filter_map(|r| r.amount_vnd).sum::<i64>() as f64,
        &money.set_bold(),
    )?;
    ws.set_column_width(1, 32)?;
    ws.set_column_width(2, 48)?;
    ws.set_column_width(4, 36)?;
    ws.set_column_width(5, 20)?;
    Ok(workbook.save_to_buffer()?)
}

/// A cell as written to CSV: one Excel would take for a formula (beginning with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading apostrophe, so that a name typed into Laurel
/// can never run as a formula on the office's computer.
fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The recipients as CSV: UTF-8 with a byte-order mark (so Excel on Windows reads the
/// Vietnamese right), one header row, amounts as plain digits.
pub fn recipients_csv(sheet: &RecipientsSheet) -> Result<Vec<u8>, SheetError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(RECIPIENT_COLUMNS)?;
    for row in &sheet.rows {
        writer.write_record([
            row.number.to_string(),
            csv_cell(&row.name).into_owned(),
            csv_cell(&row.detail).into_owned(),
            row.kind.clone(),
            row.award.clone(),
            row.amount_vnd.map(|a| a.to_string()).unwrap_or_default(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| SheetError::Csv(csv::Error::from(e.into_error())))
}

/// A plain table to export (a list of nominations, a report's lines): a title above, one
/// header row, then the rows; every cell is text but the first column's row numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSheet {
    /// What it lists, e.g. "Danh sách đề nghị khen thưởng (xuất ngày 01/12/2026)".
    pub title: String,
    /// The worksheet's name (at most 31 characters, no `[]:*?/\`).
    pub sheet_name: String,
    /// The headings.
    pub columns: Vec<String>,
    /// The rows, each as many cells as there are columns.
    pub rows: Vec<Vec<String>>,
}

/// The table as an XLSX workbook: the title in the first row, the headings in the third, the
/// rows below (numbers written as numbers, the rest as text so codes and dates stay as
/// written), the headings frozen and filtered.
pub fn table_xlsx(sheet: &TableSheet) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color("#F2DCDB");
    let text = Format::new().set_num_format("@");
    let ws = workbook.add_worksheet().set_name(&sheet.sheet_name)?;
    ws.write_with_format(0, 0, &sheet.title, &title)?;
    for (col, name) in sheet.columns.iter().enumerate() {
        ws.write_with_format(2, col as u16, name, &header)?;
        ws.set_column_width(col as u16, if col == 0 { 6 } else { 22 })?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = 3 + i as u32;
        for (col, cell) in row.iter().enumerate() {
            match (col, cell.parse::<u32>()) {
                (0, Ok(n)) => ws.write(r, 0, n)?,
                _ => ws.write_with_format(r, col as u16, cell, &text)?,
            };
        }
    }
    if !sheet.columns.is_empty() {
        ws.set_freeze_panes(3, 0)?;
        ws.autofilter(
            2,
            0,
            2 + sheet.rows.len() as u32,
            sheet.columns.len() as u16 - 1,
        )?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The table as CSV: UTF-8 with a byte-order mark (so Excel on Windows reads the Vietnamese
/// right), the headings, then the rows.
pub fn table_csv(sheet: &TableSheet) -> Result<Vec<u8>, SheetError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(&sheet.columns)?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(|c| csv_cell(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| SheetError::Csv(csv::Error::from(e.into_error())))
}

/// A report to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSheet {
    /// What it covers.
    pub title: String,
    /// The sentences, one per issuer.
    pub sentences: Vec<String>,
    /// The awards, one row per issuer and award.
    pub rows: Vec<ReportRow>,
    /// Nominations not awarded, by state, as (state, count); under the state of those in
    /// review, a line per stage ("trong đó: …"), which the state's count already includes.
    pub by_state: Vec<(String, u32)>,
}

/// One issuer's awards of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// "Giám đốc Công an tỉnh Gia Lai".
    pub issuer: String,
    /// "Giấy khen".
    pub award: String,
    /// Tập thể.
    pub collectives: u32,
    /// Cá nhân.
    pub individuals: u32,
    /// The cash, VND.
    pub cash_vnd: i64,
}

/// The name of the sheet with the counts (what the chart refers to).
pub const REPORT_SHEET: &str = "Báo cáo";
/// The name of the sheet with what is not awarded yet.
pub const STATES_SHEET: &str = "Chưa khen thưởng";
/// Where the table's header is (0-based row), under the title and the sentences.
pub fn header_row(sheet: &ReportSheet) -> u32 {
    2 + sheet.sentences.len() as u32 + 1
}

/// The report as an XLSX workbook: the title, the sentences, a table (issuer, award, tập thể,
/// cá nhân, cash) with its totals, a stacked column chart of tập thể and cá nhân per row, and a
/// second sheet with what is not awarded yet.
pub fn report_xlsx(sheet: &ReportSheet) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let money = Format::new().set_num_format("#,##0");
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#F2DCDB");
    let ws = workbook.add_worksheet().set_name(REPORT_SHEET)?;
    ws.write_with_format(0, 0, &sheet.title, &title)?;
    for (i, sentence) in sheet.sentences.iter().enumerate() {
        ws.write(2 + i as u32, 0, sentence)?;
    }
    let top = header_row(sheet);
    for (col, name) in [
        "Cấp khen thưởng",
        "Hình thức",
        "Tập thể",
        "Cá nhân",
        "Tiền thưởng (đồng)",
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_with_format(top, col as u16, name, &header)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = top + 1 + i as u32;
        ws.write(r, 0, &row.issuer)?;
        ws.write(r, 1, &row.award)?;
        ws.write(r, 2, row.collectives)?;
        ws.write(r, 3, row.individuals)?;
        // Cash stays exact: VND amounts are far below 2^53.
        ws.write_with_format(r, 4, row.cash_vnd as f64, &money)?;
    }
    let total = top + 1 + sheet.rows.len() as u32;
    ws.write_with_format(total, 0, "Tổng cộng", &bold)?;
    ws.write_with_format(
        total,
        2,
        sheet.rows.iter().map(|r| r.collectives).sum::<u32>(),
        &bold,
    )?;
    ws.write_with_format(
        total,
        3,
        sheet.rows.iter().map(|r| r.individuals).sum::<u32>(),
        &bold,
    )?;
    ws.write_with_format(
        total,
        4,
        sheet.rows.iter().map(|r| r.cash_vnd).sum::<i64>() as f64,
        &money.clone().set_bold(),
    )?;
    ws.set_column_width(0, 42)?;
    ws.set_column_width(1, 36)?;
    ws.set_column_width(4, 20)?;
    if !sheet.rows.is_empty() {
        let first = top + 1;
        let last = total - 1;
        let mut chart = Chart::new(ChartType::ColumnStacked);
        chart.title().set_name("Khen thưởng theo cấp và hình thức");
        for (col, name) in [(2u16, "Tập thể"), (3u16, "Cá nhân")] {
            chart
                .add_series()
                .set_name(name)
                .set_categories((REPORT_SHEET, first, 1, last, 1))
                .set_values((REPORT_SHEET, first, col, last, col));
        }
        ws.insert_chart(total + 2, 0, &chart)?;
    }
    let states = workbook.add_worksheet().set_name(STATES_SHEET)?;
    states.write_with_format(0, 0, "Trạng thái", &header)?;
    states.write_with_format(0, 1, "Số đề nghị", &header)?;
    for (i, (state, count)) in sheet.by_state.iter().enumerate() {
        states.write(1 + i as u32, 0, state)?;
        states.write(1 + i as u32, 1, *count)?;
    }
    states.set_column_width(0, 24)?;
    Ok(workbook.save_to_buffer()?)
}

/// The template an office fills to import nominations: the headings to fill in, and lists of
/// the values the importer may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTemplate {
    /// The headings of the first sheet, in order, each with a note saying what goes there.
    pub headings: Vec<(String, String)>,
    /// Named lists, one sheet each: the sheet's name, its headings, its lines.
    pub lists: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

/// The import template as an XLSX workbook: the sheet to fill first (its headings frozen, with
/// their notes as comments, its cells formatted as text so Excel keeps codes and dates as
/// typed), then one sheet per list. No example line: it would be imported with the rest.
pub fn import_template_xlsx(template: &ImportTemplate) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#F2DCDB");
    let text = Format::new().set_num_format("@");
    let ws = workbook.add_worksheet().set_name("Danh sách đề nghị")?;
    for (col, (heading, note)) in template.headings.iter().enumerate() {
        let col = col as u16;
        ws.write_with_format(0, col, heading, &header)?;
        ws.insert_note(
            0,
            col,
            &rust_xlsxwriter::Note::new(note).set_author("Laurel"),
        )?;
        ws.set_column_format(col, &text)?;
        ws.set_column_width(col, if heading.chars().count() > 20 { 32 } else { 18 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (name, headings, lines) in &template.lists {
        let ws = workbook.add_worksheet().set_name(name)?;
        for (col, heading) in headings.iter().enumerate() {
            ws.write_with_format(0, col as u16, heading, &header)?;
            ws.set_column_width(col as u16, 36)?;
        }
        for (r, line) in lines.iter().enumerate() {
            for (col, value) in line.iter().enumerate() {
                ws.write(1 + r as u32, col as u16, value)?;
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod csv_safety {
    use super::*;

    #[test]
    fn a_cell_excel_would_run_as_a_formula_is_written_as_text() {
        let sheet = TableSheet {
            title: "t".into(),
            sheet_name: "s".into(),
            columns: vec!["STT".into(), "Tên".into()],
            rows: vec![
                vec!["1".into(), "=HYPERLINK(\"http://x\",\"A\")".into()],
                vec!["2".into(), "+84 912".into()],
                vec!["3".into(), "Nguyễn Văn A".into()],
            ],
        };
        let csv = String::from_utf8(table_csv(&sheet).unwrap()).unwrap();
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"A\"\")\""),
            "{csv}"
        );
        assert!(csv.contains("'+84 912"), "{csv}");
        assert!(csv.contains("\n3,Nguyễn Văn A"), "{csv}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    #[test]
    fn recipients_round_trip_through_calamine_and_csv() {
        let sheet = RecipientsSheet {
            title: "Quyết định số 12/QĐ-CAT ngày 05/01/2025".into(),
            rows: vec![
                RecipientRow {
                    number: 1,
                    name: "Đại úy Nguyễn Thị Ngọc Huyền".into(),
                    detail: "Phó Trưởng phòng, Phòng Tham mưu".into(),
                    kind: "cá nhân".into(),
                    award: "Giấy khen".into(),
                    amount_vnd: Some(702_000),
                },
                RecipientRow {
                    number: 2,
                    name: "Công an phường Diên Hồng, \"Pleiku\"".into(),
                    detail: "Công an thành phố Pleiku".into(),
                    kind: "tập thể".into(),
                    award: "Giấy khen".into(),
                    amount_vnd: Some(1_404_000),
                },
            ],
        };
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(recipients_xlsx(&sheet).unwrap())).unwrap();
        let range = book.worksheet_range("Danh sách").unwrap();
        assert_eq!(
            range.get_value((3, 1)),
            Some(&Data::String(sheet.rows[0].name.clone()))
        );
        assert_eq!(range.get_value((4, 5)), Some(&Data::Float(1_404_000.0)));
        assert_eq!(
            range.get_value((5, 5)),
            Some(&Data::Float(2_106_000.0)),
            "total"
        );

        let csv = recipients_csv(&sheet).unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        assert_eq!(reader.headers().unwrap(), RECIPIENT_COLUMNS.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(
            &rows[1][1], "Công an phường Diên Hồng, \"Pleiku\"",
            "quoted, round-trips"
        );
        assert_eq!(&rows[0][5], "702000");
    }

    #[test]
    fn a_report_round_trips_through_calamine() {
        let sheet = ReportSheet {
            title: "Toàn dân bảo vệ an ninh Tổ quốc (2022)".into(),
            sentences: vec![
                "Bộ trưởng Bộ Công an tặng Bằng khen cho 9 tập thể.".into(),
                "Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 10 tập thể, 8 cá nhân.".into(),
            ],
            rows: vec![
                ReportRow {
                    issuer: "Bộ trưởng Bộ Công an".into(),
                    award: "Bằng khen của bộ, ban, ngành, tỉnh".into(),
                    collectives: 9,
                    individuals: 0,
                    cash_vnd: 9 * 4_680_000,
                },
                ReportRow {
                    issuer: "Giám đốc Công an tỉnh Gia Lai".into(),
                    award: "Giấy khen".into(),
                    collectives: 10,
                    individuals: 8,
                    cash_vnd: 10 * 600_000 + 8 * 300_000,
                },
            ],
            by_state: vec![("SUBMITTED".into(), 3), ("DRAFT".into(), 1)],
        };
        let bytes = report_xlsx(&sheet).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(REPORT_SHEET).unwrap();
        let text = |r: u32, c: u32| range.get_value((r, c)).cloned();
        assert_eq!(text(0, 0), Some(Data::String(sheet.title.clone())));
        assert_eq!(text(3, 0), Some(Data::String(sheet.sentences[1].clone())));
        let top = header_row(&sheet);
        assert_eq!(
            text(top, 4),
            Some(Data::String("Tiền thưởng (đồng)".into()))
        );
        assert_eq!(
            text(top + 2, 0),
            Some(Data::String("Giám đốc Công an tỉnh Gia Lai".into()))
        );
        assert_eq!(text(top + 2, 2), Some(Data::Float(10.0)));
        assert_eq!(text(top + 2, 3), Some(Data::Float(8.0)));
        assert_eq!(text(top + 2, 4), Some(Data::Float(8_400_000.0)));
        assert_eq!(text(top + 3, 2), Some(Data::Float(19.0)), "total tập thể");
        assert_eq!(
            text(top + 3, 4),
            Some(Data::Float(50_520_000.0)),
            "total cash"
        );
        let states = book.worksheet_range(STATES_SHEET).unwrap();
        assert_eq!(
            states.get_value((1, 0)),
            Some(&Data::String("SUBMITTED".into()))
        );
        assert_eq!(states.get_value((2, 1)), Some(&Data::Float(1.0)));
    }

    #[test]
    fn a_workbook_reads_as_text_with_its_merged_cells_and_formulas() {
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.write(0, 0, "Họ và tên").unwrap();
        ws.write(0, 1, "Năm").unwrap();
        ws.write(1, 0, "Nguyễn Văn An").unwrap();
        ws.write(1, 1, 2024).unwrap();
        ws.write_formula(2, 1, "=B2+1").unwrap();
        ws.merge_range(3, 0, 3, 1, "Gộp", &Format::new()).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2015, 3, 9).unwrap();
        ws.write_with_format(4, 0, &date, &Format::new().set_num_format("dd/mm/yyyy"))
            .unwrap();
        let grid = read::read_grid(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(grid.source, read::Source::Workbook);
        assert_eq!(grid.lines[0], ["Họ và tên", "Năm"]);
        assert_eq!(grid.lines[1], ["Nguyễn Văn An", "2024"]);
        assert_eq!(grid.lines[4][0], "09/03/2015");
        let at = |line, column| read::CellRef { line, column };
        assert_eq!(grid.formulas, [at(3, 1)]);
        assert_eq!(grid.merged, [at(4, 0), at(4, 1)], "every cell it covers");
    }

    #[test]
    fn csv_reads_in_utf8_with_or_without_a_bom_and_in_windows_1258() {
        let utf8 = "Họ và tên;Năm\nNguyễn Văn An;2024\n\n";
        let plain = read::read_grid(utf8.as_bytes()).unwrap();
        assert_eq!(plain.source, read::Source::CsvUtf8);
        assert_eq!(
            plain.lines,
            [["Họ và tên", "Năm"], ["Nguyễn Văn An", "2024"]]
        );
        let bom = read::read_grid(&[b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat()).unwrap();
        assert_eq!(bom.source, read::Source::CsvUtf8Bom);
        assert_eq!(bom.lines, plain.lines);
        // "Năm" in Windows-1258: N, a with breve (0xE3), m.
        let legacy = read::read_grid(b"T\xEAn,N\xE3m\n").unwrap();
        assert_eq!(legacy.source, read::Source::CsvWindows1258);
        assert_eq!(legacy.lines, [["Tên", "Năm"]]);
        assert!(matches!(
            read::read_grid(b"PK\x03\x04garbage"),
            Err(read::ReadError::Workbook(_))
        ));
        assert_eq!(
            read::read_grid(b"\x00\x01"),
            Err(read::ReadError::NotASpreadsheet)
        );
    }

    #[test]
    fn cells_keep_their_places_and_limits_hold() {
        // A sheet starting at C3, a vertical merge, a date no calendar holds.
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.write(2, 2, "Họ và tên").unwrap();
        ws.merge_range(3, 2, 5, 2, "Gộp", &Format::new()).unwrap();
        let huge = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_with_format(6, 2, 1e15, &huge).unwrap();
        let grid = read::read_grid(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(grid.lines[2][2], "Họ và tên");
        assert_eq!(grid.lines[6][2], "1000000000000000");
        let at = |line, column| read::CellRef { line, column };
        assert_eq!(grid.merged, [at(4, 2), at(5, 2), at(6, 2)]);
        // A cell far below the limits is refused before anything is laid out.
        let mut far = Workbook::new();
        far.add_worksheet().write(30_000, 0, "x").unwrap();
        assert_eq!(
            read::read_grid(&far.save_to_buffer().unwrap()),
            Err(read::ReadError::TooBig {
                line: 30_001,
                column: 1
            })
        );
        let mut wide = Workbook::new();
        wide.add_worksheet().write(0, 200, "x").unwrap();
        assert!(matches!(
            read::read_grid(&wide.save_to_buffer().unwrap()),
            Err(read::ReadError::TooBig { .. })
        ));
        // CSV: blank lines keep the numbering, the delimiter comes from the first line with text.
        let csv = read::read_grid("\n\nTên;Năm\n\nAn;2024\n".as_bytes()).unwrap();
        assert_eq!(csv.lines[2], ["Tên", "Năm"], "{:?}", csv.lines);
        assert_eq!(csv.lines[4], ["An", "2024"]);
        assert!(csv.lines[3].is_empty());
    }
}
