//! The SQLite ledger store against files older builds wrote.

use crate::ledger::{AccountFlags, CreateAccountResult, CreateTransferResult, Ledger, NewAccount, NewTransfer};
use crate::store::ledger::Dialect;
use crate::store::ledger_store::LEDGER_MIGRATIONS;

fn balances(l: &Ledger, id: u128) -> (u64, u64, u64, u64) {
    let a = l.lookup_accounts(&[id]).unwrap().remove(0);
    (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
}

#[test]
fn migration_2_moves_balances_into_their_own_table_without_changing_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    {
        // A file as version 1 of the schema left it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&LEDGER_MIGRATIONS[0].text_for(Dialect::Sqlite)).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (component TEXT NOT NULL, version INTEGER NOT NULL,
                applied_at INTEGER NOT NULL, PRIMARY KEY (component, version));
             INSERT INTO schema_migrations VALUES ('ledger', 1, 0);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger_accounts VALUES (?1, 978, 1, 2, 0, 5, 0, 9, NULL, 0, 0, 1)",
            [2u128.to_be_bytes()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger_accounts VALUES (?1, 978, 1, 0, 0, 9, 0, 5, NULL, 0, 0, 2)",
            [1u128.to_be_bytes()],
        )
        .unwrap();
    }
    let l = Ledger::open(&path, &[]).unwrap();
    assert_eq!(balances(&l, 2), (0, 5, 0, 9));
    assert_eq!(balances(&l, 1), (0, 9, 0, 5));
    assert_eq!(l.lookup_accounts(&[2]).unwrap()[0].flags, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS);
    // And it keeps working: a new account and a transfer.
    assert_eq!(
        l.create_accounts_blocking(vec![NewAccount { id: 3, ledger: 978, code: 1, ..Default::default() }]).unwrap(),
        vec![CreateAccountResult::Ok]
    );
    assert_eq!(
        l.create_transfers_blocking(vec![NewTransfer {
            id: 10,
            debit_account_id: 2,
            credit_account_id: 3,
            amount: 4,
            ledger: 978,
            code: 1,
            ..Default::default()
        }])
        .unwrap(),
        vec![CreateTransferResult::Ok]
    );
    assert_eq!(balances(&l, 2), (0, 9, 0, 9));
}
