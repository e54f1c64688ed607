//! SQLite's writer thread: where whole write transactions can run so that the one writer
//! connection is held only as long as its statements take.
//!
//! SQLite writes one transaction at a time, on the store's one writer connection. A write
//! transaction run as a task of the service's runtime waits, after each statement, for a worker
//! of that runtime to come back to it; under load both workers are busy parsing, resolving and
//! answering other requests, and every writer queued behind the connection waits too. Measured
//! with `laurel bench` (BENCHMARKS.md, "A stage transition: reads before, the write on a
//! thread of its own"): at 16 clients a stage transition held the writer for about 1.4 ms, of
//! which its statements took a fraction, and 731 transitions a second were the ceiling; run
//! here, 1,182. Work handed to [`Store::on_writer_thread`] (a stage transition's) runs on a
//! thread of its own (a current-thread tokio runtime that runs nothing else), which the
//! operating system wakes as soon as a statement's result is back. On PostgreSQL, which has no
//! single writer, the work runs where it was called.
//!
//! One thread serves the process (it is made on the first use and lives as long as the
//! process): it orders nothing (the writer connection's queue does that) and holds no state.
//!
//! ## Write groups (group commit)
//!
//! With `synchronous=FULL` every commit waits for the disk to flush SQLite's write-ahead log,
//! and on this kind of machine that flush is most of a short transaction's time: writers that
//! take turns on the one writer connection each wait for a flush of their own. Work handed to
//! [`Store::in_write_group`] (a stage transition's) is queued instead to one task on the
//! writer thread, which runs the writes waiting in the queue one after the other, each in a
//! savepoint of one transaction, and commits them together: one flush for the group. Nothing
//! is weakened:
//! - a write's answer comes back only after the group's commit, so nothing is acknowledged
//!   before it is durable; if the commit fails, every write of the group gets its error (and
//!   none of them happened);
//! - a write that fails is undone alone (its savepoint), and closes the group: the writes
//!   before it commit, the ones after it start the next group (an error that SQLite answers by
//!   rolling the whole transaction back then reaches only writes that were not acknowledged);
//! - each write still sees every write before it (the same connection), and is checked as
//!   before (the version it read, its audit chain's head);
//! - a group takes the writer as any other transaction does, and holds it for at most
//!   `LAUREL_WRITE_GROUP` writes (default 32; `1` commits each alone), so the writers outside
//!   groups still get their turn.
//!
//! Nothing waits to fill a group: the first write starts it at once, and the group takes only
//! the writes that queued meanwhile. A lone write costs what it cost before.
//! On PostgreSQL, whose server already flushes concurrent commits together, each write is its
//! own transaction, where it was called.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use sea_orm::DatabaseConnection;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::{Store, StoreError, WriteTx};

/// What a write in a group hears once the group's transaction is over: whether it committed.
type Deliver = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A write waiting for its group: given its savepoint (or the reason there is none), it runs,
/// and says whether it kept its changes and how to answer its caller after the commit.
type Job = Box<
    dyn FnOnce(Result<WriteTx, StoreError>) -> Pin<Box<dyn Future<Output = (bool, Deliver)> + Send>>
        + Send,
>;

/// The queue of one store's write groups.
#[derive(Debug, Clone)]
pub(crate) struct GroupQueue(mpsc::UnboundedSender<Job>);

/// The most writes one group holds: `LAUREL_WRITE_GROUP` (at least 1), by default 32.
fn largest_group() -> usize {
    std::env::var("LAUREL_WRITE_GROUP")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(32)
        .max(1)
}

/// Runs the writes queued in `jobs`, as many as wait (up to `largest`) in each transaction on
/// `writer`, until every sender is gone.
async fn run_groups(
    writer: DatabaseConnection,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    largest: usize,
) {
    while let Some(first) = jobs.recv().await {
        let tx = match crate::begin_write(&writer).await {
            Ok(tx) => tx,
            Err(e) => {
                // No transaction: this write fails with the reason; the next ones try again.
                let (_, deliver) = first(Err(e)).await;
                deliver(Ok(()));
                continue;
            }
        };
        let mut delivers: Vec<Deliver> = Vec::new();
        let mut job = first;
        loop {
            // A write without its savepoint fails with the reason (not kept). A task of its
            // own, so that a write that panics fails alone (its savepoint is rolled back as it
            // is dropped; its caller hears that it did not finish).
            let kept = match tokio::spawn(job(tx.savepoint().await)).await {
                Ok((kept, deliver)) => {
                    delivers.push(deliver);
                    kept
                }
                Err(_) => false,
            };
            if !kept || delivers.len() >= largest {
                break;
            }
            match jobs.try_recv() {
                Ok(next) => job = next,
                Err(_) => break,
            }
        }
        let committed = tx.commit().await;
        for deliver in delivers {
            deliver(committed.clone());
        }
    }
}

/// The error a caller hears when its write's task went away without an answer; `why`, when
/// known, is the runtime's account of it (the task panicked or was cancelled).
fn unfinished(why: Option<&dyn std::fmt::Display>) -> StoreError {
    let what = "a write transaction on SQLite's writer thread did not finish";
    StoreError::Db(sea_orm::DbErr::Custom(match why {
        Some(why) => format!("{what}: {why}"),
        None => what.into(),
    }))
}

/// The writer thread's runtime, made on first use; `None` if the thread could not be made
/// (then the work runs where it was called).
fn writer_thread() -> Option<&'static Handle> {
    static WRITER: OnceLock<Option<Handle>> = OnceLock::new();
    WRITER
        .get_or_init(|| {
            let (sender, receiver) = std::sync::mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name("laurel-writer".into())
                .spawn(move || {
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(runtime) => {
                            let _ = sender.send(Some(runtime.handle().clone()));
                            runtime.block_on(std::future::pending::<()>());
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "no runtime for SQLite's writer thread");
                            let _ = sender.send(None);
                        }
                    }
                });
            match spawned {
                Ok(_) => receiver.recv().ok().flatten(),
                Err(e) => {
                    tracing::warn!(error = %e, "SQLite's writer thread could not start");
                    None
                }
            }
        })
        .as_ref()
}

impl Store {
    /// Runs `work`, a whole write transaction from [`Store::write`] to its commit, on SQLite's
    /// writer thread (see the module's documentation); on PostgreSQL, here. The work runs to
    /// its end even if the caller stops waiting for it (a client that went away): a
    /// transaction is committed or rolled back whole, never dropped between two statements.
    /// Its log lines keep the caller's span (the request's id). A large future is best boxed
    /// by the caller (`Box::pin`), so that only a pointer moves into the writer's task.
    pub async fn on_writer_thread<F>(&self, work: F) -> Result<F::Output, StoreError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let thread = match self.backend {
            crate::Backend::Sqlite => writer_thread(),
            crate::Backend::Postgres => None,
        };
        match thread {
            Some(thread) => thread
                .spawn(work.in_current_span())
                .await
                .map_err(|e| unfinished(Some(&e))),
            None => Ok(work.await),
        }
    }

    /// Runs `work` on a write transaction that it must commit to keep its changes: on SQLite a
    /// savepoint of a write group on the writer thread (see the module's documentation), whose
    /// outcome comes back once the group has committed; on PostgreSQL a transaction of its own,
    /// here. An error of the group's commit reaches `work`'s caller as `E`. As with
    /// [`Store::on_writer_thread`], the work runs to its end even if its caller stops waiting.
    pub async fn in_write_group<T, E, W, Fut>(&self, work: W) -> Result<T, E>
    where
        W: FnOnce(WriteTx) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let Some(queue) = self.write_groups() else {
            let tx = self.write().await?;
            return work(tx).await;
        };
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |savepoint| {
            Box::pin(async move {
                match savepoint {
                    Err(e) => {
                        let deliver: Deliver = Box::new(move |_| {
                            let _ = reply.send(Err(E::from(e)));
                        });
                        (false, deliver)
                    }
                    Ok(tx) => {
                        let outcome = work(tx).instrument(span).await;
                        let kept = outcome.is_ok();
                        let deliver: Deliver = Box::new(move |committed| {
                            let _ = reply.send(match (outcome, committed) {
                                (Ok(value), Ok(())) => Ok(value),
                                (Ok(_), Err(e)) => Err(E::from(e)),
                                (Err(e), _) => Err(e),
                            });
                        });
                        (kept, deliver)
                    }
                }
            })
        });
        if queue.0.send(job).is_err() {
            return Err(E::from(unfinished(None)));
        }
        match answer.await {
            Ok(outcome) => outcome,
            Err(_) => Err(E::from(unfinished(None))),
        }
    }

    /// This store's queue of write groups, started on first use: `None` on PostgreSQL, or when
    /// SQLite's writer thread could not be made.
    fn write_groups(&self) -> Option<&GroupQueue> {
        self.write_groups
            .get_or_init(|| {
                // Only SQLite has a writer connection of its own.
                let writer = self.own_writer.clone()?;
                let thread = writer_thread()?;
                let (sender, jobs) = mpsc::unbounded_channel();
                thread.spawn(run_groups(writer, jobs, largest_group()));
                Some(GroupQueue(sender))
            })
            .as_ref()
    }
}
