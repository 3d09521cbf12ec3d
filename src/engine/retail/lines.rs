//! `receipt_printing.lines`: the lines a till prints for a confirmed retail order, laid out for
//! `characters_per_line` (24 to 64) and a locale. Widths are counted in characters, never bytes,
//! and no line is ever longer than the width: long words are split hard.

use crate::money::{Locale, Money};

/// The narrowest and widest receipts accepted.
pub const MIN_WIDTH: usize = 24;
pub const MAX_WIDTH: usize = 64;

/// What goes on the receipt.
#[derive(Debug, Clone)]
pub struct ReceiptInput<'a> {
    pub width: usize,
    pub locale: Locale,
    pub brand: &'a str,
    pub product_name: &'a str,
    pub face_value: Money,
    /// POR: the issued code.
    pub code: Option<&'a str>,
    /// POSA: the activated card number (printed masked).
    pub card_number: Option<&'a str>,
    pub redemption_text: &'a str,
    pub support_text: &'a str,
    pub receipt_id: &'a str,
    pub order_id: &'a str,
}

struct Labels {
    value: &'static str,
    code: &'static str,
    card: &'static str,
    activated: &'static str,
    support: &'static str,
    receipt: &'static str,
    order: &'static str,
}

fn labels(locale: Locale) -> Labels {
    match locale {
        Locale::DeDe => Labels {
            value: "Wert",
            code: "Ihr Code",
            card: "Karte",
            activated: "Karte aktiviert",
            support: "Hilfe",
            receipt: "Beleg",
            order: "Auftrag",
        },
        Locale::FrFr => Labels {
            value: "Valeur",
            code: "Votre code",
            card: "Carte",
            activated: "Carte activée",
            support: "Assistance",
            receipt: "Ticket",
            order: "Commande",
        },
        Locale::NlNl => Labels {
            value: "Waarde",
            code: "Uw code",
            card: "Kaart",
            activated: "Kaart geactiveerd",
            support: "Klantenservice",
            receipt: "Bon",
            order: "Order",
        },
        Locale::EnUs | Locale::EnGb => Labels {
            value: "Value",
            code: "Your code",
            card: "Card",
            activated: "Card activated",
            support: "Support",
            receipt: "Receipt",
            order: "Order",
        },
    }
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// Splits a word into pieces of at most `width` characters.
fn hard_split(word: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect()
}

/// Wraps text greedily at spaces. A word longer than the width is split hard, starting on the
/// current line when there is room, so no paper is wasted. Line breaks in the text are kept.
/// Non-breaking spaces (inside formatted amounts) do not break.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let used = len(&line);
            let sep = usize::from(used > 0);
            if used + sep + len(word) <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            let mut rest: Vec<char> = word.chars().collect();
            if rest.len() > width && used + sep < width {
                // Too long for any line: fill this one first.
                let take = width - used - sep;
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(rest.drain(..take));
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            while rest.len() > width {
                out.push(rest.drain(..width).collect());
            }
            line = rest.into_iter().collect();
        }
        if !line.is_empty() {
            out.push(line);
        }
    }
    out
}

/// Centres short text; wraps longer text.
fn centred(text: &str, width: usize) -> Vec<String> {
    wrap(text, width)
        .into_iter()
        .map(|l| {
            let pad = (width - len(&l)) / 2;
            format!("{}{l}", " ".repeat(pad))
        })
        .collect()
}

/// `label … value` on one line when both fit; else the label, then the value right-aligned when
/// it fits a line, wrapped from the left when it does not.
fn label_value(label: &str, value: &str, width: usize) -> Vec<String> {
    let (l, v) = (len(label), len(value));
    if l + 1 + v <= width {
        return vec![format!("{label}{}{value}", " ".repeat(width - l - v))];
    }
    let mut out = wrap(label, width);
    if v <= width {
        out.push(format!("{}{value}", " ".repeat(width - v)));
    } else {
        out.extend(wrap(value, width));
    }
    out
}

/// A code grouped for reading aloud: its own `-` groups if it has them, else groups of four.
pub fn group_code(code: &str) -> String {
    if code.contains('-') {
        return code.split('-').filter(|g| !g.is_empty()).collect::<Vec<_>>().join(" ");
    }
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// A card number masked to its last four digits, grouped like the card: `**** **** 1234`.
pub fn mask_card(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    let keep = digits.len().min(4);
    let masked: String =
        digits.iter().enumerate().map(|(i, c)| if i + keep >= digits.len() { *c } else { '*' }).collect();
    group_code(&masked)
}

/// The lines for a confirmed order.
pub fn render(input: &ReceiptInput<'_>) -> Vec<String> {
    let w = input.width.clamp(MIN_WIDTH, MAX_WIDTH);
    // Belt and braces: whatever went wrong in the layout, never hand out a line wider than the paper.
    layout(input).into_iter().flat_map(|l| if len(&l) <= w { vec![l] } else { hard_split(&l, w) }).collect()
}

fn layout(input: &ReceiptInput<'_>) -> Vec<String> {
    let w = input.width.clamp(MIN_WIDTH, MAX_WIDTH);
    let t = labels(input.locale);
    let mut out = Vec::new();
    let rule = |c: char| c.to_string().repeat(w);
    out.push(rule('='));
    out.extend(centred(input.brand, w));
    out.extend(centred(input.product_name, w));
    out.push(rule('-'));
    out.extend(label_value(t.value, &input.face_value.format(input.locale), w));
    if let Some(code) = input.code {
        out.push(rule('-'));
        out.extend(wrap(&format!("{}:", t.code), w));
        out.extend(centred(&group_code(code), w));
        out.push(rule('-'));
        out.extend(wrap(input.redemption_text, w));
    }
    if let Some(card) = input.card_number {
        out.extend(label_value(t.card, &mask_card(card), w));
        out.extend(centred(t.activated, w));
        out.push(rule('-'));
    }
    if !input.support_text.is_empty() {
        out.extend(wrap(&format!("{}: {}", t.support, input.support_text), w));
    }
    out.push(rule('-'));
    out.extend(label_value(t.receipt, input.receipt_id, w));
    out.extend(label_value(t.order, input.order_id, w));
    out.push(rule('='));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_splits_only_what_cannot_fit() {
        assert_eq!(wrap("Einlösbar in allen Filialen", 12), vec!["Einlösbar in", "allen", "Filialen"]);
        assert_eq!(wrap("abcdefghijklmnopqrstuvwxyz end", 10), vec!["abcdefghij", "klmnopqrst", "uvwxyz end"]);
        // A word too long for any line starts where the line has room.
        assert_eq!(wrap("auf bookwise.example/x", 10), vec!["auf bookwi", "se.example", "/x"]);
        // One that fits a line of its own moves to the next line whole.
        assert_eq!(wrap("auf bookwise", 10), vec!["auf", "bookwise"]);
        assert_eq!(wrap("a\nb c", 10), vec!["a", "b c"]);
        // Counted in characters: eleven two-byte letters are eleven columns.
        assert_eq!(wrap("ééééééééééé", 10), vec!["éééééééééé", "é"]);
    }

    #[test]
    fn label_and_value_share_a_line_when_they_fit() {
        assert_eq!(label_value("Wert", "100,00 €", 24), vec!["Wert            100,00 €"]);
        assert_eq!(label_value("Receipt", "R1234567890123456789", 24), vec!["Receipt", "    R1234567890123456789"]);
    }

    #[test]
    fn codes_are_grouped_and_cards_masked() {
        assert_eq!(group_code("ABCDEFGHJKMNPQRS"), "ABCD EFGH JKMN PQRS");
        assert_eq!(group_code("AB12-CD34-EF"), "AB12 CD34 EF");
        assert_eq!(mask_card("6036 1234 5678 9012"), "**** **** **** 9012");
        assert_eq!(mask_card("123"), "123");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the texts, no line is wider than the paper and no character of the
        /// redemption text is lost.
        #[test]
        fn no_line_is_ever_too_long(
            width in MIN_WIDTH..=MAX_WIDTH,
            locale in 0usize..5,
            minor in 1i64..100_000_000,
            text in "([a-zäöüéß€0-9./:-]{1,90}[ \n]?){0,12}",
            name in "[A-Za-zÄÖÜ ]{1,100}",
            code in "[A-Z0-9-]{4,64}",
        ) {
            let eur = crate::money::Currency::from_code("EUR").unwrap();
            let input = ReceiptInput {
                width,
                locale: Locale::ALL[locale],
                brand: &name,
                product_name: &name,
                face_value: Money::from_minor(minor, eur),
                code: Some(&code),
                card_number: Some("6036000011112222"),
                redemption_text: &text,
                support_text: &text,
                receipt_id: &code,
                order_id: "ro_1c2934a7417a9d12117d07a6",
            };
            // The layout itself, without the safety net of `render`.
            let lines = layout(&input);
            for l in &lines {
                proptest::prop_assert!(l.chars().count() <= width, "{:?} is wider than {}", l, width);
            }
            let wrapped: String = wrap(&text, width).concat().chars().filter(|c| !c.is_whitespace()).collect();
            let original: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(wrapped, original);
        }
    }
}
