//! What a caller may read. The schema asks here rather than deciding visibility itself.

use laurel_domain::authz::{Action, Actor, Denied};
use laurel_domain::decision::Decision;
use laurel_domain::ids::{CertificateId, DecisionId, NominationId, PersonId, UnitId};
use laurel_domain::org::Person;
use laurel_store::{CertificateRecord, NominationRecord, Read};

use super::Ops;
use crate::error::OpsError;

impl Ops {
    /// Whether the actor may read what lies at `unit`.
    pub async fn may_read_at(&self, actor: &Actor, unit: UnitId) -> Result<bool, OpsError> {
        let path = self.store.unit_path(unit).await?;
        Ok(actor.authorize(Action::Read, &path).is_ok())
    }

    fn denied(unit: UnitId) -> OpsError {
        OpsError::Forbidden(Denied::action(Action::Read, Some(unit)))
    }

    /// A person, if the actor may read their unit (`None` when there is no such person).
    pub async fn readable_person(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> Result<Option<Person>, OpsError> {
        let Some(person) = self.store.person(id).await? else {
            return Ok(None);
        };
        if !self.may_read_at(actor, person.unit).await? {
            return Err(Self::denied(person.unit));
        }
        Ok(Some(person))
    }

    /// A nomination, if the actor may read its proposing unit.
    pub async fn readable_nomination(
        &self,
        actor: &Actor,
        id: NominationId,
    ) -> Result<Option<NominationRecord>, OpsError> {
        let Some(record) = self.store.nomination(id).await? else {
            return Ok(None);
        };
        self.must_read(&self.store, actor, &record).await?;
        Ok(Some(record))
    }

    /// Refuses a non-administrator's audit query unless it asks for one aggregate they may read:
    /// a nomination, a decision, a proposal or a council session.
    pub async fn may_read_audit_of(
        &self,
        actor: &Actor,
        query: &laurel_store::AuditQuery,
    ) -> Result<(), OpsError> {
        let denied = || {
            OpsError::Forbidden(laurel_domain::authz::Denied::action(
                Action::ManageOrganisation,
                None,
            ))
        };
        let (Some(entity), Some(id)) = (query.entity.as_deref(), query.entity_id) else {
            return Err(denied());
        };
        let readable = match entity {
            "nomination" => self
                .readable_nomination(actor, NominationId(id))
                .await
                .map(|n| n.is_some()),
            "decision" => self
                .readable_decision(actor, DecisionId(id))
                .await
                .map(|d| d.is_some()),
            "proposal" => self
                .readable_proposal(actor, laurel_domain::ids::ProposalId(id))
                .await
                .map(|p| p.is_some()),
            "council_session" => self
                .council_session_visible(actor, laurel_domain::ids::SessionId(id))
                .await
                .map(|s| s.is_some()),
            _ => Ok(false),
        };
        match readable {
            Ok(true) => Ok(()),
            Ok(false) | Err(OpsError::Forbidden(_)) => Err(denied()),
            Err(e) => Err(e),
        }
    }

    /// The nominations a decision awards that the actor may read.
    pub async fn readable_nominations_of_decision(
        &self,
        actor: &Actor,
        decision: DecisionId,
    ) -> Result<Vec<NominationRecord>, OpsError> {
        // Decided from the path stored with each nomination: no query per row.
        Ok(self
            .store
            .nominations_of_decision(decision)
            .await?
            .into_iter()
            .filter(|r| actor.authorize(Action::Read, &r.proposing_path).is_ok())
            .collect())
    }

    /// A decision, if the actor may read its issuer or one of the nominations it awards.
    pub async fn readable_decision(
        &self,
        actor: &Actor,
        id: DecisionId,
    ) -> Result<Option<Decision>, OpsError> {
        let Some(decision) = self.store.decision(id).await? else {
            return Ok(None);
        };
        if self.may_read_at(actor, decision.issuer).await?
            || !self
                .readable_nominations_of_decision(actor, id)
                .await?
                .is_empty()
        {
            return Ok(Some(decision));
        }
        Err(Self::denied(decision.issuer))
    }

    /// A certificate, if the actor may read the nomination it honours.
    pub async fn readable_certificate(
        &self,
        actor: &Actor,
        id: CertificateId,
    ) -> Result<Option<CertificateRecord>, OpsError> {
        let Some(certificate) = self.store.certificate(id).await? else {
            return Ok(None);
        };
        match self
            .readable_nomination(actor, certificate.nomination)
            .await?
        {
            Some(_) => Ok(Some(certificate)),
            None => Err(OpsError::internal("certificate without nomination")),
        }
    }
}
