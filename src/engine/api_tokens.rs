//! Listing and revoking API tokens (`till token list`, `till token revoke`): what a store needs
//! when a partner system is retired or a token leaked. Tokens are stored hashed, so a listing shows
//! each token's id, name and dates, never the token.
//!
//! A revocation here is seen by a running server within [`super::tokens::CACHE_TTL`] (it checked the
//! token moments ago and trusts that for a couple of seconds).

use super::{Engine, EngineError};
use crate::ledger::LedgerError;
use crate::store::params;

/// One API token as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Every API token, oldest first; `all`: also the revoked ones.
pub fn list_blocking(engine: &Engine, all: bool) -> Result<Vec<ApiToken>, EngineError> {
    let rows = engine.ledger().read_sql(move |sql| {
        sql.query_all(
            "SELECT id, name, created_at, revoked_at FROM auth_tokens
             WHERE kind = 'api' AND (?1 OR revoked_at IS NULL) ORDER BY id",
            params![all],
            |r| Ok(ApiToken { id: r.get(0)?, name: r.get(1)?, created_at: r.get(2)?, revoked_at: r.get(3)? }),
        )
        .map_err(LedgerError::from)
    })?;
    Ok(rows)
}

/// What to revoke: one token by its id, or every live token of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Id(i64),
    Name(String),
}

/// Revokes live API tokens; returns how many. Session tokens are not touched (a user logs out, or
/// `till user disable` ends their sessions).
pub fn revoke_blocking(engine: &Engine, which: Which) -> Result<usize, EngineError> {
    let n = engine.ledger().write_blocking(move |tx| {
        let now = i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX);
        let n = match &which {
            Which::Id(id) => tx.sql().execute(
                "UPDATE auth_tokens SET revoked_at = ?2 WHERE id = ?1 AND kind = 'api' AND revoked_at IS NULL",
                params![*id, now],
            )?,
            Which::Name(name) => tx.sql().execute(
                "UPDATE auth_tokens SET revoked_at = ?2 WHERE name = ?1 AND kind = 'api' AND revoked_at IS NULL",
                params![name.as_str(), now],
            )?,
        };
        Ok::<usize, LedgerError>(n)
    })?;
    Ok(n)
}
