//! Laurel's spreadsheets. Emulation offices live in Excel: a report is downloadable as an
//! XLSX workbook with the same counts, the sentences, and a chart of the awards.
//!
//! Written with rust_xlsxwriter (a maintained port of the Python XlsxWriter, which Excel,
//! LibreOffice and calamine all read; it writes native Excel charts), not by hand. Pure: plain
//! data in, bytes out; it knows nothing of Laurel's types.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, XlsxError};

/// What went wrong writing a workbook.
#[derive(Debug, thiserror::Error)]
#[error("writing the workbook: {0}")]
pub struct SheetError(#[from] XlsxError);

/// A report to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSheet {
    /// What it covers.
    pub title: String,
    /// The sentences, one per issuer.
    pub sentences: Vec<String>,
    /// The awards, one row per issuer and award.
    pub rows: Vec<ReportRow>,
    /// Nominations not awarded, by state, as (state, count).
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

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
}
