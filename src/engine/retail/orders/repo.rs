//! The `retail_orders` table: an order as stored, read back whole, and the view made from it.

use super::types::{OrderState, OrderView, ReceiptPrinting};
use crate::engine::catalog::products::ProductKind;
use crate::engine::catalog::rfc3339;
use crate::engine::retail::{DecimalMoney, RetailError, lines};
use crate::ledger::WriteTx;
use crate::money::{Currency, Money};
use crate::store::{Row, Sql, StoreError, StoreErrorKind, params};

/// An order as stored.
#[derive(Debug, Clone)]
pub(super) struct Order {
    pub(super) id: String,
    pub(super) state: OrderState,
    pub(super) product_code: String,
    pub(super) product_name: String,
    pub(super) brand: String,
    pub(super) store_id: String,
    pub(super) terminal_id: String,
    pub(super) receipt_id: String,
    pub(super) country: String,
    pub(super) currency: Currency,
    pub(super) face: i64,
    pub(super) commission: i64,
    pub(super) kind: ProductKind,
    pub(super) card_number: Option<String>,
    pub(super) width: u32,
    pub(super) locale: String,
    pub(super) hold_id: u128,
    pub(super) payment_method: Option<String>,
    pub(super) receipt_value: Option<DecimalMoney>,
    pub(super) lines: Option<Vec<String>>,
    pub(super) created_at: i64,
    pub(super) expires_at: i64,
    pub(super) confirmed_at: Option<i64>,
    pub(super) invalidated_at: Option<i64>,
    pub(super) expired_at: Option<i64>,
}

impl Order {
    pub(super) fn money(&self, minor: i64) -> DecimalMoney {
        DecimalMoney::from(Money::from_minor(minor, self.currency))
    }
    pub(super) fn net(&self) -> i64 {
        self.face - self.commission
    }
    pub(super) fn view(&self) -> OrderView {
        OrderView {
            id: self.id.clone(),
            state: self.state,
            product_code: self.product_code.clone(),
            product_name: self.product_name.clone(),
            brand: self.brand.clone(),
            kind: self.kind,
            store_id: self.store_id.clone(),
            terminal_id: self.terminal_id.clone(),
            receipt_id: self.receipt_id.clone(),
            country: self.country.clone(),
            face_value: self.money(self.face),
            commission: self.money(self.commission),
            net_payable: self.money(self.net()),
            card_number: self.card_number.as_deref().map(lines::mask_card),
            payment_method: self.payment_method.clone(),
            receipt_value: self.receipt_value.clone(),
            receipt_printing: ReceiptPrinting {
                characters_per_line: self.width,
                locale: self.locale.clone(),
                // The code is only shown while it is valid.
                lines: if self.state == OrderState::Confirmed { self.lines.clone() } else { None },
            },
            created_at: rfc3339(self.created_at),
            expires_at: rfc3339(self.expires_at),
            confirmed_at: self.confirmed_at.map(rfc3339),
            invalidated_at: self.invalidated_at.map(rfc3339),
            expired_at: self.expired_at.map(rfc3339),
        }
    }
}

pub(super) const COLUMNS: &str = "o.id, o.state, o.product_code, coalesce(p.name, ''), coalesce(p.brand, ''), o.store_id, \
     o.terminal_id, o.receipt_id, o.country, o.currency, o.face_minor, o.commission_minor, o.kind, o.card_number, \
     o.characters_per_line, o.locale, o.hold_id, o.payment_method, o.receipt_value, o.lines, o.created_at, \
     o.expires_at, o.confirmed_at, o.invalidated_at, o.expired_at";

pub(super) fn from_row(r: &Row<'_, '_>) -> Result<Order, StoreError> {
    let id: String = r.get(0)?;
    let bad = |what: &str| StoreError::new(StoreErrorKind::Decode, format!("order {id}: bad stored {what}"));
    let state: String = r.get(1)?;
    let currency: String = r.get(9)?;
    let kind: String = r.get(12)?;
    let hold: String = r.get(16)?;
    let receipt_value: Option<String> = r.get(18)?;
    let lines: Option<String> = r.get(19)?;
    Ok(Order {
        state: OrderState::parse(&state).ok_or_else(|| bad("state"))?,
        product_code: r.get(2)?,
        product_name: r.get(3)?,
        brand: r.get(4)?,
        store_id: r.get(5)?,
        terminal_id: r.get(6)?,
        receipt_id: r.get(7)?,
        country: r.get(8)?,
        currency: Currency::from_code(&currency).map_err(|_| bad("currency"))?,
        face: r.get(10)?,
        commission: r.get(11)?,
        kind: match kind.as_str() {
            "POR" => ProductKind::Por,
            "POSA" => ProductKind::Posa,
            _ => return Err(bad("kind")),
        },
        card_number: r.get(13)?,
        width: r.get(14)?,
        locale: r.get(15)?,
        hold_id: crate::engine::retail::parse_id_hex(&hold).map_err(|_| bad("hold id"))?,
        payment_method: r.get(17)?,
        receipt_value: receipt_value
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| bad("receipt value"))?,
        lines: lines.as_deref().map(serde_json::from_str).transpose().map_err(|_| bad("lines"))?,
        created_at: r.get(20)?,
        expires_at: r.get(21)?,
        confirmed_at: r.get(22)?,
        invalidated_at: r.get(23)?,
        expired_at: r.get(24)?,
        id,
    })
}

pub(super) fn load(sql: Sql<'_>, id: &str) -> Result<Option<Order>, RetailError> {
    let query = format!(
        "SELECT {COLUMNS} FROM retail_orders o LEFT JOIN retail_products p ON p.code = o.product_code WHERE o.id = ?1"
    );
    Ok(sql.query_one(&query, params![id], from_row)?)
}

pub(super) fn order_or_404(tx: &WriteTx<'_>, id: &str) -> Result<Order, RetailError> {
    load(tx.sql(), id)?.ok_or_else(|| RetailError::not_found("order_not_found", "no such retail order"))
}

/// Past its time a created order's hold is gone even if the sweeper has not recorded the expiry
/// yet: reads say so.
/// `now` is the engine's clock, the one the order's expiry was computed on.
pub(super) fn as_seen_now(mut order: Order, now: i64) -> Order {
    if order.state == OrderState::Created && now >= order.expires_at {
        order.state = OrderState::Expired;
        order.expired_at = Some(order.expires_at);
    }
    order
}
