//! Print jobs: a decision's certificates rendered in the background, leased by the process
//! rendering them, their progress and finally their PDF kept in the row.

use laurel_domain::ids::{AccountId, DecisionId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::print_job;
use crate::{Store, StoreError};

/// Where a print job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintJobState {
    /// Accepted, not yet started.
    Queued,
    /// Being rendered (or its process stopped and its lease will lapse).
    Running,
    /// The PDF is ready.
    Done,
    /// Rendering failed; `error` says why.
    Failed,
}

impl PrintJobState {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PrintJobState::Queued => "QUEUED",
            PrintJobState::Running => "RUNNING",
            PrintJobState::Done => "DONE",
            PrintJobState::Failed => "FAILED",
        }
    }

    fn parse(code: &str) -> Option<PrintJobState> {
        [
            PrintJobState::Queued,
            PrintJobState::Running,
            PrintJobState::Done,
            PrintJobState::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A print job, without its PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJobRecord {
    /// Identity.
    pub id: Uuid,
    /// The decision whose certificates are printed.
    pub decision: DecisionId,
    /// Who asked.
    pub requested_by: AccountId,
    /// Only the data, on the issuer's blanks.
    pub on_blanks: bool,
    /// Where it stands.
    pub state: PrintJobState,
    /// Certificates to lay out.
    pub total: i32,
    /// Certificates laid out so far.
    pub done: i32,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was asked for.
    pub created_at: OffsetDateTime,
    /// When it was done or failed.
    pub finished_at: Option<OffsetDateTime>,
    /// Until when the process rendering it holds it.
    pub lease_until: Option<OffsetDateTime>,
    /// Whether its PDF is still kept.
    pub has_pdf: bool,
}

fn record(m: print_job::Model, has_pdf: bool) -> Result<PrintJobRecord, StoreError> {
    let state = PrintJobState::parse(&m.state).ok_or_else(|| StoreError::Corrupt {
        entity: "print_job",
        id: m.id.to_string(),
        detail: format!("unknown state `{}`", m.state),
    })?;
    Ok(PrintJobRecord {
        id: m.id,
        decision: DecisionId(m.decision_id),
        requested_by: AccountId(m.requested_by),
        on_blanks: m.on_blanks,
        state,
        total: m.total,
        done: m.done,
        error: m.error,
        created_at: m.created_at,
        finished_at: m.finished_at,
        lease_until: m.lease_until,
        has_pdf,
    })
}

use print_job::Column as J;

impl Store {
    /// Records a new job, queued. PDFs of jobs finished before `forget_before` are dropped
    /// in the same go (their rows stay).
    pub async fn insert_print_job(
        &self,
        job: &PrintJobRecord,
        forget_before: OffsetDateTime,
    ) -> Result<(), StoreError> {
        print_job::Entity::update_many()
            .col_expr(J::Pdf, Expr::value(Option::<Vec<u8>>::None))
            .filter(J::FinishedAt.lt(forget_before))
            .filter(J::Pdf.is_not_null())
            .exec(self.writer())
            .await?;
        print_job::Entity::insert(print_job::ActiveModel {
            id: Set(job.id),
            decision_id: Set(job.decision.0),
            requested_by: Set(job.requested_by.0),
            on_blanks: Set(job.on_blanks),
            state: Set(job.state.code().to_owned()),
            total: Set(job.total),
            done: Set(job.done),
            pdf: Set(None),
            error: Set(None),
            created_at: Set(job.created_at),
            finished_at: Set(None),
            lease_until: Set(None),
        })
        .exec_without_returning(self.writer())
        .await?;
        Ok(())
    }

    /// A job, without its PDF.
    pub async fn print_job(&self, id: Uuid) -> Result<Option<PrintJobRecord>, StoreError> {
        let Some(m) = print_job::Entity::find_by_id(id)
            .select_only()
            .columns([
                J::Id,
                J::DecisionId,
                J::RequestedBy,
                J::OnBlanks,
                J::State,
                J::Total,
                J::Done,
                J::Error,
                J::CreatedAt,
                J::FinishedAt,
                J::LeaseUntil,
            ])
            .column_as(Expr::col(J::Pdf).is_not_null(), "has_pdf")
            .into_tuple::<(
                Uuid,
                Uuid,
                Uuid,
                bool,
                String,
                i32,
                i32,
                Option<String>,
                OffsetDateTime,
                Option<OffsetDateTime>,
                Option<OffsetDateTime>,
                bool,
            )>()
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let has_pdf = m.11;
        record(
            print_job::Model {
                id: m.0,
                decision_id: m.1,
                requested_by: m.2,
                on_blanks: m.3,
                state: m.4,
                total: m.5,
                done: m.6,
                pdf: None,
                error: m.7,
                created_at: m.8,
                finished_at: m.9,
                lease_until: m.10,
            },
            has_pdf,
        )
        .map(Some)
    }

    /// A finished job's PDF, while it is kept.
    pub async fn print_job_pdf(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(print_job::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .and_then(|m| m.pdf))
    }

    /// Takes a queued job, or one whose renderer's lease lapsed, for this process until
    /// `lease_until`; false when another process holds it or it is finished.
    pub async fn claim_print_job(
        &self,
        id: Uuid,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        Ok(print_job::Entity::update_many()
            .col_expr(J::State, Expr::value(PrintJobState::Running.code()))
            .col_expr(J::LeaseUntil, Expr::value(lease_until))
            .col_expr(J::Done, Expr::value(0))
            .filter(J::Id.eq(id))
            .filter(J::State.is_in([PrintJobState::Queued.code(), PrintJobState::Running.code()]))
            .filter(
                Condition::any()
                    .add(J::LeaseUntil.is_null())
                    .add(J::LeaseUntil.lt(now)),
            )
            .exec(self.writer())
            .await?
            .rows_affected
            == 1)
    }

    /// Records progress and extends the lease.
    pub async fn print_job_progress(
        &self,
        id: Uuid,
        done: i32,
        lease_until: OffsetDateTime,
    ) -> Result<(), StoreError> {
        print_job::Entity::update_many()
            .col_expr(J::Done, Expr::value(done))
            .col_expr(J::LeaseUntil, Expr::value(lease_until))
            .filter(J::Id.eq(id))
            .filter(J::State.eq(PrintJobState::Running.code()))
            .exec(self.writer())
            .await?;
        Ok(())
    }

    /// Stores the finished PDF.
    pub async fn finish_print_job(
        &self,
        id: Uuid,
        pdf: Vec<u8>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        print_job::Entity::update_many()
            .col_expr(J::State, Expr::value(PrintJobState::Done.code()))
            .col_expr(J::Pdf, Expr::value(Some(pdf)))
            .col_expr(J::Done, Expr::col(J::Total))
            .col_expr(J::FinishedAt, Expr::value(Some(at)))
            .col_expr(J::LeaseUntil, Expr::value(Option::<OffsetDateTime>::None))
            .filter(J::Id.eq(id))
            .exec(self.writer())
            .await?;
        Ok(())
    }

    /// Records why a job failed.
    pub async fn fail_print_job(
        &self,
        id: Uuid,
        error: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        print_job::Entity::update_many()
            .col_expr(J::State, Expr::value(PrintJobState::Failed.code()))
            .col_expr(J::Error, Expr::value(Some(error.to_owned())))
            .col_expr(J::FinishedAt, Expr::value(Some(at)))
            .col_expr(J::LeaseUntil, Expr::value(Option::<OffsetDateTime>::None))
            .filter(J::Id.eq(id))
            .exec(self.writer())
            .await?;
        Ok(())
    }
}
