//! The till's users: who is locked after wrong PINs, and unlocking one. A manager unlocks alone;
//! a cashier calls a manager to the till, whose number and PIN approve that one unlock (the
//! engine audits who approved). Disabling and new PINs stay with `till user`.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

use super::approve::{self, ApprovalForm};
use crate::client::till::{Role as WireRole, UserRow};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Cx, Goto, Reply, Request};
use crate::tui::input::Input;
use crate::tui::keymap::Binding;
use crate::tui::model::CallError;
use crate::tui::theme::Theme;
use crate::tui::users_calls::{UsersCall, UsersReply};
use crate::tui::widgets::{self, panel};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Loading,
    List,
    /// A manager approves unlocking this user.
    Approve(u32),
    Working,
}

pub struct Users {
    pub mode: Mode,
    pub rows: Vec<UserRow>,
    selected: usize,
    pub form: ApprovalForm,
    pub note: Option<(String, bool)>,
}

impl Users {
    pub fn open(cx: &mut Cx) -> Users {
        cx.send(Request::Users(UsersCall::List));
        Users { mode: Mode::Loading, rows: Vec::new(), selected: 0, form: ApprovalForm::new(), note: None }
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = Vec::new();
        match self.mode {
            Mode::List => {
                b.push(Binding::new(KeyCode::Up, Action::Up));
                b.push(Binding::new(KeyCode::Down, Action::Down));
                b.push(Binding::ch('u', Action::UnlockUser));
                b.push(Binding::new(KeyCode::Esc, Action::Back));
            }
            Mode::Approve(_) => ApprovalForm::bindings(&mut b),
            Mode::Loading => b.push(Binding::new(KeyCode::Esc, Action::Back)),
            Mode::Working => {}
        }
        b
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.mode, Mode::Approve(_))
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        if matches!(self.mode, Mode::Approve(_)) {
            self.form.edit(key);
            self.note = None;
        }
    }

    /// A burst in the approval form: typed, then Enter.
    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        if matches!(self.mode, Mode::Approve(_)) && self.form.burst(&input) {
            self.on_action(Action::Submit, cx);
        }
    }

    fn selected_row(&self) -> Option<&UserRow> {
        self.rows.get(self.selected)
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match (self.mode, a) {
            (Mode::List, Action::Up) => self.selected = self.selected.saturating_sub(1),
            (Mode::List, Action::Down) if self.selected + 1 < self.rows.len() => self.selected += 1,
            (Mode::List, Action::UnlockUser) => {
                let Some(u) = self.selected_row() else {
                    return;
                };
                let (number, name) = (u.number, u.name.clone());
                if !u.locked {
                    self.note =
                        Some((crate::t!("cashier-users-not-locked", number = number.to_string(), name = name), false));
                } else if approve::may_alone(cx.ctx) {
                    self.unlock(number, None, cx);
                } else {
                    self.form.clear();
                    self.note = Some((crate::t!("cashier-approve-needed"), false));
                    self.mode = Mode::Approve(number);
                }
            }
            (Mode::Approve(_), Action::NextField | Action::PrevField) => self.form.toggle(),
            (Mode::Approve(number), Action::Submit) => match self.form.submit() {
                Ok(Some(pair)) => self.unlock(number, Some(pair), cx),
                Ok(None) => {}
                Err(why) => self.note = Some((why, true)),
            },
            (Mode::Approve(_), Action::Back) => {
                self.form.clear();
                self.note = None;
                self.mode = Mode::List;
            }
            (Mode::List | Mode::Loading, Action::Back) => cx.go(Goto::Home),
            _ => {}
        }
    }

    fn unlock(&mut self, number: u32, approval: Option<(String, String)>, cx: &mut Cx) {
        self.note = None;
        self.mode = Mode::Working;
        cx.send(Request::Users(UsersCall::Unlock { number, approval }));
    }

    pub fn on_reply(&mut self, r: Reply, _cx: &mut Cx) {
        let Reply::Users(result) = r else {
            return;
        };
        let asked = self.mode;
        match result {
            Ok(UsersReply::Users(rows)) => {
                self.rows = rows;
                // The locked first come to hand: they are why anyone opens this screen.
                self.selected = self.rows.iter().position(|u| u.locked).unwrap_or(0);
                self.mode = Mode::List;
            }
            Ok(UsersReply::Unlocked(row)) => {
                self.note = Some((
                    crate::t!("cashier-users-unlocked", number = row.number.to_string(), name = row.name.as_str()),
                    false,
                ));
                if let Some(r) = self.rows.iter_mut().find(|r| r.number == row.number) {
                    *r = row;
                }
                self.mode = Mode::List;
            }
            Ok(UsersReply::Approved { .. }) => {}
            Err(e) => {
                let number = self.selected_row().map(|u| u.number).unwrap_or(0);
                match &e {
                    CallError::Refused { code, .. } if code == "needs_approval" || code == "approval_refused" => {
                        self.form.clear();
                        self.mode = Mode::Approve(number);
                    }
                    _ if asked == Mode::Loading => {}
                    _ => self.mode = Mode::List,
                }
                self.note = Some((approve::refusal(&e), true));
            }
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, _ctx: &Ctx, theme: &Theme) {
        let side = if area.width >= 100 { 60 } else { 44 };
        let [left, right] = Layout::horizontal([Constraint::Length(side), Constraint::Min(0)]).areas(area);
        let title = crate::t!("cashier-users-title");
        let block = panel(&title, self.mode == Mode::List, theme);
        let inner = block.inner(left);
        f.render_widget(block, left);
        if self.mode == Mode::Loading {
            let text = Line::from(Span::styled(format!(" {}", crate::t!("cashier-users-loading")), theme.muted));
            f.render_widget(widgets::wrapped(vec![text], ratatui::widgets::Block::default()), inner);
        } else {
            let items: Vec<ListItem> = self.rows.iter().map(|u| ListItem::new(row_lines(u, theme))).collect();
            let mut state = ListState::default().with_selected(Some(self.selected));
            f.render_stateful_widget(List::new(items).highlight_style(theme.selected), inner, &mut state);
        }
        let mut lines: Vec<Line> = Vec::new();
        let title = match self.mode {
            Mode::Approve(number) => {
                lines.push(Line::from(format!(
                    " {}",
                    crate::t!("cashier-users-approve-unlock", number = number.to_string())
                )));
                lines.extend(self.form.lines(theme));
                crate::t!("cashier-approve-title")
            }
            Mode::Working => {
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-users-unlocking")), theme.muted)));
                crate::t!("cashier-users-unlock-title")
            }
            Mode::List | Mode::Loading => {
                lines.push(Line::from(format!(" {}", crate::t!("cashier-users-hint"))));
                lines.push(Line::from(Span::styled(format!(" {}", crate::t!("cashier-users-hint-cli")), theme.muted)));
                crate::t!("cashier-users-unlock-title")
            }
        };
        if let Some((note, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {note}"), if *danger { theme.danger } else { theme.ok })));
        }
        f.render_widget(widgets::wrapped(lines, panel(&title, self.mode != Mode::List, theme)), right);
    }
}

/// A user in two lines: number, name and role; then why they cannot log in, if they cannot.
fn row_lines<'a>(u: &'a UserRow, theme: &Theme) -> Vec<Line<'a>> {
    let role = match u.role {
        WireRole::Cashier => crate::t!("common-role-cashier"),
        WireRole::Manager => crate::t!("common-role-manager"),
        WireRole::Trainer => crate::t!("common-role-trainer"),
    };
    let (state, style) = if u.disabled {
        (crate::t!("cashier-users-disabled"), theme.muted)
    } else if u.locked {
        (crate::t!("cashier-users-locked", count = u.failed_attempts), theme.danger)
    } else {
        (String::new(), theme.muted)
    };
    vec![
        Line::from(vec![
            Span::raw(format!(" {:>5}  ", u.number)),
            Span::styled(format!("{} ", u.name), theme.value),
            Span::styled(format!("· {role}"), theme.muted),
        ]),
        Line::from(Span::styled(format!("        {state}"), style)),
    ]
}
