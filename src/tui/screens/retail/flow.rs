//! The retail screen's keys, scans and typed amounts: what each does to the sale, the call it
//! asks for.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::state::*;
use crate::tui::action::Action;
use crate::tui::app::{Confirm, Cx, Goto, NewOrder, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::*;

impl Retail {
    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = Vec::new();
        match self.step {
            Step::Search => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Up, Action::Up));
                b.push(Binding::new(KeyCode::Down, Action::Down));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Amount => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Up, Action::Up));
                b.push(Binding::new(KeyCode::Down, Action::Down));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::PosaCard => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Pay => {
                b.push(Binding::ch('1', Action::TenderCash));
                b.push(Binding::ch('2', Action::TenderCard));
                b.push(Binding::new(KeyCode::Esc, Action::CancelSale));
            }
            Step::Done => {
                b.push(Binding::hidden(KeyCode::Up, Action::Up));
                b.push(Binding::hidden(KeyCode::Down, Action::Down));
                b.push(Binding::ch('p', Action::Print));
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Stopped | Step::Loading => {
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Step::Creating | Step::Confirming | Step::Resolving | Step::Cancelling => {}
        }
        b
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        match self.step {
            Step::Search => {
                self.search.edit(key);
                self.selected = 0;
                self.refilter();
            }
            Step::Amount => {
                self.amount.edit(key);
            }
            Step::PosaCard => {
                self.card_field.edit(key);
            }
            _ => {}
        }
        self.note = None;
    }

    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        let code = match input {
            Input::Scan(s) => s.trim().to_string(),
            Input::Swipe(s) => s.pan,
            Input::Key(_) => return,
        };
        match self.step {
            Step::Search => {
                // An EAN on the shelf card picks the product at once.
                if let Some(p) = self.products.iter().find(|p| p.code == code).cloned() {
                    self.choose(p);
                } else {
                    self.note = Some((crate::t!("retail-no-product-code", code = code.as_str()), true));
                }
            }
            Step::PosaCard => {
                self.card_field.set_card(&code);
                self.create(cx);
            }
            _ => {}
        }
    }

    fn choose(&mut self, p: ProductView) {
        self.amount.clear();
        self.denom = 0;
        self.note = None;
        self.product = Some(p);
        self.step = Step::Amount;
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match (self.step, a) {
            (Step::Search, Action::Up) => self.selected = self.selected.saturating_sub(1),
            (Step::Search, Action::Down) if self.selected + 1 < self.filtered.len() => self.selected += 1,
            (Step::Search, Action::Submit) => {
                let pick = self.filtered.get(self.selected).and_then(|i| self.products.get(*i)).cloned();
                match pick {
                    Some(p) => self.choose(p),
                    None => self.note = Some((crate::t!("retail-nothing-matches"), true)),
                }
            }
            (Step::Search | Step::Loading | Step::Stopped | Step::Done, Action::Back) => cx.go(Goto::Home),
            (Step::Amount, Action::Up) => self.denom = self.denom.saturating_sub(1),
            (Step::Amount, Action::Down)
                if self.denom + 1 < self.product.as_ref().map(|p| p.denominations.len()).unwrap_or(0) =>
            {
                self.denom += 1
            }
            (Step::Amount, Action::Back) => {
                self.product = None;
                self.step = Step::Search;
            }
            (Step::Amount, Action::Submit) => self.amount_entered(cx),
            (Step::PosaCard, Action::Back) => self.step = Step::Amount,
            (Step::PosaCard, Action::Submit) => {
                if self.card_field.value.len() < 8 {
                    self.note = Some((crate::t!("retail-scan-card-first"), true));
                } else {
                    let typed = self.card_field.value.clone();
                    self.card_field.set_card(&typed);
                    self.create(cx);
                }
            }
            (Step::Pay, Action::TenderCash | Action::TenderCard) => {
                let t = if a == Action::TenderCash { Tender::Cash } else { Tender::Card };
                self.tender = Some(t);
                let value = self.face_value.map(|v| cx.ctx.fmt(v)).unwrap_or_default();
                let name = self.product.as_ref().map(|p| p.name.clone()).unwrap_or_default();
                let paid = match t {
                    Tender::Cash => crate::t!("retail-paid-body-cash", amount = value.as_str()),
                    Tender::Card => crate::t!("retail-paid-body-card", amount = value.as_str()),
                };
                cx.confirm(Confirm {
                    title: crate::t!("retail-paid-title"),
                    body: vec![
                        crate::t!("retail-paid-head", product = name.as_str(), amount = value.as_str()),
                        paid,
                        crate::t!("retail-paid-activates"),
                    ],
                    yes_label: crate::ts!("retail-paid-yes"),
                    no_label: crate::ts!("retail-paid-no"),
                    danger: false,
                    ask: ASK_CONFIRM,
                });
            }
            (Step::Pay, Action::CancelSale) => cx.confirm(Confirm {
                title: crate::t!("retail-cancel-title"),
                body: vec![crate::t!("retail-cancel-body")],
                yes_label: crate::ts!("retail-cancel-yes"),
                no_label: crate::ts!("retail-cancel-no"),
                danger: true,
                ask: ASK_CANCEL,
            }),
            (Step::Done, Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            (Step::Done, Action::Down) => self.scroll = self.scroll.saturating_add(1).min(200),
            (Step::Done, Action::Print) => {
                let receipt = self.order.as_ref().and_then(|o| o.receipt.clone());
                crate::tui::screens::print_key(cx, receipt.as_ref());
            }
            (Step::Done | Step::Stopped, Action::Submit) => {
                let products = std::mem::take(&mut self.products);
                let seq = self.receipt_seq;
                *self = Retail::new();
                self.products = products;
                self.receipt_seq = seq;
                self.refilter();
                self.step = Step::Search;
            }
            (Step::Loading, Action::Submit) => cx.send(products_request(cx)),
            _ => {}
        }
    }

    fn amount_entered(&mut self, cx: &mut Cx) {
        let Some(p) = self.product.clone() else {
            return;
        };
        let typed = self.amount.value.trim();
        let value = if typed.is_empty() {
            match p.denominations.get(self.denom) {
                Some(d) => *d,
                None => {
                    self.note = Some((crate::t!("retail-type-amount"), true));
                    return;
                }
            }
        } else {
            match self.amount.amount(cx.ctx) {
                Ok(Some(m)) => m,
                Ok(None) => return,
                Err(e) => {
                    self.note = Some((e.to_string(), true));
                    return;
                }
            }
        };
        if !p.allows(value) {
            let why = match (p.min, p.max) {
                (Some(lo), Some(hi)) => crate::t!("retail-sold-range", min = lo, max = hi),
                _ => {
                    let ds: Vec<String> = p.denominations.iter().map(|d| cx.ctx.fmt(*d)).collect();
                    crate::t!("retail-sold-one-of", amounts = ds.join(", "))
                }
            };
            self.note = Some((why, true));
            return;
        }
        self.face_value = Some(value);
        self.note = None;
        match p.kind {
            ProductKind::Posa => {
                self.card_field.clear();
                self.step = Step::PosaCard;
            }
            ProductKind::Por => self.create(cx),
        }
    }

    fn create(&mut self, cx: &mut Cx) {
        let (Some(p), Some(value)) = (&self.product, self.face_value) else {
            return;
        };
        self.op = cx.ctx.next_op();
        self.receipt_seq += 1;
        let card = if p.kind == ProductKind::Posa { Some(self.card_field.value.clone()) } else { None };
        let receipt_id = cx.ctx.next_external_id("R");
        let key = cx.ctx.next_external_id("create");
        let (store, terminal, country) = match &cx.ctx.terminal {
            Some(t) => (t.store.clone(), t.terminal.clone(), t.country.clone()),
            None => Default::default(),
        };
        let order = NewOrder {
            product: p.code.clone(),
            face_value: value,
            card,
            store,
            terminal,
            country,
            receipt_id,
            width: cx.ctx.settings.width,
            locale: cx.ctx.locale(),
            key,
        };
        self.step = Step::Creating;
        cx.send(Request::CreateOrder { op: self.op, order });
    }
}
