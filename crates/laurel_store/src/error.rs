//! The store's errors: what went wrong, in terms the layers above can act on.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row.
    #[error("{entity} {id} not found")]
    NotFound {
        /// Table or entity name.
        entity: &'static str,
        /// The id looked up.
        id: String,
    },
    /// Someone else changed the row since it was read (optimistic concurrency).
    #[error("{entity} {id} is at version {actual}, not {expected}")]
    Conflict {
        /// Table or entity name.
        entity: &'static str,
        /// The row's id.
        id: String,
        /// The version the caller expected.
        expected: i32,
        /// The version in the database.
        actual: i32,
    },
    /// A unique value is already taken.
    #[error("{entity}.{field} `{value}` already exists")]
    Duplicate {
        /// Table or entity name.
        entity: &'static str,
        /// The unique field.
        field: &'static str,
        /// The value that clashed.
        value: String,
    },
    /// A stored value does not parse as a domain value (a corrupted row, or a newer schema).
    #[error("{entity} {id} holds an invalid value: {detail}")]
    Corrupt {
        /// Table or entity name.
        entity: &'static str,
        /// The row's id.
        id: String,
        /// What did not parse.
        detail: String,
    },
    /// The database is busy or a concurrent transaction won (SQLite busy, PostgreSQL
    /// serialization failure or deadlock): nothing was written and the operation may be retried.
    #[error("the database is busy: {0}")]
    Busy(#[source] DbErr),
    /// No connection to the database could be had (PostgreSQL stopped, restarting or refusing
    /// more connections, or none free within the pool's timeout): no statement was sent, so
    /// nothing was changed. Not retried here: the pool already waited.
    #[error("no connection to the database: {0}")]
    NoConnection(#[source] DbErr),
    /// The connection broke while statements ran (PostgreSQL stopped or restarting, a network
    /// cut). Not retried: when it happened during a commit, the commit may or may not have
    /// landed.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] DbErr),
    /// The database cannot write to its storage: the disk is full or read-only. The transaction
    /// was rolled back: nothing was changed.
    #[error("the database cannot write to its storage: {0}")]
    Storage(#[source] DbErr),
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[source] DbErr),
}

impl StoreError {
    /// Whether retrying the whole transaction may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy(_))
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if no_connection(&err) {
            StoreError::NoConnection(err)
        } else if is_unreachable(&err) {
            StoreError::Unavailable(err)
        } else if is_storage_failure(&err) {
            StoreError::Storage(err)
        } else if is_transient(&err) {
            StoreError::Busy(err)
        } else {
            StoreError::Db(err)
        }
    }
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`], anything else as usual.
pub(crate) fn unique_as_duplicate(
    err: DbErr,
    entity: &'static str,
    field: &'static str,
    value: &str,
) -> StoreError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate {
            entity,
            field,
            value: value.to_string(),
        },
        _ => err.into(),
    }
}

/// No connection was had: the pool could not hand one out in time or is closed, or
/// PostgreSQL refused more connections (53300) or is starting (57P03).
fn no_connection(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let runtime = match err {
        DbErr::Conn(e) | DbErr::Exec(e) | DbErr::Query(e) => e,
        DbErr::ConnectionAcquire(_) => return true,
        _ => return false,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return false;
    };
    match &**e {
        sqlx::Error::PoolClosed | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_none()
                && matches!(db.code().unwrap_or_default().as_ref(), "53300" | "57P03")
        }
        _ => false,
    }
}

/// The connection broke (I/O, TLS, its worker), or PostgreSQL says the connection failed
/// (class 08) or the server is shutting down (57P01, 57P02).
fn is_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let (DbErr::Conn(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    match &**e {
        sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_none()
                && (code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02"))
        }
        _ => false,
    }
}

/// SQLite: READONLY (8) and FULL (13), with their extended codes. PostgreSQL: disk full
/// (53100). (An I/O error is not among them: at a commit it may leave the change in place.)
fn is_storage_failure(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let (DbErr::Conn(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    let sqlx::Error::Database(db) = &**e else {
        return false;
    };
    let code = db.code().unwrap_or_default();
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<i32>()
            .is_ok_and(|c| matches!(c & 0xff, 8 | 13))
    } else {
        code == "53100"
    }
}

/// SQLite: BUSY (5) and LOCKED (6), including extended codes such as BUSY_SNAPSHOT (517).
/// PostgreSQL: serialization failure (40001), deadlock (40P01), lock not available (55P03).
fn is_transient(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let runtime = match err {
        DbErr::Conn(e) | DbErr::Exec(e) | DbErr::Query(e) => e,
        _ => return false,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return false;
    };
    match &**e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Extended result codes keep the primary code in the low byte.
                code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                matches!(code.as_ref(), "40001" | "40P01" | "55P03")
            }
        }
        _ => false,
    }
}
