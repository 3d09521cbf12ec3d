//! Reversal by `pxTransactionId` or `externalTransactionId`, and tombstones for ids never seen.

use super::*;

/// Reverses the transaction named by `px` or `ext`. An `ext` never seen gets a tombstone.
pub(in crate::engine::gift) fn reverse(
    tx: &mut WriteTx<'_>,
    setup: &Setup,
    meta: &Meta,
    px: Option<i64>,
    ext: Option<&str>,
) -> Outcome {
    let program = &setup.program;
    let target = match (px, ext) {
        (Some(p), _) => store::by_px(tx.sql(), p)?,
        (None, Some(e)) => store::by_ext(tx.sql(), e)?,
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
                px_id: store::new_px(tx.sql(), tx.now())?,
                ext_id: Some(e.to_string()),
                op: JournalOp::Tombstone,
                status: JournalStatus::Tombstone,
                store: Some(meta.store_code.clone()),
                terminal: meta.terminal_id.clone(),
                principal: Some(meta.principal.clone()),
                ..TxnRow::default()
            };
            store::insert(tx.sql(), &row, cards::tx_secs(tx))?;
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
    if t.op == JournalOp::Tombstone {
        return decline(Decline::TransactionNotFound(tombstone_msg(t.ext_id.as_deref().unwrap_or(""))));
    }
    if t.op == JournalOp::Reverse {
        return decline(Decline::NotReversible("A reversal cannot itself be reversed.".into()));
    }
    if t.status == JournalStatus::Reversed {
        // Reversing twice changes nothing: the first reversal's reply again.
        let by = t.reversed_by.unwrap_or_default();
        let r = store::by_px(tx.sql(), by)?
            .ok_or_else(|| GiftError::Internal(format!("reversal {by} of {} is missing", t.px_id)))?;
        let reply: Success =
            serde_json::from_str(&r.reply).map_err(|e| GiftError::Internal(format!("stored reply of {by}: {e}")))?;
        return Ok(Ok(reply));
    }
    if t.op == JournalOp::Redeem && t.refunded > 0 {
        return decline(Decline::NotReversible(format!(
            "Redeem {} has refunds; refund the rest instead of reversing it.",
            t.px_id
        )));
    }
    let number = t.card.clone().ok_or_else(|| GiftError::Internal(format!("txn {} has no card", t.px_id)))?;
    let card = cards::load_card(tx.sql(), &number)?
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
    let new_px = store::new_px(tx.sql(), tx.now())?;
    post(tx, program, t.px_id, "reverse", &mirrored).map_err(|e| match e {
        GiftError::Declined(Decline::InsufficientFunds(_)) => GiftError::Declined(Decline::InsufficientFunds(
            "The card no longer holds what this reversal would take back.".into(),
        )),
        other => other,
    })?;
    let current = previous + delta;
    let state = |s: &Option<String>| s.as_deref().and_then(CardState::parse);
    match t.op {
        JournalOp::Sell if current == 0 => {
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.sql(), &number, s)?;
            }
            if t.phone_set.is_some() {
                cards::clear_phone(tx.sql(), &number)?;
            }
        }
        JournalOp::Exchange => {
            let new_number = t.new_card.clone().unwrap_or_default();
            if let Some(phone) = &t.phone_set {
                cards::clear_phone(tx.sql(), &new_number)?;
                cards::set_phone(tx.sql(), &number, phone)?;
            }
            if let Some(s) = state(&t.prev_new_state) {
                cards::set_state(tx.sql(), &new_number, s)?;
            }
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.sql(), &number, s)?;
            }
        }
        JournalOp::Activate | JournalOp::Deactivate => {
            if let Some(s) = state(&t.prev_state) {
                cards::set_state(tx.sql(), &number, s)?;
            }
        }
        JournalOp::Refund => {
            if let Some(orig) = t.original_px {
                store::add_refunded(tx.sql(), orig, -t.amount)?;
            }
        }
        _ => {}
    }
    // Show the card as the original reply did (masked when it was found by phone).
    let shown =
        serde_json::from_str::<Success>(&t.reply).map(|s| !s.printed_card_number.contains('*')).unwrap_or(false);
    let moved: u64 = mirrored.iter().map(|l| l.amount).sum();
    let mut messages = vec![format!("Transaction {} reversed.", t.px_id)];
    if t.op == JournalOp::Exchange {
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
        op: JournalOp::Reverse,
        status: JournalStatus::Done,
        card: Some(number),
        original_px: Some(t.px_id),
        legs: mirrored,
        reply: serde_json::to_string(&reply).map_err(|e| GiftError::Internal(e.to_string()))?,
        store: Some(meta.store_code.clone()),
        terminal: meta.terminal_id.clone(),
        cashier: meta.cashier.clone(),
        check_number: meta.check_number.clone(),
        principal: Some(meta.principal.clone()),
        approver: meta.approver.map(|n| format!("user:{n}")),
        ..TxnRow::default()
    };
    store::insert(tx.sql(), &row, cards::tx_secs(tx))?;
    store::mark_reversed(tx.sql(), t.px_id, new_px)?;
    Ok(Ok(reply))
}
