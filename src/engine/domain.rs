//! The identifiers every area passes around, parsed once where they enter the engine (a request, a
//! config file, a stored row) into types that cannot hold a bad value: [`CardNumber`], [`StoreId`],
//! [`TerminalId`]. Each reads and writes as its plain text (serde, SQL), so no wire format changes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::store::{Column, FromColumn, StoreError, StoreErrorKind, Value};

/// Why a text is not the identifier it was meant to be: the wire code and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseIdError {
    code: &'static str,
    message: String,
}

impl ParseIdError {
    /// The wire code (`invalid_store_id`, `invalid_request`, `invalid_card_number`).
    pub fn code(&self) -> &'static str {
        self.code
    }
}

/// The shared parts of the three types: `FromStr`, `TryFrom<String>`, `Display`, `AsRef<str>`,
/// serde as a string and SQL as text (a stored value that no longer parses is a damaged row).
macro_rules! text_id {
    ($t:ident) => {
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $t {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<$t, ParseIdError> {
                $t::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = ParseIdError;
            fn try_from(s: String) -> Result<$t, ParseIdError> {
                $t::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl FromColumn for $t {
            fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
                let text = String::from_column(c)?;
                $t::parse(&text)
                    .map_err(|e| StoreError::new(StoreErrorKind::Decode, format!("stored {}: {e}", stringify!($t))))
            }
        }
        impl<'a> From<&'a $t> for Value<'a> {
            fn from(v: &'a $t) -> Value<'a> {
                Value::Text(&v.0)
            }
        }
    };
}

/// A store identifier: 1 to 32 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StoreId(String);

impl StoreId {
    pub fn parse(s: &str) -> Result<StoreId, ParseIdError> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(StoreId(s.to_string()))
        } else {
            Err(ParseIdError {
                code: "invalid_store_id",
                message: format!("store id {s:?} must be 1 to 32 letters, digits, '.', '_' or '-'"),
            })
        }
    }
}
text_id!(StoreId);

/// A till's terminal id (`T01`): 1 to 32 printable characters, surrounding blanks dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TerminalId(String);

impl TerminalId {
    /// The most characters a terminal id has (the retail API's limit, and the widest column).
    pub const MAX_CHARS: usize = 32;

    pub fn parse(s: &str) -> Result<TerminalId, ParseIdError> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > Self::MAX_CHARS || s.chars().any(char::is_control) {
            return Err(ParseIdError {
                code: "invalid_request",
                message: format!("terminal_id must be 1 to {} printable characters", Self::MAX_CHARS),
            });
        }
        Ok(TerminalId(s.to_string()))
    }
}
text_id!(TerminalId);

/// A gift card's number: 8 to 19 digits. The number's shape only; whether it belongs to this
/// till's program (prefix, length, check digit) is [`crate::engine::cards::Program::check_number`],
/// the one place that makes a `CardNumber` from what a terminal typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(s: &str) -> Result<CardNumber, ParseIdError> {
        if (8..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(CardNumber(s.to_string()))
        } else {
            Err(ParseIdError {
                code: "invalid_card_number",
                message: "A card number has 8 to 19 digits only.".to_string(),
            })
        }
    }

    /// `************1234`, for anything a person other than the card holder reads.
    pub fn masked(&self) -> String {
        crate::engine::cards::mask(&self.0)
    }
}
text_id!(CardNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_ids() {
        assert!(StoreId::parse("A1234").is_ok());
        assert!(StoreId::parse("store-7.b_2").is_ok());
        assert_eq!(StoreId::parse("").unwrap_err().code(), "invalid_store_id");
        assert!(StoreId::parse("-A").is_err());
        assert!(StoreId::parse("A 1").is_err());
        assert!(StoreId::parse(&"A".repeat(33)).is_err());
    }

    #[test]
    fn terminal_ids_are_trimmed_printable_and_short() {
        assert_eq!(TerminalId::parse(" T01 ").unwrap().as_str(), "T01");
        assert!(TerminalId::parse("Kasse 2").is_ok());
        assert!(TerminalId::parse("   ").is_err());
        assert!(TerminalId::parse("T\u{7}").is_err());
        assert!(TerminalId::parse(&"T".repeat(33)).is_err());
        assert!(TerminalId::parse(&"Ü".repeat(32)).is_ok());
    }

    #[test]
    fn card_numbers_are_digits() {
        assert!(CardNumber::parse("6006491234567890").is_ok());
        assert!(CardNumber::parse("1234567").is_err());
        assert!(CardNumber::parse("60064912345678901234").is_err());
        assert!(CardNumber::parse("6006 4912 3456").is_err());
        assert_eq!(CardNumber::parse("6006491234567890").unwrap().masked(), "************7890");
    }

    #[test]
    fn serde_reads_and_writes_the_plain_text() {
        let id: StoreId = serde_json::from_str("\"A1234\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"A1234\"");
        assert!(serde_json::from_str::<StoreId>("\"A 1\"").is_err());
        let t: TerminalId = serde_json::from_str("\"T01\"").unwrap();
        assert_eq!(t.to_string(), "T01");
        assert!(serde_json::from_str::<CardNumber>("\"12ab\"").is_err());
    }
}
