//! The PostgreSQL backend of [`super::Sql`], on `tokio-postgres` (no TLS: a chain's database is
//! reached over its own network or a local socket; see the README).
//!
//! The storage boundary is synchronous (the ledger's writer is a plain thread, reads run on the
//! blocking pool), so each connection's I/O task runs on one small background runtime owned by
//! this module, and callers wait for their replies with a plain executor. That works from any
//! thread, including one inside another tokio runtime, where a nested `block_on` would panic.
//!
//! The portable SQL of the engine areas is adapted here, once per statement (and cached with its
//! prepared statement): `?N` placeholders become `$N`; migrations' SQLite types become
//! PostgreSQL's (`INTEGER` → `BIGINT`, `BLOB` → `BYTEA`, an `INTEGER PRIMARY KEY` an identity
//! column, `WITHOUT ROWID` dropped). Parameters are encoded for the type PostgreSQL inferred
//! (an integer binds to `int2`/`int4`/`int8`/`bool`/`text`), and every integer, boolean,
//! numeric (from `SUM`), text and bytea column reads back as the backend-neutral [`Column`].

pub mod ledger;
mod translate;

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::OnceLock;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Statement};

use crate::store::value::Column;
use crate::store::{FromColumn, Row, RowBackend, StoreError, StoreErrorKind, Value};
pub use translate::{ddl_for_postgres, placeholders};

type BoxError = Box<dyn StdError + Sync + Send>;

/// The runtime that drives every PostgreSQL connection's socket.
fn runtime() -> Result<&'static tokio::runtime::Runtime, StoreError> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    let rt = RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("till-postgres")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    rt.as_ref().map_err(|e| StoreError::new(StoreErrorKind::Other, format!("cannot start PostgreSQL I/O: {e}")))
}

/// Waits for `f` on the calling thread (the work itself happens on the connection's task).
fn wait<T>(f: impl Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

/// One connection with its prepared statements.
pub struct PgConn {
    client: Client,
    statements: RefCell<HashMap<String, Statement>>,
    /// Statements whose parameter types PostgreSQL cannot infer (prepared per value types).
    needs_types: RefCell<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgConn")
    }
}

impl PgConn {
    /// Connects to `url` (`postgres://user@host:port/db`).
    pub fn connect(url: &str) -> Result<PgConn, StoreError> {
        let rt = runtime()?;
        let url_owned = url.to_string();
        let connected = wait(rt.spawn(async move {
            let (client, connection) = tokio_postgres::connect(&url_owned, NoTls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!("PostgreSQL connection ended: {e}");
                }
            });
            Ok::<_, tokio_postgres::Error>(client)
        }));
        let client = match connected {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Err(pg_error(e, &format!("cannot connect to {}", redact(url)))),
            Err(e) => {
                return Err(StoreError::new(StoreErrorKind::Other, format!("PostgreSQL connect task failed: {e}")));
            }
        };
        Ok(PgConn { client, statements: RefCell::new(HashMap::new()), needs_types: RefCell::default() })
    }

    /// Whether the server has gone (the connection cannot be used again).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The prepared statement for `sql`. PostgreSQL infers each parameter's type from where it
    /// is used; where it cannot (`?2 IS NULL OR country = ?2`), the statement is prepared again
    /// with the types of the values at hand (an integer `int8`, text `text`, bytes `bytea`, a
    /// NULL `text`), cached per combination.
    fn prepared(&self, sql: &str, params: &[Value<'_>]) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let typed_key = || {
            let sig: String = params
                .iter()
                .map(|p| match p {
                    Value::Int(_) => 'i',
                    Value::Text(_) | Value::Null => 't',
                    Value::Blob(_) => 'b',
                })
                .collect();
            format!("{sig}\u{0}{sql}")
        };
        let text = placeholders(sql);
        let typed = || -> Result<Statement, StoreError> {
            let key = typed_key();
            if let Some(s) = self.statements.borrow().get(&key) {
                return Ok(s.clone());
            }
            let types: Vec<Type> = params
                .iter()
                .map(|p| match p {
                    Value::Int(_) => Type::INT8,
                    Value::Text(_) | Value::Null => Type::TEXT,
                    Value::Blob(_) => Type::BYTEA,
                })
                .collect();
            let stmt = wait(self.client.prepare_typed(&text, &types))
                .map_err(|e| pg_error(e, &format!("cannot prepare `{text}`")))?;
            self.remember(key, stmt.clone());
            Ok(stmt)
        };
        // A failed PREPARE would abort the transaction it runs in, so the statements PostgreSQL
        // cannot type (a parameter tested with `IS NULL`) are recognised before preparing.
        if self.needs_types.borrow().contains(sql) || translate::has_untyped_null_test(&text) {
            self.needs_types.borrow_mut().insert(sql.to_string());
            return typed();
        }
        let stmt = wait(self.client.prepare(&text)).map_err(|e| pg_error(e, &format!("cannot prepare `{text}`")))?;
        self.remember(sql.to_string(), stmt.clone());
        Ok(stmt)
    }

    fn remember(&self, key: String, stmt: Statement) {
        let mut cache = self.statements.borrow_mut();
        // Statements are few (the engine's fixed texts), but never let the cache grow without end.
        if cache.len() > 1024 {
            cache.clear();
        }
        cache.insert(key, stmt);
    }

    pub fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<usize, StoreError> {
        let stmt = self.prepared(sql, params)?;
        let refs = param_refs(params);
        let n = wait(self.client.execute(&stmt, &refs)).map_err(|e| pg_error(e, "statement failed"))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Several statements, no parameters, as one simple query.
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        wait(self.client.batch_execute(sql)).map_err(|e| pg_error(e, "statements failed"))
    }

    pub fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        let stmt = self.prepared(sql, params)?;
        let refs = param_refs(params);
        wait(self.client.query(&stmt, &refs)).map_err(|e| pg_error(e, "query failed"))
    }
}

fn param_refs<'p>(params: &'p [Value<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

pub(crate) fn pg_error(e: tokio_postgres::Error, what: &str) -> StoreError {
    let kind = match e.code() {
        Some(c) if c.code().starts_with("23") => StoreErrorKind::Constraint,
        Some(c) if *c == SqlState::DISK_FULL || *c == SqlState::OUT_OF_MEMORY => StoreErrorKind::Full,
        Some(c)
            if *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::LOCK_NOT_AVAILABLE =>
        {
            StoreErrorKind::Busy
        }
        _ => StoreErrorKind::Other,
    };
    let detail = match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    };
    StoreError::with_source(kind, format!("storage error: {what}: {detail}"), e)
}

fn encode_err(v: &Value<'_>, ty: &Type) -> BoxError {
    format!("cannot bind {v:?} to a parameter of type {ty}").into()
}

impl ToSql for Value<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        use bytes::BufMut;
        match *self {
            Value::Null => return Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => out.put_i64(v),
                Type::INT4 => out.put_i32(i32::try_from(v)?),
                Type::INT2 => out.put_i16(i16::try_from(v)?),
                Type::BOOL => out.put_u8(u8::from(v != 0)),
                Type::OID => out.put_u32(u32::try_from(v)?),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    out.put_slice(v.to_string().as_bytes())
                }
                Type::NUMERIC => encode_numeric(v, out),
                _ => return Err(encode_err(self, ty)),
            },
            Value::Text(s) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => out.put_slice(s.as_bytes()),
                _ => return Err(encode_err(self, ty)),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => out.put_slice(b),
                _ => return Err(encode_err(self, ty)),
            },
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// An integer in PostgreSQL's binary NUMERIC format (base-10000 digits).
fn encode_numeric(v: i64, out: &mut bytes::BytesMut) {
    use bytes::BufMut;
    let mut n = v.unsigned_abs();
    let mut digits: Vec<i16> = Vec::new();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    let weight = digits.len().saturating_sub(1) as i16;
    out.put_i16(digits.len() as i16);
    out.put_i16(weight);
    out.put_u16(if v < 0 { 0x4000 } else { 0 });
    out.put_u16(0);
    for d in digits {
        out.put_i16(d);
    }
}

/// A NUMERIC that holds a whole number (what `SUM` of a BIGINT column returns) as an i64.
fn decode_numeric(raw: &[u8]) -> Result<i64, BoxError> {
    let word = |i: usize| -> Result<i16, BoxError> {
        match raw.get(i..i + 2) {
            Some(b) => Ok(i16::from_be_bytes([b[0], b[1]])),
            None => Err("truncated numeric".into()),
        }
    };
    let ndigits = usize::try_from(word(0)?)?;
    let weight = i32::from(word(2)?);
    let sign = word(4)? as u16;
    if sign == 0xC000 {
        return Err("numeric is NaN".into());
    }
    let mut value: i128 = 0;
    for k in 0..ndigits {
        let d = i128::from(word(8 + 2 * k)?);
        let position = weight - k as i32;
        if position < 0 {
            if d != 0 {
                return Err("numeric has a fraction; till stores whole minor units only".into());
            }
            continue;
        }
        let scale = 10_000i128.checked_pow(u32::try_from(position)?).ok_or("numeric out of range")?;
        value = value.checked_add(d.checked_mul(scale).ok_or("numeric out of range")?).ok_or("numeric out of range")?;
    }
    if sign == 0x4000 {
        value = -value;
    }
    Ok(i64::try_from(value)?)
}

impl<'a> FromSql<'a> for Column<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Column<'a>, BoxError> {
        let int = |n: usize| -> Result<&[u8], BoxError> {
            if raw.len() == n { Ok(raw) } else { Err(format!("{ty} of {} bytes", raw.len()).into()) }
        };
        Ok(match *ty {
            Type::INT8 => Column::Int(i64::from_be_bytes(int(8)?.try_into()?)),
            Type::INT4 => Column::Int(i64::from(i32::from_be_bytes(int(4)?.try_into()?))),
            Type::INT2 => Column::Int(i64::from(i16::from_be_bytes(int(2)?.try_into()?))),
            Type::OID => Column::Int(i64::from(u32::from_be_bytes(int(4)?.try_into()?))),
            Type::BOOL => Column::Int(i64::from(int(1)?[0] != 0)),
            Type::NUMERIC => Column::Int(decode_numeric(raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Column::Text(std::str::from_utf8(raw)?)
            }
            Type::BYTEA => Column::Blob(raw),
            _ => return Err(format!("a column of type {ty}; till stores integers, text and bytes only").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Column<'a>, BoxError> {
        Ok(Column::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

pub(super) fn query_one<T>(
    c: &PgConn,
    sql: &str,
    params: &[Value<'_>],
    f: impl FnOnce(&Row<'_, '_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let rows = c.query(sql, params)?;
    match rows.first() {
        Some(r) => f(&Row { inner: RowBackend::Postgres(r) }).map(Some),
        None => Ok(None),
    }
}

pub(super) fn query_all<T>(
    c: &PgConn,
    sql: &str,
    params: &[Value<'_>],
    mut f: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = c.query(sql, params)?;
    rows.iter().map(|r| f(&Row { inner: RowBackend::Postgres(r) })).collect()
}

/// Column `idx` of a row, decoded like the SQLite backend's.
pub(crate) fn column<'r>(r: &'r tokio_postgres::Row, idx: usize) -> Result<Column<'r>, StoreError> {
    r.try_get::<_, Column<'r>>(idx)
        .map_err(|e| StoreError::with_source(StoreErrorKind::Decode, format!("column {idx}: {e}"), e))
}

pub(super) fn get<T: FromColumn>(r: &tokio_postgres::Row, idx: usize) -> Result<T, StoreError> {
    T::from_column(column(r, idx)?).map_err(|e| StoreError::new(e.kind(), format!("column {idx}: {e}")))
}

/// `url` with its database name replaced by `name` (any query string kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..].find('/').map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Drops (if present) and creates the database `name` on the server of `url`; returns its URL.
/// For tests and benches, which each want an empty database. `name` must be a plain identifier.
pub fn recreate_database(url: &str, name: &str) -> Result<String, StoreError> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(StoreError::new(StoreErrorKind::Other, format!("`{name}` is not a plain database name")));
    }
    let admin = PgConn::connect(url)?;
    admin.execute_batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    admin.execute_batch(&format!("CREATE DATABASE {name}"))?;
    Ok(with_database(url, name))
}

/// Each of `queries` (one integer each) on a fresh connection to `url`, in one read-only
/// snapshot: for tools and tests that look at a database a server is using.
pub fn scalars(url: &str, queries: &[&str]) -> Result<Vec<i64>, StoreError> {
    let conn = PgConn::connect(url)?;
    conn.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let rows = conn.query(q, &[])?;
        let v = match rows.first() {
            Some(r) => match column(r, 0)? {
                Column::Int(v) => v,
                Column::Null => 0,
                _ => return Err(StoreError::new(StoreErrorKind::Decode, format!("`{q}` is not an integer"))),
            },
            None => 0,
        };
        out.push(v);
    }
    conn.execute_batch("ROLLBACK")?;
    Ok(out)
}
