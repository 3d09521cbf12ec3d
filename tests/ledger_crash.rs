//! Crash test: a child process submits transfers, linked chains and two-phase transfers from
//! several threads and prints each id once acknowledged; we SIGKILL it once it has acknowledged a
//! random number of transfers (progress, not wall-clock time, so a loaded machine kills as
//! deep into the work as an idle one), reopen the file each time and check that every
//! acknowledged transfer is there, no linked chain is half-applied, and `verify` passes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rand::Rng;
use till::ledger::Ledger;

const RUNS: u32 = 24;

#[derive(Default)]
struct Seen {
    acked: Vec<u128>,
    chains: Vec<[u128; 3]>,
}

fn parse_id(s: &str) -> u128 {
    u128::from_str_radix(s, 16).unwrap()
}

/// Reads the child's complete lines (a line cut by the kill has no newline and is ignored),
/// reporting the running count of acknowledgements on `acks`.
fn read_lines(out: impl std::io::Read, acks: mpsc::Sender<usize>) -> Seen {
    let mut reader = BufReader::new(out);
    let mut seen = Seen::default();
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if !line.ends_with('\n') => break,
            Ok(_) => {}
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["ack", id] => {
                seen.acked.push(parse_id(id));
                let _ = acks.send(seen.acked.len());
            }
            ["try-chain", a, b, c] => seen.chains.push([parse_id(a), parse_id(b), parse_id(c)]),
            _ => panic!("unexpected line from the child: {line:?}"),
        }
    }
    seen
}

#[test]
fn acknowledged_transfers_survive_sigkill_and_chains_never_half_apply() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite");
    let mut rng = rand::rng();
    let mut all_acked: Vec<u128> = Vec::new();
    let mut all_chains: Vec<[u128; 3]> = Vec::new();
    let mut acked_before_kill = Vec::new();
    for run in 1..=RUNS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ledger_crash_child"))
            .arg(&path)
            .arg(run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, acks) = mpsc::channel();
        let reader = std::thread::spawn(move || read_lines(stdout, tx));
        // Kill once the child has had this many transfers acknowledged: early in some runs, deep
        // in others. More work is in flight (submitted, not yet acknowledged) at that moment.
        let kill_after = rng.random_range(1..=60);
        loop {
            match acks.recv_timeout(Duration::from_secs(60)) {
                Ok(n) if n >= kill_after => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = child.kill();
                    panic!("run {run}: the child stopped acknowledging before {kill_after}: {e}");
                }
            }
        }
        // Child::kill is SIGKILL on Unix: no destructor, no flush, no clean close.
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "the child stopped on its own: {status:?}");
        let seen = reader.join().unwrap();
        acked_before_kill.push(seen.acked.len());

        let ledger = Ledger::open(&path, &[]).unwrap();
        all_acked.extend(&seen.acked);
        all_chains.extend(&seen.chains);
        let found: HashSet<u128> = ledger.lookup_transfers(&all_acked).unwrap().iter().map(|t| t.id).collect();
        let lost: Vec<&u128> = all_acked.iter().filter(|id| !found.contains(id)).collect();
        assert!(lost.is_empty(), "run {run}: {} acknowledged transfers lost, e.g. {:032x}", lost.len(), lost[0]);
        for chain in &all_chains {
            let present = ledger.lookup_transfers(chain).unwrap().len();
            assert!(present == 0 || present == 3, "run {run}: chain {chain:x?} half-applied ({present} of 3)");
        }
        let report = ledger.verify().unwrap();
        assert!(report.violations.is_empty(), "run {run}: {:?}", report.violations);
    }
    eprintln!("STATS acked={} chains={} per-run={:?}", all_acked.len(), all_chains.len(), acked_before_kill);
    // Every run was killed with acknowledged work behind it (the kill waits for it), and chains
    // were submitted, so the checks above had something to find.
    assert!(acked_before_kill.iter().all(|&n| n > 0), "{acked_before_kill:?}");
    assert!(all_chains.len() >= RUNS as usize, "only {} chains in {RUNS} runs", all_chains.len());
}
