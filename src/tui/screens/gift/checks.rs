//! Checks before money is taken: a load the program refuses (under its minimum, over its maximum,
//! or past the card's balance limit) and a cash-out it forbids are refused on the screen, before
//! the tender step, with the program's own limits from the engine. The engine checks again.

use super::state::*;
use crate::money::Money;
use crate::tui::app::Cx;
use crate::tui::model::*;

impl Gift {
    /// Why the program refuses `kind` for `amount` on the card on the panel; `None`: go ahead.
    pub(super) fn refused_before_tender(&self, kind: GiftKind, amount: Option<Money>, cx: &Cx) -> Option<String> {
        let limits = cx.ctx.terminal.as_ref()?.limits?;
        let balance = self.card.as_ref().and_then(|c| c.balance);
        match kind {
            GiftKind::Sell | GiftKind::Reload => {
                let a = amount?;
                if a.minor() < limits.min_load.minor() {
                    return Some(crate::t!("cashier-load-min", amount = limits.min_load));
                }
                if a.minor() > limits.max_load.minor() {
                    return Some(crate::t!("cashier-load-max", amount = limits.max_load));
                }
                let after = balance.map_or(a.minor(), |b| b.minor().saturating_add(a.minor()));
                if after > limits.max_balance.minor() {
                    let room = limits.max_balance.minor().saturating_sub(balance.map_or(0, |b| b.minor())).max(0);
                    let room = Money::from_minor(room, limits.max_balance.currency());
                    return Some(crate::t!("cashier-load-balance-limit", limit = limits.max_balance, room = room));
                }
                None
            }
            GiftKind::CashOut => match limits.cash_out {
                None => Some(crate::t!("cashier-cash-out-never")),
                Some(Some(threshold)) if balance.is_some_and(|b| b.minor() > threshold.minor()) => {
                    Some(crate::t!("cashier-cash-out-threshold", threshold = threshold))
                }
                _ => None,
            },
            _ => None,
        }
    }
}
