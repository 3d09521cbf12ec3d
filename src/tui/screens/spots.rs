//! The spots board: every table of the location with its status (closed, waiting, opened), who is
//! checked in, the orders and their transactions. It refreshes itself every few seconds (the call
//! runs in the background, keys stay live) and acts through `/rest/v1` with the till's merchant
//! credential: put an order on a table (amount and description in the store's locale), confirm or
//! revoke a customer's reservation, mark an order paid in cash at the till (booked into the drawer
//! through `/till/v1` with the cashier's session), cancel an order, close the table. A payment
//! taken here prints its receipt like a sale (wallet or cash tender, the table), and a cash one
//! opens the drawer. Unregistered spots (made up from a code nobody configured) are flagged and
//! can be closed.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};

use crate::money::Money;
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::model::{CallError, ReceiptView};
use crate::tui::theme::Theme;
use crate::tui::widgets::{AmountError, Field, FieldKind, panel};

/// Seconds between refreshes.
pub const REFRESH_EVERY: u64 = 3;
const ASK_CLOSE: Ask = Ask::Screen(40);
const ASK_CANCEL: Ask = Ask::Screen(41);

/// An order line as the board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    pub id: i64,
    /// `pending`, `reserved`, `confirmed`; a closed order `paid cash` or `cancelled`.
    pub status: String,
    pub transaction_key: String,
    pub amount: Option<Money>,
    pub description: String,
    pub wallet: Option<i64>,
}

/// A spot as the board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotLine {
    pub id: i64,
    pub identifier: String,
    pub status: String,
    pub registered: bool,
    pub guests: Vec<String>,
    pub orders: Vec<OrderLine>,
}

/// What the board asks the worker to do; each answer carries the board as it is afterwards.
#[derive(Debug, Clone, PartialEq)]
pub enum SpotsCall {
    Refresh,
    Order {
        spot_id: i64,
        amount: Money,
        description: String,
    },
    /// Take the reserved wallet money of order `order_id` on `table` (its receipt prints).
    Confirm {
        key: String,
        order_id: i64,
        table: String,
    },
    Revoke {
        key: String,
    },
    /// The guest paid order `order_id` in cash at the till: closed, cash booked, receipt printed.
    Cash {
        order_id: i64,
    },
    /// Cancel an order (nothing is paid).
    Cancel {
        order_id: i64,
    },
    CloseSpot {
        spot_id: i64,
    },
}

/// A worker's answer: the spots, and what was done (for the notice line).
#[derive(Debug, Clone, PartialEq)]
pub struct SpotsOutcome {
    pub spots: Vec<SpotLine>,
    pub done: Option<String>,
    /// The receipt of a payment taken (printed by the app like a sale's).
    pub receipt: Option<ReceiptView>,
}

#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Browse,
    /// Typing a new order: amount, then description.
    NewOrder {
        amount: Field,
        description: Field,
        on_description: bool,
    },
}

pub struct Board {
    pub spots: Vec<SpotLine>,
    pub selected: usize,
    pub loaded: bool,
    /// The last message: what happened, or why not (true = an error).
    pub notice: Option<(String, bool)>,
    mode: Mode,
    /// The call in flight (at most one, so refreshes never pile up behind a slow engine).
    in_flight: Option<u64>,
    /// The receipt of the last payment taken here.
    pub receipt: Option<ReceiptView>,
    ticks: u64,
}

impl Board {
    pub fn open(cx: &mut Cx) -> Board {
        let mut b = Board {
            spots: Vec::new(),
            selected: 0,
            loaded: false,
            notice: None,
            mode: Mode::Browse,
            in_flight: None,
            ticks: 0,
            receipt: None,
        };
        b.call(SpotsCall::Refresh, cx);
        b
    }

    fn call(&mut self, call: SpotsCall, cx: &mut Cx) {
        // What the cashier does next is about another bill: the last receipt's note goes (the
        // journal still lists and reprints it).
        if call != SpotsCall::Refresh {
            self.receipt = None;
        }
        let op = cx.ctx.next_op();
        self.in_flight = Some(op);
        cx.send(Request::Spots { op, call });
    }

    fn current(&self) -> Option<&SpotLine> {
        self.spots.get(self.selected)
    }

    fn first(&self, status: &str) -> Option<&OrderLine> {
        self.current().and_then(|s| s.orders.iter().find(|o| o.status == status))
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.mode, Mode::NewOrder { .. })
    }

    pub fn bindings(&self) -> Vec<Binding> {
        if let Mode::NewOrder { .. } = self.mode {
            return vec![
                Binding::new(KeyCode::Enter, Action::Submit),
                Binding::new(KeyCode::Tab, Action::NextField),
                Binding::new(KeyCode::Esc, Action::Back),
            ];
        }
        let mut b = vec![Binding::hidden(KeyCode::Up, Action::Up), Binding::hidden(KeyCode::Down, Action::Down)];
        if self.current().is_some() {
            b.push(Binding::ch('o', Action::SpotOrder));
        }
        if self.first("reserved").is_some() {
            b.push(Binding::ch('c', Action::SpotConfirm));
            b.push(Binding::ch('v', Action::SpotRevoke));
        }
        if self.first("pending").is_some() {
            b.push(Binding::ch('a', Action::SpotPaidOther));
            b.push(Binding::ch('d', Action::SpotCancel));
        }
        if self.receipt.is_some() {
            b.push(Binding::ch('p', Action::Print));
        }
        if self.current().is_some_and(|s| s.status != "closed" || !s.registered) {
            b.push(Binding::ch('x', Action::SpotClose));
        }
        b.push(Binding::ch('r', Action::Refresh));
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        if let Mode::NewOrder { amount, description, on_description } = &mut self.mode {
            if *on_description {
                description.edit(key);
            } else {
                amount.edit(key);
            }
        }
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        if let Mode::NewOrder { amount, description, on_description } = &mut self.mode {
            match a {
                Action::Back => self.mode = Mode::Browse,
                Action::NextField | Action::PrevField => *on_description = !*on_description,
                Action::Submit if !*on_description => *on_description = true,
                Action::Submit => {
                    // The amount field's own reader, as on every screen that takes an amount.
                    let amount = match amount.amount(cx.ctx) {
                        Ok(Some(m)) if m.minor() > 0 => m,
                        Err(AmountError::Connecting) => {
                            self.notice = Some((crate::t!("spots-currency-unknown"), true));
                            return;
                        }
                        _ => {
                            let example = cx.ctx.currency().map(|c| cx.ctx.fmt(Money::from_minor(1250, c)));
                            self.notice =
                                Some((crate::t!("spots-amount-like", example = example.unwrap_or_default()), true));
                            *on_description = false;
                            return;
                        }
                    };
                    let description = match description.value.trim() {
                        "" => crate::t!("spots-default-description"),
                        d => d.to_string(),
                    };
                    let Some(spot_id) = self.current().map(|s| s.id) else { return };
                    self.mode = Mode::Browse;
                    self.call(SpotsCall::Order { spot_id, amount, description }, cx);
                }
                _ => {}
            }
            return;
        }
        match a {
            Action::Back => cx.go(Goto::Home),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < self.spots.len() => self.selected += 1,
            Action::Refresh => self.call(SpotsCall::Refresh, cx),
            Action::SpotOrder if self.current().is_some() => {
                self.mode = Mode::NewOrder {
                    amount: Field::new(crate::ts!("spots-field-amount"), FieldKind::Amount, 12),
                    description: Field::new(crate::ts!("spots-field-for"), FieldKind::Text, 40),
                    on_description: false,
                };
            }
            Action::SpotConfirm => {
                let table = self.current().map(|s| s.identifier.clone()).unwrap_or_default();
                if let Some(o) = self.first("reserved") {
                    let (key, order_id) = (o.transaction_key.clone(), o.id);
                    self.call(SpotsCall::Confirm { key, order_id, table }, cx);
                }
            }
            Action::SpotRevoke => {
                if let Some(o) = self.first("reserved") {
                    let key = o.transaction_key.clone();
                    self.call(SpotsCall::Revoke { key }, cx);
                }
            }
            Action::SpotPaidOther => {
                if let Some(o) = self.first("pending") {
                    let order_id = o.id;
                    self.call(SpotsCall::Cash { order_id }, cx);
                }
            }
            Action::SpotCancel => {
                if let (Some(s), Some(o)) = (self.current(), self.first("pending")) {
                    let amount = o.amount.map(|m| cx.ctx.fmt(m)).unwrap_or_default();
                    cx.confirm(Confirm {
                        title: crate::t!("spots-cancel-title", order = o.id.to_string(), table = &s.identifier),
                        body: vec![format!("{amount} {}", o.description), crate::t!("spots-cancel-body")],
                        yes_label: crate::ts!("spots-cancel-yes"),
                        no_label: crate::ts!("spots-keep"),
                        danger: true,
                        ask: ASK_CANCEL,
                    });
                }
            }
            Action::Print => crate::tui::screens::print_key(cx, self.receipt.as_ref()),
            Action::SpotClose => {
                if let Some(s) = self.current() {
                    cx.confirm(Confirm {
                        title: crate::t!("spots-close-title", table = &s.identifier),
                        body: vec![crate::t!("spots-close-body-1"), crate::t!("spots-close-body-2")],
                        yes_label: crate::ts!("spots-close-yes"),
                        no_label: crate::ts!("spots-keep"),
                        danger: true,
                        ask: ASK_CLOSE,
                    });
                }
            }
            _ => {}
        }
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if ask == ASK_CLOSE
            && let Some(spot_id) = self.current().map(|s| s.id)
        {
            self.call(SpotsCall::CloseSpot { spot_id }, cx);
        }
        if ask == ASK_CANCEL
            && let Some(order_id) = self.first("pending").map(|o| o.id)
        {
            self.call(SpotsCall::Cancel { order_id }, cx);
        }
    }

    pub fn on_tick(&mut self, cx: &mut Cx) {
        self.ticks += 1;
        if self.ticks.is_multiple_of(REFRESH_EVERY) && self.in_flight.is_none() {
            self.call(SpotsCall::Refresh, cx);
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        let Reply::Spots { op, result } = r else { return };
        if self.in_flight == Some(op) {
            self.in_flight = None;
        }
        match result {
            Ok(out) => {
                let keep = self.current().map(|s| s.id);
                let arrived = if out.done.is_none() && self.loaded { arrivals(&self.spots, &out.spots) } else { None };
                self.spots = out.spots;
                self.loaded = true;
                self.selected = keep
                    .and_then(|id| self.spots.iter().position(|s| s.id == id))
                    .unwrap_or(self.selected.min(self.spots.len().saturating_sub(1)));
                if let Some(done) = out.done {
                    self.notice = Some((done, false));
                }
                if let Some((table, o)) = arrived {
                    let amount = o.amount.map(|m| cx.ctx.fmt(m)).unwrap_or_default();
                    let order = o.id.to_string();
                    let text = match o.wallet {
                        Some(w) => crate::t!(
                            "spots-arrived-wallet",
                            table = &table,
                            amount = amount,
                            wallet = w.to_string(),
                            order = order
                        ),
                        None => crate::t!("spots-arrived", table = &table, amount = amount, order = order),
                    };
                    self.notice = Some((text, false));
                }
                if out.receipt.is_some() {
                    self.receipt = out.receipt;
                }
            }
            Err(e) => self.notice = Some((describe_error(&e), true)),
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let title = crate::t!("spots-title");
        let block = panel(&title, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [main, notice, printing] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)]).areas(inner);
        let [list, detail] = Layout::horizontal([Constraint::Length(26), Constraint::Min(20)]).areas(main);
        let rows: Vec<Row> = self
            .spots
            .iter()
            .map(|s| {
                let flag = if s.registered { " " } else { "!" };
                let waiting = if s.orders.iter().any(|o| o.status == "reserved") { "$" } else { " " };
                Row::new(vec![format!("{flag}{}", s.identifier), status_word(&s.status), waiting.to_string()])
            })
            .collect();
        let table = Table::new(rows, [Constraint::Length(12), Constraint::Length(8), Constraint::Length(1)])
            .header(
                Row::new(vec![
                    format!(" {}", crate::t!("spots-col-table")),
                    crate::t!("spots-col-status"),
                    String::new(),
                ])
                .style(theme.label),
            )
            .row_highlight_style(theme.selected)
            .highlight_symbol("›");
        let mut state = TableState::default();
        if !self.spots.is_empty() {
            state.select(Some(self.selected));
        }
        f.render_stateful_widget(table, list, &mut state);
        // A rule between the list and the selected table's details, so a detail line never reads
        // as part of the list row beside it.
        let rule = Block::new().borders(Borders::LEFT).border_style(theme.muted);
        f.render_widget(Paragraph::new(self.detail_lines(ctx, theme)).block(rule), detail);
        let line = match &self.notice {
            Some((m, true)) => Line::from(Span::styled(m.clone(), theme.danger)),
            Some((m, false)) => Line::from(Span::styled(m.clone(), theme.ok)),
            None if !self.loaded => Line::from(Span::styled(crate::t!("spots-loading"), theme.muted)),
            None => Line::from(Span::styled(crate::t!("spots-legend"), theme.muted)),
        };
        f.render_widget(Paragraph::new(line), notice);
        // Where the last payment's receipt is: printing, printed, or why not and how to print it.
        if let Some((note, act)) = crate::tui::screens::receipt_note(ctx, self.receipt.as_ref()) {
            let style = if act { theme.danger } else { theme.muted };
            f.render_widget(Paragraph::new(Line::from(Span::styled(note, style))), printing);
        }
    }

    fn detail_lines(&self, ctx: &Ctx, theme: &Theme) -> Vec<Line<'_>> {
        let Some(s) = self.current() else {
            return vec![Line::from(Span::styled(
                if self.loaded { crate::t!("spots-none") } else { String::new() },
                theme.muted,
            ))];
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(s.identifier.clone(), theme.title),
            Span::raw(format!("  {}", status_word(&s.status))),
            Span::styled(
                if s.registered { String::new() } else { format!("  {}", crate::t!("spots-unregistered")) },
                theme.danger,
            ),
        ])];
        let guests = if s.guests.is_empty() {
            crate::t!("spots-nobody")
        } else {
            crate::t!("spots-guests", guests = s.guests.join(", "))
        };
        lines.push(Line::from(Span::styled(guests, theme.muted)));
        for o in &s.orders {
            let amount = o.amount.map(|m| ctx.fmt(m)).unwrap_or_default();
            let desc: String = o.description.chars().take(18).collect();
            lines.push(Line::from(format!("#{:<4} {:<9} {:>10}  {desc}", o.id, status_word(&o.status), amount)));
        }
        if s.orders.is_empty() {
            lines.push(Line::from(Span::styled(crate::t!("spots-no-orders"), theme.muted)));
        }
        if let Mode::NewOrder { amount, description, on_description } = &self.mode {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(crate::t!("spots-new-order-on", table = &s.identifier), theme.title)));
            lines.push(amount.line(!on_description, theme, 7));
            lines.push(description.line(*on_description, theme, 7));
        }
        lines
    }
}

/// A reservation that came in since the last look (the first one, with its table), so the
/// cashier is told rather than having to notice the `$`.
fn arrivals(before: &[SpotLine], after: &[SpotLine]) -> Option<(String, OrderLine)> {
    let was_reserved = |id: i64| before.iter().flat_map(|s| &s.orders).any(|o| o.id == id && o.status == "reserved");
    after.iter().find_map(|s| {
        s.orders
            .iter()
            .find(|o| o.status == "reserved" && !was_reserved(o.id))
            .map(|o| (s.identifier.clone(), o.clone()))
    })
}

/// A spot's or an order's status word (the wire's, or the board's `paid cash` / `cancelled`).
fn status_word(status: &str) -> String {
    match status {
        "closed" => crate::t!("spots-status-closed"),
        "waiting" => crate::t!("spots-status-waiting"),
        "opened" => crate::t!("spots-status-opened"),
        "pending" => crate::t!("spots-status-pending"),
        "reserved" => crate::t!("spots-status-reserved"),
        "confirmed" => crate::t!("spots-status-confirmed"),
        "paid cash" => crate::t!("spots-status-paid-cash"),
        "cancelled" => crate::t!("spots-status-cancelled"),
        other => other.to_string(),
    }
}

fn describe_error(e: &CallError) -> String {
    e.message().to_string()
}
