//! Importing nominations from a spreadsheet (nhập danh sách đề nghị từ Excel): the template's
//! columns, reading each line into a typed [`Row`], and every problem a file, a line or a cell
//! can have, with where it is, in Vietnamese and English.
//!
//! Pure: the caller reads the file into text (`laurel_sheets::read`), and resolves the rows'
//! units, people and duplicates against the database, reporting what it finds as more
//! [`Finding`]s of the same kind. A file with any finding of severity [`Severity::Error`]
//! imports nothing.

use std::collections::BTreeMap;

use time::Date;
use unicode_normalization::UnicodeNormalization;

use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;
use crate::nomination::{ACHIEVEMENT_MAX, Period};
use crate::org::{PERSON_NAME_MAX, SHORT_TEXT_MAX, UNIT_NAME_MAX};
use crate::rules::{Scope, TaskRating};
use crate::text::clean_line;

/// Most lines one file may hold.
pub const MAX_ROWS: usize = 20_000;

/// Longest initiative title.
const INITIATIVE_MAX: usize = 500;

/// Longest address of a nominee outside the tree (as `registerNominee` takes it).
pub const ADDRESS_MAX: usize = 500;

/// Longest organisation of a nominee outside the tree (as `registerNominee` takes it).
pub const ORGANISATION_MAX: usize = 300;

/// A column of the template, in the template's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// STT: a running number, ignored.
    Number,
    /// Họ và tên (a person) or the collective's name.
    Name,
    /// Cá nhân / tập thể.
    RecipientKind,
    /// The person's unit, or the collective itself: its code or its exact name.
    Unit,
    /// Chức vụ (people only; used when the person is new to Laurel).
    Position,
    /// Cấp bậc (people only; used when the person is new to Laurel).
    Rank,
    /// Ngày tuyển dụng (people only; used when the person is new to Laurel).
    RecruitedOn,
    /// Hình thức khen thưởng: the award's code or Vietnamese name.
    Award,
    /// Cấp khen thưởng: the issuing unit's code.
    Issuer,
    /// Năm: the year the award is for.
    Year,
    /// Thành tích: the citation.
    Achievement,
    /// Xếp loại: the nominee's task rating in that year.
    Rating,
    /// Sáng kiến: the title of an initiative recognised in that year.
    Initiative,
    /// Phạm vi ảnh hưởng of the initiative.
    InitiativeScope,
    /// Who recognised the initiative.
    InitiativeBy,
    /// Địa chỉ: where a nominee outside the administrative tree lives or is (a citizen, a
    /// residential group, an enterprise, a school), registered for the import's movement.
    Address,
    /// Cơ quan, tổ chức of a nominee outside the tree (a person's workplace, a group's parent
    /// body).
    Organisation,
}

impl Column {
    /// Every column, in the template's order.
    pub const ALL: [Column; 17] = [
        Column::Number,
        Column::Name,
        Column::RecipientKind,
        Column::Unit,
        Column::Position,
        Column::Rank,
        Column::RecruitedOn,
        Column::Award,
        Column::Issuer,
        Column::Year,
        Column::Achievement,
        Column::Rating,
        Column::Initiative,
        Column::InitiativeScope,
        Column::InitiativeBy,
        Column::Address,
        Column::Organisation,
    ];

    /// The heading in the template.
    pub fn heading_vi(self) -> &'static str {
        match self {
            Column::Number => "STT",
            Column::Name => "Họ và tên / Tên tập thể",
            Column::RecipientKind => "Cá nhân / tập thể",
            Column::Unit => "Đơn vị",
            Column::Position => "Chức vụ",
            Column::Rank => "Cấp bậc",
            Column::RecruitedOn => "Ngày tuyển dụng",
            Column::Award => "Hình thức khen thưởng",
            Column::Issuer => "Cấp khen thưởng",
            Column::Year => "Năm",
            Column::Achievement => "Thành tích",
            Column::Rating => "Xếp loại",
            Column::Initiative => "Sáng kiến",
            Column::InitiativeScope => "Phạm vi sáng kiến",
            Column::InitiativeBy => "Cơ quan công nhận sáng kiến",
            Column::Address => "Địa chỉ (ngoài hệ thống)",
            Column::Organisation => "Cơ quan / tổ chức (ngoài hệ thống)",
        }
    }

    /// The heading in English, also accepted in a file.
    pub fn heading_en(self) -> &'static str {
        match self {
            Column::Number => "No.",
            Column::Name => "Name",
            Column::RecipientKind => "Individual / collective",
            Column::Unit => "Unit",
            Column::Position => "Position",
            Column::Rank => "Rank",
            Column::RecruitedOn => "Recruited on",
            Column::Award => "Award",
            Column::Issuer => "Issuer",
            Column::Year => "Year",
            Column::Achievement => "Achievement",
            Column::Rating => "Rating",
            Column::Initiative => "Initiative",
            Column::InitiativeScope => "Initiative scope",
            Column::InitiativeBy => "Initiative recognised by",
            Column::Address => "Address (outside the tree)",
            Column::Organisation => "Organisation (outside the tree)",
        }
    }

    /// Whether every file must have it.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Name
                | Column::RecipientKind
                | Column::Unit
                | Column::Award
                | Column::Issuer
                | Column::Year
                | Column::Achievement
        )
    }

    /// What goes in it, for the template's notes.
    pub fn note_vi(self) -> &'static str {
        match self {
            Column::Number => "Số thứ tự (không bắt buộc).",
            Column::Name => {
                "Họ và tên cá nhân, hoặc tên tập thể đúng như tên đơn vị trong Laurel. Bắt buộc."
            }
            Column::RecipientKind => "\"cá nhân\" hoặc \"tập thể\". Bắt buộc.",
            Column::Unit => {
                "Mã đơn vị (xem trang Đơn vị) của cá nhân, hoặc của chính tập thể. Bắt buộc."
            }
            Column::Position => {
                "Chức vụ của cá nhân (dùng khi cá nhân chưa có trong Laurel); với tập thể ngoài \
                 hệ thống: chức danh người đứng đầu, ví dụ Tổ trưởng."
            }
            Column::Rank => "Cấp bậc của cá nhân (dùng khi cá nhân chưa có trong Laurel).",
            Column::RecruitedOn => {
                "Ngày tuyển dụng, dạng dd/mm/yyyy (dùng khi cá nhân chưa có trong Laurel)."
            }
            Column::Award => "Mã hoặc tên hình thức khen thưởng (xem trang Danh mục). Bắt buộc.",
            Column::Issuer => "Mã đơn vị của cấp khen thưởng (cấp quản lý đơn vị). Bắt buộc.",
            Column::Year => "Năm khen thưởng, ví dụ 2024. Bắt buộc.",
            Column::Achievement => "Thành tích, ghi trên bằng/giấy khen. Bắt buộc.",
            Column::Rating => {
                "Xếp loại hoàn thành nhiệm vụ năm đó: mã hoặc tên (xem trang Danh mục)."
            }
            Column::Initiative => "Tên sáng kiến được công nhận trong năm (nếu có).",
            Column::InitiativeScope => {
                "Phạm vi ảnh hưởng của sáng kiến: cơ sở; bộ, ban, ngành, tỉnh; toàn quốc."
            }
            Column::InitiativeBy => "Cơ quan công nhận sáng kiến.",
            Column::Address => {
                "Chỉ ghi cho cá nhân, tập thể ngoài hệ thống (công dân, tổ dân phố, tổ tự quản, \
                 doanh nghiệp, trường học) được đề nghị theo phong trào: nơi cư trú hoặc địa chỉ. \
                 Khi đó cột Đơn vị là đơn vị tham gia phong trào đăng ký họ, và phải chọn phong \
                 trào khi nhập. Người/tập thể chưa đăng ký sẽ được đăng ký theo phong trào."
            }
            Column::Organisation => {
                "Cơ quan, tổ chức của cá nhân, tập thể ngoài hệ thống (nếu có); ghi kèm địa chỉ."
            }
        }
    }

    /// The column's letter in a sheet, for the column at `index` (0 is A).
    pub fn letter(index: u32) -> String {
        let mut n = index + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(char::from(b'A' + rem as u8));
            n = (n - 1) / 26;
        }
        letters.iter().rev().collect()
    }

    fn from_heading(heading: &str) -> Option<Column> {
        let wanted = fold(heading);
        Column::ALL
            .into_iter()
            .find(|c| fold(c.heading_vi()) == wanted || fold(c.heading_en()) == wanted)
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing of the file is imported until it is mended.
    Error,
    /// Said for the record; the file imports.
    Notice,
}

impl Severity {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Notice => "NOTICE",
        }
    }
}

/// What is wrong with (or worth saying about) a file, a line or a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is not a spreadsheet Laurel reads.
    Unreadable {
        /// The reader's words.
        detail: String,
    },
    /// The sheet has no lines at all.
    EmptySheet,
    /// The sheet has headings but no line under them.
    NoRows,
    /// More lines than [`MAX_ROWS`].
    TooManyRows {
        /// How many.
        actual: usize,
    },
    /// A required column is not among the headings.
    MissingColumn,
    /// A column appears twice among the headings.
    RepeatedColumn,
    /// A heading Laurel does not know; its column is ignored.
    UnknownColumn {
        /// The heading.
        heading: String,
    },
    /// A CSV file not in UTF-8, read as Windows-1258.
    DecodedWindows1258,
    /// A merged cell: its value belongs to one cell only.
    MergedCell,
    /// A formula: Laurel takes values, not what a formula computed when last saved.
    Formula,
    /// A required cell is empty.
    Empty,
    /// Longer than the column allows.
    TooLong {
        /// The limit, in characters.
        max: usize,
        /// The length, in characters.
        actual: usize,
    },
    /// Control or invisible direction characters.
    ControlCharacters,
    /// Text written in decomposed Unicode (NFD), stored composed (NFC).
    Normalised,
    /// Neither "cá nhân" nor "tập thể".
    UnknownRecipientKind {
        /// The value.
        value: String,
    },
    /// No award of that code or name.
    UnknownAward {
        /// The value.
        value: String,
    },
    /// The award is not given to that kind of recipient.
    AwardNotForRecipient {
        /// The award.
        award: AwardKind,
        /// The kind.
        kind: RecipientKind,
    },
    /// Not a date dd/mm/yyyy.
    BadDate {
        /// The value.
        value: String,
    },
    /// Not a year.
    BadYear {
        /// The value.
        value: String,
    },
    /// No task rating of that code or name.
    UnknownRating {
        /// The value.
        value: String,
    },
    /// No scope of that code or name.
    UnknownScope {
        /// The value.
        value: String,
    },
    /// An initiative without its scope or who recognised it.
    InitiativeIncomplete,
    /// Details only a person has, given for a collective.
    NotForCollective,
    /// No unit of that code or name.
    UnknownUnit {
        /// The value.
        value: String,
    },
    /// Several units of that name: the code tells them apart.
    AmbiguousUnit {
        /// The value.
        value: String,
    },
    /// A unit outside the proposing unit's subtree.
    OutOfScope {
        /// The unit's name.
        unit: String,
    },
    /// A collective whose name is not its unit's.
    CollectiveNameMismatch {
        /// The unit's name.
        unit: String,
    },
    /// Several people of that name in the unit.
    AmbiguousPerson {
        /// How many.
        count: usize,
    },
    /// The same nominee, award and year as an earlier line.
    DuplicateInFile {
        /// The earlier line.
        first_line: u32,
    },
    /// The nominee already has a nomination for that award and year.
    AlreadyNominated,
    /// The file's rating replaces another one on record for that year.
    RatingChanged {
        /// The year.
        year: i32,
        /// On record.
        from: TaskRating,
        /// In the file.
        to: TaskRating,
    },
    /// The initiative is on record already (or on an earlier line): not recorded again.
    InitiativeKnown,
    /// A person new to Laurel named as on an earlier line of the same unit: taken as one.
    SamePerson {
        /// The earlier line.
        first_line: u32,
    },
    /// The same nominee from outside the tree as an earlier line, with another organisation:
    /// a nominee is registered with one, so the lines must agree.
    OrganisationDiffers {
        /// The earlier line.
        first_line: u32,
    },
    /// A rule the nomination would break, explained by the rule itself.
    Rule {
        /// In Vietnamese.
        message_vi: String,
        /// In English.
        message_en: String,
    },
    /// Characters the certificate fonts cannot print.
    Unprintable {
        /// The characters.
        characters: String,
    },
    /// An organisation without an address: only a nominee outside the tree has one here.
    OrganisationWithoutAddress,
    /// Details of a member of the tree (rank, recruitment date) given for a nominee outside it.
    NotForOutside,
    /// A nominee outside the tree in an import made in no movement: registration is per
    /// movement.
    OutsideNeedsMovement,
    /// A line names, as its unit, a group registered from outside the tree for a person or
    /// for a nominee with an address, rather than the participating unit that registers them.
    RegisteredGroupUnit {
        /// The group's name.
        unit: String,
    },
    /// A group registered from outside the tree named as the issuer.
    RegisteredGroupIssuer {
        /// The group's name.
        unit: String,
    },
}

impl Problem {
    /// Stable code, for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Unreadable { .. } => "UNREADABLE_FILE",
            Problem::EmptySheet => "EMPTY_SHEET",
            Problem::NoRows => "NO_ROWS",
            Problem::TooManyRows { .. } => "TOO_MANY_ROWS",
            Problem::MissingColumn => "MISSING_COLUMN",
            Problem::RepeatedColumn => "REPEATED_COLUMN",
            Problem::UnknownColumn { .. } => "UNKNOWN_COLUMN",
            Problem::DecodedWindows1258 => "DECODED_WINDOWS_1258",
            Problem::MergedCell => "MERGED_CELL",
            Problem::Formula => "FORMULA",
            Problem::Empty => "EMPTY",
            Problem::TooLong { .. } => "TOO_LONG",
            Problem::ControlCharacters => "CONTROL_CHARACTERS",
            Problem::Normalised => "NORMALISED_TO_NFC",
            Problem::UnknownRecipientKind { .. } => "UNKNOWN_RECIPIENT_KIND",
            Problem::UnknownAward { .. } => "UNKNOWN_AWARD",
            Problem::AwardNotForRecipient { .. } => "AWARD_NOT_FOR_RECIPIENT",
            Problem::BadDate { .. } => "BAD_DATE",
            Problem::BadYear { .. } => "BAD_YEAR",
            Problem::UnknownRating { .. } => "UNKNOWN_RATING",
            Problem::UnknownScope { .. } => "UNKNOWN_SCOPE",
            Problem::InitiativeIncomplete => "INITIATIVE_INCOMPLETE",
            Problem::NotForCollective => "NOT_FOR_COLLECTIVE",
            Problem::UnknownUnit { .. } => "UNKNOWN_UNIT",
            Problem::AmbiguousUnit { .. } => "AMBIGUOUS_UNIT",
            Problem::OutOfScope { .. } => "OUT_OF_SCOPE",
            Problem::CollectiveNameMismatch { .. } => "COLLECTIVE_NAME_MISMATCH",
            Problem::AmbiguousPerson { .. } => "AMBIGUOUS_PERSON",
            Problem::DuplicateInFile { .. } => "DUPLICATE_IN_FILE",
            Problem::AlreadyNominated => "ALREADY_NOMINATED",
            Problem::RatingChanged { .. } => "RATING_CHANGED",
            Problem::InitiativeKnown => "INITIATIVE_KNOWN",
            Problem::SamePerson { .. } => "SAME_PERSON",
            Problem::OrganisationDiffers { .. } => "ORGANISATION_DIFFERS",
            Problem::Rule { .. } => "RULE",
            Problem::Unprintable { .. } => "UNPRINTABLE",
            Problem::OrganisationWithoutAddress => "ORGANISATION_WITHOUT_ADDRESS",
            Problem::NotForOutside => "NOT_FOR_OUTSIDE",
            Problem::OutsideNeedsMovement => "OUTSIDE_NEEDS_MOVEMENT",
            Problem::RegisteredGroupUnit { .. } => "REGISTERED_GROUP_UNIT",
            Problem::RegisteredGroupIssuer { .. } => "REGISTERED_GROUP_ISSUER",
        }
    }

    /// How much it matters.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::UnknownColumn { .. }
            | Problem::DecodedWindows1258
            | Problem::Normalised
            | Problem::RatingChanged { .. }
            | Problem::InitiativeKnown
            | Problem::SamePerson { .. } => Severity::Notice,
            _ => Severity::Error,
        }
    }

    fn says_vi(&self) -> String {
        match self {
            Problem::Unreadable { detail } => {
                format!(
                    "tệp không phải bảng tính Laurel đọc được (XLSX, XLS, ODS hoặc CSV): {detail}"
                )
            }
            Problem::EmptySheet => "trang tính đầu tiên trống".into(),
            Problem::NoRows => "không có dòng đề nghị nào dưới dòng tiêu đề".into(),
            Problem::TooManyRows { actual } => {
                format!("tệp có {actual} dòng; mỗi lần nhập tối đa {MAX_ROWS} dòng")
            }
            Problem::MissingColumn => "thiếu cột bắt buộc".into(),
            Problem::RepeatedColumn => "cột này xuất hiện hai lần".into(),
            Problem::UnknownColumn { heading } => {
                format!("cột \"{heading}\" không có trong mẫu nên được bỏ qua")
            }
            Problem::DecodedWindows1258 => {
                "tệp CSV không ở dạng UTF-8; đã đọc theo bảng mã Windows-1258".into()
            }
            Problem::MergedCell => "ô bị gộp; hãy bỏ gộp ô và ghi giá trị vào từng ô".into(),
            Problem::Formula => {
                "ô chứa công thức; hãy dán giá trị (Paste Special → Values) thay cho công thức"
                    .into()
            }
            Problem::Empty => "ô bắt buộc đang trống".into(),
            Problem::TooLong { max, actual } => format!("dài {actual} ký tự; tối đa {max} ký tự"),
            Problem::ControlCharacters => "chứa ký tự điều khiển hoặc ký tự định hướng ẩn".into(),
            Problem::Normalised => {
                "chữ viết ở dạng Unicode tổ hợp (NFD); đã chuẩn hoá về dạng dựng sẵn (NFC)".into()
            }
            Problem::UnknownRecipientKind { value } => {
                format!("\"{value}\" không phải \"cá nhân\" hay \"tập thể\"")
            }
            Problem::UnknownAward { value } => {
                format!("không có hình thức khen thưởng \"{value}\" (xem trang Danh mục)")
            }
            Problem::AwardNotForRecipient { award, kind } => format!(
                "{} không tặng cho {}",
                award.name_vi(),
                match kind {
                    RecipientKind::Individual => "cá nhân",
                    RecipientKind::Collective => "tập thể",
                    RecipientKind::Household => "hộ gia đình",
                }
            ),
            Problem::BadDate { value } => format!("\"{value}\" không phải ngày dạng dd/mm/yyyy"),
            Problem::BadYear { value } => format!(
                "\"{value}\" không phải năm trong khoảng {}–{}",
                Period::MIN,
                Period::MAX
            ),
            Problem::UnknownRating { value } => {
                format!("không có mức xếp loại \"{value}\" (xem trang Danh mục)")
            }
            Problem::UnknownScope { value } => {
                format!("không có phạm vi \"{value}\"; ghi: cơ sở; bộ, ban, ngành, tỉnh; toàn quốc")
            }
            Problem::InitiativeIncomplete => {
                "sáng kiến cần ghi cả phạm vi và cơ quan công nhận".into()
            }
            Problem::NotForCollective => {
                "chức vụ, cấp bậc, ngày tuyển dụng chỉ ghi cho cá nhân".into()
            }
            Problem::UnknownUnit { value } => {
                format!(
                    "không có đơn vị mã hoặc tên \"{value}\" (xem trang Đơn vị và trang Cấp khen thưởng)"
                )
            }
            Problem::AmbiguousUnit { value } => {
                format!("nhiều đơn vị cùng tên \"{value}\"; hãy ghi mã đơn vị")
            }
            Problem::OutOfScope { unit } => {
                format!("đơn vị {unit} không thuộc đơn vị đề nghị nên không nhập được")
            }
            Problem::CollectiveNameMismatch { unit } => {
                format!("tên tập thể khác tên đơn vị trong Laurel: \"{unit}\"")
            }
            Problem::AmbiguousPerson { count } => format!(
                "đơn vị có {count} người cùng họ tên này; hãy đề nghị người này trực tiếp trong Laurel"
            ),
            Problem::DuplicateInFile { first_line } => {
                format!("trùng với dòng {first_line}: cùng người/tập thể, hình thức và năm")
            }
            Problem::AlreadyNominated => {
                "đã có đề nghị cùng hình thức và năm cho người/tập thể này".into()
            }
            Problem::RatingChanged { year, from, to } => format!(
                "xếp loại năm {year} đang là \"{}\"; sẽ ghi lại thành \"{}\"",
                from.name_vi(),
                to.name_vi()
            ),
            Problem::InitiativeKnown => {
                "sáng kiến này đã được ghi nhận; không ghi lại lần nữa".into()
            }
            Problem::SamePerson { first_line } => {
                format!("cùng họ tên, cùng đơn vị với dòng {first_line}: coi là một người")
            }
            Problem::OrganisationDiffers { first_line } => format!(
                "cùng người với dòng {first_line} nhưng khác cơ quan, tổ chức: hãy ghi cùng một cơ quan, tổ chức ở cả hai dòng"
            ),
            Problem::Rule { message_vi, .. } => message_vi.trim_end_matches('.').to_owned(),
            Problem::Unprintable { characters } => {
                format!("có ký tự phông chữ bằng khen không in được: {characters}")
            }
            Problem::OrganisationWithoutAddress => {
                "cơ quan, tổ chức chỉ ghi cho người/tập thể ngoài hệ thống, kèm địa chỉ".into()
            }
            Problem::NotForOutside => {
                "cấp bậc, ngày tuyển dụng không ghi cho người/tập thể ngoài hệ thống".into()
            }
            Problem::OutsideNeedsMovement => {
                "người/tập thể ngoài hệ thống (có ghi địa chỉ) được đăng ký theo phong trào; hãy chọn phong trào khi nhập".into()
            }
            Problem::RegisteredGroupUnit { unit } => format!(
                "\"{unit}\" là tập thể ngoài hệ thống đã đăng ký: chỉ đề nghị chính tập thể này (không ghi địa chỉ); người, tập thể ngoài hệ thống khác ghi kèm địa chỉ, và cột Đơn vị ghi đơn vị tham gia phong trào đăng ký họ"
            ),
            Problem::RegisteredGroupIssuer { unit } => format!(
                "\"{unit}\" là tập thể ngoài hệ thống đã đăng ký, không là cấp khen thưởng"
            ),
        }
    }

    fn says_en(&self) -> String {
        match self {
            Problem::Unreadable { detail } => {
                format!(
                    "the file is not a spreadsheet Laurel reads (XLSX, XLS, ODS or CSV): {detail}"
                )
            }
            Problem::EmptySheet => "the first sheet is empty".into(),
            Problem::NoRows => "there is no nomination under the headings".into(),
            Problem::TooManyRows { actual } => {
                format!("the file has {actual} lines; at most {MAX_ROWS} are imported at once")
            }
            Problem::MissingColumn => "a required column is missing".into(),
            Problem::RepeatedColumn => "this column appears twice".into(),
            Problem::UnknownColumn { heading } => {
                format!("the column \"{heading}\" is not in the template and is ignored")
            }
            Problem::DecodedWindows1258 => {
                "the CSV file is not UTF-8; it was read as Windows-1258".into()
            }
            Problem::MergedCell => {
                "a merged cell; unmerge it and write the value in each cell".into()
            }
            Problem::Formula => {
                "a formula; paste its value (Paste Special → Values) instead".into()
            }
            Problem::Empty => "a required cell is empty".into(),
            Problem::TooLong { max, actual } => {
                format!("{actual} characters long; at most {max} are allowed")
            }
            Problem::ControlCharacters => {
                "contains control characters or invisible direction overrides".into()
            }
            Problem::Normalised => {
                "written in decomposed Unicode (NFD); stored composed (NFC)".into()
            }
            Problem::UnknownRecipientKind { value } => {
                format!(
                    "\"{value}\" is neither \"cá nhân\" (individual) nor \"tập thể\" (collective)"
                )
            }
            Problem::UnknownAward { value } => {
                format!("there is no award \"{value}\" (see the Danh mục sheet)")
            }
            Problem::AwardNotForRecipient { award, kind } => format!(
                "{} is not given to {}",
                award.name_en(),
                match kind {
                    RecipientKind::Individual => "individuals",
                    RecipientKind::Collective => "collectives",
                    RecipientKind::Household => "households",
                }
            ),
            Problem::BadDate { value } => format!("\"{value}\" is not a date dd/mm/yyyy"),
            Problem::BadYear { value } => format!(
                "\"{value}\" is not a year between {} and {}",
                Period::MIN,
                Period::MAX
            ),
            Problem::UnknownRating { value } => {
                format!("there is no task rating \"{value}\" (see the Danh mục sheet)")
            }
            Problem::UnknownScope { value } => format!(
                "there is no scope \"{value}\"; write cơ sở; bộ, ban, ngành, tỉnh; or toàn quốc"
            ),
            Problem::InitiativeIncomplete => {
                "an initiative needs its scope and who recognised it".into()
            }
            Problem::NotForCollective => {
                "position, rank and recruitment date are for individuals only".into()
            }
            Problem::UnknownUnit { value } => {
                format!(
                    "there is no unit with code or name \"{value}\" (see the Đơn vị and Cấp khen thưởng sheets)"
                )
            }
            Problem::AmbiguousUnit { value } => {
                format!("several units are named \"{value}\"; write the unit's code")
            }
            Problem::OutOfScope { unit } => {
                format!("{unit} is not within the proposing unit, so it cannot be imported")
            }
            Problem::CollectiveNameMismatch { unit } => {
                format!("the collective's name differs from its unit's name in Laurel: \"{unit}\"")
            }
            Problem::AmbiguousPerson { count } => format!(
                "the unit has {count} people of this name; nominate this one in Laurel directly"
            ),
            Problem::DuplicateInFile { first_line } => {
                format!("a duplicate of line {first_line}: the same nominee, award and year")
            }
            Problem::AlreadyNominated => {
                "this nominee already has a nomination for that award and year".into()
            }
            Problem::RatingChanged { year, from, to } => format!(
                "the rating for {year} on record is {}; it will be recorded as {}",
                from.code(),
                to.code()
            ),
            Problem::InitiativeKnown => {
                "this initiative is on record already; it is not recorded again".into()
            }
            Problem::SamePerson { first_line } => {
                format!("the same name in the same unit as line {first_line}: taken as one person")
            }
            Problem::OrganisationDiffers { first_line } => format!(
                "the same nominee as line {first_line} with another organisation: write the same organisation on both lines"
            ),
            Problem::Rule { message_en, .. } => message_en.trim_end_matches('.').to_owned(),
            Problem::Unprintable { characters } => {
                format!("characters the certificate fonts cannot print: {characters}")
            }
            Problem::OrganisationWithoutAddress => {
                "an organisation is only for a nominee outside the tree, with its address".into()
            }
            Problem::NotForOutside => {
                "rank and recruitment date are not for nominees outside the tree".into()
            }
            Problem::OutsideNeedsMovement => {
                "nominees outside the tree (with an address) are registered for a movement; choose the movement when importing".into()
            }
            Problem::RegisteredGroupUnit { unit } => format!(
                "\"{unit}\" is a group registered from outside the tree: only the group itself is nominated there (without an address); other nominees outside the tree are given with their address, and the unit is the participating unit that registers them"
            ),
            Problem::RegisteredGroupIssuer { unit } => format!(
                "\"{unit}\" is a group registered from outside the tree, not an issuer"
            ),
        }
    }
}

/// A problem and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The line (1 is the first), when it is about a line or a cell.
    pub line: Option<u32>,
    /// The column, when it is about one of the template's.
    pub column: Option<Column>,
    /// The column's position in the file (0 is A), when it has one there.
    pub position: Option<u32>,
    /// What.
    pub problem: Problem,
}

impl Finding {
    /// A finding about the whole file.
    pub fn file(problem: Problem) -> Finding {
        Finding {
            line: None,
            column: None,
            position: None,
            problem,
        }
    }

    /// A finding about a line.
    pub fn line(line: u32, problem: Problem) -> Finding {
        Finding {
            line: Some(line),
            column: None,
            position: None,
            problem,
        }
    }

    /// A finding about a cell of `layout`'s column.
    pub fn cell(layout: &Layout, line: u32, column: Column, problem: Problem) -> Finding {
        Finding {
            line: Some(line),
            column: Some(column),
            position: layout.position(column).map(|p| p as u32),
            problem,
        }
    }

    fn place_vi(&self) -> String {
        let mut place = Vec::new();
        if let Some(line) = self.line {
            place.push(format!("Dòng {line}"));
        }
        match (self.position, self.column) {
            (Some(p), Some(c)) => {
                place.push(format!("cột {} ({})", Column::letter(p), c.heading_vi()))
            }
            (Some(p), None) => place.push(format!("cột {}", Column::letter(p))),
            (None, Some(c)) => place.push(format!("cột \"{}\"", c.heading_vi())),
            (None, None) => {}
        }
        place.join(", ")
    }

    fn place_en(&self) -> String {
        let mut place = Vec::new();
        if let Some(line) = self.line {
            place.push(format!("Line {line}"));
        }
        match (self.position, self.column) {
            (Some(p), Some(c)) => {
                place.push(format!("column {} ({})", Column::letter(p), c.heading_en()))
            }
            (Some(p), None) => place.push(format!("column {}", Column::letter(p))),
            (None, Some(c)) => place.push(format!("column \"{}\"", c.heading_en())),
            (None, None) => {}
        }
        place.join(", ")
    }
}

impl Explain for Finding {
    fn message_vi(&self) -> String {
        let place = self.place_vi();
        let says = self.problem.says_vi();
        if place.is_empty() {
            capitalise(&says) + "."
        } else {
            format!("{place}: {says}.")
        }
    }

    fn message_en(&self) -> String {
        let place = self.place_en();
        let says = self.problem.says_en();
        if place.is_empty() {
            capitalise(&says) + "."
        } else {
            format!("{place}: {says}.")
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Where each of the template's columns is in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    positions: BTreeMap<Column, usize>,
}

impl Layout {
    /// The column's position (0 is A), if the file has it.
    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions.get(&column).copied()
    }
}

/// An initiative recognised in the nomination's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initiative {
    /// Its title.
    pub title: String,
    /// Its scope.
    pub scope: Scope,
    /// Who recognised it.
    pub recognised_by: String,
}

/// One line of a file, read and checked on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line.
    pub line: u32,
    /// The person's full name, or the collective's.
    pub name: String,
    /// Individual or collective.
    pub kind: RecipientKind,
    /// The unit's code or name, as written.
    pub unit: String,
    /// Chức vụ.
    pub position: Option<String>,
    /// Cấp bậc.
    pub rank: Option<String>,
    /// Ngày tuyển dụng.
    pub recruited_on: Option<Date>,
    /// The award.
    pub award: AwardKind,
    /// The issuer's code, as written.
    pub issuer: String,
    /// The year.
    pub year: i32,
    /// The citation.
    pub achievement: String,
    /// The task rating in that year.
    pub rating: Option<TaskRating>,
    /// An initiative recognised that year.
    pub initiative: Option<Initiative>,
    /// For a nominee outside the administrative tree: where it is, and its organisation.
    pub outside: Option<Outside>,
}

/// A nominee outside the administrative tree, as a line gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// Nơi cư trú, địa chỉ.
    pub address: String,
    /// Cơ quan, tổ chức, if any.
    pub organisation: Option<String>,
}

/// A file's lines, read: the rows that read cleanly, and every finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// Where the columns are.
    pub layout: Layout,
    /// The lines that read without an error.
    pub rows: Vec<Row>,
    /// How many lines of nominations the file has (read or not).
    pub lines: usize,
    /// Everything found, in file order.
    pub findings: Vec<Finding>,
}

impl Sheet {
    /// Whether anything found stops the import.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.problem.severity() == Severity::Error)
    }
}

/// Reads a sheet's text: the first non-empty line holds the headings, every non-empty line
/// under it a nomination. `merged` and `formulas` are cells (line, position) the reader saw.
pub fn read_sheet(lines: &[Vec<String>], merged: &[(u32, u32)], formulas: &[(u32, u32)]) -> Sheet {
    let mut sheet = Sheet::default();
    let blank = |line: &Vec<String>| line.iter().all(|c| c.trim().is_empty());
    let Some(first) = lines.iter().position(|l| !blank(l)) else {
        sheet.findings.push(Finding::file(Problem::EmptySheet));
        return sheet;
    };
    // The headings: the first line naming one of the template's columns (a title above them
    // is passed over), else the first line with text.
    let header_index = lines
        .iter()
        .position(|l| l.iter().any(|c| Column::from_heading(c).is_some()))
        .unwrap_or(first);
    let header_line = header_index as u32 + 1;
    for (position, heading) in lines[header_index].iter().enumerate() {
        if heading.trim().is_empty() {
            continue;
        }
        match Column::from_heading(heading) {
            Some(column) => match sheet.layout.positions.entry(column) {
                std::collections::btree_map::Entry::Occupied(_) => sheet.findings.push(Finding {
                    line: Some(header_line),
                    column: Some(column),
                    position: Some(position as u32),
                    problem: Problem::RepeatedColumn,
                }),
                std::collections::btree_map::Entry::Vacant(place) => {
                    place.insert(position);
                }
            },
            None => sheet.findings.push(Finding {
                line: Some(header_line),
                column: None,
                position: Some(position as u32),
                problem: Problem::UnknownColumn {
                    heading: heading.trim().nfc().collect(),
                },
            }),
        }
    }
    for column in Column::ALL {
        if column.required() && sheet.layout.position(column).is_none() {
            sheet.findings.push(Finding {
                line: Some(header_line),
                column: Some(column),
                position: None,
                problem: Problem::MissingColumn,
            });
        }
    }
    let column_at = |position: u32| {
        sheet
            .layout
            .positions
            .iter()
            .find(|&(_, p)| *p as u32 == position)
            .map(|(c, _)| *c)
    };
    let mut cell_findings = Vec::new();
    for (cells, problem) in [(merged, Problem::MergedCell), (formulas, Problem::Formula)] {
        for &(line, position) in cells {
            // Only the template's columns matter: a running number computed by a formula, or a
            // merged note beside the table, is no one's business.
            let read = column_at(position).is_some_and(|c| c != Column::Number);
            if line >= header_line && read {
                cell_findings.push(Finding {
                    line: Some(line),
                    column: column_at(position),
                    position: Some(position),
                    problem: problem.clone(),
                });
            }
        }
    }
    // A line with nothing in the template's columns but its running number is no nomination.
    let read_positions: Vec<usize> = sheet
        .layout
        .positions
        .iter()
        .filter(|(c, _)| **c != Column::Number)
        .map(|(_, p)| *p)
        .collect();
    let empty = |line: &Vec<String>| {
        read_positions
            .iter()
            .all(|p| line.get(*p).is_none_or(|c| c.trim().is_empty()))
    };
    let body: Vec<(u32, &Vec<String>)> = lines
        .iter()
        .enumerate()
        .skip(header_index + 1)
        .filter(|(_, l)| !empty(l))
        .map(|(i, l)| (i as u32 + 1, l))
        .collect();
    sheet.lines = body.len();
    if body.is_empty() {
        sheet.findings.push(Finding::file(Problem::NoRows));
    }
    if body.len() > MAX_ROWS {
        sheet
            .findings
            .push(Finding::file(Problem::TooManyRows { actual: body.len() }));
    }
    let columns_ok = !sheet.has_errors();
    let mut row_findings = Vec::new();
    if columns_ok && body.len() <= MAX_ROWS {
        for (line, cells) in body {
            let (row, findings) = read_line(&sheet.layout, line, cells);
            row_findings.extend(findings);
            if let Some(row) = row {
                sheet.rows.push(row);
            }
        }
    }
    // A line with a merged cell or a formula does not import either.
    let spoiled: std::collections::HashSet<u32> =
        cell_findings.iter().filter_map(|f| f.line).collect();
    sheet.rows.retain(|r| !spoiled.contains(&r.line));
    row_findings.extend(cell_findings);
    row_findings.sort_by_key(|f| (f.line, f.position));
    sheet.findings.extend(row_findings);
    sheet
}

/// Reads one line; `None` when it has an error (each one is in the findings).
pub fn read_line(layout: &Layout, line: u32, cells: &[String]) -> (Option<Row>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut text = |column: Column, max: usize| -> Option<String> {
        let raw = layout.position(column).and_then(|p| cells.get(p))?;
        let at = |problem| Finding::cell(layout, line, column, problem);
        let cleaned = match clean_line("cell", raw) {
            Ok(cleaned) => cleaned,
            Err(_) => {
                findings.push(at(Problem::ControlCharacters));
                return None;
            }
        };
        if cleaned.is_empty() {
            return None;
        }
        let actual = cleaned.chars().count();
        if actual > max {
            findings.push(at(Problem::TooLong { max, actual }));
            return None;
        }
        if !unicode_normalization::is_nfc(raw) {
            findings.push(at(Problem::Normalised));
        }
        Some(cleaned)
    };
    let name = text(Column::Name, PERSON_NAME_MAX.max(UNIT_NAME_MAX));
    let kind = text(Column::RecipientKind, SHORT_TEXT_MAX);
    let unit = text(Column::Unit, UNIT_NAME_MAX);
    let position = text(Column::Position, SHORT_TEXT_MAX);
    let rank = text(Column::Rank, SHORT_TEXT_MAX);
    let recruited_on = text(Column::RecruitedOn, SHORT_TEXT_MAX);
    let award = text(Column::Award, SHORT_TEXT_MAX);
    let issuer = text(Column::Issuer, UNIT_NAME_MAX);
    let year = text(Column::Year, SHORT_TEXT_MAX);
    let achievement = text(Column::Achievement, ACHIEVEMENT_MAX);
    let rating = text(Column::Rating, SHORT_TEXT_MAX);
    let initiative = text(Column::Initiative, INITIATIVE_MAX);
    let initiative_scope = text(Column::InitiativeScope, SHORT_TEXT_MAX);
    let initiative_by = text(Column::InitiativeBy, SHORT_TEXT_MAX * 2);
    let address = text(Column::Address, ADDRESS_MAX);
    let organisation = text(Column::Organisation, ORGANISATION_MAX);
    let errors_before = findings
        .iter()
        .filter(|f| f.problem.severity() == Severity::Error)
        .count();
    let at = |column, problem| Finding::cell(layout, line, column, problem);
    let mut required = |column: Column, value: &Option<String>| {
        // An over-long or unclean cell was reported already.
        let reported = findings.iter().any(|f| f.column == Some(column));
        if value.is_none() && !reported {
            findings.push(at(column, Problem::Empty));
        }
    };
    for (column, value) in [
        (Column::Name, &name),
        (Column::RecipientKind, &kind),
        (Column::Unit, &unit),
        (Column::Award, &award),
        (Column::Issuer, &issuer),
        (Column::Year, &year),
        (Column::Achievement, &achievement),
    ] {
        required(column, value);
    }
    let kind = kind.and_then(|value| {
        let parsed = parse_recipient_kind(&value);
        if parsed.is_none() {
            findings.push(at(
                Column::RecipientKind,
                Problem::UnknownRecipientKind { value },
            ));
        }
        parsed
    });
    let award = award.and_then(|value| {
        let parsed = parse_award(&value);
        if parsed.is_none() {
            findings.push(at(Column::Award, Problem::UnknownAward { value }));
        }
        parsed
    });
    if let (Some(award), Some(kind)) = (award, kind)
        && !award.recipients().contains(&kind)
    {
        findings.push(at(
            Column::Award,
            Problem::AwardNotForRecipient { award, kind },
        ));
    }
    let year = year.and_then(|value| match parse_year(&value) {
        Some(year) => Some(year),
        None => {
            findings.push(at(Column::Year, Problem::BadYear { value }));
            None
        }
    });
    let recruited_on = recruited_on.and_then(|value| match parse_date(&value) {
        Some(date) => Some(date),
        None => {
            findings.push(at(Column::RecruitedOn, Problem::BadDate { value }));
            None
        }
    });
    let rating = rating.and_then(|value| {
        let parsed = TaskRating::ALL
            .into_iter()
            .find(|r| fold(r.code()) == fold(&value) || fold(r.name_vi()) == fold(&value));
        if parsed.is_none() {
            findings.push(at(Column::Rating, Problem::UnknownRating { value }));
        }
        parsed
    });
    let scope = initiative_scope.clone().and_then(|value| {
        let parsed = [Scope::CoSo, Scope::BoTinh, Scope::ToanQuoc]
            .into_iter()
            .find(|s| fold(s.code()) == fold(&value) || fold(s.name_vi()) == fold(&value));
        if parsed.is_none() {
            findings.push(at(Column::InitiativeScope, Problem::UnknownScope { value }));
        }
        parsed
    });
    let initiative = match (initiative, scope, initiative_by) {
        (None, _, _) => None,
        (Some(title), Some(scope), Some(recognised_by)) => Some(Initiative {
            title,
            scope,
            recognised_by,
        }),
        (Some(_), scope, _) => {
            // An unknown scope was reported already.
            if scope.is_some() || initiative_scope.is_none() {
                findings.push(at(Column::Initiative, Problem::InitiativeIncomplete));
            }
            None
        }
    };
    if let (Some(RecipientKind::Individual), Some(n)) = (kind, &name) {
        let actual = n.chars().count();
        if actual > PERSON_NAME_MAX {
            findings.push(at(
                Column::Name,
                Problem::TooLong {
                    max: PERSON_NAME_MAX,
                    actual,
                },
            ));
        }
    }
    if kind == Some(RecipientKind::Collective) {
        for (column, given) in [
            // A group outside the tree gives its head's title there (e.g. "Tổ trưởng").
            (Column::Position, position.is_some() && address.is_none()),
            (Column::Rank, rank.is_some()),
            (Column::RecruitedOn, recruited_on.is_some()),
        ] {
            if given {
                findings.push(at(column, Problem::NotForCollective));
            }
        }
    }
    let outside = match (address, organisation) {
        (Some(address), organisation) => {
            for (column, given) in [
                (Column::Rank, rank.is_some()),
                (Column::RecruitedOn, recruited_on.is_some()),
            ] {
                if given && kind == Some(RecipientKind::Individual) {
                    findings.push(at(column, Problem::NotForOutside));
                }
            }
            Some(Outside {
                address,
                organisation,
            })
        }
        (None, Some(_)) => {
            findings.push(at(
                Column::Organisation,
                Problem::OrganisationWithoutAddress,
            ));
            None
        }
        (None, None) => None,
    };
    let errors_after = findings
        .iter()
        .filter(|f| f.problem.severity() == Severity::Error)
        .count();
    let row = match (name, kind, unit, award, issuer, year, achievement) {
        (
            Some(name),
            Some(kind),
            Some(unit),
            Some(award),
            Some(issuer),
            Some(year),
            Some(achievement),
        ) if errors_after == errors_before && errors_before == 0 => Some(Row {
            line,
            name,
            kind,
            unit,
            position,
            rank,
            recruited_on,
            award,
            issuer,
            year,
            achievement,
            rating,
            initiative,
            outside,
        }),
        _ => None,
    };
    (row, findings)
}

/// Lowercased, NFC, single-spaced: how headings and listed values are compared.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect::<String>()
        .to_lowercase()
}

fn parse_recipient_kind(value: &str) -> Option<RecipientKind> {
    match fold(value).as_str() {
        "cá nhân" | "ca nhan" | "individual" => Some(RecipientKind::Individual),
        "tập thể" | "tap the" | "collective" => Some(RecipientKind::Collective),
        _ => None,
    }
}

fn parse_award(value: &str) -> Option<AwardKind> {
    let wanted = fold(value);
    AwardKind::ALL
        .into_iter()
        .find(|a| fold(a.code()) == wanted || fold(a.name_vi()) == wanted)
}

fn parse_year(value: &str) -> Option<i32> {
    let year: i32 = value.trim().parse().ok()?;
    Period::new(year).ok().map(|p| p.year())
}

/// A date written dd/mm/yyyy (or d/m/yyyy, or with '-' or '.'), or ISO yyyy-mm-dd.
pub fn parse_date(value: &str) -> Option<Date> {
    let parts: Vec<&str> = value.trim().split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (day, month, year) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    if year.len() != 4 {
        return None;
    }
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    fn header() -> Vec<String> {
        Column::ALL
            .iter()
            .map(|c| c.heading_vi().to_owned())
            .collect()
    }

    fn codes(sheet: &Sheet) -> Vec<(Option<u32>, Option<Column>, &'static str)> {
        sheet
            .findings
            .iter()
            .map(|f| (f.line, f.column, f.problem.code()))
            .collect()
    }

    #[test]
    fn a_clean_line_reads_into_a_row() {
        let sheet = read_sheet(
            &[
                header(),
                line(&[
                    "1",
                    "Nguyễn  Văn An",
                    "cá nhân",
                    "PC02",
                    "Đội trưởng",
                    "Đại úy",
                    "9/3/2015",
                    "Giấy khen",
                    "CAT",
                    "2024",
                    "Hoàn thành xuất sắc nhiệm vụ",
                    "HTXSNV",
                    "Sổ tay điều tra",
                    "cơ sở",
                    "Hội đồng sáng kiến Công an tỉnh",
                ]),
            ],
            &[],
            &[],
        );
        assert_eq!(sheet.findings, []);
        let row = &sheet.rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.name, "Nguyễn Văn An");
        assert_eq!(row.award, AwardKind::GiayKhen);
        assert_eq!(
            row.recruited_on,
            Date::from_calendar_date(2015, time::Month::March, 9).ok()
        );
        assert_eq!(row.rating, Some(TaskRating::Htxsnv));
        assert_eq!(row.initiative.as_ref().map(|i| i.scope), Some(Scope::CoSo));
    }

    /// Each bad cell yields its own finding, at its line and column, and the line does not
    /// import; a name in NFD is a notice and the line imports composed.
    #[test]
    fn every_bad_cell_is_found_where_it_is() {
        let good = |name: &str| {
            line(&[
                "",
                name,
                "cá nhân",
                "PC02",
                "",
                "",
                "",
                "GIAY_KHEN",
                "CAT",
                "2024",
                "Tốt",
                "",
                "",
                "",
                "",
            ])
        };
        let mut bad_award = good("B");
        bad_award[7] = "Huân chương".into();
        let mut bad_date = good("C");
        bad_date[6] = "31/02/2020".into();
        let mut bad_year = good("D");
        bad_year[9] = "năm ngoái".into();
        let mut empty = good("E");
        empty[10] = "  ".into();
        let mut flag_for_person = good("F");
        flag_for_person[7] = "Cờ thi đua của bộ, ban, ngành, tỉnh".into();
        let mut collective_rank = good("G");
        collective_rank[2] = "tập thể".into();
        collective_rank[5] = "Đại úy".into();
        let mut half_initiative = good("H");
        half_initiative[12] = "Sáng kiến".into();
        let nfd = good(&"Nguyễn Thị Ngọc".nfd().collect::<String>());
        let sheet = read_sheet(
            &[
                header(),
                good("A"),
                bad_award,
                bad_date,
                bad_year,
                empty,
                flag_for_person,
                collective_rank,
                half_initiative,
                nfd,
            ],
            &[(2, 1)],
            &[(3, 9)],
        );
        assert_eq!(
            codes(&sheet),
            [
                (Some(2), Some(Column::Name), "MERGED_CELL"),
                (Some(3), Some(Column::Award), "UNKNOWN_AWARD"),
                (Some(3), Some(Column::Year), "FORMULA"),
                (Some(4), Some(Column::RecruitedOn), "BAD_DATE"),
                (Some(5), Some(Column::Year), "BAD_YEAR"),
                (Some(6), Some(Column::Achievement), "EMPTY"),
                (Some(7), Some(Column::Award), "AWARD_NOT_FOR_RECIPIENT"),
                (Some(8), Some(Column::Rank), "NOT_FOR_COLLECTIVE"),
                (Some(9), Some(Column::Initiative), "INITIATIVE_INCOMPLETE"),
                (Some(10), Some(Column::Name), "NORMALISED_TO_NFC"),
            ]
        );
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].name, "Nguyễn Thị Ngọc");
        assert!(sheet.rows[0].name.nfc().eq(sheet.rows[0].name.chars()));
        let f = &sheet.findings[1];
        assert_eq!(
            f.message_vi(),
            "Dòng 3, cột H (Hình thức khen thưởng): không có hình thức khen thưởng \"Huân chương\" (xem trang Danh mục)."
        );
        assert_eq!(
            f.message_en(),
            "Line 3, column H (Award): there is no award \"Huân chương\" (see the Danh mục sheet)."
        );
    }

    /// A nominee outside the tree (a citizen, a group) is given by its address; an organisation
    /// goes with an address, and a citizen has no rank or recruitment date.
    #[test]
    fn a_line_with_an_address_names_a_nominee_outside_the_tree() {
        let outside = |name: &str, rank: &str, address: &str, organisation: &str| {
            line(&[
                "",
                name,
                "cá nhân",
                "PTM",
                "Tổ trưởng tổ tự quản",
                rank,
                "",
                "GIAY_KHEN",
                "CAT",
                "2024",
                "Tích cực tố giác tội phạm",
                "",
                "",
                "",
                "",
                address,
                organisation,
            ])
        };
        let sheet = read_sheet(
            &[
                header(),
                outside(
                    "Nguyễn Văn Dân",
                    "",
                    "Tổ 5, phường Hội Thương",
                    "Chợ Pleiku",
                ),
                outside("Lê Văn Hai", "Thiếu úy", "Tổ 6, phường Hội Thương", ""),
                outside("Trần Thị Ba", "", "", "Trường THCS Phạm Hồng Thái"),
                outside("Đỗ Văn Bốn", "", "", ""),
            ],
            &[],
            &[],
        );
        assert_eq!(
            codes(&sheet),
            [
                (Some(3), Some(Column::Rank), "NOT_FOR_OUTSIDE"),
                (
                    Some(4),
                    Some(Column::Organisation),
                    "ORGANISATION_WITHOUT_ADDRESS"
                ),
            ]
        );
        let rows: Vec<_> = sheet
            .rows
            .iter()
            .map(|r| (r.line, r.outside.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    2,
                    Some(Outside {
                        address: "Tổ 5, phường Hội Thương".into(),
                        organisation: Some("Chợ Pleiku".into()),
                    })
                ),
                (5, None),
            ]
        );
    }

    #[test]
    fn headings_are_matched_in_either_language_and_missing_ones_named() {
        let sheet = read_sheet(
            &[line(&[
                "name",
                "CÁ NHÂN / TẬP THỂ",
                "Đơn vị",
                "Award",
                "Ghi chú",
                "Award",
            ])],
            &[],
            &[],
        );
        assert_eq!(
            codes(&sheet),
            [
                (Some(1), None, "UNKNOWN_COLUMN"),
                (Some(1), Some(Column::Award), "REPEATED_COLUMN"),
                (Some(1), Some(Column::Issuer), "MISSING_COLUMN"),
                (Some(1), Some(Column::Year), "MISSING_COLUMN"),
                (Some(1), Some(Column::Achievement), "MISSING_COLUMN"),
                (None, None, "NO_ROWS"),
            ]
        );
        assert_eq!(
            sheet.findings[2].message_vi(),
            "Dòng 1, cột \"Cấp khen thưởng\": thiếu cột bắt buộc."
        );
        assert_eq!(
            codes(&read_sheet(&[], &[], &[])),
            [(None, None, "EMPTY_SHEET")]
        );
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(Column::letter(0), "A");
        assert_eq!(Column::letter(25), "Z");
        assert_eq!(Column::letter(26), "AA");
        assert_eq!(Column::letter(701), "ZZ");
    }
}
