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
