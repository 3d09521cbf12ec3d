//! The manager's reports: the X report (changes nothing), the Z report behind a confirmation, the
//! past Zs with reprint (DUPLICATE), gift card liability (with booking the breakage estimate behind
//! a confirmation), the settlement. Each prints on the receipt printer and exports as CSV. The
//! figures are the engine's sheet, in the store's locale; long sheets scroll.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::client::reports::{Report, ReportKind, ZSummary, row_value};
use crate::money::{Currency, Money};
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::manager_calls::{ManagerCall, ManagerReply};
use crate::tui::theme::Theme;
use crate::tui::widgets::panel;

const ASK_Z: Ask = Ask::Screen(50);
const ASK_BREAKAGE: Ask = Ask::Screen(51);

pub struct Reports {
    pub kind: ReportKind,
    pub report: Option<Report>,
    /// The past Zs, when that list is shown.
    pub history: Option<Vec<ZSummary>>,
    pub selected: usize,
    pub scroll: u16,
    pub note: Option<(String, bool)>,
    loading: bool,
}

impl Reports {
    pub fn open(cx: &mut Cx) -> Reports {
        cx.send(Request::Manager(ManagerCall::Report(ReportKind::X)));
        Reports { kind: ReportKind::X, report: None, history: None, selected: 0, scroll: 0, note: None, loading: true }
    }

    fn load(&mut self, kind: ReportKind, cx: &mut Cx) {
        self.kind = kind.clone();
        self.history = None;
        self.scroll = 0;
        self.loading = true;
        self.note = None;
        cx.send(Request::Manager(ManagerCall::Report(kind)));
    }

    fn breakage_estimate(&self) -> Option<i64> {
        let r = self.report.as_ref()?;
        (r.sheet.kind == "liability").then(|| r.data["breakage"]["estimate"]["amount"].as_i64()).flatten()
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = vec![
            Binding::ch('x', Action::ReportX),
            Binding::ch('z', Action::ReportZ),
            Binding::ch('h', Action::ReportHistory),
            Binding::ch('l', Action::ReportLiability),
            Binding::ch('s', Action::ReportSettlement),
        ];
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
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    fn fmt(&self, cx_ctx: &Ctx, minor: i64) -> String {
        let c = self.report.as_ref().and_then(|r| Currency::from_code(&r.sheet.currency).ok()).or(cx_ctx.currency());
        c.map(|c| cx_ctx.fmt(Money::from_minor(minor, c))).unwrap_or_else(|| minor.to_string())
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
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
                title: "Close the business day?".into(),
                body: vec![
                    "The Z report closes today for the whole store: it is numbered, kept for good, and nothing more can be booked into today.".into(),
                    "Every shift must be closed first.".into(),
                ],
                yes_label: "close the day",
                no_label: "not yet",
                danger: true,
                ask: ASK_Z,
            }),
            Action::BookBreakage => {
                if let Some(amount) = self.breakage_estimate().filter(|a| *a > 0) {
                    let shown = self.fmt(cx.ctx, amount);
                    cx.confirm(Confirm {
                        title: "Book the breakage estimate?".into(),
                        body: vec![format!("{shown} of lapsed gift card balances move to breakage in the ledger."), "Cards used meanwhile are left out; the estimate must still match.".into()],
                        yes_label: "book it",
                        no_label: "not now",
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
                cx.send(Request::Manager(ManagerCall::Export(self.kind.clone())));
            }
            _ => {}
        }
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if ask == ASK_Z {
            self.loading = true;
            cx.send(Request::Manager(ManagerCall::CloseDay));
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
            Ok(ManagerReply::Printed(Ok(()))) => self.note = Some(("Printed.".into(), false)),
            Ok(ManagerReply::Printed(Err(e))) => self.note = Some((format!("Not printed: {e}"), true)),
            Ok(ManagerReply::Exported(Ok(path))) => self.note = Some((format!("CSV written to {path}"), false)),
            Ok(ManagerReply::Exported(Err(e))) => self.note = Some((format!("CSV not written: {e}"), true)),
            Ok(ManagerReply::Booked(b)) => {
                let shown = self.fmt(cx.ctx, b.amount);
                self.note = Some((format!("Breakage booked: {} cards, {shown}.", b.count), false));
                self.load(ReportKind::Liability, cx);
            }
            Ok(_) => {}
            Err(e) => cx.error("Report", e.message()),
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let title = match (&self.history, &self.report) {
            (Some(_), _) => "Past Z reports".to_string(),
            (None, Some(r)) if r.sheet.duplicate => format!("{} · DUPLICATE", r.sheet.title),
            (None, Some(r)) => r.sheet.title.clone(),
            (None, None) => "Reports".to_string(),
        };
        let block = panel(&title, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [body, note_area] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
        let width = body.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        if self.loading {
            lines.push(Line::from(Span::styled(" Loading…", theme.muted)));
        } else if let Some(h) = &self.history {
            if h.is_empty() {
                lines.push(Line::from(Span::styled(" No Z report yet.", theme.muted)));
            }
            let visible = body.height.max(1) as usize;
            let start = (self.selected + 1).saturating_sub(visible);
            for (i, z) in h.iter().enumerate().skip(start).take(visible) {
                let net = self.fmt(ctx, z.net);
                let text = format!(
                    " Z {:>4}  {}  net {:>14}  {}",
                    z.number,
                    z.business_day,
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
            let mut all: Vec<Line> = Vec::new();
            for s in &r.sheet.sections {
                all.push(Line::from(Span::styled(format!(" {}", s.title), theme.title)));
                for row in &s.rows {
                    let value = row_value(&r.sheet, row, locale);
                    let label = format!("   {}", row.label.trim());
                    let pad = width.saturating_sub(label.chars().count() + value.chars().count() + 1).max(1);
                    all.push(Line::from(vec![
                        Span::styled(label, theme.label),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(value, theme.amount),
                    ]));
                }
            }
            let rows = body.height as usize;
            let max = all.len().saturating_sub(rows);
            let scroll = (self.scroll as usize).min(max);
            if max > 0 {
                let more = if scroll < max { "↓ more" } else { "↑ more" };
                all.truncate(scroll + rows.saturating_sub(1));
                lines.extend(all.into_iter().skip(scroll));
                lines.push(Line::from(Span::styled(
                    format!(" {more} · line {}/{}", scroll + 1, max + rows),
                    theme.muted,
                )));
            } else {
                lines = all;
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
