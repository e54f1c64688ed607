//! Nominations (đề nghị khen thưởng) and their workflow: a state enum and one transition function.
//!
//! `apply` is the only code that changes a nomination's state. Its match is exhaustive with no
//! wildcard arm, so a new state or command must decide, in one place, what it accepts.
//! The review stages between submission and signing (endorsement, reception, appraisal, public
//! notice, council vote) are added here as states and commands; see ARCHITECTURE.md.

use std::fmt;
use std::str::FromStr;

use crate::award::{AwardKind, RecipientKind};
use crate::ids::{DecisionId, NominationId, PersonId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;
use crate::quota::QuotaExceeded;
use crate::text::{InvalidInput, bounded_line};

/// Longest achievement text (the citation printed on the certificate), in characters.
/// The full achievement report (báo cáo thành tích) belongs in the dossier, not here.
pub const ACHIEVEMENT_MAX: usize = 2000;
/// Longest reason given for a withdrawal or a return, in characters.
pub const REASON_MAX: usize = 2000;

/// Who is nominated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// Where a nomination is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NominationState {
    /// Being drafted by the unit's clerk.
    Draft,
    /// Submitted upward by the unit head (tờ trình); waiting for the decider.
    Submitted,
    /// Withdrawn by the proposing unit. Final.
    Withdrawn,
    /// Included in a signed decision. Final (only an annulment decision may undo it).
    Decided,
}

impl NominationState {
    /// Every state.
    pub const ALL: [NominationState; 4] = [
        NominationState::Draft,
        NominationState::Submitted,
        NominationState::Withdrawn,
        NominationState::Decided,
    ];

    /// Stable code, as stored and as exposed in the API.
    pub fn code(self) -> &'static str {
        match self {
            NominationState::Draft => "DRAFT",
            NominationState::Submitted => "SUBMITTED",
            NominationState::Withdrawn => "WITHDRAWN",
            NominationState::Decided => "DECIDED",
        }
    }

    fn name_vi(self) -> &'static str {
        match self {
            NominationState::Draft => "đang soạn",
            NominationState::Submitted => "đã trình",
            NominationState::Withdrawn => "đã rút",
            NominationState::Decided => "đã có quyết định",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            NominationState::Draft => "draft",
            NominationState::Submitted => "submitted",
            NominationState::Withdrawn => "withdrawn",
            NominationState::Decided => "decided",
        }
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

/// A nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Where it is in its life.
    pub state: NominationState,
    /// Optimistic-concurrency version; every change increments it.
    pub version: i32,
    /// The decision that awarded it, once signed.
    pub decision: Option<DecisionId>,
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
    /// manages the proposing unit (`proposing_path` is the path of the nominee's unit).
    pub fn check(&self, proposing_path: &UnitPath) -> Result<(), Vec<RuleViolation>> {
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
            Ok(())
        } else {
            Err(violations)
        }
    }
}

/// What someone asks a nomination to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Replace the citation text.
    Edit {
        /// The new citation, already validated.
        achievement: String,
    },
    /// Submit upward (tờ trình).
    Submit,
    /// Withdraw, with a reason.
    Withdraw {
        /// Why, already validated.
        reason: String,
    },
    /// Include in a signed decision.
    Sign {
        /// The decision being signed.
        decision: DecisionId,
    },
}

/// The kind of a [`Command`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    /// [`Command::Edit`].
    Edit,
    /// [`Command::Submit`].
    Submit,
    /// [`Command::Withdraw`].
    Withdraw,
    /// [`Command::Sign`].
    Sign,
}

impl CommandKind {
    /// Every command kind.
    pub const ALL: [CommandKind; 4] = [
        CommandKind::Edit,
        CommandKind::Submit,
        CommandKind::Withdraw,
        CommandKind::Sign,
    ];

    fn name_vi(self) -> &'static str {
        match self {
            CommandKind::Edit => "sửa",
            CommandKind::Submit => "trình",
            CommandKind::Withdraw => "rút",
            CommandKind::Sign => "ký quyết định cho",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            CommandKind::Edit => "edit",
            CommandKind::Submit => "submit",
            CommandKind::Withdraw => "withdraw",
            CommandKind::Sign => "sign a decision for",
        }
    }
}

impl Command {
    /// The kind of this command.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Edit { .. } => CommandKind::Edit,
            Command::Submit => CommandKind::Submit,
            Command::Withdraw { .. } => CommandKind::Withdraw,
            Command::Sign { .. } => CommandKind::Sign,
        }
    }
}

/// What happened to a nomination. Written to the audit log with the transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The citation changed.
    Edited,
    /// Submitted upward.
    Submitted,
    /// Withdrawn.
    Withdrawn {
        /// Why.
        reason: String,
    },
    /// Included in a signed decision.
    Decided {
        /// The decision.
        decision: DecisionId,
    },
}

impl Event {
    /// Stable name, as written in the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Edited => "NOMINATION_EDITED",
            Event::Submitted => "NOMINATION_SUBMITTED",
            Event::Withdrawn { .. } => "NOMINATION_WITHDRAWN",
            Event::Decided { .. } => "NOMINATION_DECIDED",
        }
    }

    /// The reason a person gave, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Event::Withdrawn { reason } => Some(reason),
            Event::Edited | Event::Submitted | Event::Decided { .. } => None,
        }
    }
}

/// A command the nomination's state does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} nomination does not accept {command:?}")]
pub struct TransitionError {
    /// The state the nomination is in.
    pub from: NominationState,
    /// The command refused.
    pub command: CommandKind,
}

impl Explain for TransitionError {
    fn message_vi(&self) -> String {
        format!(
            "Không thể {} đề nghị đang ở trạng thái \"{}\".",
            self.command.name_vi(),
            self.from.name_vi()
        )
    }
    fn message_en(&self) -> String {
        format!(
            "Cannot {} a nomination that is {}.",
            self.command.name_en(),
            self.from.name_en()
        )
    }
}

/// The one transition function: the next nomination and what happened, or why not.
///
/// Authorization, versions and eligibility are checked by the caller; this decides only what
/// the workflow allows.
pub fn apply(
    nomination: &Nomination,
    command: Command,
) -> Result<(Nomination, Vec<Event>), TransitionError> {
    use NominationState as S;
    let refuse = || TransitionError {
        from: nomination.state,
        command: command.kind(),
    };
    let mut next = nomination.clone();
    let events = match (nomination.state, &command) {
        (S::Draft, Command::Edit { achievement }) => {
            next.achievement = achievement.clone();
            vec![Event::Edited]
        }
        (S::Draft, Command::Submit) => {
            next.state = S::Submitted;
            vec![Event::Submitted]
        }
        (S::Draft | S::Submitted, Command::Withdraw { reason }) => {
            next.state = S::Withdrawn;
            vec![Event::Withdrawn {
                reason: reason.clone(),
            }]
        }
        (S::Submitted, Command::Sign { decision }) => {
            next.state = S::Decided;
            next.decision = Some(*decision);
            vec![Event::Decided {
                decision: *decision,
            }]
        }
        (S::Draft, Command::Sign { .. })
        | (S::Submitted, Command::Edit { .. } | Command::Submit)
        | (S::Withdrawn | S::Decided, _) => return Err(refuse()),
    };
    Ok((next, events))
}

/// Every (state, command) pair and where it leads: a snapshot test keeps it reviewable.
pub fn transition_table() -> String {
    use uuid::Uuid;
    let sample = |state| Nomination {
        id: NominationId(Uuid::nil()),
        nominee: Nominee::Person(PersonId(Uuid::nil())),
        award: AwardKind::GiayKhen,
        issuer: UnitId(Uuid::nil()),
        proposing_unit: UnitId(Uuid::nil()),
        period: Period(2024),
        achievement: "x".into(),
        state,
        version: 1,
        decision: None,
    };
    let command = |kind| match kind {
        CommandKind::Edit => Command::Edit {
            achievement: "y".into(),
        },
        CommandKind::Submit => Command::Submit,
        CommandKind::Withdraw => Command::Withdraw { reason: "r".into() },
        CommandKind::Sign => Command::Sign {
            decision: DecisionId(Uuid::nil()),
        },
    };
    let mut out = format!("{:<10}", "");
    for kind in CommandKind::ALL {
        out.push_str(&format!("{:<11}", format!("{kind:?}")));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for state in NominationState::ALL {
        out.push_str(&format!("{:<10}", state.code()));
        for kind in CommandKind::ALL {
            let cell = match apply(&sample(state), command(kind)) {
                Ok((next, _)) => next.state.code().to_string(),
                Err(_) => "-".to_string(),
            };
            out.push_str(&format!("{cell:<11}"));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn nomination(state: NominationState) -> Nomination {
        Nomination {
            id: NominationId(Uuid::from_u128(1)),
            nominee: Nominee::Person(PersonId(Uuid::from_u128(2))),
            award: AwardKind::GiayKhen,
            issuer: UnitId(Uuid::from_u128(3)),
            proposing_unit: UnitId(Uuid::from_u128(4)),
            period: Period(2024),
            achievement: "Hoàn thành xuất sắc nhiệm vụ năm 2024".into(),
            state,
            version: 1,
            decision: None,
        }
    }

    #[test]
    fn the_transition_table_reads_as_a_table() {
        insta::assert_snapshot!(transition_table());
    }

    #[test]
    fn a_draft_is_submitted_then_decided() {
        let (submitted, events) =
            apply(&nomination(NominationState::Draft), Command::Submit).expect("submit");
        assert_eq!(submitted.state, NominationState::Submitted);
        assert_eq!(events, [Event::Submitted]);
        let decision = DecisionId(Uuid::from_u128(9));
        let (decided, events) = apply(&submitted, Command::Sign { decision }).expect("sign");
        assert_eq!(decided.state, NominationState::Decided);
        assert_eq!(decided.decision, Some(decision));
        assert_eq!(events, [Event::Decided { decision }]);
    }

    #[test]
    fn a_draft_cannot_be_signed_before_it_is_submitted() {
        let err = apply(
            &nomination(NominationState::Draft),
            Command::Sign {
                decision: DecisionId(Uuid::nil()),
            },
        )
        .expect_err("draft");
        assert_eq!(err.command, CommandKind::Sign);
        assert!(err.message_vi().contains("đang soạn"));
    }

    #[test]
    fn withdrawn_and_decided_nominations_accept_nothing() {
        for state in [NominationState::Withdrawn, NominationState::Decided] {
            for kind in CommandKind::ALL {
                let cmd = match kind {
                    CommandKind::Edit => Command::Edit {
                        achievement: "x".into(),
                    },
                    CommandKind::Submit => Command::Submit,
                    CommandKind::Withdraw => Command::Withdraw { reason: "r".into() },
                    CommandKind::Sign => Command::Sign {
                        decision: DecisionId(Uuid::nil()),
                    },
                };
                assert!(apply(&nomination(state), cmd).is_err(), "{state} {kind:?}");
            }
        }
    }

    #[test]
    fn state_codes_round_trip() {
        for state in NominationState::ALL {
            assert_eq!(state.code().parse(), Ok(state));
        }
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
        assert_eq!(ok.check(&path), Ok(()));

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
        assert_eq!(
            itself.check(&path),
            Err(vec![RuleViolation::IssuerDoesNotManageNominee {
                issuer: dept
            }])
        );
        let by_parent = NominationDraft {
            issuer: province,
            ..itself
        };
        assert_eq!(by_parent.check(&path), Ok(()));
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
}
