//! The review workflow's records: each nomination's history, appraisals, consultations, council
//! outcomes and public comments; proposals (tờ trình); the dossier's documents; delegations; the
//! working-day calendar's corrections; annulments; the work queue and on-time statistics.

use std::collections::{BTreeMap, BTreeSet};

use laurel_domain::authz::{Delegation, Role};
use laurel_domain::dossier::{DocumentKind, MediaType};
use laurel_domain::ids::{
    AccountId, DecisionId, DelegationId, DocumentId, NominationId, ProposalId, SessionId, UnitId,
};
use laurel_domain::nomination::NominationState;
use laurel_domain::org::UnitPath;
use laurel_domain::rules::Confidence;
use laurel_domain::workdays::{CalendarDay, DayKind};
use laurel_domain::workflow::{AppraisalVerdict, OpinionVerdict, StageKind, Tally};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, ExprTrait, Iterable, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::{self, parse};
use crate::entity::{
    annulment, appraisal, calendar_day, consultation, council_outcome, delegation, document,
    nomination, nomination_event, proposal, public_comment,
};
use crate::records::NominationRecord;
use crate::{StoreError, WriteTx, sealed::Conn};

/// One step of a nomination's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Position in the history.
    pub id: i64,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: Option<AccountId>,
    /// On whose behalf, when acting by delegation.
    pub acting_for: Option<AccountId>,
    /// What happened (the event's stable name).
    pub event: String,
    /// State before.
    pub from_state: NominationState,
    /// State after.
    pub to_state: NominationState,
    /// Stage before.
    pub from_stage: StageKind,
    /// Stage after.
    pub to_stage: StageKind,
    /// Level before (at an ENDORSE stage).
    pub from_level: u32,
    /// Level after.
    pub to_level: u32,
    /// The reasons given.
    pub reasons: Vec<String>,
    /// The note written.
    pub note: Option<String>,
    /// Anything else, as JSON.
    pub details: serde_json::Value,
    /// The stage this step completed, if it completed one.
    pub completed: Option<CompletedStage>,
}

/// A stage completed by a step, for on-time statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedStage {
    /// The stage.
    pub stage: StageKind,
    /// When it was entered.
    pub since: Date,
    /// When it was due.
    pub due_on: Option<Date>,
    /// Working days it took, paused days left out.
    pub working_days: u32,
}

/// A step of a nomination's history to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHistoryEntry {
    /// The nomination.
    pub nomination: NominationId,
    /// Its issuer (for per-issuer statistics).
    pub issuer: UnitId,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: Option<AccountId>,
    /// On whose behalf.
    pub acting_for: Option<AccountId>,
    /// The event's stable name.
    pub event: &'static str,
    /// State before.
    pub from_state: NominationState,
    /// State after.
    pub to_state: NominationState,
    /// Stage before.
    pub from_stage: StageKind,
    /// Stage after.
    pub to_stage: StageKind,
    /// Level before.
    pub from_level: u32,
    /// Level after.
    pub to_level: u32,
    /// Reasons.
    pub reasons: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// Details.
    pub details: serde_json::Value,
    /// The stage completed, if any.
    pub completed: Option<CompletedStage>,
}

/// An appraisal, with the eligibility it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct AppraisalRecord {
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub by: AccountId,
    /// The verdict.
    pub verdict: AppraisalVerdict,
    /// The notes.
    pub notes: String,
    /// The explained criteria, as the eligibility JSON of the rules engine.
    pub eligibility: serde_json::Value,
}

/// A unit asked for its opinion on a nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationRecord {
    /// The unit.
    pub unit: UnitId,
    /// When it was asked.
    pub requested_on: Date,
    /// Its deadline.
    pub due_on: Date,
    /// Who asked.
    pub requested_by: AccountId,
    /// Its answer, once given.
    pub answer: Option<OpinionRecord>,
}

/// A consulted unit's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionRecord {
    /// When.
    pub on: Date,
    /// Agree or object.
    pub verdict: OpinionVerdict,
    /// Its reasons.
    pub text: String,
    /// Who answered.
    pub by: AccountId,
}

/// A council outcome, with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilOutcomeRecord {
    /// When it was recorded.
    pub at: OffsetDateTime,
    /// By whom.
    pub by: AccountId,
    /// The figures.
    pub tally: Tally,
    /// Whether the threshold was met.
    pub approved: bool,
    /// The rule applied, as text ("≥ 90% of ALL_MEMBERS").
    pub rule: String,
    /// The council session that voted it, if it was voted in Laurel.
    pub session: Option<SessionId>,
}

/// A public comment on a nomination in public notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    /// Identity.
    pub id: Uuid,
    /// The nomination.
    pub nomination: NominationId,
    /// When.
    pub at: OffsetDateTime,
    /// The commenter's name.
    pub name: String,
    /// How to reach them (phone, address, e-mail).
    pub contact: String,
    /// What they say.
    pub comment: String,
}

/// A proposal (tờ trình): nominations of one proposing unit for one issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRecord {
    /// Identity.
    pub id: ProposalId,
    /// The proposing unit.
    pub proposing_unit: UnitId,
    /// Its path.
    pub proposing_path: UnitPath,
    /// The issuer.
    pub issuer: UnitId,
    /// Số tờ trình, e.g. "15/TTr-CAX".
    pub number: Option<String>,
    /// Its date.
    pub proposed_on: Option<Date>,
    /// Who signs it.
    pub signer_name: Option<String>,
    /// Their title.
    pub signer_title: Option<String>,
    /// Who created it.
    pub created_by: AccountId,
    /// When.
    pub created_at: OffsetDateTime,
    /// Moves on with every change of it or of one of its nominations.
    pub version: i32,
}

/// A document of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Identity.
    pub id: DocumentId,
    /// The nomination it belongs to, or
    pub nomination: Option<NominationId>,
    /// the proposal whose nominations share it.
    pub proposal: Option<ProposalId>,
    /// What it is.
    pub kind: DocumentKind,
    /// The file name as uploaded.
    pub filename: String,
    /// Its type, recognised by content.
    pub media_type: MediaType,
    /// Its size.
    pub size_bytes: i64,
    /// SHA-256 of its content, hex: the name it is stored under.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: AccountId,
    /// When.
    pub uploaded_at: OffsetDateTime,
    /// When it was detached from the dossier, if it was (the content stays).
    pub detached_at: Option<OffsetDateTime>,
}

/// A stored delegation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationRecord {
    /// Identity.
    pub id: DelegationId,
    /// The delegation.
    pub delegation: Delegation,
    /// Who recorded it.
    pub created_by: AccountId,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

/// An administrator's correction of the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarOverride {
    /// The date.
    pub date: Date,
    /// The day as set, or `None` for an ordinary day.
    pub day: Option<CalendarDay>,
    /// Who set it.
    pub set_by: AccountId,
    /// When.
    pub set_at: OffsetDateTime,
}

/// A nomination whose award an annulment decision annulled, with the recovery it tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnulmentRecord {
    /// The nomination.
    pub nomination: NominationId,
    /// The annulment decision.
    pub annulment: DecisionId,
    /// The decision it annulled.
    pub decision: DecisionId,
    /// The cash the award gave, to recover.
    pub amount_vnd: Option<i64>,
    /// When the artefact (bằng, giấy khen, cờ) was returned.
    pub artefact_returned_on: Option<Date>,
    /// Cash recovered so far.
    pub cash_recovered_vnd: Option<i64>,
    /// When.
    pub cash_recovered_on: Option<Date>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// Whose work queue: the roles of an account, and the units it was asked to give opinions for.
#[derive(Debug, Clone, Default)]
pub struct QueueScope {
    /// (role, unit) pairs the account acts as, exactly at the unit.
    pub roles: Vec<(Role, UnitId)>,
    /// Units whose drafts and returned nominations wait for it (its CLERK and UNIT_HEAD units).
    pub proposing: Vec<UnitId>,
    /// Units it answers consultations for (its UNIT_HEAD units).
    pub consulted: Vec<UnitId>,
}

/// How a stage kept its deadlines.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStat {
    /// The stage.
    pub stage: StageKind,
    /// Times it was completed.
    pub completed: u32,
    /// Of those, on or before the due date.
    pub on_time: u32,
    /// Of those, after it.
    pub late: u32,
    /// Without a deadline.
    pub without_deadline: u32,
    /// Mean working days taken (paused days left out).
    pub mean_working_days: Option<f64>,
}

fn history(m: nomination_event::Model) -> Result<HistoryEntry, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        entity: "nomination_event",
        id: m.id.to_string(),
        detail,
    };
    let stage = |code: &str| {
        code.parse::<StageKind>()
            .map_err(|e| corrupt(e.to_string()))
    };
    let state = |code: &str| {
        code.parse::<NominationState>()
            .map_err(|e| corrupt(e.to_string()))
    };
    let level = |n: i32| u32::try_from(n).map_err(|_| corrupt("negative level".into()));
    let completed = match &m.completed_stage {
        Some(code) => Some(CompletedStage {
            stage: stage(code)?,
            since: m
                .stage_since
                .ok_or_else(|| corrupt("completed without a start".into()))?,
            due_on: m.stage_due_on,
            working_days: level(m.working_days.unwrap_or(0))?,
        }),
        None => None,
    };
    Ok(HistoryEntry {
        id: m.id,
        at: m.at,
        actor: m.actor_account_id.map(AccountId),
        acting_for: m.acting_for.map(AccountId),
        from_state: state(&m.from_state)?,
        to_state: state(&m.to_state)?,
        from_stage: stage(&m.from_stage)?,
        to_stage: stage(&m.to_stage)?,
        from_level: level(m.from_level)?,
        to_level: level(m.to_level)?,
        reasons: serde_json::from_str(&m.reasons).map_err(|e| corrupt(e.to_string()))?,
        note: m.note,
        details: serde_json::from_str(&m.details).map_err(|e| corrupt(e.to_string()))?,
        event: m.event,
        completed,
    })
}

fn appraisal_record(m: appraisal::Model) -> Result<AppraisalRecord, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        entity: "appraisal",
        id: m.id.to_string(),
        detail,
    };
    let verdict = match m.verdict.as_str() {
        "ELIGIBLE" => AppraisalVerdict::Eligible,
        "INELIGIBLE" => AppraisalVerdict::Ineligible,
        other => return Err(corrupt(format!("unknown verdict `{other}`"))),
    };
    Ok(AppraisalRecord {
        at: m.at,
        by: AccountId(m.appraised_by),
        verdict,
        eligibility: serde_json::from_str(&m.eligibility).map_err(|e| corrupt(e.to_string()))?,
        notes: m.notes,
    })
}

fn opinion_verdict(
    entity: &'static str,
    id: Uuid,
    code: &str,
) -> Result<OpinionVerdict, StoreError> {
    match code {
        "AGREE" => Ok(OpinionVerdict::Agree),
        "OBJECT" => Ok(OpinionVerdict::Object),
        other => Err(StoreError::Corrupt {
            entity,
            id: id.to_string(),
            detail: format!("unknown opinion `{other}`"),
        }),
    }
}

fn consultation_record(m: consultation::Model) -> Result<ConsultationRecord, StoreError> {
    let answer = match (m.answered_on, m.verdict, m.answered_by) {
        (Some(on), Some(verdict), Some(by)) => Some(OpinionRecord {
            on,
            verdict: opinion_verdict("consultation", m.nomination_id, &verdict)?,
            text: m.opinion.unwrap_or_default(),
            by: AccountId(by),
        }),
        _ => None,
    };
    Ok(ConsultationRecord {
        unit: UnitId(m.unit_id),
        requested_on: m.requested_on,
        due_on: m.due_on,
        requested_by: AccountId(m.requested_by),
        answer,
    })
}

/// A proposal's version as clients see it: the proposal row's own version (1, moved on by each
/// bulk action) plus the versions of its nominations. A transition of one of its nominations
/// moves it on without writing the proposal's row, so transitions of one proposal's
/// nominations do not queue on that row's lock (on PostgreSQL they did, until commit).
/// Nominations never leave a proposal and versions only grow, so a version never comes back.
const PROPOSAL_VERSION: &str = r#"CAST("proposal"."version" + COALESCE((SELECT SUM("n"."version") FROM "nomination" AS "n" WHERE "n"."proposal_id" = "proposal"."id"), 0) AS INTEGER)"#;

/// Proposals, each with its version as clients see it ([`PROPOSAL_VERSION`]).
fn select_proposals() -> sea_orm::Select<proposal::Entity> {
    proposal::Entity::find()
        .select_only()
        .columns(proposal::Column::iter().filter(|c| !matches!(c, proposal::Column::Version)))
        .column_as(Expr::cust(PROPOSAL_VERSION), "version")
}

fn proposal_record(m: proposal::Model) -> Result<ProposalRecord, StoreError> {
    Ok(ProposalRecord {
        id: ProposalId(m.id),
        proposing_unit: UnitId(m.proposing_unit_id),
        proposing_path: convert::parse_path(m.id, &m.proposing_path)?,
        issuer: UnitId(m.issuer_unit_id),
        number: m.number,
        proposed_on: m.proposed_on,
        signer_name: m.signer_name,
        signer_title: m.signer_title,
        created_by: AccountId(m.created_by),
        created_at: m.created_at,
        version: m.version,
    })
}

fn document_record(m: document::Model) -> Result<DocumentRecord, StoreError> {
    let media_type = MediaType::from_mime(&m.media_type).ok_or_else(|| StoreError::Corrupt {
        entity: "document",
        id: m.id.to_string(),
        detail: format!("unknown media type `{}`", m.media_type),
    })?;
    Ok(DocumentRecord {
        id: DocumentId(m.id),
        nomination: m.nomination_id.map(NominationId),
        proposal: m.proposal_id.map(ProposalId),
        kind: parse::<DocumentKind>("document", m.id, &m.kind)?,
        filename: m.filename,
        media_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
        uploaded_by: AccountId(m.uploaded_by),
        uploaded_at: m.uploaded_at,
        detached_at: m.detached_at,
    })
}

pub(crate) fn delegation_record(m: delegation::Model) -> Result<DelegationRecord, StoreError> {
    Ok(DelegationRecord {
        id: DelegationId(m.id),
        delegation: Delegation {
            role: parse::<Role>("delegation", m.id, &m.role)?,
            unit: UnitId(m.unit_id),
            delegator: AccountId(m.delegator_account_id),
            delegate: AccountId(m.delegate_account_id),
            from: m.from_date,
            until: m.until_date,
        },
        created_by: AccountId(m.created_by),
        created_at: m.created_at,
        revoked_at: m.revoked_at,
    })
}

fn annulment_record(m: annulment::Model) -> AnnulmentRecord {
    AnnulmentRecord {
        nomination: NominationId(m.nomination_id),
        annulment: DecisionId(m.annulment_decision_id),
        decision: DecisionId(m.decision_id),
        amount_vnd: m.amount_vnd,
        artefact_returned_on: m.artefact_returned_on,
        cash_recovered_vnd: m.cash_recovered_vnd,
        cash_recovered_on: m.cash_recovered_on,
        version: m.version,
    }
}

/// Reads of the review workflow's records, on the pool and in transactions alike.
#[allow(async_fn_in_trait)] // implemented only by Store and WriteTx; callers know the concrete type
pub trait ReadReview: Conn {
    /// A nomination's history, oldest first.
    async fn history_of(&self, nomination: NominationId) -> Result<Vec<HistoryEntry>, StoreError> {
        nomination_event::Entity::find()
            .filter(nomination_event::Column::NominationId.eq(nomination.0))
            .order_by_asc(nomination_event::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(history)
            .collect()
    }

    /// A nomination's appraisals, oldest first.
    async fn appraisals_of(
        &self,
        nomination: NominationId,
    ) -> Result<Vec<AppraisalRecord>, StoreError> {
        appraisal::Entity::find()
            .filter(appraisal::Column::NominationId.eq(nomination.0))
            .order_by_asc(appraisal::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(appraisal_record)
            .collect()
    }

    /// The units asked for their opinion on a nomination.
    async fn consultations_of(
        &self,
        nomination: NominationId,
    ) -> Result<Vec<ConsultationRecord>, StoreError> {
        consultation::Entity::find()
            .filter(consultation::Column::NominationId.eq(nomination.0))
            .order_by_asc(consultation::Column::RequestedOn)
            .order_by_asc(consultation::Column::UnitId)
            .all(self.conn())
            .await?
            .into_iter()
            .map(consultation_record)
            .collect()
    }

    /// Whether any of `units` was asked for its opinion on a nomination (they may read it).
    async fn consulted_any(
        &self,
        nomination: NominationId,
        units: &[UnitId],
    ) -> Result<bool, StoreError> {
        if units.is_empty() {
            return Ok(false);
        }
        Ok(consultation::Entity::find()
            .filter(consultation::Column::NominationId.eq(nomination.0))
            .filter(consultation::Column::UnitId.is_in(units.iter().map(|u| u.0)))
            .one(self.conn())
            .await?
            .is_some())
    }

    /// Whether a council voted on any of `nominations`: one statement per thousand of them.
    async fn council_voted_on_any(&self, nominations: &[NominationId]) -> Result<bool, StoreError> {
        for chunk in nominations.chunks(1000) {
            let found = council_outcome::Entity::find()
                .filter(council_outcome::Column::NominationId.is_in(chunk.iter().map(|n| n.0)))
                .one(self.conn())
                .await?;
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A nomination's council outcomes, oldest first.
    async fn council_outcomes_of(
        &self,
        nomination: NominationId,
    ) -> Result<Vec<CouncilOutcomeRecord>, StoreError> {
        let rows = council_outcome::Entity::find()
            .filter(council_outcome::Column::NominationId.eq(nomination.0))
            .order_by_asc(council_outcome::Column::Id)
            .all(self.conn())
            .await?;
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|m| CouncilOutcomeRecord {
                at: m.at,
                by: AccountId(m.recorded_by),
                tally: Tally {
                    members: count(m.members),
                    present: count(m.present),
                    votes_for: count(m.votes_for),
                    votes_against: count(m.votes_against),
                    abstentions: count(m.abstentions),
                    written_for: count(m.written_for),
                    written_against: count(m.written_against),
                },
                approved: m.approved,
                rule: m.rule,
                session: m.session_id.map(SessionId),
            })
            .collect())
    }

    /// The public comments on a nomination, oldest first.
    async fn comments_of(
        &self,
        nomination: NominationId,
    ) -> Result<Vec<CommentRecord>, StoreError> {
        Ok(public_comment::Entity::find()
            .filter(public_comment::Column::NominationId.eq(nomination.0))
            .order_by_asc(public_comment::Column::At)
            .order_by_asc(public_comment::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| CommentRecord {
                id: m.id,
                nomination: NominationId(m.nomination_id),
                at: m.at,
                name: m.commenter_name,
                contact: m.contact,
                comment: m.comment,
            })
            .collect())
    }

    /// A proposal.
    async fn proposal(&self, id: ProposalId) -> Result<Option<ProposalRecord>, StoreError> {
        select_proposals()
            .filter(proposal::Column::Id.eq(id.0))
            .one(self.conn())
            .await?
            .map(proposal_record)
            .transpose()
    }

    /// The proposals with these ids (those that exist, in no particular order), a thousand ids
    /// to a statement.
    async fn proposals_by_ids(
        &self,
        ids: &[ProposalId],
    ) -> Result<Vec<ProposalRecord>, StoreError> {
        let mut found = Vec::new();
        for chunk in ids.chunks(1000) {
            for m in select_proposals()
                .filter(proposal::Column::Id.is_in(chunk.iter().map(|id| id.0)))
                .all(self.conn())
                .await?
            {
                found.push(proposal_record(m)?);
            }
        }
        Ok(found)
    }

    /// Proposals whose proposing unit lies within these units' subtrees (`None`: everywhere),
    /// newest first.
    async fn proposals(
        &self,
        within: Option<&[UnitId]>,
        limit: u64,
    ) -> Result<Vec<ProposalRecord>, StoreError> {
        let mut query = select_proposals();
        if let Some(roots) = within {
            if roots.is_empty() {
                return Ok(Vec::new());
            }
            query = query.filter(roots.iter().fold(Condition::any(), |cond, root| {
                cond.add(proposal::Column::ProposingPath.like(format!("%/{root}/%")))
            }));
        }
        query
            .order_by_desc(proposal::Column::CreatedAt)
            .order_by_desc(proposal::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(proposal_record)
            .collect()
    }

    /// The nominations of a proposal, in id order.
    async fn nominations_of_proposal(
        &self,
        id: ProposalId,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        nomination::Entity::find()
            .filter(nomination::Column::ProposalId.eq(id.0))
            .order_by_asc(nomination::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// A document.
    async fn document(&self, id: DocumentId) -> Result<Option<DocumentRecord>, StoreError> {
        document::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(document_record)
            .transpose()
    }

    /// The documents of a nomination's dossier: its own and its proposal's, attached ones only.
    async fn dossier_of(
        &self,
        nomination: NominationId,
        proposal: Option<ProposalId>,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        let mut owner = Condition::any().add(document::Column::NominationId.eq(nomination.0));
        if let Some(p) = proposal {
            owner = owner.add(document::Column::ProposalId.eq(p.0));
        }
        document::Entity::find()
            .filter(owner)
            .filter(document::Column::DetachedAt.is_null())
            .order_by_asc(document::Column::UploadedAt)
            .order_by_asc(document::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(document_record)
            .collect()
    }

    /// The documents attached to a proposal itself.
    async fn documents_of_proposal(
        &self,
        proposal: ProposalId,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        document::Entity::find()
            .filter(document::Column::ProposalId.eq(proposal.0))
            .filter(document::Column::DetachedAt.is_null())
            .order_by_asc(document::Column::UploadedAt)
            .all(self.conn())
            .await?
            .into_iter()
            .map(document_record)
            .collect()
    }

    /// The kinds of document in a nomination's dossier.
    async fn dossier_kinds(
        &self,
        nomination: NominationId,
        proposal: Option<ProposalId>,
    ) -> Result<BTreeSet<DocumentKind>, StoreError> {
        Ok(self
            .dossier_of(nomination, proposal)
            .await?
            .into_iter()
            .map(|d| d.kind)
            .collect())
    }

    /// Whether any document, attached or detached, has this content (it is then stored).
    async fn content_known(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(document::Entity::find()
            .filter(document::Column::Sha256.eq(sha256))
            .one(self.conn())
            .await?
            .is_some())
    }

    /// Delegations not revoked that name `account` as delegate (the caller keeps those in
    /// force on its day).
    async fn delegations_to(&self, account: AccountId) -> Result<Vec<Delegation>, StoreError> {
        delegation::Entity::find()
            .filter(delegation::Column::DelegateAccountId.eq(account.0))
            .filter(delegation::Column::RevokedAt.is_null())
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| delegation_record(m).map(|r| r.delegation))
            .collect()
    }

    /// A delegation.
    async fn delegation(&self, id: DelegationId) -> Result<Option<DelegationRecord>, StoreError> {
        delegation::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(delegation_record)
            .transpose()
    }

    /// Delegations given or received by an account (`None`: every one), newest first.
    async fn delegations(
        &self,
        account: Option<AccountId>,
    ) -> Result<Vec<DelegationRecord>, StoreError> {
        let mut query = delegation::Entity::find();
        if let Some(a) = account {
            query = query.filter(
                Condition::any()
                    .add(delegation::Column::DelegatorAccountId.eq(a.0))
                    .add(delegation::Column::DelegateAccountId.eq(a.0)),
            );
        }
        query
            .order_by_desc(delegation::Column::CreatedAt)
            .limit(500)
            .all(self.conn())
            .await?
            .into_iter()
            .map(delegation_record)
            .collect()
    }

    /// The administrators' corrections of the working-day calendar.
    async fn calendar_overrides(&self) -> Result<Vec<CalendarOverride>, StoreError> {
        calendar_day::Entity::find()
            .order_by_asc(calendar_day::Column::Day)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                let day = match &m.kind {
                    None => None,
                    Some(kind) => Some(CalendarDay {
                        date: m.day,
                        kind: kind.parse::<DayKind>().map_err(|e| StoreError::Corrupt {
                            entity: "calendar_day",
                            id: m.day.to_string(),
                            detail: e.to_string(),
                        })?,
                        name: m.name.clone(),
                        confidence: crate::convert::code::<Confidence>(
                            "calendar_day",
                            m.day,
                            &m.confidence,
                        )?,
                        source: m.source.clone(),
                    }),
                };
                Ok(CalendarOverride {
                    date: m.day,
                    day,
                    set_by: AccountId(m.set_by),
                    set_at: m.set_at,
                })
            })
            .collect()
    }

    /// The annulment of a nomination's award, if any.
    async fn annulment_of(
        &self,
        nomination: NominationId,
    ) -> Result<Option<AnnulmentRecord>, StoreError> {
        Ok(annulment::Entity::find_by_id(nomination.0)
            .one(self.conn())
            .await?
            .map(annulment_record))
    }

    /// The nominations an annulment decision annulled, or whose award was annulled from a
    /// decision, by either decision's id.
    async fn annulments_by_decision(
        &self,
        decision: DecisionId,
    ) -> Result<Vec<AnnulmentRecord>, StoreError> {
        Ok(annulment::Entity::find()
            .filter(
                Condition::any()
                    .add(annulment::Column::AnnulmentDecisionId.eq(decision.0))
                    .add(annulment::Column::DecisionId.eq(decision.0)),
            )
            .order_by_asc(annulment::Column::NominationId)
            .all(self.conn())
            .await?
            .into_iter()
            .map(annulment_record)
            .collect())
    }

    /// What waits for an account: nominations at a stage its roles act at, drafts and returned
    /// nominations of its units, and consultations its units have not answered. Overdue and
    /// soonest due first; `offset` rows skipped.
    async fn work_queue(
        &self,
        scope: &QueueScope,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        let Some(any) = queue_condition(scope) else {
            return Ok(Vec::new());
        };
        nomination::Entity::find()
            .filter(any)
            .order_by_with_nulls(
                nomination::Column::DueOn,
                sea_orm::Order::Asc,
                sea_orm::sea_query::NullOrdering::Last,
            )
            .order_by_asc(nomination::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// Whether one nomination is in an account's work queue (as [`Self::work_queue`] decides).
    async fn in_work_queue(
        &self,
        scope: &QueueScope,
        id: NominationId,
    ) -> Result<bool, StoreError> {
        let Some(any) = queue_condition(scope) else {
            return Ok(false);
        };
        Ok(nomination::Entity::find()
            .filter(nomination::Column::Id.eq(id.0))
            .filter(any)
            .count(self.conn())
            .await?
            > 0)
    }

    /// How each stage kept its deadlines for an issuer, over the stages completed in
    /// `[from, until)`.
    async fn stage_statistics(
        &self,
        issuer: UnitId,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<StageStat>, StoreError> {
        // Timestamps are stored in UTC; SQLite compares them as text, so the bounds must be in
        // UTC too (Vietnam's midnight is 17:00 UTC the day before).
        let (from, until) = (
            from.to_offset(time::UtcOffset::UTC),
            until.to_offset(time::UtcOffset::UTC),
        );
        let rows = nomination_event::Entity::find()
            .filter(nomination_event::Column::IssuerUnitId.eq(issuer.0))
            .filter(nomination_event::Column::CompletedStage.is_not_null())
            .filter(nomination_event::Column::At.gte(from))
            .filter(nomination_event::Column::At.lt(until))
            .all(self.conn())
            .await?;
        let mut stats: BTreeMap<StageKind, (u32, u32, u32, u32, u64)> = BTreeMap::new();
        for row in rows {
            let entry = history(row)?;
            let Some(done) = entry.completed else {
                continue;
            };
            let day = laurel_domain::calendar::local_date(entry.at);
            let s = stats.entry(done.stage).or_default();
            s.0 += 1;
            match done.due_on {
                Some(due) if day <= due => s.1 += 1,
                Some(_) => s.2 += 1,
                None => s.3 += 1,
            }
            s.4 += u64::from(done.working_days);
        }
        Ok(stats
            .into_iter()
            .map(
                |(stage, (completed, on_time, late, without, days))| StageStat {
                    stage,
                    completed,
                    on_time,
                    late,
                    without_deadline: without,
                    mean_working_days: (completed > 0).then(|| days as f64 / f64::from(completed)),
                },
            )
            .collect())
    }
}

impl ReadReview for crate::Store {}
impl ReadReview for WriteTx {}

impl WriteTx {
    /// Appends a step to a nomination's history (which the database keeps append-only).
    pub async fn append_history(&self, entry: NewHistoryEntry) -> Result<(), StoreError> {
        self.append_histories(vec![entry]).await
    }

    /// Appends steps to nominations' histories, several to a statement (an import's drafts).
    pub async fn append_histories(&self, entries: Vec<NewHistoryEntry>) -> Result<(), StoreError> {
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            nomination_event::Entity::insert_many(entries.by_ref().take(400).map(history_row))
                .exec_without_returning(&self.tx)
                .await?;
        }
        Ok(())
    }

    /// Records an appraisal.
    pub async fn insert_appraisal(
        &self,
        nomination: NominationId,
        record: &AppraisalRecord,
    ) -> Result<(), StoreError> {
        appraisal::Entity::insert(appraisal::ActiveModel {
            nomination_id: Set(nomination.0),
            at: Set(record.at),
            appraised_by: Set(record.by.0),
            verdict: Set(record.verdict.code().to_string()),
            notes: Set(record.notes.clone()),
            eligibility: Set(record.eligibility.to_string()),
            ..Default::default()
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Asks units for their opinion on a nomination.
    pub async fn insert_consultations(
        &self,
        nomination: NominationId,
        units: &[UnitId],
        requested_on: Date,
        due_on: Date,
        by: AccountId,
    ) -> Result<(), StoreError> {
        for unit in units {
            consultation::Entity::insert(consultation::ActiveModel {
                nomination_id: Set(nomination.0),
                unit_id: Set(unit.0),
                requested_on: Set(requested_on),
                due_on: Set(due_on),
                requested_by: Set(by.0),
                answered_on: Set(None),
                verdict: Set(None),
                opinion: Set(None),
                answered_by: Set(None),
            })
            .exec_without_returning(&self.tx)
            .await
            .map_err(|e| {
                crate::error::unique_as_duplicate(e, "consultation", "unitIds", &unit.to_string())
            })?;
        }
        Ok(())
    }

    /// Records a consulted unit's answer (only once: an answered consultation is not changed).
    pub async fn answer_consultation(
        &self,
        nomination: NominationId,
        unit: UnitId,
        on: Date,
        verdict: OpinionVerdict,
        text: &str,
        by: AccountId,
    ) -> Result<(), StoreError> {
        let result = consultation::Entity::update_many()
            .col_expr(consultation::Column::AnsweredOn, Expr::val(Some(on)))
            .col_expr(
                consultation::Column::Verdict,
                Expr::val(Some(verdict.code())),
            )
            .col_expr(
                consultation::Column::Opinion,
                Expr::val(Some(text.to_string())),
            )
            .col_expr(consultation::Column::AnsweredBy, Expr::val(Some(by.0)))
            .filter(consultation::Column::NominationId.eq(nomination.0))
            .filter(consultation::Column::UnitId.eq(unit.0))
            .filter(consultation::Column::AnsweredOn.is_null())
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                entity: "consultation",
                id: format!("{nomination}/{unit}"),
            })
        }
    }

    /// Records a council outcome.
    pub async fn insert_council_outcome(
        &self,
        nomination: NominationId,
        record: &CouncilOutcomeRecord,
    ) -> Result<(), StoreError> {
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        council_outcome::Entity::insert(council_outcome::ActiveModel {
            nomination_id: Set(nomination.0),
            at: Set(record.at),
            recorded_by: Set(record.by.0),
            members: Set(n(record.tally.members)),
            present: Set(n(record.tally.present)),
            votes_for: Set(n(record.tally.votes_for)),
            votes_against: Set(n(record.tally.votes_against)),
            abstentions: Set(n(record.tally.abstentions)),
            approved: Set(record.approved),
            rule: Set(record.rule.clone()),
            written_for: Set(n(record.tally.written_for)),
            written_against: Set(n(record.tally.written_against)),
            session_id: Set(record.session.map(|s| s.0)),
            ..Default::default()
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Records a public comment.
    pub async fn insert_comment(&self, record: &CommentRecord) -> Result<(), StoreError> {
        public_comment::Entity::insert(public_comment::ActiveModel {
            id: Set(record.id),
            nomination_id: Set(record.nomination.0),
            at: Set(record.at),
            commenter_name: Set(record.name.clone()),
            contact: Set(record.contact.clone()),
            comment: Set(record.comment.clone()),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Records a new proposal (version 1).
    pub async fn insert_proposal(&self, record: &ProposalRecord) -> Result<(), StoreError> {
        proposal::Entity::insert(proposal::ActiveModel {
            id: Set(record.id.0),
            proposing_unit_id: Set(record.proposing_unit.0),
            issuer_unit_id: Set(record.issuer.0),
            proposing_path: Set(convert::format_path(&record.proposing_path)),
            number: Set(record.number.clone()),
            proposed_on: Set(record.proposed_on),
            signer_name: Set(record.signer_name.clone()),
            signer_title: Set(record.signer_title.clone()),
            created_by: Set(record.created_by.0),
            created_at: Set(record.created_at),
            version: Set(record.version),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Takes a proposal at `expected_version` (its version as [`ProposalRecord::version`] gives
    /// it) for a bulk action. Its row is held until commit, so two bulk actions on one proposal
    /// take turns. Returns its nominations as read under that hold, in id order, or
    /// [`StoreError::Conflict`] if the proposal or one of its nominations changed since.
    ///
    /// The caller acts on each nomination at the version returned here: one that moves
    /// meanwhile fails its own versioned update.
    pub async fn claim_proposal(
        &self,
        id: ProposalId,
        expected_version: i32,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        let not_found = || StoreError::NotFound {
            entity: "proposal",
            id: id.to_string(),
        };
        let held = proposal::Entity::update_many()
            .col_expr(
                proposal::Column::Version,
                Expr::col(proposal::Column::Version).add(1),
            )
            .filter(proposal::Column::Id.eq(id.0))
            .exec(&self.tx)
            .await?;
        if held.rows_affected == 0 {
            return Err(not_found());
        }
        let own = proposal::Entity::find_by_id(id.0)
            .one(&self.tx)
            .await?
            .ok_or_else(not_found)?
            .version
            - 1;
        let nominations = self.nominations_of_proposal(id).await?;
        let actual = nominations
            .iter()
            .fold(own, |sum, r| sum.saturating_add(r.nomination.version()));
        if actual != expected_version {
            return Err(StoreError::Conflict {
                entity: "proposal",
                id: id.to_string(),
                expected: expected_version,
                actual,
            });
        }
        Ok(nominations)
    }

    /// Records a document of a dossier.
    pub async fn insert_document(&self, record: &DocumentRecord) -> Result<(), StoreError> {
        document::Entity::insert(document::ActiveModel {
            id: Set(record.id.0),
            nomination_id: Set(record.nomination.map(|n| n.0)),
            proposal_id: Set(record.proposal.map(|p| p.0)),
            kind: Set(record.kind.code().to_string()),
            filename: Set(record.filename.clone()),
            media_type: Set(record.media_type.mime().to_string()),
            size_bytes: Set(record.size_bytes),
            sha256: Set(record.sha256.clone()),
            uploaded_by: Set(record.uploaded_by.0),
            uploaded_at: Set(record.uploaded_at),
            detached_at: Set(None),
            detached_by: Set(None),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Detaches a document from its dossier (its record and content stay); `false` when it was
    /// detached already.
    pub async fn detach_document(
        &self,
        id: DocumentId,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let result = document::Entity::update_many()
            .col_expr(document::Column::DetachedAt, Expr::val(Some(at)))
            .col_expr(document::Column::DetachedBy, Expr::val(Some(by.0)))
            .filter(document::Column::Id.eq(id.0))
            .filter(document::Column::DetachedAt.is_null())
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records a delegation.
    pub async fn insert_delegation(&self, record: &DelegationRecord) -> Result<(), StoreError> {
        let d = &record.delegation;
        delegation::Entity::insert(delegation::ActiveModel {
            id: Set(record.id.0),
            role: Set(d.role.code().to_string()),
            unit_id: Set(d.unit.0),
            delegator_account_id: Set(d.delegator.0),
            delegate_account_id: Set(d.delegate.0),
            from_date: Set(d.from),
            until_date: Set(d.until),
            created_by: Set(record.created_by.0),
            created_at: Set(record.created_at),
            revoked_at: Set(None),
            revoked_by: Set(None),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Revokes a delegation; `false` when it was revoked already.
    pub async fn revoke_delegation(
        &self,
        id: DelegationId,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let result = delegation::Entity::update_many()
            .col_expr(delegation::Column::RevokedAt, Expr::val(Some(at)))
            .col_expr(delegation::Column::RevokedBy, Expr::val(Some(by.0)))
            .filter(delegation::Column::Id.eq(id.0))
            .filter(delegation::Column::RevokedAt.is_null())
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Revokes the delegations `delegator` gave that are still open (of `grant` only, when
    /// given): what they passed on ends with the account or the role. Returns how many ended.
    pub async fn revoke_delegations_given(
        &self,
        delegator: AccountId,
        grant: Option<laurel_domain::authz::Grant>,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut update = delegation::Entity::update_many()
            .col_expr(delegation::Column::RevokedAt, Expr::val(Some(at)))
            .col_expr(delegation::Column::RevokedBy, Expr::val(Some(by.0)))
            .filter(delegation::Column::DelegatorAccountId.eq(delegator.0))
            .filter(delegation::Column::RevokedAt.is_null());
        if let Some(grant) = grant {
            update = update.filter(delegation::Column::Role.eq(grant.role.code()));
            if let Some(unit) = grant.unit {
                update = update.filter(delegation::Column::UnitId.eq(unit.0));
            }
        }
        Ok(update.exec(&self.tx).await?.rows_affected)
    }

    /// Sets a day of the working-day calendar (`None`: an ordinary day), replacing an earlier
    /// correction of that date.
    pub async fn set_calendar_day(
        &self,
        date: Date,
        day: Option<&CalendarDay>,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        calendar_day::Entity::insert(calendar_day::ActiveModel {
            day: Set(date),
            kind: Set(day.map(|d| d.kind.code().to_string())),
            name: Set(day.map_or_else(String::new, |d| d.name.clone())),
            source: Set(day.map_or_else(String::new, |d| d.source.clone())),
            confidence: Set(day.map_or("C", |d| d.confidence.code()).to_string()),
            set_by: Set(by.0),
            set_at: Set(at),
        })
        .on_conflict(
            OnConflict::column(calendar_day::Column::Day)
                .update_columns([
                    calendar_day::Column::Kind,
                    calendar_day::Column::Name,
                    calendar_day::Column::Source,
                    calendar_day::Column::Confidence,
                    calendar_day::Column::SetBy,
                    calendar_day::Column::SetAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Records that an annulment decision annulled a nomination's award.
    pub async fn insert_annulment(&self, record: &AnnulmentRecord) -> Result<(), StoreError> {
        annulment::Entity::insert(annulment::ActiveModel {
            nomination_id: Set(record.nomination.0),
            annulment_decision_id: Set(record.annulment.0),
            decision_id: Set(record.decision.0),
            amount_vnd: Set(record.amount_vnd),
            artefact_returned_on: Set(record.artefact_returned_on),
            cash_recovered_vnd: Set(record.cash_recovered_vnd),
            cash_recovered_on: Set(record.cash_recovered_on),
            version: Set(record.version),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| {
            crate::error::unique_as_duplicate(
                e,
                "annulment",
                "nomination",
                &record.nomination.to_string(),
            )
        })?;
        Ok(())
    }

    /// Records what was recovered of an annulled award, at the version the caller saw.
    pub async fn record_recovery(
        &self,
        next: &AnnulmentRecord,
        expected_version: i32,
    ) -> Result<i32, StoreError> {
        let result = annulment::Entity::update_many()
            .col_expr(
                annulment::Column::ArtefactReturnedOn,
                Expr::val(next.artefact_returned_on),
            )
            .col_expr(
                annulment::Column::CashRecoveredVnd,
                Expr::val(next.cash_recovered_vnd),
            )
            .col_expr(
                annulment::Column::CashRecoveredOn,
                Expr::val(next.cash_recovered_on),
            )
            .col_expr(
                annulment::Column::Version,
                Expr::col(annulment::Column::Version).add(1),
            )
            .filter(annulment::Column::NominationId.eq(next.nomination.0))
            .filter(annulment::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            return Ok(expected_version + 1);
        }
        let actual = self
            .annulment_of(next.nomination)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "annulment",
                id: next.nomination.to_string(),
            })?
            .version;
        Err(StoreError::Conflict {
            entity: "annulment",
            id: next.nomination.to_string(),
            expected: expected_version,
            actual,
        })
    }

    /// Marks a decision annulled (the only change a signed decision takes; the database refuses
    /// any other).
    pub async fn annul_decision_row(&self, id: DecisionId) -> Result<(), StoreError> {
        crate::entity::decision::Entity::update_many()
            .col_expr(
                crate::entity::decision::Column::State,
                Expr::val(laurel_domain::decision::DecisionState::Annulled.code()),
            )
            .filter(crate::entity::decision::Column::Id.eq(id.0))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Marks the certificate of a nomination annulled, if one was issued; returns whether one
    /// was.
    pub async fn annul_certificate_of(&self, nomination: NominationId) -> Result<bool, StoreError> {
        let result = crate::entity::certificate::Entity::update_many()
            .col_expr(
                crate::entity::certificate::Column::Status,
                Expr::val(laurel_domain::certificate::CertificateStatus::Annulled.code()),
            )
            .filter(crate::entity::certificate::Column::NominationId.eq(nomination.0))
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected > 0)
    }
}

/// The condition a work queue selects nominations by; `None` when the scope is empty.
fn queue_condition(scope: &QueueScope) -> Option<Condition> {
    let mut any = Condition::any();
    for (role, unit) in &scope.roles {
        any = any.add(
            Condition::all()
                .add(nomination::Column::State.eq(NominationState::Submitted.code()))
                .add(nomination::Column::WaitingRole.eq(role.code()))
                .add(nomination::Column::WaitingUnitId.eq(unit.0)),
        );
    }
    if !scope.proposing.is_empty() {
        any = any.add(
            Condition::all()
                .add(nomination::Column::State.is_in([
                    NominationState::Draft.code(),
                    NominationState::Returned.code(),
                ]))
                .add(
                    nomination::Column::ProposingUnitId.is_in(scope.proposing.iter().map(|u| u.0)),
                ),
        );
    }
    if !scope.consulted.is_empty() {
        any = any.add(
            Condition::all()
                .add(nomination::Column::State.eq(NominationState::Submitted.code()))
                .add(
                    nomination::Column::Id.in_subquery(
                        Query::select()
                            .column(consultation::Column::NominationId)
                            .from(consultation::Entity)
                            .and_where(
                                consultation::Column::UnitId
                                    .is_in(scope.consulted.iter().map(|u| u.0)),
                            )
                            .and_where(consultation::Column::AnsweredOn.is_null())
                            .to_owned(),
                    ),
                ),
        );
    }
    (!any.is_empty()).then_some(any)
}

/// A history step's row.
fn history_row(entry: NewHistoryEntry) -> nomination_event::ActiveModel {
    let level = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    nomination_event::ActiveModel {
        nomination_id: Set(entry.nomination.0),
        issuer_unit_id: Set(entry.issuer.0),
        at: Set(entry.at),
        actor_account_id: Set(entry.actor.map(|a| a.0)),
        acting_for: Set(entry.acting_for.map(|a| a.0)),
        event: Set(entry.event.to_string()),
        from_state: Set(entry.from_state.code().to_string()),
        to_state: Set(entry.to_state.code().to_string()),
        from_stage: Set(entry.from_stage.code().to_string()),
        to_stage: Set(entry.to_stage.code().to_string()),
        from_level: Set(level(entry.from_level)),
        to_level: Set(level(entry.to_level)),
        reasons: Set(serde_json::Value::from(entry.reasons).to_string()),
        note: Set(entry.note),
        details: Set(entry.details.to_string()),
        completed_stage: Set(entry.completed.as_ref().map(|c| c.stage.code().to_string())),
        stage_since: Set(entry.completed.as_ref().map(|c| c.since)),
        stage_due_on: Set(entry.completed.as_ref().and_then(|c| c.due_on)),
        working_days: Set(entry.completed.as_ref().map(|c| level(c.working_days))),
        ..Default::default()
    }
}
