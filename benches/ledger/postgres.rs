//! The ledger bench's PostgreSQL part: the ledger on PostgreSQL beside a plain PostgreSQL baseline,
//! 8 clients, batch 1, 100 and 1,000, the median of the rounds.

use std::sync::atomic::{AtomicU64, Ordering};

use till::ledger::{Ledger, NewAccount, NewTransfer, SystemClock};
use till::store::Location;
use till::store::Value;
use till::store::postgres::{PgConn, recreate_database};

use super::{ACCOUNTS, LEDGER, drive, median, rounds};

const CLIENTS: u64 = 8;

fn fresh_ledger(url: &str) -> Ledger {
    let db = recreate_database(url, "till_bench_ledger").expect("create the bench database");
    let (ledger, _) =
        Ledger::open_at(&Location::Postgres(db), &[], std::sync::Arc::new(SystemClock)).expect("open ledger");
    let accounts: Vec<NewAccount> =
        (1..=u128::from(ACCOUNTS)).map(|id| NewAccount { id, ledger: LEDGER, code: 1, ..Default::default() }).collect();
    let results = ledger.create_accounts_blocking(accounts).expect("create accounts");
    assert!(results.iter().all(|r| r.is_success()));
    ledger
}

fn ledger_rate(url: &str, batch: usize) -> f64 {
    let ledger = fresh_ledger(url);
    let rate = drive(
        CLIENTS,
        batch,
        |_| ledger.clone(),
        |l, b| {
            let results = l.create_transfers_blocking(b).expect("create transfers");
            assert!(results.iter().all(|r| r.is_success()));
        },
    );
    let report = ledger.verify().expect("verify");
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    rate
}

/// The baseline's own tables: balances on the account row, one row per transfer.
const BASELINE_SCHEMA: &str = "
    CREATE TABLE accounts (id BYTEA PRIMARY KEY, debits_posted BIGINT NOT NULL, credits_posted BIGINT NOT NULL);
    CREATE TABLE transfers (
        id BYTEA PRIMARY KEY, debit_account_id BYTEA NOT NULL, credit_account_id BYTEA NOT NULL,
        amount BIGINT NOT NULL, ledger BIGINT NOT NULL, code BIGINT NOT NULL, timestamp BIGINT NOT NULL);
    INSERT INTO accounts SELECT decode(lpad(to_hex(n), 32, '0'), 'hex'), 0, 0 FROM generate_series(1, 10000) n;";

fn baseline_rate(url: &str, batch: usize) -> f64 {
    let db = recreate_database(url, "till_bench_baseline").expect("create the baseline database");
    PgConn::connect(&db).expect("connect").execute_batch(BASELINE_SCHEMA).expect("baseline schema");
    let clock = AtomicU64::new(1);
    drive(
        CLIENTS,
        batch,
        |_| PgConn::connect(&db).expect("connect"),
        |c, b: Vec<NewTransfer>| {
            // Every balance change of the batch, in account order (no two clients deadlock).
            let mut legs: Vec<(u128, i64, i64)> = Vec::with_capacity(b.len() * 2);
            for t in &b {
                legs.push((t.debit_account_id, t.amount as i64, 0));
                legs.push((t.credit_account_id, 0, t.amount as i64));
            }
            legs.sort_by_key(|l| l.0);
            c.execute_batch("BEGIN").expect("begin");
            for (id, dr, cr) in legs {
                let k = id.to_be_bytes();
                c.execute(
                    "UPDATE accounts SET debits_posted = debits_posted + ?2, credits_posted = credits_posted + ?3 \
                     WHERE id = ?1",
                    &[Value::Blob(&k), Value::Int(dr), Value::Int(cr)],
                )
                .expect("update balance");
            }
            for t in &b {
                let (id, dr, cr) =
                    (t.id.to_be_bytes(), t.debit_account_id.to_be_bytes(), t.credit_account_id.to_be_bytes());
                c.execute(
                    "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code, timestamp) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    &[
                        Value::Blob(&id),
                        Value::Blob(&dr),
                        Value::Blob(&cr),
                        Value::Int(t.amount as i64),
                        Value::from(t.ledger),
                        Value::from(t.code),
                        Value::Int(clock.fetch_add(1, Ordering::Relaxed) as i64),
                    ],
                )
                .expect("insert transfer");
            }
            c.execute_batch("COMMIT").expect("commit");
        },
    )
}

pub fn run(url: &str) {
    println!("postgres: {ACCOUNTS} accounts, {CLIENTS} clients, median of {} rounds", rounds());
    println!("{:>6} {:>8} {:>14} {:>14} {:>7}", "batch", "clients", "ledger/s", "baseline/s", "ratio");
    for batch in [1usize, 100, 1000] {
        let (mut ledgers, mut baselines, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds() {
            let l = ledger_rate(url, batch);
            let b = baseline_rate(url, batch);
            ledgers.push(l);
            baselines.push(b);
            ratios.push(l / b);
        }
        let (l, b, r) = (median(ledgers), median(baselines), median(ratios));
        println!("{batch:>6} {CLIENTS:>8} {l:>14.0} {b:>14.0} {r:>7.2}");
    }
}
