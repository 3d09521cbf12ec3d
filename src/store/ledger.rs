//! What the ledger stores, as plain records independent of the backend, and the schema
//! migrations every component contributes.
//!
//! The ledger (`crate::ledger`) owns the meaning of these fields (validation, precedence,
//! two-phase transfers, group commit); a backend (`sqlite::ledger`) only maps them to rows. Flags
//! are the raw bit patterns the ledger defines.

/// An account row with its balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: u128,
    pub ledger: u32,
    pub code: u16,
    pub flags: u16,
    pub debits_pending: u64,
    pub debits_posted: u64,
    pub credits_pending: u64,
    pub credits_posted: u64,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    pub timestamp: u64,
}

/// A transfer row (immutable once written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferRecord {
    pub id: u128,
    pub debit_account_id: u128,
    pub credit_account_id: u128,
    pub amount: u64,
    pub pending_id: u128,
    pub timeout: u32,
    pub ledger: u32,
    pub code: u16,
    pub flags: u16,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    pub timestamp: u64,
}

/// The recorded fate of a pending transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldState {
    Pending,
    Posted,
    Voided,
    Expired,
}

impl HoldState {
    /// The stored code (0 pending, 1 posted, 2 voided, 3 expired).
    pub fn code(self) -> i64 {
        match self {
            HoldState::Pending => 0,
            HoldState::Posted => 1,
            HoldState::Voided => 2,
            HoldState::Expired => 3,
        }
    }
    /// `None` for a code no version wrote (a damaged row: the caller reports it).
    pub fn from_code(code: i64) -> Option<HoldState> {
        match code {
            0 => Some(HoldState::Pending),
            1 => Some(HoldState::Posted),
            2 => Some(HoldState::Voided),
            3 => Some(HoldState::Expired),
            _ => None,
        }
    }
}

/// A pending transfer together with its fate row (`state` is `None` when the row is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRecord {
    pub transfer: TransferRecord,
    /// The raw state code, so a damaged one can be named in the error.
    pub state: Option<i64>,
    /// Nanoseconds; 0 = never expires.
    pub expires_at: u64,
}

/// One fate row, for verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldRecord {
    pub id: u128,
    pub state: i64,
    pub expires_at: u64,
    pub resolved_by: u128,
    pub resolved_at: u64,
}

/// An account's four balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balances {
    pub debits_pending: u64,
    pub debits_posted: u64,
    pub credits_pending: u64,
    pub credits_posted: u64,
}

impl AccountRecord {
    pub fn balances(&self) -> Balances {
        Balances {
            debits_pending: self.debits_pending,
            debits_posted: self.debits_posted,
            credits_pending: self.credits_pending,
            credits_posted: self.credits_posted,
        }
    }
}

/// A history row: the balances of `account_id` right after the event at `timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRecord {
    pub timestamp: u64,
    pub balances: Balances,
    pub transfer: TransferRecord,
}

/// The SQL dialects a migration can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A schema migration contributed by a component (the ledger itself, or an engine area whose
/// domain tables live in the same database so they commit atomically with transfers).
///
/// `sql` is one text for every backend. Where the dialects differ, the text marks the lines for one
/// backend only: lines after `--@sqlite` or `--@postgres` belong to that dialect, up to the next
/// marker or `--@both`. So one list of migrations carries both backends' schema, and a migration
/// written in the portable subset needs no markers at all.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Component name, e.g. "ledger", "cards", "retail".
    pub component: &'static str,
    /// 1, 2, 3… per component; applied in order, each once.
    pub version: i64,
    pub sql: &'static str,
}

impl Migration {
    /// The statements of this migration for `dialect` (marker lines and the other dialect's lines
    /// left out).
    pub fn text_for(&self, dialect: Dialect) -> String {
        let mut keep = true;
        let mut out = String::with_capacity(self.sql.len());
        for line in self.sql.lines() {
            match line.trim() {
                "--@sqlite" => keep = dialect == Dialect::Sqlite,
                "--@postgres" => keep = dialect == Dialect::Postgres,
                "--@both" => keep = true,
                _ if keep => {
                    out.push_str(line);
                    out.push('\n');
                }
                _ => {}
            }
        }
        out
    }
}

/// Why migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(transparent)]
    Store(#[from] super::StoreError),
    #[error("data directory holds a newer schema ({found}) than this build knows ({known})")]
    TooNew { found: i64, known: i64 },
    #[error("{0}")]
    Invalid(String),
}

/// Checks that each component's migrations are numbered 1, 2, 3… in order; returns the last
/// version of each.
pub fn check_order(all: &[Migration]) -> Result<std::collections::HashMap<&'static str, i64>, MigrationError> {
    let mut known = std::collections::HashMap::new();
    for m in all {
        let last = known.entry(m.component).or_insert(0);
        if m.version != *last + 1 {
            return Err(MigrationError::Invalid(format!(
                "migrations of `{}` must be numbered 1, 2, 3… in order (found {} after {})",
                m.component, m.version, last
            )));
        }
        *last = m.version;
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migration_carries_both_dialects_in_one_text() {
        let m = Migration {
            component: "t",
            version: 1,
            sql: "CREATE TABLE a (x INTEGER);\n--@sqlite\nCREATE TABLE b (n INTEGER PRIMARY KEY AUTOINCREMENT);\n\
                  --@postgres\nCREATE TABLE b (n BIGSERIAL PRIMARY KEY);\n--@both\nCREATE INDEX a_x ON a (x);",
        };
        assert_eq!(
            m.text_for(Dialect::Sqlite),
            "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (n INTEGER PRIMARY KEY AUTOINCREMENT);\nCREATE INDEX a_x ON a (x);\n"
        );
        assert_eq!(
            m.text_for(Dialect::Postgres),
            "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (n BIGSERIAL PRIMARY KEY);\nCREATE INDEX a_x ON a (x);\n"
        );
        let plain = Migration { component: "t", version: 2, sql: "DROP INDEX a_x;" };
        assert_eq!(plain.text_for(Dialect::Postgres), "DROP INDEX a_x;\n");
    }

    #[test]
    fn migrations_must_be_numbered_in_order() {
        let m = |version| Migration { component: "t", version, sql: "" };
        assert!(check_order(&[m(1), m(2)]).is_ok());
        assert!(matches!(check_order(&[m(1), m(3)]), Err(MigrationError::Invalid(_))));
    }
}
