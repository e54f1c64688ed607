//! A council session (phiên họp Hội đồng): the members present, an agenda of nominations at
//! their COUNCIL stage, recusals, absent members' written opinions, a tally recorded by the
//! secretary or secret ballots cast by the members, and each item's result at closing.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use crate::ids::{AccountId, NominationId};
use crate::message::Explain;
use crate::workflow::Tally;

use super::{Position, Quorum, Share, VoteRule};

/// Whether a session still takes votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Open: votes, recusals and opinions are taken.
    Open,
    /// Closed: final. A later session may vote an item again; both stay on record.
    Closed,
}

impl SessionState {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            SessionState::Open => "OPEN",
            SessionState::Closed => "CLOSED",
        }
    }
}

impl FromStr for SessionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "OPEN" => Ok(SessionState::Open),
            "CLOSED" => Ok(SessionState::Closed),
            other => Err(format!("unknown session state `{other}`")),
        }
    }
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Choice {
    /// Đồng ý.
    Yes,
    /// Không đồng ý.
    No,
    /// Không biểu quyết / phiếu trắng.
    Abstain,
}

impl Choice {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Choice::Yes => "YES",
            Choice::No => "NO",
            Choice::Abstain => "ABSTAIN",
        }
    }
}

impl FromStr for Choice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "YES" => Ok(Choice::Yes),
            "NO" => Ok(Choice::No),
            "ABSTAIN" => Ok(Choice::Abstain),
            other => Err(format!("unknown choice `{other}`")),
        }
    }
}

/// Counts of votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// For.
    pub yes: u32,
    /// Against.
    pub no: u32,
    /// Abstaining.
    pub abstain: u32,
}

impl Counts {
    /// Every vote.
    pub fn total(self) -> u32 {
        self.yes
            .saturating_add(self.no)
            .saturating_add(self.abstain)
    }

    fn add(&mut self, choice: Choice) {
        match choice {
            Choice::Yes => self.yes += 1,
            Choice::No => self.no += 1,
            Choice::Abstain => self.abstain += 1,
        }
    }
}

/// One nomination on a session's agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The nomination.
    pub nomination: NominationId,
    /// How the council approves its award (the issuer's rule, else the ruleset's).
    pub rule: VoteRule,
    /// Members who do not take part in this item, with the conflict they declared.
    pub recused: BTreeMap<AccountId, String>,
    /// Absent members' written opinions.
    pub written: BTreeMap<AccountId, Choice>,
    /// The tally the secretary recorded (an open vote).
    pub recorded: Option<Counts>,
    /// Secret ballots: the hash of each voter's receipt and the choice, nothing else. Kept in
    /// the hash's order, which says nothing of who voted or when.
    pub ballots: BTreeMap<String, Choice>,
    /// Who has cast a ballot (kept apart from the ballots).
    pub voters: BTreeSet<AccountId>,
    /// Judgement criteria (by id) the council found met, recorded as attestations at closing.
    pub criteria: BTreeSet<String>,
}

impl Item {
    /// A new item, nothing voted yet.
    pub fn new(nomination: NominationId, rule: VoteRule) -> Item {
        Item {
            nomination,
            rule,
            recused: BTreeMap::new(),
            written: BTreeMap::new(),
            recorded: None,
            ballots: BTreeMap::new(),
            voters: BTreeSet::new(),
            criteria: BTreeSet::new(),
        }
    }

    /// The votes of the members present: the recorded tally, or the ballots counted. `None`
    /// when nobody voted.
    pub fn counts(&self) -> Option<Counts> {
        if let Some(recorded) = self.recorded {
            return Some(recorded);
        }
        if self.ballots.is_empty() {
            return None;
        }
        let mut counts = Counts::default();
        for choice in self.ballots.values() {
            counts.add(*choice);
        }
        Some(counts)
    }
}

/// What closing decided for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOutcome {
    /// The nomination.
    pub nomination: NominationId,
    /// The figures, when it was voted.
    pub tally: Option<Tally>,
    /// Approved or not, when it was voted; `None`: not voted, it stays at its COUNCIL stage.
    pub approved: Option<bool>,
}

/// A session: who sat, what it voted, and whether it is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The council's members on the session's date, with their positions.
    pub members: BTreeMap<AccountId, Position>,
    /// Members present.
    pub present: BTreeSet<AccountId>,
    /// The quorum it was opened under.
    pub quorum: Quorum,
    /// Open or closed.
    pub state: SessionState,
    /// The agenda, in order.
    pub items: Vec<Item>,
}

/// Why a session command is refused. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouncilError {
    /// Too few members present to vote.
    #[error("no quorum: {present} of {members} members present, {needed} needed")]
    QuorumNotMet {
        /// Present.
        present: u32,
        /// Members on the session's date.
        members: u32,
        /// How many are needed.
        needed: u32,
        /// The quorum rule.
        quorum: Share,
    },
    /// The session has nothing to vote on.
    #[error("the agenda is empty")]
    EmptyAgenda,
    /// A nomination is on the agenda twice.
    #[error("nomination {0} is on the agenda twice")]
    DuplicateItem(NominationId),
    /// The account is not a member of the council on the session's date.
    #[error("account {0} is not a member of the council on the session's date")]
    NotAMember(AccountId),
    /// The nomination is not on this session's agenda.
    #[error("nomination {0} is not on the agenda")]
    NotOnAgenda(NominationId),
    /// The session is closed.
    #[error("the session is closed")]
    Closed,
    /// A member absent from the session cannot cast a ballot there.
    #[error("the member is not present")]
    NotPresent,
    /// A member present votes in the session, not in writing.
    #[error("a member present votes in the session, not in writing")]
    PresentMember,
    /// The member declared a conflict of interest for this item.
    #[error("the member is recused from this item")]
    Recused,
    /// The member already voted on this item.
    #[error("the member already voted on this item")]
    AlreadyVoted,
    /// The member already declared a conflict of interest for this item.
    #[error("the member is already recused from this item")]
    AlreadyRecused,
    /// The item's award is decided by secret ballot: members cast their own ballots.
    #[error("this item is decided by secret ballot")]
    SecretBallot,
    /// The item's award is decided by an open vote, recorded by the secretary.
    #[error("this item is decided by an open vote recorded by the secretary")]
    OpenVote,
    /// The tally of this item was recorded already.
    #[error("the tally of this item was recorded already")]
    TallyRecorded,
    /// A tally without a single vote.
    #[error("a tally needs at least one vote")]
    EmptyTally,
    /// A written opinion is for or against.
    #[error("a written opinion is for or against")]
    WrittenAbstention,
    /// The council has no members on the session's date.
    #[error("the council has no members on that date")]
    NoMembers,
    /// More votes than members present and not recused.
    #[error("{votes} votes but only {eligible} members present may vote")]
    TooManyVotes {
        /// Votes in the tally.
        votes: u32,
        /// Members present, not recused.
        eligible: u32,
    },
}

impl Explain for CouncilError {
    fn message_vi(&self) -> String {
        match self {
            CouncilError::QuorumNotMet {
                present,
                members,
                needed,
                quorum,
            } => format!(
                "Phiên họp không đủ số thành viên tham dự: có mặt {present}/{members}, cần ít nhất {needed} ({quorum} số thành viên)."
            ),
            CouncilError::EmptyAgenda => "Phiên họp cần ít nhất một đề nghị để xét.".into(),
            CouncilError::DuplicateItem(_) => {
                "Một đề nghị được đưa vào chương trình hai lần.".into()
            }
            CouncilError::NotAMember(_) => {
                "Tài khoản này không phải thành viên Hội đồng vào ngày họp.".into()
            }
            CouncilError::NotOnAgenda(_) => {
                "Đề nghị này không có trong chương trình phiên họp.".into()
            }
            CouncilError::Closed => "Phiên họp đã kết thúc; không thể thay đổi.".into(),
            CouncilError::NotPresent => {
                "Thành viên vắng mặt không bỏ phiếu tại phiên họp (có thể gửi ý kiến bằng văn bản)."
                    .into()
            }
            CouncilError::PresentMember => {
                "Thành viên có mặt biểu quyết tại phiên họp, không gửi ý kiến bằng văn bản.".into()
            }
            CouncilError::Recused => {
                "Thành viên đã tránh tham gia xét đề nghị này (xung đột lợi ích).".into()
            }
            CouncilError::AlreadyVoted => "Thành viên đã biểu quyết đề nghị này.".into(),
            CouncilError::AlreadyRecused => {
                "Thành viên đã khai báo tránh tham gia xét đề nghị này.".into()
            }
            CouncilError::SecretBallot => {
                "Đề nghị này được xét bằng bỏ phiếu kín: từng thành viên tự bỏ phiếu.".into()
            }
            CouncilError::OpenVote => {
                "Đề nghị này được biểu quyết công khai; thư ký ghi kết quả biểu quyết.".into()
            }
            CouncilError::TallyRecorded => "Kết quả biểu quyết của đề nghị này đã được ghi.".into(),
            CouncilError::TooManyVotes { votes, eligible } => format!(
                "Tổng số phiếu ({votes}) vượt quá số thành viên có mặt được biểu quyết ({eligible})."
            ),
            CouncilError::EmptyTally => "Kết quả biểu quyết cần ít nhất một phiếu.".into(),
            CouncilError::WrittenAbstention => {
                "Ý kiến bằng văn bản phải là đồng ý hoặc không đồng ý.".into()
            }
            CouncilError::NoMembers => {
                "Hội đồng chưa có thành viên nào trong nhiệm kỳ vào ngày họp.".into()
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            CouncilError::QuorumNotMet {
                present,
                members,
                needed,
                quorum,
            } => format!(
                "No quorum: {present} of {members} members present, at least {needed} needed ({quorum} of the members)."
            ),
            CouncilError::EmptyAgenda => "A session needs at least one nomination to vote on.".into(),
            CouncilError::DuplicateItem(_) => "A nomination is on the agenda twice.".into(),
            CouncilError::NotAMember(_) => {
                "This account is not a member of the council on the session's date.".into()
            }
            CouncilError::NotOnAgenda(_) => "This nomination is not on the session's agenda.".into(),
            CouncilError::Closed => "The session is closed; nothing in it changes.".into(),
            CouncilError::NotPresent => {
                "An absent member does not cast a ballot in the session (they may give a written opinion).".into()
            }
            CouncilError::PresentMember => {
                "A member present votes in the session, not in writing.".into()
            }
            CouncilError::Recused => {
                "The member is recused from this item (conflict of interest).".into()
            }
            CouncilError::AlreadyVoted => "The member already voted on this item.".into(),
            CouncilError::AlreadyRecused => {
                "The member already declared a conflict for this item.".into()
            }
            CouncilError::SecretBallot => {
                "This item is decided by secret ballot: each member casts their own.".into()
            }
            CouncilError::OpenVote => {
                "This item is decided by an open vote; the secretary records the tally.".into()
            }
            CouncilError::TallyRecorded => "The tally of this item was recorded already.".into(),
            CouncilError::TooManyVotes { votes, eligible } => format!(
                "The tally has {votes} votes but only {eligible} members present may vote."
            ),
            CouncilError::EmptyTally => "A tally needs at least one vote.".into(),
            CouncilError::WrittenAbstention => "A written opinion is for or against.".into(),
            CouncilError::NoMembers => {
                "The council has no member whose term covers the session's date.".into()
            }
        }
    }
}

impl Session {
    /// Opens a session with the members on its date, those present, and its agenda; refused
    /// without a quorum.
    pub fn open(
        members: BTreeMap<AccountId, Position>,
        present: BTreeSet<AccountId>,
        quorum: Quorum,
        agenda: Vec<(NominationId, VoteRule)>,
    ) -> Result<Session, CouncilError> {
        if agenda.is_empty() {
            return Err(CouncilError::EmptyAgenda);
        }
        let mut seen = BTreeSet::new();
        for (nomination, _) in &agenda {
            if !seen.insert(*nomination) {
                return Err(CouncilError::DuplicateItem(*nomination));
            }
        }
        if members.is_empty() {
            return Err(CouncilError::NoMembers);
        }
        if let Some(stranger) = present.iter().find(|a| !members.contains_key(a)) {
            return Err(CouncilError::NotAMember(*stranger));
        }
        let (n_present, n_members) = (count(present.len()), count(members.len()));
        if !quorum.met(n_present, n_members) {
            return Err(CouncilError::QuorumNotMet {
                present: n_present,
                members: n_members,
                needed: quorum.share.needed(n_members, quorum.strict),
                quorum: quorum.share,
            });
        }
        Ok(Session {
            members,
            present,
            quorum,
            state: SessionState::Open,
            items: agenda
                .into_iter()
                .map(|(nomination, rule)| Item::new(nomination, rule))
                .collect(),
        })
    }

    /// The item of `nomination`, while the session is open.
    fn open_item(&mut self, nomination: NominationId) -> Result<&mut Item, CouncilError> {
        if self.state == SessionState::Closed {
            return Err(CouncilError::Closed);
        }
        self.items
            .iter_mut()
            .find(|i| i.nomination == nomination)
            .ok_or(CouncilError::NotOnAgenda(nomination))
    }

    fn member(&self, account: AccountId) -> Result<(), CouncilError> {
        if self.members.contains_key(&account) {
            Ok(())
        } else {
            Err(CouncilError::NotAMember(account))
        }
    }

    /// A member declares a conflict of interest for an item (the nominee is themself, a
    /// relative, or their own unit) and takes no part in it: they leave its base.
    pub fn recuse(
        &mut self,
        nomination: NominationId,
        account: AccountId,
        reason: String,
    ) -> Result<(), CouncilError> {
        self.member(account)?;
        let item = self.open_item(nomination)?;
        if item.voters.contains(&account) || item.written.contains_key(&account) {
            return Err(CouncilError::AlreadyVoted);
        }
        if item.recused.contains_key(&account) {
            return Err(CouncilError::AlreadyRecused);
        }
        // A recusal after the tally would change the base the votes were counted against.
        if item.recorded.is_some() {
            return Err(CouncilError::TallyRecorded);
        }
        item.recused.insert(account, reason);
        Ok(())
    }

    /// An absent member's written opinion on an item.
    pub fn written_opinion(
        &mut self,
        nomination: NominationId,
        account: AccountId,
        choice: Choice,
    ) -> Result<(), CouncilError> {
        self.member(account)?;
        if self.present.contains(&account) {
            return Err(CouncilError::PresentMember);
        }
        if choice == Choice::Abstain {
            return Err(CouncilError::WrittenAbstention);
        }
        let item = self.open_item(nomination)?;
        if item.recused.contains_key(&account) {
            return Err(CouncilError::Recused);
        }
        if item.written.contains_key(&account) {
            return Err(CouncilError::AlreadyVoted);
        }
        item.written.insert(account, choice);
        Ok(())
    }

    /// The secretary records an open vote's tally.
    pub fn record_tally(
        &mut self,
        nomination: NominationId,
        counts: Counts,
    ) -> Result<(), CouncilError> {
        let present = self.present.clone();
        let item = self.open_item(nomination)?;
        if item.rule.secret_ballot {
            return Err(CouncilError::SecretBallot);
        }
        if item.recorded.is_some() {
            return Err(CouncilError::TallyRecorded);
        }
        let eligible = count(
            present
                .iter()
                .filter(|a| !item.recused.contains_key(a))
                .count(),
        );
        if counts.total() > eligible {
            return Err(CouncilError::TooManyVotes {
                votes: counts.total(),
                eligible,
            });
        }
        if counts.total() == 0 {
            return Err(CouncilError::EmptyTally);
        }
        item.recorded = Some(counts);
        Ok(())
    }

    /// A member present casts their secret ballot. `receipt_hash` identifies the ballot to the
    /// holder of its receipt, and to nobody else.
    pub fn cast(
        &mut self,
        nomination: NominationId,
        account: AccountId,
        choice: Choice,
        receipt_hash: String,
    ) -> Result<(), CouncilError> {
        self.member(account)?;
        let present = self.present.contains(&account);
        let item = self.open_item(nomination)?;
        if !item.rule.secret_ballot {
            return Err(CouncilError::OpenVote);
        }
        if !present {
            return Err(CouncilError::NotPresent);
        }
        if item.recused.contains_key(&account) {
            return Err(CouncilError::Recused);
        }
        if item.voters.contains(&account) || item.ballots.contains_key(&receipt_hash) {
            return Err(CouncilError::AlreadyVoted);
        }
        item.voters.insert(account);
        item.ballots.insert(receipt_hash, choice);
        Ok(())
    }

    /// Records the judgement criteria the council found met for an item (they become
    /// attestations when the session closes and the item passes).
    pub fn judge(
        &mut self,
        nomination: NominationId,
        criteria: BTreeSet<String>,
    ) -> Result<(), CouncilError> {
        self.open_item(nomination)?.criteria = criteria;
        Ok(())
    }

    /// An item's figures: members and those present without the recused, the votes of those
    /// present, and absent members' written opinions. `None` when nobody present voted.
    pub fn tally(&self, item: &Item) -> Option<Tally> {
        let counts = item.counts()?;
        let recused = |a: &AccountId| item.recused.contains_key(a);
        let members = count(self.members.keys().filter(|a| !recused(a)).count());
        let present = count(self.present.iter().filter(|a| !recused(a)).count());
        let written = |choice: Choice| {
            count(
                item.written
                    .iter()
                    .filter(|(a, c)| **c == choice && !recused(a) && !self.present.contains(*a))
                    .count(),
            )
        };
        Some(Tally {
            members,
            present,
            votes_for: counts.yes,
            votes_against: counts.no,
            abstentions: counts.abstain,
            written_for: written(Choice::Yes),
            written_against: written(Choice::No),
        })
    }

    /// Closes the session: each item voted is approved or not by its rule; items nobody voted
    /// stay where they are. Final.
    pub fn close(&mut self) -> Result<Vec<ItemOutcome>, CouncilError> {
        if self.state == SessionState::Closed {
            return Err(CouncilError::Closed);
        }
        self.state = SessionState::Closed;
        Ok(self
            .items
            .iter()
            .map(|item| {
                let tally = self.tally(item);
                ItemOutcome {
                    nomination: item.nomination,
                    approved: tally.as_ref().map(|t| item.rule.approves(t)),
                    tally,
                }
            })
            .collect())
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An item's result as the minutes state it: (Vietnamese, English).
pub fn explain_outcome(rule: &VoteRule, tally: &Tally, approved: bool) -> (String, String) {
    let votes_for = rule.votes_for(tally);
    let base = rule.base_of(tally);
    let percent = if base == 0 {
        0.0
    } else {
        f64::from(votes_for) * 100.0 / f64::from(base)
    };
    let share_vi = format!("{percent:.1}").replace('.', ",");
    let written_vi = if tally.written_for + tally.written_against > 0 {
        format!(
            "; ý kiến bằng văn bản: {} đồng ý, {} không đồng ý{}",
            tally.written_for,
            tally.written_against,
            if rule.counts_written() {
                " (được tính)"
            } else {
                " (không tính theo quy tắc này)"
            }
        )
    } else {
        String::new()
    };
    let written_en = if tally.written_for + tally.written_against > 0 {
        format!(
            "; written opinions: {} for, {} against{}",
            tally.written_for,
            tally.written_against,
            if rule.counts_written() {
                " (counted)"
            } else {
                " (not counted under this rule)"
            }
        )
    } else {
        String::new()
    };
    let vi = format!(
        "Thành viên: {}, có mặt: {}; đồng ý {}, không đồng ý {}, không biểu quyết {}{written_vi}. Tỷ lệ đồng ý {votes_for}/{base} ({share_vi}%); yêu cầu {}: {}.",
        tally.members,
        tally.present,
        tally.votes_for,
        tally.votes_against,
        tally.abstentions,
        rule.describe_vi(),
        if approved { "ĐẠT" } else { "KHÔNG ĐẠT" }
    );
    let en = format!(
        "Members: {}, present: {}; for {}, against {}, abstaining {}{written_en}. In favour {votes_for}/{base} ({percent:.1}%); required {}: {}.",
        tally.members,
        tally.present,
        tally.votes_for,
        tally.votes_against,
        tally.abstentions,
        rule.describe_en(),
        if approved { "APPROVED" } else { "NOT APPROVED" }
    );
    (vi, en)
}
