//! A manager's approval at the cashier's till: the manager types their number and PIN here, and
//! the engine checks them for this one action (and audits who approved). [`ApprovalForm`] is the
//! two fields, used by every screen that asks; [`Approve`] is the gate in front of an action the
//! till carries out itself (entering the settings).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::action::Action;
use crate::tui::app::{Ctx, Cx, Goto, Reply, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::{CallError, Role};
use crate::tui::theme::Theme;
use crate::tui::users_calls::{UsersCall, UsersReply};
use crate::tui::widgets::{self, Field, FieldKind, panel};

/// The manager's number and PIN, typed at this till.
pub struct ApprovalForm {
    pub manager: Field,
    pub pin: Field,
    pub pin_focus: bool,
}

impl Default for ApprovalForm {
    fn default() -> Self {
        ApprovalForm::new()
    }
}

impl ApprovalForm {
    pub fn new() -> ApprovalForm {
        ApprovalForm {
            manager: Field::new(crate::ts!("cashier-field-manager"), FieldKind::Digits, 8),
            pin: Field::new(crate::ts!("cashier-field-pin"), FieldKind::Digits, 8).secret(),
            pin_focus: false,
        }
    }

    pub fn clear(&mut self) {
        self.manager.clear();
        self.pin.clear();
        self.pin_focus = false;
    }

    pub fn edit(&mut self, key: &KeyEvent) {
        if self.pin_focus {
            self.pin.edit(key)
        } else {
            self.manager.edit(key)
        };
    }

    /// A burst (a badge scan, or a manager typing faster than the scanner gap, Enter included):
    /// its digits go to the focused field, as if typed. Whether there was anything to take.
    pub fn burst(&mut self, input: &Input) -> bool {
        let Input::Scan(s) = input else {
            return false;
        };
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).take(8).collect();
        if digits.is_empty() {
            return false;
        }
        if self.pin_focus {
            self.pin.value = digits
        } else {
            self.manager.value = digits
        };
        true
    }

    pub fn toggle(&mut self) {
        self.pin_focus = !self.pin_focus;
    }

    /// Enter: from the number to the PIN, and from the PIN the typed pair (taken out of the
    /// form: an approval is for one action and is not kept). `Err`: what to say instead.
    pub fn submit(&mut self) -> Result<Option<(String, String)>, String> {
        if !self.pin_focus {
            if self.manager.value.is_empty() {
                return Err(crate::t!("cashier-approve-number-first"));
            }
            self.pin_focus = true;
            return Ok(None);
        }
        if self.manager.value.is_empty() {
            self.pin_focus = false;
            return Err(crate::t!("cashier-approve-number-first"));
        }
        if self.pin.value.len() < 4 {
            return Err(crate::t!("cashier-pin-short"));
        }
        let pair = (std::mem::take(&mut self.manager.value), std::mem::take(&mut self.pin.value));
        self.pin_focus = false;
        Ok(Some(pair))
    }

    /// The two fields and the hint.
    pub fn lines(&self, theme: &Theme) -> Vec<Line<'_>> {
        vec![
            Line::raw(""),
            self.manager.line(!self.pin_focus, theme, 8),
            self.pin.line(self.pin_focus, theme, 8),
            Line::raw(""),
            Line::from(Span::styled(format!(" {}", crate::t!("cashier-approve-hint")), theme.muted)),
            Line::from(Span::styled(format!(" {}", crate::t!("cashier-approve-hint-keys")), theme.muted)),
        ]
    }

    pub fn bindings(b: &mut Vec<Binding>) {
        b.push(Binding::new(KeyCode::Enter, Action::Submit));
        b.push(Binding::new(KeyCode::Tab, Action::NextField));
        b.push(Binding::hidden(KeyCode::BackTab, Action::PrevField));
        b.push(Binding::new(KeyCode::Esc, Action::Back));
    }
}

/// What the screen says about an approval the engine refused.
pub fn refusal(e: &CallError) -> String {
    match e {
        CallError::Refused { code, .. } if code == "needs_approval" => crate::t!("cashier-approve-needed"),
        CallError::Refused { code, .. } if code == "approval_refused" => crate::t!("cashier-approve-refused"),
        other => other.message(),
    }
}

/// Whether the user logged in may do what a manager approves without asking anyone: a manager,
/// or a trainer on the training till (who runs the session there).
pub fn may_alone(ctx: &Ctx) -> bool {
    match ctx.user.as_ref().map(|u| u.role) {
        Some(Role::Manager) => true,
        Some(Role::Trainer) => ctx.training,
        _ => false,
    }
}

/// The gate in front of an action the till carries out itself.
pub struct Approve {
    /// The action's name on the wire (`settings`).
    act: &'static str,
    then: Goto,
    pub form: ApprovalForm,
    pub note: Option<(String, bool)>,
    checking: bool,
}

impl Approve {
    /// The gate to the till's settings.
    pub fn settings() -> Approve {
        Approve { act: "settings", then: Goto::Settings, form: ApprovalForm::new(), note: None, checking: false }
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = Vec::new();
        if !self.checking {
            ApprovalForm::bindings(&mut b);
        }
        b
    }

    pub fn text_focus(&self) -> bool {
        !self.checking
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        self.form.edit(key);
        self.note = None;
    }

    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        if !self.checking && self.form.burst(&input) {
            self.on_action(Action::Submit, cx);
        }
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::NextField | Action::PrevField => self.form.toggle(),
            Action::Submit => match self.form.submit() {
                Ok(Some((manager, pin))) => {
                    self.checking = true;
                    self.note = None;
                    cx.send(Request::Users(UsersCall::Approve { act: self.act, manager, pin }));
                }
                Ok(None) => {}
                Err(why) => self.note = Some((why, true)),
            },
            Action::Back => cx.go(Goto::Home),
            _ => {}
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        let Reply::Users(result) = r else {
            return;
        };
        if !self.checking {
            return;
        }
        self.checking = false;
        match result {
            Ok(UsersReply::Approved { .. }) => cx.go(self.then),
            Ok(_) => {}
            Err(e) => {
                self.form.clear();
                self.note = Some((refusal(&e), true));
            }
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, _ctx: &Ctx, theme: &Theme) {
        let mut lines = vec![Line::from(format!(" {}", crate::t!("cashier-approve-settings")))];
        lines.extend(self.form.lines(theme));
        if self.checking {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-approve-checking")), theme.muted)));
        }
        if let Some((note, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {note}"), if *danger { theme.danger } else { theme.warn })));
        }
        let title = crate::t!("cashier-approve-title");
        f.render_widget(widgets::wrapped(lines, panel(&title, true, theme)), area);
    }
}
