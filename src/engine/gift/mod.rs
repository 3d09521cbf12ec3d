//! The gift card operations: sell, reload, balance, redeem (+ tip), reverse, cash-out, exchange,
//! activate, deactivate, refund.
//!
//! Every operation that changes something is one [`Ledger::write`](crate::ledger::Ledger::write):
//! one linked chain of transfers (including the tender leg: the terminal's cash drawer or card
//! clearing) plus its journal row holding the reply, so it commits whole or not at all, and the same
//! `externalTransactionId` later gets the same reply without a second effect.
//!
//! | file       | what                                                          |
//! |------------|---------------------------------------------------------------|
//! | `mod.rs`   | requests, replies, declines; the async entry points           |
//! | `ops/`     | each operation's checks and ledger chain (on the writer): `load` (sell, reload), `spend` (redeem, cashOut, refund), `lifecycle` (exchange, activate, deactivate), `reverse`, `balance` |
//! | `store.rs` | the journal table `gift_txns`                                  |

mod ops;
pub mod store;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::cards::{CardInfo, Program};
use super::domain::{StoreId, TerminalId};
use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::money::Money;

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = store::MIGRATIONS;

/// Why an operation was refused. Each has a stable code (the wire's `errorCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// The request is malformed: a field missing, mistyped, too long, or an amount out of form.
    Invalid(String),
    /// The card number fails the program's length, prefix or check digit, or the track is unreadable.
    InvalidCardNumber(String),
    /// An identifier this till does not read (NFC payloads, account tokens).
    UnsupportedIdentifier(String),
    UnknownMerchant(String),
    UnknownStore(String),
    CardNotFound(String),
    TransactionNotFound(String),
    InvalidPin(String),
    CardLocked(String),
    CardInactive(String),
    CardAlreadyActive(String),
    CardDeactivated(String),
    CardClosed(String),
    CardExpired(String),
    /// The `externalTransactionId` was used before for a different request.
    DuplicateTransactionId(String),
    /// The `externalTransactionId` was reversed (or blocked by a reversal) before it arrived.
    TransactionReversed(String),
    NotReversible(String),
    InsufficientFunds(String),
    AmountBelowMinimum(String),
    AmountAboveMaximum(String),
    BalanceLimitExceeded(String),
    CashOutNotAllowed(String),
    NothingToCashOut(String),
    RefundExceedsRedeemed(String),
    PhoneAlreadyRegistered(String),
}

impl Decline {
    /// The stable machine code (the wire's `errorCode`) and the HTTP status it is answered with:
    /// the one place a decline's kind is matched. 400 malformed, 403 wrong PIN, 404 unknown,
    /// 409 the card or transaction is in the wrong state, 423 locked, 422 a business refusal.
    fn kind(&self) -> (&'static str, u16) {
        match self {
            Decline::Invalid(_) => ("invalid_request", 400),
            Decline::InvalidCardNumber(_) => ("invalid_card_number", 400),
            Decline::UnsupportedIdentifier(_) => ("unsupported_card_identifier", 400),
            Decline::UnknownMerchant(_) => ("unknown_merchant", 422),
            Decline::UnknownStore(_) => ("unknown_store", 422),
            Decline::CardNotFound(_) => ("card_not_found", 404),
            Decline::TransactionNotFound(_) => ("transaction_not_found", 404),
            Decline::InvalidPin(_) => ("invalid_pin", 403),
            Decline::CardLocked(_) => ("card_locked", 423),
            Decline::CardInactive(_) => ("card_inactive", 409),
            Decline::CardAlreadyActive(_) => ("card_already_active", 409),
            Decline::CardDeactivated(_) => ("card_deactivated", 409),
            Decline::CardClosed(_) => ("card_closed", 409),
            Decline::CardExpired(_) => ("card_expired", 409),
            Decline::DuplicateTransactionId(_) => ("duplicate_transaction_id", 409),
            Decline::TransactionReversed(_) => ("transaction_reversed", 409),
            Decline::NotReversible(_) => ("not_reversible", 409),
            Decline::InsufficientFunds(_) => ("insufficient_funds", 422),
            Decline::AmountBelowMinimum(_) => ("amount_below_minimum", 422),
            Decline::AmountAboveMaximum(_) => ("amount_above_maximum", 422),
            Decline::BalanceLimitExceeded(_) => ("balance_limit_exceeded", 422),
            Decline::CashOutNotAllowed(_) => ("cash_out_not_allowed", 422),
            Decline::NothingToCashOut(_) => ("nothing_to_cash_out", 422),
            Decline::RefundExceedsRedeemed(_) => ("refund_exceeds_redeemed", 422),
            Decline::PhoneAlreadyRegistered(_) => ("phone_already_registered", 422),
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        self.kind().0
    }

    /// The HTTP status the API answers this decline with.
    pub fn http_status(&self) -> u16 {
        self.kind().1
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            Decline::Invalid(m)
            | Decline::InvalidCardNumber(m)
            | Decline::UnsupportedIdentifier(m)
            | Decline::UnknownMerchant(m)
            | Decline::UnknownStore(m)
            | Decline::CardNotFound(m)
            | Decline::TransactionNotFound(m)
            | Decline::InvalidPin(m)
            | Decline::CardLocked(m)
            | Decline::CardInactive(m)
            | Decline::CardAlreadyActive(m)
            | Decline::CardDeactivated(m)
            | Decline::CardClosed(m)
            | Decline::CardExpired(m)
            | Decline::DuplicateTransactionId(m)
            | Decline::TransactionReversed(m)
            | Decline::NotReversible(m)
            | Decline::InsufficientFunds(m)
            | Decline::AmountBelowMinimum(m)
            | Decline::AmountAboveMaximum(m)
            | Decline::BalanceLimitExceeded(m)
            | Decline::CashOutNotAllowed(m)
            | Decline::NothingToCashOut(m)
            | Decline::RefundExceedsRedeemed(m)
            | Decline::PhoneAlreadyRegistered(m) => m,
        }
    }
}

impl std::fmt::Display for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

/// An operation's failure: a business decline, or something internal (storage, configuration).
#[derive(Debug, thiserror::Error)]
pub enum GiftError {
    #[error("{0}")]
    Declined(Decline),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<LedgerError> for GiftError {
    fn from(e: LedgerError) -> GiftError {
        GiftError::Internal(e.to_string())
    }
}

impl From<EngineError> for GiftError {
    fn from(e: EngineError) -> GiftError {
        GiftError::Internal(e.to_string())
    }
}

impl From<Decline> for GiftError {
    fn from(d: Decline) -> GiftError {
        GiftError::Declined(d)
    }
}

/// The result of a gift operation in the gift service's Success shape: stored as JSON for replays,
/// and mapped field for field to `wire::gift::Success` by `api::gift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Success {
    /// Always `success`.
    pub result: String,
    /// This transaction's id (a positive 64-bit integer); reverse with it.
    pub px_transaction_id: i64,
    /// 6-digit authorisation code.
    pub px_auth_code: String,
    /// The card's balance after the transaction, e.g. "25.00".
    pub current_balance: String,
    /// The balance before, when the transaction changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_balance: Option<String>,
    /// By how much the balance changed, when it did (always positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_amount: Option<String>,
    /// The card number; masked like `maskedCardNumber` when the card was found by phone number.
    pub printed_card_number: String,
    pub masked_card_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    pub card_template_code: i32,
    pub card_template_name: String,
    pub tier_code: i32,
    pub tier_name: String,
    /// Lines for the till to show or print (partial redemption, expiry, card closed…).
    pub pos_messages: Vec<String>,
}

/// Where the money of a load or cash-out comes from or goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tender {
    /// The terminal's cash drawer (the default).
    Cash,
    /// A card payment, into the terminal's card clearing account.
    Card,
}

impl Tender {
    pub fn as_str(self) -> &'static str {
        match self {
            Tender::Cash => "cash",
            Tender::Card => "card",
        }
    }
}

/// How long ago (seconds, engine clock) the operation named by `px` or `ext` was done; `None` when
/// the journal does not know it.
pub async fn age_secs(engine: &Engine, px: Option<i64>, ext: Option<String>) -> Result<Option<i64>, GiftError> {
    let at = engine
        .read_async(move |e| e.ledger().read_sql(|sql| store::created_at(sql, px, ext.as_deref())))
        .await
        .map_err(|e: LedgerError| GiftError::Internal(e.to_string()))?;
    Ok(at.map(|at| engine.now_secs().saturating_sub(at)))
}

/// The fields every request carries.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub merchant_id: i64,
    pub store_code: String,
    pub terminal_id: Option<String>,
    pub cashier: Option<String>,
    pub check_number: Option<String>,
    pub external_id: Option<String>,
    /// Who asked (token name or user), for the journal.
    pub principal: String,
    /// The manager whose number and PIN approved a cashier's operation (engine::roles).
    pub approver: Option<u32>,
}

/// An operation that changes a card.
#[derive(Debug, Clone)]
pub enum Op {
    /// Activate an inactive card and load it; `card: None` issues a new e-gift card.
    Sell {
        card: Option<CardInfo>,
        amount: Money,
        tender: Tender,
    },
    Reload {
        card: CardInfo,
        amount: Money,
        tender: Tender,
    },
    /// Take `amount + tip` off the card; with `allow_partial`, as much as it holds.
    Redeem {
        card: CardInfo,
        amount: Money,
        tip: Money,
        allow_partial: bool,
    },
    CashOut {
        card: CardInfo,
        tender: Tender,
    },
    Exchange {
        card: CardInfo,
        new_card: CardInfo,
    },
    Activate {
        card: CardInfo,
    },
    Deactivate {
        card: CardInfo,
    },
    /// Money back to the card against the redeem `original_px`.
    Refund {
        card: CardInfo,
        amount: Money,
        original_px: i64,
    },
}

impl Op {
    /// What the journal records this operation as.
    pub fn journal_op(&self) -> store::JournalOp {
        use store::JournalOp as J;
        match self {
            Op::Sell { .. } => J::Sell,
            Op::Reload { .. } => J::Reload,
            Op::Redeem { .. } => J::Redeem,
            Op::CashOut { .. } => J::CashOut,
            Op::Exchange { .. } => J::Exchange,
            Op::Activate { .. } => J::Activate,
            Op::Deactivate { .. } => J::Deactivate,
            Op::Refund { .. } => J::Refund,
        }
    }

    /// The operation's wire name (`cashOut`, `redeem`, …).
    pub fn name(&self) -> &'static str {
        self.journal_op().as_str()
    }
}

/// The program and the store this engine serves, read once per request.
#[derive(Debug, Clone)]
pub struct Setup {
    pub program: Program,
    pub merchant_id: i64,
    /// `None` when `[store]` names no store.
    pub store_id: Option<StoreId>,
    pub terminal_id: TerminalId,
}

impl Setup {
    /// This till's `storeCode` on the wire: its store id, empty when it has none.
    pub fn store_code(&self) -> String {
        self.store_id.as_ref().map(StoreId::to_string).unwrap_or_default()
    }

    /// True when `store_code` is this till's own store (the empty code when it has none).
    pub fn is_own_store(&self, store_code: &str) -> bool {
        self.store_id.as_ref().map_or(store_code.is_empty(), |id| id == store_code)
    }

    pub fn from_engine(engine: &Engine) -> Result<Setup, EngineError> {
        let store = &engine.config().store;
        Ok(Setup {
            program: Program::from_engine(engine)?,
            merchant_id: engine.config().merchant.merchant_id,
            store_id: store.store_id.clone(),
            terminal_id: store.terminal_id.clone(),
        })
    }
}

/// The engine's setup, read from its configuration once (it does not change while it runs).
fn setup(engine: &Engine) -> Result<Arc<Setup>, GiftError> {
    if let Some(s) = engine.memory().gift_setup.get() {
        return Ok(Arc::clone(s));
    }
    let s = Arc::new(Setup::from_engine(engine)?);
    // Two first calls at once both read it; the first stored wins and both are equal.
    Ok(Arc::clone(engine.memory().gift_setup.get_or_init(|| s)))
}

/// The program of this engine (for parsing amounts in its currency).
pub fn program(engine: &Engine) -> Result<Program, GiftError> {
    Ok(setup(engine)?.program.clone())
}

/// Checks `merchantId` and `storeCode` against the configuration (and the catalogue's stores).
fn check_meta(engine: &Engine, setup: &Setup, meta: &Meta) -> Result<(), GiftError> {
    if meta.merchant_id != setup.merchant_id {
        return Err(Decline::UnknownMerchant(format!("merchantId {} is not served here.", meta.merchant_id)).into());
    }
    if !setup.is_own_store(&meta.store_code) && !ops::store_in_catalog(engine, &meta.store_code)? {
        return Err(Decline::UnknownStore(format!("storeCode {:?} is not a registered store.", meta.store_code)).into());
    }
    Ok(())
}

/// [`check_meta`] for async callers: the catalogue is read on the blocking pool, and only when
/// the store is not this till's own.
async fn check_meta_async(engine: &Engine, setup: &Arc<Setup>, meta: &Meta) -> Result<(), GiftError> {
    if meta.merchant_id != setup.merchant_id || setup.is_own_store(&meta.store_code) {
        return check_meta(engine, setup, meta);
    }
    let (s, m) = (Arc::clone(setup), meta.clone());
    engine.read_async(move |e| check_meta(e, &s, &m)).await
}

/// Runs an operation that changes a card.
pub async fn execute(engine: &Engine, meta: Meta, op: Op) -> Result<Success, GiftError> {
    let setup = setup(engine)?;
    check_meta_async(engine, &setup, &meta).await?;
    ops::check_amounts(&setup.program, &op)?;
    let outcome = engine.ledger().write(move |tx| ops::apply(tx, &setup, &meta, &op)).await?;
    outcome.map_err(GiftError::Declined)
}

/// [`execute`] outside a runtime (demo seeding, tools).
pub fn execute_blocking(engine: &Engine, meta: Meta, op: Op) -> Result<Success, GiftError> {
    let setup = setup(engine)?;
    check_meta(engine, &setup, &meta)?;
    ops::check_amounts(&setup.program, &op)?;
    let outcome = engine.ledger().write_blocking(move |tx| ops::apply(tx, &setup, &meta, &op))?;
    outcome.map_err(GiftError::Declined)
}

/// Runs many operations in one ledger write (one commit) through the same path as [`execute`],
/// for building a large data directory (`till populate`). A declined operation is answered as
/// such in its place; the others stand. An error (the ledger, the disk) commits nothing.
pub fn execute_many_blocking(
    engine: &Engine,
    ops: Vec<(Meta, Op)>,
) -> Result<Vec<Result<Success, Decline>>, GiftError> {
    let setup = setup(engine)?;
    for (meta, op) in &ops {
        check_meta(engine, &setup, meta)?;
        ops::check_amounts(&setup.program, op)?;
    }
    engine.ledger().write_blocking(move |tx| {
        let mut out = Vec::with_capacity(ops.len());
        for (meta, op) in &ops {
            out.push(ops::apply(tx, &setup, meta, op)?);
        }
        Ok::<_, GiftError>(out)
    })
}

/// The card's balance (changes nothing, except counting a wrong PIN).
pub async fn balance(engine: &Engine, meta: Meta, card: CardInfo) -> Result<Success, GiftError> {
    let setup = setup(engine)?;
    check_meta_async(engine, &setup, &meta).await?;
    let read = |pin_checked: bool| {
        let (s, c) = (Arc::clone(&setup), card.clone());
        engine.read_async(move |e| ops::balance_read(e, &s, &c, pin_checked))
    };
    match read(false).await? {
        ops::BalanceRead::Done(s) => Ok(*s),
        ops::BalanceRead::NeedsPinCheck => {
            let (s, m, c) = (Arc::clone(&setup), meta.clone(), card.clone());
            let refused = engine.ledger().write(move |tx| ops::balance_pin(tx, &s, &m, &c)).await?;
            if let Some(d) = refused {
                return Err(GiftError::Declined(d));
            }
            match read(true).await? {
                ops::BalanceRead::Done(s) => Ok(*s),
                ops::BalanceRead::NeedsPinCheck => Err(GiftError::Internal("PIN checked twice".into())),
            }
        }
    }
}

/// Reverses a transaction named by `pxTransactionId` or `externalTransactionId`.
pub async fn reverse(engine: &Engine, meta: Meta, px: Option<i64>, ext: Option<String>) -> Result<Success, GiftError> {
    let setup = setup(engine)?;
    check_meta_async(engine, &setup, &meta).await?;
    if px.is_none() && ext.is_none() {
        return Err(Decline::Invalid("One of pxTransactionId or externalTransactionId must be provided.".into()).into());
    }
    let outcome = engine.ledger().write(move |tx| ops::reverse(tx, &setup, &meta, px, ext.as_deref())).await?;
    outcome.map_err(GiftError::Declined)
}

/// Seeds the demo program: inactive stock plus two active cards with known numbers.
///
/// The known cards (printed in the README): `6036280000000011` holding 50.00 with PIN 1234,
/// `6036280000000029` holding 25.00 without a PIN and registered to phone `+4915100000001`.
pub fn seed_demo(engine: &Engine) -> Result<(), EngineError> {
    let setup = Setup::from_engine(engine)?;
    let program = setup.program.clone();
    let stock = program.demo_stock;
    let demo = demo_cards(&program);
    let numbers: Vec<String> = demo.iter().map(|d| d.0.clone()).collect();
    let for_stock = program.clone();
    engine.ledger().write_blocking(move |tx| {
        for n in &numbers {
            super::cards::register(tx, &for_stock, n, false)?;
        }
        super::cards::generate_in(tx, &for_stock, stock)?;
        Ok::<(), LedgerError>(())
    })?;
    for (number, amount, pin, phone) in demo {
        let meta = Meta {
            merchant_id: setup.merchant_id,
            store_code: setup.store_code(),
            external_id: Some(format!("demo-seed-{number}")),
            principal: "demo".into(),
            ..Meta::default()
        };
        let card = CardInfo {
            printed_card_number: Some(number),
            phone_number: phone,
            card_reg_code: pin,
            ..CardInfo::default()
        };
        let amount = Money::from_minor(amount, program.currency);
        execute_blocking(engine, meta, Op::Sell { card: Some(card), amount, tender: Tender::Cash })
            .map_err(|e| EngineError::Config(format!("demo gift cards: {e}")))?;
    }
    Ok(())
}

/// The demo cards: number, balance in minor units, PIN, phone. Numbers follow the program's
/// prefix and length, so they stay valid if the demo program is edited.
fn demo_cards(program: &Program) -> Vec<(String, i64, Option<String>, Option<String>)> {
    let number = |seq: u32| {
        let body_len = program.length - usize::from(program.luhn);
        let seq = seq.to_string();
        let mut n = program.prefix.clone();
        while n.len() + seq.len() < body_len {
            n.push('0');
        }
        n.push_str(&seq);
        if program.luhn {
            n.push(super::cards::luhn_check_digit(&n));
        }
        n
    };
    let scale = 10i64.pow(u32::from(program.currency.exponent()));
    vec![
        (number(1), 50 * scale, Some("1234".to_string()), None),
        (number(2), 25 * scale, None, Some("+4915100000001".to_string())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_numbers_are_the_documented_ones() {
        let program = Program::from_config(&super::super::cards::ProgramConfig::default(), "EUR").unwrap();
        let cards = demo_cards(&program);
        assert_eq!(cards[0].0, "6036280000000011");
        assert_eq!(cards[1].0, "6036280000000029");
        for c in &cards {
            assert!(program.check_number(&c.0).is_ok());
        }
    }

    #[test]
    fn codes_are_stable_snake_case() {
        assert_eq!(Decline::InsufficientFunds(String::new()).code(), "insufficient_funds");
        assert_eq!(Decline::CardLocked(String::new()).code(), "card_locked");
    }
}
