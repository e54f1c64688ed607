#![doc = include_str!("../README.md")]

pub mod backup;
pub mod bench;
pub mod cli;
pub mod demo;
pub mod private_pg;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use laurel_certificates::Renderer;
use laurel_domain::rules::Rulesets;
use laurel_domain::workdays::WorkingCalendar;
use laurel_domain::workflow::Workflows;
use laurel_gateway::ops::{Bootstrapped, Ops, Settings, bootstrap_admin};
use laurel_gateway::server::{self, AppState};
use laurel_store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The default database: a SQLite file next to where Laurel runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://laurel.db?mode=rwc";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The log filter when `LAUREL_LOG` is unset or invalid.
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn,sea_orm=warn";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, with the spans it happened in (a request's carries its
    /// `request_id`).
    Json,
}

/// The log subscriber `laurel` installs: `filter` in tracing's `EnvFilter` syntax (else
/// [`DEFAULT_LOG_FILTER`]), lines in `format`, written to `writer`.
pub fn log_subscriber<W>(
    format: LogFormat,
    filter: Option<&str>,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::EnvFilter;
    let filter = filter
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().finish()),
    }
}

/// Turns what a person typed into a database URL: a plain file path means a SQLite file
/// (created if missing).
pub fn database_url(raw: &str) -> String {
    if raw.contains("://") || raw.starts_with("sqlite:") {
        raw.to_string()
    } else {
        format!("sqlite://{raw}?mode=rwc")
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The public base URL printed in certificates' QR codes; defaults to `http://<listen>`.
    pub public_url: Option<String>,
    /// How long a login session lasts.
    pub session_ttl: time::Duration,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Where dossier documents are kept.
    pub documents_dir: PathBuf,
    /// Largest document accepted, in bytes.
    pub max_document_bytes: usize,
    /// An installation's own workflow definitions, added to the shipped ones.
    pub workflows_file: Option<PathBuf>,
    /// Where requests read "now" (the system clock; tests move their own).
    pub clock: laurel_gateway::edge::Clock,
    /// Whether `GET /metrics` is served (unauthenticated: keep it on an internal network).
    pub metrics: bool,
    /// Whether callers without a session may introspect the schema (signed-in ones always
    /// may; `schema.graphql` is the published contract).
    pub public_introspection: bool,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How webhook deliveries are paced and retried (its clock is replaced by `clock`).
    pub webhooks: laurel_gateway::dispatch::DispatchConfig,
    /// The file holding the secret that seals issuers' signing keys (made on first start).
    pub key_secret_file: PathBuf,
    /// E-mail notifications: off when `None` (its clock is replaced by `clock`, its console
    /// URL by the public URL).
    pub mail: Option<laurel_gateway::notify::MailConfig>,
}

impl ServeConfig {
    /// Defaults for everything but the database.
    pub fn new(database_url: &str, listen: SocketAddr) -> ServeConfig {
        ServeConfig {
            database_url: database_url.to_string(),
            listen,
            public_url: None,
            session_ttl: time::Duration::hours(12),
            max_body_bytes: server::DEFAULT_MAX_BODY_BYTES,
            documents_dir: default_documents_dir(database_url),
            key_secret_file: default_key_secret_file(database_url),
            max_document_bytes: laurel_gateway::ops::DEFAULT_MAX_DOCUMENT_BYTES,
            workflows_file: None,
            clock: laurel_gateway::edge::Clock::system(),
            metrics: true,
            public_introspection: false,
            trusted_proxies: Vec::new(),
            webhooks: laurel_gateway::dispatch::DispatchConfig::default(),
            mail: None,
        }
    }
}

/// Where the key secret goes by default: beside a SQLite database file (`laurel.db` →
/// `laurel.db.key-secret`), else `laurel-key-secret` in the working directory.
pub fn default_key_secret_file(database_url: &str) -> PathBuf {
    let documents = default_documents_dir(database_url);
    match documents
        .to_str()
        .and_then(|d| d.strip_suffix(".documents"))
    {
        Some(db) => PathBuf::from(format!("{db}.key-secret")),
        None => PathBuf::from("laurel-key-secret"),
    }
}

/// The file of a SQLite database URL (`sqlite://laurel.db?mode=rwc` → `laurel.db`); `None` for
/// PostgreSQL and for an in-memory database.
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.starts_with(':'))
        .map(PathBuf::from)
}

/// Where documents go by default: beside a SQLite database file (`laurel.db` →
/// `laurel.db.documents/`), else `laurel-documents/` in the working directory.
pub fn default_documents_dir(database_url: &str) -> PathBuf {
    match sqlite_file(database_url) {
        Some(path) => PathBuf::from(format!("{}.documents", path.display())),
        None => PathBuf::from("laurel-documents"),
    }
}

/// The operations over `store` for tools that run without a server (`laurel import`): the
/// shipped rulesets, workflows and calendar, and the settings `laurel serve` would use on the
/// same database by default. The key secret is read when `laurel serve` made it beside the
/// database; otherwise the tool holds a random one in memory and writes no file: it is not
/// for operations that create or use issuers' signing keys.
pub fn offline_ops(database_url: &str, store: Store) -> anyhow::Result<Ops> {
    let secret_file = default_key_secret_file(database_url);
    let key_secret = if secret_file.exists() {
        laurel_gateway::keys::KeySecret::load_or_create(&secret_file)
            .context("reading the key secret that seals signing keys")?
    } else {
        laurel_gateway::keys::KeySecret::from_bytes(laurel_gateway::edge::random_bytes())
    };
    tool_ops(
        store,
        key_secret,
        format!("http://{DEFAULT_LISTEN}"),
        default_documents_dir(database_url),
    )
}

/// The review workflows Laurel ships, with an installation's own from `LAUREL_WORKFLOWS` as
/// `laurel serve` reads it, checked against the embedded rulesets (what the offline commands use
/// to name a nomination's stage).
pub fn shipped_workflows() -> anyhow::Result<Workflows> {
    let rulesets = embedded_rulesets()?;
    workflows_from(own_workflows_file().as_deref(), &rulesets)
}

/// The regimes' rulesets compiled into Laurel.
fn embedded_rulesets() -> anyhow::Result<Rulesets> {
    Rulesets::embedded().map_err(|e| anyhow::anyhow!("the embedded rulesets are invalid: {e}"))
}

/// The installation's own workflows file, as `LAUREL_WORKFLOWS` names it.
fn own_workflows_file() -> Option<PathBuf> {
    std::env::var_os("LAUREL_WORKFLOWS").map(PathBuf::from)
}

/// The review workflows Laurel ships, with those of `file` (an installation's own, as
/// `--workflows` names it) added, checked against `rulesets`.
pub fn workflows_from(file: Option<&Path>, rulesets: &Rulesets) -> anyhow::Result<Workflows> {
    let own = match file {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the workflows file {}", path.display()))?,
        )),
        None => None,
    };
    Workflows::embedded_with(
        own.as_ref()
            .map(|(name, text)| (name.as_str(), text.as_str())),
        rulesets,
    )
    .map_err(|e| anyhow::anyhow!("the workflow definitions are invalid: {e}"))
}

/// The operations over `store` for a tool that runs without a server, with the key secret and
/// public address it is given (`laurel seed`, which issues certificates and so makes signing
/// keys), and otherwise what `laurel serve` uses on the same database by default.
pub fn tool_ops(
    store: Store,
    key_secret: laurel_gateway::keys::KeySecret,
    public_url: String,
    documents_dir: PathBuf,
) -> anyhow::Result<Ops> {
    let renderer = Arc::new(Renderer::new().context("loading the certificate template and fonts")?);
    let rulesets = Arc::new(embedded_rulesets()?);
    // The installation's own workflows too, when `LAUREL_WORKFLOWS` names them as it does for
    // `laurel serve` (a `--workflows` given to serve alone is not seen here).
    let workflows = Arc::new(workflows_from(own_workflows_file().as_deref(), &rulesets)?);
    let calendar = Arc::new(
        WorkingCalendar::embedded()
            .map_err(|e| anyhow::anyhow!("the embedded calendar is invalid: {e}"))?,
    );
    let settings = Settings {
        session_ttl: time::Duration::hours(12),
        public_url,
        documents_dir,
        max_document_bytes: laurel_gateway::ops::DEFAULT_MAX_DOCUMENT_BYTES,
        key_secret,
    };
    Ok(Ops::new(
        store, settings, renderer, rulesets, workflows, calendar,
    ))
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The administrator created because the database was empty, if any.
    pub bootstrap: Option<Bootstrapped>,
    /// The store it serves (for tests and tooling).
    pub store: Store,
    /// Its operations, as its requests call them (for tests and tooling).
    pub ops: Ops,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    dispatcher: laurel_gateway::dispatch::Dispatcher,
    notifier: Option<laurel_gateway::notify::Notifier>,
}

impl Running {
    /// Stops accepting, finishes in-flight requests, and returns.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.context("server task")??;
        self.dispatcher.stop().await;
        if let Some(n) = self.notifier {
            n.stop().await;
        }
        Ok(())
    }

    /// Serves until `signal` completes, then stops gracefully.
    pub async fn serve_until(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        signal.await;
        self.stop().await
    }
}

/// Connects, applies migrations, creates the first administrator on an empty database, binds,
/// and starts serving in the background.
pub async fn start(config: ServeConfig) -> anyhow::Result<Running> {
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to {}", redact(&config.database_url)))?;
    store.migrate().await.context("applying migrations")?;
    let bootstrap = bootstrap_admin(&store, laurel_gateway::edge::now())
        .await
        .map_err(|e| anyhow::anyhow!("creating the first administrator: {e:?}"))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let renderer = Arc::new(Renderer::new().context("loading the certificate template and fonts")?);
    // One sample render, now rather than in the first download's request.
    let fingerprint = renderer.fingerprint().to_owned();
    tracing::debug!(%fingerprint, "certificate renderer ready");
    let rulesets = Arc::new(embedded_rulesets()?);
    let workflows = Arc::new(workflows_from(config.workflows_file.as_deref(), &rulesets)?);
    let calendar = Arc::new(
        WorkingCalendar::embedded()
            .map_err(|e| anyhow::anyhow!("the embedded calendar is invalid: {e}"))?,
    );
    std::fs::create_dir_all(&config.documents_dir).with_context(|| {
        format!(
            "creating the documents directory {}",
            config.documents_dir.display()
        )
    })?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let settings = Settings {
        session_ttl: config.session_ttl,
        public_url: public_url.clone(),
        documents_dir: config.documents_dir.clone(),
        max_document_bytes: config.max_document_bytes,
        key_secret: laurel_gateway::keys::KeySecret::load_or_create(&config.key_secret_file)
            .context("reading the key secret that seals signing keys")?,
    };
    let ops = Ops::new(
        store.clone(),
        settings,
        renderer,
        rulesets,
        workflows,
        calendar,
    );
    let state = AppState::new(ops.clone(), config.max_body_bytes)
        .with_clock(config.clock.clone())
        .serve_metrics(config.metrics)
        .public_introspection(config.public_introspection)
        .trusting_proxies(laurel_gateway::server::TrustedProxies::new(
            config.trusted_proxies.clone(),
        ));
    let console = laurel_console::console(state.in_process());
    let state = state.with_console(console);
    let notifier = match &config.mail {
        Some(mail) => Some(
            laurel_gateway::notify::Notifier::start(
                store.clone(),
                std::sync::Arc::clone(state.metrics()),
                laurel_gateway::notify::MailConfig {
                    clock: config.clock.clone(),
                    console_url: format!(
                        "{}{}/",
                        public_url.trim_end_matches('/'),
                        laurel_gateway::server::CONSOLE_PREFIX
                    ),
                    ..mail.clone()
                },
            )
            .context("starting e-mail notifications")?,
        ),
        None => None,
    };
    let dispatcher = laurel_gateway::dispatch::Dispatcher::start(
        store.clone(),
        std::sync::Arc::clone(state.metrics()),
        std::sync::Arc::clone(state.feed()),
        laurel_gateway::dispatch::DispatchConfig {
            clock: config.clock.clone(),
            ..config.webhooks.clone()
        },
    );
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server::run(listener, state, async {
        let _ = stopped.await;
    }));
    Ok(Running {
        addr,
        bootstrap,
        store,
        ops,
        shutdown,
        task,
        dispatcher,
        notifier,
    })
}

/// A database URL with any password replaced, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The reverse proxies a person listed (`--trusted-proxy`, or comma-separated in
/// `LAUREL_TRUSTED_PROXIES`): addresses or networks, blanks skipped (an empty variable names
/// none).
pub fn trusted_proxies(listed: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    listed
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            laurel_gateway::server::TrustedProxies::parse(p)
                .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_are_addresses_or_networks_and_blanks_name_none() {
        let listed =
            |v: &[&str]| trusted_proxies(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert!(listed(&[""]).unwrap().is_empty(), "an empty variable");
        assert_eq!(listed(&["10.0.0.5", " fd00::/8 ", ""]).unwrap().len(), 2);
        let refused = listed(&["proxy.local"]).unwrap_err().to_string();
        assert!(refused.contains("proxy.local"), "{refused}");
    }

    #[test]
    fn plain_paths_mean_sqlite_files_and_urls_pass_through() {
        assert_eq!(database_url("laurel.db"), "sqlite://laurel.db?mode=rwc");
        assert_eq!(
            database_url("/var/lib/laurel/data.db"),
            "sqlite:///var/lib/laurel/data.db?mode=rwc"
        );
        assert_eq!(database_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(database_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn documents_go_beside_a_sqlite_file_by_default() {
        assert_eq!(
            default_documents_dir("sqlite://laurel.db?mode=rwc"),
            PathBuf::from("laurel.db.documents")
        );
        assert_eq!(
            default_documents_dir("sqlite:///var/lib/laurel/data.db"),
            PathBuf::from("/var/lib/laurel/data.db.documents")
        );
        assert_eq!(
            default_documents_dir("postgres://u@h/db"),
            PathBuf::from("laurel-documents")
        );
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://laurel.db"), "sqlite://laurel.db");
    }
}
