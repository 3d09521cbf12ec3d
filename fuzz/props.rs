//! The properties the fuzz targets check, one function a target. Shared with the normal suite:
//! `tests/fuzz_regressions.rs` runs each over every input in `fuzz/regressions/<target>/` (each
//! crash a fuzzer ever found, kept) and the seed corpus, so a crash once found stays fixed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use till::api::error::{parse_json, parse_object};
use till::engine::cards::{CardInfo, Program, ProgramConfig, card_key, luhn_valid, pan_from_track};
use till::money::{Currency, Locale, Money};
use till::tui::input::Resolver;
use till::wire::mac;
use till::wire::{gift, retail, till as tw};

/// The money parser: plain and localized amounts in every currency and locale never panic, and
/// whatever parses formats back to an amount that parses to the same value.
pub fn money(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for code in ["EUR", "JPY", "KWD", "USD", "GBP", "CHF"] {
        let Ok(currency) = Currency::from_code(code) else { continue };
        if let Ok(m) = Money::parse(s, currency) {
            let again = Money::parse(&m.to_plain_string(), currency).expect("a formatted amount parses");
            assert_eq!(again, m, "{s:?}");
        }
        for tag in ["de-DE", "en-US", "fr-FR", "de-CH", "en-GB"] {
            if let Ok(locale) = Locale::parse(tag) {
                let _ = Money::parse_localized(s, currency, locale);
            }
        }
    }
    let _ = Locale::parse(s);
}

/// The card and track parsers: track 1 / track 2 data, Luhn, and the card-info resolution of a
/// request (number, barcode, track, phone) never panic.
pub fn cards(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(pan) = pan_from_track(s) {
        assert!(!pan.is_empty());
    }
    let _ = luhn_valid(s);
    let Ok(program) = Program::from_config(&ProgramConfig::default(), "EUR") else { return };
    let mid = s.char_indices().nth(s.chars().count() / 2).map_or(s.len(), |(i, _)| i);
    let (a, b) = s.split_at(mid);
    for info in [
        CardInfo { printed_card_number: Some(s.to_string()), ..CardInfo::default() },
        CardInfo { track_info: Some(s.to_string()), ..CardInfo::default() },
        CardInfo { barcode: Some(s.to_string()), ..CardInfo::default() },
        CardInfo { phone_number: Some(s.to_string()), ..CardInfo::default() },
        CardInfo { printed_card_number: Some(a.to_string()), phone_number: Some(b.to_string()), ..CardInfo::default() },
    ] {
        let _ = card_key(&program, &info);
    }
}

/// The input resolver: any sequence of key events at any spacing (scans, swipes, typing, chords)
/// never panics.
pub fn resolver(data: &[u8]) {
    let mut r = Resolver::new();
    let start = Instant::now();
    let mut at = start;
    let mut out = Vec::new();
    for pair in data.chunks(2) {
        let gap = u64::from(pair.first().copied().unwrap_or(0) % 64);
        at += Duration::from_millis(gap);
        let b = pair.get(1).copied().unwrap_or(b'0');
        let code = match b {
            b'\n' | b'\r' => KeyCode::Enter,
            0x08 => KeyCode::Backspace,
            0x1b => KeyCode::Esc,
            0x20..=0x7e => KeyCode::Char(char::from(b)),
            n => KeyCode::F(n % 12 + 1),
        };
        out.extend(r.flush_due(at));
        out.extend(r.push(KeyEvent::new(code, KeyModifiers::NONE), at));
    }
    out.extend(r.flush_due(at + Duration::from_secs(1)));
    // Nothing pushed is held forever: after the gap everything has been released.
    assert!(r.deadline().is_none(), "keys still held after a second of silence");
    let _ = out.len();
}

/// The MAC `Authorization` header parser: never panics, and whatever it accepts writes back to a
/// header that parses to the same fields.
pub fn mac_header(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(a) = mac::parse(s) {
        let again = mac::parse(&mac::header_value(&a)).expect("a written header parses");
        assert_eq!((again.id, again.ts, again.nonce, again.mac, again.ext), (a.id, a.ts, a.nonce, a.mac, a.ext));
    }
}

fn all<T: serde::de::DeserializeOwned>(data: &[u8]) {
    let _ = parse_object::<T>(data);
    let _ = parse_json::<T>(data);
}

/// JSON request bodies: every surface's request types read through the API's own body readers
/// (`parse_object`, `parse_json`: strict types, numbers never through f64) never panic on any
/// bytes, whatever the nesting, the numbers or the encoding.
pub fn json_bodies(data: &[u8]) {
    all::<gift::SellRequest>(data);
    all::<gift::ReloadRequest>(data);
    all::<gift::BalanceRequest>(data);
    all::<gift::RedeemRequest>(data);
    all::<gift::ReverseRequest>(data);
    all::<gift::CashOutRequest>(data);
    all::<gift::ExchangeRequest>(data);
    all::<gift::CardRequest>(data);
    all::<gift::RefundRequest>(data);
    all::<retail::CreateOrder>(data);
    all::<retail::CreateStore>(data);
    all::<retail::TopUp>(data);
    all::<tw::LoginRequest>(data);
    all::<serde_json::Value>(data);
}
