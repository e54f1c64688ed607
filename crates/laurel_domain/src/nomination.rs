//! Nominations (đề nghị khen thưởng): who is proposed for which award, by which unit, and how far
//! the nomination has come. What it accepts at each stage, and who may act, is decided by the
//! workflow's one transition function (`workflow::apply`), the only code that changes its
//! progress.

use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::award::{AwardKind, RecipientKind};
use crate::dossier::DocumentKind;
use crate::ids::{AccountId, DecisionId, MovementId, NominationId, PersonId, ProposalId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;
use crate::quota::QuotaExceeded;
use crate::rules::CommendationKind;
use crate::text::{InvalidInput, bounded_line};
use crate::workflow::{Position, WorkflowRef};

/// Longest achievement text (the citation printed on the certificate), in characters.
/// The full achievement report (báo cáo thành tích) belongs in the dossier, not here.
pub const ACHIEVEMENT_MAX: usize = 2000;
/// Longest reason given for a withdrawal or a return, in characters.
pub const REASON_MAX: usize = 2000;

/// Who is nominated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Nominee {
    /// Cá nhân.
    Person(PersonId),
    /// Tập thể: a unit.
    Collective(UnitId),
}

impl Nominee {
    /// The id of the person or unit.
    pub fn uuid(self) -> uuid::Uuid {
        match self {
            Nominee::Person(p) => p.0,
            Nominee::Collective(u) => u.0,
        }
    }

    /// The kind of recipient.
    pub fn kind(self) -> RecipientKind {
        match self {
            Nominee::Person(_) => RecipientKind::Individual,
            Nominee::Collective(_) => RecipientKind::Collective,
        }
    }
}

/// The period (year) the achievement belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Period(i32);

impl Period {
    /// Earliest accepted year.
    pub const MIN: i32 = 1945;
    /// Latest accepted year.
    pub const MAX: i32 = 2100;

    /// Validates a year.
    pub fn new(year: i32) -> Result<Period, InvalidInput> {
        if (Self::MIN..=Self::MAX).contains(&year) {
            Ok(Period(year))
        } else {
            Err(InvalidInput::OutOfRange {
                field: "period",
                min: Self::MIN.into(),
                max: Self::MAX.into(),
                actual: year.into(),
            })
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0
    }
}

/// Where a nomination is in its life. Where it is in its review is its [`Position`] on its
/// workflow.
///
/// Persisted as its code: renaming a variant is a migration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NominationState {
    /// Being drafted by the unit's clerk.
    Draft,
    /// Submitted by the proposing unit and under review at the stage of its position.
    Submitted,
    /// Returned to the proposing unit for supplement; the deadline clock is paused.
    Returned,
    /// Refused with a written reason. Final.
    Rejected,
    /// Withdrawn by the proposing unit. Final.
    Withdrawn,
    /// Included in a signed decision (only an annulment decision may undo it).
    Decided,
    /// Its decision was annulled (Law 06/2022 Art 93.2). Final.
    Annulled,
}

impl NominationState {
    /// Every state.
    pub const ALL: [NominationState; 7] = [
        NominationState::Draft,
        NominationState::Submitted,
        NominationState::Returned,
        NominationState::Rejected,
        NominationState::Withdrawn,
        NominationState::Decided,
        NominationState::Annulled,
    ];

    /// Stable code, as stored and as exposed in the API.
    pub fn code(self) -> &'static str {
        match self {
            NominationState::Draft => "DRAFT",
            NominationState::Submitted => "SUBMITTED",
            NominationState::Returned => "RETURNED",
            NominationState::Rejected => "REJECTED",
            NominationState::Withdrawn => "WITHDRAWN",
            NominationState::Decided => "DECIDED",
            NominationState::Annulled => "ANNULLED",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            NominationState::Draft => "đang soạn",
            NominationState::Submitted => "đang xét duyệt",
            NominationState::Returned => "bị trả lại để bổ sung",
            NominationState::Rejected => "không được chấp nhận",
            NominationState::Withdrawn => "đã rút",
            NominationState::Decided => "đã có quyết định",
            NominationState::Annulled => "đã bị hủy quyết định",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            NominationState::Draft => "draft",
            NominationState::Submitted => "under review",
            NominationState::Returned => "returned for supplement",
            NominationState::Rejected => "rejected",
            NominationState::Withdrawn => "withdrawn",
            NominationState::Decided => "decided",
            NominationState::Annulled => "annulled",
        }
    }

    /// Whether the nominee holds the award: it counts as a title or form already received.
    pub fn holds_award(self) -> bool {
        match self {
            NominationState::Decided => true,
            NominationState::Draft
            | NominationState::Submitted
            | NominationState::Returned
            | NominationState::Rejected
            | NominationState::Withdrawn
            | NominationState::Annulled => false,
        }
    }

    /// Whether it is on its way to a decision: pending for "one achievement, one award".
    pub fn is_pending(self) -> bool {
        match self {
            NominationState::Submitted | NominationState::Returned => true,
            NominationState::Draft
            | NominationState::Rejected
            | NominationState::Withdrawn
            | NominationState::Decided
            | NominationState::Annulled => false,
        }
    }

    /// Whether it takes a place in the issuer's quota: reserved at submission, released when
    /// rejected, withdrawn or annulled.
    pub fn takes_quota_place(self) -> bool {
        self.holds_award() || self.is_pending()
    }

    /// Whether nothing can happen to it any more.
    pub fn is_final(self) -> bool {
        match self {
            NominationState::Rejected | NominationState::Withdrawn | NominationState::Annulled => {
                true
            }
            NominationState::Draft
            | NominationState::Submitted
            | NominationState::Returned
            | NominationState::Decided => false,
        }
    }

    /// The states that satisfy `pred`, for queries.
    pub fn those(pred: fn(NominationState) -> bool) -> Vec<NominationState> {
        NominationState::ALL
            .into_iter()
            .filter(|s| pred(*s))
            .collect()
    }
}

impl fmt::Display for NominationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A stored state code Laurel does not know (a corrupted row or a newer schema).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown nomination state `{0}`")]
pub struct UnknownState(pub String);

impl FromStr for NominationState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NominationState::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

/// How far a nomination has come, and the dates its deadlines run from. Only the workflow's
/// `apply` changes it; the store restores it as it was saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Where it is in its life.
    pub state: NominationState,
    /// Optimistic-concurrency version; every change increments it.
    pub version: i32,
    /// Where it stands on its workflow.
    pub position: Position,
    /// The day it entered its current stage (the day it was drafted, for a draft).
    #[serde(with = "crate::calendar::iso_date")]
    pub stage_since: Date,
    /// When its current stage should be done, if the stage has a deadline.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub due_on: Option<Date>,
    /// The day it was returned for supplement, while it is.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub returned_on: Option<Date>,
    /// Working days its current stage has been paused while returned.
    pub paused_days: u32,
    /// The day the issuer's office received the complete dossier: the statutory clock.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub received_on: Option<Date>,
    /// The last day of its public notice, once one is open.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub notice_closes_on: Option<Date>,
    /// Who submitted it (separation of duties).
    pub submitted_by: Option<AccountId>,
    /// Who last appraised it (separation of duties).
    pub appraised_by: Option<AccountId>,
    /// Whether something was recorded at the current stage without moving on (an appraisal
    /// found ineligible, opinions requested, a council refusal, a delay notice): the sender can
    /// no longer recall it.
    pub stage_touched: bool,
}

impl Progress {
    /// A new draft's progress.
    pub fn draft(today: Date) -> Progress {
        Progress {
            state: NominationState::Draft,
            version: 1,
            position: Position::default(),
            stage_since: today,
            due_on: None,
            returned_on: None,
            paused_days: 0,
            received_on: None,
            notice_closes_on: None,
            submitted_by: None,
            appraised_by: None,
            stage_touched: false,
        }
    }
}

/// A nomination (đề nghị khen thưởng).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nomination {
    /// Identity.
    pub id: NominationId,
    /// Who is nominated.
    pub nominee: Nominee,
    /// The award proposed.
    pub award: AwardKind,
    /// The unit whose head's office issues the award (the decider).
    pub issuer: UnitId,
    /// The unit that proposes: the nominee's unit (or the collective itself).
    pub proposing_unit: UnitId,
    /// The year the achievement belongs to.
    pub period: Period,
    /// The citation printed on the certificate.
    pub achievement: String,
    /// Regular (annual), đột xuất, thematic...: only regular awards count toward chains.
    pub kind: CommendationKind,
    /// The ruleset it is judged by, pinned when drafted (`None` only for rows drafted before
    /// rulesets existed).
    pub ruleset: Option<String>,
    /// The workflow it goes through, pinned when drafted.
    pub workflow: WorkflowRef,
    /// Who drafted it.
    pub drafted_by: AccountId,
    /// The proposal (tờ trình) it travels in, if any.
    pub proposal: Option<ProposalId>,
    /// The decision that awarded it, once signed.
    pub decision: Option<DecisionId>,
    /// The emulation movement it was made in, if any (fixed at drafting).
    #[serde(default)]
    pub movement: Option<MovementId>,
    progress: Progress,
}

impl Nomination {
    /// A new draft from a checked draft.
    #[allow(clippy::too_many_arguments)] // one per fact fixed at drafting
    pub fn draft(
        checked: CheckedDraft,
        id: NominationId,
        proposing_unit: UnitId,
        kind: CommendationKind,
        ruleset: String,
        workflow: WorkflowRef,
        drafted_by: AccountId,
        today: Date,
    ) -> Nomination {
        let draft = checked.0;
        Nomination {
            id,
            nominee: draft.nominee,
            award: draft.award,
            issuer: draft.issuer,
            proposing_unit,
            period: draft.period,
            achievement: draft.achievement,
            kind,
            ruleset: Some(ruleset),
            workflow,
            drafted_by,
            proposal: None,
            decision: None,
            movement: None,
            progress: Progress::draft(today),
        }
    }

    /// The same nomination, made in `movement` (the caller checked that the movement admits
    /// it: [`crate::movement::Movement::admits`]).
    pub fn in_movement(mut self, movement: Option<MovementId>) -> Nomination {
        self.movement = movement;
        self
    }

    /// A nomination as it was saved (for the store).
    #[allow(clippy::too_many_arguments)] // one per stored column group
    pub fn restore(
        id: NominationId,
        nominee: Nominee,
        award: AwardKind,
        issuer: UnitId,
        proposing_unit: UnitId,
        period: Period,
        achievement: String,
        kind: CommendationKind,
        ruleset: Option<String>,
        workflow: WorkflowRef,
        drafted_by: AccountId,
        proposal: Option<ProposalId>,
        decision: Option<DecisionId>,
        progress: Progress,
    ) -> Nomination {
        Nomination {
            id,
            nominee,
            award,
            issuer,
            proposing_unit,
            period,
            achievement,
            kind,
            ruleset,
            workflow,
            drafted_by,
            proposal,
            decision,
            movement: None,
            progress,
        }
    }

    /// How far it has come.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Where it is in its life.
    pub fn state(&self) -> NominationState {
        self.progress.state
    }

    /// Its optimistic-concurrency version.
    pub fn version(&self) -> i32 {
        self.progress.version
    }

    /// The version the store saved it at (the store sets it after a save).
    pub fn saved_at(mut self, version: i32) -> Nomination {
        self.progress.version = version;
        self
    }

    /// Groups it into a proposal (only a draft or a returned one, of the same proposing unit
    /// and issuer: the caller checks those).
    pub fn in_proposal(mut self, proposal: ProposalId) -> Nomination {
        self.proposal = Some(proposal);
        self
    }

    pub(crate) fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }
}

/// Validated content of a new nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationDraft {
    /// Who is nominated.
    pub nominee: Nominee,
    /// The award proposed.
    pub award: AwardKind,
    /// The issuer.
    pub issuer: UnitId,
    /// The year.
    pub period: Period,
    /// The citation.
    pub achievement: String,
}

/// A rule a nomination breaks, found before any state change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    /// The award is not given to this kind of recipient (Law 06/2022 Art 19-20, 72-75).
    #[error("{award} is not awarded to {kind:?} recipients")]
    RecipientKindNotAccepted {
        /// The award.
        award: AwardKind,
        /// The nominee's kind.
        kind: RecipientKind,
    },
    /// The issuer must be the nominee's unit or one of its ancestors: an authority awards only
    /// within what it manages (Law 06/2022 Art 80, Art 83).
    #[error("the issuer does not manage the nominee's unit")]
    IssuerDoesNotManageNominee {
        /// The issuer.
        issuer: UnitId,
    },
    /// A computable eligibility criterion is not met (one violation per failed criterion).
    #[error("{nomination:?}: criterion {criterion} not met")]
    CriterionNotMet {
        /// The nomination it is about, when several are judged at once.
        nomination: Option<NominationId>,
        /// The criterion's id in the ruleset.
        criterion: String,
        /// Its legal article.
        article: String,
        /// The evaluator's explanation, in Vietnamese.
        message_vi: String,
        /// The evaluator's explanation, in English.
        message_en: String,
    },
    /// The issuer's quota for the award and period would be exceeded.
    #[error(transparent)]
    QuotaExceeded(#[from] QuotaExceeded),
    /// No legal regime in Laurel covers the period.
    #[error("no ruleset covers period {period}")]
    NoRuleset {
        /// The period.
        period: i32,
    },
    /// Parts of the dossier are missing (Law 06/2022 Art 84).
    #[error("the dossier lacks {missing:?}")]
    DossierIncomplete {
        /// The missing parts.
        missing: Vec<DocumentKind>,
    },
    /// The public notice is still open until `closes_on` (inclusive).
    #[error("the public notice is open until {closes_on}")]
    NoticeStillOpen {
        /// Its last day.
        closes_on: Date,
    },
    /// Comments are taken only while a nomination is in public notice.
    #[error("the nomination is not in public notice")]
    NotInPublicNotice,
    /// Consulted units have not answered and their deadline has not passed.
    #[error("{waiting} consulted units have until {due_on} to answer")]
    OpinionsPending {
        /// How many are still awaited.
        waiting: usize,
        /// Their deadline.
        due_on: Date,
    },
    /// The issuer's council votes and judges in its sessions in Laurel: its outcome is not
    /// recorded by hand, nor its judgement criteria attested outside a session.
    #[error("the issuer's council decides in its sessions")]
    CouncilDecidesInSession,
}

impl RuleViolation {
    /// The legal article the rule comes from.
    pub fn article(&self) -> String {
        match self {
            RuleViolation::RecipientKindNotAccepted { .. } => {
                "Luật TĐKT 06/2022, Điều 19-20, 72-75".into()
            }
            RuleViolation::IssuerDoesNotManageNominee { .. } => {
                "Luật TĐKT 06/2022, Điều 80, 83".into()
            }
            RuleViolation::CriterionNotMet { article, .. } => article.clone(),
            RuleViolation::QuotaExceeded(_) => "Cấu hình chỉ tiêu của cấp khen thưởng".into(),
            RuleViolation::NoRuleset { .. } => "Luật TĐKT 06/2022, Điều 96 (hiệu lực)".into(),
            RuleViolation::DossierIncomplete { .. } => "Luật TĐKT 06/2022, Điều 84".into(),
            RuleViolation::NoticeStillOpen { .. } | RuleViolation::NotInPublicNotice => {
                "Nghị định 98/2023/NĐ-CP, Điều 46; Nghị định 152/2025/NĐ-CP, Điều 60".into()
            }
            RuleViolation::OpinionsPending { .. } => {
                "Hiệp y: im lặng sau thời hạn là đồng ý (Nghị định 39/2012/NĐ-CP, quy định cũ)"
                    .into()
            }
            RuleViolation::CouncilDecidesInSession => {
                "Hội đồng Thi đua - Khen thưởng (Luật TĐKT 06/2022; quy chế của Hội đồng)".into()
            }
        }
    }
}

impl Explain for RuleViolation {
    fn message_vi(&self) -> String {
        match self {
            RuleViolation::RecipientKindNotAccepted { award, kind } => format!(
                "{} không xét tặng cho {}.",
                award.name_vi(),
                match kind {
                    RecipientKind::Individual => "cá nhân",
                    RecipientKind::Collective => "tập thể",
                    RecipientKind::Household => "hộ gia đình",
                }
            ),
            RuleViolation::IssuerDoesNotManageNominee { .. } => {
                "Cấp khen thưởng không quản lý đơn vị của người (tập thể) được đề nghị.".into()
            }
            RuleViolation::CriterionNotMet { message_vi, .. } => message_vi.clone(),
            RuleViolation::QuotaExceeded(e) => e.message_vi(),
            RuleViolation::NoRuleset { period } => format!(
                "Chưa có bộ quy tắc (văn bản pháp luật) áp dụng cho kỳ {period} trong Laurel."
            ),
            RuleViolation::DossierIncomplete { missing } => format!(
                "Hồ sơ chưa đủ thành phần, còn thiếu: {}.",
                missing
                    .iter()
                    .map(|p| format!("{} ({})", p.name_vi(), p.code()))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            RuleViolation::NoticeStillOpen { closes_on } => format!(
                "Thời gian công khai lấy ý kiến chưa kết thúc: kéo dài đến hết ngày {}.",
                crate::calendar::format_date(*closes_on)
            ),
            RuleViolation::NotInPublicNotice => {
                "Đề nghị này không (hoặc không còn) trong thời gian công khai lấy ý kiến.".into()
            }
            RuleViolation::OpinionsPending { waiting, due_on } => format!(
                "Còn {waiting} đơn vị được hỏi ý kiến chưa trả lời; thời hạn trả lời đến hết ngày {}.",
                crate::calendar::format_date(*due_on)
            ),
            RuleViolation::CouncilDecidesInSession => "Hội đồng Thi đua - Khen thưởng của cấp này biểu quyết và đánh giá tiêu chí trong phiên họp trên hệ thống (openCouncilSession); không ghi kết quả thủ công.".into(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            RuleViolation::RecipientKindNotAccepted { award, kind } => format!(
                "{} is not awarded to {} recipients.",
                award.name_en(),
                kind.code().to_lowercase()
            ),
            RuleViolation::IssuerDoesNotManageNominee { .. } => {
                "The issuer does not manage the nominee's unit.".into()
            }
            RuleViolation::CriterionNotMet { message_en, .. } => message_en.clone(),
            RuleViolation::QuotaExceeded(e) => e.message_en(),
            RuleViolation::NoRuleset { period } => {
                format!("No ruleset (legal regime) in Laurel covers the period {period}.")
            }
            RuleViolation::DossierIncomplete { missing } => format!(
                "The dossier is incomplete; missing: {}.",
                missing
                    .iter()
                    .map(|p| format!("{} ({})", p.name_en(), p.code()))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            RuleViolation::NoticeStillOpen { closes_on } => format!(
                "The public notice is still open, until the end of {}.",
                crate::calendar::format_date(*closes_on)
            ),
            RuleViolation::NotInPublicNotice => {
                "This nomination is not (or no longer) open for public comment.".into()
            }
            RuleViolation::OpinionsPending { waiting, due_on } => format!(
                "{waiting} consulted units have not answered; they have until the end of {}.",
                crate::calendar::format_date(*due_on)
            ),
            RuleViolation::CouncilDecidesInSession => "This issuer's council votes and judges criteria in its sessions in Laurel (openCouncilSession); its outcome is not recorded by hand.".into(),
        }
    }
}

impl NominationDraft {
    /// Validates the fields of a new nomination; returns every problem at once.
    pub fn parse(
        nominee: Nominee,
        award: AwardKind,
        issuer: UnitId,
        period: i32,
        achievement: &str,
    ) -> Result<NominationDraft, Vec<InvalidInput>> {
        let period = Period::new(period);
        let achievement = bounded_line("achievement", achievement, ACHIEVEMENT_MAX);
        match (period, achievement) {
            (Ok(period), Ok(achievement)) => Ok(NominationDraft {
                nominee,
                award,
                issuer,
                period,
                achievement,
            }),
            (p, a) => Err([p.err(), a.err()].into_iter().flatten().collect()),
        }
    }

    /// Checks the rules that hold before any review: the award fits the nominee, and the issuer
    /// manages the proposing unit (`proposing_path` is the path of the nominee's unit). Only a
    /// checked draft becomes a nomination.
    pub fn check(self, proposing_path: &UnitPath) -> Result<CheckedDraft, Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if !self.award.recipients().contains(&self.nominee.kind()) {
            violations.push(RuleViolation::RecipientKindNotAccepted {
                award: self.award,
                kind: self.nominee.kind(),
            });
        }
        // An authority awards what it manages: the nominee's unit or an ancestor for a person;
        // a strict ancestor for a collective (a unit does not award itself).
        let manages = proposing_path.contains(self.issuer)
            && !matches!(self.nominee, Nominee::Collective(unit) if unit == self.issuer);
        if !manages {
            violations.push(RuleViolation::IssuerDoesNotManageNominee {
                issuer: self.issuer,
            });
        }
        if violations.is_empty() {
            Ok(CheckedDraft(self))
        } else {
            Err(violations)
        }
    }
}

/// A draft that passed [`NominationDraft::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDraft(NominationDraft);

impl CheckedDraft {
    /// The checked content.
    pub fn draft(&self) -> &NominationDraft {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn state_codes_round_trip() {
        for state in NominationState::ALL {
            assert_eq!(state.code().parse(), Ok(state));
        }
    }

    #[test]
    fn which_states_hold_an_award_or_take_a_quota_place() {
        use NominationState::*;
        #[rustfmt::skip]
        let cases = [
            // state,     holds, pending, quota, final
            (Draft,     false, false, false, false),
            (Submitted, false, true,  true,  false),
            (Returned,  false, true,  true,  false),
            (Rejected,  false, false, false, true),
            (Withdrawn, false, false, false, true),
            (Decided,   true,  false, true,  false),
            (Annulled,  false, false, false, true),
        ];
        for (state, holds, pending, quota, fin) in cases {
            assert_eq!(state.holds_award(), holds, "{state}");
            assert_eq!(state.is_pending(), pending, "{state}");
            assert_eq!(state.takes_quota_place(), quota, "{state}");
            assert_eq!(state.is_final(), fin, "{state}");
        }
        assert_eq!(cases.len(), NominationState::ALL.len());
    }

    #[test]
    fn periods_outside_the_accepted_years_are_refused() {
        for (year, ok) in [
            (1944, false),
            (1945, true),
            (2024, true),
            (2100, true),
            (2101, false),
        ] {
            assert_eq!(Period::new(year).is_ok(), ok, "{year}");
        }
    }

    #[test]
    fn the_award_must_fit_the_nominee_and_the_issuer_must_manage_it() {
        let [province, dept, other] = [10u128, 11, 12].map(|n| UnitId(Uuid::from_u128(n)));
        let path = UnitPath(vec![province, dept]);
        let person = Nominee::Person(PersonId(Uuid::from_u128(1)));
        let ok = NominationDraft::parse(person, AwardKind::GiayKhen, province, 2024, "Thành tích")
            .expect("valid");
        assert!(ok.check(&path).is_ok());

        let bad = NominationDraft::parse(person, AwardKind::TapTheLdXuatSac, other, 2024, "x")
            .expect("valid fields");
        let violations = bad.check(&path).expect_err("two violations");
        assert_eq!(violations.len(), 2);

        // A collective is awarded by a unit above it, never by itself.
        let itself = NominationDraft::parse(
            Nominee::Collective(dept),
            AwardKind::GiayKhen,
            dept,
            2024,
            "Thành tích",
        )
        .expect("valid fields");
        let by_parent = NominationDraft {
            issuer: province,
            ..itself.clone()
        };
        assert_eq!(
            itself.check(&path),
            Err(vec![RuleViolation::IssuerDoesNotManageNominee {
                issuer: dept
            }])
        );
        assert!(by_parent.check(&path).is_ok());
        assert!(violations.iter().all(|v| v.article().contains("06/2022")));
    }

    #[test]
    fn empty_and_oversized_achievements_are_refused_with_the_period_checked_too() {
        let person = Nominee::Person(PersonId(Uuid::nil()));
        let issuer = UnitId(Uuid::nil());
        let errors = NominationDraft::parse(person, AwardKind::GiayKhen, issuer, 3000, " ")
            .expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(InvalidInput::field).collect();
        assert_eq!(fields, ["period", "achievement"]);
        let huge = "a".repeat(10 * 1024 * 1024);
        assert!(NominationDraft::parse(person, AwardKind::GiayKhen, issuer, 2024, &huge).is_err());
    }

    #[test]
    fn missing_dossier_parts_are_named_in_both_languages() {
        let v = RuleViolation::DossierIncomplete {
            missing: vec![DocumentKind::BienBanBinhXet],
        };
        assert!(
            v.message_vi()
                .contains("Biên bản bình xét thi đua (BIEN_BAN_BINH_XET)")
        );
        assert!(v.message_en().contains("BIEN_BAN_BINH_XET"));
        assert!(v.article().contains("Điều 84"));
    }
}
