//! Nominees outside the administrative tree (issue 10 §1): citizens, residential groups,
//! self-management teams, enterprises, schools that a movement's participating unit registers.
//! Each is a person or a unit placed under the registering unit (so the issuers above it manage
//! it, as any nominee); this table says that it is one, where it is, and which movement it came
//! with. No account is ever made for it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("external_nominee")
                    .col(uuid("id").primary_key())
                    .col(string_len("kind", 16))
                    .col(text("address"))
                    .col(text_null("organisation"))
                    .col(uuid("movement_id"))
                    .col(uuid("registered_by"))
                    .col(timestamp_with_time_zone("registered_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("external_nominee", "movement_id")
                            .to("movement", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("external_nominee", "registered_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("external_nominee").to_owned())
            .await
    }
}
