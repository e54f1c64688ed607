//! E-mail notifications to people. An account may give an address and choose how it hears of
//! its work (each change at once, a daily digest, or not at all). A notifier reads the outbox,
//! after its own cursor (`outbox.notified`), and writes one row per person to tell; each row is
//! sent by one gateway process at a time under a lease, like a webhook delivery. The unique
//! (account, key) index makes fan-out and the due-date sweep idempotent across processes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("account")
                    .add_column(text_null("email"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("account")
                    .add_column(string_len("notify_mode", 16).default("IMMEDIATE"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(boolean("notified").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_notified")
                    .table("outbox")
                    .col("notified")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notification")
                    .col(big_pk_auto("id"))
                    .col(uuid("account_id"))
                    .col(string_len("dedupe_key", 200))
                    .col(string_len("reason", 16))
                    .col(uuid_null("nomination_id"))
                    .col(text("details"))
                    .col(boolean("digest"))
                    .col(string_len("status", 16))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("notification", "account_id")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_notification_account_key")
                    .table("notification")
                    .col("account_id")
                    .col("dedupe_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_due")
                    .table("notification")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("notification").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_outbox_notified")
                    .table("outbox")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .drop_column("notified")
                    .to_owned(),
            )
            .await?;
        for column in ["notify_mode", "email"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("account")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
