//! The state changes, each run inside one `Ledger::write`: its transfers, the order row, the code
//! stock, the settlement entry and the webhook event commit together.

use super::repo::{Order, load, order_or_404};
use super::types::{ConfirmOrder, OrderState, OrderView};
use super::validate::{ValidCreate, check_confirm};
use crate::engine::accounts::{transfer_code, transfer_id};
use crate::engine::catalog::balance::{commission_account, ensure_accounts, prepaid_account, sales_account};
use crate::engine::catalog::products::{self, ProductKind, Values};
use crate::engine::catalog::{codes, ns_i64, stores};
use crate::engine::retail::error::id_hex;
use crate::engine::retail::lines::{self, ReceiptInput};
use crate::engine::retail::{RetailError, webhooks};
use crate::ledger::{CreateTransferResult, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Locale, Money};
use crate::store::params;

fn hold_transfer_id(order: &str) -> u128 {
    transfer_id(&format!("retail:{order}:hold"))
}

fn transfer_refused(what: &str, r: CreateTransferResult) -> RetailError {
    RetailError::internal(format!("{what} refused by the ledger: {r:?}"))
}

pub(super) fn create_in(
    tx: &mut WriteTx<'_>,
    id: &str,
    v: ValidCreate,
    expiry: u32,
) -> Result<(OrderView, bool), RetailError> {
    if let Some(existing) = load(tx.sql(), id)? {
        return Ok((existing.view(), false));
    }
    let store = stores::load(tx.sql(), v.store_id.as_str())?.ok_or_else(|| {
        RetailError::unprocessable("store_not_registered", format!("store {:?} is not registered", v.store_id.as_str()))
    })?;
    if store.country != v.country {
        return Err(RetailError::unprocessable(
            "store_country_mismatch",
            format!("store {} is in {}, not {}", store.id, store.country, v.country),
        ));
    }
    let product = products::load(tx.sql(), &v.product_code)?
        .ok_or_else(|| RetailError::unprocessable("product_not_found", format!("no product {}", v.product_code)))?;
    if !product.active {
        return Err(RetailError::unprocessable("product_inactive", format!("product {} is not on sale", product.code)));
    }
    if product.country != v.country {
        return Err(RetailError::unprocessable(
            "product_not_sold_in_country",
            format!("product {} is sold in {}, not {}", product.code, product.country, v.country),
        ));
    }
    if product.currency != v.face.currency() {
        return Err(RetailError::unprocessable(
            "currency_mismatch",
            format!("product {} is sold in {}", product.code, product.currency.code()),
        ));
    }
    match &product.values {
        Values::Fixed(values) if !values.contains(&v.face.minor()) => {
            let list: Vec<String> =
                values.iter().map(|m| Money::from_minor(*m, product.currency).to_plain_string()).collect();
            return Err(RetailError::unprocessable(
                "amount_not_a_denomination",
                format!("face_value must be one of {}", list.join(", ")),
            ));
        }
        Values::Range { min, max } if v.face.minor() < *min || v.face.minor() > *max => {
            return Err(RetailError::unprocessable(
                "amount_out_of_range",
                format!(
                    "face_value must be between {} and {}",
                    Money::from_minor(*min, product.currency).to_plain_string(),
                    Money::from_minor(*max, product.currency).to_plain_string()
                ),
            ));
        }
        _ => {}
    }
    match product.kind {
        ProductKind::Posa => {
            let card = v.card_number.as_deref().ok_or_else(|| {
                RetailError::unprocessable("card_number_required", "a POSA product needs the scanned card_number")
            })?;
            let used = tx
                .sql()
                .query_one(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM retail_posa_cards WHERE card_number = ?1)
                         OR EXISTS (SELECT 1 FROM retail_orders WHERE card_number = ?1 AND state IN ('created', 'confirmed'))
                         THEN 1 ELSE 0 END",
                    params![card],
                    |r| r.get::<bool>(0),
                )?
                .unwrap_or(false);
            if used {
                return Err(RetailError::unprocessable(
                    "card_already_used",
                    "this card was already sold or is being sold",
                ));
            }
        }
        ProductKind::Por => {
            if codes::available(tx.sql(), &product.code)? == 0 {
                return Err(RetailError::unprocessable("out_of_stock", format!("no codes left for {}", product.code)));
            }
        }
    }
    let currency = product.currency;
    let commission = product.commission_on(v.face.minor());
    let net = v.face.minor() - commission;
    let insufficient =
        || RetailError::unprocessable("insufficient_balance", "the partner balance does not cover this order");
    let prepaid = tx.lookup_account(prepaid_account(currency))?.ok_or_else(insufficient)?;
    if prepaid.debit_balance() - i128::from(prepaid.credits_pending) < i128::from(net) {
        return Err(insufficient());
    }
    ensure_accounts(tx, currency)?;
    let hold = hold_transfer_id(id);
    let result = tx.create_transfers(&[NewTransfer {
        id: hold,
        debit_account_id: sales_account(currency),
        credit_account_id: prepaid_account(currency),
        amount: u64::try_from(net).unwrap_or(0),
        timeout: expiry,
        ledger: currency.ledger(),
        code: transfer_code::RETAIL_HOLD,
        flags: TransferFlags::PENDING,
        ..NewTransfer::default()
    }])?;
    match result.first().copied() {
        Some(r) if r.is_success() => {}
        Some(CreateTransferResult::ExceedsDebits | CreateTransferResult::ExceedsCredits) => return Err(insufficient()),
        Some(r) => return Err(transfer_refused("the hold", r)),
        None => return Err(RetailError::internal("the ledger answered nothing")),
    }
    if product.kind == ProductKind::Por && codes::reserve(tx.sql(), &product.code, id)?.is_none() {
        return Err(RetailError::unprocessable("out_of_stock", format!("no codes left for {}", product.code)));
    }
    let now = ns_i64(tx.now());
    let expires_at = now.saturating_add(i64::from(expiry) * 1_000_000_000);
    tx.sql().execute(
        "INSERT INTO retail_orders (id, state, product_code, store_id, terminal_id, receipt_id, country, currency,
             face_minor, commission_minor, kind, card_number, characters_per_line, locale, hold_id, created_at,
             expires_at)
         VALUES (?1, 'created', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id,
            &product.code,
            &v.store_id,
            &v.terminal_id,
            &v.receipt_id,
            &v.country,
            currency.code(),
            v.face.minor(),
            commission,
            product.kind.as_str(),
            v.card_number.as_deref(),
            v.width,
            v.locale.tag(),
            &id_hex(hold),
            now,
            expires_at
        ],
    )?;
    Ok((announce(tx, now, id, "retail_order.created")?, true))
}

/// `Ok(Err(view))`: the order turned out to be expired (that change is committed).
pub(super) fn confirm_in(
    tx: &mut WriteTx<'_>,
    id: &str,
    req: &ConfirmOrder,
) -> Result<Result<OrderView, OrderView>, RetailError> {
    let order = order_or_404(tx, id)?;
    match order.state {
        OrderState::Confirmed => return Ok(Ok(order.view())),
        OrderState::Invalidated => {
            return Err(RetailError::conflict(
                "order_invalidated",
                "the order was invalidated and cannot be confirmed",
            ));
        }
        OrderState::Expired => return Ok(Err(order.view())),
        OrderState::Created => {}
    }
    let now = ns_i64(tx.now());
    if now >= order.expires_at {
        return Ok(Err(expire_in(tx, &order)?));
    }
    let (method, value) = check_confirm(&order, req)?;
    let c = order.currency;
    let mut transfers = vec![NewTransfer {
        id: transfer_id(&format!("retail:{id}:post")),
        debit_account_id: sales_account(c),
        credit_account_id: prepaid_account(c),
        amount: u64::try_from(order.net()).unwrap_or(0),
        pending_id: order.hold_id,
        ledger: c.ledger(),
        code: transfer_code::RETAIL_HOLD,
        flags: TransferFlags::POST_PENDING_TRANSFER,
        ..NewTransfer::default()
    }];
    if order.commission > 0 {
        transfers[0].flags = TransferFlags::POST_PENDING_TRANSFER | TransferFlags::LINKED;
        transfers.push(NewTransfer {
            id: transfer_id(&format!("retail:{id}:commission")),
            debit_account_id: sales_account(c),
            credit_account_id: commission_account(c),
            amount: u64::try_from(order.commission).unwrap_or(0),
            ledger: c.ledger(),
            code: transfer_code::RETAIL_COMMISSION,
            ..NewTransfer::default()
        });
    }
    let results = tx.create_transfers(&transfers)?;
    if results.first() == Some(&CreateTransferResult::PendingTransferExpired) {
        return Ok(Err(expire_in(tx, &order)?));
    }
    if let Some(r) = results.iter().find(|r| !r.is_success()) {
        return Err(transfer_refused("the confirmation", *r));
    }
    let product = products::load(tx.sql(), &order.product_code)?
        .ok_or_else(|| RetailError::internal(format!("product {} vanished", order.product_code)))?;
    let code = match order.kind {
        ProductKind::Por => {
            if !codes::transition(tx.sql(), id, "reserved", "issued")? {
                return Err(RetailError::internal(format!("order {id} has no reserved code")));
            }
            let code = crate::engine::catalog::repo::code_of_order(tx.sql(), id)?
                .ok_or_else(|| RetailError::internal(format!("order {id} lost its code")))?;
            Some(code)
        }
        ProductKind::Posa => {
            let card = order.card_number.clone().ok_or_else(|| RetailError::internal("POSA order without card"))?;
            tx.sql().execute(
                "INSERT INTO retail_posa_cards (card_number, product_code, order_id, state, activated_at)
                 VALUES (?1, ?2, ?3, 'active', ?4)",
                params![&card, &order.product_code, id, now],
            )?;
            None
        }
    };
    let locale = Locale::parse(&order.locale).map_err(|e| RetailError::internal(e.to_string()))?;
    let lines = lines::render(&ReceiptInput {
        width: order.width as usize,
        locale,
        brand: &product.brand,
        product_name: &product.name,
        face_value: Money::from_minor(order.face, c),
        code: code.as_deref(),
        card_number: order.card_number.as_deref(),
        redemption_text: &product.redemption_text,
        support_text: &product.support_text,
        receipt_id: &order.receipt_id,
        order_id: id,
    });
    let value = value.as_ref().and_then(|v| serde_json::to_string(v).ok());
    let lines = serde_json::to_string(&lines).unwrap_or_else(|_| "[]".into());
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'confirmed', confirmed_at = ?2, payment_method = ?3, receipt_value = ?4,
             lines = ?5
         WHERE id = ?1",
        params![id, now, method.as_deref(), value.as_deref(), &lines],
    )?;
    settlement_entry(tx, &order, "confirm", now)?;
    // The customer's payment into this till's drawer or card clearing (engine::reports::tender).
    crate::engine::reports::tender::book_retail_tender(
        tx,
        id,
        &order.terminal_id,
        c,
        method.as_deref(),
        order.face,
        false,
    )?;
    announce(tx, now, id, "retail_order.confirmed").map(Ok)
}

pub(super) fn invalidate_in(tx: &mut WriteTx<'_>, id: &str) -> Result<OrderView, RetailError> {
    let order = order_or_404(tx, id)?;
    let now = ns_i64(tx.now());
    let c = order.currency;
    match order.state {
        OrderState::Invalidated | OrderState::Expired => return Ok(order.view()),
        OrderState::Created => {
            if now >= order.expires_at {
                return expire_in(tx, &order);
            }
            let results = tx.create_transfers(&[NewTransfer {
                id: transfer_id(&format!("retail:{id}:void")),
                debit_account_id: sales_account(c),
                credit_account_id: prepaid_account(c),
                amount: u64::try_from(order.net()).unwrap_or(0),
                pending_id: order.hold_id,
                ledger: c.ledger(),
                code: transfer_code::RETAIL_HOLD,
                flags: TransferFlags::VOID_PENDING_TRANSFER,
                ..NewTransfer::default()
            }])?;
            match results.first().copied() {
                Some(r) if r.is_success() => {}
                Some(CreateTransferResult::PendingTransferExpired) => return expire_in(tx, &order),
                Some(r) => return Err(transfer_refused("the void", r)),
                None => return Err(RetailError::internal("the ledger answered nothing")),
            }
            codes::transition(tx.sql(), id, "reserved", "available")?;
        }
        OrderState::Confirmed => {
            let mut transfers = vec![NewTransfer {
                id: transfer_id(&format!("retail:{id}:reverse")),
                debit_account_id: prepaid_account(c),
                credit_account_id: sales_account(c),
                amount: u64::try_from(order.net()).unwrap_or(0),
                ledger: c.ledger(),
                code: transfer_code::RETAIL_INVALIDATE,
                ..NewTransfer::default()
            }];
            if order.commission > 0 {
                transfers[0].flags = TransferFlags::LINKED;
                transfers.push(NewTransfer {
                    id: transfer_id(&format!("retail:{id}:reverse-commission")),
                    debit_account_id: commission_account(c),
                    credit_account_id: sales_account(c),
                    amount: u64::try_from(order.commission).unwrap_or(0),
                    ledger: c.ledger(),
                    code: transfer_code::RETAIL_INVALIDATE,
                    ..NewTransfer::default()
                });
            }
            let results = tx.create_transfers(&transfers)?;
            if let Some(r) = results.iter().find(|r| !r.is_success()) {
                return Err(transfer_refused("the reversal", *r));
            }
            codes::transition(tx.sql(), id, "issued", "blocked")?;
            tx.sql().execute(
                "UPDATE retail_posa_cards SET state = 'blocked', blocked_at = ?2 WHERE order_id = ?1",
                params![id, now],
            )?;
            settlement_entry(tx, &order, "invalidate", now)?;
            let method = order.payment_method.as_deref();
            crate::engine::reports::tender::book_retail_tender(
                tx,
                id,
                &order.terminal_id,
                c,
                method,
                order.face,
                true,
            )?;
        }
    }
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'invalidated', invalidated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    announce(tx, now, id, "retail_order.invalidated")
}

/// Marks a created order expired (its hold is released by the ledger's timeout) inside a write.
pub(super) fn expire_in(tx: &WriteTx<'_>, order: &Order) -> Result<OrderView, RetailError> {
    let now = ns_i64(tx.now());
    codes::transition(tx.sql(), &order.id, "reserved", "available")?;
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'expired', expired_at = ?2 WHERE id = ?1 AND state = 'created'",
        params![&order.id, now],
    )?;
    announce(tx, now, &order.id, "retail_order.expired")
}

/// The order as this write left it, announced to webhook subscribers through the outbox. Events
/// never carry the receipt lines: a POR code stays between the till and its customer (a
/// subscriber can GET the order).
fn announce(tx: &WriteTx<'_>, now: i64, id: &str, event: &str) -> Result<OrderView, RetailError> {
    let view = load(tx.sql(), id)?.ok_or_else(|| RetailError::internal("order vanished"))?.view();
    let mut data = view.clone();
    data.receipt_printing.lines = None;
    webhooks::enqueue(tx.sql(), now, event, &serde_json::to_value(&data).unwrap_or_default())?;
    Ok(view)
}

fn settlement_entry(tx: &WriteTx<'_>, order: &Order, kind: &str, now: i64) -> Result<(), RetailError> {
    let sign = if kind == "confirm" { 1 } else { -1 };
    tx.sql().execute(
        "INSERT INTO retail_settlement_entries (order_id, kind, day, store_id, currency, face_minor, commission_minor,
             net_minor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &order.id,
            kind,
            &crate::engine::retail::settlement::day_of(now),
            &order.store_id,
            order.currency.code(),
            sign * order.face,
            sign * order.commission,
            sign * order.net(),
            now
        ],
    )?;
    Ok(())
}
