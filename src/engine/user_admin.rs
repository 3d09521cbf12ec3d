//! Administering the till's users (`till user list|disable|enable|reset`): who exists, who is
//! locked after wrong PINs, taking a user out of service, and giving a user a new PIN. Creating,
//! logging in and unlocking are [`super::users`].

use super::users::{self, UserError};
use super::{Engine, EngineError};
use crate::ledger::LedgerError;
use crate::store::params;

/// A user as the listing shows them (never the PIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub number: u32,
    pub name: String,
    pub role: String,
    /// Wrong PINs in a row.
    pub failed_attempts: u32,
    /// Unix seconds until which the user is locked, when locked now.
    pub locked_until: Option<i64>,
    pub disabled: bool,
}

/// Every user, by number.
pub fn list_blocking(engine: &Engine) -> Result<Vec<UserRow>, EngineError> {
    let now = engine.now_secs();
    let rows = engine.ledger().read_sql(move |sql| {
        sql.query_all(
            "SELECT number, name, role, failed_attempts, locked_until, disabled FROM users ORDER BY number",
            params![],
            |r| {
                Ok(UserRow {
                    number: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    failed_attempts: r.get(3)?,
                    locked_until: r.get::<Option<i64>>(4)?.filter(|&t| t > now),
                    disabled: r.get(5)?,
                })
            },
        )
        .map_err(LedgerError::from)
    })?;
    Ok(rows)
}

/// Takes a user out of service (`disabled`) or back in. A disabled user's sessions end at once on
/// this engine (within the token cache's seconds on another process). `false`: no such user.
pub fn set_disabled_blocking(engine: &Engine, number: u32, disabled: bool) -> Result<bool, EngineError> {
    let n = engine.ledger().write_blocking(move |tx| {
        let n = tx.sql().execute("UPDATE users SET disabled = ?2 WHERE number = ?1", params![number, disabled])?;
        if disabled {
            let now = i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX);
            tx.sql().execute(
                "UPDATE auth_tokens SET revoked_at = ?2 WHERE kind = 'session' AND user_number = ?1 AND revoked_at IS NULL",
                params![number, now],
            )?;
        }
        Ok::<usize, LedgerError>(n)
    })?;
    Ok(n == 1)
}

/// Gives a user a new PIN and lifts any lock (`till user reset`). `false`: no such user.
pub fn reset_pin_blocking(engine: &Engine, number: u32, pin: &str) -> Result<bool, UserError> {
    users::check_pin(pin).map_err(UserError::Invalid)?;
    let hash = users::hash_pin(pin);
    let n = engine.ledger().write_blocking(move |tx| {
        tx.sql()
            .execute(
                "UPDATE users SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL, demo = 0 WHERE number = ?1",
                params![number, hash.as_str()],
            )
            .map_err(LedgerError::from)
    })?;
    Ok(n == 1)
}
