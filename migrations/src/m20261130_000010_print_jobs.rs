//! Print jobs: a decision's certificates rendered as one PDF in the background, with a
//! progress figure the client polls. A job is leased by the process rendering it; a lease
//! that lapses (the process stopped) lets any process take the job up again, so a job once
//! accepted is finished. The PDF is kept in the row until it is a day old.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("print_job")
                    .col(uuid("id").primary_key())
                    .col(uuid("decision_id"))
                    .col(uuid("requested_by"))
                    .col(boolean("on_blanks"))
                    .col(string_len("state", 16))
                    .col(integer("total"))
                    .col(integer("done"))
                    .col(blob_null("pdf"))
                    .col(text_null("error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("print_job", "decision_id")
                            .to("decision", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("print_job", "requested_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("print_job").to_owned())
            .await
    }
}
