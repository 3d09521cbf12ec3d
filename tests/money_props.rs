//! Property tests for `money`: every amount survives a trip through each locale format and through
//! rust_decimal, for every currency.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use till::money::{Currency, Locale, Money};

fn currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

fn locale() -> impl Strategy<Value = Locale> {
    proptest::sample::select(Locale::ALL.to_vec())
}

/// Small amounts (where tills live), huge ones, and the edges of i64.
fn minor() -> impl Strategy<Value = i64> {
    prop_oneof![-100_000i64..100_000, any::<i64>(), Just(i64::MIN), Just(i64::MAX), Just(0)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn format_then_parse_localized(minor in minor(), currency in currency(), locale in locale()) {
        let m = Money::from_minor(minor, currency);
        let shown = m.format(locale);
        prop_assert_eq!(Money::parse_localized(&shown, currency, locale), Ok(m), "{}", shown);
        let bare = m.format_number(locale);
        let signed = if minor < 0 { format!("-{bare}") } else { bare };
        prop_assert_eq!(Money::parse_localized(&signed, currency, locale), Ok(m), "{}", signed);
    }

    #[test]
    fn plain_string_round_trip(minor in minor(), currency in currency()) {
        let m = Money::from_minor(minor, currency);
        prop_assert_eq!(Money::parse(&m.to_plain_string(), currency), Ok(m));
    }

    #[test]
    fn decimal_round_trip(minor in minor(), currency in currency()) {
        let m = Money::from_minor(minor, currency);
        prop_assert_eq!(Money::from_decimal(m.to_decimal(), currency), Ok(m));
        prop_assert_eq!(Money::from_minor_object(&m.to_minor_object()), Ok(m));
    }

    #[test]
    fn formatted_amounts_are_windows_1252_safe(minor in minor(), currency in currency(), locale in locale()) {
        let shown = Money::from_minor(minor, currency).format(locale);
        // Every char is either ASCII or one of the signs cp1252 has (€ £ ¥).
        prop_assert!(shown.chars().all(|c| c.is_ascii() || "€£¥".contains(c)), "{}", shown);
    }
}
