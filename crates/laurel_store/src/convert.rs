//! Rows to domain values. Every stored code is parsed back; an unknown code is
//! [`StoreError::Corrupt`], never a panic or a silent default.

use std::str::FromStr;

use laurel_domain::award::AwardKind;
use laurel_domain::certificate::{CertificateStatus, VerificationCode};
use laurel_domain::decision::{
    Decision, DecisionKind, DecisionNumber, DecisionState, SignatureBlock, SignerCapacity,
};
use laurel_domain::ids::ProposalId;
use laurel_domain::ids::{
    AccountId, CertificateId, DecisionId, MovementId, NominationId, PersonId, UnitId,
};
use laurel_domain::nomination::{Nomination, NominationState, Nominee, Period, Progress};
use laurel_domain::org::{Person, Unit, UnitCode, UnitPath};
use laurel_domain::workflow::{AnnulGround, Position, WorkflowRef};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::{account, audit_log, certificate, decision, nomination, person, unit};
use crate::records::{Account, AuditEntry, CertificateRecord, NominationRecord};

pub(crate) fn corrupt(entity: &'static str, id: Uuid, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        entity,
        id: id.to_string(),
        detail: detail.to_string(),
    }
}

/// Parses a stored stable code into a domain enum that has serde codes.
pub(crate) fn code<T: serde::de::DeserializeOwned>(
    entity: &'static str,
    id: impl ToString,
    value: &str,
) -> Result<T, StoreError> {
    use serde::de::IntoDeserializer;
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(value)).map_err(
        |e| StoreError::Corrupt {
            entity,
            id: id.to_string(),
            detail: e.to_string(),
        },
    )
}

pub(crate) fn parse<T: FromStr>(
    entity: &'static str,
    id: Uuid,
    value: &str,
) -> Result<T, StoreError>
where
    T::Err: ToString,
{
    value.parse().map_err(|e: T::Err| corrupt(entity, id, e))
}

/// "/a/b/c/" → [a, b, c].
pub(crate) fn parse_path(id: Uuid, path: &str) -> Result<UnitPath, StoreError> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| Uuid::parse_str(s).map(UnitId))
        .collect::<Result<Vec<_>, _>>()
        .map(UnitPath)
        .map_err(|e| corrupt("unit", id, e))
}

/// [a, b, c] → "/a/b/c/".
pub(crate) fn format_path(path: &UnitPath) -> String {
    let mut out = String::from("/");
    for id in path.ids() {
        out.push_str(&id.to_string());
        out.push('/');
    }
    out
}

pub(crate) fn unit(m: unit::Model) -> Result<Unit, StoreError> {
    Ok(Unit {
        id: UnitId(m.id),
        code: UnitCode::parse(&m.code).map_err(|e| corrupt("unit", m.id, e))?,
        path: parse_path(m.id, &m.path)?,
        name: m.name,
        head_title: m.head_title,
        place: m.place,
        parent: m.parent_id.map(UnitId),
    })
}

pub(crate) fn person(m: person::Model) -> Person {
    Person {
        id: PersonId(m.id),
        full_name: m.full_name,
        rank: m.rank,
        position: m.position,
        recruited_on: m.recruited_on,
        unit: UnitId(m.unit_id),
    }
}

pub(crate) fn account(m: account::Model) -> Result<Account, StoreError> {
    let notify_mode =
        laurel_domain::notification::Mode::from_code(&m.notify_mode).ok_or_else(|| {
            StoreError::Corrupt {
                entity: "account",
                id: m.id.to_string(),
                detail: format!("unknown notification mode `{}`", m.notify_mode),
            }
        })?;
    Ok(Account {
        id: AccountId(m.id),
        username: m.username,
        display_name: m.display_name,
        person: m.person_id.map(PersonId),
        must_change_password: m.must_change_password,
        disabled: m.disabled,
        created_at: m.created_at,
        email: m.email,
        notify_mode,
    })
}

pub(crate) fn nomination(m: nomination::Model) -> Result<NominationRecord, StoreError> {
    let nominee = match (
        m.nominee_kind.as_str(),
        m.nominee_person_id,
        m.nominee_unit_id,
    ) {
        ("INDIVIDUAL", Some(p), None) => Nominee::Person(PersonId(p)),
        ("COLLECTIVE", None, Some(u)) => Nominee::Collective(UnitId(u)),
        (kind, _, _) => {
            return Err(corrupt(
                "nomination",
                m.id,
                format!("nominee kind `{kind}` does not match its ids"),
            ));
        }
    };
    let period = Period::new(m.period).map_err(|e| corrupt("nomination", m.id, e))?;
    let count = |field: &str, value: i32| {
        u32::try_from(value).map_err(|_| corrupt("nomination", m.id, format!("negative {field}")))
    };
    let progress = Progress {
        state: parse::<NominationState>("nomination", m.id, &m.state)?,
        version: m.version,
        position: Position {
            stage: count("stage", m.stage)? as usize,
            level: count("level", m.level)? as usize,
        },
        // Rows drafted before the workflow kept no stage date: their drafting day stands in.
        stage_since: m
            .stage_since
            .unwrap_or_else(|| laurel_domain::calendar::local_date(m.created_at)),
        due_on: m.due_on,
        returned_on: m.returned_on,
        paused_days: count("paused_days", m.paused_days)?,
        received_on: m.received_on,
        notice_closes_on: m.notice_closes_on,
        submitted_by: m.submitted_by.map(AccountId),
        appraised_by: m.appraised_by.map(AccountId),
        stage_touched: m.stage_touched,
    };
    let nomination = Nomination::restore(
        NominationId(m.id),
        nominee,
        parse::<AwardKind>("nomination", m.id, &m.award_kind)?,
        UnitId(m.issuer_unit_id),
        UnitId(m.proposing_unit_id),
        period,
        m.achievement,
        code::<laurel_domain::rules::CommendationKind>("nomination", m.id, &m.commendation_kind)?,
        m.ruleset_id,
        WorkflowRef {
            id: m.workflow_id,
            version: u32::try_from(m.workflow_version)
                .map_err(|_| corrupt("nomination", m.id, "negative workflow version"))?,
        },
        AccountId(m.created_by),
        m.proposal_id.map(ProposalId),
        m.decision_id.map(DecisionId),
        progress,
    )
    .in_movement(m.movement_id.map(MovementId));
    Ok(NominationRecord {
        nomination,
        proposing_path: parse_path(m.id, &m.proposing_path)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) fn decision(m: decision::Model) -> Result<Decision, StoreError> {
    let issuer_code = m
        .number
        .split_once("/QĐ-")
        .map(|(_, code)| code)
        .ok_or_else(|| corrupt("decision", m.id, "number without /QĐ-"))?;
    Ok(Decision {
        id: DecisionId(m.id),
        issuer: UnitId(m.issuer_unit_id),
        number: DecisionNumber {
            seq: m.seq,
            issuer_code: UnitCode::parse(issuer_code).map_err(|e| corrupt("decision", m.id, e))?,
        },
        year: m.year,
        signed_on: m.signed_on,
        signer: AccountId(m.signer_account_id),
        signature: SignatureBlock {
            capacity: parse::<SignerCapacity>("decision", m.id, &m.signer_capacity)?,
            capacity_line: m.capacity_line,
            title_line: m.title_line,
            name: m.signer_name,
        },
        issuer_title: m.issuer_title,
        state: parse::<DecisionState>("decision", m.id, &m.state)?,
        kind: match (m.kind.as_str(), m.annuls_decision_id, m.ground) {
            ("AWARD", None, None) => DecisionKind::Award,
            ("ANNULMENT", Some(annuls), Some(ground)) => DecisionKind::Annulment {
                annuls: DecisionId(annuls),
                ground: parse::<AnnulGround>("decision", m.id, &ground)?,
                reason: m.reason.unwrap_or_default(),
            },
            (kind, _, _) => {
                return Err(corrupt(
                    "decision",
                    m.id,
                    format!("kind `{kind}` does not match its annulment columns"),
                ));
            }
        },
        acting_for: m.acting_for.map(AccountId),
    })
}

pub(crate) fn certificate(m: certificate::Model) -> Result<CertificateRecord, StoreError> {
    Ok(CertificateRecord {
        id: CertificateId(m.id),
        decision: DecisionId(m.decision_id),
        nomination: NominationId(m.nomination_id),
        code: parse::<VerificationCode>("certificate", m.id, &m.code)?,
        golden_book_no: m.golden_book_no,
        status: parse::<CertificateStatus>("certificate", m.id, &m.status)?,
        content: m.content,
        content_sha256: m.content_sha256,
        issued_at: m.issued_at,
        issued_by: AccountId(m.issued_by),
        key_id: m.key_id,
        signature: m.signature,
    })
}

pub(crate) fn audit(m: audit_log::Model) -> Result<AuditEntry, StoreError> {
    let details = serde_json::from_str(&m.details).map_err(|e| StoreError::Corrupt {
        entity: "audit_log",
        id: m.id.to_string(),
        detail: e.to_string(),
    })?;
    Ok(AuditEntry {
        id: m.id,
        at: m.at,
        actor: m.actor_account_id.map(AccountId),
        entity: m.entity,
        entity_id: m.entity_id,
        action: m.action,
        from_state: m.from_state,
        to_state: m.to_state,
        reason: m.reason,
        details,
        chain: m.chain,
        seq: m.seq,
        prev_hash: m.prev_hash,
        hash: m.hash,
    })
}
