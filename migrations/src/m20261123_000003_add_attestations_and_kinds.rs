//! What the rules need that the first fact tables missed: judgements attested for a nomination
//! (until the council workflow records them, the issuer's signer does), the kind of commendation
//! of a nomination (regular, đột xuất, thematic...: only regular ones count toward chains), and an
//! initiative's use by an award given before Laurel (so it is not counted again).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("attestation")
                    .col(uuid("nomination_id"))
                    .col(string_len("criterion_id", 120))
                    .col(string_len("basis", 2000))
                    .col(uuid("attested_by"))
                    .col(timestamp_with_time_zone("attested_at"))
                    .primary_key(Index::create().col("nomination_id").col("criterion_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attestation_nomination")
                            .from("attestation", "nomination_id")
                            .to("nomination", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .add_column(string_len("commendation_kind", 32).default("THUONG_XUYEN"))
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len_null("used_for_award_kind", 40),
            integer_null("used_for_year"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("recognition")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["used_for_year", "used_for_award_kind"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("recognition")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .drop_column("commendation_kind")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("attestation").to_owned())
            .await
    }
}
