//! Drafting, editing, submitting and withdrawing nominations.

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::local_date;
use laurel_domain::ids::{NominationId, UnitId};
use laurel_domain::nomination::{
    self, ACHIEVEMENT_MAX, Command, Nomination, NominationDraft, NominationState, Nominee,
    REASON_MAX, RuleViolation,
};
use laurel_domain::rules::{CommendationKind, Eligibility};
use laurel_domain::text::bounded_line;
use laurel_store::{NominationRecord, Read, ReadFacts, WriteTx};
use serde_json::json;
use time::OffsetDateTime;

use super::{Ops, audit, by};
use crate::edge;
use crate::error::OpsError;

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
    /// Regular (annual), đột xuất, thematic...
    pub kind: CommendationKind,
}

impl Ops {
    /// Drafts a nomination (clerks of the nominee's unit subtree).
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
        in_tx!(self, |tx| {
            // The proposing unit is the nominee's own (a person's unit, or the collective).
            let path = self.nominee_path(tx, draft.nominee).await?;
            let proposing_unit = path
                .unit()
                .ok_or(OpsError::internal("a unit path is never empty"))?;
            actor.authorize(Action::DraftNomination, &path)?;
            tx.require_unit(draft.issuer).await?;
            draft.check(&path)?;
            let ruleset = self.ruleset_for_period(draft.period.year())?;
            let nomination = Nomination {
                id: NominationId(edge::new_id()),
                nominee: draft.nominee,
                award: draft.award,
                issuer: draft.issuer,
                proposing_unit,
                period: draft.period,
                achievement: draft.achievement.clone(),
                state: NominationState::Draft,
                version: 1,
                decision: None,
            };
            tx.insert_nomination(
                &nomination,
                &path,
                &ruleset.id,
                input.kind,
                actor.account,
                now,
            )
            .await?;
            tx.append_audit(audit(
                now,
                by(actor),
                "nomination",
                nomination.id.0,
                "NOMINATION_CREATED",
                None,
                Some(NominationState::Draft.code()),
                None,
                json!({
                    "award": nomination.award.code(),
                    "issuer": nomination.issuer.to_string(),
                    "period": nomination.period.year(),
                    "ruleset": ruleset.id,
                    "kind": input.kind.code(),
                }),
            ))
            .await?;
            Ok(tx.require_nomination(nomination.id).await?)
        })
    }

    /// Replaces a draft's citation.
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
        self.transition(
            actor,
            id,
            expected_version,
            Action::DraftNomination,
            Command::Edit { achievement },
            now,
        )
        .await
    }

    /// Submits a draft upward (unit heads of the proposing unit's subtree), reserving a place
    /// in the issuer's quota if one is set. Returns the nomination and its eligibility as of
    /// today: failed or pending criteria are warnings here, enforced at signing.
    pub async fn submit_nomination(
        &self,
        actor: &Actor,
        id: NominationId,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<(NominationRecord, Eligibility), OpsError> {
        in_tx!(self, |tx| {
            let current = tx.require_nomination(id).await?.nomination;
            let path = tx.unit_path(current.proposing_unit).await?;
            actor.authorize(Action::SubmitNomination, &path)?;
            if current.version == expected_version && current.state == NominationState::Draft {
                // A provisional reservation: submitted and decided ones count, and so do the
                // submitted ones of a percentage's base award. Signing re-checks with decided ones.
                let counted = [NominationState::Submitted, NominationState::Decided];
                check_quota(tx, &current, &counted, 1).await?;
            }
            apply_in(tx, actor, id, expected_version, None, Command::Submit, now).await?;
            let record = tx.require_nomination(id).await?;
            // Judged in the same transaction: if it cannot be judged, nothing was submitted.
            let eligibility = self.eligibility_of(tx, &record, local_date(now)).await?;
            Ok((record, eligibility))
        })
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
        self.transition(
            actor,
            id,
            expected_version,
            Action::WithdrawNomination,
            Command::Withdraw { reason },
            now,
        )
        .await
    }

    /// Load, authorize at the proposing unit, check the version, apply, save, audit.
    async fn transition(
        &self,
        actor: &Actor,
        id: NominationId,
        expected_version: i32,
        action: Action,
        command: Command,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        in_tx!(self, |tx| {
            apply_in(
                tx,
                actor,
                id,
                expected_version,
                Some(action),
                command.clone(),
                now,
            )
            .await?;
            Ok(tx.require_nomination(id).await?)
        })
    }
}

/// Checks, under the issuer's quota lock, that `adding` more nominations like `nomination` fit
/// the issuer's quota for its award and period. Nominations in the `counted` states count, both
/// against the cap and toward a percentage's base award.
pub(super) async fn check_quota(
    tx: &WriteTx,
    nomination: &Nomination,
    counted: &[NominationState],
    adding: u32,
) -> Result<(), OpsError> {
    let period = nomination.period.year();
    let Some(quota) = tx
        .lock_quota(nomination.issuer, nomination.award, period)
        .await?
    else {
        return Ok(());
    };
    let used = tx
        .count_nominations(nomination.issuer, nomination.award, period, counted)
        .await?;
    let base_count = match quota.base {
        Some(base) => {
            tx.count_nominations(nomination.issuer, base, period, counted)
                .await?
        }
        None => 0,
    };
    quota
        .check(used, adding, base_count)
        .map_err(|e| OpsError::Rules(vec![RuleViolation::QuotaExceeded(e)]))
}

/// One nomination transition inside an open transaction; returns the nomination as saved.
///
/// `authorize_at_proposing_unit` names the action to authorize at the proposing unit; `None`
/// means the caller already authorized elsewhere (signing is authorized at the issuer).
pub(super) async fn apply_in(
    tx: &WriteTx,
    actor: &Actor,
    id: NominationId,
    expected_version: i32,
    authorize_at_proposing_unit: Option<Action>,
    command: Command,
    now: OffsetDateTime,
) -> Result<Nomination, OpsError> {
    let current = tx.require_nomination(id).await?.nomination;
    if let Some(action) = authorize_at_proposing_unit {
        let path = tx.unit_path(current.proposing_unit).await?;
        actor.authorize(action, &path)?;
    }
    if current.version != expected_version {
        return Err(OpsError::Conflict {
            entity: "nomination",
            id: id.to_string(),
            expected: expected_version,
            actual: current.version,
        });
    }
    let (mut next, events) = nomination::apply(&current, command)?;
    next.version = tx.update_nomination(&next, expected_version, now).await?;
    for event in &events {
        let details = match event {
            nomination::Event::Decided { decision } => json!({ "decision": decision.to_string() }),
            nomination::Event::Edited
            | nomination::Event::Submitted
            | nomination::Event::Withdrawn { .. } => json!({ "version": next.version }),
        };
        tx.append_audit(audit(
            now,
            by(actor),
            "nomination",
            id.0,
            event.name(),
            Some(current.state.code()),
            Some(next.state.code()),
            event.reason(),
            details,
        ))
        .await?;
    }
    Ok(next)
}
