//! The audit log becomes verifiable: every row carries its chain (the aggregate it belongs to),
//! its place in that chain, the previous row's hash and its own (`laurel_domain::audit`), and
//! checkpoints seal every chain's head at once. Rows written before this migration are chained
//! here, in the order they were written.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};
use std::collections::HashMap;

use laurel_domain::audit::{AuditRow, chain_of, row_hash};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_GUARDS: &str = r#"
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on every engine: the append-only guard is lifted and restored on one
    /// connection, and nobody writes to the log in between.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string_len("chain", 120).default("").to_owned(),
            big_integer("seq").default(0).to_owned(),
            string_len("prev_hash", 64).default("").to_owned(),
            string_len("hash", 64).default("").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("audit_log")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        // Chain the rows already written, oldest first, with the append-only guard lifted for
        // the length of this migration only.
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER audit_log_no_update")
                    .await?;
            }
        }
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, at, actor_account_id, entity, entity_id, action, from_state, to_state, reason, details FROM audit_log ORDER BY id",
            ))
            .await?;
        let mut heads: HashMap<String, (i64, String)> = HashMap::new();
        for r in rows {
            let id: i64 = r.try_get("", "id")?;
            let at: time::OffsetDateTime = r.try_get("", "at")?;
            let actor: Option<uuid::Uuid> = r.try_get("", "actor_account_id")?;
            let entity: String = r.try_get("", "entity")?;
            let entity_id: uuid::Uuid = r.try_get("", "entity_id")?;
            let action: String = r.try_get("", "action")?;
            let from_state: Option<String> = r.try_get("", "from_state")?;
            let to_state: Option<String> = r.try_get("", "to_state")?;
            let reason: Option<String> = r.try_get("", "reason")?;
            let details: String = r.try_get("", "details")?;
            let chain = chain_of(&entity, entity_id);
            let (seq, prev) = heads
                .get(&chain)
                .map_or((1, String::new()), |(s, h)| (s + 1, h.clone()));
            let hash = row_hash(
                &prev,
                &AuditRow {
                    chain: &chain,
                    seq,
                    at_micros: <i64 as TryFrom<i128>>::try_from(at.unix_timestamp_nanos() / 1000)
                        .unwrap_or(i64::MAX),
                    actor,
                    entity: &entity,
                    entity_id,
                    action: &action,
                    from_state: from_state.as_deref(),
                    to_state: to_state.as_deref(),
                    reason: reason.as_deref(),
                    details: &details,
                },
            );
            manager
                .exec_stmt(
                    Query::update()
                        .table("audit_log")
                        .values([
                            ("chain", chain.clone().into()),
                            ("seq", seq.into()),
                            ("prev_hash", prev.into()),
                            ("hash", hash.clone().into()),
                        ])
                        .and_where(Expr::col("id").eq(id))
                        .to_owned(),
                )
                .await?;
            heads.insert(chain, (seq, hash));
        }
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
                    .await?;
            }
            _ => {
                db.execute_unprepared(SQLITE_GUARDS).await?;
            }
        }

        manager
            .create_index(
                Index::create()
                    .name("ux_audit_log_chain_seq")
                    .table("audit_log")
                    .col("chain")
                    .col("seq")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_checkpoint")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(big_integer("chains"))
                    .col(big_integer("row_count"))
                    .col(text("heads"))
                    .col(string_len("prev_hash", 64))
                    .col(string_len("hash", 64))
                    .to_owned(),
            )
            .await?;
        // Checkpoints chain too: one successor per checkpoint, so two made at once cannot both
        // follow the same one.
        manager
            .create_index(
                Index::create()
                    .name("ux_audit_checkpoint_prev")
                    .table("audit_checkpoint")
                    .col("prev_hash")
                    .unique()
                    .to_owned(),
            )
            .await?;
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    r#"
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION laurel_audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
"#,
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    r#"
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint; \
                 DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint;",
            )
            .await?;
        }
        manager
            .drop_table(Table::drop().table("audit_checkpoint").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_audit_log_chain_seq")
                    .table("audit_log")
                    .to_owned(),
            )
            .await?;
        for column in ["hash", "prev_hash", "seq", "chain"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("audit_log")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
