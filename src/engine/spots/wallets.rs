//! Wallets: a customer's money at this store, held as a ledger account.
//!
//! A wallet is an account of code `WALLET` (credit balance, `debits_must_not_exceed_credits`, with
//! history) whose id derives from the wallet's number, so no lookup table is needed. Creating one
//! with a balance is one linked chain: the account and a funding transfer `WALLET_FUNDING` →
//! wallet, so the ledger stays balanced and a wallet exists only with its money.
//!
//! The functions here are the wallet API other areas use (see the module doc of `spots`).

use super::{SpotsConfig, SpotsError, repo};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{AccountFlags, CreateTransferResult, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Currency, Money};

/// A wallet as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    pub id: i64,
    pub name: String,
    pub currency: Currency,
    /// The location whose clearing account takes this wallet's payments.
    pub location_id: i64,
    pub created_at: i64,
}

/// What a wallet holds: at disposal (spendable now) and reserved (held by pending transactions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub at_disposal: Money,
    pub reserved: Money,
}

/// Why a charge did not happen (nothing was changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// The wallet holds less than asked: what it holds at disposal.
    InsufficientFunds { at_disposal: Money },
    /// The same key was used before with a different amount or wallet.
    KeyReused,
}

/// The ledger account of wallet `id`.
pub fn account_of(currency: Currency, id: i64) -> u128 {
    account_id(code::WALLET, currency.ledger(), &format!("wallet:{id}"))
}

/// The store's wallet-clearing account for `location_id`: the merchant's side of wallet payments.
pub fn clearing_of(currency: Currency, location_id: i64) -> u128 {
    account_id(code::WALLET_CLEARING, currency.ledger(), &format!("location:{location_id}"))
}

fn funding_of(currency: Currency) -> u128 {
    account_id(code::WALLET_FUNDING, currency.ledger(), "wallets")
}

/// Creates the clearing and funding accounts if they are missing (idempotent).
pub(super) fn ensure_store_accounts(
    tx: &mut WriteTx<'_>,
    currency: Currency,
    location_id: i64,
) -> Result<(), SpotsError> {
    let accounts = [
        NewAccount {
            id: clearing_of(currency, location_id),
            ledger: currency.ledger(),
            code: code::WALLET_CLEARING,
            flags: AccountFlags::HISTORY,
            ..Default::default()
        },
        NewAccount {
            id: funding_of(currency),
            ledger: currency.ledger(),
            code: code::WALLET_FUNDING,
            ..Default::default()
        },
    ];
    for (a, r) in accounts.iter().zip(tx.create_accounts(&accounts)?) {
        if !r.is_success() {
            return Err(SpotsError::Internal(format!("account {:x}: {r:?}", a.id)));
        }
    }
    Ok(())
}

/// Creates a wallet named `name` holding `balance` (the merchant's currency), inside `tx`.
pub fn create_in(
    tx: &mut WriteTx<'_>,
    location_id: i64,
    name: &str,
    balance: Money,
    now: i64,
) -> Result<Wallet, SpotsError> {
    if balance.is_negative() {
        return Err(SpotsError::InvalidParameters("A wallet's starting balance cannot be negative.".into()));
    }
    let amount = u64::try_from(balance.minor())
        .map_err(|_| SpotsError::InvalidParameters("The starting balance is out of range.".into()))?;
    let currency = balance.currency();
    ensure_store_accounts(tx, currency, location_id)?;
    let id = repo::insert_wallet(tx.sql(), name, currency.code(), location_id, now)?;
    let account = NewAccount {
        id: account_of(currency, id),
        ledger: currency.ledger(),
        code: code::WALLET,
        flags: AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::HISTORY,
        user_data_64: u64::try_from(id).unwrap_or(0),
        ..Default::default()
    };
    let r = tx.create_accounts(&[account])?;
    if !r.iter().all(|r| r.is_success()) {
        return Err(SpotsError::Internal(format!("wallet account: {r:?}")));
    }
    if amount > 0 {
        let fund = NewTransfer {
            id: transfer_id(&format!("spots:wallet:{id}:fund")),
            debit_account_id: funding_of(currency),
            credit_account_id: account_of(currency, id),
            amount,
            ledger: currency.ledger(),
            code: transfer_code::WALLET_FUND,
            ..Default::default()
        };
        let r = tx.create_transfers(&[fund])?;
        if !r.iter().all(|r| r.is_success()) {
            return Err(SpotsError::Internal(format!("wallet funding: {r:?}")));
        }
    }
    Ok(Wallet { id, name: name.to_string(), currency, location_id, created_at: now })
}

/// Creates a wallet holding `balance`, committed durably.
pub async fn create(engine: &Engine, name: &str, balance: Money) -> Result<Wallet, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let name = name.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let now = super::secs(tx.now());
            create_in(tx, cfg.location_id, &name, balance, now)
        })
        .await
}

/// The wallet with this id, if there is one.
pub fn wallet(engine: &Engine, id: i64) -> Result<Option<Wallet>, SpotsError> {
    engine.ledger().read_sql(|sql| repo::wallet(sql, id))
}

/// What wallet `id` holds, or `None` when there is no such wallet.
pub fn balance(engine: &Engine, id: i64) -> Result<Option<Balance>, SpotsError> {
    let Some(w) = wallet(engine, id)? else { return Ok(None) };
    let accounts = engine.ledger().lookup_accounts(&[account_of(w.currency, id)])?;
    let Some(a) = accounts.first() else { return Err(SpotsError::Internal(format!("wallet {id} has no account"))) };
    Ok(Some(balance_of(w.currency, a.available_credit(), a.debits_pending)?))
}

fn balance_of(currency: Currency, available: i128, reserved: u64) -> Result<Balance, SpotsError> {
    let at = i64::try_from(available).map_err(|_| SpotsError::Internal("balance out of range".into()))?;
    let reserved = i64::try_from(reserved).map_err(|_| SpotsError::Internal("reserved out of range".into()))?;
    Ok(Balance { at_disposal: Money::from_minor(at, currency), reserved: Money::from_minor(reserved, currency) })
}

/// Wallet `id`'s balance as of this write transaction.
pub fn balance_in(tx: &WriteTx<'_>, wallet: &Wallet) -> Result<Balance, SpotsError> {
    let a = tx
        .lookup_account(account_of(wallet.currency, wallet.id))?
        .ok_or_else(|| SpotsError::Internal(format!("wallet {} has no account", wallet.id)))?;
    balance_of(wallet.currency, a.available_credit(), a.debits_pending)
}

/// One posted transfer wallet → the location's clearing account (a purchase paid from the wallet).
/// `key` names the operation: the same key again is the same transfer (a retry, `Ok`).
pub fn charge(
    tx: &mut WriteTx<'_>,
    wallet_id: i64,
    amount: Money,
    key: &str,
) -> Result<Result<u128, Decline>, SpotsError> {
    move_money(tx, wallet_id, amount, key, true)
}

/// One posted transfer the location's clearing account → wallet (a refund of a charge).
pub fn refund(
    tx: &mut WriteTx<'_>,
    wallet_id: i64,
    amount: Money,
    key: &str,
) -> Result<Result<u128, Decline>, SpotsError> {
    move_money(tx, wallet_id, amount, key, false)
}

fn move_money(
    tx: &mut WriteTx<'_>,
    wallet_id: i64,
    amount: Money,
    key: &str,
    charge: bool,
) -> Result<Result<u128, Decline>, SpotsError> {
    let w =
        repo::wallet(tx.sql(), wallet_id)?.ok_or_else(|| SpotsError::NotFound(format!("No wallet {wallet_id}.")))?;
    if amount.currency() != w.currency {
        return Err(SpotsError::InvalidParameters(format!(
            "Wallet {wallet_id} holds {}; the amount is in {}.",
            w.currency.code(),
            amount.currency().code()
        )));
    }
    let minor = u64::try_from(amount.minor())
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| SpotsError::InvalidParameters("The amount must be more than zero.".into()))?;
    ensure_store_accounts(tx, w.currency, w.location_id)?;
    let (wallet, clearing) = (account_of(w.currency, wallet_id), clearing_of(w.currency, w.location_id));
    let (debit, credit, code, leg) = if charge {
        (wallet, clearing, transfer_code::WALLET_CHARGE, "charge")
    } else {
        (clearing, wallet, transfer_code::WALLET_REFUND, "refund")
    };
    let id = transfer_id(&format!("spots:{leg}:{key}"));
    let t = NewTransfer {
        id,
        debit_account_id: debit,
        credit_account_id: credit,
        amount: minor,
        ledger: w.currency.ledger(),
        code,
        flags: TransferFlags::NONE,
        ..Default::default()
    };
    match tx.create_transfers(&[t])?.first().copied() {
        Some(r) if r.is_success() => Ok(Ok(id)),
        Some(CreateTransferResult::ExceedsCredits) => {
            Ok(Err(Decline::InsufficientFunds { at_disposal: balance_in(tx, &w)?.at_disposal }))
        }
        Some(r) if format!("{r:?}").starts_with("ExistsWithDifferent") => Ok(Err(Decline::KeyReused)),
        other => Err(SpotsError::Internal(format!("wallet {leg}: {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, OpenOptions};

    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(dir.path(), OpenOptions { demo: true }).unwrap();
        (dir, engine)
    }

    #[test]
    fn a_new_wallet_holds_its_funding_and_the_ledger_balances() {
        let (_d, engine) = engine();
        let eur = Currency::from_code("EUR").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let w = rt.block_on(create(&engine, "Ann", Money::from_minor(1250, eur))).unwrap();
        let b = balance(&engine, w.id).unwrap().unwrap();
        assert_eq!((b.at_disposal.minor(), b.reserved.minor()), (1250, 0));
        assert!(engine.ledger().verify().unwrap().violations.is_empty());
    }

    #[test]
    fn charge_refund_and_decline() {
        let (_d, engine) = engine();
        let eur = Currency::from_code("EUR").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let w = rt.block_on(create(&engine, "Ann", Money::from_minor(1000, eur))).unwrap();
        let id = w.id;
        let r =
            engine.ledger().write_blocking(move |tx| charge(tx, id, Money::from_minor(400, eur), "order-1")).unwrap();
        assert!(r.is_ok());
        // The same key again is the same charge, not a second one.
        let again =
            engine.ledger().write_blocking(move |tx| charge(tx, id, Money::from_minor(400, eur), "order-1")).unwrap();
        assert_eq!(r, again);
        let too_much =
            engine.ledger().write_blocking(move |tx| charge(tx, id, Money::from_minor(700, eur), "order-2")).unwrap();
        assert_eq!(too_much, Err(Decline::InsufficientFunds { at_disposal: Money::from_minor(600, eur) }));
        engine
            .ledger()
            .write_blocking(move |tx| refund(tx, id, Money::from_minor(100, eur), "order-1"))
            .unwrap()
            .unwrap();
        assert_eq!(balance(&engine, id).unwrap().unwrap().at_disposal.minor(), 700);
        assert!(engine.ledger().verify().unwrap().violations.is_empty());
    }
}
