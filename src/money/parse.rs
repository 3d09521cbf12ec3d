//! Reading amounts: plain decimal strings (the wire format) and locale-formatted entry.
//!
//! Everything ends in [`to_minor`], which works on digit strings only, so no float ever sees an
//! amount and overflow is caught by checked integer arithmetic.

use super::currency::display;
use super::{Currency, Locale, MoneyError};

/// Parses `-?DIGITS(.DIGITS)?` into minor units of `currency`.
pub(super) fn plain(s: &str, currency: Currency) -> Result<i64, MoneyError> {
    let t = s.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !frac.is_none_or(all_digits) {
        return Err(explain(s));
    }
    to_minor(negative, int, frac.unwrap_or(""), currency, s)
}

/// Parses what `format` produces for `locale`, with or without the currency's symbol or code.
pub(super) fn localized(s: &str, currency: Currency, locale: Locale) -> Result<i64, MoneyError> {
    // Screens and other software use no-break spaces and the real minus sign; accept them all.
    let normalized: String = s
        .chars()
        .map(|c| match c {
            '\u{00A0}' | '\u{202F}' | '\u{2009}' => ' ',
            '\u{2212}' => '-',
            c => c,
        })
        .collect();
    let mut t = normalized.trim();
    let mut negative = false;
    if let Some(rest) = t.strip_prefix('-') {
        negative = true;
        t = rest.trim_start();
    }
    t = strip_currency(t, currency).trim();
    if let Some(rest) = t.strip_prefix('-') {
        if negative {
            return Err(MoneyError::NotANumber(s.to_string()));
        }
        negative = true;
        t = rest.trim_start();
    }
    let (group, decimal) = separators(locale);
    let (int, frac) = match t.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !frac.is_none_or(digits) {
        return Err(explain_localized(s));
    }
    let int_digits: String = if int.contains(group) {
        let groups: Vec<&str> = int.split(group).collect();
        // A leading 0 is never grouped: "0,500" in en-US is a mistyped 0.50, not 500.
        let first_ok = groups.first().is_some_and(|g| digits(g) && g.len() <= 3 && !g.starts_with('0'));
        let rest_ok = groups.iter().skip(1).all(|g| digits(g) && g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(if groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
                MoneyError::Misgrouped(s.to_string())
            } else {
                explain_localized(s)
            });
        }
        groups.concat()
    } else if digits(int) {
        int.to_string()
    } else {
        return Err(explain_localized(s));
    };
    to_minor(negative, &int_digits, frac.unwrap_or(""), currency, s)
}

/// Group and decimal separators. fr-FR groups with a plain space (see `format.rs` for why).
pub(super) fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::EnUs | Locale::EnGb => (',', '.'),
        Locale::DeDe | Locale::NlNl => ('.', ','),
        Locale::FrFr => (' ', ','),
    }
}

fn strip_currency(t: &str, currency: Currency) -> &str {
    let d = display(currency);
    for mark in [d.symbol, currency.code()] {
        if let Some(rest) = strip_prefix_ci(t, mark) {
            return rest;
        }
        if let Some(rest) = strip_suffix_ci(t, mark) {
            return rest;
        }
    }
    t
}

fn strip_prefix_ci<'a>(t: &'a str, p: &str) -> Option<&'a str> {
    let head = t.get(..p.len())?;
    head.eq_ignore_ascii_case(p).then(|| &t[p.len()..])
}

fn strip_suffix_ci<'a>(t: &'a str, p: &str) -> Option<&'a str> {
    let cut = t.len().checked_sub(p.len())?;
    let tail = t.get(cut..)?;
    tail.eq_ignore_ascii_case(p).then(|| &t[..cut])
}

/// Turns sign + integer digits + fraction digits into minor units, refusing excess precision
/// (trailing zeros aside) and anything outside `i64`.
pub(super) fn to_minor(
    negative: bool,
    int: &str,
    frac: &str,
    currency: Currency,
    original: &str,
) -> Result<i64, MoneyError> {
    let exponent = usize::from(currency.exponent());
    let frac = frac.trim_end_matches('0');
    if frac.len() > exponent {
        return Err(MoneyError::TooPrecise {
            got: u32::try_from(frac.len()).unwrap_or(u32::MAX),
            allowed: currency.exponent(),
            currency: currency.code(),
        });
    }
    let mut magnitude: i128 = 0;
    let padded = frac.bytes().chain(std::iter::repeat_n(b'0', exponent - frac.len()));
    for b in int.bytes().chain(padded) {
        if !b.is_ascii_digit() {
            return Err(MoneyError::NotANumber(original.to_string()));
        }
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .filter(|m| *m <= i128::from(i64::MAX) + 1)
            .ok_or(MoneyError::Overflow)?;
    }
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| MoneyError::Overflow)
}

/// Says why a string is not an amount in a locale. [`explain`]'s grouping-separator advice is for
/// plain amounts ("such as 1234.56") and wrong here: a comma may be the decimal separator.
fn explain_localized(s: &str) -> MoneyError {
    match explain(s) {
        MoneyError::GroupingSeparator(_) => MoneyError::NotANumber(s.to_string()),
        e => e,
    }
}

/// Says why a string is not a plain amount, as precisely as it can.
pub(super) fn explain(s: &str) -> MoneyError {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let bare = lower.trim_start_matches(['-', '+']);
    if bare.starts_with("nan") || bare.starts_with("inf") || bare.starts_with("∞") {
        return MoneyError::NotFinite(s.to_string());
    }
    let has_digit = t.bytes().any(|b| b.is_ascii_digit());
    if has_digit && lower.contains('e') && lower.chars().all(|c| c.is_ascii_digit() || "+-.e".contains(c)) {
        return MoneyError::ExponentNotation(s.to_string());
    }
    if has_digit && t.chars().all(|c| c.is_ascii_digit() || ".,-+ '_\u{00A0}\u{202F}".contains(c)) {
        let stripped = t.trim_start_matches(['-', '+']);
        if stripped.contains([',', ' ', '\'', '_', '\u{00A0}', '\u{202F}']) {
            return MoneyError::GroupingSeparator(s.to_string());
        }
    }
    MoneyError::NotANumber(s.to_string())
}
