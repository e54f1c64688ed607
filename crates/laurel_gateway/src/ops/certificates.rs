//! Issuing certificates for a signed decision, verifying them, and rendering their PDFs.

use std::collections::BTreeMap;

use data_encoding::HEXLOWER;
use laurel_certificates::CertificateData;
use laurel_domain::authz::{Action, Actor};
use laurel_domain::calendar::format_date;
use laurel_domain::certificate::{CertificateStatus, VerificationCode};
use laurel_domain::decision::{Decision, DecisionState};
use laurel_domain::ids::{CertificateId, DecisionId, UnitId};
use laurel_domain::nomination::{Nomination, Nominee};
use laurel_domain::org::Unit;
use laurel_domain::text::InvalidInput;
use laurel_store::{CertificateRecord, Read, SequenceKind, WriteTx};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// What the public learns when verifying a certificate: enough to check the paper in hand.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The code, grouped as printed.
    pub code: String,
    /// Valid or annulled.
    pub status: CertificateStatus,
    /// The recipient as printed.
    pub recipient_name: String,
    /// The award as printed ("GIẤY KHEN").
    pub award_title: String,
    /// The issuer as printed.
    pub issuer_title: String,
    /// The decision number.
    pub decision_number: String,
    /// The decision date, dd/mm/yyyy.
    pub decision_date: String,
    /// Số sổ vàng.
    pub golden_book_number: i32,
    /// SHA-256 of the frozen content.
    pub content_sha256: String,
}

impl Ops {
    /// Issues one certificate per nomination of a signed decision that has none yet, and
    /// returns all of the decision's certificates. Calling it again issues nothing new.
    pub async fn issue_certificates(
        &self,
        actor: &Actor,
        decision: DecisionId,
        now: OffsetDateTime,
    ) -> Result<Vec<CertificateRecord>, OpsError> {
        in_tx!(self, |tx| {
            let decision = tx
                .lock_decision(decision)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "decision",
                    id: decision.to_string(),
                })?;
            let issuer = tx.require_unit(decision.issuer).await?;
            actor.authorize(Action::IssueCertificates, &issuer.path)?;
            if decision.state != DecisionState::Signed {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "decisionId",
                    expected_vi: "quyết định đã bị hủy bỏ, không cấp bằng/giấy khen",
                    expected_en: "the decision was annulled; no certificates are issued",
                }));
            }
            let done: Vec<_> = tx
                .certificates_of_decision(decision.id)
                .await?
                .into_iter()
                .map(|c| c.nomination)
                .collect();
            for record in tx.nominations_of_decision(decision.id).await? {
                let nomination = record.nomination;
                if done.contains(&nomination.id) {
                    continue;
                }
                let golden_book_no = tx
                    .next_number(issuer.id, decision.year, SequenceKind::GoldenBook)
                    .await?;
                let code = VerificationCode::from_entropy(edge::random_bytes());
                let data = self
                    .certificate_data(tx, &decision, &issuer, &nomination, golden_book_no, &code)
                    .await?;
                self.renderer.check_coverage(&data).map_err(|e| match e {
                    laurel_certificates::RenderError::UnsupportedCharacters {
                        field,
                        characters,
                    } => OpsError::invalid(InvalidInput::Unprintable { field, characters }),
                    other => OpsError::internal(other.to_string()),
                })?;
                let content = serde_json::to_string(&data)
                    .map_err(|e| OpsError::internal(format!("certificate JSON: {e}")))?;
                let certificate = CertificateRecord {
                    id: CertificateId(edge::new_id()),
                    decision: decision.id,
                    nomination: nomination.id,
                    code,
                    golden_book_no,
                    status: CertificateStatus::Valid,
                    content_sha256: HEXLOWER.encode(&Sha256::digest(content.as_bytes())),
                    content,
                    issued_at: now,
                    issued_by: actor.account,
                };
                tx.insert_certificate(&certificate).await?;
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Certificate(certificate.id),
                        Kind::CertificateIssued,
                        json!({
                            "decision": decision.number.to_string(),
                            "nomination": nomination.id.to_string(),
                            "goldenBookNo": golden_book_no,
                            "contentSha256": certificate.content_sha256,
                        }),
                    )
                    .states(None, Some(certificate.status.code())),
                ))
                .await?;
            }
            Ok(tx.certificates_of_decision(decision.id).await?)
        })
    }

    /// What is printed, frozen at issue time.
    async fn certificate_data(
        &self,
        tx: &WriteTx,
        decision: &Decision,
        issuer: &Unit,
        nomination: &Nomination,
        golden_book_no: i32,
        code: &VerificationCode,
    ) -> Result<CertificateData, OpsError> {
        let proposing = tx.require_unit(nomination.proposing_unit).await?;
        let units: BTreeMap<UnitId, Unit> = tx
            .units_by_ids(proposing.path.ids())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        // Unit names from the nominee's unit up to the issuer: "Phòng Tham mưu, Công an tỉnh Gia Lai".
        let chain = |skip_first: bool| -> Vec<String> {
            proposing
                .path
                .ids()
                .iter()
                .rev()
                .skip(usize::from(skip_first))
                .scan(false, |passed_issuer, id| {
                    if *passed_issuer {
                        return None;
                    }
                    *passed_issuer = *id == issuer.id;
                    Some(units.get(id).map(|u| u.name.clone()))
                })
                .flatten()
                .collect()
        };
        let (recipient_name, detail) = match nomination.nominee {
            Nominee::Person(id) => {
                let person = tx.person(id).await?.ok_or(OpsError::NotFound {
                    entity: "person",
                    id: id.to_string(),
                })?;
                let mut parts: Vec<String> = person.position.iter().cloned().collect();
                parts.extend(chain(false));
                (person.display_name(), parts)
            }
            Nominee::Collective(_) => (proposing.name.clone(), chain(true)),
        };
        Ok(CertificateData {
            issuer_title: decision.issuer_title.to_uppercase(),
            award_title: nomination.award.certificate_heading().to_string(),
            recipient_name,
            recipient_detail: (!detail.is_empty()).then(|| detail.join(", ")),
            achievement: nomination.achievement.clone(),
            decision_line: decision.reference_line(),
            golden_book_line: format!("Số sổ vàng: {golden_book_no}"),
            place_date_line: decision.place_date_line(issuer.place.as_deref()),
            signer_capacity_line: decision.signature.capacity_line.clone(),
            signer_title: decision.signature.title_line.clone(),
            signer_name: decision.signature.name.clone(),
            verification_code: code.grouped(),
            // The QR code's address is the deployment's public URL plus the code, filled in when
            // the PDF is rendered (`verify_url`), so setting `--public-url` later fixes the QR
            // codes of certificates already issued. The code itself is what is frozen.
            verification_url: String::new(),
        })
    }

    /// Verifies a certificate by its code (public: no login).
    pub async fn verify_certificate(&self, code: &str) -> Result<Option<Verification>, OpsError> {
        let code: VerificationCode = code.parse()?;
        let Some(certificate) = self.store.certificate_by_code(&code).await? else {
            return Ok(None);
        };
        let decision = self
            .store
            .decision(certificate.decision)
            .await?
            .ok_or(OpsError::internal("certificate without decision"))?;
        let data = parse_content(&certificate)?;
        let status = match decision.state {
            DecisionState::Annulled => CertificateStatus::Annulled,
            DecisionState::Signed => certificate.status,
        };
        Ok(Some(Verification {
            code: code.grouped(),
            status,
            recipient_name: data.recipient_name,
            award_title: data.award_title,
            issuer_title: data.issuer_title,
            decision_number: decision.number.to_string(),
            decision_date: format_date(decision.signed_on),
            golden_book_number: certificate.golden_book_no,
            content_sha256: certificate.content_sha256,
        }))
    }

    /// The public verification page of a code, as encoded in the certificate's QR code.
    pub fn verify_url(&self, code: &VerificationCode) -> String {
        format!(
            "{}/verify/{}",
            self.settings.public_url.trim_end_matches('/'),
            code.as_str()
        )
    }

    /// Renders a certificate's PDF from its frozen content.
    pub async fn render_certificate(
        &self,
        certificate: &CertificateRecord,
    ) -> Result<Vec<u8>, OpsError> {
        let mut data = parse_content(certificate)?;
        data.verification_url = self.verify_url(&certificate.code);
        let renderer = self.renderer.clone();
        tokio::task::spawn_blocking(move || renderer.render(&data))
            .await
            .map_err(|e| OpsError::internal(format!("render task: {e}")))?
            .map_err(|e| OpsError::internal(format!("render: {e}")))
    }
}

/// The frozen content of a certificate.
pub fn parse_content(certificate: &CertificateRecord) -> Result<CertificateData, OpsError> {
    serde_json::from_str(&certificate.content)
        .map_err(|e| OpsError::internal(format!("certificate {} content: {e}", certificate.id)))
}
