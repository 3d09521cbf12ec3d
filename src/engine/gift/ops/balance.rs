//! The balance enquiry: a read, plus a write only to count a wrong PIN.

use super::*;

/// What a balance enquiry found.
pub(in crate::engine::gift) enum BalanceRead {
    Done(Box<Success>),
    /// A wrong PIN for this card: count it (a write), then decline.
    WrongPin(String),
}

/// A balance enquiry on a read connection.
pub(in crate::engine::gift) fn balance_read(
    engine: &Engine,
    setup: &Setup,
    info: &CardInfo,
) -> Result<BalanceRead, GiftError> {
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
    let px = store::unjournaled_px();
    let shown = matches!(key, CardKey::Number(_));
    Ok(BalanceRead::Done(Box::new(success(
        program,
        px,
        Reply { card: &card, shown, current: balance, previous: None, amount: None, messages },
    ))))
}
