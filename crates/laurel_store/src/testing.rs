//! Test support: a fresh, migrated database per test, on SQLite or PostgreSQL.
//!
//! With `LAUREL_TEST_DATABASE_URL` unset, each test gets a new SQLite file in a temporary
//! directory. Set it to a PostgreSQL URL (e.g. `postgres://postgres@127.0.0.1:55432/postgres`)
//! and each test creates its own database on that server instead, so the same suite runs on
//! both engines. `.ci/run` does both. The PostgreSQL databases are left behind for inspection;
//! CI throws the whole cluster away.

use tempfile::TempDir;
use uuid::Uuid;

use crate::{Store, StoreError};

/// The variable naming the test database server.
pub const DATABASE_ENV: &str = "LAUREL_TEST_DATABASE_URL";

/// A database made for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its connection URL.
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDatabase {
    /// Creates an empty database (no migrations applied).
    pub async fn empty() -> Result<TestDatabase, StoreError> {
        match std::env::var(DATABASE_ENV) {
            Ok(server) if server.starts_with("postgres") => {
                let admin = Store::connect(&server).await?;
                #[allow(clippy::disallowed_methods)] // a test database's unique name
                let name = format!("laurel_t_{}", Uuid::now_v7().simple());
                use sea_orm::ConnectionTrait;
                admin
                    .db
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
                Ok(TestDatabase {
                    url: replace_database(&server, &name),
                    _dir: None,
                })
            }
            _ => {
                let dir = tempfile::tempdir().map_err(|e| {
                    StoreError::Db(sea_orm::DbErr::Custom(format!("temp dir: {e}")))
                })?;
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("laurel.db").display()
                );
                Ok(TestDatabase {
                    url,
                    _dir: Some(dir),
                })
            }
        }
    }

    /// Creates a database and applies every migration; returns it with a connected store.
    pub async fn migrated() -> Result<(TestDatabase, Store), StoreError> {
        let db = TestDatabase::empty().await?;
        let store = Store::connect(&db.url).await?;
        store.migrate().await?;
        Ok((db, store))
    }
}

/// Every row of every table, as `(table, row as text)`: what someone reading the database
/// directly sees. Tests search it for links that must not exist (a ballot and its voter).
/// UUIDs read as hyphenated text on PostgreSQL and as `X'…'` hex on SQLite.
pub async fn dump_rows(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = store.db.get_database_backend();
    let text_rows = |sql: String| Statement::from_string(backend, sql);
    let tables: Vec<String> = match store.backend() {
        crate::Backend::Sqlite => store
            .db
            .query_all_raw(text_rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name".into(),
            ))
            .await?
            .iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?,
        crate::Backend::Postgres => store
            .db
            .query_all_raw(text_rows(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1".into(),
            ))
            .await?
            .iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?,
    };
    let mut out = Vec::new();
    for table in tables {
        let sql = match store.backend() {
            crate::Backend::Sqlite => {
                let columns: Vec<String> = store
                    .db
                    .query_all_raw(text_rows(format!(
                        "SELECT name FROM pragma_table_info('{table}')"
                    )))
                    .await?
                    .iter()
                    .map(|r| r.try_get_by_index::<String>(0))
                    .collect::<Result<_, _>>()?;
                let quoted: Vec<String> = columns
                    .iter()
                    .map(|c| format!("'{c}=' || quote(\"{c}\")"))
                    .collect();
                format!("SELECT {} FROM \"{table}\"", quoted.join(" || ' ' || "))
            }
            crate::Backend::Postgres => format!("SELECT CAST(t AS text) FROM \"{table}\" AS t"),
        };
        for row in store.db.query_all_raw(text_rows(sql)).await? {
            out.push((table.clone(), row.try_get_by_index::<String>(0)?));
        }
    }
    Ok(out)
}

/// One column of a table, every row, as text (`NULL`s left out).
pub async fn column_text(
    store: &Store,
    table: &str,
    column: &str,
) -> Result<Vec<String>, StoreError> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = store.db.get_database_backend();
    let sql = format!(
        "SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
    );
    store
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).map_err(StoreError::from))
        .collect()
}

/// The first column of every row a SELECT returns, as text.
pub async fn select_text(store: &Store, sql: &str) -> Result<Vec<String>, StoreError> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = store.db.get_database_backend();
    store
        .db
        .query_all_raw(Statement::from_string(backend, sql.to_string()))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).map_err(StoreError::from))
        .collect()
}

/// Runs one SQL statement directly, as someone bypassing Laurel would: tests check what the
/// database itself refuses.
pub async fn execute(store: &Store, sql: &str) -> Result<u64, StoreError> {
    use sea_orm::ConnectionTrait;
    Ok(store.db.execute_unprepared(sql).await?.rows_affected())
}

/// `postgres://u@h:p/old?x=y` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// The ids of every nomination, oldest first.
pub async fn nomination_ids(
    store: &Store,
) -> Result<Vec<laurel_domain::ids::NominationId>, StoreError> {
    use sea_orm::{EntityTrait, QueryOrder};
    Ok(crate::entity::nomination::Entity::find()
        .order_by_asc(crate::entity::nomination::Column::CreatedAt)
        .all(&store.db)
        .await?
        .into_iter()
        .map(|m| laurel_domain::ids::NominationId(m.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            replace_database("postgres://pg@127.0.0.1:5432/postgres", "t1"),
            "postgres://pg@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgres://pg@h:1/postgres?sslmode=disable", "t2"),
            "postgres://pg@h:1/t2?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://pg@h:1", "t3"),
            "postgres://pg@h:1/t3"
        );
    }
}
