//! The tender leg of a retail order: what the customer paid for a third-party card, into this
//! till's drawer (cash) or card clearing (card), and back out when a confirmed order is invalidated.
//!
//! The order's own legs (distributor hold, commission) say nothing about where the customer's
//! money went; without this leg the drawer's ledger balance would miss every retail cash sale. The
//! counter account is `RETAIL_TENDER` (per currency), so the retail sales account keeps its meaning.
//! Other payment methods (wallet, on account…) book their own legs in their areas.

use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{AccountFlags, LedgerError, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::Currency;

fn ensure(tx: &mut WriteTx<'_>, id: u128, ledger: u32, code: u16) -> Result<(), LedgerError> {
    if tx.lookup_account(id)?.is_none() {
        let r = tx.create_accounts(&[NewAccount {
            id,
            ledger,
            code,
            flags: AccountFlags::HISTORY,
            ..NewAccount::default()
        }])?;
        if !r.iter().all(|r| r.is_success()) {
            return Err(LedgerError::Invalid(format!("account {id:032x} not created: {r:?}")));
        }
    }
    Ok(())
}

/// Books the customer's payment for order `order` (or, with `refund`, pays it back).
pub fn book_retail_tender(
    tx: &mut WriteTx<'_>,
    order: &str,
    terminal: &str,
    currency: Currency,
    method: Option<&str>,
    face: i64,
    refund: bool,
) -> Result<(), LedgerError> {
    let till_code = match method {
        Some("cash") => code::CASH_DRAWER,
        Some("card") => code::CARD_CLEARING,
        _ => return Ok(()),
    };
    if face <= 0 {
        return Ok(());
    }
    let l = currency.ledger();
    let till = account_id(till_code, l, terminal);
    let tender = account_id(code::RETAIL_TENDER, l, "retail");
    ensure(tx, till, l, till_code)?;
    ensure(tx, tender, l, code::RETAIL_TENDER)?;
    let (debit, credit, leg) = if refund { (tender, till, "tender-refund") } else { (till, tender, "tender") };
    let t = NewTransfer {
        id: transfer_id(&format!("retail:{order}:{leg}")),
        debit_account_id: debit,
        credit_account_id: credit,
        amount: face as u64,
        ledger: l,
        code: transfer_code::RETAIL_PAYMENT,
        flags: TransferFlags::NONE,
        ..NewTransfer::default()
    };
    match tx.create_transfers(&[t])?.first() {
        Some(r) if r.is_success() => Ok(()),
        other => Err(LedgerError::Invalid(format!("the ledger refused a retail tender leg: {other:?}"))),
    }
}
