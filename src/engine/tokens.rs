//! Bearer tokens: API tokens for partner systems and other tills (`till token create`), and session
//! tokens for logged-in users (created at login, revoked at logout).
//!
//! A token is shown once and stored only as its SHA-256 hash. Tokens carry 256 random bits, so a
//! lookup by hash leaks nothing useful; the final comparison is constant-time anyway.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rand::RngCore;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "tokens",
    version: 1,
    sql: "CREATE TABLE auth_tokens (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),
            name TEXT NOT NULL,
            user_number INTEGER,
            role TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            revoked_at INTEGER
          );",
}];

/// Every token starts with this, so a leaked one is easy to recognise in logs and scanners.
const PREFIX: &str = "till_";

/// What a logged-in user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cashier,
    Manager,
    Trainer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Trainer => "trainer",
        }
    }
    /// Parses `cashier`, `manager` or `trainer` (case-insensitive).
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().as_str() {
            "cashier" => Some(Role::Cashier),
            "manager" => Some(Role::Manager),
            "trainer" => Some(Role::Trainer),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is calling: an API client (by the name its token was created with) or a logged-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Client { name: String },
    User { number: u32, role: Role },
}

impl Principal {
    /// A short label for logs and journals: `client:NAME` or `user:1001`.
    pub fn label(&self) -> String {
        match self {
            Principal::Client { name } => format!("client:{name}"),
            Principal::User { number, .. } => format!("user:{number}"),
        }
    }
    /// The user's role; `None` for API clients.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User { role, .. } => Some(*role),
            Principal::Client { .. } => None,
        }
    }
    /// The user's number; `None` for API clients.
    pub fn user_number(&self) -> Option<u32> {
        match self {
            Principal::User { number, .. } => Some(*number),
            Principal::Client { .. } => None,
        }
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

struct NewToken {
    hash: [u8; 32],
    kind: &'static str,
    name: String,
    user: Option<(u32, Role)>,
    expires_at: Option<i64>,
}

fn insert(conn: &rusqlite::Connection, t: &NewToken) -> Result<(), LedgerError> {
    conn.execute(
        "INSERT INTO auth_tokens (hash, kind, name, user_number, role, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            &t.hash[..],
            t.kind,
            t.name,
            t.user.map(|u| u.0),
            t.user.map(|u| u.1.as_str()),
            now_secs(),
            t.expires_at,
        ],
    )?;
    Ok(())
}

fn api_token(name: &str) -> Result<(String, NewToken), EngineError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(EngineError::Config("a token name must have 1 to 100 characters".into()));
    }
    let secret = new_secret();
    let t = NewToken { hash: hash(&secret), kind: "api", name: name.to_string(), user: None, expires_at: None };
    Ok((secret, t))
}

/// Creates an API token named `name` and returns it (the only time it is visible).
pub async fn create_api_token(engine: &Engine, name: &str) -> Result<String, EngineError> {
    let (secret, t) = api_token(name)?;
    engine.ledger().write(move |tx| insert(tx.conn(), &t)).await?;
    Ok(secret)
}

/// [`create_api_token`] for code outside an async runtime (the CLI).
pub fn create_api_token_blocking(engine: &Engine, name: &str) -> Result<String, EngineError> {
    let (secret, t) = api_token(name)?;
    engine.ledger().write_blocking(move |tx| insert(tx.conn(), &t))?;
    Ok(secret)
}

/// Creates a session token for a user who has just logged in; it expires after `ttl`.
pub async fn create_session(
    engine: &Engine,
    user_number: u32,
    role: Role,
    ttl: Duration,
) -> Result<String, EngineError> {
    let secret = new_secret();
    let ttl_secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let t = NewToken {
        hash: hash(&secret),
        kind: "session",
        name: format!("session:{user_number}"),
        user: Some((user_number, role)),
        expires_at: Some(now_secs().saturating_add(ttl_secs)),
    };
    engine.ledger().write(move |tx| insert(tx.conn(), &t)).await?;
    Ok(secret)
}

/// Revokes a token (logout). Returns whether a live token was revoked.
pub async fn revoke(engine: &Engine, token: &str) -> Result<bool, EngineError> {
    let h = hash(token);
    let n = engine
        .ledger()
        .write(move |tx| {
            let n = tx.conn().execute(
                "UPDATE auth_tokens SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
                rusqlite::params![&h[..], now_secs()],
            )?;
            Ok::<usize, LedgerError>(n)
        })
        .await?;
    Ok(n > 0)
}

/// Revokes every live session of a user (e.g. when the user is disabled). Returns how many.
pub async fn revoke_sessions_of(engine: &Engine, user_number: u32) -> Result<usize, EngineError> {
    let n = engine
        .ledger()
        .write(move |tx| {
            let n = tx.conn().execute(
                "UPDATE auth_tokens SET revoked_at = ?2
                 WHERE kind = 'session' AND user_number = ?1 AND revoked_at IS NULL",
                rusqlite::params![user_number, now_secs()],
            )?;
            Ok::<usize, LedgerError>(n)
        })
        .await?;
    Ok(n)
}

/// Who holds `token`, if it is a live token: known, not revoked, not expired.
pub fn authenticate(engine: &Engine, token: &str) -> Result<Option<Principal>, EngineError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let h = hash(token);
    let row = engine.ledger().read(|conn| {
        let row = conn
            .prepare_cached(
                "SELECT hash, kind, name, user_number, role, expires_at, revoked_at
                 FROM auth_tokens WHERE hash = ?1",
            )?
            .query_row([&h[..]], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<u32>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })
            .optional()?;
        Ok(row)
    })?;
    let Some((stored, kind, name, user_number, role, expires_at, revoked_at)) = row else {
        return Ok(None);
    };
    if !bool::from(stored.as_slice().ct_eq(&h[..])) || revoked_at.is_some() {
        return Ok(None);
    }
    if expires_at.is_some_and(|t| t <= now_secs()) {
        return Ok(None);
    }
    match kind.as_str() {
        "api" => Ok(Some(Principal::Client { name })),
        "session" => match (user_number, role.as_deref().and_then(Role::parse)) {
            (Some(number), Some(role)) => Ok(Some(Principal::User { number, role })),
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_prefixed() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + 43);
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Cashier, Role::Manager, Role::Trainer] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("MANAGER"), Some(Role::Manager));
        assert_eq!(Role::parse("boss"), None);
    }
}
