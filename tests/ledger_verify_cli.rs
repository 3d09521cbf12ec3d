//! `till verify` on a real data directory: exit 0 when every invariant holds; a balance edited
//! behind the ledger's back is reported and the exit code says so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use till::ledger::{AccountFlags, Ledger, NewAccount, NewTransfer};

fn verify(dir: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_till")).arg("verify").arg("--data").arg(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn till_verify_passes_on_a_good_ledger_and_fails_on_an_edited_balance() {
    let dir = tempfile::tempdir().unwrap();
    // First run initialises the data directory (with the demo data) and checks it.
    let (ok, text) = verify(dir.path());
    assert!(ok, "{text}");
    assert!(text.contains("checked: sum of debits = sum of credits per ledger"), "{text}");
    assert!(text.contains("ok: every invariant holds"), "{text}");

    let file = dir.path().join(till::engine::LEDGER_FILE);
    {
        let ledger = Ledger::open(&file, &[]).unwrap();
        let accounts = vec![
            NewAccount { id: 7001, ledger: 978, code: 99, ..Default::default() },
            NewAccount { id: 7002, ledger: 978, code: 99, flags: AccountFlags::HISTORY, ..Default::default() },
        ];
        assert!(ledger.create_accounts_blocking(accounts).unwrap().iter().all(|r| r.is_success()));
        let t = NewTransfer {
            id: 7003,
            debit_account_id: 7001,
            credit_account_id: 7002,
            amount: 250,
            ledger: 978,
            code: 99,
            ..Default::default()
        };
        assert!(ledger.create_transfers_blocking(vec![t]).unwrap()[0].is_success());
    }
    let (ok, text) = verify(dir.path());
    assert!(ok, "{text}");

    // Someone edits a balance with SQL instead of making a transfer.
    let conn = rusqlite::Connection::open(&file).unwrap();
    let n = conn
        .execute(
            "UPDATE ledger_balances SET credits_posted = credits_posted + 100
             WHERE num = (SELECT num FROM ledger_accounts WHERE id = ?1)",
            [7002u128.to_be_bytes()],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let (ok, text) = verify(dir.path());
    assert!(!ok, "verify passed on an edited balance: {text}");
    assert!(text.contains("VIOLATION"), "{text}");
    assert!(
        text.contains("account 00000000000000000000000000001b5a stores dp=0 dpo=0 cp=0 cpo=350 but its transfers give dp=0 dpo=0 cp=0 cpo=250"),
        "the edited account is named with both figures: {text}"
    );
    assert!(text.contains("ledger 978: posted debits"), "{text}");
}
