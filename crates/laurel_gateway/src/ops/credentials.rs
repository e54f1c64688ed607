//! Public Open Badges 3.0 documents: a certificate's credential, its issuer's profile, keys
//! and awards, and the issuer's status lists (see [`crate::credentials`]). Everything here is
//! public, found by what a credential names; an issuer is a unit that has a signing key.

use laurel_domain::award::AwardKind;
use laurel_domain::certificate::VerificationCode;
use laurel_domain::ids::UnitId;
use laurel_store::{Read, SigningKeyRecord};
use serde_json::Value;
use time::OffsetDateTime;

use super::Ops;
use super::certificates::parse_content;
use crate::credentials::{self, CredentialFacts, IssuerUrls};
use crate::error::OpsError;

impl Ops {
    fn issuer_urls(&self, unit: UnitId) -> IssuerUrls {
        IssuerUrls::new(&self.settings.public_url, unit)
    }

    /// The issuer's keys, oldest first; empty for a unit that never signed.
    async fn keys_of(&self, unit: UnitId) -> Result<Vec<SigningKeyRecord>, OpsError> {
        Ok(self
            .store
            .signing_keys()
            .await?
            .into_iter()
            .filter(|k| k.issuer == unit)
            .collect())
    }

    /// The unit, if it is an issuer: it has signed with a key of its own.
    async fn issuer(&self, unit: UnitId) -> Result<Option<laurel_domain::org::Unit>, OpsError> {
        if self.keys_of(unit).await?.is_empty() {
            return Ok(None);
        }
        Ok(self.store.unit(unit).await?)
    }

    /// A certificate as an `OpenBadgeCredential` secured as a JWT, signed with the key that
    /// signed the certificate. `None` for an unknown code or a certificate issued before
    /// certificates were signed.
    pub async fn credential_jwt(&self, code: &str) -> Result<Option<String>, OpsError> {
        let code: VerificationCode = code.parse()?;
        let Some(certificate) = self.store.certificate_by_code(&code).await? else {
            return Ok(None);
        };
        let Some(kid) = &certificate.key_id else {
            return Ok(None);
        };
        let key = self
            .store
            .signing_key(kid)
            .await?
            .ok_or(OpsError::internal("a certificate's signing key is gone"))?;
        let decision = self
            .store
            .decision(certificate.decision)
            .await?
            .ok_or(OpsError::internal("certificate without decision"))?;
        let nomination = self
            .store
            .nomination(certificate.nomination)
            .await?
            .ok_or(OpsError::internal("certificate without nomination"))?;
        let data = parse_content(&certificate)?;
        let urls = self.issuer_urls(key.issuer);
        let payload = credentials::credential(
            &data,
            &CredentialFacts {
                verify_url: &self.verify_url(&code),
                issuer: &urls,
                award: nomination.nomination.award,
                issued_at: certificate.issued_at,
                year: decision.year,
                golden_book_no: certificate.golden_book_no,
            },
        );
        self.sign(&key, &urls, &payload).map(Some)
    }

    fn sign(
        &self,
        key: &SigningKeyRecord,
        urls: &IssuerUrls,
        payload: &Value,
    ) -> Result<String, OpsError> {
        credentials::sign_jwt(
            &self.settings.key_secret,
            &key.id,
            &key.sealed_private_key,
            &urls.key(&key.id),
            payload,
        )
        .map_err(|e| OpsError::internal(e.to_string()))
    }

    /// The issuer's OB 3.0 profile; `None` when the unit never signed a certificate.
    pub async fn issuer_profile(&self, unit: UnitId) -> Result<Option<Value>, OpsError> {
        let Some(unit) = self.issuer(unit).await? else {
            return Ok(None);
        };
        Ok(Some(credentials::profile(
            &self.issuer_urls(unit.id),
            &unit.issuer_title().to_uppercase(),
        )))
    }

    /// One of the issuer's keys as a JWK, retired ones included (they verify what they signed).
    pub async fn issuer_jwk(&self, unit: UnitId, kid: &str) -> Result<Option<Value>, OpsError> {
        Ok(self
            .keys_of(unit)
            .await?
            .into_iter()
            .find(|k| k.id == kid)
            .map(|k| credentials::jwk(&self.issuer_urls(unit), &k.id, &k.public_key)))
    }

    /// One of the issuer's awards as an OB 3.0 `Achievement` (`award` is its code).
    pub async fn issuer_achievement(
        &self,
        unit: UnitId,
        award: &str,
    ) -> Result<Option<Value>, OpsError> {
        let Some(award) = AwardKind::ALL.into_iter().find(|a| a.code() == award) else {
            return Ok(None);
        };
        let Some(unit) = self.issuer(unit).await? else {
            return Ok(None);
        };
        let mut achievement = credentials::achievement(
            &self.issuer_urls(unit.id),
            award,
            &unit.issuer_title().to_uppercase(),
        );
        if let Value::Object(fields) = &mut achievement {
            fields.insert(
                "@context".into(),
                serde_json::json!([credentials::VC_CONTEXT, credentials::OB_CONTEXT]),
            );
        }
        Ok(Some(achievement))
    }

    /// The issuer's revocation list of `year` as a signed `BitstringStatusListCredential`,
    /// signed with its newest key; `None` when the unit never signed a certificate.
    pub async fn status_list_jwt(
        &self,
        unit: UnitId,
        year: i32,
        now: OffsetDateTime,
    ) -> Result<Option<String>, OpsError> {
        let Some(key) = self
            .keys_of(unit)
            .await?
            .into_iter()
            .max_by_key(|k| k.generation)
        else {
            return Ok(None);
        };
        let Some(issuer) = self.store.unit(unit).await? else {
            return Ok(None);
        };
        let (highest, annulled) = self.store.certificate_status_list(unit, year).await?;
        let urls = self.issuer_urls(unit);
        let payload = credentials::status_list_credential(
            &urls,
            &issuer.issuer_title().to_uppercase(),
            year,
            &credentials::encoded_list(highest, &annulled),
            now,
        );
        self.sign(&key, &urls, &payload).map(Some)
    }
}
