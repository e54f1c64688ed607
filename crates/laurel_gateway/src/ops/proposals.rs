//! Proposals (tờ trình, Mẫu 01): many nominations of one proposing unit for one issuer,
//! travelling together, each with its own outcome; and bulk actions over a proposal or a list,
//! each nomination applied wholly or not at all.

use std::collections::BTreeSet;

use laurel_domain::authz::{Action, Actor};
use laurel_domain::ids::{NominationId, ProposalId, UnitId};
use laurel_domain::nomination::NominationState;
use laurel_domain::org::SHORT_TEXT_MAX;
use laurel_domain::text::{InvalidInput, optional_line};
use laurel_domain::workflow::Command;
use laurel_store::{NominationRecord, ProposalRecord, Read, ReadReview};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::workflow::ActOn;
use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, NominationEvent, Subject};

/// Most nominations in one proposal or one bulk action.
pub const BULK_MAX: usize = 1000;

/// Input of [`Ops::create_proposal`].
#[derive(Debug, Clone)]
pub struct CreateProposal {
    /// The proposing unit.
    pub proposing_unit: UnitId,
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
    /// Its nominations, each at the version seen: drafts or returned ones of the proposing unit
    /// for the issuer, in no other proposal.
    pub nominations: Vec<(NominationId, i32)>,
}

/// Where a proposal stands, derived from its nominations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Every nomination is a draft.
    Draft,
    /// Some are under review or returned, or drafts sit beside others that moved on.
    InReview,
    /// Every nomination has its outcome (decided, rejected, withdrawn or annulled).
    Closed,
}

impl ProposalStatus {
    /// The status of a proposal whose nominations are in `states`.
    pub fn of(states: &[NominationState]) -> ProposalStatus {
        let closed = |s: &NominationState| s.is_final() || s.holds_award();
        if states.iter().all(closed) && !states.is_empty() {
            ProposalStatus::Closed
        } else if states.iter().all(|s| *s == NominationState::Draft) {
            ProposalStatus::Draft
        } else {
            ProposalStatus::InReview
        }
    }
}

/// What a bulk action acts on.
#[derive(Debug, Clone)]
pub enum Bulk {
    /// Every nomination of a proposal, at the proposal's version seen.
    Proposal {
        /// The proposal.
        id: ProposalId,
        /// Its version seen (it moves on with every change of one of its nominations).
        expected_version: i32,
    },
    /// These nominations, each at the version seen.
    List(Vec<(NominationId, i32)>),
}

/// The result of a bulk action for one nomination.
#[derive(Debug)]
pub struct Outcome {
    /// The nomination.
    pub id: NominationId,
    /// As saved, or why not (nothing of it changed).
    pub result: Result<NominationRecord, OpsError>,
}

impl Ops {
    /// Groups drafts of one proposing unit for one issuer into a proposal (the proposing unit's
    /// clerks).
    pub async fn create_proposal(
        &self,
        actor: &Actor,
        input: CreateProposal,
        now: OffsetDateTime,
    ) -> Result<ProposalRecord, OpsError> {
        let number = optional_line("number", input.number.as_deref(), SHORT_TEXT_MAX);
        let signer_name = optional_line(
            "signerName",
            input.signer_name.as_deref(),
            SHORT_TEXT_MAX * 2,
        );
        let signer_title =
            optional_line("signerTitle", input.signer_title.as_deref(), SHORT_TEXT_MAX);
        let (number, signer_name, signer_title) = match (number, signer_name, signer_title) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (a, b, c) => {
                return Err(OpsError::Invalid(
                    [a.err(), b.err(), c.err()].into_iter().flatten().collect(),
                ));
            }
        };
        self.printable(&[
            ("signerName", signer_name.as_deref()),
            ("signerTitle", signer_title.as_deref()),
        ])?;
        let ids: BTreeSet<NominationId> = input.nominations.iter().map(|(id, _)| *id).collect();
        if input.nominations.is_empty()
            || input.nominations.len() > BULK_MAX
            || ids.len() != input.nominations.len()
        {
            return Err(OpsError::invalid(InvalidInput::OutOfRange {
                field: "nominations",
                min: 1,
                max: BULK_MAX as i64,
                actual: input.nominations.len() as i64,
            }));
        }
        in_tx!(self, |tx| {
            let proposing = tx.require_unit(input.proposing_unit).await?;
            actor.authorize(Action::DraftNomination, &proposing.path)?;
            Self::require_tree_units(tx, &[proposing.id], "proposingUnitId").await?;
            self.require_tree_unit(tx, input.issuer, "issuerUnitId")
                .await?;
            let proposal = ProposalRecord {
                id: ProposalId(edge::new_id()),
                proposing_unit: proposing.id,
                proposing_path: proposing.path.clone(),
                issuer: input.issuer,
                number: number.clone(),
                proposed_on: input.proposed_on,
                signer_name: signer_name.clone(),
                signer_title: signer_title.clone(),
                created_by: actor.account,
                created_at: now,
                version: 1,
            };
            tx.insert_proposal(&proposal).await?;
            let mut sorted = input.nominations.clone();
            sorted.sort_unstable_by_key(|(id, _)| *id);
            for (id, expected) in &sorted {
                let record = tx.require_nomination(*id).await?;
                let n = &record.nomination;
                if n.version() != *expected {
                    return Err(OpsError::Conflict {
                        entity: "nomination",
                        id: id.to_string(),
                        expected: *expected,
                        actual: n.version(),
                    });
                }
                let fits = n.issuer == input.issuer
                    && record.proposing_path.contains(proposing.id)
                    && n.proposal.is_none()
                    && matches!(
                        n.state(),
                        NominationState::Draft | NominationState::Returned
                    );
                if !fits {
                    return Err(OpsError::invalid(InvalidInput::Malformed {
                        field: "nominations",
                        expected_vi: "các đề nghị đang soạn (hoặc bị trả lại) của đơn vị đề nghị, cùng một cấp khen thưởng, chưa thuộc tờ trình nào",
                        expected_en: "drafts (or returned nominations) of the proposing unit, all for the same issuer, in no other proposal",
                    }));
                }
                let wf = self.workflow_of(n)?;
                let route = self.route_of(tx, &record).await?;
                let next = n.clone().in_proposal(proposal.id);
                let version = tx
                    .update_nomination(
                        &next,
                        *expected,
                        super::workflow::waiting(wf, &next, &route),
                        now,
                    )
                    .await?;
                tx.record(&recorded(
                    now,
                    by(actor),
                    record.proposing_path.clone(),
                    NominationEvent::Grouped {
                        id: n.id,
                        proposal: proposal.id,
                        number: proposal.number.clone(),
                        version,
                    },
                ))
                .await?;
                let stage = wf.stage(n.progress().position.stage).kind;
                let level = u32::try_from(n.progress().position.level).unwrap_or(u32::MAX);
                tx.append_history(laurel_store::NewHistoryEntry {
                    nomination: n.id,
                    issuer: n.issuer,
                    at: now,
                    actor: Some(actor.account),
                    acting_for: None,
                    event: "NOMINATION_GROUPED",
                    from_state: n.state(),
                    to_state: n.state(),
                    from_stage: stage,
                    to_stage: stage,
                    from_level: level,
                    to_level: level,
                    reasons: Vec::new(),
                    note: proposal.number.clone(),
                    details: json!({ "proposal": proposal.id.to_string() }),
                    completed: None,
                })
                .await?;
            }
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Proposal(proposal.id), Kind::ProposalCreated, json!({
                    "number": proposal.number,
                    "proposingUnit": proposal.proposing_unit.to_string(),
                    "issuer": proposal.issuer.to_string(),
                    "nominations": sorted.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>(),
                }))))
            .await?;
            tx.proposal(proposal.id)
                .await?
                .ok_or(OpsError::internal("proposal vanished"))
        })
    }

    /// A proposal, if the actor may read its proposing unit.
    pub async fn readable_proposal(
        &self,
        actor: &Actor,
        id: ProposalId,
    ) -> Result<Option<ProposalRecord>, OpsError> {
        let Some(proposal) = self.store.proposal(id).await? else {
            return Ok(None);
        };
        actor.authorize(Action::Read, &proposal.proposing_path)?;
        Ok(Some(proposal))
    }

    /// One command on many nominations, in one transaction with a savepoint each: every
    /// nomination gets its own result, and each is applied wholly or not at all. On a proposal,
    /// its version is checked and moved on first, so two bulk actions on one proposal do not
    /// interleave.
    pub async fn act_many(
        &self,
        actor: &Actor,
        on: Bulk,
        command: Command,
        now: OffsetDateTime,
    ) -> Result<Vec<Outcome>, OpsError> {
        if let Bulk::List(items) = &on {
            let ids: BTreeSet<NominationId> = items.iter().map(|(id, _)| *id).collect();
            if items.is_empty() || items.len() > BULK_MAX || ids.len() != items.len() {
                return Err(OpsError::invalid(InvalidInput::OutOfRange {
                    field: "nominations",
                    min: 1,
                    max: BULK_MAX as i64,
                    actual: items.len() as i64,
                }));
            }
        }
        in_tx!(self, |tx| {
            let targets: Vec<(NominationId, i32)> = match &on {
                Bulk::Proposal {
                    id,
                    expected_version,
                } => {
                    let proposal = tx.proposal(*id).await?.ok_or(OpsError::NotFound {
                        entity: "proposal",
                        id: id.to_string(),
                    })?;
                    actor.authorize(Action::Read, &proposal.proposing_path)?;
                    tx.claim_proposal(*id, *expected_version)
                        .await?
                        .iter()
                        .map(|r| (r.nomination.id, r.nomination.version()))
                        .collect()
                }
                Bulk::List(items) => items.clone(),
            };
            let mut outcomes = Vec::with_capacity(targets.len());
            for (id, expected_version) in targets {
                let savepoint = tx.savepoint().await?;
                let result = self
                    .act_in(
                        &savepoint,
                        actor,
                        ActOn {
                            id,
                            expected_version,
                            command: command.clone(),
                        },
                        now,
                    )
                    .await;
                match result {
                    Ok(record) => {
                        savepoint.commit().await?;
                        outcomes.push(Outcome {
                            id,
                            result: Ok(record),
                        });
                    }
                    // A busy database or a fault aborts the whole action (it is retried whole).
                    Err(
                        e @ (OpsError::Busy(_)
                        | OpsError::Unavailable(_)
                        | OpsError::NoConnection(_)
                        | OpsError::Storage(_)
                        | OpsError::Internal(_)),
                    ) => {
                        return Err(e);
                    }
                    Err(e) => {
                        savepoint.rollback().await?;
                        outcomes.push(Outcome { id, result: Err(e) });
                    }
                }
            }
            Ok(outcomes)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_status_is_derived_from_its_nominations() {
        use NominationState::*;
        #[rustfmt::skip]
        let cases: &[(&[NominationState], ProposalStatus)] = &[
            (&[Draft, Draft], ProposalStatus::Draft),
            (&[Draft, Submitted], ProposalStatus::InReview),
            (&[Returned], ProposalStatus::InReview),
            (&[Decided, Rejected, Withdrawn], ProposalStatus::Closed),
            (&[Decided, Submitted], ProposalStatus::InReview),
            (&[Annulled], ProposalStatus::Closed),
        ];
        for (states, expected) in cases {
            assert_eq!(ProposalStatus::of(states), *expected, "{states:?}");
        }
    }
}
