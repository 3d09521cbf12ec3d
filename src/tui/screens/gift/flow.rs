//! The gift screen's flow: keys, scans, confirmations, ticks and answers, and the calls they send.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::state::*;
use crate::money::Money;
use crate::tui::action::Action;
use crate::tui::app::{Confirm, Cx, Goto, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::*;
use crate::tui::widgets::Field;

impl Gift {
    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = Vec::new();
        match self.step {
            Step::Card => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::F(2), Action::NewEgift));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Menu => {
                match self.status() {
                    CardStatus::Active => {
                        b.push(Binding::ch('r', Action::GiftRedeem));
                        b.push(Binding::ch('l', Action::GiftReload));
                        b.push(Binding::ch('b', Action::GiftBalance));
                        b.push(Binding::ch('c', Action::GiftCashOut));
                        b.push(Binding::ch('x', Action::GiftExchange));
                        // Always offered (and so in the help): without a redeem to refund it says how.
                        b.push(Binding::ch('f', Action::GiftRefund));
                        b.push(Binding::ch('d', Action::GiftDeactivate));
                    }
                    CardStatus::Inactive => {
                        b.push(Binding::ch('s', Action::GiftSell));
                        b.push(Binding::ch('a', Action::GiftActivate));
                    }
                    CardStatus::Blocked => b.push(Binding::ch('a', Action::GiftActivate)),
                    CardStatus::Unknown => {}
                }
                if self.last.is_some() {
                    b.push(Binding::ch('v', Action::GiftReverseLast));
                }
                b.push(Binding::ch('n', Action::NewCard));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Amount(kind) => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                if kind == GiftKind::Redeem {
                    b.push(Binding::new(KeyCode::Tab, Action::NextField));
                    b.push(Binding::hidden(KeyCode::BackTab, Action::PrevField));
                }
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Tender(_) => {
                b.push(Binding::ch('1', Action::TenderCash));
                b.push(Binding::ch('2', Action::TenderCard));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::NewCard | Step::Pin => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Approve => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Tab, Action::NextField));
                b.push(Binding::hidden(KeyCode::BackTab, Action::PrevField));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Resolving => {
                if self.pending.as_ref().is_some_and(|p| !p.asking) {
                    b.push(Binding::new(KeyCode::Enter, Action::Submit));
                }
            }
            Step::Working => {}
            Step::Result => {
                b.push(Binding::hidden(KeyCode::Up, Action::Up));
                b.push(Binding::hidden(KeyCode::Down, Action::Down));
                b.push(Binding::ch('p', Action::Print));
                b.push(Binding::new(KeyCode::Enter, Action::NewCard));
                if self.last.is_some() {
                    b.push(Binding::ch('v', Action::GiftReverseLast));
                }
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
        }
        b
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        let field = match self.step {
            Step::Card => &mut self.card_field,
            Step::Amount(_) if self.tip_focus => &mut self.tip,
            Step::Amount(_) => &mut self.amount,
            Step::NewCard => &mut self.new_card,
            Step::Pin => &mut self.pin,
            Step::Approve if self.manager_pin_focus => &mut self.manager_pin,
            Step::Approve => &mut self.manager,
            _ => return,
        };
        field.edit(key);
        self.note = None;
    }

    /// Scans and swipes: a card, wherever the cursor is.
    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        if self.busy() {
            return;
        }
        // In the PIN and the approval forms a burst is typing (a badge scan, a fast manager), never
        // a card: its digits go to the focused field and count as submitted.
        if matches!(self.step, Step::Pin | Step::Approve) {
            if let Input::Scan(s) = &input {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).take(8).collect();
                let field = match self.step {
                    Step::Pin => &mut self.pin,
                    _ if self.manager_pin_focus => &mut self.manager_pin,
                    _ => &mut self.manager,
                };
                if !digits.is_empty() {
                    field.value = digits;
                    self.on_action(Action::Submit, cx);
                }
            }
            return;
        }
        let card = match input {
            // A card's barcode is its number, perhaps grouped; a paste with more around the
            // number is refused whole rather than guessed at (the wrong card would be charged).
            Input::Scan(s) if !is_card_code(&s) => {
                let shown: String = s.trim().chars().take(40).collect();
                self.note = Some((crate::t!("gift-scan-not-a-card", typed = shown), true));
                return;
            }
            Input::Scan(s) => CardRef::Barcode(s.trim().to_string()),
            Input::Swipe(s) => CardRef::Track(s.data),
            Input::Key(_) => return,
        };
        if self.step == Step::NewCard {
            self.new_card.set_card(card.digits());
            self.new_card_ref = Some(card);
            self.ask_exchange(cx);
            return;
        }
        self.resume = match self.step {
            Step::Amount(k) | Step::Tender(k) => Some(k),
            _ => None,
        };
        self.card_field.set_card(card.digits());
        self.lookup(card, cx);
    }

    /// Reads the card's balance again, then carries on with `kind` on it: a card changed at another
    /// till since it was shown is never charged from a stale screen.
    fn refresh_then(&mut self, kind: GiftKind, cx: &mut Cx) {
        self.refresh(cx);
        if let Some(p) = &mut self.pending {
            p.then = Some(kind);
        }
    }

    /// Reads the card on the panel again (`b`); the panel keeps showing it meanwhile, and the
    /// answer says it was read again.
    fn refresh(&mut self, cx: &mut Cx) {
        let Some(card) = self.card.as_ref().map(|c| c.card.clone()) else {
            return;
        };
        let keep = self.card.clone();
        self.lookup(card, cx);
        self.card = keep;
    }

    fn lookup(&mut self, card: CardRef, cx: &mut Cx) {
        // Re-reading the same card keeps the PIN the customer already typed.
        let pin = self.card.as_ref().filter(|c| c.card == card).and_then(|c| c.pin.clone());
        self.card = None;
        self.done = None;
        self.note = None;
        let op = cx.ctx.next_op();
        let call = GiftCall {
            kind: GiftKind::Balance,
            card,
            new_card: None,
            amount: None,
            tip: None,
            tender: None,
            external_id: cx.ctx.next_external_id("bal"),
            reverses: None,
            refund_of: None,
            rest: None,
            pin,
            approval: None,
        };
        self.pending = Some(Pending {
            op,
            call: call.clone(),
            lookup: true,
            split: None,
            resolving: None,
            asking: false,
            then: None,
        });
        self.step = Step::Working;
        cx.send(Request::Gift { op, call });
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match (self.step, a) {
            (Step::Card, Action::Submit) => {
                let digits = self.card_field.value.clone();
                if digits.len() < 8 {
                    self.note = Some((crate::t!("gift-type-whole-number"), true));
                } else {
                    self.card_field.set_card(&digits);
                    self.lookup(CardRef::Typed(digits), cx);
                }
            }
            (Step::Card, Action::Back) => cx.go(Goto::Home),
            (Step::Resolving, Action::Submit) => self.check_again(cx),
            (Step::Card, Action::NewEgift) => {
                self.card = Some(CardView {
                    card: CardRef::NewEgift,
                    masked: CardRef::NewEgift.masked(),
                    status: CardStatus::Inactive,
                    balance: None,
                    program: String::new(),
                    pin: None,
                });
                self.start_amount(GiftKind::Sell);
            }
            (Step::Menu | Step::Result, Action::NewCard) => self.reset(),
            (Step::Menu | Step::Result, Action::Back) => {
                if self.step == Step::Result {
                    self.step = Step::Menu;
                    self.done = None;
                } else {
                    self.reset();
                }
            }
            (Step::Menu, Action::GiftBalance) => self.refresh(cx),
            (Step::Menu, Action::GiftSell) => self.start_amount(GiftKind::Sell),
            (Step::Menu, Action::GiftReload) => self.start_amount(GiftKind::Reload),
            (Step::Menu, Action::GiftRedeem) => self.start_amount(GiftKind::Redeem),
            (Step::Menu, Action::GiftRefund) if self.last.as_ref().is_some_and(|l| l.kind == GiftKind::Redeem) => {
                self.start_amount(GiftKind::Refund)
            }
            (Step::Menu, Action::GiftRefund) => {
                cx.message(&crate::t!("gift-refund-how-title"), vec![crate::t!("gift-refund-how")]);
            }
            (Step::Menu, Action::GiftActivate) => self.ask(GiftKind::Activate, cx),
            (Step::Menu, Action::GiftCashOut) if !self.fresh => self.refresh_then(GiftKind::CashOut, cx),
            (Step::Menu, Action::GiftCashOut) => self.ask(GiftKind::CashOut, cx),
            (Step::Menu, Action::GiftDeactivate) => self.ask(GiftKind::Deactivate, cx),
            (Step::Menu, Action::GiftExchange) => {
                self.new_card.clear();
                self.new_card_ref = None;
                self.step = Step::NewCard;
            }
            (Step::Menu | Step::Result, Action::GiftReverseLast) => self.ask_reverse(cx),
            (Step::Result, Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            (Step::Result, Action::Down) => self.scroll = self.scroll.saturating_add(1).min(200),
            (Step::Result, Action::Print) => {
                let receipt = self.done.as_ref().and_then(|d| d.outcome.receipt.clone());
                crate::tui::screens::print_key(cx, receipt.as_ref());
            }
            (Step::Amount(_), Action::NextField | Action::PrevField) => self.tip_focus = !self.tip_focus,
            (Step::Amount(kind), Action::Submit) => self.amount_entered(kind, cx),
            (Step::Amount(_) | Step::Tender(_), Action::Back)
                if self.card.as_ref().is_some_and(|c| c.card == CardRef::NewEgift) =>
            {
                self.reset()
            }
            (Step::Amount(_) | Step::Tender(_) | Step::NewCard, Action::Back) => {
                self.step = Step::Menu;
                self.split = None;
                self.tender = None;
            }
            (Step::Tender(kind), Action::TenderCash | Action::TenderCard) => {
                let t = if a == Action::TenderCash { Tender::Cash } else { Tender::Card };
                match &mut self.split {
                    Some(s) => s.rest_tender = Some(t),
                    None => self.tender = Some(t),
                }
                self.ask(kind, cx);
            }
            (Step::Pin, Action::Submit) => self.pin_entered(cx),
            (Step::Approve, Action::NextField | Action::PrevField) => self.manager_pin_focus = !self.manager_pin_focus,
            (Step::Approve, Action::Submit) if !self.manager_pin_focus => {
                if self.manager.value.is_empty() {
                    self.note = Some((crate::t!("cashier-approve-number-first"), true));
                } else {
                    self.manager_pin_focus = true;
                }
            }
            (Step::Approve, Action::Submit) => self.approval_entered(cx),
            (Step::Pin | Step::Approve, Action::Back) => {
                self.manager.clear();
                self.manager_pin.clear();
                self.pending = None;
                self.pin.clear();
                self.note = None;
                self.step = if self.card.is_some() { Step::Menu } else { Step::Card };
            }
            (Step::NewCard, Action::Submit) => {
                if self.new_card.value.len() < 8 {
                    self.note = Some((crate::t!("gift-present-new-card"), true));
                } else {
                    self.new_card_ref = Some(CardRef::Typed(self.new_card.value.clone()));
                    self.ask_exchange(cx);
                }
            }
            _ => {}
        }
    }

    /// The customer typed the PIN: send the refused call again with it, under a new id (the
    /// refused one is spent), and keep the PIN for the next operations on this card.
    fn pin_entered(&mut self, cx: &mut Cx) {
        if self.pin.value.len() < 4 {
            self.note = Some((crate::t!("cashier-pin-short"), true));
            return;
        }
        let Some(mut p) = self.pending.take() else {
            self.step = Step::Menu;
            return;
        };
        let pin = std::mem::take(&mut self.pin.value);
        p.op = cx.ctx.next_op();
        p.call.external_id = cx.ctx.next_external_id(&call_prefix(p.call.kind, p.lookup));
        p.call.pin = Some(pin.clone());
        if let Some(c) = self.card.as_mut().filter(|c| c.card == p.call.card) {
            c.pin = Some(pin);
        }
        self.note = None;
        self.step = Step::Working;
        cx.send(Request::Gift { op: p.op, call: p.call.clone() });
        self.pending = Some(p);
    }

    /// The manager typed number and PIN: send the operation again, approved, under a new id. The
    /// approval is for this one call; it is not kept.
    fn approval_entered(&mut self, cx: &mut Cx) {
        if self.manager_pin.value.len() < 4 {
            self.note = Some((crate::t!("cashier-pin-short"), true));
            return;
        }
        let Some(mut p) = self.pending.take() else {
            self.step = Step::Menu;
            return;
        };
        let manager = std::mem::take(&mut self.manager.value);
        let pin = std::mem::take(&mut self.manager_pin.value);
        self.manager_pin_focus = false;
        p.op = cx.ctx.next_op();
        p.call.external_id = cx.ctx.next_external_id(&call_prefix(p.call.kind, p.lookup));
        p.call.approval = Some((manager, pin));
        self.note = None;
        self.step = Step::Working;
        cx.send(Request::Gift { op: p.op, call: p.call.clone() });
        p.call.approval = None;
        self.pending = Some(p);
    }

    fn reset(&mut self) {
        let last = self.last.take();
        *self = Gift::new();
        self.last = last;
    }

    fn start_amount(&mut self, kind: GiftKind) {
        self.amount.clear();
        self.tip.clear();
        self.tip_focus = false;
        self.tender = None;
        self.split = None;
        self.note = None;
        self.step = Step::Amount(kind);
    }

    fn parse(&self, f: &Field, cx: &Cx) -> Result<Option<Money>, String> {
        let m = f.amount(cx.ctx).map_err(|e| e.to_string())?;
        if m.is_some_and(|m| m.minor() < 0) {
            return Err(crate::t!("gift-amount-negative"));
        }
        Ok(m)
    }

    pub(super) fn amount_entered(&mut self, kind: GiftKind, cx: &mut Cx) {
        let amount = match self.parse(&self.amount, cx) {
            Ok(a) => a,
            Err(e) => {
                self.note = Some((e, true));
                return;
            }
        };
        let tip = match self.parse(&self.tip, cx) {
            Ok(t) => t,
            Err(e) => {
                self.note = Some((e, true));
                return;
            }
        };
        let positive = amount.is_some_and(|m| m.minor() > 0);
        if !positive {
            let msg = if amount.is_some() { crate::t!("gift-amount-zero") } else { crate::t!("gift-amount-first") };
            self.note = Some((msg, true));
            return;
        }
        self.note = None;
        if let Some(why) = self.refused_before_tender(kind, amount, cx) {
            self.note = Some((why, true));
            return;
        }
        match kind {
            GiftKind::Redeem if !self.fresh => self.refresh_then(kind, cx),
            GiftKind::Redeem => {
                let total = match (amount, tip) {
                    (Some(a), Some(t)) => a.checked_add(t).ok(),
                    (a, _) => a,
                };
                let balance = self.card.as_ref().and_then(|c| c.balance);
                match (total, balance) {
                    (Some(total), Some(bal)) if total.minor() > bal.minor() => {
                        if bal.minor() <= 0 {
                            self.note = Some((crate::t!("gift-card-empty"), true));
                            return;
                        }
                        let rest = Money::from_minor(total.minor() - bal.minor(), bal.currency());
                        self.split = Some(Split { from_card: bal, rest, rest_tender: None });
                        self.step = Step::Tender(kind);
                    }
                    _ => self.ask(kind, cx),
                }
            }
            k if k.takes_tender() && positive => self.step = Step::Tender(kind),
            _ => self.ask(kind, cx),
        }
    }

    /// The call a confirmed operation makes.
    fn build_call(&self, kind: GiftKind, cx: &mut Cx) -> Option<GiftCall> {
        let card = self.card.as_ref()?.card.clone();
        let mut amount = self.parse(&self.amount, cx).ok().flatten();
        let mut tip = self.parse(&self.tip, cx).ok().flatten();
        if let (Some(split), Some(a)) = (self.split, amount) {
            // Take what the card holds: the amount first, then as much of the tip as is left.
            let card_amount = a.minor().min(split.from_card.minor());
            let card_tip = (split.from_card.minor() - card_amount).min(tip.map(|t| t.minor()).unwrap_or(0));
            amount = Some(Money::from_minor(card_amount, a.currency()));
            tip = if card_tip > 0 { Some(Money::from_minor(card_tip, a.currency())) } else { None };
        }
        let prefix = call_prefix(kind, false);
        Some(GiftCall {
            kind,
            card,
            new_card: if kind == GiftKind::Exchange { self.new_card_ref.clone() } else { None },
            amount: if kind.needs_amount() { amount } else { None },
            tip: if kind == GiftKind::Redeem { tip } else { None },
            // A tender chosen for an earlier, declined operation must not stick to this one.
            tender: if kind.takes_tender() { self.tender } else { None },
            external_id: cx.ctx.next_external_id(&prefix),
            reverses: None,
            refund_of: self.last.as_ref().filter(|l| l.kind == GiftKind::Redeem).map(|l| l.tx_id),
            rest: self
                .split
                .filter(|_| kind == GiftKind::Redeem)
                .map(|s| (s.rest_tender.unwrap_or(Tender::Cash), s.rest)),
            pin: self.card.as_ref().and_then(|c| c.pin.clone()),
            approval: None,
        })
    }

    pub(super) fn ask(&mut self, kind: GiftKind, cx: &mut Cx) {
        if kind == GiftKind::CashOut
            && let Some(why) = self.refused_before_tender(kind, None, cx)
        {
            self.note = Some((why, true));
            return;
        }
        let Some(call) = self.build_call(kind, cx) else {
            return;
        };
        let masked = self.card.as_ref().map(|c| c.masked.clone()).unwrap_or_default();
        let money = |m: Option<Money>| m.map(|m| cx.ctx.fmt(m)).unwrap_or_default();
        let balance = self.card.as_ref().and_then(|c| c.balance);
        let mut body = vec![crate::t!("gift-confirm-head", kind = kind.label(), card = masked.as_str())];
        match kind {
            GiftKind::Sell | GiftKind::Reload => body.push(crate::t!("gift-confirm-load", amount = money(call.amount))),
            GiftKind::Activate if self.status() == CardStatus::Blocked => body.push(crate::t!("gift-confirm-unblock")),
            GiftKind::Activate => body.push(crate::t!("gift-confirm-activate")),
            GiftKind::Redeem => body.push(match call.tip {
                Some(t) => crate::t!("gift-confirm-redeem-tip", amount = money(call.amount), tip = cx.ctx.fmt(t)),
                None => crate::t!("gift-confirm-redeem", amount = money(call.amount)),
            }),
            GiftKind::Refund => body.push(crate::t!("gift-confirm-refund", amount = money(call.amount))),
            GiftKind::CashOut => body.push(crate::t!("gift-confirm-cash-out", amount = money(balance))),
            GiftKind::Deactivate => body.push(crate::t!("gift-confirm-deactivate")),
            GiftKind::Exchange => body.push(crate::t!(
                "gift-confirm-exchange",
                amount = money(balance),
                card = self.new_card_ref.as_ref().map(|c| c.masked()).unwrap_or_default()
            )),
            GiftKind::Balance | GiftKind::Reverse => {}
        }
        if let (Some(t), Some(a)) = (call.tender, call.amount) {
            body.push(crate::t!("gift-confirm-customer-pays", amount = cx.ctx.fmt(a), tender = t.label()));
        }
        if let Some(s) = self.split {
            // The tip is paid last, so it may sit wholly or partly in the rest: say so, or the
            // cashier cannot tell where it went.
            let tip = self.tip.amount(cx.ctx).ok().flatten().filter(|t| t.minor() > 0);
            let rest = cx.ctx.fmt(s.rest);
            let tender = s.rest_tender.unwrap_or(Tender::Cash).label();
            body.push(match (tip, call.tip) {
                (Some(t), None) => {
                    crate::t!("gift-confirm-rest-tip", amount = rest, tender = tender, tip = cx.ctx.fmt(t))
                }
                (Some(_), Some(_)) => crate::t!("gift-confirm-rest-tip-part", amount = rest, tender = tender),
                _ => crate::t!("gift-confirm-rest", amount = rest, tender = tender),
            });
        }
        let op = cx.ctx.next_op();
        self.pending =
            Some(Pending { op, call, lookup: false, split: self.split, resolving: None, asking: false, then: None });
        cx.confirm(Confirm {
            title: crate::t!("gift-confirm-title", kind = kind.label()),
            body,
            yes_label: crate::ts!("gift-do-it"),
            no_label: crate::ts!("gift-go-back"),
            danger: matches!(kind, GiftKind::CashOut | GiftKind::Deactivate),
            ask: ASK_RUN,
        });
    }

    fn ask_exchange(&mut self, cx: &mut Cx) {
        self.step = Step::Menu;
        self.ask(GiftKind::Exchange, cx);
    }

    fn ask_reverse(&mut self, cx: &mut Cx) {
        let Some(last) = &self.last else {
            return;
        };
        let op = cx.ctx.next_op();
        let call = GiftCall {
            kind: GiftKind::Reverse,
            card: self.card.as_ref().map(|c| c.card.clone()).unwrap_or(CardRef::Typed(String::new())),
            new_card: None,
            amount: None,
            tip: None,
            tender: None,
            external_id: cx.ctx.next_external_id("rev"),
            reverses: Some(ReverseKey::External(last.external_id.clone())),
            refund_of: None,
            // A split redeem: its receipt shows the rest going back in its own tender.
            rest: last.split.map(|s| (s.rest_tender.unwrap_or(Tender::Cash), s.rest)),
            pin: None,
            approval: None,
        };
        let what = match last.amount {
            Some(a) => crate::t!(
                "gift-reverse-what-amount",
                kind = last.kind.label(),
                amount = cx.ctx.fmt(a),
                card = last.masked.as_str()
            ),
            None => crate::t!("gift-reverse-what", kind = last.kind.label(), card = last.masked.as_str()),
        };
        let mut body = vec![what];
        if let (Some((tender, rest)), Some(card_amount)) = (call.rest, last.amount) {
            body.push(match tender {
                Tender::Cash => crate::t!("gift-reverse-split-cash", card_amount = card_amount, rest = rest),
                Tender::Card => crate::t!("gift-reverse-split-card", card_amount = card_amount, rest = rest),
            });
        }
        body.push(crate::t!("gift-reverse-body"));
        self.pending =
            Some(Pending { op, call, lookup: false, split: None, resolving: None, asking: false, then: None });
        cx.confirm(Confirm {
            title: crate::t!("gift-reverse-title"),
            body,
            yes_label: crate::ts!("gift-reverse-yes"),
            no_label: crate::ts!("gift-reverse-no"),
            danger: true,
            ask: ASK_REVERSE,
        });
    }
}

/// The prefix of an operation's `externalTransactionId` (`bal` for a card lookup).
fn call_prefix(kind: GiftKind, lookup: bool) -> String {
    if lookup { "bal".to_string() } else { kind.label().to_lowercase().replace(' ', "") }
}

/// Whether a scan or paste is a card number alone: digits, grouped by spaces or dashes, or a
/// whole track 2 some combined barcodes deliver.
pub fn is_card_code(s: &str) -> bool {
    let t = s.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 4 && t.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '=' | ';' | '?'))
}
