//! The manager's reports: the X report (changes nothing), the Z report behind a confirmation, the
//! past Zs with reprint (DUPLICATE), gift card liability (with booking the breakage estimate behind
//! a confirmation), the settlement with recording a top-up of the distributor's prepaid balance
//! (amount and the bank transfer's reference, behind a confirmation). Each prints on the receipt
//! printer and exports as CSV (`e`: a file under `exports/` beside the till's settings, in the
//! till's language and locale). The sheet comes worded in the till's language; its figures are
//! shown in the store's locale; long sheets scroll. Every word here is in `reports.ftl`.

mod charts;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::client::reports::{Report, ReportKind, TopUp, ZSummary, row_value};
use crate::money::{Currency, Money};
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::manager_calls::{ManagerCall, ManagerReply, speech};
use crate::tui::theme::Theme;
use crate::tui::widgets::{Field, FieldKind, panel};

const ASK_Z: Ask = Ask::Screen(50);
const ASK_BREAKAGE: Ask = Ask::Screen(51);
const ASK_TOP_UP: Ask = Ask::Screen(52);

/// The prepaid top-up form: amount and the bank transfer's reference.
pub struct TopUpForm {
    pub amount: Field,
    pub reference: Field,
    pub focus: usize,
    /// The amount as checked, waiting for the confirmation.
    pending: Option<TopUp>,
}

pub struct Reports {
    pub kind: ReportKind,
    pub report: Option<Report>,
    /// The past Zs, when that list is shown.
    pub history: Option<Vec<ZSummary>>,
    pub selected: usize,
    pub scroll: u16,
    pub note: Option<(String, bool)>,
    pub top_up: Option<TopUpForm>,
    loading: bool,
}

impl Reports {
    pub fn open(cx: &mut Cx) -> Reports {
        cx.send(Request::Manager(ManagerCall::Report(ReportKind::X, speech())));
        Reports {
            kind: ReportKind::X,
            report: None,
            history: None,
            selected: 0,
            scroll: 0,
            note: None,
            top_up: None,
            loading: true,
        }
    }

    fn load(&mut self, kind: ReportKind, cx: &mut Cx) {
        self.kind = kind.clone();
        self.history = None;
        self.scroll = 0;
        self.loading = true;
        self.note = None;
        cx.send(Request::Manager(ManagerCall::Report(kind, speech())));
    }

    fn breakage_estimate(&self) -> Option<i64> {
        let r = self.report.as_ref()?;
        (r.sheet.kind == "liability").then(|| r.data["breakage"]["estimate"]["amount"].as_i64()).flatten()
    }

    pub fn text_focus(&self) -> bool {
        self.top_up.is_some()
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        if let Some(f) = &mut self.top_up {
            if f.focus == 0 {
                f.amount.edit(key);
            } else {
                f.reference.edit(key);
            }
        }
    }

    fn is_settlement(&self) -> bool {
        self.history.is_none() && self.report.as_ref().is_some_and(|r| r.sheet.kind == "settlement")
    }

    pub fn bindings(&self) -> Vec<Binding> {
        if self.top_up.is_some() {
            return vec![
                Binding::new(KeyCode::Tab, Action::NextField),
                Binding::new(KeyCode::Enter, Action::Submit),
                Binding::new(KeyCode::Esc, Action::Back),
            ];
        }
        // What the shown report offers comes first: the footer is cut at the screen's width.
        let mut b = Vec::new();
        if self.history.is_some() {
            b.push(Binding::new(KeyCode::Up, Action::Up));
            b.push(Binding::new(KeyCode::Down, Action::Down));
            b.push(Binding::new(KeyCode::Enter, Action::Reprint));
        } else if self.report.is_some() {
            b.push(Binding::ch('p', Action::Print));
            b.push(Binding::ch('e', Action::Export));
            b.push(Binding::hidden(KeyCode::Up, Action::Up));
            b.push(Binding::hidden(KeyCode::Down, Action::Down));
            b.push(Binding::hidden(KeyCode::PageUp, Action::PageUp));
            b.push(Binding::hidden(KeyCode::PageDown, Action::PageDown));
        }
        if self.breakage_estimate().is_some_and(|a| a > 0) {
            b.push(Binding::ch('b', Action::BookBreakage));
        }
        if self.is_settlement() {
            b.push(Binding::ch('t', Action::TopUp));
        }
        b.extend([
            Binding::ch('x', Action::ReportX),
            Binding::ch('z', Action::ReportZ),
            Binding::ch('h', Action::ReportHistory),
            Binding::ch('l', Action::ReportLiability),
            Binding::ch('s', Action::ReportSettlement),
        ]);
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    fn fmt(&self, cx_ctx: &Ctx, minor: i64) -> String {
        let c = self.report.as_ref().and_then(|r| Currency::from_code(&r.sheet.currency).ok()).or(cx_ctx.currency());
        c.map(|c| cx_ctx.fmt(Money::from_minor(minor, c))).unwrap_or_else(|| minor.to_string())
    }

    fn on_form(&mut self, a: Action, cx: &mut Cx) {
        let Some(f) = &mut self.top_up else { return };
        match a {
            Action::Back => self.top_up = None,
            Action::NextField => f.focus = (f.focus + 1) % 2,
            Action::Submit => {
                let amount = match f.amount.amount(cx.ctx) {
                    Ok(Some(m)) if m.minor() > 0 => m,
                    Ok(_) => {
                        self.note = Some((crate::t!("reports-screen-type-amount"), true));
                        return;
                    }
                    Err(e) => {
                        self.note = Some((e.to_string(), true));
                        return;
                    }
                };
                let reference = f.reference.value.trim().to_string();
                if reference.is_empty() {
                    f.focus = 1;
                    self.note = Some((crate::t!("reports-screen-type-reference"), true));
                    return;
                }
                self.note = None;
                f.pending = Some(TopUp { amount: amount.to_plain_string(), reference: reference.clone() });
                cx.confirm(Confirm {
                    title: crate::t!("reports-screen-top-up-title"),
                    body: vec![
                        crate::t!("reports-screen-top-up-paid", amount = amount, reference = &reference),
                        crate::t!("reports-screen-top-up-once"),
                    ],
                    yes_label: crate::ts!("reports-screen-top-up-yes"),
                    no_label: crate::ts!("reports-screen-top-up-no"),
                    danger: false,
                    ask: ASK_TOP_UP,
                });
            }
            _ => {}
        }
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        if self.top_up.is_some() {
            self.on_form(a, cx);
            return;
        }
        match a {
            Action::TopUp if self.is_settlement() => {
                self.note = None;
                self.top_up = Some(TopUpForm {
                    amount: Field::new(crate::ts!("reports-screen-field-amount"), FieldKind::Amount, 12),
                    reference: Field::new(crate::ts!("reports-screen-field-reference"), FieldKind::Text, 64),
                    focus: 0,
                    pending: None,
                });
            }
            Action::Back if self.history.is_some() => self.history = None,
            Action::Back => cx.go(Goto::Home),
            Action::ReportX => self.load(ReportKind::X, cx),
            Action::ReportLiability => self.load(ReportKind::Liability, cx),
            Action::ReportSettlement => self.load(ReportKind::Settlement, cx),
            Action::ReportHistory => {
                self.loading = true;
                cx.send(Request::Manager(ManagerCall::ZList));
            }
            Action::ReportZ => cx.confirm(Confirm {
                title: crate::t!("reports-screen-z-title"),
                body: vec![crate::t!("reports-screen-z-body"), crate::t!("reports-screen-z-shifts")],
                yes_label: crate::ts!("reports-screen-z-yes"),
                no_label: crate::ts!("reports-screen-z-no"),
                danger: true,
                ask: ASK_Z,
            }),
            Action::BookBreakage => {
                if let Some(amount) = self.breakage_estimate().filter(|a| *a > 0) {
                    let shown = self.fmt(cx.ctx, amount);
                    cx.confirm(Confirm {
                        title: crate::t!("reports-screen-breakage-title"),
                        body: vec![
                            crate::t!("reports-screen-breakage-body", amount = shown),
                            crate::t!("reports-screen-breakage-meanwhile"),
                        ],
                        yes_label: crate::ts!("reports-screen-breakage-yes"),
                        no_label: crate::ts!("reports-screen-breakage-no"),
                        danger: true,
                        ask: ASK_BREAKAGE,
                    });
                }
            }
            Action::Up if self.history.is_some() => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.history.is_some() => {
                let n = self.history.as_ref().map_or(0, Vec::len);
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
            }
            Action::Reprint => {
                if let Some(z) = self.history.as_ref().and_then(|h| h.get(self.selected)) {
                    let kind = ReportKind::Z(z.number);
                    self.load(kind, cx);
                }
            }
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::Print => {
                if let Some(r) = &self.report {
                    cx.send(Request::Manager(ManagerCall::Print(Box::new(r.sheet.clone()))));
                }
            }
            Action::Export if self.report.is_some() => {
                cx.send(Request::Manager(ManagerCall::Export(self.kind.clone(), speech())));
            }
            _ => {}
        }
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if ask == ASK_Z {
            self.loading = true;
            // The Z starts at its top, not where the X was scrolled to.
            self.scroll = 0;
            cx.send(Request::Manager(ManagerCall::CloseDay(speech())));
        } else if ask == ASK_TOP_UP
            && let Some(req) = self.top_up.as_mut().and_then(|f| f.pending.take())
        {
            self.loading = true;
            cx.send(Request::Manager(ManagerCall::TopUp(req)));
        } else if ask == ASK_BREAKAGE
            && let Some(amount) = self.breakage_estimate()
        {
            cx.send(Request::Manager(ManagerCall::BookBreakage(amount)));
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        let Reply::Manager(r) = r else { return };
        self.loading = false;
        match r {
            Ok(ManagerReply::Report(r)) => {
                if r.sheet.kind == "z"
                    && let Some(n) = r.sheet.number
                {
                    self.kind = ReportKind::Z(n);
                }
                self.report = Some(*r);
            }
            Ok(ManagerReply::ZList(list)) => {
                self.selected = 0;
                self.history = Some(list);
            }
            Ok(ManagerReply::Printed(Ok(()))) => self.note = Some((crate::t!("reports-screen-printed"), false)),
            Ok(ManagerReply::Printed(Err(e))) => {
                self.note = Some((crate::t!("reports-screen-not-printed", error = e), true))
            }
            Ok(ManagerReply::Exported(Ok(path))) => {
                self.note = Some((crate::t!("reports-screen-csv-written", path = path), false))
            }
            Ok(ManagerReply::Exported(Err(e))) => {
                self.note = Some((crate::t!("reports-screen-csv-not-written", error = e), true))
            }
            Ok(ManagerReply::ToppedUp(p)) => {
                self.top_up = None;
                let shown = self.fmt(cx.ctx, p.available);
                self.load(ReportKind::Settlement, cx);
                // A reference recorded before books nothing: say so, never "recorded" twice.
                let note = if p.already_recorded {
                    crate::t!("reports-screen-top-up-already", available = shown)
                } else {
                    crate::t!("reports-screen-top-up-done", available = shown)
                };
                self.note = Some((note, false));
            }
            Ok(ManagerReply::Booked(b)) => {
                let shown = self.fmt(cx.ctx, b.amount);
                self.note = Some((crate::t!("reports-screen-breakage-booked", count = b.count, amount = shown), false));
                self.load(ReportKind::Liability, cx);
            }
            Ok(_) => {}
            Err(e) if self.top_up.is_some() => self.note = Some((e.message(), true)),
            Err(e) => cx.error(&crate::t!("reports-screen-error-title"), e.message()),
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let title = match (&self.history, &self.report) {
            (Some(_), _) => crate::t!("reports-screen-past-z"),
            (None, Some(r)) if r.sheet.duplicate => crate::t!("reports-screen-duplicate", title = &r.sheet.title),
            (None, Some(r)) => r.sheet.title.clone(),
            (None, None) => crate::t!("reports-screen-title"),
        };
        let block = panel(&title, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [body, note_area] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
        let width = body.width as usize;
        // The sheet's rows go below the charts, when the report has any (charts.rs).
        let mut sheet_area = body;
        let mut lines: Vec<Line> = Vec::new();
        if let Some(form) = &self.top_up {
            lines.push(Line::from(Span::styled(format!(" {}", crate::t!("reports-screen-top-up-head")), theme.title)));
            lines.push(Line::from(""));
            lines.push(form.amount.line(form.focus == 0, theme, 10));
            lines.push(form.reference.line(form.focus == 1, theme, 10));
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(format!(" {}", crate::t!("reports-screen-top-up-hint")), theme.muted)));
        } else if self.loading {
            lines.push(Line::from(Span::styled(format!(" {}", crate::t!("reports-screen-loading")), theme.muted)));
        } else if let Some(h) = &self.history {
            if h.is_empty() {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("reports-screen-no-z")), theme.muted)));
            }
            let visible = body.height.max(1) as usize;
            let start = (self.selected + 1).saturating_sub(visible);
            for (i, z) in h.iter().enumerate().skip(start).take(visible) {
                let net = self.fmt(ctx, z.net);
                let text = format!(
                    " Z {:>4}  {}  {} {:>14}  {}",
                    z.number,
                    z.business_day,
                    crate::t!("reports-screen-z-net"),
                    net,
                    z.hash.get(..12).unwrap_or("")
                );
                lines.push(Line::from(Span::styled(
                    text,
                    if i == self.selected { theme.selected } else { theme.value },
                )));
            }
        } else if let Some(r) = &self.report {
            let locale = ctx.locale();
            sheet_area = charts::render(f, body, r, ctx, theme);
            let mut all: Vec<Line> = Vec::new();
            for s in &r.sheet.sections {
                all.push(Line::from(Span::styled(format!(" {}", s.title), theme.title)));
                for row in &s.rows {
                    let value = row_value(&r.sheet, row, locale);
                    // Sub-rows keep their indent (a day's figures, a clearing account).
                    let label = format!("   {}", row.label.trim_end());
                    let pad = width.saturating_sub(label.chars().count() + value.chars().count() + 1).max(1);
                    all.push(Line::from(vec![
                        Span::styled(label, theme.label),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(value, theme.amount),
                    ]));
                }
            }
            all.extend(charts::hour_rows(r, ctx, theme, width));
            let rows = sheet_area.height as usize;
            // When it scrolls, one row is the "more" line: the last scroll shows the last row.
            let total = all.len();
            let max = if total > rows { total + 1 - rows.max(1) } else { 0 };
            let scroll = (self.scroll as usize).min(max);
            if max > 0 {
                let (line, of) = (scroll + 1, total);
                let more = if scroll < max {
                    crate::t!("reports-screen-more-below", line = line, lines = of)
                } else {
                    crate::t!("reports-screen-more-above", line = line, lines = of)
                };
                all.truncate(scroll + rows.saturating_sub(1));
                lines.extend(all.into_iter().skip(scroll));
                lines.push(Line::from(Span::styled(format!(" {more}"), theme.muted)));
            } else {
                lines = all;
            }
        }
        f.render_widget(Paragraph::new(lines), sheet_area);
        if let Some((n, danger)) = &self.note {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {n}"), if *danger { theme.danger } else { theme.ok })),
                note_area,
            );
        }
    }
}
