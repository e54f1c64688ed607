//! Keeping a database sound: consistent copies for backups, the engine's own integrity checks,
//! and the facts a restored copy is checked against (rows per table, files the rows name).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sea_orm::{AccessMode, ConnectionTrait, IsolationLevel, Statement, TransactionTrait};

use crate::{Backend, Store, StoreError};

/// What a consistent copy of a database holds: its rows per table, read in the same snapshot
/// as the copy itself.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Inventory {
    /// Rows per table (Laurel's tables and the migrations' bookkeeping).
    pub tables: BTreeMap<String, i64>,
    /// The SHA-256 of every file the rows name in the documents directory (dossier documents
    /// and council minutes).
    pub files: BTreeSet<String>,
}

impl Store {
    /// Whether the database holds no table at all (a fresh database to restore into).
    pub async fn is_blank(&self) -> Result<bool, StoreError> {
        Ok(table_names(&self.db, self.backend).await?.is_empty())
    }

    /// Rows per table, as the database is now.
    pub async fn inventory(&self) -> Result<Inventory, StoreError> {
        inventory(&self.db, self.backend).await
    }

    /// SQLite: writes a consistent, compacted copy of the whole database to `file` (`VACUUM
    /// INTO`, one read transaction: writers go on meanwhile, the copy is the database as of its
    /// start). `file` must not exist. Refused on PostgreSQL (see [`Store::with_exported_snapshot`]).
    pub async fn copy_into(&self, file: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Db(sea_orm::DbErr::Custom(
                "VACUUM INTO is SQLite's; copy PostgreSQL with pg_dump".into(),
            )));
        }
        let path = file.to_str().ok_or_else(|| {
            StoreError::Db(sea_orm::DbErr::Custom(format!(
                "{} is not a UTF-8 path",
                file.display()
            )))
        })?;
        self.db
            .execute_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "VACUUM INTO ?",
                [path.into()],
            ))
            .await?;
        Ok(())
    }

    /// PostgreSQL: opens a read-only, repeatable-read transaction, exports its snapshot, and
    /// runs `dump(snapshot id, inventory of that snapshot)` while the transaction holds it, so
    /// that a `pg_dump --snapshot=…` started by `dump` copies exactly the rows counted.
    pub async fn with_exported_snapshot<T>(
        &self,
        dump: impl AsyncFnOnce(&str, &Inventory) -> T,
    ) -> Result<T, StoreError> {
        let tx = self
            .db
            .begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?;
        let row = tx
            .query_one_raw(Statement::from_string(
                tx.get_database_backend(),
                "SELECT pg_export_snapshot() AS id",
            ))
            .await?
            .ok_or_else(|| StoreError::Db(sea_orm::DbErr::Custom("no snapshot id".into())))?;
        let id: String = row.try_get("", "id")?;
        let inventory = inventory(&tx, self.backend).await?;
        let result = dump(&id, &inventory).await;
        tx.commit().await?;
        Ok(result)
    }

    /// The engine's own consistency checks; each problem found as a line (none: sound).
    /// SQLite: `PRAGMA integrity_check` (pages, indexes, constraints) and `PRAGMA
    /// foreign_key_check`. PostgreSQL enforces constraints on every write and validates them again
    /// when a dump is restored; here it is asked that every foreign key and check constraint is
    /// marked valid.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                for row in self
                    .db
                    .query_all_raw(Statement::from_string(
                        sea_orm::DbBackend::Sqlite,
                        "PRAGMA integrity_check",
                    ))
                    .await?
                {
                    let line: String = row.try_get_by_index(0)?;
                    if line != "ok" {
                        problems.push(line);
                    }
                }
                for row in self
                    .db
                    .query_all_raw(Statement::from_string(
                        sea_orm::DbBackend::Sqlite,
                        "PRAGMA foreign_key_check",
                    ))
                    .await?
                {
                    let table: String = row.try_get_by_index(0)?;
                    let parent: String = row.try_get_by_index(2)?;
                    problems.push(format!("a row of {table} names a missing row of {parent}"));
                }
            }
            Backend::Postgres => {
                for row in self
                    .db
                    .query_all_raw(Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT conname::text AS name FROM pg_constraint c \
                         JOIN pg_namespace n ON n.oid = c.connamespace \
                         WHERE n.nspname = current_schema() AND NOT c.convalidated",
                    ))
                    .await?
                {
                    let name: String = row.try_get("", "name")?;
                    problems.push(format!("constraint {name} is not validated"));
                }
            }
        }
        Ok(problems)
    }
}

async fn table_names(
    conn: &impl ConnectionTrait,
    backend: Backend,
) -> Result<Vec<String>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let rows = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| Ok(row.try_get::<String>("", "name")?))
        .collect()
}

async fn inventory(conn: &impl ConnectionTrait, backend: Backend) -> Result<Inventory, StoreError> {
    let mut tables = BTreeMap::new();
    for name in table_names(conn, backend).await? {
        // The names come from the catalogue, not from a caller; quoted all the same.
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{}\"",
            name.replace('"', "\"\"")
        );
        let row = conn
            .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await?
            .ok_or_else(|| StoreError::Db(sea_orm::DbErr::Custom(format!("no count of {name}"))))?;
        tables.insert(name, row.try_get::<i64>("", "n")?);
    }
    let mut files = BTreeSet::new();
    if tables.contains_key("document") {
        for sql in [
            "SELECT sha256 AS h FROM document",
            "SELECT minutes_sha256 AS h FROM council_session WHERE minutes_sha256 IS NOT NULL",
        ] {
            for row in conn
                .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
                .await?
            {
                files.insert(row.try_get::<String>("", "h")?);
            }
        }
    }
    Ok(Inventory { tables, files })
}
