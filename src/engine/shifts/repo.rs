//! The SQL of shifts and drawer events, against the storage boundary ([`Sql`]).
//!
//! Times are ledger nanoseconds (`WriteTx::now`), so a shift's window lines up with the
//! timestamps of the transfers made during it.

use crate::ledger::Migration;
use crate::params;
use crate::store::{Row, Sql, StoreError};

pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "shifts",
    version: 1,
    sql: "CREATE TABLE shifts (
            id INTEGER PRIMARY KEY,
            store TEXT NOT NULL,
            terminal TEXT NOT NULL,
            cashier INTEGER NOT NULL,
            cashier_name TEXT NOT NULL,
            currency TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
            business_day TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            closed_at INTEGER,
            float_minor INTEGER NOT NULL,
            float_counts TEXT NOT NULL,
            counted_minor INTEGER,
            counted_counts TEXT,
            expected_minor INTEGER,
            over_short_minor INTEGER,
            approved_by INTEGER,
            note TEXT
          );
          -- One cashier per till per shift, one open shift per cashier.
          CREATE UNIQUE INDEX shifts_open_terminal ON shifts (terminal) WHERE state = 'open';
          CREATE UNIQUE INDEX shifts_open_cashier ON shifts (cashier) WHERE state = 'open';
          CREATE INDEX shifts_store ON shifts (store, opened_at);
          CREATE TABLE shift_events (
            id INTEGER PRIMARY KEY,
            shift_id INTEGER NOT NULL REFERENCES shifts (id),
            kind TEXT NOT NULL CHECK (kind IN ('float', 'paid_in', 'paid_out', 'no_sale', 'over_short', 'drop')),
            amount_minor INTEGER NOT NULL,
            reason TEXT NOT NULL,
            user_number INTEGER NOT NULL,
            at INTEGER NOT NULL
          );
          CREATE INDEX shift_events_shift ON shift_events (shift_id);",
}];

/// A shift row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRow {
    pub id: i64,
    pub store: String,
    pub terminal: String,
    pub cashier: u32,
    pub cashier_name: String,
    pub currency: String,
    pub state: String,
    pub business_day: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub float_minor: i64,
    pub float_counts: String,
    pub counted_minor: Option<i64>,
    pub counted_counts: Option<String>,
    pub expected_minor: Option<i64>,
    pub over_short_minor: Option<i64>,
    pub approved_by: Option<u32>,
    pub note: Option<String>,
}

const COLUMNS: &str = "id, store, terminal, cashier, cashier_name, currency, state, business_day, opened_at, closed_at,
    float_minor, float_counts, counted_minor, counted_counts, expected_minor, over_short_minor, approved_by, note";

fn shift(r: &Row<'_, '_>) -> Result<ShiftRow, StoreError> {
    Ok(ShiftRow {
        id: r.get(0)?,
        store: r.get(1)?,
        terminal: r.get(2)?,
        cashier: r.get(3)?,
        cashier_name: r.get(4)?,
        currency: r.get(5)?,
        state: r.get(6)?,
        business_day: r.get(7)?,
        opened_at: r.get(8)?,
        closed_at: r.get(9)?,
        float_minor: r.get(10)?,
        float_counts: r.get(11)?,
        counted_minor: r.get(12)?,
        counted_counts: r.get(13)?,
        expected_minor: r.get(14)?,
        over_short_minor: r.get(15)?,
        approved_by: r.get(16)?,
        note: r.get(17)?,
    })
}

/// A drawer event row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub shift_id: i64,
    pub kind: String,
    pub amount_minor: i64,
    pub reason: String,
    pub user_number: u32,
    pub at: i64,
}

fn event(r: &Row<'_, '_>) -> Result<EventRow, StoreError> {
    Ok(EventRow {
        id: r.get(0)?,
        shift_id: r.get(1)?,
        kind: r.get(2)?,
        amount_minor: r.get(3)?,
        reason: r.get(4)?,
        user_number: r.get(5)?,
        at: r.get(6)?,
    })
}

pub fn by_id(sql: Sql<'_>, id: i64) -> Result<Option<ShiftRow>, StoreError> {
    sql.query_one(&format!("SELECT {COLUMNS} FROM shifts WHERE id = ?1"), params![id], shift)
}

pub fn open_on_terminal(sql: Sql<'_>, terminal: &str) -> Result<Option<ShiftRow>, StoreError> {
    sql.query_one(
        &format!("SELECT {COLUMNS} FROM shifts WHERE terminal = ?1 AND state = 'open'"),
        params![terminal],
        shift,
    )
}

pub fn open_of_cashier(sql: Sql<'_>, cashier: u32) -> Result<Option<ShiftRow>, StoreError> {
    sql.query_one(
        &format!("SELECT {COLUMNS} FROM shifts WHERE cashier = ?1 AND state = 'open'"),
        params![cashier],
        shift,
    )
}

pub fn open_in_store(sql: Sql<'_>, store: &str) -> Result<Vec<ShiftRow>, StoreError> {
    sql.query_all(
        &format!("SELECT {COLUMNS} FROM shifts WHERE store = ?1 AND state = 'open' ORDER BY opened_at"),
        params![store],
        shift,
    )
}

/// Whether any shift is open anywhere (the cheap check the till's operation guard makes).
pub fn any_open(sql: Sql<'_>) -> Result<bool, StoreError> {
    Ok(sql.query_one("SELECT id FROM shifts WHERE state = 'open' LIMIT 1", params![], |r| r.get::<i64>(0))?.is_some())
}

/// Shifts of a store that overlap the window `(from, to]`, oldest first.
pub fn overlapping(sql: Sql<'_>, store: Option<&str>, from: i64, to: i64) -> Result<Vec<ShiftRow>, StoreError> {
    sql.query_all(
        &format!(
            "SELECT {COLUMNS} FROM shifts WHERE (?1 IS NULL OR store = ?1) AND opened_at <= ?3
               AND (closed_at IS NULL OR closed_at > ?2) ORDER BY opened_at"
        ),
        params![store, from, to],
        shift,
    )
}

pub fn recent(sql: Sql<'_>, store: &str, limit: i64) -> Result<Vec<ShiftRow>, StoreError> {
    sql.query_all(
        &format!("SELECT {COLUMNS} FROM shifts WHERE store = ?1 ORDER BY opened_at DESC LIMIT ?2"),
        params![store, limit],
        shift,
    )
}

pub fn events(sql: Sql<'_>, shift_id: i64) -> Result<Vec<EventRow>, StoreError> {
    sql.query_all(
        "SELECT id, shift_id, kind, amount_minor, reason, user_number, at FROM shift_events WHERE shift_id = ?1
         ORDER BY id",
        params![shift_id],
        event,
    )
}

/// Drawer events of the shifts of a store (or all stores) in the window `(from, to]`.
pub fn events_between(
    sql: Sql<'_>,
    store: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(EventRow, String, String, u32)>, StoreError> {
    sql.query_all(
        "SELECT e.id, e.shift_id, e.kind, e.amount_minor, e.reason, e.user_number, e.at, s.store, s.terminal, s.cashier
         FROM shift_events e JOIN shifts s ON s.id = e.shift_id
         WHERE (?1 IS NULL OR s.store = ?1) AND e.at > ?2 AND e.at <= ?3 ORDER BY e.id",
        params![store, from, to],
        |r| Ok((event(r)?, r.get(7)?, r.get(8)?, r.get(9)?)),
    )
}

fn next_id(sql: Sql<'_>, table: &str) -> Result<i64, StoreError> {
    // One writer: the largest id plus one is free (portable, no rowid or sequences).
    let max = sql.query_one(&format!("SELECT MAX(id) FROM {table}"), params![], |r| r.get::<Option<i64>>(0))?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

pub fn insert_shift(sql: Sql<'_>, s: &ShiftRow) -> Result<i64, StoreError> {
    let id = next_id(sql, "shifts")?;
    sql.execute(
        "INSERT INTO shifts (id, store, terminal, cashier, cashier_name, currency, state, business_day, opened_at,
             float_minor, float_counts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10)",
        params![
            id,
            &s.store,
            &s.terminal,
            s.cashier,
            &s.cashier_name,
            &s.currency,
            &s.business_day,
            s.opened_at,
            s.float_minor,
            &s.float_counts
        ],
    )?;
    Ok(id)
}

pub fn insert_event(sql: Sql<'_>, e: &EventRow) -> Result<i64, StoreError> {
    let id = next_id(sql, "shift_events")?;
    sql.execute(
        "INSERT INTO shift_events (id, shift_id, kind, amount_minor, reason, user_number, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, e.shift_id, &e.kind, e.amount_minor, &e.reason, e.user_number, e.at],
    )?;
    Ok(id)
}

/// Records the blind close. Only an open shift closes (a second close changes nothing).
pub fn close(sql: Sql<'_>, s: &ShiftRow) -> Result<bool, StoreError> {
    let n = sql.execute(
        "UPDATE shifts SET state = 'closed', closed_at = ?2, counted_minor = ?3, counted_counts = ?4,
             expected_minor = ?5, over_short_minor = ?6, approved_by = ?7, note = ?8
         WHERE id = ?1 AND state = 'open'",
        params![
            s.id,
            s.closed_at,
            s.counted_minor,
            s.counted_counts.as_deref(),
            s.expected_minor,
            s.over_short_minor,
            s.approved_by,
            s.note.as_deref()
        ],
    )?;
    Ok(n == 1)
}
