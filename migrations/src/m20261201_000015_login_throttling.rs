//! Login throttling: each failed login is a row (the username tried, the client's address, when),
//! so that every gateway process on the database counts the same failures. Rows older than the
//! throttling window are deleted as new ones arrive.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("login_failure")
                    .col(uuid("id").primary_key())
                    .col(string_len("username", 64))
                    .col(string_len("client", 64))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        for column in ["username", "client"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_login_failure_{column}_at"))
                        .table("login_failure")
                        .col(column)
                        .col("at")
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failure_at")
                    .table("login_failure")
                    .col("at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("login_failure").to_owned())
            .await
    }
}
