//! Login attempts, counted in the database so that every gateway process sees the same ones.
//! An attempt is recorded before its password is checked; it stays if the password was wrong
//! and is deleted if it was refused unchecked or succeeded.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::login_failure;
use crate::{Store, StoreError, WriteTx};

/// Failed logins since some instant, newest first, at most as many of each as asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// When the username failed from this client address.
    pub username_from_client: Vec<OffsetDateTime>,
    /// When the username failed, from any address.
    pub username: Vec<OffsetDateTime>,
    /// When the client address failed (whatever username it tried).
    pub client: Vec<OffsetDateTime>,
}

impl Store {
    /// The newest failed logins since `since`, up to `limit` of each kind: of `username` from
    /// `client`, of `username` from anywhere, and from `client` with any username.
    pub async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: OffsetDateTime,
        limit: u64,
    ) -> Result<LoginFailures, StoreError> {
        let times = |by_username: Option<&str>, by_client: Option<&str>| {
            let mut select = login_failure::Entity::find()
                .select_only()
                .column(login_failure::Column::At)
                .filter(login_failure::Column::At.gte(since));
            if let Some(username) = by_username {
                select = select.filter(login_failure::Column::Username.eq(username));
            }
            if let Some(client) = by_client {
                select = select.filter(login_failure::Column::Client.eq(client));
            }
            select
                .order_by_desc(login_failure::Column::At)
                .limit(limit)
                .into_tuple::<OffsetDateTime>()
                .all(&self.db)
        };
        Ok(LoginFailures {
            username_from_client: times(Some(username), Some(client)).await?,
            username: times(Some(username), None).await?,
            client: times(None, Some(client)).await?,
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

    /// Forgets the failed logins of `username`: those from `client` when given (it logged in
    /// from there: other addresses' failures stay counted), else all (its password was reset).
    pub async fn clear_login_failures(
        &self,
        username: &str,
        client: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut delete = login_failure::Entity::delete_many()
            .filter(login_failure::Column::Username.eq(username));
        if let Some(client) = client {
            delete = delete.filter(login_failure::Column::Client.eq(client));
        }
        delete.exec(&self.tx).await?;
        Ok(())
    }
}
