//! Drafting, editing, submitting and withdrawing nominations. Every change after drafting is a
//! workflow command (`Ops::act`).

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::local_date;
use laurel_domain::ids::{MovementId, NominationId, ProposalId, UnitId};
use laurel_domain::nomination::{
    ACHIEVEMENT_MAX, CheckedDraft, Nomination, NominationDraft, Nominee, REASON_MAX,
};
use laurel_domain::org::UnitPath;
use laurel_domain::rules::{CommendationKind, Eligibility};
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_domain::workflow::Command;
use laurel_store::{NominationRecord, Read, ReadMovements, Waiting};
use serde_json::json;
use time::OffsetDateTime;

use super::workflow::ActOn;
use super::{Ops, by, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{NominationEvent, Recorded};

/// Input of [`Ops::create_nomination`], as typed.
#[derive(Debug, Clone)]
pub struct CreateNomination {
    /// Who is nominated.
    pub nominee: Nominee,
    /// The award proposed.
    pub award: AwardKind,
    /// The issuing unit.
    pub issuer: UnitId,
    /// The year.
    pub period: i32,
    /// The citation.
    pub achievement: String,
    /// Regular (annual), đột xuất, thematic...; `None`: the movement's kind, or regular.
    pub kind: Option<CommendationKind>,
    /// The movement it is made in.
    pub movement: Option<MovementId>,
}

impl Ops {
    /// Drafts a nomination (clerks of the nominee's unit subtree), pinned to the ruleset of its
    /// period and to the workflow in effect today for its award.
    pub async fn create_nomination(
        &self,
        actor: &Actor,
        input: CreateNomination,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let draft = NominationDraft::parse(
            input.nominee,
            input.award,
            input.issuer,
            input.period,
            &input.achievement,
        )?;
        self.printable(&[("achievement", Some(&draft.achievement))])?;
        let today = local_date(now);
        in_tx!(self, |tx| {
            // The proposing unit is the nominee's own (a person's unit, or the collective).
            let path = self.nominee_path(tx, draft.nominee).await?;
            actor.authorize(Action::DraftNomination, &path)?;
            self.require_tree_unit(tx, draft.issuer, "issuerUnitId")
                .await?;
            let checked = draft.clone().check(&path)?;
            // A nominee registered from outside the tree is nominated in a movement, as an
            // import's line with an address is.
            if input.movement.is_none()
                && !tx
                    .external_nominees(&[draft.nominee.uuid()])
                    .await?
                    .is_empty()
            {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "movementId",
                    expected_vi: "một phong trào thi đua: người, tập thể ngoài hệ thống được đề nghị theo phong trào",
                    expected_en: "an emulation movement: nominees from outside the tree are nominated in a movement",
                }));
            }
            let kind = match input.movement {
                None => input.kind.unwrap_or_default(),
                Some(id) => {
                    let movement = tx.movement(id).await?.ok_or(OpsError::NotFound {
                        entity: "movement",
                        id: id.to_string(),
                    })?;
                    movement
                        .admits(&path, draft.award, draft.period.year(), input.kind, today)
                        .map_err(OpsError::Movement)?
                }
            };
            let (nomination, event) = self
                .insert_draft(
                    tx,
                    actor,
                    checked,
                    DraftPlace {
                        path: &path,
                        kind,
                        movement: input.movement,
                        proposal: None,
                    },
                    now,
                )
                .await?;
            tx.record(&event).await?;
            Ok(tx.require_nomination(nomination.id).await?)
        })
    }

    /// Saves a checked draft of the nominee at `path` in a transaction, with its history entry:
    /// the one way a nomination comes to be. Returns it with its audit event, which the caller
    /// records in the same transaction (alone, or with a whole import's at once).
    pub(crate) async fn insert_draft(
        &self,
        tx: &laurel_store::WriteTx,
        actor: &Actor,
        checked: CheckedDraft,
        place: DraftPlace<'_>,
        now: OffsetDateTime,
    ) -> Result<(Nomination, Recorded), OpsError> {
        let path = place.path;
        let NewDraft {
            nomination,
            waiting,
            history,
            event,
        } = self.new_draft(actor, checked, place, now)?;
        tx.insert_nomination(&nomination, path, Some(waiting), now)
            .await?;
        tx.append_history(history).await?;
        Ok((nomination, event))
    }

    /// A new draft's rows and its audit event, to be written by the caller (one at a time by
    /// [`Ops::insert_draft`], many to a statement by an import).
    pub(crate) fn new_draft(
        &self,
        actor: &Actor,
        checked: CheckedDraft,
        place: DraftPlace<'_>,
        now: OffsetDateTime,
    ) -> Result<NewDraft, OpsError> {
        let DraftPlace {
            path,
            kind,
            movement,
            proposal,
        } = place;
        let today = local_date(now);
        let draft = checked.draft().clone();
        let workflow = self
            .workflows
            .for_award(draft.award, today)
            .ok_or_else(|| {
                OpsError::internal(format!("no workflow serves {} on {today}", draft.award))
            })?;
        let proposing_unit = path
            .unit()
            .ok_or(OpsError::internal("a unit path is never empty"))?;
        let ruleset = self.ruleset_for_period(draft.period.year())?;
        let mut nomination = Nomination::draft(
            checked,
            NominationId(edge::new_id()),
            proposing_unit,
            kind,
            ruleset.id.clone(),
            workflow.reference(),
            actor.account,
            today,
        )
        .in_movement(movement);
        if let Some(proposal) = proposal {
            nomination = nomination.in_proposal(proposal);
        }
        let waiting = Waiting {
            role: workflow.stage(0).role,
            unit: proposing_unit,
        };
        let history = laurel_store::NewHistoryEntry {
            nomination: nomination.id,
            issuer: nomination.issuer,
            at: now,
            actor: Some(actor.account),
            acting_for: None,
            event: "NOMINATION_CREATED",
            from_state: nomination.state(),
            to_state: nomination.state(),
            from_stage: workflow.stage(0).kind,
            to_stage: workflow.stage(0).kind,
            from_level: 0,
            to_level: 0,
            reasons: Vec::new(),
            note: None,
            details: json!({
                "workflow": nomination.workflow.to_string(),
                "ruleset": ruleset.id,
                "proposal": proposal.map(|p| p.to_string()),
            }),
            completed: None,
        };
        let event = recorded(
            now,
            by(actor),
            path.clone(),
            NominationEvent::Drafted {
                nomination: Box::new(nomination.clone()),
            },
        );
        Ok(NewDraft {
            nomination,
            waiting,
            history,
            event,
        })
    }

    /// Replaces the citation of a draft or a returned nomination.
    pub async fn update_nomination(
        &self,
        actor: &Actor,
        id: NominationId,
        expected_version: i32,
        achievement: &str,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let achievement = bounded_line("achievement", achievement, ACHIEVEMENT_MAX)?;
        self.printable(&[("achievement", Some(&achievement))])?;
        self.act(
            actor,
            ActOn {
                id,
                expected_version,
                command: Command::Edit { achievement },
            },
            now,
        )
        .await
    }

    /// Submits a draft (the head of the proposing unit, or of a unit above it), reserving a
    /// place in the issuer's quota if one is set. Returns the nomination and, when `judge`
    /// asks for it, its eligibility as of today: failed or pending criteria are warnings here,
    /// enforced at appraisal and signing. (A caller that does not show the warnings does not
    /// make the submission wait for the judgement's eight reads under the write lock.)
    pub async fn submit_nomination(
        &self,
        actor: &Actor,
        id: NominationId,
        expected_version: i32,
        judge: bool,
        now: OffsetDateTime,
    ) -> Result<(NominationRecord, Option<Eligibility>), OpsError> {
        self.act_alone(
            actor,
            ActOn {
                id,
                expected_version,
                command: Command::Submit,
            },
            judge,
            now,
        )
        .await
    }

    /// Withdraws a nomination that has not been decided, with a reason.
    pub async fn withdraw_nomination(
        &self,
        actor: &Actor,
        id: NominationId,
        expected_version: i32,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let reason = bounded_line("reason", reason, REASON_MAX)?;
        self.act(
            actor,
            ActOn {
                id,
                expected_version,
                command: Command::Withdraw { reason },
            },
            now,
        )
        .await
    }
}

/// Where a new draft belongs: the proposing unit's path, its kind of commendation, and the
/// movement and proposal it is part of, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DraftPlace<'a> {
    pub(crate) path: &'a UnitPath,
    pub(crate) kind: CommendationKind,
    pub(crate) movement: Option<MovementId>,
    pub(crate) proposal: Option<ProposalId>,
}

/// A new draft's rows and its audit event ([`Ops::new_draft`]).
pub(crate) struct NewDraft {
    pub(crate) nomination: Nomination,
    pub(crate) waiting: Waiting,
    pub(crate) history: laurel_store::NewHistoryEntry,
    pub(crate) event: Recorded,
}
