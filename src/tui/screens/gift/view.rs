//! Drawing the gift screen: the card panel, the form of the step, the result and its receipt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::state::*;
use crate::money::Money;
use crate::tui::app::Ctx;
use crate::tui::model::*;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, panel};

impl Gift {
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
        let (pin_title, approve_title) = (crate::t!("cashier-pin-title"), crate::t!("cashier-approve-title"));
        let title = match self.step {
            Step::Card => "Gift card",
            Step::Menu => "Choose an operation",
            Step::Amount(k) | Step::Tender(k) => k.label(),
            Step::NewCard => "Exchange",
            Step::Pin => pin_title.as_str(),
            Step::Approve => approve_title.as_str(),
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
                } else if let Ok(Some(a)) = self.amount.amount(ctx) {
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
            Step::Pin => {
                lines.push(Line::raw(""));
                lines.push(self.pin.line(true, theme, 8));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-pin-hint-type")), theme.muted)));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-pin-hint-back")), theme.muted)));
            }
            Step::Approve => {
                lines.push(Line::raw(""));
                lines.push(self.manager.line(!self.manager_pin_focus, theme, 8));
                lines.push(self.manager_pin.line(self.manager_pin_focus, theme, 8));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-approve-hint")), theme.muted)));
                lines.push(Line::from(Span::styled(
                    format!(" {}", crate::t!("cashier-approve-hint-keys")),
                    theme.muted,
                )));
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
        if let Some((note, act)) = crate::tui::screens::receipt_note(ctx, o.receipt.as_ref()) {
            lines.push(Line::from(Span::styled(format!(" {note}"), if act { theme.danger } else { theme.muted })));
        }
        f.render_widget(widgets::wrapped(lines, panel("Done", true, theme)), info);
        if let (Some(r), Some(paper)) = (&o.receipt, paper) {
            widgets::receipt(f, paper, "Receipt", &r.lines, self.scroll, theme);
        }
    }
}
