//! `till verify`: checks every ledger invariant and the Z report chain, and prints what it checked.
//! `till migrate`: brings the database's schema up to this build, without starting anything.
use std::process::ExitCode;

use super::progress::{Progress, rate, secs};
use super::{CliResult, Global};

pub fn run(g: &Global) -> CliResult {
    let engine = super::open_engine(g)?;
    let total = engine.ledger().transfer_count()?;
    let bar = Progress::bar(g, "verify", total, "transfers");
    let mut report = engine.ledger().verify_with(&mut |n| bar.set_position(n))?;
    bar.set_position(total);
    bar.message("· the Z chain");
    let (checked, violations) = crate::engine::reports::verify_chain(&engine)?;
    report.checked.extend(checked);
    report.violations.extend(violations);
    let took = bar.elapsed();
    bar.finish(&format!(
        "verify: {total} transfers in {} ({}/s), {} violation(s)",
        secs(took),
        rate(total, took),
        report.violations.len()
    ));
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
    let migrations = crate::engine::migrations();
    // One call that applies each migration in its own transaction: a spinner, not a count.
    let spin = Progress::spinner(g, "migrate");
    spin.message(&format!("{} migrations known", migrations.len()));
    let fresh = crate::ledger::Ledger::migrate_only(&at, &migrations, now)?;
    let what = if fresh { "created" } else { "up to date" };
    let took = spin.elapsed();
    spin.finish(&format!("migrate: schema {what} in {}", secs(took)));
    println!("ok: schema {what} at {}", at.describe());
    Ok(ExitCode::SUCCESS)
}
