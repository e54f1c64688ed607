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

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Handle;
use tracing::Instrument;

use crate::{Store, StoreError};

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
            Some(thread) => thread.spawn(work.in_current_span()).await.map_err(|e| {
                StoreError::Db(sea_orm::DbErr::Custom(format!(
                    "a write transaction on SQLite's writer thread did not finish: {e}"
                )))
            }),
            None => Ok(work.await),
        }
    }
}
