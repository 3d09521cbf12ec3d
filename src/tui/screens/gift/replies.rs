//! The gift screen's answers: the confirmation dialog's yes or no, the resolver's ticks, and the
//! engine's replies (a looked-up card, a finished operation, a resolved timeout).

use super::state::*;
use crate::money::Money;
use crate::tui::app::{Ask, Cx, Reply, Request};
use crate::tui::model::*;

impl Gift {
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

    /// The cashier asks again whether the call without an answer happened: its reversal by id,
    /// sent once (the client retries on its own; the screen never does).
    pub(super) fn check_again(&mut self, cx: &mut Cx) {
        if let Some(p) = &mut self.pending
            && p.resolving.is_some()
            && !p.asking
        {
            p.asking = true;
            cx.send(Request::Gift { op: p.op, call: p.call.clone() });
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
        if let Err(CallError::Refused { code, message }) = &result
            && code == "invalid_pin"
            && p.resolving.is_none()
        {
            self.ask_pin(p, message, cx);
            return;
        }
        if let Err(CallError::Refused { code, message }) = &result
            && (code == "needs_approval" || code == "approval_refused")
            && p.resolving.is_none()
        {
            self.manager.clear();
            self.manager_pin.clear();
            self.manager_pin_focus = false;
            // The engine's words are for integrators; the screen says it in the till's language.
            let why = if code == "needs_approval" {
                crate::t!("cashier-approve-needed")
            } else {
                crate::t!("cashier-approve-refused")
            };
            let _ = message;
            self.note = Some((why, true));
            self.pending = Some(p);
            self.step = Step::Approve;
            return;
        }
        if p.lookup {
            self.pending = None;
            let before = self.card.as_ref().and_then(|c| c.balance);
            let read = result.is_ok();
            self.looked_up(p.call.card, p.call.pin, result);
            let now = self.card.as_ref().and_then(|c| c.balance);
            match p.then {
                Some(kind) if read => {
                    if before.is_some()
                        && before != now
                        && let Some(now) = now
                    {
                        self.note = Some((crate::t!("cashier-balance-changed", balance = now), true));
                    }
                    // Carry on with the operation on the fresh balance, from where it was asked.
                    self.step = if kind == GiftKind::CashOut { Step::Menu } else { Step::Amount(kind) };
                    let note = self.note.take();
                    self.fresh = true;
                    if kind == GiftKind::CashOut {
                        self.ask(kind, cx);
                    } else {
                        self.amount_entered(kind, cx);
                    }
                    self.fresh = false;
                    if self.note.is_none() {
                        self.note = note;
                    }
                }
                Some(_) => {}
                None if before.is_some() && read => {
                    if let Some(now) = now {
                        self.note = Some((crate::t!("cashier-balance-reread", balance = now), false));
                    }
                }
                None => {}
            }
            return;
        }
        if let Some(original) = &p.resolving {
            self.resolved(original.clone(), p, result, cx);
            return;
        }
        match result {
            Ok(outcome) => {
                self.pending = None;
                self.finished(outcome, p.split, p.call.rest);
            }
            Err(CallError::Undone { applied }) => {
                self.pending = None;
                self.step = Step::Menu;
                let what = p.call.kind.label();
                let first = if applied {
                    crate::t!("gift-undone-reversed", kind = what)
                } else {
                    crate::t!("gift-undone-never", kind = what)
                };
                cx.message(&crate::t!("gift-did-not-happen", kind = what), did_not_happen(first));
            }
            Err(CallError::Uncertain(why)) => {
                // The call may have happened and the client's own reversals got no answer either.
                // Its reversal by id is ready; the cashier sends it with Enter (a late original is
                // then declined).
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
                    pin: None,
                    approval: None,
                };
                tracing::warn!(detail = %why, "gift call without an answer; its reversal waits for the cashier");
                self.note = Some((crate::t!("gift-no-answer-checking"), true));
                self.pending = Some(Pending {
                    op,
                    call,
                    lookup: false,
                    split: None,
                    resolving: Some(p.call),
                    asking: false,
                    then: None,
                });
                self.step = Step::Resolving;
            }
            Err(e) => {
                self.pending = None;
                self.step = Step::Menu;
                let body = match &e {
                    CallError::Refused { .. } => crate::t!("gift-declined", reason = sentence(&e.message())),
                    CallError::Unreachable(_) => crate::t!("gift-unreachable-nothing-changed", reason = e.message()),
                    _ => e.message(),
                };
                cx.error(&crate::t!("gift-not-done", kind = p.call.kind.label()), body);
            }
        }
    }

    /// The engine wants the card's PIN (none was sent, or it was wrong): ask the customer for it
    /// and keep the refused call, to send again once it is typed. Nothing happened on the card.
    fn ask_pin(&mut self, p: Pending, message: &str, _cx: &mut Cx) {
        if let Some(c) = &mut self.card {
            c.pin = None;
        }
        self.pin.clear();
        self.note = Some((sentence(message), true));
        self.pending = Some(p);
        self.step = Step::Pin;
    }

    fn looked_up(&mut self, card: CardRef, pin: Option<String>, result: Result<GiftOutcome, CallError>) {
        let resume = self.resume.take();
        let card_masked = card.masked();
        match result {
            Ok(o) => {
                self.card = Some(CardView {
                    card,
                    masked: o.masked.clone(),
                    status: CardStatus::Active,
                    balance: Some(o.current),
                    // The only note a balance enquiry carries is that the card has expired.
                    program: if o.messages.is_empty() { String::new() } else { crate::t!("gift-card-expired-note") },
                    pin,
                });
                self.step = Step::Menu;
            }
            Err(CallError::Refused { code, .. }) if is_inactive(&code) => {
                self.card = Some(CardView {
                    masked: card.masked(),
                    card,
                    status: CardStatus::Inactive,
                    balance: None,
                    program: String::new(),
                    pin: None,
                });
                self.note = Some((crate::t!("gift-lookup-inactive", card = card_masked.as_str()), false));
                self.step = Step::Menu;
            }
            // A deactivated card keeps its balance; a manager can activate it again from here.
            Err(CallError::Refused { code, .. }) if code == "card_deactivated" => {
                self.card = Some(CardView {
                    masked: card.masked(),
                    card,
                    status: CardStatus::Blocked,
                    balance: None,
                    program: String::new(),
                    pin: None,
                });
                self.note = Some((crate::t!("gift-lookup-blocked", card = card_masked.as_str()), true));
                self.step = Step::Menu;
            }
            Err(e) => {
                self.card = None;
                self.note = Some((e.message(), true));
                self.step = Step::Card;
                return;
            }
        }
        if let Some(k) = resume {
            self.step = Step::Amount(k);
        }
    }

    /// `rest`: for a reversal of a split redeem, the part to give back in the other tender.
    fn finished(&mut self, outcome: GiftOutcome, split: Option<Split>, rest: Option<(Tender, Money)>) {
        let notes = self.notes(&outcome, rest);
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
                split: split.filter(|_| outcome.kind == GiftKind::Redeem),
            })
        };
        let tender = self.tender.take().filter(|_| outcome.kind.takes_tender());
        self.split = None;
        self.done = Some(Done { outcome, notes, tender, split });
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
                    Ok(_) => crate::t!("gift-undone-reversed", kind = what),
                    _ => crate::t!("gift-undone-never", kind = what),
                };
                cx.message(&crate::t!("gift-did-not-happen", kind = what), did_not_happen(first));
            }
            Err(_) => {
                // Still no answer: the cashier checks again with Enter; the screen says so.
                self.note = Some((crate::t!("gift-still-checking", kind = what), true));
                self.pending = Some(Pending { asking: false, ..p });
            }
        }
    }
}

impl Gift {
    /// The result's notes, from what the till knows of the operation (taken before the card
    /// panel moves on, so an exchange still knows the old card).
    fn notes(&self, o: &GiftOutcome, rest: Option<(Tender, Money)>) -> Vec<String> {
        let old = self.card.as_ref().map(|c| c.masked.clone()).unwrap_or_default();
        let mut notes = Vec::new();
        match o.kind {
            GiftKind::Sell if self.card.as_ref().is_some_and(|c| c.card == CardRef::NewEgift) => {
                // The customer keeps this number: shown whole, never masked or cut.
                notes.push(crate::t!("gift-note-new-egift", number = o.card_number.as_str()));
            }
            GiftKind::CashOut => {
                notes.push(crate::t!("gift-note-pay-out", amount = o.amount.or(o.previous).unwrap_or(o.current)))
            }
            GiftKind::Exchange => notes.push(crate::t!(
                "gift-note-exchanged",
                old = old.as_str(),
                amount = o.current,
                new = o.masked.as_str()
            )),
            GiftKind::Deactivate => {
                notes.push(crate::t!("gift-note-blocked", card = o.masked.as_str(), balance = o.current))
            }
            GiftKind::Reverse => {
                notes.push(crate::t!("gift-note-reversed", id = o.tx_id.to_string()));
                // A split redeem undone: the card got its part back; the customer gets the rest
                // back in the tender they paid it with.
                if let Some((tender, rest)) = rest {
                    let card_amount = o.amount.unwrap_or(Money::zero(rest.currency()));
                    let card = o.masked.as_str();
                    notes.push(match tender {
                        Tender::Cash => crate::t!(
                            "gift-note-reversed-split-cash",
                            card_amount = card_amount,
                            card = card,
                            rest = rest
                        ),
                        Tender::Card => crate::t!(
                            "gift-note-reversed-split-card",
                            card_amount = card_amount,
                            card = card,
                            rest = rest
                        ),
                    });
                }
            }
            _ => {}
        }
        // What the till itself adds (a receipt that could not be stored).
        notes.extend(o.local_notes.iter().cloned());
        notes
    }
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
    vec![first, crate::t!("gift-nothing-charged"), crate::t!("gift-tell-customer")]
}
