//! Criteria: a tree of `all_of` / `any_of` groups whose leaves are predicates from a small,
//! closed vocabulary. A ruleset file spells the tree out; [`super::evaluate`] walks it.

use crate::award::{AwardKind, RecipientKind};

use super::catalog::Confidence;
use super::facts::{DisciplineLevel, Scope, TaskRating};

/// Which year a chain must end in, relative to the period being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Ending {
    /// The chain ends in the period itself.
    Period,
    /// The chain ends in the year before the period.
    Previous,
    /// Either; the longer chain counts.
    PeriodOrPrevious,
}

impl Ending {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Ending::Period => "PERIOD",
            Ending::Previous => "PREVIOUS",
            Ending::PeriodOrPrevious => "PERIOD_OR_PREVIOUS",
        }
    }

    /// Year offsets back from the period that a chain may end at.
    pub(crate) fn offsets(self) -> &'static [u32] {
        match self {
            Ending::Period => &[0],
            Ending::Previous => &[1],
            Ending::PeriodOrPrevious => &[0, 1],
        }
    }
}

/// Where recognitions are looked for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecognitionSource {
    /// Sáng kiến — [`super::NomineeFacts::initiatives`].
    Initiatives,
    /// Đề tài, đề án, công trình khoa học — [`super::NomineeFacts::research`].
    Research,
}

impl RecognitionSource {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RecognitionSource::Initiatives => "INITIATIVES",
            RecognitionSource::Research => "RESEARCH",
        }
    }

    pub(crate) fn title_vi(self) -> &'static str {
        match self {
            RecognitionSource::Initiatives => "Sáng kiến",
            RecognitionSource::Research => "Đề tài/công trình khoa học",
        }
    }

    pub(crate) fn name_en(self) -> &'static str {
        match self {
            RecognitionSource::Initiatives => "initiatives",
            RecognitionSource::Research => "research results",
        }
    }
}

/// A leaf of the criteria tree: one question about the facts.
///
/// The vocabulary is closed on purpose: a ruleset is data, and every predicate here is tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Predicate {
    /// The nominee's kind is among the award's recipients.
    RecipientKind,
    /// No pending inspection, complaint or discipline consideration.
    NotBlocked,
    /// No disciplinary measure in force on the `as_of` date.
    NoOngoingDiscipline,
    /// No measure of at least `min_level` in force during the period (achievements count from
    /// the end of a disciplinary period).
    NoDisciplineInPeriod {
        /// Mildest measure that counts.
        min_level: DisciplineLevel,
    },
    /// Law Art 5.3: the same award for the same period, or another regular form of commendation
    /// for the same period, is neither decided nor pending.
    OneAchievementOneAward,
    /// `count` regular titles among `awards`, each at most `max_gap_years` after the previous
    /// one, the last one ending as `ending` says.
    TitlesConsecutive {
        /// Titles that count (any of them in a year).
        awards: Vec<AwardKind>,
        /// How many titles the chain needs.
        count: u32,
        /// Largest distance between two titles of the chain (1 = consecutive years).
        max_gap_years: u32,
        /// Where the chain ends.
        ending: Ending,
        /// Count only years after the last regular award of the kind being checked.
        after_previous: bool,
        /// Count only years after the end of the last disciplinary measure of at least this
        /// level, ended or not (Decree 98/2023 Art 4: achievements count from the end of a
        /// disciplinary period).
        after_discipline: Option<DisciplineLevel>,
    },
    /// `years` consecutive yearly ratings of at least `at_least`.
    RatingsConsecutive {
        /// Lowest rating that counts.
        at_least: TaskRating,
        /// How many consecutive years.
        years: u32,
        /// Where the streak ends.
        ending: Ending,
        /// Count only years after the last regular award of the kind being checked.
        after_previous: bool,
        /// Count only years after the end of the last disciplinary measure of at least this
        /// level, ended or not (Decree 98/2023 Art 4: achievements count from the end of a
        /// disciplinary period).
        after_discipline: Option<DisciplineLevel>,
    },
    /// At least `count` recognitions from one of `sources` (each source counted on its own) at
    /// `min_scope` or above, recognised within the `window_years` years up to the period, and
    /// not already used for another award.
    RecognitionsInWindow {
        /// Initiatives, research, or either.
        sources: Vec<RecognitionSource>,
        /// Lowest scope that counts.
        min_scope: Scope,
        /// How many are needed from one source.
        count: u32,
        /// Length of the window, ending with the period.
        window_years: u32,
        /// When set, the window extends over the whole streak of ratings at least this good
        /// ending with the period ("trong thời gian đó", Art 74.1.d).
        extend_over_rating_streak: Option<TaskRating>,
        /// Count only years after the last regular award of the kind being checked.
        after_previous: bool,
        /// Count only years after the end of the last disciplinary measure of at least this
        /// level, ended or not (Decree 98/2023 Art 4: achievements count from the end of a
        /// disciplinary period).
        after_discipline: Option<DisciplineLevel>,
    },
    /// Art 73.1.b: a regular `award` in year Y, then every year from Y+1 to the period (at least
    /// `years` years) rated `at_least` or better, with at least `title_count` regular `title`
    /// titles in those years.
    PriorAwardThenYears {
        /// The prior award.
        award: AwardKind,
        /// Minimum number of years after it.
        years: u32,
        /// Lowest rating in each of those years.
        at_least: TaskRating,
        /// Title counted in those years.
        title: AwardKind,
        /// How many of them.
        title_count: u32,
        /// The prior award and the years must come after the last regular award of the kind
        /// being checked.
        after_previous: bool,
        /// Count only years after the end of the last disciplinary measure of at least this
        /// level, ended or not (Decree 98/2023 Art 4: achievements count from the end of a
        /// disciplinary period).
        after_discipline: Option<DisciplineLevel>,
    },
    /// At least `min_percent` (strictly more when `strict`) of the members hold one of `awards`.
    MemberShareWithTitle {
        /// Titles that count (summed).
        awards: Vec<AwardKind>,
        /// The share, in percent.
        min_percent: u8,
        /// `>` instead of `>=`.
        strict: bool,
    },
    /// At least `min_count` members hold one of `awards`.
    MemberCountWithTitle {
        /// Titles that count (summed).
        awards: Vec<AwardKind>,
        /// How many members.
        min_count: u32,
    },
    /// Every member completed their tasks.
    AllMembersCompletedTasks,
    /// No member disciplined at `level` or above (the facts record cảnh cáo or above).
    NoMemberDisciplinedAtOrAbove {
        /// The level; only `CANH_CAO` can be checked against [`super::MemberFacts`].
        level: DisciplineLevel,
    },
    /// At least `min_months` full months from recruitment to the end of the period.
    MonthsWorked {
        /// Minimum number of months.
        min_months: u32,
    },
    /// A judgement only the council can make; met when its id is in `attested`, otherwise it
    /// waits for the council (needs judgement).
    Judgement,
    /// A fact recorded by attestation rather than in the fact lists (e.g. ingenuity in combat
    /// recognised by a commander): met when its id is in `attested`, otherwise simply not met.
    /// Used for alternatives that only some nominees can claim, so that the others are not left
    /// waiting on a judgement that does not concern them.
    AttestedFact,
}

impl Predicate {
    /// The rule name used in ruleset files.
    pub fn rule(&self) -> &'static str {
        match self {
            Predicate::RecipientKind => "recipient_kind",
            Predicate::NotBlocked => "not_blocked",
            Predicate::NoOngoingDiscipline => "no_ongoing_discipline",
            Predicate::NoDisciplineInPeriod { .. } => "no_discipline_in_period",
            Predicate::OneAchievementOneAward => "one_achievement_one_award",
            Predicate::TitlesConsecutive { .. } => "titles_consecutive",
            Predicate::RatingsConsecutive { .. } => "ratings_consecutive",
            Predicate::RecognitionsInWindow { .. } => "recognitions_in_window",
            Predicate::PriorAwardThenYears { .. } => "prior_award_then_years",
            Predicate::MemberShareWithTitle { .. } => "member_share_with_title",
            Predicate::MemberCountWithTitle { .. } => "member_count_with_title",
            Predicate::AllMembersCompletedTasks => "all_members_completed_tasks",
            Predicate::NoMemberDisciplinedAtOrAbove { .. } => "no_member_disciplined_at_or_above",
            Predicate::MonthsWorked { .. } => "months_worked",
            Predicate::Judgement => "judgement",
            Predicate::AttestedFact => "attested_fact",
        }
    }

    /// The parameters, as written in a ruleset file, for listings and the catalog snapshot.
    pub fn parameters(&self) -> String {
        fn discipline_text(level: Option<DisciplineLevel>) -> String {
            level
                .map(|l| format!(" after_discipline={}", l.code()))
                .unwrap_or_default()
        }
        fn codes(awards: &[AwardKind]) -> String {
            let list: Vec<&str> = awards.iter().map(|a| a.code()).collect();
            format!("[{}]", list.join(", "))
        }
        match self {
            Predicate::RecipientKind
            | Predicate::NotBlocked
            | Predicate::NoOngoingDiscipline
            | Predicate::OneAchievementOneAward
            | Predicate::AllMembersCompletedTasks
            | Predicate::Judgement
            | Predicate::AttestedFact => String::new(),
            Predicate::NoDisciplineInPeriod { min_level } => {
                format!("min_level={}", min_level.code())
            }
            Predicate::TitlesConsecutive {
                awards,
                count,
                max_gap_years,
                ending,
                after_previous,
                after_discipline,
            } => format!(
                "awards={} count={count} max_gap_years={max_gap_years} ending={} after_previous={after_previous}{}",
                codes(awards),
                ending.code(),
                discipline_text(*after_discipline)
            ),
            Predicate::RatingsConsecutive {
                at_least,
                years,
                ending,
                after_previous,
                after_discipline,
            } => format!(
                "at_least={} years={years} ending={} after_previous={after_previous}{}",
                at_least.code(),
                ending.code(),
                discipline_text(*after_discipline)
            ),
            Predicate::RecognitionsInWindow {
                sources,
                min_scope,
                count,
                window_years,
                extend_over_rating_streak,
                after_previous,
                after_discipline,
            } => {
                let sources: Vec<&str> = sources.iter().map(|s| s.code()).collect();
                let extend = extend_over_rating_streak
                    .map(|r| format!(" extend_over_rating_streak={}", r.code()))
                    .unwrap_or_default();
                format!(
                    "sources=[{}] min_scope={} count={count} window_years={window_years}{extend} after_previous={after_previous}{}",
                    sources.join(", "),
                    min_scope.code(),
                    discipline_text(*after_discipline)
                )
            }
            Predicate::PriorAwardThenYears {
                award,
                years,
                at_least,
                title,
                title_count,
                after_previous,
                after_discipline,
            } => format!(
                "award={} years={years} at_least={} title={} title_count={title_count} after_previous={after_previous}{}",
                award.code(),
                at_least.code(),
                title.code(),
                discipline_text(*after_discipline)
            ),
            Predicate::MemberShareWithTitle {
                awards,
                min_percent,
                strict,
            } => format!(
                "awards={} min_percent={min_percent} strict={strict}",
                codes(awards)
            ),
            Predicate::MemberCountWithTitle { awards, min_count } => {
                format!("awards={} min_count={min_count}", codes(awards))
            }
            Predicate::NoMemberDisciplinedAtOrAbove { level } => {
                format!("level={}", level.code())
            }
            Predicate::MonthsWorked { min_months } => format!("min_months={min_months}"),
        }
    }
}

/// A criterion: a leaf predicate or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriterionBody {
    /// One predicate.
    Leaf(Predicate),
    /// Every child must be met.
    AllOf(Vec<Criterion>),
    /// One child is enough (e.g. Art 74.1 a–d).
    AnyOf(Vec<Criterion>),
}

/// One criterion of an award, as read from a ruleset file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    /// Stable id, unique within the award (e.g. `art22.cstd_co_so`). Judgement ids are what the
    /// council attests.
    pub id: String,
    /// The legal source, e.g. "Luật TĐKT 06/2022, Điều 22".
    pub article: String,
    /// What is required, in Vietnamese.
    pub description_vi: String,
    /// What is required, in English.
    pub description_en: String,
    /// How sure we are that this is the law in force.
    pub confidence: Confidence,
    /// Where a non-confirmed value comes from.
    pub source: Option<String>,
    /// Recipient kinds this criterion applies to (empty: all). Top-level criteria only.
    pub applies_to: Vec<RecipientKind>,
    /// The predicate or the group.
    pub body: CriterionBody,
    pub(crate) messages: Messages,
}

/// Messages prepared once when the ruleset is loaded, so evaluation only copies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Messages {
    pub(crate) met_vi: String,
    pub(crate) met_en: String,
    pub(crate) not_met_vi: String,
    pub(crate) not_met_en: String,
    pub(crate) judgement_vi: String,
    pub(crate) judgement_en: String,
    /// "[đạt/met] id: " and the like, put before a child's facts in its group's line.
    prefix_met: String,
    prefix_not_met: String,
    prefix_pending: String,
    /// The fact line of an attestation leaf, attested or not.
    attested: String,
    not_attested: String,
    /// The same, with their prefix, for an attestation leaf inside a group.
    grouped_attested: String,
    grouped_not_attested: String,
}

impl Messages {
    pub(crate) fn new(id: &str, vi: &str, en: &str, judgement: bool) -> Messages {
        let (attested, not_attested) = if judgement {
            (
                "Hội đồng đã xác nhận / attested by the council".to_owned(),
                format!(
                    "Chưa có xác nhận của Hội đồng (mã {id}) / not yet attested by the council (id {id})"
                ),
            )
        } else {
            (
                "Đã được xác nhận / attested".to_owned(),
                format!("Không có xác nhận (mã {id}) / not attested (id {id})"),
            )
        };
        let grouped_attested = format!("[đạt/met] {id}: {attested}");
        let grouped_not_attested = if judgement {
            format!("[cần xác nhận/needs attestation] {id}: {not_attested}")
        } else {
            format!("[chưa đạt/not met] {id}: {not_attested}")
        };
        Messages {
            met_vi: format!("Đạt: {vi}"),
            met_en: format!("Met: {en}"),
            not_met_vi: format!("Chưa đạt: {vi}"),
            not_met_en: format!("Not met: {en}"),
            judgement_vi: format!("Cần Hội đồng Thi đua - Khen thưởng xác nhận: {vi}"),
            judgement_en: format!("Needs the council's attestation: {en}"),
            prefix_met: format!("[đạt/met] {id}: "),
            prefix_not_met: format!("[chưa đạt/not met] {id}: "),
            prefix_pending: format!("[cần xác nhận/needs attestation] {id}: "),
            attested,
            not_attested,
            grouped_attested,
            grouped_not_attested,
        }
    }

    pub(crate) fn grouped_attestation(&self, attested: bool) -> &str {
        if attested {
            &self.grouped_attested
        } else {
            &self.grouped_not_attested
        }
    }

    pub(crate) fn prefix(&self, met: Option<bool>) -> &str {
        match met {
            Some(true) => &self.prefix_met,
            Some(false) => &self.prefix_not_met,
            None => &self.prefix_pending,
        }
    }

    pub(crate) fn attestation(&self, attested: bool) -> &str {
        if attested {
            &self.attested
        } else {
            &self.not_attested
        }
    }
}

impl Criterion {
    /// Whether this criterion is a judgement the council attests.
    pub fn is_judgement(&self) -> bool {
        matches!(self.body, CriterionBody::Leaf(Predicate::Judgement))
    }

    /// Whether it applies to a nominee of `kind`.
    pub fn applies(&self, kind: RecipientKind) -> bool {
        self.applies_to.is_empty() || self.applies_to.contains(&kind)
    }

    /// The rule name (`any_of`, `all_of` or the predicate's rule).
    pub fn rule(&self) -> &'static str {
        match &self.body {
            CriterionBody::Leaf(p) => p.rule(),
            CriterionBody::AllOf(_) => "all_of",
            CriterionBody::AnyOf(_) => "any_of",
        }
    }

    /// The children of a group (empty for a leaf).
    pub fn children(&self) -> &[Criterion] {
        match &self.body {
            CriterionBody::Leaf(_) => &[],
            CriterionBody::AllOf(c) | CriterionBody::AnyOf(c) => c,
        }
    }

    pub(crate) fn message(&self, met: Option<bool>) -> (&str, &str) {
        let m = &self.messages;
        match met {
            Some(true) => (&m.met_vi, &m.met_en),
            Some(false) => (&m.not_met_vi, &m.not_met_en),
            None => (&m.judgement_vi, &m.judgement_en),
        }
    }
}
