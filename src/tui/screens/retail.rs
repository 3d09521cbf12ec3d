//! Retail gift cards (the distributor's two-step order): find the product, pick the amount, scan
//! the card for POSA, create the order (the preliminary check), take the payment, confirm, print
//! the returned lines. Cancelling invalidates; a confirm with no answer is resolved by asking for
//! the order and then confirming or invalidating as its state requires.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::money::Money;
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, NewOrder, OrderStep, Reply, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::*;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Field, FieldKind, panel};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Loading,
    Search,
    Amount,
    PosaCard,
    Creating,
    Pay,
    Confirming,
    /// The confirm got no answer: finding out what happened.
    Resolving,
    Cancelling,
    Done,
    /// The sale did not happen; `outcome` says what to tell the customer.
    Stopped,
}

const ASK_CONFIRM: Ask = Ask::Screen(10);
const ASK_CANCEL: Ask = Ask::Screen(11);

pub struct Retail {
    pub step: Step,
    pub products: Vec<ProductView>,
    pub search: Field,
    /// Indexes of the products matching the search text (kept current as the text changes).
    filtered: Vec<usize>,
    selected: usize,
    pub product: Option<ProductView>,
    pub amount: Field,
    denom: usize,
    pub face_value: Option<Money>,
    pub card_field: Field,
    pub order: Option<OrderView>,
    pub tender: Option<Tender>,
    op: u64,
    retry_in: u8,
    pub outcome: Vec<String>,
    pub note: Option<(String, bool)>,
    receipt_seq: u64,
    /// Lines of the receipt preview scrolled away.
    scroll: u16,
}

impl Retail {
    pub fn open(cx: &mut Cx) -> Retail {
        cx.send(products_request(cx));
        Retail::new()
    }

    pub fn new() -> Retail {
        Retail {
            step: Step::Loading,
            products: Vec::new(),
            search: Field::new("Find", FieldKind::Text, 30),
            filtered: Vec::new(),
            selected: 0,
            product: None,
            amount: Field::new("Amount", FieldKind::Amount, 10),
            denom: 0,
            face_value: None,
            card_field: Field::new("Card", FieldKind::Digits, 24),
            order: None,
            tender: None,
            op: 0,
            retry_in: 0,
            outcome: Vec::new(),
            note: None,
            receipt_seq: 0,
            scroll: 0,
        }
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.step, Step::Search | Step::Amount | Step::PosaCard)
    }

    /// An order exists that is neither confirmed nor invalidated.
    pub fn busy(&self) -> bool {
        matches!(self.step, Step::Creating | Step::Pay | Step::Confirming | Step::Resolving | Step::Cancelling)
    }

    /// The products matching the search text.
    pub fn matches(&self) -> Vec<&ProductView> {
        self.filtered.iter().filter_map(|i| self.products.get(*i)).collect()
    }

    fn refilter(&mut self) {
        let q = self.search.value.clone();
        self.filtered = self.products.iter().enumerate().filter(|(_, p)| p.matches(&q)).map(|(i, _)| i).collect();
        self.selected = self.selected.min(self.filtered.len().saturating_sub(1));
    }

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
                    self.note = Some((format!("No product with code {code}."), true));
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
                    None => self.note = Some(("Nothing matches; type less or scan the product.".into(), true)),
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
                    self.note = Some(("Scan the card's barcode (or type its number).".into(), true));
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
                cx.confirm(Confirm {
                    title: "Payment received?".into(),
                    body: vec![
                        format!("{name} · {value}"),
                        format!("The customer has paid {value} by {}.", t.label()),
                        "Confirming activates the gift card.".into(),
                    ],
                    yes_label: "confirm sale",
                    no_label: "not yet",
                    danger: false,
                    ask: ASK_CONFIRM,
                });
            }
            (Step::Pay, Action::CancelSale) => cx.confirm(Confirm {
                title: "Cancel this sale?".into(),
                body: vec!["The order is invalidated; no card is activated.".into()],
                yes_label: "cancel sale",
                no_label: "keep selling",
                danger: true,
                ask: ASK_CANCEL,
            }),
            (Step::Done, Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            (Step::Done, Action::Down) => self.scroll = self.scroll.saturating_add(1).min(200),
            (Step::Done, Action::Print) => {
                let receipt = self.order.as_ref().and_then(|o| o.receipt.clone());
                super::print_key(cx, receipt.as_ref());
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
                    self.note = Some(("Type the amount.".into(), true));
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
            let range = match (p.min, p.max) {
                (Some(lo), Some(hi)) => format!("from {} to {}", cx.ctx.fmt(lo), cx.ctx.fmt(hi)),
                _ => {
                    let ds: Vec<String> = p.denominations.iter().map(|d| cx.ctx.fmt(*d)).collect();
                    format!("one of {}", ds.join(", "))
                }
            };
            self.note = Some((format!("This card is sold {range}."), true));
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

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        let Some(order) = &self.order else {
            return;
        };
        let id = order.id.clone();
        if ask == ASK_CONFIRM {
            self.step = Step::Confirming;
            self.op = cx.ctx.next_op();
            let value = self.face_value.unwrap_or(order.face_value);
            let key = cx.ctx.next_external_id("confirm");
            cx.send(Request::ConfirmOrder {
                op: self.op,
                order_id: id,
                tender: self.tender.unwrap_or(Tender::Cash),
                value,
                key,
            });
        } else if ask == ASK_CANCEL {
            self.step = Step::Cancelling;
            self.op = cx.ctx.next_op();
            let key = cx.ctx.next_external_id("invalidate");
            cx.send(Request::InvalidateOrder { op: self.op, order_id: id, key });
        }
    }

    pub fn on_declined(&mut self, _ask: Ask, _cx: &mut Cx) {
        self.tender = None;
    }

    pub fn on_tick(&mut self, cx: &mut Cx) {
        if self.retry_in > 0 {
            self.retry_in -= 1;
            if self.retry_in == 0
                && let Some(o) = &self.order
            {
                self.op = cx.ctx.next_op();
                cx.send(Request::GetOrder { op: self.op, order_id: o.id.clone() });
            }
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        match r {
            Reply::Products(Ok(products)) => {
                self.products = products;
                self.refilter();
                if self.step == Step::Loading {
                    self.step = Step::Search;
                }
            }
            Reply::Products(Err(e)) => {
                self.note =
                    Some((format!("The product list could not be loaded: {}. Enter tries again.", e.message()), true));
            }
            Reply::Order { op, step, result } if op == self.op => self.order_reply(step, result, cx),
            _ => {}
        }
    }

    fn value_text(&self, cx: &Cx) -> String {
        self.face_value.map(|v| cx.ctx.fmt(v)).unwrap_or_default()
    }

    fn stop(&mut self, lines: Vec<String>) {
        self.outcome = lines;
        self.step = Step::Stopped;
    }

    fn order_reply(&mut self, step: OrderStep, result: Result<OrderView, CallError>, cx: &mut Cx) {
        let value = self.value_text(cx);
        match (step, result) {
            (OrderStep::Create, Ok(order)) => {
                if order.state == OrderState::Failed {
                    let why = order.message.clone().unwrap_or_else(|| "the distributor declined it".into());
                    self.stop(vec![format!("The sale cannot go ahead: {why}."), "Do not take any money.".into()]);
                } else {
                    self.order = Some(order);
                    self.step = Step::Pay;
                }
            }
            (OrderStep::Create, Err(e)) => {
                let why = match e {
                    CallError::Refused { message, .. } => message,
                    other => other.message(),
                };
                self.stop(vec![format!("The sale cannot go ahead: {why}."), "Do not take any money.".into()]);
            }
            (OrderStep::Confirm, Ok(order)) => {
                self.order = Some(order);
                self.step = Step::Done;
            }
            (OrderStep::Confirm, Err(CallError::Refused { message, .. })) => {
                // A definite no: nothing was activated. Make sure the hold is released.
                self.op = cx.ctx.next_op();
                if let Some(o) = &self.order {
                    let key = cx.ctx.next_external_id("invalidate");
                    cx.send(Request::InvalidateOrder { op: self.op, order_id: o.id.clone(), key });
                }
                self.stop(vec![
                    format!("The distributor refused the sale: {message}."),
                    "No card was activated.".into(),
                    format!("Give the customer their {value} back."),
                ]);
            }
            (OrderStep::Confirm, Err(e)) => {
                self.note = Some((format!("{}. Finding out whether the sale went through…", e.message()), true));
                self.resolve(cx);
            }
            (OrderStep::Get, Ok(order)) => match order.state {
                OrderState::Confirmed => {
                    self.order = Some(order);
                    self.note = Some(("The confirmation was slow, but it went through.".into(), false));
                    self.step = Step::Done;
                }
                OrderState::Created => {
                    self.order = Some(order);
                    self.step = Step::Cancelling;
                    self.op = cx.ctx.next_op();
                    if let Some(o) = &self.order {
                        let key = cx.ctx.next_external_id("invalidate");
                        cx.send(Request::InvalidateOrder { op: self.op, order_id: o.id.clone(), key });
                    }
                }
                OrderState::Invalidated | OrderState::Failed => self.stop(vec![
                    "The sale did not go through: no card was activated.".into(),
                    format!("Give the customer their {value} back."),
                ]),
            },
            (OrderStep::Get, Err(_)) => {
                self.note =
                    Some(("Still no answer. Trying again in a few seconds — keep the customer here.".into(), true));
                self.step = Step::Resolving;
                self.retry_in = 3;
            }
            (OrderStep::Invalidate, Ok(_)) | (OrderStep::Invalidate, Err(CallError::Refused { .. })) => {
                if self.step == Step::Cancelling && self.outcome.is_empty() {
                    let was_resolving = self.note.is_some();
                    let mut lines = vec!["The sale was cancelled: no card was activated.".into()];
                    if was_resolving {
                        lines.insert(0, "The confirmation did not arrive, so the order was invalidated.".into());
                    }
                    if self.tender.is_some() {
                        lines.push(format!("Give the customer their {value} back."));
                    } else {
                        lines.push("Do not take any money.".into());
                    }
                    self.note = None;
                    self.stop(lines);
                }
            }
            (OrderStep::Invalidate, Err(_)) => {
                // Unclear whether the invalidation landed: ask for the order again.
                self.resolve(cx);
            }
        }
    }

    fn resolve(&mut self, cx: &mut Cx) {
        self.step = Step::Resolving;
        self.op = cx.ctx.next_op();
        if let Some(o) = &self.order {
            cx.send(Request::GetOrder { op: self.op, order_id: o.id.clone() });
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        // The product list only while choosing; afterwards the sale gets the whole width.
        if matches!(self.step, Step::Loading | Step::Search | Step::Amount) {
            let side = if area.width >= 100 { 56 } else { 40 };
            let [left, right] = Layout::horizontal([Constraint::Length(side), Constraint::Min(0)]).areas(area);
            self.render_products(f, left, theme);
            self.render_main(f, right, ctx, theme);
        } else {
            self.render_main(f, area, ctx, theme);
        }
    }

    fn render_products(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let block = panel("Products", self.step == Step::Search, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [field, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
        f.render_widget(Paragraph::new(self.search.line(self.step == Step::Search, theme, 4)), field);
        if self.step == Step::Loading {
            f.render_widget(Paragraph::new(Span::styled(" Loading products…", theme.muted)), list);
            return;
        }
        // Only the rows that fit are built, so a long catalogue costs nothing extra per frame.
        let rows = list.height.max(1) as usize;
        let start = (self.selected + 1).saturating_sub(rows);
        let items: Vec<ListItem> = self
            .filtered
            .iter()
            .skip(start)
            .take(rows)
            .filter_map(|i| self.products.get(*i))
            .map(|p| {
                let kind = match p.kind {
                    ProductKind::Por => "code",
                    ProductKind::Posa => "card",
                };
                ListItem::new(Line::from(vec![
                    Span::raw(format!(" {} ", p.name)),
                    Span::styled(format!("({kind})"), theme.muted),
                ]))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.selected - start));
        f.render_stateful_widget(List::new(items).highlight_style(theme.selected), list, &mut state);
    }

    fn render_main(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let mut lines: Vec<Line> = Vec::new();
        let title = match self.step {
            Step::Loading | Step::Search => "Sell a gift card",
            Step::Amount => "Amount",
            Step::PosaCard => "Scan the card",
            Step::Creating => "Checking",
            Step::Pay => "Take payment",
            Step::Confirming => "Confirming",
            Step::Resolving => "No answer",
            Step::Cancelling => "Cancelling",
            Step::Done => "Sold",
            Step::Stopped => "Not sold",
        };
        if let Some(p) = &self.product {
            lines.push(Line::from(vec![
                Span::styled(format!(" {}", p.name), theme.title),
                Span::styled(format!("  {} · {}", p.brand, p.code), theme.muted),
            ]));
            if let Some(v) = self.face_value {
                lines.push(Line::from(vec![Span::raw(" Value "), Span::styled(ctx.fmt(v), theme.amount_big)]));
            }
            lines.push(Line::raw(""));
        }
        match self.step {
            Step::Loading | Step::Search => {
                lines.push(Line::from(" Type part of the name, brand or code, or scan the product's EAN."));
                lines.push(Line::from(" ↑/↓ choose, Enter takes it."));
                if let Some(p) = self.filtered.get(self.selected).and_then(|i| self.products.get(*i)) {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(format!(" {}", p.name), theme.title)));
                    lines.push(Line::from(Span::styled(format!(" {} · EAN {}", p.brand, p.code), theme.muted)));
                    let how = match p.kind {
                        ProductKind::Por => " The code is printed on the receipt.",
                        ProductKind::Posa => " A physical card from the rack is scanned and activated.",
                    };
                    lines.push(Line::from(how));
                    let values = if p.denominations.is_empty() {
                        match (p.min, p.max) {
                            (Some(lo), Some(hi)) => format!(" Any amount from {} to {}", ctx.fmt(lo), ctx.fmt(hi)),
                            _ => String::new(),
                        }
                    } else {
                        let ds: Vec<String> = p.denominations.iter().map(|d| ctx.fmt(*d)).collect();
                        format!(" {}", ds.join(" · "))
                    };
                    lines.push(Line::from(Span::styled(values, theme.amount)));
                }
            }
            Step::Amount => {
                if let Some(p) = &self.product {
                    for (i, d) in p.denominations.iter().enumerate() {
                        let style =
                            if i == self.denom && self.amount.value.is_empty() { theme.selected } else { theme.value };
                        lines.push(Line::from(Span::styled(format!("  {:>12}  ", ctx.fmt(*d)), style)));
                    }
                    if let (Some(lo), Some(hi)) = (p.min, p.max) {
                        // "or" only makes sense after a list of denominations to choose from.
                        let lead = if p.denominations.is_empty() { "Type" } else { "or type" };
                        lines.push(Line::raw(""));
                        lines.push(Line::from(Span::styled(
                            format!(" {lead} any amount from {} to {}", ctx.fmt(lo), ctx.fmt(hi)),
                            theme.muted,
                        )));
                    }
                    lines.push(Line::raw(""));
                    lines.push(self.amount.line(true, theme, 7));
                }
            }
            Step::PosaCard => {
                lines.push(self.card_field.line(true, theme, 7));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(
                    " Scan the barcode on the back of the card being sold.",
                    theme.muted,
                )));
            }
            Step::Creating => lines.push(Line::from(Span::styled(" Checking with the distributor…", theme.muted))),
            Step::Pay => {
                lines.push(Line::from(Span::styled(" ✓ Preliminary check passed.", theme.ok)));
                if let Some(m) = self.order.as_ref().and_then(|o| o.message.clone()) {
                    lines.push(Line::from(format!(" {m}")));
                }
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::raw(" Take "),
                    Span::styled(self.face_value.map(|v| ctx.fmt(v)).unwrap_or_default(), theme.amount_big),
                    Span::raw(" from the customer:"),
                ]));
                lines.push(Line::from(vec![Span::styled(" 1 ", theme.key), Span::raw("  cash")]));
                lines.push(Line::from(vec![Span::styled(" 2 ", theme.key), Span::raw("  card")]));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(" Esc cancels the sale (the order is invalidated).", theme.muted)));
            }
            Step::Confirming => lines.push(Line::from(Span::styled(" Confirming the sale…", theme.muted))),
            Step::Resolving => {
                lines.push(Line::from(Span::styled(" The confirmation got no answer.", theme.warn)));
                lines.push(Line::from(" Finding out whether the card was activated — do not hand it over yet."));
            }
            Step::Cancelling => lines.push(Line::from(Span::styled(" Cancelling the order…", theme.muted))),
            Step::Done => {
                if let Some(o) = &self.order {
                    return self.render_done(f, area, o, ctx, theme, lines);
                }
            }
            Step::Stopped => {
                for (i, l) in self.outcome.iter().enumerate() {
                    lines.push(Line::from(Span::styled(
                        format!(" {l}"),
                        if i == 0 { theme.danger } else { theme.value },
                    )));
                }
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(" Enter starts a new sale.", theme.muted)));
            }
        }
        if let Some((note, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {note}"), if *danger { theme.danger } else { theme.warn })));
        }
        f.render_widget(widgets::wrapped(lines, panel(title, true, theme)), area);
    }

    fn render_done(&self, f: &mut Frame, area: Rect, o: &OrderView, ctx: &Ctx, theme: &Theme, mut lines: Vec<Line>) {
        lines.push(Line::from(Span::styled(" ✓ Sold.", theme.ok)));
        if let Some((note, _)) = &self.note {
            lines.push(Line::from(Span::styled(format!(" {note}"), theme.warn)));
        }
        if let Some((note, act)) = super::receipt_note(ctx, o.receipt.as_ref()) {
            lines.push(Line::from(Span::styled(format!(" {note}"), if act { theme.danger } else { theme.muted })));
        }
        let [info, paper] =
            Layout::vertical([Constraint::Length(lines.len() as u16 + 2), Constraint::Min(0)]).areas(area);
        f.render_widget(Paragraph::new(lines).block(panel("Sold", true, theme)), info);
        let lines = o.receipt.as_ref().map(|r| &r.lines).unwrap_or(&o.lines);
        widgets::receipt(f, paper, "Receipt", lines, self.scroll, theme);
    }
}

impl Default for Retail {
    fn default() -> Self {
        Retail::new()
    }
}

fn products_request(cx: &Cx) -> Request {
    Request::Products { country: cx.ctx.terminal.as_ref().map(|t| t.country.clone()).filter(|c| !c.is_empty()) }
}
