//! Units, people, accounts, role grants and sessions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("unit")
                    .col(uuid("id").primary_key())
                    .col(uuid_null("parent_id"))
                    .col(string_len_uniq("code", 20))
                    .col(string_len("name", 200))
                    .col(string_len("head_title", 100))
                    .col(string_len_null("place", 100))
                    // "/<root id>/.../<own id>/": subtree queries are a prefix match.
                    .col(text("path"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_unit_parent")
                            .from("unit", "parent_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_path")
                    .table("unit")
                    .col("path")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("person")
                    .col(uuid("id").primary_key())
                    .col(uuid("unit_id"))
                    .col(string_len("full_name", 120))
                    .col(string_len_null("rank", 100))
                    .col(string_len_null("position", 100))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_unit")
                            .from("person", "unit_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_person_unit")
                    .table("person")
                    .col("unit_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("account")
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("username", 64))
                    .col(text("password_hash"))
                    .col(string_len("display_name", 120))
                    .col(uuid_null("person_id"))
                    .col(boolean("must_change_password"))
                    .col(boolean("disabled"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_person")
                            .from("account", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("role_grant")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(string_len("role", 32))
                    .col(uuid_null("unit_id"))
                    // The unit id as text, or "*" for global roles: NULLs are never equal in a
                    // unique index, so the scope needs a non-null key to forbid duplicate grants.
                    .col(string_len("scope_key", 40))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_grant_account")
                            .from("role_grant", "account_id")
                            .to("account", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_grant_unit")
                            .from("role_grant", "unit_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_role_grant")
                    .table("role_grant")
                    .col("account_id")
                    .col("role")
                    .col("scope_key")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("session")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    // SHA-256 of the bearer token; the token itself is never stored.
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_account")
                            .from("session", "account_id")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["session", "role_grant", "account", "person", "unit"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
