//! `till verify`: checks every ledger invariant and the Z report chain, and prints what it checked.
//! `till migrate`: brings the database's schema up to this build, without starting anything.
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

pub fn migrate(g: &Global) -> CliResult {
    let dir = super::data_dir(g)?;
    std::fs::create_dir_all(&dir)?;
    let config = crate::engine::EngineConfig::load_or_init(&dir)?;
    let at = crate::engine::storage_location(&dir, &config, g.database.as_deref())?;
    let now = i64::try_from(crate::ledger::Clock::now_ns(&crate::ledger::SystemClock) / 1_000_000_000).unwrap_or(0);
    let fresh = crate::ledger::Ledger::migrate_only(&at, &crate::engine::migrations(), now)?;
    let what = if fresh { "created" } else { "up to date" };
    println!("ok: schema {what} at {}", at.describe());
    Ok(ExitCode::SUCCESS)
}
