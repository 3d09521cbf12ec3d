//! Writing amounts for people: locale formats for screens and receipts.
//!
//! Spacing choice: fr-FR groups digits with a plain ASCII space (`1 234,56 €`), and every space
//! between an amount and its currency is a plain space too. CLDR would use U+202F / U+00A0 there,
//! but receipt printers in Windows-1252 cannot print U+202F, a plain space keeps column widths
//! equal to character counts, and the receipt layout never breaks an amount across lines anyway.
//! [`super::Money::parse_localized`] accepts all three spaces.

use super::currency::display;
use super::parse::separators;
use super::{Currency, Locale};

/// The digits of `|minor|` with grouping and decimal separators, no sign, no currency.
pub(super) fn number(minor: i64, currency: Currency, locale: Locale) -> String {
    let (group, decimal) = separators(locale);
    let plain = plain_magnitude(minor, currency);
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push(decimal);
        out.push_str(f);
    }
    out
}

/// `$1,234.56`, `-£5.00`, `CHF 12.00`, `1.234,56 €`, `1 234,56 €`, `€ -1.234,56`.
pub(super) fn format(minor: i64, currency: Currency, locale: Locale) -> String {
    let num = number(minor, currency, locale);
    let sign = if minor < 0 { "-" } else { "" };
    let d = display(currency);
    match locale {
        Locale::EnUs | Locale::EnGb => {
            let gap = if d.is_sign { "" } else { " " };
            format!("{sign}{}{gap}{num}", d.symbol)
        }
        Locale::DeDe | Locale::FrFr => format!("{sign}{num} {}", d.symbol),
        Locale::NlNl => format!("{} {sign}{num}", d.symbol),
    }
}

/// `25.00`, `-3.00`, `1000`, `1.250`: the currency's exact decimals, `.` as separator.
pub(super) fn plain(minor: i64, currency: Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}", plain_magnitude(minor, currency))
}

fn plain_magnitude(minor: i64, currency: Currency) -> String {
    let digits = minor.unsigned_abs().to_string();
    let exp = usize::from(currency.exponent());
    if exp == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = exp + 1);
    let (int, frac) = padded.split_at(padded.len() - exp);
    format!("{int}.{frac}")
}
