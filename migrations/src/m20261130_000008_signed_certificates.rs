//! Signed certificates: each issuer signs its certificates with its own Ed25519 key. A key is
//! made on first use; its private half is kept sealed (ChaCha20-Poly1305 under a secret kept
//! outside the database), so a copy of the database alone cannot forge a certificate. A
//! rotation retires a key (it keeps verifying what it signed) and makes the next generation.
//! Each certificate records the key that signed it and the signature.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("signing_key")
                    .col(string_len("id", 64).primary_key())
                    .col(uuid("issuer_unit_id"))
                    .col(integer("generation"))
                    .col(string_len("algorithm", 16))
                    .col(text("public_key"))
                    .col(text("sealed_private_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("signing_key", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // One key per issuer and generation, whichever process makes it.
        manager
            .create_index(
                Index::create()
                    .name("ux_signing_key_issuer_generation")
                    .table("signing_key")
                    .col("issuer_unit_id")
                    .col("generation")
                    .unique()
                    .to_owned(),
            )
            .await?;
        for column in ["key_id", "signature"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("certificate")
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // PostgreSQL's certificate trigger already compares whole rows; SQLite's names its
        // columns, so the new ones get their own.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE TRIGGER certificate_signature_immutable BEFORE UPDATE ON certificate \
                     WHEN NEW.key_id IS NOT OLD.key_id OR NEW.signature IS NOT OLD.signature \
                     BEGIN SELECT RAISE(ABORT, 'an issued certificate''s signature is never edited'); END;",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TRIGGER IF EXISTS certificate_signature_immutable")
                .await?;
        }
        for column in ["signature", "key_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("certificate")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("signing_key").to_owned())
            .await
    }
}
