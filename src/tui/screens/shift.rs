//! The shift: open it with the float counted by denomination, record paid-ins, paid-outs and
//! no-sale openings, and close it with a blind count. Every cashier sees only their own shift.
//!
//! The blind close never shows the expected amount: the counter shows what was counted, the
//! engine decides, and only the closed shift (after the commit) shows expected and over/short.
//! Beyond the tolerance the engine asks for a manager; the screen then asks for the manager's
//! number, PIN and a note and sends the same count again.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::client::reports::{CloseShift, CountLine, DrawerMovement, ManagerApproval, OpenShift, Shift};
use crate::money::{Currency, Money};
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::manager_calls::{ManagerCall, ManagerReply};
use crate::tui::theme::Theme;
use crate::tui::widgets::{Field, FieldKind, panel};

const ASK_COUNT: Ask = Ask::Screen(40);

/// What the screen is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Loading,
    View,
    /// The denomination counter: for the opening float or the blind close.
    Count {
        closing: bool,
        quantities: Vec<u32>,
        selected: usize,
    },
    /// A paid-in, paid-out or no-sale: amount (not for no-sale) and reason.
    Movement {
        kind: &'static str,
        amount: Field,
        reason: Field,
        focus: usize,
    },
    /// The close needs a manager: the same count again with their approval.
    Approval {
        counted: Vec<CountLine>,
        manager: Field,
        pin: Field,
        note: Field,
        focus: usize,
    },
}

pub struct ShiftScreen {
    pub mode: Mode,
    pub shift: Option<Shift>,
    /// The last closed shift (shown with expected and over/short once committed).
    pub closed: Option<Shift>,
    pub denominations: Vec<i64>,
    pub currency: Option<Currency>,
    pub note: Option<(String, bool)>,
    busy: bool,
}

impl ShiftScreen {
    pub fn open(cx: &mut Cx) -> ShiftScreen {
        cx.send(Request::Manager(ManagerCall::LoadShift));
        ShiftScreen {
            mode: Mode::Loading,
            shift: None,
            closed: None,
            denominations: Vec::new(),
            currency: cx.ctx.currency(),
            note: None,
            busy: true,
        }
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.mode, Mode::Count { .. } | Mode::Movement { .. } | Mode::Approval { .. })
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = Vec::new();
        match &self.mode {
            Mode::Loading => {}
            Mode::View => match &self.shift {
                None => b.push(Binding::ch('o', Action::ShiftOpen)),
                Some(_) => {
                    b.push(Binding::ch('i', Action::PaidIn));
                    b.push(Binding::ch('u', Action::PaidOut));
                    b.push(Binding::ch('n', Action::NoSale));
                    b.push(Binding::ch('c', Action::ShiftClose));
                }
            },
            Mode::Count { .. } => {
                b.push(Binding::new(KeyCode::Up, Action::Up));
                b.push(Binding::new(KeyCode::Down, Action::Down));
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
            }
            Mode::Movement { .. } | Mode::Approval { .. } => {
                b.push(Binding::new(KeyCode::Tab, Action::NextField));
                b.push(Binding::new(KeyCode::Enter, Action::Submit));
            }
        }
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    fn money(&self, minor: i64) -> Option<Money> {
        self.currency.map(|c| Money::from_minor(minor, c))
    }

    fn counted(&self) -> (Vec<CountLine>, i64) {
        let Mode::Count { quantities, .. } = &self.mode else { return (Vec::new(), 0) };
        let mut lines = Vec::new();
        let mut total: i64 = 0;
        for (d, q) in self.denominations.iter().zip(quantities) {
            if *q > 0 {
                lines.push(CountLine { denomination: *d, quantity: *q });
                total = total.saturating_add(d.saturating_mul(i64::from(*q)));
            }
        }
        (lines, total)
    }

    fn start_count(&mut self, closing: bool) {
        self.note = None;
        self.mode = Mode::Count { closing, quantities: vec![0; self.denominations.len()], selected: 0 };
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        if self.busy && a != Action::Back {
            return;
        }
        match (&mut self.mode, a) {
            (Mode::Count { .. } | Mode::Movement { .. } | Mode::Approval { .. }, Action::Back) => {
                self.mode = Mode::View
            }
            (_, Action::Back) => cx.go(Goto::Home),
            (Mode::View, Action::ShiftOpen) if self.shift.is_none() => self.start_count(false),
            (Mode::View, Action::ShiftClose) if self.shift.is_some() => self.start_count(true),
            (Mode::View, Action::PaidIn | Action::PaidOut | Action::NoSale) if self.shift.is_some() => {
                let kind = match a {
                    Action::PaidIn => "paid-in",
                    Action::PaidOut => "paid-out",
                    _ => "no-sale",
                };
                let focus = usize::from(kind == "no-sale");
                self.note = None;
                self.mode = Mode::Movement {
                    kind,
                    amount: Field::new(crate::ts!("shift-field-amount"), FieldKind::Amount, 12),
                    reason: Field::new(crate::ts!("shift-field-reason"), FieldKind::Text, 60),
                    focus,
                };
            }
            (Mode::Count { selected, .. }, Action::Up) => *selected = selected.saturating_sub(1),
            (Mode::Count { selected, quantities, .. }, Action::Down) => {
                *selected = (*selected + 1).min(quantities.len().saturating_sub(1))
            }
            (Mode::Count { closing, .. }, Action::Submit) => {
                let closing = *closing;
                let (_, total) = self.counted();
                let shown = self.money(total).map(|m| cx.ctx.fmt(m)).unwrap_or_default();
                let (title, body) = if closing {
                    (
                        crate::t!("shift-close-title"),
                        vec![crate::t!("shift-close-counted", amount = shown), crate::t!("shift-close-expected-later")],
                    )
                } else {
                    (crate::t!("shift-open-title"), vec![crate::t!("shift-open-float", amount = shown)])
                };
                cx.confirm(Confirm {
                    title,
                    body,
                    yes_label: if closing { crate::ts!("shift-close-yes") } else { crate::ts!("shift-open-yes") },
                    no_label: crate::ts!("shift-count-again"),
                    danger: closing,
                    ask: ASK_COUNT,
                });
            }
            (Mode::Movement { focus, kind, .. }, Action::NextField) => {
                *focus = if *kind == "no-sale" { 1 } else { (*focus + 1) % 2 };
            }
            (Mode::Approval { focus, .. }, Action::NextField) => *focus = (*focus + 1) % 3,
            (Mode::Movement { kind, amount, reason, .. }, Action::Submit) => {
                let Some(c) = self.currency else { return };
                let amount = if *kind == "no-sale" {
                    None
                } else {
                    match amount.amount(cx.ctx) {
                        Ok(Some(m)) if m.minor() > 0 && m.currency() == c => Some(m.to_plain_string()),
                        _ => {
                            self.note = Some((crate::t!("shift-type-amount"), true));
                            return;
                        }
                    }
                };
                let req = DrawerMovement { amount, reason: reason.value.trim().to_string(), shift_id: None };
                self.busy = true;
                cx.send(Request::Manager(ManagerCall::Movement(kind, req)));
            }
            (Mode::Approval { counted, manager, pin, note, .. }, Action::Submit) => {
                let Ok(number) = manager.value.trim().parse::<u32>() else {
                    self.note = Some((crate::t!("shift-type-manager"), true));
                    return;
                };
                let approval =
                    ManagerApproval { manager: number, pin: pin.value.clone(), note: note.value.trim().to_string() };
                let req = CloseShift { counted: counted.clone(), shift_id: None, approval: Some(approval) };
                self.busy = true;
                cx.send(Request::Manager(ManagerCall::CloseShift(req)));
            }
            _ => {}
        }
    }

    /// Typing: digits set the selected denomination's quantity; text goes to the focused field.
    pub fn on_text(&mut self, key: &KeyEvent) {
        match &mut self.mode {
            Mode::Count { quantities, selected, .. } => {
                if let Some(q) = quantities.get_mut(*selected) {
                    match key.code {
                        KeyCode::Char(c) if c.is_ascii_digit() => {
                            let v = u64::from(*q) * 10 + u64::from(c.to_digit(10).unwrap_or(0));
                            *q = u32::try_from(v.min(99_999)).unwrap_or(99_999);
                        }
                        KeyCode::Backspace => *q /= 10,
                        _ => {}
                    }
                }
            }
            Mode::Movement { amount, reason, focus, .. } => {
                if *focus == 0 {
                    amount.edit(key);
                } else {
                    reason.edit(key);
                }
            }
            Mode::Approval { manager, pin, note, focus, .. } => {
                let f = match focus {
                    0 => manager,
                    1 => pin,
                    _ => note,
                };
                f.edit(key);
            }
            _ => {}
        }
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if ask != ASK_COUNT {
            return;
        }
        let Mode::Count { closing, .. } = self.mode else { return };
        let (lines, _) = self.counted();
        let terminal = cx.ctx.terminal.as_ref().map(|t| t.terminal.clone());
        self.busy = true;
        let call = if closing {
            ManagerCall::CloseShift(CloseShift { counted: lines, shift_id: None, approval: None })
        } else {
            ManagerCall::OpenShift(OpenShift { terminal, float: lines })
        };
        cx.send(Request::Manager(call));
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        let Reply::Manager(r) = r else { return };
        self.busy = false;
        match r {
            Ok(ManagerReply::Shift { current, denominations }) => {
                self.denominations = denominations.denominations;
                if self.denominations.is_empty() {
                    self.denominations = vec![1];
                }
                self.currency = Currency::from_code(&denominations.currency).ok().or(self.currency);
                self.shift = current.shift.clone();
                self.mode = Mode::View;
            }
            Ok(ManagerReply::ShiftChanged(s)) => {
                let s = *s;
                self.note = Some(match &self.mode {
                    Mode::Movement { kind: "paid-in", .. } => (crate::t!("shift-paid-in-recorded"), false),
                    Mode::Movement { kind: "paid-out", .. } => (crate::t!("shift-paid-out-recorded"), false),
                    Mode::Movement { .. } => (crate::t!("shift-no-sale-recorded"), false),
                    _ if s.open => (crate::t!("shift-opened"), false),
                    _ => (crate::t!("shift-closed"), false),
                });
                if s.open {
                    self.shift = Some(s);
                } else {
                    self.shift = None;
                    self.closed = Some(s);
                }
                self.mode = Mode::View;
            }
            Err(crate::tui::model::CallError::Refused { code, .. })
                if code == "approval_refused" && matches!(self.mode, Mode::Approval { .. }) =>
            {
                // A wrong number or PIN: the form stays, the PIN is typed again.
                if let Mode::Approval { pin, focus, .. } = &mut self.mode {
                    pin.clear();
                    *focus = 1;
                }
                self.note = Some((crate::t!("shift-approval-refused"), true));
            }
            Err(e) => {
                let refused_for_manager = matches!(&e, crate::tui::model::CallError::Refused { code, .. } if code == "manager_approval_required");
                if refused_for_manager && let Mode::Count { .. } = self.mode {
                    let (counted, _) = self.counted();
                    self.note = Some((crate::t!("shift-needs-manager"), true));
                    self.mode = Mode::Approval {
                        counted,
                        manager: Field::new(crate::ts!("shift-field-manager"), FieldKind::Digits, 8),
                        pin: Field::new(crate::ts!("shift-field-pin"), FieldKind::Digits, 8).secret(),
                        note: Field::new(crate::ts!("shift-field-note"), FieldKind::Text, 80),
                        focus: 0,
                    };
                } else {
                    cx.error(&crate::t!("shift-error-title"), e.message());
                }
            }
            Ok(_) => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let fmt = |minor: i64| self.money(minor).map(|m| ctx.fmt(m)).unwrap_or_else(|| minor.to_string());
        let title = match &self.mode {
            Mode::Count { closing: true, .. } => crate::t!("shift-title-close"),
            Mode::Count { closing: false, .. } => crate::t!("shift-title-open"),
            Mode::Movement { kind: "paid-in", .. } => crate::t!("shift-paid-in"),
            Mode::Movement { kind: "paid-out", .. } => crate::t!("shift-paid-out"),
            Mode::Movement { .. } => crate::t!("shift-no-sale"),
            Mode::Approval { .. } => crate::t!("shift-title-approval"),
            _ => crate::t!("shift-title"),
        };
        let block = panel(&title, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [body, note_area] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
        let mut lines: Vec<Line> = Vec::new();
        match &self.mode {
            Mode::Loading => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("shift-loading")), theme.muted)))
            }
            Mode::View => {
                match &self.shift {
                    None => {
                        lines.push(Line::from(format!(" {}", crate::t!("shift-none-open"))));
                        lines.push(Line::from(Span::styled(format!(" {}", crate::t!("shift-press-o")), theme.muted)));
                    }
                    Some(s) => {
                        lines.push(Line::from(format!(
                            " {}",
                            crate::t!(
                                "shift-head",
                                id = s.id.to_string(),
                                terminal = &s.terminal,
                                cashier = s.cashier.to_string(),
                                name = &s.cashier_name
                            )
                        )));
                        let opened = s.opened_at.get(11..16).unwrap_or("");
                        lines.push(Line::from(format!(" {}", crate::t!("shift-opened-at", time = opened))));
                        lines.push(Line::from(vec![
                            Span::styled(format!(" {:<14} ", crate::t!("shift-opening-float")), theme.label),
                            Span::styled(fmt(s.float), theme.amount),
                        ]));
                        for e in &s.events {
                            let what = match e.kind.as_str() {
                                "paid_in" => crate::t!("shift-paid-in"),
                                "paid_out" => crate::t!("shift-paid-out"),
                                "no_sale" => crate::t!("shift-no-sale"),
                                _ => continue,
                            };
                            let amount = if e.kind == "no_sale" { String::new() } else { fmt(e.amount) };
                            lines.push(Line::from(format!(" {what:<9} {amount:>12}  {}", e.reason)));
                        }
                    }
                }
                if let Some(c) = &self.closed {
                    lines.push(Line::from(""));
                    lines.push(Line::from(Span::styled(
                        format!(" {}", crate::t!("shift-closed-head", id = c.id.to_string())),
                        theme.title,
                    )));
                    let row = |l: &str, v: String| {
                        Line::from(vec![Span::styled(format!(" {l:<14} "), theme.label), Span::styled(v, theme.amount)])
                    };
                    lines.push(row(&crate::t!("shift-counted"), fmt(c.counted.unwrap_or(0))));
                    lines.push(row(&crate::t!("shift-expected"), fmt(c.expected.unwrap_or(0))));
                    let os = c.over_short.unwrap_or(0);
                    let style = if os == 0 { theme.ok } else { theme.danger };
                    lines.push(Line::from(vec![
                        Span::styled(format!(" {:<14} ", crate::t!("shift-over-short")), theme.label),
                        Span::styled(fmt(os), style),
                    ]));
                }
            }
            Mode::Count { quantities, selected, closing } => {
                let (_, total) = self.counted();
                let visible = body.height.saturating_sub(3).max(1) as usize;
                let start = (*selected + 1).saturating_sub(visible);
                for (i, (d, q)) in self.denominations.iter().zip(quantities).enumerate().skip(start).take(visible) {
                    let sub = d.saturating_mul(i64::from(*q));
                    let text = format!(" {:>12}  × {:>5}  = {:>14}", fmt(*d), q, fmt(sub));
                    let style = if i == *selected { theme.selected } else { theme.value };
                    lines.push(Line::from(Span::styled(text, style)));
                }
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:<14} ", crate::t!("shift-counted")), theme.label),
                    Span::styled(fmt(total), theme.amount_big),
                ]));
                let hint = if *closing { crate::t!("shift-hint-close") } else { crate::t!("shift-hint-open") };
                lines.push(Line::from(Span::styled(format!(" {hint}"), theme.muted)));
            }
            Mode::Movement { kind, amount, reason, focus } => {
                if *kind != "no-sale" {
                    lines.push(amount.line(*focus == 0, theme, 8));
                }
                lines.push(reason.line(*focus == 1, theme, 8));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("shift-enter-records")), theme.muted)));
            }
            Mode::Approval { manager, pin, note, focus, .. } => {
                lines.push(Line::from(format!(" {}", crate::t!("shift-approval-hint"))));
                lines.push(manager.line(*focus == 0, theme, 8));
                lines.push(pin.line(*focus == 1, theme, 8));
                lines.push(note.line(*focus == 2, theme, 8));
            }
        }
        f.render_widget(Paragraph::new(lines), body);
        if let Some((n, danger)) = &self.note {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {n}"), if *danger { theme.danger } else { theme.ok })),
                note_area,
            );
        }
    }
}
