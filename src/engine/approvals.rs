//! The audit of role-gated actions that move no money (the gift journal names the approver of
//! those that do): a cashier's entry to the settings with a manager's approval, a user unlocked.
//! One row per action: what, who asked, which manager approved (none when a manager did it
//! themselves), and what it was about.

use super::roles::Act;
use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::store::params;

pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "approvals",
    version: 1,
    sql: "CREATE TABLE approvals (
            at BIGINT NOT NULL,
            act TEXT NOT NULL,
            user_number INTEGER NOT NULL,
            approver INTEGER,
            subject TEXT NOT NULL DEFAULT ''
          );
          CREATE INDEX approvals_at ON approvals (at);",
}];

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Unix seconds.
    pub at: i64,
    pub act: String,
    /// Who did it (the logged-in user).
    pub user: u32,
    /// The manager whose number and PIN approved it at the till; `None`: the user's own role
    /// sufficed.
    pub approver: Option<u32>,
    /// What it was about (`user:1001` for an unlock), empty for the settings.
    pub subject: String,
}

/// Records that `user` did `act` on `subject`, approved by `approver`.
pub async fn record(
    engine: &Engine,
    act: Act,
    user: u32,
    approver: Option<u32>,
    subject: &str,
) -> Result<(), EngineError> {
    let subject = subject.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX);
            tx.sql().execute(
                "INSERT INTO approvals (at, act, user_number, approver, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![now, act.as_str(), user, approver, subject.as_str()],
            )?;
            Ok::<(), LedgerError>(())
        })
        .await?;
    Ok(())
}

/// The latest `limit` audited actions, newest first.
pub fn recent(engine: &Engine, limit: u32) -> Result<Vec<Approval>, EngineError> {
    let rows = engine.ledger().read_sql(move |sql| {
        sql.query_all(
            "SELECT at, act, user_number, approver, subject FROM approvals ORDER BY at DESC LIMIT ?1",
            params![limit],
            |r| {
                Ok(Approval { at: r.get(0)?, act: r.get(1)?, user: r.get(2)?, approver: r.get(3)?, subject: r.get(4)? })
            },
        )
        .map_err(LedgerError::from)
    })?;
    Ok(rows)
}
