//! What the trainee did, read from the practice ledger's own records since the run started: the
//! gift journal, the card simulator's payments, retail orders, stored receipts and shifts. Scoring
//! reads only this, never the screen.

use crate::engine::Engine;
use crate::ledger::LedgerError;
use crate::params;

/// A gift journal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftRow {
    pub op: String,
    pub status: String,
    pub card: Option<String>,
    pub amount: i64,
    pub tip: i64,
    pub cashier: Option<String>,
    pub at_ns: i64,
}

/// A card payment of the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub status: String,
    pub requested: i64,
    pub collected: i64,
    pub refunded: i64,
    pub at_ns: i64,
}

/// A retail order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub product: String,
    pub state: String,
    pub at_ns: i64,
}

/// A stored receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub kind: String,
    pub reprints: i64,
    pub printed: bool,
    /// The change the receipt says was given, in minor units.
    pub change: Option<i64>,
    pub at_ns: i64,
}

/// A shift of the trainee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRow {
    pub state: String,
    pub counted: Option<i64>,
    pub expected: Option<i64>,
    pub over_short: Option<i64>,
    pub at_ns: i64,
}

/// Everything since the run started, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trail {
    pub gift: Vec<GiftRow>,
    pub cards: Vec<CardRow>,
    pub orders: Vec<OrderRow>,
    pub receipts: Vec<ReceiptRow>,
    pub shifts: Vec<ShiftRow>,
}

const NS: i64 = 1_000_000_000;

/// Reads the trail of `trainee` (a cashier number) since `since_ns` on the engine's clock. Rows the
/// run's own seeding made (no cashier) are not the trainee's and are left out.
pub fn read(engine: &Engine, since_ns: i64, trainee: u32) -> Result<Trail, LedgerError> {
    let since_secs = since_ns / NS;
    let who = trainee.to_string();
    engine.ledger().read_sql(|sql| {
        let gift = sql.query_all(
            "SELECT op, status, card, amount, tip, cashier, created_at FROM gift_txns \
             WHERE created_at >= ?1 AND cashier = ?2 ORDER BY px_id",
            params![since_secs, who.as_str()],
            |r| {
                Ok(GiftRow {
                    op: r.get(0)?,
                    status: r.get(1)?,
                    card: r.get(2)?,
                    amount: r.get(3)?,
                    tip: r.get(4)?,
                    cashier: r.get(5)?,
                    at_ns: r.get::<i64>(6)?.saturating_mul(NS),
                })
            },
        )?;
        let cards = sql.query_all(
            "SELECT status, requested, collected, refunded, created_at FROM instore_card_payments \
             WHERE created_at >= ?1 ORDER BY created_at",
            params![since_ns],
            |r| {
                Ok(CardRow {
                    status: r.get(0)?,
                    requested: r.get(1)?,
                    collected: r.get(2)?,
                    refunded: r.get(3)?,
                    at_ns: r.get(4)?,
                })
            },
        )?;
        let orders = sql.query_all(
            "SELECT product_code, state, created_at FROM retail_orders WHERE created_at >= ?1 ORDER BY created_at",
            params![since_secs],
            |r| Ok(OrderRow { product: r.get(0)?, state: r.get(1)?, at_ns: r.get::<i64>(2)?.saturating_mul(NS) }),
        )?;
        let receipts = sql.query_all(
            "SELECT kind, reprints, printed_ns, data, created_ns FROM receipts \
             WHERE training = 1 AND created_ns >= ?1 ORDER BY id",
            params![since_ns],
            |r| {
                let data: String = r.get(3)?;
                Ok(ReceiptRow {
                    kind: r.get(0)?,
                    reprints: r.get(1)?,
                    printed: r.get::<Option<i64>>(2)?.is_some(),
                    change: change_of(&data),
                    at_ns: r.get(4)?,
                })
            },
        )?;
        let shifts = sql.query_all(
            "SELECT state, counted_minor, expected_minor, over_short_minor, COALESCE(closed_at, opened_at) \
             FROM shifts WHERE cashier = ?1 AND opened_at >= ?2 ORDER BY id",
            params![i64::from(trainee), since_ns],
            |r| {
                Ok(ShiftRow {
                    state: r.get(0)?,
                    counted: r.get(1)?,
                    expected: r.get(2)?,
                    over_short: r.get(3)?,
                    at_ns: r.get(4)?,
                })
            },
        )?;
        Ok(Trail { gift, cards, orders, receipts, shifts })
    })
}

/// The change a stored receipt says was given.
fn change_of(data: &str) -> Option<i64> {
    let receipt: crate::receipt::Receipt = serde_json::from_str(data).ok()?;
    receipt.change.map(|m| m.minor())
}
