//! The dossier: documents attached to a nomination or to its proposal, stored once by their
//! SHA-256 under the documents directory, recognised by content (never by name), and served to
//! everyone who may read the nomination: each level up the route reads the same files.

use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;
use laurel_domain::authz::{Action, Actor};
use laurel_domain::dossier::{DocumentKind, MediaType, parse_filename};
use laurel_domain::ids::{DocumentId, NominationId, ProposalId};
use laurel_domain::nomination::NominationState;
use laurel_domain::text::InvalidInput;
use laurel_domain::workflow::{self, AttachRefusal};
use laurel_store::{DocumentRecord, Read, ReadReview, WriteTx};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{Ops, by, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::org::UnitPath;

/// Default largest document: 20 MiB (a scanned report of a few dozen pages).
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// What a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentOwner {
    /// One nomination.
    Nomination(NominationId),
    /// A proposal: shared by all its nominations.
    Proposal(ProposalId),
}

/// A document to attach.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// What it belongs to.
    pub owner: DocumentOwner,
    /// What it is.
    pub kind: DocumentKind,
    /// Its file name, as uploaded.
    pub filename: String,
    /// Its content.
    pub content: Vec<u8>,
}

/// Where a document's content lives: `<dir>/<first two hex digits>/<sha256>`.
fn content_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// Writes content under its hash, once: a temporary file, flushed to disk, then renamed, so a
/// crash never leaves a partial document under a real name.
fn store_content(dir: &Path, sha256: &str, content: &[u8], suffix: &str) -> std::io::Result<()> {
    use std::io::Write;
    let path = content_path(dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{sha256}.{suffix}"));
    let written = std::fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(content)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
        // A full disk must not keep the half-written file: freeing space is enough to resume.
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Ok(dir) = std::fs::File::open(parent) {
        // The rename itself is durable once the directory is synced (best effort: some file
        // systems refuse to sync a directory).
        let _ = dir.sync_all();
    }
    Ok(())
}

impl Ops {
    /// Checks size and type by content: PDF, DOCX, XLSX, PNG or JPEG, at most the configured
    /// size. Returns the type and the SHA-256 (hex).
    pub fn check_document(&self, content: &[u8]) -> Result<(MediaType, String), OpsError> {
        let max = self.settings.max_document_bytes;
        if content.is_empty() || content.len() > max {
            return Err(OpsError::invalid(InvalidInput::OutOfRange {
                field: "file",
                min: 1,
                max: i64::try_from(max).unwrap_or(i64::MAX),
                actual: i64::try_from(content.len()).unwrap_or(i64::MAX),
            }));
        }
        let media_type = infer::get(content)
            .and_then(|t| MediaType::from_mime(t.mime_type()))
            .ok_or(OpsError::invalid(InvalidInput::Malformed {
                field: "file",
                expected_vi: "tệp PDF, DOCX, XLSX, PNG hoặc JPEG (nhận biết theo nội dung tệp, không theo tên)",
                expected_en: "a PDF, DOCX, XLSX, PNG or JPEG file (recognised by its content, not its name)",
            }))?;
        Ok((media_type, HEXLOWER.encode(&Sha256::digest(content))))
    }

    /// Whether the actor may change the documents of `owner` now; the owner's proposing path
    /// when they may.
    async fn authorize_attach(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        owner: DocumentOwner,
    ) -> Result<UnitPath, OpsError> {
        match owner {
            DocumentOwner::Nomination(id) => {
                let record = tx.require_nomination(id).await?;
                self.must_read(tx, actor, &record).await?;
                let wf = self.workflow_of(&record.nomination)?;
                let route = self.route_of(tx, &record).await?;
                workflow::may_attach(wf, &record.nomination, actor, &route)
                    .map(|()| record.proposing_path.clone())
                    .map_err(|refusal| {
                    match refusal {
                        AttachRefusal::Denied(denied) => OpsError::Forbidden(denied),
                        AttachRefusal::Closed(_) => OpsError::invalid(InvalidInput::Malformed {
                            field: "nominationId",
                            expected_vi: "một đề nghị chưa kết thúc (hồ sơ của đề nghị đã có kết quả được giữ nguyên)",
                            expected_en: "a nomination still under way (the dossier of one with its outcome stays as it was)",
                        }),
                    }
                })
            }
            DocumentOwner::Proposal(id) => {
                let proposal = tx.proposal(id).await?.ok_or(OpsError::NotFound {
                    entity: "proposal",
                    id: id.to_string(),
                })?;
                actor.authorize(Action::DraftNomination, &proposal.proposing_path)?;
                let open = tx.nominations_of_proposal(id).await?.iter().any(|r| {
                    matches!(
                        r.nomination.state(),
                        NominationState::Draft | NominationState::Returned
                    )
                });
                if open {
                    Ok(proposal.proposing_path.clone())
                } else {
                    Err(OpsError::invalid(InvalidInput::Malformed {
                        field: "proposalId",
                        expected_vi: "tờ trình còn đề nghị đang soạn hoặc bị trả lại (các cấp trên đính kèm vào từng đề nghị)",
                        expected_en: "a proposal with a draft or returned nomination (the levels above attach to each nomination)",
                    }))
                }
            }
        }
    }

    /// Stores a document Laurel made itself (council minutes), content-addressed like uploads;
    /// returns its type and SHA-256.
    pub(crate) async fn store_generated_document(
        &self,
        content: &[u8],
    ) -> Result<(MediaType, String), OpsError> {
        let (media_type, sha256) = self.check_document(content)?;
        let dir = self.settings.documents_dir.clone();
        let (hash, content) = (sha256.clone(), content.to_vec());
        let suffix = edge::new_id().simple().to_string();
        crate::auth::blocking(move || store_content(&dir, &hash, &content, &suffix))
            .await?
            .map_err(|e| OpsError::storing("storing a document", &e))?;
        Ok((media_type, sha256))
    }

    /// Attaches a document to a nomination or a proposal.
    pub async fn attach_document(
        &self,
        actor: &Actor,
        attachment: Attachment,
        now: OffsetDateTime,
    ) -> Result<DocumentRecord, OpsError> {
        let filename = parse_filename(&attachment.filename)?;
        let (media_type, sha256) = self.check_document(&attachment.content)?;
        let dir = self.settings.documents_dir.clone();
        let (hash, content) = (sha256.clone(), attachment.content);
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let suffix = edge::new_id().simple().to_string();
        crate::auth::blocking(move || store_content(&dir, &hash, &content, &suffix))
            .await?
            .map_err(|e| OpsError::storing("storing a document", &e))?;
        let owner = attachment.owner;
        let kind = attachment.kind;
        in_tx!(self, |tx| {
            let scope = self.authorize_attach(tx, actor, owner).await?;
            let record = DocumentRecord {
                id: DocumentId(edge::new_id()),
                nomination: match owner {
                    DocumentOwner::Nomination(id) => Some(id),
                    DocumentOwner::Proposal(_) => None,
                },
                proposal: match owner {
                    DocumentOwner::Nomination(_) => None,
                    DocumentOwner::Proposal(id) => Some(id),
                },
                kind,
                filename: filename.clone(),
                media_type,
                size_bytes: size,
                sha256: sha256.clone(),
                uploaded_by: actor.account,
                uploaded_at: now,
                detached_at: None,
            };
            tx.insert_document(&record).await?;
            tx.record(&recorded(
                now,
                by(actor),
                scope,
                Change::new(
                    subject_of(owner),
                    Kind::DocumentAttached,
                    json!({
                        "document": record.id.to_string(),
                        "kind": kind.code(),
                        "filename": record.filename,
                        "mediaType": media_type.mime(),
                        "sizeBytes": size,
                        "sha256": record.sha256,
                    }),
                ),
            ))
            .await?;
            Ok(record.clone())
        })
    }

    /// Detaches a document from its dossier (the record and the content stay): the proposing
    /// unit while the nomination is a draft or returned, or whoever attached it while they may
    /// still attach.
    pub async fn detach_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        now: OffsetDateTime,
    ) -> Result<DocumentRecord, OpsError> {
        in_tx!(self, |tx| {
            let document = tx.document(id).await?.ok_or(OpsError::NotFound {
                entity: "document",
                id: id.to_string(),
            })?;
            let owner = match (document.nomination, document.proposal) {
                (Some(n), _) => DocumentOwner::Nomination(n),
                (None, Some(p)) => DocumentOwner::Proposal(p),
                (None, None) => return Err(OpsError::internal("a document without owner")),
            };
            let scope = self.authorize_attach(tx, actor, owner).await?;
            if let DocumentOwner::Nomination(n) = owner {
                let state = tx.require_nomination(n).await?.nomination.state();
                let proposer_side =
                    matches!(state, NominationState::Draft | NominationState::Returned);
                if !proposer_side && document.uploaded_by != actor.account {
                    return Err(OpsError::invalid(InvalidInput::Malformed {
                        field: "id",
                        expected_vi: "tài liệu do bạn đính kèm (hồ sơ đã trình chỉ bỏ được tài liệu của chính mình)",
                        expected_en: "a document you attached (a submitted dossier keeps others' documents)",
                    }));
                }
            }
            if !tx.detach_document(id, actor.account, now).await? {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "id",
                    expected_vi: "một tài liệu còn trong hồ sơ",
                    expected_en: "a document still in the dossier",
                }));
            }
            tx.record(&recorded(
                now,
                by(actor),
                scope,
                Change::new(
                    subject_of(owner),
                    Kind::DocumentDetached,
                    json!({ "document": id.to_string(), "kind": document.kind.code() }),
                ),
            ))
            .await?;
            Ok(DocumentRecord {
                detached_at: Some(now),
                ..document.clone()
            })
        })
    }

    /// A document and its content, for someone who may read what it belongs to. The content is
    /// checked against its hash.
    pub async fn document_content(
        &self,
        actor: &Actor,
        id: DocumentId,
    ) -> Result<(DocumentRecord, Vec<u8>), OpsError> {
        let document = self
            .readable_document(actor, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "document",
                id: id.to_string(),
            })?;
        let path = content_path(&self.settings.documents_dir, &document.sha256);
        let expected = document.sha256.clone();
        let content = crate::auth::blocking(move || std::fs::read(&path))
            .await?
            .map_err(|e| OpsError::internal(format!("reading document {id}: {e}")))?;
        if HEXLOWER.encode(&Sha256::digest(&content)) != expected {
            return Err(OpsError::internal(format!(
                "document {id} does not match its SHA-256"
            )));
        }
        Ok((document, content))
    }

    /// A document, if the actor may read what it belongs to.
    pub async fn readable_document(
        &self,
        actor: &Actor,
        id: DocumentId,
    ) -> Result<Option<DocumentRecord>, OpsError> {
        let Some(document) = self.store.document(id).await? else {
            return Ok(None);
        };
        match (document.nomination, document.proposal) {
            (Some(n), _) => {
                let record = self.store.require_nomination(n).await?;
                self.must_read(&self.store, actor, &record).await?;
            }
            (None, Some(p)) => {
                let proposal = self.store.proposal(p).await?.ok_or(OpsError::NotFound {
                    entity: "proposal",
                    id: p.to_string(),
                })?;
                actor.authorize(Action::Read, &proposal.proposing_path)?;
            }
            (None, None) => return Err(OpsError::internal("a document without owner")),
        }
        Ok(Some(document))
    }
}

fn subject_of(owner: DocumentOwner) -> Subject {
    match owner {
        DocumentOwner::Nomination(id) => Subject::Nomination(id),
        DocumentOwner::Proposal(id) => Subject::Proposal(id),
    }
}
