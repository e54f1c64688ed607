//! The award catalog of each legal regime: who decides, which dossier, how the council votes,
//! the cash coefficient, and the criteria. Read from the files in `crates/laurel_domain/rulesets/`
//! (see [`Rulesets::embedded`]), so a legal change is a reviewed diff of data.

use std::fmt;

use time::{Date, Month};

use crate::award::{AwardForm, AwardKind, RecipientKind};

use super::criteria::{Criterion, CriterionBody};
use super::error::RulesetError;

/// How sure we are that a value is the law in force (the tags of `domain-vn.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Confidence {
    /// Read in the law, an official answer or a quotation of a named article.
    #[serde(rename = "C")]
    Confirmed,
    /// Confirmed, but from a superseded text; used as a default until the current one is read.
    #[serde(rename = "C_OLD")]
    ConfirmedOld,
    /// Not found in the sources read, or the sources conflict: a configurable default.
    #[serde(rename = "U")]
    Unconfirmed,
}

impl Confidence {
    /// Stable code: `C`, `C_OLD` or `U`.
    pub fn code(self) -> &'static str {
        match self {
            Confidence::Confirmed => "C",
            Confidence::ConfirmedOld => "C_OLD",
            Confidence::Unconfirmed => "U",
        }
    }
}

/// Who decides an award (Law 06/2022 Art 78-80).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorityLevel {
    /// Chính phủ (Art 78.1).
    Government,
    /// Thủ tướng Chính phủ (Art 78.2).
    PrimeMinister,
    /// Bộ trưởng, thủ trưởng bộ, ban, ngành; Chủ tịch UBND tỉnh.
    MinistryOrProvince,
    /// Head of a unit with legal personality, director of a sở or an enterprise, or the commune
    /// (before 1/7/2025 also the district) People's Committee chairman (Art 80).
    UnitHead,
}

impl AuthorityLevel {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AuthorityLevel::Government => "GOVERNMENT",
            AuthorityLevel::PrimeMinister => "PRIME_MINISTER",
            AuthorityLevel::MinistryOrProvince => "MINISTRY_OR_PROVINCE",
            AuthorityLevel::UnitHead => "UNIT_HEAD",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            AuthorityLevel::Government => "Chính phủ",
            AuthorityLevel::PrimeMinister => "Thủ tướng Chính phủ",
            AuthorityLevel::MinistryOrProvince => {
                "Bộ trưởng, thủ trưởng bộ, ban, ngành; Chủ tịch UBND tỉnh"
            }
            AuthorityLevel::UnitHead => "Thủ trưởng đơn vị, giám đốc sở, Chủ tịch UBND cấp xã",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            AuthorityLevel::Government => "the Government",
            AuthorityLevel::PrimeMinister => "the Prime Minister",
            AuthorityLevel::MinistryOrProvince => "a minister or provincial chairman",
            AuthorityLevel::UnitHead => "a unit head, department director or commune chairman",
        }
    }
}

/// What the recipient is handed (Decree 98/2023 Art 54 lists the artefacts per award).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertificateKind {
    /// Bằng khen (with frame).
    BangKhen,
    /// Giấy khen.
    GiayKhen,
    /// Bằng/giấy chứng nhận danh hiệu (with frame).
    TitleCertificate,
    /// Title certificate and a badge (huy hiệu).
    TitleCertificateAndBadge,
    /// Cờ thi đua.
    Flag,
    /// No artefact listed (e.g. Lao động tiên tiến: cash only).
    None,
}

impl CertificateKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::BangKhen => "BANG_KHEN",
            CertificateKind::GiayKhen => "GIAY_KHEN",
            CertificateKind::TitleCertificate => "TITLE_CERTIFICATE",
            CertificateKind::TitleCertificateAndBadge => "TITLE_CERTIFICATE_AND_BADGE",
            CertificateKind::Flag => "FLAG",
            CertificateKind::None => "NONE",
        }
    }
}

/// A part of the dossier (hồ sơ), Law 06/2022 Art 84.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DossierPart {
    /// Tờ trình / văn bản đề nghị (with the list), Mẫu 01.
    ToTrinh,
    /// Báo cáo thành tích (Mẫu 02 collectives, Mẫu 03 individuals).
    BaoCaoThanhTich,
    /// Biên bản bình xét thi đua — minutes of the peer review (titles, Art 84.1).
    BienBanBinhXet,
    /// Biên bản xét khen thưởng — minutes of the commendation council (forms, Art 84.2).
    BienBanXetKhenThuong,
    /// Confirmation of the initiative or research used as a basis (Art 84.1), when one is.
    XacNhanSangKien,
    /// Confirmation of an đột xuất or special achievement (Art 84.2), for such nominations.
    XacNhanDotXuat,
    /// Related documents (Decree 152/2025 Art 33), if any.
    TaiLieuLienQuan,
    /// Electronic dossier sent by Bộ Nội vụ to the Prime Minister (Decree 152/2025 Art 42).
    HoSoDienTu,
}

impl DossierPart {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DossierPart::ToTrinh => "TO_TRINH",
            DossierPart::BaoCaoThanhTich => "BAO_CAO_THANH_TICH",
            DossierPart::BienBanBinhXet => "BIEN_BAN_BINH_XET",
            DossierPart::BienBanXetKhenThuong => "BIEN_BAN_XET_KHEN_THUONG",
            DossierPart::XacNhanSangKien => "XAC_NHAN_SANG_KIEN",
            DossierPart::XacNhanDotXuat => "XAC_NHAN_DOT_XUAT",
            DossierPart::TaiLieuLienQuan => "TAI_LIEU_LIEN_QUAN",
            DossierPart::HoSoDienTu => "HO_SO_DIEN_TU",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            DossierPart::ToTrinh => "Tờ trình đề nghị khen thưởng (kèm danh sách)",
            DossierPart::BaoCaoThanhTich => "Báo cáo thành tích",
            DossierPart::BienBanBinhXet => "Biên bản bình xét thi đua",
            DossierPart::BienBanXetKhenThuong => "Biên bản xét khen thưởng",
            DossierPart::XacNhanSangKien => {
                "Xác nhận của cấp có thẩm quyền về sáng kiến, đề tài khoa học"
            }
            DossierPart::XacNhanDotXuat => {
                "Xác nhận của cơ quan có thẩm quyền về thành tích đột xuất, đặc biệt"
            }
            DossierPart::TaiLieuLienQuan => "Tài liệu liên quan (nếu có)",
            DossierPart::HoSoDienTu => "Hồ sơ điện tử",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            DossierPart::ToTrinh => "Submission (with the list of nominees)",
            DossierPart::BaoCaoThanhTich => "Achievement report",
            DossierPart::BienBanBinhXet => "Minutes of the emulation peer review",
            DossierPart::BienBanXetKhenThuong => "Minutes of the commendation council",
            DossierPart::XacNhanSangKien => {
                "Confirmation of the initiative or research by the competent body"
            }
            DossierPart::XacNhanDotXuat => "Confirmation of the ad hoc or special achievement",
            DossierPart::TaiLieuLienQuan => "Related documents (if any)",
            DossierPart::HoSoDienTu => "Electronic dossier",
        }
    }

    /// Whether the part is required only in some cases (an initiative used as a basis, an
    /// đột xuất nomination, related documents that exist).
    pub fn conditional(self) -> bool {
        matches!(
            self,
            DossierPart::XacNhanSangKien
                | DossierPart::XacNhanDotXuat
                | DossierPart::TaiLieuLienQuan
        )
    }
}

/// The denominator of a council vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VoteBase {
    /// Every member of the council, present or not.
    AllMembers,
    /// Members present at the session.
    Present,
    /// Votes cast.
    Cast,
}

impl VoteBase {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            VoteBase::AllMembers => "ALL_MEMBERS",
            VoteBase::Present => "PRESENT",
            VoteBase::Cast => "CAST",
        }
    }
}

/// How the emulation and commendation council (Hội đồng TĐKT) approves a nomination.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilRule {
    /// Approval share, in percent of `base`.
    pub threshold_percent: u8,
    /// What the percentage is taken of.
    pub base: VoteBase,
    /// `>` rather than `>=`.
    pub strict: bool,
    /// Bỏ phiếu kín.
    pub secret_ballot: bool,
    /// How sure we are.
    pub confidence: Confidence,
    /// Where the rule comes from.
    pub source: String,
}

impl CouncilRule {
    /// Whether `votes_for` out of `base_count` approve.
    pub fn approves(&self, votes_for: u32, base_count: u32) -> bool {
        if base_count == 0 {
            return false;
        }
        let share = u64::from(votes_for) * 100;
        let needed = u64::from(self.threshold_percent) * u64::from(base_count);
        if self.strict {
            share > needed
        } else {
            share >= needed
        }
    }
}

/// A cash coefficient (hệ số), applied to the base salary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coefficient {
    /// The coefficient × 1000 (0.3 ⇒ 300).
    pub thousandths: u32,
    /// How sure we are.
    pub confidence: Confidence,
    /// Where it comes from.
    pub source: String,
}

/// A multiplier on the individual amount (households, collectives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multiplier {
    /// The multiplier × 1000 (1.5 ⇒ 1500).
    pub thousandths: u32,
    /// How sure we are.
    pub confidence: Confidence,
    /// Where it comes from.
    pub source: String,
}

/// Cash rules that are not per award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashRules {
    /// Households get this multiple of the individual amount for the same form.
    pub household: Multiplier,
    /// Collectives get this multiple of the individual amount for a form of commendation
    /// (titles for collectives have their own coefficient).
    pub collective_form: Multiplier,
}

/// One award kind under one regime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardRule {
    /// The award.
    pub award: AwardKind,
    /// Who may receive it under this regime (a subset of [`AwardKind::recipients`]).
    pub recipients: Vec<RecipientKind>,
    /// Who decides it.
    pub authority: AuthorityLevel,
    /// The articles that say so.
    pub authority_basis: String,
    /// What is handed over.
    pub certificate: CertificateKind,
    /// Required dossier parts, in the order of the dossier.
    pub dossier: Vec<DossierPart>,
    /// The articles that list them.
    pub dossier_basis: String,
    /// How the council votes.
    pub council: CouncilRule,
    /// The cash coefficient.
    pub coefficient: Coefficient,
    /// Every criterion, the general principles first, in order.
    pub criteria: Vec<Criterion>,
}

/// One criterion, for listing in the API (groups and their children, depth first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionInfo {
    /// Stable id (what the council attests for a judgement).
    pub id: String,
    /// The legal source.
    pub article: String,
    /// What is required, in Vietnamese.
    pub description_vi: String,
    /// What is required, in English.
    pub description_en: String,
    /// Whether the council must attest it.
    pub judgement: bool,
    /// The enclosing group's id, if any.
    pub parent: Option<String>,
    /// `any_of`, `all_of` or the predicate's rule name.
    pub rule: String,
    /// How sure we are that this is the law in force.
    pub confidence: Confidence,
    /// Recipient kinds it applies to (empty: all).
    pub applies_to: Vec<RecipientKind>,
}

impl AwardRule {
    /// Every criterion, depth first, with its judgement flag.
    pub fn criteria_summary(&self) -> Vec<CriterionInfo> {
        fn walk(c: &Criterion, parent: Option<&str>, out: &mut Vec<CriterionInfo>) {
            out.push(CriterionInfo {
                id: c.id.clone(),
                article: c.article.clone(),
                description_vi: c.description_vi.clone(),
                description_en: c.description_en.clone(),
                judgement: c.is_judgement(),
                parent: parent.map(str::to_owned),
                rule: c.rule().to_owned(),
                confidence: c.confidence,
                applies_to: c.applies_to.clone(),
            });
            if let CriterionBody::AllOf(children) | CriterionBody::AnyOf(children) = &c.body {
                for child in children {
                    walk(child, Some(&c.id), out);
                }
            }
        }
        let mut out = Vec::new();
        for c in &self.criteria {
            walk(c, None, &mut out);
        }
        out
    }

    /// The ids of the judgement criteria the council may attest for a nominee of `kind`.
    pub fn judgement_ids(&self, kind: RecipientKind) -> Vec<String> {
        self.criteria_summary()
            .into_iter()
            .filter(|c| c.judgement)
            .filter(|c| {
                let top = self.top_level_of(&c.id);
                top.is_none_or(|t| t.applies(kind))
            })
            .map(|c| c.id)
            .collect()
    }

    fn top_level_of(&self, id: &str) -> Option<&Criterion> {
        fn contains(c: &Criterion, id: &str) -> bool {
            c.id == id || c.children().iter().any(|child| contains(child, id))
        }
        self.criteria.iter().find(|c| contains(c, id))
    }
}

/// The awards and their parameters under one legal regime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruleset {
    /// Stable id, e.g. `ND98_2023`; stored on nominations.
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// First day in force.
    pub effective_from: Date,
    /// The texts it implements.
    pub legal_bases: Vec<String>,
    /// Household and collective multipliers.
    pub cash: CashRules,
    /// The ruleset file it was read from.
    pub file: String,
    /// One rule per award kind, in the order of [`AwardKind::ALL`].
    pub(crate) awards: Vec<AwardRule>,
}

impl Ruleset {
    /// The rule for `award` (every award kind is in every ruleset: checked when loading).
    pub fn award(&self, award: AwardKind) -> &AwardRule {
        &self.awards[award as usize]
    }

    /// Every award rule, in catalog order.
    pub fn awards(&self) -> impl Iterator<Item = &AwardRule> {
        self.awards.iter()
    }
}

/// One step of the base-salary schedule (mức lương cơ sở).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryStep {
    /// First day in force.
    pub from: Date,
    /// VND per month.
    pub vnd: i64,
    /// The decree that set it.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// Every regime Laurel knows, oldest first, and the base-salary schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rulesets {
    pub(crate) rulesets: Vec<Ruleset>,
    pub(crate) salary: Vec<SalaryStep>,
}

/// The ruleset files compiled into the binary: (name, text).
pub const EMBEDDED_RULESETS: [(&str, &str); 3] = [
    (
        "rulesets/nd98-2023.toml",
        include_str!("../../rulesets/nd98-2023.toml"),
    ),
    (
        "rulesets/nd152-2025.toml",
        include_str!("../../rulesets/nd152-2025.toml"),
    ),
    (
        "rulesets/nd91-2017.toml",
        include_str!("../../rulesets/nd91-2017.toml"),
    ),
];

/// The base-salary schedule compiled into the binary: (name, text).
pub const EMBEDDED_BASE_SALARY: (&str, &str) = (
    "rulesets/base-salary.toml",
    include_str!("../../rulesets/base-salary.toml"),
);

impl Rulesets {
    /// Parses and validates the ruleset files in `crates/laurel_domain/rulesets/`.
    pub fn embedded() -> Result<Rulesets, RulesetError> {
        Rulesets::parse(&EMBEDDED_RULESETS, EMBEDDED_BASE_SALARY)
    }

    /// Parses and validates ruleset files given as (name, TOML text), in any order, and the
    /// base-salary schedule.
    pub fn parse(
        files: &[(&str, &str)],
        base_salary: (&str, &str),
    ) -> Result<Rulesets, RulesetError> {
        let mut rulesets = files
            .iter()
            .map(|(name, text)| super::file::parse_ruleset(name, text))
            .collect::<Result<Vec<_>, _>>()?;
        rulesets.sort_by_key(|r| r.effective_from);
        super::file::check_rulesets(&rulesets)?;
        let salary = super::file::parse_salary(base_salary.0, base_salary.1)?;
        Ok(Rulesets { rulesets, salary })
    }

    /// Every ruleset, oldest first.
    pub fn all(&self) -> &[Ruleset] {
        &self.rulesets
    }

    /// The ruleset with this id.
    pub fn get(&self, id: &str) -> Option<&Ruleset> {
        self.rulesets.iter().find(|r| r.id == id)
    }

    /// The ruleset a nomination for `year` is judged by: the one in force on 31 December of that
    /// year, the end of the period the achievement is measured over. A 2025 nomination is judged
    /// by Decree 152/2025 (in force from 1/7/2025) even if part of the work was done before.
    /// `None` for years before the first regime.
    pub fn for_period(&self, year: i32) -> Option<&Ruleset> {
        let last_day = Date::from_calendar_date(year, Month::December, 31).ok()?;
        self.in_force_on(last_day)
    }

    /// The ruleset in force on `date`.
    pub fn in_force_on(&self, date: Date) -> Option<&Ruleset> {
        self.rulesets
            .iter()
            .rev()
            .find(|r| r.effective_from <= date)
    }

    /// The base salary (mức lương cơ sở, VND per month) in force on `date`.
    pub fn base_salary_on(&self, date: Date) -> Option<i64> {
        self.salary
            .iter()
            .rev()
            .find(|s| s.from <= date)
            .map(|s| s.vnd)
    }

    /// The base-salary schedule, oldest first.
    pub fn salary_schedule(&self) -> &[SalaryStep] {
        &self.salary
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `1500` ⇒ `1.5`; `300` ⇒ `0.3`; `12000` ⇒ `12`.
pub(crate) fn thousandths_text(value: u32) -> String {
    let whole = value / 1000;
    let frac = value % 1000;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:03}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

pub(crate) fn form_code(form: AwardForm) -> &'static str {
    match form {
        AwardForm::Title => "TITLE",
        AwardForm::Commendation => "COMMENDATION",
    }
}
