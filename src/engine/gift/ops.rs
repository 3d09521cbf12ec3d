//! Each operation's checks and ledger chain. Everything here runs on the ledger's writer inside
//! one transaction: the checks see every earlier operation, and the transfers, the card's new
//! state and the journal row commit together.
//!
//! Return convention: `Err(GiftError::Declined)` rolls back (nothing was done); `Ok(Err(decline))`
//! commits what was done (only ever a wrong-PIN count or a tombstone) and then declines.

use std::sync::Arc;

use super::store::{self, Leg, TxnRow};
use super::{Decline, GiftError, Meta, Op, Setup, Success, Tender};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::engine::cards::{self, Card, CardInfo, CardKey, CardState, PIN_TRIES, PinPolicy, Program, mask};
use crate::ledger::{AccountFlags, CreateTransferResult, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::Money;

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
            Ok(())
        }
        Op::Refund { amount, .. } => positive("amount", *amount),
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
    match cards::find_card(tx.conn(), &key)? {
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

/// Checks `cardRegCode`. `Some(decline)` means stop; a wrong PIN has been counted (commit it).
fn check_pin(
    tx: &WriteTx<'_>,
    program: &Program,
    card: &Card,
    info: &CardInfo,
    takes_value: bool,
) -> Result<Option<Decline>, GiftError> {
    if program.pin == PinPolicy::None || !card.has_pin() {
        return Ok(None);
    }
    let m = mask(&card.number);
    if card.locked() {
        return Ok(Some(Decline::CardLocked(format!("Card {m} is locked after {PIN_TRIES} wrong PINs."))));
    }
    match info.card_reg_code.as_deref() {
        Some(pin) if cards::pin_matches(card, pin) => {
            cards::reset_pin_failures(tx.conn(), &card.number)?;
            Ok(None)
        }
        Some(_) => Ok(Some(wrong_pin(tx, &card.number)?)),
        None if program.pin == PinPolicy::Required && takes_value => {
            Ok(Some(Decline::InvalidPin(format!("Card {m} needs its PIN (cardRegCode)."))))
        }
        None => Ok(None),
    }
}

fn wrong_pin(tx: &WriteTx<'_>, number: &str) -> Result<Decline, GiftError> {
    let failures = cards::record_pin_failure(tx.conn(), number)?;
    let m = mask(number);
    Ok(if failures >= PIN_TRIES {
        Decline::CardLocked(format!("Wrong PIN; card {m} is now locked after {PIN_TRIES} wrong PINs."))
    } else {
        let left = PIN_TRIES - failures;
        Decline::InvalidPin(format!("Wrong PIN for card {m}; {left} {} left.", if left == 1 { "try" } else { "tries" }))
    })
}

/// Counts a wrong PIN seen by a read-only operation (balance).
pub(super) fn count_wrong_pin(tx: &mut WriteTx<'_>, number: &str) -> Result<Decline, GiftError> {
    wrong_pin(tx, number)
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
    let terminal = meta.terminal_id.as_deref().filter(|t| !t.is_empty()).unwrap_or(&setup.terminal_id);
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
    row.status = "done".into();
    row.reply = serde_json::to_string(&reply).map_err(|e| GiftError::Internal(e.to_string()))?;
    row.store = Some(meta.store_code.clone());
    row.terminal = meta.terminal_id.clone();
    row.cashier = meta.cashier.clone();
    row.check_number = meta.check_number.clone();
    row.principal = Some(meta.principal.clone());
    store::insert(tx.conn(), &row)?;
    Ok(Ok(reply))
}

/// The stored reply for a replayed `externalTransactionId`, or why it cannot be replayed.
fn replay(row: TxnRow, op: &str, fp: &str) -> Outcome {
    let ext = row.ext_id.clone().unwrap_or_default();
    if row.op == "tombstone" {
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
        && let Some(row) = store::by_ext(tx.conn(), ext)?
    {
        return replay(row, op.name(), &fp);
    }
    let row = TxnRow { op: op.name().into(), fingerprint: fp, ..TxnRow::default() };
    let now = cards::now_secs();
    match op {
        Op::Sell { card, amount, tender } => sell(tx, setup, meta, row, card.as_ref(), *amount, *tender, now),
        Op::Reload { card, amount, tender } => reload(tx, setup, meta, row, card, *amount, *tender, now),
        Op::Redeem { card, amount, tip, allow_partial } => {
            redeem(tx, setup, meta, row, card, *amount, *tip, *allow_partial, now)
        }
        Op::CashOut { card, tender } => cash_out(tx, setup, meta, row, card, *tender, now),
        Op::Exchange { card, new_card } => exchange(tx, setup, meta, row, card, new_card, now),
        Op::Activate { card } => activate(tx, setup, meta, row, card, now),
        Op::Deactivate { card } => deactivate(tx, setup, meta, row, card),
        Op::Refund { card, amount, original_px } => refund(tx, setup, meta, row, card, *amount, *original_px, now),
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

#[allow(clippy::too_many_arguments)]
fn sell(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: Option<&CardInfo>,
    amount: Money,
    tender: Tender,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let phone = match info.and_then(|i| i.phone_number.as_deref()).filter(|p| !p.trim().is_empty()) {
        Some(p) => Some(cards::normalize_phone(p).map_err(GiftError::Declined)?),
        None => None,
    };
    if let Some(p) = &phone
        && let Some(other) = cards::load_card_by_phone(tx.conn(), p)?
    {
        return decline(Decline::PhoneAlreadyRegistered(format!(
            "That phone number already belongs to card {}; reload that card instead.",
            mask(&other.number)
        )));
    }
    let issue_egift = match info {
        None => true,
        Some(i) => !has_number(i) && i.unsupported.is_none(),
    };
    let (card, shown) = if issue_egift {
        let mut rng = rand::rng();
        let mut tries = 0;
        let number = loop {
            let n = program.random_number(&mut rng);
            if cards::register(tx, program, &n, true)? {
                break n;
            }
            tries += 1;
            if tries > 1000 {
                return Err(GiftError::Internal("no free e-gift card number".into()));
            }
        };
        let card = cards::load_card(tx.conn(), &number)?
            .ok_or_else(|| GiftError::Internal("new e-gift card vanished".into()))?;
        (card, true)
    } else {
        let Some(info) = info else { return Err(GiftError::Internal("sell without card".into())) };
        resolve(tx, program, info)?
    };
    let m = mask(&card.number);
    match card.state {
        CardState::Inactive => {}
        CardState::Active => {
            return decline(Decline::CardAlreadyActive(format!("Card {m} is already active; use reload.")));
        }
        CardState::Deactivated => return decline(Decline::CardDeactivated(format!("Card {m} is deactivated."))),
        CardState::Closed => return decline(Decline::CardClosed(format!("Card {m} was closed (exchanged)."))),
    }
    let previous = card_balance(tx, program, &card.number)?;
    check_limit(program, previous, amount.minor())?;
    if let Some(pin) = info.and_then(|i| i.card_reg_code.as_deref())
        && program.pin != PinPolicy::None
    {
        valid_pin(pin)?;
        cards::set_pin(tx.conn(), &card.number, pin)?;
    }
    if let Some(p) = &phone {
        cards::set_phone(tx.conn(), &card.number, p)?;
    }
    let px = store::new_px(tx.conn())?;
    let from = tender_account(tx, setup, meta, tender)?;
    let legs = vec![Leg::new(from, program.account_of(&card.number), amount.minor() as u64, transfer_code::GIFT_SELL)];
    post(tx, program, px, "op", &legs)?;
    cards::activate(tx.conn(), program, &card.number, now)?;
    let mut messages = Vec::new();
    if card.egift {
        messages.push(format!("New e-gift card {}.", card.number));
    }
    row.card = Some(card.number.clone());
    row.amount = amount.minor();
    row.prev_state = Some(card.state.as_str().into());
    row.phone_set = phone;
    row.legs = legs;
    let current = previous + amount.minor();
    let reply = success(
        program,
        px,
        Reply { card: &card, shown, current, previous: Some(previous), amount: Some(amount.minor()), messages },
    );
    finish(tx, meta, row, reply)
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

#[allow(clippy::too_many_arguments)]
fn reload(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    amount: Money,
    tender: Tender,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    require_active(&card, now)?;
    if let Some(d) = check_pin(tx, program, &card, info, false)? {
        return Ok(Err(d));
    }
    let previous = card_balance(tx, program, &card.number)?;
    check_limit(program, previous, amount.minor())?;
    let px = store::new_px(tx.conn())?;
    let from = tender_account(tx, setup, meta, tender)?;
    let legs =
        vec![Leg::new(from, program.account_of(&card.number), amount.minor() as u64, transfer_code::GIFT_RELOAD)];
    post(tx, program, px, "op", &legs)?;
    cards::extend_expiry(tx.conn(), program, &card.number, now)?;
    row.card = Some(card.number.clone());
    row.amount = amount.minor();
    row.legs = legs;
    let reply = success(
        program,
        px,
        Reply {
            card: &card,
            shown,
            current: previous + amount.minor(),
            previous: Some(previous),
            amount: Some(amount.minor()),
            messages: vec![],
        },
    );
    finish(tx, meta, row, reply)
}

#[allow(clippy::too_many_arguments)]
fn redeem(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    amount: Money,
    tip: Money,
    allow_partial: bool,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    require_active(&card, now)?;
    if let Some(d) = check_pin(tx, program, &card, info, true)? {
        return Ok(Err(d));
    }
    let available = card_balance(tx, program, &card.number)?;
    let total = amount.minor().checked_add(tip.minor()).ok_or_else(|| GiftError::Internal("overflow".into()))?;
    let mut messages = Vec::new();
    let (take_amount, take_tip) = if total <= available {
        (amount.minor(), tip.minor())
    } else if allow_partial && available > 0 {
        let a = amount.minor().min(available);
        messages.push(format!(
            "Partial redemption: {} of {}; {} still to pay.",
            money(program, available),
            money(program, total),
            money(program, total - available)
        ));
        (a, available - a)
    } else {
        return decline(Decline::InsufficientFunds(format!(
            "The card holds {}; {} was asked.",
            money(program, available),
            money(program, total)
        )));
    };
    let px = store::new_px(tx.conn())?;
    let account = program.account_of(&card.number);
    let sales = store_account(tx, setup, code::GIFT_REDEEMED, &meta.store_code)?;
    let mut legs = vec![Leg::new(account, sales, take_amount as u64, transfer_code::GIFT_REDEEM)];
    if take_tip > 0 {
        let tips = store_account(tx, setup, code::TIPS_PAYABLE, &meta.store_code)?;
        legs.push(Leg::new(account, tips, take_tip as u64, transfer_code::GIFT_TIP));
    }
    post(tx, program, px, "op", &legs)?;
    let taken = take_amount + take_tip;
    row.card = Some(card.number.clone());
    row.amount = take_amount;
    row.tip = take_tip;
    row.legs = legs;
    let reply = success(
        program,
        px,
        Reply {
            card: &card,
            shown,
            current: available - taken,
            previous: Some(available),
            amount: Some(taken),
            messages,
        },
    );
    finish(tx, meta, row, reply)
}

fn cash_out(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    tender: Tender,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    require_active(&card, now)?;
    if let Some(d) = check_pin(tx, program, &card, info, true)? {
        return Ok(Err(d));
    }
    let balance = card_balance(tx, program, &card.number)?;
    if balance <= 0 {
        return decline(Decline::NothingToCashOut(format!("Card {} holds nothing.", mask(&card.number))));
    }
    match program.cash_out {
        cards::CashOutRule::Always => {}
        cards::CashOutRule::Never => {
            return decline(Decline::CashOutNotAllowed("This gift card program never pays out in cash.".into()));
        }
        cards::CashOutRule::AtOrUnder if balance > program.cash_out_threshold.minor() => {
            return decline(Decline::CashOutNotAllowed(format!(
                "Cash-out is allowed only for balances up to {}; the card holds {}.",
                money(program, program.cash_out_threshold.minor()),
                money(program, balance)
            )));
        }
        cards::CashOutRule::AtOrUnder => {}
    }
    let px = store::new_px(tx.conn())?;
    let to = tender_account(tx, setup, meta, tender)?;
    let legs = vec![Leg::new(program.account_of(&card.number), to, balance as u64, transfer_code::GIFT_CASH_OUT)];
    post(tx, program, px, "op", &legs)?;
    row.card = Some(card.number.clone());
    row.amount = balance;
    row.legs = legs;
    let messages = vec![format!("Pay out {} in cash.", money(program, balance))];
    let reply = success(
        program,
        px,
        Reply { card: &card, shown, current: 0, previous: Some(balance), amount: Some(balance), messages },
    );
    finish(tx, meta, row, reply)
}

fn exchange(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    new_info: &CardInfo,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let (old, _) = resolve(tx, program, info)?;
    require_active(&old, now)?;
    let (new, shown) = resolve(tx, program, new_info)?;
    if new.number == old.number {
        return decline(Decline::Invalid("cardInfo and newCardInfo name the same card.".into()));
    }
    let nm = mask(&new.number);
    match new.state {
        CardState::Inactive => {}
        CardState::Active => {
            return decline(Decline::CardAlreadyActive(format!("The new card {nm} is already active.")));
        }
        CardState::Deactivated => {
            return decline(Decline::CardDeactivated(format!("The new card {nm} is deactivated.")));
        }
        CardState::Closed => return decline(Decline::CardClosed(format!("The new card {nm} was closed."))),
    }
    if let Some(d) = check_pin(tx, program, &old, info, true)? {
        return Ok(Err(d));
    }
    let balance = card_balance(tx, program, &old.number)?;
    let new_before = card_balance(tx, program, &new.number)?;
    check_limit(program, new_before, balance)?;
    let px = store::new_px(tx.conn())?;
    let legs = vec![Leg::new(
        program.account_of(&old.number),
        program.account_of(&new.number),
        balance as u64,
        transfer_code::GIFT_EXCHANGE,
    )];
    post(tx, program, px, "op", &legs)?;
    cards::set_state(tx.conn(), &old.number, CardState::Closed)?;
    cards::activate(tx.conn(), program, &new.number, now)?;
    if let Some(phone) = &old.phone {
        cards::clear_phone(tx.conn(), &old.number)?;
        cards::set_phone(tx.conn(), &new.number, phone)?;
    }
    if let Some(pin) = new_info.card_reg_code.as_deref()
        && program.pin != PinPolicy::None
    {
        valid_pin(pin)?;
        cards::set_pin(tx.conn(), &new.number, pin)?;
    }
    row.card = Some(old.number.clone());
    row.new_card = Some(new.number.clone());
    row.amount = balance;
    row.prev_state = Some(old.state.as_str().into());
    row.prev_new_state = Some(new.state.as_str().into());
    row.phone_set = old.phone.clone();
    row.legs = legs;
    let messages =
        vec![format!("Card {} is closed; its {} moved to card {nm}.", mask(&old.number), money(program, balance))];
    let reply = success(
        program,
        px,
        Reply {
            card: &new,
            shown,
            current: new_before + balance,
            previous: Some(new_before),
            amount: Some(balance),
            messages,
        },
    );
    finish(tx, meta, row, reply)
}

fn activate(tx: &mut WriteTx<'_>, setup: &Setup, meta: &Meta, mut row: TxnRow, info: &CardInfo, now: i64) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    let m = mask(&card.number);
    match card.state {
        CardState::Inactive | CardState::Deactivated => {}
        CardState::Active => return decline(Decline::CardAlreadyActive(format!("Card {m} is already active."))),
        CardState::Closed => return decline(Decline::CardClosed(format!("Card {m} was closed (exchanged)."))),
    }
    if let Some(pin) = info.card_reg_code.as_deref()
        && program.pin != PinPolicy::None
        && !card.has_pin()
    {
        valid_pin(pin)?;
        cards::set_pin(tx.conn(), &card.number, pin)?;
    }
    // Activation by staff also lifts a PIN lock.
    cards::reset_pin_failures(tx.conn(), &card.number)?;
    cards::activate(tx.conn(), program, &card.number, now)?;
    let balance = card_balance(tx, program, &card.number)?;
    let px = store::new_px(tx.conn())?;
    row.card = Some(card.number.clone());
    row.prev_state = Some(card.state.as_str().into());
    let reply = success(
        program,
        px,
        Reply { card: &card, shown, current: balance, previous: None, amount: None, messages: vec![] },
    );
    finish(tx, meta, row, reply)
}

fn deactivate(tx: &mut WriteTx<'_>, setup: &Setup, meta: &Meta, mut row: TxnRow, info: &CardInfo) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    let m = mask(&card.number);
    match card.state {
        CardState::Active => {}
        CardState::Inactive => return decline(Decline::CardInactive(format!("Card {m} is not active."))),
        CardState::Deactivated => {
            return decline(Decline::CardDeactivated(format!("Card {m} is already deactivated.")));
        }
        CardState::Closed => return decline(Decline::CardClosed(format!("Card {m} was closed (exchanged)."))),
    }
    cards::set_state(tx.conn(), &card.number, CardState::Deactivated)?;
    let balance = card_balance(tx, program, &card.number)?;
    let px = store::new_px(tx.conn())?;
    row.card = Some(card.number.clone());
    row.prev_state = Some(card.state.as_str().into());
    let messages = vec![format!("Card {m} is blocked; its balance of {} is kept.", money(program, balance))];
    let reply =
        success(program, px, Reply { card: &card, shown, current: balance, previous: None, amount: None, messages });
    finish(tx, meta, row, reply)
}

#[allow(clippy::too_many_arguments)]
fn refund(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    amount: Money,
    original_px: i64,
    now: i64,
) -> Outcome {
    let program = &setup.program;
    let (card, shown) = resolve(tx, program, info)?;
    require_active(&card, now)?;
    let not_found = || Decline::TransactionNotFound(format!("There is no redeem with pxTransactionId {original_px}."));
    let Some(orig) = store::by_px(tx.conn(), original_px)? else { return decline(not_found()) };
    if orig.op != "redeem" {
        return decline(not_found());
    }
    if orig.card.as_deref() != Some(card.number.as_str()) {
        return decline(Decline::Invalid(format!(
            "Redeem {original_px} was made with another card, not {}.",
            mask(&card.number)
        )));
    }
    if orig.status == "reversed" {
        return decline(Decline::TransactionReversed(format!("Redeem {original_px} was reversed; nothing to refund.")));
    }
    let remaining = orig.amount + orig.tip - orig.refunded;
    if amount.minor() > remaining {
        return decline(Decline::RefundExceedsRedeemed(format!(
            "At most {} of redeem {original_px} can still be refunded; {} was asked.",
            money(program, remaining),
            money(program, amount.minor())
        )));
    }
    // Refund the sale first, then the tip.
    let from_amount = amount.minor().min(orig.amount - orig.refunded.min(orig.amount));
    let from_tip = amount.minor() - from_amount;
    let store_code = orig.store.clone().unwrap_or_else(|| meta.store_code.clone());
    let previous = card_balance(tx, program, &card.number)?;
    let px = store::new_px(tx.conn())?;
    let account = program.account_of(&card.number);
    let mut legs = Vec::new();
    if from_amount > 0 {
        let sales = store_account(tx, setup, code::GIFT_REDEEMED, &store_code)?;
        legs.push(Leg::new(sales, account, from_amount as u64, transfer_code::GIFT_REFUND));
    }
    if from_tip > 0 {
        let tips = store_account(tx, setup, code::TIPS_PAYABLE, &store_code)?;
        legs.push(Leg::new(tips, account, from_tip as u64, transfer_code::GIFT_REFUND));
    }
    post(tx, program, px, "op", &legs)?;
    store::add_refunded(tx.conn(), original_px, amount.minor())?;
    row.card = Some(card.number.clone());
    row.amount = amount.minor();
    row.original_px = Some(original_px);
    row.legs = legs;
    let reply = success(
        program,
        px,
        Reply {
            card: &card,
            shown,
            current: previous + amount.minor(),
            previous: Some(previous),
            amount: Some(amount.minor()),
            messages: vec![],
        },
    );
    finish(tx, meta, row, reply)
}

/// Reverses the transaction named by `px` or `ext`. An `ext` never seen gets a tombstone.
pub(super) fn reverse(tx: &mut WriteTx<'_>, setup: &Setup, meta: &Meta, px: Option<i64>, ext: Option<&str>) -> Outcome {
    let program = &setup.program;
    let target = match (px, ext) {
        (Some(p), _) => store::by_px(tx.conn(), p)?,
        (None, Some(e)) => store::by_ext(tx.conn(), e)?,
        (None, None) => return decline(Decline::Invalid("Name the transaction to reverse.".into())),
    };
    let tombstone_msg = |e: &str| {
        format!(
            "No transaction with externalTransactionId {e:?} was processed; the id is now blocked, so a late \
             request with it will be declined."
        )
    };
    let Some(t) = target else {
        if let (None, Some(e)) = (px, ext) {
            let row = TxnRow {
                px_id: store::new_px(tx.conn())?,
                ext_id: Some(e.to_string()),
                op: "tombstone".into(),
                status: "tombstone".into(),
                store: Some(meta.store_code.clone()),
                terminal: meta.terminal_id.clone(),
                principal: Some(meta.principal.clone()),
                ..TxnRow::default()
            };
            store::insert(tx.conn(), &row)?;
            return Ok(Err(Decline::TransactionNotFound(tombstone_msg(e))));
        }
        return decline(Decline::TransactionNotFound(format!(
            "There is no transaction with pxTransactionId {}.",
            px.unwrap_or_default()
        )));
    };
    if let (Some(_), Some(e)) = (px, ext)
        && t.ext_id.as_deref() != Some(e)
    {
        return decline(Decline::Invalid(
            "pxTransactionId and externalTransactionId name different transactions.".into(),
        ));
    }
    if t.op == "tombstone" {
        return decline(Decline::TransactionNotFound(tombstone_msg(t.ext_id.as_deref().unwrap_or(""))));
    }
    if t.op == "reverse" {
        return decline(Decline::NotReversible("A reversal cannot itself be reversed.".into()));
    }
    if t.status == "reversed" {
        // Reversing twice changes nothing: the first reversal's reply again.
        let by = t.reversed_by.unwrap_or_default();
        let r = store::by_px(tx.conn(), by)?
            .ok_or_else(|| GiftError::Internal(format!("reversal {by} of {} is missing", t.px_id)))?;
        let reply: Success =
            serde_json::from_str(&r.reply).map_err(|e| GiftError::Internal(format!("stored reply of {by}: {e}")))?;
        return Ok(Ok(reply));
    }
    if t.op == "redeem" && t.refunded > 0 {
        return decline(Decline::NotReversible(format!(
            "Redeem {} has refunds; refund the rest instead of reversing it.",
            t.px_id
        )));
    }
    let number = t.card.clone().ok_or_else(|| GiftError::Internal(format!("txn {} has no card", t.px_id)))?;
    let card = cards::load_card(tx.conn(), &number)?
        .ok_or_else(|| GiftError::Internal(format!("card of txn {} is missing", t.px_id)))?;
    let account = program.account_of(&number);
    let previous = card_balance(tx, program, &number)?;
    let mirrored: Vec<Leg> = t
        .legs
        .iter()
        .rev()
        .map(|l| Leg {
            debit: l.credit.clone(),
            credit: l.debit.clone(),
            amount: l.amount,
            code: transfer_code::GIFT_REVERSE,
        })
        .collect();
    let mut delta: i64 = 0;
    for l in &mirrored {
        if l.credit_id()? == account {
            delta += l.amount as i64;
        }
        if l.debit_id()? == account {
            delta -= l.amount as i64;
        }
    }
    let new_px = store::new_px(tx.conn())?;
    post(tx, program, t.px_id, "reverse", &mirrored).map_err(|e| match e {
        GiftError::Declined(Decline::InsufficientFunds(_)) => GiftError::Declined(Decline::InsufficientFunds(
            "The card no longer holds what this reversal would take back.".into(),
        )),
        other => other,
    })?;
    let current = previous + delta;
    let state = |s: &Option<String>| s.as_deref().and_then(CardState::parse);
    match t.op.as_str() {
        "sell" if current == 0 => {
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.conn(), &number, s)?;
            }
            if t.phone_set.is_some() {
                cards::clear_phone(tx.conn(), &number)?;
            }
        }
        "exchange" => {
            let new_number = t.new_card.clone().unwrap_or_default();
            if let Some(phone) = &t.phone_set {
                cards::clear_phone(tx.conn(), &new_number)?;
                cards::set_phone(tx.conn(), &number, phone)?;
            }
            if let Some(s) = state(&t.prev_new_state) {
                cards::set_state(tx.conn(), &new_number, s)?;
            }
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.conn(), &number, s)?;
            }
        }
        "activate" | "deactivate" => {
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.conn(), &number, s)?;
            }
        }
        "refund" => {
            if let Some(orig) = t.original_px {
                store::add_refunded(tx.conn(), orig, -t.amount)?;
            }
        }
        _ => {}
    }
    // Show the card as the original reply did (masked when it was found by phone).
    let shown =
        serde_json::from_str::<Success>(&t.reply).map(|s| !s.printed_card_number.contains('*')).unwrap_or(false);
    let moved: u64 = mirrored.iter().map(|l| l.amount).sum();
    let mut messages = vec![format!("Transaction {} reversed.", t.px_id)];
    if t.op == "exchange" {
        messages.push(format!("Card {} is open again.", mask(&number)));
    }
    let reply = success(
        program,
        new_px,
        Reply {
            card: &card,
            shown,
            current,
            previous: (moved > 0).then_some(previous),
            amount: (moved > 0).then_some(delta.abs()),
            messages,
        },
    );
    let row = TxnRow {
        px_id: new_px,
        op: "reverse".into(),
        status: "done".into(),
        card: Some(number),
        original_px: Some(t.px_id),
        legs: mirrored,
        reply: serde_json::to_string(&reply).map_err(|e| GiftError::Internal(e.to_string()))?,
        store: Some(meta.store_code.clone()),
        terminal: meta.terminal_id.clone(),
        cashier: meta.cashier.clone(),
        check_number: meta.check_number.clone(),
        principal: Some(meta.principal.clone()),
        ..TxnRow::default()
    };
    store::insert(tx.conn(), &row)?;
    store::mark_reversed(tx.conn(), t.px_id, new_px)?;
    Ok(Ok(reply))
}

/// What a balance enquiry found.
pub(super) enum BalanceRead {
    Done(Box<Success>),
    /// A wrong PIN for this card: count it (a write), then decline.
    WrongPin(String),
}

/// A balance enquiry on a read connection.
pub(super) fn balance_read(engine: &Engine, setup: &Setup, info: &CardInfo) -> Result<BalanceRead, GiftError> {
    let program = &setup.program;
    let key = cards::card_key(program, info).map_err(GiftError::Declined)?;
    let k = key.clone();
    let card = engine.ledger().read(move |conn| cards::find_card(conn, &k))?;
    let Some(card) = card else {
        return decline(match key {
            CardKey::Number(n) => Decline::CardNotFound(format!("There is no card {}.", mask(&n))),
            CardKey::Phone(_) => Decline::CardNotFound("No card is registered to that phone number.".into()),
        });
    };
    let m = mask(&card.number);
    let now = cards::now_secs();
    let mut messages = Vec::new();
    match card.state {
        CardState::Active if card.expired(now) => messages.push(format!("Card {m} has expired.")),
        CardState::Active => {}
        CardState::Inactive => return decline(Decline::CardInactive(format!("Card {m} is not active."))),
        CardState::Deactivated => return decline(Decline::CardDeactivated(format!("Card {m} is deactivated."))),
        CardState::Closed => return decline(Decline::CardClosed(format!("Card {m} was closed (exchanged)."))),
    }
    if program.pin != PinPolicy::None && card.has_pin() {
        if card.locked() {
            return decline(Decline::CardLocked(format!("Card {m} is locked after {PIN_TRIES} wrong PINs.")));
        }
        if let Some(pin) = info.card_reg_code.as_deref()
            && !cards::pin_matches(&card, pin)
        {
            return Ok(BalanceRead::WrongPin(card.number));
        }
    }
    let account = engine
        .ledger()
        .lookup_accounts(&[program.account_of(&card.number)])?
        .into_iter()
        .next()
        .ok_or_else(|| GiftError::Internal(format!("card {m} has no ledger account")))?;
    let balance =
        i64::try_from(account.available_credit()).map_err(|_| GiftError::Internal("balance out of range".into()))?;
    let px = rand::Rng::random_range(&mut rand::rng(), 1..=i64::MAX);
    let shown = matches!(key, CardKey::Number(_));
    Ok(BalanceRead::Done(Box::new(success(
        program,
        px,
        Reply { card: &card, shown, current: balance, previous: None, amount: None, messages },
    ))))
}
