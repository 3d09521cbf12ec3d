//! The balance enquiry: a read; when a PIN has to be checked, the check (and the count of a wrong
//! one) is a write first, so guesses are counted atomically like every other operation's.

use super::*;

/// What a balance enquiry found.
pub(in crate::engine::gift) enum BalanceRead {
    Done(Box<Success>),
    /// The card has a PIN to check: run [`balance_pin`] (a write), then read again.
    NeedsPinCheck,
}

/// A balance enquiry on a read connection.
pub(in crate::engine::gift) fn balance_read(
    engine: &Engine,
    setup: &Setup,
    info: &CardInfo,
    pin_checked: bool,
) -> Result<BalanceRead, GiftError> {
    let program = &setup.program;
    let key = cards::card_key(program, info).map_err(GiftError::Declined)?;
    let k = key.clone();
    let card = engine.ledger().read_sql(move |sql| cards::find_card(sql, &k))?;
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
    if program.pin != PinPolicy::None && card.has_pin() && !pin_checked {
        if info.card_reg_code.is_some() {
            return Ok(BalanceRead::NeedsPinCheck);
        }
        if program.pin == PinPolicy::Required {
            return decline(Decline::InvalidPin(format!("Card {m} needs its PIN (cardRegCode).")));
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
    let px = store::unjournaled_px();
    let shown = matches!(key, CardKey::Number(_));
    Ok(BalanceRead::Done(Box::new(success(
        program,
        px,
        Reply { card: &card, shown, current: balance, previous: None, amount: None, messages },
    ))))
}

/// Checks the PIN a balance enquiry carries, on the writer (see [`check_pin`]). `Ok(Some(d))`:
/// decline with `d` after committing the count.
pub(in crate::engine::gift) fn balance_pin(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    info: &CardInfo,
) -> Result<Option<Decline>, GiftError> {
    let program = &setup.program;
    let (card, _) = resolve(tx, program, info)?;
    check_pin(tx, program, &card, info, meta, program.pin == PinPolicy::Required)
}
