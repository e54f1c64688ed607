//! Signing award decisions, annulling them by another decision (Law 06/2022 Art 93.2), and
//! tracking what an annulment recovers.

use std::collections::{BTreeMap, BTreeSet};

use laurel_domain::authz::{Action, Actor, Attempt, Authority, Denied, Role};
use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::calendar::local_date;
use laurel_domain::decision::{
    Decision, DecisionKind, DecisionNumber, DecisionState, SignatureBlock, SignerCapacity,
};
use laurel_domain::ids::{AccountId, DecisionId, NominationId, ProposalId};
use laurel_domain::nomination::{NominationState, RuleViolation};
use laurel_domain::rules::{self, Verdict};
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_domain::workflow::{self, AnnulGround, Command, Situation, StageKind, Transition};
use laurel_store::{
    AnnulmentRecord, DecisionRecipient, NominationRecord, Read, ReadFacts, ReadReview, WriteTx,
};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::workflow::ActOn;
use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// Most nominations one decision may list.
pub const DECISION_MAX_NOMINATIONS: usize = 1000;
/// Longest statement of the facts behind an annulment, in characters.
pub const ANNUL_REASON_MAX: usize = 2000;

/// Input of [`Ops::sign_decision`].
#[derive(Debug, Clone)]
pub struct SignDecision {
    /// The nominations to award, each with the version the signer saw.
    pub nominations: Vec<(NominationId, i32)>,
    /// A proposal, at the version the signer saw: every nomination of it waiting for signature
    /// is awarded too.
    pub proposal: Option<(ProposalId, i32)>,
    /// How the signer signs (directly, KT., TL., TUQ.).
    pub capacity: SignerCapacity,
    /// The signer's own title, required unless signing directly ("Phó Giám đốc").
    pub signer_title: Option<String>,
}

/// Input of [`Ops::annul_decision`].
#[derive(Debug, Clone)]
pub struct AnnulDecision {
    /// The award decision annulled.
    pub decision: DecisionId,
    /// The recipients whose award it annuls (all or some), each with the version seen.
    pub nominations: Vec<(NominationId, i32)>,
    /// The ground, a-d.
    pub ground: AnnulGround,
    /// The facts behind it.
    pub reason: String,
    /// How the signer signs.
    pub capacity: SignerCapacity,
    /// The signer's own title, required unless signing directly.
    pub signer_title: Option<String>,
}

/// Input of [`Ops::record_recovery`]: what was recovered of an annulled award.
#[derive(Debug, Clone)]
pub struct RecordRecovery {
    /// The nomination whose award was annulled.
    pub nomination: NominationId,
    /// The version of its recovery record seen.
    pub expected_version: i32,
    /// When the artefact was returned.
    pub artefact_returned_on: Option<Date>,
    /// Cash recovered so far.
    pub cash_recovered_vnd: Option<i64>,
    /// When.
    pub cash_recovered_on: Option<Date>,
}

/// Refuses an account that holds the signer's role nowhere (its own or delegated), before any
/// id it sent is looked up.
fn signs_somewhere(actor: &Actor) -> Result<(), OpsError> {
    if actor.has_role(Role::Signer) {
        return Ok(());
    }
    Err(OpsError::Forbidden(Denied {
        attempt: Attempt::Stage {
            role: Role::Signer,
            command_vi: "ký quyết định cho",
            command_en: "sign a decision on",
            party_vi: "cấp khen thưởng",
            party_en: "the issuer",
        },
        unit: None,
    }))
}

fn validate_list(items: &[(NominationId, i32)]) -> Result<Vec<(NominationId, i32)>, OpsError> {
    let ids: BTreeSet<NominationId> = items.iter().map(|(id, _)| *id).collect();
    if items.is_empty() || items.len() > DECISION_MAX_NOMINATIONS {
        return Err(OpsError::invalid(InvalidInput::OutOfRange {
            field: "nominations",
            min: 1,
            max: DECISION_MAX_NOMINATIONS as i64,
            actual: items.len() as i64,
        }));
    }
    if ids.len() != items.len() {
        return Err(OpsError::invalid(InvalidInput::Malformed {
            field: "nominations",
            expected_vi: "mỗi đề nghị chỉ được nêu một lần",
            expected_en: "each nomination may be listed once",
        }));
    }
    // Rows are locked in one order (by id) so concurrent signings cannot deadlock.
    let mut sorted = items.to_vec();
    sorted.sort_unstable_by_key(|(id, _)| *id);
    Ok(sorted)
}

impl Ops {
    /// The signer's printed name: the linked person's rank and name, else the account's name.
    async fn signer_name(&self, actor: &Actor) -> Result<String, OpsError> {
        self.account_name(actor.account).await
    }

    /// How a person's name is printed for an account: the linked person's rank and name, else
    /// the account's display name.
    pub async fn account_name(&self, account: AccountId) -> Result<String, OpsError> {
        let found = self
            .store
            .account(account)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "account",
                id: account.to_string(),
            })?;
        Ok(match found.person {
            Some(person) => self
                .store
                .person(person)
                .await?
                .map_or(found.display_name.clone(), |p| p.display_name()),
            None => found.display_name.clone(),
        })
    }

    /// Loads the nominations of a decision in id order: each must be readable by the actor, at
    /// the version it saw, and all of one issuer.
    /// The nominations of a proposal waiting at their SIGN stage, at their current versions;
    /// the proposal's version is checked and moved on.
    async fn waiting_for_signature(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        proposal: ProposalId,
        expected_version: i32,
    ) -> Result<Vec<(NominationId, i32)>, OpsError> {
        let record = tx.proposal(proposal).await?.ok_or(OpsError::NotFound {
            entity: "proposal",
            id: proposal.to_string(),
        })?;
        actor.authorize(Action::Read, &record.proposing_path)?;
        let mut waiting = Vec::new();
        for r in tx.claim_proposal(proposal, expected_version).await? {
            let n = &r.nomination;
            let at_sign = n.state() == NominationState::Submitted
                && self.workflow_of(n)?.stage(n.progress().position.stage).kind == StageKind::Sign;
            if at_sign {
                waiting.push((n.id, n.version()));
            }
        }
        Ok(waiting)
    }

    async fn load_for_decision(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        items: &[(NominationId, i32)],
    ) -> Result<Vec<NominationRecord>, OpsError> {
        let mut records: Vec<NominationRecord> = Vec::with_capacity(items.len());
        for (id, expected) in items {
            let record = tx.require_nomination(*id).await?;
            self.must_read(tx, actor, &record).await?;
            if let Some(first) = records.first()
                && first.nomination.issuer != record.nomination.issuer
            {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "nominations",
                    expected_vi: "mọi đề nghị trong một quyết định phải cùng một cấp khen thưởng",
                    expected_en: "all nominations in one decision must have the same issuer",
                }));
            }
            if record.nomination.version() != *expected {
                return Err(OpsError::Conflict {
                    entity: "nomination",
                    id: id.to_string(),
                    expected: *expected,
                    actual: record.nomination.version(),
                });
            }
            records.push(record);
        }
        Ok(records)
    }

    /// Runs `command` through the workflow for every nomination without saving anything: every
    /// refusal (not at the stage, not the issuer's signer, the same account as an earlier duty)
    /// surfaces before a number is taken. Returns the right the actor signs by.
    async fn dry_run(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        records: &[NominationRecord],
        command: &Command,
        now: OffsetDateTime,
    ) -> Result<Authority, OpsError> {
        let calendar = self.working_calendar(tx).await?;
        let mut authority = Authority::Own;
        for record in records {
            let n = &record.nomination;
            let wf = self.workflow_of(n)?;
            let route = self.route_of(tx, record).await?;
            let ruleset = self.ruleset(n.ruleset.as_deref(), n.period.year())?;
            let empty = BTreeSet::new();
            let situation = Situation {
                today: local_date(now),
                calendar: &calendar,
                route: &route,
                rule: ruleset.award(n.award),
                dossier: &empty,
                eligibility: None,
                quota: None,
                consultations: &[],
                vote_rule: None,
            };
            let Transition { authority: a, .. } =
                workflow::apply(wf, n, actor, command.clone(), &situation)?;
            authority = a;
        }
        Ok(authority)
    }

    /// Signs one decision awarding the given nominations, each at its SIGN stage, all for one
    /// issuer.
    ///
    /// The decision takes the next number `N/QĐ-<issuer code>` for its issuer and year; all
    /// nominations move to DECIDED; or nothing happens at all.
    pub async fn sign_decision(
        &self,
        actor: &Actor,
        input: SignDecision,
        now: OffsetDateTime,
    ) -> Result<Decision, OpsError> {
        // Before anything is looked up: an account that signs nowhere learns nothing of which
        // nominations exist.
        signs_somewhere(actor)?;
        if input.proposal.is_none() {
            validate_list(&input.nominations)?;
        }
        self.printable(&[("signerTitle", input.signer_title.as_deref())])?;
        let signer_name = self.signer_name(actor).await?;
        in_tx!(self, |tx| {
            let mut listed = input.nominations.clone();
            if let Some((proposal, expected_version)) = input.proposal {
                listed.extend(
                    self.waiting_for_signature(tx, actor, proposal, expected_version)
                        .await?
                        .into_iter()
                        .filter(|(id, _)| !input.nominations.iter().any(|(n, _)| n == id)),
                );
            }
            let items = validate_list(&listed)?;
            let records = self.load_for_decision(tx, actor, &items).await?;
            let issuer = tx
                .require_unit(
                    records
                        .first()
                        .map(|r| r.nomination.issuer)
                        .ok_or(OpsError::internal("no nominations"))?,
                )
                .await?;
            let decision_id = DecisionId(edge::new_id());
            let authority = self
                .dry_run(
                    tx,
                    actor,
                    &records,
                    &Command::Sign {
                        decision: decision_id,
                    },
                    now,
                )
                .await?;
            capacity_fits(input.capacity, authority)?;
            let signature = SignatureBlock::new(
                input.capacity,
                &issuer.head_title,
                input.signer_title.as_deref(),
                &signer_name,
            )?;
            let signed_on = local_date(now);
            let year = signed_on.year();
            // The number first: if anything below fails, the rollback gives it back.
            let seq = tx
                .next_number(issuer.id, year, laurel_store::SequenceKind::Decision)
                .await?;
            let decision = Decision {
                id: decision_id,
                issuer: issuer.id,
                number: DecisionNumber {
                    seq,
                    issuer_code: issuer.code.clone(),
                },
                year,
                signed_on,
                signer: actor.account,
                signature,
                issuer_title: issuer.issuer_title(),
                state: DecisionState::Signed,
                kind: DecisionKind::Award,
                acting_for: acting_for(authority),
            };
            tx.insert_decision(&decision, now).await?;

            // Each nomination is judged by its pinned ruleset on the decision date, then decided
            // and its initiatives claimed before the next is judged: individuals first, so a
            // collective in the same decision counts its members' new titles, and one nominee's
            // second award in it cannot count what the first one used. Any failed computable
            // criterion refuses the whole decision; every one is listed.
            let mut order: Vec<usize> = (0..records.len()).collect();
            order.sort_by_key(|&i| {
                let n = &records[i].nomination;
                (n.nominee.kind() != RecipientKind::Individual, n.id)
            });
            let mut violations = Vec::new();
            let mut relied_on: BTreeMap<NominationId, Vec<String>> = BTreeMap::new();
            let mut decided: Vec<NominationRecord> = Vec::with_capacity(records.len());
            for i in order {
                let record = &records[i];
                let eligibility = self.eligibility_of(tx, record, signed_on).await?;
                if eligibility.verdict == Verdict::Ineligible {
                    violations.extend(eligibility.failed().map(|c| {
                        RuleViolation::CriterionNotMet {
                            nomination: Some(record.nomination.id),
                            criterion: c.id.clone(),
                            article: c.article.clone(),
                            message_vi: c.message_vi.clone(),
                            message_en: c.message_en.clone(),
                        }
                    }));
                    continue;
                }
                let ids: Vec<uuid::Uuid> = eligibility
                    .relied_on
                    .iter()
                    .filter_map(|id| uuid::Uuid::parse_str(id).ok())
                    .collect();
                // Busy when another award claimed one meanwhile: the transaction runs again and
                // judges with the current facts.
                tx.mark_recognitions_used(&ids, record.nomination.id)
                    .await?;
                relied_on.insert(record.nomination.id, eligibility.relied_on);
                decided.push(
                    self.act_in(
                        tx,
                        actor,
                        ActOn {
                            id: record.nomination.id,
                            expected_version: record.nomination.version(),
                            command: Command::Sign {
                                decision: decision.id,
                            },
                        },
                        now,
                    )
                    .await?,
                );
            }
            if !violations.is_empty() {
                return Err(OpsError::Rules(violations));
            }

            // Quotas, re-checked under the issuer's lock with everything decided, this decision
            // included (also as the base of a percentage).
            let mut groups: BTreeMap<(AwardKind, i32), &NominationRecord> = BTreeMap::new();
            for record in &decided {
                let n = &record.nomination;
                groups.entry((n.award, n.period.year())).or_insert(record);
            }
            for sample in groups.values() {
                let held = NominationState::those(NominationState::holds_award);
                if let Some(exceeded) = self
                    .quota_exceeded_among(tx, &sample.nomination, 0, &held)
                    .await?
                {
                    return Err(OpsError::Rules(vec![RuleViolation::QuotaExceeded(
                        exceeded,
                    )]));
                }
            }

            let mut total_vnd: i64 = 0;
            for record in &decided {
                let n = &record.nomination;
                let reward = rules::reward(&self.rulesets, n.award, n.nominee.kind(), signed_on)
                    .map_err(|e| match e {
                        rules::RewardError::RecipientNotAccepted { award, kind } => {
                            OpsError::Rules(vec![RuleViolation::RecipientKindNotAccepted {
                                award,
                                kind,
                            }])
                        }
                        other => OpsError::internal(format!("cash reward for {}: {other}", n.id)),
                    })?;
                total_vnd += reward.amount_vnd;
                tx.insert_decision_recipient(&DecisionRecipient {
                    decision: decision.id,
                    nomination: n.id,
                    ruleset: reward.ruleset.clone(),
                    coefficient_thousandths: reward.coefficient_thousandths,
                    base_salary_vnd: reward.base_salary_vnd,
                    amount_vnd: reward.amount_vnd,
                })
                .await?;
            }
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Decision(decision.id), Kind::DecisionSigned, json!({
                    "number": decision.number.to_string(),
                    "kind": decision.kind.code(),
                    "signedOn": decision.signed_on.to_string(),
                    "capacity": decision.signature.capacity.code(),
                    "actingFor": decision.acting_for.map(|a| a.to_string()),
                    "nominations": items.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>(),
                    "totalRewardVnd": total_vnd,
                    "recognitionsUsed": relied_on
                        .iter()
                        .filter(|(_, ids)| !ids.is_empty())
                        .map(|(nomination, ids)| (nomination.to_string(), json!(ids)))
                        .collect::<serde_json::Map<_, _>>(),
                })).states(None, Some(decision.state.code()))))
            .await?;
            Ok(decision)
        })
    }

    /// Annuls the awards of some or all recipients of a decision by a new, numbered decision of
    /// the same issuer (same gapless sequence), on a ground of Law 06/2022 Art 93.2. The
    /// nominations become ANNULLED, their certificates read as annulled, the cash and artefacts
    /// to recover are tracked; nothing is deleted, and the original decision is never edited
    /// (it reads ANNULLED once every award in it is).
    pub async fn annul_decision(
        &self,
        actor: &Actor,
        input: AnnulDecision,
        now: OffsetDateTime,
    ) -> Result<Decision, OpsError> {
        signs_somewhere(actor)?;
        let items = validate_list(&input.nominations)?;
        let reason = bounded_line("reason", &input.reason, ANNUL_REASON_MAX)?;
        self.printable(&[
            ("signerTitle", input.signer_title.as_deref()),
            ("reason", Some(&reason)),
        ])?;
        let signer_name = self.signer_name(actor).await?;
        in_tx!(self, |tx| {
            let original = tx
                .lock_decision(input.decision)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "decision",
                    id: input.decision.to_string(),
                })?;
            let issuer = tx.require_unit(original.issuer).await?;
            if original.kind != DecisionKind::Award {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "decisionId",
                    expected_vi: "một quyết định khen thưởng (quyết định hủy bỏ không bị hủy tiếp)",
                    expected_en: "an award decision (an annulment decision is not itself annulled)",
                }));
            }
            let records = self.load_for_decision(tx, actor, &items).await?;
            if let Some(other) = records
                .iter()
                .find(|r| r.nomination.decision != Some(original.id))
            {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "nominations",
                    expected_vi: if other.nomination.decision.is_some() {
                        "chỉ các đề nghị được khen thưởng trong quyết định này"
                    } else {
                        "chỉ các đề nghị đã được khen thưởng trong quyết định này"
                    },
                    expected_en: "only nominations awarded by this decision",
                }));
            }
            let annulment_id = DecisionId(edge::new_id());
            let command = Command::Annul {
                decision: annulment_id,
                ground: input.ground,
            };
            let authority = self.dry_run(tx, actor, &records, &command, now).await?;
            capacity_fits(input.capacity, authority)?;
            let signature = SignatureBlock::new(
                input.capacity,
                &issuer.head_title,
                input.signer_title.as_deref(),
                &signer_name,
            )?;
            let signed_on = local_date(now);
            let year = signed_on.year();
            let seq = tx
                .next_number(issuer.id, year, laurel_store::SequenceKind::Decision)
                .await?;
            let annulment = Decision {
                id: annulment_id,
                issuer: issuer.id,
                number: DecisionNumber {
                    seq,
                    issuer_code: issuer.code.clone(),
                },
                year,
                signed_on,
                signer: actor.account,
                signature,
                issuer_title: issuer.issuer_title(),
                state: DecisionState::Signed,
                kind: DecisionKind::Annulment {
                    annuls: original.id,
                    ground: input.ground,
                    reason: reason.clone(),
                },
                acting_for: acting_for(authority),
            };
            tx.insert_decision(&annulment, now).await?;
            let mut certificates = 0;
            for record in &records {
                let id = record.nomination.id;
                self.act_in(
                    tx,
                    actor,
                    ActOn {
                        id,
                        expected_version: record.nomination.version(),
                        command: command.clone(),
                    },
                    now,
                )
                .await?;
                let amount = tx.recipient_of(id).await?.map(|r| r.amount_vnd);
                tx.insert_annulment(&AnnulmentRecord {
                    nomination: id,
                    annulment: annulment.id,
                    decision: original.id,
                    amount_vnd: amount,
                    artefact_returned_on: None,
                    cash_recovered_vnd: None,
                    cash_recovered_on: None,
                    version: 1,
                })
                .await?;
                if tx.annul_certificate_of(id).await? {
                    certificates += 1;
                }
            }
            let still_awarded = tx
                .nominations_of_decision(original.id)
                .await?
                .iter()
                .any(|r| r.nomination.state().holds_award());
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Decision(annulment.id), Kind::DecisionSigned, json!({
                    "number": annulment.number.to_string(),
                    "kind": annulment.kind.code(),
                    "annuls": original.id.to_string(),
                    "ground": input.ground.code(),
                    "nominations": items.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>(),
                    "certificatesAnnulled": certificates,
                })).states(None, Some(annulment.state.code())).reason(Some(&reason))))
            .await?;
            if !still_awarded {
                tx.annul_decision_row(original.id).await?;
                tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Decision(original.id), Kind::DecisionAnnulled, json!({ "by": annulment.id.to_string(), "number": annulment.number.to_string() })).states(Some(DecisionState::Signed.code()), Some(DecisionState::Annulled.code())).reason(Some(&reason))))
                .await?;
            }
            Ok(annulment)
        })
    }

    /// Records what was recovered of an annulled award (the issuer's signer or emulation
    /// office), at the version of the recovery record seen.
    pub async fn record_recovery(
        &self,
        actor: &Actor,
        input: RecordRecovery,
        now: OffsetDateTime,
    ) -> Result<AnnulmentRecord, OpsError> {
        if input.cash_recovered_vnd.is_some_and(|v| v < 0) {
            return Err(OpsError::invalid(InvalidInput::OutOfRange {
                field: "cashRecoveredVnd",
                min: 0,
                max: i64::MAX,
                actual: input.cash_recovered_vnd.unwrap_or(0),
            }));
        }
        in_tx!(self, |tx| {
            let current = tx
                .annulment_of(input.nomination)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "annulment",
                    id: input.nomination.to_string(),
                })?;
            let nomination = tx.require_nomination(input.nomination).await?;
            let issuer = tx.unit_path(nomination.nomination.issuer).await?;
            actor.authorize(Action::TrackRecovery, &issuer)?;
            let next = AnnulmentRecord {
                artefact_returned_on: input.artefact_returned_on,
                cash_recovered_vnd: input.cash_recovered_vnd,
                cash_recovered_on: input.cash_recovered_on,
                ..current.clone()
            };
            let version = tx.record_recovery(&next, input.expected_version).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Annulment(input.nomination),
                    Kind::RecoveryRecorded,
                    json!({
                        "artefactReturnedOn": next.artefact_returned_on.map(|d| d.to_string()),
                        "cashRecoveredVnd": next.cash_recovered_vnd,
                        "cashRecoveredOn": next.cash_recovered_on.map(|d| d.to_string()),
                        "amountVnd": next.amount_vnd,
                    }),
                ),
            ))
            .await?;
            Ok(AnnulmentRecord { version, ..next })
        })
    }

    /// [`Ops::quota_exceeded`] counting only nominations in `counted` states.
    pub(crate) async fn quota_exceeded_among(
        &self,
        tx: &WriteTx,
        nomination: &laurel_domain::nomination::Nomination,
        adding: u32,
        counted: &[NominationState],
    ) -> Result<Option<laurel_domain::quota::QuotaExceeded>, OpsError> {
        let period = nomination.period.year();
        let Some(quota) = tx
            .lock_quota(nomination.issuer, nomination.award, period)
            .await?
        else {
            return Ok(None);
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
        Ok(quota.check(used, adding, base_count).err())
    }
}

/// The delegator, when the signer acts by delegation.
fn acting_for(authority: Authority) -> Option<laurel_domain::ids::AccountId> {
    match authority {
        Authority::Own => None,
        Authority::Acting { for_account } => Some(for_account),
    }
}

/// A delegated signer signs "TUQ.".
fn capacity_fits(capacity: SignerCapacity, authority: Authority) -> Result<(), OpsError> {
    capacity.check_authority(authority).map_err(|_| {
        OpsError::invalid(InvalidInput::Malformed {
            field: "capacity",
            expected_vi: "TUQ (thừa ủy quyền): bạn ký theo ủy quyền",
            expected_en: "TUQ (by authorisation): you sign by delegation",
        })
    })
}
