//! Log in with a user number and a PIN. A scanned badge fills the user number.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::Action;
use crate::tui::app::{Ctx, Cx, Reply, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::CallError;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Field, FieldKind, centered, panel};

pub struct Login {
    pub number: Field,
    pub pin: Field,
    pin_focus: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub waiting: bool,
}

impl Default for Login {
    fn default() -> Self {
        Login::new()
    }
}

impl Login {
    pub fn new() -> Login {
        Login {
            number: Field::new("User number", FieldKind::Digits, 8),
            pin: Field::new("PIN", FieldKind::Digits, 8).secret(),
            pin_focus: false,
            error: None,
            notice: None,
            waiting: false,
        }
    }

    /// Fills the user number and puts the cursor on the PIN (unlocking after inactivity).
    pub fn prefill(&mut self, number: u32) {
        self.number.value = number.to_string();
        self.pin_focus = true;
    }

    pub fn bindings(&self) -> Vec<Binding> {
        vec![
            Binding::new(KeyCode::Enter, Action::Submit),
            Binding::new(KeyCode::Tab, Action::NextField),
            Binding::hidden(KeyCode::BackTab, Action::PrevField),
            Binding::hidden(KeyCode::Up, Action::PrevField),
            Binding::hidden(KeyCode::Down, Action::NextField),
        ]
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::NextField | Action::PrevField => self.pin_focus = !self.pin_focus,
            Action::Submit => {
                if !self.pin_focus {
                    if !self.number.value.is_empty() {
                        self.pin_focus = true;
                    }
                    return;
                }
                self.submit(cx);
            }
            _ => {}
        }
    }

    fn submit(&mut self, cx: &mut Cx) {
        let Ok(number) = self.number.value.parse::<u32>() else {
            self.error = Some("Type your user number first.".into());
            self.pin_focus = false;
            return;
        };
        if self.pin.value.len() < 4 {
            self.error = Some("A PIN has 4 to 8 digits.".into());
            return;
        }
        self.error = None;
        self.waiting = true;
        cx.send(Request::Login { number, pin: std::mem::take(&mut self.pin.value) });
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        let field = if self.pin_focus { &mut self.pin } else { &mut self.number };
        field.edit(key);
        self.error = None;
    }

    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        // A burst (a badge scan, or a fast typist whose keys and Enter came within the scanner gap)
        // goes to the focused field and counts as typed and submitted: a user number moves on to
        // the PIN, a PIN logs in.
        if let Input::Scan(s) = input {
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).take(8).collect();
            if digits.is_empty() || self.waiting {
                return;
            }
            self.error = None;
            if self.pin_focus {
                self.pin.value = digits;
                self.submit(cx);
            } else {
                self.number.value = digits;
                self.pin.clear();
                self.pin_focus = true;
            }
        }
    }

    pub fn on_reply(&mut self, r: Reply, _cx: &mut Cx) {
        if let Reply::Login(Err(e)) = r {
            self.waiting = false;
            self.pin.clear();
            self.pin_focus = true;
            self.error = Some(match e {
                CallError::Refused { message, .. } | CallError::Unauthorized(message) => message,
                other => other.message(),
            });
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let r = centered(area, 56, 13);
        let title = match &ctx.terminal {
            Some(t) => format!("{} · till {}", t.merchant, t.terminal),
            None => "till".to_string(),
        };
        let mut lines = vec![
            Line::raw(""),
            self.number.line(!self.pin_focus, theme, 12),
            Line::raw(""),
            self.pin.line(self.pin_focus, theme, 12),
            Line::raw(""),
        ];
        if self.waiting {
            lines.push(Line::from(Span::styled("  Checking…", theme.muted)));
        } else if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(format!("  {e}"), theme.danger)));
        } else if let Some(n) = &self.notice {
            lines.push(Line::from(Span::styled(format!("  {n}"), theme.warn)));
        } else {
            lines.push(Line::from(Span::styled("  Type or scan your user number, then your PIN.", theme.muted)));
        }
        if ctx.terminal.as_ref().is_some_and(|t| t.demo) {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled("  Demo users: cashier 1001/1234 · manager 9001/9999", theme.muted)));
            lines.push(Line::from(Span::styled("              trainer 7001/7777", theme.muted)));
        }
        f.render_widget(Paragraph::new(lines).block(panel(&title, true, theme)), r);
    }
}
