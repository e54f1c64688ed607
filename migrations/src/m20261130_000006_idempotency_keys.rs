//! Idempotency keys: a state-changing request sent again with the same `Idempotency-Key` by the
//! same account gets the first answer back and changes nothing. The key is reserved (a unique
//! row) before the request runs, so two copies racing each other cannot both run it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("idempotency_key")
                    .col(uuid("account_id"))
                    .col(string_len("key", 128))
                    .col(string_len("request_sha256", 64))
                    .col(timestamp_with_time_zone("reserved_at"))
                    .col(text_null("response"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .primary_key(Index::create().col("account_id").col("key"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("idempotency_key").to_owned())
            .await
    }
}
