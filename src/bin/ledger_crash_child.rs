//! Test helper for `tests/ledger_crash.rs`: submits transfers, linked chains and two-phase
//! transfers from several threads to the ledger at `argv[1]` until killed, printing each id once
//! it is acknowledged (its commit is durable) and each chain before it is submitted.
//!
//! Output lines: `try-chain <id> <id> <id>`, `ack <id>`.
//! Usage: ledger_crash_child <ledger file> <run number>
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

use till::ledger::{AccountFlags, CreateTransferResult, Ledger, NewAccount, NewTransfer, TransferFlags};

const EUR: u32 = 978;
const ACCOUNTS: u128 = 8;
const THREADS: u128 = 4;

static OUT: Mutex<()> = Mutex::new(());

fn say(line: &str) {
    let _guard = OUT.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = std::io::stdout().lock();
    // The parent kills us at any moment; a line is only worth something once it is out.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn transfer(id: u128, dr: u128, cr: u128, amount: u64, flags: TransferFlags) -> NewTransfer {
    NewTransfer {
        id,
        debit_account_id: dr,
        credit_account_id: cr,
        amount,
        ledger: EUR,
        code: 1,
        flags,
        ..Default::default()
    }
}

fn submit(ledger: &Ledger, batch: Vec<NewTransfer>) -> Result<(), String> {
    let ids: Vec<u128> = batch.iter().map(|t| t.id).collect();
    let results = ledger.create_transfers_blocking(batch).map_err(|e| e.to_string())?;
    for (id, r) in ids.iter().zip(results) {
        if r.is_success() {
            say(&format!("ack {id:032x}"));
        } else if r != CreateTransferResult::LinkedEventFailed {
            return Err(format!("transfer {id:032x} failed: {r:?}"));
        }
    }
    Ok(())
}

fn worker(ledger: Ledger, run: u128, thread: u128) -> Result<(), String> {
    let mut n: u128 = 0;
    let mut next_id = || {
        n += 1;
        (run << 64) | (thread << 48) | n
    };
    let mut step: u64 = 0;
    loop {
        step += 1;
        let a = 1 + (step as u128 + thread) % ACCOUNTS;
        let b = 1 + (a % ACCOUNTS);
        let c = 1 + (b % ACCOUNTS);
        match (thread + step as u128) % 3 {
            // A batch of independent transfers.
            0 => {
                let batch =
                    (0..(1 + step % 7)).map(|k| transfer(next_id(), a, b, 1 + k, TransferFlags::NONE)).collect();
                submit(&ledger, batch)?;
            }
            // A linked chain a -> b -> c -> a: all three or none.
            1 => {
                let ids = [next_id(), next_id(), next_id()];
                say(&format!("try-chain {:032x} {:032x} {:032x}", ids[0], ids[1], ids[2]));
                let chain = vec![
                    transfer(ids[0], a, b, 5, TransferFlags::LINKED),
                    transfer(ids[1], b, c, 5, TransferFlags::LINKED),
                    transfer(ids[2], c, a, 5, TransferFlags::NONE),
                ];
                submit(&ledger, chain)?;
            }
            // A hold, then its (partial) post in a second request.
            _ => {
                let hold = next_id();
                submit(&ledger, vec![transfer(hold, a, c, 40, TransferFlags::PENDING)])?;
                let post = NewTransfer {
                    id: next_id(),
                    pending_id: hold,
                    amount: 25,
                    flags: TransferFlags::POST_PENDING_TRANSFER,
                    ..Default::default()
                };
                submit(&ledger, vec![post])?;
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(run)) = (args.get(1), args.get(2).and_then(|r| r.parse::<u128>().ok())) else {
        eprintln!("usage: ledger_crash_child <ledger file> <run number>");
        return ExitCode::from(2);
    };
    let ledger = match Ledger::open(std::path::Path::new(path), &[]) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("open: {e}");
            return ExitCode::from(2);
        }
    };
    let accounts: Vec<NewAccount> = (1..=ACCOUNTS)
        .map(|id| NewAccount { id, ledger: EUR, code: 1, flags: AccountFlags::HISTORY, ..Default::default() })
        .collect();
    match ledger.create_accounts_blocking(accounts) {
        Ok(r) if r.iter().all(|r| r.is_success()) => {}
        other => {
            eprintln!("accounts: {other:?}");
            return ExitCode::from(2);
        }
    }
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let ledger = ledger.clone();
            std::thread::spawn(move || worker(ledger, run, t))
        })
        .collect();
    for w in workers {
        if let Ok(Err(e)) = w.join() {
            eprintln!("worker: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
