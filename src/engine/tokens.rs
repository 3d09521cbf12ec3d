//! Bearer tokens: API tokens for partner systems and other tills (`till token create`), and session
//! tokens for logged-in users (created at login, revoked at logout).
//!
//! A token is shown once and stored only as its SHA-256 hash. Tokens carry 256 random bits, so a
//! lookup by hash leaks nothing useful; the final comparison is constant-time anyway.
//!
//! Every request is authenticated, so a live token is remembered in memory for a couple of seconds
//! (keyed by data directory and hash). Revoking through this module forgets it at once; a token
//! revoked by another process stops working within [`CACHE_TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::store::{Sql, params};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// How long a checked token is trusted without looking at the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(2);
const CACHE_MAX: usize = 10_000;

struct Cached {
    principal: Principal,
    expires_at: Option<i64>,
    checked: Instant,
}

/// Tokens checked in the last [`CACHE_TTL`], per engine (a field of the engine's memory).
#[derive(Default)]
pub(crate) struct TokenCache {
    map: Mutex<HashMap<[u8; 32], Cached>>,
    /// Bumped by every forget; a lookup that started before a forget does not cache its result.
    generation: AtomicU64,
}

fn cache(engine: &Engine) -> &TokenCache {
    &engine.memory().tokens
}

fn cache_get(engine: &Engine, h: &[u8; 32]) -> Option<Principal> {
    let c = cache(engine).map.lock().ok()?;
    let e = c.get(h)?;
    let fresh = e.checked.elapsed() < CACHE_TTL && e.expires_at.is_none_or(|t| t > engine.now_secs());
    fresh.then(|| e.principal.clone())
}

fn cache_put(engine: &Engine, h: [u8; 32], principal: &Principal, expires_at: Option<i64>, generation: u64) {
    let cache = cache(engine);
    if let Ok(mut c) = cache.map.lock() {
        if cache.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if c.len() >= CACHE_MAX {
            c.clear();
        }
        c.insert(h, Cached { principal: principal.clone(), expires_at, checked: Instant::now() });
    }
}

fn cache_forget(engine: &Engine, pred: impl Fn(&[u8; 32], &Principal) -> bool) {
    let cache = cache(engine);
    if let Ok(mut c) = cache.map.lock() {
        cache.generation.fetch_add(1, Ordering::SeqCst);
        c.retain(|h, e| !pred(h, &e.principal));
    }
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

/// Seconds since the epoch of a write's ledger timestamp (the engine's clock).
fn tx_secs(tx: &crate::ledger::WriteTx<'_>) -> i64 {
    i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX)
}

fn insert(sql: Sql<'_>, t: &NewToken, now_secs: i64) -> Result<(), LedgerError> {
    sql.execute(
        "INSERT INTO auth_tokens (hash, kind, name, user_number, role, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            &t.hash[..],
            t.kind,
            &t.name,
            t.user.map(|u| u.0),
            t.user.map(|u| u.1.as_str()),
            now_secs,
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
    engine.ledger().write(move |tx| insert(tx.sql(), &t, tx_secs(tx))).await?;
    Ok(secret)
}

/// [`create_api_token`] for code outside an async runtime (the CLI).
pub fn create_api_token_blocking(engine: &Engine, name: &str) -> Result<String, EngineError> {
    let (secret, t) = api_token(name)?;
    engine.ledger().write_blocking(move |tx| insert(tx.sql(), &t, tx_secs(tx)))?;
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
        expires_at: Some(engine.now_secs().saturating_add(ttl_secs)),
    };
    engine.ledger().write(move |tx| insert(tx.sql(), &t, tx_secs(tx))).await?;
    Ok(secret)
}

/// Revokes a token (logout). Returns whether a live token was revoked.
pub async fn revoke(engine: &Engine, token: &str) -> Result<bool, EngineError> {
    let h = hash(token);
    cache_forget(engine, |k, _| *k == h);
    let n = engine
        .ledger()
        .write(move |tx| {
            let n = tx.sql().execute(
                "UPDATE auth_tokens SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
                params![&h[..], tx_secs(tx)],
            )?;
            Ok::<usize, LedgerError>(n)
        })
        .await?;
    // Again after the commit: a lookup racing the write may have cached it meanwhile.
    cache_forget(engine, |k, _| *k == h);
    Ok(n > 0)
}

/// Revokes every live session of a user (e.g. when the user is disabled). Returns how many.
pub async fn revoke_sessions_of(engine: &Engine, user_number: u32) -> Result<usize, EngineError> {
    cache_forget(engine, |_, p| p.user_number() == Some(user_number));
    let n = engine
        .ledger()
        .write(move |tx| {
            let n = tx.sql().execute(
                "UPDATE auth_tokens SET revoked_at = ?2
                 WHERE kind = 'session' AND user_number = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > ?2)",
                params![user_number, tx_secs(tx)],
            )?;
            Ok::<usize, LedgerError>(n)
        })
        .await?;
    cache_forget(engine, |_, p| p.user_number() == Some(user_number));
    Ok(n)
}

/// [`authenticate`] for async callers (every request): a token checked in the last moments is
/// answered from memory; otherwise the look-up runs on the blocking pool.
pub async fn authenticate_async(engine: &Engine, token: &str) -> Result<Option<Principal>, EngineError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    if let Some(p) = cache_get(engine, &hash(token)) {
        return Ok(Some(p));
    }
    let token = token.to_string();
    engine.read_async(move |e| authenticate(e, &token)).await
}

/// Who holds `token`, if it is a live token: known, not revoked, not expired.
pub fn authenticate(engine: &Engine, token: &str) -> Result<Option<Principal>, EngineError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let h = hash(token);
    if let Some(p) = cache_get(engine, &h) {
        return Ok(Some(p));
    }
    let generation = cache(engine).generation.load(Ordering::SeqCst);
    let row = engine.ledger().read_sql(|sql| {
        sql.query_one(
            "SELECT hash, kind, name, user_number, role, expires_at, revoked_at
             FROM auth_tokens WHERE hash = ?1",
            params![&h[..]],
            |r| {
                Ok((
                    r.get::<Vec<u8>>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                    r.get::<Option<u32>>(3)?,
                    r.get::<Option<String>>(4)?,
                    r.get::<Option<i64>>(5)?,
                    r.get::<Option<i64>>(6)?,
                ))
            },
        )
        .map_err(LedgerError::from)
    })?;
    let Some((stored, kind, name, user_number, role, expires_at, revoked_at)) = row else {
        return Ok(None);
    };
    if !bool::from(stored.as_slice().ct_eq(&h[..])) || revoked_at.is_some() {
        return Ok(None);
    }
    if expires_at.is_some_and(|t| t <= engine.now_secs()) {
        return Ok(None);
    }
    let principal = match kind.as_str() {
        "api" => Principal::Client { name },
        "session" => match (user_number, role.as_deref().and_then(Role::parse)) {
            (Some(number), Some(role)) => Principal::User { number, role },
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    cache_put(engine, h, &principal, expires_at, generation);
    Ok(Some(principal))
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

    #[tokio::test]
    async fn tokens_authenticate_until_revoked_or_expired() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(dir.path(), crate::engine::OpenOptions { demo: false }).unwrap();
        let api = create_api_token(&engine, "pos-1").await.unwrap();
        assert_eq!(authenticate(&engine, &api).unwrap(), Some(Principal::Client { name: "pos-1".into() }));
        assert_eq!(authenticate(&engine, "till_not-a-token").unwrap(), None);
        let mut forged = api.clone();
        forged.pop();
        assert_eq!(authenticate(&engine, &forged).unwrap(), None);

        let s = create_session(&engine, 1001, Role::Cashier, Duration::from_secs(600)).await.unwrap();
        assert_eq!(authenticate(&engine, &s).unwrap(), Some(Principal::User { number: 1001, role: Role::Cashier }));
        // Cached now; a revoke must still take effect at once.
        assert!(revoke(&engine, &s).await.unwrap());
        assert_eq!(authenticate(&engine, &s).unwrap(), None);
        assert!(!revoke(&engine, &s).await.unwrap());

        let gone = create_session(&engine, 9001, Role::Manager, Duration::ZERO).await.unwrap();
        assert_eq!(authenticate(&engine, &gone).unwrap(), None, "an expired session is refused");
        let s2 = create_session(&engine, 9001, Role::Manager, Duration::from_secs(600)).await.unwrap();
        assert!(authenticate(&engine, &s2).unwrap().is_some());
        assert_eq!(revoke_sessions_of(&engine, 9001).await.unwrap(), 1);
        assert_eq!(authenticate(&engine, &s2).unwrap(), None);
        assert!(authenticate(&engine, &api).unwrap().is_some(), "API tokens are untouched");
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
