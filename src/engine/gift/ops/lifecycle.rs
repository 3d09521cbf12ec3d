//! A card's life: exchange for another card, activate without a load, deactivate.

use super::*;

pub(super) fn exchange(
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
    if let Some(d) = check_pin(tx, program, &old, info, meta, true)? {
        return Ok(Err(d));
    }
    let balance = card_balance(tx, program, &old.number)?;
    let new_before = card_balance(tx, program, &new.number)?;
    check_limit(program, new_before, balance)?;
    let px = store::new_px(tx.sql())?;
    let legs = vec![Leg::new(
        program.account_of(&old.number),
        program.account_of(&new.number),
        balance as u64,
        transfer_code::GIFT_EXCHANGE,
    )];
    post(tx, program, px, "op", &legs)?;
    cards::set_state(tx.sql(), &old.number, CardState::Closed)?;
    cards::activate(tx.sql(), program, &new.number, now)?;
    if let Some(phone) = &old.phone {
        cards::clear_phone(tx.sql(), &old.number)?;
        cards::set_phone(tx.sql(), &new.number, phone)?;
    }
    if let Some(pin) = new_info.card_reg_code.as_deref()
        && program.pin != PinPolicy::None
    {
        valid_pin(pin)?;
        cards::set_pin(tx.sql(), &new.number, pin)?;
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

pub(super) fn activate(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
    now: i64,
) -> Outcome {
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
        cards::set_pin(tx.sql(), &card.number, pin)?;
    }
    // Activation by staff also ends every PIN cool-down on the card.
    PinAttempts::clear(tx.sql(), &card.number)?;
    cards::activate(tx.sql(), program, &card.number, now)?;
    let balance = card_balance(tx, program, &card.number)?;
    let px = store::new_px(tx.sql())?;
    row.card = Some(card.number.clone());
    row.prev_state = Some(card.state.as_str().into());
    let reply = success(
        program,
        px,
        Reply { card: &card, shown, current: balance, previous: None, amount: None, messages: vec![] },
    );
    finish(tx, meta, row, reply)
}

pub(super) fn deactivate(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    mut row: TxnRow,
    info: &CardInfo,
) -> Outcome {
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
    cards::set_state(tx.sql(), &card.number, CardState::Deactivated)?;
    let balance = card_balance(tx, program, &card.number)?;
    let px = store::new_px(tx.sql())?;
    row.card = Some(card.number.clone());
    row.prev_state = Some(card.state.as_str().into());
    let messages = vec![format!("Card {m} is blocked; its balance of {} is kept.", money(program, balance))];
    let reply =
        success(program, px, Reply { card: &card, shown, current: balance, previous: None, amount: None, messages });
    finish(tx, meta, row, reply)
}
