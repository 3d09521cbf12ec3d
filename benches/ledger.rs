//! `cargo bench --bench ledger`: durable transfers per second with 10,000 accounts, for batch sizes
//! 1, 10, 100 and 1,000 with 1 and 8 concurrent submitters, beside a same-run baseline that inserts
//! the same rows into a plain SQLite table with the same pragmas (WAL, synchronous=FULL), one
//! transaction per batch; then p50/p99 latency of single transfers from 8 concurrent submitters.
//!
//! With `TILL_DATABASE=postgres://…` set, the same ledger then runs on PostgreSQL (a fresh
//! database each round) beside a plain PostgreSQL baseline in the same run: 8 clients, each on its
//! own connection, doing the same double-entry transfer as bare SQL (per batch one transaction:
//! both balance updates of every transfer, in account order so clients never deadlock, and the
//! transfer row), at batch 1, 100 and 1,000. `LEDGER_BENCH_ONLY=postgres` runs only that part.
//!
//! The machine is shared and its fsync latency swings several-fold within seconds, so each figure is
//! the median of LEDGER_BENCH_ROUNDS rounds (default 5) of LEDGER_BENCH_SECS seconds (default 0.6);
//! a ledger round and a baseline round run back to back, and the ratio is the median of the
//! per-round ratios.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use till::ledger::{Ledger, NewAccount, NewTransfer};

const ACCOUNTS: u64 = 10_000;
const LEDGER: u32 = 978;

fn secs() -> Duration {
    let s: f64 = std::env::var("LEDGER_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(0.6);
    Duration::from_secs_f64(s)
}

fn rounds() -> usize {
    std::env::var("LEDGER_BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A small deterministic generator (xorshift), so both sides get the same rows.
struct Rows {
    state: u64,
    next_id: u128,
}

impl Rows {
    fn new(submitter: u64) -> Rows {
        Rows { state: 0x9E37_79B9_7F4A_7C15 ^ (submitter + 1), next_id: (u128::from(submitter) + 1) << 64 }
    }
    fn rand(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }
    fn transfer(&mut self) -> NewTransfer {
        let dr = 1 + self.rand() % ACCOUNTS;
        let cr = 1 + (dr + self.rand() % (ACCOUNTS - 1)) % ACCOUNTS;
        self.next_id += 1;
        NewTransfer {
            id: self.next_id,
            debit_account_id: u128::from(dr),
            credit_account_id: u128::from(cr),
            amount: 1 + self.rand() % 10_000,
            ledger: LEDGER,
            code: 1,
            ..Default::default()
        }
    }
    fn batch(&mut self, n: usize) -> Vec<NewTransfer> {
        (0..n).map(|_| self.transfer()).collect()
    }
}

/// Runs `submitters` threads calling `submit(batch)` until the time is up; returns transfers/s.
fn drive<S: Send>(
    submitters: u64,
    batch: usize,
    make: impl Fn(u64) -> S,
    submit: impl Fn(&mut S, Vec<NewTransfer>) + Sync,
) -> f64 {
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let start_line = Barrier::new(submitters as usize + 1);
    let elapsed = std::thread::scope(|scope| {
        for s in 0..submitters {
            let mut state = make(s);
            let (done, stop, start_line, submit) = (&done, &stop, &start_line, &submit);
            scope.spawn(move || {
                let mut rows = Rows::new(s);
                start_line.wait();
                while !stop.load(Ordering::Relaxed) {
                    submit(&mut state, rows.batch(batch));
                    done.fetch_add(batch as u64, Ordering::Relaxed);
                }
            });
        }
        start_line.wait();
        let t0 = Instant::now();
        std::thread::sleep(secs());
        stop.store(true, Ordering::Relaxed);
        t0.elapsed()
    });
    done.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
}

fn fresh_ledger(dir: &tempfile::TempDir, name: &str) -> Ledger {
    let ledger = Ledger::open(&dir.path().join(name), &[]).expect("open ledger");
    let accounts: Vec<NewAccount> =
        (1..=u128::from(ACCOUNTS)).map(|id| NewAccount { id, ledger: LEDGER, code: 1, ..Default::default() }).collect();
    let results = ledger.create_accounts_blocking(accounts).expect("create accounts");
    assert!(results.iter().all(|r| r.is_success()));
    ledger
}

fn ledger_rate(dir: &tempfile::TempDir, submitters: u64, batch: usize, round: usize) -> f64 {
    let ledger = fresh_ledger(dir, &format!("ledger-{submitters}-{batch}-{round}.sqlite"));
    let rate = drive(
        submitters,
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

/// The baseline: the same rows into a plain table, one transaction per batch. Submitters share
/// one connection behind a mutex (SQLite has one writer anyway; this avoids busy-wait sleeps).
fn baseline_rate(dir: &tempfile::TempDir, submitters: u64, batch: usize, round: usize) -> f64 {
    let conn =
        Connection::open(dir.path().join(format!("baseline-{submitters}-{batch}-{round}.sqlite"))).expect("open");
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())).expect("wal");
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA cache_size=-16000; PRAGMA wal_autocheckpoint=10000;
         CREATE TABLE transfers (
            id BLOB PRIMARY KEY NOT NULL, debit_account_id BLOB NOT NULL, credit_account_id BLOB NOT NULL,
            amount INTEGER NOT NULL, pending_id BLOB, timeout INTEGER NOT NULL, ledger INTEGER NOT NULL,
            code INTEGER NOT NULL, flags INTEGER NOT NULL, user_data_128 BLOB, user_data_64 INTEGER NOT NULL,
            user_data_32 INTEGER NOT NULL, timestamp INTEGER NOT NULL) WITHOUT ROWID;",
    )
    .expect("schema");
    let conn = Mutex::new(conn);
    let clock = AtomicU64::new(1);
    drive(
        submitters,
        batch,
        |_| (),
        |_, b| {
            let mut conn = conn.lock().expect("lock");
            let tx = conn.transaction().expect("begin");
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, pending_id, timeout, \
                         ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp) \
                         VALUES (?1, ?2, ?3, ?4, NULL, 0, ?5, ?6, 0, NULL, 0, 0, ?7)",
                    )
                    .expect("prepare");
                for t in b {
                    stmt.execute(params![
                        t.id.to_be_bytes(),
                        t.debit_account_id.to_be_bytes(),
                        t.credit_account_id.to_be_bytes(),
                        t.amount as i64,
                        t.ledger,
                        t.code,
                        clock.fetch_add(1, Ordering::Relaxed) as i64,
                    ])
                    .expect("insert");
                }
            }
            tx.commit().expect("commit");
        },
    )
}

fn latency(dir: &tempfile::TempDir) -> (Duration, Duration, usize) {
    let ledger = fresh_ledger(dir, "latency.sqlite");
    let samples = Mutex::new(Vec::new());
    drive(
        8,
        1,
        |_| ledger.clone(),
        |l, b| {
            let t0 = Instant::now();
            let results = l.create_transfers_blocking(b).expect("create transfers");
            let took = t0.elapsed();
            assert!(results.iter().all(|r| r.is_success()));
            samples.lock().expect("lock").push(took);
        },
    );
    let mut all = samples.into_inner().expect("samples");
    all.sort();
    let at = |q: f64| all[((all.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99), all.len())
}

/// What the disk gives: latency of one-row commits on a plain table from a single submitter.
fn baseline_latency(dir: &tempfile::TempDir) -> (Duration, Duration, usize) {
    let conn = Connection::open(dir.path().join("baseline-latency.sqlite")).expect("open");
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())).expect("wal");
    conn.execute_batch("PRAGMA synchronous=FULL; CREATE TABLE t (id BLOB PRIMARY KEY NOT NULL, amount INTEGER NOT NULL) WITHOUT ROWID;")
        .expect("schema");
    let mut all = Vec::new();
    let t0 = Instant::now();
    let mut id: u128 = 0;
    while t0.elapsed() < secs() {
        id += 1;
        let t = Instant::now();
        conn.execute("INSERT INTO t (id, amount) VALUES (?1, 1)", [id.to_be_bytes()]).expect("insert");
        all.push(t.elapsed());
    }
    all.sort();
    let at = |q: f64| all[((all.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99), all.len())
}

fn print_latencies(dir: &tempfile::TempDir) -> Duration {
    let (p50, p99, n) = latency(dir);
    println!("single transfers, 8 submitters: p50 {:.2} ms, p99 {:.2} ms ({n} samples)", ms(p50), ms(p99));
    let (b50, b99, bn) = baseline_latency(dir);
    println!("baseline one-row commits, 1 submitter: p50 {:.2} ms, p99 {:.2} ms ({bn} samples)", ms(b50), ms(b99));
    p99
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let dir = tempfile::tempdir().expect("tempdir");
    let pg = std::env::var("TILL_DATABASE").ok().filter(|u| u.starts_with("postgres"));
    if std::env::var("LEDGER_BENCH_ONLY").is_ok_and(|v| v == "postgres") {
        match &pg {
            Some(url) => postgres::run(url),
            None => println!("postgres part skipped: TILL_DATABASE is not set"),
        }
        return;
    }
    if std::env::var("LEDGER_BENCH_ONLY").is_ok_and(|v| v == "latency") {
        print_latencies(&dir);
        return;
    }
    // For profiling: LEDGER_BENCH_ONLY=<submitters>x<batch> runs just that ledger measurement.
    if let Some((s, b)) = std::env::var("LEDGER_BENCH_ONLY").ok().and_then(|v| {
        let (s, b) = v.split_once('x')?;
        Some((s.parse::<u64>().ok()?, b.parse::<usize>().ok()?))
    }) {
        println!("ledger {s}x{b}: {:.0}/s", ledger_rate(&dir, s, b, 0));
        if std::env::var("LEDGER_BENCH_BASELINE").is_ok() {
            println!("baseline {s}x{b}: {:.0}/s", baseline_rate(&dir, s, b, 0));
        }
        return;
    }
    println!("ledger bench: {ACCOUNTS} accounts, median of {} rounds x {:?}, WAL + synchronous=FULL", rounds(), secs());
    println!("{:>6} {:>11} {:>14} {:>14} {:>7}", "batch", "submitters", "ledger/s", "baseline/s", "ratio");
    let mut misses = Vec::new();
    for submitters in [1u64, 8] {
        for batch in [1usize, 10, 100, 1000] {
            let (mut ledgers, mut baselines, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..rounds() {
                // A fresh directory per round, removed after it (a round can write ~100 MB).
                let round_dir = tempfile::tempdir().expect("tempdir");
                let l = ledger_rate(&round_dir, submitters, batch, round);
                let b = baseline_rate(&round_dir, submitters, batch, round);
                ledgers.push(l);
                baselines.push(b);
                ratios.push(l / b);
            }
            let (ledger, baseline, ratio) = (median(ledgers), median(baselines), median(ratios));
            println!("{batch:>6} {submitters:>11} {ledger:>14.0} {baseline:>14.0} {ratio:>7.2}");
            if ratio < 0.6 {
                misses.push(format!("batch {batch} x{submitters}: ratio {ratio:.2} < 0.60"));
            }
            if batch == 100 && ledger < 50_000.0 {
                misses.push(format!("batch 100 x{submitters}: {ledger:.0}/s < 50,000/s"));
            }
            if batch == 1000 && ledger < 100_000.0 {
                misses.push(format!("batch 1000 x{submitters}: {ledger:.0}/s < 100,000/s"));
            }
        }
    }
    let p99 = print_latencies(&dir);
    if p99 > Duration::from_millis(5) {
        misses.push(format!("p99 {:.2} ms > 5 ms", ms(p99)));
    }
    if misses.is_empty() {
        println!("targets: all met");
    } else {
        println!("targets missed: {}", misses.join("; "));
    }
    match &pg {
        Some(url) => postgres::run(url),
        None => println!("postgres part skipped: TILL_DATABASE is not set"),
    }
}

#[path = "ledger/postgres.rs"]
mod postgres;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
