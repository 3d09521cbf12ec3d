//! The ledger on SQLite: connection settings, the ledger's schema, row codecs, and the statements
//! the writer, the readers and the checkpointer run. Every statement goes through the
//! connection's prepared-statement cache, so the hot path prepares nothing.
//!
//! Ids are 16-byte big-endian BLOBs (so they sort like the numbers); zero ids and zero
//! `user_data_128` are stored as NULL. SQLite integers are signed 64-bit, so u64 amounts are
//! stored with the same bit pattern (`as i64`) and always summed in Rust, never in SQL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::types::{FromSqlError, Type, ValueRef};
use rusqlite::{Connection, OpenFlags, Row, params};

use crate::store::Sql;
use crate::store::StoreError;
use crate::store::ledger::{
    AccountRecord, Balances, Dialect, HistoryRecord, HoldRecord, HoldState, Migration, MigrationError, PendingRecord,
    TransferRecord, check_order,
};

// ---- connections ----

/// Settings every connection gets. `synchronous=FULL` in WAL mode fsyncs the log on every commit,
/// so a commit that returned is on disk.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::new(
            crate::store::StoreErrorKind::Other,
            format!("could not switch the ledger to WAL (got {mode})"),
        ));
    }
    // A larger checkpoint interval than SQLite's 1000 pages: balance pages are rewritten by every
    // group, so checkpointing them less often saves most of that copying (and its fsyncs).
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16000; PRAGMA wal_autocheckpoint=10000;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Opens a read connection: it cannot write, so a domain query can never bypass the writer.
fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.execute_batch("PRAGMA query_only=ON;")?;
    Ok(conn)
}

// ---- value codecs ----

fn id_sql(id: u128) -> Option<[u8; 16]> {
    (id != 0).then(|| id.to_be_bytes())
}

fn key_sql(id: u128) -> [u8; 16] {
    id.to_be_bytes()
}

fn u64_sql(v: u64) -> i64 {
    v as i64
}

fn get_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<u128> {
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

fn get_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
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

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<AccountRecord> {
    Ok(AccountRecord {
        id: get_id(row, 0)?,
        ledger: get_u32(row, 1)?,
        code: get_u16(row, 2)?,
        flags: get_u16(row, 3)?,
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

macro_rules! select_transfers {
    () => {
        concat!("SELECT ", transfer_columns!(), " FROM ledger_transfers")
    };
}

/// Reads a transfer from columns `o..o + 13` (in `transfer_columns!` order).
fn transfer_from_row_at(row: &Row<'_>, o: usize) -> rusqlite::Result<TransferRecord> {
    Ok(TransferRecord {
        id: get_id(row, o)?,
        debit_account_id: get_id(row, o + 1)?,
        credit_account_id: get_id(row, o + 2)?,
        amount: get_u64(row, o + 3)?,
        pending_id: get_id(row, o + 4)?,
        timeout: get_u32(row, o + 5)?,
        ledger: get_u32(row, o + 6)?,
        code: get_u16(row, o + 7)?,
        flags: get_u16(row, o + 8)?,
        user_data_128: get_id(row, o + 9)?,
        user_data_64: get_u64(row, o + 10)?,
        user_data_32: get_u32(row, o + 11)?,
        timestamp: get_u64(row, o + 12)?,
    })
}

fn transfer_from_row(row: &Row<'_>) -> rusqlite::Result<TransferRecord> {
    transfer_from_row_at(row, 0)
}

// ---- look-ups shared by the writer and the readers ----

fn select_account_num(conn: &Connection, id: u128) -> Result<Option<(i64, AccountRecord)>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(select_accounts!(), " WHERE a.id = ?1"))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some((row.get(12)?, account_from_row(row)?))),
        None => Ok(None),
    }
}

fn select_transfer(conn: &Connection, id: u128) -> Result<Option<TransferRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(select_transfers!(), " WHERE id = ?1"))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some(transfer_from_row(row)?)),
        None => Ok(None),
    }
}

fn select_pending(conn: &Connection, id: u128) -> Result<Option<PendingRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        transfer_columns_t!(),
        ", p.state, p.expires_at FROM ledger_transfers t LEFT JOIN ledger_pending p ON p.id = t.id WHERE t.id = ?1"
    ))?;
    let mut rows = stmt.query([key_sql(id)])?;
    match rows.next()? {
        Some(row) => {
            let transfer = transfer_from_row(row)?;
            let state: Option<i64> = row.get(13)?;
            let expires_at: Option<i64> = row.get(14)?;
            Ok(Some(PendingRecord { transfer, state, expires_at: expires_at.unwrap_or(0) as u64 }))
        }
        None => Ok(None),
    }
}

// ---- the writer's connection ----

/// The writer thread's connection: the one connection that writes the ledger file.
pub struct LedgerWriter {
    conn: Connection,
}

/// Savepoint statements by depth (a job, a chain inside it, …): save, release, roll back.
const SAVEPOINTS: [[&str; 3]; 3] = [
    ["SAVEPOINT s0", "RELEASE s0", "ROLLBACK TO s0"],
    ["SAVEPOINT s1", "RELEASE s1", "ROLLBACK TO s1"],
    ["SAVEPOINT s2", "RELEASE s2", "ROLLBACK TO s2"],
];

impl LedgerWriter {
    /// Opens (creating) the ledger file for writing.
    pub fn open(path: &Path) -> Result<LedgerWriter, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        Ok(LedgerWriter { conn })
    }

    /// The open transaction through the storage boundary (domain repositories).
    pub fn sql(&self) -> Sql<'_> {
        Sql::sqlite(&self.conn)
    }

    /// Applies `all` (the ledger's migrations, then the engine's), each (component, version) once,
    /// in one transaction. Refuses a file whose schema is newer than this build. `now` is Unix
    /// seconds. Returns whether the file was empty.
    pub fn migrate(&mut self, all: &[Migration], now: i64) -> Result<bool, MigrationError> {
        let known = check_order(all)?;
        let tx =
            self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(StoreError::from)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                component TEXT NOT NULL,
                version INTEGER NOT NULL,
                applied_at INTEGER NOT NULL,
                PRIMARY KEY (component, version)
            )",
        )
        .map_err(StoreError::from)?;
        let mut applied: HashMap<String, i64> = HashMap::new();
        {
            let mut stmt = tx
                .prepare("SELECT component, MAX(version) FROM schema_migrations GROUP BY component")
                .map_err(StoreError::from)?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(StoreError::from)?;
            for row in rows {
                let (component, version) = row.map_err(StoreError::from)?;
                applied.insert(component, version);
            }
        }
        for (component, &found) in &applied {
            if let Some(&k) = known.get(component.as_str())
                && found > k
            {
                return Err(MigrationError::TooNew { found, known: k });
            }
        }
        let fresh = applied.is_empty();
        for m in all {
            if applied.get(m.component).is_some_and(|&v| v >= m.version) {
                continue;
            }
            tx.execute_batch(&m.text_for(Dialect::Sqlite))
                .map_err(|e| MigrationError::Invalid(format!("migration {} {} failed: {e}", m.component, m.version)))?;
            tx.execute(
                "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3)",
                params![m.component, m.version, now],
            )
            .map_err(StoreError::from)?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(fresh)
    }

    fn exec(&self, sql: &str) -> Result<(), StoreError> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// Starts a group's write transaction, taking the write lock now.
    pub fn begin(&self) -> Result<(), StoreError> {
        self.exec("BEGIN IMMEDIATE")
    }

    pub fn commit(&self) -> Result<(), StoreError> {
        self.exec("COMMIT")
    }

    /// Abandons the group's transaction (also when it is already gone).
    pub fn rollback(&self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    pub fn savepoint(&self, depth: usize) -> Result<(), StoreError> {
        match SAVEPOINTS.get(depth) {
            Some([save, _, _]) => self.exec(save),
            None => self.exec(&format!("SAVEPOINT s{depth}")),
        }
    }

    pub fn release(&self, depth: usize) -> Result<(), StoreError> {
        match SAVEPOINTS.get(depth) {
            Some([_, release, _]) => self.exec(release),
            None => self.exec(&format!("RELEASE s{depth}")),
        }
    }

    /// Undoes everything since the savepoint of `depth`, and ends it.
    pub fn rollback_to(&self, depth: usize) -> Result<(), StoreError> {
        match SAVEPOINTS.get(depth) {
            Some([_, release, rollback]) => {
                self.exec(rollback)?;
                self.exec(release)
            }
            None => {
                self.exec(&format!("ROLLBACK TO s{depth}"))?;
                self.exec(&format!("RELEASE s{depth}"))
            }
        }
    }

    /// Changes whenever another connection commits to the file.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The largest timestamp any event in the file carries.
    pub fn last_timestamp(&self) -> Result<u64, StoreError> {
        let last: i64 = self.conn.query_row(
            "SELECT MAX(
                (SELECT IFNULL(MAX(timestamp), 0) FROM ledger_accounts),
                (SELECT IFNULL(MAX(timestamp), 0) FROM ledger_transfers),
                (SELECT IFNULL(MAX(resolved_at), 0) FROM ledger_pending))",
            [],
            |r| r.get(0),
        )?;
        Ok(last as u64)
    }

    /// The earliest expiry of a transfer still pending, if any.
    pub fn next_expiry(&self) -> Result<Option<u64>, StoreError> {
        let next: Option<i64> = self
            .conn
            .prepare_cached("SELECT MIN(expires_at) FROM ledger_pending WHERE state = 0 AND expires_at > 0")?
            .query_row([], |r| r.get(0))?;
        Ok(next.map(|v| v as u64))
    }

    /// The account and its row number (the key of its balances).
    pub fn account(&self, id: u128) -> Result<Option<(i64, AccountRecord)>, StoreError> {
        select_account_num(&self.conn, id)
    }

    /// Inserts a new account with zero balances; returns its row number.
    pub fn insert_account(&self, a: &AccountRecord) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO ledger_accounts (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, \
                 timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                key_sql(a.id),
                a.ledger,
                a.code,
                a.flags,
                id_sql(a.user_data_128),
                u64_sql(a.user_data_64),
                a.user_data_32,
                u64_sql(a.timestamp),
            ])?;
        let num = self.conn.last_insert_rowid();
        self.conn
            .prepare_cached(
                "INSERT INTO ledger_balances (num, debits_pending, debits_posted, credits_pending, credits_posted) \
                 VALUES (?1, 0, 0, 0, 0)",
            )?
            .execute([num])?;
        Ok(num)
    }

    /// Writes an account's balances; returns whether its row was there.
    pub fn write_balances(&self, num: i64, b: &Balances) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE ledger_balances SET debits_pending = ?2, debits_posted = ?3, credits_pending = ?4, \
                 credits_posted = ?5 WHERE num = ?1",
            )?
            .execute(params![
                num,
                u64_sql(b.debits_pending),
                u64_sql(b.debits_posted),
                u64_sql(b.credits_pending),
                u64_sql(b.credits_posted),
            ])?;
        Ok(n == 1)
    }

    pub fn write_flags(&self, num: i64, flags: u16) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE ledger_accounts SET flags = ?2 WHERE num = ?1")?
            .execute(params![num, flags])?;
        Ok(())
    }

    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        select_transfer(&self.conn, id)
    }

    /// A transfer with its fate row, if there is such a transfer.
    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        select_pending(&self.conn, id)
    }

    /// Inserts a transfer; `false` when one with its id already exists (nothing written).
    pub fn insert_transfer(&self, t: &TransferRecord) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "INSERT INTO ledger_transfers (",
            transfer_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (id) DO NOTHING"
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
            t.flags,
            id_sql(t.user_data_128),
            u64_sql(t.user_data_64),
            t.user_data_32,
            u64_sql(t.timestamp),
        ])?;
        Ok(n == 1)
    }

    /// Records a new hold (`expires_at` 0: never expires).
    pub fn insert_hold(&self, id: u128, expires_at: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO ledger_pending (id, expires_at, state) VALUES (?1, ?2, 0)")?
            .execute(params![key_sql(id), u64_sql(expires_at)])?;
        Ok(())
    }

    /// Records a hold's resolution by a post or a void.
    pub fn resolve_hold(&self, id: u128, state: HoldState, by: u128, at: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE ledger_pending SET state = ?2, resolved_by = ?3, resolved_at = ?4 WHERE id = ?1")?
            .execute(params![key_sql(id), state.code(), key_sql(by), u64_sql(at)])?;
        Ok(())
    }

    /// Records a hold's expiry.
    pub fn expire_hold(&self, id: u128, at: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE ledger_pending SET state = ?2, resolved_at = ?3 WHERE id = ?1")?
            .execute(params![key_sql(id), HoldState::Expired.code(), u64_sql(at)])?;
        Ok(())
    }

    /// Holds still pending whose expiry is at or before `now`, earliest first.
    pub fn due_holds(&self, now: u64) -> Result<Vec<u128>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM ledger_pending WHERE state = 0 AND expires_at > 0 AND expires_at <= ?1 ORDER BY expires_at",
        )?;
        let rows = stmt.query_map([u64_sql(now)], |r| get_id(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records an account's balances right after the event at `timestamp`.
    pub fn insert_history(
        &self,
        account_id: u128,
        timestamp: u64,
        transfer_id: u128,
        b: &Balances,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO ledger_history (account_id, timestamp, transfer_id, debits_pending, debits_posted, \
                 credits_pending, credits_posted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                key_sql(account_id),
                u64_sql(timestamp),
                key_sql(transfer_id),
                u64_sql(b.debits_pending),
                u64_sql(b.debits_posted),
                u64_sql(b.credits_pending),
                u64_sql(b.credits_posted),
            ])?;
        Ok(())
    }
}

// ---- the readers ----

/// Idle read connections kept for reuse; more are opened when readers run concurrently.
const MAX_IDLE: usize = 4;

/// A small pool of read-only connections.
pub struct LedgerReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// One read transaction (a consistent snapshot).
pub struct LedgerReader<'c> {
    conn: &'c Connection,
}

impl LedgerReaders {
    pub fn open(path: &Path) -> Result<LedgerReaders, StoreError> {
        let first = open_reader(path)?;
        Ok(LedgerReaders { path: path.to_path_buf(), idle: Mutex::new(vec![first]) })
    }

    /// Runs `f` inside one read transaction.
    pub fn with<T, E: From<StoreError>>(&self, f: impl FnOnce(&LedgerReader<'_>) -> Result<T, E>) -> Result<T, E> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => open_reader(&self.path)?,
        };
        conn.prepare_cached("BEGIN").and_then(|mut s| s.execute([])).map_err(StoreError::from)?;
        let result = f(&LedgerReader { conn: &conn });
        let ended = conn.prepare_cached("ROLLBACK").and_then(|mut s| s.execute([]));
        // A connection whose transaction could not be ended is not reused.
        if ended.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result
    }
}

impl LedgerReader<'_> {
    /// The snapshot through the storage boundary (domain repositories).
    pub fn sql(&self) -> Sql<'_> {
        Sql::sqlite(self.conn)
    }

    pub fn account(&self, id: u128) -> Result<Option<AccountRecord>, StoreError> {
        Ok(select_account_num(self.conn, id)?.map(|(_, a)| a))
    }

    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        select_transfer(self.conn, id)
    }

    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        select_pending(self.conn, id)
    }

    /// Up to `limit` history rows of an account after the timestamp `after` (-1: from the start).
    pub fn history(&self, account_id: u128, after: i64, limit: i64) -> Result<Vec<HistoryRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT h.timestamp, h.debits_pending, h.debits_posted, h.credits_pending, h.credits_posted, ",
            transfer_columns_t!(),
            " FROM ledger_history h JOIN ledger_transfers t ON t.id = h.transfer_id \
             WHERE h.account_id = ?1 AND h.timestamp > ?2 ORDER BY h.timestamp LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![key_sql(account_id), after, limit], |r| {
            Ok(HistoryRecord {
                timestamp: get_u64(r, 0)?,
                balances: Balances {
                    debits_pending: get_u64(r, 1)?,
                    debits_posted: get_u64(r, 2)?,
                    credits_pending: get_u64(r, 3)?,
                    credits_posted: get_u64(r, 4)?,
                },
                transfer: transfer_from_row_at(r, 5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account.
    pub fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        let mut stmt = self.conn.prepare(select_accounts!())?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every fate row.
    pub fn holds(&self) -> Result<Vec<HoldRecord>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT id, state, expires_at, resolved_by, resolved_at FROM ledger_pending")?;
        let rows = stmt.query_map([], |r| {
            Ok(HoldRecord {
                id: get_id(r, 0)?,
                state: r.get(1)?,
                expires_at: get_u64(r, 2)?,
                resolved_by: get_id(r, 3)?,
                resolved_at: r.get::<_, Option<i64>>(4)?.map_or(0, |t| t as u64),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Calls `f` with every transfer in timestamp order, streaming (a ledger can hold millions).
    pub fn for_each_transfer(&self, mut f: impl FnMut(TransferRecord)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(concat!(select_transfers!(), " ORDER BY timestamp"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(transfer_from_row(r)?);
        }
        Ok(())
    }

    /// Each account's latest history row: (account id, balances).
    pub fn latest_history(&self) -> Result<Vec<(u128, Balances)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT h.account_id, h.debits_pending, h.debits_posted, h.credits_pending, h.credits_posted \
             FROM ledger_history h \
             WHERE h.timestamp = (SELECT MAX(timestamp) FROM ledger_history WHERE account_id = h.account_id)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                get_id(r, 0)?,
                Balances {
                    debits_pending: get_u64(r, 1)?,
                    debits_posted: get_u64(r, 2)?,
                    credits_pending: get_u64(r, 3)?,
                    credits_posted: get_u64(r, 4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

// ---- checkpoints ----

/// The background checkpointer's connection.
pub struct LedgerCheckpoints {
    conn: Connection,
}

impl LedgerCheckpoints {
    pub fn open(path: &Path) -> Result<LedgerCheckpoints, StoreError> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&conn)?;
        conn.execute_batch("PRAGMA wal_autocheckpoint=0;")?;
        Ok(LedgerCheckpoints { conn })
    }

    /// Copies what it can of the log into the database file; PASSIVE never blocks the writer or
    /// readers, and what it cannot copy now waits for the next time.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The number of frames in the log now (0 when it is empty), by a PASSIVE checkpoint that
    /// also copies what it can.
    pub fn log_frames(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))?)
    }

    /// Copies the whole log into the database file and truncates the log to zero bytes. It waits
    /// at most `wait` for the writer and for readers of older snapshots; `Ok(false)` when they
    /// were still busy (nothing is lost: the log stays as it was, to be truncated next time).
    pub fn truncate(&self, wait: Duration) -> Result<bool, StoreError> {
        self.conn.busy_timeout(wait)?;
        let busy: Result<i64, rusqlite::Error> =
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0));
        match busy {
            Ok(b) => Ok(b == 0),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests;
