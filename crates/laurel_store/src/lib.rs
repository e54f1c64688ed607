#![doc = include_str!("../README.md")]

mod audit;
mod bench;
mod blanks;
mod clusters;
mod convert;
mod council;
mod entity;
mod error;
mod facts;
mod idempotency;
mod keys;
mod login_throttle;
mod maintenance;
mod movements;
mod notifications;
mod print_jobs;
mod read;
mod records;
mod renders;
mod review;
mod templates;
mod webhooks;
mod write;
mod writer;

pub mod testing;

use std::time::Duration;

use laurel_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseConnectionType, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub use audit::{AuditProblem, AuditReport, Checkpoint};
pub use bench::Filled;
pub use blanks::BlankLayoutRecord;
pub use clusters::ReadClusters;
pub use council::{CouncilRecord, CouncilSessionRecord, ItemRecord, ReadCouncil, VoteRuleRecord};
pub use error::StoreError;
pub use facts::{
    BlockRecord, DecisionRecipient, DisciplineRecord, PriorAwardRecord, ReadFacts,
    RecognitionRecord,
};
pub use idempotency::Reservation;
pub use keys::SigningKeyRecord;
pub use login_throttle::LoginFailures;
pub use maintenance::Inventory;
pub use movements::{ExternalNomineeRecord, ReadMovements, ReportScope};
pub use notifications::{
    ClaimedNotification, MailOutcome, NotificationRecord, NotificationStatus, NotifyClock,
};
pub use print_jobs::{PrintJobRecord, PrintJobState};
pub use read::Read;
pub use records::{
    Account, AuditEntry, AuditQuery, CertificateRecord, DecisionFilter, NewAccount,
    NominationFilter, NominationRecord, PageRequest, SequenceKind, SessionActor, SessionRecord,
    Waiting,
};
pub use review::{
    AnnulmentRecord, AppraisalRecord, CalendarOverride, CommentRecord, CompletedStage,
    ConsultationRecord, CouncilOutcomeRecord, DelegationRecord, DocumentRecord, HistoryEntry,
    NewHistoryEntry, OpinionRecord, ProposalRecord, QueueScope, ReadReview, StageStat,
};
pub use templates::TemplateRecord;
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, DeliveryStatus, OutboxEvent, WebhookDelivery, WebhookEndpoint,
    scope_text,
};
pub use write::WriteTx;

pub(crate) mod sealed {
    /// Access to the underlying connection; sealed so only this crate implements [`crate::Read`].
    pub trait Conn {
        type C: sea_orm::ConnectionTrait;
        fn conn(&self) -> &Self::C;
    }
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Laurel's database: a connection pool plus the operations on it.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// On SQLite, where write transactions run: a pool of one connection, so that writers
    /// queue in order for it instead of sleeping in SQLite's busy handler (which backs off
    /// in steps of up to 100 ms, and made a write's p99 at 16 clients ten times its p95).
    /// `None` on PostgreSQL: writes use the one pool ([`Store::writer`]).
    own_writer: Option<DatabaseConnection>,
    backend: Backend,
    /// Statements run through this pool (and its transactions) since it connected.
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// On SQLite, the queue of write groups ([`Store::in_write_group`]), made on first use.
    write_groups: std::sync::Arc<std::sync::OnceLock<Option<writer::GroupQueue>>>,
}

impl sealed::Conn for Store {
    type C = DatabaseConnection;
    fn conn(&self) -> &DatabaseConnection {
        &self.db
    }
}
impl Read for Store {}

impl sealed::Conn for WriteTx {
    type C = sea_orm::DatabaseTransaction;
    fn conn(&self) -> &sea_orm::DatabaseTransaction {
        &self.tx
    }
}
impl Read for WriteTx {}

/// Whether a connection going back to the pool is outside any transaction, which is the only
/// way it may be reused (the pool's `after_release` check; `false` closes it).
///
/// A transaction dropped without a commit (an error, a conflict) left its rollback queued:
/// it runs here first. Then sqlx's own count of open transactions must be zero. It is not when
/// that rollback failed, which is what follows a commit SQLite refused and already rolled back
/// itself (a full disk, an I/O error: SQLite then answers "no transaction is active"): sqlx
/// still counts one open, and would begin the next "transaction" on this connection as a
/// savepoint, which a later rollback to it leaves open, so that every write after it is
/// acknowledged and never committed. Closing the connection ends whatever SQLite holds open;
/// the pool opens a fresh one when needed.
fn outside_any_transaction<C: sea_orm::sqlx::Connection>(
    connection: &mut C,
    _: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + '_>,
> {
    Box::pin(async move {
        if connection.is_in_transaction() {
            connection.ping().await?;
        }
        let clean = !connection.is_in_transaction();
        if !clean {
            tracing::warn!(
                "a database connection came back inside a transaction (a commit refused by the \
                 database); closed instead of reused"
            );
        }
        Ok(clean)
    })
}

/// How many PostgreSQL connections are still to be pinged before they are lent, whatever their
/// idle time, because a broken connection was met lately ([`connections_may_be_broken`]).
static PINGS_OWED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Connections lent after a broken one was met that are pinged first: four times the largest
/// pool, so that every connection the server dropped with it (a restart, an operator ending
/// sessions) is found by its ping, not by a request.
const PINGS_AFTER_A_BREAK: u32 = 64;

/// A connection broke or none could be had: the pool's idle connections may have been dropped
/// with it, however recently they answered. Called as the error is sorted ([`StoreError`]).
pub(crate) fn connections_may_be_broken() {
    PINGS_OWED.store(PINGS_AFTER_A_BREAK, std::sync::atomic::Ordering::Relaxed);
}

/// Whether a PostgreSQL connection taken from the pool may be lent (the pool's `before_acquire`
/// check; an error closes it and the pool takes or opens another): one that idled for a second
/// or more is pinged first, since the server may have closed it or restarted meanwhile, and so
/// is every one while pings are owed after a broken connection. One that idled less otherwise
/// passed sqlx's ping as it came back to the pool a moment ago.
fn alive_if_idle(
    connection: &mut sea_orm::sqlx::PgConnection,
    meta: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + '_>,
> {
    use sea_orm::sqlx::Connection;
    use std::sync::atomic::Ordering;
    Box::pin(async move {
        let owed = PINGS_OWED
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok();
        if owed || meta.idle_for >= Duration::from_secs(1) {
            connection.ping().await?;
        }
        Ok(true)
    })
}

impl Store {
    /// Connects to `sqlite://path?mode=rwc` or `postgres://...`.
    ///
    /// SQLite is opened in WAL mode with `synchronous=FULL` (a commit that was acknowledged
    /// survives a power loss, not only a crash), foreign keys on, and a 5 s busy timeout
    /// (for another process on the same file). Its write transactions run on a pool of one
    /// connection of their own: they wait their turn for it (up to the acquire timeout, 10 s)
    /// rather than in SQLite's busy handler, which sleeps in growing steps of up to 100 ms.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::open(url, None).await
    }

    /// [`Store::connect`] with a pool of `connections` (tests that need every statement on
    /// one connection); `None` for the default size.
    pub(crate) async fn open(url: &str, connections: Option<u32>) -> Result<Store, StoreError> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let options = |connections: u32| {
            let mut options = ConnectOptions::new(url.to_string());
            options
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
                // A pooled SQLite connection is an open file in this process: nothing outside
                // can drop it, so it is not pinged each time it is taken from the pool (a round
                // trip to its worker thread, ~0.1 ms, twice per write request). A PostgreSQL
                // connection may have been dropped by the server or the network; but sqlx
                // pings every connection as it comes back to the pool and closes it if that
                // fails, so one that idled less than a second answered a moment ago: only a
                // connection idle for longer, or any while a broken one was met lately, is
                // pinged before it is lent (`alive_if_idle`). Otherwise each of a request's
                // statements outside a transaction would cost a second round trip.
                .test_before_acquire(false)
                // `LAUREL_LOG_SQL=1` logs every statement with its duration (target
                // `sqlx::query`, at WARN so that the default log filter shows it), to find the
                // slow one; off by default, since statements carry data.
                .sqlx_logging(std::env::var_os("LAUREL_LOG_SQL").is_some_and(|v| v != "0"))
                .sqlx_logging_level(log::LevelFilter::Warn)
                .map_sqlx_sqlite_pool_opts(|pool| pool.after_release(outside_any_transaction))
                .map_sqlx_postgres_pool_opts(|pool| {
                    pool.after_release(outside_any_transaction)
                        .before_acquire(alive_if_idle)
                })
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                        .create_if_missing(true)
                });
            options
        };
        let mut db = Database::connect(options(connections.unwrap_or(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })))
        .await?;
        let backend = match db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => backend,
        };
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counting = |db: &mut DatabaseConnection| {
            let counter = std::sync::Arc::clone(&statements);
            db.set_metric_callback(move |_| {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            });
        };
        counting(&mut db);
        let own_writer = match backend {
            Backend::Postgres => None,
            Backend::Sqlite => {
                let mut writer = Database::connect(options(1)).await?;
                counting(&mut writer);
                Some(writer)
            }
        };
        Ok(Store {
            db,
            own_writer,
            backend,
            statements,
            write_groups: Default::default(),
        })
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Ok(Migrator::up(&self.db, None).await?)
    }

    /// Rolls every migration back, then applies them all again (used by the migration test).
    pub async fn remigrate(&self) -> Result<(), StoreError> {
        Ok(Migrator::refresh(&self.db).await?)
    }

    /// How many migrations are not applied yet.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        Ok(Migrator::get_pending_migrations(&self.db).await?.len())
    }

    /// Starts a write transaction (see [`WriteTx`]).
    pub async fn write(&self) -> Result<WriteTx, StoreError> {
        begin_write(self.writer()).await
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        if let Some(writer) = self.own_writer {
            writer.close().await?;
        }
        Ok(self.db.close().await?)
    }

    /// How many SQL statements this pool (and its transactions) has run since it connected:
    /// for metrics, and for tests that hold reads to a bounded number of statements.
    pub fn statements(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The pools' connections right now (on SQLite, the readers' pool and the writer), for
    /// metrics.
    pub fn pool_status(&self) -> PoolStatus {
        fn of<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolStatus {
            // sqlx counts a returned connection as idle only after it has handed back its
            // permit, so `close` can finish (size 0) just before that count goes up: the idle
            // count alone then says 1 for a pool that holds nothing, for good. No pool has more
            // idle connections than connections.
            let size = pool.size();
            let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(size);
            PoolStatus {
                in_use: size - idle,
                idle,
            }
        }
        fn status(db: &DatabaseConnection) -> PoolStatus {
            match &db.inner {
                DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
                    of(db.get_sqlite_connection_pool())
                }
                DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
                    of(db.get_postgres_connection_pool())
                }
                DatabaseConnectionType::Disconnected => PoolStatus::default(),
            }
        }
        let readers = status(&self.db);
        match &self.own_writer {
            None => readers,
            Some(writer) => {
                let writer = status(writer);
                PoolStatus {
                    in_use: readers.in_use + writer.in_use,
                    idle: readers.idle + writer.idle,
                }
            }
        }
    }

    /// Where writes run: the writer's own connection on SQLite, the pool on PostgreSQL.
    fn writer(&self) -> &DatabaseConnection {
        self.own_writer.as_ref().unwrap_or(&self.db)
    }
}

/// A write transaction on `writer` (on SQLite `BEGIN IMMEDIATE`: it takes the write lock now,
/// rather than at its first write, where it could only fail).
pub(crate) async fn begin_write(writer: &DatabaseConnection) -> Result<WriteTx, StoreError> {
    let tx = writer
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(WriteTx { tx })
}

/// How many of a pool's open connections are lent out and how many wait idle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections lent to a query or transaction.
    pub in_use: u32,
    /// Open connections waiting in the pool.
    pub idle: u32,
}

#[cfg(test)]
mod tests;
