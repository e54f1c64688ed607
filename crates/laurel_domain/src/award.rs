//! The award kinds Laurel knows, by their stable codes.
//!
//! Codes are a contract with outside clients (GraphQL enum values, CLI flags, JSON files):
//! never rename one. Each kind is either an emulation title (danh hiệu thi đua, Law 06/2022
//! Art 19-20) or a form of commendation (hình thức khen thưởng, Art 9).

use std::fmt;
use std::str::FromStr;

/// Who can receive an award.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecipientKind {
    /// Cá nhân.
    Individual,
    /// Tập thể — a unit.
    Collective,
    /// Hộ gia đình.
    Household,
}

impl RecipientKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RecipientKind::Individual => "INDIVIDUAL",
            RecipientKind::Collective => "COLLECTIVE",
            RecipientKind::Household => "HOUSEHOLD",
        }
    }
}

/// Whether an award kind is a title or a form of commendation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AwardForm {
    /// Danh hiệu thi đua (Law 06/2022 Art 19-20).
    Title,
    /// Hình thức khen thưởng (Law 06/2022 Art 9).
    Commendation,
}

/// An award kind, by stable code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AwardKind {
    /// Lao động tiên tiến (Art 24).
    LaoDongTienTien,
    /// Chiến sĩ tiên tiến — army, police, standing militia (Art 24.2).
    ChienSiTienTien,
    /// Chiến sĩ thi đua cơ sở (Art 23).
    CstdCoSo,
    /// Chiến sĩ thi đua bộ, ban, ngành, tỉnh (Art 22).
    CstdBoTinh,
    /// Chiến sĩ thi đua toàn quốc (Art 21).
    CstdToanQuoc,
    /// Tập thể lao động tiên tiến (Art 28).
    TapTheLdTienTien,
    /// Đơn vị tiên tiến — armed forces (Art 28).
    DonViTienTien,
    /// Tập thể lao động xuất sắc (Art 27).
    TapTheLdXuatSac,
    /// Đơn vị quyết thắng — armed forces (Art 27).
    DonViQuyetThang,
    /// Cờ thi đua của bộ, ban, ngành, tỉnh (Art 26).
    CoThiDuaBoTinh,
    /// Cờ thi đua của Chính phủ (Art 25).
    CoThiDuaChinhPhu,
    /// Giấy khen (Art 75).
    GiayKhen,
    /// Bằng khen của bộ, ban, ngành, tỉnh (Art 74).
    BangKhenBoTinh,
    /// Bằng khen của Thủ tướng Chính phủ (Art 73).
    BangKhenThuTuong,
}

/// An award code that Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown award kind `{code}`")]
pub struct UnknownAwardKind {
    /// The code received, cut to 64 characters.
    pub code: String,
}

impl AwardKind {
    /// Every award kind, in catalog order (lowest individual title first).
    pub const ALL: [AwardKind; 14] = [
        AwardKind::LaoDongTienTien,
        AwardKind::ChienSiTienTien,
        AwardKind::CstdCoSo,
        AwardKind::CstdBoTinh,
        AwardKind::CstdToanQuoc,
        AwardKind::TapTheLdTienTien,
        AwardKind::DonViTienTien,
        AwardKind::TapTheLdXuatSac,
        AwardKind::DonViQuyetThang,
        AwardKind::CoThiDuaBoTinh,
        AwardKind::CoThiDuaChinhPhu,
        AwardKind::GiayKhen,
        AwardKind::BangKhenBoTinh,
        AwardKind::BangKhenThuTuong,
    ];

    /// The stable code, e.g. `GIAY_KHEN`.
    pub fn code(self) -> &'static str {
        match self {
            AwardKind::LaoDongTienTien => "LAO_DONG_TIEN_TIEN",
            AwardKind::ChienSiTienTien => "CHIEN_SI_TIEN_TIEN",
            AwardKind::CstdCoSo => "CSTD_CO_SO",
            AwardKind::CstdBoTinh => "CSTD_BO_TINH",
            AwardKind::CstdToanQuoc => "CSTD_TOAN_QUOC",
            AwardKind::TapTheLdTienTien => "TAP_THE_LD_TIEN_TIEN",
            AwardKind::DonViTienTien => "DON_VI_TIEN_TIEN",
            AwardKind::TapTheLdXuatSac => "TAP_THE_LD_XUAT_SAC",
            AwardKind::DonViQuyetThang => "DON_VI_QUYET_THANG",
            AwardKind::CoThiDuaBoTinh => "CO_THI_DUA_BO_TINH",
            AwardKind::CoThiDuaChinhPhu => "CO_THI_DUA_CHINH_PHU",
            AwardKind::GiayKhen => "GIAY_KHEN",
            AwardKind::BangKhenBoTinh => "BANG_KHEN_BO_TINH",
            AwardKind::BangKhenThuTuong => "BANG_KHEN_THU_TUONG",
        }
    }

    /// The Vietnamese name, as written in the Law.
    pub fn name_vi(self) -> &'static str {
        match self {
            AwardKind::LaoDongTienTien => "Lao động tiên tiến",
            AwardKind::ChienSiTienTien => "Chiến sĩ tiên tiến",
            AwardKind::CstdCoSo => "Chiến sĩ thi đua cơ sở",
            AwardKind::CstdBoTinh => "Chiến sĩ thi đua bộ, ban, ngành, tỉnh",
            AwardKind::CstdToanQuoc => "Chiến sĩ thi đua toàn quốc",
            AwardKind::TapTheLdTienTien => "Tập thể lao động tiên tiến",
            AwardKind::DonViTienTien => "Đơn vị tiên tiến",
            AwardKind::TapTheLdXuatSac => "Tập thể lao động xuất sắc",
            AwardKind::DonViQuyetThang => "Đơn vị quyết thắng",
            AwardKind::CoThiDuaBoTinh => "Cờ thi đua của bộ, ban, ngành, tỉnh",
            AwardKind::CoThiDuaChinhPhu => "Cờ thi đua của Chính phủ",
            AwardKind::GiayKhen => "Giấy khen",
            AwardKind::BangKhenBoTinh => "Bằng khen của bộ, ban, ngành, tỉnh",
            AwardKind::BangKhenThuTuong => "Bằng khen của Thủ tướng Chính phủ",
        }
    }

    /// The name a decision gives the award its issuer confers: the Law names the ministry-
    /// and province-level awards by their category (Art 72.2: "Bằng khen của bộ, ban, ngành,
    /// tỉnh"), a decision by who confers them, "Bằng khen của Bộ trưởng Bộ Công an" (the
    /// head's title and the issuer) and "Cờ thi đua của Bộ Công an" (the issuer; TT 12/2019/
    /// TT-BCA). Every other award keeps its name in the Law.
    pub fn name_conferred_by(self, head_title: &str, issuer: &str) -> String {
        match self {
            AwardKind::BangKhenBoTinh => format!("Bằng khen của {head_title} {issuer}"),
            AwardKind::CoThiDuaBoTinh => format!("Cờ thi đua của {issuer}"),
            other => other.name_vi().to_owned(),
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            AwardKind::LaoDongTienTien => "Advanced Worker",
            AwardKind::ChienSiTienTien => "Advanced Soldier",
            AwardKind::CstdCoSo => "Grassroots Emulation Fighter",
            AwardKind::CstdBoTinh => "Ministerial/Provincial Emulation Fighter",
            AwardKind::CstdToanQuoc => "National Emulation Fighter",
            AwardKind::TapTheLdTienTien => "Advanced Labour Collective",
            AwardKind::DonViTienTien => "Advanced Unit",
            AwardKind::TapTheLdXuatSac => "Excellent Labour Collective",
            AwardKind::DonViQuyetThang => "Determined-to-Win Unit",
            AwardKind::CoThiDuaBoTinh => "Ministerial/Provincial Emulation Flag",
            AwardKind::CoThiDuaChinhPhu => "Government Emulation Flag",
            AwardKind::GiayKhen => "Certificate of Merit",
            AwardKind::BangKhenBoTinh => "Ministerial/Provincial Certificate of Merit",
            AwardKind::BangKhenThuTuong => "Prime Minister's Certificate of Merit",
        }
    }

    /// Title or form of commendation.
    pub fn form(self) -> AwardForm {
        match self {
            AwardKind::GiayKhen | AwardKind::BangKhenBoTinh | AwardKind::BangKhenThuTuong => {
                AwardForm::Commendation
            }
            AwardKind::LaoDongTienTien
            | AwardKind::ChienSiTienTien
            | AwardKind::CstdCoSo
            | AwardKind::CstdBoTinh
            | AwardKind::CstdToanQuoc
            | AwardKind::TapTheLdTienTien
            | AwardKind::DonViTienTien
            | AwardKind::TapTheLdXuatSac
            | AwardKind::DonViQuyetThang
            | AwardKind::CoThiDuaBoTinh
            | AwardKind::CoThiDuaChinhPhu => AwardForm::Title,
        }
    }

    /// Who may receive it (Law 06/2022 Art 19-20 for titles; Art 72-75 for forms).
    pub fn recipients(self) -> &'static [RecipientKind] {
        use RecipientKind::*;
        match self {
            AwardKind::LaoDongTienTien
            | AwardKind::ChienSiTienTien
            | AwardKind::CstdCoSo
            | AwardKind::CstdBoTinh
            | AwardKind::CstdToanQuoc => &[Individual],
            AwardKind::TapTheLdTienTien
            | AwardKind::DonViTienTien
            | AwardKind::TapTheLdXuatSac
            | AwardKind::DonViQuyetThang
            | AwardKind::CoThiDuaBoTinh
            | AwardKind::CoThiDuaChinhPhu => &[Collective],
            AwardKind::GiayKhen | AwardKind::BangKhenBoTinh | AwardKind::BangKhenThuTuong => {
                &[Individual, Collective, Household]
            }
        }
    }

    /// The heading printed in red on the certificate, e.g. "GIẤY KHEN".
    pub fn certificate_heading(self) -> &'static str {
        match self {
            AwardKind::GiayKhen => "GIẤY KHEN",
            AwardKind::BangKhenBoTinh | AwardKind::BangKhenThuTuong => "BẰNG KHEN",
            AwardKind::LaoDongTienTien => "LAO ĐỘNG TIÊN TIẾN",
            AwardKind::ChienSiTienTien => "CHIẾN SĨ TIÊN TIẾN",
            AwardKind::CstdCoSo => "CHIẾN SĨ THI ĐUA CƠ SỞ",
            AwardKind::CstdBoTinh => "CHIẾN SĨ THI ĐUA",
            AwardKind::CstdToanQuoc => "CHIẾN SĨ THI ĐUA TOÀN QUỐC",
            AwardKind::TapTheLdTienTien => "TẬP THỂ LAO ĐỘNG TIÊN TIẾN",
            AwardKind::DonViTienTien => "ĐƠN VỊ TIÊN TIẾN",
            AwardKind::TapTheLdXuatSac => "TẬP THỂ LAO ĐỘNG XUẤT SẮC",
            AwardKind::DonViQuyetThang => "ĐƠN VỊ QUYẾT THẮNG",
            AwardKind::CoThiDuaBoTinh | AwardKind::CoThiDuaChinhPhu => "CỜ THI ĐUA",
        }
    }
}

/// Which certificate (bằng, giấy chứng nhận) an award is printed on. Each is one template of the
/// renderer, laid out per Decree 50/2006 Art 28 (continued by Decree 85/2014; `domain-vn.md`
/// §4.6). The codes are stable: they are stored in every certificate's frozen content.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertificateForm {
    /// Giấy khen (Art 75).
    GiayKhen,
    /// Bằng khen of a ministry, branch or province (Art 74).
    BangKhen,
    /// Bằng khen of the Prime Minister (Art 73).
    BangKhenThuTuong,
    /// A grassroots title: Lao động tiên tiến / Chiến sĩ tiên tiến where issued, Chiến sĩ thi đua
    /// cơ sở, Tập thể lao động tiên tiến / Đơn vị tiên tiến.
    DanhHieuCoSo,
    /// A higher title: Chiến sĩ thi đua bộ-tỉnh / toàn quốc, Tập thể lao động xuất sắc / Đơn vị
    /// quyết thắng.
    DanhHieu,
    /// The certificate handed over with a Cờ thi đua.
    CoThiDua,
}

impl CertificateForm {
    /// Every certificate form.
    pub const ALL: [CertificateForm; 6] = [
        CertificateForm::GiayKhen,
        CertificateForm::BangKhen,
        CertificateForm::BangKhenThuTuong,
        CertificateForm::DanhHieuCoSo,
        CertificateForm::DanhHieu,
        CertificateForm::CoThiDua,
    ];

    /// Stable code, e.g. `BANG_KHEN_THU_TUONG`.
    pub fn code(self) -> &'static str {
        match self {
            CertificateForm::GiayKhen => "GIAY_KHEN",
            CertificateForm::BangKhen => "BANG_KHEN",
            CertificateForm::BangKhenThuTuong => "BANG_KHEN_THU_TUONG",
            CertificateForm::DanhHieuCoSo => "DANH_HIEU_CO_SO",
            CertificateForm::DanhHieu => "DANH_HIEU",
            CertificateForm::CoThiDua => "CO_THI_DUA",
        }
    }

    /// What the office calls it.
    pub fn name_vi(self) -> &'static str {
        match self {
            CertificateForm::GiayKhen => "Giấy khen",
            CertificateForm::BangKhen => "Bằng khen (bộ, ban, ngành, tỉnh)",
            CertificateForm::BangKhenThuTuong => "Bằng khen của Thủ tướng Chính phủ",
            CertificateForm::DanhHieuCoSo => "Giấy chứng nhận danh hiệu (cơ sở)",
            CertificateForm::DanhHieu => "Bằng chứng nhận danh hiệu",
            CertificateForm::CoThiDua => "Bằng kèm Cờ thi đua",
        }
    }
}

/// A certificate form code that Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown certificate form `{code}`")]
pub struct UnknownCertificateForm {
    /// The code received, cut to 64 characters.
    pub code: String,
}

impl FromStr for CertificateForm {
    type Err = UnknownCertificateForm;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CertificateForm::ALL
            .into_iter()
            .find(|form| form.code() == s)
            .ok_or_else(|| UnknownCertificateForm {
                code: s.chars().take(64).collect(),
            })
    }
}

impl AwardKind {
    /// The certificate the award is printed on.
    pub fn certificate_form(self) -> CertificateForm {
        match self {
            AwardKind::GiayKhen => CertificateForm::GiayKhen,
            AwardKind::BangKhenBoTinh => CertificateForm::BangKhen,
            AwardKind::BangKhenThuTuong => CertificateForm::BangKhenThuTuong,
            AwardKind::LaoDongTienTien
            | AwardKind::ChienSiTienTien
            | AwardKind::CstdCoSo
            | AwardKind::TapTheLdTienTien
            | AwardKind::DonViTienTien => CertificateForm::DanhHieuCoSo,
            AwardKind::CstdBoTinh
            | AwardKind::CstdToanQuoc
            | AwardKind::TapTheLdXuatSac
            | AwardKind::DonViQuyetThang => CertificateForm::DanhHieu,
            AwardKind::CoThiDuaBoTinh | AwardKind::CoThiDuaChinhPhu => CertificateForm::CoThiDua,
        }
    }
}

impl fmt::Display for AwardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for AwardKind {
    type Err = UnknownAwardKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AwardKind::ALL
            .into_iter()
            .find(|kind| kind.code() == s)
            .ok_or_else(|| UnknownAwardKind {
                code: s.chars().take(64).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_names_ministry_and_province_awards_by_who_confers_them() {
        // (award, the head's title, the issuer, as the decision names it)
        let cases = [
            // Law 06/2022 Art 72.2 names the category; the seeds' decisions name the issuer.
            (
                AwardKind::BangKhenBoTinh,
                "Bộ trưởng",
                "Bộ Công an",
                "Bằng khen của Bộ trưởng Bộ Công an",
            ),
            (
                AwardKind::BangKhenBoTinh,
                "Chủ tịch",
                "Ủy ban nhân dân tỉnh Gia Lai",
                "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Gia Lai",
            ),
            // TT 12/2019/TT-BCA: "Cờ thi đua của Bộ Công an".
            (
                AwardKind::CoThiDuaBoTinh,
                "Bộ trưởng",
                "Bộ Công an",
                "Cờ thi đua của Bộ Công an",
            ),
            // Named by the Law itself: unchanged.
            (
                AwardKind::GiayKhen,
                "Giám đốc",
                "Công an tỉnh Gia Lai",
                "Giấy khen",
            ),
            (
                AwardKind::BangKhenThuTuong,
                "Thủ tướng",
                "Chính phủ",
                "Bằng khen của Thủ tướng Chính phủ",
            ),
            (
                AwardKind::CoThiDuaChinhPhu,
                "Thủ tướng",
                "Chính phủ",
                "Cờ thi đua của Chính phủ",
            ),
            (
                AwardKind::CstdCoSo,
                "Giám đốc",
                "Công an tỉnh Gia Lai",
                "Chiến sĩ thi đua cơ sở",
            ),
        ];
        for (award, head, issuer, named) in cases {
            assert_eq!(award.name_conferred_by(head, issuer), named, "{award:?}");
        }
    }

    #[test]
    fn every_code_round_trips_and_is_unique() {
        let mut codes: Vec<_> = AwardKind::ALL.iter().map(|k| k.code()).collect();
        for kind in AwardKind::ALL {
            assert_eq!(kind.code().parse::<AwardKind>(), Ok(kind));
            // serde uses the same stable code.
            assert_eq!(
                serde_json::to_string(&kind).expect("serialise"),
                format!("\"{}\"", kind.code())
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AwardKind::ALL.len());
    }

    #[test]
    fn every_certificate_form_prints_some_award_and_its_code_round_trips() {
        for form in CertificateForm::ALL {
            assert_eq!(form.code().parse::<CertificateForm>(), Ok(form));
            assert_eq!(
                serde_json::to_string(&form).expect("serialise"),
                format!("\"{}\"", form.code())
            );
            assert!(
                AwardKind::ALL.iter().any(|k| k.certificate_form() == form),
                "{form:?} is printed for no award"
            );
        }
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!("GIAY_KHEN_VANG".parse::<AwardKind>().is_err());
        assert!("giay_khen".parse::<AwardKind>().is_err());
    }

    #[test]
    fn titles_are_for_individuals_or_collectives_and_forms_for_all() {
        for kind in AwardKind::ALL {
            match kind.form() {
                AwardForm::Title => assert_eq!(kind.recipients().len(), 1, "{kind}"),
                AwardForm::Commendation => assert_eq!(kind.recipients().len(), 3, "{kind}"),
            }
        }
    }
}
