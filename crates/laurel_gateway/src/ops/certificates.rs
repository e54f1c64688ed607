//! Issuing certificates for a signed decision, verifying them, and rendering their PDFs.

use std::collections::BTreeMap;

use data_encoding::HEXLOWER;
use laurel_certificates::{CertificateData, Layout};
use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::{AwardForm, CertificateForm};
use laurel_domain::calendar::format_date;
use laurel_domain::certificate::{CertificateStatus, VerificationCode};
use laurel_domain::decision::{Decision, DecisionState};
use laurel_domain::ids::{CertificateId, DecisionId, UnitId};
use laurel_domain::nomination::{Nomination, Nominee};
use laurel_domain::org::Unit;
use laurel_domain::text::InvalidInput;
use laurel_store::{CertificateRecord, Read, SequenceKind, SigningKeyRecord, WriteTx};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::blanks::IssuerLayouts;
use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::{CertificateRefusal, OpsError};
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
    /// The recipient's position and units, as printed.
    pub recipient_detail: Option<String>,
    /// The checks made, one by one.
    pub checks: Checks,
    /// The decision that annulled it, when it was.
    pub annulled: Option<Annulled>,
    /// The key that signed it.
    pub key_id: Option<String>,
    /// What was signed, and the signature, for anyone to check against the published keys.
    pub proof: Option<crate::keys::Proof>,
    /// The certificate as a signed Open Badges 3.0 credential (`None`: issued before signing).
    pub credential_url: Option<String>,
}

/// The checks behind a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// The code is one Laurel issued.
    pub code_known: bool,
    /// The signature is the key's over the code and content (`None`: issued before signing).
    pub signature_valid: Option<bool>,
    /// The key is the issuer's own (`None`: issued before signing).
    pub key_belongs_to_issuer: Option<bool>,
    /// Neither the certificate nor its decision was annulled.
    pub not_annulled: bool,
}

/// The annulment of a certificate's award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annulled {
    /// The annulling decision's number.
    pub decision_number: String,
    /// Its date, dd/mm/yyyy.
    pub decision_date: String,
    /// The ground (Law 06/2022 Art 93.2), in Vietnamese.
    pub ground_vi: String,
    /// The ground's letter.
    pub ground: String,
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
                return Err(OpsError::Certificates(
                    CertificateRefusal::DecisionAnnulled {
                        number: decision.number.to_string(),
                    },
                ));
            }
            let key = self.issuer_key(tx, actor, &issuer, now).await?;
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
                let signature = crate::keys::sign(
                    &self.settings.key_secret,
                    &key.id,
                    &key.sealed_private_key,
                    &crate::keys::signed_message(code.as_str(), &content),
                )
                .map_err(|e| OpsError::internal(e.to_string()))?;
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
                    key_id: Some(key.id.clone()),
                    signature: Some(signature),
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

    /// The issuer's signing key in force, made (and audited) on first use.
    async fn issuer_key(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        issuer: &Unit,
        now: OffsetDateTime,
    ) -> Result<SigningKeyRecord, OpsError> {
        let newest = tx.newest_signing_key(issuer.id).await?;
        match newest {
            Some(key) if key.retired_at.is_none() => Ok(key),
            other => {
                let generation = other.map_or(1, |k| k.generation + 1);
                self.new_key(tx, actor, issuer, generation, now).await
            }
        }
    }

    async fn new_key(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        issuer: &Unit,
        generation: i32,
        now: OffsetDateTime,
    ) -> Result<SigningKeyRecord, OpsError> {
        let made = crate::keys::generate(&self.settings.key_secret, edge::random_bytes())
            .map_err(|e| OpsError::internal(e.to_string()))?;
        let key = SigningKeyRecord {
            id: made.id,
            issuer: issuer.id,
            generation,
            algorithm: crate::keys::ALGORITHM.to_owned(),
            public_key: made.public_key,
            sealed_private_key: made.sealed,
            created_at: now,
            retired_at: None,
        };
        tx.insert_signing_key(&key).await?;
        tx.record(&recorded(
            now,
            by(actor),
            issuer.path.clone(),
            Change::new(
                Subject::Unit(issuer.id),
                Kind::SigningKeyCreated,
                json!({ "keyId": key.id, "generation": generation, "publicKey": key.public_key }),
            ),
        ))
        .await?;
        Ok(key)
    }

    /// Retires an issuer's key and makes its next one (administrators). Certificates signed
    /// with the old key keep verifying; new ones are signed with the new key.
    pub async fn rotate_signing_key(
        &self,
        actor: &Actor,
        issuer: UnitId,
        now: OffsetDateTime,
    ) -> Result<SigningKeyRecord, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        in_tx!(self, |tx| {
            let issuer = tx.require_unit(issuer).await?;
            let newest = tx.newest_signing_key(issuer.id).await?;
            let generation = newest.as_ref().map_or(1, |k| k.generation + 1);
            if let Some(old) = newest.filter(|k| k.retired_at.is_none()) {
                tx.retire_signing_key(&old.id, now).await?;
                tx.record(&recorded(
                    now,
                    by(actor),
                    issuer.path.clone(),
                    Change::new(
                        Subject::Unit(issuer.id),
                        Kind::SigningKeyRetired,
                        json!({ "keyId": old.id, "generation": old.generation }),
                    ),
                ))
                .await?;
            }
            self.new_key(tx, actor, &issuer, generation, now).await
        })
    }

    /// The published key set: every issuer's keys, retired ones included.
    pub async fn key_set(&self) -> Result<crate::keys::KeySet, OpsError> {
        let keys = self.store.signing_keys().await?;
        let issuers: Vec<UnitId> = keys.iter().map(|k| k.issuer).collect();
        let units: BTreeMap<UnitId, Unit> = self
            .store
            .units_by_ids(&issuers)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let rfc3339 = |t: OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        Ok(crate::keys::KeySet {
            keys: keys
                .into_iter()
                .map(|k| {
                    let unit = units.get(&k.issuer);
                    crate::keys::PublishedKey {
                        kty: "OKP".into(),
                        crv: crate::keys::ALGORITHM.into(),
                        x: k.public_key,
                        kid: k.id,
                        use_: "sig".into(),
                        issuer_code: unit.map(|u| u.code.as_str().to_owned()).unwrap_or_default(),
                        issuer_title: unit
                            .map(|u| u.issuer_title().to_uppercase())
                            .unwrap_or_default(),
                        created_at: rfc3339(k.created_at),
                        retired_at: k.retired_at.map(rfc3339),
                    }
                })
                .collect(),
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
                // A citizen registered for a movement is not of the unit above it: the
                // certificate says where they live (and their organisation, if any).
                match laurel_store::ReadMovements::external_nominees(tx, &[id.0])
                    .await?
                    .into_iter()
                    .next()
                {
                    Some(external) => {
                        parts.extend(external.organisation);
                        parts.push(external.address);
                    }
                    None => parts.extend(chain(false)),
                }
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
            form: layout_form(nomination.award.certificate_form()),
            // A title or a flag is for a year; a Bằng khen or Giấy khen names its period in
            // the achievement, as offices word it.
            period_line: (nomination.award.form() == AwardForm::Title)
                .then(|| format!("Năm {}", nomination.period.year())),
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
        let key = match &certificate.key_id {
            Some(kid) => self.store.signing_key(kid).await?,
            None => None,
        };
        let signature_valid = certificate.signature.as_ref().map(|sig| {
            key.as_ref().is_some_and(|k| {
                crate::keys::verify(
                    &k.public_key,
                    &crate::keys::signed_message(certificate.code.as_str(), &certificate.content),
                    sig,
                )
            })
        });
        let key_belongs_to_issuer = certificate
            .key_id
            .as_ref()
            .map(|_| key.as_ref().is_some_and(|k| k.issuer == decision.issuer));
        let annulled = match status {
            CertificateStatus::Valid => None,
            CertificateStatus::Annulled => self.annulment_of(&certificate, &decision).await?,
        };
        Ok(Some(Verification {
            recipient_detail: data.recipient_detail.clone(),
            checks: Checks {
                code_known: true,
                signature_valid,
                key_belongs_to_issuer,
                not_annulled: status == CertificateStatus::Valid,
            },
            annulled,
            key_id: certificate.key_id.clone(),
            credential_url: certificate
                .key_id
                .as_ref()
                .map(|_| self.credential_url(&certificate.code)),
            proof: match (&certificate.key_id, &certificate.signature) {
                (Some(kid), Some(sig)) => Some(crate::keys::Proof {
                    code: certificate.code.as_str().to_owned(),
                    content: certificate.content.clone(),
                    kid: kid.clone(),
                    sig: sig.clone(),
                }),
                _ => None,
            },
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

    /// The decision that annulled a certificate's award: the annulment of its nomination, or
    /// the annulment of its whole decision.
    async fn annulment_of(
        &self,
        certificate: &CertificateRecord,
        decision: &Decision,
    ) -> Result<Option<Annulled>, OpsError> {
        use laurel_store::ReadReview;
        let annulling = match self.store.annulment_of(certificate.nomination).await? {
            Some(a) => self.store.decision(a.annulment).await?,
            None => None,
        };
        let Some(annulling) = annulling else {
            let _ = decision;
            return Ok(None);
        };
        let (ground, ground_vi) = match &annulling.kind {
            laurel_domain::decision::DecisionKind::Annulment { ground, .. } => {
                (ground.code().to_owned(), ground.text_vi().to_owned())
            }
            laurel_domain::decision::DecisionKind::Award => (String::new(), String::new()),
        };
        Ok(Some(Annulled {
            decision_number: annulling.number.to_string(),
            decision_date: format_date(annulling.signed_on),
            ground_vi,
            ground,
        }))
    }

    /// The public verification page of a code, as encoded in the certificate's QR code.
    pub fn verify_url(&self, code: &VerificationCode) -> String {
        verify_url(&self.settings.public_url, code)
    }

    /// Where a certificate is downloaded as a signed Open Badges 3.0 credential.
    pub fn credential_url(&self, code: &VerificationCode) -> String {
        format!(
            "{}/credentials/{}.jwt",
            self.settings.public_url.trim_end_matches('/'),
            code.as_str()
        )
    }

    /// Everything a certificate's PDF is rendered from, and the key naming that render: the
    /// whole certificate, or only its data placed on the issuer's pre-printed blank
    /// (`on_blank`). The key is the PDF's entity tag: equal keys, equal bytes.
    pub async fn certificate_render(
        &self,
        certificate: &CertificateRecord,
        on_blank: bool,
    ) -> Result<CertificateRender, OpsError> {
        let mut data = parse_content(certificate)?;
        data.verification_url = self.verify_url(&certificate.code);
        let proof = match (&certificate.key_id, &certificate.signature) {
            (Some(kid), Some(sig)) => Some(
                crate::keys::Proof {
                    code: certificate.code.as_str().to_owned(),
                    content: certificate.content.clone(),
                    kid: kid.clone(),
                    sig: sig.clone(),
                }
                .keyword(),
            ),
            _ => None,
        };
        let issuer = self
            .store
            .decision(certificate.decision)
            .await?
            .map(|d| d.issuer)
            .ok_or(OpsError::internal("certificate without decision"))?;
        let layouts = IssuerLayouts::load(&self.store, &self.renderer, issuer, on_blank).await?;
        let key = self
            .renderer
            .render_key(&data, layouts.layout(data.form), proof.as_deref());
        Ok(CertificateRender {
            certificate: certificate.id,
            on_blank,
            data,
            proof,
            layouts,
            key,
        })
    }

    /// A certificate's PDF: the one kept from an earlier render of the same inputs, else
    /// rendered now (off the async executor) and kept for the next download. Keeping is a
    /// saving, not a promise: when it fails (a full disk, a read-only database) the PDF is
    /// served all the same and rendered again next time.
    pub async fn certificate_pdf(
        &self,
        render: CertificateRender,
        now: OffsetDateTime,
    ) -> Result<(Vec<u8>, PdfSource), OpsError> {
        if let Some(pdf) = self
            .store
            .kept_render(render.certificate, render.on_blank, &render.key)
            .await?
        {
            return Ok((pdf, PdfSource::Kept));
        }
        let renderer = self.renderer.clone();
        let CertificateRender {
            certificate,
            on_blank,
            data,
            proof,
            layouts,
            key,
        } = render;
        let pdf = self
            .render(move || match layouts.layout(data.form) {
                Layout::Blank(layout) => renderer.render_on_blank(&data, layout, proof.as_deref()),
                Layout::Custom(template) => {
                    renderer.render_custom(template, &data, proof.as_deref())
                }
                Layout::Standard => renderer.render_with_keyword(&data, proof.as_deref()),
            })
            .await?
            .map_err(|e| OpsError::internal(format!("render: {e}")))?;
        if let Err(e) = self
            .store
            .keep_render(certificate, on_blank, &key, pdf.clone(), now)
            .await
        {
            tracing::warn!(%certificate, error = %e, "a rendered certificate was not kept");
        }
        Ok((pdf, PdfSource::Rendered))
    }
}

/// A certificate's render, prepared: see [`Ops::certificate_render`].
#[derive(Debug)]
pub struct CertificateRender {
    certificate: CertificateId,
    on_blank: bool,
    data: CertificateData,
    proof: Option<String>,
    layouts: IssuerLayouts,
    /// Names the render by all its inputs ([`laurel_certificates::Renderer::render_key`]).
    pub key: String,
}

/// Where a served certificate PDF came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfSource {
    /// Laid out for this request.
    Rendered,
    /// Kept from an earlier render of the same inputs.
    Kept,
}

/// A decision's certificates as one print-ready PDF.
#[derive(Debug)]
pub struct PrintOut {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// How many certificates it holds.
    pub count: usize,
    /// The decision's number, for the file name ("12/QĐ-CAT").
    pub decision_number: String,
}

/// Called with the number of certificates laid out so far.
pub type Progress = std::sync::Arc<dyn Fn(usize) + Send + Sync>;

impl Ops {
    /// The valid certificates of a decision the actor may print, in golden-book order: all of
    /// them for whoever may read at the issuer, else those of the nominations the actor may
    /// read. `None` when there is no such decision.
    pub async fn printable_certificates(
        &self,
        actor: &Actor,
        id: DecisionId,
    ) -> Result<Option<(Decision, Vec<CertificateRecord>)>, OpsError> {
        let Some(decision) = self.readable_decision(actor, id).await? else {
            return Ok(None);
        };
        if decision.state != DecisionState::Signed {
            return Err(OpsError::Certificates(
                CertificateRefusal::DecisionAnnulled {
                    number: decision.number.to_string(),
                },
            ));
        }
        let mut certificates = self.store.certificates_of_decision(id).await?;
        certificates.retain(|c| c.status == CertificateStatus::Valid);
        if !self.may_read_at(actor, decision.issuer).await? {
            let readable: Vec<_> = self
                .readable_nominations_of_decision(actor, id)
                .await?
                .into_iter()
                .map(|r| r.nomination.id)
                .collect();
            certificates.retain(|c| readable.contains(&c.nomination));
        }
        if certificates.is_empty() {
            return Err(OpsError::Certificates(CertificateRefusal::NoneIssued {
                number: decision.number.to_string(),
            }));
        }
        Ok(Some((decision, certificates)))
    }

    /// All the certificates the actor may print of a decision, as one PDF, laid out on every
    /// core off the async executor. `None` when there is no such decision.
    pub async fn print_certificates(
        &self,
        actor: &Actor,
        id: DecisionId,
        on_blanks: bool,
        progress: Progress,
    ) -> Result<Option<PrintOut>, OpsError> {
        let Some((decision, certificates)) = self.printable_certificates(actor, id).await? else {
            return Ok(None);
        };
        let layouts =
            IssuerLayouts::load(&self.store, &self.renderer, decision.issuer, on_blanks).await?;
        self.render_print(&decision, &certificates, layouts, progress)
            .await
            .map(Some)
    }

    /// Renders the given certificates of a decision as one PDF.
    pub async fn render_print(
        &self,
        decision: &Decision,
        certificates: &[CertificateRecord],
        layouts: IssuerLayouts,
        progress: Progress,
    ) -> Result<PrintOut, OpsError> {
        render_print(
            &self.renderer,
            &self.settings.public_url,
            decision,
            certificates,
            layouts,
            progress,
        )
        .await
    }
}

/// For `laurel print`, run by whoever holds the database (no account, no server): every valid
/// certificate of a decision as one PDF, with QR codes pointing at `public_url`. `None` when
/// there is no such decision.
pub async fn print_offline(
    store: &laurel_store::Store,
    renderer: &std::sync::Arc<laurel_certificates::Renderer>,
    public_url: &str,
    id: DecisionId,
    on_blanks: bool,
    progress: Progress,
) -> Result<Option<PrintOut>, OpsError> {
    let Some(decision) = store.decision(id).await? else {
        return Ok(None);
    };
    let mut certificates = store.certificates_of_decision(id).await?;
    certificates.retain(|c| c.status == CertificateStatus::Valid);
    let number = decision.number.to_string();
    if decision.state != DecisionState::Signed {
        return Err(OpsError::Certificates(
            CertificateRefusal::DecisionAnnulled { number },
        ));
    }
    if certificates.is_empty() {
        return Err(OpsError::Certificates(CertificateRefusal::NoneIssued {
            number,
        }));
    }
    let layouts = IssuerLayouts::load(store, renderer, decision.issuer, on_blanks).await?;
    render_print(
        renderer,
        public_url,
        &decision,
        &certificates,
        layouts,
        progress,
    )
    .await
    .map(Some)
}

async fn render_print(
    renderer: &std::sync::Arc<laurel_certificates::Renderer>,
    public_url: &str,
    decision: &Decision,
    certificates: &[CertificateRecord],
    layouts: IssuerLayouts,
    progress: Progress,
) -> Result<PrintOut, OpsError> {
    let batch = certificates
        .iter()
        .map(|c| {
            let mut data = parse_content(c)?;
            data.verification_url = verify_url(public_url, &c.code);
            Ok(data)
        })
        .collect::<Result<Vec<_>, OpsError>>()?;
    let count = batch.len();
    let renderer = renderer.clone();
    let pdf = tokio::task::spawn_blocking(move || {
        renderer.render_batch_with(&batch, &|form| layouts.layout(form), &|done| progress(done))
    })
    .await
    .map_err(|e| OpsError::internal(format!("render task: {e}")))?
    .map_err(|e| OpsError::internal(format!("render: {e}")))?;
    Ok(PrintOut {
        pdf,
        count,
        decision_number: decision.number.to_string(),
    })
}

/// A certificate's verification address under a deployment's public URL.
fn verify_url(public_url: &str, code: &VerificationCode) -> String {
    format!(
        "{}/verify/{}",
        public_url.trim_end_matches('/'),
        code.as_str()
    )
}

/// The renderer's layout for a certificate form.
pub(crate) fn layout_form(form: CertificateForm) -> laurel_certificates::CertificateForm {
    use laurel_certificates::CertificateForm as Layout;
    match form {
        CertificateForm::GiayKhen => Layout::GiayKhen,
        CertificateForm::BangKhen => Layout::BangKhen,
        CertificateForm::BangKhenThuTuong => Layout::BangKhenThuTuong,
        CertificateForm::DanhHieuCoSo => Layout::DanhHieuCoSo,
        CertificateForm::DanhHieu => Layout::DanhHieu,
        CertificateForm::CoThiDua => Layout::CoThiDua,
    }
}

/// The frozen content of a certificate.
pub fn parse_content(certificate: &CertificateRecord) -> Result<CertificateData, OpsError> {
    serde_json::from_str(&certificate.content)
        .map_err(|e| OpsError::internal(format!("certificate {} content: {e}", certificate.id)))
}
