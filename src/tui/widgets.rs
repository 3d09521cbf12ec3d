//! Pieces every screen draws with: the status bar, the footer, text fields, panels and dialogs.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph};

use super::keymap::Binding;
use super::model::{Link, PrinterState};
use super::theme::Theme;
use super::{Ctx, Overlay};

/// What a text field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Digits,
    /// Digits and the locale's separators.
    Amount,
    Text,
}

/// A one-line text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Taken from the catalogue when the field is made (`crate::ts!`).
    pub label: &'static str,
    pub value: String,
    pub kind: FieldKind,
    pub secret: bool,
    /// A card number that has been read: shown as its last four digits only. The next edit
    /// starts a fresh number.
    pub masked: bool,
    pub max: usize,
}

impl Field {
    pub fn new(label: &'static str, kind: FieldKind, max: usize) -> Field {
        Field { label, value: String::new(), kind, secret: false, masked: false, max }
    }
    pub fn secret(mut self) -> Field {
        self.secret = true;
        self
    }
    pub fn clear(&mut self) {
        self.value.clear();
        self.masked = false;
    }
    /// Holds a card number that has been read, shown masked.
    pub fn set_card(&mut self, number: &str) {
        self.value = number.to_string();
        self.masked = true;
    }

    /// Applies an editing key; `true` when the key was the field's.
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        if self.masked && matches!(key.code, KeyCode::Backspace | KeyCode::Char(_)) {
            self.clear();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            if key.code == KeyCode::Char('u') {
                self.value.clear();
                return true;
            }
            return false;
        }
        match key.code {
            KeyCode::Backspace => {
                self.value.pop();
                true
            }
            KeyCode::Char(c) => {
                let ok = match self.kind {
                    FieldKind::Digits => c.is_ascii_digit(),
                    // A sign is kept, so "-5" is refused as it was typed rather than read as 5,00.
                    FieldKind::Amount => c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+'),
                    FieldKind::Text => !c.is_control(),
                };
                if ok && self.value.chars().count() < self.max {
                    self.value.push(c);
                }
                true
            }
            _ => false,
        }
    }

    /// The amount typed into a [`FieldKind::Amount`] field, read in the till's currency and the
    /// store's notation (`12,50` in de-DE); `None` when the field is empty. The one reader of typed
    /// amounts (gift amount and tip, retail face value), so every screen refuses alike.
    pub fn amount(&self, ctx: &Ctx) -> Result<Option<crate::money::Money>, AmountError> {
        let typed = self.value.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        let currency = ctx.currency().ok_or(AmountError::Connecting)?;
        if typed.contains(['-', '+']) {
            return Err(AmountError::Signed { typed: typed.to_string() });
        }
        crate::money::Money::parse_localized(typed, currency, ctx.locale()).map(Some).map_err(|_| {
            // The parser's own reason speaks of separators in the programmer's notation; the
            // cashier gets an example in the store's format instead.
            AmountError::NotAnAmount {
                typed: typed.to_string(),
                example: ctx.fmt(crate::money::Money::from_minor(2500, currency)),
            }
        })
    }

    /// The field as one line: label, then the value (dots for a secret) in an input box.
    pub fn line<'a>(&'a self, focused: bool, theme: &Theme, label_width: usize) -> Line<'a> {
        let shown = if self.secret {
            "•".repeat(self.value.chars().count())
        } else if self.masked && !self.value.is_empty() {
            crate::tui::model::mask(&self.value)
        } else {
            self.value.clone()
        };
        let width = self.max.clamp(6, 24);
        let cursor = if focused { "▏" } else { " " };
        let pad = width.saturating_sub(shown.chars().count());
        Line::from(vec![
            Span::styled(format!("{:>label_width$} ", self.label), theme.label),
            Span::styled(
                format!(" {shown}{cursor}{} ", " ".repeat(pad)),
                if focused { theme.input_focus } else { theme.input },
            ),
        ])
    }
}

/// Why an amount field holds no amount; the message is for the cashier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// The till does not know its currency yet.
    Connecting,
    NotAnAmount {
        typed: String,
        example: String,
    },
    /// Typed with a sign: the operation says which way the money goes, the amount never does.
    Signed {
        typed: String,
    },
}

impl std::fmt::Display for AmountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AmountError::Connecting => f.write_str(&crate::t!("common-amount-connecting")),
            AmountError::NotAnAmount { typed, example } => {
                f.write_str(&crate::t!("common-not-an-amount", typed = typed.as_str(), example = example.as_str()))
            }
            AmountError::Signed { typed } => f.write_str(&crate::t!("common-amount-signed", typed = typed.as_str())),
        }
    }
}

/// A bordered panel with a title.
pub fn panel<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if focused { theme.border_focus } else { theme.border })
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// The status bar: store and terminal, user and role, LIVE/TRAINING, engine, printer, clock.
pub fn status_bar(f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
    let where_ = match &ctx.terminal {
        Some(t) => format!(" {} · {} ", t.store, t.terminal),
        None => format!(" {} ", crate::t!("common-status-till")),
    };
    let mut who = match &ctx.user {
        Some(u) => format!(" {} {} ({}) ", u.number, u.name, u.role.label()),
        None => format!(" {} ", crate::t!("common-status-not-logged-in")),
    };
    let mode = if ctx.training {
        Span::styled(format!(" {} ", crate::t!("common-status-training")), theme.status_training)
    } else {
        Span::styled(format!(" {} ", crate::t!("common-status-live")), theme.status_live)
    };
    let engine = match &ctx.link {
        Link::Online => Span::styled(format!(" {} ● ", crate::t!("common-status-engine")), theme.status_bar),
        Link::Connecting => Span::styled(format!(" {} … ", crate::t!("common-status-engine")), theme.status_bar),
        Link::Lost(_) => Span::styled(format!(" {} ", crate::t!("common-status-engine-offline")), theme.danger),
    };
    let printer = match &ctx.printer {
        PrinterState::PreviewOnly => {
            Span::styled(format!(" {} ", crate::t!("common-status-no-printer")), theme.status_bar)
        }
        PrinterState::Ready => Span::styled(format!(" {} ● ", crate::t!("common-status-printer")), theme.status_bar),
        PrinterState::Printing => Span::styled(format!(" {} ", crate::t!("common-status-printing")), theme.status_bar),
        PrinterState::Failed(why) if why.len() <= 14 => Span::styled(
            format!(" {} ", crate::t!("common-status-printer-failed", reason = why.to_uppercase())),
            theme.danger,
        ),
        PrinterState::Failed(_) => {
            Span::styled(format!(" {} ", crate::t!("common-status-printer-fault")), theme.danger)
        }
    };
    let clock = Span::styled(format!(" {} ", ctx.clock), theme.status_bar);
    let right_width = (1 + mode.width() + engine.width() + printer.width() + clock.width()) as u16;
    // On a narrow screen (German words, "engine offline" while reconnecting) the role gives way
    // first, then the store's id (the terminal stays), then the name: who is at the till goes last.
    let mut where_ = where_;
    if let Some(u) = &ctx.user {
        let fits = |w: &str, who: &str| {
            w.chars().count() + 1 + who.chars().count() <= (area.width as usize).saturating_sub(right_width as usize)
        };
        let named = format!(" {} {} ", u.number, u.name);
        let terminal_only =
            ctx.terminal.as_ref().map(|t| format!(" {} ", t.terminal)).unwrap_or_else(|| where_.clone());
        let choices = [
            (where_.clone(), who.clone()),
            (where_.clone(), named.clone()),
            (terminal_only.clone(), named),
            (where_.clone(), format!(" {} ({}) ", u.number, u.role.label())),
            (terminal_only, format!(" {} ", u.number)),
        ];
        let last = choices[choices.len() - 1].clone();
        (where_, who) = choices.into_iter().find(|(w, who)| fits(w, who)).unwrap_or(last);
    }
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(where_, theme.title),
            Span::raw("│"),
            Span::raw(who),
            Span::raw(" "),
        ]))
        .style(theme.status_bar),
        left,
    );
    f.render_widget(
        Paragraph::new(Line::from(vec![Span::raw(" "), mode, engine, printer, clock])).style(theme.status_bar),
        right,
    );
}

/// The training banner under the status bar.
pub fn training_banner(f: &mut Frame, area: Rect, theme: &Theme) {
    f.render_widget(
        Paragraph::new(Line::from(format!(" {} ", crate::t!("common-training-banner"))))
            .centered()
            .style(theme.training_banner),
        area,
    );
}

/// The footer: the current bindings marked for it, as many as fit; the help key always shows at
/// the right, since the help overlay lists everything.
pub fn footer(f: &mut Frame, area: Rect, bindings: &[Binding], theme: &Theme) {
    let hint = |b: &Binding| (b.key_label(), b.action.describe().to_string());
    let help = super::keymap::GLOBAL.iter().find(|b| b.action == super::action::Action::Help).map(hint);
    let hints: Vec<(String, String)> = bindings
        .iter()
        .chain(super::keymap::GLOBAL.iter())
        .filter(|b| b.footer && b.action != super::action::Action::Help)
        .map(hint)
        .collect();
    footer_hints(f, area, &hints, help, theme);
}

/// The keys an open dialog takes, for the footer: while it is open no key reaches the screen
/// beneath, so the footer names only these.
pub fn overlay_keys(overlay: &Overlay) -> Vec<(String, String)> {
    match overlay {
        Overlay::Help { .. } => vec![(crate::t!("common-key-any"), crate::t!("common-close"))],
        Overlay::Confirm(c) => vec![("Enter".into(), c.yes_label.into()), ("Esc".into(), c.no_label.into())],
        Overlay::Message { .. } => vec![("Enter".into(), crate::t!("common-ok"))],
    }
}

/// A footer of (key, what it does) pairs, as many as fit, with `right` (the help key) at the right.
/// When some do not fit, the help key says it has the rest ("F1 all keys").
pub fn footer_hints(
    f: &mut Frame,
    area: Rect,
    hints: &[(String, String)],
    right: Option<(String, String)>,
    theme: &Theme,
) {
    let pad = |(k, l): &(String, String)| (format!(" {k} "), format!(" {l} "));
    let width = |(k, l): &(String, String)| k.chars().count() + l.chars().count() + 1;
    let hints: Vec<(String, String)> = hints.iter().map(pad).collect();
    let needed: usize = hints.iter().map(width).sum();
    let mut right = right.as_ref().map(pad);
    let budget =
        |r: &Option<(String, String)>| (area.width as usize).saturating_sub(r.as_ref().map(width).unwrap_or(0));
    if needed > budget(&right)
        && let Some((k, _)) = &right
    {
        right = Some((k.clone(), format!(" {} ", crate::t!("common-key-more"))));
    }
    let budget = budget(&right);
    let mut spans = Vec::new();
    let mut used = 0usize;
    for h in &hints {
        if used + width(h) > budget {
            break;
        }
        used += width(h);
        spans.push(Span::styled(h.0.clone(), theme.key));
        spans.push(Span::styled(h.1.clone(), theme.key_label));
        spans.push(Span::raw(" "));
    }
    if let Some((k, l)) = right {
        spans.push(Span::raw(" ".repeat(budget.saturating_sub(used))));
        spans.push(Span::styled(k, theme.key));
        spans.push(Span::styled(l, theme.key_label));
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(area);
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(r);
    r
}

/// Draws an overlay (help, confirmation, message) over the screen.
pub fn overlay(f: &mut Frame, area: Rect, overlay: &Overlay, theme: &Theme) {
    match overlay {
        Overlay::Help { title, rows } => {
            let h = (rows.len() as u16 + 4).min(area.height);
            let r = centered(area, 60, h);
            f.render_widget(Clear, r);
            let key_w = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(4);
            let mut lines: Vec<Line> = rows
                .iter()
                .map(|(k, d)| {
                    Line::from(vec![Span::styled(format!(" {k:>key_w$} "), theme.key), Span::raw(format!("  {d}"))])
                })
                .collect();
            lines.push(Line::from(Span::styled(format!(" {}", crate::t!("common-help-close")), theme.muted)));
            let title = crate::t!("common-help-title", screen = title.as_str());
            f.render_widget(Paragraph::new(lines).block(panel(&title, true, theme)).style(theme.dialog), r);
        }
        Overlay::Confirm(c) => {
            let w = dialog_width(area);
            let body = wrap_all(&c.body, dialog_inner(w));
            let r = centered(area, w, dialog_height(&body, area.height));
            f.render_widget(Clear, r);
            let mut lines: Vec<Line> = body.into_iter().map(Line::from).collect();
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled("Enter", theme.key),
                Span::raw(format!(" {}   ", c.yes_label)),
                Span::styled("Esc", theme.key),
                Span::raw(format!(" {}", c.no_label)),
            ]));
            let style = if c.danger { theme.dialog_danger } else { theme.dialog };
            f.render_widget(
                Paragraph::new(lines).block(panel(&c.title, true, theme).padding(Padding::horizontal(1))).style(style),
                r,
            );
        }
        Overlay::Message { title, body, danger } => {
            let w = dialog_width(area);
            let body = wrap_all(body, dialog_inner(w));
            let r = centered(area, w, dialog_height(&body, area.height));
            f.render_widget(Clear, r);
            let mut lines: Vec<Line> = body
                .into_iter()
                .map(|l| Line::from(Span::styled(l, if *danger { theme.danger } else { theme.value })))
                .collect();
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled("Enter", theme.key),
                Span::raw(format!(" {}", crate::t!("key-ok"))),
            ]));
            f.render_widget(
                Paragraph::new(lines)
                    .block(panel(title, true, theme).padding(Padding::horizontal(1)))
                    .style(theme.dialog),
                r,
            );
        }
    }
}

/// A receipt preview: the receipt's lines on a paper-coloured strip.
/// `scroll` lines are skipped at the top (clamped so the end stays in view); the title says when
/// there is more.
pub fn receipt(f: &mut Frame, area: Rect, title: &str, lines: &[String], scroll: u16, theme: &Theme) {
    receipt_scrolled_by(f, area, title, lines, scroll, theme, ("↑", "↓"));
}

/// A receipt preview whose scroll keys are `keys` (up, down), named in the title when there is more.
pub fn receipt_scrolled_by(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[String],
    scroll: u16,
    theme: &Theme,
    keys: (&str, &str),
) {
    let rows = area.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(rows);
    let scroll = scroll.min(max_scroll);
    let (up, down) = keys;
    let title = match (scroll > 0, scroll < max_scroll) {
        (false, true) => crate::t!("common-more", title = title, keys = down),
        (true, true) => crate::t!("common-more", title = title, keys = format!("{up} {down}")),
        (true, false) => crate::t!("common-more", title = title, keys = up),
        (false, false) => title.to_string(),
    };
    let block = panel(&title, false, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 2;
    let [strip] = Layout::horizontal([Constraint::Length(width.min(inner.width))]).flex(Flex::Center).areas(inner);
    let text: Vec<Line> =
        lines.iter().skip(scroll as usize).take(rows as usize).map(|l| Line::from(format!(" {l} "))).collect();
    f.render_widget(Paragraph::new(text).style(theme.receipt), strip);
}

/// Rows a dialog needs for its wrapped `body`, plus borders, a blank line and the key line.
fn dialog_height(body: &[String], max: u16) -> u16 {
    (body.len() as u16).saturating_add(4).min(max)
}

/// The text width inside a dialog of `width` (borders and one column of padding each side).
fn dialog_inner(width: u16) -> usize {
    usize::from(width.saturating_sub(4)).max(1)
}

/// Dialogs use more of a wide screen, up to 76 columns.
fn dialog_width(area: Rect) -> u16 {
    area.width.saturating_sub(8).clamp(40, 76)
}

/// The screen's one word wrap (the `textwrap` crate): `text` in lines of at most `width`
/// columns, broken at spaces, a word longer than a line (a card number on a narrow pane) broken
/// inside, explicit newlines kept. Always at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let opts = textwrap::Options::new(width.max(1))
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    // An amount's figure and its euro sign stay on one line ("100,00 €", never "100,00" then "€").
    const GLUE: char = '\u{a0}';
    let glued = text.replace(" €", "\u{a0}€");
    textwrap::wrap(&glued, opts).into_iter().map(|l| l.replace(GLUE, " ")).collect()
}

/// Every line of `lines` wrapped to `width`.
pub fn wrap_all(lines: &[String], width: usize) -> Vec<String> {
    lines.iter().flat_map(|l| wrap(l, width)).collect()
}

/// A panel whose lines wrap (with [`wrap`], styles kept) to the width it is drawn at: each
/// line's one-space indent becomes the panel's left padding, so wrapped continuation lines line
/// up with their first line. Nothing is cut at the right edge.
pub fn wrapped<'a>(lines: Vec<Line<'a>>, block: Block<'a>) -> Wrapped<'a> {
    Wrapped { lines, block: block.padding(Padding::left(1)) }
}

/// See [`wrapped`].
pub struct Wrapped<'a> {
    lines: Vec<Line<'a>>,
    block: Block<'a>,
}

impl ratatui::widgets::Widget for Wrapped<'_> {
    fn render(self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        let width = usize::from(self.block.inner(area).width).max(1);
        let mut out: Vec<Line> = Vec::new();
        for line in self.lines {
            out.extend(wrap_line(line, width));
        }
        Paragraph::new(out).block(self.block).render(area, buf);
    }
}

/// One styled line wrapped to `width`: the text is wrapped as a whole, then each piece takes the
/// styles of the characters it came from.
fn wrap_line(line: Line<'_>, width: usize) -> Vec<Line<'static>> {
    let mut text = String::new();
    let mut styles = Vec::new();
    for (i, s) in line.spans.iter().enumerate() {
        let content = if i == 0 { s.content.strip_prefix(' ').unwrap_or(&s.content) } else { &s.content };
        for c in content.chars() {
            text.push(c);
            styles.push(line.style.patch(s.style));
        }
    }
    if text.is_empty() {
        return vec![Line::raw("")];
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0usize;
    for piece in wrap(&text, width) {
        // Find the piece from where the last one ended (the break's spaces are skipped).
        let piece_chars: Vec<char> = piece.chars().collect();
        let start = (at..=chars.len().saturating_sub(piece_chars.len()))
            .find(|&i| chars[i..].starts_with(&piece_chars))
            .unwrap_or(at);
        let mut spans: Vec<Span<'static>> = Vec::new();
        for (k, c) in piece_chars.iter().enumerate() {
            let style = styles.get(start + k).copied().unwrap_or_default();
            match spans.last_mut() {
                Some(last) if last.style == style => last.content.to_mut().push(*c),
                _ => spans.push(Span::styled(c.to_string(), style)),
            }
        }
        at = start + piece_chars.len();
        out.push(Line::from(spans));
    }
    out
}
