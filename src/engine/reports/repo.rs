//! The SQL of the reports, against the storage boundary ([`Sql`]): the rows the one computation
//! reads (ledger transfers with the journal rows that say where they happened), the Z reports and
//! their chain, breakage bookings, and the balances of ledger accounts by kind.
//!
//! Reading `ledger_transfers`, `ledger_accounts` and `ledger_balances` here is deliberate: a report
//! is a read of the ledger by time and by account kind, which the ledger's own API does not offer.
//! Ids are 16-byte big-endian blobs and amounts u64 stored with the same bit pattern (see
//! `ledger/store.rs`), so amounts are summed in Rust, never in SQL.

use crate::engine::gift::store::JournalStatus;
use crate::ledger::Migration;
use crate::params;
use crate::store::{Row, Sql, StoreError, StoreErrorKind};

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "reports",
        version: 1,
        sql: "-- Reports read the ledger by time; without this every report would scan every transfer.
          CREATE INDEX IF NOT EXISTS reports_transfers_by_time ON ledger_transfers (timestamp);
          CREATE INDEX IF NOT EXISTS reports_settlement_by_time ON retail_settlement_entries (at);
          CREATE TABLE reports_z (
            store TEXT NOT NULL,
            number INTEGER NOT NULL,
            business_day TEXT NOT NULL,
            from_ns INTEGER NOT NULL,
            to_ns INTEGER NOT NULL,
            manager INTEGER NOT NULL,
            body TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (store, number)
          );
          CREATE UNIQUE INDEX reports_z_day ON reports_z (store, business_day);
          CREATE TABLE reports_breakage (
            card TEXT NOT NULL,
            at INTEGER NOT NULL,
            amount_minor INTEGER NOT NULL,
            rule TEXT NOT NULL,
            manager INTEGER NOT NULL,
            PRIMARY KEY (card, at)
          );",
    },
    Migration { component: "reports", version: 2, sql: super::flow::MIGRATION_SQL },
];

pub fn id_of(bytes: &[u8]) -> Result<u128, StoreError> {
    let b: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::new(StoreErrorKind::Decode, format!("an account id of {} bytes", bytes.len())))?;
    Ok(u128::from_be_bytes(b))
}

fn opt_id(r: &Row<'_, '_>, idx: usize) -> Result<u128, StoreError> {
    match r.get::<Option<Vec<u8>>>(idx)? {
        Some(b) => id_of(&b),
        None => Ok(0),
    }
}

/// One posted transfer of the window, with what its journal row says about where it happened.
#[derive(Debug, Clone)]
pub struct TransferRow {
    pub code: u16,
    pub amount: u64,
    pub debit: u128,
    pub credit: u128,
    pub timestamp: i64,
    pub user_data_64: i64,
    /// From the gift journal (gift codes) or the shift (shift codes).
    pub store: Option<String>,
    pub terminal: Option<String>,
    pub cashier: Option<String>,
    pub principal: Option<String>,
    /// How many transfers this row stands for (1 read row by row; more for a per-minute flow).
    pub transfers: u64,
    /// For a flow: how many operations its first legs count (`None`: one transfer, counted by
    /// the computation itself).
    pub ops: Option<u64>,
}

/// Flags of transfers that are not themselves posted movements: pending holds and their voids.
const PENDING_OR_VOID: i64 = (1 << 1) | (1 << 3);

/// The query both the report and the benchmark's baseline run.
pub const TRANSFERS_SQL: &str = "SELECT t.code, t.amount, t.debit_account_id, t.credit_account_id, t.timestamp,
        t.user_data_64, coalesce(g.store, s.store), coalesce(g.terminal, s.terminal),
        coalesce(g.cashier, CAST(s.cashier AS TEXT)), g.principal
     FROM ledger_transfers t
     LEFT JOIN gift_txns g ON t.code BETWEEN 101 AND 108 AND g.px_id = t.user_data_64
     LEFT JOIN shifts s ON t.code BETWEEN 601 AND 605 AND s.id = t.user_data_64
     WHERE t.timestamp > ?1 AND t.timestamp <= ?2 AND t.ledger = ?3 AND (t.flags & ?4) = 0";

/// Posted transfers with `from < timestamp <= to` in `ledger`, oldest first.
pub fn transfers(sql: Sql<'_>, ledger: u32, from: i64, to: i64) -> Result<Vec<TransferRow>, StoreError> {
    sql.query_all(TRANSFERS_SQL, params![from, to, ledger, PENDING_OR_VOID], |r| {
        Ok(TransferRow {
            code: r.get(0)?,
            amount: r.get::<i64>(1)? as u64,
            debit: opt_id(r, 2)?,
            credit: opt_id(r, 3)?,
            timestamp: r.get(4)?,
            user_data_64: r.get(5)?,
            store: r.get(6)?,
            terminal: r.get(7)?,
            cashier: r.get(8)?,
            principal: r.get(9)?,
            transfers: 1,
            ops: None,
        })
    })
}

/// One retail settlement entry of the window with its order.
#[derive(Debug, Clone)]
pub struct RetailRow {
    pub kind: String,
    pub product_kind: String,
    pub store: String,
    pub terminal: String,
    pub payment_method: Option<String>,
    pub face: i64,
    pub commission: i64,
    pub net: i64,
    pub at: i64,
}

pub fn retail(sql: Sql<'_>, currency: &str, from: i64, to: i64) -> Result<Vec<RetailRow>, StoreError> {
    sql.query_all(
        "SELECT e.kind, o.kind, e.store_id, o.terminal_id, o.payment_method, e.face_minor, e.commission_minor,
                e.net_minor, e.at
         FROM retail_settlement_entries e JOIN retail_orders o ON o.id = e.order_id
         WHERE e.at > ?1 AND e.at <= ?2 AND e.currency = ?3 ORDER BY e.at",
        params![from, to, currency],
        |r| {
            Ok(RetailRow {
                kind: r.get(0)?,
                product_kind: r.get(1)?,
                store: r.get(2)?,
                terminal: r.get(3)?,
                payment_method: r.get(4)?,
                face: r.get(5)?,
                commission: r.get(6)?,
                net: r.get(7)?,
                at: r.get(8)?,
            })
        },
    )
}

/// Terminals of shifts and retail orders (to map tender accounts back to their terminal; gift
/// operations name theirs in their journal rows).
pub fn known_terminals(sql: Sql<'_>) -> Result<Vec<(String, String)>, StoreError> {
    sql.query_all(
        "SELECT DISTINCT terminal, store FROM shifts UNION SELECT DISTINCT terminal_id, store_id FROM retail_orders",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The payment extensions' tenants (store POS systems calling `/instore`).
pub fn extension_tenants(sql: Sql<'_>) -> Result<Vec<String>, StoreError> {
    sql.query_all("SELECT id FROM instore_tenants", params![], |r| r.get(0))
}

/// Every terminal the till knows by name: shifts, retail orders and gift operations.
pub fn terminal_names(sql: Sql<'_>) -> Result<Vec<String>, StoreError> {
    sql.query_all(
        "SELECT terminal FROM shifts UNION SELECT terminal_id FROM retail_orders
         UNION SELECT terminal FROM gift_txns WHERE terminal IS NOT NULL",
        params![],
        |r| r.get(0),
    )
}

/// A stored Z report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZRow {
    pub store: String,
    pub number: i64,
    pub business_day: String,
    pub from_ns: i64,
    pub to_ns: i64,
    pub manager: u32,
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
}

const Z_COLUMNS: &str = "store, number, business_day, from_ns, to_ns, manager, body, prev_hash, hash";

fn z(r: &Row<'_, '_>) -> Result<ZRow, StoreError> {
    Ok(ZRow {
        store: r.get(0)?,
        number: r.get(1)?,
        business_day: r.get(2)?,
        from_ns: r.get(3)?,
        to_ns: r.get(4)?,
        manager: r.get(5)?,
        body: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

pub fn last_z(sql: Sql<'_>, store: &str) -> Result<Option<ZRow>, StoreError> {
    sql.query_one(
        &format!("SELECT {Z_COLUMNS} FROM reports_z WHERE store = ?1 ORDER BY number DESC LIMIT 1"),
        params![store],
        z,
    )
}

pub fn z_by_number(sql: Sql<'_>, store: &str, number: i64) -> Result<Option<ZRow>, StoreError> {
    sql.query_one(
        &format!("SELECT {Z_COLUMNS} FROM reports_z WHERE store = ?1 AND number = ?2"),
        params![store, number],
        z,
    )
}

pub fn z_of_day(sql: Sql<'_>, store: &str, day: &str) -> Result<Option<ZRow>, StoreError> {
    sql.query_one(
        &format!("SELECT {Z_COLUMNS} FROM reports_z WHERE store = ?1 AND business_day = ?2"),
        params![store, day],
        z,
    )
}

/// Every Z, per store in number order.
pub fn all_z(sql: Sql<'_>) -> Result<Vec<ZRow>, StoreError> {
    sql.query_all(&format!("SELECT {Z_COLUMNS} FROM reports_z ORDER BY store, number"), params![], z)
}

pub fn list_z(sql: Sql<'_>, store: &str, limit: i64) -> Result<Vec<ZRow>, StoreError> {
    sql.query_all(
        &format!("SELECT {Z_COLUMNS} FROM reports_z WHERE store = ?1 ORDER BY number DESC LIMIT ?2"),
        params![store, limit],
        z,
    )
}

pub fn insert_z(sql: Sql<'_>, row: &ZRow) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO reports_z (store, number, business_day, from_ns, to_ns, manager, body, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &row.store,
            row.number,
            &row.business_day,
            row.from_ns,
            row.to_ns,
            row.manager,
            &row.body,
            &row.prev_hash,
            &row.hash
        ],
    )?;
    Ok(())
}

/// The Z markers in the ledger: (debit account = the store's safe, Z number, first 16 bytes of the hash).
pub fn z_markers(sql: Sql<'_>) -> Result<Vec<(u128, i64, u128)>, StoreError> {
    sql.query_all(
        "SELECT debit_account_id, user_data_64, user_data_128 FROM ledger_transfers WHERE code = ?1",
        params![crate::engine::accounts::transfer_code::Z_MARKER],
        |r| Ok((opt_id(r, 0)?, r.get(1)?, opt_id(r, 2)?)),
    )
}

/// Every gift card with the time of its last journaled operation (Unix seconds), if any.
/// A card: number, state, last journaled use (Unix seconds), created (Unix seconds).
pub type CardUse = (String, String, Option<i64>, i64);

pub fn cards_with_last_use(sql: Sql<'_>) -> Result<Vec<CardUse>, StoreError> {
    sql.query_all(
        "SELECT c.number, c.state, u.last, c.created_at FROM gift_cards c
         LEFT JOIN (SELECT card, MAX(created_at) AS last FROM gift_txns WHERE status <> ?1 GROUP BY card) u
           ON u.card = c.number
         ORDER BY c.number",
        params![JournalStatus::Tombstone],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

/// The last journaled use of one card (inside the breakage booking, to re-check it).
pub fn last_use(sql: Sql<'_>, card: &str) -> Result<Option<i64>, StoreError> {
    Ok(sql
        .query_one(
            "SELECT MAX(created_at) FROM gift_txns WHERE card = ?1 AND status <> ?2",
            params![card, JournalStatus::Tombstone],
            |r| r.get::<Option<i64>>(0),
        )?
        .flatten())
}

pub fn insert_breakage(
    sql: Sql<'_>,
    card: &str,
    at: i64,
    amount: i64,
    rule: &str,
    manager: u32,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO reports_breakage (card, at, amount_minor, rule, manager) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![card, at, amount, rule, manager],
    )?;
    Ok(())
}

/// Balances of every ledger account of `code` in `ledger`: (id, debits posted, credits posted, debits pending).
pub fn accounts_of_code(sql: Sql<'_>, ledger: u32, code: u16) -> Result<Vec<(u128, u64, u64, u64)>, StoreError> {
    sql.query_all(
        "SELECT a.id, b.debits_posted, b.credits_posted, b.debits_pending FROM ledger_accounts a
         JOIN ledger_balances b ON b.num = a.num WHERE a.ledger = ?1 AND a.code = ?2",
        params![ledger, code],
        |r| {
            Ok((
                id_of(&r.get::<Vec<u8>>(0)?)?,
                r.get::<i64>(1)? as u64,
                r.get::<i64>(2)? as u64,
                r.get::<i64>(3)? as u64,
            ))
        },
    )
}

/// (day, store, kind, face, commission, net).
pub type SettlementEntry = (String, String, String, i64, i64, i64);

/// Retail settlement entries of a day (or all days) and store (or all stores):
/// (day, store, kind, face, commission, net).
pub fn settlement_entries(
    sql: Sql<'_>,
    currency: &str,
    day: Option<&str>,
    store: Option<&str>,
) -> Result<Vec<SettlementEntry>, StoreError> {
    sql.query_all(
        "SELECT day, store_id, kind, face_minor, commission_minor, net_minor FROM retail_settlement_entries
         WHERE currency = ?1 AND (?2 IS NULL OR day = ?2) AND (?3 IS NULL OR store_id = ?3) ORDER BY day, store_id",
        params![currency, day, store],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
    )
}
