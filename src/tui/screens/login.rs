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
use crate::tui::widgets::{Field, FieldKind, centered, panel, wrap};

pub struct Login {
    pub number: Field,
    pub pin: Field,
    pin_focus: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// The notice says the engine is unavailable (cleared when it is back).
    pub engine_notice: bool,
    pub waiting: bool,
}

/// The login policy the engine enforces (`engine::users`), for the refusal's words.
const LOGIN_TRIES: u32 = 5;
const LOGIN_LOCK_MINUTES: u32 = 15;

impl Default for Login {
    fn default() -> Self {
        Login::new()
    }
}

impl Login {
    pub fn new() -> Login {
        Login {
            number: Field::new(crate::ts!("login-user-number"), FieldKind::Digits, 8),
            pin: Field::new(crate::ts!("login-pin"), FieldKind::Digits, 8).secret(),
            pin_focus: false,
            error: None,
            notice: None,
            engine_notice: false,
            waiting: false,
        }
    }

    /// Takes the field labels again in the language now in force (the store's locale arrives
    /// after the login screen is up).
    pub fn relabel(&mut self) {
        self.number.label = crate::ts!("login-user-number");
        self.pin.label = crate::ts!("login-pin");
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
            self.error = Some(crate::t!("login-number-first"));
            self.pin_focus = false;
            return;
        };
        if self.pin.value.len() < 4 {
            self.error = Some(crate::t!("login-pin-length"));
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
                // One refusal for an unknown number, a wrong PIN and a locked user.
                CallError::Refused { code, .. } if code == "wrong_pin" => {
                    crate::t!("login-refused", tries = LOGIN_TRIES, minutes = LOGIN_LOCK_MINUTES)
                }
                CallError::Unauthorized(_) => {
                    crate::t!("login-refused", tries = LOGIN_TRIES, minutes = LOGIN_LOCK_MINUTES)
                }
                other => other.message(),
            });
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let w = 56u16.min(area.width);
        let text_width = usize::from(w.saturating_sub(6)).max(10);
        let title = match &ctx.terminal {
            Some(t) => crate::t!("login-title", merchant = t.merchant.as_str(), terminal = t.terminal.as_str()),
            None => crate::t!("login-title-unknown"),
        };
        // German labels are longer: the column fits the longer one.
        let lw = self.number.label.chars().count().max(self.pin.label.chars().count()).max(11) + 1;
        let mut lines = vec![
            Line::raw(""),
            self.number.line(!self.pin_focus, theme, lw),
            Line::raw(""),
            self.pin.line(self.pin_focus, theme, lw),
            Line::raw(""),
        ];
        // Every message wraps inside the panel (the lockout explanation is three lines at 80x24).
        let (text, style) = if self.waiting {
            (crate::t!("login-checking"), theme.muted)
        } else if let Some(e) = &self.error {
            (e.clone(), theme.danger)
        } else if let Some(n) = &self.notice {
            (n.clone(), theme.warn)
        } else {
            (crate::t!("login-hint"), theme.muted)
        };
        for l in wrap(&text, text_width) {
            lines.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
        if ctx.terminal.as_ref().is_some_and(|t| t.demo) {
            lines.push(Line::raw(""));
            for l in [crate::t!("login-demo-users"), crate::t!("login-demo-trainer")]
                .iter()
                .flat_map(|t| wrap(t, text_width))
            {
                lines.push(Line::from(Span::styled(format!("  {l}"), theme.muted)));
            }
        }
        let h = (lines.len() as u16 + 2).max(13);
        let r = centered(area, w, h);
        f.render_widget(Paragraph::new(lines).block(panel(&title, true, theme)), r);
    }
}
