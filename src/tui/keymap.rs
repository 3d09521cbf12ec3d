//! Keys to actions. Each screen publishes the bindings it accepts right now; the same list handles
//! the key, draws the footer and fills the help overlay, so the three never drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// One key bound to one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub code: KeyCode,
    pub ctrl: bool,
    pub action: Action,
    /// Shown in the footer (otherwise only in the help overlay).
    pub footer: bool,
}

impl Binding {
    /// A binding shown in the footer.
    pub const fn new(code: KeyCode, action: Action) -> Binding {
        Binding { code, ctrl: false, action, footer: true }
    }
    /// A binding shown only in the help overlay.
    pub const fn hidden(code: KeyCode, action: Action) -> Binding {
        Binding { code, ctrl: false, action, footer: false }
    }
    pub const fn ch(c: char, action: Action) -> Binding {
        Binding::new(KeyCode::Char(c), action)
    }
    pub const fn ctrl(c: char, action: Action) -> Binding {
        Binding { code: KeyCode::Char(c), ctrl: true, action, footer: true }
    }

    /// Whether this binding is a plain printable key, which a focused text field takes instead.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }

    /// The key as the cashier reads it: "F2", "Enter", "s", "Ctrl+Q".
    pub fn key_label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => crate::t!("key-name-space"),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => crate::t!("key-name-shift-tab"),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => crate::t!("key-name-page-up"),
            KeyCode::PageDown => crate::t!("key-name-page-down"),
            KeyCode::Backspace => crate::t!("key-name-backspace"),
            other => format!("{other:?}"),
        };
        if self.ctrl { crate::t!("key-name-ctrl", key = base) } else { base }
    }
}

/// The bindings every screen accepts (after its own).
pub const GLOBAL: &[Binding] = &[
    Binding::new(KeyCode::F(1), Action::Help),
    Binding::hidden(KeyCode::Char('?'), Action::Help),
    Binding::ctrl('q', Action::Quit),
    // Raw mode turns Ctrl+C into a key; it quits the same way (asking first when busy).
    Binding { code: KeyCode::Char('c'), ctrl: true, action: Action::Quit, footer: false },
];

/// Finds the action for a key. With a text field focused, plain printable keys belong to the field
/// and never trigger an action.
pub fn resolve(bindings: &[Binding], ev: &KeyEvent, text_focus: bool) -> Option<Action> {
    bindings
        .iter()
        .chain(GLOBAL.iter())
        .filter(|b| !(text_focus && b.is_printable()))
        .find(|b| b.matches(ev))
        .map(|b| b.action)
}

/// Help overlay rows: key label and description, one per action (keys for the same action joined).
pub fn help_rows(bindings: &[Binding]) -> Vec<(String, String)> {
    let mut rows: Vec<(String, Action)> = Vec::new();
    for b in bindings.iter().chain(GLOBAL.iter()) {
        match rows.iter_mut().find(|(_, a)| *a == b.action) {
            Some(row) => {
                row.0.push_str(" / ");
                row.0.push_str(&b.key_label());
            }
            None => rows.push((b.key_label(), b.action)),
        }
    }
    rows.into_iter().map(|(k, a)| (k, a.describe())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_hotkeys_only_without_a_text_field() {
        let b = [Binding::ch('s', Action::GiftSell), Binding::new(KeyCode::Enter, Action::Submit)];
        assert_eq!(resolve(&b, &key(KeyCode::Char('S')), false), Some(Action::GiftSell));
        assert_eq!(resolve(&b, &key(KeyCode::Char('s')), true), None);
        assert_eq!(resolve(&b, &key(KeyCode::Enter), true), Some(Action::Submit));
    }

    #[test]
    fn global_keys_work_everywhere() {
        assert_eq!(resolve(&[], &key(KeyCode::F(1)), true), Some(Action::Help));
        assert_eq!(resolve(&[], &KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL), true), Some(Action::Quit));
        assert_eq!(resolve(&[], &key(KeyCode::Char('?')), true), None);
    }

    #[test]
    fn help_joins_keys_of_one_action() {
        crate::i18n::set(crate::i18n::Lang::En, crate::money::Locale::EnGb);
        let rows = help_rows(&[]);
        assert_eq!(rows[0], ("F1 / ?".to_string(), "help".to_string()));
        assert_eq!(rows[1], ("Ctrl+Q / Ctrl+C".to_string(), "quit".to_string()));
        crate::i18n::set(crate::i18n::Lang::De, crate::money::Locale::DeDe);
        let rows = help_rows(&[]);
        assert_eq!(rows[1], ("Strg+Q / Strg+C".to_string(), "beenden".to_string()));
    }
}
