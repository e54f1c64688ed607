//! The one transition function of the review workflow: what a nomination accepts where it
//! stands, who may do it, and what follows. Pure: values in, the next nomination and what
//! happened out.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::authz::{Action, Actor, Attempt, Authority, Denied, Reach, Role};
use crate::council::VoteRule;
use crate::dossier::{self, DocumentKind};
use crate::ids::{AccountId, DecisionId, UnitId};
use crate::message::Explain;
use crate::nomination::{Nomination, NominationState, RuleViolation};
use crate::org::UnitPath;
use crate::quota::QuotaExceeded;
use crate::rules::{AwardRule, Eligibility, Verdict};
use crate::text::{InvalidInput, bounded_line};
use crate::workdays::WorkingCalendar;

use super::definition::{Party, Stage, StageKind, Workflow};
use super::route::{Position, Route};

/// Longest reason, note or opinion, in characters.
pub const TEXT_MAX: usize = 2000;
/// Most reasons in one return.
pub const REASONS_MAX: usize = 20;
/// Most units asked for an opinion at once.
pub const CONSULTED_MAX: usize = 20;

/// The kind of a [`Command`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    /// [`Command::Edit`].
    Edit,
    /// [`Command::Submit`].
    Submit,
    /// [`Command::Resubmit`].
    Resubmit,
    /// [`Command::Recall`].
    Recall,
    /// [`Command::Withdraw`].
    Withdraw,
    /// [`Command::Endorse`].
    Endorse,
    /// [`Command::Receive`].
    Receive,
    /// [`Command::Return`].
    Return,
    /// [`Command::Reject`].
    Reject,
    /// [`Command::Appraise`].
    Appraise,
    /// [`Command::CloseNotice`].
    CloseNotice,
    /// [`Command::RequestOpinions`].
    RequestOpinions,
    /// [`Command::GiveOpinion`].
    GiveOpinion,
    /// [`Command::CloseConsultation`].
    CloseConsultation,
    /// [`Command::RecordCouncil`].
    RecordCouncil,
    /// [`Command::NoticeDelay`].
    NoticeDelay,
    /// [`Command::Sign`].
    Sign,
    /// [`Command::Annul`].
    Annul,
}

impl CommandKind {
    /// Every command kind.
    pub const ALL: [CommandKind; 18] = [
        CommandKind::Edit,
        CommandKind::Submit,
        CommandKind::Resubmit,
        CommandKind::Recall,
        CommandKind::Withdraw,
        CommandKind::Endorse,
        CommandKind::Receive,
        CommandKind::Return,
        CommandKind::Reject,
        CommandKind::Appraise,
        CommandKind::CloseNotice,
        CommandKind::RequestOpinions,
        CommandKind::GiveOpinion,
        CommandKind::CloseConsultation,
        CommandKind::RecordCouncil,
        CommandKind::NoticeDelay,
        CommandKind::Sign,
        CommandKind::Annul,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CommandKind::Edit => "EDIT",
            CommandKind::Submit => "SUBMIT",
            CommandKind::Resubmit => "RESUBMIT",
            CommandKind::Recall => "RECALL",
            CommandKind::Withdraw => "WITHDRAW",
            CommandKind::Endorse => "ENDORSE",
            CommandKind::Receive => "RECEIVE",
            CommandKind::Return => "RETURN",
            CommandKind::Reject => "REJECT",
            CommandKind::Appraise => "APPRAISE",
            CommandKind::CloseNotice => "CLOSE_NOTICE",
            CommandKind::RequestOpinions => "REQUEST_OPINIONS",
            CommandKind::GiveOpinion => "GIVE_OPINION",
            CommandKind::CloseConsultation => "CLOSE_CONSULTATION",
            CommandKind::RecordCouncil => "RECORD_COUNCIL",
            CommandKind::NoticeDelay => "NOTICE_DELAY",
            CommandKind::Sign => "SIGN",
            CommandKind::Annul => "ANNUL",
        }
    }

    /// The verb in Vietnamese ("tiếp nhận").
    pub fn name_vi(self) -> &'static str {
        match self {
            CommandKind::Edit => "sửa",
            CommandKind::Submit => "trình",
            CommandKind::Resubmit => "trình lại",
            CommandKind::Recall => "thu hồi",
            CommandKind::Withdraw => "rút",
            CommandKind::Endorse => "xác nhận, chuyển cấp trên",
            CommandKind::Receive => "tiếp nhận",
            CommandKind::Return => "trả lại để bổ sung",
            CommandKind::Reject => "không chấp nhận",
            CommandKind::Appraise => "thẩm định",
            CommandKind::CloseNotice => "kết thúc công khai",
            CommandKind::RequestOpinions => "lấy ý kiến hiệp y về",
            CommandKind::GiveOpinion => "cho ý kiến hiệp y về",
            CommandKind::CloseConsultation => "kết thúc hiệp y",
            CommandKind::RecordCouncil => "ghi kết quả Hội đồng cho",
            CommandKind::NoticeDelay => "thông báo hẹn lại ngày trả kết quả cho",
            CommandKind::Sign => "ký quyết định cho",
            CommandKind::Annul => "hủy quyết định khen thưởng cho",
        }
    }

    /// The verb in English ("receive").
    pub fn name_en(self) -> &'static str {
        match self {
            CommandKind::Edit => "edit",
            CommandKind::Submit => "submit",
            CommandKind::Resubmit => "resubmit",
            CommandKind::Recall => "recall",
            CommandKind::Withdraw => "withdraw",
            CommandKind::Endorse => "endorse",
            CommandKind::Receive => "receive",
            CommandKind::Return => "return",
            CommandKind::Reject => "reject",
            CommandKind::Appraise => "appraise",
            CommandKind::CloseNotice => "close the public notice of",
            CommandKind::RequestOpinions => "request opinions on",
            CommandKind::GiveOpinion => "give an opinion on",
            CommandKind::CloseConsultation => "close the consultation on",
            CommandKind::RecordCouncil => "record the council's outcome for",
            CommandKind::NoticeDelay => "send a delay notice for",
            CommandKind::Sign => "sign a decision for",
            CommandKind::Annul => "annul the award of",
        }
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The appraiser's verdict.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppraisalVerdict {
    /// Meets the rules: goes on.
    Eligible,
    /// Does not: stays at appraisal (to be returned, rejected or appraised again).
    Ineligible,
}

impl AppraisalVerdict {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AppraisalVerdict::Eligible => "ELIGIBLE",
            AppraisalVerdict::Ineligible => "INELIGIBLE",
        }
    }
}

/// A consulted unit's answer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OpinionVerdict {
    /// Đồng ý.
    Agree,
    /// Không đồng ý (with reasons).
    Object,
}

impl OpinionVerdict {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            OpinionVerdict::Agree => "AGREE",
            OpinionVerdict::Object => "OBJECT",
        }
    }
}

/// The grounds on which an award decision is annulled (Law 06/2022 Art 93.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnnulGround {
    /// a) Gian dối trong việc kê khai thành tích.
    A,
    /// b) Làm giả hồ sơ, giấy tờ, thông tin không đúng sự thật.
    B,
    /// c) Thẩm định, xét duyệt, đề nghị khen thưởng trái pháp luật.
    C,
    /// d) Kết luận, quyết định, bản án của cơ quan có thẩm quyền xác định vi phạm khiến không
    /// còn đủ tiêu chuẩn trong thời gian đạt thành tích.
    D,
}

impl AnnulGround {
    /// Every ground.
    pub const ALL: [AnnulGround; 4] = [
        AnnulGround::A,
        AnnulGround::B,
        AnnulGround::C,
        AnnulGround::D,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AnnulGround::A => "A",
            AnnulGround::B => "B",
            AnnulGround::C => "C",
            AnnulGround::D => "D",
        }
    }

    /// The ground, in Vietnamese, as Art 93.2 words it.
    pub fn text_vi(self) -> &'static str {
        match self {
            AnnulGround::A => "Gian dối trong việc kê khai thành tích để được khen thưởng",
            AnnulGround::B => "Làm giả hồ sơ, giấy tờ hoặc cung cấp thông tin không đúng sự thật",
            AnnulGround::C => "Thẩm định, xét duyệt, đề nghị khen thưởng trái pháp luật",
            AnnulGround::D => {
                "Có kết luận, quyết định, bản án của cơ quan có thẩm quyền xác định vi phạm dẫn đến không đủ tiêu chuẩn trong thời gian đạt thành tích"
            }
        }
    }

    /// The ground, in English.
    pub fn text_en(self) -> &'static str {
        match self {
            AnnulGround::A => "Fraudulent declaration of achievements",
            AnnulGround::B => "Forged dossier or false information",
            AnnulGround::C => "Unlawful appraisal, review or proposal",
            AnnulGround::D => {
                "A competent finding of violations that make the recipient fail the criteria for the period"
            }
        }
    }
}

impl FromStr for AnnulGround {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AnnulGround::ALL
            .into_iter()
            .find(|g| g.code() == s)
            .ok_or(InvalidInput::Malformed {
                field: "ground",
                expected_vi: "một trong A, B, C, D (Luật TĐKT 06/2022, Điều 93.2)",
                expected_en: "one of A, B, C, D (Law 06/2022 Art 93.2)",
            })
    }
}

/// The figures of a council's vote on one nomination: recorded by its secretary, or counted
/// from a session's ballots. Recused members are left out of `members` and `present`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// Members of the council (its whole membership on the session's date).
    pub members: u32,
    /// Members present.
    pub present: u32,
    /// Votes for, of members present.
    pub votes_for: u32,
    /// Votes against, of members present.
    pub votes_against: u32,
    /// Abstentions, of members present.
    pub abstentions: u32,
    /// Absent members' written opinions for.
    pub written_for: u32,
    /// Absent members' written opinions against.
    pub written_against: u32,
}

impl Tally {
    /// Checks the figures add up: at least one member, no more present than members, no more
    /// votes than members present, no more written opinions than members absent.
    pub fn check(&self) -> Result<(), InvalidInput> {
        let cast =
            u64::from(self.votes_for) + u64::from(self.votes_against) + u64::from(self.abstentions);
        let written = u64::from(self.written_for) + u64::from(self.written_against);
        if self.members == 0
            || self.present > self.members
            || cast > u64::from(self.present)
            || written > u64::from(self.members - self.present)
        {
            return Err(InvalidInput::Malformed {
                field: "tally",
                expected_vi: "số thành viên ≥ 1, số có mặt ≤ số thành viên, tổng số phiếu ≤ số có mặt, ý kiến bằng văn bản ≤ số vắng mặt",
                expected_en: "members ≥ 1, present ≤ members, votes ≤ members present, written opinions ≤ members absent",
            });
        }
        Ok(())
    }
}

/// A unit asked for its opinion at a CONSULT stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    /// The unit's path.
    pub unit: UnitPath,
    /// Its deadline.
    pub due_on: Date,
    /// Whether it has answered.
    pub answered: bool,
}

/// What someone asks a nomination to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Replace the citation (a draft or a returned nomination).
    Edit {
        /// The new citation, already validated.
        achievement: String,
    },
    /// The proposing unit's head submits it (tờ trình).
    Submit,
    /// Sends a returned nomination back to the stage that returned it.
    Resubmit,
    /// The sender takes it back before the next level has acted.
    Recall,
    /// The proposing unit withdraws it.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// A level up the route endorses it and forwards it.
    Endorse {
        /// The level's note, if any.
        note: Option<String>,
    },
    /// The issuer's office receives the complete dossier.
    Receive,
    /// Back to the proposing unit for supplement.
    Return {
        /// What to fix (at least one).
        reasons: Vec<String>,
        /// Dossier parts to add.
        missing: Vec<DocumentKind>,
    },
    /// Refused, with a written reason. Final.
    Reject {
        /// Why.
        reason: String,
    },
    /// The office's appraisal.
    Appraise {
        /// The verdict.
        verdict: AppraisalVerdict,
        /// The appraiser's notes.
        notes: String,
    },
    /// Ends the public notice once its days have passed.
    CloseNotice,
    /// Asks units for their opinion.
    RequestOpinions {
        /// The units, with their paths.
        units: Vec<UnitPath>,
    },
    /// A consulted unit's opinion.
    GiveOpinion {
        /// The unit answering.
        unit: UnitId,
        /// Its answer.
        verdict: OpinionVerdict,
        /// Its reasons.
        text: String,
    },
    /// Ends the consultation: every unit answered, or its deadline passed (silence means
    /// proceed).
    CloseConsultation,
    /// The council's outcome, with its figures.
    RecordCouncil {
        /// The figures.
        tally: Tally,
    },
    /// A late stage's notice to the proposing unit, with a new expected date ("phiếu xin lỗi
    /// và hẹn lại ngày trả kết quả").
    NoticeDelay {
        /// The new date.
        new_due_on: Date,
        /// Why.
        reason: String,
    },
    /// Included in a signed decision.
    Sign {
        /// The decision.
        decision: DecisionId,
    },
    /// Its award annulled by another decision (Art 93.2).
    Annul {
        /// The annulment decision.
        decision: DecisionId,
        /// The ground.
        ground: AnnulGround,
    },
}

impl Command {
    /// The kind of this command.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Edit { .. } => CommandKind::Edit,
            Command::Submit => CommandKind::Submit,
            Command::Resubmit => CommandKind::Resubmit,
            Command::Recall => CommandKind::Recall,
            Command::Withdraw { .. } => CommandKind::Withdraw,
            Command::Endorse { .. } => CommandKind::Endorse,
            Command::Receive => CommandKind::Receive,
            Command::Return { .. } => CommandKind::Return,
            Command::Reject { .. } => CommandKind::Reject,
            Command::Appraise { .. } => CommandKind::Appraise,
            Command::CloseNotice => CommandKind::CloseNotice,
            Command::RequestOpinions { .. } => CommandKind::RequestOpinions,
            Command::GiveOpinion { .. } => CommandKind::GiveOpinion,
            Command::CloseConsultation => CommandKind::CloseConsultation,
            Command::RecordCouncil { .. } => CommandKind::RecordCouncil,
            Command::NoticeDelay { .. } => CommandKind::NoticeDelay,
            Command::Sign { .. } => CommandKind::Sign,
            Command::Annul { .. } => CommandKind::Annul,
        }
    }
}

/// What happened to a nomination, in the past tense. Written to its history and the audit log
/// with the transition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(
    tag = "event",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// The citation changed.
    Edited {
        /// The new citation.
        achievement: String,
    },
    /// Submitted by the proposing unit.
    Submitted,
    /// Sent back to the stage that returned it, after `paused_days` working days.
    Resubmitted {
        /// Working days it spent returned.
        paused_days: u32,
    },
    /// Taken back by its sender.
    Recalled,
    /// Withdrawn.
    Withdrawn {
        /// Why.
        reason: String,
    },
    /// Endorsed by a level up the route.
    Endorsed {
        /// The level.
        unit: UnitId,
        /// Its note.
        note: Option<String>,
    },
    /// The complete dossier was received.
    Received,
    /// Returned for supplement.
    Returned {
        /// What to fix.
        reasons: Vec<String>,
        /// Parts to add.
        missing: Vec<DocumentKind>,
    },
    /// Rejected.
    Rejected {
        /// Why.
        reason: String,
    },
    /// Appraised.
    Appraised {
        /// The verdict.
        verdict: AppraisalVerdict,
        /// The notes.
        notes: String,
    },
    /// A public notice opened.
    NoticeOpened {
        /// Its last day.
        #[serde(with = "crate::calendar::iso_date")]
        closes_on: Date,
    },
    /// The public notice ended.
    NoticeClosed,
    /// Units were asked for their opinion.
    OpinionsRequested {
        /// The units.
        units: Vec<UnitId>,
        /// Their deadline.
        #[serde(with = "crate::calendar::iso_date")]
        due_on: Date,
    },
    /// A unit gave its opinion.
    OpinionGiven {
        /// The unit.
        unit: UnitId,
        /// Its answer.
        verdict: OpinionVerdict,
        /// Its reasons.
        text: String,
    },
    /// The consultation ended; the silent units count as agreeing.
    ConsultationClosed {
        /// Units that did not answer in time.
        silent: Vec<UnitId>,
    },
    /// The council approved it.
    CouncilApproved {
        /// The figures.
        tally: Tally,
    },
    /// The council did not approve it; it stays at the council stage (a later session may vote
    /// again), unless returned or rejected.
    CouncilRefused {
        /// The figures.
        tally: Tally,
    },
    /// A late stage sent the proposing unit a new expected date.
    DelayNoticed {
        /// The date it was due.
        #[serde(with = "crate::calendar::iso_date::option")]
        previous_due_on: Option<Date>,
        /// The new date.
        #[serde(with = "crate::calendar::iso_date")]
        new_due_on: Date,
        /// Why.
        reason: String,
    },
    /// Included in a signed decision.
    Decided {
        /// The decision.
        decision: DecisionId,
    },
    /// Its award was annulled.
    Annulled {
        /// The annulment decision.
        decision: DecisionId,
        /// The ground.
        ground: AnnulGround,
    },
}

impl Event {
    /// Every stable name [`Event::name`] gives.
    pub const NAMES: &'static [&'static str] = &[
        "NOMINATION_EDITED",
        "NOMINATION_SUBMITTED",
        "NOMINATION_RESUBMITTED",
        "NOMINATION_RECALLED",
        "NOMINATION_WITHDRAWN",
        "NOMINATION_ENDORSED",
        "NOMINATION_RECEIVED",
        "NOMINATION_RETURNED",
        "NOMINATION_REJECTED",
        "NOMINATION_APPRAISED",
        "PUBLIC_NOTICE_OPENED",
        "PUBLIC_NOTICE_CLOSED",
        "OPINIONS_REQUESTED",
        "OPINION_GIVEN",
        "CONSULTATION_CLOSED",
        "COUNCIL_APPROVED",
        "COUNCIL_REFUSED",
        "DELAY_NOTICED",
        "NOMINATION_DECIDED",
        "NOMINATION_ANNULLED",
    ];

    /// Stable name, as written in the history and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Edited { .. } => "NOMINATION_EDITED",
            Event::Submitted => "NOMINATION_SUBMITTED",
            Event::Resubmitted { .. } => "NOMINATION_RESUBMITTED",
            Event::Recalled => "NOMINATION_RECALLED",
            Event::Withdrawn { .. } => "NOMINATION_WITHDRAWN",
            Event::Endorsed { .. } => "NOMINATION_ENDORSED",
            Event::Received => "NOMINATION_RECEIVED",
            Event::Returned { .. } => "NOMINATION_RETURNED",
            Event::Rejected { .. } => "NOMINATION_REJECTED",
            Event::Appraised { .. } => "NOMINATION_APPRAISED",
            Event::NoticeOpened { .. } => "PUBLIC_NOTICE_OPENED",
            Event::NoticeClosed => "PUBLIC_NOTICE_CLOSED",
            Event::OpinionsRequested { .. } => "OPINIONS_REQUESTED",
            Event::OpinionGiven { .. } => "OPINION_GIVEN",
            Event::ConsultationClosed { .. } => "CONSULTATION_CLOSED",
            Event::CouncilApproved { .. } => "COUNCIL_APPROVED",
            Event::CouncilRefused { .. } => "COUNCIL_REFUSED",
            Event::DelayNoticed { .. } => "DELAY_NOTICED",
            Event::Decided { .. } => "NOMINATION_DECIDED",
            Event::Annulled { .. } => "NOMINATION_ANNULLED",
        }
    }

    /// The reasons a person gave, if any.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Event::Withdrawn { reason }
            | Event::Rejected { reason }
            | Event::DelayNoticed { reason, .. } => vec![reason.clone()],
            Event::Returned { reasons, .. } => reasons.clone(),
            Event::Edited { .. }
            | Event::Submitted
            | Event::Resubmitted { .. }
            | Event::Recalled
            | Event::Endorsed { .. }
            | Event::Received
            | Event::Appraised { .. }
            | Event::NoticeOpened { .. }
            | Event::NoticeClosed
            | Event::OpinionsRequested { .. }
            | Event::OpinionGiven { .. }
            | Event::ConsultationClosed { .. }
            | Event::CouncilApproved { .. }
            | Event::CouncilRefused { .. }
            | Event::Decided { .. }
            | Event::Annulled { .. } => Vec::new(),
        }
    }

    /// The note a person wrote, if any.
    pub fn note(&self) -> Option<&str> {
        match self {
            Event::Endorsed { note, .. } => note.as_deref(),
            Event::Appraised { notes, .. } => Some(notes),
            Event::OpinionGiven { text, .. } => Some(text),
            Event::Edited { .. }
            | Event::Submitted
            | Event::Resubmitted { .. }
            | Event::Recalled
            | Event::Withdrawn { .. }
            | Event::Received
            | Event::Returned { .. }
            | Event::Rejected { .. }
            | Event::NoticeOpened { .. }
            | Event::NoticeClosed
            | Event::OpinionsRequested { .. }
            | Event::ConsultationClosed { .. }
            | Event::CouncilApproved { .. }
            | Event::CouncilRefused { .. }
            | Event::DelayNoticed { .. }
            | Event::Decided { .. }
            | Event::Annulled { .. } => None,
        }
    }
}

/// What the transition needs to know, gathered by the caller before the call. No IO here.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    /// Today, in Asia/Ho_Chi_Minh.
    pub today: Date,
    /// The working days.
    pub calendar: &'a WorkingCalendar,
    /// The nomination's route.
    pub route: &'a Route,
    /// The award's rule under the nomination's pinned ruleset.
    pub rule: &'a AwardRule,
    /// The kinds of document in the dossier (the nomination's and its proposal's).
    pub dossier: &'a BTreeSet<DocumentKind>,
    /// The eligibility as of today (needed to appraise).
    pub eligibility: Option<&'a Eligibility>,
    /// The quota this would exceed, if any (checked at submission and appraisal).
    pub quota: Option<&'a QuotaExceeded>,
    /// The units consulted at a CONSULT stage.
    pub consultations: &'a [Consultation],
    /// How the council approves (the issuer's own rule for the award); `None`: the ruleset's.
    pub vote_rule: Option<&'a VoteRule>,
}

/// Why a command cannot be accepted where the nomination stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// The next level has already acted (or something was recorded at its stage).
    NextLevelActed,
    /// Only a late stage sends a delay notice.
    NotLate {
        /// When the stage is due, if it has a deadline.
        due_on: Option<Date>,
    },
    /// The unit was not asked, or has answered already.
    NotConsulted,
}

/// A command the nomination does not accept where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} nomination at {at} does not accept {command}")]
pub struct TransitionError {
    /// The state it is in.
    pub from: NominationState,
    /// The stage it is at.
    pub at: StageKind,
    /// The command refused.
    pub command: CommandKind,
    /// What it accepts there.
    pub accepted: &'static [CommandKind],
    /// Why, when the command is accepted there in general.
    pub blocked: Option<Blocked>,
}

impl Explain for TransitionError {
    fn message_vi(&self) -> String {
        let why = match self.blocked {
            Some(Blocked::NextLevelActed) => {
                " Cấp tiếp nhận đã xử lý đề nghị nên không thể thu hồi.".to_owned()
            }
            Some(Blocked::NotLate { due_on: Some(d) }) => format!(
                " Chỉ gửi thông báo hẹn lại khi bước xử lý đã đến hoặc quá hạn ({}).",
                crate::calendar::format_date(d)
            ),
            Some(Blocked::NotLate { due_on: None }) => {
                " Bước hiện tại không có thời hạn nên không cần thông báo hẹn lại.".to_owned()
            }
            Some(Blocked::NotConsulted) => {
                " Đơn vị không được hỏi ý kiến hoặc đã trả lời.".to_owned()
            }
            None => String::new(),
        };
        let state = if self.from == NominationState::Submitted {
            format!("đang ở bước {}", self.at.name_vi())
        } else {
            format!("ở trạng thái \"{}\"", self.from.name_vi())
        };
        format!(
            "Không thể {} đề nghị {state}.{why}{}",
            self.command.name_vi(),
            accepted_text(
                self.accepted,
                CommandKind::name_vi,
                "Có thể",
                "Không còn thao tác nào."
            )
        )
    }
    fn message_en(&self) -> String {
        let why = match self.blocked {
            Some(Blocked::NextLevelActed) => {
                " The next level has already acted on it, so it cannot be recalled.".to_owned()
            }
            Some(Blocked::NotLate { due_on: Some(d) }) => format!(
                " A delay notice is sent once the stage is due or late ({}).",
                crate::calendar::format_date(d)
            ),
            Some(Blocked::NotLate { due_on: None }) => {
                " The current stage has no deadline, so no delay notice is needed.".to_owned()
            }
            Some(Blocked::NotConsulted) => " The unit was not asked, or has answered.".to_owned(),
            None => String::new(),
        };
        let state = if self.from == NominationState::Submitted {
            format!("at the {} stage", self.at.name_en())
        } else {
            format!("that is {}", self.from.name_en())
        };
        format!(
            "Cannot {} a nomination {state}.{why}{}",
            self.command.name_en(),
            accepted_text(
                self.accepted,
                CommandKind::name_en,
                "It accepts:",
                "Nothing more can be done to it."
            )
        )
    }
}

fn accepted_text(
    accepted: &[CommandKind],
    name: fn(CommandKind) -> &'static str,
    lead: &str,
    none: &str,
) -> String {
    if accepted.is_empty() {
        return format!(" {none}");
    }
    let names: Vec<&str> = accepted.iter().map(|c| name(*c)).collect();
    format!(" {lead} {}.", names.join(", "))
}

/// An earlier part an account played that keeps it from this step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// It drafted the nomination.
    Drafted,
    /// It submitted it.
    Submitted,
    /// It appraised it.
    Appraised,
}

/// The same account may not propose and approve one nomination (see [`separation_of_duties`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the account that {earlier:?} this nomination may not {command}")]
pub struct SeparationOfDuties {
    /// What was attempted.
    pub command: CommandKind,
    /// The earlier part.
    pub earlier: Duty,
}

impl Explain for SeparationOfDuties {
    fn message_vi(&self) -> String {
        let earlier = match self.earlier {
            Duty::Drafted => "lập",
            Duty::Submitted => "trình",
            Duty::Appraised => "thẩm định",
        };
        format!(
            "Người đã {earlier} đề nghị này không được đồng thời {} đề nghị (phân tách nhiệm vụ đề xuất và phê duyệt).",
            self.command.name_vi()
        )
    }
    fn message_en(&self) -> String {
        let earlier = match self.earlier {
            Duty::Drafted => "drafted",
            Duty::Submitted => "submitted",
            Duty::Appraised => "appraised",
        };
        format!(
            "The account that {earlier} this nomination may not also {} it (proposing and approving are separate duties).",
            self.command.name_en()
        )
    }
}

/// Why a transition was refused. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not accepted where it stands.
    NotAccepted(TransitionError),
    /// The actor may not do it.
    Denied(Denied),
    /// The actor played an earlier part that excludes this one.
    SameAccount(SeparationOfDuties),
    /// Rules of the law refuse it; every one is listed.
    Rules(Vec<RuleViolation>),
    /// The command's data is malformed.
    Invalid(Vec<InvalidInput>),
}

/// The outcome of an accepted command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The nomination after it (its version is the caller's to advance when saving).
    pub next: Nomination,
    /// What happened.
    pub events: Vec<Event>,
    /// By what right the actor acted.
    pub authority: Authority,
}

/// Which commands a nomination accepts, by state and (for one under review) the kind of its
/// stage: one table, snapshot-tested. No `_` on either axis, so a new state or stage kind fails
/// to compile until it decides; a new command is refused everywhere until listed here.
pub fn accepted(state: NominationState, at: StageKind) -> &'static [CommandKind] {
    use CommandKind::*;
    use NominationState as S;
    use StageKind as K;
    match state {
        S::Draft => &[Edit, Submit, Withdraw],
        S::Returned => &[Edit, Resubmit, Withdraw],
        S::Submitted => match at {
            K::Submit => &[],
            K::Endorse => &[Endorse, Return, Reject, Recall, Withdraw, NoticeDelay],
            K::Receive => &[Receive, Return, Recall, Withdraw, NoticeDelay],
            K::Appraise => &[Appraise, Return, Reject, Withdraw, NoticeDelay],
            K::PublicNotice => &[CloseNotice, Return, Reject, Withdraw, NoticeDelay],
            K::Consult => &[
                RequestOpinions,
                GiveOpinion,
                CloseConsultation,
                Return,
                Reject,
                Withdraw,
                NoticeDelay,
            ],
            K::Council => &[RecordCouncil, Return, Reject, Withdraw, NoticeDelay],
            K::Sign => &[Sign, Return, Reject, Withdraw, NoticeDelay],
        },
        S::Decided => &[Annul],
        S::Rejected | S::Withdrawn | S::Annulled => &[],
    }
}

/// The rule Laurel applies for separation of duties (four-eyes): an account that drafted or
/// submitted a nomination may not endorse, appraise, record the council's outcome for, or sign
/// it; an account that appraised it may not sign it. Receiving (a completeness check), returning
/// and rejecting are open to whoever acts at the stage.
pub fn separation_of_duties(
    nomination: &Nomination,
    account: AccountId,
    command: CommandKind,
) -> Result<(), SeparationOfDuties> {
    let p = nomination.progress();
    let proposed = if p.submitted_by == Some(account) {
        Some(Duty::Submitted)
    } else if nomination.drafted_by == account {
        Some(Duty::Drafted)
    } else {
        None
    };
    let appraised = (p.appraised_by == Some(account)).then_some(Duty::Appraised);
    let earlier = match command {
        CommandKind::Endorse | CommandKind::Appraise | CommandKind::RecordCouncil => proposed,
        CommandKind::Sign => proposed.or(appraised),
        CommandKind::Edit
        | CommandKind::Submit
        | CommandKind::Resubmit
        | CommandKind::Recall
        | CommandKind::Withdraw
        | CommandKind::Receive
        | CommandKind::Return
        | CommandKind::Reject
        | CommandKind::CloseNotice
        | CommandKind::RequestOpinions
        | CommandKind::GiveOpinion
        | CommandKind::CloseConsultation
        | CommandKind::NoticeDelay
        | CommandKind::Annul => None,
    };
    match earlier {
        Some(earlier) => Err(SeparationOfDuties { command, earlier }),
        None => Ok(()),
    }
}

/// Who must act for `command` where the nomination stands, as (role, reach, the unit's path,
/// party): the party of the stage resolved on the route. Policy actions (edit, withdraw) are
/// `None`, authorized by `authz::policy`; so is an opinion, answered by the head of a consulted
/// unit.
pub fn requirement(
    wf: &Workflow,
    nomination: &Nomination,
    command: &Command,
    route: &Route,
) -> Option<(Role, Reach, UnitPath, Party)> {
    let at = nomination.progress().position;
    let stage_of = |position: Position| {
        let stage = wf.stage(position.stage);
        party_target(stage, position.level, route)
            .map(|(path, reach)| (stage.role, reach, path, stage.party))
    };
    match command {
        Command::Edit { .. } | Command::Withdraw { .. } => None,
        Command::Submit | Command::Resubmit => stage_of(Position::default()),
        Command::Recall => wf.previous(at, route).and_then(stage_of),
        // Answered by the head of a consulted unit: see `authorize`.
        Command::GiveOpinion { .. } => None,
        Command::Annul { .. } => wf
            .index_of(StageKind::Sign)
            .and_then(|stage| stage_of(Position { stage, level: 0 })),
        Command::Endorse { .. }
        | Command::Receive
        | Command::Return { .. }
        | Command::Reject { .. }
        | Command::Appraise { .. }
        | Command::CloseNotice
        | Command::RequestOpinions { .. }
        | Command::CloseConsultation
        | Command::RecordCouncil { .. }
        | Command::NoticeDelay { .. }
        | Command::Sign { .. } => stage_of(at),
    }
}

/// The unit a party resolves to on the route, and how far a role held there reaches.
pub fn party_target(stage: &Stage, level: usize, route: &Route) -> Option<(UnitPath, Reach)> {
    match stage.party {
        Party::Proposer => Some((route.proposing().clone(), Reach::Subtree)),
        Party::EachLevelUp => route.level(level).map(|p| (p, Reach::Exact)),
        Party::IssuerOffice | Party::IssuerCouncil | Party::IssuerSigner => {
            Some((route.issuer().clone(), Reach::Exact))
        }
    }
}

fn authorize(
    wf: &Workflow,
    nomination: &Nomination,
    actor: &Actor,
    command: &Command,
    s: &Situation<'_>,
) -> Result<Authority, Refusal> {
    let kind = command.kind();
    let policy = |action: Action| {
        actor
            .authorize(action, s.route.proposing())
            .map(|()| Authority::Own)
            .map_err(Refusal::Denied)
    };
    match command {
        Command::Edit { .. } => return policy(Action::DraftNomination),
        Command::Withdraw { .. } => return policy(Action::WithdrawNomination),
        Command::GiveOpinion { unit, .. } => {
            let consulted = s
                .consultations
                .iter()
                .find(|c| c.unit.unit() == Some(*unit) && !c.answered);
            let Some(consulted) = consulted else {
                return Err(not_accepted(
                    nomination,
                    wf,
                    kind,
                    Some(Blocked::NotConsulted),
                ));
            };
            return actor
                .authorize_role(Role::UnitHead, Reach::Exact, &consulted.unit)
                .ok_or_else(|| {
                    Refusal::Denied(Denied {
                        attempt: Attempt::Stage {
                            role: Role::UnitHead,
                            command_vi: kind.name_vi(),
                            command_en: kind.name_en(),
                            party_vi: "đơn vị được hỏi ý kiến",
                            party_en: "the consulted unit",
                        },
                        unit: Some(*unit),
                    })
                });
        }
        Command::Submit
        | Command::Resubmit
        | Command::Recall
        | Command::Endorse { .. }
        | Command::Receive
        | Command::Return { .. }
        | Command::Reject { .. }
        | Command::Appraise { .. }
        | Command::CloseNotice
        | Command::RequestOpinions { .. }
        | Command::CloseConsultation
        | Command::RecordCouncil { .. }
        | Command::NoticeDelay { .. }
        | Command::Sign { .. }
        | Command::Annul { .. } => {}
    }
    let Some((role, reach, target, party)) = requirement(wf, nomination, command, s.route) else {
        // Nobody sent it to this stage (recalling a submission from a stage with nothing
        // before it): not a step anyone can take here.
        return Err(not_accepted(
            nomination,
            wf,
            kind,
            Some(Blocked::NextLevelActed),
        ));
    };
    actor.authorize_role(role, reach, &target).ok_or_else(|| {
        Refusal::Denied(Denied {
            attempt: Attempt::Stage {
                role,
                command_vi: kind.name_vi(),
                command_en: kind.name_en(),
                party_vi: party.name_vi(),
                party_en: party.name_en(),
            },
            unit: target.unit(),
        })
    })
}

fn not_accepted(
    nomination: &Nomination,
    wf: &Workflow,
    command: CommandKind,
    blocked: Option<Blocked>,
) -> Refusal {
    let state = nomination.state();
    let at = wf.stage(nomination.progress().position.stage).kind;
    Refusal::NotAccepted(TransitionError {
        from: state,
        at,
        command,
        accepted: accepted(state, at),
        blocked,
    })
}

fn text(field: &'static str, value: &str) -> Result<String, Refusal> {
    bounded_line(field, value, TEXT_MAX).map_err(|e| Refusal::Invalid(vec![e]))
}

/// The one transition function. Checks, in order: that the nomination accepts the command where
/// it stands; that the actor holds the stage's role at its party on the route (or is delegated
/// it); separation of duties; the command's data; the rules of the stage (complete dossier,
/// eligibility, quota, notice days, consultation, council threshold). Then moves it on.
pub fn apply(
    wf: &Workflow,
    nomination: &Nomination,
    actor: &Actor,
    command: Command,
    s: &Situation<'_>,
) -> Result<Transition, Refusal> {
    let kind = command.kind();
    let state = nomination.state();
    let position = nomination.progress().position;
    let at = wf.stage(position.stage).kind;
    if !accepted(state, at).contains(&kind) {
        return Err(not_accepted(nomination, wf, kind, None));
    }
    let authority = authorize(wf, nomination, actor, &command, s)?;
    separation_of_duties(nomination, actor.account, kind).map_err(Refusal::SameAccount)?;

    let mut next = nomination.clone();
    let today = s.today;
    let events = match command {
        Command::Edit { achievement } => {
            next.achievement = achievement.clone();
            vec![Event::Edited { achievement }]
        }
        Command::Submit => {
            if let Some(exceeded) = s.quota {
                return Err(Refusal::Rules(vec![RuleViolation::QuotaExceeded(
                    *exceeded,
                )]));
            }
            let p = next.progress_mut();
            p.state = NominationState::Submitted;
            p.submitted_by = Some(actor.account);
            let mut events = vec![Event::Submitted];
            events.extend(advance(wf, &mut next, s));
            events.extend(endorse_own_levels(wf, &mut next, actor, s));
            events
        }
        Command::Resubmit => {
            let p = next.progress_mut();
            let paused = p.returned_on.map_or(0, |returned| {
                s.calendar.working_days_between(returned, today)
            });
            p.state = NominationState::Submitted;
            p.returned_on = None;
            p.paused_days = p.paused_days.saturating_add(paused);
            p.due_on = p.due_on.map(|due| s.calendar.add_working_days(due, paused));
            p.submitted_by = Some(actor.account);
            vec![Event::Resubmitted {
                paused_days: paused,
            }]
        }
        Command::Recall => {
            let sender = wf.previous(position, s.route);
            let sender_kind = sender.map(|p| wf.stage(p.stage).kind);
            let recallable = !nomination.progress().stage_touched
                && matches!(sender_kind, Some(StageKind::Submit | StageKind::Endorse));
            match (recallable, sender) {
                (true, Some(back)) if back == Position::default() => {
                    let p = next.progress_mut();
                    p.state = NominationState::Draft;
                    p.position = back;
                    p.stage_since = today;
                    p.due_on = None;
                    p.paused_days = 0;
                    p.submitted_by = None;
                }
                (true, Some(back)) => {
                    // Re-entering a level's ENDORSE stage opens no notice.
                    let _opened = enter(wf, &mut next, back, s);
                }
                (false, _) | (true, None) => {
                    return Err(not_accepted(
                        nomination,
                        wf,
                        kind,
                        Some(Blocked::NextLevelActed),
                    ));
                }
            }
            vec![Event::Recalled]
        }
        Command::Withdraw { reason } => {
            let reason = text("reason", &reason)?;
            next.progress_mut().state = NominationState::Withdrawn;
            vec![Event::Withdrawn { reason }]
        }
        Command::Endorse { note } => {
            let note = match note {
                Some(n) if !n.trim().is_empty() => Some(text("note", &n)?),
                Some(_) | None => None,
            };
            let unit = s
                .route
                .level(position.level)
                .and_then(|p| p.unit())
                .unwrap_or(nomination.proposing_unit);
            let mut events = vec![Event::Endorsed { unit, note }];
            events.extend(advance(wf, &mut next, s));
            events
        }
        Command::Receive => {
            let required = dossier::required_at_reception(s.rule, nomination.kind);
            let missing: Vec<DocumentKind> = required.difference(s.dossier).copied().collect();
            if !missing.is_empty() {
                return Err(Refusal::Rules(vec![RuleViolation::DossierIncomplete {
                    missing,
                }]));
            }
            next.progress_mut().received_on = Some(today);
            let mut events = vec![Event::Received];
            events.extend(advance(wf, &mut next, s));
            events
        }
        Command::Return { reasons, missing } => {
            if reasons.is_empty() || reasons.len() > REASONS_MAX {
                return Err(Refusal::Invalid(vec![InvalidInput::OutOfRange {
                    field: "reasons",
                    min: 1,
                    max: REASONS_MAX as i64,
                    actual: reasons.len() as i64,
                }]));
            }
            let reasons = reasons
                .iter()
                .map(|r| text("reasons", r))
                .collect::<Result<Vec<_>, _>>()?;
            let missing: Vec<DocumentKind> = missing
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let p = next.progress_mut();
            p.state = NominationState::Returned;
            p.returned_on = Some(today);
            vec![Event::Returned { reasons, missing }]
        }
        Command::Reject { reason } => {
            let reason = text("reason", &reason)?;
            next.progress_mut().state = NominationState::Rejected;
            vec![Event::Rejected { reason }]
        }
        Command::Appraise { verdict, notes } => {
            let notes = text("notes", &notes)?;
            let Some(eligibility) = s.eligibility else {
                return Err(Refusal::Invalid(vec![InvalidInput::Empty {
                    field: "eligibility",
                }]));
            };
            next.progress_mut().appraised_by = Some(actor.account);
            match verdict {
                AppraisalVerdict::Eligible => {
                    let mut violations: Vec<RuleViolation> = Vec::new();
                    if eligibility.verdict == Verdict::Ineligible {
                        violations.extend(eligibility.failed().map(|c| {
                            RuleViolation::CriterionNotMet {
                                nomination: Some(nomination.id),
                                criterion: c.id.clone(),
                                article: c.article.clone(),
                                message_vi: c.message_vi.clone(),
                                message_en: c.message_en.clone(),
                            }
                        }));
                    }
                    if let Some(exceeded) = s.quota {
                        violations.push(RuleViolation::QuotaExceeded(*exceeded));
                    }
                    let required = dossier::required_at_appraisal(
                        s.rule,
                        nomination.kind,
                        !eligibility.relied_on.is_empty(),
                    );
                    let missing: Vec<DocumentKind> =
                        required.difference(s.dossier).copied().collect();
                    if !missing.is_empty() {
                        violations.push(RuleViolation::DossierIncomplete { missing });
                    }
                    if !violations.is_empty() {
                        return Err(Refusal::Rules(violations));
                    }
                    let mut events = vec![Event::Appraised { verdict, notes }];
                    events.extend(advance(wf, &mut next, s));
                    events
                }
                AppraisalVerdict::Ineligible => {
                    next.progress_mut().stage_touched = true;
                    vec![Event::Appraised { verdict, notes }]
                }
            }
        }
        Command::CloseNotice => {
            if let Some(closes_on) = nomination.progress().notice_closes_on
                && today <= closes_on
            {
                return Err(Refusal::Rules(vec![RuleViolation::NoticeStillOpen {
                    closes_on,
                }]));
            }
            let mut events = vec![Event::NoticeClosed];
            events.extend(advance(wf, &mut next, s));
            events
        }
        Command::RequestOpinions { units } => {
            let ids: BTreeSet<UnitId> = units.iter().filter_map(UnitPath::unit).collect();
            let already: BTreeSet<UnitId> = s
                .consultations
                .iter()
                .filter_map(|c| c.unit.unit())
                .collect();
            if units.is_empty()
                || units.len() > CONSULTED_MAX
                || ids.len() != units.len()
                || !ids.is_disjoint(&already)
            {
                return Err(Refusal::Invalid(vec![InvalidInput::Malformed {
                    field: "unitIds",
                    expected_vi: "từ 1 đến 20 đơn vị khác nhau, chưa được hỏi ý kiến về đề nghị này",
                    expected_en: "1 to 20 distinct units not yet asked about this nomination",
                }]));
            }
            let days = wf.stage(position.stage).deadline_days.unwrap_or(0);
            let due_on = s.calendar.add_working_days(today, days);
            next.progress_mut().stage_touched = true;
            vec![Event::OpinionsRequested {
                units: ids.into_iter().collect(),
                due_on,
            }]
        }
        Command::GiveOpinion {
            unit,
            verdict,
            text: opinion,
        } => {
            let opinion = text("opinion", &opinion)?;
            next.progress_mut().stage_touched = true;
            vec![Event::OpinionGiven {
                unit,
                verdict,
                text: opinion,
            }]
        }
        Command::CloseConsultation => {
            let waiting: Vec<&Consultation> = s
                .consultations
                .iter()
                .filter(|c| !c.answered && today <= c.due_on)
                .collect();
            if let Some(due_on) = waiting.iter().map(|c| c.due_on).max() {
                return Err(Refusal::Rules(vec![RuleViolation::OpinionsPending {
                    waiting: waiting.len(),
                    due_on,
                }]));
            }
            let silent: Vec<UnitId> = s
                .consultations
                .iter()
                .filter(|c| !c.answered)
                .filter_map(|c| c.unit.unit())
                .collect();
            let mut events = vec![Event::ConsultationClosed { silent }];
            events.extend(advance(wf, &mut next, s));
            events
        }
        Command::RecordCouncil { tally } => {
            tally.check().map_err(|e| Refusal::Invalid(vec![e]))?;
            let rule = s
                .vote_rule
                .cloned()
                .unwrap_or_else(|| VoteRule::of(&s.rule.council));
            if rule.approves(&tally) {
                let mut events = vec![Event::CouncilApproved { tally }];
                events.extend(advance(wf, &mut next, s));
                events
            } else {
                next.progress_mut().stage_touched = true;
                vec![Event::CouncilRefused { tally }]
            }
        }
        Command::NoticeDelay { new_due_on, reason } => {
            let reason = text("reason", &reason)?;
            let due_on = nomination.progress().due_on;
            match due_on {
                Some(due) if today >= due => {}
                Some(_) | None => {
                    return Err(not_accepted(
                        nomination,
                        wf,
                        kind,
                        Some(Blocked::NotLate { due_on }),
                    ));
                }
            }
            if new_due_on <= today || !s.calendar.is_working_day(new_due_on) {
                return Err(Refusal::Invalid(vec![InvalidInput::Malformed {
                    field: "newDueOn",
                    expected_vi: "một ngày làm việc sau hôm nay",
                    expected_en: "a working day after today",
                }]));
            }
            let p = next.progress_mut();
            p.due_on = Some(new_due_on);
            p.stage_touched = true;
            vec![Event::DelayNoticed {
                previous_due_on: due_on,
                new_due_on,
                reason,
            }]
        }
        Command::Sign { decision } => {
            next.decision = Some(decision);
            let p = next.progress_mut();
            p.state = NominationState::Decided;
            p.due_on = None;
            vec![Event::Decided { decision }]
        }
        Command::Annul { decision, ground } => {
            next.progress_mut().state = NominationState::Annulled;
            vec![Event::Annulled { decision, ground }]
        }
    };
    Ok(Transition {
        next,
        events,
        authority,
    })
}

/// A head of a unit up the route who submits a nomination proposes it at their own level (a
/// Công an huyện sending its communes' nominations in its own tờ trình): every ENDORSE level up
/// to the highest one whose role the submitter holds there is endorsed in the same act, instead
/// of waiting for them to endorse what they just sent.
fn endorse_own_levels(
    wf: &Workflow,
    next: &mut Nomination,
    actor: &Actor,
    s: &Situation<'_>,
) -> Vec<Event> {
    let Some(stage) = wf.index_of(StageKind::Endorse) else {
        return Vec::new();
    };
    let role = wf.stage(stage).role;
    let own = (0..s.route.level_count())
        .filter(|level| {
            s.route
                .level(*level)
                .is_some_and(|path| actor.authorize_role(role, Reach::Exact, &path).is_some())
        })
        .max();
    let Some(highest) = own else {
        return Vec::new();
    };
    let mut events = Vec::new();
    loop {
        let at = next.progress().position;
        if at.stage != stage || at.level > highest {
            return events;
        }
        let Some(unit) = s.route.level(at.level).and_then(|path| path.unit()) else {
            return events;
        };
        events.push(Event::Endorsed { unit, note: None });
        events.extend(advance(wf, next, s));
    }
}

/// Moves on to the next position (SIGN is last: signing decides it instead).
fn advance(wf: &Workflow, next: &mut Nomination, s: &Situation<'_>) -> Vec<Event> {
    let at = next.progress().position;
    match wf.next(at, s.route) {
        Some(position) => enter(wf, next, position, s),
        None => Vec::new(),
    }
}

/// Enters a position: its deadline starts today; a public notice opens.
fn enter(
    wf: &Workflow,
    next: &mut Nomination,
    position: Position,
    s: &Situation<'_>,
) -> Vec<Event> {
    let stage = wf.stage(position.stage);
    let p = next.progress_mut();
    p.position = position;
    p.stage_since = s.today;
    p.due_on = stage
        .deadline_days
        .map(|days| s.calendar.add_working_days(s.today, days));
    p.paused_days = 0;
    p.returned_on = None;
    p.stage_touched = false;
    // Only a PUBLIC_NOTICE stage has notice days (checked when loading).
    match stage.notice_days {
        Some(days) => {
            let closes_on = s.calendar.add_working_days(s.today, days);
            p.notice_closes_on = Some(closes_on);
            vec![Event::NoticeOpened { closes_on }]
        }
        None => Vec::new(),
    }
}

/// Who a nomination waits for now: the role, at which unit, with which reach (a draft or a
/// returned nomination waits for its proposing unit). `None` once it has no next step.
pub fn waiting_for(
    wf: &Workflow,
    nomination: &Nomination,
    route: &Route,
) -> Option<(Role, Reach, UnitPath)> {
    let progress = nomination.progress();
    match progress.state {
        NominationState::Draft | NominationState::Returned => {
            Some((wf.stage(0).role, Reach::Subtree, route.proposing().clone()))
        }
        NominationState::Submitted => {
            let stage = wf.stage(progress.position.stage);
            party_target(stage, progress.position.level, route)
                .map(|(path, reach)| (stage.role, reach, path))
        }
        NominationState::Rejected
        | NominationState::Withdrawn
        | NominationState::Decided
        | NominationState::Annulled => None,
    }
}

/// Why documents may not be added to a nomination's dossier now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachRefusal {
    /// Not by this actor: the error names who may.
    Denied(Denied),
    /// The nomination has its outcome; its dossier stays as it was.
    Closed(NominationState),
}

/// Whether `actor` may add documents to the nomination's dossier now: the proposing unit's
/// clerks while it is a draft or returned; whoever acts at its current stage while it is under
/// review (each level adds its own tờ trình and minutes to the one dossier).
pub fn may_attach(
    wf: &Workflow,
    nomination: &Nomination,
    actor: &Actor,
    route: &Route,
) -> Result<(), AttachRefusal> {
    let progress = nomination.progress();
    match progress.state {
        NominationState::Draft | NominationState::Returned => actor
            .authorize(Action::DraftNomination, route.proposing())
            .map_err(AttachRefusal::Denied),
        NominationState::Submitted => {
            let stage = wf.stage(progress.position.stage);
            let target = party_target(stage, progress.position.level, route);
            let allowed = target.as_ref().is_some_and(|(target, reach)| {
                actor.authorize_role(stage.role, *reach, target).is_some()
            });
            if allowed {
                Ok(())
            } else {
                Err(AttachRefusal::Denied(Denied {
                    attempt: Attempt::Stage {
                        role: stage.role,
                        command_vi: "bổ sung tài liệu vào hồ sơ của",
                        command_en: "add documents to",
                        party_vi: stage.party.name_vi(),
                        party_en: stage.party.name_en(),
                    },
                    unit: target.and_then(|(path, _)| path.unit()),
                }))
            }
        }
        NominationState::Rejected
        | NominationState::Withdrawn
        | NominationState::Decided
        | NominationState::Annulled => Err(AttachRefusal::Closed(progress.state)),
    }
}

/// Whether a public comment is accepted now: at a PUBLIC_NOTICE stage, until its last day.
pub fn accepts_comment(wf: &Workflow, nomination: &Nomination, today: Date) -> bool {
    let p = nomination.progress();
    p.state == NominationState::Submitted
        && wf.stage(p.position.stage).kind == StageKind::PublicNotice
        && p.notice_closes_on.is_some_and(|closes| today <= closes)
}

/// The commands `actor` may give the nomination where it stands (authorization and separation
/// of duties only; the rules of the stage are checked when the command is given): the buttons a
/// console shows. An opinion is offered to the head of a consulted unit that has not answered
/// (`consultations`: the nomination's, needed only at a CONSULT stage).
pub fn available(
    wf: &Workflow,
    nomination: &Nomination,
    actor: &Actor,
    route: &Route,
    consultations: &[Consultation],
) -> Vec<CommandKind> {
    let state = nomination.state();
    let at = wf.stage(nomination.progress().position.stage).kind;
    accepted(state, at)
        .iter()
        .copied()
        .filter(|kind| {
            let allowed = match sample(*kind) {
                Command::Edit { .. } => actor
                    .authorize(Action::DraftNomination, route.proposing())
                    .is_ok(),
                Command::Withdraw { .. } => actor
                    .authorize(Action::WithdrawNomination, route.proposing())
                    .is_ok(),
                Command::GiveOpinion { .. } => consultations.iter().any(|c| {
                    !c.answered
                        && actor
                            .authorize_role(Role::UnitHead, Reach::Exact, &c.unit)
                            .is_some()
                }),
                command => requirement(wf, nomination, &command, route).is_some_and(
                    |(role, reach, target, _)| actor.authorize_role(role, reach, &target).is_some(),
                ),
            };
            allowed && separation_of_duties(nomination, actor.account, *kind).is_ok()
        })
        .collect()
}

/// A command of each kind with placeholder data, for tables.
pub(crate) fn sample(kind: CommandKind) -> Command {
    let nil = uuid::Uuid::nil();
    match kind {
        CommandKind::Edit => Command::Edit {
            achievement: "x".into(),
        },
        CommandKind::Submit => Command::Submit,
        CommandKind::Resubmit => Command::Resubmit,
        CommandKind::Recall => Command::Recall,
        CommandKind::Withdraw => Command::Withdraw { reason: "r".into() },
        CommandKind::Endorse => Command::Endorse { note: None },
        CommandKind::Receive => Command::Receive,
        CommandKind::Return => Command::Return {
            reasons: vec!["r".into()],
            missing: Vec::new(),
        },
        CommandKind::Reject => Command::Reject { reason: "r".into() },
        CommandKind::Appraise => Command::Appraise {
            verdict: AppraisalVerdict::Eligible,
            notes: "n".into(),
        },
        CommandKind::CloseNotice => Command::CloseNotice,
        CommandKind::RequestOpinions => Command::RequestOpinions { units: Vec::new() },
        CommandKind::GiveOpinion => Command::GiveOpinion {
            unit: UnitId(nil),
            verdict: OpinionVerdict::Agree,
            text: "t".into(),
        },
        CommandKind::CloseConsultation => Command::CloseConsultation,
        CommandKind::RecordCouncil => Command::RecordCouncil {
            tally: Tally {
                members: 1,
                present: 1,
                votes_for: 1,
                votes_against: 0,
                abstentions: 0,
                written_for: 0,
                written_against: 0,
            },
        },
        CommandKind::NoticeDelay => Command::NoticeDelay {
            new_due_on: Date::MAX,
            reason: "r".into(),
        },
        CommandKind::Sign => Command::Sign {
            decision: DecisionId(nil),
        },
        CommandKind::Annul => Command::Annul {
            decision: DecisionId(nil),
            ground: AnnulGround::A,
        },
    }
}

/// Every shipped definition's "who acts" table: stage, kind, role at party, deadline.
pub fn who_table(wf: &Workflow) -> String {
    let mut out = format!(
        "{} v{} — {} (from {}; awards: {})\n",
        wf.id,
        wf.version,
        wf.name_vi,
        wf.effective_from,
        if wf.awards.is_empty() {
            "none, kept for pinned nominations".to_owned()
        } else {
            wf.awards
                .iter()
                .map(|a| a.code())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    for (i, stage) in wf.stages().iter().enumerate() {
        let reach = match stage.party {
            Party::Proposer => "or above",
            Party::EachLevelUp => "each, bottom up",
            Party::IssuerOffice | Party::IssuerCouncil | Party::IssuerSigner => "exactly",
        };
        let deadline = stage
            .deadline_days
            .map(|d| format!(" · due in {d} working days"))
            .unwrap_or_default();
        let notice = stage
            .notice_days
            .map(|d| format!(" · open {d} working days"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}. {:<13} {} at {} ({reach}){deadline}{notice}\n",
            i + 1,
            stage.kind.code(),
            stage.role.code(),
            stage.party.code(),
        ));
    }
    out
}
