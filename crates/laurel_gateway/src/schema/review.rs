//! The review workflow in GraphQL: workflow definitions, each stage's mutation, proposals and
//! bulk actions, the dossier, public notice, consultation, the council's outcome, delay notices,
//! annulment, delegations, the working-day calendar, the work queue and on-time statistics.
//! Every mutation is thin: it parses its input and calls one operation.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use laurel_domain::calendar::{format_date, local_date};
use laurel_domain::ids::{
    AccountId, DecisionId, DelegationId, DocumentId, NominationId, ProposalId, UnitId,
};
use laurel_domain::workflow::{Command, Stage, Tally, Workflow};
use laurel_store::{
    AnnulmentRecord, AppraisalRecord, CommentRecord, ConsultationRecord, CouncilOutcomeRecord,
    DelegationRecord, DocumentRecord, HistoryEntry, ProposalRecord, Read, ReadReview, StageStat,
};
use time::{Date, OffsetDateTime};

use super::enums::{
    AnnulGround, AppraisalVerdict, AwardKindCode, CommandKind, Confidence, DayKind, DocumentKind,
    NominationState, OpinionVerdict, Party, Role, SignerCapacity, StageKind,
};
use super::mutation::{NominationPayload, NominationVersionInput};
use super::rules::EligibilityNode;
use super::types::{AccountNode, DecisionNode, NominationNode, UnitNode};
use super::{actor, now, ops, parse_id};
use crate::error::OpsError;
use crate::ops::{
    ActOn, AnnulDecision, Attachment, Bulk, CreateProposal, DocumentOwner, Outcome, ProposalStatus,
    RecordRecovery,
};

// ---------------------------------------------------------------------------------------------
// Nodes

/// A workflow definition: the stages a nomination for its awards goes through.
#[derive(Debug, Clone)]
pub struct WorkflowNode(pub Workflow);

#[Object(name = "Workflow")]
impl WorkflowNode {
    /// Stable id, e.g. `BANG_KHEN_BO_TINH`.
    async fn id(&self) -> &str {
        &self.0.id
    }
    /// Version: definitions are never edited once used; a change is a new version.
    async fn version(&self) -> i32 {
        i32::try_from(self.0.version).unwrap_or(i32::MAX)
    }
    async fn name_vi(&self) -> &str {
        &self.0.name_vi
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// The awards new nominations start it for (none: kept for nominations pinned to it).
    async fn award_kinds(&self) -> Vec<AwardKindCode> {
        self.0.awards.iter().map(|a| (*a).into()).collect()
    }
    /// The authority level of those awards.
    async fn authority(&self) -> Option<&'static str> {
        self.0.authority.map(|a| a.code())
    }
    /// First day new nominations start under it.
    async fn effective_from(&self) -> Date {
        self.0.effective_from
    }
    /// Where its stages and deadlines come from.
    async fn basis(&self) -> &str {
        &self.0.basis
    }
    /// The file it is read from.
    async fn file(&self) -> &str {
        &self.0.file
    }
    /// Its stages, in order.
    async fn stages(&self) -> Vec<StageNode> {
        self.0
            .stages()
            .iter()
            .enumerate()
            .map(|(i, s)| StageNode(i, s.clone()))
            .collect()
    }
}

/// One stage of a workflow.
#[derive(Debug, Clone)]
pub struct StageNode(usize, Stage);

#[Object(name = "WorkflowStage")]
impl StageNode {
    /// Its place, from 0.
    async fn index(&self) -> i32 {
        i32::try_from(self.0).unwrap_or(i32::MAX)
    }
    async fn kind(&self) -> StageKind {
        self.1.kind.into()
    }
    /// Who acts.
    async fn party(&self) -> Party {
        self.1.party.into()
    }
    /// With which role.
    async fn role(&self) -> Role {
        self.1.role.into()
    }
    /// Working days from entering it (none: no deadline).
    async fn deadline_days(&self) -> Option<i32> {
        self.1.deadline_days.and_then(|d| i32::try_from(d).ok())
    }
    /// For a public notice: working days it stays open.
    async fn notice_days(&self) -> Option<i32> {
        self.1.notice_days.and_then(|d| i32::try_from(d).ok())
    }
}

/// Where a nomination stands in its review.
#[derive(Debug, Clone)]
pub struct NominationStageNode {
    pub(super) kind: laurel_domain::workflow::StageKind,
    pub(super) index: usize,
    pub(super) level: usize,
    pub(super) party: laurel_domain::workflow::Party,
    pub(super) role: laurel_domain::authz::Role,
    pub(super) unit: Option<UnitId>,
    pub(super) since: Date,
    pub(super) due_on: Option<Date>,
    pub(super) paused_days: u32,
    pub(super) returned: bool,
    pub(super) today: Date,
}

#[Object(name = "NominationStage")]
impl NominationStageNode {
    /// The stage it is at (or was returned from, or was last at).
    async fn kind(&self) -> StageKind {
        self.kind.into()
    }
    /// Its place in the workflow, from 0.
    async fn index(&self) -> i32 {
        i32::try_from(self.index).unwrap_or(i32::MAX)
    }
    /// At an ENDORSE stage, the level up the route (0: the proposing unit's parent).
    async fn level(&self) -> i32 {
        i32::try_from(self.level).unwrap_or(i32::MAX)
    }
    /// Who acts there.
    async fn party(&self) -> Party {
        self.party.into()
    }
    /// With which role.
    async fn role(&self) -> Role {
        self.role.into()
    }
    /// The unit that acts there.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<UnitNode>> {
        match self.unit {
            Some(id) => Ok(ops(ctx)?
                .store()
                .unit(id)
                .await
                .map_err(OpsError::from)?
                .map(UnitNode)),
            None => Ok(None),
        }
    }
    /// The day it entered the stage.
    async fn since(&self) -> Date {
        self.since
    }
    /// When the stage is due (working days, paused while returned).
    async fn due_on(&self) -> Option<Date> {
        self.due_on
    }
    /// The due date as people read it, dd/mm/yyyy.
    async fn due_on_text(&self) -> Option<String> {
        self.due_on.map(format_date)
    }
    /// Whether it is past its due date (not while returned: the clock is paused).
    async fn overdue(&self) -> bool {
        !self.returned && self.due_on.is_some_and(|d| self.today > d)
    }
    /// Working days the stage was paused while the nomination was returned.
    async fn paused_days(&self) -> i32 {
        i32::try_from(self.paused_days).unwrap_or(i32::MAX)
    }
}

/// One step of a nomination's history.
#[derive(Debug, Clone)]
pub struct HistoryEntryNode(pub HistoryEntry);

#[Object(name = "HistoryEntry")]
impl HistoryEntryNode {
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
    /// What happened, e.g. "NOMINATION_RETURNED".
    async fn action(&self) -> &str {
        &self.0.event
    }
    async fn from_state(&self) -> NominationState {
        self.0.from_state.into()
    }
    async fn to_state(&self) -> NominationState {
        self.0.to_state.into()
    }
    async fn from_stage(&self) -> StageKind {
        self.0.from_stage.into()
    }
    async fn to_stage(&self) -> StageKind {
        self.0.to_stage.into()
    }
    /// At ENDORSE stages, the level before and after.
    async fn from_level(&self) -> i32 {
        i32::try_from(self.0.from_level).unwrap_or(i32::MAX)
    }
    async fn to_level(&self) -> i32 {
        i32::try_from(self.0.to_level).unwrap_or(i32::MAX)
    }
    /// The reasons given (a return lists each).
    async fn reasons(&self) -> &[String] {
        &self.0.reasons
    }
    /// The reasons, as one line.
    async fn reason(&self) -> Option<String> {
        (!self.0.reasons.is_empty()).then(|| self.0.reasons.join("; "))
    }
    /// The note written (an endorsement's note, the appraiser's notes, an opinion).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who acted.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor.map(|a| ID(a.to_string()))
    }
    /// Who acted, as shown to people.
    async fn actor_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        account_name(ctx, self.0.actor).await
    }
    /// On whose behalf, when the actor acted by delegation.
    async fn acting_for_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        account_name(ctx, self.0.acting_for).await
    }
    /// The stage this step completed, with its dates.
    async fn completed_stage(&self) -> Option<StageKind> {
        self.0.completed.as_ref().map(|c| c.stage.into())
    }
    /// Whether the stage it completed was done by its due date.
    async fn on_time(&self) -> Option<bool> {
        let done = self.0.completed.as_ref()?;
        let due = done.due_on?;
        Some(local_date(self.0.at) <= due)
    }
    /// Further details, as a JSON string.
    async fn details(&self) -> String {
        self.0.details.to_string()
    }
}

async fn account_name(ctx: &Context<'_>, id: Option<AccountId>) -> Result<Option<String>> {
    match id {
        Some(id) => Ok(ops(ctx)?
            .store()
            .account(id)
            .await
            .map_err(OpsError::from)?
            .map(|a| a.display_name)),
        None => Ok(None),
    }
}

/// A document of a dossier.
#[derive(Debug, Clone)]
pub struct DocumentNode(pub DocumentRecord);

#[Object(name = "Document")]
impl DocumentNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> DocumentKind {
        self.0.kind.into()
    }
    async fn filename(&self) -> &str {
        &self.0.filename
    }
    /// Its MIME type, recognised from the content.
    async fn media_type(&self) -> &'static str {
        self.0.media_type.mime()
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    /// SHA-256 of the content, hex.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// Whether it belongs to the proposal (shared by its nominations).
    async fn shared(&self) -> bool {
        self.0.proposal.is_some()
    }
    async fn uploaded_at(&self) -> OffsetDateTime {
        self.0.uploaded_at
    }
    async fn uploaded_by_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        account_name(ctx, Some(self.0.uploaded_by)).await
    }
    /// Where to download it (send the same bearer token).
    async fn url(&self) -> String {
        format!("/documents/{}", self.0.id)
    }
}

/// A nomination's dossier: its documents and its proposal's, and what reception and
/// appraisal require.
#[derive(Debug, Clone)]
pub struct DossierNode {
    documents: Vec<DocumentRecord>,
    required: Vec<laurel_domain::dossier::DocumentKind>,
    /// What appraisal requires, when the request asked for it.
    for_appraisal: Option<Vec<laurel_domain::dossier::DocumentKind>>,
}

impl DossierNode {
    pub(super) fn new(
        documents: Vec<DocumentRecord>,
        required: Vec<laurel_domain::dossier::DocumentKind>,
        for_appraisal: Option<Vec<laurel_domain::dossier::DocumentKind>>,
    ) -> DossierNode {
        DossierNode {
            documents,
            required,
            for_appraisal,
        }
    }

    fn missing_of(&self, required: &[laurel_domain::dossier::DocumentKind]) -> Vec<DocumentKind> {
        required
            .iter()
            .filter(|k| !self.documents.iter().any(|d| d.kind == **k))
            .map(|k| (*k).into())
            .collect()
    }

    fn appraisal(&self) -> Result<&[laurel_domain::dossier::DocumentKind]> {
        self.for_appraisal.as_deref().ok_or_else(|| {
            OpsError::internal("what appraisal requires was not judged for this request").into()
        })
    }
}

#[Object(name = "Dossier")]
impl DossierNode {
    async fn documents(&self) -> Vec<DocumentNode> {
        self.documents.iter().cloned().map(DocumentNode).collect()
    }
    /// The parts the issuer's office requires to receive it (Law 06/2022 Art 84).
    async fn required(&self) -> Vec<DocumentKind> {
        self.required.iter().map(|k| (*k).into()).collect()
    }
    /// Required parts not yet attached.
    async fn missing(&self) -> Vec<DocumentKind> {
        self.missing_of(&self.required)
    }
    /// The parts appraisal requires (Law 06/2022 Art 84.1): those of reception, and the
    /// confirmation of the initiative or research when the eligibility (judged today) rests on
    /// one. Costly: it judges the eligibility.
    #[graphql(complexity = "20 + child_complexity")]
    async fn required_for_appraisal(&self) -> Result<Vec<DocumentKind>> {
        Ok(self.appraisal()?.iter().map(|k| (*k).into()).collect())
    }
    /// The parts appraisal requires that are not attached yet: attach them before the office
    /// appraises. Costly: it judges the eligibility.
    #[graphql(complexity = "20 + child_complexity")]
    async fn missing_for_appraisal(&self) -> Result<Vec<DocumentKind>> {
        Ok(self.missing_of(self.appraisal()?))
    }
}

/// An appraisal.
#[derive(Debug, Clone)]
pub struct AppraisalNode(pub AppraisalRecord);

#[Object(name = "Appraisal")]
impl AppraisalNode {
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
    async fn verdict(&self) -> AppraisalVerdict {
        self.0.verdict.into()
    }
    async fn notes(&self) -> &str {
        &self.0.notes
    }
    async fn appraiser_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        account_name(ctx, Some(self.0.by)).await
    }
    /// The explained criteria the appraiser saw, as the rules engine's JSON.
    async fn eligibility(&self) -> String {
        self.0.eligibility.to_string()
    }
}

/// A unit asked for its opinion.
#[derive(Debug, Clone)]
pub struct ConsultationNode(pub ConsultationRecord);

#[Object(name = "Consultation")]
impl ConsultationNode {
    async fn unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(
            ops(ctx)?
                .store()
                .require_unit(self.0.unit)
                .await
                .map_err(OpsError::from)?,
        ))
    }
    async fn requested_on(&self) -> Date {
        self.0.requested_on
    }
    /// Its deadline: silence after it means agreement.
    async fn due_on(&self) -> Date {
        self.0.due_on
    }
    async fn answered_on(&self) -> Option<Date> {
        self.0.answer.as_ref().map(|a| a.on)
    }
    async fn verdict(&self) -> Option<OpinionVerdict> {
        self.0.answer.as_ref().map(|a| a.verdict.into())
    }
    async fn opinion(&self) -> Option<&str> {
        self.0.answer.as_ref().map(|a| a.text.as_str())
    }
}

/// A council outcome, with its figures.
#[derive(Debug, Clone)]
pub struct CouncilOutcomeNode(pub CouncilOutcomeRecord);

#[Object(name = "CouncilOutcome")]
impl CouncilOutcomeNode {
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
    async fn members(&self) -> i32 {
        i32::try_from(self.0.tally.members).unwrap_or(i32::MAX)
    }
    async fn present(&self) -> i32 {
        i32::try_from(self.0.tally.present).unwrap_or(i32::MAX)
    }
    async fn votes_for(&self) -> i32 {
        i32::try_from(self.0.tally.votes_for).unwrap_or(i32::MAX)
    }
    async fn votes_against(&self) -> i32 {
        i32::try_from(self.0.tally.votes_against).unwrap_or(i32::MAX)
    }
    async fn abstentions(&self) -> i32 {
        i32::try_from(self.0.tally.abstentions).unwrap_or(i32::MAX)
    }
    /// Whether the award's council rule was met.
    async fn approved(&self) -> bool {
        self.0.approved
    }
    /// The rule applied, with its source and confidence.
    async fn rule(&self) -> &str {
        &self.0.rule
    }
}

/// A public comment.
#[derive(Debug, Clone)]
pub struct CommentNode(pub CommentRecord);

#[Object(name = "PublicComment")]
impl CommentNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn contact(&self) -> &str {
        &self.0.contact
    }
    async fn comment(&self) -> &str {
        &self.0.comment
    }
}

/// A proposal (tờ trình).
#[derive(Debug, Clone)]
pub struct ProposalNode(pub ProposalRecord);

#[Object(name = "Proposal")]
impl ProposalNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Moves on with every change of it or of one of its nominations: send it back as
    /// `expectedVersion` for a bulk action.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Số tờ trình.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }
    async fn proposed_on(&self) -> Option<Date> {
        self.0.proposed_on
    }
    async fn signer_name(&self) -> Option<&str> {
        self.0.signer_name.as_deref()
    }
    async fn signer_title(&self) -> Option<&str> {
        self.0.signer_title.as_deref()
    }
    async fn proposing_unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        unit_node(ctx, self.0.proposing_unit).await
    }
    async fn issuer(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        unit_node(ctx, self.0.issuer).await
    }
    /// Derived from its nominations: DRAFT, IN_REVIEW or CLOSED.
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let states: Vec<_> = nominations_of(ctx, self.0.id)
            .await?
            .iter()
            .map(|n| n.nomination.state())
            .collect();
        Ok(match ProposalStatus::of(&states) {
            ProposalStatus::Draft => "DRAFT",
            ProposalStatus::InReview => "IN_REVIEW",
            ProposalStatus::Closed => "CLOSED",
        })
    }
    /// Its nominations (the list of the Mẫu 01).
    async fn nominations(&self, ctx: &Context<'_>) -> Result<Vec<NominationNode>> {
        Ok(nominations_of(ctx, self.0.id)
            .await?
            .into_iter()
            .map(NominationNode)
            .collect())
    }
    /// Documents shared by its nominations.
    async fn documents(&self, ctx: &Context<'_>) -> Result<Vec<DocumentNode>> {
        Ok(ops(ctx)?
            .store()
            .documents_of_proposal(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(DocumentNode)
            .collect())
    }
}

async fn nominations_of(
    ctx: &Context<'_>,
    id: ProposalId,
) -> Result<Vec<laurel_store::NominationRecord>> {
    Ok(ops(ctx)?
        .store()
        .nominations_of_proposal(id)
        .await
        .map_err(OpsError::from)?)
}

async fn unit_node(ctx: &Context<'_>, id: UnitId) -> Result<UnitNode> {
    Ok(UnitNode(
        ops(ctx)?
            .store()
            .require_unit(id)
            .await
            .map_err(OpsError::from)?,
    ))
}

/// A delegation of a role.
#[derive(Debug, Clone)]
pub struct DelegationNode(pub DelegationRecord);

#[Object(name = "Delegation")]
impl DelegationNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn role(&self) -> Role {
        self.0.delegation.role.into()
    }
    async fn unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        unit_node(ctx, self.0.delegation.unit).await
    }
    async fn delegator(&self, ctx: &Context<'_>) -> Result<Option<AccountNode>> {
        account_node(ctx, self.0.delegation.delegator).await
    }
    async fn delegate(&self, ctx: &Context<'_>) -> Result<Option<AccountNode>> {
        account_node(ctx, self.0.delegation.delegate).await
    }
    async fn from(&self) -> Date {
        self.0.delegation.from
    }
    async fn until(&self) -> Date {
        self.0.delegation.until
    }
    async fn revoked_at(&self) -> Option<OffsetDateTime> {
        self.0.revoked_at
    }
    /// Whether it is in force today (Asia/Ho_Chi_Minh).
    async fn active(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.revoked_at.is_none() && self.0.delegation.active_on(local_date(now(ctx)?)))
    }
}

async fn account_node(ctx: &Context<'_>, id: AccountId) -> Result<Option<AccountNode>> {
    Ok(ops(ctx)?
        .store()
        .account(id)
        .await
        .map_err(OpsError::from)?
        .map(AccountNode))
}

/// A listed day of the working-day calendar.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CalendarDay")]
pub struct CalendarDayNode {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
    pub source: String,
    pub confidence: Confidence,
}

/// The working-day calendar of a year.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CalendarYear")]
pub struct CalendarYearNode {
    pub year: i32,
    /// Whether the shipped data covers the year (otherwise only weekends are off unless an
    /// administrator listed days).
    pub covered: bool,
    /// Weekdays off and weekend days worked, in date order.
    pub days: Vec<CalendarDayNode>,
}

/// How a stage kept its deadlines.
#[derive(Debug, Clone)]
pub struct StageStatNode(pub StageStat);

#[Object(name = "StageStatistic")]
impl StageStatNode {
    async fn stage(&self) -> StageKind {
        self.0.stage.into()
    }
    /// Times it was completed.
    async fn completed(&self) -> i32 {
        i32::try_from(self.0.completed).unwrap_or(i32::MAX)
    }
    async fn on_time(&self) -> i32 {
        i32::try_from(self.0.on_time).unwrap_or(i32::MAX)
    }
    async fn late(&self) -> i32 {
        i32::try_from(self.0.late).unwrap_or(i32::MAX)
    }
    async fn without_deadline(&self) -> i32 {
        i32::try_from(self.0.without_deadline).unwrap_or(i32::MAX)
    }
    /// Share on time among those with a deadline, in percent.
    async fn on_time_percent(&self) -> Option<f64> {
        let with_deadline = self.0.on_time + self.0.late;
        (with_deadline > 0).then(|| f64::from(self.0.on_time) * 100.0 / f64::from(with_deadline))
    }
    /// Mean working days taken (paused days left out).
    async fn mean_working_days(&self) -> Option<f64> {
        self.0.mean_working_days
    }
}

/// An issuer's on-time statistics.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "StageStatistics")]
pub struct StageStatisticsNode {
    pub issuer_unit_id: ID,
    pub from: Date,
    pub until: Date,
    pub stages: Vec<StageStatNode>,
}

/// A nomination open for public comment, as anyone sees it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "PublicNotice")]
pub struct PublicNoticeNode {
    pub nomination_id: ID,
    /// The nominee as printed (rank and name, or the collective's name).
    pub nominee_name: String,
    /// The nominee's unit.
    pub unit_name: String,
    pub award_kind: AwardKindCode,
    pub award_name_vi: String,
    pub achievement: String,
    /// "Giám đốc Công an tỉnh Gia Lai".
    pub issuer_title: String,
    /// The last day comments are taken.
    pub closes_on: Date,
    pub closes_on_text: String,
}

/// The recovery an annulment tracks for one recipient.
#[derive(Debug, Clone)]
pub struct AnnulmentNode(pub AnnulmentRecord);

#[Object(name = "Annulment")]
impl AnnulmentNode {
    async fn nomination_id(&self) -> ID {
        ID(self.0.nomination.to_string())
    }
    /// Optimistic-concurrency version of the recovery record.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The annulment decision.
    async fn annulment_decision(&self, ctx: &Context<'_>) -> Result<Option<DecisionNode>> {
        decision_node(ctx, self.0.annulment).await
    }
    /// The award decision it annulled.
    async fn decision(&self, ctx: &Context<'_>) -> Result<Option<DecisionNode>> {
        decision_node(ctx, self.0.decision).await
    }
    /// The cash the award gave, to recover.
    async fn amount_vnd(&self) -> Option<i64> {
        self.0.amount_vnd
    }
    async fn artefact_returned_on(&self) -> Option<Date> {
        self.0.artefact_returned_on
    }
    async fn cash_recovered_vnd(&self) -> Option<i64> {
        self.0.cash_recovered_vnd
    }
    async fn cash_recovered_on(&self) -> Option<Date> {
        self.0.cash_recovered_on
    }
    /// Whether the artefact is back and the cash recovered in full.
    async fn recovered(&self) -> bool {
        self.0.artefact_returned_on.is_some()
            && self
                .0
                .amount_vnd
                .is_none_or(|due| self.0.cash_recovered_vnd.is_some_and(|got| got >= due))
    }
}

async fn decision_node(ctx: &Context<'_>, id: DecisionId) -> Result<Option<DecisionNode>> {
    Ok(ops(ctx)?
        .store()
        .decision(id)
        .await
        .map_err(OpsError::from)?
        .map(DecisionNode))
}

/// One nomination's result in a bulk action.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "BulkResult")]
pub struct BulkResultNode {
    pub id: ID,
    /// Whether it was applied (wholly; otherwise nothing of it changed).
    pub ok: bool,
    /// As saved, when applied.
    pub nomination: Option<NominationNode>,
    /// Why not: the error code (`CONFLICT`, `INVALID_TRANSITION`, `FORBIDDEN`, ...).
    pub code: Option<String>,
    pub message_vi: Option<String>,
    pub message_en: Option<String>,
}

/// The results of a bulk action, one per nomination.
#[derive(Debug, Clone, SimpleObject)]
pub struct BulkPayload {
    pub results: Vec<BulkResultNode>,
    pub succeeded: i32,
    pub failed: i32,
}

fn bulk_payload(outcomes: Vec<Outcome>) -> BulkPayload {
    let results: Vec<BulkResultNode> = outcomes
        .into_iter()
        .map(|o| match o.result {
            Ok(record) => BulkResultNode {
                id: ID(o.id.to_string()),
                ok: true,
                nomination: Some(NominationNode(record)),
                code: None,
                message_vi: None,
                message_en: None,
            },
            Err(e) => {
                let (vi, en) = e.messages();
                BulkResultNode {
                    id: ID(o.id.to_string()),
                    ok: false,
                    nomination: None,
                    code: Some(e.code().to_owned()),
                    message_vi: Some(vi),
                    message_en: Some(en),
                }
            }
        })
        .collect();
    let succeeded = results.iter().filter(|r| r.ok).count();
    BulkPayload {
        failed: i32::try_from(results.len() - succeeded).unwrap_or(i32::MAX),
        succeeded: i32::try_from(succeeded).unwrap_or(i32::MAX),
        results,
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs and payloads

/// An endorsement by a level up the route.
#[derive(Debug, InputObject)]
pub struct EndorseNominationInput {
    pub id: ID,
    pub expected_version: i32,
    /// The level's note (optional).
    pub note: Option<String>,
}

/// A return for supplement.
#[derive(Debug, InputObject)]
pub struct ReturnNominationInput {
    pub id: ID,
    pub expected_version: i32,
    /// What to fix, one reason each (at least one).
    pub reasons: Vec<String>,
    /// Dossier parts to add.
    #[graphql(default)]
    pub missing_parts: Vec<DocumentKind>,
}

/// A rejection, with its written reason.
#[derive(Debug, InputObject)]
pub struct RejectNominationInput {
    pub id: ID,
    pub expected_version: i32,
    pub reason: String,
}

/// An appraisal.
#[derive(Debug, InputObject)]
pub struct AppraiseNominationInput {
    pub id: ID,
    pub expected_version: i32,
    pub verdict: AppraisalVerdict,
    /// The appraiser's notes.
    pub notes: String,
}

/// The appraised nomination and the eligibility the appraiser saw.
#[derive(Debug, SimpleObject)]
pub struct AppraiseNominationPayload {
    pub nomination: NominationNode,
    pub eligibility: EligibilityNode,
}

/// A public comment.
#[derive(Debug, InputObject)]
pub struct CommentOnNominationInput {
    pub nomination_id: ID,
    /// The commenter's full name.
    pub name: String,
    /// Phone, address or e-mail.
    pub contact: String,
    pub comment: String,
}

#[derive(Debug, SimpleObject)]
pub struct CommentOnNominationPayload {
    /// The comment's id (kept by the issuer's office).
    pub comment_id: ID,
    pub received_at: OffsetDateTime,
}

/// Units to ask for their opinion.
#[derive(Debug, InputObject)]
pub struct RequestOpinionsInput {
    pub id: ID,
    pub expected_version: i32,
    pub unit_ids: Vec<ID>,
}

/// A consulted unit's opinion.
#[derive(Debug, InputObject)]
pub struct GiveOpinionInput {
    pub id: ID,
    pub expected_version: i32,
    /// The unit you answer for.
    pub unit_id: ID,
    pub verdict: OpinionVerdict,
    pub opinion: String,
}

/// The council's outcome, with its figures.
#[derive(Debug, InputObject)]
pub struct RecordCouncilOutcomeInput {
    pub id: ID,
    pub expected_version: i32,
    /// The council's whole membership.
    pub members: i32,
    pub present: i32,
    pub votes_for: i32,
    pub votes_against: i32,
    #[graphql(default)]
    pub abstentions: i32,
}

/// A delay notice for a late stage.
#[derive(Debug, InputObject)]
pub struct SendDelayNoticeInput {
    pub id: ID,
    pub expected_version: i32,
    /// The new expected date (a working day after today).
    pub new_due_on: Date,
    pub reason: String,
}

/// A new proposal.
#[derive(Debug, InputObject)]
pub struct CreateProposalInput {
    pub proposing_unit_id: ID,
    pub issuer_unit_id: ID,
    /// Số tờ trình, e.g. "15/TTr-CAX".
    pub number: Option<String>,
    pub proposed_on: Option<Date>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    /// Its nominations, each at the version seen.
    pub nominations: Vec<NominationVersionInput>,
}

#[derive(Debug, SimpleObject)]
pub struct ProposalPayload {
    pub proposal: ProposalNode,
}

/// What a bulk action acts on: a proposal at the version seen, or a list of nominations.
#[derive(Debug, InputObject)]
pub struct BulkTargetInput {
    pub proposal_id: Option<ID>,
    /// The proposal's version seen.
    pub expected_version: Option<i32>,
    pub nominations: Option<Vec<NominationVersionInput>>,
}

/// A bulk endorsement.
#[derive(Debug, InputObject)]
pub struct EndorseNominationsInput {
    pub target: BulkTargetInput,
    pub note: Option<String>,
}

/// A bulk return.
#[derive(Debug, InputObject)]
pub struct ReturnNominationsInput {
    pub target: BulkTargetInput,
    pub reasons: Vec<String>,
    #[graphql(default)]
    pub missing_parts: Vec<DocumentKind>,
}

/// A bulk appraisal.
#[derive(Debug, InputObject)]
pub struct AppraiseNominationsInput {
    pub target: BulkTargetInput,
    pub verdict: AppraisalVerdict,
    pub notes: String,
}

/// A document to attach: to one nomination or to a proposal (shared by its nominations).
/// Sent as a GraphQL multipart request.
#[derive(InputObject)]
pub struct AttachDocumentInput {
    pub nomination_id: Option<ID>,
    pub proposal_id: Option<ID>,
    pub kind: DocumentKind,
    /// PDF, DOCX, XLSX, PNG or JPEG, recognised by content.
    pub file: Upload,
}

#[derive(Debug, SimpleObject)]
pub struct DocumentPayload {
    pub document: DocumentNode,
}

/// A document to detach.
#[derive(Debug, InputObject)]
pub struct DetachDocumentInput {
    pub id: ID,
}

/// An annulment decision.
#[derive(Debug, InputObject)]
pub struct AnnulDecisionInput {
    /// The award decision annulled.
    pub decision_id: ID,
    /// The recipients whose award it annuls (all or some), each at the version seen.
    pub nominations: Vec<NominationVersionInput>,
    /// Law 06/2022 Art 93.2 a-d.
    pub ground: AnnulGround,
    /// The facts behind it.
    pub reason: String,
    #[graphql(default_with = "SignerCapacity::Direct")]
    pub capacity: SignerCapacity,
    pub signer_title: Option<String>,
}

#[derive(Debug, SimpleObject)]
pub struct AnnulDecisionPayload {
    /// The annulment decision, numbered in the issuer's sequence.
    pub decision: DecisionNode,
}

/// What was recovered of an annulled award.
#[derive(Debug, InputObject)]
pub struct RecordRecoveryInput {
    pub nomination_id: ID,
    pub expected_version: i32,
    pub artefact_returned_on: Option<Date>,
    pub cash_recovered_vnd: Option<i64>,
    pub cash_recovered_on: Option<Date>,
}

#[derive(Debug, SimpleObject)]
pub struct RecordRecoveryPayload {
    pub annulment: AnnulmentNode,
}

/// A delegation of a role for a time.
#[derive(Debug, InputObject)]
pub struct DelegateRoleInput {
    /// Who delegates (an administrator may record a delegation on someone's behalf); you by
    /// default.
    pub delegator_account_id: Option<ID>,
    pub role: Role,
    pub unit_id: ID,
    pub delegate_account_id: ID,
    pub from: Date,
    /// Last day, inclusive.
    pub until: Date,
}

#[derive(Debug, SimpleObject)]
pub struct DelegationPayload {
    pub delegation: DelegationNode,
}

/// A delegation to end.
#[derive(Debug, InputObject)]
pub struct RevokeDelegationInput {
    pub id: ID,
}

/// A correction of the working-day calendar.
#[derive(Debug, InputObject)]
pub struct SetCalendarDayInput {
    pub date: Date,
    /// HOLIDAY (a weekday off), WORKING (a weekend day worked), or none for an ordinary day.
    pub kind: Option<DayKind>,
    #[graphql(default)]
    pub name: String,
    /// The notice that says so.
    #[graphql(default)]
    pub source: String,
    #[graphql(default_with = "Confidence::Confirmed")]
    pub confidence: Confidence,
}

#[derive(Debug, SimpleObject)]
pub struct SetCalendarDayPayload {
    pub date: Date,
    /// The day as set (none: an ordinary day).
    pub day: Option<CalendarDayNode>,
}

// ---------------------------------------------------------------------------------------------
// Roots

/// Queries of the review workflow.
#[derive(Debug, Default)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// Every workflow definition (public: procedure is not secret).
    async fn workflows(&self, ctx: &Context<'_>) -> Result<Vec<WorkflowNode>> {
        Ok(ops(ctx)?
            .workflows()
            .all()
            .iter()
            .cloned()
            .map(WorkflowNode)
            .collect())
    }

    /// What waits for you: nominations at a stage your roles act at, drafts and returned
    /// nominations of your units, consultations your units have not answered. Overdue first,
    /// then soonest due.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 200) as usize * child_complexity")]
    async fn work_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, NominationNode>> {
        let actor = actor(ctx)?;
        let first = first.unwrap_or(50);
        if !(1..=200).contains(&first) {
            return Err(
                OpsError::invalid(laurel_domain::text::InvalidInput::OutOfRange {
                    field: "first",
                    min: 1,
                    max: 200,
                    actual: first.into(),
                })
                .into(),
            );
        }
        let offset = match after.as_deref() {
            Some(a) => a.parse::<u64>().map_err(|_| {
                OpsError::invalid(laurel_domain::text::InvalidInput::Malformed {
                    field: "after",
                    expected_vi: "con trỏ trang (cursor) lấy từ kết quả trước",
                    expected_en: "a cursor taken from a previous page",
                })
            })?,
            None => 0,
        };
        let limit = u64::try_from(first).unwrap_or(50);
        let mut rows = ops(ctx)?.work_queue(actor, offset, limit + 1).await?;
        let has_next = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut conn = Connection::new(offset > 0, has_next);
        for (i, row) in rows.into_iter().enumerate() {
            conn.edges.push(async_graphql::connection::Edge::new(
                (offset + i as u64 + 1).to_string(),
                NominationNode(row),
            ));
        }
        Ok(conn)
    }

    /// How each stage of an issuer kept its deadlines between two days (inclusive).
    async fn stage_statistics(
        &self,
        ctx: &Context<'_>,
        issuer_unit_id: ID,
        from: Date,
        until: Date,
    ) -> Result<StageStatisticsNode> {
        let actor = actor(ctx)?;
        let issuer: UnitId = parse_id("issuerUnitId", &issuer_unit_id)?;
        let stats = ops(ctx)?
            .stage_statistics(actor, issuer, from, until)
            .await?;
        Ok(StageStatisticsNode {
            issuer_unit_id,
            from: stats.from,
            until: stats.until,
            stages: stats.stages.into_iter().map(StageStatNode).collect(),
        })
    }

    /// Proposals of your units' subtrees, newest first.
    async fn proposals(&self, ctx: &Context<'_>) -> Result<Vec<ProposalNode>> {
        let actor = actor(ctx)?;
        let roots = actor.readable_roots();
        Ok(ops(ctx)?
            .store()
            .proposals(roots.as_deref(), 200)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(ProposalNode)
            .collect())
    }

    /// One proposal, if you may see it.
    async fn proposal(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProposalNode>> {
        let actor = actor(ctx)?;
        let id: ProposalId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .readable_proposal(actor, id)
            .await?
            .map(ProposalNode))
    }

    /// The working days of a year: weekdays off and weekend days worked (anyone signed in).
    async fn calendar(&self, ctx: &Context<'_>, year: i32) -> Result<CalendarYearNode> {
        actor(ctx)?;
        let calendar = ops(ctx)?.calendar().await?;
        Ok(CalendarYearNode {
            year,
            covered: calendar.years().any(|y| y == year),
            days: calendar
                .days_of(year)
                .map(|d| CalendarDayNode {
                    date: d.date,
                    kind: d.kind.into(),
                    name: d.name.clone(),
                    source: d.source.clone(),
                    confidence: d.confidence.into(),
                })
                .collect(),
        })
    }

    /// Nominations open for public comment (công khai lấy ý kiến): no login needed.
    async fn public_notices(&self, ctx: &Context<'_>) -> Result<Vec<PublicNoticeNode>> {
        let ops = ops(ctx)?;
        let mut out = Vec::new();
        for notice in ops.public_notices(now(ctx)?).await? {
            let n = &notice.record.nomination;
            let store = ops.store();
            let (nominee_name, unit) = match n.nominee {
                laurel_domain::nomination::Nominee::Person(p) => {
                    let person = store.person(p).await.map_err(OpsError::from)?.ok_or(
                        OpsError::NotFound {
                            entity: "person",
                            id: p.to_string(),
                        },
                    )?;
                    (person.display_name(), person.unit)
                }
                laurel_domain::nomination::Nominee::Collective(u) => {
                    let unit = store.require_unit(u).await.map_err(OpsError::from)?;
                    (unit.name.clone(), unit.parent.unwrap_or(u))
                }
            };
            let unit = store.require_unit(unit).await.map_err(OpsError::from)?;
            let issuer = store.require_unit(n.issuer).await.map_err(OpsError::from)?;
            out.push(PublicNoticeNode {
                nomination_id: ID(n.id.to_string()),
                nominee_name,
                unit_name: unit.name,
                award_kind: n.award.into(),
                award_name_vi: n.award.name_vi().to_owned(),
                achievement: n.achievement.clone(),
                issuer_title: issuer.issuer_title(),
                closes_on: notice.closes_on,
                closes_on_text: format_date(notice.closes_on),
            });
        }
        Ok(out)
    }

    /// Delegations you gave or received (administrators: all).
    async fn delegations(&self, ctx: &Context<'_>) -> Result<Vec<DelegationNode>> {
        let actor = actor(ctx)?;
        Ok(ops(ctx)?
            .delegations(actor)
            .await?
            .into_iter()
            .map(DelegationNode)
            .collect())
    }
}

fn nomination_id(field: &'static str, id: &ID) -> Result<NominationId, OpsError> {
    parse_id(field, id)
}

fn bulk_target(input: BulkTargetInput) -> Result<Bulk, OpsError> {
    match (input.proposal_id, input.expected_version, input.nominations) {
        (Some(id), Some(expected_version), None) => Ok(Bulk::Proposal {
            id: parse_id("target.proposalId", &id)?,
            expected_version,
        }),
        (None, None, Some(list)) => Ok(Bulk::List(
            list.iter()
                .map(|n| {
                    Ok((
                        nomination_id("target.nominations.id", &n.id)?,
                        n.expected_version,
                    ))
                })
                .collect::<Result<Vec<_>, OpsError>>()?,
        )),
        _ => Err(OpsError::invalid(
            laurel_domain::text::InvalidInput::Malformed {
                field: "target",
                expected_vi: "hoặc proposalId kèm expectedVersion, hoặc danh sách nominations",
                expected_en: "either proposalId with expectedVersion, or a list of nominations",
            },
        )),
    }
}

fn tally(input: &RecordCouncilOutcomeInput) -> Result<Tally, OpsError> {
    let count = |field: &'static str, v: i32| {
        u32::try_from(v).map_err(|_| {
            OpsError::invalid(laurel_domain::text::InvalidInput::OutOfRange {
                field,
                min: 0,
                max: i64::from(i32::MAX),
                actual: v.into(),
            })
        })
    };
    Ok(Tally {
        members: count("members", input.members)?,
        present: count("present", input.present)?,
        votes_for: count("votesFor", input.votes_for)?,
        votes_against: count("votesAgainst", input.votes_against)?,
        abstentions: count("abstentions", input.abstentions)?,
        written_for: 0,
        written_against: 0,
    })
}

/// Mutations of the review workflow. Each changes a nomination at the `expectedVersion` you
/// saw; a stale one is refused with `CONFLICT`.
#[derive(Debug, Default)]
pub struct ReviewMutation;

impl ReviewMutation {
    async fn act(
        ctx: &Context<'_>,
        id: &ID,
        expected_version: i32,
        command: Command,
    ) -> Result<NominationPayload> {
        let actor = actor(ctx)?;
        let record = ops(ctx)?
            .act(
                actor,
                ActOn {
                    id: nomination_id("id", id)?,
                    expected_version,
                    command,
                },
                now(ctx)?,
            )
            .await?;
        Ok(NominationPayload {
            nomination: NominationNode(record),
        })
    }

    async fn bulk(
        ctx: &Context<'_>,
        target: BulkTargetInput,
        command: Command,
    ) -> Result<BulkPayload> {
        let actor = actor(ctx)?;
        let outcomes = ops(ctx)?
            .act_many(actor, bulk_target(target)?, command, now(ctx)?)
            .await?;
        Ok(bulk_payload(outcomes))
    }
}

#[Object]
impl ReviewMutation {
    /// Endorses a nomination and forwards it up (the head of the level it waits at).
    async fn endorse_nomination(
        &self,
        ctx: &Context<'_>,
        input: EndorseNominationInput,
    ) -> Result<NominationPayload> {
        Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::Endorse { note: input.note },
        )
        .await
    }

    /// Receives a nomination's dossier as complete (the issuer's emulation office); refuses,
    /// listing the missing parts of Art 84. The statutory clock starts here.
    async fn receive_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<NominationPayload> {
        Self::act(ctx, &input.id, input.expected_version, Command::Receive).await
    }

    /// Returns a nomination to its proposing unit for supplement, with reasons (whoever acts at
    /// its stage). Its deadline clock pauses until it is resubmitted.
    async fn return_nomination(
        &self,
        ctx: &Context<'_>,
        input: ReturnNominationInput,
    ) -> Result<NominationPayload> {
        let command = Command::Return {
            reasons: input.reasons,
            missing: input.missing_parts.into_iter().map(Into::into).collect(),
        };
        Self::act(ctx, &input.id, input.expected_version, command).await
    }

    /// Sends a returned nomination back to the stage that returned it (the proposing unit's
    /// head).
    async fn resubmit_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<NominationPayload> {
        Self::act(ctx, &input.id, input.expected_version, Command::Resubmit).await
    }

    /// Takes a nomination back before the next level has acted (its sender).
    async fn recall_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<NominationPayload> {
        Self::act(ctx, &input.id, input.expected_version, Command::Recall).await
    }

    /// Rejects a nomination with a written reason. Final.
    async fn reject_nomination(
        &self,
        ctx: &Context<'_>,
        input: RejectNominationInput,
    ) -> Result<NominationPayload> {
        Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::Reject {
                reason: input.reason,
            },
        )
        .await
    }

    /// Appraises a nomination against its pinned ruleset and the issuer's quotas (the issuer's
    /// emulation office). ELIGIBLE moves it on (refused, listing every failed criterion, when the
    /// rules say otherwise); INELIGIBLE keeps it at appraisal, to be returned or rejected.
    async fn appraise_nomination(
        &self,
        ctx: &Context<'_>,
        input: AppraiseNominationInput,
    ) -> Result<AppraiseNominationPayload> {
        let payload = Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::Appraise {
                verdict: input.verdict.into(),
                notes: input.notes,
            },
        )
        .await?;
        let ops = ops(ctx)?;
        let eligibility = ops
            .eligibility_for_appraisal(ops.store(), &payload.nomination.0, local_date(now(ctx)?))
            .await?;
        Ok(AppraiseNominationPayload {
            nomination: payload.nomination,
            eligibility: EligibilityNode(eligibility),
        })
    }

    /// Ends a public notice once its working days have passed (the issuer's office).
    async fn close_public_notice(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<NominationPayload> {
        Self::act(ctx, &input.id, input.expected_version, Command::CloseNotice).await
    }

    /// Comments on a nomination in public notice (anyone; name and contact required).
    async fn comment_on_nomination(
        &self,
        ctx: &Context<'_>,
        input: CommentOnNominationInput,
    ) -> Result<CommentOnNominationPayload> {
        let id = nomination_id("nominationId", &input.nomination_id)?;
        let comment = ops(ctx)?
            .comment_on_nomination(
                id,
                crate::ops::Comment {
                    name: input.name,
                    contact: input.contact,
                    comment: input.comment,
                },
                now(ctx)?,
            )
            .await?;
        Ok(CommentOnNominationPayload {
            comment_id: ID(comment.id.to_string()),
            received_at: comment.at,
        })
    }

    /// Asks units for their opinion at a CONSULT stage (the issuer's office).
    async fn request_opinions(
        &self,
        ctx: &Context<'_>,
        input: RequestOpinionsInput,
    ) -> Result<NominationPayload> {
        let ids = input
            .unit_ids
            .iter()
            .map(|id| parse_id("unitIds", id))
            .collect::<Result<Vec<UnitId>, OpsError>>()?;
        let ops = ops(ctx)?;
        let units = ops.unit_paths(ops.store(), &ids).await?;
        Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::RequestOpinions { units },
        )
        .await
    }

    /// Gives a consulted unit's opinion (its head).
    async fn give_opinion(
        &self,
        ctx: &Context<'_>,
        input: GiveOpinionInput,
    ) -> Result<NominationPayload> {
        let command = Command::GiveOpinion {
            unit: parse_id("unitId", &input.unit_id)?,
            verdict: input.verdict.into(),
            text: input.opinion,
        };
        Self::act(ctx, &input.id, input.expected_version, command).await
    }

    /// Ends a consultation once every unit answered or the deadline passed: silence means
    /// agreement (the issuer's office).
    async fn close_consultation(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<NominationPayload> {
        Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::CloseConsultation,
        )
        .await
    }

    /// Records the council's outcome with its figures (the council's secretary); Laurel applies
    /// the award's council rule. Approved moves it to signing; otherwise it stays for another
    /// session, a return or a rejection.
    async fn record_council_outcome(
        &self,
        ctx: &Context<'_>,
        input: RecordCouncilOutcomeInput,
    ) -> Result<NominationPayload> {
        let tally = tally(&input)?;
        Self::act(
            ctx,
            &input.id,
            input.expected_version,
            Command::RecordCouncil { tally },
        )
        .await
    }

    /// Sends the proposing unit a new expected date for a stage that is due or late ("phiếu xin
    /// lỗi và hẹn lại ngày trả kết quả"), whoever acts at that stage.
    async fn send_delay_notice(
        &self,
        ctx: &Context<'_>,
        input: SendDelayNoticeInput,
    ) -> Result<NominationPayload> {
        let command = Command::NoticeDelay {
            new_due_on: input.new_due_on,
            reason: input.reason,
        };
        Self::act(ctx, &input.id, input.expected_version, command).await
    }

    /// Groups drafts of one proposing unit for one issuer into a proposal (tờ trình, Mẫu 01).
    async fn create_proposal(
        &self,
        ctx: &Context<'_>,
        input: CreateProposalInput,
    ) -> Result<ProposalPayload> {
        let actor = actor(ctx)?;
        let nominations = input
            .nominations
            .iter()
            .map(|n| Ok((nomination_id("nominations.id", &n.id)?, n.expected_version)))
            .collect::<Result<Vec<_>, OpsError>>()?;
        let proposal = ops(ctx)?
            .create_proposal(
                actor,
                CreateProposal {
                    proposing_unit: parse_id("proposingUnitId", &input.proposing_unit_id)?,
                    issuer: parse_id("issuerUnitId", &input.issuer_unit_id)?,
                    number: input.number,
                    proposed_on: input.proposed_on,
                    signer_name: input.signer_name,
                    signer_title: input.signer_title,
                    nominations,
                },
                now(ctx)?,
            )
            .await?;
        Ok(ProposalPayload {
            proposal: ProposalNode(proposal),
        })
    }

    /// Submits many nominations: a proposal's or a list; one result each.
    async fn submit_nominations(
        &self,
        ctx: &Context<'_>,
        target: BulkTargetInput,
    ) -> Result<BulkPayload> {
        Self::bulk(ctx, target, Command::Submit).await
    }

    /// Endorses many nominations; one result each.
    async fn endorse_nominations(
        &self,
        ctx: &Context<'_>,
        input: EndorseNominationsInput,
    ) -> Result<BulkPayload> {
        Self::bulk(ctx, input.target, Command::Endorse { note: input.note }).await
    }

    /// Receives many nominations; one result each.
    async fn receive_nominations(
        &self,
        ctx: &Context<'_>,
        target: BulkTargetInput,
    ) -> Result<BulkPayload> {
        Self::bulk(ctx, target, Command::Receive).await
    }

    /// Returns many nominations for supplement; one result each.
    async fn return_nominations(
        &self,
        ctx: &Context<'_>,
        input: ReturnNominationsInput,
    ) -> Result<BulkPayload> {
        let command = Command::Return {
            reasons: input.reasons,
            missing: input.missing_parts.into_iter().map(Into::into).collect(),
        };
        Self::bulk(ctx, input.target, command).await
    }

    /// Appraises many nominations with one verdict; one result each.
    async fn appraise_nominations(
        &self,
        ctx: &Context<'_>,
        input: AppraiseNominationsInput,
    ) -> Result<BulkPayload> {
        let command = Command::Appraise {
            verdict: input.verdict.into(),
            notes: input.notes,
        };
        Self::bulk(ctx, input.target, command).await
    }

    /// Attaches a document to a nomination's or a proposal's dossier (GraphQL multipart request:
    /// https://github.com/jaydenseric/graphql-multipart-request-spec).
    async fn attach_document(
        &self,
        ctx: &Context<'_>,
        input: AttachDocumentInput,
    ) -> Result<DocumentPayload> {
        let actor = actor(ctx)?;
        let owner = match (&input.nomination_id, &input.proposal_id) {
            (Some(id), None) => DocumentOwner::Nomination(parse_id("nominationId", id)?),
            (None, Some(id)) => DocumentOwner::Proposal(parse_id("proposalId", id)?),
            _ => {
                return Err(
                    OpsError::invalid(laurel_domain::text::InvalidInput::Malformed {
                        field: "nominationId",
                        expected_vi: "đúng một trong nominationId và proposalId",
                        expected_en: "exactly one of nominationId and proposalId",
                    })
                    .into(),
                );
            }
        };
        let upload = super::uploaded(ctx, &input.file)?;
        let document = ops(ctx)?
            .attach_document(
                actor,
                Attachment {
                    owner,
                    kind: input.kind.into(),
                    filename: upload.filename.clone(),
                    content: upload.content.to_vec(),
                },
                now(ctx)?,
            )
            .await?;
        Ok(DocumentPayload {
            document: DocumentNode(document),
        })
    }

    /// Detaches a document from its dossier (its record and content stay).
    async fn detach_document(
        &self,
        ctx: &Context<'_>,
        input: DetachDocumentInput,
    ) -> Result<DocumentPayload> {
        let actor = actor(ctx)?;
        let id: DocumentId = parse_id("id", &input.id)?;
        let document = ops(ctx)?.detach_document(actor, id, now(ctx)?).await?;
        Ok(DocumentPayload {
            document: DocumentNode(document),
        })
    }

    /// Annuls the awards of some or all recipients of a decision (Law 06/2022 Art 93.2) by a new
    /// decision of the same issuer, numbered in the same sequence (the issuer's signer).
    async fn annul_decision(
        &self,
        ctx: &Context<'_>,
        input: AnnulDecisionInput,
    ) -> Result<AnnulDecisionPayload> {
        let actor = actor(ctx)?;
        let nominations = input
            .nominations
            .iter()
            .map(|n| Ok((nomination_id("nominations.id", &n.id)?, n.expected_version)))
            .collect::<Result<Vec<_>, OpsError>>()?;
        let decision = ops(ctx)?
            .annul_decision(
                actor,
                AnnulDecision {
                    decision: parse_id("decisionId", &input.decision_id)?,
                    nominations,
                    ground: input.ground.into(),
                    reason: input.reason,
                    capacity: input.capacity.into(),
                    signer_title: input.signer_title,
                },
                now(ctx)?,
            )
            .await?;
        Ok(AnnulDecisionPayload {
            decision: DecisionNode(decision),
        })
    }

    /// Records what was recovered of an annulled award (the issuer's signer or office).
    async fn record_recovery(
        &self,
        ctx: &Context<'_>,
        input: RecordRecoveryInput,
    ) -> Result<RecordRecoveryPayload> {
        let actor = actor(ctx)?;
        let annulment = ops(ctx)?
            .record_recovery(
                actor,
                RecordRecovery {
                    nomination: nomination_id("nominationId", &input.nomination_id)?,
                    expected_version: input.expected_version,
                    artefact_returned_on: input.artefact_returned_on,
                    cash_recovered_vnd: input.cash_recovered_vnd,
                    cash_recovered_on: input.cash_recovered_on,
                },
                now(ctx)?,
            )
            .await?;
        Ok(RecordRecoveryPayload {
            annulment: AnnulmentNode(annulment),
        })
    }

    /// Delegates a role you hold at a unit to another account for a time (an acting signer
    /// signs "TUQ."). Checked wherever the role is checked, only on the days it runs.
    async fn delegate_role(
        &self,
        ctx: &Context<'_>,
        input: DelegateRoleInput,
    ) -> Result<DelegationPayload> {
        let actor = actor(ctx)?;
        let on_behalf_of = input
            .delegator_account_id
            .as_ref()
            .map(|id| parse_id("delegatorAccountId", id))
            .transpose()?;
        let record = ops(ctx)?
            .delegate_role(
                actor,
                on_behalf_of,
                input.role.into(),
                parse_id("unitId", &input.unit_id)?,
                parse_id("delegateAccountId", &input.delegate_account_id)?,
                input.from,
                input.until,
                now(ctx)?,
            )
            .await?;
        Ok(DelegationPayload {
            delegation: DelegationNode(record),
        })
    }

    /// Ends a delegation early (its delegator or an administrator).
    async fn revoke_delegation(
        &self,
        ctx: &Context<'_>,
        input: RevokeDelegationInput,
    ) -> Result<DelegationPayload> {
        let actor = actor(ctx)?;
        let id: DelegationId = parse_id("id", &input.id)?;
        let record = ops(ctx)?.revoke_delegation(actor, id, now(ctx)?).await?;
        Ok(DelegationPayload {
            delegation: DelegationNode(record),
        })
    }

    /// Corrects the working-day calendar (administrators): a holiday or swap announced, a
    /// Saturday worked, or back to an ordinary day.
    async fn set_calendar_day(
        &self,
        ctx: &Context<'_>,
        input: SetCalendarDayInput,
    ) -> Result<SetCalendarDayPayload> {
        let actor = actor(ctx)?;
        let day = ops(ctx)?
            .set_calendar_day(
                actor,
                input.date,
                input.kind.map(Into::into),
                &input.name,
                &input.source,
                input.confidence.into(),
                now(ctx)?,
            )
            .await?;
        Ok(SetCalendarDayPayload {
            date: input.date,
            day: day.map(|d| CalendarDayNode {
                date: d.date,
                kind: d.kind.into(),
                name: d.name,
                source: d.source,
                confidence: d.confidence.into(),
            }),
        })
    }
}

/// The command kinds the schema exposes, by value (used by `Nomination.availableCommands`).
pub(super) fn command_kinds(kinds: Vec<laurel_domain::workflow::CommandKind>) -> Vec<CommandKind> {
    kinds.into_iter().map(Into::into).collect()
}
