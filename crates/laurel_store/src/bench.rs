//! The baseline `laurel bench` measures Laurel's writes against: the same shape of transaction
//! (read a row, insert a record, insert an audit row, commit) in plain SQL, through the same
//! pool, driver and durability settings. Its two tables exist only in a bench's own database.

use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::{Store, StoreError};

impl Store {
    /// Creates the baseline's tables (in a bench's own database).
    pub async fn bench_prepare(&self) -> Result<(), StoreError> {
        for sql in [
            "CREATE TABLE IF NOT EXISTS bench_record (id TEXT PRIMARY KEY, name TEXT NOT NULL, unit_id TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_audit (record_id TEXT NOT NULL, action TEXT NOT NULL, details TEXT NOT NULL)",
        ] {
            self.db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    /// One baseline write: in one transaction, read the unit, insert a record and its audit row.
    pub async fn bench_write(&self, unit: Uuid, name: &str) -> Result<(), StoreError> {
        let tx = self.write().await?;
        let backend = tx.tx.get_database_backend();
        // The baseline makes its ids as Laurel does (UUIDv7), outside the edge it measures.
        #[allow(clippy::disallowed_methods)]
        let id = Uuid::now_v7().to_string();
        let placeholders = |n: usize| -> Vec<String> {
            (1..=n)
                .map(|i| match backend {
                    sea_orm::DbBackend::Postgres => format!("${i}"),
                    _ => "?".to_owned(),
                })
                .collect()
        };
        let p = placeholders(1);
        tx.tx
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT name FROM unit WHERE id = {}", p[0]),
                [unit.into()],
            ))
            .await?;
        let p = placeholders(3);
        tx.tx
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO bench_record (id, name, unit_id) VALUES ({}, {}, {})",
                    p[0], p[1], p[2]
                ),
                [id.clone().into(), name.into(), unit.to_string().into()],
            ))
            .await?;
        tx.tx
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO bench_audit (record_id, action, details) VALUES ({}, {}, {})",
                    p[0], p[1], p[2]
                ),
                [id.into(), "CREATED".into(), "{}".into()],
            ))
            .await?;
        tx.commit().await
    }
}
