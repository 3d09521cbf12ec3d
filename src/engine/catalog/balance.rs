//! The partner's prepaid balance with the distributor: one ledger account per currency.
//!
//! The account is an asset (debit balance) that may never go below zero
//! (`credits_must_not_exceed_debits`): a top-up debits it from the funding account; a retail order
//! holds (pending credit) what the distributor will take, the confirm posts it, and a void or
//! expiry releases it.

use super::repo;
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::engine::retail::error::id_hex;
use crate::engine::retail::{RetailError, parse_id_hex};
use crate::ledger::{Account, AccountFlags, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Currency, Money};

/// The partner's prepaid balance in a currency.
pub fn prepaid_account(c: Currency) -> u128 {
    account_id(code::PARTNER_PREPAID, c.ledger(), "partner")
}
/// Where top-ups come from (the partner's bank).
pub fn funding_account(c: Currency) -> u128 {
    account_id(code::PARTNER_FUNDING, c.ledger(), "partner")
}
/// Face value of third-party cards sold at the till.
pub fn sales_account(c: Currency) -> u128 {
    account_id(code::RETAIL_SALES, c.ledger(), "retail")
}
/// Commission earned on third-party cards.
pub fn commission_account(c: Currency) -> u128 {
    account_id(code::COMMISSION_REVENUE, c.ledger(), "retail")
}

/// Creates the retail accounts of a currency if they are missing (inside a write).
pub fn ensure_accounts(tx: &mut WriteTx<'_>, c: Currency) -> Result<(), RetailError> {
    let ledger = c.ledger();
    let account = |id, code, flags| NewAccount { id, ledger, code, flags, ..NewAccount::default() };
    let accounts = [
        account(
            prepaid_account(c),
            code::PARTNER_PREPAID,
            AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS | AccountFlags::HISTORY,
        ),
        account(funding_account(c), code::PARTNER_FUNDING, AccountFlags::NONE),
        account(sales_account(c), code::RETAIL_SALES, AccountFlags::HISTORY),
        account(commission_account(c), code::COMMISSION_REVENUE, AccountFlags::HISTORY),
    ];
    for (a, result) in accounts.iter().zip(tx.create_accounts(&accounts)?) {
        if !result.is_success() {
            return Err(RetailError::internal(format!("creating account {:032x}: {result:?}", a.id)));
        }
    }
    repo::register_partner_balance(tx.sql(), c.code(), &id_hex(prepaid_account(c)))?;
    Ok(())
}

/// The prepaid balance of one currency, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub currency: Currency,
    /// What new orders can still hold: posted balance minus open holds.
    pub available: i64,
    /// Held by created, unconfirmed orders.
    pub on_hold: i64,
    /// Posted balance (top-ups minus confirmed orders plus reversals).
    pub posted: i64,
}

impl Balance {
    pub fn of(currency: Currency, a: &Account) -> Balance {
        let clamp = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
        Balance {
            currency,
            available: clamp(a.debit_balance() - i128::from(a.credits_pending)),
            on_hold: clamp(i128::from(a.credits_pending)),
            posted: clamp(a.debit_balance()),
        }
    }
}

/// Every currency's balance (currencies that were never topped up do not appear).
pub fn balances(engine: &Engine) -> Result<Vec<Balance>, RetailError> {
    let rows = engine.ledger().read_sql(|sql| repo::partner_balances(sql).map_err(RetailError::from))?;
    let mut out = Vec::new();
    for (currency, id) in rows {
        let currency = Currency::from_code(&currency).map_err(|e| RetailError::internal(e.to_string()))?;
        let id = parse_id_hex(&id)?;
        if let Some(account) = engine.ledger().lookup_accounts(&[id])?.first() {
            out.push(Balance::of(currency, account));
        }
    }
    Ok(out)
}

/// The largest partner balance kept, in minor units (10^15: a trillion in a two-decimal currency),
/// so every sum of balances and holds stays far from overflowing.
pub const MAX_PARTNER_BALANCE_MINOR: i128 = 1_000_000_000_000_000;

/// Records a top-up of the prepaid balance: a transfer from the funding account. `reference`
/// identifies the top-up: the same reference twice records it once.
pub async fn add_balance(engine: &Engine, amount: Money, reference: &str) -> Result<Balance, RetailError> {
    add_balance_once(engine, amount, reference).await.map(|(b, _)| b)
}

/// [`add_balance`], also saying whether `reference` had been recorded before: a replay books
/// nothing and must not be shown as a new top-up.
pub async fn add_balance_once(engine: &Engine, amount: Money, reference: &str) -> Result<(Balance, bool), RetailError> {
    let cfg = crate::engine::retail::RetailConfig::of(engine).map_err(|e| RetailError::internal(e.to_string()))?;
    let max = Money::parse(cfg.max_top_up.trim(), amount.currency())
        .map_err(|e| RetailError::internal(format!("[retail] max_top_up: {e}")))?;
    if amount.minor() > max.minor() {
        return Err(RetailError::unprocessable(
            "amount_above_maximum",
            format!("a top-up is at most {} {} ([retail] max_top_up)", max.to_plain_string(), amount.currency().code()),
        ));
    }
    let reference = reference.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let existed = tx.lookup_transfer(top_up_id(&reference))?.is_some();
            Ok((top_up(tx, amount, &reference)?, existed))
        })
        .await
}

fn top_up_id(reference: &str) -> u128 {
    transfer_id(&format!("retail:topup:{reference}"))
}

/// [`add_balance`] inside a write.
pub fn top_up(tx: &mut WriteTx<'_>, amount: Money, reference: &str) -> Result<Balance, RetailError> {
    if amount.minor() <= 0 {
        return Err(RetailError::bad_request("invalid_amount", "a top-up must be positive"));
    }
    let c = amount.currency();
    ensure_accounts(tx, c)?;
    // Every sum checked: the balance after the top-up must stay far inside the ledger's range
    // (and inside what the API can show), else the top-up is refused, never clamped.
    let before = tx.lookup_account(prepaid_account(c))?.map(|a| a.debit_balance()).unwrap_or(0);
    if before.checked_add(i128::from(amount.minor())).is_none_or(|after| after > MAX_PARTNER_BALANCE_MINOR) {
        return Err(RetailError::unprocessable(
            "balance_limit_exceeded",
            "this top-up would take the partner balance over the largest amount the till keeps",
        ));
    }
    let id = top_up_id(reference);
    let transfer = NewTransfer {
        id,
        debit_account_id: prepaid_account(c),
        credit_account_id: funding_account(c),
        amount: u64::try_from(amount.minor()).unwrap_or(0),
        ledger: c.ledger(),
        code: transfer_code::PARTNER_TOP_UP,
        flags: TransferFlags::NONE,
        ..NewTransfer::default()
    };
    match tx.create_transfers(&[transfer])?.first() {
        Some(r) if r.is_success() => {}
        Some(_) if tx.lookup_transfer(id)?.is_some() => {
            return Err(RetailError::conflict(
                "top_up_exists",
                format!("top-up {reference:?} was already recorded with another amount"),
            ));
        }
        other => return Err(RetailError::internal(format!("top-up refused by the ledger: {other:?}"))),
    }
    let account =
        tx.lookup_account(prepaid_account(c))?.ok_or_else(|| RetailError::internal("prepaid account vanished"))?;
    Ok(Balance::of(c, &account))
}
