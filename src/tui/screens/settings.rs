//! Settings: printer spec, paper width, locale, language, receipt header, auto-lock; test print;
//! checked field by field before they are saved to the settings file in the platform config
//! directory (a printer given with `--printer` for one run is shown, never saved).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::i18n::Lang;
use crate::money::Locale;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::settings::{Settings, WIDTHS};
use crate::tui::theme::Theme;
use crate::tui::widgets::{Field, FieldKind, panel};

/// The rows of the form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Printer,
    Width,
    Locale,
    Language,
    Header,
    Lock,
}

const ROWS: [Row; 6] = [Row::Printer, Row::Width, Row::Locale, Row::Language, Row::Header, Row::Lock];

/// Auto-lock: 0 (never), else at least this many seconds (less locks a till mid-sale)…
pub const LOCK_MIN_SECS: u64 = 30;
/// …and at most this many (a till left open longer is not locked at all, in effect).
pub const LOCK_MAX_SECS: u64 = 3600;

pub struct SettingsScreen {
    pub draft: Settings,
    printer: Field,
    header: Field,
    lock: Field,
    row: usize,
    pub note: Option<(String, bool)>,
    /// What is wrong with a field, shown under it; nothing is saved while any is.
    problems: Vec<(Row, String)>,
    dirty: bool,
}

impl SettingsScreen {
    pub fn new(s: &Settings) -> SettingsScreen {
        let mut printer = Field::new(crate::ts!("settings-printer"), FieldKind::Text, 60);
        printer.value = s.printer.clone();
        // Every header line, joined by |: room for several lines of a 48-column paper.
        let mut header = Field::new(crate::ts!("settings-header"), FieldKind::Text, 240);
        header.value = s.header.join(" | ");
        let mut lock = Field::new(crate::ts!("settings-lock-after"), FieldKind::Digits, 5);
        lock.value = s.lock_after_secs.to_string();
        SettingsScreen {
            draft: s.clone(),
            printer,
            header,
            lock,
            row: 0,
            note: None,
            problems: Vec::new(),
            dirty: false,
        }
    }

    fn row(&self) -> Row {
        ROWS[self.row]
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.row(), Row::Printer | Row::Header | Row::Lock)
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = vec![
            Binding::new(KeyCode::Down, Action::NextField),
            Binding::new(KeyCode::Up, Action::PrevField),
            Binding::hidden(KeyCode::Tab, Action::NextField),
            Binding::hidden(KeyCode::BackTab, Action::PrevField),
        ];
        if matches!(self.row(), Row::Width | Row::Locale | Row::Language) {
            b.push(Binding::new(KeyCode::Left, Action::CycleLeft));
            b.push(Binding::new(KeyCode::Right, Action::CycleRight));
        }
        b.push(Binding::new(KeyCode::F(2), Action::Save));
        b.push(Binding::new(KeyCode::F(3), Action::TestPrint));
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        let f = match self.row() {
            Row::Printer => &mut self.printer,
            Row::Header => &mut self.header,
            Row::Lock => &mut self.lock,
            _ => return,
        };
        if f.edit(key) {
            self.dirty = true;
            self.note = None;
            let row = self.row();
            self.problems.retain(|(r, _)| *r != row);
        }
    }

    /// What is wrong with the fields as typed, each in the cashier's words, in form order.
    fn check(&self) -> Vec<(Row, String)> {
        let mut out = Vec::new();
        let printer = self.printer.value.trim();
        if !printer.is_empty() && printer.parse::<crate::receipt::PrinterSpec>().is_err() {
            out.push((Row::Printer, crate::t!("settings-bad-printer", printer = printer)));
        }
        let max = usize::from(self.draft.width);
        let lines = self.header.value.split('|').map(str::trim).filter(|l| !l.is_empty());
        for (i, line) in lines.enumerate() {
            let n = line.chars().count();
            if n > max {
                out.push((Row::Header, crate::t!("settings-bad-header", line = i + 1, count = n, max = max)));
            }
        }
        let lock = self.lock.value.trim();
        match lock.parse::<u64>() {
            Ok(0) => {}
            Ok(n) if (LOCK_MIN_SECS..=LOCK_MAX_SECS).contains(&n) => {}
            _ => out.push((
                Row::Lock,
                crate::t!("settings-bad-lock", typed = lock, min = LOCK_MIN_SECS, max = LOCK_MAX_SECS),
            )),
        }
        out
    }

    fn collect(&mut self) -> Settings {
        self.draft.printer = self.printer.value.trim().to_string();
        if self.draft.printer.is_empty() {
            self.draft.printer = "none".into();
        }
        self.draft.header =
            self.header.value.split('|').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        self.draft.lock_after_secs = self.lock.value.parse().unwrap_or(self.draft.lock_after_secs);
        self.draft.clone()
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::NextField => self.row = (self.row + 1) % ROWS.len(),
            Action::PrevField => self.row = (self.row + ROWS.len() - 1) % ROWS.len(),
            Action::CycleLeft | Action::CycleRight => {
                let step: isize = if a == Action::CycleRight { 1 } else { -1 };
                match self.row() {
                    Row::Width => {
                        let i = WIDTHS.iter().position(|w| *w == self.draft.width).unwrap_or(1) as isize;
                        self.draft.width = WIDTHS[(i + step).rem_euclid(WIDTHS.len() as isize) as usize];
                    }
                    Row::Locale => {
                        // "store default" first, then every locale.
                        let n = Locale::ALL.len() as isize + 1;
                        let i = match self.draft.locale.as_deref().and_then(|t| Locale::parse(t).ok()) {
                            Some(l) => Locale::ALL.iter().position(|x| *x == l).map(|p| p as isize + 1).unwrap_or(0),
                            None => 0,
                        };
                        let j = (i + step).rem_euclid(n);
                        self.draft.locale =
                            if j == 0 { None } else { Some(Locale::ALL[j as usize - 1].tag().to_string()) };
                    }
                    Row::Language => {
                        // "as the locale" first, then each language.
                        let n = Lang::ALL.len() as isize + 1;
                        let i = match self.draft.language.as_deref().and_then(Lang::parse) {
                            Some(l) => Lang::ALL.iter().position(|x| *x == l).map(|p| p as isize + 1).unwrap_or(0),
                            None => 0,
                        };
                        let j = (i + step).rem_euclid(n);
                        self.draft.language =
                            if j == 0 { None } else { Some(Lang::ALL[j as usize - 1].tag().to_string()) };
                    }
                    _ => {}
                }
                self.dirty = true;
                // A narrower paper may make a header line too long (or a wider one fit).
                if self.row() == Row::Width {
                    self.problems.retain(|(r, _)| *r != Row::Header);
                }
            }
            Action::Save => {
                self.problems = self.check();
                if self.problems.is_empty() {
                    let s = self.collect();
                    cx.send(Request::SaveSettings { settings: s });
                } else {
                    self.note = Some((crate::t!("settings-fix-first"), true));
                }
            }
            Action::TestPrint => {
                self.problems = self.check();
                if self.problems.iter().any(|(r, _)| *r == Row::Printer) {
                    self.note = Some((crate::t!("settings-fix-printer-first"), true));
                    return;
                }
                let s = self.collect();
                self.note = Some((crate::t!("settings-test-sending"), false));
                cx.send(Request::TestPrint { settings: s });
            }
            Action::Back => {
                if self.dirty {
                    self.note = Some((crate::t!("settings-unsaved"), true));
                    self.dirty = false;
                } else {
                    cx.go(Goto::Home);
                }
            }
            _ => {}
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        match r {
            Reply::SettingsSaved(Ok(path)) => {
                cx.ctx.settings = self.draft.clone();
                // The language may have changed: say the rest, and label the fields, in the new one.
                cx.ctx.speak();
                self.printer.label = crate::ts!("settings-printer");
                self.header.label = crate::ts!("settings-header");
                self.lock.label = crate::ts!("settings-lock-after");
                cx.ctx.printer = if self.draft.printer_configured() {
                    crate::tui::model::PrinterState::Ready
                } else {
                    crate::tui::model::PrinterState::PreviewOnly
                };
                self.dirty = false;
                self.note = Some((crate::t!("settings-saved", path = path.as_str()), false));
            }
            Reply::SettingsSaved(Err(e)) => {
                self.note = Some((crate::t!("settings-not-saved", reason = e.to_string()), true))
            }
            Reply::Printed(Ok(())) => self.note = Some((crate::t!("settings-test-printed"), false)),
            Reply::Printed(Err(e)) => {
                self.note = Some((crate::t!("settings-test-failed", reason = e.as_str()), true));
            }
            _ => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let w = 12;
        let choice = |label: &str, value: String, focused: bool| {
            Line::from(vec![
                Span::styled(format!("{label:>w$} "), theme.label),
                Span::styled(format!(" ‹ {value} › "), if focused { theme.input_focus } else { theme.input }),
            ])
        };
        let locale = match &self.draft.locale {
            Some(l) => l.clone(),
            None => crate::t!(
                "settings-locale-default",
                locale = ctx.terminal.as_ref().map(|t| t.locale.tag()).unwrap_or("—")
            ),
        };
        let language = match self.draft.language.as_deref().and_then(Lang::parse) {
            Some(Lang::En) => crate::t!("settings-language-en"),
            Some(Lang::De) => crate::t!("settings-language-de"),
            None => crate::t!("settings-language-default"),
        };
        let hint = |text: String| Line::from(Span::styled(format!("              {text}"), theme.muted));
        let problems = |row: Row| -> Vec<Line> {
            self.problems
                .iter()
                .filter(|(r, _)| *r == row)
                .map(|(_, m)| Line::from(Span::styled(format!("              {m}"), theme.danger)))
                .collect()
        };
        let mut lines = vec![Line::raw(""), self.printer.line(self.row() == Row::Printer, theme, w)];
        lines.extend(problems(Row::Printer));
        if ctx.printer_for_run.as_deref().is_some_and(|p| p == self.printer.value.trim()) {
            lines.push(Line::from(Span::styled(
                format!("              {}", crate::t!("settings-printer-for-run")),
                theme.warn,
            )));
        }
        lines.extend([
            hint(format!("{} · tcp://HOST:9100 · file:///dev/usb/lp0", crate::t!("settings-printer-none"))),
            hint("serial:///dev/ttyUSB0?baud=19200".to_string()),
            Line::raw(""),
            choice(
                &crate::t!("settings-width"),
                crate::t!("settings-width-chars", count = self.draft.width),
                self.row() == Row::Width,
            ),
            Line::raw(""),
            choice(&crate::t!("settings-locale"), locale, self.row() == Row::Locale),
            choice(&crate::t!("settings-language"), language, self.row() == Row::Language),
            Line::raw(""),
            self.header.line(self.row() == Row::Header, theme, w),
        ]);
        lines.extend(problems(Row::Header));
        lines.push(hint(crate::t!("settings-header-hint", max = self.draft.width)));
        lines.push(Line::raw(""));
        lines.push(self.lock.line(self.row() == Row::Lock, theme, w));
        lines.extend(problems(Row::Lock));
        lines.push(hint(crate::t!("settings-lock-hint", min = LOCK_MIN_SECS, max = LOCK_MAX_SECS)));
        if let Some((n, danger)) = &self.note {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(format!(" {n}"), if *danger { theme.danger } else { theme.ok })));
        }
        let title = crate::t!("home-settings");
        f.render_widget(crate::tui::widgets::wrapped(lines, panel(&title, true, theme)), area);
    }
}
