//! The tills that log in to this engine, each under its own terminal id (`till --terminal T02`):
//! registered at every login with who logged in and when, so a manager can see which tills exist
//! and two tills on one server are told apart in every journal row, receipt number and report.

use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::store::params;

pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "terminals",
    version: 1,
    sql: "CREATE TABLE terminals (
            id TEXT PRIMARY KEY,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            last_user INTEGER
          );",
}];

/// A terminal id as receipts and journals carry it: 1 to 16 letters, digits, `-` or `_`.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.chars().count() <= 16
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(()) } else { Err("A terminal id has 1 to 16 letters, digits, - or _ (e.g. T02).".into()) }
}

/// Records that `user` logged in at terminal `id` now.
pub async fn register(engine: &Engine, id: &str, user: u32) -> Result<(), EngineError> {
    let id = id.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX);
            tx.sql().execute(
                "INSERT INTO terminals (id, first_seen, last_seen, last_user) VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET last_seen = ?2, last_user = ?3",
                params![id.as_str(), now, user],
            )?;
            Ok::<(), LedgerError>(())
        })
        .await?;
    Ok(())
}

/// One registered till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal {
    pub id: String,
    pub first_seen: i64,
    pub last_seen: i64,
    pub last_user: Option<u32>,
}

/// Every till that ever logged in, by id.
pub fn list(engine: &Engine) -> Result<Vec<Terminal>, EngineError> {
    let rows = engine.ledger().read_sql(|sql| {
        sql.query_all("SELECT id, first_seen, last_seen, last_user FROM terminals ORDER BY id", params![], |r| {
            Ok(Terminal { id: r.get(0)?, first_seen: r.get(1)?, last_seen: r.get(2)?, last_user: r.get(3)? })
        })
        .map_err(LedgerError::from)
    })?;
    Ok(rows)
}
