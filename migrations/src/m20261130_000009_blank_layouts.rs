//! Printing on pre-printed blanks (phôi): each issuer's calibration of where every field goes,
//! per certificate form, as JSON (the renderer's `BlankLayout`). One row per issuer and form;
//! `version` makes concurrent edits safe (the second writer is told to reload).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("blank_layout")
                    .col(uuid("issuer_unit_id"))
                    .col(string_len("form", 32))
                    .col(text("layout"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(uuid("updated_by"))
                    .primary_key(Index::create().col("issuer_unit_id").col("form"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("blank_layout", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("blank_layout", "updated_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("blank_layout").to_owned())
            .await
    }
}
