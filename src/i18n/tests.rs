use super::*;
use crate::money::Currency;

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

#[test]
fn a_message_is_said_in_the_language_and_number_format_in_force() {
    set(Lang::De, Locale::DeDe);
    assert_eq!(crate::t!("gift-pay-out-cash", amount = eur(123_456)), "1.234,56 € bar auszahlen.");
    // An English-speaking till in a German store keeps the store's number format.
    set(Lang::En, Locale::DeDe);
    assert_eq!(crate::t!("gift-pay-out-cash", amount = eur(966)), "Pay out 9,66 € in cash.");
    set(Lang::En, Locale::EnUs);
    assert_eq!(crate::t!("gift-pay-out-cash", amount = eur(966)), "Pay out €9.66 in cash.");
}

#[test]
fn each_thread_keeps_its_own_language() {
    set(Lang::De, Locale::DeDe);
    let other = std::thread::spawn(|| {
        set(Lang::En, Locale::EnUs);
        text("gift-pay-out-cash", &[("amount", Arg::from("1"))])
    })
    .join()
    .unwrap();
    assert_eq!(other, "Pay out 1 in cash.");
    assert_eq!(text("gift-pay-out-cash", &[("amount", Arg::from("1"))]), "1 bar auszahlen.");
}

#[test]
fn a_missing_id_shows_the_id_and_never_panics() {
    set(Lang::De, Locale::DeDe);
    assert_eq!(text("no-such-message", &[]), "no-such-message");
}

#[test]
fn no_isolation_marks_reach_the_terminal() {
    let s = text_in(Lang::En, "gift-pay-out-cash", &[("amount", Arg::from("x"))]);
    assert!(!s.contains('\u{2068}') && !s.contains('\u{2069}'), "{s:?}");
}

#[test]
fn languages_follow_locales_and_parse_from_tags() {
    assert_eq!(Lang::for_locale(Locale::DeDe), Lang::De);
    assert_eq!(Lang::for_locale(Locale::EnGb), Lang::En);
    assert_eq!(Lang::for_locale(Locale::FrFr), Lang::En);
    assert_eq!(Lang::parse("de-DE"), Some(Lang::De));
    assert_eq!(Lang::parse("DE"), Some(Lang::De));
    assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(Lang::parse(""), None);
}
