//! The message catalogue: every word the till shows a person, in English and German.
//!
//! The texts are [Project Fluent](https://projectfluent.org) files, one per area, in
//! `assets/i18n/<lang>/<area>.ftl`, compiled into the binary ([`catalog`] lists them). Code names a
//! message by its id and hands its named parameters to the [`t!`](crate::t) macro:
//!
//! ```
//! use till::money::{Currency, Locale, Money};
//! use till::i18n::{self, Lang};
//! let eur = Currency::from_code("EUR").unwrap();
//! i18n::set(Lang::De, Locale::DeDe);
//! assert_eq!(till::t!("gift-pay-out-cash", amount = Money::from_minor(966, eur)), "9,66 € bar auszahlen.");
//! i18n::set(Lang::En, Locale::EnGb);
//! assert_eq!(till::t!("gift-pay-out-cash", amount = Money::from_minor(966, eur)), "Pay out €9.66 in cash.");
//! ```
//!
//! Amounts ([`Money`]) passed as parameters are written in the store's number format (the locale
//! set with [`set`]), whatever the language: an English-speaking till in a German store still
//! shows `9,66 €`. Counts (integers) select plural forms (`{ $count -> [one] … *[other] … }`).
//!
//! The language in force is process-wide (the screen sets it from the till's settings and the
//! store's locale before every update and frame), and also per thread, so tests that run German
//! and English screens side by side in one process do not see each other's choice.
//!
//! `tests/i18n_catalog.rs` fails when an id used in `src/` is missing from a catalogue, when the
//! two catalogues' ids differ, when a message names other parameters in one language than in the
//! other or than the code passes, and when a file does not parse.

pub mod catalog;

use std::cell::Cell;
use std::sync::RwLock;

use crate::money::{Locale, Money};

/// A language the catalogue is complete in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The BCP 47 language tag: `en`, `de`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language a store of this locale speaks; English where no catalogue exists (fr, nl).
    pub fn for_locale(locale: Locale) -> Lang {
        match locale {
            Locale::DeDe => Lang::De,
            Locale::EnUs | Locale::EnGb | Locale::FrFr | Locale::NlNl => Lang::En,
        }
    }

    /// Reads `en`, `de`, `en-GB`, `de_DE`, `DE` …: the language part of a tag.
    pub fn parse(tag: &str) -> Option<Lang> {
        let lang = tag.trim().split(['-', '_']).next().unwrap_or("");
        Lang::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(lang))
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// One named parameter of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg(pub(crate) ArgValue);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArgValue {
    Text(String),
    /// A count: written as digits, and selects plural forms.
    Count(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg(ArgValue::Text(s.to_string()))
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg(ArgValue::Text(s))
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg(ArgValue::Text(s.clone()))
    }
}
impl From<Money> for Arg {
    /// An amount in the store's number format.
    fn from(m: Money) -> Arg {
        Arg(ArgValue::Text(amount(m)))
    }
}
impl From<&Money> for Arg {
    fn from(m: &Money) -> Arg {
        Arg::from(*m)
    }
}
macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg(ArgValue::Count(i64::try_from(n).unwrap_or(i64::MAX)))
            }
        }
    )*};
}
count_from!(i64, i32, u32, u64, usize, u16, u8);

/// The message `id` in the language in force, with its named parameters.
///
/// A message missing in German falls back to English, one missing in both shows its id (the
/// catalogue test keeps both from happening).
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    text_in(lang(), id, args)
}

/// The message `id` in `lang`.
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    catalog::format(lang, id, args)
}

/// A message without parameters as a `&'static str`, for the places that keep one (field labels,
/// dialog key labels); see [`ts!`](crate::ts).
pub fn text_static(id: &str) -> &'static str {
    catalog::format_static(lang(), id)
}

/// An amount in the store's number format (`9,66 €` in de-DE, `€9.66` in en-GB).
pub fn amount(m: Money) -> String {
    m.format(locale())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Speech {
    lang: Lang,
    locale: Locale,
}

const DEFAULT: Speech = Speech { lang: Lang::En, locale: Locale::EnUs };

static PROCESS: RwLock<Speech> = RwLock::new(DEFAULT);

thread_local! {
    static THREAD: Cell<Option<Speech>> = const { Cell::new(None) };
}

/// Sets the language and the number format in force, for the process and for this thread.
pub fn set(lang: Lang, locale: Locale) {
    let s = Speech { lang, locale };
    THREAD.with(|t| t.set(Some(s)));
    match PROCESS.write() {
        Ok(mut p) => *p = s,
        Err(poisoned) => *poisoned.into_inner() = s,
    }
}

/// Runs `f` with `lang` and `locale` in force on this thread only, then puts back what was in
/// force before: for work done on a shared thread in a language of its own (an API reply in the
/// language the caller asked for, next to a screen speaking another).
pub fn with<R>(lang: Lang, locale: Locale, f: impl FnOnce() -> R) -> R {
    let before = THREAD.with(|t| t.replace(Some(Speech { lang, locale })));
    struct Restore(Option<Speech>);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREAD.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

fn current() -> Speech {
    THREAD.with(|t| t.get()).unwrap_or_else(|| match PROCESS.read() {
        Ok(p) => *p,
        Err(poisoned) => *poisoned.into_inner(),
    })
}

/// The language in force.
pub fn lang() -> Lang {
    current().lang
}

/// The number format in force (the store's locale, or the till's override).
pub fn locale() -> Locale {
    current().locale
}

/// A message from the catalogue: `t!("id")` or `t!("id", name = value, …)`, in the language in
/// force. Values are `&str`/`String` (text), integers (counts) or [`Money`] (written in the
/// store's number format). The id must be a literal so `tests/i18n_catalog.rs` can check it.
#[macro_export]
macro_rules! t {
    ($id:literal $(,)?) => {
        $crate::i18n::text($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// A message without parameters as a `&'static str`: `ts!("id")`. For fields that keep a
/// `&'static str` (a [`Field`](crate::tui::widgets::Field) label, a dialog's key labels); it is
/// taken in the language in force when called.
#[macro_export]
macro_rules! ts {
    ($id:literal $(,)?) => {
        $crate::i18n::text_static($id)
    };
}

#[cfg(test)]
mod tests;
