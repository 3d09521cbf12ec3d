//! Putting value on a card: sell (activate and load, or issue an e-gift card) and reload.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn sell(
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
        && let Some(other) = cards::load_card_by_phone(tx.sql(), p)?
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
        let card = cards::load_card(tx.sql(), &number)?
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
        cards::set_pin(tx.sql(), &card.number, pin)?;
    }
    if let Some(p) = &phone {
        cards::set_phone(tx.sql(), &card.number, p)?;
    }
    let px = store::new_px(tx.sql())?;
    let from = tender_account(tx, setup, meta, tender)?;
    let legs = vec![Leg::new(from, program.account_of(&card.number), amount.minor() as u64, transfer_code::GIFT_SELL)];
    post(tx, program, px, "op", &legs)?;
    cards::activate(tx.sql(), program, &card.number, now)?;
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

#[allow(clippy::too_many_arguments)]
pub(super) fn reload(
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
    if let Some(d) = check_pin(tx, program, &card, info, meta, false)? {
        return Ok(Err(d));
    }
    let previous = card_balance(tx, program, &card.number)?;
    check_limit(program, previous, amount.minor())?;
    let px = store::new_px(tx.sql())?;
    let from = tender_account(tx, setup, meta, tender)?;
    let legs =
        vec![Leg::new(from, program.account_of(&card.number), amount.minor() as u64, transfer_code::GIFT_RELOAD)];
    post(tx, program, px, "op", &legs)?;
    cards::extend_expiry(tx.sql(), program, &card.number, now)?;
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
