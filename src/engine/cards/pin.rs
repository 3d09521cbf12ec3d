//! Card PINs: stored as a salted hash, compared in constant time, and wrong PINs counted per
//! caller and per card (see [`PinAttempts`]).

use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Card;
use crate::ledger::LedgerError;
use crate::store::{Sql, params};

/// Wrong PINs in a row from one caller (API client or user) before that caller cools down on the card.
pub const PIN_TRIES: i64 = 3;
/// Wrong PINs in a row on one card, from every caller together, before the card cools down.
pub const CARD_PIN_TRIES: i64 = 10;
/// How long a cool-down lasts, in seconds.
pub const PIN_COOL_DOWN_SECS: i64 = 15 * 60;
/// The caller name under which the card-wide count is kept.
const EVERY_CALLER: &str = "*";

fn pin_digest(salt: &[u8], number: &str, pin: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(number.as_bytes());
    h.update([0u8]);
    h.update(pin.as_bytes());
    h.finalize().into()
}

/// Stores a PIN for the card (salted hash only).
pub fn set_pin(sql: Sql<'_>, number: &str, pin: &str) -> Result<(), LedgerError> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let digest = pin_digest(&salt, number, pin);
    sql.execute(
        "UPDATE gift_cards SET pin_salt = ?2, pin_hash = ?3, pin_failures = 0 WHERE number = ?1",
        params![number, &salt[..], &digest[..]],
    )?;
    Ok(())
}

/// Compares a PIN with the card's (constant-time).
pub fn pin_matches(card: &Card, pin: &str) -> bool {
    match (&card.pin_salt, &card.pin_hash) {
        (Some(salt), Some(hash)) => bool::from(pin_digest(salt, &card.number, pin).as_slice().ct_eq(hash)),
        _ => false,
    }
}

/// Wrong-PIN counting for card PINs.
///
/// Policy: wrong PINs are counted per (card, caller), the caller being the API client or user the
/// request came in as. After [`PIN_TRIES`] in a row one caller cools down on that card for
/// [`PIN_COOL_DOWN_SECS`]; every other caller (the till with the customer in front of it) still
/// works with the right PIN, so holding an API token is not enough to lock someone's card. A
/// card-wide count bounds guessing spread over many callers: [`CARD_PIN_TRIES`] wrong PINs in a
/// row on one card cool the whole card down for the same time (temporary, never a hard lock). A
/// right PIN clears the caller's and the card-wide count; staff activating the card clears all.
///
/// Atomicity: [`PinAttempts::gate`], the PIN comparison and [`PinAttempts::failed`] run inside
/// one `Ledger::write` (the operation's), which the single writer serialises: a burst of guesses
/// is checked one after another against the count the previous one left, so at most
/// [`PIN_TRIES`] are ever compared per caller and cool-down.
pub struct PinAttempts;

/// Whether a caller may try a PIN on a card now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinGate {
    Open,
    /// This caller (or, `card_wide`, everyone) must wait until `until` (Unix seconds).
    CoolingDown {
        until: i64,
        card_wide: bool,
    },
}

/// What counting a wrong PIN left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFailure {
    /// `left` more wrong PINs from this caller before it cools down.
    TriesLeft(i64),
    CoolingDown {
        until: i64,
        card_wide: bool,
    },
}

impl PinAttempts {
    /// The cool-down in force for `caller` on card `number` at `now`, if any.
    pub fn gate(sql: Sql<'_>, number: &str, caller: &str, now: i64) -> Result<PinGate, LedgerError> {
        let rows = sql.query_all(
            "SELECT caller, locked_until FROM gift_card_pin_attempts
             WHERE number = ?1 AND (caller = ?2 OR caller = ?3) AND locked_until > ?4",
            params![number, caller, EVERY_CALLER, now],
            |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)),
        )?;
        let card_wide = rows.iter().find(|(c, _)| c == EVERY_CALLER);
        Ok(match (card_wide, rows.first()) {
            (Some((_, until)), _) => PinGate::CoolingDown { until: *until, card_wide: true },
            (None, Some((_, until))) => PinGate::CoolingDown { until: *until, card_wide: false },
            (None, None) => PinGate::Open,
        })
    }

    /// Counts a wrong PIN from `caller` (and card-wide), starting a cool-down at the limit.
    pub fn failed(sql: Sql<'_>, number: &str, caller: &str, now: i64) -> Result<PinFailure, LedgerError> {
        let until = now.saturating_add(PIN_COOL_DOWN_SECS);
        let count = |who: &str, limit: i64| -> Result<(i64, Option<i64>), LedgerError> {
            // A row whose cool-down has run out starts again at 1 (the gate refused live ones).
            let row = sql.query_one(
                "INSERT INTO gift_card_pin_attempts (number, caller, failures, locked_until)
                 VALUES (?1, ?2, 1, CASE WHEN 1 >= ?3 THEN CAST(?4 AS BIGINT) ELSE NULL END)
                 ON CONFLICT (number, caller) DO UPDATE SET
                     failures = CASE WHEN gift_card_pin_attempts.locked_until IS NULL
                                     THEN gift_card_pin_attempts.failures + 1 ELSE 1 END,
                     locked_until = CASE
                         WHEN (CASE WHEN gift_card_pin_attempts.locked_until IS NULL
                                    THEN gift_card_pin_attempts.failures + 1 ELSE 1 END) >= ?3 THEN CAST(?4 AS BIGINT)
                         ELSE NULL END
                 RETURNING failures, locked_until",
                params![number, who, limit, until],
                |r| Ok((r.get::<i64>(0)?, r.get::<Option<i64>>(1)?)),
            )?;
            row.ok_or_else(|| LedgerError::Invalid("counting a wrong PIN returned no row".into()))
        };
        let (failures, mine) = count(caller, PIN_TRIES)?;
        let (_, everyone) = count(EVERY_CALLER, CARD_PIN_TRIES)?;
        Ok(match (everyone, mine) {
            (Some(until), _) => PinFailure::CoolingDown { until, card_wide: true },
            (None, Some(until)) => PinFailure::CoolingDown { until, card_wide: false },
            (None, None) => PinFailure::TriesLeft(PIN_TRIES - failures),
        })
    }

    /// A right PIN: forgets this caller's wrong PINs and the card-wide run.
    pub fn succeeded(sql: Sql<'_>, number: &str, caller: &str) -> Result<(), LedgerError> {
        sql.execute(
            "DELETE FROM gift_card_pin_attempts WHERE number = ?1 AND (caller = ?2 OR caller = ?3)",
            params![number, caller, EVERY_CALLER],
        )?;
        Ok(())
    }

    /// Staff activated the card: every count and cool-down on it ends.
    pub fn clear(sql: Sql<'_>, number: &str) -> Result<(), LedgerError> {
        sql.execute("DELETE FROM gift_card_pin_attempts WHERE number = ?1", params![number])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cards::CardState;

    #[test]
    fn pins_are_salted_and_checked() {
        let mut card = Card {
            number: "6036280000000011".into(),
            state: CardState::Active,
            egift: false,
            pin_salt: Some(vec![1; 16]),
            pin_hash: None,
            pin_failures: 0,
            phone: None,
            customer_name: None,
            expires_at: None,
        };
        card.pin_hash = Some(pin_digest(&[1; 16], &card.number, "1234").to_vec());
        assert!(pin_matches(&card, "1234"));
        assert!(!pin_matches(&card, "1235"));
    }
}
