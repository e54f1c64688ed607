//! Records the store returns besides pure domain values: accounts, sessions, audit entries,
//! certificates, and the filters and pages used to list them.

use laurel_domain::award::AwardKind;
use laurel_domain::certificate::{CertificateStatus, VerificationCode};
use laurel_domain::ids::{AccountId, CertificateId, DecisionId, NominationId, PersonId, UnitId};
use laurel_domain::nomination::{Nomination, NominationState, Period};
use laurel_domain::org::UnitPath;
use time::OffsetDateTime;
use uuid::Uuid;

/// A login account (its password hash stays inside the store unless asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Identity.
    pub id: AccountId,
    /// Login name.
    pub username: String,
    /// The name shown to people and printed as signer name when no person is linked.
    pub display_name: String,
    /// The person this account belongs to, if recorded.
    pub person: Option<PersonId>,
    /// Whether the password was set by someone else and must be changed at first use.
    pub must_change_password: bool,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Where notifications go, if given.
    pub email: Option<String>,
    /// How it hears of its work.
    pub notify_mode: laurel_domain::notification::Mode,
}

/// A new account to insert.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Identity.
    pub id: AccountId,
    /// Login name (already validated).
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Shown name.
    pub display_name: String,
    /// Linked person.
    pub person: Option<PersonId>,
    /// Force a password change at first use.
    pub must_change_password: bool,
    /// Where notifications go (already validated).
    pub email: Option<String>,
}

/// A login session (the bearer token itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Identity.
    pub id: Uuid,
    /// Whose session.
    pub account: AccountId,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was ended by logout, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

/// A session with everything a signed-in request needs to know of its account, read at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionActor {
    /// The session.
    pub session: SessionRecord,
    /// Its account (`None` if it is gone).
    pub account: Option<Account>,
    /// The account's role grants.
    pub grants: Vec<laurel_domain::authz::Grant>,
    /// The delegations not revoked that name the account as delegate (the caller keeps those
    /// in force on its day).
    pub delegations: Vec<laurel_domain::authz::Delegation>,
}

/// A stored nomination with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationRecord {
    /// The nomination.
    pub nomination: Nomination,
    /// The proposing unit's path, as stored with it: who may read it is decided from this,
    /// without another query.
    pub proposing_path: UnitPath,
    /// When it was drafted.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

/// Whom a nomination waits for: a role at a unit (at or above it for a draft or a returned
/// nomination, exactly there otherwise). Stored with the nomination for the work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// The role.
    pub role: laurel_domain::authz::Role,
    /// The unit.
    pub unit: UnitId,
}

/// Which nominations to list.
#[derive(Debug, Clone, Default)]
pub struct NominationFilter {
    /// Only those proposed within these units' subtrees; `None` means everywhere.
    pub within: Option<Vec<UnitId>>,
    /// Only in this state.
    pub state: Option<NominationState>,
    /// Only for this issuer.
    pub issuer: Option<UnitId>,
    /// Only those proposed within this unit's subtree (a filter the caller chose, on top of
    /// `within`).
    pub proposed_within: Option<UnitId>,
    /// Only for this period.
    pub period: Option<Period>,
    /// Only of this award kind.
    pub award: Option<AwardKind>,
    /// Only in this proposal.
    pub proposal: Option<laurel_domain::ids::ProposalId>,
}

/// Which decisions to list.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    /// Only those whose issuer lies within these units' subtrees; `None` means everywhere.
    pub within: Option<Vec<UnitId>>,
    /// Only for this issuer.
    pub issuer: Option<UnitId>,
    /// Only in this numbering year.
    pub year: Option<i32>,
}

/// A page of a keyset-paginated list, ordered by id (UUIDv7 ids are time-ordered).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Start after this id.
    pub after: Option<Uuid>,
    /// At most this many rows.
    pub limit: u64,
}

/// A counter allocated without gaps per issuer and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceKind {
    /// Decision numbers (`N/QĐ-CODE`).
    Decision,
    /// Golden-book (sổ vàng) numbers of certificates.
    GoldenBook,
}

impl SequenceKind {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SequenceKind::Decision => "DECISION",
            SequenceKind::GoldenBook => "GOLDEN_BOOK",
        }
    }
}

/// An issued certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Identity.
    pub id: CertificateId,
    /// The decision it comes from.
    pub decision: DecisionId,
    /// The nomination it honours.
    pub nomination: NominationId,
    /// The public verification code.
    pub code: VerificationCode,
    /// Số sổ vàng.
    pub golden_book_no: i32,
    /// Valid or annulled.
    pub status: CertificateStatus,
    /// The frozen printed content, as JSON.
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub content_sha256: String,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// Who issued it.
    pub issued_by: AccountId,
    /// The issuer's key that signed it (none for certificates issued before signing began).
    pub key_id: Option<String>,
    /// The Ed25519 signature over its code and content, base64url.
    pub signature: Option<String>,
}

/// One audit-log entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: Option<AccountId>,
    /// What kind of thing changed.
    pub entity: String,
    /// Which one.
    pub entity_id: Uuid,
    /// What happened.
    pub action: String,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: Option<String>,
    /// The reason given.
    pub reason: Option<String>,
    /// Details, as JSON.
    pub details: serde_json::Value,
    /// Its hash chain (the aggregate it belongs to).
    pub chain: String,
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// The hash of the row before it in the chain ("" for the first).
    pub prev_hash: String,
    /// Its hash (`laurel_domain::audit::row_hash`).
    pub hash: String,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only of this kind of entity.
    pub entity: Option<String>,
    /// Only of this entity.
    pub entity_id: Option<Uuid>,
    /// Only by this account.
    pub actor: Option<AccountId>,
    /// Only this action.
    pub action: Option<String>,
    /// At or after.
    pub from: Option<OffsetDateTime>,
    /// Before.
    pub until: Option<OffsetDateTime>,
}
