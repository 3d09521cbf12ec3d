//! The ledger on PostgreSQL: the same records, rules and statements as `sqlite::ledger`, with ids
//! as 16-byte `BYTEA` (checked), amounts and timestamps as `BIGINT` with the u64's bit pattern.
//!
//! Several `till serve` processes may share one database. Each process keeps SQLite's model of
//! one writer with group commit, and the writers of all processes take turns: a group starts by
//! locking the one row of `ledger_meta` (`SELECT … FOR UPDATE`) and ends by bumping its
//! `version` in the same commit. So every account check, idempotency look-up, expiry and outbox
//! lease a group makes sees every other server's committed work and nobody else's in-flight
//! work (no limit can be broken, no key used twice, no hold expired twice), and a writer whose
//! `version` moved since its last group knows another server wrote and drops its account cache
//! before it reads a balance. A killed server's lock goes with its connection.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Mutex;

use super::{PgConn, column, ddl_for_postgres};
use crate::store::ledger::{
    AccountRecord, Balances, Dialect, HistoryRecord, HoldRecord, HoldState, Migration, MigrationError, PendingRecord,
    TransferRecord, check_order,
};
use crate::store::value::Column;
use crate::store::{Sql, StoreError, StoreErrorKind, Value};

/// The advisory lock that serialises migrations of one database across processes.
const MIGRATION_LOCK: i64 = 0x0074_696c_6c6d_6967; // "tillmig"

fn decode(what: &str) -> StoreError {
    StoreError::new(StoreErrorKind::Decode, format!("ledger row: {what}"))
}

fn id_of(c: Column<'_>) -> Result<u128, StoreError> {
    match c {
        Column::Null => Ok(0),
        Column::Blob(b) => {
            let bytes: [u8; 16] = b.try_into().map_err(|_| decode("an id is not 16 bytes"))?;
            Ok(u128::from_be_bytes(bytes))
        }
        _ => Err(decode("an id is not bytes")),
    }
}

fn int_of(c: Column<'_>) -> Result<i64, StoreError> {
    match c {
        Column::Int(v) => Ok(v),
        _ => Err(decode("expected an integer")),
    }
}

struct R<'r>(&'r tokio_postgres::Row);

impl R<'_> {
    fn id(&self, i: usize) -> Result<u128, StoreError> {
        id_of(column(self.0, i)?)
    }
    fn i64(&self, i: usize) -> Result<i64, StoreError> {
        int_of(column(self.0, i)?)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match column(self.0, i)? {
            Column::Null => Ok(None),
            c => int_of(c).map(Some),
        }
    }
    fn u64(&self, i: usize) -> Result<u64, StoreError> {
        Ok(self.i64(i)? as u64)
    }
    fn u32(&self, i: usize) -> Result<u32, StoreError> {
        u32::try_from(self.i64(i)?).map_err(|_| decode("a u32 out of range"))
    }
    fn u16(&self, i: usize) -> Result<u16, StoreError> {
        u16::try_from(self.i64(i)?).map_err(|_| decode("a u16 out of range"))
    }
    fn account(&self) -> Result<AccountRecord, StoreError> {
        Ok(AccountRecord {
            id: self.id(0)?,
            ledger: self.u32(1)?,
            code: self.u16(2)?,
            flags: self.u16(3)?,
            debits_pending: self.u64(4)?,
            debits_posted: self.u64(5)?,
            credits_pending: self.u64(6)?,
            credits_posted: self.u64(7)?,
            user_data_128: self.id(8)?,
            user_data_64: self.u64(9)?,
            user_data_32: self.u32(10)?,
            timestamp: self.u64(11)?,
        })
    }
    fn transfer_at(&self, o: usize) -> Result<TransferRecord, StoreError> {
        Ok(TransferRecord {
            id: self.id(o)?,
            debit_account_id: self.id(o + 1)?,
            credit_account_id: self.id(o + 2)?,
            amount: self.u64(o + 3)?,
            pending_id: self.id(o + 4)?,
            timeout: self.u32(o + 5)?,
            ledger: self.u32(o + 6)?,
            code: self.u16(o + 7)?,
            flags: self.u16(o + 8)?,
            user_data_128: self.id(o + 9)?,
            user_data_64: self.u64(o + 10)?,
            user_data_32: self.u32(o + 11)?,
            timestamp: self.u64(o + 12)?,
        })
    }
    fn balances_at(&self, o: usize) -> Result<Balances, StoreError> {
        Ok(Balances {
            debits_pending: self.u64(o)?,
            debits_posted: self.u64(o + 1)?,
            credits_pending: self.u64(o + 2)?,
            credits_posted: self.u64(o + 3)?,
        })
    }
}

fn key(id: u128) -> [u8; 16] {
    id.to_be_bytes()
}

fn opt_key(id: u128) -> Option<[u8; 16]> {
    (id != 0).then(|| id.to_be_bytes())
}

fn big(v: u64) -> i64 {
    v as i64
}

const SELECT_ACCOUNTS: &str = "SELECT a.id, a.ledger, a.code, a.flags, b.debits_pending, b.debits_posted, \
     b.credits_pending, b.credits_posted, a.user_data_128, a.user_data_64, a.user_data_32, a.timestamp, a.num \
     FROM ledger_accounts a JOIN ledger_balances b ON b.num = a.num";

const TRANSFER_COLUMNS: &str = "t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.timeout, \
     t.ledger, t.code, t.flags, t.user_data_128, t.user_data_64, t.user_data_32, t.timestamp";

fn select_account(c: &PgConn, id: u128) -> Result<Option<(i64, AccountRecord)>, StoreError> {
    let k = key(id);
    let rows = c.query(&format!("{SELECT_ACCOUNTS} WHERE a.id = ?1"), &[Value::Blob(&k)])?;
    match rows.first() {
        Some(r) => Ok(Some((R(r).i64(12)?, R(r).account()?))),
        None => Ok(None),
    }
}

fn select_transfer(c: &PgConn, id: u128) -> Result<Option<TransferRecord>, StoreError> {
    let k = key(id);
    let rows =
        c.query(&format!("SELECT {TRANSFER_COLUMNS} FROM ledger_transfers t WHERE t.id = ?1"), &[Value::Blob(&k)])?;
    rows.first().map(|r| R(r).transfer_at(0)).transpose()
}

fn select_pending(c: &PgConn, id: u128) -> Result<Option<PendingRecord>, StoreError> {
    let k = key(id);
    let rows = c.query(
        &format!(
            "SELECT {TRANSFER_COLUMNS}, p.state, p.expires_at FROM ledger_transfers t \
             LEFT JOIN ledger_pending p ON p.id = t.id WHERE t.id = ?1"
        ),
        &[Value::Blob(&k)],
    )?;
    match rows.first() {
        Some(r) => {
            let r = R(r);
            Ok(Some(PendingRecord {
                transfer: r.transfer_at(0)?,
                state: r.opt_i64(13)?,
                expires_at: r.opt_i64(14)?.unwrap_or(0) as u64,
            }))
        }
        None => Ok(None),
    }
}

/// Applies the ledger's migrations and `extra` once each, under a lock so servers starting
/// together do not race. Returns whether the database was empty (nothing applied before).
pub fn migrate(conn: &PgConn, all: &[Migration], now: i64) -> Result<bool, MigrationError> {
    let known = check_order(all)?;
    conn.execute_batch("BEGIN")?;
    let result = migrate_in_tx(conn, all, &known, now);
    match result {
        Ok(fresh) => {
            conn.execute_batch("COMMIT")?;
            Ok(fresh)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn migrate_in_tx(
    conn: &PgConn,
    all: &[Migration],
    known: &HashMap<&'static str, i64>,
    now: i64,
) -> Result<bool, MigrationError> {
    conn.execute_batch(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS schema_migrations (
             component TEXT NOT NULL,
             version BIGINT NOT NULL,
             applied_at BIGINT NOT NULL,
             PRIMARY KEY (component, version)
         )"
    ))?;
    let mut applied: HashMap<String, i64> = HashMap::new();
    for r in conn.query("SELECT component, MAX(version) FROM schema_migrations GROUP BY component", &[])? {
        let component = match column(&r, 0)? {
            Column::Text(t) => t.to_string(),
            _ => return Err(MigrationError::Invalid("schema_migrations.component is not text".into())),
        };
        applied.insert(component, R(&r).i64(1)?);
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
        let text = ddl_for_postgres(&m.text_for(Dialect::Postgres));
        if !text.trim().is_empty() {
            conn.execute_batch(&text)
                .map_err(|e| MigrationError::Invalid(format!("migration {} {} failed: {e}", m.component, m.version)))?;
        }
        conn.execute(
            "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3)",
            &[Value::Text(m.component), Value::Int(m.version), Value::Int(now)],
        )?;
    }
    Ok(fresh)
}

// ---- the writer ----

/// One server's writer connection.
pub struct LedgerWriter {
    url: String,
    conn: PgConn,
    /// `ledger_meta.version` as locked by the current group (None between groups).
    locked: Cell<Option<i64>>,
    /// Groups this connection committed: `version - own` changes only when another server commits.
    own: Cell<i64>,
    /// The largest timestamp this writer wrote, kept in `ledger_meta` for the other servers.
    max_ts: Cell<u64>,
}

impl LedgerWriter {
    pub fn open(url: &str) -> Result<LedgerWriter, StoreError> {
        Ok(LedgerWriter {
            url: url.to_string(),
            conn: PgConn::connect(url)?,
            locked: Cell::new(None),
            own: Cell::new(0),
            max_ts: Cell::new(0),
        })
    }

    pub fn sql(&self) -> Sql<'_> {
        Sql::postgres(&self.conn)
    }

    pub fn migrate(&mut self, all: &[Migration], now: i64) -> Result<bool, MigrationError> {
        migrate(&self.conn, all, now)
    }

    /// Replaces a connection the server closed (a restart or failover of PostgreSQL). Whatever
    /// was in flight on it was rolled back by the server; the caller reloads its caches.
    pub fn reconnect_if_closed(&mut self) -> Result<bool, StoreError> {
        if !self.conn.is_closed() {
            return Ok(false);
        }
        tracing::warn!("the ledger's PostgreSQL connection closed; reconnecting");
        self.conn = PgConn::connect(&self.url)?;
        self.locked.set(None);
        Ok(true)
    }

    fn version_now(&self) -> Result<i64, StoreError> {
        let rows = self.conn.query("SELECT version FROM ledger_meta WHERE id = 1", &[])?;
        rows.first().map(|r| R(r).i64(0)).transpose()?.ok_or_else(|| decode("ledger_meta has no row"))
    }

    /// Starts a group: a transaction holding the ledger's write turn across every server.
    pub fn begin(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN")?;
        let rows = self.conn.query("SELECT version FROM ledger_meta WHERE id = 1 FOR UPDATE", &[])?;
        let v = rows.first().map(|r| R(r).i64(0)).transpose()?.ok_or_else(|| decode("ledger_meta has no row"))?;
        self.locked.set(Some(v));
        Ok(())
    }

    pub fn commit(&self) -> Result<(), StoreError> {
        let ts = big(self.max_ts.get());
        self.conn.execute(
            "UPDATE ledger_meta SET version = version + 1, last_ts = GREATEST(last_ts, ?1) WHERE id = 1",
            &[Value::Int(ts)],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.locked.set(None);
        self.own.set(self.own.get().wrapping_add(1));
        Ok(())
    }

    pub fn rollback(&self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        self.locked.set(None);
    }

    pub fn savepoint(&self, depth: usize) -> Result<(), StoreError> {
        self.conn.execute_batch(&format!("SAVEPOINT s{depth}"))
    }

    pub fn release(&self, depth: usize) -> Result<(), StoreError> {
        self.conn.execute_batch(&format!("RELEASE SAVEPOINT s{depth}"))
    }

    pub fn rollback_to(&self, depth: usize) -> Result<(), StoreError> {
        self.conn.execute_batch(&format!("ROLLBACK TO SAVEPOINT s{depth}; RELEASE SAVEPOINT s{depth}"))
    }

    /// Changes whenever another server commits (like SQLite's `PRAGMA data_version`).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let v = match self.locked.get() {
            Some(v) => v,
            None => self.version_now()?,
        };
        Ok(v.wrapping_sub(self.own.get()))
    }

    pub fn last_timestamp(&self) -> Result<u64, StoreError> {
        let rows = self.conn.query("SELECT last_ts FROM ledger_meta WHERE id = 1", &[])?;
        let ts = rows.first().map(|r| R(r).u64(0)).transpose()?.unwrap_or(0);
        Ok(ts.max(self.max_ts.get()))
    }

    fn wrote(&self, ts: u64) {
        if ts > self.max_ts.get() {
            self.max_ts.set(ts);
        }
    }

    pub fn next_expiry(&self) -> Result<Option<u64>, StoreError> {
        let rows =
            self.conn.query("SELECT MIN(expires_at) FROM ledger_pending WHERE state = 0 AND expires_at > 0", &[])?;
        Ok(rows.first().map(|r| R(r).opt_i64(0)).transpose()?.flatten().map(|v| v as u64))
    }

    pub fn account(&self, id: u128) -> Result<Option<(i64, AccountRecord)>, StoreError> {
        select_account(&self.conn, id)
    }

    pub fn insert_account(&self, a: &AccountRecord) -> Result<i64, StoreError> {
        let (k, ud) = (key(a.id), opt_key(a.user_data_128));
        let rows = self.conn.query(
            "INSERT INTO ledger_accounts (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, \
             timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING num",
            &[
                Value::Blob(&k),
                Value::from(a.ledger),
                Value::from(a.code),
                Value::from(a.flags),
                ud.as_ref().map_or(Value::Null, |u| Value::Blob(u)),
                Value::Int(big(a.user_data_64)),
                Value::from(a.user_data_32),
                Value::Int(big(a.timestamp)),
            ],
        )?;
        let num = rows.first().map(|r| R(r).i64(0)).transpose()?.ok_or_else(|| decode("no account number"))?;
        self.conn.execute(
            "INSERT INTO ledger_balances (num, debits_pending, debits_posted, credits_pending, credits_posted) \
             VALUES (?1, 0, 0, 0, 0)",
            &[Value::Int(num)],
        )?;
        self.wrote(a.timestamp);
        Ok(num)
    }

    pub fn write_balances(&self, num: i64, b: &Balances) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE ledger_balances SET debits_pending = ?2, debits_posted = ?3, credits_pending = ?4, \
             credits_posted = ?5 WHERE num = ?1",
            &[
                Value::Int(num),
                Value::Int(big(b.debits_pending)),
                Value::Int(big(b.debits_posted)),
                Value::Int(big(b.credits_pending)),
                Value::Int(big(b.credits_posted)),
            ],
        )?;
        Ok(n == 1)
    }

    pub fn write_flags(&self, num: i64, flags: u16) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE ledger_accounts SET flags = ?2 WHERE num = ?1", &[Value::Int(num), Value::from(flags)])?;
        Ok(())
    }

    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        select_transfer(&self.conn, id)
    }

    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        select_pending(&self.conn, id)
    }

    pub fn insert_transfer(&self, t: &TransferRecord) -> Result<bool, StoreError> {
        let (k, d, c) = (key(t.id), key(t.debit_account_id), key(t.credit_account_id));
        let (p, u) = (opt_key(t.pending_id), opt_key(t.user_data_128));
        let n = self.conn.execute(
            "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id, timeout, \
             ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (id) DO NOTHING",
            &[
                Value::Blob(&k),
                Value::Blob(&d),
                Value::Blob(&c),
                Value::Int(big(t.amount)),
                p.as_ref().map_or(Value::Null, |x| Value::Blob(x)),
                Value::from(t.timeout),
                Value::from(t.ledger),
                Value::from(t.code),
                Value::from(t.flags),
                u.as_ref().map_or(Value::Null, |x| Value::Blob(x)),
                Value::Int(big(t.user_data_64)),
                Value::from(t.user_data_32),
                Value::Int(big(t.timestamp)),
            ],
        )?;
        self.wrote(t.timestamp);
        Ok(n == 1)
    }

    pub fn insert_hold(&self, id: u128, expires_at: u64) -> Result<(), StoreError> {
        let k = key(id);
        self.conn.execute(
            "INSERT INTO ledger_pending (id, expires_at, state) VALUES (?1, ?2, 0)",
            &[Value::Blob(&k), Value::Int(big(expires_at))],
        )?;
        Ok(())
    }

    pub fn resolve_hold(&self, id: u128, state: HoldState, by: u128, at: u64) -> Result<(), StoreError> {
        let (k, b) = (key(id), key(by));
        self.conn.execute(
            "UPDATE ledger_pending SET state = ?2, resolved_by = ?3, resolved_at = ?4 WHERE id = ?1",
            &[Value::Blob(&k), Value::Int(state.code()), Value::Blob(&b), Value::Int(big(at))],
        )?;
        self.wrote(at);
        Ok(())
    }

    pub fn expire_hold(&self, id: u128, at: u64) -> Result<(), StoreError> {
        let k = key(id);
        self.conn.execute(
            "UPDATE ledger_pending SET state = ?2, resolved_at = ?3 WHERE id = ?1",
            &[Value::Blob(&k), Value::Int(HoldState::Expired.code()), Value::Int(big(at))],
        )?;
        self.wrote(at);
        Ok(())
    }

    pub fn due_holds(&self, now: u64) -> Result<Vec<u128>, StoreError> {
        let rows = self.conn.query(
            "SELECT id FROM ledger_pending WHERE state = 0 AND expires_at > 0 AND expires_at <= ?1 ORDER BY expires_at",
            &[Value::Int(big(now))],
        )?;
        rows.iter().map(|r| R(r).id(0)).collect()
    }

    pub fn insert_history(
        &self,
        account_id: u128,
        timestamp: u64,
        transfer_id: u128,
        b: &Balances,
    ) -> Result<(), StoreError> {
        let (a, t) = (key(account_id), key(transfer_id));
        self.conn.execute(
            "INSERT INTO ledger_history (account_id, timestamp, transfer_id, debits_pending, debits_posted, \
             credits_pending, credits_posted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                Value::Blob(&a),
                Value::Int(big(timestamp)),
                Value::Blob(&t),
                Value::Int(big(b.debits_pending)),
                Value::Int(big(b.debits_posted)),
                Value::Int(big(b.credits_pending)),
                Value::Int(big(b.credits_posted)),
            ],
        )?;
        self.wrote(timestamp);
        Ok(())
    }
}

// ---- the readers ----

const MAX_IDLE: usize = 8;

/// A pool of read connections; each read is one read-only, repeatable-read transaction.
pub struct LedgerReaders {
    url: String,
    idle: Mutex<Vec<PgConn>>,
}

pub struct LedgerReader<'c> {
    conn: &'c PgConn,
}

impl LedgerReaders {
    pub fn open(url: &str) -> Result<LedgerReaders, StoreError> {
        let first = PgConn::connect(url)?;
        Ok(LedgerReaders { url: url.to_string(), idle: Mutex::new(vec![first]) })
    }

    pub fn with<T, E: From<StoreError>>(&self, f: impl FnOnce(&LedgerReader<'_>) -> Result<T, E>) -> Result<T, E> {
        let taken = loop {
            let c = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match c {
                Some(c) if c.is_closed() => continue,
                other => break other,
            }
        };
        let conn = match taken {
            Some(c) => c,
            None => PgConn::connect(&self.url)?,
        };
        conn.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        let result = f(&LedgerReader { conn: &conn });
        if conn.execute_batch("ROLLBACK").is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result
    }
}

/// Rows fetched per round trip when streaming every transfer.
const PAGE: i64 = 10_000;

impl LedgerReader<'_> {
    pub fn sql(&self) -> Sql<'_> {
        Sql::postgres(self.conn)
    }

    pub fn account(&self, id: u128) -> Result<Option<AccountRecord>, StoreError> {
        Ok(select_account(self.conn, id)?.map(|(_, a)| a))
    }

    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        select_transfer(self.conn, id)
    }

    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        select_pending(self.conn, id)
    }

    pub fn history(&self, account_id: u128, after: i64, limit: i64) -> Result<Vec<HistoryRecord>, StoreError> {
        let a = key(account_id);
        let rows = self.conn.query(
            &format!(
                "SELECT h.timestamp, h.debits_pending, h.debits_posted, h.credits_pending, h.credits_posted, \
                 {TRANSFER_COLUMNS} FROM ledger_history h JOIN ledger_transfers t ON t.id = h.transfer_id \
                 WHERE h.account_id = ?1 AND h.timestamp > ?2 ORDER BY h.timestamp LIMIT ?3"
            ),
            &[Value::Blob(&a), Value::Int(after), Value::Int(limit)],
        )?;
        rows.iter()
            .map(|r| {
                let r = R(r);
                Ok(HistoryRecord { timestamp: r.u64(0)?, balances: r.balances_at(1)?, transfer: r.transfer_at(5)? })
            })
            .collect()
    }

    pub fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        self.conn.query(SELECT_ACCOUNTS, &[])?.iter().map(|r| R(r).account()).collect()
    }

    pub fn holds(&self) -> Result<Vec<HoldRecord>, StoreError> {
        let rows =
            self.conn.query("SELECT id, state, expires_at, resolved_by, resolved_at FROM ledger_pending", &[])?;
        rows.iter()
            .map(|r| {
                let r = R(r);
                Ok(HoldRecord {
                    id: r.id(0)?,
                    state: r.i64(1)?,
                    expires_at: r.u64(2)?,
                    resolved_by: r.id(3)?,
                    resolved_at: r.opt_i64(4)?.map_or(0, |t| t as u64),
                })
            })
            .collect()
    }

    /// Every transfer in timestamp order, a page at a time (timestamps are unique).
    pub fn for_each_transfer(&self, mut f: impl FnMut(TransferRecord)) -> Result<(), StoreError> {
        // Timestamps are u64 bit patterns in a signed column: walk the signed order from the
        // smallest value, which is the u64 order for every timestamp below 2^63 (all real ones).
        let mut after = i64::MIN;
        loop {
            let rows = self.conn.query(
                &format!("SELECT {TRANSFER_COLUMNS} FROM ledger_transfers t WHERE t.timestamp > ?1 ORDER BY t.timestamp LIMIT ?2"),
                &[Value::Int(after), Value::Int(PAGE)],
            )?;
            let n = rows.len();
            for r in &rows {
                let t = R(r).transfer_at(0)?;
                after = big(t.timestamp);
                f(t);
            }
            if (n as i64) < PAGE {
                return Ok(());
            }
        }
    }

    pub fn latest_history(&self) -> Result<Vec<(u128, Balances)>, StoreError> {
        let rows = self.conn.query(
            "SELECT DISTINCT ON (account_id) account_id, debits_pending, debits_posted, credits_pending, \
             credits_posted FROM ledger_history ORDER BY account_id, timestamp DESC",
            &[],
        )?;
        rows.iter().map(|r| Ok((R(r).id(0)?, R(r).balances_at(1)?))).collect()
    }
}
