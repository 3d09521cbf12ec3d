//! The storage boundary: the only module that names a database driver.
//!
//! Everything above it (the ledger, every engine area's repository) talks SQL through [`Sql`], a
//! handle on one transaction, with parameters as [`Value`]s and results read from a [`Row`]. The
//! SQL an area writes is the portable subset both backends accept:
//!
//! - numbered placeholders `?1`, `?2`… (the PostgreSQL backend rewrites them to `$1`, `$2`…);
//! - `INSERT … ON CONFLICT (…) DO NOTHING / DO UPDATE` and `RETURNING`, never `INSERT OR IGNORE`,
//!   `REPLACE` or `rowid`;
//! - integers (64-bit), text and blobs only: amounts in minor units, booleans as 0/1, times as
//!   integer seconds or nanoseconds since the Unix epoch computed in Rust (no `strftime`, `now()`).
//!
//! | file        | owns                                                               |
//! |-------------|--------------------------------------------------------------------|
//! | `value.rs`  | [`Value`] (a parameter), [`FromColumn`] (reading a column), errors |
//! | `sqlite/`   | the SQLite backend of [`Sql`] and [`Row`]; `sqlite::ledger`, the ledger's store |
//! | `postgres/` | the PostgreSQL backend of the same; `postgres::ledger`, the ledger's store |
//! | `ledger_store.rs` | [`Location`], and the ledger's writer/reader handles over either backend |
//! | `ledger_schema.rs` | the ledger's own migrations, both dialects in one list |
//! | `ledger.rs` | the ledger's records, [`Migration`] (one text for every dialect)    |

pub mod ledger;
mod ledger_schema;
pub mod ledger_store;
pub mod postgres;
pub mod sqlite;
mod value;

pub use ledger::Migration;
pub use ledger_store::Location;
pub use value::{Column, FromColumn, StoreError, StoreErrorKind, Value};

/// A handle on one open transaction (a write inside the ledger's group commit, or a read
/// snapshot). Cheap to copy; borrow it for as long as the transaction lives.
#[derive(Clone, Copy)]
pub struct Sql<'a> {
    inner: Backend<'a>,
}

#[derive(Clone, Copy)]
enum Backend<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a postgres::PgConn),
}

/// One result row. Columns are read by position with [`Row::get`].
pub struct Row<'r, 's> {
    inner: RowBackend<'r, 's>,
}

enum RowBackend<'r, 's> {
    Sqlite(&'r rusqlite::Row<'s>),
    Postgres(&'r tokio_postgres::Row),
}

impl<'a> Sql<'a> {
    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<usize, StoreError> {
        match self.inner {
            Backend::Sqlite(c) => sqlite::execute(c, sql, params),
            Backend::Postgres(c) => c.execute(sql, params),
        }
    }

    /// Runs several statements without parameters (schema changes, pragmas).
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        match self.inner {
            Backend::Sqlite(c) => sqlite::execute_batch(c, sql),
            Backend::Postgres(c) => c.execute_batch(sql),
        }
    }

    /// The first row of a query mapped by `f`, or `None` when there is none.
    pub fn query_one<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        f: impl FnOnce(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match self.inner {
            Backend::Sqlite(c) => sqlite::query_one(c, sql, params, f),
            Backend::Postgres(c) => postgres::query_one(c, sql, params, f),
        }
    }

    /// Every row of a query, each mapped by `f`.
    pub fn query_all<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        f: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self.inner {
            Backend::Sqlite(c) => sqlite::query_all(c, sql, params, f),
            Backend::Postgres(c) => postgres::query_all(c, sql, params, f),
        }
    }

    /// Which SQL dialect this transaction speaks (for the rare statement that must differ).
    pub fn dialect(&self) -> ledger::Dialect {
        match self.inner {
            Backend::Sqlite(_) => ledger::Dialect::Sqlite,
            Backend::Postgres(_) => ledger::Dialect::Postgres,
        }
    }

    pub(crate) fn postgres(conn: &'a postgres::PgConn) -> Sql<'a> {
        Sql { inner: Backend::Postgres(conn) }
    }

    /// Wraps a SQLite connection. Only the storage and ledger internals build an `Sql`.
    pub(crate) fn sqlite(conn: &'a rusqlite::Connection) -> Sql<'a> {
        Sql { inner: Backend::Sqlite(conn) }
    }
}

impl Row<'_, '_> {
    /// Column `idx` (0-based) as a `T`; a NULL, a wrong type or an out-of-range integer is an error.
    pub fn get<T: FromColumn>(&self, idx: usize) -> Result<T, StoreError> {
        match &self.inner {
            RowBackend::Sqlite(r) => sqlite::get(r, idx),
            RowBackend::Postgres(r) => postgres::get(r, idx),
        }
    }
}

/// Parameters for [`Sql`] calls: `params![a, b, c]` is `&[Value::from(a), …]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::store::Value<'_>] };
    ($($x:expr),+ $(,)?) => { &[$($crate::store::Value::from($x)),+] as &[$crate::store::Value<'_>] };
}

pub use crate::params;

#[cfg(test)]
mod tests;
