//! The `laurel` command line.
// The doc comments of the commands below are their `--help` text, written for a terminal
// (`<listen>`, bare URLs), not for rustdoc.
#![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::rules::{self, Rulesets};
use laurel_store::Store;
use time::Date;

use crate::{
    DEFAULT_DATABASE_URL, DEFAULT_LISTEN, LogFormat, ServeConfig, database_url, redact, start,
};

/// Laurel: awards and commendation workflow (thi đua, khen thưởng).
#[derive(Debug, Parser)]
#[command(name = "laurel", version, about)]
pub struct Cli {
    /// How log lines are written to standard error: `text` for people, `json` (one object per
    /// line) for log collectors.
    #[arg(long, global = true, env = "LAUREL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; every subcommand that touches data takes it.
#[derive(Debug, Args, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://path?mode=rwc`, `postgres://user@host/db`, or a plain file path for SQLite.
    #[arg(long, env = "LAUREL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (applies migrations; creates the first administrator on an empty database).
    Serve {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Address to listen on.
        #[arg(long, env = "LAUREL_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// Public base URL printed in certificates' QR codes (default: http://<listen>).
        #[arg(long, env = "LAUREL_PUBLIC_URL")]
        public_url: Option<String>,
        /// How long a login session lasts, in hours.
        #[arg(long, env = "LAUREL_SESSION_HOURS", default_value_t = 12)]
        session_hours: u32,
        /// Where dossier documents are kept (default: beside the SQLite file, as
        /// `<file>.documents/`, or `laurel-documents/`).
        #[arg(long, env = "LAUREL_DOCUMENTS_DIR")]
        documents_dir: Option<PathBuf>,
        /// Largest document accepted, in MiB.
        #[arg(long, env = "LAUREL_MAX_DOCUMENT_MB", default_value_t = 20)]
        max_document_mb: u32,
        /// An installation's own workflow definitions (TOML, the format of
        /// `crates/laurel_domain/rulesets/workflows.toml`), added to the shipped ones.
        #[arg(long, env = "LAUREL_WORKFLOWS")]
        workflows: Option<PathBuf>,
        /// Serve Prometheus metrics at GET /metrics (unauthenticated: keep it on an internal
        /// network). `--metrics false` turns it off.
        #[arg(long, env = "LAUREL_METRICS", default_value_t = true, action = clap::ArgAction::Set,
              value_parser = clap::builder::BoolishValueParser::new())]
        metrics: bool,
        /// Let callers without a session introspect the GraphQL schema (signed-in callers always
        /// may, e.g. GraphiQL with a token in its Headers tab; clients read `schema.graphql`).
        #[arg(long, env = "LAUREL_PUBLIC_INTROSPECTION")]
        public_introspection: bool,
        /// A reverse proxy (an address, or a network such as 10.0.0.0/8) whose
        /// X-Forwarded-For names the client: failed logins and verification lookups are then
        /// counted per real client, not per proxy. Repeat it, or list them comma-separated in
        /// the variable. Nobody else's X-Forwarded-For is believed: name the proxies' own
        /// addresses only, since a client inside a named network could write its own.
        #[arg(
            long = "trusted-proxy",
            env = "LAUREL_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<String>,
        /// The file holding the secret that seals issuers' signing keys (made on first start;
        /// back it up apart from the database; every process on one database needs the same).
        /// Default: beside the SQLite file as `<file>.key-secret`, or `laurel-key-secret`.
        #[arg(long, env = "LAUREL_KEY_SECRET_FILE")]
        key_secret_file: Option<PathBuf>,
        /// Send e-mail notifications through this SMTP server (off when absent):
        /// `smtp://host:25`, `smtp://user:password@host:587?tls=required` (STARTTLS) or
        /// `smtps://user:password@host:465`.
        #[arg(long, env = "LAUREL_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of notifications.
        #[arg(
            long,
            env = "LAUREL_MAIL_FROM",
            default_value = "Laurel <laurel@localhost>"
        )]
        mail_from: String,
        /// The hour (0-23, Asia/Ho_Chi_Minh) the daily digest goes out to accounts that chose it.
        #[arg(long, env = "LAUREL_DIGEST_HOUR", default_value_t = 7)]
        digest_hour: u8,
        /// How many days before a stage's due date "due soon" is sent.
        #[arg(long, env = "LAUREL_DUE_SOON_DAYS", default_value_t = 2)]
        due_soon_days: u32,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log: verify its hash chains, seal a checkpoint.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy a database, running or not, with its documents, into a new directory: SQLite's
    /// `VACUUM INTO`, or `pg_dump` on PostgreSQL (from the PATH or /usr/lib/postgresql), each a
    /// consistent snapshot; a manifest counts the rows. The key secret file is not copied:
    /// keep it apart.
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The documents directory of that database (as `laurel serve`; by default beside the
        /// SQLite file).
        #[arg(long, env = "LAUREL_DOCUMENTS_DIR")]
        documents_dir: Option<PathBuf>,
        /// The new directory to write the backup into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Make a new, empty database a copy of a backup (`laurel backup`), with its documents, and
    /// check it: rows per table as counted in the backup, the engine's integrity check, the
    /// audit chains; then apply newer migrations.
    Restore {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Where the restored documents go (as `laurel serve`; by default beside the SQLite
        /// file).
        #[arg(long, env = "LAUREL_DOCUMENTS_DIR")]
        documents_dir: Option<PathBuf>,
        /// The backup directory.
        #[arg(long)]
        from: PathBuf,
    },
    /// Print the GraphQL schema (SDL), as checked in at schema.graphql.
    Schema,
    /// Measure Laurel on this machine: prepares its own data on a fresh database, runs
    /// requests over HTTP, and prints a table with each figure beside a baseline measured in the
    /// same run (see BENCHMARKS.md).
    Bench {
        /// An empty database to run on (default: a fresh SQLite file in a temporary directory).
        #[arg(long, env = "LAUREL_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        /// Run on a PostgreSQL cluster of the bench's own, made in a temporary directory with
        /// the server's binaries (`initdb`, `pg_ctl`; as the `postgres` user when run by root),
        /// with PostgreSQL's defaults (`fsync` on), and removed afterwards.
        #[arg(long, conflicts_with = "database_url")]
        postgres: bool,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Concurrent clients to measure at, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,16")]
        clients: Vec<usize>,
        /// Recipients of the decision taken through the workflow, whose certificates are
        /// fetched one by one and printed as one PDF.
        #[arg(long, default_value_t = 1000)]
        recipients: usize,
        /// Certificates in a batch laid out in-process while nominations are read (0: none).
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
        /// Lines of the Excel file imported through `importNominations` (0: none).
        #[arg(long, default_value_t = 10_000)]
        import_rows: usize,
        /// Also spread the write and the read over this many `laurel serve` processes of this
        /// program on the same database, against one (1: not measured), then check the
        /// database's integrity and the audit log. Meant for PostgreSQL (`--database-url`).
        #[arg(long, default_value_t = 1)]
        processes: usize,
        /// Fill the database up to each of these numbers of nominations, comma-separated, and
        /// read one nomination, pages and filtered pages, and start a server, at each (0: not
        /// measured). Measured last: the other figures run on the bench's small tables.
        #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
        nominations: Vec<usize>,
    },
    /// Check a certificate without the database: a PDF (`--file`) by the proof it carries, or a
    /// code (`--code`) as a Laurel server publishes it, against the issuers' published keys.
    /// Prints the checks as JSON; fails unless the certificate is genuine (and, when a server
    /// was asked, not annulled).
    Verify {
        /// A certificate PDF printed by Laurel.
        #[arg(long, conflicts_with = "code", required_unless_present = "code")]
        file: Option<PathBuf>,
        /// The code printed under the QR code.
        #[arg(long, requires = "url")]
        code: Option<String>,
        /// The Laurel server whose keys (and, for a code, whose record) to check against,
        /// e.g. https://thiduakhenthuong.gialai.gov.vn.
        #[arg(long, required_unless_present = "keys")]
        url: Option<String>,
        /// A saved copy of the key set (`/.well-known/laurel-keys.json`) instead of the server's.
        #[arg(long)]
        keys: Option<PathBuf>,
    },
    /// Print every valid certificate of a signed decision into one PDF, one per page in
    /// golden-book order, straight from the database (no server, no account: whoever runs it
    /// holds the database). Issue the certificates first (`issueCertificates`).
    Print {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The decision's id (`signDecision` returns it; `decisions` lists them).
        #[arg(long)]
        decision: laurel_domain::ids::DecisionId,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
        /// The public base URL the QR codes point at, as the server's `--public-url` (default:
        /// where `laurel serve` listens by default).
        #[arg(
            long,
            env = "LAUREL_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        /// Only the certificates' data, placed on the issuer's pre-printed blanks (phôi) by its
        /// calibration (`setBlankLayout`; Laurel's standard layout where it has none).
        #[arg(long)]
        blank: bool,
    },
    /// Export, straight from the database, as XLSX or CSV (by the file's extension; CSV is UTF-8
    /// with a byte-order mark, for Excel): a decision's recipients with their cash
    /// (`--decision`), the list of nominations (`--nominations`), or a report (`--report`).
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The decision's id (`decisions` lists them).
        #[arg(
            long,
            required_unless_present_any = ["nominations", "report"],
            conflicts_with_all = ["nominations", "report"]
        )]
        decision: Option<laurel_domain::ids::DecisionId>,
        /// Instead, the list of nominations, with their stage, who holds them, their deadline
        /// and their decision (all of them, or those of `--issuer`, `--year`, `--state`).
        #[arg(long, conflicts_with = "report")]
        nominations: bool,
        /// Instead, a report: a movement's (`--movement`) or an issuer's of a year (`--issuer
        /// CODE --year Y`), as the workbook with its chart (.xlsx) or its table (.csv).
        #[arg(long)]
        report: bool,
        /// With `--report`: the movement's id.
        #[arg(long, requires = "report", conflicts_with_all = ["issuer", "year"])]
        movement: Option<laurel_domain::ids::MovementId>,
        /// With `--nominations` or `--report`: the issuing unit's code.
        #[arg(long, conflicts_with = "decision")]
        issuer: Option<String>,
        /// With `--nominations` or `--report`: the year the achievements belong to.
        #[arg(long, conflicts_with = "decision")]
        year: Option<i32>,
        /// With `--nominations`: a state's code (DRAFT, SUBMITTED, RETURNED, DECIDED, …).
        #[arg(long, requires = "nominations")]
        state: Option<String>,
        /// Where to write it: a `.xlsx` or a `.csv` file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print reports of awards, straight from the database: a movement's (`--movement`), an
    /// issuer's of a year (`--issuer CODE --year Y`), or every movement's when no filter is
    /// given. Each report: the awards by issuer, award and recipient kind, the cash, what is
    /// still in review, and the same in Vietnamese sentences.
    Report {
        #[command(flatten)]
        db: DatabaseArgs,
        /// A movement's id (`movements` lists them).
        #[arg(long, conflicts_with_all = ["issuer", "year"])]
        movement: Option<laurel_domain::ids::MovementId>,
        /// The issuing unit's code (as in its decision numbers, e.g. CAT).
        #[arg(long, requires = "year")]
        issuer: Option<String>,
        /// The year the achievements belong to.
        #[arg(long, requires = "issuer")]
        year: Option<i32>,
        /// Also write the report as an XLSX workbook with its chart (one report: give
        /// `--movement`, or `--issuer` and `--year`).
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// Import nominations from a spreadsheet (the columns of `GET /imports/template.xlsx`; see
    /// the README), straight into the database, as an account whose roles decide what it may
    /// import (the audit log names it). Checks every line and prints every problem, in
    /// Vietnamese and English; with `--commit`, and only when nothing is wrong, writes them all
    /// as drafts in proposals of the proposing unit, one per issuer. Fails when anything is
    /// wrong.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The file: .xlsx, .xls, .ods or .csv (UTF-8, with or without a BOM, or Windows-1258).
        file: PathBuf,
        /// The proposing unit's code (every line's unit lies within it).
        #[arg(long)]
        unit: String,
        /// The login of the account importing, e.g. a clerk of the proposing unit.
        #[arg(long = "as", value_name = "LOGIN")]
        account: String,
        /// The movement the nominations are made in (`movements` lists them).
        #[arg(long)]
        movement: Option<laurel_domain::ids::MovementId>,
        /// Write the nominations (without it, a dry run: nothing is written).
        #[arg(long)]
        commit: bool,
    },
    /// Fill an empty database with a demo that replays the five seed ceremonies (Gia Lai 2022,
    /// the province of 2020, Cửa Lò and Kiên Giang 2013–2023, Sơn Tây 2015–2020): units,
    /// people, movements, nominations through every stage, signed decisions and certificates,
    /// each on its historic dates. Prints the logins to try (every role). Refuses a database
    /// that has accounts already.
    Seed {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The demo data set (the only one there is; required, so that nobody seeds by accident).
        #[arg(long, required = true)]
        demo: bool,
        /// Where the secret sealing the issuers' signing keys is (as `laurel serve`; by default
        /// beside the SQLite file, made if missing).
        #[arg(long, env = "LAUREL_KEY_SECRET_FILE")]
        key_secret_file: Option<PathBuf>,
        /// The address certificates' QR codes point to (as `laurel serve`).
        #[arg(long, env = "LAUREL_PUBLIC_URL")]
        public_url: Option<String>,
        /// Where the dossiers' documents go (as `laurel serve`; by default beside the SQLite
        /// file).
        #[arg(long, env = "LAUREL_DOCUMENTS_DIR")]
        documents_dir: Option<PathBuf>,
    },
    /// Check a nominee against an award's criteria, offline, from a JSON case file
    /// (format: docs/rules.md). Prints the verdict and one line per criterion, as JSON.
    Eligibility {
        /// The case file (`-` reads standard input).
        #[arg(long)]
        case: PathBuf,
    },
    /// Compute the cash reward of an award on a decision date, as JSON.
    Reward {
        /// The award's code, e.g. GIAY_KHEN.
        #[arg(long, value_parser = parse_award)]
        award: AwardKind,
        /// INDIVIDUAL, COLLECTIVE or HOUSEHOLD.
        #[arg(long, value_parser = parse_recipient_kind)]
        kind: RecipientKind,
        /// The decision date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
    },
}

fn parse_award(s: &str) -> Result<AwardKind, String> {
    s.parse().map_err(|_| {
        let codes: Vec<_> = AwardKind::ALL.iter().map(|k| k.code()).collect();
        format!("unknown award `{s}`; one of: {}", codes.join(", "))
    })
}

fn parse_recipient_kind(s: &str) -> Result<RecipientKind, String> {
    [
        RecipientKind::Individual,
        RecipientKind::Collective,
        RecipientKind::Household,
    ]
    .into_iter()
    .find(|k| k.code() == s)
    .ok_or_else(|| format!("unknown kind `{s}`; one of: INDIVIDUAL, COLLECTIVE, HOUSEHOLD"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))
}

/// Audit-log subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk every chain and checkpoint; name the first row that does not hold. Exits with an
    /// error when anything is wrong.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The `hash` of a checkpoint printed earlier and kept outside Laurel: it must still be
        /// in the log (repeatable).
        #[arg(long = "checkpoint", value_name = "HASH")]
        checkpoints: Vec<String>,
    },
    /// Seal every chain's head in a new checkpoint and print it (JSON) for safekeeping outside
    /// Laurel: a later verification proves the log only grew since.
    Checkpoint {
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Administration subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Give an account a new one-time password (printed once; to be changed at first login).
    ResetPassword {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's username.
        #[arg(long, default_value = "admin")]
        username: String,
    },
}

/// The `laurel` program: parses the command line, logs to standard error (`LAUREL_LOG`,
/// `--log-format`), runs the command on a multi-threaded runtime and exits non-zero with the
/// error when it fails.
pub fn main() -> std::process::ExitCode {
    use tracing_subscriber::util::SubscriberInitExt as _;
    let cli = Cli::parse();
    let filter = std::env::var("LAUREL_LOG").ok();
    crate::log_subscriber(cli.log_format, filter.as_deref(), std::io::stderr).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("laurel: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &mut std::io::stdout())) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("laurel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command, writing what people read to `out`.
pub async fn run(cli: Cli, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            public_url,
            session_hours,
            documents_dir,
            max_document_mb,
            workflows,
            metrics,
            public_introspection,
            trusted_proxies,
            key_secret_file,
            smtp_url,
            mail_from,
            digest_hour,
            due_soon_days,
        } => {
            let url = database_url(&db.database_url);
            let mut config = ServeConfig::new(&url, listen);
            let public_url_given = public_url.is_some();
            config.public_url = public_url;
            config.session_ttl = time::Duration::hours(i64::from(session_hours));
            if let Some(dir) = documents_dir {
                config.documents_dir = dir;
            }
            config.max_document_bytes = usize::try_from(max_document_mb)
                .unwrap_or(usize::MAX)
                .saturating_mul(1024 * 1024);
            config.workflows_file = workflows;
            config.metrics = metrics;
            config.public_introspection = public_introspection;
            config.trusted_proxies = crate::trusted_proxies(&trusted_proxies)?;
            if let Some(file) = key_secret_file {
                config.key_secret_file = file;
            }
            let mail_to = smtp_url.as_deref().map(redact);
            config.mail = smtp_url.map(|smtp| {
                let mut mail = laurel_gateway::notify::MailConfig::new(&smtp, &mail_from);
                mail.digest_hour = digest_hour;
                mail.due_soon_days = due_soon_days;
                mail
            });
            let documents = config.documents_dir.display().to_string();
            let running = start(config).await?;
            let base = format!("http://{}", running.addr);
            writeln!(out, "Laurel is serving on {base}")?;
            writeln!(out, "  Console (open in a browser): {base}/")?;
            writeln!(out, "  GraphiQL (try the API): {base}/graphql")?;
            if metrics {
                writeln!(out, "  Metrics (Prometheus; keep internal): {base}/metrics")?;
            }
            writeln!(out, "  Database: {} (migrations applied)", redact(&url))?;
            writeln!(out, "  Documents: {documents}")?;
            match mail_to {
                Some(smtp) => writeln!(
                    out,
                    "  E-mail notifications: on, through {smtp} (accounts set their address with setNotificationPreferences)"
                )?,
                None => writeln!(
                    out,
                    "  E-mail notifications: off (--smtp-url turns them on)"
                )?,
            }
            if !public_url_given {
                writeln!(
                    out,
                    "  Certificates' QR codes point at {base}/verify/…; set --public-url to the address people reach."
                )?;
            }
            if let Some(admin) = &running.bootstrap {
                writeln!(out)?;
                writeln!(
                    out,
                    "First start on an empty database: an administrator was created."
                )?;
                writeln!(out, "  username:          {}", admin.username)?;
                writeln!(out, "  one-time password: {}", admin.password)?;
                writeln!(
                    out,
                    "Open {base}/ and log in with them (you will be asked for a new password), or use the `login` and `changePassword` mutations."
                )?;
                writeln!(
                    out,
                    "Lost it? `laurel admin reset-password --username admin` prints a new one."
                )?;
            }
            writeln!(out, "Press Ctrl-C to stop.")?;
            out.flush()?;
            running.serve_until(shutdown_signal()).await
        }
        Command::Migrate { db } => {
            let url = database_url(&db.database_url);
            let store = Store::connect(&url)
                .await
                .with_context(|| format!("connecting to {}", redact(&url)))?;
            let pending = store.pending_migrations().await?;
            store.migrate().await?;
            writeln!(out, "Applied {pending} migration(s) to {}.", redact(&url))?;
            Ok(())
        }
        Command::Backup {
            db,
            documents_dir,
            out: target,
        } => {
            let url = database_url(&db.database_url);
            let documents = documents_dir.unwrap_or_else(|| crate::default_documents_dir(&url));
            crate::backup::backup(out, &url, &documents, &target).await?;
            Ok(())
        }
        Command::Restore {
            db,
            documents_dir,
            from,
        } => {
            let url = database_url(&db.database_url);
            let documents = documents_dir.unwrap_or_else(|| crate::default_documents_dir(&url));
            crate::backup::restore(out, &url, &documents, &from).await
        }
        Command::Admin {
            command: AdminCommand::ResetPassword { db, username },
        } => {
            let url = database_url(&db.database_url);
            let store = Store::connect(&url)
                .await
                .with_context(|| format!("connecting to {}", redact(&url)))?;
            store.migrate().await?;
            let password =
                laurel_gateway::ops::reset_password(&store, &username, laurel_gateway::edge::now())
                    .await
                    .map_err(|e| {
                        let (vi, en) = e.messages();
                        anyhow::anyhow!("{en} / {vi}")
                    })?;
            writeln!(out, "New one-time password for {username}: {password}")?;
            writeln!(
                out,
                "It must be changed at the next login (changePassword)."
            )?;
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { db, checkpoints },
        } => {
            let store = connect_migrated(&db.database_url).await?;
            let mut report = store.verify_audit().await?;
            for hash in &checkpoints {
                if !store.has_checkpoint(hash).await? {
                    report.problems.push(laurel_store::AuditProblem {
                        table: "audit_checkpoint",
                        id: 0,
                        chain: String::new(),
                        what: format!(
                            "the kept checkpoint {hash} is not in the log: the log was rewritten since"
                        ),
                    });
                }
            }
            writeln!(
                out,
                "Audit log: {} rows in {} chains, {} checkpoints.",
                report.rows, report.chains, report.checkpoints
            )?;
            if report.problems.is_empty() {
                writeln!(out, "Every chain and checkpoint verifies.")?;
                for hash in &checkpoints {
                    writeln!(
                        out,
                        "Kept checkpoint {hash} is in the log: it only grew since."
                    )?;
                }
                return Ok(());
            }
            for p in &report.problems {
                writeln!(
                    out,
                    "BAD {} row {}{}: {}",
                    p.table,
                    p.id,
                    if p.chain.is_empty() {
                        String::new()
                    } else {
                        format!(" (chain {})", p.chain)
                    },
                    p.what
                )?;
            }
            anyhow::bail!(
                "the audit log does not verify: {} problem(s)",
                report.problems.len()
            )
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { db },
        } => {
            let store = connect_migrated(&db.database_url).await?;
            let tx = store.write().await?;
            let checkpoint = tx.create_checkpoint(laurel_gateway::edge::now()).await?;
            tx.commit().await?;
            writeln!(out, "{}", serde_json::to_string_pretty(&checkpoint)?)?;
            Ok(())
        }
        Command::Verify {
            file,
            code,
            url,
            keys,
        } => verify(out, file, code, url, keys).await,
        Command::Print {
            db,
            decision,
            out: file,
            public_url,
            blank,
        } => print(out, &db.database_url, decision, &file, &public_url, blank).await,
        Command::Export {
            db,
            decision: Some(decision),
            out: file,
            ..
        } => export(out, &db.database_url, decision, &file).await,
        Command::Export {
            db,
            decision: None,
            report: true,
            movement,
            issuer,
            year,
            out: file,
            ..
        } => export_report(out, &db.database_url, movement, issuer, year, &file).await,
        Command::Export {
            db,
            decision: None,
            issuer,
            year,
            state,
            out: file,
            ..
        } => export_nominations(out, &db.database_url, issuer, year, state, &file).await,
        Command::Import {
            db,
            file,
            unit,
            account,
            movement,
            commit,
        } => {
            import(
                out,
                &db.database_url,
                &file,
                &unit,
                &account,
                movement,
                commit,
            )
            .await
        }
        Command::Seed {
            db,
            demo: _,
            key_secret_file,
            public_url,
            documents_dir,
        } => {
            seed(
                out,
                &db.database_url,
                key_secret_file,
                public_url,
                documents_dir,
            )
            .await
        }
        Command::Report {
            db,
            movement,
            issuer,
            year,
            xlsx,
        } => {
            report(
                out,
                &db.database_url,
                movement,
                issuer.zip(year),
                xlsx.as_deref(),
            )
            .await
        }
        Command::Bench {
            database_url,
            postgres,
            seconds,
            clients,
            recipients,
            batch,
            import_rows,
            processes,
            nominations,
        } => {
            let cluster = if postgres {
                let dir = std::env::temp_dir()
                    .join(format!("laurel-bench-postgres-{}", std::process::id()));
                let cluster = tokio::task::spawn_blocking(move || {
                    crate::private_pg::PrivateCluster::start(&dir)
                })
                .await??;
                writeln!(
                    out,
                    "Started a private {} cluster at {} (fsync on; removed afterwards).",
                    cluster.version,
                    crate::redact(&cluster.url())
                )?;
                Some(cluster)
            } else {
                None
            };
            let options = crate::bench::BenchOptions {
                database_url: cluster.as_ref().map(|c| c.url()).or(database_url),
                seconds,
                clients,
                recipients,
                batch,
                import_rows,
                processes,
                nominations,
            };
            let measured = crate::bench::run(options, out).await;
            if let Some(cluster) = cluster {
                // Stopping it waits for the server to end.
                tokio::task::spawn_blocking(move || drop(cluster)).await?;
            }
            measured
        }
        Command::Schema => {
            write!(out, "{}", laurel_gateway::schema::sdl())?;
            Ok(())
        }
        Command::Eligibility { case } => {
            let text = if case.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("reading the case from stdin")?
            } else {
                std::fs::read_to_string(&case)
                    .with_context(|| format!("reading {}", case.display()))?
            };
            let case =
                rules::parse_case(&text).map_err(|e| anyhow::anyhow!("malformed case: {e}"))?;
            let rulesets = Rulesets::embedded()
                .map_err(|e| anyhow::anyhow!("the embedded rulesets are invalid: {e}"))?;
            let ruleset = rulesets.for_period(case.period).ok_or_else(|| {
                anyhow::anyhow!(
                    "no ruleset covers the period {} (Laurel knows regimes from {})",
                    case.period,
                    rulesets
                        .all()
                        .first()
                        .map_or_else(|| "none".to_string(), |r| r.effective_from.to_string())
                )
            })?;
            let eligibility =
                rules::evaluate(ruleset, case.award, case.period, case.as_of, &case.nominee);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&eligibility.to_json())?
            )?;
            Ok(())
        }
        Command::Reward { award, kind, date } => {
            let rulesets = Rulesets::embedded()
                .map_err(|e| anyhow::anyhow!("the embedded rulesets are invalid: {e}"))?;
            let reward = rules::reward(&rulesets, award, kind, date).map_err(|e| {
                use laurel_domain::Explain;
                anyhow::anyhow!("{} / {}", e.message_en(), e.message_vi())
            })?;
            writeln!(out, "{}", serde_json::to_string_pretty(&reward.to_json())?)?;
            Ok(())
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// `laurel seed --demo`: the seed ceremonies, replayed into an empty database.
async fn seed(
    out: &mut (dyn Write + Send),
    database_url: &str,
    key_secret_file: Option<PathBuf>,
    public_url: Option<String>,
    documents_dir: Option<PathBuf>,
) -> anyhow::Result<()> {
    let url = crate::database_url(database_url);
    let store = connect_migrated(&url).await?;
    // Refuse before anything is written beside the database (the key secret, documents).
    if laurel_store::Read::count_accounts(&store).await? > 0 {
        anyhow::bail!(
            "cơ sở dữ liệu {} đã có dữ liệu: chỉ nạp dữ liệu minh họa vào cơ sở dữ liệu trống / \
             the database {} is not empty: the demo fills an empty one only",
            redact(&url),
            redact(&url)
        );
    }
    // `laurel serve` must be told the same places to find the documents and the signing keys.
    let mut again = vec![format!("--database-url {}", redact(database_url))];
    if let Some(file) = &key_secret_file {
        again.push(format!("--key-secret-file {}", file.display()));
    }
    if let Some(dir) = &documents_dir {
        again.push(format!("--documents-dir {}", dir.display()));
    }
    if let Some(public) = &public_url {
        again.push(format!("--public-url {public}"));
    }
    let key_secret_file = key_secret_file.unwrap_or_else(|| crate::default_key_secret_file(&url));
    let key_secret = laurel_gateway::keys::KeySecret::load_or_create(&key_secret_file)
        .context("reading the key secret that seals signing keys")?;
    let public_url = public_url.unwrap_or_else(|| format!("http://{DEFAULT_LISTEN}"));
    let documents_dir = documents_dir.unwrap_or_else(|| crate::default_documents_dir(&url));
    let ops = crate::tool_ops(store, key_secret, public_url, documents_dir)?;
    let seeded = crate::demo::seed(&ops).await.context(
        "the demo stopped half way: delete the database (and its .documents and .key-secret \
         beside it) and run it again / nạp dữ liệu minh họa bị dừng giữa chừng: xóa cơ sở dữ \
         liệu (cùng thư mục .documents và tệp .key-secret bên cạnh) rồi chạy lại",
    )?;
    writeln!(
        out,
        "Đã nạp dữ liệu minh họa / demo loaded: {} đề nghị / nominations, {} quyết định / \
         decisions, {} bằng, giấy khen, cờ / certificates.",
        seeded.nominations, seeded.decisions, seeded.certificates
    )?;
    writeln!(
        out,
        "Chỉ dùng để thử, không mở ra ngoài máy này: mọi tài khoản minh họa dùng chung một mật \
         khẩu / for trying only, do not expose beyond this machine: the demo accounts share one \
         password."
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Quản trị / administrator: {}  mật khẩu dùng một lần / one-time password: {}",
        seeded.admin.username, seeded.admin.password
    )?;
    writeln!(
        out,
        "Mọi tài khoản minh họa khác dùng mật khẩu / every other demo account's password: {}",
        seeded.password
    )?;
    writeln!(out, "Tài khoản nên thử / accounts to try (Gia Lai, 2022):")?;
    for (username, what) in crate::demo::FEATURED {
        if let Some(login) = seeded.logins.iter().find(|l| l.username == username) {
            writeln!(out, "  {:<14} {:<18} {what}", login.username, login.role)?;
        }
    }
    writeln!(
        out,
        "({} tài khoản cùng quản trị; xem tất cả ở trang Quản trị / {} accounts and the \
         administrator: see the console's Administration page)",
        seeded.logins.len(),
        seeded.logins.len()
    )?;
    writeln!(
        out,
        "Tiếp theo / next: laurel serve {}, rồi mở / then open http://{DEFAULT_LISTEN}/",
        again.join(" ")
    )?;
    Ok(())
}

/// `laurel import`: checks (and with `commit`, imports) a spreadsheet of nominations.
async fn import(
    out: &mut (dyn Write + Send),
    database_url: &str,
    file: &std::path::Path,
    unit_code: &str,
    login: &str,
    movement: Option<laurel_domain::ids::MovementId>,
    commit: bool,
) -> anyhow::Result<()> {
    use laurel_domain::message::Explain;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let url = crate::database_url(database_url);
    let store = connect_migrated(&url).await?;
    let now = laurel_gateway::edge::now();
    let actor = laurel_gateway::auth::actor_for_login(&store, login, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no enabled account `{login}` / không có tài khoản `{login}` đang hoạt động"
            )
        })?;
    let unit = unit_by_code(&store, unit_code).await?;
    let ops = crate::offline_ops(&url, store)?;
    let report = ops
        .import_nominations(
            &actor,
            laurel_gateway::ops::ImportNominations {
                file: bytes,
                proposing_unit: unit.id,
                movement,
                commit,
            },
            now,
        )
        .await
        .map_err(|e| {
            let (vi, en) = e.messages();
            anyhow::anyhow!("{en} / {vi}")
        })?;
    for f in &report.findings {
        writeln!(out, "{} / {}", f.message_vi(), f.message_en())?;
    }
    let errors = report.errors();
    writeln!(
        out,
        "{} dòng, {errors} lỗi / {} lines, {errors} errors",
        report.lines, report.lines
    )?;
    if errors > 0 {
        anyhow::bail!(
            "nothing was imported: mend the file and try again / chưa nhập gì: hãy sửa tệp rồi nhập lại"
        );
    }
    if report.committed {
        writeln!(
            out,
            "Đã nhập {} đề nghị (dự thảo) vào {} tờ trình; {} cá nhân mới / imported {} draft nominations in {} proposals; {} new people",
            report.nominations.len(),
            report.proposals.len(),
            report.people_created,
            report.nominations.len(),
            report.proposals.len(),
            report.people_created
        )?;
        if report.nominees_registered > 0 {
            writeln!(
                out,
                "Đã đăng ký {} người/tập thể ngoài hệ thống theo phong trào / registered {} nominees from outside the tree for the movement",
                report.nominees_registered, report.nominees_registered
            )?;
        }
    } else {
        writeln!(
            out,
            "Tệp hợp lệ; chưa ghi gì (thêm --commit để nhập) / the file is valid; nothing written (add --commit to import)"
        )?;
    }
    Ok(())
}

/// A store on `url` with its migrations applied.
async fn connect_migrated(url: &str) -> anyhow::Result<Store> {
    let url = database_url(url);
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("connecting to {}", redact(&url)))?;
    store.migrate().await?;
    Ok(store)
}

/// `laurel export`: a decision's recipients with their cash, as XLSX or CSV.
async fn export(
    out: &mut (dyn Write + Send),
    database_url: &str,
    decision: laurel_domain::ids::DecisionId,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let csv = is_csv(file)?;
    let store = connect_migrated(database_url).await?;
    let (decision, lines) = laurel_gateway::ops::decision_recipients_offline(&store, decision)
        .await
        .map_err(|e| {
            let (vi, en) = e.messages();
            anyhow::anyhow!("{en} / {vi}")
        })?
        .ok_or_else(|| {
            anyhow::anyhow!("no decision {decision} / không có quyết định {decision}")
        })?;
    let count = lines.len();
    let sheet = laurel_gateway::ops::Ops::recipients_sheet(&decision, lines);
    let bytes = if csv {
        laurel_sheets::recipients_csv(&sheet)?
    } else {
        laurel_sheets::recipients_xlsx(&sheet)?
    };
    std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
    writeln!(
        out,
        "{}: {count} recipients / người, tập thể → {}",
        sheet.title,
        file.display()
    )?;
    Ok(())
}

/// The unit of a code (as in its decision numbers), in any case.
async fn unit_by_code(store: &Store, code: &str) -> anyhow::Result<laurel_domain::org::Unit> {
    use laurel_store::Read;
    store
        .units()
        .await?
        .into_iter()
        .find(|u| u.code.as_str().eq_ignore_ascii_case(code))
        .ok_or_else(|| anyhow::anyhow!("no unit of code {code} / không có đơn vị mã {code}"))
}

/// Whether `--out` names a CSV file (else an XLSX one); refused when it is neither.
fn is_csv(file: &std::path::Path) -> anyhow::Result<bool> {
    match file.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => Ok(true),
        Some(e) if e.eq_ignore_ascii_case("xlsx") => Ok(false),
        _ => anyhow::bail!("--out must end in .xlsx or .csv / --out phải là tệp .xlsx hoặc .csv"),
    }
}

/// `laurel export --report`: a movement's or an issuer's year report, as XLSX or CSV.
async fn export_report(
    out: &mut (dyn Write + Send),
    database_url: &str,
    movement: Option<laurel_domain::ids::MovementId>,
    issuer: Option<String>,
    year: Option<i32>,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use laurel_gateway::ops::{build_report, issuer_year_title, movement_title};
    let workflows = crate::shipped_workflows()?;
    use laurel_store::{ReadMovements, ReportScope};
    let csv = is_csv(file)?;
    let words = |e: laurel_gateway::error::OpsError| {
        let (vi, en) = e.messages();
        anyhow::anyhow!("{vi} / {en}")
    };
    let store = connect_migrated(database_url).await?;
    let report = match (movement, issuer, year) {
        (Some(id), None, None) => {
            let m = store
                .movement(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no movement {id} / không có phong trào {id}"))?;
            build_report(
                (&store, &workflows),
                ReportScope::Movement(id),
                movement_title(&m),
            )
            .await
            .map_err(words)?
        }
        (None, Some(code), Some(year)) => {
            let unit = unit_by_code(&store, &code).await?;
            let title = issuer_year_title(&unit, year);
            build_report(
                (&store, &workflows),
                ReportScope::IssuerYear(unit.id, year),
                title,
            )
            .await
            .map_err(words)?
        }
        _ => anyhow::bail!(
            "--report needs --movement ID, or --issuer CODE and --year Y / --report cần --movement, hoặc --issuer và --year"
        ),
    };
    let bytes = if csv { report.csv() } else { report.xlsx() }.map_err(words)?;
    std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
    writeln!(out, "{} → {}", report.title, file.display())?;
    Ok(())
}

/// `laurel export --nominations`: the nominations of a filter, straight from the database.
async fn export_nominations(
    out: &mut (dyn Write + Send),
    database_url: &str,
    issuer: Option<String>,
    year: Option<i32>,
    state: Option<String>,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let csv = is_csv(file)?;
    let url = crate::database_url(database_url);
    let store = connect_migrated(&url).await?;
    let issuer = match issuer {
        None => None,
        Some(code) => Some(unit_by_code(&store, &code).await?.id),
    };
    let filter = laurel_store::NominationFilter {
        within: None,
        state: state
            .map(|s| s.to_uppercase().parse())
            .transpose()
            .map_err(|_| {
                anyhow::anyhow!(
                    "--state: a state code such as SUBMITTED / mã trạng thái, ví dụ SUBMITTED"
                )
            })?,
        issuer,
        proposed_within: None,
        period: year
            .map(laurel_domain::nomination::Period::new)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--year: {e}"))?,
        award: None,
        proposal: None,
    };
    let ops = crate::offline_ops(&url, store)?;
    let sheet = ops
        .nominations_sheet_offline(&filter, laurel_gateway::edge::now())
        .await
        .map_err(|e| {
            let (vi, en) = e.messages();
            anyhow::anyhow!("{vi} / {en}")
        })?;
    let bytes = if csv {
        laurel_sheets::table_csv(&sheet)?
    } else {
        laurel_sheets::table_xlsx(&sheet)?
    };
    std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
    writeln!(
        out,
        "{}: {} đề nghị / nominations → {}",
        sheet.title,
        sheet.rows.len(),
        file.display()
    )?;
    Ok(())
}

async fn report(
    out: &mut (dyn Write + Send),
    database_url: &str,
    movement: Option<laurel_domain::ids::MovementId>,
    issuer_year: Option<(String, i32)>,
    xlsx: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use laurel_gateway::ops::{build_report, issuer_year_title, movement_title};
    let workflows = crate::shipped_workflows()?;
    use laurel_store::{Read, ReadMovements, ReportScope};
    let store = connect_migrated(database_url).await?;
    if xlsx.is_some() && movement.is_none() && issuer_year.is_none() {
        anyhow::bail!(
            "--xlsx writes one report: give --movement, or --issuer and --year / --xlsx ghi một báo cáo: hãy chọn --movement, hoặc --issuer và --year"
        );
    }
    let words = |e: laurel_gateway::error::OpsError| {
        let (vi, en) = e.messages();
        anyhow::anyhow!("{en} / {vi}")
    };
    let mut reports = Vec::new();
    if let Some((code, year)) = issuer_year {
        let unit = store
            .units()
            .await?
            .into_iter()
            .find(|u| u.code.as_str().eq_ignore_ascii_case(&code))
            .ok_or_else(|| {
                anyhow::anyhow!("no unit has the code {code} / không có đơn vị mã {code}")
            })?;
        let title = issuer_year_title(&unit, year);
        reports.push(
            build_report(
                (&store, &workflows),
                ReportScope::IssuerYear(unit.id, year),
                title,
            )
            .await
            .map_err(words)?,
        );
    } else {
        let movements =
            match movement {
                Some(id) => vec![store.movement(id).await?.ok_or_else(|| {
                    anyhow::anyhow!("no movement {id} / không có phong trào {id}")
                })?],
                None => store.movements().await?,
            };
        if movements.is_empty() {
            writeln!(
                out,
                "Chưa có phong trào thi đua nào. / No movement has been launched."
            )?;
        }
        for m in movements {
            reports.push(
                build_report(
                    (&store, &workflows),
                    ReportScope::Movement(m.id),
                    movement_title(&m),
                )
                .await
                .map_err(words)?,
            );
        }
    }
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_report(out, r)?;
    }
    if let Some(path) = xlsx {
        let [report] = reports.as_slice() else {
            anyhow::bail!("--xlsx writes one report / --xlsx ghi một báo cáo");
        };
        std::fs::write(path, report.xlsx().map_err(words)?)
            .with_context(|| format!("writing {}", path.display()))?;
        writeln!(out, "\nXLSX: {}", path.display())?;
    }
    Ok(())
}

/// A report as text: the title, the sentences, a table, the cash and what is in review.
fn write_report(
    out: &mut (dyn Write + Send),
    r: &laurel_gateway::ops::AwardReport,
) -> anyhow::Result<()> {
    writeln!(out, "{}", r.title)?;
    writeln!(out, "{}", "=".repeat(r.title.chars().count()))?;
    if r.sentences.is_empty() {
        writeln!(out, "Chưa có khen thưởng nào. / Nothing awarded yet.")?;
    }
    for sentence in &r.sentences {
        writeln!(out, "- {sentence}")?;
    }
    if !r.report.awards.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "| cấp khen / issuer | hình thức / award | tập thể | cá nhân | tiền thưởng (đồng) |"
        )?;
        writeln!(out, "|---|---|---:|---:|---:|")?;
        for t in &r.report.awards {
            let issuer = r.issuers.get(&t.issuer).map_or_else(
                || t.issuer.to_string(),
                laurel_domain::org::Unit::issuer_title,
            );
            writeln!(
                out,
                "| {issuer} | {} | {} | {} | {} |",
                t.award.name_vi(),
                t.collectives,
                t.individuals,
                laurel_domain::report::vnd(t.cash_vnd)
            )?;
        }
        writeln!(
            out,
            "\nTổng cộng / total: {} tập thể, {} cá nhân; {} đồng.",
            r.report.awards.iter().map(|t| t.collectives).sum::<u32>(),
            r.report.awards.iter().map(|t| t.individuals).sum::<u32>(),
            laurel_domain::report::vnd(r.report.total_cash_vnd())
        )?;
    }
    if !r.report.by_state.is_empty() || r.report.annulled > 0 {
        let mut parts: Vec<String> = r
            .report
            .by_state
            .iter()
            .map(|(state, n)| format!("{} {n} ({})", state.name_vi(), state.code()))
            .collect();
        if r.report.annulled > 0 {
            parts.push(format!(
                "bị hủy quyết định {} (ANNULLED)",
                r.report.annulled
            ));
        }
        writeln!(out, "Chưa khen thưởng / not awarded: {}", parts.join(", "))?;
        if !r.report.in_review_by_stage.is_empty() {
            let stages: Vec<String> = r
                .report
                .in_review_by_stage
                .iter()
                .map(|(stage, n)| format!("{} {n} ({})", stage.name_vi(), stage.code()))
                .collect();
            writeln!(
                out,
                "Đang xét duyệt, theo bước / in review, by stage: {}",
                stages.join(", ")
            )?;
        }
    }
    Ok(())
}

async fn print(
    out: &mut (dyn Write + Send),
    database_url: &str,
    decision: laurel_domain::ids::DecisionId,
    file: &std::path::Path,
    public_url: &str,
    on_blanks: bool,
) -> anyhow::Result<()> {
    let store = connect_migrated(database_url).await?;
    let renderer = std::sync::Arc::new(laurel_certificates::Renderer::new()?);
    let started = std::time::Instant::now();
    let tenth = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let total = laurel_store::Read::certificates_of_decision(&store, decision)
        .await?
        .iter()
        .filter(|c| c.status == laurel_domain::certificate::CertificateStatus::Valid)
        .count()
        .max(1);
    let progress: laurel_gateway::ops::Progress = std::sync::Arc::new(move |done| {
        let decile = done * 10 / total;
        if tenth.fetch_max(decile, std::sync::atomic::Ordering::Relaxed) < decile {
            eprintln!("  laid out {done}/{total}");
        }
    });
    let printed = laurel_gateway::ops::print_offline(
        &store, &renderer, public_url, decision, on_blanks, progress,
    )
    .await
    .map_err(|e| {
        let (vi, en) = e.messages();
        anyhow::anyhow!("{en} / {vi}")
    })?
    .ok_or_else(|| anyhow::anyhow!("no decision {decision} / không có quyết định {decision}"))?;
    std::fs::write(file, &printed.pdf).with_context(|| format!("writing {}", file.display()))?;
    writeln!(
        out,
        "Printed {} certificate(s) of decision {}{} to {} ({} KiB) in {:.1} s.",
        printed.count,
        printed.decision_number,
        if on_blanks { " on blanks" } else { "" },
        file.display(),
        printed.pdf.len().div_ceil(1024),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// `laurel verify`: checks a certificate's signature against the published key set.
async fn verify(
    out: &mut (dyn Write + Send),
    file: Option<PathBuf>,
    code: Option<String>,
    url: Option<String>,
    keys: Option<PathBuf>,
) -> anyhow::Result<()> {
    use laurel_gateway::keys::{KeySet, Proof};
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()?;
    let base = url.as_deref().map(|u| u.trim_end_matches('/').to_owned());
    let key_set: KeySet = match (&keys, &base) {
        (Some(path), _) => serde_json::from_slice(
            &std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        )
        .with_context(|| format!("{} is not a Laurel key set", path.display()))?,
        (None, Some(base)) => client
            .get(format!("{base}/.well-known/laurel-keys.json"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
            .context("the server's key set is not a Laurel key set")?,
        (None, None) => anyhow::bail!("give --url or --keys"),
    };
    // The record, when a server was asked: it says whether the award was annulled since.
    let record = |code: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let Some(base) = base else {
                return Ok::<_, anyhow::Error>(None);
            };
            let response = client
                .get(format!("{base}/verify/{code}"))
                .header("accept", "application/json")
                .send()
                .await?;
            if response.status() == reqwest::StatusCode::NOT_FOUND {
                return Ok(Some(serde_json::json!({ "status": "NOT_FOUND" })));
            }
            Ok(Some(
                response
                    .error_for_status()?
                    .json::<serde_json::Value>()
                    .await?,
            ))
        }
    };
    let (proof, online) = match (file, code) {
        (Some(path), _) => {
            let pdf =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let proof = Proof::find_in(&pdf).with_context(|| {
                format!(
                    "{} carries no certificate's proof: `laurel verify` checks one certificate's \
                     PDF (a decision or a batch print of certificates carries none; check each \
                     certificate by its code), and a certificate's PDF that was altered loses it",
                    path.display()
                )
            })?;
            let online = record(proof.code.clone()).await?;
            (proof, online)
        }
        (None, Some(code)) => {
            let online = record(code.clone()).await?.unwrap_or_default();
            if online["status"] == "NOT_FOUND" {
                anyhow::bail!("no certificate has the code {code}");
            }
            if online["proof"].is_null() {
                anyhow::bail!(
                    "the certificate {code} was issued before certificates were signed: only the server's record vouches for it"
                );
            }
            let proof: Proof = serde_json::from_value(online["proof"].clone())
                .context("the server's proof is not a Laurel proof")?;
            (proof, Some(online))
        }
        (None, None) => anyhow::bail!("give --file or --code"),
    };
    let content: serde_json::Value =
        serde_json::from_str(&proof.content).context("the proof's content is not JSON")?;
    let issuer = content["issuer_title"].as_str().unwrap_or_default();
    let check = key_set.check(&proof, issuer);
    let status = online
        .as_ref()
        .and_then(|o| o["status"].as_str().map(str::to_owned));
    let grouped = proof
        .code
        .parse::<laurel_domain::certificate::VerificationCode>()
        .map(|c| c.grouped())
        .unwrap_or_else(|_| proof.code.clone());
    let report = serde_json::json!({
        "code": grouped,
        "recipientName": content["recipient_name"],
        "awardTitle": content["award_title"],
        "issuerTitle": issuer,
        "decision": content["decision_line"],
        "keyId": proof.kid,
        "checks": {
            // Offline, only the server's record could say; null then.
            "codeKnown": status.as_deref().map(|s| s != "NOT_FOUND"),
            "signatureValid": check.signature_valid,
            "keyBelongsToIssuer": check.key_belongs_to_issuer,
            "notAnnulled": status.as_deref().map(|s| s == "VALID"),
        },
        "status": status,
    });
    writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    if !(check.signature_valid && check.key_belongs_to_issuer) {
        anyhow::bail!(
            "the certificate is not genuine: its signature does not verify against the issuer's published keys"
        );
    }
    if status.as_deref().is_some_and(|s| s != "VALID") {
        anyhow::bail!(
            "the certificate is genuine but its status is {}",
            status.unwrap_or_default()
        );
    }
    Ok(())
}
