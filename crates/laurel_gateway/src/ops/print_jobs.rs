//! Print jobs: a big decision's certificates rendered in the background while the client polls
//! a progress figure, then downloads the PDF. Safe across processes: the job is a row, leased
//! by the process rendering it; if that process stops, the lease lapses and the next poll (on
//! any process) takes the job up again.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use laurel_domain::authz::{Action, Actor};
use laurel_domain::ids::DecisionId;
use laurel_store::{PrintJobRecord, PrintJobState, Read};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Ops, everywhere};
use crate::edge;
use crate::error::OpsError;

/// How long a process holds a job without reporting progress.
const LEASE: time::Duration = time::Duration::seconds(60);
/// How often progress is written while rendering.
const TICK: Duration = Duration::from_millis(250);
/// Finished PDFs are kept this long.
const KEPT: time::Duration = time::Duration::days(1);

impl Ops {
    /// Starts printing every certificate of a decision the actor may print, as one PDF, in the
    /// background; poll [`Ops::print_job`] for its progress.
    pub async fn start_print_job(
        &self,
        actor: &Actor,
        decision: DecisionId,
        on_blanks: bool,
        now: OffsetDateTime,
    ) -> Result<PrintJobRecord, OpsError> {
        let (decision, certificates) =
            self.printable_certificates(actor, decision)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "decision",
                    id: decision.to_string(),
                })?;
        let job = PrintJobRecord {
            id: edge::new_id(),
            decision: decision.id,
            requested_by: actor.account,
            on_blanks,
            state: PrintJobState::Queued,
            total: i32::try_from(certificates.len()).unwrap_or(i32::MAX),
            done: 0,
            error: None,
            created_at: now,
            finished_at: None,
            lease_until: None,
            has_pdf: false,
        };
        self.store.insert_print_job(&job, now - KEPT).await?;
        self.spawn_print_job(job.id, now);
        Ok(job)
    }

    /// A print job, for whoever asked for it (and administrators; `None` for anyone else). A
    /// job whose renderer stopped is taken up again here.
    pub async fn print_job(
        &self,
        actor: &Actor,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<PrintJobRecord>, OpsError> {
        let Some(job) = self.store.print_job(id).await? else {
            return Ok(None);
        };
        // Someone else's job is not theirs to know of (administrators see every job).
        if job.requested_by != actor.account
            && actor
                .authorize(Action::ManageOrganisation, &everywhere())
                .is_err()
        {
            return Ok(None);
        }
        let unfinished = matches!(job.state, PrintJobState::Queued | PrintJobState::Running);
        if unfinished && job.lease_until.is_none_or(|lease| lease < now) {
            self.spawn_print_job(job.id, now);
        }
        Ok(Some(job))
    }

    /// A finished job's PDF, for whoever may see the job; `None` when there is none (yet).
    pub async fn print_job_pdf(
        &self,
        actor: &Actor,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<(PrintJobRecord, Vec<u8>)>, OpsError> {
        let Some(job) = self.print_job(actor, id, now).await? else {
            return Ok(None);
        };
        Ok(self.store.print_job_pdf(id).await?.map(|pdf| (job, pdf)))
    }

    /// Renders the job in the background, its time running on from `now` (the request's).
    fn spawn_print_job(&self, id: Uuid, now: OffsetDateTime) {
        let ops = self.clone();
        tokio::spawn(async move {
            if let Err(e) = ops.run_print_job(id, now).await {
                tracing::error!(job = %id, error = ?e, "print job");
            }
        });
    }

    /// Renders a job if this process wins it: its requester's printable certificates, with
    /// progress written every tick, the PDF stored at the end.
    async fn run_print_job(&self, id: Uuid, now: OffsetDateTime) -> Result<(), OpsError> {
        // The job's clock: the request's `now`, run on by the monotonic clock (the server's own
        // clock may be a test's, moved forward).
        let started = std::time::Instant::now();
        let clock = move || now + started.elapsed();
        if !self.store.claim_print_job(id, now, now + LEASE).await? {
            return Ok(());
        }
        let Some(job) = self.store.print_job(id).await? else {
            return Ok(());
        };
        let requester = Actor {
            account: job.requested_by,
            grants: self.store.grants(job.requested_by).await?,
            acting: Vec::new(),
        };
        let done = Arc::new(AtomicUsize::new(0));
        let counter = done.clone();
        let rendering = {
            let ops = self.clone();
            tokio::spawn(async move {
                ops.print_certificates(
                    &requester,
                    job.decision,
                    job.on_blanks,
                    Arc::new(move |n| {
                        counter.store(n, Ordering::Relaxed);
                    }),
                )
                .await
            })
        };
        tokio::pin!(rendering);
        let result = loop {
            tokio::select! {
                result = &mut rendering => break result,
                () = tokio::time::sleep(TICK) => {
                    let n = i32::try_from(done.load(Ordering::Relaxed)).unwrap_or(i32::MAX);
                    self.store.print_job_progress(id, n, clock() + LEASE).await?;
                }
            }
        };
        let at = clock();
        match result {
            Ok(Ok(Some(print))) => self.store.finish_print_job(id, print.pdf, at).await?,
            Ok(Ok(None)) => {
                self.store
                    .fail_print_job(id, "no such decision", at)
                    .await?
            }
            Ok(Err(e)) => {
                let (vi, en) = e.messages();
                self.store
                    .fail_print_job(id, &format!("{vi} / {en}"), at)
                    .await?;
            }
            Err(e) => {
                self.store
                    .fail_print_job(id, &format!("render task: {e}"), at)
                    .await?;
            }
        }
        Ok(())
    }
}
