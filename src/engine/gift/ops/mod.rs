//! Each operation's checks and ledger chain. Everything here runs on the ledger's writer inside
//! one transaction: the checks see every earlier operation, and the transfers, the card's new
//! state and the journal row commit together.
//!
//! Return convention: `Err(GiftError::Declined)` rolls back (nothing was done); `Ok(Err(decline))`
//! commits what was done (only ever a wrong-PIN count or a tombstone) and then declines.

use std::sync::Arc;

use super::store::{self, JournalOp, JournalStatus, Leg, TxnRow};
use super::{Decline, GiftError, Meta, Op, Setup, Success, Tender};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::engine::cards::{
    self, CARD_PIN_TRIES, Card, CardInfo, CardKey, CardState, PIN_TRIES, PinAttempts, PinFailure, PinGate, PinPolicy,
    Program, mask,
};
use crate::ledger::{AccountFlags, CreateTransferResult, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::Money;

mod balance;
mod lifecycle;
mod load;
mod reverse;
mod spend;

pub(super) use balance::{BalanceRead, balance_pin, balance_read};
pub(super) use reverse::reverse;

type Outcome = Result<Result<Success, Decline>, GiftError>;

fn decline<T>(d: Decline) -> Result<T, GiftError> {
    Err(GiftError::Declined(d))
}

/// Whether `store` is a store registered in the retail catalogue.
pub(super) fn store_in_catalog(engine: &Engine, store: &str) -> Result<bool, GiftError> {
    Ok(crate::engine::catalog::stores::store_exists(engine, store)?)
}

/// Amount rules that need no database: positive amounts, load limits.
pub(super) fn check_amounts(program: &Program, op: &Op) -> Result<(), GiftError> {
    let fmt = |m: Money| m.to_plain_string();
    let positive = |name: &str, m: Money| {
        if m.minor() <= 0 { decline(Decline::Invalid(format!("{name} must be greater than zero."))) } else { Ok(()) }
    };
    match op {
        Op::Sell { amount, .. } | Op::Reload { amount, .. } => {
            positive("amount", *amount)?;
            if amount.minor() < program.min_load.minor() {
                return decline(Decline::AmountBelowMinimum(format!(
                    "The smallest load is {}; {} was asked.",
                    fmt(program.min_load),
                    fmt(*amount)
                )));
            }
            if amount.minor() > program.max_load.minor() {
                return decline(Decline::AmountAboveMaximum(format!(
                    "The largest load is {}; {} was asked.",
                    fmt(program.max_load),
                    fmt(*amount)
                )));
            }
            Ok(())
        }
        Op::Redeem { amount, tip, .. } => {
            positive("amount", *amount)?;
            if tip.is_negative() {
                return decline(Decline::Invalid("tip must not be negative.".into()));
            }
            // No card can hold more than max_balance: anything larger is refused before any sum.
            let asked = amount.minor().checked_add(tip.minor());
            if asked.is_none_or(|t| t > program.max_balance.minor()) {
                return decline(Decline::AmountAboveMaximum(format!(
                    "amount plus tip is more than any card holds (at most {}).",
                    fmt(program.max_balance)
                )));
            }
            Ok(())
        }
        Op::Refund { amount, .. } => {
            positive("amount", *amount)?;
            if amount.minor() > program.max_balance.minor() {
                return decline(Decline::AmountAboveMaximum(format!(
                    "A refund is at most {}.",
                    fmt(program.max_balance)
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Identifies a request for replay matching: same operation, card and amounts.
fn fingerprint(op: &Op) -> String {
    let card = |c: &CardInfo| {
        format!(
            "{}/{}/{}/{}",
            c.printed_card_number.as_deref().unwrap_or("").trim(),
            c.track_info.as_deref().unwrap_or("").trim(),
            c.barcode.as_deref().unwrap_or("").trim(),
            c.phone_number.as_deref().unwrap_or("").trim()
        )
    };
    match op {
        Op::Sell { card: c, amount, tender } => {
            format!("sell|{}|{}|{}", c.as_ref().map(card).unwrap_or_default(), amount.minor(), tender.as_str())
        }
        Op::Reload { card: c, amount, tender } => format!("reload|{}|{}|{}", card(c), amount.minor(), tender.as_str()),
        Op::Redeem { card: c, amount, tip, allow_partial } => {
            format!("redeem|{}|{}|{}|{}", card(c), amount.minor(), tip.minor(), allow_partial)
        }
        Op::CashOut { card: c, tender } => format!("cashOut|{}|{}", card(c), tender.as_str()),
        Op::Exchange { card: c, new_card } => format!("exchange|{}|{}", card(c), card(new_card)),
        Op::Activate { card: c } => format!("activate|{}", card(c)),
        Op::Deactivate { card: c } => format!("deactivate|{}", card(c)),
        Op::Refund { card: c, amount, original_px } => format!("refund|{}|{}|{}", card(c), amount.minor(), original_px),
    }
}

/// The card a request means, and whether the caller presented its number (else: found by phone).
fn resolve(tx: &WriteTx<'_>, program: &Program, info: &CardInfo) -> Result<(Card, bool), GiftError> {
    let key = cards::card_key(program, info).map_err(GiftError::Declined)?;
    if cards::phone_names_another_card(tx.sql(), &key, info)? {
        return decline(cards::two_cards_decline());
    }
    match cards::find_card(tx.sql(), &key)? {
        Some(card) => Ok((card, matches!(key, CardKey::Number(_)))),
        None => match key {
            CardKey::Number(n) => decline(Decline::CardNotFound(format!("There is no card {}.", mask(&n)))),
            CardKey::Phone(_) => decline(Decline::CardNotFound("No card is registered to that phone number.".into())),
        },
    }
}

/// Active and not expired, or the decline that says why not.
fn require_active(card: &Card, now: i64) -> Result<(), GiftError> {
    let m = mask(&card.number);
    match card.state {
        CardState::Active if card.expired(now) => decline(Decline::CardExpired(format!("Card {m} has expired."))),
        CardState::Active => Ok(()),
        CardState::Inactive => {
            decline(Decline::CardInactive(format!("Card {m} is not active; sell or activate it first.")))
        }
        CardState::Deactivated => decline(Decline::CardDeactivated(format!("Card {m} is deactivated."))),
        CardState::Closed => decline(Decline::CardClosed(format!("Card {m} was closed (exchanged)."))),
    }
}

/// Checks `cardRegCode` against a card that has a PIN, counting a wrong one for the caller
/// ([`cards::PinAttempts`]: the gate, the comparison and the count happen in this one write).
/// `Some(decline)` means stop; a wrong PIN has been counted (commit it). `needs_pin`: the
/// operation takes value (or the policy asks for the PIN on it), so a missing PIN is refused.
pub(super) fn check_pin(
    tx: &WriteTx<'_>,
    program: &Program,
    card: &Card,
    info: &CardInfo,
    meta: &Meta,
    needs_pin: bool,
) -> Result<Option<Decline>, GiftError> {
    if program.pin == PinPolicy::None || !card.has_pin() {
        return Ok(None);
    }
    let m = mask(&card.number);
    let Some(pin) = info.card_reg_code.as_deref() else {
        return Ok(needs_pin.then(|| Decline::InvalidPin(format!("Card {m} needs its PIN (cardRegCode)."))));
    };
    let now = unix_secs(tx);
    let caller = meta.principal.as_str();
    if let PinGate::CoolingDown { until, card_wide } = PinAttempts::gate(tx.sql(), &card.number, caller, now)? {
        return Ok(Some(cooling_down(&m, until - now, card_wide)));
    }
    if cards::pin_matches(card, pin) {
        PinAttempts::succeeded(tx.sql(), &card.number, caller)?;
        return Ok(None);
    }
    Ok(Some(match PinAttempts::failed(tx.sql(), &card.number, caller, now)? {
        PinFailure::TriesLeft(left) => Decline::InvalidPin(format!(
            "Wrong PIN for card {m}; {left} {} left.",
            if left == 1 { "try" } else { "tries" }
        )),
        PinFailure::CoolingDown { until, card_wide } => {
            let mut d = cooling_down(&m, until - now, card_wide);
            if let Decline::CardLocked(msg) = &mut d {
                msg.insert_str(0, "Wrong PIN. ");
            }
            d
        }
    }))
}

/// The ledger clock in Unix seconds (the clock tests can move).
fn unix_secs(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX)
}

fn cooling_down(masked: &str, secs: i64, card_wide: bool) -> Decline {
    let minutes = (secs.max(1) + 59) / 60;
    let plural = if minutes == 1 { "minute" } else { "minutes" };
    Decline::CardLocked(if card_wide {
        format!(
            "Card {masked} takes no PIN for {minutes} {plural}: {CARD_PIN_TRIES} wrong PINs in a row. Staff can \
             lift this by deactivating and activating the card."
        )
    } else {
        format!(
            "Too many wrong PINs for card {masked} from here ({PIN_TRIES} in a row); try again in {minutes} {plural}."
        )
    })
}

/// The card's spendable balance in minor units.
fn card_balance(tx: &WriteTx<'_>, program: &Program, number: &str) -> Result<i64, GiftError> {
    let account = tx
        .lookup_account(program.account_of(number))?
        .ok_or_else(|| GiftError::Internal(format!("card {} has no ledger account", mask(number))))?;
    i64::try_from(account.available_credit()).map_err(|_| GiftError::Internal("card balance out of range".into()))
}

fn ensure_account(tx: &mut WriteTx<'_>, id: u128, ledger: u32, code: u16) -> Result<(), GiftError> {
    if tx.lookup_account(id)?.is_some() {
        return Ok(());
    }
    let r =
        tx.create_accounts(&[NewAccount { id, ledger, code, flags: AccountFlags::HISTORY, ..NewAccount::default() }])?;
    match r.first() {
        Some(r) if r.is_success() => Ok(()),
        other => Err(GiftError::Internal(format!("account {id:032x} not created: {other:?}"))),
    }
}

/// The account a tender leg books to: the terminal's cash drawer or its card clearing account.
fn tender_account(tx: &mut WriteTx<'_>, setup: &Setup, meta: &Meta, tender: Tender) -> Result<u128, GiftError> {
    let terminal = meta.terminal_id.as_deref().filter(|t| !t.is_empty()).unwrap_or(setup.terminal_id.as_str());
    let code = match tender {
        Tender::Cash => code::CASH_DRAWER,
        Tender::Card => code::CARD_CLEARING,
    };
    let id = account_id(code, setup.program.ledger(), terminal);
    ensure_account(tx, id, setup.program.ledger(), code)?;
    Ok(id)
}

fn store_account(tx: &mut WriteTx<'_>, setup: &Setup, code: u16, store: &str) -> Result<u128, GiftError> {
    let id = account_id(code, setup.program.ledger(), store);
    ensure_account(tx, id, setup.program.ledger(), code)?;
    Ok(id)
}

/// Books `legs` as one linked chain. A card that would go below zero declines; anything else the
/// ledger refuses is internal.
fn post(tx: &mut WriteTx<'_>, program: &Program, px: i64, tag: &str, legs: &[Leg]) -> Result<(), GiftError> {
    let legs: Vec<&Leg> = legs.iter().filter(|l| l.amount > 0).collect();
    if legs.is_empty() {
        return Ok(());
    }
    let mut transfers = Vec::with_capacity(legs.len());
    for (i, leg) in legs.iter().enumerate() {
        transfers.push(NewTransfer {
            id: transfer_id(&format!("gift:{px}:{tag}:{i}")),
            debit_account_id: leg.debit_id()?,
            credit_account_id: leg.credit_id()?,
            amount: leg.amount,
            ledger: program.ledger(),
            code: leg.code,
            flags: if i + 1 < legs.len() { TransferFlags::LINKED } else { TransferFlags::NONE },
            user_data_64: px as u64,
            ..NewTransfer::default()
        });
    }
    let results = tx.create_transfers(&transfers)?;
    let failed = results.iter().find(|r| !r.is_success() && **r != CreateTransferResult::LinkedEventFailed);
    match failed {
        None if results.iter().all(|r| r.is_success()) => Ok(()),
        Some(CreateTransferResult::ExceedsCredits) => {
            decline(Decline::InsufficientFunds("The card does not hold enough for this.".into()))
        }
        other => Err(GiftError::Internal(format!("ledger refused a gift chain: {other:?} / {results:?}"))),
    }
}

fn money(program: &Program, minor: i64) -> String {
    Money::from_minor(minor, program.currency).to_plain_string()
}

struct Reply<'a> {
    card: &'a Card,
    shown: bool,
    current: i64,
    previous: Option<i64>,
    amount: Option<i64>,
    messages: Vec<String>,
}

fn success(program: &Program, px: i64, r: Reply<'_>) -> Success {
    let masked = mask(&r.card.number);
    Success {
        result: "success".into(),
        px_transaction_id: px,
        px_auth_code: store::new_auth_code(),
        current_balance: money(program, r.current),
        previous_balance: r.previous.map(|p| money(program, p)),
        transaction_amount: r.amount.map(|a| money(program, a)),
        printed_card_number: if r.shown { r.card.number.clone() } else { masked.clone() },
        masked_card_number: masked,
        customer_name: r.card.customer_name.clone(),
        card_template_code: program.card_template_code,
        card_template_name: program.card_template_name.clone(),
        tier_code: program.tier_code,
        tier_name: program.tier_name.clone(),
        pos_messages: r.messages,
    }
}

/// Writes the journal row and returns the reply.
fn finish(tx: &WriteTx<'_>, meta: &Meta, mut row: TxnRow, reply: Success) -> Outcome {
    row.px_id = reply.px_transaction_id;
    row.ext_id = meta.external_id.clone();
    row.status = JournalStatus::Done;
    row.reply = serde_json::to_string(&reply).map_err(|e| GiftError::Internal(e.to_string()))?;
    row.store = Some(meta.store_code.clone());
    row.terminal = meta.terminal_id.clone();
    row.cashier = meta.cashier.clone();
    row.check_number = meta.check_number.clone();
    row.principal = Some(meta.principal.clone());
    row.approver = meta.approver.map(|n| format!("user:{n}"));
    store::insert(tx.sql(), &row, cards::tx_secs(tx))?;
    Ok(Ok(reply))
}

/// The stored reply for a replayed `externalTransactionId`, or why it cannot be replayed.
fn replay(row: TxnRow, op: JournalOp, fp: &str) -> Outcome {
    let ext = row.ext_id.clone().unwrap_or_default();
    if row.op == JournalOp::Tombstone {
        return decline(Decline::TransactionReversed(format!(
            "externalTransactionId {ext:?} was reversed before this request arrived; nothing was done."
        )));
    }
    if row.op != op || row.fingerprint != fp {
        return decline(Decline::DuplicateTransactionId(format!(
            "externalTransactionId {ext:?} was already used for a different request."
        )));
    }
    let reply: Success = serde_json::from_str(&row.reply)
        .map_err(|e| GiftError::Internal(format!("stored reply of {}: {e}", row.px_id)))?;
    Ok(Ok(reply))
}

/// Runs one changing operation (on the writer).
pub(super) fn apply(tx: &mut WriteTx<'_>, setup: &Arc<Setup>, meta: &Meta, op: &Op) -> Outcome {
    let fp = fingerprint(op);
    if let Some(ext) = meta.external_id.as_deref()
        && let Some(row) = store::by_ext(tx.sql(), ext)?
    {
        return replay(row, op.journal_op(), &fp);
    }
    let row = TxnRow { op: op.journal_op(), fingerprint: fp, ..TxnRow::default() };
    let now = cards::tx_secs(tx);
    match op {
        Op::Sell { card, amount, tender } => load::sell(tx, setup, meta, row, card.as_ref(), *amount, *tender, now),
        Op::Reload { card, amount, tender } => load::reload(tx, setup, meta, row, card, *amount, *tender, now),
        Op::Redeem { card, amount, tip, allow_partial } => {
            spend::redeem(tx, setup, meta, row, card, *amount, *tip, *allow_partial, now)
        }
        Op::CashOut { card, tender } => spend::cash_out(tx, setup, meta, row, card, *tender, now),
        Op::Exchange { card, new_card } => lifecycle::exchange(tx, setup, meta, row, card, new_card, now),
        Op::Activate { card } => lifecycle::activate(tx, setup, meta, row, card, now),
        Op::Deactivate { card } => lifecycle::deactivate(tx, setup, meta, row, card),
        Op::Refund { card, amount, original_px } => {
            spend::refund(tx, setup, meta, row, card, *amount, *original_px, now)
        }
    }
}

fn has_number(info: &CardInfo) -> bool {
    [&info.printed_card_number, &info.track_info, &info.barcode]
        .iter()
        .any(|f| f.as_deref().is_some_and(|s| !s.trim().is_empty()))
}

fn valid_pin(pin: &str) -> Result<(), GiftError> {
    if pin.is_empty() || pin.len() > 32 || pin.chars().any(char::is_whitespace) {
        return decline(Decline::Invalid("cardRegCode must have 1 to 32 characters and no spaces.".into()));
    }
    Ok(())
}

fn check_limit(program: &Program, balance: i64, add: i64) -> Result<(), GiftError> {
    let after = balance.checked_add(add).ok_or_else(|| GiftError::Internal("balance overflow".into()))?;
    if after > program.max_balance.minor() {
        return decline(Decline::BalanceLimitExceeded(format!(
            "The card would hold {}; a card may hold at most {}.",
            money(program, after),
            money(program, program.max_balance.minor())
        )));
    }
    Ok(())
}
