//! Why a ruleset file was refused. A ruleset is checked when Laurel starts; a mistake in one
//! names the file, the place in it and the problem, in Vietnamese and English.

use time::Date;

use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;

use super::catalog::Confidence;
use super::facts::DisciplineLevel;

/// A ruleset file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesetError {
    /// Not valid TOML, or a key or value of the wrong shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// Well-formed, but breaks a rule of the catalog.
    #[error("{file}: {at}: {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// Where in it, e.g. `award CSTD_CO_SO, criterion art23.ldtt`.
        at: String,
        /// What is wrong.
        problem: RulesetProblem,
    },
}

impl RulesetError {
    pub(crate) fn invalid(
        file: &str,
        at: impl Into<String>,
        problem: RulesetProblem,
    ) -> RulesetError {
        RulesetError::Invalid {
            file: file.to_owned(),
            at: at.into(),
            problem,
        }
    }
}

/// What is wrong in a ruleset file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesetProblem {
    /// An award kind has no entry.
    #[error("award {award} is missing: every award kind must be in every ruleset")]
    MissingAward {
        /// The award.
        award: AwardKind,
    },
    /// An award kind has two entries.
    #[error("award {award} appears twice")]
    DuplicateAward {
        /// The award.
        award: AwardKind,
    },
    /// The `form` does not match the award kind.
    #[error("form is {found}, but {award} is {expected}")]
    FormMismatch {
        /// The award.
        award: AwardKind,
        /// Its form.
        expected: &'static str,
        /// The form in the file.
        found: &'static str,
    },
    /// A recipient kind the award kind never accepts.
    #[error("{award} cannot be given to {}", kind.code())]
    RecipientNotAllowed {
        /// The award.
        award: AwardKind,
        /// The recipient kind.
        kind: RecipientKind,
    },
    /// `recipients` or `applies_to` is empty or repeats a kind.
    #[error("`{field}` must list each recipient kind at most once, and at least one")]
    BadRecipients {
        /// The key.
        field: &'static str,
    },
    /// Two criteria of one award share an id.
    #[error("criterion id `{id}` is used twice")]
    DuplicateCriterion {
        /// The id.
        id: String,
    },
    /// A criterion id with characters other than `a-z 0-9 . _ -`.
    #[error("criterion id `{id}` is malformed: use lowercase letters, digits, `.`, `_` and `-`")]
    BadCriterionId {
        /// The id.
        id: String,
    },
    /// A required text is empty.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The key.
        field: &'static str,
    },
    /// A criterion must be a leaf (`rule`) or a group (`any_of` / `all_of`), not both or neither.
    #[error("a criterion needs exactly one of `rule`, `any_of` and `all_of`")]
    NotOneBody,
    /// A group without children.
    #[error("`{group}` must list at least one criterion")]
    EmptyGroup {
        /// `any_of` or `all_of`.
        group: &'static str,
    },
    /// An unknown rule name.
    #[error("unknown rule `{rule}`")]
    UnknownRule {
        /// The name.
        rule: String,
    },
    /// A required parameter is absent.
    #[error("rule `{rule}` needs parameter `{parameter}`")]
    MissingParameter {
        /// The rule.
        rule: &'static str,
        /// The parameter.
        parameter: &'static str,
    },
    /// A parameter that the rule does not read.
    #[error("parameter `{parameter}` does not apply to rule `{rule}`")]
    UnexpectedParameter {
        /// The rule.
        rule: &'static str,
        /// The parameter.
        parameter: &'static str,
    },
    /// A number out of its range.
    #[error("`{parameter}` = {value} is out of range {min}–{max}")]
    OutOfRange {
        /// The key.
        parameter: &'static str,
        /// The value.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A decimal with more than three decimals, or not finite, or out of range.
    #[error(
        "`{parameter}` = {value} must be a number between 0.001 and 100 with at most three decimals"
    )]
    BadDecimal {
        /// The key.
        parameter: &'static str,
        /// The value as read.
        value: String,
    },
    /// A value that is not confirmed must say where it comes from.
    #[error("a value tagged {confidence} needs a `source`")]
    MissingSource {
        /// Its tag.
        confidence: Confidence,
    },
    /// A general principle was removed.
    #[error("the general criteria must include rule `{rule}`")]
    MissingGeneral {
        /// The rule.
        rule: &'static str,
    },
    /// A predicate that reads facts a recipient kind does not have.
    #[error("rule `{rule}` reads facts that a {} nominee does not have; limit the criterion with `applies_to`", kind.code())]
    WrongRecipient {
        /// The rule.
        rule: &'static str,
        /// The recipient kind.
        kind: RecipientKind,
    },
    /// `applies_to` on a nested criterion.
    #[error("`applies_to` is allowed on top-level criteria only")]
    NestedAppliesTo,
    /// Member facts only count members disciplined at cảnh cáo or above.
    #[error("level {} cannot be checked: member facts count members disciplined at CANH_CAO or above", level.code())]
    UnsupportedDisciplineLevel {
        /// The level asked for.
        level: DisciplineLevel,
    },
    /// A list of awards is empty or repeats one.
    #[error("`awards` must list each award at most once, and at least one")]
    BadAwards,
    /// Two rulesets share an id.
    #[error("ruleset id `{id}` is used twice")]
    DuplicateRulesetId {
        /// The id.
        id: String,
    },
    /// Two rulesets start on the same day.
    #[error("two rulesets take effect on {date}")]
    SameEffectiveDate {
        /// The day.
        date: Date,
    },
    /// Not a date.
    #[error("`{value}` is not a calendar date (write YYYY-MM-DD)")]
    BadDate {
        /// As read.
        value: String,
    },
    /// The base-salary schedule is empty.
    #[error("the schedule is empty")]
    EmptySchedule,
    /// Salary steps out of order.
    #[error("steps must be in date order, each date once")]
    ScheduleNotSorted,
    /// No ruleset file at all.
    #[error("there is no ruleset")]
    NoRuleset,
}

impl RulesetProblem {
    fn message_vi(&self) -> String {
        match self {
            RulesetProblem::MissingAward { award } => {
                format!("thiếu loại khen thưởng {award}: mọi loại phải có trong mọi bộ quy tắc")
            }
            RulesetProblem::DuplicateAward { award } => {
                format!("loại khen thưởng {award} xuất hiện hai lần")
            }
            RulesetProblem::FormMismatch {
                award,
                expected,
                found,
            } => {
                format!("hình thức ghi là {found}, nhưng {award} là {expected}")
            }
            RulesetProblem::RecipientNotAllowed { award, kind } => {
                format!("{award} không thể tặng cho đối tượng {}", kind.code())
            }
            RulesetProblem::BadRecipients { field } => {
                format!("`{field}` phải liệt kê ít nhất một đối tượng, mỗi đối tượng một lần")
            }
            RulesetProblem::DuplicateCriterion { id } => format!("mã tiêu chuẩn `{id}` bị trùng"),
            RulesetProblem::BadCriterionId { id } => format!(
                "mã tiêu chuẩn `{id}` không hợp lệ: chỉ dùng chữ thường, chữ số, `.`, `_` và `-`"
            ),
            RulesetProblem::Empty { field } => format!("`{field}` không được để trống"),
            RulesetProblem::NotOneBody => {
                "mỗi tiêu chuẩn phải có đúng một trong `rule`, `any_of`, `all_of`".to_owned()
            }
            RulesetProblem::EmptyGroup { group } => {
                format!("`{group}` phải có ít nhất một tiêu chuẩn")
            }
            RulesetProblem::UnknownRule { rule } => format!("không có quy tắc `{rule}`"),
            RulesetProblem::MissingParameter { rule, parameter } => {
                format!("quy tắc `{rule}` cần tham số `{parameter}`")
            }
            RulesetProblem::UnexpectedParameter { rule, parameter } => {
                format!("tham số `{parameter}` không dùng cho quy tắc `{rule}`")
            }
            RulesetProblem::OutOfRange {
                parameter,
                value,
                min,
                max,
            } => {
                format!("`{parameter}` = {value} nằm ngoài khoảng {min}–{max}")
            }
            RulesetProblem::BadDecimal { parameter, value } => format!(
                "`{parameter}` = {value} phải là số từ 0,001 đến 100, tối đa ba chữ số thập phân"
            ),
            RulesetProblem::MissingSource { confidence } => {
                format!("giá trị gắn nhãn {confidence} phải ghi nguồn (`source`)")
            }
            RulesetProblem::MissingGeneral { rule } => {
                format!("các nguyên tắc chung phải có quy tắc `{rule}`")
            }
            RulesetProblem::WrongRecipient { rule, kind } => format!(
                "quy tắc `{rule}` đọc dữ liệu mà đối tượng {} không có; hãy giới hạn bằng `applies_to`",
                kind.code()
            ),
            RulesetProblem::NestedAppliesTo => {
                "`applies_to` chỉ dùng cho tiêu chuẩn cấp ngoài cùng".to_owned()
            }
            RulesetProblem::UnsupportedDisciplineLevel { level } => format!(
                "không kiểm tra được mức {}: dữ liệu tập thể chỉ đếm thành viên bị kỷ luật từ cảnh cáo trở lên",
                level.code()
            ),
            RulesetProblem::BadAwards => {
                "`awards` phải có ít nhất một loại khen thưởng, mỗi loại một lần".to_owned()
            }
            RulesetProblem::DuplicateRulesetId { id } => format!("mã bộ quy tắc `{id}` bị trùng"),
            RulesetProblem::SameEffectiveDate { date } => {
                format!("hai bộ quy tắc cùng có hiệu lực từ {date}")
            }
            RulesetProblem::BadDate { value } => {
                format!("`{value}` không phải ngày hợp lệ (viết YYYY-MM-DD)")
            }
            RulesetProblem::EmptySchedule => "bảng lương cơ sở trống".to_owned(),
            RulesetProblem::ScheduleNotSorted => {
                "các mức lương phải theo thứ tự ngày, mỗi ngày một lần".to_owned()
            }
            RulesetProblem::NoRuleset => "không có bộ quy tắc nào".to_owned(),
        }
    }
}

impl Explain for RulesetError {
    fn message_vi(&self) -> String {
        match self {
            RulesetError::Parse { file, message } => {
                format!("Tệp bộ quy tắc {file} không đọc được: {message}")
            }
            RulesetError::Invalid { file, at, problem } => {
                format!("Tệp bộ quy tắc {file}, {at}: {}.", problem.message_vi())
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            RulesetError::Parse { file, message } => {
                format!("Ruleset file {file} cannot be read: {message}")
            }
            RulesetError::Invalid { file, at, problem } => {
                format!("Ruleset file {file}, {at}: {problem}.")
            }
        }
    }
}
