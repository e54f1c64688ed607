//! Issuers' own certificate templates: an administrator uploads a typst file for an issuer and
//! form; Laurel renders a full sample with it first and refuses a broken one with the
//! renderer's own message. Set, the issuer's certificates of that form print with it (not on
//! blanks, which have their own calibration); removed, the standard template prints again.

use data_encoding::HEXLOWER;
use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::CertificateForm;
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::ids::UnitId;
use laurel_domain::text::InvalidInput;
use laurel_store::{Read, TemplateRecord};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::certificates::layout_form;
use super::{Ops, by, everywhere, recorded};
use crate::error::OpsError;

/// Largest template accepted, in bytes.
pub const TEMPLATE_MAX_BYTES: usize = 256 * 1024;

impl Ops {
    /// An issuer's own templates, for whoever may read at the issuer.
    pub async fn certificate_templates(
        &self,
        actor: &Actor,
        issuer: UnitId,
    ) -> Result<Vec<TemplateRecord>, OpsError> {
        let unit = self.store.require_unit(issuer).await?;
        actor.authorize(Action::Read, &unit.path)?;
        Ok(self.store.certificate_templates(issuer).await?)
    }

    /// Sets (`Some`) or removes (`None`) an issuer's template for a form (administrators), at
    /// the version read (0: none yet). A template is first rendered with a full sample of its
    /// form; one that fails, or gives other than one page, is refused with typst's message.
    pub async fn set_certificate_template(
        &self,
        actor: &Actor,
        issuer: UnitId,
        form: CertificateForm,
        source: Option<Vec<u8>>,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<Option<TemplateRecord>, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let unit = self.store.require_unit(issuer).await?;
        let source = match source {
            None => None,
            Some(bytes) => Some(self.checked_template(bytes, form).await?),
        };
        let record = TemplateRecord {
            issuer,
            form,
            sha256: source
                .as_deref()
                .map(|s| HEXLOWER.encode(&Sha256::digest(s.as_bytes())))
                .unwrap_or_default(),
            source: source.clone().unwrap_or_default(),
            version: 0,
            updated_at: now,
            updated_by: actor.account,
        };
        let version = in_tx!(self, |tx| {
            let version = tx
                .put_certificate_template(&record, source.as_deref(), expected_version)
                .await?;
            let (kind, payload) = match &source {
                Some(_) => (
                    Kind::CertificateTemplateSet,
                    json!({ "form": form.code(), "version": version, "sha256": record.sha256 }),
                ),
                None => (
                    Kind::CertificateTemplateRemoved,
                    json!({ "form": form.code() }),
                ),
            };
            tx.record(&recorded(
                now,
                by(actor),
                unit.path.clone(),
                Change::new(Subject::Unit(issuer), kind, payload),
            ))
            .await?;
            Ok(version)
        })?;
        Ok(source.map(|_| TemplateRecord { version, ..record }))
    }

    /// The template's text, once it is UTF-8, small enough, and renders a full sample.
    async fn checked_template(
        &self,
        bytes: Vec<u8>,
        form: CertificateForm,
    ) -> Result<String, OpsError> {
        if bytes.len() > TEMPLATE_MAX_BYTES {
            return Err(OpsError::invalid(InvalidInput::TooLong {
                field: "file",
                max: TEMPLATE_MAX_BYTES,
                actual: bytes.len(),
            }));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            OpsError::invalid(InvalidInput::Malformed {
                field: "file",
                expected_vi: "một tệp mẫu typst (.typ) mã UTF-8",
                expected_en: "a typst template (.typ) in UTF-8",
            })
        })?;
        let renderer = self.renderer.clone();
        let checked = text.clone();
        tokio::task::spawn_blocking(move || renderer.custom_template(&checked, layout_form(form)))
            .await
            .map_err(|e| OpsError::internal(format!("render task: {e}")))?
            .map_err(|e| {
                OpsError::invalid(InvalidInput::Unrenderable {
                    field: "file",
                    diagnostics: e.to_string(),
                })
            })?;
        Ok(text)
    }
}
