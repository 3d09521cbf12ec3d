//! The ISO 4217 table: the currencies till knows, with numeric codes, exponents and display symbols.

use super::Currency;

/// How a currency is shown next to an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Display {
    /// The symbol printed beside amounts: `€`, `$`, `£`, `¥`, else the alphabetic code.
    pub symbol: &'static str,
    /// A symbol (as opposed to a code) sits tight against the amount in en-US / en-GB (`$1.00`,
    /// but `CHF 1.00`).
    pub is_sign: bool,
}

struct Row {
    code: &'static str,
    numeric: u16,
    exponent: u8,
    symbol: Option<&'static str>,
}

/// Only unambiguous signs get a symbol; `kr`, `zł`, `Kč` and `Ft` would be ambiguous or
/// unprintable on some receipt code pages, so those currencies show their ISO code.
const TABLE: &[Row] = &[
    Row { code: "EUR", numeric: 978, exponent: 2, symbol: Some("€") },
    Row { code: "USD", numeric: 840, exponent: 2, symbol: Some("$") },
    Row { code: "GBP", numeric: 826, exponent: 2, symbol: Some("£") },
    Row { code: "CHF", numeric: 756, exponent: 2, symbol: None },
    Row { code: "SEK", numeric: 752, exponent: 2, symbol: None },
    Row { code: "NOK", numeric: 578, exponent: 2, symbol: None },
    Row { code: "DKK", numeric: 208, exponent: 2, symbol: None },
    Row { code: "PLN", numeric: 985, exponent: 2, symbol: None },
    Row { code: "CZK", numeric: 203, exponent: 2, symbol: None },
    Row { code: "HUF", numeric: 348, exponent: 2, symbol: None },
    Row { code: "JPY", numeric: 392, exponent: 0, symbol: Some("¥") },
    Row { code: "KWD", numeric: 414, exponent: 3, symbol: None },
    Row { code: "BHD", numeric: 48, exponent: 3, symbol: None },
    Row { code: "CAD", numeric: 124, exponent: 2, symbol: None },
    Row { code: "AUD", numeric: 36, exponent: 2, symbol: None },
];

fn currency(row: &Row) -> Currency {
    Currency { code: row.code, numeric: row.numeric, exponent: row.exponent }
}

pub(super) fn by_code(code: &str) -> Option<Currency> {
    TABLE.iter().find(|r| r.code.eq_ignore_ascii_case(code)).map(currency)
}

pub(super) fn by_numeric(numeric: u16) -> Option<Currency> {
    TABLE.iter().find(|r| r.numeric == numeric).map(currency)
}

pub(super) fn all() -> impl Iterator<Item = Currency> {
    TABLE.iter().map(currency)
}

pub(super) fn display(c: Currency) -> Display {
    let symbol = TABLE.iter().find(|r| r.code == c.code).and_then(|r| r.symbol);
    match symbol {
        Some(symbol) => Display { symbol, is_sign: true },
        None => Display { symbol: c.code, is_sign: false },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_numerics_are_unique() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.numeric, b.numeric);
            }
        }
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(by_code("jpy").map(|c| c.exponent), Some(0));
        assert_eq!(by_code("KWD").map(|c| c.exponent), Some(3));
        assert_eq!(by_code("BHD").map(|c| c.numeric), Some(48));
        assert_eq!(by_numeric(978).map(|c| c.code), Some("EUR"));
        assert_eq!(by_numeric(1), None);
    }
}
