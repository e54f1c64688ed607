//! Printing on an office's pre-printed blanks (phôi): where each field goes, per issuer and
//! form, and the calibration sheet that finds it out.

use serde::{Deserialize, Serialize};

use crate::CertificateForm;

/// Where each field of a certificate goes on a pre-printed blank, in millimetres from the
/// sheet's top-left corner, and how it is set. Fields not listed are not printed (the blank
/// already carries them, or the office does not want them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlankLayout {
    /// The sheet's width.
    pub width_mm: f64,
    /// The sheet's height.
    pub height_mm: f64,
    /// The fields, each at most once.
    pub fields: Vec<BlankField>,
    /// The verification QR code, when printed (its code is the `VerificationCode` field).
    pub qr: Option<BlankQr>,
}

/// One field's box on a blank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlankField {
    /// Which field.
    pub field: Field,
    /// From the sheet's left edge to the box's.
    pub x_mm: f64,
    /// From the sheet's top edge to the box's.
    pub y_mm: f64,
    /// The box's width: the text is aligned in it and shrinks to stay inside.
    pub width_mm: f64,
    /// For a text that wraps (the achievement): the box's height, the text shrinking to fit.
    /// None: one line (shrinking, then wrapping, when long).
    pub height_mm: Option<f64>,
    /// The text's size, in points.
    pub size_pt: f64,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Alignment in the box.
    pub align: Align,
    /// Ink.
    pub color: Ink,
}

/// The QR code's square on a blank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlankQr {
    /// From the sheet's left edge.
    pub x_mm: f64,
    /// From the sheet's top edge.
    pub y_mm: f64,
    /// Side of the square (15 mm and more scan well).
    pub size_mm: f64,
}

/// A printable field of a certificate (`CertificateData`'s, by its JSON name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI".
    IssuerTitle,
    /// "GIẤY KHEN".
    AwardTitle,
    /// "Năm 2024".
    PeriodLine,
    /// The recipient.
    RecipientName,
    /// Position and unit.
    RecipientDetail,
    /// The achievement.
    Achievement,
    /// "Quyết định số …".
    DecisionLine,
    /// "Số sổ vàng: …".
    GoldenBookLine,
    /// "Gia Lai, ngày … tháng … năm …".
    PlaceDateLine,
    /// "KT. GIÁM ĐỐC".
    SignerCapacityLine,
    /// "PHÓ GIÁM ĐỐC".
    SignerTitle,
    /// The signer's name.
    SignerName,
    /// The code printed under the QR code.
    VerificationCode,
}

impl Field {
    /// The field's name, as in `CertificateData`'s JSON ("recipient_name").
    pub fn name(self) -> &'static str {
        match self {
            Field::IssuerTitle => "issuer_title",
            Field::AwardTitle => "award_title",
            Field::PeriodLine => "period_line",
            Field::RecipientName => "recipient_name",
            Field::RecipientDetail => "recipient_detail",
            Field::Achievement => "achievement",
            Field::DecisionLine => "decision_line",
            Field::GoldenBookLine => "golden_book_line",
            Field::PlaceDateLine => "place_date_line",
            Field::SignerCapacityLine => "signer_capacity_line",
            Field::SignerTitle => "signer_title",
            Field::SignerName => "signer_name",
            Field::VerificationCode => "verification_code",
        }
    }

    /// Every field, top to bottom as a certificate reads.
    pub const ALL: [Field; 13] = [
        Field::IssuerTitle,
        Field::AwardTitle,
        Field::PeriodLine,
        Field::RecipientName,
        Field::RecipientDetail,
        Field::Achievement,
        Field::DecisionLine,
        Field::GoldenBookLine,
        Field::PlaceDateLine,
        Field::SignerCapacityLine,
        Field::SignerTitle,
        Field::SignerName,
        Field::VerificationCode,
    ];
}

/// Alignment of a field in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Align {
    /// Left.
    Left,
    /// Centre.
    Center,
    /// Right.
    Right,
}

/// The ink of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Ink {
    /// Black.
    Black,
    /// The certificates' red.
    Red,
}

impl BlankLayout {
    /// Where the standard template puts each field on the form's paper: the starting point of
    /// a calibration. The award's name and "TẶNG" are left out (blanks carry them); the
    /// issuer's title is in, since many offices' blanks leave its line empty.
    pub fn standard(form: CertificateForm) -> BlankLayout {
        let (w, h) = form.paper_mm();
        let (w, h) = (f64::from(w), f64::from(h));
        let k = w / 297.0;
        let round = |v: f64| (v * 10.0).round() / 10.0;
        let field =
            |field, x: f64, y: f64, width: f64, size: f64, bold, italic, align| BlankField {
                field,
                x_mm: round(x * w),
                y_mm: round(y * h),
                width_mm: round(width * w),
                height_mm: None,
                size_pt: round(size * k),
                bold,
                italic,
                align,
                color: Ink::Black,
            };
        use Align::{Center, Left};
        let mut fields = vec![
            BlankField {
                color: Ink::Red,
                ..field(
                    Field::IssuerTitle,
                    0.1,
                    0.22,
                    0.8,
                    17.0,
                    true,
                    false,
                    Center,
                )
            },
            field(Field::PeriodLine, 0.1, 0.40, 0.8, 18.0, true, false, Center),
            field(
                Field::RecipientName,
                0.1,
                0.45,
                0.8,
                26.0,
                true,
                false,
                Center,
            ),
            field(
                Field::RecipientDetail,
                0.1,
                0.52,
                0.8,
                15.0,
                false,
                false,
                Center,
            ),
            BlankField {
                height_mm: Some(round(0.12 * h)),
                ..field(
                    Field::Achievement,
                    0.1,
                    0.58,
                    0.8,
                    18.0,
                    false,
                    true,
                    Center,
                )
            },
            field(
                Field::DecisionLine,
                0.075,
                0.74,
                0.4,
                13.5,
                false,
                false,
                Left,
            ),
            field(
                Field::GoldenBookLine,
                0.075,
                0.78,
                0.4,
                13.5,
                false,
                false,
                Left,
            ),
            field(
                Field::PlaceDateLine,
                0.525,
                0.72,
                0.4,
                13.5,
                false,
                true,
                Center,
            ),
            field(
                Field::SignerCapacityLine,
                0.525,
                0.755,
                0.4,
                13.5,
                true,
                false,
                Center,
            ),
            field(
                Field::SignerTitle,
                0.525,
                0.79,
                0.4,
                13.5,
                true,
                false,
                Center,
            ),
            field(
                Field::SignerName,
                0.525,
                0.90,
                0.4,
                14.0,
                true,
                false,
                Center,
            ),
            field(
                Field::VerificationCode,
                0.075,
                0.945,
                0.3,
                8.5,
                false,
                false,
                Left,
            ),
        ];
        fields.sort_by_key(|f| f.field);
        BlankLayout {
            width_mm: w,
            height_mm: h,
            fields,
            qr: Some(BlankQr {
                x_mm: round(0.075 * w),
                y_mm: round(0.82 * h),
                size_mm: round(24.0 * k * 0.9),
            }),
        }
    }

    /// What is wrong with the layout, each problem once, in field order; empty when it prints.
    /// The sheet is 50–1,200 mm a side; every box lies on the sheet; text is 4–120 pt; no field
    /// twice.
    pub fn problems(&self) -> Vec<LayoutProblem> {
        let mut problems = Vec::new();
        let sheet_ok = |v: f64| v.is_finite() && (50.0..=1200.0).contains(&v);
        if !sheet_ok(self.width_mm) || !sheet_ok(self.height_mm) {
            problems.push(LayoutProblem::Sheet);
            return problems;
        }
        let mut seen = Vec::new();
        for f in &self.fields {
            if seen.contains(&f.field) {
                problems.push(LayoutProblem::Twice(f.field));
                continue;
            }
            seen.push(f.field);
            let height = f.height_mm.unwrap_or(f.size_pt * 25.4 / 72.0 * 1.2);
            let inside = [f.x_mm, f.y_mm, f.width_mm, height]
                .iter()
                .all(|v| v.is_finite() && *v >= 0.0)
                && f.width_mm >= 5.0
                && f.x_mm + f.width_mm <= self.width_mm
                && f.y_mm + height <= self.height_mm;
            if !inside {
                problems.push(LayoutProblem::OffTheSheet(f.field));
            }
            if !(f.size_pt.is_finite() && (4.0..=120.0).contains(&f.size_pt)) {
                problems.push(LayoutProblem::Size(f.field));
            }
        }
        if let Some(qr) = &self.qr {
            let inside = [qr.x_mm, qr.y_mm]
                .iter()
                .all(|v| v.is_finite() && *v >= 0.0)
                && qr.size_mm.is_finite()
                && (10.0..=100.0).contains(&qr.size_mm)
                && qr.x_mm + qr.size_mm <= self.width_mm
                && qr.y_mm + qr.size_mm <= self.height_mm;
            if !inside {
                problems.push(LayoutProblem::Qr);
            }
        }
        problems
    }
}

/// Why a blank layout cannot print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LayoutProblem {
    /// The sheet is not 50–1,200 mm a side.
    #[error("the sheet must be 50 to 1200 mm a side")]
    Sheet,
    /// A field is listed twice.
    #[error("{0:?} is listed twice")]
    Twice(Field),
    /// A field's box is not wholly on the sheet (or narrower than 5 mm).
    #[error("{0:?} is not wholly on the sheet")]
    OffTheSheet(Field),
    /// A field's size is not 4–120 pt.
    #[error("{0:?}'s size must be 4 to 120 pt")]
    Size(Field),
    /// The QR code is not wholly on the sheet, or not 10–100 mm.
    #[error("the QR code must be 10 to 100 mm and wholly on the sheet")]
    Qr,
}
