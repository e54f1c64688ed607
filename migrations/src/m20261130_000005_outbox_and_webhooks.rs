//! The outbox and webhooks. Every audited event is also an outbox row, written in the same
//! transaction as the change (so nothing is announced that rolled back). A dispatcher fans the
//! rows out to the registered webhook endpoints as delivery rows, and delivers them with retries;
//! each delivery row is claimed by one gateway process at a time under a lease.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(big_pk_auto("id"))
                    .col(big_integer_uniq("audit_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string_len("kind", 64))
                    .col(string_len("entity", 32))
                    .col(uuid("entity_id"))
                    .col(string_len("chain", 120))
                    .col(text("scope"))
                    .col(uuid_null("actor_account_id"))
                    .col(text("payload"))
                    .col(boolean("fanned_out").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_fanned_out")
                    .table("outbox")
                    .col("fanned_out")
                    .col("id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoint")
                    .col(uuid("id").primary_key())
                    .col(text("url"))
                    .col(text("description"))
                    .col(text("kinds"))
                    .col(uuid_null("scope_unit_id"))
                    .col(text("scope_path"))
                    .col(text("secret"))
                    .col(boolean("enabled"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("webhook_delivery")
                    .col(big_pk_auto("id"))
                    .col(uuid("endpoint_id"))
                    .col(big_integer("outbox_id"))
                    .col(string_len("chain", 120))
                    .col(string_len("status", 16))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(timestamp_with_time_zone_null("last_attempt_at"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_delivery", "endpoint_id")
                            .to("webhook_endpoint", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_delivery", "outbox_id")
                            .to("outbox", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // Each event reaches each endpoint once, whichever process fans it out.
        manager
            .create_index(
                Index::create()
                    .name("ux_webhook_delivery_endpoint_outbox")
                    .table("webhook_delivery")
                    .col("endpoint_id")
                    .col("outbox_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_delivery_due")
                    .table("webhook_delivery")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_delivery_chain")
                    .table("webhook_delivery")
                    .col("endpoint_id")
                    .col("chain")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_delivery", "webhook_endpoint", "outbox"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
