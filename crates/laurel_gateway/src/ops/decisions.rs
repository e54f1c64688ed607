//! Signing award decisions.

use std::collections::BTreeSet;

use laurel_domain::authz::{Action, Actor};
use laurel_domain::calendar::local_date;
use laurel_domain::decision::{
    Decision, DecisionNumber, DecisionState, SignatureBlock, SignerCapacity,
};
use laurel_domain::ids::{DecisionId, NominationId};
use laurel_domain::nomination::Command;
use laurel_domain::text::InvalidInput;
use laurel_store::{Read, SequenceKind};
use serde_json::json;
use time::OffsetDateTime;

use super::nominations::apply_in;
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
            let mut issuer = None;
            for (id, _) in &items {
                let nomination = tx.require_nomination(*id).await?.nomination;
                match issuer {
                    None => issuer = Some(nomination.issuer),
                    Some(same) if same == nomination.issuer => {}
                    Some(_) => {
                        return Err(OpsError::invalid(InvalidInput::Malformed {
                            field: "nominations",
                            expected_vi: "mọi đề nghị trong một quyết định phải cùng một cấp khen thưởng",
                            expected_en: "all nominations in one decision must have the same issuer",
                        }));
                    }
                }
            }
            let issuer = tx
                .require_unit(issuer.ok_or(OpsError::internal("no nominations"))?)
                .await?;
            actor.authorize(Action::SignDecision, &issuer.path)?;
            let signature = SignatureBlock::new(
                input.capacity,
                &issuer.head_title,
                input.signer_title.as_deref(),
                &signer_name,
            )?;
            let signed_on = local_date(now);
            let year = signed_on.year();
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
            for (id, expected_version) in &items {
                apply_in(
                    tx,
                    actor,
                    *id,
                    *expected_version,
                    None, // authorized above, exactly at the issuer
                    Command::Sign {
                        decision: decision.id,
                    },
                    now,
                )
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
                }),
            ))
            .await?;
            Ok(decision)
        })
    }
}
