//! `till verify`: checks every ledger invariant and the Z report chain, and prints what it checked.
use std::process::ExitCode;

use super::{CliResult, Global};

pub fn run(g: &Global) -> CliResult {
    let engine = super::open_engine(g)?;
    let mut report = engine.ledger().verify()?;
    let (checked, violations) = crate::engine::reports::verify_chain(&engine)?;
    report.checked.extend(checked);
    report.violations.extend(violations);
    for line in &report.checked {
        println!("checked: {line}");
    }
    if report.violations.is_empty() {
        println!("ok: every invariant holds");
        return Ok(ExitCode::SUCCESS);
    }
    for v in &report.violations {
        println!("VIOLATION: {v}");
    }
    println!("{} violation(s)", report.violations.len());
    Ok(ExitCode::FAILURE)
}
