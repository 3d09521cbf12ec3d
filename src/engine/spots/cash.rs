//! An order paid by other means at the till: the guest pays the bill in cash, the cashier marks it
//! on the board. One ledger write closes the order (its unpaid wallet transaction is revoked, so it
//! can no longer be paid twice) and books the cash into the drawer of the till that took it, as a
//! cash tender of a gift sale is booked: drawer (debit) ← the location's spot-tender account
//! (credit), transfer code `SPOT_CASH`. So the cash is in the shift's expected cash and in the X/Z
//! reports under cash and under spot orders.
//!
//! The drawer is the one named by the request, else the one of the cashier's open shift, else the
//! store's configured terminal. A retry of the same order answers what the first call did (the
//! cash transfer's id is derived from the order), never a second booking.

use super::places::{self, OrderStatus};
use super::{SpotsConfig, SpotsError, repo, transactions};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{AccountFlags, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::Money;

/// What a cash payment came to.
#[derive(Debug, Clone, PartialEq)]
pub struct CashPaid {
    pub order: places::OrderView,
    /// The table's identifier (`TABLE2`), for the receipt.
    pub spot_identifier: String,
    /// The drawer the cash went into.
    pub terminal: String,
    pub amount: Money,
    /// The order's payments (description, price), for the receipt.
    pub items: Vec<(String, Money)>,
    /// True when this order was paid in cash before (a retry): nothing new was booked.
    pub replay: bool,
}

/// The spot-tender account of a location: the other side of cash taken for its orders.
pub fn tender_of(currency: crate::money::Currency, location_id: i64) -> u128 {
    account_id(code::SPOT_TENDER, currency.ledger(), &format!("location:{location_id}"))
}

fn cash_id(order_id: i64) -> u128 {
    transfer_id(&format!("spots:order:{order_id}:cash"))
}

fn ensure(tx: &mut WriteTx<'_>, id: u128, ledger: u32, code: u16) -> Result<(), SpotsError> {
    let r =
        tx.create_accounts(&[NewAccount { id, ledger, code, flags: AccountFlags::HISTORY, ..Default::default() }])?;
    match r.first() {
        Some(r) if r.is_success() => Ok(()),
        other => Err(SpotsError::Internal(format!("account {id:032x}: {other:?}"))),
    }
}

/// Which drawer: the one asked for, else the cashier's open shift's, else the configured one.
fn drawer(
    tx: &WriteTx<'_>,
    engine_terminal: &str,
    asked: Option<&str>,
    cashier: Option<u32>,
) -> Result<String, SpotsError> {
    if let Some(t) = asked.map(str::trim).filter(|t| !t.is_empty()) {
        return Ok(t.to_string());
    }
    if let Some(n) = cashier
        && let Some(shift) = crate::engine::shifts::repo::open_of_cashier(tx.sql(), n)?
    {
        return Ok(shift.terminal);
    }
    Ok(engine_terminal.to_string())
}

/// Marks order `order_id` paid in cash at the till and books the cash (see the module docs).
pub async fn pay_cash(
    engine: &Engine,
    order_id: i64,
    terminal: Option<String>,
    cashier: Option<u32>,
) -> Result<CashPaid, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let currency = super::currency(engine)?;
    let configured = crate::engine::receipts::terminal_id(engine.config())?;
    let secrets = engine.secrets().clone();
    engine
        .ledger()
        .write(move |tx| {
            let now = transactions::tx_now(tx);
            let o = repo::order(tx.sql(), order_id)?
                .ok_or_else(|| SpotsError::NotFound(format!("No order {order_id}.")))?;
            let spot = repo::spot(tx.sql(), o.spot_id)?
                .filter(|s| s.location_id == cfg.location_id)
                .ok_or_else(|| SpotsError::NotFound(format!("No order {order_id}.")))?;
            let v = places::order_view_in(tx.sql(), &o, now)?;
            let txn = v
                .transaction
                .clone()
                .ok_or_else(|| SpotsError::Internal(format!("order {order_id} has no transaction")))?;
            let items = txn.payments.iter().map(|p| (p.description.clone(), p.price)).collect();
            let done = |order, terminal: String, replay| CashPaid {
                order,
                spot_identifier: spot.identifier.clone(),
                terminal,
                amount: txn.total,
                items,
                replay,
            };
            if let Some(terminal) = repo::cash_terminal(tx.sql(), order_id)? {
                // Paid in cash before: answer that again.
                return Ok(done(v, terminal, true));
            }
            match v.status {
                OrderStatus::Pending => {}
                OrderStatus::Reserved => {
                    return Err(SpotsError::InvalidState(format!(
                        "Order {order_id} has the guest's wallet money reserved: confirm or revoke it first."
                    )));
                }
                OrderStatus::Confirmed => {
                    return Err(SpotsError::InvalidState(format!("Order {order_id} is already paid from the wallet.")));
                }
                OrderStatus::Closed => {
                    return Err(SpotsError::InvalidState(format!("Order {order_id} is already closed.")));
                }
            }
            if txn.total.currency() != currency || txn.total.minor() <= 0 {
                return Err(SpotsError::InvalidState(format!(
                    "Order {order_id} has nothing to pay in {}.",
                    currency.code()
                )));
            }
            let terminal = drawer(tx, configured.as_str(), terminal.as_deref(), cashier)?;
            places::revoke_if_open(tx, &secrets, &o.transaction_key)?;
            repo::close_order(tx.sql(), o.id)?;
            let l = currency.ledger();
            let till = account_id(code::CASH_DRAWER, l, &terminal);
            let tender = tender_of(currency, cfg.location_id);
            ensure(tx, till, l, code::CASH_DRAWER)?;
            ensure(tx, tender, l, code::SPOT_TENDER)?;
            let t = NewTransfer {
                id: cash_id(order_id),
                debit_account_id: till,
                credit_account_id: tender,
                amount: u64::try_from(txn.total.minor()).unwrap_or(0),
                ledger: l,
                code: transfer_code::SPOT_CASH,
                user_data_64: u64::try_from(order_id).unwrap_or(0),
                flags: TransferFlags::NONE,
                ..Default::default()
            };
            match tx.create_transfers(&[t])?.first() {
                Some(r) if r.is_success() => {}
                other => return Err(SpotsError::Internal(format!("cash for order {order_id}: {other:?}"))),
            }
            repo::insert_cash(tx.sql(), order_id, &terminal, txn.total.minor(), super::secs(tx.now()))?;
            let row = repo::order(tx.sql(), order_id)?.ok_or_else(|| SpotsError::Internal("order vanished".into()))?;
            Ok(done(places::order_view_in(tx.sql(), &row, now)?, terminal, false))
        })
        .await
}
