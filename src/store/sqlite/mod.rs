//! The SQLite backend of [`super::Sql`]: prepared statements from the connection's cache, borrowed
//! parameters, and SQLite's errors mapped to [`StoreError`] kinds.

pub mod backup;
pub mod ledger;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, ToSql};

use crate::store::value::Column;
use crate::store::{FromColumn, Row, RowBackend, StoreError, StoreErrorKind, Value};

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let kind = match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) => StoreErrorKind::Constraint,
            Some(ErrorCode::DiskFull) => StoreErrorKind::Full,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreErrorKind::Busy,
            _ => match e {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
                | rusqlite::Error::InvalidColumnType(..) => StoreErrorKind::Decode,
                _ => StoreErrorKind::Other,
            },
        };
        StoreError::with_source(kind, format!("storage error: {e}"), e)
    }
}

pub(super) fn execute(c: &Connection, sql: &str, params: &[Value<'_>]) -> Result<usize, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))?)
}

pub(super) fn execute_batch(c: &Connection, sql: &str) -> Result<(), StoreError> {
    Ok(c.execute_batch(sql)?)
}

pub(super) fn query_one<T>(
    c: &Connection,
    sql: &str,
    params: &[Value<'_>],
    f: impl FnOnce(&Row<'_, '_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    match rows.next()? {
        Some(r) => f(&Row { inner: RowBackend::Sqlite(r) }).map(Some),
        None => Ok(None),
    }
}

pub(super) fn query_all<T>(
    c: &Connection,
    sql: &str,
    params: &[Value<'_>],
    mut f: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(f(&Row { inner: RowBackend::Sqlite(r) })?);
    }
    Ok(out)
}

pub(super) fn get<T: FromColumn>(r: &rusqlite::Row<'_>, idx: usize) -> Result<T, StoreError> {
    let column = match r.get_ref(idx)? {
        ValueRef::Null => Column::Null,
        ValueRef::Integer(v) => Column::Int(v),
        ValueRef::Text(t) => {
            Column::Text(std::str::from_utf8(t).map_err(|e| {
                StoreError::with_source(StoreErrorKind::Decode, format!("column {idx} is not UTF-8"), e)
            })?)
        }
        ValueRef::Blob(b) => Column::Blob(b),
        ValueRef::Real(_) => {
            return Err(StoreError::new(StoreErrorKind::Decode, format!("column {idx} is a float; till stores none")));
        }
    };
    T::from_column(column).map_err(|e| StoreError::new(e.kind(), format!("column {idx}: {e}")))
}
