//! Drawing the gift screen: the card panel, the form of the step, the result and its receipt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

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
                    Span::styled(format!("  {:<8}", crate::t!("gift-panel-number")), theme.label),
                    Span::styled(c.masked.clone(), theme.value),
                ]));
                let st = match c.status {
                    CardStatus::Active => theme.ok,
                    CardStatus::Inactive => theme.warn,
                    CardStatus::Blocked | CardStatus::Unknown => theme.danger,
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<8}", crate::t!("gift-panel-status")), theme.label),
                    Span::styled(c.status.label(), st),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!("  {}", crate::t!("gift-panel-balance")), theme.label)));
                let bal = c.balance.map(|b| ctx.fmt(b)).unwrap_or_else(|| "—".into());
                lines.push(Line::from(Span::styled(format!("  {bal}"), theme.amount_big)));
                if !c.program.is_empty() {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(format!("  {}", c.program), theme.muted)));
                }
            }
            None if self.step == Step::Working => {
                lines.push(Line::from(Span::styled(format!("  {}", crate::t!("gift-looking-up")), theme.muted)));
            }
            None => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("gift-panel-hint")), theme.muted)));
            }
        }
        let title = crate::t!("gift-panel-title");
        f.render_widget(widgets::wrapped(lines, panel(&title, self.step == Step::Card, theme)), area);
    }

    fn render_main(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let mut lines: Vec<Line> = Vec::new();
        let (pin_title, approve_title) = (crate::t!("cashier-pin-title"), crate::t!("cashier-approve-title"));
        let title = match self.step {
            Step::Card => crate::t!("gift-title-card"),
            Step::Menu => crate::t!("gift-title-menu"),
            Step::Amount(k) | Step::Tender(k) => k.label().to_string(),
            Step::NewCard => GiftKind::Exchange.label().to_string(),
            Step::Pin => pin_title,
            Step::Approve => approve_title,
            Step::Working => crate::t!("gift-title-working"),
            Step::Resolving => crate::t!("gift-title-checking"),
            Step::Result => crate::t!("gift-title-done"),
        };
        match self.step {
            Step::Card => {
                lines.push(Line::raw(""));
                lines.push(Line::from(format!(" {}", crate::t!("gift-card-step-present"))));
                lines.push(Line::from(format!(" {}", crate::t!("gift-card-step-balance"))));
                lines.push(Line::raw(""));
                lines.push(Line::from(format!(" {}", crate::t!("gift-card-step-egift"))));
                if ctx.terminal.as_ref().is_some_and(|t| t.demo) {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(format!(" {}", crate::t!("gift-demo-cards")), theme.muted)));
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
                    GiftKind::Refund => crate::t!("gift-amount-hint-refund", example = example),
                    _ => crate::t!("gift-amount-hint", example = example),
                };
                lines.push(Line::from(Span::styled(format!(" {hint}"), theme.muted)));
            }
            Step::Tender(kind) => {
                lines.push(Line::raw(""));
                if let Some(s) = self.split {
                    lines.push(Line::from(format!(" {}", crate::t!("gift-card-covers", amount = s.from_card))));
                    lines.push(Line::from(vec![
                        Span::raw(format!(" {} ", crate::t!("gift-still-to-pay"))),
                        Span::styled(ctx.fmt(s.rest), theme.amount_big),
                    ]));
                } else if let Ok(Some(a)) = self.amount.amount(ctx) {
                    lines.push(Line::from(vec![
                        Span::raw(format!(" {} ", crate::t!("gift-customer-pays-for", kind = kind.label()))),
                        Span::styled(ctx.fmt(a), theme.amount_big),
                    ]));
                }
                lines.push(Line::raw(""));
                lines.push(Line::from(format!(" {}", crate::t!("gift-how-pays"))));
                lines.push(Line::from(vec![
                    Span::styled(" 1 ", theme.key),
                    Span::raw(format!("  {}", Tender::Cash.label())),
                ]));
                lines.push(Line::from(vec![
                    Span::styled(" 2 ", theme.key),
                    Span::raw(format!("  {}", Tender::Card.label())),
                ]));
            }
            Step::NewCard => {
                lines.push(Line::raw(""));
                lines.push(self.new_card.line(true, theme, 8));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("gift-replacement-hint")), theme.muted)));
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
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("gift-working")), theme.muted)));
            }
            Step::Resolving => {
                let line = if self.pending.as_ref().is_some_and(|p| p.asking) {
                    crate::t!("gift-resolving")
                } else {
                    crate::t!("gift-resolve-enter")
                };
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {line}"), theme.warn)));
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
        f.render_widget(widgets::wrapped(lines, panel(&title, self.step != Step::Card, theme)), area);
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
        let labels = [
            crate::t!("gift-result-before"),
            crate::t!("gift-result-amount"),
            crate::t!("gift-result-new-balance"),
            crate::t!("gift-result-paid"),
            crate::t!("gift-result-still-to-pay"),
            crate::t!("gift-result-auth-code"),
        ];
        let label_w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(12) + 1;
        let row = |label: &str, value: String, style| {
            Line::from(vec![Span::styled(format!(" {label:<label_w$}"), theme.label), Span::styled(value, style)])
        };
        let [before, amount, new_balance, paid, still, auth] = &labels;
        let head = crate::t!("gift-result-head", kind = o.kind.label(), card = o.masked.as_str());
        let mut lines = vec![Line::from(Span::styled(format!(" {head}"), theme.ok))];
        if let Some(p) = o.previous {
            lines.push(row(before, ctx.fmt(p), theme.value));
        }
        if let Some(a) = o.amount {
            lines.push(row(amount, ctx.fmt(a), theme.amount));
        }
        lines.push(row(new_balance, ctx.fmt(o.current), theme.amount_big));
        if let Some(t) = d.tender
            && let Some(a) = o.amount
        {
            lines.push(row(paid, crate::t!("gift-result-by", amount = ctx.fmt(a), tender = t.label()), theme.value));
        }
        if let Some(s) = d.split {
            let tender = s.rest_tender.unwrap_or(Tender::Cash).label();
            lines.push(row(still, crate::t!("gift-result-by", amount = ctx.fmt(s.rest), tender = tender), theme.warn));
        }
        lines.push(row(auth, o.auth_code.clone(), theme.muted));
        for m in &d.notes {
            lines.push(Line::from(Span::styled(format!(" {m}"), theme.value)));
        }
        if let Some((note, act)) = crate::tui::screens::receipt_note(ctx, o.receipt.as_ref()) {
            lines.push(Line::from(Span::styled(format!(" {note}"), if act { theme.danger } else { theme.muted })));
        }
        let title = crate::t!("gift-title-done");
        f.render_widget(widgets::wrapped(lines, panel(&title, true, theme)), info);
        if let (Some(r), Some(paper)) = (&o.receipt, paper) {
            widgets::receipt(f, paper, &crate::t!("common-receipt"), &r.lines, self.scroll, theme);
        }
    }
}
