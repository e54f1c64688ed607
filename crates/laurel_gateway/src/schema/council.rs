//! The emulation council in GraphQL: councils and their members' terms, an issuer's own vote
//! rules, sessions with presence, recusals, written opinions, tallies, secret ballots and
//! judgements, and closing. Every mutation is thin: it parses its input and calls one operation.
//!
//! What a secret ballot says is never shown before the session closes, and never with a voter:
//! an item shows how many have voted and whether you have; after closing, its figures.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::calendar::{format_date, local_date};
use laurel_domain::council::{self, Counts, Item, Membership, Quorum, Share, VoteRule};
use laurel_domain::ids::{AccountId, CouncilId, MembershipId, NominationId, SessionId, UnitId};
use laurel_domain::text::InvalidInput;
use laurel_store::{CouncilRecord, CouncilSessionRecord, ItemRecord, Read, ReadCouncil};
use time::{Date, OffsetDateTime};

use super::enums::{AwardKindCode, Confidence, VoteBase};
use super::types::{AccountNode, NominationNode, UnitNode};
use super::{actor, now, ops, parse_id};
use crate::error::OpsError;
use crate::ops::OpenSession;

/// A member's position on the council.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::council::Position")]
pub enum CouncilPosition {
    /// Chủ tịch Hội đồng.
    Chair,
    /// Phó Chủ tịch.
    ViceChair,
    /// Ủy viên thường trực.
    Standing,
    /// Ủy viên.
    Member,
    /// Thư ký.
    Secretary,
}

/// A vote.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::council::Choice")]
pub enum BallotChoice {
    /// Đồng ý.
    Yes,
    /// Không đồng ý.
    No,
    /// Không biểu quyết.
    Abstain,
}

/// Whether a session still takes votes.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::council::SessionState")]
pub enum CouncilSessionState {
    /// Votes, recusals and opinions are taken.
    Open,
    /// Final.
    Closed,
}

fn share(field: &'static str, text: &str) -> Result<Share, OpsError> {
    text.parse()
        .ok()
        .filter(|s: &Share| s.is_positive())
        .ok_or_else(|| {
            OpsError::invalid(InvalidInput::Malformed {
                field,
                expected_vi: "một tỷ lệ lớn hơn 0, dạng phân số (2/3) hoặc phần trăm (90%)",
                expected_en: "a share above 0, written as a fraction (2/3) or a percentage (90%)",
            })
        })
}

fn count(field: &'static str, v: i32) -> Result<u32, OpsError> {
    u32::try_from(v).map_err(|_| {
        OpsError::invalid(InvalidInput::OutOfRange {
            field,
            min: 0,
            max: i64::from(i32::MAX),
            actual: v.into(),
        })
    })
}

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

async fn account_node(ctx: &Context<'_>, id: AccountId) -> Result<Option<AccountNode>> {
    Ok(ops(ctx)?
        .store()
        .account(id)
        .await
        .map_err(OpsError::from)?
        .map(AccountNode))
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// A vote rule: the share that approves, of what, and how the council votes.
#[derive(Debug, Clone)]
pub struct VoteRuleNode(pub VoteRule);

#[Object(name = "CouncilVoteRule")]
impl VoteRuleNode {
    /// The share that approves: "2/3" or "90%".
    async fn threshold(&self) -> String {
        self.0.threshold.to_string()
    }
    async fn base(&self) -> VoteBase {
        self.0.base.into()
    }
    /// More than the share, rather than at least.
    async fn strict(&self) -> bool {
        self.0.strict
    }
    async fn secret_ballot(&self) -> bool {
        self.0.secret_ballot
    }
    /// Absent members' written opinions count (toward a share of all members or of votes).
    async fn written_opinions(&self) -> bool {
        self.0.written_opinions
    }
    async fn confidence(&self) -> Confidence {
        self.0.confidence.into()
    }
    /// Where the rule comes from (the ruleset's source, or the issuer's decision).
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// The rule in words: "từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín".
    async fn text_vi(&self) -> String {
        self.0.describe_vi()
    }
    async fn text_en(&self) -> String {
        self.0.describe_en()
    }
}

/// An account that may be added to a council: who it is, nothing more.
#[derive(SimpleObject, Debug)]
pub struct CouncilCandidate {
    /// Send it as `accountId` to `addCouncilMember`.
    pub account_id: ID,
    pub username: String,
    pub display_name: String,
}

/// An issuer's own rule for one award.
#[derive(SimpleObject, Debug)]
pub struct CouncilAwardRule {
    pub award_kind: AwardKindCode,
    pub rule: VoteRuleNode,
}

/// A member's term on a council.
#[derive(Debug, Clone)]
pub struct CouncilMemberNode(pub Membership);

#[Object(name = "CouncilMember")]
impl CouncilMemberNode {
    /// The term's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<AccountNode>> {
        account_node(ctx, self.0.account).await
    }
    /// As the minutes print it: rank and name of the linked person, or the account's name.
    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ops(ctx)?.account_name(self.0.account).await?)
    }
    async fn position(&self) -> CouncilPosition {
        self.0.position.into()
    }
    async fn from(&self) -> Date {
        self.0.from
    }
    async fn until(&self) -> Option<Date> {
        self.0.until
    }
}

/// An issuer's emulation and commendation council (Hội đồng Thi đua - Khen thưởng).
#[derive(Debug, Clone)]
pub struct CouncilNode(pub CouncilRecord);

#[Object(name = "Council")]
impl CouncilNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn issuer(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(
            ops(ctx)?
                .store()
                .require_unit(self.0.issuer)
                .await
                .map_err(OpsError::from)?,
        ))
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The share of members who must be present: "2/3".
    async fn quorum(&self) -> String {
        self.0.quorum.share.to_string()
    }
    /// More than the quorum's share, rather than at least.
    async fn quorum_strict(&self) -> bool {
        self.0.quorum.strict
    }
    /// Optimistic-concurrency version: send it back as `expectedVersion` to change it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Its members on a day (default: today), with their positions.
    async fn members(&self, ctx: &Context<'_>, on: Option<Date>) -> Result<Vec<CouncilMemberNode>> {
        let day = match on {
            Some(day) => day,
            None => local_date(now(ctx)?),
        };
        Ok(self
            .terms(ctx)
            .await?
            .into_iter()
            .filter(|t| t.0.covers(day))
            .collect())
    }
    /// Every term, past and present.
    async fn terms(&self, ctx: &Context<'_>) -> Result<Vec<CouncilMemberNode>> {
        Ok(ops(ctx)?
            .store()
            .memberships(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(CouncilMemberNode)
            .collect())
    }
    /// Who may be added as a member: the accounts of the people of the issuer's units and of
    /// role holders there, by username (at most 500; disabled accounts left out). Only for
    /// whoever may set this council up (the issuer's signer, an administrator).
    async fn member_candidates(&self, ctx: &Context<'_>) -> Result<Vec<CouncilCandidate>> {
        Ok(ops(ctx)?
            .council_member_candidates(actor(ctx)?, &self.0)
            .await?
            .into_iter()
            .map(|a| CouncilCandidate {
                account_id: ID(a.id.to_string()),
                username: a.username,
                display_name: a.display_name,
            })
            .collect())
    }
    /// The rules the issuer set for itself (other awards follow the ruleset's council rule).
    async fn vote_rules(&self, ctx: &Context<'_>) -> Result<Vec<CouncilAwardRule>> {
        Ok(ops(ctx)?
            .store()
            .vote_rules(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(|r| CouncilAwardRule {
                award_kind: r.award.into(),
                rule: VoteRuleNode(r.rule),
            })
            .collect())
    }
    /// Its sessions, newest first.
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Vec<CouncilSessionNode>> {
        Ok(ops(ctx)?
            .store()
            .council_sessions(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(CouncilSessionNode)
            .collect())
    }
}

/// A member as a session saw them.
#[derive(SimpleObject, Debug)]
pub struct SessionMember {
    pub account_id: ID,
    /// As the minutes print it.
    pub name: String,
    pub position: CouncilPosition,
    pub present: bool,
}

/// A member's declared conflict of interest on an item.
#[derive(SimpleObject, Debug)]
pub struct Recusal {
    pub account_id: ID,
    pub name: String,
    pub reason: String,
}

/// An absent member's written opinion.
#[derive(SimpleObject, Debug)]
pub struct WrittenOpinion {
    pub account_id: ID,
    pub name: String,
    /// For an open vote; on a secret vote, written opinions are only counted (the result
    /// shows how many were for and against), never shown one by one.
    pub choice: Option<BallotChoice>,
}

/// One nomination on a session's agenda.
#[derive(Debug, Clone)]
pub struct CouncilItemNode {
    session: SessionId,
    state: council::SessionState,
    item: Item,
    record: ItemRecord,
}

#[Object(name = "CouncilItem")]
impl CouncilItemNode {
    async fn nomination_id(&self) -> ID {
        ID(self.item.nomination.to_string())
    }
    /// The nomination, if you may read it (members of the session may).
    async fn nomination(&self, ctx: &Context<'_>) -> Result<Option<NominationNode>> {
        let actor = actor(ctx)?;
        match ops(ctx)?
            .readable_nomination(actor, self.item.nomination)
            .await
        {
            Ok(n) => Ok(n.map(NominationNode)),
            Err(OpsError::Forbidden(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    /// The rule it is voted under.
    async fn rule(&self) -> VoteRuleNode {
        VoteRuleNode(self.item.rule.clone())
    }
    async fn recusals(&self, ctx: &Context<'_>) -> Result<Vec<Recusal>> {
        let mut out = Vec::new();
        for (account, reason) in &self.item.recused {
            out.push(Recusal {
                account_id: ID(account.to_string()),
                name: ops(ctx)?.account_name(*account).await?,
                reason: reason.clone(),
            });
        }
        Ok(out)
    }
    async fn written_opinions(&self, ctx: &Context<'_>) -> Result<Vec<WrittenOpinion>> {
        let mut out = Vec::new();
        for (account, choice) in &self.item.written {
            out.push(WrittenOpinion {
                account_id: ID(account.to_string()),
                name: ops(ctx)?.account_name(*account).await?,
                choice: (!self.item.rule.secret_ballot).then(|| (*choice).into()),
            });
        }
        Ok(out)
    }
    /// How many secret ballots were cast (what they say shows once the session closes).
    async fn ballots_cast(&self) -> i32 {
        int(u32::try_from(self.item.voters.len()).unwrap_or(u32::MAX))
    }
    /// Whether you cast a ballot on it.
    async fn you_voted(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.item.voters.contains(&actor(ctx)?.account))
    }
    /// The open vote's tally, once the secretary recorded it.
    async fn recorded_tally(&self) -> Option<TallyCounts> {
        self.item.recorded.map(TallyCounts::from)
    }
    /// Judgement criteria the council found met (attested when it passes).
    async fn criteria(&self) -> Vec<String> {
        self.item.criteria.iter().cloned().collect()
    }
    /// Once closed: approved or not; null when it was not voted.
    async fn approved(&self) -> Option<bool> {
        self.record.approved
    }
    /// Once closed: the figures (recused members left out).
    async fn result(&self) -> Option<ItemResult> {
        let tally = self.record.tally?;
        let approved = self.record.approved?;
        let (vi, en) = council::explain_outcome(&self.item.rule, &tally, approved);
        Some(ItemResult {
            members: int(tally.members),
            present: int(tally.present),
            votes_for: int(tally.votes_for),
            votes_against: int(tally.votes_against),
            abstentions: int(tally.abstentions),
            written_for: int(tally.written_for),
            written_against: int(tally.written_against),
            counted_for: int(self.item.rule.votes_for(&tally)),
            base: int(self.item.rule.base_of(&tally)),
            approved,
            text_vi: vi,
            text_en: en,
        })
    }
    /// Once closed: what closing did to the nomination (`APPLIED`, `NOT_VOTED`, or
    /// `NOT_APPLIED: …` when it had left its COUNCIL stage).
    async fn applied(&self) -> Option<&str> {
        self.record.applied.as_deref()
    }
    /// Whether the session still takes votes on it.
    async fn open(&self) -> bool {
        self.state == council::SessionState::Open
    }
    /// The session it belongs to.
    async fn session_id(&self) -> ID {
        ID(self.session.to_string())
    }
}

/// Vote counts.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct TallyCounts {
    pub yes: i32,
    pub no: i32,
    pub abstain: i32,
}

impl From<Counts> for TallyCounts {
    fn from(c: Counts) -> Self {
        TallyCounts {
            yes: int(c.yes),
            no: int(c.no),
            abstain: int(c.abstain),
        }
    }
}

/// An item's result, as the minutes state it.
#[derive(SimpleObject, Debug)]
pub struct ItemResult {
    /// Members on the session's date, recused members left out.
    pub members: i32,
    /// Members present, recused members left out.
    pub present: i32,
    pub votes_for: i32,
    pub votes_against: i32,
    pub abstentions: i32,
    pub written_for: i32,
    pub written_against: i32,
    /// Votes for as the rule counts them (with written opinions where they count).
    pub counted_for: i32,
    /// What the share was taken of.
    pub base: i32,
    pub approved: bool,
    pub text_vi: String,
    pub text_en: String,
}

/// A council session (phiên họp).
#[derive(Debug, Clone)]
pub struct CouncilSessionNode(pub CouncilSessionRecord);

#[Object(name = "CouncilSession")]
impl CouncilSessionNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn council(&self, ctx: &Context<'_>) -> Result<Option<CouncilNode>> {
        Ok(ops(ctx)?
            .store()
            .council(self.0.council)
            .await
            .map_err(OpsError::from)?
            .map(CouncilNode))
    }
    async fn date(&self) -> Date {
        self.0.date
    }
    /// dd/mm/yyyy.
    async fn date_text(&self) -> String {
        format_date(self.0.date)
    }
    async fn place(&self) -> &str {
        &self.0.place
    }
    async fn state(&self) -> CouncilSessionState {
        self.0.session.state.into()
    }
    /// Every vote moves it on; send it back as `expectedVersion` to close the session.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The quorum it was opened under: "2/3".
    async fn quorum(&self) -> String {
        self.0.session.quorum.share.to_string()
    }
    /// The members on its date, and who was present.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<SessionMember>> {
        let mut out = Vec::new();
        for (account, position) in &self.0.session.members {
            out.push(SessionMember {
                account_id: ID(account.to_string()),
                name: ops(ctx)?.account_name(*account).await?,
                position: (*position).into(),
                present: self.0.session.present.contains(account),
            });
        }
        Ok(out)
    }
    /// Its agenda, in order.
    async fn items(&self) -> Vec<CouncilItemNode> {
        self.0
            .session
            .items
            .iter()
            .zip(&self.0.items)
            .map(|(item, record)| CouncilItemNode {
                session: self.0.id,
                state: self.0.session.state,
                item: item.clone(),
                record: record.clone(),
            })
            .collect()
    }
    async fn opened_at(&self) -> OffsetDateTime {
        self.0.opened_at
    }
    async fn closed_at(&self) -> Option<OffsetDateTime> {
        self.0.closed_at
    }
}

/// Whether a receipt's ballot is counted.
#[derive(SimpleObject, Debug)]
pub struct BallotVerification {
    /// Whether a ballot with this receipt is in the item's count. What it says is never shown:
    /// a receipt must not prove a vote to anyone else.
    pub counted: bool,
}

// ---------------------------------------------------------------------------------------------
// Queries

/// Councils and their sessions.
#[derive(Debug, Default)]
pub struct CouncilQuery;

#[Object]
impl CouncilQuery {
    /// Councils you may see: of issuers your roles reach, and those you sit on.
    async fn councils(&self, ctx: &Context<'_>) -> Result<Vec<CouncilNode>> {
        let actor = actor(ctx)?;
        Ok(ops(ctx)?
            .councils_visible(actor)
            .await?
            .into_iter()
            .map(CouncilNode)
            .collect())
    }

    /// One council, if you may see it.
    async fn council(&self, ctx: &Context<'_>, id: ID) -> Result<Option<CouncilNode>> {
        let actor = actor(ctx)?;
        let id: CouncilId = parse_id("id", &id)?;
        Ok(ops(ctx)?.council_visible(actor, id).await?.map(CouncilNode))
    }

    /// One session, if you may see its council.
    async fn council_session(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<CouncilSessionNode>> {
        let actor = actor(ctx)?;
        let id: SessionId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .council_session_visible(actor, id)
            .await?
            .map(CouncilSessionNode))
    }

    /// Checks a secret ballot by the receipt its voter was given: whether it is in the count.
    /// Nothing else leads to a ballot.
    async fn verify_ballot(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
        nomination_id: ID,
        receipt: String,
    ) -> Result<BallotVerification> {
        let actor = actor(ctx)?;
        let session: SessionId = parse_id("sessionId", &session_id)?;
        let nomination: NominationId = parse_id("nominationId", &nomination_id)?;
        let counted = ops(ctx)?
            .verify_ballot(actor, session, nomination, &receipt)
            .await?;
        Ok(BallotVerification { counted })
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// A new council.
#[derive(InputObject, Debug)]
pub struct CreateCouncilInput {
    pub issuer_unit_id: ID,
    /// "Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai".
    pub name: String,
    /// The share of members who must be present (default at least 2/3, a rule not yet confirmed: configurable).
    #[graphql(default_with = "\"2/3\".to_string()")]
    pub quorum: String,
    #[graphql(default)]
    pub quorum_strict: bool,
}

/// Changes to a council.
#[derive(InputObject, Debug)]
pub struct UpdateCouncilInput {
    pub id: ID,
    pub expected_version: i32,
    pub name: Option<String>,
    pub quorum: Option<String>,
    pub quorum_strict: Option<bool>,
}

#[derive(SimpleObject, Debug)]
pub struct CouncilPayload {
    pub council: CouncilNode,
}

/// A member's term.
#[derive(InputObject, Debug)]
pub struct AddCouncilMemberInput {
    pub council_id: ID,
    /// The member's account (members cast ballots with it).
    pub account_id: ID,
    pub position: CouncilPosition,
    pub from: Date,
    pub until: Option<Date>,
}

/// The end of a term.
#[derive(InputObject, Debug)]
pub struct EndCouncilMembershipInput {
    pub membership_id: ID,
    /// The term's last day.
    pub until: Date,
}

#[derive(SimpleObject, Debug)]
pub struct CouncilMemberPayload {
    pub member: CouncilMemberNode,
}

/// An issuer's own vote rule for an award.
#[derive(InputObject, Debug)]
pub struct SetCouncilVoteRuleInput {
    pub council_id: ID,
    pub award_kind: AwardKindCode,
    /// "2/3" or "90%".
    pub threshold: String,
    pub base: VoteBase,
    /// More than the share, rather than at least.
    pub strict: bool,
    pub secret_ballot: bool,
    /// Absent members' written opinions count (toward a share of all members or of votes).
    #[graphql(default = true)]
    pub written_opinions: bool,
    /// The issuer's decision that sets it (số, ngày quy chế).
    pub source: String,
}

/// The award whose own rule to remove.
#[derive(InputObject, Debug)]
pub struct ClearCouncilVoteRuleInput {
    pub council_id: ID,
    pub award_kind: AwardKindCode,
}

/// A new session.
#[derive(InputObject, Debug)]
pub struct OpenCouncilSessionInput {
    pub council_id: ID,
    /// The day it sits: the membership on that day votes.
    pub date: Date,
    pub place: String,
    /// Nominations at this issuer's COUNCIL stage, in order.
    pub agenda: Vec<ID>,
    /// The members present (accounts).
    pub present: Vec<ID>,
}

#[derive(SimpleObject, Debug)]
pub struct CouncilSessionPayload {
    pub session: CouncilSessionNode,
}

/// A declared conflict of interest.
#[derive(InputObject, Debug)]
pub struct DeclareRecusalInput {
    pub session_id: ID,
    pub nomination_id: ID,
    /// The member (default: you; the secretary may declare for another).
    pub member_account_id: Option<ID>,
    /// The conflict: the nominee is the member, a relative, or their own unit.
    pub reason: String,
}

/// An absent member's written opinion.
#[derive(InputObject, Debug)]
pub struct RecordWrittenOpinionInput {
    pub session_id: ID,
    pub nomination_id: ID,
    pub member_account_id: ID,
    pub choice: BallotChoice,
}

/// An open vote's tally.
#[derive(InputObject, Debug)]
pub struct RecordCouncilTallyInput {
    pub session_id: ID,
    pub nomination_id: ID,
    pub yes: i32,
    pub no: i32,
    #[graphql(default)]
    pub abstain: i32,
}

/// The judgement criteria the council found met.
#[derive(InputObject, Debug)]
pub struct RecordCouncilJudgementInput {
    pub session_id: ID,
    pub nomination_id: ID,
    /// Criterion ids, as `rulesets` lists them.
    pub criteria: Vec<String>,
}

/// A secret ballot.
#[derive(InputObject, Debug)]
pub struct CastBallotInput {
    pub session_id: ID,
    pub nomination_id: ID,
    pub choice: BallotChoice,
}

/// A ballot cast.
#[derive(SimpleObject, Debug)]
pub struct CastBallotPayload {
    /// Keep it: with `verifyBallot` it shows your ballot is in the count. Shown once; nothing
    /// else links the ballot to you.
    pub receipt: String,
}

/// The session to close.
#[derive(InputObject, Debug)]
pub struct CloseCouncilSessionInput {
    pub session_id: ID,
    pub expected_version: i32,
}

#[derive(SimpleObject, Debug)]
pub struct CloseCouncilSessionPayload {
    pub session: CouncilSessionNode,
}

/// Setting up councils and running their sessions.
#[derive(Debug, Default)]
pub struct CouncilMutation;

fn nomination_id(field: &'static str, id: &ID) -> Result<NominationId, OpsError> {
    parse_id(field, id)
}

#[Object]
impl CouncilMutation {
    /// Sets up an issuer's council (its administrator or SIGNER).
    async fn create_council(
        &self,
        ctx: &Context<'_>,
        input: CreateCouncilInput,
    ) -> Result<CouncilPayload> {
        let actor = actor(ctx)?;
        let issuer: UnitId = parse_id("issuerUnitId", &input.issuer_unit_id)?;
        let quorum = Quorum {
            share: share("quorum", &input.quorum)?,
            strict: input.quorum_strict,
        };
        let council = ops(ctx)?
            .create_council(actor, issuer, &input.name, Some(quorum), now(ctx)?)
            .await?;
        Ok(CouncilPayload {
            council: CouncilNode(council),
        })
    }

    /// Renames a council or changes its quorum.
    async fn update_council(
        &self,
        ctx: &Context<'_>,
        input: UpdateCouncilInput,
    ) -> Result<CouncilPayload> {
        let actor = actor(ctx)?;
        let id: CouncilId = parse_id("id", &input.id)?;
        let ops = ops(ctx)?;
        let current = ops
            .council_visible(actor, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "council",
                id: id.to_string(),
            })?;
        let quorum = match (&input.quorum, input.quorum_strict) {
            (None, None) => None,
            (q, strict) => Some(Quorum {
                share: match q {
                    Some(q) => share("quorum", q)?,
                    None => current.quorum.share,
                },
                strict: strict.unwrap_or(current.quorum.strict),
            }),
        };
        let council = ops
            .update_council(
                actor,
                id,
                input.expected_version,
                input.name.as_deref(),
                quorum,
                now(ctx)?,
            )
            .await?;
        Ok(CouncilPayload {
            council: CouncilNode(council),
        })
    }

    /// Adds a member's term to a council.
    async fn add_council_member(
        &self,
        ctx: &Context<'_>,
        input: AddCouncilMemberInput,
    ) -> Result<CouncilMemberPayload> {
        let actor = actor(ctx)?;
        let term = ops(ctx)?
            .add_council_member(
                actor,
                parse_id("councilId", &input.council_id)?,
                parse_id("accountId", &input.account_id)?,
                input.position.into(),
                input.from,
                input.until,
                now(ctx)?,
            )
            .await?;
        Ok(CouncilMemberPayload {
            member: CouncilMemberNode(term),
        })
    }

    /// Ends a member's term.
    async fn end_council_membership(
        &self,
        ctx: &Context<'_>,
        input: EndCouncilMembershipInput,
    ) -> Result<CouncilMemberPayload> {
        let actor = actor(ctx)?;
        let id: MembershipId = parse_id("membershipId", &input.membership_id)?;
        let term = ops(ctx)?
            .end_council_membership(actor, id, input.until, now(ctx)?)
            .await?;
        Ok(CouncilMemberPayload {
            member: CouncilMemberNode(term),
        })
    }

    /// Sets the issuer's own vote rule for an award, replacing the ruleset's (an unconfirmed
    /// threshold made the issuer's own), with the decision that sets it.
    async fn set_council_vote_rule(
        &self,
        ctx: &Context<'_>,
        input: SetCouncilVoteRuleInput,
    ) -> Result<CouncilPayload> {
        let actor = actor(ctx)?;
        let council: CouncilId = parse_id("councilId", &input.council_id)?;
        let rule = VoteRule {
            threshold: share("threshold", &input.threshold)?,
            base: input.base.into(),
            strict: input.strict,
            secret_ballot: input.secret_ballot,
            written_opinions: input.written_opinions,
            confidence: laurel_domain::rules::Confidence::Confirmed,
            source: input.source,
        };
        let ops = ops(ctx)?;
        ops.set_council_vote_rule(actor, council, input.award_kind.into(), rule, now(ctx)?)
            .await?;
        council_payload(ops, actor, council).await
    }

    /// Removes the issuer's own vote rule for an award: the ruleset's applies again.
    async fn clear_council_vote_rule(
        &self,
        ctx: &Context<'_>,
        input: ClearCouncilVoteRuleInput,
    ) -> Result<CouncilPayload> {
        let actor = actor(ctx)?;
        let council: CouncilId = parse_id("councilId", &input.council_id)?;
        let ops = ops(ctx)?;
        ops.clear_council_vote_rule(actor, council, input.award_kind.into(), now(ctx)?)
            .await?;
        council_payload(ops, actor, council).await
    }

    /// Opens a session (the issuer's COUNCIL_SECRETARY): the members present make a quorum, and
    /// its agenda lists nominations at the issuer's COUNCIL stage.
    async fn open_council_session(
        &self,
        ctx: &Context<'_>,
        input: OpenCouncilSessionInput,
    ) -> Result<CouncilSessionPayload> {
        let actor = actor(ctx)?;
        let agenda = input
            .agenda
            .iter()
            .map(|id| nomination_id("agenda", id))
            .collect::<Result<Vec<_>, _>>()?;
        let present = input
            .present
            .iter()
            .map(|id| parse_id("present", id))
            .collect::<Result<Vec<AccountId>, _>>()?;
        let session = ops(ctx)?
            .open_council_session(
                actor,
                OpenSession {
                    council: parse_id("councilId", &input.council_id)?,
                    date: input.date,
                    place: input.place,
                    agenda,
                    present,
                },
                now(ctx)?,
            )
            .await?;
        Ok(CouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }

    /// Declares a member's conflict of interest on an item: they take no part in it and leave
    /// its base.
    async fn declare_recusal(
        &self,
        ctx: &Context<'_>,
        input: DeclareRecusalInput,
    ) -> Result<CouncilSessionPayload> {
        let actor = actor(ctx)?;
        let member = input
            .member_account_id
            .as_ref()
            .map(|id| parse_id("memberAccountId", id))
            .transpose()?;
        let session = ops(ctx)?
            .declare_recusal(
                actor,
                parse_id("sessionId", &input.session_id)?,
                nomination_id("nominationId", &input.nomination_id)?,
                member,
                &input.reason,
                now(ctx)?,
            )
            .await?;
        Ok(CouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }

    /// Records an absent member's written opinion on an item (the secretary).
    async fn record_written_opinion(
        &self,
        ctx: &Context<'_>,
        input: RecordWrittenOpinionInput,
    ) -> Result<CouncilSessionPayload> {
        let actor = actor(ctx)?;
        let session = ops(ctx)?
            .record_written_opinion(
                actor,
                parse_id("sessionId", &input.session_id)?,
                nomination_id("nominationId", &input.nomination_id)?,
                parse_id("memberAccountId", &input.member_account_id)?,
                input.choice.into(),
                now(ctx)?,
            )
            .await?;
        Ok(CouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }

    /// Records an open vote's tally on an item (the secretary).
    async fn record_council_tally(
        &self,
        ctx: &Context<'_>,
        input: RecordCouncilTallyInput,
    ) -> Result<CouncilSessionPayload> {
        let actor = actor(ctx)?;
        let counts = Counts {
            yes: count("yes", input.yes)?,
            no: count("no", input.no)?,
            abstain: count("abstain", input.abstain)?,
        };
        let session = ops(ctx)?
            .record_council_tally(
                actor,
                parse_id("sessionId", &input.session_id)?,
                nomination_id("nominationId", &input.nomination_id)?,
                counts,
                now(ctx)?,
            )
            .await?;
        Ok(CouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }

    /// Records the judgement criteria the council found met on an item (the secretary).
    async fn record_council_judgement(
        &self,
        ctx: &Context<'_>,
        input: RecordCouncilJudgementInput,
    ) -> Result<CouncilSessionPayload> {
        let actor = actor(ctx)?;
        let session = ops(ctx)?
            .record_council_judgement(
                actor,
                parse_id("sessionId", &input.session_id)?,
                nomination_id("nominationId", &input.nomination_id)?,
                input.criteria,
                now(ctx)?,
            )
            .await?;
        Ok(CouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }

    /// Casts your secret ballot on an item (a member present, not recused, once).
    async fn cast_ballot(
        &self,
        ctx: &Context<'_>,
        input: CastBallotInput,
    ) -> Result<CastBallotPayload> {
        let actor = actor(ctx)?;
        let receipt = ops(ctx)?
            .cast_ballot(
                actor,
                parse_id("sessionId", &input.session_id)?,
                nomination_id("nominationId", &input.nomination_id)?,
                input.choice.into(),
                now(ctx)?,
            )
            .await?;
        Ok(CastBallotPayload { receipt })
    }

    /// Closes a session (the secretary): each voted item is approved or not by its rule and
    /// its nomination moves on, or stays at COUNCIL with the refusal recorded. Final.
    async fn close_council_session(
        &self,
        ctx: &Context<'_>,
        input: CloseCouncilSessionInput,
    ) -> Result<CloseCouncilSessionPayload> {
        let actor = actor(ctx)?;
        let (session, _) = ops(ctx)?
            .close_council_session(
                actor,
                parse_id("sessionId", &input.session_id)?,
                input.expected_version,
                now(ctx)?,
            )
            .await?;
        Ok(CloseCouncilSessionPayload {
            session: CouncilSessionNode(session),
        })
    }
}

async fn council_payload(
    ops: &crate::ops::Ops,
    actor: &laurel_domain::authz::Actor,
    council: CouncilId,
) -> Result<CouncilPayload> {
    let record = ops
        .council_visible(actor, council)
        .await?
        .ok_or(OpsError::NotFound {
            entity: "council",
            id: council.to_string(),
        })?;
    Ok(CouncilPayload {
        council: CouncilNode(record),
    })
}
