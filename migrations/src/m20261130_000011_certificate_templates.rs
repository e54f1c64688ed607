//! Issuers' own certificate templates: per issuer and certificate form, a typst source an
//! administrator uploaded after Laurel rendered a full sample with it. One row per issuer and
//! form under an optimistic version; removing it brings back the standard template.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("certificate_template")
                    .col(uuid("issuer_unit_id"))
                    .col(string_len("form", 32))
                    .col(text("source"))
                    .col(string_len("sha256", 64))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(uuid("updated_by"))
                    .primary_key(Index::create().col("issuer_unit_id").col("form"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("certificate_template", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("certificate_template", "updated_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("certificate_template").to_owned())
            .await
    }
}
