//! Idempotency keys: reserved before a request runs (a unique row per account and key), then
//! completed with the response, which a repeat gets back.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, SqlErr};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::idempotency_key;
use crate::{Store, StoreError};

/// What reserving a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is this request's: run it, then [`Store::complete_idempotency`].
    Reserved,
    /// The key already answered this request: here is the answer.
    Replay(String),
    /// The key's first request is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

impl Store {
    /// Reserves `key` for `account`'s request whose body hashes to `sha256`. A reservation
    /// older than `stale_before` whose request never completed (its process died) is taken over.
    pub async fn reserve_idempotency(
        &self,
        account: Uuid,
        key: &str,
        sha256: &str,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
    ) -> Result<Reservation, StoreError> {
        let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
            account_id: Set(account),
            key: Set(key.to_owned()),
            request_sha256: Set(sha256.to_owned()),
            reserved_at: Set(now),
            response: Set(None),
            completed_at: Set(None),
        })
        .exec_without_returning(self.writer())
        .await;
        match inserted {
            Ok(_) => return Ok(Reservation::Reserved),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(row) = idempotency_key::Entity::find_by_id((account, key.to_owned()))
            .one(&self.db)
            .await?
        else {
            // Deleted in between: nothing to replay; the caller may try again.
            return Ok(Reservation::InProgress);
        };
        if row.request_sha256 != sha256 {
            return Ok(Reservation::Mismatch);
        }
        if let Some(response) = row.response {
            return Ok(Reservation::Replay(response));
        }
        if row.reserved_at < stale_before {
            let taken = idempotency_key::Entity::update_many()
                .col_expr(idempotency_key::Column::ReservedAt, Expr::value(now))
                .filter(idempotency_key::Column::AccountId.eq(account))
                .filter(idempotency_key::Column::Key.eq(key))
                .filter(idempotency_key::Column::ReservedAt.eq(row.reserved_at))
                .filter(idempotency_key::Column::Response.is_null())
                .exec(self.writer())
                .await?;
            if taken.rows_affected == 1 {
                return Ok(Reservation::Reserved);
            }
        }
        Ok(Reservation::InProgress)
    }

    /// Gives a reserved key up without an answer (the request could not be carried out for a
    /// passing reason): the next request with it runs afresh.
    pub async fn release_idempotency(&self, account: Uuid, key: &str) -> Result<(), StoreError> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::AccountId.eq(account))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::Response.is_null())
            .exec(self.writer())
            .await?;
        Ok(())
    }

    /// Records the answer to a reserved key's request.
    pub async fn complete_idempotency(
        &self,
        account: Uuid,
        key: &str,
        response: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::Response,
                Expr::value(Some(response.to_owned())),
            )
            .col_expr(idempotency_key::Column::CompletedAt, Expr::value(Some(now)))
            .filter(idempotency_key::Column::AccountId.eq(account))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(self.writer())
            .await?;
        Ok(())
    }
}
