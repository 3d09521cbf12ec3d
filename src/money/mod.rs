//! Money: ISO 4217 currencies and amounts in integer minor units.
//!
//! `rust_decimal` appears only at the edges (parsing and display); arithmetic is checked integer
//! arithmetic on minor units, and mixing currencies is an error.
//!
//! The signatures here are the contract other modules code against. The ISO table is in
//! `currency.rs`, reading amounts in `parse.rs`, writing them in `format.rs`.

mod currency;
mod denominations;
mod format;
mod parse;

pub use denominations::denominations;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an amount or currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code {0:?}")]
    UnknownCurrency(String),
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(&'static str, &'static str),
    #[error("amount overflows")]
    Overflow,
    #[error("{0:?} is not a decimal amount")]
    NotANumber(String),
    #[error("{got} decimals given but {currency} has only {allowed}")]
    TooPrecise { got: u32, allowed: u8, currency: &'static str },
    #[error("amount must not be negative")]
    Negative,
    #[error("unknown locale {0:?}")]
    UnknownLocale(String),
    #[error("{0:?} uses exponent notation; write the amount as a plain decimal such as 1500.00")]
    ExponentNotation(String),
    #[error("{0:?} is not a finite amount")]
    NotFinite(String),
    #[error("{0:?} contains a grouping separator; write the amount without one, such as 1234.56")]
    GroupingSeparator(String),
    #[error("{0:?} has misplaced digit-group separators")]
    Misgrouped(String),
}

/// An ISO 4217 currency: alphabetic code, numeric code and minor-unit exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    numeric: u16,
    exponent: u8,
}

impl Currency {
    /// Looks a currency up by its alphabetic code (case-insensitive).
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        currency::by_code(code.trim()).ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }
    /// Looks a currency up by its ISO numeric code (also the ledger id of that currency).
    pub fn from_numeric(numeric: u16) -> Option<Currency> {
        currency::by_numeric(numeric)
    }
    /// Every currency till knows, in table order.
    pub fn all() -> impl Iterator<Item = Currency> {
        currency::all()
    }
    /// The mark printed beside amounts: `€`, `$`, `£`, `¥`, else the alphabetic code.
    pub fn symbol(&self) -> &'static str {
        currency::display(*self).symbol
    }
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn numeric(&self) -> u16 {
        self.numeric
    }
    /// Number of minor-unit digits (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
    /// The ledger a currency's accounts live in: its ISO numeric code.
    pub fn ledger(&self) -> u32 {
        u32::from(self.numeric)
    }
}

/// An amount of money: integer minor units and a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }
    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }
    pub fn minor(&self) -> i64 {
        self.minor
    }
    pub fn currency(&self) -> Currency {
        self.currency
    }
    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }
    /// Parses a plain decimal string ("100.0", "25.00", "-3"): no exponent, no grouping, at most the
    /// currency's decimals (trailing zeros aside).
    pub fn parse(s: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse::plain(s, currency).map(|minor| Money { minor, currency })
    }
    /// Converts a decimal, refusing more decimals than the currency has (trailing zeros aside).
    pub fn from_decimal(d: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let n = d.normalize();
        let scale = n.scale();
        if scale > u32::from(currency.exponent) {
            return Err(MoneyError::TooPrecise { got: scale, allowed: currency.exponent, currency: currency.code });
        }
        let factor = 10i128.pow(u32::from(currency.exponent) - scale);
        let minor = n.mantissa().checked_mul(factor).ok_or(MoneyError::Overflow)?;
        let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
        Ok(Money { minor, currency })
    }
    /// Converts `{amount, precision, currency}` (amount in units of 10^-precision).
    pub fn from_minor_object(o: &MinorObject) -> Result<Money, MoneyError> {
        let currency = Currency::from_code(&o.currency)?;
        let exp = u32::from(currency.exponent);
        let precision = u32::from(o.precision);
        // Beyond 10^28 no i64 amount can be exact in minor units anyway.
        if precision > 28 {
            return Err(MoneyError::TooPrecise { got: precision, allowed: currency.exponent, currency: currency.code });
        }
        let amount = i128::from(o.amount);
        let minor = if precision <= exp {
            amount.checked_mul(10i128.pow(exp - precision)).ok_or(MoneyError::Overflow)?
        } else {
            let divisor = 10i128.pow(precision - exp);
            if amount % divisor != 0 {
                let mut got = precision;
                let mut rest = amount;
                while rest % 10 == 0 && got > 0 {
                    rest /= 10;
                    got -= 1;
                }
                return Err(MoneyError::TooPrecise { got, allowed: currency.exponent, currency: currency.code });
            }
            amount / divisor
        };
        let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
        Ok(Money { minor, currency })
    }
    pub fn to_minor_object(&self) -> MinorObject {
        MinorObject { amount: self.minor, precision: self.currency.exponent, currency: self.currency.code.to_string() }
    }
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, u32::from(self.currency.exponent))
    }
    /// The plain decimal string with exactly the currency's decimals: "25.00", "1000", "1.250".
    pub fn to_plain_string(&self) -> String {
        format::plain(self.minor, self.currency)
    }
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }
    /// The amount with its sign flipped (refunds, reversals).
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }
    /// The amount times a whole quantity (line items).
    pub fn checked_mul(self, quantity: i64) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_mul(quantity).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }
    /// The absolute amount, for "change due" lines and the like.
    pub fn checked_abs(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_abs().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }
    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency.code, other.currency.code))
        }
    }
    /// Formats for a locale: `$1,234.56`, `£1,234.56`, `1.234,56 €`, `1 234,56 €`, `€ 1.234,56`.
    /// Negative amounts: `-$1,234.56`, `-1.234,56 €`, `€ -1.234,56`. fr-FR groups with a plain
    /// space (see `format.rs`), so the result is always safe for a Windows-1252 receipt printer.
    pub fn format(&self, locale: Locale) -> String {
        format::format(self.minor, self.currency, locale)
    }
    /// The number alone in a locale's separators, without sign or currency: `1.234,56`.
    pub fn format_number(&self, locale: Locale) -> String {
        format::number(self.minor, self.currency, locale)
    }
    /// Parses what [`Money::format`] produces (and the same without the currency symbol), for
    /// amount entry in the store's locale.
    pub fn parse_localized(s: &str, currency: Currency, locale: Locale) -> Result<Money, MoneyError> {
        parse::localized(s, currency, locale).map(|minor| Money { minor, currency })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// `25.00 EUR`: unambiguous and locale-free, for logs and error messages.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_plain_string(), self.currency.code)
    }
}

/// A currency travels as its alphabetic code.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

/// In OpenAPI documents money is the minor-unit object it serializes to.
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <MinorObject as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Money {}

/// Money travels as the minor-unit object `{amount, precision, currency}`.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_minor_object().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = MinorObject::deserialize(d)?;
        Money::from_minor_object(&o).map_err(serde::de::Error::custom)
    }
}

/// The wire object `{amount, precision, currency}`: `amount` in units of 10^-`precision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MinorObject {
    pub amount: i64,
    pub precision: u8,
    pub currency: String,
}

/// The locales receipts and screens format money for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[serde(rename = "en-US")]
    EnUs,
    #[serde(rename = "en-GB")]
    EnGb,
    #[serde(rename = "de-DE")]
    DeDe,
    #[serde(rename = "fr-FR")]
    FrFr,
    #[serde(rename = "nl-NL")]
    NlNl,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::EnUs, Locale::EnGb, Locale::DeDe, Locale::FrFr, Locale::NlNl];
    /// Parses a BCP 47 tag such as "de-DE" (case-insensitive, `_` accepted for `-`).
    pub fn parse(tag: &str) -> Result<Locale, MoneyError> {
        let wanted = tag.trim().replace('_', "-");
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| MoneyError::UnknownLocale(tag.to_string()))
    }
    pub fn tag(&self) -> &'static str {
        match self {
            Locale::EnUs => "en-US",
            Locale::EnGb => "en-GB",
            Locale::DeDe => "de-DE",
            Locale::FrFr => "fr-FR",
            Locale::NlNl => "nl-NL",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests;
