//! Emulation movements (phong trào thi đua): launched by a unit for a period, with its
//! participating units and the awards it leads to (JSON arrays: read whole with the movement,
//! never queried on their own), and a nomination window. A nomination may belong to one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("movement")
                    .col(uuid("id").primary_key())
                    .col(uuid("launched_by_unit_id"))
                    .col(string_len("name", 1200))
                    .col(string_len("kind", 32))
                    .col(integer("from_year"))
                    .col(integer("to_year"))
                    .col(text_null("theme"))
                    .col(text("participants"))
                    .col(text("offerings"))
                    .col(date("opens_on"))
                    .col(date("closes_on"))
                    .col(timestamp_with_time_zone("launched_at"))
                    .col(uuid("launched_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("movement", "launched_by_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("movement", "launched_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .add_column(uuid_null("movement_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_nomination_movement")
                    .table("nomination")
                    .col("movement_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_nomination_movement").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .drop_column("movement_id")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("movement").to_owned())
            .await
    }
}
