//! The dossier (hồ sơ đề nghị khen thưởng, Law 06/2022 Art 84): typed documents attached to a
//! nomination or to the proposal (tờ trình) it travels in, and which parts each stage requires.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::rules::{AwardRule, CommendationKind, DossierPart};
use crate::text::{InvalidInput, bounded_line};

/// What a document is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentKind {
    /// Tờ trình / văn bản đề nghị kèm danh sách (Mẫu 01).
    ToTrinh,
    /// Báo cáo thành tích (Mẫu 02 tập thể, Mẫu 03 cá nhân).
    BaoCaoThanhTich,
    /// Biên bản bình xét thi đua (titles, Art 84.1).
    BienBanBinhXet,
    /// Biên bản xét khen thưởng (forms of commendation, Art 84.2).
    BienBanXetKhenThuong,
    /// Xác nhận sáng kiến, đề tài khoa học (Art 84.1), when one is a basis.
    XacNhanSangKien,
    /// Xác nhận thành tích đột xuất, đặc biệt (Art 84.2), for such nominations.
    XacNhanDotXuat,
    /// Anything else (tài liệu liên quan).
    Other,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::ToTrinh,
        DocumentKind::BaoCaoThanhTich,
        DocumentKind::BienBanBinhXet,
        DocumentKind::BienBanXetKhenThuong,
        DocumentKind::XacNhanSangKien,
        DocumentKind::XacNhanDotXuat,
        DocumentKind::Other,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::ToTrinh => "TO_TRINH",
            DocumentKind::BaoCaoThanhTich => "BAO_CAO_THANH_TICH",
            DocumentKind::BienBanBinhXet => "BIEN_BAN_BINH_XET",
            DocumentKind::BienBanXetKhenThuong => "BIEN_BAN_XET_KHEN_THUONG",
            DocumentKind::XacNhanSangKien => "XAC_NHAN_SANG_KIEN",
            DocumentKind::XacNhanDotXuat => "XAC_NHAN_DOT_XUAT",
            DocumentKind::Other => "OTHER",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            DocumentKind::ToTrinh => "Tờ trình đề nghị khen thưởng (kèm danh sách)",
            DocumentKind::BaoCaoThanhTich => "Báo cáo thành tích",
            DocumentKind::BienBanBinhXet => "Biên bản bình xét thi đua",
            DocumentKind::BienBanXetKhenThuong => "Biên bản xét khen thưởng",
            DocumentKind::XacNhanSangKien => "Xác nhận sáng kiến, đề tài khoa học",
            DocumentKind::XacNhanDotXuat => "Xác nhận thành tích đột xuất, đặc biệt",
            DocumentKind::Other => "Tài liệu khác",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            DocumentKind::ToTrinh => "Submission with the list of nominees",
            DocumentKind::BaoCaoThanhTich => "Achievement report",
            DocumentKind::BienBanBinhXet => "Minutes of the emulation peer review",
            DocumentKind::BienBanXetKhenThuong => "Minutes of the commendation council",
            DocumentKind::XacNhanSangKien => "Confirmation of the initiative or research",
            DocumentKind::XacNhanDotXuat => "Confirmation of the ad hoc or special achievement",
            DocumentKind::Other => "Other document",
        }
    }

    /// The document that provides a dossier part of the rulesets; `None` for the electronic
    /// dossier, which is Laurel's own record of the nomination.
    pub fn for_part(part: DossierPart) -> Option<DocumentKind> {
        match part {
            DossierPart::ToTrinh => Some(DocumentKind::ToTrinh),
            DossierPart::BaoCaoThanhTich => Some(DocumentKind::BaoCaoThanhTich),
            DossierPart::BienBanBinhXet => Some(DocumentKind::BienBanBinhXet),
            DossierPart::BienBanXetKhenThuong => Some(DocumentKind::BienBanXetKhenThuong),
            DossierPart::XacNhanSangKien => Some(DocumentKind::XacNhanSangKien),
            DossierPart::XacNhanDotXuat => Some(DocumentKind::XacNhanDotXuat),
            DossierPart::TaiLieuLienQuan => Some(DocumentKind::Other),
            DossierPart::HoSoDienTu => None,
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A document kind code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown document kind `{0}`")]
pub struct UnknownDocumentKind(pub String);

impl FromStr for DocumentKind {
    type Err = UnknownDocumentKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownDocumentKind(s.chars().take(64).collect()))
    }
}

/// The parts the issuer's office requires to receive a dossier as complete (Art 84): the
/// award's dossier list under its ruleset without the parts that depend on the case, plus the
/// confirmation of an đột xuất achievement for an đột xuất nomination.
pub fn required_at_reception(rule: &AwardRule, kind: CommendationKind) -> BTreeSet<DocumentKind> {
    let mut parts: BTreeSet<DocumentKind> = rule
        .dossier
        .iter()
        .filter(|p| !p.conditional())
        .filter_map(|p| DocumentKind::for_part(*p))
        .collect();
    if kind == CommendationKind::DotXuat {
        parts.insert(DocumentKind::XacNhanDotXuat);
    }
    parts
}

/// The parts appraisal requires: those of reception, and the confirmation of the initiative or
/// research when the eligibility relies on one and the award's dossier lists it (Art 84.1).
pub fn required_at_appraisal(
    rule: &AwardRule,
    kind: CommendationKind,
    relies_on_recognition: bool,
) -> BTreeSet<DocumentKind> {
    let mut parts = required_at_reception(rule, kind);
    if relies_on_recognition && rule.dossier.contains(&DossierPart::XacNhanSangKien) {
        parts.insert(DocumentKind::XacNhanSangKien);
    }
    parts
}

/// A file type Laurel keeps, recognised by its content, never by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MediaType {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
}

impl MediaType {
    /// Every accepted type.
    pub const ALL: [MediaType; 5] = [
        MediaType::Pdf,
        MediaType::Docx,
        MediaType::Xlsx,
        MediaType::Png,
        MediaType::Jpeg,
    ];

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
        }
    }

    /// The type for a MIME type detected from the content, if Laurel keeps it.
    pub fn from_mime(mime: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|m| m.mime() == mime)
    }
}

/// Longest file name kept, in characters.
pub const FILENAME_MAX: usize = 200;

/// Checks a document's file name as shown to people: NFC, one line, no path.
pub fn parse_filename(raw: &str) -> Result<String, InvalidInput> {
    let name = bounded_line("filename", raw, FILENAME_MAX)?;
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(InvalidInput::Malformed {
            field: "filename",
            expected_vi: "tên tệp, không kèm đường dẫn thư mục",
            expected_en: "a file name, without a directory path",
        });
    }
    Ok(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;
    use crate::award::AwardKind;
    use crate::rules::Rulesets;

    #[test]
    fn reception_requires_the_unconditional_parts_of_article_84() {
        let rulesets = Rulesets::embedded().unwrap();
        for ruleset in rulesets.all() {
            let gk = required_at_reception(
                ruleset.award(AwardKind::GiayKhen),
                CommendationKind::ThuongXuyen,
            );
            assert!(gk.contains(&DocumentKind::ToTrinh));
            assert!(gk.contains(&DocumentKind::BaoCaoThanhTich));
            assert!(!gk.contains(&DocumentKind::XacNhanDotXuat));
            let dot_xuat = required_at_reception(
                ruleset.award(AwardKind::GiayKhen),
                CommendationKind::DotXuat,
            );
            assert!(dot_xuat.contains(&DocumentKind::XacNhanDotXuat));
            let cstdcs = ruleset.award(AwardKind::CstdCoSo);
            let plain = required_at_appraisal(cstdcs, CommendationKind::ThuongXuyen, false);
            assert!(!plain.contains(&DocumentKind::XacNhanSangKien));
            let with_initiative =
                required_at_appraisal(cstdcs, CommendationKind::ThuongXuyen, true);
            assert!(with_initiative.contains(&DocumentKind::XacNhanSangKien));
        }
    }

    #[test]
    fn codes_round_trip() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.code().parse(), Ok(kind));
        }
        assert!("to_trinh".parse::<DocumentKind>().is_err());
    }

    #[test]
    fn file_names_carry_no_path() {
        assert_eq!(parse_filename(" to-trinh.pdf ").unwrap(), "to-trinh.pdf");
        for bad in ["../etc/passwd", "a\\b.pdf", "", "..", "x\u{202e}fdp.exe"] {
            assert!(parse_filename(bad).is_err(), "{bad:?}");
        }
    }
}
