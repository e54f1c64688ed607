//! The baseline `laurel bench` measures Laurel's writes against: the same shape of transaction
//! (read a row, insert a record, insert an audit row, commit) in plain SQL, through the same
//! pool, driver and durability settings; and a stage change (read a row's state and version,
//! update it on that version, insert an audit row, commit). Its tables exist only in a bench's
//! own database.

use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::{Store, StoreError};

impl Store {
    /// Creates the baseline's tables (in a bench's own database).
    pub async fn bench_prepare(&self) -> Result<(), StoreError> {
        for sql in [
            "CREATE TABLE IF NOT EXISTS bench_record (id TEXT PRIMARY KEY, name TEXT NOT NULL, unit_id TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_audit (record_id TEXT NOT NULL, action TEXT NOT NULL, details TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_nomination (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL)",
        ] {
            self.db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    /// The rows the transition baseline moves: `bench-0` … `bench-{n-1}`, all drafts.
    pub async fn bench_seed_transitions(&self, n: usize) -> Result<(), StoreError> {
        let tx = self.write().await?;
        for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
            let values: Vec<String> = chunk
                .iter()
                .map(|i| format!("('bench-{i}', 'DRAFT', 1)"))
                .collect();
            tx.tx
                .execute_unprepared(&format!(
                    "INSERT INTO bench_nomination (id, state, version) VALUES {}",
                    values.join(", ")
                ))
                .await?;
        }
        tx.commit().await
    }

    /// One baseline transition, the shape of a stage change: in one transaction, read the row's
    /// state and version, update it where the version is still the one read, insert its audit
    /// row. `Ok(false)` when another transaction moved it first.
    pub async fn bench_transition(&self, row: usize) -> Result<bool, StoreError> {
        let tx = self.write().await?;
        let backend = tx.tx.get_database_backend();
        let p = |i: usize| match backend {
            sea_orm::DbBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        };
        let id = format!("bench-{row}");
        let found = tx
            .tx
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT state, version FROM bench_nomination WHERE id = {}",
                    p(1)
                ),
                [id.clone().into()],
            ))
            .await?;
        let Some(found) = found else {
            return Ok(false);
        };
        let version: i32 = found.try_get("", "version")?;
        let state: String = found.try_get("", "state")?;
        let next = if state == "DRAFT" {
            "SUBMITTED"
        } else {
            "DRAFT"
        };
        let moved = tx
            .tx
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE bench_nomination SET state = {}, version = version + 1 WHERE id = {} AND version = {}",
                    p(1),
                    p(2),
                    p(3)
                ),
                [next.into(), id.clone().into(), version.into()],
            ))
            .await?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        tx.tx
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO bench_audit (record_id, action, details) VALUES ({}, {}, {})",
                    p(1),
                    p(2),
                    p(3)
                ),
                [id.into(), next.into(), "{}".into()],
            ))
            .await?;
        tx.commit().await?;
        Ok(true)
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
