//! `till cards generate --count N`: registers N inactive gift cards and prints their numbers.
//!
//! The cards are registered in batches, each its own commit, and each batch's numbers are printed
//! once it is committed: Ctrl+C stops after the batch in progress, and every number printed is a
//! registered card (and no registered card goes unprinted).

use std::io::Write;
use std::process::ExitCode;

use super::progress::{INTERRUPTED, Progress, Stop, rate, secs};
use super::{CliResult, Global, open_engine};
use crate::engine::cards::Program;

/// More than this in one go is almost certainly a typo.
const MAX_COUNT: u32 = 100_000;
/// Cards per commit.
const BATCH: u32 = 1_000;

pub fn generate(g: &Global, count: u32) -> CliResult {
    if count == 0 || count > MAX_COUNT {
        return Err(format!("--count must be 1 to {MAX_COUNT}").into());
    }
    let engine = open_engine(g)?;
    let program = Program::from_engine(&engine)?;
    let stop = Stop::install()?;
    let bar = Progress::bar(g, "cards", u64::from(count), "cards");
    let mut out = std::io::stdout().lock();
    let mut done = 0u32;
    while done < count && !stop.requested() {
        let n = BATCH.min(count - done);
        let p = program.clone();
        let numbers = engine.ledger().write_blocking(move |tx| crate::engine::cards::generate_in(tx, &p, n))?;
        for number in &numbers {
            writeln!(out, "{number}")?;
        }
        out.flush()?;
        done += n;
        bar.set_position(u64::from(done));
    }
    let took = bar.elapsed();
    let per_sec = rate(u64::from(done), took);
    if done < count {
        bar.finish(&format!("cards: interrupted; {done} of {count} registered and printed ({})", secs(took)));
        return Ok(ExitCode::from(INTERRUPTED));
    }
    bar.finish(&format!("cards: {done} registered in {} ({per_sec}/s)", secs(took)));
    Ok(ExitCode::SUCCESS)
}
