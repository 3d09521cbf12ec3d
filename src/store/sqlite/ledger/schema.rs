//! The ledger's SQLite schema: its own migrations, kept apart from the statements that use it.

use crate::store::ledger::Migration;

/// The ledger's own migrations, applied before the engine's.
pub const LEDGER_MIGRATIONS: &[Migration] = &[
    Migration {
        component: "ledger",
        version: 1,
        sql: "
        CREATE TABLE ledger_accounts (
            id BLOB PRIMARY KEY NOT NULL,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE ledger_transfers (
            id BLOB PRIMARY KEY NOT NULL,
            debit_account_id BLOB NOT NULL,
            credit_account_id BLOB NOT NULL,
            amount INTEGER NOT NULL,
            pending_id BLOB,
            timeout INTEGER NOT NULL,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- One row per pending transfer: its fate. state 0 pending, 1 posted, 2 voided, 3 expired.
        CREATE TABLE ledger_pending (
            id BLOB PRIMARY KEY NOT NULL,
            expires_at INTEGER NOT NULL,
            state INTEGER NOT NULL,
            resolved_by BLOB,
            resolved_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX ledger_pending_due ON ledger_pending(expires_at) WHERE state = 0 AND expires_at > 0;
        -- Balances after each event, only for accounts with the HISTORY flag.
        CREATE TABLE ledger_history (
            account_id BLOB NOT NULL,
            timestamp INTEGER NOT NULL,
            transfer_id BLOB NOT NULL,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL,
            PRIMARY KEY (account_id, timestamp)
        ) WITHOUT ROWID;
    ",
    },
    Migration {
        component: "ledger",
        version: 2,
        // Balances change with every transfer: a narrow table keyed by a small integer keeps the
        // pages each commit writes (and fsyncs) few. The static fields stay in ledger_accounts.
        sql: "
        CREATE TABLE ledger_accounts_v2 (
            num INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            ledger INTEGER NOT NULL,
            code INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            user_data_128 BLOB,
            user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        );
        CREATE TABLE ledger_balances (
            num INTEGER PRIMARY KEY,
            debits_pending INTEGER NOT NULL,
            debits_posted INTEGER NOT NULL,
            credits_pending INTEGER NOT NULL,
            credits_posted INTEGER NOT NULL
        );
        INSERT INTO ledger_accounts_v2 (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp)
            SELECT id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp
            FROM ledger_accounts ORDER BY timestamp;
        INSERT INTO ledger_balances (num, debits_pending, debits_posted, credits_pending, credits_posted)
            SELECT n.num, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted
            FROM ledger_accounts a JOIN ledger_accounts_v2 n ON n.id = a.id;
        DROP TABLE ledger_accounts;
        ALTER TABLE ledger_accounts_v2 RENAME TO ledger_accounts;
    ",
    },
];
