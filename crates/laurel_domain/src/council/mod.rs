//! The emulation and commendation council (Hội đồng Thi đua - Khen thưởng): its members over
//! time, the quorum of a session, the vote each award needs, and sessions that vote on the
//! nominations at a workflow's COUNCIL stage.
//!
//! - [`Share`], [`Quorum`] and [`VoteRule`]: thresholds as exact fractions ("2/3", "90%"), the
//!   quorum of a session (default ≥ 2/3 of the members \[U\]) and an award's vote rule (from the
//!   ruleset, or an issuer's own override), applied to a [`Tally`].
//! - [`session`]: a session's agenda, presence, recusals, written opinions, recorded tallies and
//!   secret ballots, and the result of each item when it closes. Pure: the gateway persists it.
//!
//! Secrecy of a secret ballot is a property of what is stored: a ballot is a choice and the
//! hash of a receipt only the voter holds; who has voted is kept apart, without order.

pub mod session;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::ids::{AccountId, MembershipId};
use crate::message::Explain;
use crate::rules::{Confidence, CouncilRule, VoteBase};
use crate::workflow::Tally;

pub use session::{
    Choice, CouncilError, Counts, Item, ItemOutcome, Session, SessionState, explain_outcome,
};

/// A member's position on the council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Position {
    /// Chủ tịch Hội đồng.
    Chair,
    /// Phó Chủ tịch.
    ViceChair,
    /// Ủy viên thường trực.
    Standing,
    /// Ủy viên.
    Member,
    /// Thư ký (a member who keeps the minutes).
    Secretary,
}

impl Position {
    /// Every position, in the order the minutes list them.
    pub const ALL: [Position; 5] = [
        Position::Chair,
        Position::ViceChair,
        Position::Standing,
        Position::Member,
        Position::Secretary,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Position::Chair => "CHAIR",
            Position::ViceChair => "VICE_CHAIR",
            Position::Standing => "STANDING",
            Position::Member => "MEMBER",
            Position::Secretary => "SECRETARY",
        }
    }

    /// Vietnamese name, as the minutes print it.
    pub fn name_vi(self) -> &'static str {
        match self {
            Position::Chair => "Chủ tịch Hội đồng",
            Position::ViceChair => "Phó Chủ tịch Hội đồng",
            Position::Standing => "Ủy viên thường trực",
            Position::Member => "Ủy viên",
            Position::Secretary => "Thư ký Hội đồng",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Position::Chair => "chair",
            Position::ViceChair => "vice-chair",
            Position::Standing => "standing member",
            Position::Member => "member",
            Position::Secretary => "secretary",
        }
    }
}

impl FromStr for Position {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Position::ALL
            .into_iter()
            .find(|p| p.code() == s)
            .ok_or_else(|| format!("unknown council position `{s}`"))
    }
}

/// A member's term on a council: from a day, until a day (inclusive) or open-ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// Identity.
    pub id: MembershipId,
    /// The member's account (members vote with it).
    pub account: AccountId,
    /// Their position.
    pub position: Position,
    /// First day of the term.
    pub from: Date,
    /// Last day of the term, if it has ended or an end is set.
    pub until: Option<Date>,
}

impl Membership {
    /// Whether the term covers `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }

    /// Whether two terms share a day.
    pub fn overlaps(&self, other: &Membership) -> bool {
        let ends_before = |a: &Membership, b: &Membership| a.until.is_some_and(|u| u < b.from);
        !ends_before(self, other) && !ends_before(other, self)
    }
}

/// The members of a council on `day` (a session uses the membership on its date), with their
/// positions.
pub fn members_on(terms: &[Membership], day: Date) -> BTreeMap<AccountId, Position> {
    terms
        .iter()
        .filter(|t| t.covers(day))
        .map(|t| (t.account, t.position))
        .collect()
}

/// A term that cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTerm {
    /// It ends before it starts.
    #[error("a term cannot end before it starts")]
    EndsBeforeStart,
    /// The account already has a term on these days.
    #[error("the account is already a member on some of these days")]
    Overlaps,
}

impl Explain for InvalidTerm {
    fn message_vi(&self) -> String {
        match self {
            InvalidTerm::EndsBeforeStart => {
                "Nhiệm kỳ không thể kết thúc trước ngày bắt đầu.".into()
            }
            InvalidTerm::Overlaps => {
                "Tài khoản này đã là thành viên Hội đồng trong một phần thời gian đó.".into()
            }
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidTerm::EndsBeforeStart => "A term cannot end before it starts.".into(),
            InvalidTerm::Overlaps => {
                "This account is already a member of the council on some of these days.".into()
            }
        }
    }
}

/// Checks a new term against the account's other terms on the council.
pub fn check_term(new: &Membership, existing: &[Membership]) -> Result<(), InvalidTerm> {
    if new.until.is_some_and(|until| until < new.from) {
        return Err(InvalidTerm::EndsBeforeStart);
    }
    if existing
        .iter()
        .any(|t| t.id != new.id && t.account == new.account && t.overlaps(new))
    {
        return Err(InvalidTerm::Overlaps);
    }
    Ok(())
}

/// An exact share: `num / den` (a percentage is `p / 100`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    num: u32,
    den: u32,
}

/// A share that is not a fraction between 0 and 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a share: write a fraction such as 2/3 or a percentage such as 90%")]
pub struct InvalidShare(pub String);

impl Share {
    /// Two thirds: the default quorum \[U\].
    pub const TWO_THIRDS: Share = Share { num: 2, den: 3 };

    /// `num / den`, between 0 and 1.
    pub fn new(num: u32, den: u32) -> Result<Share, InvalidShare> {
        if den == 0 || num > den {
            return Err(InvalidShare(format!("{num}/{den}")));
        }
        Ok(Share { num, den })
    }

    /// `percent` %.
    pub fn percent(percent: u8) -> Share {
        Share {
            num: u32::from(percent.min(100)),
            den: 100,
        }
    }

    /// Whether it is more than nothing (a threshold or quorum of 0 would approve anything).
    pub fn is_positive(self) -> bool {
        self.num > 0
    }

    /// The numerator.
    pub fn num(self) -> u32 {
        self.num
    }

    /// The denominator.
    pub fn den(self) -> u32 {
        self.den
    }

    /// Whether `count` out of `base` reaches the share (more than it, when `strict`). Nothing
    /// is reached out of nothing.
    pub fn reached(self, count: u32, base: u32, strict: bool) -> bool {
        if base == 0 {
            return false;
        }
        let have = u64::from(count) * u64::from(self.den);
        let need = u64::from(self.num) * u64::from(base);
        if strict { have > need } else { have >= need }
    }

    /// The smallest count out of `base` that reaches the share.
    pub fn needed(self, base: u32, strict: bool) -> u32 {
        (0..=base)
            .find(|c| self.reached(*c, base, strict))
            .unwrap_or(base.saturating_add(1))
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 100 {
            write!(f, "{}%", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

impl FromStr for Share {
    type Err = InvalidShare;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || InvalidShare(t.chars().take(20).collect());
        if let Some(p) = t.strip_suffix('%') {
            let p: u8 = p.trim().parse().map_err(|_| bad())?;
            return if p <= 100 {
                Ok(Share::percent(p))
            } else {
                Err(bad())
            };
        }
        let (num, den) = t.split_once('/').ok_or_else(bad)?;
        let num = num.trim().parse().map_err(|_| bad())?;
        let den = den.trim().parse().map_err(|_| bad())?;
        Share::new(num, den).map_err(|_| bad())
    }
}

/// How many members must be present for a session to vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    /// Share of the members on the session's date.
    pub share: Share,
    /// More than the share, rather than at least.
    pub strict: bool,
}

impl Default for Quorum {
    /// At least two thirds of the members \[U\]: the usual rule of councils' regulations; no
    /// legal text read fixes it (domain-vn §2.14). Each council sets its own.
    fn default() -> Quorum {
        Quorum {
            share: Share::TWO_THIRDS,
            strict: false,
        }
    }
}

impl Quorum {
    /// Whether `present` out of `members` make a quorum.
    pub fn met(self, present: u32, members: u32) -> bool {
        self.share.reached(present, members, self.strict)
    }
}

/// How a council approves one award: the ruleset's council rule, or an issuer's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRule {
    /// The share of `base` that approves.
    pub threshold: Share,
    /// What the share is taken of.
    pub base: VoteBase,
    /// More than the share, rather than at least.
    pub strict: bool,
    /// Decided by secret ballot (bỏ phiếu kín): members cast their own ballots.
    pub secret_ballot: bool,
    /// Absent members' written opinions count toward a share of all members or of the votes
    /// (never toward a share of those present).
    pub written_opinions: bool,
    /// How sure the rule is.
    pub confidence: Confidence,
    /// Where it comes from.
    pub source: String,
}

impl VoteRule {
    /// The ruleset's rule for an award. Written opinions count \[U\]: councils' regulations let
    /// absent members vote in writing (the Central Council's does); an issuer may say otherwise.
    pub fn of(rule: &CouncilRule) -> VoteRule {
        VoteRule {
            threshold: Share::percent(rule.threshold_percent),
            base: rule.base,
            strict: rule.strict,
            secret_ballot: rule.secret_ballot,
            written_opinions: true,
            confidence: rule.confidence,
            source: rule.source.clone(),
        }
    }

    /// Whether written opinions count under this rule.
    pub fn counts_written(&self) -> bool {
        self.written_opinions && self.base != VoteBase::Present
    }

    /// The votes for, as this rule counts them.
    pub fn votes_for(&self, tally: &Tally) -> u32 {
        if self.counts_written() {
            tally.votes_for.saturating_add(tally.written_for)
        } else {
            tally.votes_for
        }
    }

    /// What the share is taken of, as this rule counts it.
    pub fn base_of(&self, tally: &Tally) -> u32 {
        match self.base {
            VoteBase::AllMembers => tally.members,
            VoteBase::Present => tally.present,
            VoteBase::Cast => {
                let cast = tally
                    .votes_for
                    .saturating_add(tally.votes_against)
                    .saturating_add(tally.abstentions);
                if self.counts_written() {
                    cast.saturating_add(tally.written_for)
                        .saturating_add(tally.written_against)
                } else {
                    cast
                }
            }
        }
    }

    /// Whether the tally approves.
    pub fn approves(&self, tally: &Tally) -> bool {
        self.threshold
            .reached(self.votes_for(tally), self.base_of(tally), self.strict)
    }

    /// The rule in words, e.g. "từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín".
    pub fn describe_vi(&self) -> String {
        let of = match self.base {
            VoteBase::AllMembers => "tổng số thành viên Hội đồng",
            VoteBase::Present => "số thành viên có mặt",
            VoteBase::Cast => "số phiếu",
        };
        let share = self.threshold.to_string().replace('.', ",");
        let core = if self.strict {
            format!("trên {share} {of}")
        } else {
            format!("từ {share} {of} trở lên")
        };
        let how = if self.secret_ballot {
            "bỏ phiếu kín"
        } else {
            "biểu quyết"
        };
        format!("{core}, {how}")
    }

    /// The rule in words, e.g. "at least 90% of all members, secret ballot".
    pub fn describe_en(&self) -> String {
        let of = match self.base {
            VoteBase::AllMembers => "all members",
            VoteBase::Present => "the members present",
            VoteBase::Cast => "the votes cast",
        };
        let cmp = if self.strict { "more than" } else { "at least" };
        let how = if self.secret_ballot {
            "secret ballot"
        } else {
            "open vote"
        };
        format!("{cmp} {} of {of}, {how}", self.threshold)
    }
}
