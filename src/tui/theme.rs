//! One theme of named styles. Screens ask for a role ("amount", "danger", "training banner"),
//! never for a colour, so the whole till changes look in one place and `NO_COLOR` is honoured by
//! swapping the palette for a monochrome one built from modifiers alone.

use ratatui::style::{Color, Modifier, Style};

/// Every style a screen may use, by what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub muted: Style,
    pub label: Style,
    pub value: Style,
    pub amount: Style,
    pub amount_big: Style,
    pub input: Style,
    pub input_focus: Style,
    pub selected: Style,
    pub key: Style,
    pub key_label: Style,
    pub ok: Style,
    pub warn: Style,
    pub danger: Style,
    pub status_bar: Style,
    pub status_live: Style,
    pub status_training: Style,
    pub training_banner: Style,
    pub dialog: Style,
    pub dialog_danger: Style,
    pub receipt: Style,
}

const INK: Color = Color::Rgb(230, 230, 220);
const PAPER: Color = Color::Rgb(22, 26, 34);
const BAR: Color = Color::Rgb(40, 48, 64);
const DIM: Color = Color::Rgb(130, 136, 150);
const ACCENT: Color = Color::Rgb(110, 170, 255);
const GOOD: Color = Color::Rgb(90, 200, 120);
const CAUTION: Color = Color::Rgb(240, 190, 60);
const BAD: Color = Color::Rgb(235, 80, 80);
const TRAINING: Color = Color::Rgb(255, 120, 0);
const BLACK: Color = Color::Rgb(10, 10, 10);
const RECEIPT: Color = Color::Rgb(245, 243, 235);

impl Theme {
    /// The colour theme.
    pub const COLOR: Theme = Theme {
        base: Style::new().fg(INK).bg(PAPER),
        title: Style::new().fg(ACCENT).add_modifier(Modifier::BOLD),
        border: Style::new().fg(DIM),
        border_focus: Style::new().fg(ACCENT),
        muted: Style::new().fg(DIM),
        label: Style::new().fg(DIM),
        value: Style::new().fg(INK),
        amount: Style::new().fg(INK).add_modifier(Modifier::BOLD),
        amount_big: Style::new().fg(GOOD).add_modifier(Modifier::BOLD),
        input: Style::new().fg(INK).bg(BAR),
        input_focus: Style::new().fg(BLACK).bg(ACCENT).add_modifier(Modifier::BOLD),
        selected: Style::new().fg(BLACK).bg(ACCENT),
        key: Style::new().fg(BLACK).bg(DIM).add_modifier(Modifier::BOLD),
        key_label: Style::new().fg(INK),
        ok: Style::new().fg(GOOD).add_modifier(Modifier::BOLD),
        warn: Style::new().fg(CAUTION).add_modifier(Modifier::BOLD),
        danger: Style::new().fg(BAD).add_modifier(Modifier::BOLD),
        status_bar: Style::new().fg(INK).bg(BAR),
        status_live: Style::new().fg(BLACK).bg(GOOD).add_modifier(Modifier::BOLD),
        status_training: Style::new().fg(BLACK).bg(TRAINING).add_modifier(Modifier::BOLD),
        training_banner: Style::new().fg(BLACK).bg(TRAINING).add_modifier(Modifier::BOLD),
        dialog: Style::new().fg(INK).bg(BAR),
        dialog_danger: Style::new().fg(INK).bg(BAR),
        receipt: Style::new().fg(BLACK).bg(RECEIPT),
    };

    /// The monochrome theme for `NO_COLOR`: meaning carried by bold, reverse and underline.
    pub const MONO: Theme = Theme {
        base: Style::new(),
        title: Style::new().add_modifier(Modifier::BOLD),
        border: Style::new(),
        border_focus: Style::new().add_modifier(Modifier::BOLD),
        muted: Style::new().add_modifier(Modifier::DIM),
        label: Style::new(),
        value: Style::new(),
        amount: Style::new().add_modifier(Modifier::BOLD),
        amount_big: Style::new().add_modifier(Modifier::BOLD),
        input: Style::new().add_modifier(Modifier::UNDERLINED),
        input_focus: Style::new().add_modifier(Modifier::REVERSED),
        selected: Style::new().add_modifier(Modifier::REVERSED),
        key: Style::new().add_modifier(Modifier::REVERSED),
        key_label: Style::new(),
        ok: Style::new().add_modifier(Modifier::BOLD),
        warn: Style::new().add_modifier(Modifier::BOLD),
        danger: Style::new().add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
        status_bar: Style::new().add_modifier(Modifier::REVERSED),
        status_live: Style::new().add_modifier(Modifier::BOLD),
        status_training: Style::new().add_modifier(Modifier::BOLD.union(Modifier::SLOW_BLINK)),
        training_banner: Style::new().add_modifier(Modifier::REVERSED.union(Modifier::BOLD)),
        dialog: Style::new(),
        dialog_danger: Style::new().add_modifier(Modifier::BOLD),
        receipt: Style::new(),
    };

    /// The theme for this process: monochrome when `NO_COLOR` is set to anything non-empty
    /// (https://no-color.org).
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::MONO,
            _ => Theme::COLOR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_theme_uses_no_colour_at_all() {
        let t = Theme::MONO;
        for s in [t.base, t.amount, t.danger, t.status_training, t.training_banner, t.selected, t.input_focus] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn training_is_marked_differently_from_live() {
        assert_ne!(Theme::COLOR.status_training, Theme::COLOR.status_live);
        assert_ne!(Theme::MONO.status_training, Theme::MONO.status_live);
    }
}
