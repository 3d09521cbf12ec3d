//! Laying a receipt out for a paper width: a list of printed lines and codes that the ESC/POS
//! encoder sends as they are, and that [`Document::preview`] shows on screen.
//!
//! All text passes through the Windows-1252 fallback ([`cp1252::printable`]) first, so one
//! character is one column and the preview is exactly what prints. Alignment is done with spaces
//! here (not with printer justification), for the same reason.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use super::cp1252;
use super::labels;
use super::model::{Bar, Label, Line, Receipt};
use crate::money::{Locale, Money};

/// Paper width in characters of the printer's standard font: 32 (58 mm), 42 or 48 (80 mm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Width(u16);

impl Width {
    pub const W32: Width = Width(32);
    pub const W42: Width = Width(42);
    pub const W48: Width = Width(48);
    pub const ALL: [Width; 3] = [Width::W32, Width::W42, Width::W48];

    pub fn new(columns: u16) -> Result<Width, String> {
        match columns {
            32 | 42 | 48 => Ok(Width(columns)),
            n => Err(format!("paper width {n} is not supported; use 32, 42 or 48 columns")),
        }
    }

    pub fn columns(&self) -> usize {
        usize::from(self.0)
    }

    /// Printable dots across: 384 on 58 mm paper, 512 for 42 columns, 576 for 48.
    pub fn dots(&self) -> usize {
        match self.0 {
            32 => 384,
            42 => 512,
            _ => 576,
        }
    }
}

impl TryFrom<u16> for Width {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        Width::new(n)
    }
}

impl From<Width> for u16 {
    fn from(w: Width) -> u16 {
        w.0
    }
}

/// One thing on paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One printed line; at most `columns` characters, `columns / 2` when `double`.
    Text { text: String, bold: bool, double: bool },
    /// A QR code (model 2) holding the text, centred.
    Qr(String),
    /// A CODE128 barcode (code set B) holding the text, centred, with the text below.
    Code128(String),
}

/// A receipt laid out for one width: what the printer gets, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub width: Width,
    pub blocks: Vec<Block>,
    /// Send the cash-drawer pulse after the cut (cash changed hands, not training).
    pub open_drawer: bool,
}

impl Document {
    /// The plain text of exactly what prints. Double-size lines are letter-spaced so they take
    /// the columns they take on paper; codes show as `[QR ...]` and `[CODE128 ...]`, centred.
    pub fn preview(&self) -> String {
        let mut out = String::new();
        for line in self.preview_lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// [`Document::preview`] as lines, none wider than the paper.
    pub fn preview_lines(&self) -> Vec<String> {
        let cols = self.width.columns();
        let mut lines = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Text { text, double: false, .. } => lines.push(text.clone()),
                Block::Text { text, double: true, .. } => {
                    let spaced: String = text.chars().flat_map(|c| [c, ' ']).collect();
                    lines.push(spaced.trim_end().to_string());
                }
                Block::Qr(data) => lines.extend(wrap(&format!("[QR {data}]"), cols).iter().map(|l| centre(l, cols))),
                Block::Code128(data) => {
                    lines.extend(wrap(&format!("[CODE128 {data}]"), cols).iter().map(|l| centre(l, cols)))
                }
            }
        }
        lines
    }
}

/// Lays a receipt out for a width, in the receipt's locale.
pub fn layout(receipt: &Receipt, width: Width) -> Document {
    let locale = receipt.locale;
    let mut b = Builder { cols: width.columns(), blocks: Vec::new() };
    let money = |m: &Money| m.format(locale);

    if receipt.training {
        b.banner(labels::training_banner(locale));
        b.centred(labels::training_note(locale), false);
    }
    if receipt.duplicate {
        b.banner(labels::duplicate_banner(locale));
    }
    b.big_or_bold(&receipt.header.name);
    for line in receipt.header.address.iter().chain(&receipt.header.extra) {
        b.centred(line, false);
    }
    b.rule('=');
    b.centred(labels::title(locale, receipt.kind), true);
    // Receipt number and time, then terminal and cashier; an unnumbered receipt (a test)
    // shows the terminal where the number would be.
    let terminal = format!("{} {}", labels::terminal(locale), receipt.terminal);
    let cashier = receipt.cashier.as_ref().map(|c| format!("{} {c}", labels::cashier(locale)));
    match receipt.number_text() {
        Some(number) => {
            b.pair(&format!("{} {number}", labels::receipt_no(locale)), &datetime(receipt, locale), false);
            b.pair(&terminal, cashier.as_deref().unwrap_or(""), false);
        }
        None => {
            b.pair(&terminal, &datetime(receipt, locale), false);
            if let Some(c) = &cashier {
                b.left(c, false);
            }
        }
    }
    b.rule('-');

    for line in &receipt.lines {
        match line {
            Line::Text { text } => b.left(text, false),
            Line::Preformatted { text } => b.preformatted(text),
            Line::Pair { label, value } => b.pair(&labels::label(locale, label), value, false),
            Line::Amount { label, amount } => b.pair(&labels::label(locale, label), &money(amount), false),
            Line::Item { description, quantity, unit_price, amount } => {
                b.left(description, false);
                b.pair(&format!("  {quantity} x {}", money(unit_price)), &money(amount), false);
            }
            Line::Rule => b.rule('-'),
            Line::Blank => b.blank(),
            Line::Chart { bars } => b.chart(bars),
        }
    }

    if !receipt.totals.is_empty() {
        b.rule('-');
        for total in &receipt.totals {
            let label = labels::label(locale, &total.label);
            if !(total.large && b.double_pair(&label, &money(&total.amount))) {
                b.pair(&label, &money(&total.amount), total.large);
            }
        }
    }
    for tender in &receipt.tenders {
        b.pair(&labels::label(locale, &tender.kind.label()), &money(&tender.amount), false);
    }
    if let Some(change) = &receipt.change {
        b.pair(&labels::label(locale, &Label::Change), &money(change), true);
    }
    for card in &receipt.cards {
        b.blank();
        b.pair(&labels::label(locale, &card.label), &card.masked_number, false);
        if let Some(auth) = &card.auth_code {
            b.pair(&labels::label(locale, &Label::AuthCode), auth, false);
        }
        if let Some(balance) = &card.balance {
            b.pair(&labels::label(locale, &Label::Balance), &money(balance), true);
        }
    }
    for code in &receipt.codes {
        b.blank();
        if let Some(label) = &code.label {
            b.centred(&labels::label(locale, label), false);
        }
        b.centred(&code.text, true);
        if code.qr {
            b.blocks.push(Block::Qr(code.text.clone()));
            b.blank();
        }
        if code.code128 && code128_ok(&code.text) {
            b.blocks.push(Block::Code128(code.text.clone()));
            b.blank();
        }
    }
    if !receipt.footer.is_empty() {
        b.blank();
        for line in &receipt.footer {
            b.centred(line, false);
        }
    }
    if let Some(number) = receipt.number_text().filter(|n| code128_ok(n)) {
        b.blank();
        b.blocks.push(Block::Code128(number));
    }
    // A duplicate says so once, on top where it is seen first (twice read as two copies).
    if receipt.training {
        b.banner(labels::training_banner(locale));
    }
    Document { width, blocks: b.blocks, open_drawer: receipt.opens_drawer() }
}

/// CODE128 code set B holds printable ASCII; longer data would not fit any paper.
fn code128_ok(text: &str) -> bool {
    !text.is_empty() && text.len() <= 40 && text.bytes().all(|b| (0x20..0x7F).contains(&b))
}

fn datetime(receipt: &Receipt, locale: Locale) -> String {
    let formatted = time::format_description::parse_borrowed::<2>(labels::datetime_format(locale))
        .ok()
        .and_then(|f| receipt.issued_at.format(&f).ok());
    formatted.or_else(|| receipt.issued_at.format(&Rfc3339).ok()).unwrap_or_default()
}

struct Builder {
    cols: usize,
    blocks: Vec<Block>,
}

impl Builder {
    fn push(&mut self, text: String, bold: bool) {
        self.blocks.push(Block::Text { text, bold, double: false });
    }

    fn left(&mut self, text: &str, bold: bool) {
        for line in wrap(&cp1252::printable(text), self.cols) {
            self.push(line, bold);
        }
    }

    fn centred(&mut self, text: &str, bold: bool) {
        for line in wrap(&cp1252::printable(text), self.cols) {
            let c = centre(&line, self.cols);
            self.push(c, bold);
        }
    }

    /// A line the engine laid out for the width it was asked for, which need not be this one (a
    /// reprint after the paper changed): a rule is drawn across this paper, a label and value
    /// padded apart are set as a pair, anything else wraps.
    fn preformatted(&mut self, text: &str) {
        let t = text.trim();
        let rule_char = t.chars().next().filter(|c| matches!(c, '-' | '=' | '_' | '*' | '~'));
        if let Some(c) = rule_char
            && t.chars().count() >= 8
            && t.chars().all(|x| x == c)
        {
            self.rule(c);
            return;
        }
        if let Some((label, value)) = t.split_once("  ")
            && !label.is_empty()
            && !text.starts_with(' ')
        {
            self.pair(label.trim(), value.trim(), false);
            return;
        }
        if text.starts_with(' ') {
            // Centred for the engine's width: centred again for this one.
            self.centred(t, false);
            return;
        }
        self.left(text, false);
    }

    fn blank(&mut self) {
        self.push(String::new(), false);
    }

    fn rule(&mut self, c: char) {
        self.push(c.to_string().repeat(self.cols), false);
    }

    /// A text bar chart: labels left, values right, bars between to one scale. Too narrow for a
    /// bar of at least 4 columns (a long value), each row is a label/value pair.
    fn chart(&mut self, bars: &[Bar]) {
        let rows: Vec<(String, String, u16)> = bars
            .iter()
            .map(|b| {
                (
                    cp1252::printable(&b.label).replace('\n', " "),
                    cp1252::printable(&b.value).replace('\n', " "),
                    b.share.min(1000),
                )
            })
            .collect();
        let lw = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let vw = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        let room = self.cols.saturating_sub(lw + vw + 2);
        for (label, value, share) in rows {
            if room < 4 {
                self.pair(&label, &value, false);
                continue;
            }
            // Any sale at all shows at least one mark; rounding never draws past the room.
            let filled = (room * usize::from(share)).div_ceil(1000).min(room);
            let line = format!("{label:<lw$} {}{} {value:>vw$}", "#".repeat(filled), " ".repeat(room - filled));
            self.push(line, false);
        }
    }

    /// `*** TEXT ***` in double size, or bold when it does not fit.
    fn banner(&mut self, text: &str) {
        let banner = format!("*** {} ***", cp1252::printable(text));
        let half = self.cols / 2;
        if banner.chars().count() <= half {
            let text = centre(&banner, half);
            self.blocks.push(Block::Text { text, bold: true, double: true });
        } else {
            self.centred(&banner, true);
        }
    }

    /// The store name: double size when it fits on one line, else bold.
    fn big_or_bold(&mut self, text: &str) {
        let text = cp1252::printable(text);
        let half = self.cols / 2;
        if !text.contains('\n') && text.chars().count() <= half {
            let text = centre(&text, half);
            self.blocks.push(Block::Text { text, bold: true, double: true });
        } else {
            self.centred(&text, true);
        }
    }

    /// Label left (wrapped), value right-aligned on the label's last line when it fits there,
    /// else right-aligned on lines of its own.
    fn pair(&mut self, label: &str, value: &str, bold: bool) {
        let label = cp1252::printable(label).replace('\n', " ");
        let value = cp1252::printable(value).replace('\n', " ");
        let vw = value.chars().count();
        let mut lines = wrap(&label, self.cols);
        let last = lines.pop().unwrap_or_default();
        let lw = last.chars().count();
        for l in lines {
            self.push(l, bold);
        }
        if vw + lw + usize::from(lw > 0) <= self.cols {
            let pad = self.cols - vw - lw;
            self.push(format!("{last}{}{value}", " ".repeat(pad)), bold);
            return;
        }
        self.push(last, bold);
        for l in wrap(&value, self.cols) {
            let pad = self.cols - l.chars().count();
            self.push(format!("{}{l}", " ".repeat(pad)), bold);
        }
    }

    /// A pair in double size on one line; false (nothing added) when it does not fit.
    fn double_pair(&mut self, label: &str, value: &str) -> bool {
        let label = cp1252::printable(label);
        let value = cp1252::printable(value);
        let half = self.cols / 2;
        let (lw, vw) = (label.chars().count(), value.chars().count());
        if label.contains('\n') || value.contains('\n') || lw + 1 + vw > half {
            return false;
        }
        let text = format!("{label}{}{value}", " ".repeat(half - lw - vw));
        self.blocks.push(Block::Text { text, bold: true, double: true });
        true
    }
}

/// Centres a line in `cols` columns with leading spaces (no trailing ones).
fn centre(line: &str, cols: usize) -> String {
    let w = line.chars().count();
    let pad = cols.saturating_sub(w) / 2;
    format!("{}{line}", " ".repeat(pad))
}

/// Word-wraps to `cols` columns, breaking words longer than a line; keeps explicit newlines.
/// Always at least one (possibly empty) line.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut width = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            let needed = if width == 0 { word.len() } else { width + 1 + word.len() };
            if needed <= cols {
                if width > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                width = needed;
                continue;
            }
            if width > 0 {
                out.push(std::mem::take(&mut line));
            }
            while word.len() > cols {
                let rest = word.split_off(cols);
                out.push(word.into_iter().collect());
                word = rest;
            }
            line = word.iter().collect();
            width = word.len();
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_breaks_long_ones() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("a\nb", 4), ["a", "b"]);
        assert_eq!(wrap("ab  cd", 10), ["ab cd"]);
    }

    #[test]
    fn pairs_right_align_and_fall_back_below() {
        let mut b = Builder { cols: 20, blocks: Vec::new() };
        b.pair("Total", "12,50 €", false);
        b.pair("A very long label that wraps", "1.234,56 €", false);
        b.pair("Label", "a value far too long to share a line", false);
        let lines: Vec<String> = b
            .blocks
            .iter()
            .map(|bl| match bl {
                Block::Text { text, .. } => text.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            lines,
            [
                "Total        12,50 €",
                "A very long label",
                "that wraps",
                "          1.234,56 €",
                "Label",
                "a value far too long",
                "  to share a line",
            ]
            .map(|l| if l == "  to share a line" { format!("{l:>20}") } else { l.to_string() })
        );
        let mut b = Builder { cols: 12, blocks: Vec::new() };
        b.pair("Twelve chars", "5,00 €", false);
        assert_eq!(
            b.blocks,
            [
                Block::Text { text: "Twelve chars".into(), bold: false, double: false },
                Block::Text { text: "      5,00 €".into(), bold: false, double: false },
            ]
        );
    }

    #[test]
    fn widths_are_the_three_supported() {
        assert!(Width::new(40).is_err());
        assert_eq!(Width::new(42).map(|w| w.columns()), Ok(42));
    }
}
