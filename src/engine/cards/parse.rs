//! Reading a card from what a terminal sends: printed number (Luhn-checked), magnetic track 1 or
//! 2, barcode, phone number; and masking a number for display.

use super::Program;
use crate::engine::gift::Decline;

/// The Luhn check digit for `payload` (digits only).
pub fn luhn_check_digit(payload: &str) -> char {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            // Digits only; anything else counts as 0 rather than wrapping.
            let d = u32::from(b.saturating_sub(b'0')).min(9);
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `number` is its Luhn check digit (false for anything that is not
/// all ASCII digits: the fuzzer found that a phone number like `+49 …` overflowed the digit sum).
pub fn luhn_valid(number: &str) -> bool {
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match number.len().checked_sub(1) {
        Some(n) if n > 0 => {
            let (payload, check) = number.split_at(n);
            check.starts_with(luhn_check_digit(payload))
        }
        _ => false,
    }
}

/// `************1234`: everything but the last four digits hidden.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    let keep = n.min(4);
    let tail: String = number.chars().skip(n - keep).collect();
    format!("{}{tail}", "*".repeat(n - keep))
}

/// How a request identifies a card (the seed's CardInfo, already taken off the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardInfo {
    pub printed_card_number: Option<String>,
    pub track_info: Option<String>,
    pub barcode: Option<String>,
    pub phone_number: Option<String>,
    /// Set when the request used an identifier this till cannot read (NFC payloads, account tokens).
    pub unsupported: Option<&'static str>,
    pub card_reg_code: Option<String>,
}

/// Where a card was found from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardKey {
    /// The caller presented the number (printed, barcode or track).
    Number(String),
    /// The caller knows only the phone number registered to the card.
    Phone(String),
}

/// Reads the card a request means. Precedence: printed number, track, barcode, phone. Two number
/// identifiers that name different cards are refused rather than one silently winning (the wrong
/// card would be charged).
pub fn card_key(program: &Program, info: &CardInfo) -> Result<CardKey, Decline> {
    let present = |v: &Option<String>| v.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_string);
    let mut numbers = Vec::new();
    if let Some(n) = present(&info.printed_card_number) {
        numbers.push(program.check_number(&strip_separators(&n)));
    }
    if let Some(t) = present(&info.track_info) {
        numbers.push(pan_from_track(&t).and_then(|pan| program.check_number(&pan)));
    }
    if let Some(b) = present(&info.barcode) {
        let b = b.trim();
        // Some scanners deliver the whole track 2 from a combined barcode.
        let digits = if b.contains('=') || b.contains('^') { pan_from_track(b) } else { Ok(strip_separators(b)) };
        numbers.push(digits.and_then(|d| program.check_number(&d)));
    }
    if let Some(first) = numbers.first() {
        let first = first.clone()?;
        if numbers.iter().skip(1).any(|other| other.as_ref().is_ok_and(|o| *o != first)) {
            return Err(Decline::Invalid(
                "cardInfo names two different cards (printedCardNumber, trackInfo and barcode disagree).".into(),
            ));
        }
        return Ok(CardKey::Number(first));
    }
    if let Some(p) = info.phone_number.as_deref().filter(|s| !s.trim().is_empty()) {
        return normalize_phone(p).map(CardKey::Phone);
    }
    if let Some(kind) = info.unsupported {
        return Err(Decline::UnsupportedIdentifier(format!(
            "{kind} is not accepted here; send printedCardNumber, trackInfo, barcode or phoneNumber."
        )));
    }
    Err(Decline::Invalid("cardInfo must carry one of printedCardNumber, trackInfo, barcode or phoneNumber.".into()))
}

/// Drops the spaces and dashes people and printers put into card numbers.
fn strip_separators(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

/// The card number (PAN) from magnetic stripe data: track 2 `;PAN=YYMM…?` or track 1
/// `%BPAN^NAME^YYMM…?`, with or without the start and end sentinels (and an LRC after `?`).
pub fn pan_from_track(raw: &str) -> Result<String, Decline> {
    let bad = || Decline::InvalidCardNumber("trackInfo is not track 1 or track 2 data.".into());
    let t = raw.trim();
    let t = match t.find('?') {
        Some(end) => &t[..end],
        None => t,
    };
    if let Some(rest) = t.strip_prefix('%').or(Some(t)).and_then(|s| s.strip_prefix('B').or(s.strip_prefix('b'))) {
        // Track 1: format code B, PAN, ^, name, ^, expiry…
        let (pan, after) = rest.split_once('^').ok_or_else(bad)?;
        if !after.contains('^') {
            return Err(bad());
        }
        let pan = strip_separators(pan);
        return if !pan.is_empty() && pan.bytes().all(|b| b.is_ascii_digit()) { Ok(pan) } else { Err(bad()) };
    }
    let t = t.strip_prefix(';').unwrap_or(t);
    // Track 2: PAN, separator `=` (some readers send `D`), expiry YYMM, service code, discretionary data.
    let (pan, after) = t.split_once('=').or_else(|| t.split_once('D')).ok_or_else(bad)?;
    if pan.is_empty() || !pan.bytes().all(|b| b.is_ascii_digit()) || !after.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(pan.to_string())
}

/// A phone number reduced to an optional leading `+` and its digits (7 to 15 of them).
pub fn normalize_phone(raw: &str) -> Result<String, Decline> {
    let t = raw.trim();
    let plus = t.starts_with('+');
    let mut digits = String::new();
    for c in t.trim_start_matches('+').chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' | '/' => {}
            _ => return Err(Decline::Invalid("phoneNumber has characters a phone number cannot have.".into())),
        }
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(Decline::Invalid("phoneNumber must have 7 to 15 digits.".into()));
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}
