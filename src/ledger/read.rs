//! The read side: a small pool of read-only connections, look-ups, pending state and history.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

use super::store::{self, EXPIRED, PENDING, POSTED, VOIDED, get_u64, key_sql, u64_sql};
use super::{Account, HistoryEntry, LedgerError, Page, PendingState, Transfer, TransferFlags};

/// Idle read connections kept for reuse; more are opened when readers run concurrently.
const MAX_IDLE: usize = 4;
/// The most history rows one page returns.
pub(crate) const MAX_PAGE: u32 = 8190;

pub(crate) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    pub(crate) fn new(path: &Path) -> Result<Pool, LedgerError> {
        let first = store::open_reader(path)?;
        Ok(Pool { path: path.to_path_buf(), idle: Mutex::new(vec![first]) })
    }

    /// Runs `f` on a read connection inside one read transaction (a consistent snapshot).
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, LedgerError>) -> Result<T, LedgerError> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => store::open_reader(&self.path)?,
        };
        conn.prepare_cached("BEGIN")?.execute([])?;
        let result = f(&conn);
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

pub(crate) fn lookup_accounts(conn: &Connection, ids: &[u128]) -> Result<Vec<Account>, LedgerError> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(a) = store::select_account(conn, id)? {
            out.push(a);
        }
    }
    Ok(out)
}

pub(crate) fn lookup_transfers(conn: &Connection, ids: &[u128]) -> Result<Vec<Transfer>, LedgerError> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(t) = store::select_transfer(conn, id)? {
            out.push(t);
        }
    }
    Ok(out)
}

/// The fate of a pending transfer as of `now` (a hold past its timeout is expired even before
/// the writer has recorded it).
pub(crate) fn pending_state(conn: &Connection, id: u128, now: u64) -> Result<Option<PendingState>, LedgerError> {
    let Some((t, state, expires_at)) = store::select_pending(conn, id)? else { return Ok(None) };
    if !t.flags.contains(TransferFlags::PENDING) {
        return Ok(None);
    }
    Ok(match state {
        POSTED => Some(PendingState::Posted),
        VOIDED => Some(PendingState::Voided),
        EXPIRED => Some(PendingState::Expired),
        PENDING if expires_at > 0 && expires_at <= now => Some(PendingState::Expired),
        PENDING => Some(PendingState::Pending),
        other => return Err(LedgerError::Invalid(format!("pending transfer {id:032x} has unknown state {other}"))),
    })
}

pub(crate) fn account_history(
    conn: &Connection,
    account_id: u128,
    after: Option<u64>,
    limit: u32,
) -> Result<Page<HistoryEntry>, LedgerError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT h.timestamp, h.debits_pending, h.debits_posted, h.credits_pending, h.credits_posted, {} \
         FROM ledger_history h JOIN ledger_transfers t ON t.id = h.transfer_id \
         WHERE h.account_id = ?1 AND h.timestamp > ?2 ORDER BY h.timestamp LIMIT ?3",
        store::TRANSFER_COLUMNS_T
    ))?;
    let after_sql = after.map_or(-1, u64_sql);
    let rows = stmt.query_map(rusqlite::params![key_sql(account_id), after_sql, i64::from(limit) + 1], |r| {
        Ok((
            get_u64(r, 0)?,
            HistoryEntry {
                debits_pending: get_u64(r, 1)?,
                debits_posted: get_u64(r, 2)?,
                credits_pending: get_u64(r, 3)?,
                credits_posted: get_u64(r, 4)?,
                transfer: store::transfer_from_row_at(r, 5)?,
            },
        ))
    })?;
    let mut items = Vec::new();
    let mut cursors = Vec::new();
    for row in rows {
        let (ts, entry) = row?;
        cursors.push(ts);
        items.push(entry);
    }
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next = if more { cursors.get(limit as usize - 1).copied() } else { None };
    Ok(Page { items, next })
}
