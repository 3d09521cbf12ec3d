//! The ledger's store on either backend: where it lives ([`Location`]), and the writer, reader
//! and checkpoint handles the ledger uses, each dispatching to `sqlite::ledger` or
//! `postgres::ledger` (same methods, same records).

use std::path::PathBuf;

use super::ledger::{
    AccountRecord, Balances, HistoryRecord, HoldRecord, HoldState, Migration, MigrationError, PendingRecord,
    TransferRecord,
};
use super::{Sql, StoreError, StoreErrorKind, postgres, sqlite};

pub use super::ledger_schema::LEDGER_MIGRATIONS;

/// Where a ledger (and the engine's tables beside it) is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (the embedded default).
    Sqlite(PathBuf),
    /// A PostgreSQL database, `postgres://user[:password]@host[:port]/database`.
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL, or `sqlite:PATH` / a plain path.
    pub fn parse(s: &str) -> Result<Location, StoreError> {
        let s = s.trim();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Location::Postgres(s.to_string()));
        }
        if let Some(path) = s.strip_prefix("sqlite:") {
            return Ok(Location::Sqlite(PathBuf::from(path.trim_start_matches("//"))));
        }
        if s.contains("://") || s.is_empty() {
            return Err(StoreError::new(
                StoreErrorKind::Other,
                format!("`{s}` is not a database URL: use postgres://user@host:port/db or sqlite:PATH"),
            ));
        }
        Ok(Location::Sqlite(PathBuf::from(s)))
    }

    /// For messages: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => postgres::redact(url),
        }
    }
}

macro_rules! both {
    ($self:expr, $c:ident => $e:expr) => {
        match $self {
            Self::Sqlite($c) => $e,
            Self::Postgres($c) => $e,
        }
    };
}

/// The writer thread's connection.
pub enum LedgerWriter {
    Sqlite(sqlite::ledger::LedgerWriter),
    // Boxed: the PostgreSQL writer is much larger, and there is one per process.
    Postgres(Box<postgres::ledger::LedgerWriter>),
}

impl LedgerWriter {
    pub fn open(at: &Location) -> Result<LedgerWriter, StoreError> {
        Ok(match at {
            Location::Sqlite(p) => LedgerWriter::Sqlite(sqlite::ledger::LedgerWriter::open(p)?),
            Location::Postgres(u) => LedgerWriter::Postgres(Box::new(postgres::ledger::LedgerWriter::open(u)?)),
        })
    }

    /// Applies the ledger's migrations, then `extra`; returns whether the store was empty.
    pub fn migrate(&mut self, extra: &[Migration], now: i64) -> Result<bool, MigrationError> {
        let all: Vec<Migration> = LEDGER_MIGRATIONS.iter().chain(extra.iter()).copied().collect();
        match self {
            LedgerWriter::Sqlite(w) => w.migrate(&all, now),
            LedgerWriter::Postgres(w) => w.migrate(&all, now),
        }
    }

    /// PostgreSQL: replaces a connection the server closed; `true` when it did (caches are stale).
    pub fn reconnect_if_closed(&mut self) -> Result<bool, StoreError> {
        match self {
            LedgerWriter::Sqlite(_) => Ok(false),
            LedgerWriter::Postgres(w) => w.reconnect_if_closed(),
        }
    }

    pub fn sql(&self) -> Sql<'_> {
        both!(self, w => w.sql())
    }
    pub fn begin(&self) -> Result<(), StoreError> {
        both!(self, w => w.begin())
    }
    pub fn commit(&self) -> Result<(), StoreError> {
        both!(self, w => w.commit())
    }
    pub fn rollback(&self) {
        both!(self, w => w.rollback())
    }
    pub fn savepoint(&self, depth: usize) -> Result<(), StoreError> {
        both!(self, w => w.savepoint(depth))
    }
    pub fn release(&self, depth: usize) -> Result<(), StoreError> {
        both!(self, w => w.release(depth))
    }
    pub fn rollback_to(&self, depth: usize) -> Result<(), StoreError> {
        both!(self, w => w.rollback_to(depth))
    }
    pub fn data_version(&self) -> Result<i64, StoreError> {
        both!(self, w => w.data_version())
    }
    pub fn last_timestamp(&self) -> Result<u64, StoreError> {
        both!(self, w => w.last_timestamp())
    }
    pub fn next_expiry(&self) -> Result<Option<u64>, StoreError> {
        both!(self, w => w.next_expiry())
    }
    pub fn account(&self, id: u128) -> Result<Option<(i64, AccountRecord)>, StoreError> {
        both!(self, w => w.account(id))
    }
    pub fn insert_account(&self, a: &AccountRecord) -> Result<i64, StoreError> {
        both!(self, w => w.insert_account(a))
    }
    pub fn write_balances(&self, num: i64, b: &Balances) -> Result<bool, StoreError> {
        both!(self, w => w.write_balances(num, b))
    }
    pub fn write_flags(&self, num: i64, flags: u16) -> Result<(), StoreError> {
        both!(self, w => w.write_flags(num, flags))
    }
    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        both!(self, w => w.transfer(id))
    }
    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        both!(self, w => w.pending(id))
    }
    pub fn insert_transfer(&self, t: &TransferRecord) -> Result<bool, StoreError> {
        both!(self, w => w.insert_transfer(t))
    }
    pub fn insert_hold(&self, id: u128, expires_at: u64) -> Result<(), StoreError> {
        both!(self, w => w.insert_hold(id, expires_at))
    }
    pub fn resolve_hold(&self, id: u128, state: HoldState, by: u128, at: u64) -> Result<(), StoreError> {
        both!(self, w => w.resolve_hold(id, state, by, at))
    }
    pub fn expire_hold(&self, id: u128, at: u64) -> Result<(), StoreError> {
        both!(self, w => w.expire_hold(id, at))
    }
    pub fn due_holds(&self, now: u64) -> Result<Vec<u128>, StoreError> {
        both!(self, w => w.due_holds(now))
    }
    pub fn insert_history(&self, account_id: u128, ts: u64, transfer_id: u128, b: &Balances) -> Result<(), StoreError> {
        both!(self, w => w.insert_history(account_id, ts, transfer_id, b))
    }
}

/// The read connections.
pub enum LedgerReaders {
    Sqlite(sqlite::ledger::LedgerReaders),
    Postgres(postgres::ledger::LedgerReaders),
}

/// One read transaction.
pub enum LedgerReader<'c> {
    Sqlite(&'c sqlite::ledger::LedgerReader<'c>),
    Postgres(&'c postgres::ledger::LedgerReader<'c>),
}

impl LedgerReaders {
    pub fn open(at: &Location) -> Result<LedgerReaders, StoreError> {
        Ok(match at {
            Location::Sqlite(p) => LedgerReaders::Sqlite(sqlite::ledger::LedgerReaders::open(p)?),
            Location::Postgres(u) => LedgerReaders::Postgres(postgres::ledger::LedgerReaders::open(u)?),
        })
    }

    pub fn with<T, E: From<StoreError>>(&self, f: impl FnOnce(&LedgerReader<'_>) -> Result<T, E>) -> Result<T, E> {
        match self {
            LedgerReaders::Sqlite(r) => r.with(|c| f(&LedgerReader::Sqlite(c))),
            LedgerReaders::Postgres(r) => r.with(|c| f(&LedgerReader::Postgres(c))),
        }
    }
}

impl LedgerReader<'_> {
    pub fn sql(&self) -> Sql<'_> {
        both!(self, r => r.sql())
    }
    pub fn account(&self, id: u128) -> Result<Option<AccountRecord>, StoreError> {
        both!(self, r => r.account(id))
    }
    pub fn transfer(&self, id: u128) -> Result<Option<TransferRecord>, StoreError> {
        both!(self, r => r.transfer(id))
    }
    pub fn pending(&self, id: u128) -> Result<Option<PendingRecord>, StoreError> {
        both!(self, r => r.pending(id))
    }
    pub fn history(&self, account_id: u128, after: i64, limit: i64) -> Result<Vec<HistoryRecord>, StoreError> {
        both!(self, r => r.history(account_id, after, limit))
    }
    pub fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        both!(self, r => r.accounts())
    }
    pub fn holds(&self) -> Result<Vec<HoldRecord>, StoreError> {
        both!(self, r => r.holds())
    }
    pub fn for_each_transfer(&self, f: impl FnMut(TransferRecord)) -> Result<(), StoreError> {
        both!(self, r => r.for_each_transfer(f))
    }
    pub fn latest_history(&self) -> Result<Vec<(u128, Balances)>, StoreError> {
        both!(self, r => r.latest_history())
    }
}
