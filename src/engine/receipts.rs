//! Stored receipts: every receipt a till prints is stored first, with the terminal's next
//! number (training receipts count separately), so any receipt can be listed, fetched and
//! reprinted, and one whose print failed stays marked unprinted.
//!
//! The receipt itself is stored as JSON (the [`Receipt`] model), beside the columns lists and
//! look-ups need.

use serde::{Deserialize, Serialize};

use super::domain::TerminalId;
use super::{Engine, EngineConfig};
use crate::ledger::{LedgerError, Migration};
use crate::receipt::{Receipt, ReceiptKind, StoreHeader};
use crate::store::{Row, Sql, StoreError, params};

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "receipts",
    version: 1,
    sql: "CREATE TABLE receipts (
            id           INTEGER PRIMARY KEY,
            terminal     TEXT    NOT NULL,
            training     INTEGER NOT NULL,
            number       INTEGER NOT NULL,
            kind         TEXT    NOT NULL,
            op_key       TEXT,
            created_ns   INTEGER NOT NULL,
            data         TEXT    NOT NULL,
            printed_ns   INTEGER,
            reprints     INTEGER NOT NULL DEFAULT 0,
            UNIQUE (terminal, training, number)
          );
          CREATE UNIQUE INDEX receipts_op_key ON receipts (terminal, training, op_key) WHERE op_key IS NOT NULL;",
}];

/// The optional `[receipt]` section of `till.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReceiptConfig {
    /// Extra header lines under the address (phone, VAT id).
    #[serde(default)]
    pub header_extra: Vec<String>,
    /// Lines at the bottom of every receipt.
    #[serde(default)]
    pub footer: Vec<String>,
}

/// The receipt header from `[store]` (name, address; the merchant's name when the store has none)
/// and `[receipt]` (extra lines).
pub fn store_header(config: &EngineConfig) -> Result<StoreHeader, super::EngineError> {
    let store = &config.store;
    let receipt: ReceiptConfig = config.section("receipt")?;
    Ok(StoreHeader {
        name: store.name.clone().unwrap_or_else(|| config.merchant.name.clone()),
        address: store.address.clone(),
        extra: receipt.header_extra,
    })
}

/// This till's terminal id from `[store]`, `T01` when none is configured.
pub fn terminal_id(config: &EngineConfig) -> Result<TerminalId, super::EngineError> {
    Ok(config.store.terminal_id.clone())
}

/// What every receipt of this till starts from: the configured header, terminal, language and
/// footer (`[store]`, `[merchant]`, `[receipt]` of `till.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSetup {
    pub header: StoreHeader,
    pub terminal: String,
    /// The merchant's locale tag, e.g. `de-DE`.
    pub locale: String,
    /// The merchant's currency code, e.g. `EUR`.
    pub currency: String,
    pub footer: Vec<String>,
}

/// The receipt setup from the configuration.
pub fn receipt_setup(config: &EngineConfig) -> Result<ReceiptSetup, super::EngineError> {
    let receipt: ReceiptConfig = config.section("receipt")?;
    Ok(ReceiptSetup {
        header: store_header(config)?,
        terminal: terminal_id(config)?.into(),
        locale: config.merchant.locale.clone(),
        currency: config.merchant.currency.clone(),
        footer: receipt.footer,
    })
}

/// A receipt as stored: its row data and the receipt (with its number filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReceipt {
    pub id: i64,
    pub terminal: String,
    pub training: bool,
    pub number: u64,
    /// As printed and in the CODE128: `T01-000042`, `TRN-T01-000007`.
    pub number_text: String,
    pub kind: ReceiptKind,
    /// Whether a print of it is known to have gone out.
    pub printed: bool,
    /// How many reprints (duplicates) were asked for.
    pub reprints: u32,
    pub receipt: Receipt,
}

/// Which receipts to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct ReceiptQuery {
    pub terminal: Option<String>,
    /// Training receipts instead of live ones (default: live).
    pub training: bool,
    /// Only receipts that have not printed.
    pub unprinted: bool,
    /// Only receipts with an id below this (the `id` of the last receipt of the previous page).
    pub before: Option<i64>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
}

/// Why a receipt operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("no receipt {0}")]
    NotFound(i64),
    #[error("invalid receipt: {0}")]
    Invalid(String),
}

impl From<StoreError> for ReceiptError {
    fn from(e: StoreError) -> Self {
        ReceiptError::Ledger(LedgerError::Store(e))
    }
}

const COLUMNS: &str = "id, terminal, training, number, kind, printed_ns, reprints, data";

/// One row as read, before its JSON is decoded (decoding happens outside the row closure).
struct RawRow {
    id: i64,
    terminal: String,
    training: bool,
    number: i64,
    printed_ns: Option<i64>,
    reprints: i64,
    data: String,
}

fn from_row(row: &Row<'_, '_>) -> Result<RawRow, StoreError> {
    Ok(RawRow {
        id: row.get(0)?,
        terminal: row.get(1)?,
        training: row.get(2)?,
        number: row.get(3)?,
        printed_ns: row.get(5)?,
        reprints: row.get(6)?,
        data: row.get(7)?,
    })
}

fn decode(raw: RawRow) -> Result<StoredReceipt, LedgerError> {
    let RawRow { id, terminal, training, number, printed_ns, reprints, data } = raw;
    let receipt: Receipt = serde_json::from_str(&data)
        .map_err(|e| LedgerError::Invalid(format!("stored receipt {id} does not decode: {e}")))?;
    let number =
        u64::try_from(number).map_err(|_| LedgerError::Invalid(format!("receipt {id} has number {number}")))?;
    Ok(StoredReceipt {
        id,
        number_text: receipt.number_text().unwrap_or_default(),
        kind: receipt.kind,
        terminal,
        training,
        number,
        printed: printed_ns.is_some(),
        reprints: u32::try_from(reprints).unwrap_or(u32::MAX),
        receipt,
    })
}

fn fetch(sql: Sql<'_>, id: i64) -> Result<Option<StoredReceipt>, LedgerError> {
    let raw = sql.query_one(&format!("SELECT {COLUMNS} FROM receipts WHERE id = ?1"), params![id], from_row)?;
    raw.map(decode).transpose()
}

impl Engine {
    /// Stores a receipt under the terminal's next number (its own sequence in training) and
    /// returns it numbered. With `op_key` (the operation's idempotency key) a retry returns the
    /// receipt stored the first time instead of a second one.
    pub async fn store_receipt(&self, receipt: Receipt, op_key: Option<String>) -> Result<StoredReceipt, ReceiptError> {
        if receipt.terminal.trim().is_empty() {
            return Err(ReceiptError::Invalid("the receipt names no terminal".into()));
        }
        self.ledger()
            .write(move |tx| {
                let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
                let sql = tx.sql();
                let mut receipt = receipt;
                if let Some(key) = &op_key {
                    let existing: Option<i64> = sql.query_one(
                        "SELECT id FROM receipts WHERE terminal = ?1 AND training = ?2 AND op_key = ?3",
                        params![&receipt.terminal, receipt.training, key],
                        |r| r.get(0),
                    )?;
                    if let Some(id) = existing {
                        return fetch(sql, id)?.ok_or(ReceiptError::NotFound(id));
                    }
                }
                let number: i64 = sql
                    .query_one(
                        "SELECT COALESCE(MAX(number), 0) + 1 FROM receipts WHERE terminal = ?1 AND training = ?2",
                        params![&receipt.terminal, receipt.training],
                        |r| r.get(0),
                    )?
                    .unwrap_or(1);
                receipt.number = u64::try_from(number).ok();
                receipt.duplicate = false;
                let data = serde_json::to_string(&receipt).map_err(|e| ReceiptError::Invalid(e.to_string()))?;
                let id: i64 = sql
                    .query_one(
                        "INSERT INTO receipts (terminal, training, number, kind, op_key, created_ns, data)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                        params![
                            &receipt.terminal,
                            receipt.training,
                            number,
                            receipt.kind.as_str(),
                            op_key.as_deref(),
                            now,
                            &data
                        ],
                        |r| r.get(0),
                    )?
                    .ok_or_else(|| ReceiptError::Invalid("the insert returned no id".into()))?;
                fetch(sql, id)?.ok_or(ReceiptError::NotFound(id))
            })
            .await
    }

    /// One stored receipt.
    pub fn receipt(&self, id: i64) -> Result<Option<StoredReceipt>, ReceiptError> {
        Ok(self.ledger().read_sql(|sql| fetch(sql, id))?)
    }

    /// Stored receipts, newest first.
    pub fn list_receipts(&self, q: &ReceiptQuery) -> Result<Vec<StoredReceipt>, ReceiptError> {
        let limit = i64::from(q.limit.unwrap_or(50).clamp(1, 500));
        let q = q.clone();
        let rows = self.ledger().read_sql(move |sql| {
            let raws = sql.query_all(
                &format!(
                    "SELECT {COLUMNS} FROM receipts
                     WHERE training = ?1 AND (?2 IS NULL OR terminal = ?2) AND (?3 = 0 OR printed_ns IS NULL)
                       AND (?4 IS NULL OR id < ?4)
                     ORDER BY id DESC LIMIT ?5"
                ),
                params![q.training, q.terminal.as_deref(), q.unprinted, q.before, limit],
                from_row,
            )?;
            raws.into_iter().map(decode).collect::<Result<Vec<_>, LedgerError>>()
        })?;
        Ok(rows)
    }

    /// Records that a print of the receipt went out (idempotent: the first time counts).
    pub async fn mark_receipt_printed(&self, id: i64) -> Result<StoredReceipt, ReceiptError> {
        self.ledger()
            .write(move |tx| {
                let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
                let sql = tx.sql();
                sql.execute(
                    "UPDATE receipts SET printed_ns = COALESCE(printed_ns, ?2) WHERE id = ?1",
                    params![id, now],
                )?;
                fetch(sql, id)?.ok_or(ReceiptError::NotFound(id))
            })
            .await
    }

    /// A reprint: the stored receipt marked DUPLICATE, and the reprint counted.
    pub async fn reprint_receipt(&self, id: i64) -> Result<StoredReceipt, ReceiptError> {
        let mut stored = self
            .ledger()
            .write(move |tx| {
                let sql = tx.sql();
                sql.execute("UPDATE receipts SET reprints = reprints + 1 WHERE id = ?1", params![id])?;
                fetch(sql, id)?.ok_or(ReceiptError::NotFound(id))
            })
            .await?;
        stored.receipt = stored.receipt.as_duplicate();
        Ok(stored)
    }
}
