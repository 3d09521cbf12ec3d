//! `till cards generate --count N`: registers N inactive gift cards and prints their numbers.

use std::io::Write;
use std::process::ExitCode;

use super::{CliResult, Global, open_engine};

/// More than this in one go is almost certainly a typo.
const MAX_COUNT: u32 = 100_000;

pub fn generate(g: &Global, count: u32) -> CliResult {
    if count == 0 || count > MAX_COUNT {
        return Err(format!("--count must be 1 to {MAX_COUNT}").into());
    }
    let engine = open_engine(g)?;
    let numbers = crate::engine::cards::generate(&engine, count)?;
    let mut out = std::io::stdout().lock();
    for n in numbers {
        writeln!(out, "{n}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
