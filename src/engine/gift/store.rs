//! The gift transaction journal: one row per operation that changed something (and one per
//! tombstone), holding the reply that was sent, so a replayed `externalTransactionId` gets the same
//! reply and a reversal knows exactly which transfers to mirror.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::ledger::{LedgerError, Migration};
use crate::store::{Column, FromColumn, Row, Sql, StoreError, StoreErrorKind, Value, params};

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "gift",
        version: 1,
        sql: "CREATE TABLE gift_txns (
            px_id INTEGER PRIMARY KEY CHECK (px_id > 0),
            ext_id TEXT UNIQUE,
            op TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'reversed', 'tombstone')),
            fingerprint TEXT NOT NULL,
            card TEXT,
            new_card TEXT,
            amount INTEGER NOT NULL DEFAULT 0,
            tip INTEGER NOT NULL DEFAULT 0,
            refunded INTEGER NOT NULL DEFAULT 0,
            prev_state TEXT,
            prev_new_state TEXT,
            phone_set TEXT,
            original_px INTEGER,
            reversed_by INTEGER,
            legs TEXT NOT NULL DEFAULT '[]',
            reply TEXT NOT NULL,
            store TEXT,
            terminal TEXT,
            cashier TEXT,
            check_number TEXT,
            principal TEXT,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX gift_txns_card ON gift_txns (card);
          CREATE INDEX gift_txns_original ON gift_txns (original_px);",
    },
    // Nothing looks rows up by card or original: the two indexes only slowed every write down.
    Migration {
        component: "gift",
        version: 2,
        sql: "DROP INDEX IF EXISTS gift_txns_card;
          DROP INDEX IF EXISTS gift_txns_original;",
    },
    // The manager who approved a cashier's operation at the till (engine::roles).
    Migration { component: "gift", version: 3, sql: "ALTER TABLE gift_txns ADD COLUMN approver TEXT;" },
];

/// What a journal row records: one of the changing operations, a reversal, or a tombstone (an
/// `externalTransactionId` reversed before it arrived). Stored as its wire name in `op`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JournalOp {
    Sell,
    Reload,
    Redeem,
    CashOut,
    Exchange,
    Activate,
    Deactivate,
    Refund,
    Reverse,
    /// The default only so rows can be built field by field; every writer names its operation.
    #[default]
    Tombstone,
}

impl JournalOp {
    const ALL: [JournalOp; 10] = [
        JournalOp::Sell,
        JournalOp::Reload,
        JournalOp::Redeem,
        JournalOp::CashOut,
        JournalOp::Exchange,
        JournalOp::Activate,
        JournalOp::Deactivate,
        JournalOp::Refund,
        JournalOp::Reverse,
        JournalOp::Tombstone,
    ];

    /// The operation's name on the wire and in the `op` column.
    pub fn as_str(self) -> &'static str {
        match self {
            JournalOp::Sell => "sell",
            JournalOp::Reload => "reload",
            JournalOp::Redeem => "redeem",
            JournalOp::CashOut => "cashOut",
            JournalOp::Exchange => "exchange",
            JournalOp::Activate => "activate",
            JournalOp::Deactivate => "deactivate",
            JournalOp::Refund => "refund",
            JournalOp::Reverse => "reverse",
            JournalOp::Tombstone => "tombstone",
        }
    }
}

/// Where a journal row stands (the `status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JournalStatus {
    #[default]
    Done,
    Reversed,
    Tombstone,
}

impl JournalStatus {
    const ALL: [JournalStatus; 3] = [JournalStatus::Done, JournalStatus::Reversed, JournalStatus::Tombstone];

    pub fn as_str(self) -> &'static str {
        match self {
            JournalStatus::Done => "done",
            JournalStatus::Reversed => "reversed",
            JournalStatus::Tombstone => "tombstone",
        }
    }
}

/// A journal column holding one of `all`, by name; anything else is a damaged row, never a guess.
fn named_column<T: Copy>(c: Column<'_>, all: &[T], name: fn(T) -> &'static str, what: &str) -> Result<T, StoreError> {
    let text = String::from_column(c)?;
    all.iter()
        .copied()
        .find(|v| name(*v) == text)
        .ok_or_else(|| StoreError::new(StoreErrorKind::Decode, format!("unknown gift journal {what} {text:?}")))
}

impl FromColumn for JournalOp {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        named_column(c, &JournalOp::ALL, JournalOp::as_str, "op")
    }
}

impl FromColumn for JournalStatus {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        named_column(c, &JournalStatus::ALL, JournalStatus::as_str, "status")
    }
}

impl From<JournalOp> for Value<'static> {
    fn from(v: JournalOp) -> Self {
        Value::Text(v.as_str())
    }
}

impl From<JournalStatus> for Value<'static> {
    fn from(v: JournalStatus) -> Self {
        Value::Text(v.as_str())
    }
}

/// One transfer of an operation, as needed to mirror it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    /// Debit account id (hex; JSON has no u128).
    pub debit: String,
    pub credit: String,
    pub amount: u64,
    pub code: u16,
}

impl Leg {
    pub fn new(debit: u128, credit: u128, amount: u64, code: u16) -> Leg {
        Leg { debit: format!("{debit:032x}"), credit: format!("{credit:032x}"), amount, code }
    }
    pub fn debit_id(&self) -> Result<u128, LedgerError> {
        parse_id(&self.debit)
    }
    pub fn credit_id(&self) -> Result<u128, LedgerError> {
        parse_id(&self.credit)
    }
}

fn parse_id(s: &str) -> Result<u128, LedgerError> {
    u128::from_str_radix(s, 16).map_err(|_| LedgerError::Invalid(format!("bad account id {s:?} in gift journal")))
}

/// A journal row.
#[derive(Debug, Clone, Default)]
pub struct TxnRow {
    pub px_id: i64,
    pub ext_id: Option<String>,
    pub op: JournalOp,
    pub status: JournalStatus,
    pub fingerprint: String,
    pub card: Option<String>,
    pub new_card: Option<String>,
    pub amount: i64,
    pub tip: i64,
    pub refunded: i64,
    pub prev_state: Option<String>,
    pub prev_new_state: Option<String>,
    pub phone_set: Option<String>,
    pub original_px: Option<i64>,
    pub reversed_by: Option<i64>,
    pub legs: Vec<Leg>,
    pub reply: String,
    pub store: Option<String>,
    pub terminal: Option<String>,
    pub cashier: Option<String>,
    pub check_number: Option<String>,
    pub principal: Option<String>,
    /// `user:NUMBER` of the manager who approved the operation, when a cashier needed one.
    pub approver: Option<String>,
}

const COLUMNS: &str = "px_id, ext_id, op, status, fingerprint, card, new_card, amount, tip, refunded, prev_state,
    prev_new_state, phone_set, original_px, reversed_by, legs, reply, store, terminal, cashier, check_number, principal,
    approver";

fn from_row(r: &Row<'_, '_>) -> Result<TxnRow, StoreError> {
    let legs: String = r.get(15)?;
    // A journal row whose legs cannot be read is damaged: a reversal must never mirror nothing.
    let legs = serde_json::from_str(&legs)
        .map_err(|e| StoreError::new(StoreErrorKind::Decode, format!("gift journal legs are not readable: {e}")))?;
    Ok(TxnRow {
        px_id: r.get(0)?,
        ext_id: r.get(1)?,
        op: r.get(2)?,
        status: r.get(3)?,
        fingerprint: r.get(4)?,
        card: r.get(5)?,
        new_card: r.get(6)?,
        amount: r.get(7)?,
        tip: r.get(8)?,
        refunded: r.get(9)?,
        prev_state: r.get(10)?,
        prev_new_state: r.get(11)?,
        phone_set: r.get(12)?,
        original_px: r.get(13)?,
        reversed_by: r.get(14)?,
        legs,
        reply: r.get(16)?,
        store: r.get(17)?,
        terminal: r.get(18)?,
        cashier: r.get(19)?,
        check_number: r.get(20)?,
        principal: r.get(21)?,
        approver: r.get(22)?,
    })
}

pub fn by_ext(sql: Sql<'_>, ext: &str) -> Result<Option<TxnRow>, LedgerError> {
    Ok(sql.query_one(&format!("SELECT {COLUMNS} FROM gift_txns WHERE ext_id = ?1"), params![ext], from_row)?)
}

pub fn by_px(sql: Sql<'_>, px: i64) -> Result<Option<TxnRow>, LedgerError> {
    Ok(sql.query_one(&format!("SELECT {COLUMNS} FROM gift_txns WHERE px_id = ?1"), params![px], from_row)?)
}

/// When the operation named by `px` or `ext` was journaled (Unix seconds on the engine's clock);
/// `None` when the journal does not know it. A reversal's rule depends on it (engine::roles).
pub fn created_at(sql: Sql<'_>, px: Option<i64>, ext: Option<&str>) -> Result<Option<i64>, LedgerError> {
    let at = match (px, ext) {
        (Some(px), _) => sql.query_one(
            "SELECT created_at FROM gift_txns WHERE px_id = ?1 AND op <> 'tombstone'",
            params![px],
            |r| r.get(0),
        )?,
        (None, Some(ext)) => sql.query_one(
            "SELECT created_at FROM gift_txns WHERE ext_id = ?1 AND op <> 'tombstone'",
            params![ext],
            |r| r.get(0),
        )?,
        (None, None) => None,
    };
    Ok(at)
}

/// A fresh transaction id: increasing (the journal's rows then append at the end of its B-tree
/// instead of landing on a random page each), at least the current Unix time in microseconds, and
/// below 2^62 (ids at and above that are for balance enquiries, which are not journaled).
/// `now_ns` is the write's ledger timestamp.
pub fn new_px(sql: Sql<'_>, now_ns: u64) -> Result<i64, LedgerError> {
    let last: Option<i64> = sql.query_one("SELECT max(px_id) FROM gift_txns", params![], |r| r.get(0))?.flatten();
    let now = i64::try_from(now_ns / 1_000).unwrap_or(0);
    let px = last.map_or(1, |l| l.saturating_add(1)).max(now).max(1);
    if px >= UNJOURNALED_PX {
        return Err(LedgerError::Invalid("gift transaction ids are exhausted".into()));
    }
    Ok(px)
}

/// Ids from here up are handed to balance enquiries: never journaled, never reversible, never
/// equal to a journaled id.
pub const UNJOURNALED_PX: i64 = 1 << 62;

/// An id for a balance enquiry.
pub fn unjournaled_px() -> i64 {
    rand::rng().random_range(UNJOURNALED_PX..=i64::MAX)
}

/// A 6-digit authorisation code.
pub fn new_auth_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// Journals a row; `now_secs` is its time on the engine's clock.
pub fn insert(sql: Sql<'_>, t: &TxnRow, now_secs: i64) -> Result<(), LedgerError> {
    let legs = serde_json::to_string(&t.legs).map_err(|e| LedgerError::Invalid(e.to_string()))?;
    sql.execute(
        "INSERT INTO gift_txns (px_id, ext_id, op, status, fingerprint, card, new_card, amount, tip, refunded,
            prev_state, prev_new_state, phone_set, original_px, reversed_by, legs, reply, store, terminal, cashier,
            check_number, principal, created_at, approver)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24)",
        params![
            t.px_id,
            t.ext_id.as_deref(),
            t.op,
            t.status,
            &t.fingerprint,
            t.card.as_deref(),
            t.new_card.as_deref(),
            t.amount,
            t.tip,
            t.refunded,
            t.prev_state.as_deref(),
            t.prev_new_state.as_deref(),
            t.phone_set.as_deref(),
            t.original_px,
            t.reversed_by,
            &legs,
            &t.reply,
            t.store.as_deref(),
            t.terminal.as_deref(),
            t.cashier.as_deref(),
            t.check_number.as_deref(),
            t.principal.as_deref(),
            now_secs,
            t.approver.as_deref(),
        ],
    )?;
    Ok(())
}

pub fn mark_reversed(sql: Sql<'_>, px: i64, by: i64) -> Result<(), LedgerError> {
    sql.execute(
        "UPDATE gift_txns SET status = ?3, reversed_by = ?2 WHERE px_id = ?1",
        params![px, by, JournalStatus::Reversed],
    )?;
    Ok(())
}

pub fn add_refunded(sql: Sql<'_>, px: i64, delta: i64) -> Result<(), LedgerError> {
    sql.execute("UPDATE gift_txns SET refunded = refunded + ?2 WHERE px_id = ?1", params![px, delta])?;
    Ok(())
}
