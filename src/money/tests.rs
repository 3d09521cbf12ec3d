use super::*;

fn c(code: &str) -> Currency {
    Currency::from_code(code).unwrap()
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, c("EUR"))
}

#[test]
fn formats_the_five_locales() {
    let m = Money::from_minor(123456, c("USD"));
    assert_eq!(m.format(Locale::EnUs), "$1,234.56");
    assert_eq!(Money::from_minor(123456, c("GBP")).format(Locale::EnGb), "£1,234.56");
    assert_eq!(eur(123456).format(Locale::DeDe), "1.234,56 €");
    assert_eq!(eur(123456).format(Locale::FrFr), "1 234,56 €");
    assert_eq!(eur(123456).format(Locale::NlNl), "€ 1.234,56");
}

#[test]
fn formats_negatives_small_and_other_currencies() {
    assert_eq!(Money::from_minor(-123456, c("USD")).format(Locale::EnUs), "-$1,234.56");
    assert_eq!(eur(-5).format(Locale::DeDe), "-0,05 €");
    assert_eq!(eur(-123456).format(Locale::NlNl), "€ -1.234,56");
    assert_eq!(eur(0).format(Locale::FrFr), "0,00 €");
    assert_eq!(Money::from_minor(1234567, c("JPY")).format(Locale::EnUs), "¥1,234,567");
    assert_eq!(Money::from_minor(1200, c("CHF")).format(Locale::EnGb), "CHF 12.00");
    assert_eq!(Money::from_minor(1250, c("KWD")).format(Locale::DeDe), "1,250 KWD");
    assert_eq!(Money::from_minor(99_900, c("SEK")).format(Locale::NlNl), "SEK 999,00");
    assert_eq!(Money::from_minor(i64::MIN, c("EUR")).format(Locale::EnUs), "-€92,233,720,368,547,758.08");
}

#[test]
fn plain_strings() {
    assert_eq!(Money::parse("100.0", c("EUR")).unwrap().minor(), 10000);
    assert_eq!(Money::parse("25.00", c("EUR")).unwrap().minor(), 2500);
    assert_eq!(Money::parse("-3", c("EUR")).unwrap().minor(), -300);
    assert_eq!(Money::parse("1.2500", c("EUR")).unwrap().minor(), 125);
    assert_eq!(Money::parse("7.000", c("JPY")).unwrap().minor(), 7);
    assert_eq!(Money::parse("1.25", c("KWD")).unwrap().minor(), 1250);
    assert_eq!(eur(2500).to_plain_string(), "25.00");
    assert_eq!(eur(-5).to_plain_string(), "-0.05");
    assert_eq!(Money::from_minor(1000, c("JPY")).to_plain_string(), "1000");
    assert_eq!(Money::from_minor(1250, c("BHD")).to_plain_string(), "1.250");
}

#[test]
fn plain_parse_refusals_say_why() {
    let e = c("EUR");
    assert!(matches!(Money::parse("1e5", e), Err(MoneyError::ExponentNotation(_))));
    assert!(matches!(Money::parse("1.5E-3", e), Err(MoneyError::ExponentNotation(_))));
    for s in ["NaN", "nan", "inf", "-Infinity", "+inf"] {
        assert!(matches!(Money::parse(s, e), Err(MoneyError::NotFinite(_))), "{s}");
    }
    assert!(matches!(Money::parse("1,234.56", e), Err(MoneyError::GroupingSeparator(_))));
    assert!(matches!(Money::parse("1 234", e), Err(MoneyError::GroupingSeparator(_))));
    assert!(matches!(Money::parse("1_000", e), Err(MoneyError::GroupingSeparator(_))));
    assert_eq!(Money::parse("1.234", e), Err(MoneyError::TooPrecise { got: 3, allowed: 2, currency: "EUR" }));
    assert!(matches!(Money::parse("1.5", c("JPY")), Err(MoneyError::TooPrecise { allowed: 0, .. })));
    assert_eq!(Money::parse("92233720368547758.08", e), Err(MoneyError::Overflow));
    assert_eq!(Money::parse("-92233720368547758.08", e).map(|m| m.minor()), Ok(i64::MIN));
    assert_eq!(Money::parse("-92233720368547758.09", e), Err(MoneyError::Overflow));
    assert_eq!(Money::parse("99999999999999999999999999999999", e), Err(MoneyError::Overflow));
    for s in ["", "-", ".5", "5.", "abc", "1.2.3", "--1", "0x10", "١٢"] {
        assert!(matches!(Money::parse(s, e), Err(MoneyError::NotANumber(_))), "{s:?}");
    }
    let msg = Money::parse("1e5", e).unwrap_err().to_string();
    assert!(msg.contains("exponent"), "{msg}");
}

#[test]
fn decimals_and_minor_objects() {
    use std::str::FromStr;
    let d = Decimal::from_str("12.50").unwrap();
    assert_eq!(Money::from_decimal(d, c("EUR")).unwrap().minor(), 1250);
    assert!(matches!(
        Money::from_decimal(Decimal::from_str("0.001").unwrap(), c("EUR")),
        Err(MoneyError::TooPrecise { got: 3, .. })
    ));
    assert_eq!(Money::from_decimal(Decimal::MAX, c("EUR")), Err(MoneyError::Overflow));
    assert_eq!(eur(1250).to_decimal().to_string(), "12.50");

    let o = MinorObject { amount: 12500, precision: 3, currency: "EUR".into() };
    assert_eq!(Money::from_minor_object(&o).unwrap().minor(), 1250);
    let o = MinorObject { amount: 12505, precision: 3, currency: "EUR".into() };
    assert!(matches!(Money::from_minor_object(&o), Err(MoneyError::TooPrecise { got: 3, .. })));
    let o = MinorObject { amount: 5, precision: 0, currency: "kwd".into() };
    assert_eq!(Money::from_minor_object(&o).unwrap().minor(), 5000);
    let o = MinorObject { amount: i64::MAX, precision: 0, currency: "EUR".into() };
    assert_eq!(Money::from_minor_object(&o), Err(MoneyError::Overflow));
    let o = MinorObject { amount: 1, precision: 2, currency: "XXX".into() };
    assert!(matches!(Money::from_minor_object(&o), Err(MoneyError::UnknownCurrency(_))));
    assert_eq!(eur(1250).to_minor_object(), MinorObject { amount: 1250, precision: 2, currency: "EUR".into() });
}

#[test]
fn checked_arithmetic() {
    assert_eq!(eur(100).checked_add(eur(250)).unwrap().minor(), 350);
    assert_eq!(eur(100).checked_sub(eur(250)).unwrap().minor(), -150);
    assert_eq!(eur(1).checked_add(Money::from_minor(1, c("USD"))), Err(MoneyError::CurrencyMismatch("EUR", "USD")));
    assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
}

#[test]
fn localized_entry() {
    let e = c("EUR");
    let cases = [
        ("1.234,56 €", Locale::DeDe, 123456),
        ("1234,56", Locale::DeDe, 123456),
        ("1 234,56 €", Locale::FrFr, 123456),
        ("1\u{202F}234,56\u{00A0}€", Locale::FrFr, 123456),
        ("€ -1.234,56", Locale::NlNl, -123456),
        ("-€1,234.56", Locale::EnUs, -123456),
        ("EUR 5", Locale::EnGb, 500),
        ("5 eur", Locale::DeDe, 500),
    ];
    for (s, l, minor) in cases {
        assert_eq!(Money::parse_localized(s, e, l).map(|m| m.minor()), Ok(minor), "{s:?} {l}");
    }
    assert!(matches!(Money::parse_localized("1.23,4", e, Locale::DeDe), Err(MoneyError::Misgrouped(_))));
    assert!(matches!(Money::parse_localized("$5", e, Locale::EnUs), Err(MoneyError::NotANumber(_))));
    assert!(matches!(Money::parse_localized("1,234", e, Locale::EnUs), Ok(m) if m.minor() == 123400));
    assert!(matches!(Money::parse_localized("1,234", e, Locale::DeDe), Err(MoneyError::TooPrecise { .. })));
    // A European-typed "0,500" in en-US is not five hundred euros.
    for s in ["0,500", "0,001", "00,500", "0,500.00"] {
        for l in [Locale::EnUs, Locale::EnGb] {
            assert!(matches!(Money::parse_localized(s, e, l), Err(MoneyError::Misgrouped(_))), "{s:?} {l}");
        }
    }
    assert!(matches!(Money::parse_localized("0.500", e, Locale::DeDe), Err(MoneyError::Misgrouped(_))));
    assert_eq!(Money::parse_localized("0,50", e, Locale::DeDe).map(|m| m.minor()), Ok(50));
    assert_eq!(Money::parse_localized("1,000", e, Locale::EnUs).map(|m| m.minor()), Ok(100_000));
    // A comma that is the locale's decimal separator is not called a grouping separator, and
    // nobody is told to type "1234.56" where a dot groups digits.
    for (s, l) in [("5,", Locale::DeDe), (",5", Locale::NlNl), ("1 234,56", Locale::DeDe), ("1.234,56", Locale::FrFr)] {
        let err = Money::parse_localized(s, e, l).unwrap_err();
        assert!(!err.to_string().contains("1234.56"), "{s:?} {l}: {err}");
    }
}

#[test]
fn locales_and_serde() {
    assert_eq!(Locale::parse("de_de").unwrap(), Locale::DeDe);
    assert_eq!(Locale::parse("en-GB").unwrap(), Locale::EnGb);
    assert!(matches!(Locale::parse("xx-YY"), Err(MoneyError::UnknownLocale(_))));
    let json = serde_json::to_string(&eur(1250)).unwrap();
    assert_eq!(json, r#"{"amount":1250,"precision":2,"currency":"EUR"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), eur(1250));
    assert!(serde_json::from_str::<Money>(r#"{"amount":1,"precision":3,"currency":"EUR"}"#).is_err());
    assert_eq!(serde_json::to_string(&c("JPY")).unwrap(), r#""JPY""#);
}
