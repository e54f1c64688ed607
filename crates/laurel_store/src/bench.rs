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

/// The first millisecond of 2006 (UTC): the filled rows' ids are older than anything the bench
/// writes over HTTP, as a long-running office's history would be.
const FILLED_SINCE_MS: u64 = 1_136_073_600_000;

/// The id of the `i`-th filled row of `kind` (0: nomination, 1: person): a UUIDv7 whose time
/// grows with `i`, so rows sort by id in the order they were "made".
fn filled_id(kind: u8, i: usize) -> Uuid {
    let mut random = [0u8; 10];
    random[0] = kind;
    random[2..].copy_from_slice(&(i as u64).to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(FILLED_SINCE_MS + i as u64 * 30, &random).into_uuid()
}

/// What [`Store::bench_fill_nominations`] made.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// Nominations now in the database (the filled ones and every other).
    pub total: u64,
    /// Some filled nominations of the first unit: ids to read one at a time.
    pub sample: Vec<Uuid>,
    /// The filled nomination in the middle of the table: a cursor deep in any list (cursors are
    /// ids, so a reader's list goes on after it whether or not they may see that row).
    pub middle: Option<Uuid>,
}

impl Store {
    /// Fills the database up to `to` filled nominations (from `from`), copies of `template` (a
    /// draft of the bench's) spread round-robin over `units` as proposing units, over the
    /// periods 2006–2025, in the final states a long history is made of (withdrawn, rejected)
    /// and in drafts; one new person for every four nominations, in the nomination's unit.
    /// Written with multi-row inserts, a transaction per 10,000 rows, without history or audit
    /// rows: only for a bench's own database, to measure reads at volume.
    pub async fn bench_fill_nominations(
        &self,
        template: Uuid,
        units: &[Uuid],
        from: usize,
        to: usize,
    ) -> Result<Filled, StoreError> {
        use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};

        use crate::entity::{nomination, person, unit};
        let template = nomination::Entity::find_by_id(template)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "nomination",
                id: template.to_string(),
            })?;
        let nominee = person::Entity::find_by_id(template.nominee_person_id.unwrap_or_default())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "person",
                id: format!("{:?}", template.nominee_person_id),
            })?;
        let mut paths = unit::Entity::find()
            .filter(unit::Column::Id.is_in(units.iter().copied()))
            .all(&self.db)
            .await?;
        paths.sort_by_key(|u| units.iter().position(|id| *id == u.id));
        if paths.is_empty() {
            return Err(StoreError::NotFound {
                entity: "unit",
                id: format!("{units:?}"),
            });
        }
        let states = ["WITHDRAWN", "REJECTED", "WITHDRAWN", "DRAFT"];
        let mut filled = Filled::default();
        let mut next = from;
        while next < to {
            let end = to.min(next + 10_000);
            let tx = self.write().await?;
            let rows: Vec<usize> = (next..end).collect();
            for chunk in rows.chunks(crate::write::ROWS_PER_INSERT / 2) {
                let people: Vec<person::ActiveModel> = chunk
                    .iter()
                    .filter(|i| *i % 4 == 0)
                    .map(|&i| {
                        let mut p = nominee.clone();
                        p.id = filled_id(1, i / 4);
                        p.unit_id = paths[(i / 4) % paths.len()].id;
                        p.full_name = format!("Người được đề nghị số {}", i / 4 + 1);
                        p.into_active_model()
                    })
                    .collect();
                if !people.is_empty() {
                    person::Entity::insert_many(people)
                        .exec_without_returning(&tx.tx)
                        .await?;
                }
                nomination::Entity::insert_many(chunk.iter().map(|&i| {
                    let mut n = template.clone();
                    let unit = &paths[(i / 4) % paths.len()];
                    n.id = filled_id(0, i);
                    n.nominee_person_id = Some(filled_id(1, i / 4));
                    n.proposing_unit_id = unit.id;
                    n.proposing_path = unit.path.clone();
                    // Each unit's nominations spread over the twenty years.
                    n.period = 2025 - (i % 4 + 4 * ((i / 4 / paths.len()) % 5)) as i32;
                    n.achievement = format!("Hoàn thành xuất sắc nhiệm vụ năm {}", n.period);
                    n.state = states[i % states.len()].to_owned();
                    let draft = n.state == "DRAFT";
                    n.waiting_unit_id = draft.then_some(unit.id);
                    n.waiting_role = n.waiting_role.filter(|_| draft);
                    n.proposal_id = None;
                    n.into_active_model()
                }))
                .exec_without_returning(&tx.tx)
                .await?;
            }
            tx.commit().await?;
            // Rows of the first unit (the bench's clerk's), one person in fifty of them.
            filled.sample.extend(
                (next..end)
                    .filter(|i| (i / 4) % paths.len() == 0 && (i / 4 / paths.len()) % 50 == 0)
                    .map(|i| filled_id(0, i)),
            );
            next = end;
        }
        filled.middle = (to > 0).then(|| filled_id(0, to / 2));
        filled.total = self.bench_nominations().await?;
        Ok(filled)
    }

    /// How many nominations the database holds.
    pub async fn bench_nominations(&self) -> Result<u64, StoreError> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(crate::entity::nomination::Entity::find()
            .count(&self.db)
            .await?)
    }
}
