//! The SQLite store: connection settings, the ledger's schema and migrations, and how rows map to
//! accounts and transfers.
//!
//! Ids are 16-byte big-endian BLOBs (so they sort like the numbers); zero ids and zero
//! `user_data_128` are stored as NULL. SQLite integers are signed 64-bit, so u64 amounts are
//! stored with the same bit pattern (`as i64`) and always summed in Rust, never in SQL.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::types::{FromSqlError, Type, ValueRef};
use rusqlite::{Connection, OpenFlags, Row, params};

use super::{Account, AccountFlags, LedgerError, Migration, Transfer, TransferFlags};

/// The ledger's own migrations, applied before the engine's.
pub(crate) const LEDGER_MIGRATIONS: &[Migration] = &[
    Migration {
        component: "ledger",
        version: 1,
        sql: "
        CREATE TABLE ledger_accounts (
            id BLOB PRIMARY KEY NOT NULL,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE ledger_transfers (
            id BLOB PRIMARY KEY NOT NULL,
            debit_account_id BLOB NOT NULL,
            credit_account_id BLOB NOT NULL,
            amount INTEGER NOT NULL,
            pending_id BLOB,
            timeout INTEGER NOT NULL,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- One row per pending transfer: its fate. state 0 pending, 1 posted, 2 voided, 3 expired.
        CREATE TABLE ledger_pending (
            id BLOB PRIMARY KEY NOT NULL,
            expires_at INTEGER NOT NULL,
            state INTEGER NOT NULL,
            resolved_by BLOB,
            resolved_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX ledger_pending_due ON ledger_pending(expires_at) WHERE state = 0 AND expires_at > 0;
        -- Balances after each event, only for accounts with the HISTORY flag.
        CREATE TABLE ledger_history (
            account_id BLOB NOT NULL,
            timestamp INTEGER NOT NULL,
            transfer_id BLOB NOT NULL,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL,
            PRIMARY KEY (account_id, timestamp)
        ) WITHOUT ROWID;
    ",
    },
    Migration {
        component: "ledger",
        version: 2,
        // Balances change with every transfer: a narrow table keyed by a small integer keeps the
        // pages each commit writes (and fsyncs) few. The static fields stay in ledger_accounts.
        sql: "
        CREATE TABLE ledger_accounts_v2 (
            num INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        );
        CREATE TABLE ledger_balances (
            num INTEGER PRIMARY KEY,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL
        );
        INSERT INTO ledger_accounts_v2 (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp)
            SELECT id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp
            FROM ledger_accounts ORDER BY timestamp;
        INSERT INTO ledger_balances (num, debits_pending, debits_posted, credits_pending, credits_posted)
            SELECT n.num, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted
            FROM ledger_accounts a JOIN ledger_accounts_v2 n ON n.id = a.id;
        DROP TABLE ledger_accounts;
        ALTER TABLE ledger_accounts_v2 RENAME TO ledger_accounts;
    ",
    },
];

pub(crate) const PENDING: i64 = 0;
pub(crate) const POSTED: i64 = 1;
pub(crate) const VOIDED: i64 = 2;
pub(crate) const EXPIRED: i64 = 3;

/// Settings every connection gets. `synchronous=FULL` in WAL mode fsyncs the log on every commit,
/// so a commit that returned is on disk.
fn configure(conn: &Connection) -> Result<(), LedgerError> {
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LedgerError::Invalid(format!("could not switch the ledger to WAL (got {mode})")));
    }
    // A larger checkpoint interval than SQLite's 1000 pages: balance pages are rewritten by every
    // group, so checkpointing them less often saves most of that copying (and its fsyncs).
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16000; PRAGMA wal_autocheckpoint=10000;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Opens the writer's connection (creating the file).
pub(crate) fn open_writer(path: &Path) -> Result<Connection, LedgerError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    Ok(conn)
}

/// Opens a read connection: it cannot write, so a domain query can never bypass the writer.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, LedgerError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.execute_batch("PRAGMA query_only=ON;")?;
    Ok(conn)
}

/// Opens the background checkpointer's connection.
pub(crate) fn open_checkpointer(path: &Path) -> Result<Connection, LedgerError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.execute_batch("PRAGMA wal_autocheckpoint=0;")?;
    Ok(conn)
}

/// Applies the ledger's migrations and then `extra`, each (component, version) once, in one
/// transaction. Refuses a file whose schema is newer than this build.
pub(crate) fn migrate(conn: &mut Connection, extra: &[Migration]) -> Result<(), LedgerError> {
    let all: Vec<Migration> = LEDGER_MIGRATIONS.iter().chain(extra.iter()).copied().collect();
    let mut known: HashMap<&str, i64> = HashMap::new();
    for m in &all {
        let last = known.entry(m.component).or_insert(0);
        if m.version != *last + 1 {
            return Err(LedgerError::Invalid(format!(
                "migrations of `{}` must be numbered 1, 2, 3… in order (found {} after {})",
                m.component, m.version, last
            )));
        }
        *last = m.version;
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            component TEXT NOT NULL,
            version INTEGER NOT NULL,
            applied_at INTEGER NOT NULL,
            PRIMARY KEY (component, version)
        )",
    )?;
    let mut applied: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt = tx.prepare("SELECT component, MAX(version) FROM schema_migrations GROUP BY component")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (component, version) = row?;
            applied.insert(component, version);
        }
    }
    for (component, &found) in &applied {
        if let Some(&k) = known.get(component.as_str())
            && found > k
        {
            return Err(LedgerError::SchemaTooNew { found, known: k });
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    for m in &all {
        if applied.get(m.component).is_some_and(|&v| v >= m.version) {
            continue;
        }
        tx.execute_batch(m.sql)
            .map_err(|e| LedgerError::Invalid(format!("migration {} {} failed: {e}", m.component, m.version)))?;
        tx.execute(
            "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3)",
            params![m.component, m.version, now],
        )?;
    }
    tx.commit()?;
    Ok(())
}

// ---- value codecs ----

pub(crate) fn id_sql(id: u128) -> Option<[u8; 16]> {
    (id != 0).then(|| id.to_be_bytes())
}

pub(crate) fn key_sql(id: u128) -> [u8; 16] {
    id.to_be_bytes()
}

pub(crate) fn u64_sql(v: u64) -> i64 {
    v as i64
}

pub(crate) fn get_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<u128> {
    match row.get_ref(idx)? {
        ValueRef::Null => Ok(0),
        ValueRef::Blob(b) => {
            let bytes: [u8; 16] = b.try_into().map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(
                    idx,
                    Type::Blob,
                    Box::new(FromSqlError::InvalidBlobSize { expected_size: 16, blob_size: b.len() }),
                )
            })?;
            Ok(u128::from_be_bytes(bytes))
        }
        other => Err(rusqlite::Error::InvalidColumnType(idx, "id".into(), other.data_type())),
    }
}

pub(crate) fn get_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    Ok(row.get::<_, i64>(idx)? as u64)
}

fn get_u32(row: &Row<'_>, idx: usize) -> rusqlite::Result<u32> {
    let v: i64 = row.get(idx)?;
    u32::try_from(v).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Integer, Box::new(e)))
}

fn get_u16(row: &Row<'_>, idx: usize) -> rusqlite::Result<u16> {
    let v: i64 = row.get(idx)?;
    u16::try_from(v).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Integer, Box::new(e)))
}

/// Selects accounts (with their balances) in `account_from_row` order, the row number last.
macro_rules! select_accounts {
    () => {
        "SELECT a.id, a.ledger, a.code, a.flags, b.debits_pending, b.debits_posted, b.credits_pending, \
         b.credits_posted, a.user_data_128, a.user_data_64, a.user_data_32, a.timestamp, a.num \
         FROM ledger_accounts a JOIN ledger_balances b ON b.num = a.num"
    };
}

pub(crate) const SELECT_ACCOUNTS: &str = select_accounts!();

pub(crate) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: get_id(row, 0)?,
        ledger: get_u32(row, 1)?,
        code: get_u16(row, 2)?,
        flags: AccountFlags(get_u16(row, 3)?),
        debits_pending: get_u64(row, 4)?,
        debits_posted: get_u64(row, 5)?,
        credits_pending: get_u64(row, 6)?,
        credits_posted: get_u64(row, 7)?,
        user_data_128: get_id(row, 8)?,
        user_data_64: get_u64(row, 9)?,
        user_data_32: get_u32(row, 10)?,
        timestamp: get_u64(row, 11)?,
    })
}

macro_rules! transfer_columns {
    () => {
        "id, debit_account_id, credit_account_id, amount, pending_id, timeout, ledger, code, flags, user_data_128, \
         user_data_64, user_data_32, timestamp"
    };
}

macro_rules! transfer_columns_t {
    () => {
        "t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.timeout, t.ledger, t.code, \
         t.flags, t.user_data_128, t.user_data_64, t.user_data_32, t.timestamp"
    };
}

macro_rules! select_transfers_sql {
    () => {
        concat!("SELECT ", transfer_columns!(), " FROM ledger_transfers")
    };
}

pub(crate) const SELECT_TRANSFERS: &str = select_transfers_sql!();
/// The transfer columns of table alias `t`.
pub(crate) const TRANSFER_COLUMNS_T: &str = transfer_columns_t!();

/// Reads a transfer from columns `offset..offset + 13` (in `TRANSFER_COLUMNS` order).
pub(crate) fn transfer_from_row_at(row: &Row<'_>, o: usize) -> rusqlite::Result<Transfer> {
    Ok(Transfer {
        id: get_id(row, o)?,
        debit_account_id: get_id(row, o + 1)?,
        credit_account_id: get_id(row, o + 2)?,
        amount: get_u64(row, o + 3)?,
        pending_id: get_id(row, o + 4)?,
        timeout: get_u32(row, o + 5)?,
        ledger: get_u32(row, o + 6)?,
        code: get_u16(row, o + 7)?,
        flags: TransferFlags(get_u16(row, o + 8)?),
        user_data_128: get_id(row, o + 9)?,
        user_data_64: get_u64(row, o + 10)?,
        user_data_32: get_u32(row, o + 11)?,
        timestamp: get_u64(row, o + 12)?,
    })
}

pub(crate) fn transfer_from_row(row: &Row<'_>) -> rusqlite::Result<Transfer> {
    transfer_from_row_at(row, 0)
}

pub(crate) fn select_account(conn: &Connection, id: u128) -> Result<Option<Account>, LedgerError> {
    Ok(select_account_num(conn, id)?.map(|(_, a)| a))
}

/// The account and its row number (the key of its balances).
pub(crate) fn select_account_num(conn: &Connection, id: u128) -> Result<Option<(i64, Account)>, LedgerError> {
    let mut stmt = conn.prepare_cached(concat!(select_accounts!(), " WHERE a.id = ?1"))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some((row.get(12)?, account_from_row(row)?))),
        None => Ok(None),
    }
}

/// Inserts a new account with zero balances; returns its row number.
pub(crate) fn insert_account(conn: &Connection, a: &Account) -> Result<i64, LedgerError> {
    conn.prepare_cached(
        "INSERT INTO ledger_accounts (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        key_sql(a.id),
        a.ledger,
        a.code,
        a.flags.0,
        id_sql(a.user_data_128),
        u64_sql(a.user_data_64),
        a.user_data_32,
        u64_sql(a.timestamp),
    ])?;
    let num = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO ledger_balances (num, debits_pending, debits_posted, credits_pending, credits_posted) \
         VALUES (?1, 0, 0, 0, 0)",
    )?
    .execute([num])?;
    Ok(num)
}

pub(crate) fn select_transfer(conn: &Connection, id: u128) -> Result<Option<Transfer>, LedgerError> {
    let mut stmt = conn.prepare_cached(concat!(select_transfers_sql!(), " WHERE id = ?1"))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some(transfer_from_row(row)?)),
        None => Ok(None),
    }
}

/// A pending transfer with its recorded fate (`state`: PENDING, POSTED, VOIDED or EXPIRED).
pub(crate) fn select_pending(conn: &Connection, id: u128) -> Result<Option<(Transfer, i64, u64)>, LedgerError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        transfer_columns_t!(),
        ", p.state, p.expires_at FROM ledger_transfers t LEFT JOIN ledger_pending p ON p.id = t.id WHERE t.id = ?1"
    ))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => {
            let t = transfer_from_row(row)?;
            let state: Option<i64> = row.get(13)?;
            let expires_at: Option<i64> = row.get(14)?;
            Ok(Some((t, state.unwrap_or(-1), expires_at.unwrap_or(0) as u64)))
        }
        None => Ok(None),
    }
}

pub(crate) fn insert_transfer(conn: &Connection, t: &Transfer) -> Result<bool, LedgerError> {
    let mut stmt = conn.prepare_cached(concat!(
        "INSERT OR IGNORE INTO ledger_transfers (",
        transfer_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))?;
    let n = stmt.execute(params![
        key_sql(t.id),
        key_sql(t.debit_account_id),
        key_sql(t.credit_account_id),
        u64_sql(t.amount),
        id_sql(t.pending_id),
        t.timeout,
        t.ledger,
        t.code,
        t.flags.0,
        id_sql(t.user_data_128),
        u64_sql(t.user_data_64),
        t.user_data_32,
        u64_sql(t.timestamp),
    ])?;
    Ok(n == 1)
}
