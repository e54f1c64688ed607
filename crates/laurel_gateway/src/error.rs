//! The gateway's error, and the one place it becomes a GraphQL error.
//!
//! Every lower error converts into [`OpsError`] once; [`OpsError::to_graphql`] gives each a
//! stable `extensions.code` and messages in Vietnamese (`message`, `messageVi`) and English
//! (`messageEn`). Internal errors are logged with their detail and shown as a generic message.
//!
//! | code | meaning |
//! |---|---|
//! | `UNAUTHENTICATED` | no session, an unknown or expired one, or wrong credentials |
//! | `PASSWORD_CHANGE_REQUIRED` | the account must change its one-time password first |
//! | `FORBIDDEN` | the role or unit scope does not allow this (including reading it) |
//! | `NOT_FOUND` | no such object |
//! | `VALIDATION` | malformed or out-of-range input, a taken unique value, an invalid GraphQL document |
//! | `INVALID_TRANSITION` | the nomination's state does not accept this command, or the decision's state what was asked of its certificates (annulled, none issued yet) |
//! | `RULE_VIOLATION` | a rule of the Law or of the council refuses it; every violated rule is listed |
//! | `CONFLICT` | someone changed it first (`expectedVersion` is stale) |
//! | `PAYLOAD_TOO_LARGE` | the HTTP body is over the limit |
//! | `UNAVAILABLE` | the database stayed busy through every retry (nothing was changed), or cannot be reached (a change in flight may or may not have landed) |
//! | `UNAVAILABLE` | also: the server cannot write its data (disk full or read-only); nothing was changed |
//! | `INTERNAL` | a fault on our side; nothing was changed |

use async_graphql::ErrorExtensions;
use laurel_domain::Explain;
use laurel_domain::authz::{Denied, InvalidGrant};
use laurel_domain::cluster::ScoreRefusal;
use laurel_domain::council::CouncilError;
use laurel_domain::movement::MovementRefusal;
use laurel_domain::nomination::RuleViolation;
use laurel_domain::text::InvalidInput;
use laurel_domain::workflow::{SeparationOfDuties, TransitionError};
use laurel_store::StoreError;

use crate::auth::TokenProblem;

/// An operation failed; nothing was changed.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error with a
/// bare message, which would lose the `extensions.code`. The only way out is
/// [`OpsError::to_graphql`].
#[derive(Debug)]
pub enum OpsError {
    /// No usable session.
    Unauthenticated(Option<TokenProblem>),
    /// Wrong username or password.
    InvalidCredentials,
    /// The account must change its one-time password before doing anything else.
    PasswordChangeRequired,
    /// Too many failed logins for this username or from this address; refused until `until`.
    TooManyAttempts {
        /// When logins may be tried again.
        until: time::OffsetDateTime,
    },
    /// Not allowed by role or unit scope.
    Forbidden(Denied),
    /// The same account may not propose and approve one nomination.
    SeparationOfDuties(SeparationOfDuties),
    /// No such object.
    NotFound {
        /// What was looked for.
        entity: &'static str,
        /// Its id.
        id: String,
    },
    /// Bad input, every problem listed.
    Invalid(Vec<InvalidInput>),
    /// A unique value is taken.
    Duplicate {
        /// The entity.
        entity: &'static str,
        /// The unique field.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// The workflow refuses the command in the current state.
    Transition(TransitionError),
    /// Rules refuse it, every violation listed.
    Rules(Vec<RuleViolation>),
    /// A council session refuses it (quorum, who may vote, the kind of vote).
    Council(CouncilError),
    /// An emulation movement refuses the nomination (window, participants, awards, period).
    Movement(MovementRefusal),
    /// A decision's state refuses what was asked of its certificates.
    Certificates(CertificateRefusal),
    /// An emulation cluster refuses a score or its publication (frozen, not a member, the
    /// sheet's limits, no single leader).
    Cluster(ScoreRefusal),
    /// Stale `expectedVersion`.
    Conflict {
        /// The entity.
        entity: &'static str,
        /// Its id.
        id: String,
        /// What the caller expected.
        expected: i32,
        /// What it is.
        actual: i32,
    },
    /// The database stayed busy through every retry; nothing was changed.
    Busy(String),
    /// The database cannot be reached (stopped, restarting, cut off, or no connection free in
    /// time); a change in flight may or may not have landed.
    Unavailable(String),
    /// No connection to the database could be had; nothing was changed.
    NoConnection(String),
    /// The server cannot write its data (disk full or read-only); nothing was changed.
    Storage(String),
    /// A fault on our side.
    Internal(String),
}

impl OpsError {
    /// A file Laurel keeps beside the database (a document) could not be written: a full or
    /// read-only disk is [`OpsError::Storage`], anything else internal.
    pub fn storing(what: &str, e: &std::io::Error) -> OpsError {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::ReadOnlyFilesystem => {
                OpsError::Storage(format!("{what}: {e}"))
            }
            _ => OpsError::internal(format!("{what}: {e}")),
        }
    }

    /// An internal fault with its detail (logged, never shown).
    pub fn internal(detail: impl Into<String>) -> OpsError {
        OpsError::Internal(detail.into())
    }

    /// One invalid field.
    pub fn invalid(error: InvalidInput) -> OpsError {
        OpsError::Invalid(vec![error])
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            OpsError::Unauthenticated(_) | OpsError::InvalidCredentials => "UNAUTHENTICATED",
            OpsError::PasswordChangeRequired => "PASSWORD_CHANGE_REQUIRED",
            OpsError::TooManyAttempts { .. } => "RATE_LIMITED",
            OpsError::Forbidden(_) | OpsError::SeparationOfDuties(_) => "FORBIDDEN",
            OpsError::NotFound { .. } => "NOT_FOUND",
            OpsError::Invalid(_) | OpsError::Duplicate { .. } => "VALIDATION",
            OpsError::Transition(_) | OpsError::Certificates(_) => "INVALID_TRANSITION",
            OpsError::Rules(_) | OpsError::Movement(_) | OpsError::Cluster(_) => "RULE_VIOLATION",
            OpsError::Council(e) => match e {
                CouncilError::NotAMember(_) | CouncilError::NotPresent | CouncilError::Recused => {
                    "FORBIDDEN"
                }
                CouncilError::EmptyAgenda
                | CouncilError::DuplicateItem(_)
                | CouncilError::NotOnAgenda(_)
                | CouncilError::EmptyTally
                | CouncilError::WrittenAbstention
                | CouncilError::NoMembers => "VALIDATION",
                CouncilError::Closed => "INVALID_TRANSITION",
                CouncilError::QuorumNotMet { .. }
                | CouncilError::PresentMember
                | CouncilError::AlreadyVoted
                | CouncilError::AlreadyRecused
                | CouncilError::SecretBallot
                | CouncilError::OpenVote
                | CouncilError::TallyRecorded
                | CouncilError::TooManyVotes { .. } => "RULE_VIOLATION",
            },
            OpsError::Conflict { .. } => "CONFLICT",
            OpsError::Busy(_)
            | OpsError::Unavailable(_)
            | OpsError::NoConnection(_)
            | OpsError::Storage(_) => "UNAVAILABLE",
            OpsError::Internal(_) => "INTERNAL",
        }
    }

    /// (Vietnamese, English) messages for people.
    pub fn messages(&self) -> (String, String) {
        match self {
            OpsError::Unauthenticated(problem) => {
                let (vi, en) = match problem {
                    None => (
                        "Bạn cần đăng nhập.",
                        "Authentication required: log in first.",
                    ),
                    Some(TokenProblem::Unknown) => (
                        "Phiên đăng nhập không hợp lệ; hãy đăng nhập lại.",
                        "The session token is not valid; log in again.",
                    ),
                    Some(TokenProblem::Expired) => (
                        "Phiên đăng nhập đã hết hạn hoặc đã đăng xuất; hãy đăng nhập lại.",
                        "The session expired or was logged out; log in again.",
                    ),
                    Some(TokenProblem::Disabled) => {
                        ("Tài khoản đã bị khóa.", "The account is disabled.")
                    }
                };
                (vi.into(), en.into())
            }
            OpsError::InvalidCredentials => (
                "Sai tên đăng nhập hoặc mật khẩu.".into(),
                "Wrong username or password.".into(),
            ),
            OpsError::PasswordChangeRequired => (
                "Bạn cần đổi mật khẩu dùng một lần trước (changePassword).".into(),
                "Change your one-time password first (changePassword).".into(),
            ),
            OpsError::TooManyAttempts { until } => {
                let at = laurel_domain::calendar::local_time_text(*until);
                (
                    format!("Đăng nhập sai quá nhiều lần; hãy thử lại sau {at} (giờ Việt Nam)."),
                    format!("Too many failed logins; try again after {at} (Vietnam time)."),
                )
            }
            OpsError::Forbidden(denied) => (denied.message_vi(), denied.message_en()),
            OpsError::SeparationOfDuties(s) => (s.message_vi(), s.message_en()),
            OpsError::NotFound { entity, id } => (
                format!("Không tìm thấy {} {id}.", entity_vi(entity)),
                format!("No {entity} {id} was found."),
            ),
            OpsError::Invalid(errors) => (
                join(errors.iter().map(Explain::message_vi)),
                join(errors.iter().map(Explain::message_en)),
            ),
            OpsError::Duplicate {
                entity,
                field,
                value,
            } => (
                format!(
                    "Giá trị {field} \"{value}\" đã được dùng cho {} khác.",
                    entity_vi(entity)
                ),
                format!("Another {entity} already has {field} \"{value}\"."),
            ),
            OpsError::Transition(e) => (e.message_vi(), e.message_en()),
            OpsError::Council(e) => (e.message_vi(), e.message_en()),
            OpsError::Movement(e) => (e.message_vi(), e.message_en()),
            OpsError::Certificates(e) => (e.message_vi(), e.message_en()),
            OpsError::Cluster(e) => (e.message_vi(), e.message_en()),
            OpsError::Rules(violations) => (
                join(violations.iter().map(Explain::message_vi)),
                join(violations.iter().map(Explain::message_en)),
            ),
            OpsError::Conflict {
                entity,
                expected,
                actual,
                ..
            } => (
                format!(
                    "{} đã được người khác thay đổi (phiên bản {actual}, bạn gửi {expected}); hãy tải lại rồi thử lại.",
                    capitalise(entity_vi(entity))
                ),
                format!(
                    "The {entity} was changed by someone else (version {actual}, you sent {expected}); reload and try again."
                ),
            ),
            OpsError::Busy(_) => (
                "Hệ thống đang bận; không có thay đổi nào được ghi. Hãy thử lại.".into(),
                "The system is busy; nothing was changed. Please try again.".into(),
            ),
            OpsError::Unavailable(_) => (
                "Không kết nối được cơ sở dữ liệu. Nếu bạn vừa gửi một thay đổi, nó có thể chưa được ghi: hãy xem lại rồi thử lại sau ít phút.".into(),
                "The database cannot be reached. A change you just sent may not have been recorded: check, then try again in a few minutes.".into(),
            ),
            OpsError::NoConnection(_) => (
                "Không kết nối được cơ sở dữ liệu; không có thay đổi nào được ghi. Hãy thử lại sau ít phút.".into(),
                "The database cannot be reached; nothing was changed. Try again in a few minutes.".into(),
            ),
            OpsError::Storage(_) => (
                "Máy chủ không ghi được dữ liệu (ổ đĩa đầy hoặc chỉ cho đọc); không có thay đổi nào được ghi. Hãy báo quản trị viên rồi thử lại sau.".into(),
                "The server cannot write its data (its disk is full or read-only); nothing was changed. Tell the administrator, then try again later.".into(),
            ),
            OpsError::Internal(_) => (
                "Lỗi hệ thống; không có thay đổi nào được ghi. Hãy thử lại sau.".into(),
                "Internal error; nothing was changed. Please try again later.".into(),
            ),
        }
    }

    /// The GraphQL error: Vietnamese message, stable code, both messages and details.
    pub fn to_graphql(&self) -> async_graphql::Error {
        if let OpsError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        self.unlogged()
    }

    /// [`OpsError::to_graphql`] without logging an internal error's detail (for a caller
    /// that logs it itself).
    pub(crate) fn unlogged(&self) -> async_graphql::Error {
        let (vi, en) = self.messages();
        async_graphql::Error::new(vi.clone()).extend_with(|_, ext| {
            ext.set("code", self.code());
            ext.set("messageVi", vi.as_str());
            ext.set("messageEn", en.as_str());
            match self {
                OpsError::Invalid(errors) => {
                    if let Some(first) = errors.first() {
                        ext.set("field", first.field());
                    }
                    let list: Vec<async_graphql::Value> = errors
                        .iter()
                        .map(|e| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(async_graphql::Name::new("field"), e.field().into());
                            m.insert(async_graphql::Name::new("messageVi"), e.message_vi().into());
                            m.insert(async_graphql::Name::new("messageEn"), e.message_en().into());
                            async_graphql::Value::Object(m)
                        })
                        .collect();
                    ext.set("errors", list);
                }
                OpsError::Duplicate { field, .. } => ext.set("field", *field),
                OpsError::Rules(violations) => {
                    let list: Vec<async_graphql::Value> = violations
                        .iter()
                        .map(|v| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(async_graphql::Name::new("article"), v.article().into());
                            m.insert(async_graphql::Name::new("messageVi"), v.message_vi().into());
                            m.insert(async_graphql::Name::new("messageEn"), v.message_en().into());
                            async_graphql::Value::Object(m)
                        })
                        .collect();
                    ext.set("violations", list);
                }
                OpsError::Conflict {
                    expected, actual, ..
                } => {
                    ext.set("expectedVersion", *expected);
                    ext.set("actualVersion", *actual);
                }
                OpsError::Transition(e) => {
                    ext.set("state", e.from.code());
                    ext.set("stage", e.at.code());
                    ext.set("command", e.command.code());
                    let accepted: Vec<async_graphql::Value> =
                        e.accepted.iter().map(|c| c.code().into()).collect();
                    ext.set("accepted", accepted);
                }
                OpsError::Movement(refusal) => {
                    ext.set("field", "movementId");
                    ext.set("reason", refusal.code());
                }
                OpsError::Certificates(refusal) => {
                    ext.set("field", "decisionId");
                    ext.set("reason", refusal.code());
                }
                OpsError::Cluster(refusal) => {
                    ext.set(
                        "field",
                        match refusal {
                            ScoreRefusal::NotAMember => "memberUnitId",
                            ScoreRefusal::UnknownCriterion(_)
                            | ScoreRefusal::AlreadyAdjusted(_) => "criterionCode",
                            ScoreRefusal::OverMaximum { .. } => "points",
                            ScoreRefusal::OwnScore => "memberUnitId",
                            ScoreRefusal::Published(_)
                            | ScoreRefusal::NoLeader
                            | ScoreRefusal::NotPublished => "clusterId",
                        },
                    );
                    ext.set("reason", refusal.code());
                }
                OpsError::TooManyAttempts { until } => {
                    ext.set("retryAt", until.unix_timestamp());
                }
                OpsError::Unauthenticated(_)
                | OpsError::Council(_)
                | OpsError::InvalidCredentials
                | OpsError::PasswordChangeRequired
                | OpsError::Forbidden(_)
                | OpsError::SeparationOfDuties(_)
                | OpsError::NotFound { .. }
                | OpsError::Busy(_)
                | OpsError::Unavailable(_)
                | OpsError::NoConnection(_)
                | OpsError::Storage(_)
                | OpsError::Internal(_) => {}
            }
        })
    }
}

/// Why a decision's certificates cannot be issued or printed: its state, not the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateRefusal {
    /// The decision was annulled by another decision (Law 06/2022 Art 93.2); its
    /// certificates are neither issued nor printed. `/verify` tells anyone who holds one.
    DecisionAnnulled {
        /// The decision's number, as people know it.
        number: String,
    },
    /// None of the decision's certificates was issued yet, or none within the caller's units.
    NoneIssued {
        /// The decision's number.
        number: String,
    },
}

impl CertificateRefusal {
    /// The stable `extensions.reason`.
    pub fn code(&self) -> &'static str {
        match self {
            CertificateRefusal::DecisionAnnulled { .. } => "DECISION_ANNULLED",
            CertificateRefusal::NoneIssued { .. } => "NONE_ISSUED",
        }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            CertificateRefusal::DecisionAnnulled { number } => format!(
                "Quyết định số {number} đã bị hủy bỏ bằng một quyết định khác; không cấp, không in \
                 bằng/giấy khen của quyết định này."
            ),
            CertificateRefusal::NoneIssued { number } => format!(
                "Quyết định số {number} không có bằng/giấy khen nào để in: chưa được cấp \
                 (issueCertificates) hoặc không thuộc phạm vi đơn vị của bạn."
            ),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            CertificateRefusal::DecisionAnnulled { number } => format!(
                "Decision {number} was annulled by another decision; its certificates are \
                 neither issued nor printed."
            ),
            CertificateRefusal::NoneIssued { number } => format!(
                "Decision {number} has no certificate to print: none was issued yet \
                 (issueCertificates), or none is within your units."
            ),
        }
    }
}

impl From<OpsError> for async_graphql::Error {
    fn from(e: OpsError) -> Self {
        e.to_graphql()
    }
}

impl From<Denied> for OpsError {
    fn from(e: Denied) -> Self {
        OpsError::Forbidden(e)
    }
}

impl From<CouncilError> for OpsError {
    fn from(e: CouncilError) -> Self {
        OpsError::Council(e)
    }
}

impl From<TransitionError> for OpsError {
    fn from(e: TransitionError) -> Self {
        OpsError::Transition(e)
    }
}

impl From<StoreError> for OpsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => OpsError::NotFound { entity, id },
            StoreError::Conflict {
                entity,
                id,
                expected,
                actual,
            } => OpsError::Conflict {
                entity,
                id,
                expected,
                actual,
            },
            StoreError::Duplicate {
                entity,
                field,
                value,
            } => OpsError::Duplicate {
                entity,
                field,
                value,
            },
            busy @ StoreError::Busy(_) => OpsError::Busy(busy.to_string()),
            gone @ StoreError::Unavailable(_) => OpsError::Unavailable(gone.to_string()),
            none @ StoreError::NoConnection(_) => OpsError::NoConnection(none.to_string()),
            full @ StoreError::Storage(_) => OpsError::Storage(full.to_string()),
            other @ (StoreError::Corrupt { .. } | StoreError::Db(_)) => {
                OpsError::Internal(other.to_string())
            }
        }
    }
}

impl From<InvalidInput> for OpsError {
    fn from(e: InvalidInput) -> Self {
        OpsError::invalid(e)
    }
}

impl From<Vec<InvalidInput>> for OpsError {
    fn from(e: Vec<InvalidInput>) -> Self {
        OpsError::Invalid(e)
    }
}

impl From<Vec<RuleViolation>> for OpsError {
    fn from(e: Vec<RuleViolation>) -> Self {
        OpsError::Rules(e)
    }
}

impl From<InvalidGrant> for OpsError {
    fn from(e: InvalidGrant) -> Self {
        OpsError::invalid(InvalidInput::Malformed {
            field: "unitId",
            expected_vi: match e {
                InvalidGrant::AdminTakesNoUnit => "vai trò ADMIN không gắn với đơn vị",
                InvalidGrant::UnitRequired(_) => "vai trò này phải gắn với một đơn vị",
            },
            expected_en: match e {
                InvalidGrant::AdminTakesNoUnit => "the ADMIN role takes no unit",
                InvalidGrant::UnitRequired(_) => "this role must be scoped to a unit",
            },
        })
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn entity_vi(entity: &str) -> &'static str {
    match entity {
        "unit" => "đơn vị",
        "person" => "cá nhân",
        "account" => "tài khoản",
        "nomination" => "đề nghị khen thưởng",
        "decision" => "quyết định",
        "certificate" => "bằng/giấy khen",
        "proposal" => "tờ trình",
        "document" => "tài liệu",
        "delegation" => "ủy quyền",
        "annulment" => "việc hủy khen thưởng",
        "consultation" => "việc hỏi ý kiến",
        "council" => "Hội đồng Thi đua - Khen thưởng",
        "council_session" => "phiên họp Hội đồng",
        "membership" => "nhiệm kỳ thành viên Hội đồng",
        "minutes" => "biên bản họp Hội đồng",
        "blank layout" => "bố cục in trên phôi",
        "certificate template" => "mẫu bằng/giấy khen",
        "print job" => "lệnh in",
        "certificate form" => "loại bằng/giấy khen",
        _ => "đối tượng",
    }
}
