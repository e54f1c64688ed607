//! The store's errors: what went wrong, in terms the layers above can act on.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// An error from the store. `Clone`, so that the outcome of a write group's commit reaches
/// every write in it ([`Store::in_write_group`](crate::Store::in_write_group)).
#[derive(Debug, Clone, thiserror::Error)]
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
    /// The database cannot write to its storage: the disk is full or read-only, or
    /// PostgreSQL serves read-only (a standby, or `default_transaction_read_only`). The transaction
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
        match classify(&err) {
            Kind::NoConnection => {
                crate::connections_may_be_broken();
                StoreError::NoConnection(err)
            }
            Kind::Unavailable => {
                crate::connections_may_be_broken();
                StoreError::Unavailable(err)
            }
            Kind::Storage => StoreError::Storage(err),
            Kind::Busy => StoreError::Busy(err),
            Kind::Other => StoreError::Db(err),
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

/// What a database error means for the caller.
enum Kind {
    NoConnection,
    Unavailable,
    Storage,
    Busy,
    Other,
}

/// Sorts a database error:
/// - **no connection** was had: the pool could not hand one out in time or is closed, a new
///   connection could not be opened (sea-orm's `Conn` comes only from opening, pinging or
///   acquiring one: nothing was sent; a connection cut during its TLS or startup handshake is
///   a protocol error there), or PostgreSQL refused more connections (53300) or is starting
///   (57P03);
/// - **unavailable**: the connection broke while statements ran (I/O, TLS, its worker), or
///   PostgreSQL says the connection failed (class 08) or the server is shutting down (57P01,
///   57P02);
/// - **storage**: SQLite READONLY (8) and FULL (13) with their extended codes, PostgreSQL disk
///   full (53100) and a read-only transaction (25006: a standby, or a database set
///   read-only). (An I/O error is not among them: at a commit it may leave the change in
///   place.)
/// - **busy**: SQLite BUSY (5) and LOCKED (6), including extended codes such as BUSY_SNAPSHOT
///   (517); PostgreSQL serialization failure (40001), deadlock (40P01), lock not available
///   (55P03).
fn classify(err: &DbErr) -> Kind {
    use sea_orm::sqlx;
    let (opening, e) = match err {
        DbErr::ConnectionAcquire(_) => return Kind::NoConnection,
        DbErr::Conn(RuntimeErr::SqlxError(e)) => (true, e),
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            (false, e)
        }
        _ => return Kind::Other,
    };
    match &**e {
        sqlx::Error::PoolClosed | sqlx::Error::PoolTimedOut => Kind::NoConnection,
        _ if opening => Kind::NoConnection,
        sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed | sqlx::Error::Tls(_) => Kind::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Extended result codes keep the primary code in the low byte.
                match code.parse::<i32>().map(|c| c & 0xff) {
                    Ok(8 | 13) => Kind::Storage,
                    Ok(5 | 6) => Kind::Busy,
                    _ => Kind::Other,
                }
            } else {
                match code.as_ref() {
                    "53300" | "57P03" => Kind::NoConnection,
                    "57P01" | "57P02" => Kind::Unavailable,
                    c if c.starts_with("08") => Kind::Unavailable,
                    "53100" | "25006" => Kind::Storage,
                    "40001" | "40P01" | "55P03" => Kind::Busy,
                    _ => Kind::Other,
                }
            }
        }
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{DbErr, RuntimeErr, sqlx};

    use super::StoreError;

    fn sqlx_err(wrap: fn(RuntimeErr) -> DbErr, e: sqlx::Error) -> StoreError {
        wrap(RuntimeErr::SqlxError(Arc::new(e))).into()
    }

    fn io() -> sqlx::Error {
        sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
    }

    #[test]
    fn an_error_while_opening_a_connection_means_nothing_was_sent() {
        // A relay or server closing the socket during the TLS request: sqlx reports a protocol
        // error, which used to answer INTERNAL.
        let cut_handshake =
            sqlx::Error::Protocol("unexpected response from SSLRequest: 0x00".into());
        for (err, what) in [
            (sqlx_err(DbErr::Conn, cut_handshake), "cut handshake"),
            (sqlx_err(DbErr::Conn, io()), "refused"),
            (
                sqlx_err(DbErr::Query, sqlx::Error::PoolTimedOut),
                "pool timeout",
            ),
            (
                sqlx_err(DbErr::Exec, sqlx::Error::PoolClosed),
                "pool closed",
            ),
        ] {
            assert!(
                matches!(err, StoreError::NoConnection(_)),
                "{what}: {err:?}"
            );
        }
    }

    #[test]
    fn a_connection_broken_while_statements_ran_may_have_landed() {
        for wrap in [DbErr::Exec, DbErr::Query] {
            let err = sqlx_err(wrap, io());
            assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
            let err = sqlx_err(wrap, sqlx::Error::WorkerCrashed);
            assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        }
        let protocol = sqlx_err(DbErr::Query, sqlx::Error::Protocol("odd".into()));
        assert!(matches!(protocol, StoreError::Db(_)), "{protocol:?}");
    }
}
