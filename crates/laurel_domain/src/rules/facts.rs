//! Facts about a nominee: what the rules engine reads.
//!
//! Facts are plain data with stable codes (the same codes in JSON, in the database and in the
//! GraphQL API). They carry no judgement: whether a fact qualifies is decided by the criteria of
//! a ruleset (see [`super::evaluate`]). Every list may come in any order; evaluation does not
//! depend on it.

use std::collections::{BTreeMap, BTreeSet};

use time::Date;

use crate::award::{AwardKind, RecipientKind};

time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

/// Kết quả đánh giá, xếp loại — the yearly task rating of a person or a collective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskRating {
    /// Hoàn thành xuất sắc nhiệm vụ — excellent.
    Htxsnv,
    /// Hoàn thành tốt nhiệm vụ — good.
    Httnv,
    /// Hoàn thành nhiệm vụ — completed.
    Htnv,
    /// Không hoàn thành nhiệm vụ — not completed.
    Khtnv,
}

impl TaskRating {
    /// Every rating, best first.
    pub const ALL: [TaskRating; 4] = [
        TaskRating::Htxsnv,
        TaskRating::Httnv,
        TaskRating::Htnv,
        TaskRating::Khtnv,
    ];

    /// Stable code, e.g. `HTXSNV`.
    pub fn code(self) -> &'static str {
        match self {
            TaskRating::Htxsnv => "HTXSNV",
            TaskRating::Httnv => "HTTNV",
            TaskRating::Htnv => "HTNV",
            TaskRating::Khtnv => "KHTNV",
        }
    }

    fn rank(self) -> u8 {
        match self {
            TaskRating::Htxsnv => 3,
            TaskRating::Httnv => 2,
            TaskRating::Htnv => 1,
            TaskRating::Khtnv => 0,
        }
    }

    /// Whether this rating is `other` or better (`Htxsnv` is the best).
    pub fn at_least(self, other: TaskRating) -> bool {
        self.rank() >= other.rank()
    }

    /// The worse of two ratings.
    pub fn worse(self, other: TaskRating) -> TaskRating {
        if self.rank() <= other.rank() {
            self
        } else {
            other
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            TaskRating::Htxsnv => "hoàn thành xuất sắc nhiệm vụ",
            TaskRating::Httnv => "hoàn thành tốt nhiệm vụ",
            TaskRating::Htnv => "hoàn thành nhiệm vụ",
            TaskRating::Khtnv => "không hoàn thành nhiệm vụ",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            TaskRating::Htxsnv => "excellent",
            TaskRating::Httnv => "good",
            TaskRating::Htnv => "completed",
            TaskRating::Khtnv => "not completed",
        }
    }
}

/// Phạm vi công nhận — the scope at which an initiative or a research result was recognised.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    /// Cơ sở — the grassroots unit.
    CoSo,
    /// Bộ, ban, ngành, tỉnh — a ministry, central body or province.
    BoTinh,
    /// Toàn quốc — nationwide.
    ToanQuoc,
}

impl Scope {
    /// Every scope, lowest first.
    pub const ALL: [Scope; 3] = [Scope::CoSo, Scope::BoTinh, Scope::ToanQuoc];

    /// Stable code, e.g. `CO_SO`.
    pub fn code(self) -> &'static str {
        match self {
            Scope::CoSo => "CO_SO",
            Scope::BoTinh => "BO_TINH",
            Scope::ToanQuoc => "TOAN_QUOC",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Scope::CoSo => "cơ sở",
            Scope::BoTinh => "bộ, ban, ngành, tỉnh",
            Scope::ToanQuoc => "toàn quốc",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Scope::CoSo => "grassroots",
            Scope::BoTinh => "ministry/province",
            Scope::ToanQuoc => "national",
        }
    }
}

/// Hình thức kỷ luật — disciplinary measures, from the mildest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisciplineLevel {
    /// Khiển trách — reprimand.
    KhienTrach,
    /// Cảnh cáo — warning.
    CanhCao,
    /// Hạ bậc lương — salary-grade reduction.
    HaBacLuong,
    /// Giáng chức — demotion.
    GiangChuc,
    /// Cách chức — removal from post.
    CachChuc,
    /// Buộc thôi việc — dismissal.
    BuocThoiViec,
}

impl DisciplineLevel {
    /// Every level, mildest first.
    pub const ALL: [DisciplineLevel; 6] = [
        DisciplineLevel::KhienTrach,
        DisciplineLevel::CanhCao,
        DisciplineLevel::HaBacLuong,
        DisciplineLevel::GiangChuc,
        DisciplineLevel::CachChuc,
        DisciplineLevel::BuocThoiViec,
    ];

    /// Stable code, e.g. `CANH_CAO`.
    pub fn code(self) -> &'static str {
        match self {
            DisciplineLevel::KhienTrach => "KHIEN_TRACH",
            DisciplineLevel::CanhCao => "CANH_CAO",
            DisciplineLevel::HaBacLuong => "HA_BAC_LUONG",
            DisciplineLevel::GiangChuc => "GIANG_CHUC",
            DisciplineLevel::CachChuc => "CACH_CHUC",
            DisciplineLevel::BuocThoiViec => "BUOC_THOI_VIEC",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            DisciplineLevel::KhienTrach => "khiển trách",
            DisciplineLevel::CanhCao => "cảnh cáo",
            DisciplineLevel::HaBacLuong => "hạ bậc lương",
            DisciplineLevel::GiangChuc => "giáng chức",
            DisciplineLevel::CachChuc => "cách chức",
            DisciplineLevel::BuocThoiViec => "buộc thôi việc",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            DisciplineLevel::KhienTrach => "reprimand",
            DisciplineLevel::CanhCao => "warning",
            DisciplineLevel::HaBacLuong => "salary-grade reduction",
            DisciplineLevel::GiangChuc => "demotion",
            DisciplineLevel::CachChuc => "removal from post",
            DisciplineLevel::BuocThoiViec => "dismissal",
        }
    }
}

/// Loại hình khen thưởng — the kind of an award (Law 06/2022 Art 8).
///
/// Only regular (`THUONG_XUYEN`) titles and forms count toward chains of regular awards:
/// đột xuất and thematic results are not a basis for merit-based awards (Decree 98/2023 Art 4).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommendationKind {
    /// Thường xuyên — yearly, for achievements over the period.
    #[default]
    ThuongXuyen,
    /// Đột xuất — for an unexpected outstanding achievement.
    DotXuat,
    /// Theo đợt hoặc chuyên đề — for a campaign or a thematic movement.
    TheoDotChuyenDe,
    /// Quá trình cống hiến — for long service in leadership.
    QuaTrinhCongHien,
    /// Niên hạn — seniority (army and police).
    NienHan,
    /// Đối ngoại — foreign recipients.
    DoiNgoai,
}

impl CommendationKind {
    /// Stable code, e.g. `DOT_XUAT`.
    pub fn code(self) -> &'static str {
        match self {
            CommendationKind::ThuongXuyen => "THUONG_XUYEN",
            CommendationKind::DotXuat => "DOT_XUAT",
            CommendationKind::TheoDotChuyenDe => "THEO_DOT_CHUYEN_DE",
            CommendationKind::QuaTrinhCongHien => "QUA_TRINH_CONG_HIEN",
            CommendationKind::NienHan => "NIEN_HAN",
            CommendationKind::DoiNgoai => "DOI_NGOAI",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            CommendationKind::ThuongXuyen => "thường xuyên",
            CommendationKind::DotXuat => "đột xuất",
            CommendationKind::TheoDotChuyenDe => "theo đợt, chuyên đề",
            CommendationKind::QuaTrinhCongHien => "quá trình cống hiến",
            CommendationKind::NienHan => "niên hạn",
            CommendationKind::DoiNgoai => "đối ngoại",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            CommendationKind::ThuongXuyen => "regular",
            CommendationKind::DotXuat => "ad hoc",
            CommendationKind::TheoDotChuyenDe => "thematic",
            CommendationKind::QuaTrinhCongHien => "lifetime contribution",
            CommendationKind::NienHan => "seniority",
            CommendationKind::DoiNgoai => "foreign",
        }
    }
}

/// The task rating of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingFact {
    /// The year rated.
    pub year: i32,
    /// The rating.
    pub rating: TaskRating,
}

/// A title or form of commendation, decided or proposed, for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleFact {
    /// Which award.
    pub award: AwardKind,
    /// The period (year) it was given for.
    pub year: i32,
    /// Regular, đột xuất, thematic, ... (JSON key `kind`, default `THUONG_XUYEN`).
    #[serde(default)]
    pub kind: CommendationKind,
}

/// The award a recognition (initiative or research) has already served as a basis for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsedFor {
    /// The award.
    pub award: AwardKind,
    /// Its period.
    pub year: i32,
}

/// A recognised initiative (sáng kiến) or an accepted research result (đề tài, đề án, công trình
/// khoa học đã nghiệm thu), with the scope at which it was recognised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognitionFact {
    /// The register number or any id, shown in explanations.
    #[serde(default)]
    pub id: Option<String>,
    /// The year it was recognised.
    pub year: i32,
    /// The scope of recognition.
    pub scope: Scope,
    /// Set when it already backed an award: it is not counted again for another one
    /// (Bộ Nội vụ reading of Law Art 74.1.d).
    #[serde(default)]
    pub used_for: Option<UsedFor>,
}

/// A disciplinary measure and the time it is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisciplineFact {
    /// The measure.
    pub level: DisciplineLevel,
    /// First day in force.
    #[serde(with = "iso_date")]
    pub from: Date,
    /// Last day in force; `None` while it is still running.
    #[serde(default, with = "iso_date::option")]
    pub to: Option<Date>,
}

impl DisciplineFact {
    /// Whether the measure is in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    /// Whether the measure is in force on some day between `first` and `last` (inclusive).
    pub fn overlaps(&self, first: Date, last: Date) -> bool {
        self.from <= last && self.to.is_none_or(|to| first <= to)
    }
}

/// Figures about a collective's members for the period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFacts {
    /// Members at the end of the period.
    pub total: u32,
    /// Members who completed their tasks (rated HTNV or better).
    #[serde(default)]
    pub completed_tasks: u32,
    /// Members holding a title for the period, per title.
    #[serde(default)]
    pub with_title: BTreeMap<AwardKind, u32>,
    /// Members disciplined at the level of cảnh cáo (warning) or above in the period.
    #[serde(default)]
    pub disciplined_canh_cao_or_above: u32,
}

impl MemberFacts {
    /// A collective of `total` members with no other figure recorded.
    pub fn new(total: u32) -> MemberFacts {
        MemberFacts {
            total,
            completed_tasks: 0,
            with_title: BTreeMap::new(),
            disciplined_canh_cao_or_above: 0,
        }
    }
}

/// Everything the rules engine knows about one nominee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NomineeFacts {
    /// Individual, collective or household.
    pub kind: RecipientKind,
    /// Ngày tuyển dụng — start of employment (individuals). `None`: not recorded, taken as
    /// having worked the whole period.
    #[serde(default, with = "iso_date::option")]
    pub recruited_on: Option<Date>,
    /// Yearly task ratings.
    #[serde(default)]
    pub ratings: Vec<RatingFact>,
    /// Titles and forms already decided, including earlier awards.
    #[serde(default)]
    pub titles: Vec<TitleFact>,
    /// Other awards proposed for this nominee and not yet decided (not the one being checked).
    /// Used only to detect one achievement backing two awards, never for chains.
    #[serde(default)]
    pub pending: Vec<TitleFact>,
    /// Recognised initiatives (sáng kiến).
    #[serde(default)]
    pub initiatives: Vec<RecognitionFact>,
    /// Accepted research results (đề tài, đề án, công trình khoa học).
    #[serde(default)]
    pub research: Vec<RecognitionFact>,
    /// Disciplinary measures.
    #[serde(default)]
    pub discipline: Vec<DisciplineFact>,
    /// Under a pending inspection, complaint, denunciation or discipline consideration.
    #[serde(default)]
    pub blocked: bool,
    /// Member figures (collectives).
    #[serde(default)]
    pub members: Option<MemberFacts>,
    /// Ids of the judgement criteria the council has attested.
    #[serde(default)]
    pub attested: BTreeSet<String>,
}

impl NomineeFacts {
    /// A nominee of `kind` with no facts at all.
    pub fn new(kind: RecipientKind) -> NomineeFacts {
        NomineeFacts {
            kind,
            recruited_on: None,
            ratings: Vec::new(),
            titles: Vec::new(),
            pending: Vec::new(),
            initiatives: Vec::new(),
            research: Vec::new(),
            discipline: Vec::new(),
            blocked: false,
            members: None,
            attested: BTreeSet::new(),
        }
    }
}
