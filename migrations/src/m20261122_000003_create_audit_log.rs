//! The audit log: one row per state change, written in the same transaction as the change.
//! Append-only, enforced by the database.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid_null("actor_account_id"))
                    .col(string_len("entity", 32))
                    .col(uuid("entity_id"))
                    .col(string_len("action", 64))
                    .col(string_len_null("from_state", 32))
                    .col(string_len_null("to_state", 32))
                    .col(text_null("reason"))
                    .col(text("details"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_entity")
                    .table("audit_log")
                    .col("entity_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    r#"
CREATE FUNCTION laurel_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION laurel_audit_append_only();
"#,
                )
                .await?;
            }
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    r#"
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "Laurel supports SQLite and PostgreSQL, not {other:?}"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log; \
                 DROP FUNCTION IF EXISTS laurel_audit_append_only();",
            )
            .await?;
        }
        manager
            .drop_table(Table::drop().table("audit_log").to_owned())
            .await
    }
}
