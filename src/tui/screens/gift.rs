//! The gift card screen: present a card (scan, swipe or type), see its panel, then sell, reload,
//! redeem (with tip and split tender), check, cash out, exchange, reverse, activate, deactivate or
//! refund. Everything that moves money is confirmed first; an answer that never came is resolved
//! by reversing with the operation's own id.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::money::Money;
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::*;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Field, FieldKind, panel};

/// Where the cashier is in an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Waiting for a card.
    Card,
    /// A card is on the panel; pick an operation.
    Menu,
    Amount(GiftKind),
    Tender(GiftKind),
    /// Exchange: waiting for the replacement card.
    NewCard,
    /// A call is out.
    Working,
    /// An answer never came; undoing the operation.
    Resolving,
    Result,
}

/// A money split when the card does not cover a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub from_card: Money,
    pub rest: Money,
    pub rest_tender: Option<Tender>,
}

#[derive(Debug, Clone)]
struct Pending {
    op: u64,
    call: GiftCall,
    lookup: bool,
    split: Option<Split>,
    /// For a resolution: the call that got no answer.
    resolving: Option<GiftCall>,
    retry_in: u8,
}

/// A finished operation, as the result panel shows it.
#[derive(Debug, Clone)]
pub struct Done {
    pub outcome: GiftOutcome,
    pub tender: Option<Tender>,
    pub split: Option<Split>,
}

/// The last money-moving operation on this screen, for "reverse last".
#[derive(Debug, Clone)]
struct LastOp {
    external_id: String,
    tx_id: i64,
    kind: GiftKind,
    masked: String,
    amount: Option<Money>,
}

const ASK_RUN: Ask = Ask::Screen(1);
const ASK_REVERSE: Ask = Ask::Screen(2);

pub struct Gift {
    pub step: Step,
    pub card_field: Field,
    pub card: Option<CardView>,
    pub amount: Field,
    pub tip: Field,
    tip_focus: bool,
    pub new_card: Field,
    new_card_ref: Option<CardRef>,
    tender: Option<Tender>,
    split: Option<Split>,
    pending: Option<Pending>,
    /// What to go back to after a card swiped mid-operation has been looked up.
    resume: Option<GiftKind>,
    pub done: Option<Done>,
    /// Lines of the receipt preview scrolled away.
    scroll: u16,
    last: Option<LastOp>,
    pub note: Option<(String, bool)>,
}

impl Default for Gift {
    fn default() -> Self {
        Gift::new()
    }
}

impl Gift {
    pub fn new() -> Gift {
        Gift {
            step: Step::Card,
            card_field: Field::new("Card", FieldKind::Digits, 19),
            card: None,
            amount: Field::new("Amount", FieldKind::Amount, 10),
            tip: Field::new("Tip", FieldKind::Amount, 10),
            tip_focus: false,
            new_card: Field::new("New card", FieldKind::Digits, 19),
            new_card_ref: None,
            tender: None,
            split: None,
            pending: None,
            resume: None,
            done: None,
            scroll: 0,
            last: None,
            note: None,
        }
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.step, Step::Card | Step::Amount(_) | Step::NewCard)
    }

    pub fn busy(&self) -> bool {
        matches!(self.step, Step::Working | Step::Resolving)
    }

    fn status(&self) -> CardStatus {
        self.card.as_ref().map(|c| c.status).unwrap_or(CardStatus::Unknown)
    }

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
                        if self.last.as_ref().is_some_and(|l| l.kind == GiftKind::Redeem) {
                            b.push(Binding::ch('f', Action::GiftRefund));
                        }
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
            Step::NewCard => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Working | Step::Resolving => {}
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
        let card = match input {
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

    fn lookup(&mut self, card: CardRef, cx: &mut Cx) {
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
        };
        self.pending =
            Some(Pending { op, call: call.clone(), lookup: true, split: None, resolving: None, retry_in: 0 });
        self.step = Step::Working;
        cx.send(Request::Gift { op, call });
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match (self.step, a) {
            (Step::Card, Action::Submit) => {
                let digits = self.card_field.value.clone();
                if digits.len() < 8 {
                    self.note = Some(("Type the whole card number, or scan the card.".into(), true));
                } else {
                    self.card_field.set_card(&digits);
                    self.lookup(CardRef::Typed(digits), cx);
                }
            }
            (Step::Card, Action::Back) => cx.go(Goto::Home),
            (Step::Card, Action::NewEgift) => {
                self.card = Some(CardView {
                    card: CardRef::NewEgift,
                    masked: CardRef::NewEgift.masked(),
                    status: CardStatus::Inactive,
                    balance: None,
                    program: String::new(),
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
            (Step::Menu, Action::GiftBalance) => {
                if let Some(c) = &self.card {
                    self.lookup(c.card.clone(), cx);
                }
            }
            (Step::Menu, Action::GiftSell) => self.start_amount(GiftKind::Sell),
            (Step::Menu, Action::GiftReload) => self.start_amount(GiftKind::Reload),
            (Step::Menu, Action::GiftRedeem) => self.start_amount(GiftKind::Redeem),
            (Step::Menu, Action::GiftRefund) => self.start_amount(GiftKind::Refund),
            (Step::Menu, Action::GiftActivate) => self.ask(GiftKind::Activate, cx),
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
                super::print_key(cx, receipt.as_ref());
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
            (Step::NewCard, Action::Submit) => {
                if self.new_card.value.len() < 8 {
                    self.note = Some(("Scan, swipe or type the new card.".into(), true));
                } else {
                    self.new_card_ref = Some(CardRef::Typed(self.new_card.value.clone()));
                    self.ask_exchange(cx);
                }
            }
            _ => {}
        }
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
        let v = f.value.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let currency = cx.ctx.currency().ok_or("The till is still connecting to the engine; try again in a moment.")?;
        // The parser's own reason speaks of separators in the programmer's notation; the cashier
        // gets an example in the store's format instead.
        let example = cx.ctx.fmt(Money::from_minor(2500, currency));
        let m = Money::parse_localized(v, currency, cx.ctx.locale())
            .map_err(|_| format!("\"{v}\" is not an amount. Type it as on a price tag, e.g. {example}"))?;
        if m.minor() < 0 {
            return Err("The amount cannot be negative.".into());
        }
        Ok(Some(m))
    }

    fn amount_entered(&mut self, kind: GiftKind, cx: &mut Cx) {
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
            let msg = if amount.is_some() { "The amount must be more than zero." } else { "Type the amount first." };
            self.note = Some((msg.into(), true));
            return;
        }
        self.note = None;
        match kind {
            GiftKind::Redeem => {
                let total = match (amount, tip) {
                    (Some(a), Some(t)) => a.checked_add(t).ok(),
                    (a, _) => a,
                };
                let balance = self.card.as_ref().and_then(|c| c.balance);
                match (total, balance) {
                    (Some(total), Some(bal)) if total.minor() > bal.minor() => {
                        if bal.minor() <= 0 {
                            self.note = Some(("The card is empty: take another payment.".into(), true));
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
        let prefix = kind.label().to_lowercase().replace(' ', "");
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
        })
    }

    fn ask(&mut self, kind: GiftKind, cx: &mut Cx) {
        let Some(call) = self.build_call(kind, cx) else {
            return;
        };
        let masked = self.card.as_ref().map(|c| c.masked.clone()).unwrap_or_default();
        let money = |m: Option<Money>| m.map(|m| cx.ctx.fmt(m)).unwrap_or_default();
        let balance = self.card.as_ref().and_then(|c| c.balance);
        let mut body = vec![format!("{} · card {masked}", kind.label())];
        match kind {
            GiftKind::Sell | GiftKind::Reload => body.push(format!("Load {} onto the card.", money(call.amount))),
            GiftKind::Activate if self.status() == CardStatus::Blocked => {
                body.push("The card works again, with the balance it kept.".into())
            }
            GiftKind::Activate => body.push("Activate the card with no balance (to load it, use sell).".into()),
            GiftKind::Redeem => {
                let mut l = format!("Take {} from the card", money(call.amount));
                if let Some(t) = call.tip {
                    l.push_str(&format!(" plus {} tip", cx.ctx.fmt(t)));
                }
                body.push(l + ".");
            }
            GiftKind::Refund => body.push(format!("Put {} back on the card.", money(call.amount))),
            GiftKind::CashOut => {
                body.push(format!("Pay the customer {} in cash; the card is emptied.", money(balance)))
            }
            GiftKind::Deactivate => body.push("The card will no longer work.".into()),
            GiftKind::Exchange => body.push(format!(
                "Move {} to the new card {}; the old card stops working.",
                money(balance),
                self.new_card_ref.as_ref().map(|c| c.masked()).unwrap_or_default()
            )),
            GiftKind::Balance | GiftKind::Reverse => {}
        }
        if let (Some(t), Some(a)) = (call.tender, call.amount) {
            body.push(format!("Customer pays {} by {}.", cx.ctx.fmt(a), t.label()));
        }
        if let Some(s) = self.split {
            // The tip is paid last, so it may sit wholly or partly in the rest: say so, or the
            // cashier cannot tell where it went.
            let tip = parse_plain(&self.tip, cx.ctx).ok().flatten().filter(|t| t.minor() > 0);
            let tip_note = match (tip, call.tip) {
                (Some(t), None) => format!(" (the {} tip included)", cx.ctx.fmt(t)),
                (Some(_), Some(_)) => " (the rest of the tip included)".to_string(),
                _ => String::new(),
            };
            body.push(format!(
                "The card does not cover it: customer pays the remaining {} by {}{tip_note}.",
                cx.ctx.fmt(s.rest),
                s.rest_tender.map(|t| t.label()).unwrap_or("cash")
            ));
        }
        let op = cx.ctx.next_op();
        self.pending = Some(Pending { op, call, lookup: false, split: self.split, resolving: None, retry_in: 0 });
        cx.confirm(Confirm {
            title: format!("{}?", kind.label()),
            body,
            yes_label: "do it",
            no_label: "go back",
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
            rest: None,
        };
        let what = match last.amount {
            Some(a) => format!("{} {} on card {}", last.kind.label(), cx.ctx.fmt(a), last.masked),
            None => format!("{} on card {}", last.kind.label(), last.masked),
        };
        self.pending = Some(Pending { op, call, lookup: false, split: None, resolving: None, retry_in: 0 });
        cx.confirm(Confirm {
            title: "Reverse the last operation?".into(),
            body: vec![what, "It is undone completely; money taken or paid must be given back.".into()],
            yes_label: "reverse",
            no_label: "keep it",
            danger: true,
            ask: ASK_REVERSE,
        });
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if (ask == ASK_RUN || ask == ASK_REVERSE)
            && let Some(p) = &self.pending
        {
            self.step = Step::Working;
            cx.send(Request::Gift { op: p.op, call: p.call.clone() });
        }
    }

    pub fn on_declined(&mut self, _ask: Ask, _cx: &mut Cx) {
        self.pending = None;
        if matches!(self.step, Step::Tender(_)) {
            self.step = Step::Menu;
            self.split = None;
            self.tender = None;
        }
    }

    pub fn on_tick(&mut self, cx: &mut Cx) {
        if self.step != Step::Resolving {
            return;
        }
        if let Some(p) = &mut self.pending
            && p.retry_in > 0
        {
            p.retry_in -= 1;
            if p.retry_in == 0 {
                cx.send(Request::Gift { op: p.op, call: p.call.clone() });
            }
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        let Reply::Gift { op, result } = r else {
            return;
        };
        let Some(p) = self.pending.clone() else {
            return;
        };
        if p.op != op {
            return;
        }
        if p.lookup {
            self.pending = None;
            self.looked_up(p.call.card, result);
            return;
        }
        if let Some(original) = &p.resolving {
            self.resolved(original.clone(), p, result, cx);
            return;
        }
        match result {
            Ok(outcome) => {
                self.pending = None;
                self.finished(outcome, p.split);
            }
            Err(CallError::Undone { applied }) => {
                self.pending = None;
                self.step = Step::Menu;
                let what = p.call.kind.label();
                let first = if applied {
                    format!("The engine did not answer in time, so the {what} was reversed.")
                } else {
                    format!("The {what} never reached the card.")
                };
                cx.message(&format!("{what} did not happen"), did_not_happen(first));
            }
            Err(CallError::Uncertain(why)) => {
                // The call may have happened. Undo it by its own id; a late original is then declined.
                let op = cx.ctx.next_op();
                let call = GiftCall {
                    kind: GiftKind::Reverse,
                    card: p.call.card.clone(),
                    new_card: None,
                    amount: None,
                    tip: None,
                    tender: None,
                    external_id: cx.ctx.next_external_id("rev"),
                    reverses: Some(ReverseKey::External(p.call.external_id.clone())),
                    refund_of: None,
                    rest: None,
                };
                self.note = Some((format!("No answer from the engine ({why})."), true));
                self.pending = Some(Pending {
                    op,
                    call: call.clone(),
                    lookup: false,
                    split: None,
                    resolving: Some(p.call),
                    retry_in: 0,
                });
                self.step = Step::Resolving;
                cx.send(Request::Gift { op, call });
            }
            Err(e) => {
                self.pending = None;
                self.step = Step::Menu;
                let body = match &e {
                    CallError::Refused { message, .. } => {
                        format!("Declined: {} Nothing was changed.", sentence(message))
                    }
                    CallError::Unreachable(_) => format!("{}. Nothing was changed; try again.", e.message()),
                    _ => e.message(),
                };
                cx.error(&format!("{} not done", p.call.kind.label()), body);
            }
        }
    }

    fn looked_up(&mut self, card: CardRef, result: Result<GiftOutcome, CallError>) {
        let resume = self.resume.take();
        match result {
            Ok(o) => {
                self.card = Some(CardView {
                    card,
                    masked: o.masked.clone(),
                    status: CardStatus::Active,
                    balance: Some(o.current),
                    program: o.messages.first().cloned().unwrap_or_default(),
                });
                self.step = Step::Menu;
            }
            Err(CallError::Refused { code, message }) if is_inactive(&code) => {
                self.card = Some(CardView {
                    masked: card.masked(),
                    card,
                    status: CardStatus::Inactive,
                    balance: None,
                    program: String::new(),
                });
                self.note = Some((format!("{} Sell or activate it.", sentence(&message)), false));
                self.step = Step::Menu;
            }
            // A deactivated card keeps its balance; a manager can activate it again from here.
            Err(CallError::Refused { code, message }) if code == "card_deactivated" => {
                self.card = Some(CardView {
                    masked: card.masked(),
                    card,
                    status: CardStatus::Blocked,
                    balance: None,
                    program: String::new(),
                });
                self.note = Some((format!("{} Activate it to use it again.", sentence(&message)), true));
                self.step = Step::Menu;
            }
            Err(e) => {
                self.card = None;
                self.note = Some((
                    match e {
                        CallError::Refused { message, .. } => message,
                        other => other.message(),
                    },
                    true,
                ));
                self.step = Step::Card;
                return;
            }
        }
        if let Some(k) = resume {
            self.step = Step::Amount(k);
        }
    }

    fn finished(&mut self, outcome: GiftOutcome, split: Option<Split>) {
        if let Some(c) = &mut self.card
            && c.card == CardRef::NewEgift
            && !outcome.card_number.is_empty()
        {
            c.card = CardRef::Typed(outcome.card_number.clone());
            c.masked = outcome.masked.clone();
        }
        if let Some(c) = &mut self.card {
            // After an exchange the reply is about the new card, which the customer takes away; the
            // old one is closed and offers nothing more, so the panel moves on to the new card.
            if outcome.kind == GiftKind::Exchange
                && let Some(new_card) = self.new_card_ref.clone()
            {
                self.card_field.set_card(new_card.digits());
                c.card = new_card;
                c.masked = outcome.masked.clone();
            }
            c.balance = Some(outcome.current);
            c.status = match outcome.kind {
                GiftKind::Deactivate => CardStatus::Blocked,
                GiftKind::CashOut => CardStatus::Inactive,
                _ => CardStatus::Active,
            };
            if outcome.kind == GiftKind::Reverse
                && outcome.previous.is_some_and(|p| p.minor() > 0)
                && outcome.current.minor() == 0
            {
                c.status = CardStatus::Inactive;
            }
        }
        self.last = if outcome.kind == GiftKind::Reverse || outcome.kind == GiftKind::Balance {
            None
        } else {
            Some(LastOp {
                external_id: outcome.external_id.clone(),
                tx_id: outcome.tx_id,
                kind: outcome.kind,
                masked: outcome.masked.clone(),
                amount: outcome.amount,
            })
        };
        let tender = self.tender.take().filter(|_| outcome.kind.takes_tender());
        self.split = None;
        self.done = Some(Done { outcome, tender, split });
        self.scroll = 0;
        self.step = Step::Result;
    }

    fn resolved(&mut self, original: GiftCall, p: Pending, result: Result<GiftOutcome, CallError>, cx: &mut Cx) {
        let what = original.kind.label();
        match result {
            Ok(_) | Err(CallError::Refused { .. }) => {
                self.pending = None;
                self.step = Step::Menu;
                self.note = None;
                let first = match result {
                    Ok(_) => format!("The engine did not answer in time, so the {what} was reversed."),
                    _ => format!("The {what} never reached the card."),
                };
                cx.message(
                    &format!("{what} did not happen"),
                    vec![
                        first,
                        "Nothing was charged to or loaded on the card.".into(),
                        "Tell the customer: \"Sorry, that did not go through — one moment, I will do it again.\""
                            .into(),
                    ],
                );
            }
            Err(_) => {
                // Still no answer: keep trying every few seconds; the screen says so.
                self.note = Some((
                    format!("Still checking the {what} with the engine… do not hand over money or the card yet."),
                    true,
                ));
                self.pending = Some(Pending { retry_in: 3, ..p });
            }
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        // The result already names the card and its balance; on a narrow screen the receipt gets
        // the card panel's room.
        if self.step == Step::Result
            && area.width < 120
            && let Some(d) = &self.done
        {
            return self.render_result(f, area, d, ctx, theme);
        }
        let side = if area.width >= 100 { 40 } else { 30 };
        let [left, right] = Layout::horizontal([Constraint::Length(side), Constraint::Min(0)]).areas(area);
        self.render_card(f, left, ctx, theme);
        self.render_main(f, right, ctx, theme);
    }

    fn render_card(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let mut lines = vec![self.card_field.line(self.step == Step::Card, theme, 4), Line::raw("")];
        match &self.card {
            Some(c) => {
                lines.push(Line::from(vec![
                    Span::styled("  Number  ", theme.label),
                    Span::styled(c.masked.clone(), theme.value),
                ]));
                let st = match c.status {
                    CardStatus::Active => theme.ok,
                    CardStatus::Inactive => theme.warn,
                    CardStatus::Blocked | CardStatus::Unknown => theme.danger,
                };
                lines.push(Line::from(vec![
                    Span::styled("  Status  ", theme.label),
                    Span::styled(c.status.label(), st),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled("  Balance", theme.label)));
                let bal = c.balance.map(|b| ctx.fmt(b)).unwrap_or_else(|| "—".into());
                lines.push(Line::from(Span::styled(format!("  {bal}"), theme.amount_big)));
                if !c.program.is_empty() {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(format!("  {}", c.program), theme.muted)));
                }
            }
            None if self.step == Step::Working => {
                lines.push(Line::from(Span::styled("  Looking the card up…", theme.muted)));
            }
            None => {
                lines.push(Line::from(Span::styled("  Scan, swipe or type", theme.muted)));
                lines.push(Line::from(Span::styled("  the gift card, then Enter.", theme.muted)));
            }
        }
        f.render_widget(Paragraph::new(lines).block(panel("Card", self.step == Step::Card, theme)), area);
    }

    fn render_main(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let mut lines: Vec<Line> = Vec::new();
        let title = match self.step {
            Step::Card => "Gift card",
            Step::Menu => "Choose an operation",
            Step::Amount(k) | Step::Tender(k) => k.label(),
            Step::NewCard => "Exchange",
            Step::Working => "Working",
            Step::Resolving => "Checking",
            Step::Result => "Done",
        };
        match self.step {
            Step::Card => {
                lines.push(Line::raw(""));
                lines.push(Line::from(" Present the card: scan its barcode, swipe it, or type its number."));
                lines.push(Line::from(" The balance shows as soon as the card is read."));
                lines.push(Line::raw(""));
                lines.push(Line::from(" No card? F2 sells a new e-gift card; its number prints on the receipt."));
                if ctx.terminal.as_ref().is_some_and(|t| t.demo) {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(" Demo cards: 6036280000000011 (PIN 1234)", theme.muted)));
                    lines.push(Line::from(Span::styled("             6036280000000029", theme.muted)));
                }
            }
            Step::Menu => {
                lines.push(Line::raw(""));
                for b in self.bindings().iter().filter(|b| b.is_printable()) {
                    lines.push(Line::from(vec![
                        Span::styled(format!(" {} ", b.key_label()), theme.key),
                        Span::raw(format!("  {}", b.action.describe())),
                    ]));
                }
            }
            Step::Amount(kind) => {
                lines.push(Line::raw(""));
                lines.push(self.amount.line(!self.tip_focus, theme, 8));
                if kind == GiftKind::Redeem {
                    lines.push(Line::raw(""));
                    lines.push(self.tip.line(self.tip_focus, theme, 8));
                }
                lines.push(Line::raw(""));
                let example = ctx.currency().map(|c| ctx.fmt(Money::from_minor(2500, c))).unwrap_or_default();
                let hint = match kind {
                    GiftKind::Refund => format!(" Amount to put back on the card, e.g. {example}"),
                    _ => format!(" Type the amount as on a price tag, e.g. {example}"),
                };
                lines.push(Line::from(Span::styled(hint, theme.muted)));
            }
            Step::Tender(kind) => {
                lines.push(Line::raw(""));
                if let Some(s) = self.split {
                    lines.push(Line::from(format!(" The card covers {}.", ctx.fmt(s.from_card))));
                    lines.push(Line::from(vec![
                        Span::raw(" Still to pay: "),
                        Span::styled(ctx.fmt(s.rest), theme.amount_big),
                    ]));
                } else if let Ok(Some(a)) = parse_plain(&self.amount, ctx) {
                    lines.push(Line::from(vec![
                        Span::raw(format!(" {} — customer pays ", kind.label())),
                        Span::styled(ctx.fmt(a), theme.amount_big),
                    ]));
                }
                lines.push(Line::raw(""));
                lines.push(Line::from(" How does the customer pay?"));
                lines.push(Line::from(vec![Span::styled(" 1 ", theme.key), Span::raw("  cash")]));
                lines.push(Line::from(vec![Span::styled(" 2 ", theme.key), Span::raw("  card")]));
            }
            Step::NewCard => {
                lines.push(Line::raw(""));
                lines.push(self.new_card.line(true, theme, 8));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(" Scan, swipe or type the replacement card.", theme.muted)));
            }
            Step::Working => {
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(" Talking to the engine…", theme.muted)));
            }
            Step::Resolving => {
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(" Making sure nothing was charged twice…", theme.warn)));
            }
            Step::Result => {
                if let Some(d) = &self.done {
                    return self.render_result(f, area, d, ctx, theme);
                }
            }
        }
        if let Some((note, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {note}"), if *danger { theme.danger } else { theme.warn })));
        }
        f.render_widget(widgets::wrapped(lines, panel(title, self.step != Step::Card, theme)), area);
    }

    fn render_result(&self, f: &mut Frame, area: Rect, d: &Done, ctx: &Ctx, theme: &Theme) {
        let o = &d.outcome;
        let receipt_w =
            o.receipt.as_ref().map(|r| r.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4);
        let (info, paper) = match receipt_w {
            Some(w) if area.width >= w + 32 => {
                let [a, b] = Layout::horizontal([Constraint::Min(32), Constraint::Length(w)]).areas(area);
                (a, Some(b))
            }
            Some(_) if area.height >= 22 => {
                let [a, b] = Layout::vertical([Constraint::Length(11), Constraint::Min(0)]).areas(area);
                (a, Some(b))
            }
            _ => (area, None),
        };
        let row = |label: &str, value: String, style| {
            Line::from(vec![Span::styled(format!(" {label:<13}"), theme.label), Span::styled(value, style)])
        };
        let mut lines = vec![Line::from(Span::styled(format!(" {} done · {}", o.kind.label(), o.masked), theme.ok))];
        if let Some(p) = o.previous {
            lines.push(row("Before", ctx.fmt(p), theme.value));
        }
        if let Some(a) = o.amount {
            lines.push(row("Amount", ctx.fmt(a), theme.amount));
        }
        lines.push(row("New balance", ctx.fmt(o.current), theme.amount_big));
        if let Some(t) = d.tender
            && let Some(a) = o.amount
        {
            lines.push(row("Paid", format!("{} by {}", ctx.fmt(a), t.label()), theme.value));
        }
        if let Some(s) = d.split {
            lines.push(row(
                "Still to pay",
                format!("{} by {}", ctx.fmt(s.rest), s.rest_tender.map(|t| t.label()).unwrap_or("cash")),
                theme.warn,
            ));
        }
        lines.push(row("Auth code", o.auth_code.clone(), theme.muted));
        for m in &o.messages {
            lines.push(Line::from(Span::styled(format!(" {m}"), theme.muted)));
        }
        if let Some((note, act)) = super::receipt_note(ctx, o.receipt.as_ref()) {
            lines.push(Line::from(Span::styled(format!(" {note}"), if act { theme.danger } else { theme.muted })));
        }
        f.render_widget(widgets::wrapped(lines, panel("Done", true, theme)), info);
        if let (Some(r), Some(paper)) = (&o.receipt, paper) {
            widgets::receipt(f, paper, "Receipt", &r.lines, self.scroll, theme);
        }
    }
}

fn parse_plain(f: &Field, ctx: &Ctx) -> Result<Option<Money>, ()> {
    if f.value.trim().is_empty() {
        return Ok(None);
    }
    let currency = ctx.currency().ok_or(())?;
    Money::parse_localized(f.value.trim(), currency, ctx.locale()).map(Some).map_err(|_| ())
}

/// A message as a sentence ending in one full stop.
fn sentence(m: &str) -> String {
    format!("{}.", m.trim().trim_end_matches('.'))
}

/// Whether a refusal means "this card exists but is not active yet".
fn is_inactive(code: &str) -> bool {
    let c = code.to_ascii_lowercase();
    c.contains("inactive") || c.contains("not_active") || c.contains("notactive")
}

/// What the cashier reads when an operation without an answer was undone.
fn did_not_happen(first: String) -> Vec<String> {
    vec![
        first,
        "Nothing was charged to or loaded on the card, and no money should change hands.".into(),
        "Tell the customer: \"Sorry, that did not go through. One moment, I will do it again.\"".into(),
    ]
}
