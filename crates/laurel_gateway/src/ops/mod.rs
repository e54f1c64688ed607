//! Operations: what a user can do, one transaction each, knowing nothing of GraphQL or HTTP.
//!
//! Every write follows the same shape: open a write transaction, load what the decision needs,
//! authorize (domain policy), decide (domain rules and transition function), save with version
//! checks, append the audit entries, commit. A transient database failure (SQLite busy,
//! PostgreSQL serialization failure or deadlock) retries the whole transaction a few times;
//! anything else returns an [`OpsError`] and leaves the database as it was.

/// Runs a block in a write transaction and commits it: `in_tx!(ops, |tx| { ...; Ok(value) })`.
/// On a transient database failure the whole block runs again (up to [`ATTEMPTS`] times), so it
/// must not consume what it captures. A macro rather than a function taking an async closure:
/// the futures it builds must be `Send` for async-graphql, which a closure bound cannot express.
macro_rules! in_tx {
    ($ops:expr, |$tx:ident| $body:block) => {{
        let mut attempt: u32 = 1;
        loop {
            let result: Result<_, $crate::error::OpsError> = async {
                let owned_tx = $ops.store.write().await?;
                let value = {
                    let $tx = &owned_tx;
                    let inner: Result<_, $crate::error::OpsError> = async { $body }.await;
                    inner?
                };
                owned_tx.commit().await?;
                Ok(value)
            }
            .await;
            match result {
                Err($crate::error::OpsError::Busy(detail)) if attempt < $crate::ops::ATTEMPTS => {
                    tracing::debug!(attempt, %detail, "transient database failure; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                other => break other,
            }
        }
    }};
}

mod blanks;
mod certificates;
mod clusters;
mod councils;
mod credentials;
mod decision_pdf;
mod decisions;
mod delegations;
mod documents;
mod exports;
mod facts;
mod import;
mod movements;
mod nominations;
mod notifications;
mod org;
mod print_jobs;
mod proposals;
mod reads;
mod reports;
mod session;
mod templates;
mod webhooks;
mod workflow;

use std::sync::Arc;

use laurel_certificates::Renderer;
use laurel_domain::authz::Actor;
use laurel_domain::events::{DomainEvent, Recorded};
use laurel_domain::ids::AccountId;
use laurel_domain::rules::Rulesets;
use laurel_domain::text::InvalidInput;
use laurel_domain::workdays::WorkingCalendar;
use laurel_domain::workflow::Workflows;
use laurel_store::Store;

use crate::error::OpsError;
use time::OffsetDateTime;

pub use blanks::{BlankLayoutView, IssuerLayouts};
pub use certificates::{
    Annulled, CertificateRender, Checks, PdfSource, PrintOut, Progress, Verification,
    parse_content as certificates_parse_content, print_offline,
};
pub use clusters::{ClusterView, CreateCluster, ScoreInput};
pub use councils::{AGENDA_MAX, ClosedItem, OpenSession};
pub use decision_pdf::{RecipientLine, decision_recipients_offline};
pub use decisions::{AnnulDecision, RecordRecovery, SignDecision};
pub use documents::{Attachment, DEFAULT_MAX_DOCUMENT_BYTES, DocumentOwner};
pub use exports::{EXPORT_MAX, NOMINATION_COLUMNS};
pub use facts::{RecordPriorAward, RecordRecognition};
pub use import::{ImportNominations, ImportReport};
pub use movements::{LaunchMovement, RegisterNominee, Registered};
pub use nominations::CreateNomination;
pub use notifications::parse_email;
pub use org::{CreateAccount, CreatePerson, CreateUnit};
pub use proposals::{Bulk, CreateProposal, Outcome, ProposalStatus};
pub use reports::{
    AwardReport, REPORT_CSV_COLUMNS, build_report, issuer_year_title, movement_title,
};
pub use session::{
    Bootstrapped, ClientAddress, FIRST_ADMIN, LOGIN_FAILURES_PER_CLIENT,
    LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT, LOGIN_WINDOW, LoggedIn,
    bootstrap_admin, reset_password,
};
pub use webhooks::NewWebhook;
pub use workflow::{ActOn, Comment, PublicNotice, StageStatistics};

/// Settings the operations need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a login session lasts.
    pub session_ttl: time::Duration,
    /// The public base URL (no trailing slash), printed in certificates' QR codes.
    pub public_url: String,
    /// Where dossier documents are kept, by their SHA-256.
    pub documents_dir: std::path::PathBuf,
    /// Largest document accepted, in bytes.
    pub max_document_bytes: usize,
    /// The secret that seals issuers' private signing keys.
    pub key_secret: crate::keys::KeySecret,
}

/// The operations, over one store.
#[derive(Debug, Clone)]
pub struct Ops {
    store: Store,
    settings: Settings,
    renderer: Arc<Renderer>,
    rulesets: Arc<Rulesets>,
    workflows: Arc<Workflows>,
    /// The shipped working-day calendar; administrators' corrections are read from the
    /// database in each transaction that needs the days.
    calendar: Arc<WorkingCalendar>,
    /// Bounds concurrent password hashing (Argon2id takes ~19 MiB and a core each): a flood of
    /// logins queues here instead of exhausting memory. Protects the process, not business state.
    hashing: Arc<tokio::sync::Semaphore>,
    /// Bounds concurrent certificate renders to the cores: sixteen downloads at once otherwise
    /// lay out sixteen certificates on sixteen blocking threads, which share two cores' caches
    /// and typst's memo tables and finish later than the same renders taken a few at a time.
    /// Protects throughput, not business state.
    rendering: Arc<tokio::sync::Semaphore>,
}

/// How many times a transaction is attempted when the database reports a transient failure.
pub(crate) const ATTEMPTS: u32 = 5;

impl Ops {
    /// Operations over `store`.
    pub fn new(
        store: Store,
        settings: Settings,
        renderer: Arc<Renderer>,
        rulesets: Arc<Rulesets>,
        workflows: Arc<Workflows>,
        calendar: Arc<WorkingCalendar>,
    ) -> Ops {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Ops {
            store,
            settings,
            renderer,
            rulesets,
            workflows,
            calendar,
            hashing: Arc::new(tokio::sync::Semaphore::new(cores)),
            rendering: Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }

    /// Runs password hashing or verification off the async runtime, a few at a time.
    async fn hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, OpsError> {
        blocking_within(&self.hashing, f).await
    }

    /// Runs a certificate's render off the async runtime, at most one per core.
    async fn render<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, OpsError> {
        blocking_within(&self.rendering, f).await
    }

    /// The rulesets (legal regimes) Laurel judges by.
    pub fn rulesets(&self) -> &Rulesets {
        &self.rulesets
    }

    /// The review workflows nominations go through.
    pub fn workflows(&self) -> &Workflows {
        &self.workflows
    }

    /// The store, for reads.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

impl Ops {
    /// Refuses text the certificate fonts cannot print, naming each field and its characters,
    /// so people learn it when they type a name, not when the certificate is due.
    fn printable(&self, fields: &[(&'static str, Option<&str>)]) -> Result<(), OpsError> {
        let errors: Vec<InvalidInput> = fields
            .iter()
            .filter_map(|&(field, text)| {
                let characters = self.renderer.unsupported_characters(text?);
                (!characters.is_empty()).then_some(InvalidInput::Unprintable { field, characters })
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(OpsError::Invalid(errors))
        }
    }
}

/// An event recorded at `at`, by `actor`, concerning the units under `scope`.
fn recorded(
    at: OffsetDateTime,
    actor: Option<AccountId>,
    scope: laurel_domain::org::UnitPath,
    event: impl Into<DomainEvent>,
) -> Recorded {
    Recorded {
        at,
        actor,
        scope,
        event: event.into(),
    }
}

/// The empty path: the target of organisation-wide actions (only global roles reach it).
fn everywhere() -> laurel_domain::org::UnitPath {
    laurel_domain::org::UnitPath::default()
}

/// Who acts, for the audit log.
fn by(actor: &Actor) -> Option<AccountId> {
    Some(actor.account)
}

/// Runs a CPU-heavy closure off the async runtime once `gate` lets it (as many at a time as
/// it has permits).
async fn blocking_within<T: Send + 'static>(
    gate: &tokio::sync::Semaphore,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OpsError> {
    let _permit = gate
        .acquire()
        .await
        .map_err(|e| OpsError::internal(format!("semaphore: {e}")))?;
    crate::auth::blocking(f).await
}
