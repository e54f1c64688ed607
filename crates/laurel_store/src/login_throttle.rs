//! Login attempts, counted in the database so that every gateway process sees the same ones.
//! An attempt is recorded before its password is checked; it stays if the password was wrong
//! and is deleted if it was refused unchecked or succeeded.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::login_failure;
use crate::{Store, StoreError, WriteTx};

/// The failures of one username and of one client address since some instant, newest first,
/// at most as many of each as asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// When the username failed.
    pub username: Vec<OffsetDateTime>,
    /// When the client address failed (whatever username it tried).
    pub client: Vec<OffsetDateTime>,
}

impl Store {
    /// The newest failed logins since `since`: up to `username_limit` of `username` and up to
    /// `client_limit` from `client`.
    pub async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: OffsetDateTime,
        username_limit: u64,
        client_limit: u64,
    ) -> Result<LoginFailures, StoreError> {
        let times = |column: login_failure::Column, value: &str, limit: u64| {
            login_failure::Entity::find()
                .select_only()
                .column(login_failure::Column::At)
                .filter(column.eq(value))
                .filter(login_failure::Column::At.gte(since))
                .order_by_desc(login_failure::Column::At)
                .limit(limit)
                .into_tuple::<OffsetDateTime>()
        };
        Ok(LoginFailures {
            username: times(login_failure::Column::Username, username, username_limit)
                .all(&self.db)
                .await?,
            client: times(login_failure::Column::Client, client, client_limit)
                .all(&self.db)
                .await?,
        })
    }
}

impl WriteTx {
    /// Records a login attempt, and forgets attempts older than `forget_before`.
    pub async fn record_login_failure(
        &self,
        id: Uuid,
        username: &str,
        client: &str,
        at: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> Result<(), StoreError> {
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::At.lt(forget_before))
            .exec(&self.tx)
            .await?;
        login_failure::Entity::insert(login_failure::ActiveModel {
            id: Set(id),
            username: Set(username.to_owned()),
            client: Set(client.to_owned()),
            at: Set(at),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Forgets one attempt (refused before its password was checked).
    pub async fn forget_login_attempt(&self, id: Uuid) -> Result<(), StoreError> {
        login_failure::Entity::delete_by_id(id)
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Forgets the failed logins of `username` (after it logged in, or its password was reset).
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::Username.eq(username))
            .exec(&self.tx)
            .await?;
        Ok(())
    }
}
