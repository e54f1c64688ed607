//! GraphQL object types. Each wraps a domain or store value; none is a domain type itself.
//! Nested fields check visibility where they cross into data the caller might not see.

use async_graphql::{Context, ID, Object, Result, SimpleObject, Union};
use laurel_domain::authz::Grant;
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::format_date;
use laurel_domain::decision::Decision;
use laurel_domain::nomination::Nominee;
use laurel_domain::org::{Person, Unit};
use laurel_store::{Account, AuditEntry, CertificateRecord, NominationRecord, Read};
use time::{Date, OffsetDateTime};

use super::enums::{
    AwardForm, AwardKindCode, CertificateStatus, DecisionState, NominationState, RecipientKind,
    Role, SignerCapacity,
};
use super::loaders::{CertificateOf, EligibilityOf, RewardOf, load};
use super::{actor, ops};
use crate::error::OpsError;
use crate::ops::Verification;
use crate::ops::certificates_parse_content;
use laurel_domain::ids::UnitId;

/// A unit (đơn vị) of the organisation tree.
#[derive(Debug, Clone)]
pub struct UnitNode(pub Unit);

#[Object(name = "Unit")]
impl UnitNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Set when it is a collective outside the administrative tree, registered for a movement
    /// by the unit above it (a residential group, an enterprise, a school).
    async fn external(&self, ctx: &Context<'_>) -> Result<Option<ExternalNomineeNode>> {
        external(ctx, self.0.id.0, self.0.id).await
    }
    /// Whether it is a collective registered for a movement from outside the administrative
    /// tree (for anyone who sees the unit): it may be nominated, but never issues, proposes or
    /// holds roles. Where it lives is `external`, for those who read at it.
    async fn outside_tree(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(
            super::loaders::load(ctx, super::loaders::ExternalOf(self.0.id.0))
                .await?
                .is_some(),
        )
    }
    /// Short code used in decision numbers (`12/QĐ-CAT`).
    async fn code(&self) -> &str {
        self.0.code.as_str()
    }
    /// Tên đơn vị.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Chức danh thủ trưởng, e.g. "Giám đốc".
    async fn head_title(&self) -> &str {
        &self.0.head_title
    }
    /// The office that issues awards for this unit, e.g. "Giám đốc Công an tỉnh Gia Lai".
    async fn issuer_title(&self) -> String {
        self.0.issuer_title()
    }
    /// Địa danh printed on documents, e.g. "Gia Lai".
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// The parent unit.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<UnitNode>> {
        match self.0.parent {
            Some(id) => Ok(ops(ctx)?
                .store()
                .unit(id)
                .await
                .map_err(OpsError::from)?
                .map(UnitNode)),
            None => Ok(None),
        }
    }
    /// The units from the root down to this one (this one included).
    async fn path(&self, ctx: &Context<'_>) -> Result<Vec<UnitNode>> {
        let units = ops(ctx)?
            .store()
            .units_by_ids(self.0.path.ids())
            .await
            .map_err(OpsError::from)?;
        Ok(self
            .0
            .path
            .ids()
            .iter()
            .filter_map(|id| units.iter().find(|u| u.id == *id).cloned().map(UnitNode))
            .collect())
    }
}

/// A person (cá nhân).
#[derive(Debug, Clone)]
pub struct PersonNode(pub Person);

#[Object(name = "Person")]
impl PersonNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Set when it is a citizen outside the administrative tree, registered for a movement by
    /// the unit it is placed under.
    async fn external(&self, ctx: &Context<'_>) -> Result<Option<ExternalNomineeNode>> {
        external(ctx, self.0.id.0, self.0.unit).await
    }
    /// Họ và tên.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// Cấp bậc or honorific, e.g. "Đại úy".
    async fn rank(&self) -> Option<&str> {
        self.0.rank.as_deref()
    }
    /// Chức vụ.
    async fn position(&self) -> Option<&str> {
        self.0.position.as_deref()
    }
    /// The name as printed: rank then full name.
    async fn display_name(&self) -> String {
        self.0.display_name()
    }
    /// Ngày tuyển dụng.
    async fn recruited_on(&self) -> Option<Date> {
        self.0.recruited_on
    }
    /// The unit the person works in.
    async fn unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(
            ops(ctx)?
                .store()
                .require_unit(self.0.unit)
                .await
                .map_err(OpsError::from)?,
        ))
    }
}

/// A role held at a unit.
#[derive(Debug, Clone)]
pub struct RoleGrantNode(pub Grant);

#[Object(name = "RoleGrant")]
impl RoleGrantNode {
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// The unit the role is held at (none for ADMIN, which is global).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<UnitNode>> {
        match self.0.unit {
            Some(id) => Ok(ops(ctx)?
                .store()
                .unit(id)
                .await
                .map_err(OpsError::from)?
                .map(UnitNode)),
            None => Ok(None),
        }
    }
}

/// A login account.
#[derive(Debug, Clone)]
pub struct AccountNode(pub Account);

impl AccountNode {
    /// Whether the caller is this account or an administrator.
    fn own_or_admin(&self, ctx: &Context<'_>) -> Result<bool, OpsError> {
        let auth = super::signed_in(ctx)?;
        Ok(auth.account.id == self.0.id || auth.actor.has_role(laurel_domain::authz::Role::Admin))
    }
}

#[Object(name = "Account")]
impl AccountNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn username(&self) -> &str {
        &self.0.username
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Whether the account must change its one-time password before doing anything else.
    async fn must_change_password(&self) -> bool {
        self.0.must_change_password
    }
    async fn disabled(&self) -> bool {
        self.0.disabled
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    /// Where its notifications go (shown to the account itself and to administrators).
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self
            .own_or_admin(ctx)?
            .then_some(self.0.email.as_deref())
            .flatten())
    }
    /// How it hears of its work (shown to the account itself and to administrators).
    async fn notification_mode(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::notifications::NotificationMode>> {
        Ok(self.own_or_admin(ctx)?.then(|| self.0.notify_mode.into()))
    }
    /// The person this account belongs to (your own, or one you may read).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<PersonNode>> {
        let Some(id) = self.0.person else {
            return Ok(None);
        };
        let ops = ops(ctx)?;
        if super::signed_in(ctx)?.account.id == self.0.id {
            return Ok(ops
                .store()
                .person(id)
                .await
                .map_err(OpsError::from)?
                .map(PersonNode));
        }
        Ok(ops.readable_person(actor(ctx)?, id).await?.map(PersonNode))
    }
    /// The roles it acts with today: its own and those delegated to it that are in force (for
    /// the account itself; for anyone else, its own roles, as `roles`).
    async fn roles_in_force(&self, ctx: &Context<'_>) -> Result<Vec<RoleGrantNode>> {
        let auth = super::signed_in(ctx)?;
        if auth.account.id != self.0.id {
            return self.roles(ctx).await;
        }
        Ok(auth
            .actor
            .grants
            .iter()
            .cloned()
            .chain(auth.actor.acting.iter().map(|a| a.grant))
            .map(RoleGrantNode)
            .collect())
    }
    /// The roles it holds.
    async fn roles(&self, ctx: &Context<'_>) -> Result<Vec<RoleGrantNode>> {
        Ok(ops(ctx)?
            .store()
            .grants(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(RoleGrantNode)
            .collect())
    }
}

/// An award kind of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct AwardKindNode(pub AwardKind);

#[Object(name = "AwardKind")]
impl AwardKindNode {
    /// Stable code.
    async fn code(&self) -> AwardKindCode {
        self.0.into()
    }
    /// Vietnamese name.
    async fn name_vi(&self) -> &'static str {
        self.0.name_vi()
    }
    /// English name.
    async fn name_en(&self) -> &'static str {
        self.0.name_en()
    }
    /// Title or form of commendation.
    async fn form(&self) -> AwardForm {
        self.0.form().into()
    }
    /// Who may receive it.
    async fn recipient_kinds(&self) -> Vec<RecipientKind> {
        self.0.recipients().iter().map(|k| (*k).into()).collect()
    }
    /// The heading printed on its certificate.
    async fn certificate_heading(&self) -> &'static str {
        self.0.certificate_heading()
    }
}

/// A nominee outside the administrative tree (issue 10 §1): where it is, and the movement a
/// participating unit registered it for. It has no account.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ExternalNominee")]
pub struct ExternalNomineeNode {
    /// Nơi cư trú, địa chỉ.
    pub address: String,
    /// Cơ quan, tổ chức, doanh nghiệp, trường học, if any.
    pub organisation: Option<String>,
    /// The movement's id.
    pub movement_id: ID,
}

/// The registration of an outside nominee, for those who read at `unit` (its address is
/// personal data).
/// Both reads go through the request's loaders: a list of units or people costs two
/// statements, not two per row.
async fn external(
    ctx: &Context<'_>,
    id: uuid::Uuid,
    unit: laurel_domain::ids::UnitId,
) -> Result<Option<ExternalNomineeNode>> {
    let Some(at) = super::loaders::load(ctx, unit).await? else {
        return Ok(None);
    };
    if super::actor(ctx)?
        .authorize(laurel_domain::authz::Action::Read, &at.path)
        .is_err()
    {
        return Ok(None);
    }
    let found = super::loaders::load(ctx, super::loaders::ExternalOf(id)).await?;
    Ok(found.map(|r| ExternalNomineeNode {
        address: r.address,
        organisation: r.organisation,
        movement_id: ID(r.movement.to_string()),
    }))
}

/// Who is nominated.
#[derive(Union)]
#[graphql(name = "Nominee")]
pub enum NomineeNode {
    /// An individual.
    Person(PersonNode),
    /// A collective.
    Unit(UnitNode),
}

/// A nomination (đề nghị khen thưởng).
#[derive(Debug, Clone)]
pub struct NominationNode(pub NominationRecord);

#[Object(name = "Nomination")]
impl NominationNode {
    async fn id(&self) -> ID {
        ID(self.0.nomination.id.to_string())
    }
    /// Optimistic-concurrency version: send it back as `expectedVersion` to change the nomination.
    async fn version(&self) -> i32 {
        self.0.nomination.version()
    }
    async fn state(&self) -> NominationState {
        self.0.nomination.state().into()
    }
    /// The award proposed.
    async fn award_kind(&self) -> AwardKindCode {
        self.0.nomination.award.into()
    }
    /// The award proposed, with its names.
    async fn award(&self) -> AwardKindNode {
        AwardKindNode(self.0.nomination.award)
    }
    /// The year the achievement belongs to.
    async fn period(&self) -> i32 {
        self.0.nomination.period.year()
    }
    /// The citation printed on the certificate.
    async fn achievement(&self) -> &str {
        &self.0.nomination.achievement
    }
    /// Who is nominated.
    async fn nominee(&self, ctx: &Context<'_>) -> Result<NomineeNode> {
        Ok(match self.0.nomination.nominee {
            Nominee::Person(id) => NomineeNode::Person(PersonNode(load(ctx, id).await?.ok_or(
                OpsError::NotFound {
                    entity: "person",
                    id: id.to_string(),
                },
            )?)),
            Nominee::Collective(id) => NomineeNode::Unit(UnitNode(unit(ctx, id).await?)),
        })
    }
    /// The unit whose head's office issues the award.
    async fn issuer(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.nomination.issuer).await?))
    }
    /// The unit that proposes.
    async fn proposing_unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.nomination.proposing_unit).await?))
    }
    /// The emulation movement it was made in.
    async fn movement(&self, ctx: &Context<'_>) -> Result<Option<super::movements::MovementNode>> {
        match self.0.nomination.movement {
            Some(id) => Ok(load(ctx, id).await?.map(super::movements::MovementNode)),
            None => Ok(None),
        }
    }
    /// The decision that awarded it.
    async fn decision(&self, ctx: &Context<'_>) -> Result<Option<DecisionNode>> {
        match self.0.nomination.decision {
            Some(id) => Ok(load(ctx, id).await?.map(DecisionNode)),
            None => Ok(None),
        }
    }
    /// Its certificate, once issued.
    async fn certificate(&self, ctx: &Context<'_>) -> Result<Option<CertificateNode>> {
        Ok(load(ctx, CertificateOf(self.0.nomination.id))
            .await?
            .map(CertificateNode))
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.0.updated_at
    }
    /// Regular (annual), đột xuất, thematic...
    async fn commendation_kind(&self) -> super::enums::CommendationKind {
        self.0.nomination.kind.into()
    }
    /// The judgement criteria attested for it, by id.
    async fn attested_criteria(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        use laurel_store::ReadFacts;
        Ok(ops(ctx)?
            .store()
            .attestations_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .collect())
    }
    /// The ruleset (legal regime) it is judged by, pinned when it was drafted.
    async fn ruleset(&self) -> Option<&str> {
        self.0.nomination.ruleset.as_deref()
    }
    /// How it stands against its award's criteria, judged by its pinned ruleset as of a date
    /// (default: today, Asia/Ho_Chi_Minh). Costly: it reads all the nominee's facts.
    #[graphql(complexity = "20 + child_complexity")]
    async fn eligibility(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<super::rules::EligibilityNode> {
        let as_of = as_of.unwrap_or(laurel_domain::calendar::local_date(super::now(ctx)?));
        let judged = load(ctx, EligibilityOf(self.0.nomination.id, as_of))
            .await?
            .ok_or(OpsError::NotFound {
                entity: "nomination",
                id: self.0.nomination.id.to_string(),
            })?;
        Ok(super::rules::EligibilityNode(judged))
    }
    /// The cash reward its decision gives, once decided.
    async fn reward(&self, ctx: &Context<'_>) -> Result<Option<super::rules::RecipientNode>> {
        Ok(load(ctx, RewardOf(self.0.nomination.id))
            .await?
            .map(super::rules::RecipientNode))
    }
    /// The cash a decision signed today (Asia/Ho_Chi_Minh) would give it: its award's
    /// coefficient in the ruleset in force today × the base salary in force today, rounded up
    /// to 10,000 VND (Decree 98/2023 Art 54 ff., Decree 152/2025 Art 50 ff.), as signing
    /// computes it. What a signer sees before signing; `null` unless it is under review
    /// (SUBMITTED), or when its award carries no cash for such a recipient or is not given to
    /// one (signing would refuse it).
    async fn expected_cash_vnd(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        let n = &self.0.nomination;
        if n.state() != laurel_domain::nomination::NominationState::Submitted {
            return Ok(None);
        }
        let today = laurel_domain::calendar::local_date(super::now(ctx)?);
        Ok(
            laurel_domain::rules::reward(ops(ctx)?.rulesets(), n.award, n.nominee.kind(), today)
                .ok()
                .map(|r| r.amount_vnd)
                .filter(|amount| *amount > 0),
        )
    }
    /// Every step of its life, oldest first: who, when, from which state and stage to which,
    /// with the reasons and notes given.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<super::review::HistoryEntryNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .history_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::HistoryEntryNode)
            .collect())
    }
    /// The workflow it goes through, pinned when it was drafted.
    async fn workflow_id(&self) -> &str {
        &self.0.nomination.workflow.id
    }
    /// The version of its workflow.
    async fn workflow_version(&self) -> i32 {
        i32::try_from(self.0.nomination.workflow.version).unwrap_or(i32::MAX)
    }
    /// Where it stands in its review: the stage, who acts, and when it is due.
    async fn stage(&self, ctx: &Context<'_>) -> Result<super::review::NominationStageNode> {
        let ops = ops(ctx)?;
        let n = &self.0.nomination;
        let wf = ops.workflow_of(n)?;
        let p = n.progress();
        let stage = wf.stage(p.position.stage);
        let issuer = unit(ctx, n.issuer).await?.path;
        let route = laurel_domain::workflow::Route::new(self.0.proposing_path.clone(), issuer)
            .map_err(|e| OpsError::internal(e.to_string()))?;
        let unit = laurel_domain::workflow::party_target(stage, p.position.level, &route)
            .and_then(|(path, _)| path.unit());
        Ok(super::review::NominationStageNode {
            kind: stage.kind,
            index: p.position.stage,
            level: p.position.level,
            party: stage.party,
            role: stage.role,
            unit,
            since: p.stage_since,
            due_on: p.due_on,
            paused_days: p.paused_days,
            returned: p.state == laurel_domain::nomination::NominationState::Returned,
            today: laurel_domain::calendar::local_date(super::now(ctx)?),
        })
    }
    /// The day the issuer's office received its complete dossier.
    async fn received_on(&self) -> Option<Date> {
        self.0.nomination.progress().received_on
    }
    /// The last day of its public notice, once one opened.
    async fn notice_closes_on(&self) -> Option<Date> {
        self.0.nomination.progress().notice_closes_on
    }
    /// The proposal (tờ trình) it travels in.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<super::review::ProposalNode>> {
        use laurel_store::ReadReview;
        match self.0.nomination.proposal {
            Some(id) => Ok(ops(ctx)?
                .store()
                .proposal(id)
                .await
                .map_err(OpsError::from)?
                .map(super::review::ProposalNode)),
            None => Ok(None),
        }
    }
    /// Its dossier: its documents and its proposal's, the parts reception requires, and
    /// those appraisal will.
    async fn dossier(&self, ctx: &Context<'_>) -> Result<super::review::DossierNode> {
        use laurel_store::ReadReview;
        let ops = ops(ctx)?;
        let n = &self.0.nomination;
        let documents = ops
            .store()
            .dossier_of(n.id, n.proposal)
            .await
            .map_err(OpsError::from)?;
        let ruleset = ops.ruleset(n.ruleset.as_deref(), n.period.year())?;
        let rule = ruleset.award(n.award);
        let required = laurel_domain::dossier::required_at_reception(rule, n.kind)
            .into_iter()
            .collect();
        // What appraisal requires depends on what the eligibility rests on: judged (through
        // the request's loader) only when asked for.
        let asked = ctx.look_ahead();
        let for_appraisal = if asked.field("requiredForAppraisal").exists()
            || asked.field("missingForAppraisal").exists()
        {
            let today = laurel_domain::calendar::local_date(super::now(ctx)?);
            let judged =
                load(ctx, EligibilityOf(n.id, today))
                    .await?
                    .ok_or(OpsError::NotFound {
                        entity: "nomination",
                        id: n.id.to_string(),
                    })?;
            Some(
                laurel_domain::dossier::required_at_appraisal(
                    rule,
                    n.kind,
                    !judged.relied_on.is_empty(),
                )
                .into_iter()
                .collect(),
            )
        } else {
            None
        };
        Ok(super::review::DossierNode::new(
            documents,
            required,
            for_appraisal,
        ))
    }
    /// Its appraisals, oldest first.
    async fn appraisals(&self, ctx: &Context<'_>) -> Result<Vec<super::review::AppraisalNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .appraisals_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::AppraisalNode)
            .collect())
    }
    /// The units asked for their opinion, and their answers.
    async fn consultations(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::review::ConsultationNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .consultations_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::ConsultationNode)
            .collect())
    }
    /// The council's outcomes, with their figures, oldest first.
    async fn council_outcomes(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::review::CouncilOutcomeNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .council_outcomes_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::CouncilOutcomeNode)
            .collect())
    }
    /// The public comments received (the issuer's office, signer and council secretary only:
    /// they carry the commenters' contacts).
    async fn comments(&self, ctx: &Context<'_>) -> Result<Vec<super::review::CommentNode>> {
        use laurel_store::ReadReview;
        let ops = ops(ctx)?;
        let actor = actor(ctx)?;
        let issuer = ops
            .store()
            .unit_path(self.0.nomination.issuer)
            .await
            .map_err(OpsError::from)?;
        let office = [
            laurel_domain::authz::Role::Clerk,
            laurel_domain::authz::Role::Signer,
            laurel_domain::authz::Role::CouncilSecretary,
        ]
        .into_iter()
        .any(|role| {
            actor
                .authorize_role(role, laurel_domain::authz::Reach::Exact, &issuer)
                .is_some()
        });
        if !office {
            return Err(OpsError::Forbidden(laurel_domain::authz::Denied::action(
                laurel_domain::authz::Action::Read,
                Some(self.0.nomination.issuer),
            ))
            .into());
        }
        Ok(ops
            .store()
            .comments_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::CommentNode)
            .collect())
    }
    /// The annulment of its award, with the recovery it tracks.
    async fn annulment(&self, ctx: &Context<'_>) -> Result<Option<super::review::AnnulmentNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .annulment_of(self.0.nomination.id)
            .await
            .map_err(OpsError::from)?
            .map(super::review::AnnulmentNode))
    }
    /// What you may do to it now (the rules of the stage are checked when you do it).
    async fn available_commands(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::enums::CommandKind>> {
        let kinds = ops(ctx)?.available_commands(actor(ctx)?, &self.0).await?;
        Ok(super::review::command_kinds(kinds))
    }
}

/// A signed award decision (Quyết định khen thưởng). Never edited.
#[derive(Debug, Clone)]
pub struct DecisionNode(pub Decision);

#[Object(name = "Decision")]
impl DecisionNode {
    /// The decision as a document (A4 PDF, Decree 30/2020 layout, recipients appended), for
    /// whoever may read the decision (send the same bearer token).
    async fn pdf_url(&self) -> String {
        format!("/decisions/{}.pdf", self.0.id)
    }
    /// All its valid certificates you may read, one per page in golden-book order, as one PDF
    /// for the printer (send the same bearer token). Issue them first (`issueCertificates`).
    async fn certificates_pdf_url(&self) -> String {
        format!("/decisions/{}/certificates.pdf", self.0.id)
    }
    /// Its recipients with their cash as an Excel workbook (send the same bearer token).
    async fn recipients_xlsx_url(&self) -> String {
        format!("/decisions/{}/recipients.xlsx", self.0.id)
    }
    /// The same as CSV (UTF-8 with a byte-order mark, for Excel).
    async fn recipients_csv_url(&self) -> String {
        format!("/decisions/{}/recipients.csv", self.0.id)
    }
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// `N/QĐ-<issuer code>`.
    async fn number(&self) -> String {
        self.0.number.to_string()
    }
    /// The numbering year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// N, counted from 1 per issuer and year without gaps.
    async fn sequence(&self) -> i32 {
        self.0.number.seq
    }
    /// The date of signing (Asia/Ho_Chi_Minh).
    async fn signed_on(&self) -> Date {
        self.0.signed_on
    }
    /// The date of signing as people read it, dd/mm/yyyy.
    async fn signed_on_text(&self) -> String {
        format_date(self.0.signed_on)
    }
    /// "Quyết định số 12/QĐ-CAT ngày 05/01/2025".
    async fn reference(&self) -> String {
        self.0.reference_line()
    }
    /// "Giám đốc Công an tỉnh Gia Lai".
    async fn issuer_title(&self) -> &str {
        &self.0.issuer_title
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
    async fn signer_name(&self) -> &str {
        &self.0.signature.name
    }
    async fn signer_capacity(&self) -> SignerCapacity {
        self.0.signature.capacity.into()
    }
    /// "KT. GIÁM ĐỐC" when a deputy signed.
    async fn capacity_line(&self) -> Option<&str> {
        self.0.signature.capacity_line.as_deref()
    }
    /// "PHÓ GIÁM ĐỐC".
    async fn title_line(&self) -> &str {
        &self.0.signature.title_line
    }
    async fn state(&self) -> DecisionState {
        self.0.state.into()
    }
    /// AWARD, or ANNULMENT of an earlier decision.
    async fn kind(&self) -> &'static str {
        self.0.kind.code()
    }
    /// The decision an annulment annuls.
    async fn annuls(&self, ctx: &Context<'_>) -> Result<Option<DecisionNode>> {
        match &self.0.kind {
            laurel_domain::decision::DecisionKind::Annulment { annuls, .. } => Ok(ops(ctx)?
                .store()
                .decision(*annuls)
                .await
                .map_err(OpsError::from)?
                .map(DecisionNode)),
            laurel_domain::decision::DecisionKind::Award => Ok(None),
        }
    }
    /// An annulment's ground (Law 06/2022 Art 93.2).
    async fn ground(&self) -> Option<super::enums::AnnulGround> {
        match &self.0.kind {
            laurel_domain::decision::DecisionKind::Annulment { ground, .. } => {
                Some((*ground).into())
            }
            laurel_domain::decision::DecisionKind::Award => None,
        }
    }
    /// The ground as Art 93.2 words it.
    async fn ground_text(&self) -> Option<&'static str> {
        match &self.0.kind {
            laurel_domain::decision::DecisionKind::Annulment { ground, .. } => {
                Some(ground.text_vi())
            }
            laurel_domain::decision::DecisionKind::Award => None,
        }
    }
    /// An annulment's statement of facts.
    async fn reason(&self) -> Option<&str> {
        match &self.0.kind {
            laurel_domain::decision::DecisionKind::Annulment { reason, .. } => Some(reason),
            laurel_domain::decision::DecisionKind::Award => None,
        }
    }
    /// When signed by delegation (TUQ.), whose role the signer acted by.
    async fn acting_for_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.0.acting_for {
            Some(id) => Ok(ops(ctx)?
                .store()
                .account(id)
                .await
                .map_err(OpsError::from)?
                .map(|a| a.display_name)),
            None => Ok(None),
        }
    }
    /// The awards of it annulled (or, for an annulment, the awards it annulled), with the
    /// recovery each tracks.
    async fn annulments(&self, ctx: &Context<'_>) -> Result<Vec<super::review::AnnulmentNode>> {
        use laurel_store::ReadReview;
        Ok(ops(ctx)?
            .store()
            .annulments_by_decision(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(super::review::AnnulmentNode)
            .collect())
    }
    /// The nominations it awards that you may see.
    async fn nominations(&self, ctx: &Context<'_>) -> Result<Vec<NominationNode>> {
        Ok(ops(ctx)?
            .readable_nominations_of_decision(actor(ctx)?, self.0.id)
            .await?
            .into_iter()
            .map(NominationNode)
            .collect())
    }
    /// What it gives each recipient you may see (coefficient × base salary, rounded up).
    async fn recipients(&self, ctx: &Context<'_>) -> Result<Vec<super::rules::RecipientNode>> {
        use laurel_store::ReadFacts;
        let visible: Vec<_> = self
            .nominations(ctx)
            .await?
            .into_iter()
            .map(|n| n.0.nomination.id)
            .collect();
        Ok(ops(ctx)?
            .store()
            .decision_recipients(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .filter(|r| visible.contains(&r.nomination))
            .map(super::rules::RecipientNode)
            .collect())
    }
    /// The certificates issued for it that you may see.
    async fn certificates(&self, ctx: &Context<'_>) -> Result<Vec<CertificateNode>> {
        let visible: Vec<_> = self
            .nominations(ctx)
            .await?
            .into_iter()
            .map(|n| n.0.nomination.id)
            .collect();
        Ok(ops(ctx)?
            .store()
            .certificates_of_decision(self.0.id)
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .filter(|c| visible.contains(&c.nomination))
            .map(CertificateNode)
            .collect())
    }
}

/// A certificate issued for one recipient of a decision.
#[derive(Debug, Clone)]
pub struct CertificateNode(pub CertificateRecord);

#[Object(name = "Certificate")]
impl CertificateNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The public verification code, as printed (`7KQ2-M9XD-4TPA-WJ3C`).
    async fn code(&self) -> String {
        self.0.code.grouped()
    }
    /// Số sổ vàng.
    async fn golden_book_number(&self) -> i32 {
        self.0.golden_book_no
    }
    async fn status(&self) -> CertificateStatus {
        self.0.status.into()
    }
    /// The recipient as printed.
    async fn recipient_name(&self) -> Result<String> {
        Ok(certificates_parse_content(&self.0)?.recipient_name)
    }
    /// The award as printed.
    async fn award_title(&self) -> Result<String> {
        Ok(certificates_parse_content(&self.0)?.award_title)
    }
    /// SHA-256 of the frozen printed content.
    async fn content_sha256(&self) -> &str {
        &self.0.content_sha256
    }
    async fn issued_at(&self) -> OffsetDateTime {
        self.0.issued_at
    }
    /// Where to download the PDF (send the same bearer token).
    async fn pdf_url(&self) -> String {
        format!("/certificates/{}.pdf", self.0.id)
    }
    /// The public verification page, as encoded in the QR code.
    async fn verify_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ops(ctx)?.verify_url(&self.0.code))
    }
    /// The certificate as a signed Open Badges 3.0 credential (a JWT, public like the
    /// verification page); none for certificates issued before signing.
    async fn credential_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let ops = ops(ctx)?;
        Ok(self
            .0
            .key_id
            .as_ref()
            .map(|_| ops.credential_url(&self.0.code)))
    }
    async fn decision(&self, ctx: &Context<'_>) -> Result<DecisionNode> {
        Ok(DecisionNode(
            ops(ctx)?
                .store()
                .decision(self.0.decision)
                .await
                .map_err(OpsError::from)?
                .ok_or(OpsError::internal("certificate without decision"))?,
        ))
    }
    async fn nomination(&self, ctx: &Context<'_>) -> Result<NominationNode> {
        Ok(NominationNode(
            ops(ctx)?
                .store()
                .require_nomination(self.0.nomination)
                .await
                .map_err(OpsError::from)?,
        ))
    }
}

/// What anyone may learn about a certificate from its code.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CertificateVerification")]
pub struct VerificationNode {
    /// The code, as printed.
    pub code: String,
    /// VALID or ANNULLED.
    pub status: CertificateStatus,
    /// The recipient as printed.
    pub recipient_name: String,
    /// The award as printed.
    pub award_title: String,
    /// The issuer as printed.
    pub issuer_title: String,
    /// The decision number.
    pub decision_number: String,
    /// The decision date, dd/mm/yyyy.
    pub decision_date: String,
    /// Số sổ vàng.
    pub golden_book_number: i32,
    /// SHA-256 of the frozen printed content.
    pub content_sha256: String,
    /// The recipient's position and units, as printed.
    pub recipient_unit: Option<String>,
    /// The checks made.
    pub checks: VerificationChecks,
    /// The decision that annulled it, when it was.
    pub annulled_by: Option<AnnulledBy>,
    /// The id of the issuer's key that signed it (see `/.well-known/laurel-keys.json`).
    pub key_id: Option<String>,
    /// The certificate as a signed Open Badges 3.0 credential (a JWT), for wallets and
    /// verifiers abroad; none for certificates issued before signing.
    pub credential_url: Option<String>,
}

/// The checks behind a verification, one by one.
#[derive(Debug, Clone, SimpleObject)]
pub struct VerificationChecks {
    /// The code is one Laurel issued.
    pub code_known: bool,
    /// The issuer's signature over the code and content is valid (null: issued before
    /// certificates were signed).
    pub signature_valid: Option<bool>,
    /// The signing key is the issuer's own (null: issued before certificates were signed).
    pub key_belongs_to_issuer: Option<bool>,
    /// Neither the certificate nor its decision was annulled.
    pub not_annulled: bool,
}

/// The decision that annulled an award.
#[derive(Debug, Clone, SimpleObject)]
pub struct AnnulledBy {
    /// Its number.
    pub decision_number: String,
    /// Its date, dd/mm/yyyy.
    pub decision_date: String,
    /// The ground's letter (Law 06/2022 Art 93.2: A–D).
    pub ground: String,
    /// The ground, as the law words it.
    pub ground_text: String,
}

impl From<Verification> for VerificationNode {
    fn from(v: Verification) -> Self {
        VerificationNode {
            recipient_unit: v.recipient_detail,
            checks: VerificationChecks {
                code_known: v.checks.code_known,
                signature_valid: v.checks.signature_valid,
                key_belongs_to_issuer: v.checks.key_belongs_to_issuer,
                not_annulled: v.checks.not_annulled,
            },
            annulled_by: v.annulled.map(|a| AnnulledBy {
                decision_number: a.decision_number,
                decision_date: a.decision_date,
                ground: a.ground,
                ground_text: a.ground_vi,
            }),
            key_id: v.key_id,
            credential_url: v.credential_url,
            code: v.code,
            status: v.status.into(),
            recipient_name: v.recipient_name,
            award_title: v.award_title,
            issuer_title: v.issuer_title,
            decision_number: v.decision_number,
            decision_date: v.decision_date,
            golden_book_number: v.golden_book_number,
            content_sha256: v.content_sha256,
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntryNode(pub AuditEntry);

#[Object(name = "AuditEntry")]
impl AuditEntryNode {
    /// Position in the log.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
    /// The id of the account that acted (none for the system itself).
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor.map(|a| ID(a.to_string()))
    }
    /// The name of the account that acted, as shown to people.
    async fn actor_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.0.actor {
            Some(id) => Ok(ops(ctx)?
                .store()
                .account(id)
                .await
                .map_err(OpsError::from)?
                .map(|a| a.display_name)),
            None => Ok(None),
        }
    }
    /// "nomination", "decision", "certificate", "unit", "person", "account".
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    async fn entity_id(&self) -> ID {
        ID(self.0.entity_id.to_string())
    }
    /// What happened, e.g. "NOMINATION_SUBMITTED".
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn from_state(&self) -> Option<&str> {
        self.0.from_state.as_deref()
    }
    async fn to_state(&self) -> Option<&str> {
        self.0.to_state.as_deref()
    }
    /// The reason a person gave.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Further details, as a JSON string.
    async fn details(&self) -> String {
        self.0.details.to_string()
    }
    /// Its hash chain: the aggregate it belongs to ("nomination:<id>").
    async fn chain(&self) -> &str {
        &self.0.chain
    }
    /// Its place in the chain, from 1.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    /// The hash of the entry before it in the chain ("" for the first).
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
    /// Its hash: SHA-256 over its content and `prevHash` (`laurel audit verify` recomputes it).
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// A unit that must exist, through the request's loader.
pub(crate) async fn unit(ctx: &Context<'_>, id: UnitId) -> Result<Unit> {
    Ok(load(ctx, id).await?.ok_or(OpsError::NotFound {
        entity: "unit",
        id: id.to_string(),
    })?)
}
