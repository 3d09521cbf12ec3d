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

/// The areas: key, action, name, what it is for (in the language in force).
fn areas(ctx: &Ctx) -> Vec<(char, Action, String, String)> {
    let mut a = vec![
        ('g', Action::OpenGift, crate::t!("home-gift"), crate::t!("home-gift-what")),
        ('r', Action::OpenRetail, crate::t!("home-retail"), crate::t!("home-retail-what")),
        ('t', Action::OpenSpots, crate::t!("home-spots"), crate::t!("home-spots-what")),
        ('j', Action::OpenJournal, crate::t!("home-journal"), crate::t!("home-journal-what")),
        ('s', Action::OpenSettings, crate::t!("home-settings"), crate::t!("home-settings-what")),
        ('f', Action::OpenShift, crate::t!("home-shift"), crate::t!("home-shift-what")),
        ('u', Action::OpenUsers, crate::t!("home-users"), crate::t!("home-users-what")),
    ];
    // Only managers see the reports.
    if ctx.user.as_ref().is_some_and(|u| u.role == crate::tui::model::Role::Manager) {
        a.push(('m', Action::OpenReports, crate::t!("home-reports"), crate::t!("home-reports-what")));
    }
    a
}

impl Home {
    pub fn bindings(&self, ctx: &Ctx) -> Vec<Binding> {
        let mut b: Vec<Binding> = areas(ctx).iter().map(|(k, a, _, _)| Binding::ch(*k, *a)).collect();
        b.push(Binding::ch('l', Action::Logout));
        b
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::OpenGift => cx.go(Goto::Gift),
            Action::OpenRetail => cx.go(Goto::Retail),
            Action::OpenJournal => cx.go(Goto::Journal),
            // The settings are a manager's: a cashier's manager approves at the till first.
            Action::OpenSettings if super::approve::may_alone(cx.ctx) => cx.go(Goto::Settings),
            Action::OpenSettings => cx.go(Goto::ApproveSettings),
            Action::OpenUsers => cx.go(Goto::Users),
            Action::OpenShift => cx.go(Goto::Shift),
            Action::OpenReports if cx.ctx.user.as_ref().is_some_and(|u| u.role == crate::tui::model::Role::Manager) => {
                cx.go(Goto::Reports)
            }
            Action::OpenSpots => cx.go(Goto::Spots),
            _ => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let greeting = match &ctx.user {
            Some(u) => crate::t!("home-hello", name = u.name.as_str()),
            None => crate::t!("home-title"),
        };
        let block = panel(&greeting, true, theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let areas = areas(ctx);
        // A blank line between areas while they fit (inside the margin), none when they would not.
        let height = if areas.len() as u16 * 3 + 2 <= inner.height { 3 } else { 2 };
        let rows = Layout::vertical(areas.iter().map(|_| Constraint::Length(height)).chain([Constraint::Min(0)]))
            .margin(1)
            .split(inner);
        for (i, (key, _, name, what)) in areas.iter().enumerate() {
            let lines = vec![
                Line::from(vec![
                    Span::styled(format!(" {key} "), theme.key),
                    Span::raw("  "),
                    Span::styled(name.as_str(), theme.title),
                ]),
                Line::from(Span::styled(format!("      {what}"), theme.muted)),
            ];
            f.render_widget(Paragraph::new(lines), rows[i]);
        }
        let hint = Line::from(Span::styled(format!(" {}", crate::t!("home-scan-hint")), theme.muted));
        if let Some(last) = rows.last() {
            f.render_widget(Paragraph::new(hint), *last);
        }
    }
}
