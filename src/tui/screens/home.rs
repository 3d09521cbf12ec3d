//! Home: every working area one key away.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::Action;
use crate::tui::app::{Ctx, Cx, Goto};
use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use crate::tui::widgets::panel;

pub struct Home;

/// The areas: key, action, name, what it is for.
const AREAS: &[(char, Action, &str, &str)] = &[
    ('g', Action::OpenGift, "Gift card", "sell, reload, redeem, check balance, cash out, exchange"),
    ('r', Action::OpenRetail, "Retail gift cards", "sell third-party cards: print a code or activate a card"),
    ('t', Action::OpenSpots, "Spots", "tables: who waits where, put the bill on, confirm wallet payments"),
    ('j', Action::OpenJournal, "Journal", "today's operations on this till, reprint, reverse last"),
    ('s', Action::OpenSettings, "Settings", "printer, paper width, locale, receipt header"),
];

impl Home {
    pub fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        let mut b: Vec<Binding> = AREAS.iter().map(|(k, a, _, _)| Binding::ch(*k, *a)).collect();
        b.push(Binding::ch('l', Action::Logout));
        b
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::OpenGift => cx.go(Goto::Gift),
            Action::OpenRetail => cx.go(Goto::Retail),
            Action::OpenJournal => cx.go(Goto::Journal),
            Action::OpenSettings => cx.go(Goto::Settings),
            Action::OpenSpots => cx.go(Goto::Spots),
            _ => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let greeting = match &ctx.user {
            Some(u) => format!("Hello {}", u.name),
            None => "Home".to_string(),
        };
        let block = panel(&greeting, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let rows = Layout::vertical(AREAS.iter().map(|_| Constraint::Length(3)).chain([Constraint::Min(0)]))
            .margin(1)
            .split(inner);
        for (i, (key, _, name, what)) in AREAS.iter().enumerate() {
            let lines = vec![
                Line::from(vec![
                    Span::styled(format!(" {key} "), theme.key),
                    Span::raw("  "),
                    Span::styled(*name, theme.title),
                ]),
                Line::from(Span::styled(format!("      {what}"), theme.muted)),
            ];
            f.render_widget(Paragraph::new(lines), rows[i]);
        }
        let hint = Line::from(Span::styled(" Scan or swipe a gift card here to go straight to it.", theme.muted));
        if let Some(last) = rows.last() {
            f.render_widget(Paragraph::new(hint), *last);
        }
    }
}
