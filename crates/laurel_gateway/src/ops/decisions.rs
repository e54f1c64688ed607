//! Signing award decisions.

use std::collections::{BTreeMap, BTreeSet};

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::local_date;
use laurel_domain::decision::{
    Decision, DecisionNumber, DecisionState, SignatureBlock, SignerCapacity,
};
use laurel_domain::ids::{DecisionId, NominationId};
use laurel_domain::nomination::{
    Command, CommandKind, Nomination, NominationState, RuleViolation, TransitionError,
};
use laurel_domain::rules::{self, Verdict};
use laurel_domain::text::InvalidInput;
use laurel_store::{DecisionRecipient, NominationRecord, Read, SequenceKind};
use serde_json::json;
use time::OffsetDateTime;

use super::nominations::{apply_in, check_quota};
use super::{Ops, audit, by};
use crate::edge;
use crate::error::OpsError;

/// Most nominations one decision may list.
pub const DECISION_MAX_NOMINATIONS: usize = 1000;

/// Input of [`Ops::sign_decision`].
#[derive(Debug, Clone)]
pub struct SignDecision {
    /// The nominations to award, each with the version the signer saw.
    pub nominations: Vec<(NominationId, i32)>,
    /// How the signer signs (directly, KT., TL., TUQ.).
    pub capacity: SignerCapacity,
    /// The signer's own title, required unless signing directly ("Phó Giám đốc").
    pub signer_title: Option<String>,
}

impl Ops {
    /// Signs one decision awarding the given submitted nominations, all for one issuer.
    ///
    /// The decision takes the next number `N/QĐ-<issuer code>` for its issuer and year; all
    /// nominations move to DECIDED; or nothing happens at all.
    pub async fn sign_decision(
        &self,
        actor: &Actor,
        input: SignDecision,
        now: OffsetDateTime,
    ) -> Result<Decision, OpsError> {
        let ids: BTreeSet<NominationId> = input.nominations.iter().map(|(id, _)| *id).collect();
        if input.nominations.is_empty() || input.nominations.len() > DECISION_MAX_NOMINATIONS {
            return Err(OpsError::invalid(InvalidInput::OutOfRange {
                field: "nominations",
                min: 1,
                max: DECISION_MAX_NOMINATIONS as i64,
                actual: input.nominations.len() as i64,
            }));
        }
        if ids.len() != input.nominations.len() {
            return Err(OpsError::invalid(InvalidInput::Malformed {
                field: "nominations",
                expected_vi: "mỗi đề nghị chỉ được nêu một lần",
                expected_en: "each nomination may be listed once",
            }));
        }
        self.printable(&[("signerTitle", input.signer_title.as_deref())])?;
        // Lock rows in one order (by id) so concurrent signings cannot deadlock.
        let mut items = input.nominations.clone();
        items.sort_unstable_by_key(|(id, _)| *id);
        let signer = self
            .store
            .account(actor.account)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "account",
                id: actor.account.to_string(),
            })?;
        let signer_name = match signer.person {
            Some(person) => self
                .store
                .person(person)
                .await?
                .map_or(signer.display_name.clone(), |p| p.display_name()),
            None => signer.display_name.clone(),
        };

        in_tx!(self, |tx| {
            let mut records = Vec::with_capacity(items.len());
            for (id, _) in &items {
                let record = tx.require_nomination(*id).await?;
                let nomination = &record.nomination;
                if let Some(first) = records.first() {
                    let first: &NominationRecord = first;
                    if first.nomination.issuer != nomination.issuer {
                        return Err(OpsError::invalid(InvalidInput::Malformed {
                            field: "nominations",
                            expected_vi: "mọi đề nghị trong một quyết định phải cùng một cấp khen thưởng",
                            expected_en: "all nominations in one decision must have the same issuer",
                        }));
                    }
                }
                records.push(record);
            }
            let issuer = tx
                .require_unit(
                    records
                        .first()
                        .map(|r| r.nomination.issuer)
                        .ok_or(OpsError::internal("no nominations"))?,
                )
                .await?;
            actor.authorize(Action::SignDecision, &issuer.path)?;
            for (record, (id, expected_version)) in records.iter().zip(&items) {
                if record.nomination.version != *expected_version {
                    return Err(OpsError::Conflict {
                        entity: "nomination",
                        id: id.to_string(),
                        expected: *expected_version,
                        actual: record.nomination.version,
                    });
                }
                if record.nomination.state != NominationState::Submitted {
                    return Err(OpsError::Transition(TransitionError {
                        from: record.nomination.state,
                        command: CommandKind::Sign,
                    }));
                }
            }
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
                .next_number(issuer.id, year, SequenceKind::Decision)
                .await?;
            let decision = Decision {
                id: DecisionId(edge::new_id()),
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
                (
                    n.nominee.kind() != laurel_domain::award::RecipientKind::Individual,
                    n.id,
                )
            });
            let mut violations = Vec::new();
            let mut relied_on: BTreeMap<NominationId, Vec<String>> = BTreeMap::new();
            for i in order {
                let record = &records[i];
                let expected_version = items[i].1;
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
                apply_in(
                    tx,
                    actor,
                    record.nomination.id,
                    expected_version,
                    None, // authorized above, exactly at the issuer
                    Command::Sign {
                        decision: decision.id,
                    },
                    now,
                )
                .await?;
            }
            if !violations.is_empty() {
                return Err(OpsError::Rules(violations));
            }

            // Quotas, re-checked under the issuer's lock with everything decided, this decision
            // included (also as the base of a percentage).
            let mut groups: BTreeMap<(AwardKind, i32), Nomination> = BTreeMap::new();
            for record in &records {
                let n = &record.nomination;
                groups
                    .entry((n.award, n.period.year()))
                    .or_insert_with(|| n.clone());
            }
            for sample in groups.values() {
                check_quota(tx, sample, &[NominationState::Decided], 0).await?;
            }

            let mut total_vnd: i64 = 0;
            for record in &records {
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
            tx.append_audit(audit(
                now,
                by(actor),
                "decision",
                decision.id.0,
                "DECISION_SIGNED",
                None,
                Some(decision.state.code()),
                None,
                json!({
                    "number": decision.number.to_string(),
                    "signedOn": decision.signed_on.to_string(),
                    "nominations": items.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>(),
                    "totalRewardVnd": total_vnd,
                    "recognitionsUsed": relied_on
                        .iter()
                        .filter(|(_, ids)| !ids.is_empty())
                        .map(|(nomination, ids)| (nomination.to_string(), json!(ids)))
                        .collect::<serde_json::Map<_, _>>(),
                }),
            ))
            .await?;
            Ok(decision)
        })
    }
}
