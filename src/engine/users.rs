//! Users of the till: cashiers, managers and trainers, each with a number, a name, a role and a
//! PIN. PINs are stored only as PBKDF2-HMAC-SHA256 hashes with a per-user salt. Wrong PINs are
//! counted before they are checked; after [`MAX_ATTEMPTS`] in a row the user is locked for
//! [`LOCK_SECS`] (see [`login`] for why this holds under any concurrency).

use base64::Engine as _;
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::tokens::Role;
use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::store::{Sql, params};

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "users",
        version: 1,
        sql: "CREATE TABLE users (
            number INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'trainer')),
            pin_hash TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER,
            demo INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
          );",
    },
    // `till user disable`: a disabled user cannot log in (nor approve) until enabled again.
    Migration {
        component: "users",
        version: 2,
        sql: "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;",
    },
];

/// Wrong PINs in a row before a user is locked.
pub const MAX_ATTEMPTS: u32 = 5;
/// How long a lock lasts, in seconds.
pub const LOCK_SECS: i64 = 15 * 60;
/// PBKDF2 rounds: slow enough to make guessing a stolen hash costly, fast enough for a login.
const ROUNDS: u32 = 20_000;

/// A user as the rest of the till sees it (never the PIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub number: u32,
    pub name: String,
    pub role: Role,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("{0}")]
    Invalid(String),
    #[error("user {0} already exists")]
    Exists(u32),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<LedgerError> for UserError {
    fn from(e: LedgerError) -> Self {
        UserError::Engine(e.into())
    }
}

/// Why a login was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown user, wrong PIN or a locked user: deliberately one answer, so a reply never tells
    /// a known user number from an unknown one (nor a locked user from a wrong PIN).
    #[error("wrong user number or PIN, or locked")]
    Refused,
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<LedgerError> for LoginError {
    fn from(e: LedgerError) -> Self {
        LoginError::Engine(e.into())
    }
}

/// A PIN is 4 to 8 digits.
pub fn check_pin(pin: &str) -> Result<(), String> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("a PIN has 4 to 8 digits".into())
    }
}

/// PBKDF2-HMAC-SHA256 with a 32-byte output (the `pbkdf2` crate).
fn pbkdf2(pin: &[u8], salt: &[u8], rounds: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin, salt, rounds, &mut out);
    out
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// `pbkdf2-sha256$ROUNDS$SALT$HASH` (base64 without padding).
pub fn hash_pin(pin: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let h = pbkdf2(pin.as_bytes(), &salt, ROUNDS);
    format!("pbkdf2-sha256${ROUNDS}${}${}", B64.encode(salt), B64.encode(h))
}

/// Checks a PIN against a stored hash, in constant time.
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(rounds), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(rounds), Ok(salt), Ok(hash)) = (rounds.parse::<u32>(), B64.decode(salt), B64.decode(hash)) else {
        return false;
    };
    if rounds == 0 || rounds > 10_000_000 {
        return false;
    }
    pbkdf2(pin.as_bytes(), &salt, rounds).ct_eq(&hash[..]).into()
}

struct NewUser {
    number: u32,
    name: String,
    role: Role,
    pin_hash: String,
    demo: bool,
}

fn prepare(number: u32, name: &str, role: &str, pin: &str, demo: bool) -> Result<NewUser, UserError> {
    let name = name.trim();
    if number == 0 {
        return Err(UserError::Invalid("the user number must be 1 or more".into()));
    }
    if name.is_empty() || name.chars().count() > 60 {
        return Err(UserError::Invalid("a name has 1 to 60 characters".into()));
    }
    let role = Role::parse(role)
        .ok_or_else(|| UserError::Invalid(format!("unknown role {role:?}: use cashier, manager or trainer")))?;
    check_pin(pin).map_err(UserError::Invalid)?;
    let pin_hash = hash_pin(pin);
    Ok(NewUser { number, name: name.to_string(), role, pin_hash, demo })
}

fn insert(sql: Sql<'_>, u: &NewUser, now_secs: i64) -> Result<bool, LedgerError> {
    let n = sql.execute(
        "INSERT INTO users (number, name, role, pin_hash, demo, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(number) DO NOTHING",
        params![u.number, &u.name, u.role.as_str(), &u.pin_hash, u.demo, now_secs],
    )?;
    Ok(n == 1)
}

/// Creates a user (`till user add`). Blocking: for the CLI and for seeding.
pub fn add_user_blocking(engine: &Engine, number: u32, name: &str, role: &str, pin: &str) -> Result<User, UserError> {
    add_blocking(engine, number, name, role, pin, false)
}

fn add_blocking(
    engine: &Engine,
    number: u32,
    name: &str,
    role: &str,
    pin: &str,
    demo: bool,
) -> Result<User, UserError> {
    let u = prepare(number, name, role, pin, demo)?;
    let user = User { number: u.number, name: u.name.clone(), role: u.role };
    let created = engine
        .ledger()
        .write_blocking(move |tx| insert(tx.sql(), &u, i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX)))?;
    if created { Ok(user) } else { Err(UserError::Exists(number)) }
}

/// The demo users: cashier 1001/1234, manager 9001/9999, trainer 7001/7777.
pub fn seed_demo(engine: &Engine) -> Result<(), EngineError> {
    for (number, name, role, pin) in [
        (1001, "Demo Cashier", "cashier", "1234"),
        (9001, "Demo Manager", "manager", "9999"),
        (7001, "Demo Trainer", "trainer", "7777"),
    ] {
        match add_blocking(engine, number, name, role, pin, true) {
            Ok(_) | Err(UserError::Exists(_)) => {}
            Err(UserError::Engine(e)) => return Err(e),
            Err(UserError::Invalid(m)) => return Err(EngineError::Config(m)),
        }
    }
    Ok(())
}

/// Whether demo users (with their published PINs) are still present.
pub fn has_demo_users(engine: &Engine) -> Result<bool, EngineError> {
    let any = engine.ledger().read_sql(|sql| {
        sql.query_one("SELECT 1 FROM users WHERE demo = 1 LIMIT 1", params![], |r| r.get::<i64>(0))
            .map_err(LedgerError::from)
    })?;
    Ok(any.is_some())
}

/// Looks a user up by number.
pub fn get(engine: &Engine, number: u32) -> Result<Option<User>, EngineError> {
    let row = engine.ledger().read_sql(|sql| {
        sql.query_one("SELECT name, role FROM users WHERE number = ?1", params![number], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?))
        })
        .map_err(LedgerError::from)
    })?;
    Ok(row.and_then(|(name, role)| Role::parse(&role).map(|role| User { number, name, role })))
}

/// Checks a user number and PIN.
///
/// The attempt is counted *before* the PIN is looked at, in one statement on the ledger's single
/// writer ([`claim_attempt`]): a burst of guesses sent at once is serialised there, and once
/// [`MAX_ATTEMPTS`] have been claimed the user is locked for [`LOCK_SECS`] and no further PIN is
/// evaluated, whatever the concurrency. A right PIN gives the attempt back (the count starts again).
///
/// The refusal is the same for an unknown number, a wrong PIN and a locked user, and costs the same
/// time (one write, one PBKDF2), so nothing tells a known user number from an unknown one.
pub async fn login(engine: &Engine, number: u32, pin: &str) -> Result<User, LoginError> {
    let claimed = engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX);
            claim_attempt(tx.sql(), number, now)
        })
        .await?;
    let pin_owned = pin.to_string();
    let (user, hash) = match claimed {
        Some((name, role, hash)) => (Some((name, role)), hash),
        // Spend the same time as a real check so user numbers and locks cannot be probed by timing.
        None => (None, DUMMY_HASH.to_string()),
    };
    let ok = tokio::task::spawn_blocking(move || verify_pin(&pin_owned, &hash))
        .await
        .map_err(|e| EngineError::Config(format!("PIN check failed: {e}")))?;
    let Some((name, role)) = user.filter(|_| ok) else {
        return Err(LoginError::Refused);
    };
    let role = Role::parse(&role).ok_or_else(|| EngineError::Config(format!("user {number} has role {role:?}")))?;
    engine
        .ledger()
        .write(move |tx| {
            tx.sql().execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE number = ?1",
                params![number],
            )?;
            Ok::<(), LedgerError>(())
        })
        .await?;
    Ok(User { number, name, role })
}

/// A hash no PIN matches, with the real number of rounds: what an unknown or locked user costs.
const DUMMY_HASH: &str = "pbkdf2-sha256$20000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Claims one PIN attempt for `number` at `now` (Unix seconds): counts it and, when it is the
/// [`MAX_ATTEMPTS`]th in a row, locks the user, in the same statement. Returns the user's name,
/// role and PIN hash when an attempt may be evaluated; `None` for an unknown or a locked user.
/// A lock that has run out starts a fresh count.
fn claim_attempt(sql: Sql<'_>, number: u32, now: i64) -> Result<Option<(String, String, String)>, LedgerError> {
    // SET expressions read the row as it was: `locked_until` not NULL here means an expired lock.
    let row = sql.query_one(
        "UPDATE users SET
             failed_attempts = CASE WHEN locked_until IS NULL THEN failed_attempts + 1 ELSE 1 END,
             locked_until = CASE
                 WHEN (CASE WHEN locked_until IS NULL THEN failed_attempts + 1 ELSE 1 END) >= ?3 THEN CAST(?4 AS BIGINT)
                 ELSE NULL END
         WHERE number = ?1 AND disabled = 0 AND (locked_until IS NULL OR locked_until <= ?2)
         RETURNING name, role, pin_hash",
        params![number, now, MAX_ATTEMPTS, now.saturating_add(LOCK_SECS)],
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?)),
    )?;
    Ok(row)
}

/// Lifts a user's lock and forgets the wrong PINs (`till user unlock`). `false`: no such user.
pub fn unlock_blocking(engine: &Engine, number: u32) -> Result<bool, EngineError> {
    let n = engine.ledger().write_blocking(move |tx| {
        tx.sql()
            .execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE number = ?1", params![number])
            .map_err(LedgerError::from)
    })?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_hash_with_salt_and_verify() {
        let a = hash_pin("1234");
        let b = hash_pin("1234");
        assert_ne!(a, b, "same PIN, different salt, different hash");
        assert!(!a.contains("1234"));
        assert!(verify_pin("1234", &a));
        assert!(!verify_pin("1235", &a));
        assert!(!verify_pin("1234", "plain$1234"));
    }

    /// A PIN hash as stored by the hand-written PBKDF2 this module used before the `pbkdf2` crate
    /// (PIN 1234, salt 00..0f, 20,000 rounds): hashes already in users tables must keep verifying.
    #[test]
    fn hashes_stored_before_the_crate_still_verify() {
        let stored = "pbkdf2-sha256$20000$AAECAwQFBgcICQoLDA0ODw$362gcf8kfmvsN3NtvtG6k6WK+JqggRdqGgJsrAOCI74";
        assert!(verify_pin("1234", stored));
        assert!(!verify_pin("1235", stored));
    }

    #[test]
    fn pbkdf2_matches_the_rfc_7914_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, first 32 bytes.
        let h = pbkdf2(b"passwd", b"salt", 1);
        assert_eq!(hex::encode(h), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }

    #[test]
    fn pin_shape_is_checked() {
        assert!(check_pin("1234").is_ok());
        assert!(check_pin("12345678").is_ok());
        assert!(check_pin("123").is_err());
        assert!(check_pin("12a4").is_err());
        assert!(check_pin("123456789").is_err());
    }
}
