//! Taking value off a card: redeem (with tip, partial on request), cash-out; and refunds
//! against an earlier redeem.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn redeem(
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
    if let Some(d) = check_pin(tx, program, &card, info, meta, true)? {
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
    let px = store::new_px(tx.sql(), tx.now())?;
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

pub(super) fn cash_out(
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
    if let Some(d) = check_pin(tx, program, &card, info, meta, true)? {
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
    let px = store::new_px(tx.sql(), tx.now())?;
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

#[allow(clippy::too_many_arguments)]
pub(super) fn refund(
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
    let Some(orig) = store::by_px(tx.sql(), original_px)? else { return decline(not_found()) };
    if orig.op != JournalOp::Redeem {
        return decline(not_found());
    }
    if orig.card.as_deref() != Some(card.number.as_str()) {
        return decline(Decline::Invalid(format!(
            "Redeem {original_px} was made with another card, not {}.",
            mask(&card.number)
        )));
    }
    if orig.status == JournalStatus::Reversed {
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
    let px = store::new_px(tx.sql(), tx.now())?;
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
    store::add_refunded(tx.sql(), original_px, amount.minor())?;
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
