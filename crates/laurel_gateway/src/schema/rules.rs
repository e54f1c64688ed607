//! Facts, eligibility, rulesets and quotas in the GraphQL API.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::local_date;
use laurel_domain::ids::{PersonId, UnitId};
use laurel_domain::nomination::Nominee;
use laurel_domain::quota::Quota;
use laurel_domain::rules::{AwardRule, CriterionResult, Eligibility, Ruleset};
use laurel_domain::text::InvalidInput;
use laurel_store::{
    BlockRecord, DecisionRecipient, DisciplineRecord, PriorAwardRecord, RecognitionRecord,
};
use time::Date;

use super::enums::{
    AwardKindCode, BlockKind, CommendationKind, Confidence, DisciplineLevel, RecognitionKind,
    Scope, TaskRating, Verdict, VoteBase,
};
use super::types::NominationNode;
use super::{actor, now, ops, parse_id};
use crate::error::OpsError;
use crate::ops::{RecordPriorAward, RecordRecognition};

/// Exactly one of a person id and a unit id, as a nominee.
pub(crate) fn nominee_of(person: Option<&ID>, unit: Option<&ID>) -> Result<Nominee, OpsError> {
    match (person, unit) {
        (Some(person), None) => Ok(Nominee::Person(parse_id::<PersonId>(
            "nomineePersonId",
            person,
        )?)),
        (None, Some(unit)) => Ok(Nominee::Collective(parse_id::<UnitId>(
            "nomineeUnitId",
            unit,
        )?)),
        _ => Err(OpsError::invalid(InvalidInput::Malformed {
            field: "nomineePersonId",
            expected_vi: "cần đúng một trong hai trường nomineePersonId hoặc nomineeUnitId",
            expected_en: "give exactly one of nomineePersonId and nomineeUnitId",
        })),
    }
}

fn coefficient(thousandths: u32) -> f64 {
    f64::from(thousandths) / 1000.0
}

// ---------------------------------------------------------------- eligibility

/// One criterion's outcome.
#[derive(Debug, Clone)]
pub struct CriterionNode(pub CriterionResult);

#[Object(name = "CriterionResult")]
impl CriterionNode {
    /// The criterion's id in the ruleset, e.g. "cstd_co_so.base_title".
    async fn id(&self) -> &str {
        &self.0.id
    }
    /// True: met; false: not met; null: a judgement the council has not attested yet.
    async fn met(&self) -> Option<bool> {
        self.0.met
    }
    /// The legal article, e.g. "Luật TĐKT 06/2022, Điều 23".
    async fn article(&self) -> &str {
        &self.0.article
    }
    async fn message_vi(&self) -> &str {
        &self.0.message_vi
    }
    async fn message_en(&self) -> &str {
        &self.0.message_en
    }
    /// The facts it was judged on, e.g. "CSTĐ cơ sở 2022, 2023, 2024 — 3 liên tục".
    async fn facts(&self) -> &[String] {
        &self.0.facts
    }
}

/// A nominee judged against an award's criteria.
#[derive(Debug, Clone)]
pub struct EligibilityNode(pub Eligibility);

#[Object(name = "Eligibility")]
impl EligibilityNode {
    async fn verdict(&self) -> Verdict {
        self.0.verdict.into()
    }
    /// The ruleset (legal regime) it was judged by, e.g. "ND98_2023".
    async fn ruleset(&self) -> &str {
        &self.0.ruleset
    }
    async fn award_kind(&self) -> AwardKindCode {
        self.0.award.into()
    }
    async fn period(&self) -> i32 {
        self.0.period
    }
    /// One line per criterion, general principles included.
    async fn criteria(&self) -> Vec<CriterionNode> {
        self.0.criteria.iter().cloned().map(CriterionNode).collect()
    }
}

// ---------------------------------------------------------------- catalog

/// A dossier part required by Art 84.
#[derive(Debug, Clone, SimpleObject)]
pub struct DossierPart {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// How the emulation council votes on an award.
#[derive(Debug, Clone, SimpleObject)]
pub struct CouncilRule {
    /// The approval threshold, in percent.
    pub threshold_percent: i32,
    /// What the percentage is of.
    pub base: VoteBase,
    /// Strictly more than the threshold (rather than at least).
    pub strict: bool,
    pub secret_ballot: bool,
    pub confidence: Confidence,
    /// Where the rule comes from.
    pub source: String,
}

/// One criterion of an award, as the ruleset states it.
#[derive(Debug, Clone, SimpleObject)]
pub struct CriterionInfo {
    pub id: String,
    pub article: String,
    pub description_vi: String,
    pub description_en: String,
    /// Whether it is a judgement for the council rather than computed.
    pub judgement: bool,
}

/// An award kind under one ruleset.
#[derive(Debug, Clone)]
pub struct AwardRuleNode(pub AwardRule);

#[Object(name = "AwardRule")]
impl AwardRuleNode {
    async fn award_kind(&self) -> AwardKindCode {
        self.0.award.into()
    }
    /// Who decides it, e.g. "MINISTRY_OR_PROVINCE".
    async fn authority(&self) -> &'static str {
        self.0.authority.code()
    }
    /// What is printed for it.
    async fn certificate_kind(&self) -> &'static str {
        self.0.certificate.code()
    }
    /// The dossier parts required (Law 06/2022 Art 84).
    async fn dossier(&self) -> Vec<DossierPart> {
        self.0
            .dossier
            .iter()
            .map(|part| DossierPart {
                code: part.code().to_string(),
                name_vi: part.name_vi().to_string(),
                name_en: part.name_en().to_string(),
            })
            .collect()
    }
    async fn council(&self) -> CouncilRule {
        let c = &self.0.council;
        CouncilRule {
            threshold_percent: i32::from(c.threshold_percent),
            base: c.base.into(),
            strict: c.strict,
            secret_ballot: c.secret_ballot,
            confidence: c.confidence.into(),
            source: c.source.clone(),
        }
    }
    /// Cash coefficient (× the base salary), e.g. 0.3.
    async fn coefficient(&self) -> f64 {
        coefficient(self.0.coefficient.thousandths)
    }
    async fn coefficient_confidence(&self) -> Confidence {
        self.0.coefficient.confidence.into()
    }
    async fn coefficient_source(&self) -> &str {
        &self.0.coefficient.source
    }
    async fn criteria(&self) -> Vec<CriterionInfo> {
        self.0
            .criteria_summary()
            .into_iter()
            .map(|c| CriterionInfo {
                id: c.id,
                article: c.article,
                description_vi: c.description_vi,
                description_en: c.description_en,
                judgement: c.judgement,
            })
            .collect()
    }
}

/// A legal regime: the award kinds and their rules from an effective date.
#[derive(Debug, Clone)]
pub struct RulesetNode(pub Ruleset);

#[Object(name = "Ruleset")]
impl RulesetNode {
    /// Stable id, e.g. "ND152_2025".
    async fn id(&self) -> &str {
        &self.0.id
    }
    async fn name_vi(&self) -> &str {
        &self.0.name_vi
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    async fn effective_from(&self) -> Date {
        self.0.effective_from
    }
    async fn legal_bases(&self) -> &[String] {
        &self.0.legal_bases
    }
    /// Every award kind under this regime.
    async fn awards(&self) -> Vec<AwardRuleNode> {
        self.0.awards().cloned().map(AwardRuleNode).collect()
    }
    /// One award kind under this regime.
    async fn award(&self, kind: AwardKindCode) -> AwardRuleNode {
        AwardRuleNode(self.0.award(kind.into()).clone())
    }
}

// ---------------------------------------------------------------- facts

/// A task rating for a year.
#[derive(Debug, Clone, SimpleObject)]
pub struct RatingNode {
    pub year: i32,
    pub rating: TaskRating,
}

/// An initiative or research work.
#[derive(Debug, Clone)]
pub struct RecognitionNode(pub RecognitionRecord);

#[Object(name = "Recognition")]
impl RecognitionNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> RecognitionKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn scope(&self) -> Scope {
        self.0.scope.into()
    }
    async fn recognised_by(&self) -> &str {
        &self.0.recognised_by
    }
    /// The id of the nomination it already backed (it cannot back another award).
    async fn used_by_nomination_id(&self) -> Option<ID> {
        self.0.used_by.map(|n| ID(n.to_string()))
    }
}

/// A disciplinary measure.
#[derive(Debug, Clone)]
pub struct DisciplineNode(pub DisciplineRecord);

#[Object(name = "Discipline")]
impl DisciplineNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn level(&self) -> DisciplineLevel {
        self.0.level.into()
    }
    async fn from(&self) -> Date {
        self.0.from
    }
    /// None while ongoing.
    async fn to(&self) -> Option<Date> {
        self.0.to
    }
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
}

/// Something pending that blocks awards.
#[derive(Debug, Clone)]
pub struct BlockNode(pub BlockRecord);

#[Object(name = "Block")]
impl BlockNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> BlockKind {
        self.0.kind.into()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn from(&self) -> Date {
        self.0.from
    }
    /// None while pending.
    async fn resolved_on(&self) -> Option<Date> {
        self.0.resolved_on
    }
    /// Send it back as `expectedVersion` to resolve the block.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An award given before Laurel was used.
#[derive(Debug, Clone)]
pub struct PriorAwardNode(pub PriorAwardRecord);

#[Object(name = "PriorAward")]
impl PriorAwardNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn award_kind(&self) -> AwardKindCode {
        self.0.award.into()
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn kind(&self) -> CommendationKind {
        self.0.kind.into()
    }
    async fn decision_reference(&self) -> Option<&str> {
        self.0.decision_reference.as_deref()
    }
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on
    }
}

/// Everything recorded about a nominee that the rules read.
#[derive(Debug, Clone, SimpleObject)]
pub struct NomineeFactsNode {
    pub ratings: Vec<RatingNode>,
    pub recognitions: Vec<RecognitionNode>,
    pub disciplines: Vec<DisciplineNode>,
    pub blocks: Vec<BlockNode>,
    pub prior_awards: Vec<PriorAwardNode>,
}

/// The facts of a nominee, after checking the caller may read them.
pub(crate) async fn facts_node(
    ctx: &Context<'_>,
    nominee: Nominee,
) -> Result<NomineeFactsNode, OpsError> {
    use laurel_store::ReadFacts;
    let actor = actor(ctx)?;
    let ops = ops(ctx)?;
    let path = ops.nominee_path(ops.store(), nominee).await?;
    actor.authorize(laurel_domain::authz::Action::Read, &path)?;
    let store = ops.store();
    Ok(NomineeFactsNode {
        ratings: store
            .ratings_of(nominee)
            .await?
            .into_iter()
            .map(|r| RatingNode {
                year: r.year,
                rating: r.rating.into(),
            })
            .collect(),
        recognitions: store
            .recognitions_of(nominee)
            .await?
            .into_iter()
            .map(RecognitionNode)
            .collect(),
        disciplines: store
            .disciplines_of(nominee)
            .await?
            .into_iter()
            .map(DisciplineNode)
            .collect(),
        blocks: store
            .blocks_of(nominee)
            .await?
            .into_iter()
            .map(BlockNode)
            .collect(),
        prior_awards: store
            .prior_awards_of(nominee)
            .await?
            .into_iter()
            .map(PriorAwardNode)
            .collect(),
    })
}

/// What a decision gives one recipient.
#[derive(Debug, Clone)]
pub struct RecipientNode(pub DecisionRecipient);

#[Object(name = "DecisionRecipient")]
impl RecipientNode {
    async fn nomination(&self, ctx: &Context<'_>) -> Result<Option<NominationNode>> {
        Ok(ops(ctx)?
            .readable_nomination(actor(ctx)?, self.0.nomination)
            .await?
            .map(NominationNode))
    }
    /// The ruleset whose coefficient applied.
    async fn ruleset(&self) -> &str {
        &self.0.ruleset
    }
    /// Cash coefficient, e.g. 0.3.
    async fn coefficient(&self) -> f64 {
        coefficient(self.0.coefficient_thousandths)
    }
    /// Mức lương cơ sở on the decision date, VND.
    async fn base_salary_vnd(&self) -> i64 {
        self.0.base_salary_vnd
    }
    /// coefficient × base salary (× household/collective multiplier), rounded up to 10,000 VND.
    async fn amount_vnd(&self) -> i64 {
        self.0.amount_vnd
    }
}

// ---------------------------------------------------------------- queries

/// Which nominee, award and period to check.
#[derive(Debug, InputObject)]
pub struct CheckEligibilityInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    pub award_kind: AwardKindCode,
    pub period: i32,
    /// The date to judge on (default: today, Asia/Ho_Chi_Minh).
    pub as_of: Option<Date>,
}

/// Queries about rules and facts.
#[derive(Debug, Default)]
pub struct RulesQuery;

#[Object]
impl RulesQuery {
    /// Checks a nominee against an award's criteria for a period, one line per criterion with
    /// its article and the facts used. Changes nothing. It answers "could this nominee be
    /// proposed?": a nomination already in flight for the same award and period counts against
    /// it (one achievement, one award); to judge that nomination itself, read
    /// `Nomination.eligibility`.
    async fn check_eligibility(
        &self,
        ctx: &Context<'_>,
        input: CheckEligibilityInput,
    ) -> Result<EligibilityNode> {
        let actor = actor(ctx)?;
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let as_of = input.as_of.unwrap_or(local_date(now(ctx)?));
        Ok(EligibilityNode(
            ops(ctx)?
                .check_eligibility(actor, nominee, input.award_kind.into(), input.period, as_of)
                .await?,
        ))
    }

    /// The legal regimes Laurel judges by, oldest first (public).
    async fn rulesets(&self, ctx: &Context<'_>) -> Result<Vec<RulesetNode>> {
        Ok(ops(ctx)?
            .rulesets()
            .all()
            .iter()
            .cloned()
            .map(RulesetNode)
            .collect())
    }

    /// The regime a nomination for this period is judged by (public).
    async fn ruleset_for_period(&self, ctx: &Context<'_>, period: i32) -> Result<RulesetNode> {
        Ok(RulesetNode(ops(ctx)?.ruleset_for_period(period)?.clone()))
    }

    /// The facts recorded about a nominee (ratings, initiatives, discipline, blocks, prior awards).
    async fn nominee_facts(
        &self,
        ctx: &Context<'_>,
        nominee_person_id: Option<ID>,
        nominee_unit_id: Option<ID>,
    ) -> Result<NomineeFactsNode> {
        let nominee = nominee_of(nominee_person_id.as_ref(), nominee_unit_id.as_ref())?;
        Ok(facts_node(ctx, nominee).await?)
    }
}

// ---------------------------------------------------------------- mutations

/// A task rating.
#[derive(Debug, InputObject)]
pub struct RecordRatingInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    pub year: i32,
    pub rating: TaskRating,
}

/// An initiative (sáng kiến) or research work.
#[derive(Debug, InputObject)]
pub struct RecordInitiativeInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    #[graphql(default_with = "RecognitionKind::Initiative")]
    pub kind: RecognitionKind,
    pub title: String,
    /// The year it was recognised.
    pub year: i32,
    pub scope: Scope,
    /// The body that recognised it, e.g. "Hội đồng sáng kiến Công an tỉnh Gia Lai".
    pub recognised_by: String,
    /// The award given before Laurel that it already backed, if any (it will not count again).
    pub used_for: Option<UsedForInput>,
}

/// An award given before Laurel, by kind and year.
#[derive(Debug, InputObject)]
pub struct UsedForInput {
    pub award_kind: AwardKindCode,
    pub year: i32,
}

/// A disciplinary measure.
#[derive(Debug, InputObject)]
pub struct RecordDisciplineInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    pub level: DisciplineLevel,
    pub from: Date,
    /// None while ongoing.
    pub to: Option<Date>,
    /// The decision that imposed it.
    pub reference: Option<String>,
}

/// A pending inspection, investigation, complaint or discipline consideration.
#[derive(Debug, InputObject)]
pub struct RecordBlockInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    pub kind: BlockKind,
    pub reason: String,
    pub from: Date,
}

/// The resolution of a block.
#[derive(Debug, InputObject)]
pub struct ResolveBlockInput {
    pub id: ID,
    pub expected_version: i32,
    pub resolved_on: Date,
}

/// An award given before Laurel was used.
#[derive(Debug, InputObject)]
pub struct RecordPriorAwardInput {
    pub nominee_person_id: Option<ID>,
    pub nominee_unit_id: Option<ID>,
    pub award_kind: AwardKindCode,
    pub year: i32,
    #[graphql(default_with = "CommendationKind::ThuongXuyen")]
    pub kind: CommendationKind,
    pub decision_reference: Option<String>,
    pub decided_on: Option<Date>,
}

/// An issuer's quota for an award; with no cap at all (`maxCount`, `maxPercent` and
/// `baseAwardKind` all absent) it removes the quota.
#[derive(Debug, InputObject)]
pub struct SetQuotaInput {
    pub issuer_unit_id: ID,
    pub award_kind: AwardKindCode,
    /// The period it applies to; none for every period.
    pub period: Option<i32>,
    /// At most this many.
    pub max_count: Option<i32>,
    /// At most this percentage (0-100, rounded down) of `baseAwardKind` decided for the same
    /// issuer and period.
    pub max_percent: Option<i32>,
    pub base_award_kind: Option<AwardKindCode>,
}

#[derive(Debug, SimpleObject)]
pub struct RecordRatingPayload {
    pub rating: RatingNode,
}
#[derive(Debug, SimpleObject)]
pub struct RecordInitiativePayload {
    pub recognition: RecognitionNode,
}
#[derive(Debug, SimpleObject)]
pub struct RecordDisciplinePayload {
    pub discipline: DisciplineNode,
}
#[derive(Debug, SimpleObject)]
pub struct BlockPayload {
    pub block: BlockNode,
}
#[derive(Debug, SimpleObject)]
pub struct RecordPriorAwardPayload {
    pub prior_award: PriorAwardNode,
}
#[derive(Debug, SimpleObject)]
pub struct SetQuotaPayload {
    pub issuer_unit_id: ID,
    pub award_kind: AwardKindCode,
    pub period: Option<i32>,
    pub max_count: Option<i32>,
    pub max_percent: Option<i32>,
    pub base_award_kind: Option<AwardKindCode>,
}

/// A judgement criterion attested for a submitted nomination.
#[derive(Debug, InputObject)]
pub struct AttestCriterionInput {
    pub nomination_id: ID,
    /// The criterion's id, as listed by `rulesets` (a `judgement` or `attested_fact` rule).
    pub criterion_id: String,
    /// What the attestation rests on (minutes, a council vote, a confirmation...).
    pub basis: String,
}

#[derive(Debug, SimpleObject)]
pub struct AttestCriterionPayload {
    pub nomination: NominationNode,
    /// False when it was already attested (nothing changed).
    pub attested: bool,
}

/// A person's recruitment date.
#[derive(Debug, InputObject)]
pub struct RecordRecruitmentInput {
    pub person_id: ID,
    pub recruited_on: Date,
}

#[derive(Debug, SimpleObject)]
pub struct RecordRecruitmentPayload {
    pub person: super::types::PersonNode,
}

/// A quota an issuer set.
#[derive(Debug, SimpleObject)]
pub struct QuotaNode {
    pub award_kind: AwardKindCode,
    /// None: every period.
    pub period: Option<i32>,
    pub max_count: Option<i32>,
    pub max_percent: Option<i32>,
    pub base_award_kind: Option<AwardKindCode>,
}

/// Quotas of an issuer (readers of the issuer's unit).
#[derive(Debug, Default)]
pub struct QuotaQuery;

#[Object]
impl QuotaQuery {
    /// The quotas an issuer has set (none: no caps).
    async fn quotas(&self, ctx: &Context<'_>, issuer_unit_id: ID) -> Result<Vec<QuotaNode>> {
        use laurel_store::ReadFacts;
        let issuer: UnitId = parse_id("issuerUnitId", &issuer_unit_id)?;
        let ops = ops(ctx)?;
        if !ops.may_read_at(actor(ctx)?, issuer).await? {
            return Err(OpsError::Forbidden(laurel_domain::authz::Denied::action(
                laurel_domain::authz::Action::Read,
                Some(issuer),
            ))
            .into());
        }
        let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(ops
            .store()
            .quotas_of(issuer)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(|(award, period, quota)| QuotaNode {
                award_kind: award.into(),
                period,
                max_count: quota.max_count.map(to_i32),
                max_percent: quota.max_percent.map(to_i32),
                base_award_kind: quota.base.map(Into::into),
            })
            .collect())
    }
}

/// Mutations recording facts and settings the rules read.
#[derive(Debug, Default)]
pub struct RulesMutation;

#[Object]
impl RulesMutation {
    /// Records (or corrects) a nominee's task rating for a year (CLERK of the nominee's unit).
    async fn record_rating(
        &self,
        ctx: &Context<'_>,
        input: RecordRatingInput,
    ) -> Result<RecordRatingPayload> {
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let fact = ops(ctx)?
            .record_rating(
                actor(ctx)?,
                nominee,
                input.year,
                input.rating.into(),
                now(ctx)?,
            )
            .await?;
        Ok(RecordRatingPayload {
            rating: RatingNode {
                year: fact.year,
                rating: fact.rating.into(),
            },
        })
    }

    /// Records an initiative or a research work recognised for a nominee, with its scope and
    /// recognising body.
    async fn record_initiative(
        &self,
        ctx: &Context<'_>,
        input: RecordInitiativeInput,
    ) -> Result<RecordInitiativePayload> {
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let record = ops(ctx)?
            .record_recognition(
                actor(ctx)?,
                RecordRecognition {
                    nominee,
                    kind: input.kind.into(),
                    title: input.title,
                    year: input.year,
                    scope: input.scope.into(),
                    recognised_by: input.recognised_by,
                    prior_use: input.used_for.map(|u| laurel_domain::rules::UsedFor {
                        award: u.award_kind.into(),
                        year: u.year,
                    }),
                },
                now(ctx)?,
            )
            .await?;
        Ok(RecordInitiativePayload {
            recognition: RecognitionNode(record),
        })
    }

    /// Records a disciplinary measure, with its level and period.
    async fn record_discipline(
        &self,
        ctx: &Context<'_>,
        input: RecordDisciplineInput,
    ) -> Result<RecordDisciplinePayload> {
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let record = ops(ctx)?
            .record_discipline(
                actor(ctx)?,
                nominee,
                input.level.into(),
                input.from,
                input.to,
                input.reference.as_deref(),
                now(ctx)?,
            )
            .await?;
        Ok(RecordDisciplinePayload {
            discipline: DisciplineNode(record),
        })
    }

    /// Records a pending inspection, investigation, complaint or discipline consideration: no
    /// award is given while it is pending (Decree 98/2023 Art 4).
    async fn record_block(
        &self,
        ctx: &Context<'_>,
        input: RecordBlockInput,
    ) -> Result<BlockPayload> {
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let record = ops(ctx)?
            .record_block(
                actor(ctx)?,
                nominee,
                input.kind.into(),
                &input.reason,
                input.from,
                now(ctx)?,
            )
            .await?;
        Ok(BlockPayload {
            block: BlockNode(record),
        })
    }

    /// Resolves a pending block.
    async fn resolve_block(
        &self,
        ctx: &Context<'_>,
        input: ResolveBlockInput,
    ) -> Result<BlockPayload> {
        let id = super::parse_uuid("id", &input.id)?;
        let record = ops(ctx)?
            .resolve_block(
                actor(ctx)?,
                id,
                input.expected_version,
                input.resolved_on,
                now(ctx)?,
            )
            .await?;
        Ok(BlockPayload {
            block: BlockNode(record),
        })
    }

    /// Records an award given before Laurel was used (it counts toward chains like any other).
    async fn record_prior_award(
        &self,
        ctx: &Context<'_>,
        input: RecordPriorAwardInput,
    ) -> Result<RecordPriorAwardPayload> {
        let nominee = nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let record = ops(ctx)?
            .record_prior_award(
                actor(ctx)?,
                RecordPriorAward {
                    nominee,
                    award: input.award_kind.into(),
                    year: input.year,
                    kind: input.kind.into(),
                    decision_reference: input.decision_reference,
                    decided_on: input.decided_on,
                },
                now(ctx)?,
            )
            .await?;
        Ok(RecordPriorAwardPayload {
            prior_award: PriorAwardNode(record),
        })
    }

    /// Records (or corrects) a person's recruitment date (CLERK of the person's unit).
    async fn record_recruitment(
        &self,
        ctx: &Context<'_>,
        input: RecordRecruitmentInput,
    ) -> Result<RecordRecruitmentPayload> {
        let person: PersonId = parse_id("personId", &input.person_id)?;
        let ops = ops(ctx)?;
        ops.record_recruitment(actor(ctx)?, person, input.recruited_on, now(ctx)?)
            .await?;
        let person = ops
            .readable_person(actor(ctx)?, person)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "person",
                id: person.to_string(),
            })?;
        Ok(RecordRecruitmentPayload {
            person: super::types::PersonNode(person),
        })
    }

    /// Attests a judgement criterion of a submitted nomination, with its basis (the issuer's
    /// SIGNER; the council workflow will record these from its votes).
    async fn attest_criterion(
        &self,
        ctx: &Context<'_>,
        input: AttestCriterionInput,
    ) -> Result<AttestCriterionPayload> {
        let id: laurel_domain::ids::NominationId = parse_id("nominationId", &input.nomination_id)?;
        let ops = ops(ctx)?;
        let attested = ops
            .attest_criterion(
                actor(ctx)?,
                id,
                &input.criterion_id,
                &input.basis,
                now(ctx)?,
            )
            .await?;
        let record = ops
            .readable_nomination(actor(ctx)?, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "nomination",
                id: id.to_string(),
            })?;
        Ok(AttestCriterionPayload {
            nomination: NominationNode(record),
            attested,
        })
    }

    /// Sets an issuer's quota for an award (ADMIN, or the issuer's SIGNER), or removes it when no
    /// cap is given. Off unless set.
    async fn set_quota(&self, ctx: &Context<'_>, input: SetQuotaInput) -> Result<SetQuotaPayload> {
        let issuer: UnitId = parse_id("issuerUnitId", &input.issuer_unit_id)?;
        let base: Option<AwardKind> = input.base_award_kind.map(Into::into);
        // No cap at all removes the quota.
        let quota = match (input.max_count, input.max_percent, base) {
            (None, None, None) => None,
            (count, percent, base) => {
                Some(Quota::new(count, percent, base).map_err(OpsError::invalid)?)
            }
        };
        ops(ctx)?
            .set_quota(
                actor(ctx)?,
                issuer,
                input.award_kind.into(),
                input.period,
                quota,
                now(ctx)?,
            )
            .await?;
        Ok(SetQuotaPayload {
            issuer_unit_id: input.issuer_unit_id,
            award_kind: input.award_kind,
            period: input.period,
            max_count: input.max_count,
            max_percent: input.max_percent,
            base_award_kind: input.base_award_kind,
        })
    }
}
