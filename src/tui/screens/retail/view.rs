//! Drawing the retail screen: the product list while choosing, the step's form, the sale with its
//! receipt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use super::state::*;
use crate::tui::app::Ctx;
use crate::tui::model::*;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, panel};

impl Retail {
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
        let title = crate::t!("retail-panel-products");
        let block = panel(&title, self.step == Step::Search, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [field, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
        f.render_widget(Paragraph::new(self.search.line(self.step == Step::Search, theme, 4)), field);
        if self.step == Step::Loading {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {}", crate::t!("retail-loading")), theme.muted)),
                list,
            );
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
                    ProductKind::Por => crate::t!("retail-kind-code"),
                    ProductKind::Posa => crate::t!("retail-kind-card"),
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
            Step::Loading | Step::Search => crate::t!("retail-title-sell"),
            Step::Amount => crate::t!("retail-title-amount"),
            Step::PosaCard => crate::t!("retail-title-scan"),
            Step::Creating => crate::t!("retail-title-checking"),
            Step::Pay => crate::t!("retail-title-pay"),
            Step::Confirming => crate::t!("retail-title-confirming"),
            Step::Resolving => crate::t!("retail-title-no-answer"),
            Step::Cancelling => crate::t!("retail-title-cancelling"),
            Step::Done => crate::t!("retail-title-sold"),
            Step::Stopped => crate::t!("retail-title-not-sold"),
        };
        if let Some(p) = &self.product {
            lines.push(Line::from(vec![
                Span::styled(format!(" {}", p.name), theme.title),
                Span::styled(format!("  {} · {}", p.brand, p.code), theme.muted),
            ]));
            if let Some(v) = self.face_value {
                lines.push(Line::from(vec![
                    Span::raw(format!(" {} ", crate::t!("retail-value"))),
                    Span::styled(ctx.fmt(v), theme.amount_big),
                ]));
            }
            lines.push(Line::raw(""));
        }
        match self.step {
            Step::Loading | Step::Search => {
                lines.push(Line::from(format!(" {}", crate::t!("retail-search-hint"))));
                lines.push(Line::from(format!(" {}", crate::t!("retail-search-keys"))));
                if let Some(p) = self.highlighted() {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled(format!(" {}", p.name), theme.title)));
                    lines.push(Line::from(Span::styled(
                        format!(" {}", crate::t!("retail-brand-ean", brand = p.brand.as_str(), code = p.code.as_str())),
                        theme.muted,
                    )));
                    let how = match p.kind {
                        ProductKind::Por => crate::t!("retail-how-por"),
                        ProductKind::Posa => crate::t!("retail-how-posa"),
                    };
                    lines.push(Line::from(format!(" {how}")));
                    let values = if p.denominations.is_empty() {
                        match (p.min, p.max) {
                            (Some(lo), Some(hi)) => format!(" {}", crate::t!("retail-any-amount", min = lo, max = hi)),
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
                        let range = if p.denominations.is_empty() {
                            crate::t!("retail-type-any", min = lo, max = hi)
                        } else {
                            crate::t!("retail-or-type-any", min = lo, max = hi)
                        };
                        lines.push(Line::raw(""));
                        lines.push(Line::from(Span::styled(format!(" {range}"), theme.muted)));
                    }
                    lines.push(Line::raw(""));
                    lines.push(self.amount.line(true, theme, 7));
                }
            }
            Step::PosaCard => {
                lines.push(self.card_field.line(true, theme, 7));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-scan-back")), theme.muted)));
            }
            Step::Creating => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-checking")), theme.muted)))
            }
            Step::Pay => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-check-passed")), theme.ok)));
                if let Some(m) = self.order.as_ref().and_then(|o| o.message.clone()) {
                    lines.push(Line::from(format!(" {m}")));
                }
                lines.push(Line::raw(""));
                let value = self.face_value.map(|v| ctx.fmt(v)).unwrap_or_default();
                lines.push(take_line(&value, theme));
                let (cash, card) = (crate::t!("retail-pay-cash"), crate::t!("retail-pay-card"));
                lines.push(Line::from(vec![Span::styled(" 1 ", theme.key), Span::raw(format!("  {cash}"))]));
                lines.push(Line::from(vec![Span::styled(" 2 ", theme.key), Span::raw(format!("  {card}"))]));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-esc-cancels")), theme.muted)));
            }
            Step::Confirming => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-confirming")), theme.muted)))
            }
            Step::Resolving => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-resolving")), theme.warn)));
                lines.push(Line::from(format!(" {}", crate::t!("retail-resolving-hint"))));
            }
            Step::Cancelling => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-cancelling")), theme.muted)))
            }
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
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-enter-new")), theme.muted)));
            }
        }
        if let Some((note, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {note}"), if *danger { theme.danger } else { theme.warn })));
        }
        f.render_widget(widgets::wrapped(lines, panel(&title, true, theme)), area);
    }

    fn render_done(&self, f: &mut Frame, area: Rect, o: &OrderView, ctx: &Ctx, theme: &Theme, mut lines: Vec<Line>) {
        lines.push(Line::from(Span::styled(format!(" {}", crate::t!("retail-sold")), theme.ok)));
        if let Some((note, _)) = &self.note {
            lines.push(Line::from(Span::styled(format!(" {note}"), theme.warn)));
        }
        if let Some((note, act)) = crate::tui::screens::receipt_note(ctx, o.receipt.as_ref()) {
            lines.push(Line::from(Span::styled(format!(" {note}"), if act { theme.danger } else { theme.muted })));
        }
        let [info, paper] =
            Layout::vertical([Constraint::Length(lines.len() as u16 + 2), Constraint::Min(0)]).areas(area);
        let title = crate::t!("retail-title-sold");
        f.render_widget(Paragraph::new(lines).block(panel(&title, true, theme)), info);
        let lines = o.receipt.as_ref().map(|r| &r.lines).unwrap_or(&o.lines);
        widgets::receipt(f, paper, &crate::t!("retail-title-receipt"), lines, self.scroll, theme);
    }
}

/// "Take €25.00 from the customer:" with the amount large, wherever the language puts it.
fn take_line(value: &str, theme: &Theme) -> Line<'static> {
    const MARK: &str = "\u{1}";
    let text = crate::t!("retail-take-from", amount = MARK);
    let (before, after) = text.split_once(MARK).unwrap_or((text.as_str(), ""));
    Line::from(vec![
        Span::raw(format!(" {before}")),
        Span::styled(value.to_string(), theme.amount_big),
        Span::raw(after.to_string()),
    ])
}
