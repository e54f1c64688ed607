//! A certificate's PDF, kept once rendered: its content is frozen at issue, and the renderer
//! is pure, so the same inputs give the same bytes. Each GET used to lay the certificate out
//! again (about 10 ms of one core). The row is keyed by the certificate and by whether it is
//! the full certificate or only its data on the issuer's blank; `render_key` digests every
//! input of the render (the content, the verification address, the signed proof, the
//! issuer's template or blank layout and the renderer's own templates and fonts), so a row
//! whose inputs changed is rendered again and replaced, never served.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("certificate_render")
                    .col(uuid("certificate_id"))
                    .col(boolean("on_blank"))
                    .col(string_len("render_key", 64))
                    .col(blob("pdf"))
                    .col(timestamp_with_time_zone("rendered_at"))
                    .primary_key(Index::create().col("certificate_id").col("on_blank"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("certificate_render", "certificate_id")
                            .to("certificate", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("certificate_render").to_owned())
            .await
    }
}
